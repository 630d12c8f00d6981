"""Segmentation: title, paragraphs, sentences, tokens with offsets, quotations and voice.

Everything here works on character offsets into the original string, so any span can be
cut back out of the text exactly (curly quotes, accents, emoji and CRLF line ends included).
Nothing here knows about lexicons or models: reported speech is marked afterwards by the
caller (:meth:`Sentence.mark_reported`), from the attribution patterns it matched.

Voices:
``title``     the headline (the first line, when it stands alone);
``quoted``    inside a direct quotation;
``reported``  the clause governed by a speech verb or a source phrase ("the group said that ...",
              "According to the statement, ...", "..., officials said.");
``narrator``  everything else: the outlet's own voice.
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, pairwise, repeat

from nltk.stem.snowball import EnglishStemmer
from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
)

try:  # NLTK >= 3.9.3 runs its regular expressions under a wall-clock limit
    from nltk import redos as _redos
except ImportError:  # pragma: no cover - older NLTK
    _redos = None

VOICES = ("narrator", "quoted", "reported", "title")

#: Abbreviations Punkt must not treat as sentence ends (lowercase, without the final period).
ABBREVIATIONS = frozenset(
    """u.s u.n u.k e.u u.s.a u.a.e mr mrs ms dr gen sen rep gov lt col maj capt sgt cpl adm
    prof st jr sr inc corp ltd co no nos vs etc e.g i.e a.m p.m approx dept est fig vol
    jan feb mar apr jun jul aug sep sept oct nov dec pres rev hon amb brig cmdr det insp supt
    ft mt ave blvd""".split()
)

TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
#: TOKEN_RE as one capturing group (``split`` alternates gaps and tokens), with possessive
#: quantifiers: the same matches (a run of word characters never has to give one back to
#: match a hyphen or apostrophe after it), found faster.
_TOKEN_SPLIT_RE = re.compile(r"(\w++(?:[-'’]\w++)*+)", re.UNICODE)
#: _TOKEN_SPLIT_RE for lowercase ASCII text, where ``\w`` is ``[a-z0-9_]`` (a character set
#: is tested faster than the Unicode word-character lookup).
_ASCII_TOKEN_SPLIT_RE = re.compile(r"([a-z0-9_]++(?:[-'][a-z0-9_]++)*+)")
#: Punctuation and spaces that are common in news and stand in the way of the ASCII split,
#: with ASCII characters of the same role for tokenization (no word character is replaced,
#: and only ’, which joins words as ' does and which tokens are normalized to, becomes a
#: joiner): a sentence with no other non-ASCII character is split by the ASCII pattern into
#: the same tokens, at the same offsets.
_ASCII_STAND_INS = (("’", "'"), ("\xa0", " "), ("“", '"'), ("”", '"'), ("—", " "), ("–", " "),
                    ("‘", '"'), ("―", " "), ("…", "."))
_TERMINAL = ".!?:\"'”’»)]…"
_BREAK_SHORT_LINE = 60  # a line shorter than this ends its paragraph (datelines, bylines)
TITLE_MAX_CHARS = 200
TITLE_MAX_TOKENS = 30


#: The commonest contexts of a possible sentence break: "word. Next" and 'word."' (or a
#: curly quote, guillemet or bracket after the period), where the word is ASCII letters
#: (inner periods and hyphens allowed, as in "U.S" and "anti-war") or digits, and Next has no
#: whitespace; and "word? Next" or "word! Next".
_PERIOD_CONTEXT_RE = re.compile(r"(?P<word>[A-Za-z]+(?:[.-][A-Za-z]+)*|[0-9]+)\."
                                r"(?:[ \xa0]+(?P<next>[^\s.]\S*)|[\"')\]}“”‘’«»])")
_QUESTION_CONTEXT_RE = re.compile(r"\S*[?!][ \xa0]+\S+")
#: A next token that Punkt splits into a word and, last, one . ? or !
_LAST_WORD_RE = re.compile(r"[A-Za-z]+[.?!]")


def _unlimited(rx):
    """NLTK's compiled pattern ``rx`` without the wall-clock limit of ``nltk.redos``: the same
    pattern, flags and engine (the ``regex`` module), called directly."""
    if _redos is None:  # older NLTK: a plain ``re`` pattern
        return rx
    import regex

    return regex.compile(rx.pattern, rx.flags)


class _PunktVars(PunktLanguageVars):
    """Punkt's default language settings, with its patterns run without NLTK's wall-clock
    limit (``nltk.redos``, 5 s). That limit covers the whole lazy scan of a block, Punkt's
    own work on every candidate included, so a long paragraph (a few MB on one line) failed
    with TimeoutError; and its wrapper cost a fifth of Punkt's time on news paragraphs. The
    patterns are NLTK's own and fixed: they take linear time."""

    re_boundary_realignment = _unlimited(PunktLanguageVars.re_boundary_realignment)
    _period_context = _unlimited(PunktLanguageVars().period_context_re())
    _word_tokenizer = _unlimited(PunktLanguageVars()._word_tokenizer_re())

    def period_context_re(self):
        return self._period_context

    def _word_tokenizer_re(self):
        return self._word_tokenizer


class _PunktToken(PunktToken):
    """Punkt's token, with its patterns run without the ``nltk.redos`` wrapper."""

    _RE_ELLIPSIS = _unlimited(PunktToken._RE_ELLIPSIS)
    _RE_NUMERIC = _unlimited(PunktToken._RE_NUMERIC)
    _RE_INITIAL = _unlimited(PunktToken._RE_INITIAL)
    _RE_ALPHA = _unlimited(PunktToken._RE_ALPHA)


class _Punkt(PunktSentenceTokenizer):
    """Punkt with the project's abbreviations and nothing trained, deciding the commonest
    contexts of a possible break without tokenizing them, and the others with Punkt's rules
    written out for what it has (same answers, faster).

    In "word. Next" or 'word."', Punkt's tokens are "word." and what follows. Its first pass
    marks "word." a break, or an abbreviation when "word" (or its last hyphenated part) is
    one; untrained, its second pass only revisits initials (one letter), numbers and
    ellipses. So the context holds a break when "word" (two letters or more) is no
    abbreviation, and none after an abbreviation when nothing after it can end a sentence
    (no . ? !), or only its last token ("U.S. officials."), which has no token after it.
    After a number, the second pass keeps the break unless the next token starts in
    lowercase (or is punctuation, left to the token rules). In "word? Next", "?" is a token and a
    break, and a token follows it.
    """

    def __init__(self):
        params = PunktParameters()
        params.abbrev_types = set(ABBREVIATIONS)
        super().__init__(params, lang_vars=_PunktVars(), token_cls=_PunktToken)

    def text_contains_sentbreak(self, text: str) -> bool:
        m = _PERIOD_CONTEXT_RE.fullmatch(text)
        if m is not None:
            word, following = m["word"], m["next"] or ""
            if word[0].isdigit():
                if not following or (following[0].isalpha() and not following[0].islower()):
                    return True
                no_break_at_word = following[:1].isalpha()  # "in 2018. the": lowercase
            elif len(word) >= 2:
                word = word.lower()
                if word not in ABBREVIATIONS and word.split("-")[-1] not in ABBREVIATIONS:
                    return True
                no_break_at_word = True  # an abbreviation
            else:
                no_break_at_word = False  # an initial: left to Punkt
            if no_break_at_word and (not any(c in following for c in ".?!")
                                     or _LAST_WORD_RE.fullmatch(following)):
                return False  # no break, or only at the last token
        elif _QUESTION_CONTEXT_RE.fullmatch(text):
            return True
        return self._tokens_contain_sentbreak(text)

    def _tokens_contain_sentbreak(self, text: str) -> bool:
        """Punkt's ``text_contains_sentbreak`` with nothing learned but abbreviations (no
        collocations, sentence starters or orthographic context), as here, without building
        Punkt's token objects. True when a token other than the last is a break: its first
        pass makes . ? ! a break, and a word ending in one period unless it is an
        abbreviation; its second pass takes the break back after an initial or a number when
        the next token is punctuation or starts in lowercase, and after an initial when it
        starts in uppercase."""
        words = self._lang_vars.word_tokenize
        lines = text.split("\n") if "\n" in text else (text,)
        tokens = (tok for line in lines if line.strip() for tok in words(line))
        abbreviations = self._params.abbrev_types
        for tok, following in pairwise(tokens):
            if tok in self._lang_vars.sent_end_chars:
                return True
            if not tok.endswith(".") or tok.endswith(".."):
                continue  # no break, or an ellipsis
            word = tok[:-1].lower()
            if word in abbreviations or word.split("-")[-1] in abbreviations:
                continue
            initial = _PunktToken._RE_INITIAL.match(tok)
            # a number: Punkt's type "##number##", which only numbers get (no token of its
            # tokenizer starts with "#")
            if initial or _PunktToken._RE_NUMERIC.match(tok):
                if following in self.PUNCTUATION or following[0].islower():
                    continue
                if initial and following[0].isupper():
                    continue
            return True
        return False

    def span_tokenize(self, text: str, realign_boundaries: bool = True
                      ) -> list[tuple[int, int]]:
        """Punkt's sentence spans of ``text``, as NLTK's ``span_tokenize`` finds them (its
        ``_match_potential_end_contexts``, ``_slices_from_text`` and ``_realign_boundaries``
        of NLTK 3.8 to 3.10, with NLTK's own patterns), in three loops instead of four nested
        generators, and without copying the text before each possible break. Tests hold it
        to NLTK's own on generated and real text."""
        if not realign_boundaries:  # not used here: NLTK's own way
            return list(super().span_tokenize(text, realign_boundaries))
        lang = self._lang_vars
        # The possible breaks Punkt decides, each with the start of the word before it: the
        # word starts after the last whitespace since the previous mark (at that mark's word
        # when there is none, or only right at the mark), and a mark is decided only when
        # whitespace follows it before the next mark. In text without the characters of
        # :data:`_PLAIN_TEXT_EXCEPTIONS`, the only whitespace Punkt looks for there is the
        # space, and Python's ``re`` finds the possible breaks as NLTK's pattern does.
        plain = not any(map(text.__contains__, _PLAIN_TEXT_EXCEPTIONS))
        decided = []
        previous, word_start, stop = None, 0, 0
        possible_breaks = _PERIOD_CONTEXT_PLAIN if plain else lang.period_context_re()
        for m in possible_breaks.finditer(text):
            at = m.start()
            if plain:
                space = text.rfind(" ", stop, at)
            else:
                space = max(map(text.rfind, _PUNKT_WHITESPACE, repeat(stop), repeat(at)))
            start = space + 1 if space > stop else word_start
            if previous is not None and stop <= start:
                decided.append((previous, word_start))
            previous, word_start, stop = m, start, at
        if previous is not None:
            decided.append((previous, word_start))
        slices: list[tuple[int, int]] = []
        last_break = 0
        for m, word_start in decided:
            # Punkt's context: the word, the mark and what follows it (a mark, or whitespace
            # and the next token), one slice of the text
            if self.text_contains_sentbreak(text[word_start : m.end("after_tok")]):
                slices.append((last_break, m.end()))
                next_token = m.start("next_tok")
                last_break = next_token if next_token >= 0 else m.end()
        slices.append((last_break, len(text.rstrip())))
        spans: list[tuple[int, int]] = []
        realign = 0  # closing marks at the start of this slice moved onto the one before
        last = len(slices) - 1
        for k, (start, end) in enumerate(slices):
            start += realign
            m = None
            if k < last:  # the realignment pattern starts with one of the closing marks
                following = slices[k + 1]
                if text[following[0]] in _REALIGNED:
                    m = lang.re_boundary_realignment.match(text, *following)
            if m:
                spans.append((start, following[0] + len(m.group().rstrip())))
                realign = m.end() - following[0]
            else:
                realign = 0
                if start < end:
                    spans.append((start, end))
        return spans


#: The characters Punkt takes for whitespace when it looks for the word before a mark.
_PUNKT_WHITESPACE = tuple(string.whitespace)
_PUNKT = _Punkt()
#: NLTK's pattern of a possible break, run by Python's ``re``, which takes \x1c-\x1f for
#: whitespace (``\s``) where the ``regex`` module NLTK uses does not; on every other
#: character the two agree (tests check all of Unicode).
_PERIOD_CONTEXT_PLAIN = re.compile(_PunktVars._period_context.pattern, re.VERBOSE)
#: Whitespace other than the space among Punkt's (``string.whitespace``), and \x1c-\x1f.
#: Looked for one by one (``str.__contains__``): five times faster than a character class.
_PLAIN_TEXT_EXCEPTIONS = tuple(string.whitespace.replace(" ", "") + "\x1c\x1d\x1e\x1f")
#: Where Punkt may consider a sentence break: it only looks at . ? ! followed by whitespace or
#: by one of its non-word marks, none of which is a word character, "." or ",".
_MAYBE_BREAK_RE = re.compile(r"[.?!][^\w.,]")
#: Closing marks Punkt moves back onto the sentence before them (its boundary realignment).
_REALIGNED = frozenset("\"')]}‘’“”«»")
_STEMMER = EnglishStemmer()
_STEM_MEMO_SIZE = 200_000


#: The characters whose lowercase is not one character (İ → i + combining dot) or depends on
#: the characters around it (Σ → σ or final ς). Every other character lowercases to one
#: character that is a word character (``\w``) exactly when it is (tests/test_text.py checks
#: this over all of Unicode).
_LOWER_UNSAFE = ("İ", "Σ")


def lowers_in_place(text: str) -> bool:
    """True when ``text.lower()`` lowercases each character on its own, in place, keeping
    word characters word characters: then the tokens of ``text.lower()`` are the lowercased
    tokens of ``text``, at the same offsets."""
    return text.isascii() or not any(map(text.__contains__, _LOWER_UNSAFE))


def normalize(token: str) -> str:
    """Lowercase a token and unify apostrophes (’ → ')."""
    return token.lower().replace("’", "'")


def _snowball(token: str) -> str:
    s = _STEMMER.stem(token)
    if len(token) > 4 and token.endswith("ly") and _STEMMER.stem(token[:-2]) == s:
        return token
    return s


class _StemMemo(dict):
    """Stems by normalized token; looked up with ``memo[token]``, filled on a miss, and
    emptied when it reaches :data:`_STEM_MEMO_SIZE` entries, so memory stays bounded."""

    def __missing__(self, token: str) -> str:
        if len(self) >= _STEM_MEMO_SIZE:
            self.clear()
        s = self[token] = _snowball(token)
        return s


_STEMS = _StemMemo()


def stem(token: str) -> str:
    """Snowball stem of a normalized token (memoized: news vocabulary is small).

    An adverb in -ly that Snowball would fold onto its base keeps its own form: matching is
    inflection-insensitive, not derivation-insensitive, so the hedge "reportedly" stays apart
    from "report(ers)" and "allegedly" (hedge) from "alleged" (distancing).
    """
    return _STEMS[token]


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    depth: int  # 0 for a top-level quotation, 1 for a quotation inside it, ...
    closed: bool  # False when closed at the paragraph end for lack of a closing mark


@dataclass(slots=True)
class Sentence:
    """A sentence and its tokens. Token lists are parallel: one entry per token.

    The tokens' offsets (:attr:`starts`, :attr:`ends`) are worked out when first asked for,
    from ``pieces``: the sentence as it was split (gap, token, gap, ..., token, gap; the
    lowercase of the text where that keeps every character in place). Scoring needs them
    only in sentences with quotations or attributions."""

    start: int
    end: int
    norms: list[str] = field(default_factory=list)
    stems: list[str] = field(default_factory=list)
    voices: list[str] = field(default_factory=list)
    is_title: bool = False
    pieces: list[str] = field(default_factory=list, repr=False, compare=False)
    _starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    _ends: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.norms)

    @property
    def starts(self) -> list[int]:
        """Each token's start offset in the text."""
        if self._starts is None:
            self._offsets()
        return self._starts

    @property
    def ends(self) -> list[int]:
        """Each token's end offset in the text."""
        if self._ends is None:
            self._offsets()
        return self._ends

    def _offsets(self) -> None:
        offsets = list(accumulate(map(len, self.pieces), initial=self.start))
        self._starts, self._ends = offsets[1:-1:2], offsets[2:-1:2]

    def mark_reported(self, a: int, b: int) -> None:
        """Mark tokens ``a``..``b-1`` as reported speech, unless quoted or in the title."""
        voices = self.voices
        a, b = max(a, 0), min(b, len(voices))
        if voices[a:b].count("narrator") == b - a:  # the common case: all of them
            voices[a:b] = repeat("reported", b - a)
            return
        for k in range(a, b):
            if voices[k] == "narrator":
                voices[k] = "reported"


@dataclass(slots=True)
class Document:
    text: str
    title: tuple[int, int] | None
    paragraphs: list[tuple[int, int]]
    sentences: list[Sentence]
    quotes: list[Quote]


# --- title and paragraphs ---------------------------------------------------------------------

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _has_line_break(text: str) -> bool:
    return "\n" in text or "\r" in text


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line without its line break, from the first line on."""
    if not _has_line_break(text):
        if text:
            yield 0, len(text)
        return
    if "\r" not in text:  # the common case, without a regular expression
        lines = text.split("\n")
        if not lines[-1]:
            lines.pop()  # nothing after the last line break
        start = 0
        for line in lines:
            yield start, start + len(line)
            start += len(line) + 1
        return
    for m in _LINE_RE.finditer(text):
        if m.start() == m.end():
            break
        yield m.start(), m.start() + len(m.group().rstrip("\r\n"))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


#: A spaced separator. It starts only where a whitespace run starts: a search that tried every
#: position inside a long run of spaces would take time quadratic in the run's length.
_CRUMB_SEP = re.compile(r"(?<!\s)\s+[/|›>»]\s+")


def _is_breadcrumb(line: str) -> bool:
    """Three or more short parts (one to three words) separated by a spaced / | › > or »."""
    parts = _CRUMB_SEP.split(line)
    return len(parts) >= 3 and all(1 <= len(TOKEN_RE.findall(p)) <= 3 for p in parts)


def find_title(text: str) -> tuple[int, int] | None:
    """The first line when it stands alone as a headline, else None.

    A title is a short first line (at most 200 characters and 30 words) that does not end like
    a sentence in a full stop, followed by a line break and more text. A site's navigation
    breadcrumb before it ("News / Iraq / Palestine") is skipped.
    """
    if not _has_line_break(text):  # a single line has no text after it
        return None
    lines = (_strip(text, *ln) for ln in _lines(text))  # read only as far as needed
    first = next(((s, e) for s, e in lines if e > s and not _is_breadcrumb(text[s:e])), None)
    following = next(lines, None)  # the line after it, maybe blank
    if first is None or following is None or not (
            following[1] > following[0] or any(e > s for s, e in lines)):
        return None  # no text after the first line
    s, e = first
    line = text[s:e]
    if len(line) > TITLE_MAX_CHARS or len(TOKEN_RE.findall(line)) > TITLE_MAX_TOKENS:
        return None
    if line.endswith(".") and not line.endswith("..."):
        return None
    ns, ne = following  # a hard wrap: the next line continues the first one
    if ne > ns and (text[ns].islower() or line.endswith((",", ";", "-", "–", "—"))):
        return None
    return s, e


def paragraphs(text: str, skip_until: int = 0) -> list[tuple[int, int]]:
    """Paragraph spans from ``skip_until`` on.

    A paragraph ends at a blank line, or at a line break after a line that ends like a sentence
    (terminal punctuation or a closing quote) or is short (a dateline or byline). Other line
    breaks are hard wraps inside a paragraph.
    """
    if not _has_line_break(text):  # one line: one paragraph, or none
        s, e = _strip(text, skip_until, len(text))
        return [(s, e)] if e > s else []
    out: list[tuple[int, int]] = []
    cur_start: int | None = None
    cur_end = 0
    for s, e in _lines(text):
        if e <= skip_until:
            continue
        s = max(s, skip_until)
        s, e = _strip(text, s, e)
        if e <= s:  # blank line
            if cur_start is not None:
                out.append((cur_start, cur_end))
                cur_start = None
            continue
        if cur_start is None:
            cur_start = s
        cur_end = e
        if text[e - 1] in _TERMINAL or e - s < _BREAK_SHORT_LINE:
            out.append((cur_start, cur_end))
            cur_start = None
    if cur_start is not None:
        out.append((cur_start, cur_end))
    return out


# --- quotations -------------------------------------------------------------------------------

_OPEN_ONLY = {"“": "double", "„": "double", "«": "guillemet", "‘": "single"}
_CLOSE_ONLY = {"”": "double", "»": "guillemet"}
_QUOTE_MARKS = "\"'“”„«»‘’"
_QUOTE_CHARS = re.compile(f"[{_QUOTE_MARKS}]")
_ELISION_RE = re.compile(r"(?:em|cause|cos|til|tis|twas|n)\b", re.IGNORECASE)


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotations inside ``text[start:end]`` (one paragraph).

    Straight and curly double quotes, curly (and straight) single quotes used as quote marks,
    and guillemets. An apostrophe between letters (Israel’s, don't) or after a word with no
    single quote open (the students’ union) is not a quote mark. A quote left open closes at
    the paragraph end, so a stray mark never swallows the rest of the article.
    """
    block = text[start:end]
    if not any(map(block.__contains__, _QUOTE_MARKS)):  # faster than the pattern's search
        return []
    stack: list[tuple[str, int]] = []  # (kind, position of the opening mark)
    open_kinds: dict[str, int] = {}  # kind → marks of that kind on the stack (none: no key)
    quotes: list[Quote] = []

    def push(kind: str, pos: int) -> None:
        stack.append((kind, pos))
        open_kinds[kind] = open_kinds.get(kind, 0) + 1

    def close(pos_end: int, inner_end: int, closed: bool) -> None:
        kind, open_pos = stack.pop()
        open_kinds[kind] -= 1
        if not open_kinds[kind]:
            del open_kinds[kind]
        if closed or kind != "single":  # an unclosed single mark was an apostrophe after all
            quotes.append(Quote(open_pos, pos_end, open_pos + 1, inner_end, len(stack), closed))

    for m in _QUOTE_CHARS.finditer(text, start, end):
        i = m.start()
        c = m.group()
        prev = text[i - 1] if i > start else " "
        nxt = text[i + 1] if i + 1 < end else " "
        if c in _OPEN_ONLY:
            kind = _OPEN_ONLY[c]
            if kind == "single" and _is_word_char(prev) and _is_word_char(nxt):
                continue  # a mis-typed apostrophe: ‘ between letters
            push(kind, i)
        elif c in _CLOSE_ONLY:
            kind = _CLOSE_ONLY[c]
            if kind in open_kinds:
                while stack[-1][0] != kind:
                    close(i, i, False)
                close(i + 1, i, True)
            elif kind == "double" and not _is_word_char(prev) and not nxt.isspace():
                push(kind, i)  # ” used as an opening mark
        elif c == '"':
            if "double" in open_kinds and not (prev.isspace() and not nxt.isspace()):
                while stack[-1][0] != "double":
                    close(i, i, False)
                close(i + 1, i, True)
            elif not nxt.isspace():
                push("double", i)
            elif "double" in open_kinds:
                while stack[-1][0] != "double":
                    close(i, i, False)
                close(i + 1, i, True)
        else:  # ’ or '
            if _is_word_char(prev) and _is_word_char(nxt):
                continue  # apostrophe inside a word
            if "single" in open_kinds and not prev.isspace():
                while stack[-1][0] != "single":
                    close(i, i, False)
                close(i + 1, i, True)
            elif ((prev.isspace() or prev in "([{—–-\"“") and nxt.isalpha()
                  and not _ELISION_RE.match(text, i + 1, end)):
                push("single", i)  # not ’90s, ’em, ’cause: elisions
    while stack:
        close(end, end, False)
    quotes.sort(key=lambda q: (q.start, -q.end))
    return quotes


# --- sentences, tokens and voice --------------------------------------------------------------


def _is_one_sentence(chunk: str) -> bool:
    """True when Punkt is bound to return the stripped ``chunk`` whole: it has no possible
    sentence break, or only one right before a final closing mark (``... end."``), which Punkt
    realigns onto the sentence whether or not it breaks there."""
    m = _MAYBE_BREAK_RE.search(chunk)
    return m is None or (m.start() == len(chunk) - 2 and chunk[-1] in _REALIGNED)


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt's sentences of the stripped block ``text[start:end]`` (most blocks of one
    sentence skip Punkt: see :func:`_is_one_sentence`)."""
    chunk = text[start:end]
    if _is_one_sentence(chunk):
        return [(start, end)]
    return [(start + s, start + e) for s, e in _PUNKT.span_tokenize(chunk)]


def segment(text: str) -> Document:
    """Split ``text`` into title, paragraphs and sentences; tokens get ``title``, ``quoted`` or
    ``narrator`` voice (``reported`` is marked by the caller)."""
    title = find_title(text)
    paras = paragraphs(text, skip_until=title[1] if title else 0)
    plain = _with_ascii_stand_ins(text)
    quotes: list[Quote] = []
    sentences: list[Sentence] = []
    blocks = ([title] if title else []) + paras
    for b_start, b_end in blocks:
        block_quotes = find_quotes(text, b_start, b_end)
        outer = outer_starts = outer_ends = ()
        if block_quotes:
            quotes += block_quotes
            outer = [(q.inner_start, q.inner_end) for q in block_quotes if q.depth == 0]
            # Top-level quotations never overlap, so their starts and their ends are both
            # sorted: each sentence finds the ones that overlap it by bisection.
            outer_starts, outer_ends = [s for s, _ in outer], [e for _, e in outer]
        is_title = title is not None and b_start == title[0]
        spans = [(b_start, b_end)] if is_title else _sentence_spans(text, b_start, b_end)
        for s_start, s_end in spans:
            sent = _tokenize(plain, s_start, s_end, is_title)
            if outer:
                _mark_quoted(sent, outer[bisect_right(outer_ends, s_start) :
                                         bisect_left(outer_starts, s_end)])
            sentences.append(sent)
    return Document(text, title, paras, sentences, quotes)


def _with_ascii_stand_ins(text: str) -> str:
    """``text`` with :data:`_ASCII_STAND_INS` replaced, for tokenization only (one pass over
    the whole text per stand-in, instead of the slower Unicode split of each sentence)."""
    if not text.isascii():
        for char, ascii_char in _ASCII_STAND_INS:
            text = text.replace(char, ascii_char)
    return text


def _tokenize(text: str, start: int, end: int, is_title: bool) -> Sentence:
    """The tokens of ``text[start:end]``, where ``text`` is a text with its
    :data:`_ASCII_STAND_INS` in (:func:`_with_ascii_stand_ins`): it has no ’ left."""
    chunk = text[start:end]
    if chunk.isascii():  # one split of the normalized sentence: the same tokens
        parts = _ASCII_TOKEN_SPLIT_RE.split(chunk.lower())  # gap, token, ..., gap
        norms = parts[1::2]
    elif lowers_in_place(chunk):
        parts = _TOKEN_SPLIT_RE.split(chunk.lower())
        norms = parts[1::2]
    else:
        parts = _TOKEN_SPLIT_RE.split(chunk)
        norms = [normalize(t) for t in parts[1::2]]
    stems = list(map(_STEMS.__getitem__, norms))
    voices = ["title" if is_title else "narrator"] * len(norms)
    return Sentence(start, end, norms, stems, voices, is_title, parts)


def _mark_quoted(sent: Sentence, quote_spans: list[tuple[int, int]]) -> None:
    """Tokens inside one of ``quote_spans`` get ``quoted`` voice. Token offsets are sorted, so
    each span's tokens (those starting at or after its start and ending at or before its end)
    are one range found by bisection."""
    voices = sent.voices
    for qs, qe in quote_spans:
        for k in range(bisect_left(sent.starts, qs), bisect_right(sent.ends, qe)):
            voices[k] = "quoted"


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the word tokens of ``text`` (NLTK ``span_tokenize`` semantics)."""
    return [m.span() for m in TOKEN_RE.finditer(text)]
