"""Reported speech: the clauses that attribution patterns put in someone else's mouth.

Rules, applied to each sentence after matching (quoted tokens stay ``quoted``):

- a speech verb in narrator voice ("said", "claimed", "confirmed"; not an adjective such as
  "the alleged attacker" or "so-called") governs the rest of the sentence:
  "The group said (that) <reported>";
- a trailing attribution governs what comes before it: "<reported>, the ministry said.";
  a parenthetical one governs both sides: "<reported>, officials said, <reported>";
- "according to" at the start governs what follows its comma:
  "According to the statement, <reported>"; elsewhere it governs what comes before it:
  "<reported>, according to officials."
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from .lexicon import GOVERNING_TYPES, Match
from .text import Sentence

_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those"})
#: Words that start a clause, not the subject of an inverted attribution ("..., said the
#: ministry."): after "<subject>, <apposition>, said" they show the verb governs what follows.
_CLAUSE_STARTERS = frozenset({"that", "it", "they", "he", "she", "we", "i", "you", "there"})
#: Words that start an adjunct of the attribution ("said on Monday", "said in a statement"),
#: not the reported clause ("said the raid, which ...").
_ADJUNCT_STARTS = frozenset({"on", "in", "at", "during", "through", "via", "earlier", "later",
                             "last", "late", "yesterday", "today", "tonight"})
_TRAILING_MAX_AFTER = 4  # "..., the group said on Sunday."
_TRAILING_MAX_SUBJECT = 8  # "..., a spokesperson for the ministry told reporters."


def is_speech_verb(sent: Sentence, m: Match) -> bool:
    """A report/distancing/endorsing match used as a verb: not hyphenated ("so-called") and
    not after a determiner ("the alleged attacker")."""
    e = m.entry
    if e.category not in GOVERNING_TYPES or "-" in e.term:
        return False
    return not (m.i > 0 and sent.norms[m.i - 1] in _DETERMINERS)


def _governs(sent: Sentence, m: Match) -> bool:
    return sent.voices[m.i] == "narrator" and is_speech_verb(sent, m)


def _comma_before(text: str, sent: Sentence, k: int) -> int | None:
    """Index of the first token after the last comma before token ``k``, or None."""
    starts = sent.starts
    pos = text.rfind(",", starts[0], starts[k])
    return None if pos < 0 else bisect_left(starts, pos, 0, k)


def _comma_after(text: str, sent: Sentence, k: int) -> int | None:
    """Index of the first token after the first comma following token ``k``, or None."""
    pos = text.find(",", sent.ends[k], sent.end)
    if pos < 0:
        return None
    idx = bisect_right(sent.starts, pos, k + 1)
    return idx if idx < len(sent) else None


def mark_reported(text: str, sent: Sentence, matches: list[Match]) -> None:
    """Set ``reported`` voice on the tokens governed by attribution ``matches``."""
    n = len(sent)
    marked = 0  # tokens 0..marked-1 are marked already: marking them again changes nothing

    def mark_before(k: int) -> None:  # so that many prefix marks still take linear time
        nonlocal marked
        if k > marked:
            sent.mark_reported(marked, k)
            marked = k

    for m in matches:
        category = m.entry.category
        if category == "sourcing" and m.entry.term.startswith("according"):
            if m.i <= 1:
                after = _comma_after(text, sent, m.j - 1)
                if after is not None:
                    sent.mark_reported(after, n)
            else:
                mark_before(m.i)
        elif category in GOVERNING_TYPES and _governs(sent, m):  # the test first: cheaper
            comma = _comma_before(text, sent, m.i)
            trailing = (
                comma is not None
                and comma > 0
                and m.i - comma <= _TRAILING_MAX_SUBJECT
                and n - m.j <= _TRAILING_MAX_AFTER
                and not (comma == m.i and m.j < n and sent.norms[m.j] in _CLAUSE_STARTERS)
            )
            if trailing:
                mark_before(comma)
                continue
            sent.mark_reported(m.j, n)
            after = _comma_after(text, sent, m.j - 1)
            parenthetical = (  # "<reported>, officials said, <reported>"
                comma is not None
                and 0 < comma < m.i
                and m.i - comma <= _TRAILING_MAX_SUBJECT
                and after is not None
                and (after == m.j  # "..., officials said, ..."
                     or (after - m.j <= _TRAILING_MAX_AFTER  # "... said on Monday, ..."
                         and sent.norms[m.j] in _ADJUNCT_STARTS))
            )
            if parenthetical:
                mark_before(comma)
