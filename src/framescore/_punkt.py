"""Punkt, NLTK's sentence tokenizer, as framescore runs it: the one place that reaches into
NLTK's private API.

:class:`Punkt` subclasses NLTK's ``PunktSentenceTokenizer`` and mirrors these parts of
``nltk/tokenize/punkt.py``:

- ``PunktLanguageVars``: its patterns ``re_boundary_realignment``, ``period_context_re()``
  and the private ``_word_tokenizer_re()``, and ``PunktToken``'s private class patterns
  ``_RE_ELLIPSIS``, ``_RE_NUMERIC``, ``_RE_INITIAL`` and ``_RE_ALPHA``: the same patterns,
  run without the wall-clock limit of ``nltk.redos`` where NLTK uses it (3.10.4);
- ``PunktSentenceTokenizer.text_contains_sentbreak`` (its first pass and, with nothing
  trained but abbreviations, its second pass), written out to decide the same breaks
  without building Punkt's tokens; it reads the private ``_params`` and ``_lang_vars``;
- ``PunktSentenceTokenizer.span_tokenize`` (its private ``_match_potential_end_contexts``,
  ``_slices_from_text`` and ``_realign_boundaries``), in three loops.

It follows Punkt as NLTK 3.10.2 changed it: a period right before a curly quote or a
guillemet is a possible break, and those marks are realigned onto the sentence before them
like straight quotes. NLTK 3.8.1 to 3.10.1 split otherwise (``said.”``), so the copy is
not theirs. Checked equal to NLTK 3.10.2, 3.10.3 and 3.10.4 (``nltk>=3.10.2,<3.11`` in
pyproject.toml): ``tests/test_private_copies.py`` holds it to NLTK's own
``PunktSentenceTokenizer`` and Punkt word tokenizer, and shows where they differ on purpose
(the abbreviations it is given; no time limit). Take in a new NLTK version only after those
tests pass with it.

Imports no other framescore module.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from itertools import pairwise, repeat

from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
)

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
    """NLTK's compiled pattern ``rx`` without the wall-clock limit of ``nltk.redos`` (NLTK
    3.10.4 compiles Punkt's patterns with it): the same pattern, flags and engine (the
    ``regex`` module), called directly. A plain ``re`` pattern (NLTK 3.10.2 and 3.10.3, whose
    Punkt does not use ``nltk.redos``) is NLTK's own, as it is."""
    if isinstance(rx, re.Pattern):
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


class Punkt(PunktSentenceTokenizer):
    """Punkt with the given abbreviations and nothing trained, deciding the commonest
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

    ``abbreviations``: lowercase, without the final period.
    """

    def __init__(self, abbreviations: Iterable[str]):
        self._abbreviations = frozenset(abbreviations)
        params = PunktParameters()
        params.abbrev_types = set(self._abbreviations)
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
                word, abbreviations = word.lower(), self._abbreviations
                if word not in abbreviations and word.split("-")[-1] not in abbreviations:
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
        of NLTK 3.10, with NLTK's own patterns), in three loops instead of four nested
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


def is_one_sentence(chunk: str) -> bool:
    """True when Punkt is bound to return the stripped ``chunk`` whole: it has no possible
    sentence break, or only one right before a final closing mark (``... end."``), which Punkt
    realigns onto the sentence whether or not it breaks there."""
    m = _MAYBE_BREAK_RE.search(chunk)
    return m is None or (m.start() == len(chunk) - 2 and chunk[-1] in _REALIGNED)


#: The characters Punkt takes for whitespace when it looks for the word before a mark.
_PUNKT_WHITESPACE = tuple(string.whitespace)
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
