"""framescore.overlay: lexicon terms added to a trained model at scoring time.

An added term is scored with the weights its category already has, its matches are spans with
their category and voice, explanations stay exact, the model it was made from is left alone,
and the lexicons in force are named with their SHA-256."""

from __future__ import annotations

import hashlib
import math
import pickle

import numpy as np
import pytest
from conftest import FIXTURE_TEXTS

import framescore
from framescore import LexiconError
from framescore.explain import explain, explain_many
from framescore.model import FramingModel, make_pipeline
from framescore.overlay import (
    category_weights,
    lexicon_sha256,
    lexicon_sources,
    lexicons_tag,
    with_lexicons,
)

TEXT = "The Velmora bandits closed the road on Monday. Engineers repaired the bridge."


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mine(tmp_path):
    return write(tmp_path / "mine.csv", "term,category,neutral\n"
                                        "velmora bandits,delegitimizing,Velmora officials\n")


def test_added_terms_are_scored_with_their_categorys_weights(model, mine):
    before = explain(model, TEXT)
    assert not [s for s in before.spans if s["feature"].startswith("loaded:")]
    added = with_lexicons(model, [mine])
    e = explain(added, TEXT)
    (span,) = [s for s in e.spans if s["text"] == "Velmora bandits"]
    assert (span["category"], span["voice"]) == ("delegitimizing", "narrator")
    assert span["feature"] == "loaded:delegitimizing:narrator"
    assert TEXT[span["start"]:span["end"]] == span["text"]
    # exact: logit = intercept + Σ weight × value, with the model's own weights
    assert abs(e.intercept + math.fsum(c["contribution"] for c in e.contributions)
               - e.logit) < 1e-9
    assert e.intercept == before.intercept
    np.testing.assert_array_equal(added.weights, model.weights)
    assert list(added.feature_names) == list(model.feature_names)
    # one match in one of two sentences adds half its category's narrator weight
    weight = category_weights(model)["delegitimizing"]["narrator"]
    assert e.logit - before.logit == pytest.approx(weight / 2, abs=1e-9)
    assert span["contribution"] == pytest.approx(weight / 2, abs=1e-9)
    assert e.threshold == before.threshold
    # the same through score(), and the model it was made from is unchanged
    assert added.score([TEXT])["logit"].iloc[0] == pytest.approx(e.logit, abs=1e-12)
    assert model.score([TEXT])["logit"].iloc[0] == pytest.approx(before.logit, abs=1e-12)
    assert model.features.lexicon.lookup("velmora bandits") is None
    assert added.features.lexicon.lookup("Velmora Bandits").category == "delegitimizing"


def test_added_entries_override_the_models_and_keep_its_features(model, tmp_path):
    """'martyr' moves from valorizing to delegitimizing; 'brutal onslaught' was the last
    atrocity term, so moving it would leave a feature without terms: refused."""
    moved = write(tmp_path / "moved.csv", "term,category,neutral\nmartyr,delegitimizing,dead\n")
    added = with_lexicons(model, [moved])
    text = "Martyrs fell at the bridge."
    (span,) = [s for s in explain(added, text).spans if s["text"] == "Martyrs"]
    assert span["category"] == "delegitimizing" and span["neutral"] == "dead"
    assert list(added.feature_names) == list(model.feature_names)
    emptied = write(tmp_path / "emptied.csv", "term,category\nbrutal onslaught,partisan\n")
    with pytest.raises(LexiconError, match=r"emptied\.csv:2: .*'atrocity'"):
        with_lexicons(model, [emptied])


@pytest.mark.parametrize(("content", "line", "needle"), [
    ("term,category\nfine,partisan\nnew term,brand_new_category\n", 3,
     "category 'brand_new_category': the model has no weight for it"),
    ("term,category\nscary quote,scare_quote\n", 2, "no weight"),
    ("term,neutral\nx,y\n", 1, "missing column"),
    ("term,category\nfine,Not A Category\n", 2, "must match"),
])
def test_terms_the_model_cannot_score_are_errors_naming_file_and_line(model, tmp_path, content,
                                                                      line, needle):
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(LexiconError) as info:
        with_lexicons(model, [path])
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert needle in str(info.value)


def test_lexicons_in_force_are_named_with_their_hashes(model, model_dir, mine, tmp_path):
    own = lexicon_sha256(model)
    assert own == lexicon_sha256(framescore.load(model_dir))  # stable across loads
    assert len(own) == 64
    assert lexicon_sources(model) == [{"name": "model", "path": str(model_dir), "sha256": own,
                                       "terms": len(model.features.lexicon.entries)}]
    second = write(tmp_path / "second.csv", "term,category\nvelmora officials,partisan\n")
    added = with_lexicons(with_lexicons(model, [mine]), [second])
    sha = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (mine, second)}
    sources = lexicon_sources(added)
    assert [s["name"] for s in sources] == ["model", "mine.csv", "second.csv"]
    assert sources[0]["sha256"] == own  # the model's own lexicon, not the combined one
    assert [s["sha256"] for s in sources[1:]] == [sha["mine.csv"], sha["second.csv"]]
    assert [s["terms"] for s in sources[1:]] == [1, 1]
    assert lexicons_tag(added) == (f"model:{own};mine.csv:{sha['mine.csv']};"
                                   f"second.csv:{sha['second.csv']}")
    assert explain(added, TEXT).lexicons == sources
    assert explain(added, TEXT).to_dict()["lexicons"] == sources
    assert with_lexicons(model, []) is model
    assert "lexicon_overlay" not in model.manifest


def test_an_added_lexicon_travels_to_worker_processes(model, mine):
    """Worker processes get the model pickled: the added terms go with it."""
    added = with_lexicons(model, [mine])
    again = pickle.loads(pickle.dumps(added))
    assert again.score([TEXT])["logit"].tolist() == added.score([TEXT])["logit"].tolist()
    assert lexicon_sources(again) == lexicon_sources(added)
    many = explain_many(again, [TEXT])
    assert "Velmora bandits" in many.spans["text"].tolist()


# --- the neutral-wording summary leaves out replacements that do not lower the score ------


@pytest.fixture(scope="module")
def plain_model(lexicon_paths) -> FramingModel:
    """A model of the fixture lexicons without n-grams: a replacement by a term of the same
    category and voice leaves every feature as it was."""
    pipeline = make_pipeline(lexicons=[str(p) for p in lexicon_paths])
    return FramingModel(pipeline.fit(FIXTURE_TEXTS * 3, [1, 1, 0, 1] * 3))


def test_summary_counterfactual_leaves_out_replacements_that_do_not_lower_it(plain_model,
                                                                            tmp_path):
    swap = write(tmp_path / "swap.csv", "term,category,neutral\n"
                                        "bandit,valorizing,freedom fighter\n")
    model = with_lexicons(plain_model, [swap])
    text = "Heroic martyrs and bandits defended the land."
    e = explain(model, text)
    singles = {c["text"]: c for c in e.counterfactuals if c["scope"] == "span"}
    assert singles["martyrs"]["neutral"] == "killed people"  # inflected to fit "martyrs"
    assert singles["bandits"]["neutral"] == "freedom fighters"
    assert singles["martyrs"]["delta_logit"] < 0
    assert singles["bandits"]["delta_logit"] == 0  # valorizing for valorizing
    (summary,) = [c for c in e.counterfactuals if c["scope"] == "all"]
    assert (summary["replacements"], summary["left_out"]) == (1, 1)
    assert summary["logit"] == pytest.approx(singles["martyrs"]["logit"], abs=1e-12)
    from framescore.render import render_text

    assert "the 1 that lower it (1 left out)" in render_text(e)
    # none lowers it: no summary at all
    e = explain(model, "Bandits defended the land.")
    assert [c["scope"] for c in e.counterfactuals] == ["span"]
