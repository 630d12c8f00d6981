"""Does a text look like English? A cheap check, so that the score of a text in another
language, which the English lexicons and model cannot read, is flagged rather than trusted.

English prose is about 40% stop words (scikit-learn's ``ENGLISH_STOP_WORDS``: "the", "of",
"that", ...). Measured on BABE's 3,674 news sentences (SG2): median share 0.42, 1st
percentile 0.18; of those with 25 words or more, 0.25 at the 1st percentile and 0.14 the
lowest. Sentences in German, French and Spanish (written for the tests) have 0.00 to 0.19:
the few English stop words they hold are shared ones ("in", "a", "no", "de"). So a share
below :data:`MIN_STOP_SHARE` (0.2) is a sign, but not proof: English headlines and lists of
names have few stop words too ("Riverton police investigate new warehouse fire near harbor
district": none). The evidence that settles it is function words of other languages ("der",
"und", "les", "dans", "los", "para", ... :data:`FOREIGN_FUNCTION_WORDS`), which English
sentences lack; they count only in lowercase ("Los Angeles", "La Paz" and "Le Pen" are English
news). :func:`looks_english` decides:

- a text with :data:`MIN_LETTERS` or more letters, more than half of them not Latin
  (Cyrillic, Arabic, Chinese, ...): not English;
- fewer than :data:`MIN_WORDS` words: English (too short to tell; never flagged);
- :data:`MIN_FOREIGN` or more function words of other languages, and a share of English stop
  words below :data:`MIN_STOP_SHARE` (0.2) or fewer English stop words than those: not
  English;
- below :data:`MIN_STOP_SHARE_ALONE` (0.1) with :data:`LONG_WORDS` words or more (a language
  without listed function words): not English.

With these settings no sentence of BABE (SG2: 3,674; MBIC: 1,700) is flagged, 4 of WikiNPOV's
11,946 are (a French quotation, a garbled non-Latin name, two lists of names), and every test
sentence in German, French and Spanish of six words or more is. No model, no download: a
regular expression and two sets of words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

#: Below this share of English stop words, function words of other languages decide (above
#: it, they must outnumber the English stop words).
MIN_STOP_SHARE = 0.2
#: Texts with fewer words are never flagged.
MIN_WORDS = 6
#: From this many words on, a very low share of English stop words decides alone.
LONG_WORDS = 25
#: From :data:`LONG_WORDS` words on, a share below this is enough without other evidence.
MIN_STOP_SHARE_ALONE = 0.1
#: Function words of other languages (:data:`FOREIGN_FUNCTION_WORDS`) that, with a low share
#: of English stop words, make a text not English.
MIN_FOREIGN = 2
#: A text with at least this many letters, more than half of them not Latin, is not English.
MIN_LETTERS = 10
#: Only the first this many characters of a text are read (some 100 English words): enough
#: to tell, at a fraction of the cost of scoring the text.
SAMPLE_CHARS = 600

#: Frequent function words of German, French, Spanish, Italian, Portuguese and Dutch that are
#: not English words ("in", "an", "was", "also", "de", "con", "van" are left out; "die", "la",
#: "el" are rare in English outside names), the evidence that a text with few English stop
#: words is in another language.
FOREIGN_FUNCTION_WORDS = frozenset("""
der die das und ist nicht mit von den dem des ein eine einen einer eines auf für sich wird
wurde wurden werden sind nach bei aus dass oder wie noch nur über aber zum zur im vom beim
gegen seine ihre diese dieser keine kann muss soll hatte haben sei
le la les et du une dans pour qui que sur pas au aux avec par cette ces sont été ont mais
leur nous vous elle il ils selon après à
el los las y del por una para como más pero sus fue este esta entre sobre también según
hasta desde muy ser está
della delle degli che sono anche nel nella gli questo questa dalla dopo perché
não uma dos das foi são pelo pela ao é
het een niet zijn worden voor ook maar wordt naar bij werd
""".split())

#: A word: a run of Latin letters (basic Latin, Latin-1, Latin Extended-A and -B; the
#: multiplication and division signs are no letters, but never start a word either).
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+")
#: A letter outside the Latin script.
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00C0-\u024F]")


def stop_share(text: str) -> tuple[float, int]:
    """The share of the words of ``text`` that are English stop words, and its number of
    words (0.0 and 0 for a text without words). Words are runs of Latin letters, lowercased."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(w in ENGLISH_STOP_WORDS for w in words) / len(words), len(words)


def looks_english(text: str) -> bool:
    """Whether ``text`` looks like English (see the module docstring; its first
    :data:`SAMPLE_CHARS` characters are read); a short text, or one without words, does."""
    text = text[:SAMPLE_CHARS]
    words = _WORD.findall(text)
    if not text.isascii():
        other, latin = len(_NON_LATIN.findall(text)), sum(map(len, words))
        if other > latin and other + latin >= MIN_LETTERS:
            return False
    n = len(words)
    if n < MIN_WORDS:
        return True
    english = sum(map(ENGLISH_STOP_WORDS.__contains__, map(str.lower, words)))
    # as written: the set is lowercase, and "Los Angeles", "La Paz", "Le Pen" are English news
    foreign = sum(map(FOREIGN_FUNCTION_WORDS.__contains__, words))
    share = english / n
    if foreign >= MIN_FOREIGN and (share < MIN_STOP_SHARE or foreign > english):
        return False
    return not (n >= LONG_WORDS and share < MIN_STOP_SHARE_ALONE)


def looks_english_many(texts: Iterable[str | None]) -> list[bool]:
    """:func:`looks_english` of each text (a missing one, None, counts as English: there is
    nothing to flag)."""
    return [True if t is None else looks_english(t) for t in texts]


def not_english_warning(flagged: int, total: int, what: str = "texts") -> str:
    """The warning of a run in which ``flagged`` of ``total`` texts do not look like
    English."""
    which = f"{flagged} of {total} {what} do" if total > 1 else "the text does"
    return (f"{which} not look like English (few English stop words); framescore's lexicons "
            "and model read English only, so their scores mean little")
