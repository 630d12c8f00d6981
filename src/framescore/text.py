"""Segmentation: title, paragraphs, sentences, tokens with offsets, quotations and voice,
and the page furniture (navigation, bylines, datelines, share prompts, ...) left out of them.

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
    """A segmented text. ``skipped`` lists the lines left out of every paragraph and sentence,
    as (start, end, reason), in text order: page furniture (see :func:`furniture`: reasons
    "navigation", "byline", "dateline", "image credit", ...) and a "repeated headline"."""

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


#: A spaced separator. It starts only where a whitespace run starts: a search that tried every
#: position inside a long run of spaces would take time quadratic in the run's length.
_CRUMB_SEP = re.compile(r"(?<!\s)\s+[/|›>»]\s+")


def _is_breadcrumb(line: str) -> bool:
    """Three or more short parts (one to three words) separated by a spaced / | › > or »."""
    parts = _CRUMB_SEP.split(line)
    return len(parts) >= 3 and all(1 <= len(TOKEN_RE.findall(p)) <= 3 for p in parts)


# --- page furniture ---------------------------------------------------------------------------
#
# Lines of a web page that are not part of the article: navigation, advertisement breaks,
# share and subscribe prompts, bylines, datelines, image credits, reading times, copyright
# notices, comment forms, bare links. A line is furniture only when it stands alone (it starts
# a paragraph), is short (at most :data:`FURNITURE_MAX_CHARS`) and one pattern below matches
# the whole of it, so a sentence that merely starts like one ("By the time ...", "Photo
# evidence showed ...", "Subscribers complained ...") is never dropped.

#: The longest line that is checked for page furniture.
FURNITURE_MAX_CHARS = 120

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
            r"|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_WEEKDAY},?\s+)?(?:{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?"
         rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?(?:\s+\d{{4}})?|{_MONTH},?\s+\d{{4}}"
         r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})")
_TIME = (r"(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
         r"(?:\s*\(?(?:(?:gmt|utc)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|[a-z]{2,4}t)\)?)?")
_AGO = (r"(?:(?:\d{1,3}|an?|one)\s+(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?"
        r"|months?|years?)\s+ago|just\s+now|yesterday|today)")
_STAMP = (rf"(?:{_DATE}(?:\s*(?:,|at|[-–—|·•])?\s*{_TIME})?"
          rf"|{_TIME}(?:\s*(?:,|on|[-–—|·•])?\s*{_DATE})?|{_AGO})")
_STAMP_LABEL = (r"(?:(?:last\s+|first\s+|originally\s+)?(?:published|updated|posted|modified"
                r"|edited|created)(?:\s+(?:on|at))?|date|fecha(?:\s+de\s+publicaci[oó]n)?)")
_DATELINE = (rf"(?:{_STAMP_LABEL}\s*:?\s*)?{_STAMP}"
             rf"(?:\s*[|·•,;–—-]?\s*(?:{_STAMP_LABEL}\s*:?\s*)?{_STAMP})*"
             rf"|{_STAMP_LABEL}\s*:")

# names: capitalized words (matched case-sensitively), with the usual lowercase particles
_NAME = (r"(?-i:[A-Z][\w'’.-]*+(?:\s+(?:(?:al|el|bin|ibn|de|da|del|der|di|dos|du|la|le|van"
         r"|von)\s+){0,2}[A-Z][\w'’.-]*+){0,3})")
_NAMES = rf"{_NAME}(?:\s*(?:,|(?-i:and)|&)\s*{_NAME}){{0,4}}"
_AFFILIATION = r"(?-i:(?:in\s+|for\s+|at\s+)?[A-Z][\w'’.&-]*(?:\s+[\w'’.&-]+){0,5})"
_CREDIT_ROLE = (r"(?:(?:additional\s+)?reporting|writing|editing|compiled|research|translation"
                r"|translated|produced|graphics|photos?|video)")
_BYLINE = (rf"(?:(?:written|words|story|text|report|analysis)\s+)?by\s*:?\s+{_NAMES}"
           rf"(?:\s*[,|/–—-]\s*{_AFFILIATION}|\s+(?:in|for)\s+{_NAME})?"
           rf"|{_CREDIT_ROLE}\s+by\s+{_NAMES}(?:\s+in\s+{_NAMES})?"
           rf"(?:\s*[;,]\s*(?:and\s+)?{_CREDIT_ROLE}\s+by\s+{_NAMES}(?:\s+in\s+{_NAMES})?)*"
           rf"|(?:[–—]+|--)\s*{_NAMES}(?:\s*,\s*{_AFFILIATION})?")  # a sign-off: "— Jane Smith"

_AGENCY = (r"(?:ap|afp|reuters|epa(?:-efe)?|getty\s+images|getty|xinhua|anadolu(?:\s+agency)?"
           r"|dpa|efe|ansa|upi|pti|ani|ians|tass|sputnik|ria\s+novosti|wana|irna|tasnim|mehr"
           r"|shutterstock|alamy|handout|pool)")
_IMAGE = (r"(?:(?:file|main|top|lead|header|featured|cover|stock|representative|representational)"
          r"\s+)?(?:photo(?:graph)?s?|images?|pictures?|pics?|video|graphic|illustration"
          r"|imagen(?:\s+principal)?|foto)")
_CREDIT_WORD = r"[\w'’&@.-]++"
_CREDIT = rf"{_CREDIT_WORD}(?:(?:\s*[,/|]\s*|\s+){_CREDIT_WORD}){{0,7}}"
_IMAGE_CREDIT = (rf"{_IMAGE}(?:\s+credits?)?\s*(?::|©|\|)\s*{_CREDIT}"
                 rf"|{_IMAGE}\s+(?:by|courtesy(?:\s+of)?|via)\s+{_NAMES}"
                 rf"(?:\s*[/,|]\s*{_CREDIT})?"
                 rf"|(?:{_IMAGE}\s+)?credits?\s*:\s*{_CREDIT}"
                 rf"|{_IMAGE}\s*:?"
                 rf"|\(\s*(?:(?:{_IMAGE}|credits?)\s*:\s*{_CREDIT}"
                 rf"|(?:{_CREDIT_WORD}\s+){{0,3}}{_CREDIT_WORD}\s*/\s*{_CREDIT})\s*\)"
                 rf"|(?:{_NAMES}\s*/\s*)?{_AGENCY}(?:\s+photo)?(?:\s*/\s*{_NAMES})?"
                 rf"|(?:{_NAMES}\s+)?via\s+{_AGENCY}")

_READING_TIME = (r"(?:about\s+)?\d{1,3}(?:\s*[-–]\s*\d{1,3})?\s*-?\s*min(?:ute)?s?\.?\s+"
                 r"(?:read|listen)(?:ing)?(?:\s+time)?"
                 r"|(?:estimated\s+)?(?:reading|read|listening)\s+time\s*:?\s*(?:about\s+)?"
                 r"\d{1,3}\s*min(?:ute)?s?\.?"
                 r"|listen\s+to\s+(?:this\s+)?(?:article|story)(?:\s*\(?\d{1,3}\s*min(?:ute)?s?"
                 r"\.?\)?)?")

_COPYRIGHT = (r"(?:copyright\s*)?(?:©|\(c\)\s*\d{4})[^!?]{0,100}"
              r"|copyright\s+(?:©\s*)?\d{4}[^!?]{0,100}"
              r"|all\s+rights\s+reserved"
              r"|this\s+material\s+may\s+not\s+be\s+published,\s+broadcast,\s+rewritten,?\s+or"
              r"\s+redistributed(?:\s+in\s+whole\s+or\s+in\s+part)?(?:\s+without\s+permission)?"
              r"|(?:article\s+)?(?:posted|reprinted|republished|reproduced|used)\s+with\s+"
              r"permission(?:\s+(?:from|of)\s+[^!?]{1,60})?")

_SOCIAL = (r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|reddit|e-?mail|pinterest"
           r"|messenger|flipboard|threads|bluesky|instagram|tiktok|youtube|google\s+news"
           r"|print|copy\s+link|copy\s+url|sms)")
_SOCIALS = rf"{_SOCIAL}(?:\s*(?:,|/|\||·|•|or|and)?\s*{_SOCIAL})*"
_NEWSLETTER = (r"(?:newsletters?|channel|podcast|updates|alerts|mailing\s+list|feed|digest"
               r"|briefing|emails?|edition)")
_SHARE = (rf"share(?:\s+(?:this|the))?(?:\s+(?:article|story|post|page|video))?"
          rf"(?:\s+(?:on|via)\s+{_SOCIALS})?"
          rf"|{_SOCIALS}"
          r"|(?:tweet|email|print|save|bookmark)(?:\s+this(?:\s+(?:article|story|page))?)?"
          rf"|follow\s+(?:us|@\w+|[^.!?]{{1,40}}?\s+on\s+{_SOCIALS})(?:\s+on\s+{_SOCIALS})?"
          r"(?:\s+for\s+(?:the\s+)?(?:latest|more)[^.!?]{0,40})?"
          r"|(?:sign\s+up|subscribe|register)(?:\s+(?:now|today|here|free))?"
          rf"(?:\s+(?:for|to)\s+(?:our|the|my)\b[^.!?]{{0,40}}?\b{_NEWSLETTER}"
          r"(?:\s+(?:now|today|here))?)?"
          rf"|join\s+(?:us|our\s+[^.!?]{{0,30}}?\b(?:{_NEWSLETTER}|group|community))"
          rf"(?:\s+on\s+{_SOCIALS})?"
          rf"|(?:get|receive)\s+(?:our|the)\s+[^.!?]{{0,30}}?\b{_NEWSLETTER}"
          rf"(?:\s+(?:in|to)\s+your\s+inbox)?"
          r"|you\s+(?:may|can)\s+(?:opt\s+out|unsubscribe)(?:\s+at\s+any\s*time)?")

_ADVERTISEMENT = (r"(?:advertisement|advertising|advert|ads?|sponsored(?:\s+(?:content|links?"
                  r"|stories))?|paid\s+(?:content|post|partner(?:ship)?)|promoted(?:\s+"
                  r"(?:content|stories))?)(?:\s*[-–—:|]\s*(?:scroll|continue)[^.!?]{0,40})?"
                  r"|(?:take\s+our\s+(?:poll|survey|quiz)\s*[-–—:|]\s*)?"
                  r"(?:story|article|content)\s+continues\s+(?:below|after)"
                  r"(?:\s+(?:this\s+|the\s+)?(?:advertisement|ad|video))?"
                  r"|continue\s+reading(?:\s+(?:below|the\s+main\s+story))?"
                  r"|scroll\s+(?:down\s+)?to\s+continue[^.!?]{0,30}")

_COMMENTS = (r"(?:add|leave|post|write|view|show|hide|load|read)\s+(?:a\s+|new\s+|your\s+"
             r"|all\s+)?comments?(?:\s*\(\d+\))?"
             r"|comments?(?:\s*\(\d+\))?|\d+\s+comments?"
             r"|join\s+the\s+(?:conversation|discussion|debate)"
             r"|this\s+question\s+is\s+for\s+testing\s+whether\s+or\s+not\s+you\s+are\s+a\s+"
             r"human\s+visitor\s+and\s+to\s+prevent\s+automated\s+spam\s+submissions"
             r"|enter\s+the\s+characters\s+shown\s+in\s+the\s+image")

_NAVIGATION = (r"(?:read|see|view|watch|load|show)\s+(?:more|also|all|next|full\s+(?:story"
               r"|article|coverage))(?:\s+(?:stories|articles|news|videos|on\s+this"
               r"(?:\s+(?:story|topic))?))?(?:\s*:\s*[^\n]{0,110})?"
               r"|also\s+read(?:\s*:\s*[^\n]{0,110})?"
               r"|related(?:\s+(?:articles?|stories|news|content|coverage|topics|links|posts"
               r"|videos|reading))?(?:\s*:\s*[^\n]{0,110})?"
               r"|more\s+(?:stories|news|articles|videos|headlines|coverage|like\s+this"
               r"|(?:from|in|on|about)(?:\s+[\w'’&.-]+){1,4})"
               r"|most\s+(?:read|visited|popular|viewed|shared|watched|commented|emailed|recent)"
               r"(?:\s+(?:stories|articles|news|videos|this\s+week|today"
               r"|(?:in|on|from)(?:\s+[\w'’&.-]+){1,2}))?"
               r"|top\s+(?:[\w'’&.-]+\s+){0,2}(?:stories|news|headlines|videos|picks|reads)"
               r"|(?:latest|trending|popular|recommended|featured|breaking|editor'?s'?\s+picks?)"
               r"(?:\s+(?:now|news|stories|articles|videos|headlines|for\s+you))?"
               r"|you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in"
               r"|have\s+missed)"
               r"|(?:next|previous|prev)\s+(?:article|story|post|page)(?:\s*:\s*[^\n]{0,110})?"
               r"|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|(?:main\s+)?menu|home(?:\s*page)?"
               r"|search|sections|close|log\s*in|sign\s+in|more"
               r"|live(?:\s+(?:story|updates?|blog|coverage|tv|now))"
               r"|(?:tags?|topics?|filed\s+under|categories|keywords)\s*:\s*[^.!?]{0,100}"
               r"|click\s+here\b[^.!?]{0,60}")

_LINK = r"(?:https?://|www\.)\S+"

#: The reason reported for each kind of furniture (the pattern's group name).
_FURNITURE_REASONS = {
    "link": "link", "copyright": "copyright", "reading": "reading time",
    "dateline": "dateline", "byline": "byline", "image": "image credit",
    "share": "share prompt", "ad": "advertisement", "comments": "comment form",
    "navigation": "navigation",
}
#: One pattern for all furniture, matched against a whole stripped line: bullets or arrows
#: before it and closing punctuation after it are allowed.
_FURNITURE_RE = re.compile(
    r"[•·|>»▶►■◆*-]*\s*(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in (
        ("link", _LINK), ("copyright", _COPYRIGHT), ("reading", _READING_TIME),
        ("dateline", _DATELINE), ("byline", _BYLINE), ("image", _IMAGE_CREDIT),
        ("share", _SHARE), ("ad", _ADVERTISEMENT), ("comments", _COMMENTS),
        ("navigation", _NAVIGATION)))
    + r")[\s.:!»›>→|…*]*",
    re.IGNORECASE,
)


#: The first words (lowercase letters) that a line of furniture can start with, other than the
#: names before the "/" or "via" of an image credit ("Jane Doe/AFP"). A line that starts
#: with another word is no match of :data:`_FURNITURE_RE`, which is then not run: most lines
#: of an article are decided by one dictionary look-up (tests hold the two to the same answers).
_FURNITURE_FIRST_WORDS = frozenset("""
    http https www copyright all this about estimated reading read listening listen
    last first originally published updated posted modified edited created date fecha
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun jan january feb february mar march apr april may jun june jul july aug august
    sep sept september oct october nov november dec december an a one just yesterday today
    written words story text report analysis by additional reporting writing editing compiled
    research translation translated produced graphics
    file main top lead header featured cover stock representative representational photo
    photograph photographs photos image images picture pictures pic pics video graphic
    illustration imagen foto credit credits ap afp reuters epa getty xinhua anadolu dpa efe
    ansa upi pti ani ians tass sputnik ria wana irna tasnim mehr shutterstock alamy handout pool
    share facebook twitter x whatsapp telegram linkedin reddit email e pinterest messenger
    flipboard threads bluesky instagram tiktok youtube google print copy sms tweet save
    bookmark follow sign subscribe register join get receive
    advertisement advertising advert ad ads sponsored paid promoted article content continue
    scroll add leave post write view show hide load comment comments enter
    see watch also related more most latest trending popular recommended breaking editor
    editors you next previous prev back skip menu home homepage search sections close log
    login live tags tag topic topics filed categories keywords click
    take reprinted republished reproduced used
""".split())
#: The first word of a line, after any bullets (empty when a digit or a mark comes first).
_LEAD_WORD_RE = re.compile(r"[•·|>»▶►■◆*\s]*([^\W\d_]*)")
#: First words that start sentences often, with what (lowercase) a line of furniture that
#: starts with them also has.
_FIRST_WORD_NEEDS = {
    "this": ("material", "question"), "all": ("rights",), "a": (" ago",), "an": (" ago",),
    "one": (" ago",), "you": ("like", "enjoy", "interested", "missed", "opt", "unsubscribe"),
}
#: The marks that a line of furniture can start with, after any bullets, besides digits.
_FURNITURE_FIRST_MARKS = frozenset("©(–—-")


def furniture(line: str) -> str | None:
    """Why the stripped ``line`` is page furniture ("navigation", "byline", "dateline",
    "image credit", "share prompt", "reading time", "copyright", "advertisement", "comment
    form", "link", "no words"), or None when it may be article text.

    Only short lines (:data:`FURNITURE_MAX_CHARS`) are furniture, and only when one pattern
    matches the whole line; a breadcrumb (:func:`_is_breadcrumb`) is navigation, and a line
    without a word (a separator, "* * *") is furniture too."""
    if len(line) > FURNITURE_MAX_CHARS:
        return None
    lead = _LEAD_WORD_RE.match(line)
    word = lead.group(1)
    if word:
        word = word.lower()
        if word in _FURNITURE_FIRST_WORDS:
            needs = _FIRST_WORD_NEEDS.get(word)
            maybe = needs is None or any(map(line.lower().__contains__, needs))
        else:  # the names of an image credit: "Jane Doe/AFP", "AFP via Getty Images"
            maybe = "/" in line or " via " in line
    else:
        mark = line[lead.end():lead.end() + 1]
        maybe = mark.isdigit() or mark in _FURNITURE_FIRST_MARKS
    if maybe:  # else no furniture starts so: see _FURNITURE_FIRST_WORDS
        m = _FURNITURE_RE.fullmatch(line)
        if m is not None:
            return _FURNITURE_REASONS[m.lastgroup]
    if not word and TOKEN_RE.search(line) is None:
        return "no words"  # a separator ("* * *", "———"), a lone mark or symbol
    if ("/" in line or "|" in line or "›" in line or ">" in line or "»" in line) and (
            _is_breadcrumb(line)):
        return "navigation"
    return None


def _same_line(a: str, b: str) -> bool:
    """True when two lines have the same words, in any case and spacing."""
    return a.casefold().split() == b.casefold().split()


def find_title(text: str) -> tuple[int, int] | None:
    """The first line when it stands alone as a headline, else None.

    A title is a short first line (at most 200 characters and 30 words) that does not end like
    a sentence in a full stop, followed by a line break and more text. Page furniture before
    it (a site's navigation breadcrumb, "News / Iraq / Palestine", a dateline, ...: see
    :func:`furniture`) is skipped.
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
            reason = "navigation" if _is_breadcrumb(line) else None
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
    paragraph (:func:`furniture`) is in none; a text of one line is never furniture.
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
                if reason is None and headline is not None and _same_line(text[s:e], headline):
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
