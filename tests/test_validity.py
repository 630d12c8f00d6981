"""Behaviour tests of the shipped model (CheckList-style minimal pairs, written by us), and the
seed articles' labels and explanations (read from ../shared when it is there)."""

from pathlib import Path

import numpy as np
import pytest

import framescore
from framescore.explain import explain
from framescore.text import VOICES

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
needs_seeds = pytest.mark.skipif(not SEEDS, reason="the seed articles are read from ../shared, "
                                 "which is absent")


@pytest.fixture(scope="module")
def model():
    return framescore.load()


def scores(model, texts):
    return model.score(texts)["score"].to_numpy()


PLAIN = [
    "Fighters shelled the camp again on Monday.",
    "The senator's bill would cut the estate tax.",
    "The group's leaders met the delegation in the capital.",
    "The company laid off two hundred workers.",
]
LOADED = [  # the same sentences with a loaded term in the narrator's voice
    "Fighters of the usurping entity shelled the camp again on Monday.",
    "The senator's bill would scrap the death tax.",
    "The group's thuggish leaders met the delegation in the capital.",
    "The greedy company laid off two hundred workers.",
]
REPORTED_PLAIN = [  # reported speech without the loaded term ...
    "The statement said fighters shelled the camp again on Monday.",
    "He said the senator's bill would cut the estate tax.",
    "A rival said the group's leaders met the delegation in the capital.",
    "The union said the company laid off two hundred workers.",
]
REPORTED_QUOTED = [  # ... and with it, quoted inside the reported speech
    'The statement said fighters of "the usurping entity" shelled the camp again on Monday.',
    'He said the senator\'s bill would cut "the death tax".',
    'A rival said the group\'s "thuggish" leaders met the delegation in the capital.',
    'The union said the "greedy" company laid off two hundred workers.',
]


def test_the_weights_obey_the_framing_constraints(model):
    w = dict(zip(model.feature_names, model.weights, strict=True))
    families = {n.rsplit(":", 1)[0] for n in w if n.startswith("loaded:")
                and n.rsplit(":", 1)[1] in VOICES}
    assert families
    for f in families:
        narrator, title = w[f"{f}:narrator"], w[f"{f}:title"]
        quoted, reported = w[f"{f}:quoted"], w[f"{f}:reported"]
        assert min(narrator, title, quoted, reported) >= 0, f
        assert narrator >= quoted and narrator >= reported and title >= quoted, f
        assert title == narrator, f  # the headline is the outlet's own voice
    assert w["scare_quotes"] >= 0
    assert not any(n.startswith("word:") for n in w)  # no vocabulary features


def test_a_loaded_term_in_the_narrators_voice_raises_a_score(model):
    assert (scores(model, LOADED) > scores(model, PLAIN) + 0.01).all()


def test_quoting_a_term_never_lowers_a_score(model):
    plain, quoted = scores(model, REPORTED_PLAIN), scores(model, REPORTED_QUOTED)
    assert (quoted >= plain - 1e-9).all()
    spans = [model.features.spans(t) for t in REPORTED_QUOTED]
    assert all(any(s["voice"] == "quoted" for s in sp) for sp in spans)


def test_quoting_a_term_counts_less_than_adopting_it(model):
    """The same sentence with the term in the narrator's voice and in a direct quote."""
    pairs = [("The usurping entity shelled the camp again.",
              '"The usurping entity shelled the camp again," the statement read.'),
             ("The greedy company laid off workers.",
              '"The greedy company laid off workers," the union wrote.')]
    for adopted, quoted in pairs:
        assert scores(model, [adopted])[0] > scores(model, [quoted])[0]


@pytest.mark.parametrize("addition", [" on Monday", " in the capital", " on March 3, 2024",
                                      " in Ardvale on Tuesday", " last week in New York",
                                      ", officials in the region noted in December"])
def test_a_date_or_a_place_moves_a_score_by_less_than_005(model, addition):
    for sentence in PLAIN + LOADED:
        edited = sentence[:-1] + addition + "."
        before, after = scores(model, [sentence, edited])
        assert abs(after - before) < 0.05, (sentence, edited)


def test_evidence_does_not_vanish_in_a_long_sentence(model):
    short = "The greedy company laid off workers."
    long = ("The greedy company laid off workers at its plant near the river port, where the "
            "second shift had run the presses for most of the past eleven years.")
    s_short, s_long = scores(model, [short, long])
    assert s_long >= s_short - 1e-9


def test_the_article_threshold_is_stored_and_used(model):
    assert model.article_threshold is not None
    assert model.manifest["article_threshold"] == model.article_threshold
    frame = model.score(["The greedy company laid off workers."], level="sentence")
    assert frame["label"][0] == ("framed" if frame["score"][0] >= model.threshold else "neutral")


@needs_seeds
def test_the_seed_articles_are_labelled_as_a_reader_would(model):
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS}
    labels = dict(zip(texts, model.score(list(texts.values()))["label"], strict=True))
    assert labels == {"000": "neutral", "001": "framed", "002": "framed", "003": "neutral",
                      "004": "framed"}


@needs_seeds
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_a_seeds_top_reasons_toward_framed_are_framing_evidence(model, path):
    expl = explain(model, path.read_text(encoding="utf-8"))
    toward = [c["feature"] for c in expl.contributions if c["contribution"] > 0][:5]
    assert all(f.startswith(("loaded:", "attribution:", "scare_quotes")) for f in toward), toward
    assert np.isclose(expl.logit, expl.intercept + sum(c["contribution"]
                                                       for c in expl.contributions))
