"""Learned terms: from span-level annotations, and from text labels.

From annotations (annotators' marked words or spans, :func:`learn_terms`): a term's weight is
the smoothed share of its occurrences that annotators marked as loaded:
``marked / (occurrences + prior)``. From labels (:func:`learn_label_terms`): the candidate
words (a subjectivity lexicon's, say) whose texts lean towards framed ones, weighted by that
lean. :func:`learned_terms_for` is what a model learns of both. Terms are one or two words,
matched (as lexicon terms are) by their Snowball stems. Words that carry no framing are never
learned: stop words, words with digits, weekdays and months, words of fewer than three
letters, and proper names (words written with a capital inside a sentence in most of their
occurrences).

Annotations come in two shapes, both turned into character spans: lists of marked words per
text (BABE's ``biased_words``: :func:`word_spans`), or character offsets (a span table such
as the Propaganda Techniques Corpus's).
"""

from __future__ import annotations

import ast
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .lexicon import default_paths, load_entries
from .text import normalize, stem, token_spans

_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december today yesterday tomorrow "
    "week month year".split())
#: The category of candidate words learned from text labels (:func:`learn_label_terms`).
SUBJECTIVE = "learned_subjective"
#: Settings of :func:`learn_terms` when a model learns from annotated spans.
TERM_PARAMS = {"min_marked": 2, "min_weight": 0.25}
#: With groups (outlets, articles), a learned term must be marked in this many of them.
GROUPS_MARKING = 3
#: Settings of :func:`learn_label_terms` when a model is given candidate words (chosen on the
#: transfer benchmark: a word in ten texts or more, of lean 0.1 or more).
LABEL_TERM_PARAMS = {"prior": 3.0, "min_texts": 10, "min_lean": 0.1}
_WORD_RE = re.compile(r"[a-z][a-z'-]*[a-z]\Z")


def parse_word_list(value) -> list[str]:
    """A marked-words cell as a list: ``"['a', 'b']"`` (BABE), ``"a|b"``, ``"a;b"`` or empty."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    value = str(value).strip()
    if value.startswith("["):
        try:
            return [str(v) for v in ast.literal_eval(value)]
        except (ValueError, SyntaxError):
            raise ValueError(f"cannot read the word list {value[:60]!r}") from None
    return [w.strip() for w in re.split(r"[|;]", value) if w.strip()]


def read_word_list(path) -> list[str]:
    """The words of a word-list file, one per line (lowercased; blank lines, ``#`` and ``;``
    comment lines and multi-word entries left out), read as UTF-8 or else Latin-1, as public
    lexicons are published."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    words = (line.strip().lower() for line in text.splitlines())
    return [w for w in words if w and not w.startswith(("#", ";")) and " " not in w]


def word_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of every occurrence of each marked word or phrase in ``text``
    (case-insensitive, on word boundaries)."""
    out = []
    for w in {w.strip() for w in words if w and w.strip()}:
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, w.split())) + r"(?!\w)"
        out += [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return sorted(out)


def _tokens(text: str, marked: Sequence[tuple[int, int]]):
    """(stem, surface, marked, capitalized inside the sentence) for each word token."""
    spans = sorted(marked)
    k, out = 0, []
    previous_end_char = "."
    for start, end in token_spans(text):
        surface = text[start:end]
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        inside = k < len(spans) and spans[k][0] < end
        initial = previous_end_char in ".!?\n\"'“‘:" or start == 0
        previous_end_char = text[end - 1] if end else "."
        gap = text[max(start - 2, 0):start]
        if "\n" in gap:
            initial = True
        out.append((stem(normalize(surface)), surface.lower(), inside,
                    surface[:1].isupper() and not initial))
    return out


def is_content_word(word: str) -> bool:
    """A lowercase word that may carry framing: three letters or more, no digits, not a stop
    word, a weekday, a month or another word of the calendar."""
    return (len(word) >= 3 and _WORD_RE.match(word) is not None
            and word not in ENGLISH_STOP_WORDS and word not in _CALENDAR)


def proper_names(texts: Iterable[str]) -> set[str]:
    """The lowercase words written with a capital inside a sentence in most of their uses."""
    capital: Counter = Counter()
    seen: Counter = Counter()
    for text in texts:
        for _, surface, _, is_capital in _tokens(text, ()):
            seen[surface] += 1
            capital[surface] += is_capital
    return {w for w, n in seen.items() if capital[w] * 2 > n}


def learn_terms(texts: Sequence[str], marked: Sequence[Sequence[tuple[int, int]]], *,
                groups: Sequence | None = None, min_marked: int = 2, min_groups: int = 1,
                min_weight: float = 0.2, prior: float = 2.0,
                bigrams: bool = True) -> list[tuple[str, float]]:
    """Terms and weights from ``texts`` and their annotated character spans ``marked``
    (one list per text), strongest first (ties by term). With ``groups`` (e.g. the outlet
    of each text), a term must be marked in texts of ``min_groups`` groups or more."""
    if len(texts) != len(marked) or (groups is not None and len(groups) != len(texts)):
        raise ValueError(f"{len(texts)} texts but {len(marked)} span lists"
                         + (f" and {len(groups)} groups" if groups is not None else ""))
    occurrences: Counter = Counter()
    hits: Counter = Counter()
    capitals: Counter = Counter()
    surfaces: dict[tuple[str, ...], Counter] = {}
    marked_in: dict[tuple[str, ...], set] = {}
    for n, (text, spans) in enumerate(zip(texts, marked, strict=True)):
        toks = _tokens(text, spans)
        grams = [((s,), w, m, c) for s, w, m, c in toks]
        if bigrams:
            grams += [((a[0], b[0]), f"{a[1]} {b[1]}", a[2] and b[2], a[3] or b[3])
                      for a, b in itertools.pairwise(toks)]
        for key, surface, is_marked, capital in grams:
            occurrences[key] += 1
            capitals[key] += capital
            if is_marked:
                hits[key] += 1
                surfaces.setdefault(key, Counter())[surface] += 1
                marked_in.setdefault(key, set()).add(n if groups is None else groups[n])
    out = []
    for key, n_marked in hits.items():
        if (n_marked < min_marked or len(marked_in[key]) < min_groups
                or capitals[key] * 2 > occurrences[key]):
            continue
        surface = surfaces[key].most_common(1)[0][0]
        if not all(is_content_word(w) for w in surface.split()):
            continue
        weight = n_marked / (occurrences[key] + prior)
        if weight >= min_weight:
            out.append((surface, round(weight, 4)))
    out.sort(key=lambda tw: (-tw[1], tw[0]))
    return _drop_covered_bigrams(out)


def _drop_covered_bigrams(terms: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Leave out a two-word term whose stronger word is learned at least as strongly
    alone: the bigram would only hide the word's own weight."""
    single = {stem(normalize(t)): w for t, w in terms if " " not in t}
    return [(t, w) for t, w in terms
            if " " not in t or w > max(single.get(stem(normalize(p)), 0.0) for p in t.split())]


_INFLECTION = re.compile(r"(?:e|y|ie)?(?:s|d|ed|ing)?\Z")


def inflects(form: str, word: str) -> bool:
    """Whether ``form`` is ``word`` or an inflection of it, or the reverse ("attacks" and
    "attack", "cried" and "cry", "stopped" and "stop"), not another word of its stem
    ("decades" and "decadent", "nations" and "nationalism")."""
    k = 0
    while k < min(len(form), len(word)) and form[k] == word[k]:
        k += 1
    tails = [form[k:], word[k:]]
    for i, tail in enumerate(tails):  # a doubled final consonant: "stopped", "stop"
        if tail[:1] == form[k - 1:k] and tail[1:2] in ("e", "i"):
            tails[i] = tail[1:]
    return k >= 3 and all(_INFLECTION.match(t) for t in tails)


def learn_label_terms(texts: Sequence[str], labels: Sequence[int], candidates: Iterable[str],
                      *, prior: float = 3.0, min_texts: int = 2, min_lean: float = 0.05,
                      exclude: Iterable[str] = ()) -> list[tuple[str, float]]:
    """Candidate words (e.g. a subjectivity lexicon's) that lean towards framed texts.

    A term matches by its stem, as lexicon terms do, so leaning is measured per stem: over
    the texts with a word of that stem (``min_texts`` or more of them), ``p`` is the smoothed
    share of framed texts (``prior`` pseudo-texts at the base rate ``base``, the share of
    framed texts) and the lean is ``(p - base) / (1 - base)``. Stems of lean ``min_lean`` or
    more are kept, strongest first (ties by word), each as its most frequent lowercase form.
    A stem is kept only when most of its uses are a candidate or an inflection of one (not
    "decades" for "decadent"), and never for stop words, calendar words, stems of
    ``exclude`` or proper names (written with a capital inside a sentence in most uses)."""
    y = np.asarray(labels, dtype=float)
    if len(y) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(y)} labels")
    words: dict[str, set[str]] = {}  # stem → its candidate words
    for w in (c.strip().lower() for c in candidates):
        if is_content_word(w):
            words.setdefault(stem(normalize(w)), set()).add(w)
    for w in exclude:
        words.pop(stem(normalize(w)), None)
    seen: Counter = Counter()  # texts with a word of the stem
    framed: Counter = Counter()  # framed texts with one
    uses: Counter = Counter()
    capitals: Counter = Counter()
    forms: dict[str, Counter] = {}
    for text, label in zip(texts, y, strict=True):
        stems = set()
        for key, surface, _, capital in _tokens(text, ()):
            if key in words:
                stems.add(key)
                uses[key] += 1
                capitals[key] += capital
                forms.setdefault(key, Counter())[surface] += 1
        for key in stems:
            seen[key] += 1
            framed[key] += label
    base = float(y.mean()) if len(y) else 0.0
    if not 0 < base < 1:
        return []
    out = []
    for key, n in seen.items():
        if n < min_texts or capitals[key] * 2 > uses[key]:
            continue
        candidate_uses = sum(c for f, c in forms[key].items()
                             if any(inflects(f, w) for w in words[key]))
        if candidate_uses * 2 <= uses[key]:
            continue
        lean = ((framed[key] + prior * base) / (n + prior) - base) / (1 - base)
        if lean >= min_lean:
            out.append((forms[key].most_common(1)[0][0], round(float(lean), 4)))
    return sorted(out, key=lambda wl: (-wl[1], wl[0]))


def learned_terms_for(texts: Sequence[str], labels: Sequence[int], *, spans=None, groups=None,
                      candidates: Iterable[str] | None = None, lexicons=None,
                      extra_lexicons=()) -> tuple[tuple, ...]:
    """The learned terms of a model trained on ``texts``: from the annotated ``spans`` (one
    list per text; with ``groups``, marked in :data:`GROUPS_MARKING` of them), as ``(term,
    weight)``, then the ``candidates`` that lean framed, as ``(word, lean,``
    :data:`SUBJECTIVE` ``)``, leaving out the words of the lexicons in force (``lexicons``,
    or the shipped ones, and ``extra_lexicons``) and the terms learned from spans."""
    out: list[tuple] = []
    if spans is not None:
        settings = {**TERM_PARAMS, **({} if groups is None else {"min_groups": GROUPS_MARKING})}
        out += learn_terms(list(texts), list(spans), groups=groups, **settings)
    if candidates is not None:
        paths = [*(default_paths() if lexicons is None else lexicons), *extra_lexicons]
        exclude = [e.term for p in paths for e in load_entries(p)] + [t[0] for t in out]
        out += [(w, lean, SUBJECTIVE) for w, lean in learn_label_terms(
            texts, labels, candidates, exclude=exclude, **LABEL_TERM_PARAMS)]
    return tuple(out)
