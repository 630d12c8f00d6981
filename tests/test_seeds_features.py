"""Integration: the seed articles in ../shared/seeds, with the lexicon shipped with framescore.

The seeds are five outlets' reports of the same kind of event. Their sentences are not copied
here: the tests look spans up by the phrase they expect and check voice and feature.
"""

from __future__ import annotations

import numpy as np
import pytest

from framescore import FramingFeatures
from framescore.lexicon import default_paths


@pytest.fixture(scope="module")
def shipped() -> FramingFeatures:
    names = {p.name for p in default_paths()}
    assert {"loaded.csv", "attribution.csv"} <= names, (
        f"the shipped lexicons are missing from data/lexicons (found {names})")
    return FramingFeatures().fit([""])


def find(spans: list[dict], phrase: str) -> list[dict]:
    """Spans whose text is ``phrase`` (ignoring case and a possessive 's)."""
    return [s for s in spans if s["text"].lower().removesuffix("’s").removesuffix("'s") == phrase]


def occurrences(text: str, phrase: str) -> list[int]:
    low, out, k = text.lower(), [], 0
    while (k := low.find(phrase, k)) >= 0:
        out.append(k)
        k += 1
    return out


def test_every_seed_is_present(seeds):
    assert {"000", "001", "002", "003", "004"} <= set(seeds)


def test_spans_are_exact_in_every_seed(shipped, seeds):
    for name, text in seeds.items():
        spans = shipped.spans(text)
        assert spans, name
        for s in spans:
            assert text[s["start"] : s["end"]] == s["text"], (name, s)
            assert s["voice"] in {"narrator", "quoted", "reported", "title"}


def test_001_adopts_anti_terror_fighters_in_its_own_voice(shipped, seeds):
    text = seeds["001"]
    assert occurrences(text, "anti-terror fighters"), "phrase not in seed 001"
    (span,) = find(shipped.spans(text), "anti-terror fighters")
    assert span["voice"] == "narrator"
    assert span["feature"].startswith("loaded:") and span["feature"].endswith(":narrator")


def test_000_usurping_entity_is_quoted(shipped, seeds):
    text = seeds["000"]
    positions = occurrences(text, "usurping entity")
    assert positions, "phrase not in seed 000"
    spans = find(shipped.spans(text), "usurping entity")
    assert [s["start"] for s in spans] == positions
    assert {s["voice"] for s in spans} == {"quoted"}
    assert all(s["feature"].endswith(":quoted") for s in spans)


def test_003_claimed_the_lives_is_not_attribution(shipped, seeds):
    text = seeds["003"]
    (pos,) = occurrences(text, "claimed the lives")
    analysis = shipped.analyze(text)
    attribution = [s for s in analysis.spans if s.feature.startswith("attribution:")]
    assert not [s for s in attribution if s.start <= pos < s.end], attribution
    # the clause after it stays in the narrator's voice
    sent = next(s for s in analysis.document.sentences if s.start <= pos < s.end)
    k = sent.starts.index(pos)
    assert sent.voices[k : k + 3] == ["narrator"] * 3


def test_001_claimed_responsibility_is_not_attribution(shipped, seeds):
    text = seeds["001"]
    positions = occurrences(text, "claimed responsibility")
    assert positions
    spans = shipped.spans(text)
    for pos in positions:
        assert not [s for s in spans if s["start"] <= pos < s["end"]
                    and s["feature"].startswith("attribution:")]


def test_002_vital_target_in_the_headline_is_a_scare_quote(shipped, seeds):
    text = seeds["002"]
    headline_pos = occurrences(text, "‘vital target’")
    assert headline_pos, "phrase not in seed 002"
    analysis = shipped.analyze(text)
    title = analysis.document.title
    assert title is not None
    assert title[0] <= headline_pos[0] < title[1], "the headline is not taken as the title"
    scare = [s for s in shipped.spans(text) if s["feature"] == "scare_quotes"]
    (span,) = [s for s in scare if s["start"] == headline_pos[0]]
    assert span["text"] == "‘vital target’"
    assert span["voice"] == "title"


def test_000_unverified_claim_is_marked(shipped, seeds):
    text = seeds["000"]
    (pos,) = occurrences(text, "have not yet confirmed")
    spans = [s for s in shipped.spans(text) if s["feature"] == "attribution:unverified"]
    assert [s for s in spans if pos <= s["start"] < pos + len("have not yet confirmed")]


def test_the_adopting_outlet_scores_higher_on_narrator_labels(shipped, seeds):
    """The design's example: 000 keeps the labels in quotes, 001 adopts them."""
    names = list(shipped.get_feature_names_out())
    X = shipped.transform([seeds["000"], seeds["001"]]).toarray()
    label_cols = [names.index(f"loaded:{c}:narrator") for c in ("delegitimizing", "valorizing")
                  if f"loaded:{c}:narrator" in names]
    assert label_cols, "shipped lexicon lacks delegitimizing/valorizing categories"
    narrator_000, narrator_001 = X[:, label_cols].sum(axis=1)
    assert narrator_000 == 0
    assert narrator_001 > 0
    quoted = names.index("loaded:quoted")
    assert X[0, quoted] > 0


def test_seed_rows_are_the_mean_of_their_sentences(shipped, seeds):
    for text in seeds.values():
        sentences = shipped.analyze(text, spans=False).sentence_matrix.toarray()
        np.testing.assert_allclose(shipped.transform([text]).toarray()[0],
                                   sentences.mean(axis=0))
