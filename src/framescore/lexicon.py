"""Lexicon files: load, validate, compile, and match in one pass over the tokens.

A lexicon is a UTF-8 CSV file, one term a row, with the header
``term,category[,neutral][,note][,not_before]`` (other columns are ignored):

- ``term``: one or more words (letters, digits, hyphens, apostrophes), matched
  case-insensitively on token boundaries after Snowball stemming of every word, so ``martyr``
  also matches "martyrs" and "martyred";
- ``category``: ``[a-z][a-z0-9_]*``. The attribution types (:data:`ATTRIBUTION_TYPES`) are
  attribution patterns; any other category is a category of loaded terms;
- ``neutral``: a neutral alternative wording (used for counterfactual scores);
- ``note``: free text;
- ``not_before``: ``|``-separated words or phrases; a match is dropped when the text right
  after it starts with one of them ("claimed" before "responsibility" is not attribution),
  also after a number ("admitted 40 refugees" as "admitted refugees"); when one of them is a
  number word, a numeral blocks too ("claimed 40 lives" as "claimed two").

A speech verb of the governing types (report, distancing, endorsing) is also dropped where its
context shows a noun or a discourse marker (:func:`not_speech`): "the claims", "her tweets",
"allegations", "Speaking of ...".

Matching costs one lookup per token, plus, at tokens that start some term, one lookup of the
next token and one per term length the two start, whatever the lexicon's size; overlapping
matches resolve leftmost-longest.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .inputs import DataError
from .text import TOKEN_RE, Sentence, normalize, stem
from .wording import fit_neutral

ATTRIBUTION_TYPES = ("report", "distancing", "endorsing", "hedge", "unverified", "sourcing")
#: Attribution types whose verbs govern a reported clause ("said that ...").
GOVERNING_TYPES = frozenset({"report", "distancing", "endorsing"})
#: Categories of verbs: their neutral wordings are verb phrases (:func:`fit_neutral`).
_VERB_CATEGORIES = frozenset({"loaded_verb", *ATTRIBUTION_TYPES})
REQUIRED_COLUMNS = ("term", "category")
OPTIONAL_COLUMNS = ("neutral", "note", "not_before")
CATEGORY_RE = re.compile(r"[a-z][a-z0-9_]*\Z")
#: The shipped lexicons (``data/lexicons/`` of the repository): inside the installed package,
#: or, in a source checkout, at the top of the repository.
_INSTALLED_DIR = Path(__file__).parent / "data" / "lexicons"
_REPO_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicons"
DEFAULT_DIR = next((d for d in (_INSTALLED_DIR, _REPO_DIR) if d.is_dir()), _INSTALLED_DIR)


class LexiconError(ValueError):
    """A malformed lexicon file; ``str()`` is ``path:line: reason``."""

    def __init__(self, path: str | Path, line: int, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    neutral: str = ""
    note: str = ""
    not_before: str = ""  # as written in the file: "responsibility|the lives"
    source: str = ""
    line: int = 0
    weight: float = 1.0  # what a match adds to its features (learned terms: their strength)

    @classmethod
    def from_row(cls, row) -> Entry:
        return cls(*row)

    def to_row(self) -> tuple:
        return (self.term, self.category, self.neutral, self.note, self.not_before,
                self.source, self.line, self.weight)

    @property
    def is_attribution(self) -> bool:
        return self.category in ATTRIBUTION_TYPES

    @property
    def key(self) -> tuple[str, ...]:
        return stem_words(self.term)


class Match(NamedTuple):
    """Tokens ``i``..``j-1`` of a sentence matched ``entry``."""

    i: int
    j: int
    entry: Entry


@lru_cache(maxsize=100_000)
def stem_words(phrase: str) -> tuple[str, ...]:
    return tuple(stem(normalize(w)) for w in TOKEN_RE.findall(phrase))


def _check_term(term: str) -> str | None:
    if not term:
        return "empty term"
    words = TOKEN_RE.findall(term)
    if " ".join(words) != " ".join(term.split()):
        return f"term {term!r} must be words separated by spaces (letters, digits, - and ')"
    return None


def load_entries(path: str | Path) -> list[Entry]:
    """Read and validate one lexicon file; raise :class:`LexiconError` on the first bad row.
    Parsed files are cached while their size and modification time stay the same."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise LexiconError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    return list(_load_entries(path, st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=64)
def _load_entries(path: Path, mtime_ns: int, size: int) -> tuple[Entry, ...]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError(path, 0, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # its positions count from after a BOM
        line = raw.count(b"\n", 0, len(raw) - len(exc.object) + exc.start) + 1
        raise LexiconError(path, line, "not valid UTF-8") from None
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if not header:
        raise LexiconError(path, 1, "empty file: expected a header row 'term,category,...'")
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise LexiconError(path, 1, f"missing column(s) {', '.join(missing)}; found {header}")
    col = {name: header.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
           if name in header}
    entries: list[Entry] = []
    seen: dict[tuple[str, ...], int] = {}
    last = rows.line_num  # physical line where the previous row ended
    for row in rows:
        line, last = last + 1, rows.line_num  # a quoted field may span several lines
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise LexiconError(path, line, f"expected {len(header)} fields, found {len(row)}")
        cell = {name: row[i].strip() for name, i in col.items()}
        term = " ".join(cell["term"].lower().split())
        problem = _check_term(term)
        if problem:
            raise LexiconError(path, line, problem)
        category = cell["category"]
        if not CATEGORY_RE.match(category):
            raise LexiconError(path, line, f"category {category!r} must match [a-z][a-z0-9_]*")
        entry = Entry(term, category, cell.get("neutral", ""), cell.get("note", ""),
                      cell.get("not_before", ""), path.name, line)
        if entry.key in seen:
            raise LexiconError(path, line, f"duplicate term {term!r} (first at line "
                               f"{seen[entry.key]}, same after stemming)")
        seen[entry.key] = line
        entries.append(entry)
    if not entries:
        raise LexiconError(path, 1, "no terms")
    return tuple(entries)


def default_paths() -> list[Path]:
    """The lexicon files shipped with framescore."""
    return sorted(DEFAULT_DIR.glob("*.csv"))


def lexicon_paths(extra=()) -> list[Path]:
    """The shipped lexicon files, then the ``extra`` ones (a DataError when there are
    none)."""
    paths = [*default_paths(), *map(Path, extra)]
    if not paths:
        raise DataError(f"{DEFAULT_DIR}: no lexicon files found (pass --lexicon PATH)")
    return paths


def find_term(term: str, paths) -> list[tuple[Path, Entry]]:
    """Where ``term`` is defined in the files ``paths``, in order (matched as the lexicon
    matches: case-insensitively, after stemming): (file, entry) pairs; the last is the one
    in effect."""
    key = stem_words(term)
    return [(Path(path), e) for path in paths for e in load_entries(path) if e.key == key]


class Lexicon:
    """Entries from one or more files, compiled for matching. Later files override earlier ones
    for the same (stemmed) term, so a user lexicon can re-categorize a built-in term."""

    def __init__(self, entries: list[Entry]):
        self.entries: dict[tuple[str, ...], Entry] = {}
        for e in entries:
            self.entries.pop(e.key, None)  # keep the overriding entry's position last
            self.entries[e.key] = e
        longer: dict[str, dict[str, set[int]]] = {}
        for key in self.entries:
            if len(key) > 1:
                longer.setdefault(key[0], {}).setdefault(key[1], set()).add(len(key))
        #: For each stem that starts a term: the lengths of the longer terms to try there, by
        #: the stem after it (longest first), and the one-word term of that stem (or None).
        self._starts: dict[str, tuple[dict[str, tuple[int, ...]], Entry | None]] = {
            first: ({second: tuple(sorted(v, reverse=True))
                     for second, v in longer.get(first, {}).items()},
                    self.entries.get((first,)))
            for first in {key[0] for key in self.entries}}
        #: Each term's ``not_before`` phrases (stemmed), grouped by length: [(length, set)].
        self._blockers = {key: _by_length(e.not_before) for key, e in self.entries.items()
                          if e.not_before}
        #: The terms whose ``not_before`` has a number word: a numeral after them blocks too.
        self._numbers_block = frozenset(
            key for key, e in self.entries.items()
            if not _NUMBER_WORDS.isdisjoint(p.strip().lower() for p in e.not_before.split("|")))
        #: The terms whose matches :meth:`_rejected` checks: those with ``not_before`` and the
        #: speech verbs of the governing types.
        self._checked = frozenset(key for key, e in self.entries.items()
                                  if e.not_before or e.category in GOVERNING_TYPES)

    @classmethod
    def from_paths(cls, paths: list[str | Path]) -> Lexicon:
        return cls([e for p in paths for e in load_entries(p)])

    @property
    def categories(self) -> list[str]:
        """Loaded-term categories, in order of first appearance."""
        return list(dict.fromkeys(e.category for e in self.entries.values()
                                  if not e.is_attribution))

    def lookup(self, term: str) -> Entry | None:
        return self.entries.get(stem_words(term))

    def neutral_for(self, matched: str, neutral: str) -> str:
        """The ``neutral`` wording of the entry that matched the text ``matched``, inflected
        to fit it (:func:`framescore.wording.fit_neutral`: "martyrs" → "people killed"; a
        verb phrase when the entry's category is one of verbs); ``neutral`` itself when no
        entry of that wording matches it."""
        entry = self.lookup(matched) if neutral else None
        if entry is None or entry.neutral != neutral:
            return neutral
        return fit_neutral(matched, entry.term, neutral, entry.category in _VERB_CATEGORIES)

    def match(self, sent: Sentence) -> list[Match]:
        """Leftmost-longest, non-overlapping matches in one pass over the sentence's tokens.

        A term is not matched where the words after it start with one of its ``not_before``
        phrases (or with a numeral, when those phrases include a number word: "claimed 40
        lives"), nor, for a speech verb of a governing type, where its context shows another
        reading (:func:`not_speech`: "the claims", "her tweets", "Speaking of ...")."""
        stems = sent.stems
        starts, entries, checked = self._starts, self.entries, self._checked
        last = len(stems) - 1
        out: list[Match] = []
        free = 0  # tokens before this one are part of a match
        for i in [i for i, s in enumerate(stems) if s in starts]:
            if i < free:
                continue
            longer, single = starts[stems[i]]
            # the longer terms starting with this token and the next, longest first
            for length in longer.get(stems[i + 1], ()) if i < last else ():
                key = tuple(stems[i : i + length])
                entry = entries.get(key) if len(key) == length else None
                if entry is not None and not (key in checked
                                              and self._rejected(key, entry, sent, i, i + length)):
                    out.append(Match(i, i + length, entry))
                    free = i + length
                    break
            else:  # none: the term of this token alone
                key = (stems[i],)
                if single is not None and not (key in checked
                                               and self._rejected(key, single, sent, i, i + 1)):
                    out.append(Match(i, i + 1, single))
                    free = i + 1
        return out

    def _rejected(self, key: tuple[str, ...], entry: Entry, sent: Sentence, i: int,
                  j: int) -> bool:
        """True when the match of ``entry`` at tokens ``i``..``j-1`` is dropped by its context."""
        return ((entry.not_before and self._blocked(key, sent.stems, j))
                or (entry.category in GOVERNING_TYPES and not_speech(sent, i, j, entry)))

    def _blocked(self, key: tuple[str, ...], stems: list[str], j: int) -> bool:
        """True when the words after the match start with one of the entry's ``not_before``,
        also after a number ("admitted 40 refugees" as "admitted refugees"), or with a numeral
        when one of them is a number word ("claimed 40 lives" as "claimed two")."""
        blockers = self._blockers.get(key, ())
        if any(tuple(stems[j : j + n]) in phrases for n, phrases in blockers):
            return True
        k = j
        while k < len(stems) and (stems[k][:1].isdigit() or stems[k] in _NUMBER_WORDS):
            k += 1  # "4,000" is two tokens
        if k == j:
            return False
        return (stems[j][:1].isdigit() and key in self._numbers_block) or any(
            tuple(stems[k : k + n]) in phrases for n, phrases in blockers)


# --- speech verbs read as nouns, names or discourse markers -----------------------------------

#: Words after which a speech verb's form is a noun ("the claims", "her tweets", "a reply").
_DETERMINERS = frozenset({
    "a", "an", "the", "this", "these", "those", "every", "another", "no", "whose", "such",
    "my", "your", "his", "her", "its", "our", "their"})
#: Words that, as subjects, take a plural verb ("many claim that ..."): after them an -s form
#: is a plural noun ("several claims", "two claims").
_PLURAL_QUANTIFIERS = frozenset({
    "some", "many", "several", "few", "both", "all", "most", "more", "numerous", "various",
    "multiple", "other", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "dozens", "hundreds", "thousands", "millions"})
#: Prepositions: a speech verb's form after one is a noun unless it is a gerund ("the number
#: of claims", "in tweets"; but "without saying").
_PREPOSITIONS = frozenset({
    "of", "in", "on", "for", "with", "about", "against", "by", "from", "over", "among", "amid",
    "into", "under", "despite", "after", "before", "following", "regarding", "between"})
#: Contractions that look like possessives ("it's said" is not "its said").
_CONTRACTIONS = frozenset({
    "it's", "he's", "she's", "that's", "there's", "what's", "who's", "here's", "where's",
    "let's", "how's"})
#: Past participles used as nouns, which can be the subject of a verb in -s ("the accused
#: claims ..."); after any other -ed word an -s form is a plural object ("rejected claims").
_ED_NOUNS = frozenset({"accused", "deceased", "united", "embattled"})
#: Verbs that follow a plural noun but never a verb in -s: "claims were", "claims rose".
_AFTER_PLURAL_NOUN = frozenset({
    "were", "are", "have", "had", "will", "would", "can", "could", "may", "might", "must",
    "should", "shall", "remain", "remained", "rose", "fell", "jumped", "dropped", "climbed",
    "increased", "decreased", "declined", "surged", "soared", "doubled", "tripled", "mounted",
    "grew"})
#: Words before the subject of a clause whose object has moved out of it ("the funds, which
#: he claims were stolen"): there an -s verb may come right before a verb.
_EXTRACTORS = frozenset({"which", "that", "what", "who", "whom", "as"})
#: Endings of adjectives and participles ("baseless", "alleged"): never a noun reading (nor are
#: adverbs: "falsely"). Not "-ive": "a suggestive remark" reads as a noun phrase, no speech.
_ADJECTIVE_ENDINGS = ("ous", "ful", "less", "able", "ible", "est", "ical", "ed")
#: First words of multi-word terms that are not the verb ("what he called", "would have us
#: believe"): the words before them say nothing of the verb's reading.
_NOT_THE_VERB = frozenset({"what", "would"})
#: Words after a relative "that" ("the claims that were filed"), not a content clause.
_RELATIVE_STARTS = _AFTER_PLURAL_NOUN | {"was", "is", "has", "did", "do", "does", "been"}
_NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine",
                           "ten", "dozens", "hundreds", "thousands", "millions", "million",
                           "billion"})


def _plural_or_third_person(word: str, stem: str) -> bool:
    return word.endswith("s") and not word.endswith("ss") and word != stem


def _gap(sent: Sentence, k: int) -> str:
    """The text between tokens ``k-1`` and ``k`` (lowercased; "" when not known)."""
    pieces = sent.pieces
    return pieces[2 * k] if 2 * k < len(pieces) else ""


def _content_clause(norms: list[str], i: int, j: int) -> bool:
    """The match at ``i``..``j-1`` ends with, or is followed by, "that" starting a content
    clause ("the claims that the vote was rigged"), not a relative one ("the claims that were
    filed")."""
    n = len(norms)
    k = j - 1 if j - i > 1 and norms[j - 1] == "that" else j
    if k >= n - 1 or norms[k] != "that":
        return False
    after = norms[k + 1]
    return after not in _RELATIVE_STARTS and not after.endswith("ed")


def not_speech(sent: Sentence, i: int, j: int, entry: Entry) -> bool:
    """True when a speech verb's match at tokens ``i``..``j-1`` reads as something else in its
    context (lowercase tokens only; capitalized names are :mod:`framescore.voice`'s):

    - a noun: "allegations", "confirmation", "warnings" (derived nouns); "the claims", "her
      tweets", "Moscow's claims", "a reply" (after a determiner or a possessive; not an -ed
      form: "the alleged attacker" keeps its distancing); "several claims", "4,000 claims",
      "rejected claims" (an -s form after a plural quantifier, a numeral or an -ed word); "the
      number of claims" (after a preposition, unless a gerund); "Claims of fraud ..." (an -s
      form starting the sentence); "claims were", "claims rose" (an -s form before a verb that
      only a plural noun takes). A noun with a content clause still attributes the clause:
      "the claims that the vote was rigged";
    - a discourse marker: "Speaking of ...", "Generally speaking, ...".
    """
    norms = sent.norms
    if "-" in entry.term or len(norms) != len(sent.stems):
        return False  # hyphenated ("so-called"), or a sentence of stems only: no words to read
    word, stem = norms[i], sent.stems[i]
    if (word in _NOT_THE_VERB or word.endswith(_ADJECTIVE_ENDINGS)
            or (word.endswith("ly") and stem == word)):  # an adverb keeps its -ly in its stem
        return False
    n = len(norms)
    nxt = norms[j] if j < n else ""
    gerund = word.endswith("ing")
    if gerund and ((i == 0 and nxt == "of")  # "Speaking of the weather, ..."
                   or (i > 0 and norms[i - 1].endswith("ly") and j - i == 1
                       and "," in _gap(sent, i + 1))):  # "Generally speaking, ..."
        return True
    s_form = _plural_or_third_person(word, stem)
    gap = _gap(sent, i) if i > 0 else ""
    # the word before, when only spaces separate them ("her tweets"; not "her, adding")
    prev = norms[i - 1] if gap.isspace() else ""
    noun = (
        (word.endswith(("ion", "ions")) and not stem.endswith("ion"))  # allegation(s)
        or (word.endswith("ings") and not stem.endswith("ing"))  # warnings
        or (not word.endswith("ed") and (
            prev in _DETERMINERS
            or (prev.endswith(("'s", "’s")) and prev not in _CONTRACTIONS)
            or (gap[:1] in ("'", "’") and gap[1:].isspace())  # "farmers' claims"
            or (prev in _PREPOSITIONS and not gerund)))
        or (s_form and (
            i == 0
            or prev in _PLURAL_QUANTIFIERS or prev[:1].isdigit()
            or (prev.endswith("ed") and prev not in _ED_NOUNS)
            or (nxt in _AFTER_PLURAL_NOUN and _EXTRACTORS.isdisjoint(norms[:i]))))
    )
    return noun and not _content_clause(norms, i, j)


def _by_length(phrases: str) -> list[tuple[int, frozenset[tuple[str, ...]]]]:
    """``|``-separated phrases, stemmed and grouped by their number of words."""
    groups: dict[int, set[tuple[str, ...]]] = {}
    for phrase in phrases.split("|"):
        if phrase.strip():
            words = stem_words(phrase)
            groups.setdefault(len(words), set()).add(words)
    return [(n, frozenset(g)) for n, g in groups.items()]
