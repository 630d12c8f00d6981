"""Reported speech: the clauses that attribution patterns put in someone else's mouth.

Rules, applied to each sentence after matching (quoted tokens stay ``quoted``):

- a speech verb in narrator voice ("said", "claimed", "confirmed"; not an adjective such as
  "the alleged attacker" or "so-called") governs the rest of the sentence:
  "The group said (that) <reported>";
- a trailing attribution governs what comes before it: "<reported>, the ministry said.";
  a parenthetical one governs both sides: "<reported>, officials said, <reported>";
- "according to" at the start governs what follows its comma:
  "According to the statement, <reported>"; elsewhere it governs what comes before it:
  "<reported>, according to officials.";
- a sourcing pattern that is a speech verb ("told reporters", "quoted as saying") governs like
  one: "The minister told reporters (that) <reported>".

Before that, speech verbs and learned words that are capitalized names in the text are dropped
from the matches (:func:`drop_names`): "Edward Said", "Port Said", "Tell Abyad", "Said Hassan
arrived"; "the United Nations", "the Gaza Strip".
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


#: First words of the sourcing patterns that are speech verbs ("told reporters", "quoted as
#: saying"): they govern a reported clause like "said".
_SPEAKING_SOURCING = frozenset({"told", "quoted"})
#: The visible characters that may come right before a capitalized word that starts a clause
#: (so that it is not taken for a name): sentence or clause openers.
_CLAUSE_OPENERS = frozenset(":;([{\"“‘'«‹—–-")


def _speaks(m: Match) -> bool:
    e = m.entry
    if e.category in GOVERNING_TYPES:
        return "-" not in e.term
    return e.category == "sourcing" and (e.term == "quoted as saying"
                                         or e.term.split(" ", 1)[0] in _SPEAKING_SOURCING)


def is_speech_verb(sent: Sentence, m: Match) -> bool:
    """A report/distancing/endorsing match used as a verb, or a sourcing pattern that is one
    ("told reporters"): not hyphenated ("so-called") and not after a determiner ("the alleged
    attacker")."""
    if not _speaks(m):
        return False
    return not (m.i > 0 and sent.norms[m.i - 1] in _DETERMINERS)


def _titlecase(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _is_name(text: str, sent: Sentence, m: Match) -> bool:
    """A speech verb capitalized as (part of) a name: inside the sentence after a word or a
    comma ("Edward Said", "Port Said", "near Tell Abyad"), or at its start (or a clause's)
    followed by another capitalized word ("Said Hassan arrived"; not "Said the minister")."""
    starts, ends = sent.starts, sent.ends
    if not _titlecase(text[starts[m.i]:ends[m.i]]):
        return False
    k = starts[m.i]
    while k > sent.start and text[k - 1].isspace():
        k -= 1
    if k > sent.start and text[k - 1] not in _CLAUSE_OPENERS:
        return True  # "Edward Said", "..., Said Hassan"
    j = m.j
    return (j < len(sent) and _titlecase(text[starts[j]:ends[j]])
            and text[ends[j - 1]:starts[j]].isspace())  # "Said Hassan", not "Said, Hassan"


def _headline_case(text: str, sent: Sentence) -> bool:
    """No word of four letters or more in the sentence starts in lowercase ("Senators Say
    Loan Program Failed"): capitals there do not mark names."""
    starts, ends = sent.starts, sent.ends
    return not any(ends[k] - starts[k] >= 4 and text[starts[k]].islower()
                   for k in range(len(sent)))


def _may_be_name(m: Match) -> bool:
    """A match that a capital can turn into part of a name: a speech verb ("Said") or a
    one-word learned term ("Strip" in "the Gaza Strip"; learned terms are never names in
    their training texts)."""
    if "-" in m.entry.term:
        return False
    return m.entry.category in GOVERNING_TYPES or (m.entry.source == "learned"
                                                   and m.j - m.i == 1)


def drop_names(text: str, sent: Sentence, matches: list[Match]) -> None:
    """Remove from ``matches`` (in place) the speech verbs and one-word learned terms that
    are capitalized names in ``text`` (:func:`_is_name`). Headlines, and sentences in
    headline case, are left alone: their words are capitalized whatever they are."""
    if sent.is_title:
        return
    names = [m for m in matches if _may_be_name(m) and _is_name(text, sent, m)]
    if names and not _headline_case(text, sent):
        matches[:] = [m for m in matches if m not in names]


def _governs(sent: Sentence, m: Match) -> bool:
    return sent.voices[m.i] == "narrator" and is_speech_verb(sent, m)


def _in_number(text: str, pos: int) -> bool:
    """The comma at ``pos`` separates digits ("$100,000"): it is no clause boundary."""
    return 0 < pos < len(text) - 1 and text[pos - 1].isdigit() and text[pos + 1].isdigit()


def _comma_before(text: str, sent: Sentence, k: int) -> int | None:
    """Index of the first token after the last comma before token ``k``, or None."""
    starts = sent.starts
    pos = text.rfind(",", starts[0], starts[k])
    while pos >= 0 and _in_number(text, pos):
        pos = text.rfind(",", starts[0], pos)
    return None if pos < 0 else bisect_left(starts, pos, 0, k)


def _comma_after(text: str, sent: Sentence, k: int) -> int | None:
    """Index of the first token after the first comma following token ``k``, or None."""
    pos = text.find(",", sent.ends[k], sent.end)
    while pos >= 0 and _in_number(text, pos):
        pos = text.find(",", pos + 1, sent.end)
    if pos < 0:
        return None
    idx = bisect_right(sent.starts, pos, k + 1)
    return idx if idx < len(sent) else None


def mark_reported(text: str, sent: Sentence, matches: list[Match]) -> None:
    """Set ``reported`` voice on the tokens governed by attribution ``matches``, after
    removing from ``matches`` (in place) the speech verbs that are names (:func:`drop_names`),
    so that the caller counts only the rest."""
    drop_names(text, sent, matches)
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
        elif (category in GOVERNING_TYPES or category == "sourcing") and _governs(sent, m):
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
