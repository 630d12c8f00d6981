"""Neutral wordings fitted to the matched form (framescore.wording.fit_neutral): "martyrs"
of the term "martyr" with the neutral "person killed" → "people killed"."""

from __future__ import annotations

import pytest

from framescore.wording import fit_neutral


@pytest.mark.parametrize(("matched", "term", "neutral", "verb", "expected"), [
    # nouns: the head takes the number of the matched text
    ("martyrs", "martyr", "person killed", False, "people killed"),
    ("Martyrs", "martyr", "person killed", False, "people killed"),
    ("martyr", "martyr", "person killed", False, "person killed"),
    ("martyred", "martyr", "person killed", False, "killed"),
    ("regimes", "regime", "government", False, "governments"),
    ("puppet regimes", "puppet regime", "Iranian government", False,
     "Iranian governments"),
    ("massacres", "massacre", "killing", False, "killings"),
    ("floods of illegals", "flood of illegals", "increase in migrants", False,
     "increases in migrants"),
    ("tree-hugger", "tree-huggers", "environmentalists", False, "environmentalist"),
    ("regime's", "regime", "government", False, "government's"),
    # names and words without a plural are left as they are
    ("usurping entities", "usurping entity", "Israel", False, "Israel"),
    ("kremlin propagandas", "kremlin propaganda", "Russian state media", False,
     "Russian state media"),
    ("glorious martyrs", "glorious martyr", "dead", False, "dead"),
    ("heroes", "hero", "wounded", False, "wounded"),
    # verbs: the first word takes the tense and person of the matched text
    ("slams", "slam", "criticize", True, "criticizes"),
    ("slammed", "slam", "criticize", True, "criticized"),
    ("slamming", "slam", "criticize", True, "criticizing"),
    ("plummeted", "plummet", "fall sharply", False, "fell sharply"),
    ("plummets", "plummet", "fall sharply", False, "falls sharply"),
    ("caved to", "cave to", "yield to", True, "yielded to"),
    ("insists", "insist", "said", True, "says"),
    ("insisting", "insist", "said", True, "saying"),
    ("insisted", "insist", "said", True, "said"),
    ("squandered", "squander", "spend", False, "spent"),
    # a term of a verb category: a verb phrase, its first word; else a noun phrase, its head
    ("stonewalls", "stonewall", "say nothing", True, "says nothing"),
    ("stonewalls", "stonewall", "say nothing", False, "say nothings"),
    # a regular past cannot be turned back into its base form with confidence: left alone
    ("slams", "slammed", "criticized", True, "criticized"),
    # nothing to fit
    ("usurping entity", "usurping entity", "Israel", False, "Israel"),
    ("brutal", "brutal", "", False, ""),
])
def test_neutral_wording_fits_the_matched_form(matched, term, neutral, verb, expected):
    assert fit_neutral(matched, term, neutral, verb) == expected
