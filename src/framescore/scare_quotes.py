"""Scare quotes: a short quoted phrase in the narrator's own sentence that no one is quoted
as saying ("the 'peace plan'"), told apart from direct and partial quotations, quotations
introduced or followed by a speech verb, and quoted names, titles and mentions."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .lexicon import Match
from .text import Quote, Sentence
from .voice import is_speech_verb

SCARE_MAX_TOKENS = 4
SCARE_LOOKBACK = 5  # a speech verb this many tokens before a quote introduces it


class SpeechVerbs:
    """The speech verbs among a sentence's matches (:func:`is_speech_verb`): their first and
    past-the-end token indices, both sorted (matches do not overlap), for window queries."""

    __slots__ = ("ends", "starts")

    def __init__(self, sent: Sentence, matches: list[Match]):
        verbs = [m for m in matches if is_speech_verb(sent, m)]
        self.starts = [m.i for m in verbs]
        self.ends = [m.j for m in verbs]

    def any_ending_in(self, lo: int, hi: int) -> bool:
        """Some verb has ``lo <= end <= hi``."""
        k = bisect_left(self.ends, lo)
        return k < len(self.ends) and self.ends[k] <= hi

    def any_starting_in(self, lo: int, hi: int) -> bool:
        """Some verb has ``lo < start <= hi``."""
        k = bisect_right(self.starts, lo)
        return k < len(self.starts) and self.starts[k] <= hi


def _last_visible(text: str, start: int, end: int) -> str:
    """The last non-whitespace character of ``text[start:end]`` ("" if none), without
    copying the slice: ``text[start:end].rstrip()[-1:]``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


def _first_visible(text: str, start: int, end: int) -> str:
    """The first non-whitespace character of ``text[start:end]`` ("" if none)."""
    while start < end and text[start].isspace():
        start += 1
    return text[start] if start < end else ""


def is_scare_quote(text: str, sent: Sentence, q: Quote, speech: SpeechVerbs) -> bool:
    """A closed quote of 1-4 tokens inside the sentence that is not a direct quotation: not
    the whole sentence, not introduced by a colon, comma or speech verb ("said ‘...’"), not
    followed by its attribution ("‘...,’ the mayor said"), and not inside reported speech
    (the group said it struck ‘the usurping entity’: the group's words, quoted).

    Time does not grow with the sentence's length (only with the whitespace around the
    quote), so a sentence with many quotes takes linear time."""
    if q.end > sent.end:
        return False
    # the tokens inside the quote: a range of token indices (token offsets are sorted)
    first = bisect_left(sent.starts, q.inner_start)
    last = bisect_right(sent.ends, q.inner_end) - 1
    if not 1 <= last - first + 1 <= SCARE_MAX_TOKENS:
        return False
    if first == 0 and last == len(sent) - 1:
        return False  # the whole sentence is the quotation
    voices = sent.voices
    if (first > 0 and voices[first - 1] == "reported") or \
            (last + 1 < len(voices) and voices[last + 1] == "reported"):
        return False  # a partial quotation inside reported speech
    if _last_visible(text, sent.start, q.start) in (":", ","):
        return False
    if speech.any_ending_in(first - SCARE_LOOKBACK, first):
        return False
    closes_clause = _last_visible(text, q.inner_start, q.inner_end) in ",!?" or \
        _first_visible(text, q.end, sent.end) == ","
    if closes_clause and speech.any_starting_in(last, last + SCARE_LOOKBACK):
        return False
    return not _names_or_mentions(text, sent.start, q)


#: Words a title or a name may have in lowercase ("Return of the King", "Ludwig van Beethoven").
_TITLE_SMALL_WORDS = frozenset(
    "a an and as at by de del der di du for from in la le of on or the to van von with".split())
#: A quote after these names or mentions a word ("known as 'X'", "the term 'X'"): not a scare
#: quote ("so-called" is one, and is not here).
_NAMING = re.compile(
    r"(?<![\w-])(?:(?:known|referred\s+to|described|titled|entitled|named|nicknamed|billed)"
    r"\s+as|called|named|nicknamed|titled|entitled|dubbed|spelled|spelt"
    r"|the\s+(?:terms?|words?|phrases?|names?|titles?|labels?|expressions?|slogans?))"
    r"\W*\Z", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _names_or_mentions(text: str, sent_start: int, q: Quote) -> bool:
    """Whether a quote is a name or a title ("the album 'Star Rise'": every word capitalized
    but small ones) or a word named or mentioned ("known as 'tillas'", "the term 'X'")."""
    words = _WORD.findall(text, q.inner_start, q.inner_end)
    if words and words[0][0].isupper() and all(
            w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words):
        return True
    return _NAMING.search(text, max(sent_start, q.start - 40), q.start) is not None
