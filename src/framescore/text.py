"""Segmentation: title, paragraphs, sentences, tokens with offsets, quotations and voice.

Everything here works on character offsets into the original string, so any span can be
cut back out of the text exactly (curly quotes, accents, emoji and CRLF line ends included).
Nothing here knows about lexicons or models: reported speech is marked afterwards by the
caller (:meth:`Sentence.mark_reported`), from the attribution patterns it matched. Page
furniture (navigation, bylines, datelines, share prompts, ...) is recognized by
:mod:`framescore.furniture` and left out of paragraphs and sentences; sentences are split by
Punkt (:mod:`framescore._punkt`, the only module that uses NLTK's private API).

Voices:
``title``     the headline (the first line, when it stands alone);
``quoted``    inside a direct quotation;
``reported``  the clause governed by a speech verb or a source phrase ("the group said that ...",
              "According to the statement, ...", "..., officials said.");
``narrator``  everything else: the outlet's own voice.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, repeat

from nltk.stem.snowball import EnglishStemmer

from ._punkt import Punkt, is_one_sentence
from .furniture import FURNITURE_MAX_CHARS, furniture, is_breadcrumb, repeats

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


_PUNKT = Punkt(ABBREVIATIONS)
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
    """A segmented text. ``skipped`` lists the lines left out of every paragraph and sentence,
    as (start, end, reason), in text order: page furniture (see
    :func:`framescore.furniture.furniture`: reasons "navigation", "byline", "dateline",
    "image credit", ...) and a "repeated headline"."""

    text: str
    title: tuple[int, int] | None
    paragraphs: list[tuple[int, int]]
    sentences: list[Sentence]
    quotes: list[Quote]
    skipped: list[tuple[int, int, str]] = field(default_factory=list)


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


def find_title(text: str) -> tuple[int, int] | None:
    """The first line when it stands alone as a headline, else None.

    A title is a short first line (at most 200 characters and 30 words) that does not end like
    a sentence in a full stop, followed by a line break and more text. Page furniture before
    it (a site's navigation breadcrumb, "News / Iraq / Palestine", a dateline, ...: see
    :func:`framescore.furniture.furniture`) is skipped.
    """
    return _find_title(text)[0]


def _find_title(text: str) -> tuple[tuple[int, int] | None, list[tuple[int, int, str]]]:
    """:func:`find_title`, and the furniture lines before the title (start, end, reason):
    none when there is no title."""
    if not _has_line_break(text):  # a single line has no text after it
        return None, []
    lines = (_strip(text, *ln) for ln in _lines(text))  # read only as far as needed
    before: list[tuple[int, int, str]] = []
    first = None
    for s, e in lines:
        if e <= s:
            continue
        line = text[s:e]
        if len(line) <= FURNITURE_MAX_CHARS:
            reason = furniture(line)
        else:  # a long breadcrumb
            reason = "navigation" if is_breadcrumb(line) else None
        if reason is None:
            first = s, e
            break
        before.append((s, e, reason))
    following = next(lines, None)  # the line after it, maybe blank
    if first is None or following is None or not (
            following[1] > following[0] or any(e > s for s, e in lines)):
        return None, []  # no text after the first line
    s, e = first
    line = text[s:e]
    if len(line) > TITLE_MAX_CHARS or len(TOKEN_RE.findall(line)) > TITLE_MAX_TOKENS:
        return None, []
    if line.endswith(".") and not line.endswith("..."):
        return None, []
    ns, ne = following  # a hard wrap: the next line continues the first one
    if ne > ns and (text[ns].islower() or line.endswith((",", ";", "-", "–", "—"))):
        return None, []
    return (s, e), before


def paragraphs(text: str, skip_until: int = 0) -> list[tuple[int, int]]:
    """Paragraph spans from ``skip_until`` on.

    A paragraph ends at a blank line, or at a line break after a line that ends like a sentence
    (terminal punctuation or a closing quote) or is short (a dateline or byline). Other line
    breaks are hard wraps inside a paragraph. A line of page furniture that would start a
    paragraph (:func:`framescore.furniture.furniture`) is in none; a text of one line is never
    furniture.
    """
    return _paragraphs(text, skip_until)[0]


def _paragraphs(text: str, skip_until: int = 0, title: tuple[int, int] | None = None
                ) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """:func:`paragraphs`, and the lines left out (start, end, reason). With ``title``, the
    first line of the body that repeats it is left out too ("repeated headline")."""
    if not _has_line_break(text):  # one line: one paragraph, or none
        s, e = _strip(text, skip_until, len(text))
        return ([(s, e)] if e > s else []), []
    out: list[tuple[int, int]] = []
    skipped: list[tuple[int, int, str]] = []
    headline = text[title[0]:title[1]] if title else None  # until the body starts
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
            if e - s <= FURNITURE_MAX_CHARS:
                reason = furniture(text[s:e])
                if reason is None and headline is not None and repeats(text[s:e], headline):
                    reason = "repeated headline"
                    headline = None  # once
                if reason is not None:
                    skipped.append((s, e, reason))
                    continue
            headline = None  # the body has started
            cur_start = s
        cur_end = e
        if text[e - 1] in _TERMINAL or e - s < _BREAK_SHORT_LINE:
            out.append((cur_start, cur_end))
            cur_start = None
    if cur_start is not None:
        out.append((cur_start, cur_end))
    return out, skipped


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


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt's sentences of the stripped block ``text[start:end]`` (most blocks of one
    sentence skip Punkt: see :func:`framescore._punkt.is_one_sentence`)."""
    chunk = text[start:end]
    if is_one_sentence(chunk):
        return [(start, end)]
    return [(start + s, start + e) for s, e in _PUNKT.span_tokenize(chunk)]


def segment(text: str) -> Document:
    """Split ``text`` into title, paragraphs and sentences; tokens get ``title``, ``quoted`` or
    ``narrator`` voice (``reported`` is marked by the caller). Page furniture and a headline
    repeated as the first line of the body are in no sentence (:attr:`Document.skipped`)."""
    title, skipped = _find_title(text)
    paras, body_skipped = _paragraphs(text, title[1] if title else 0, title)
    skipped += body_skipped
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
    return Document(text, title, paras, sentences, quotes, skipped)


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
