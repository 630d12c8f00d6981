"""The linear model: exact explanations, training, persistence and verification."""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
from conftest import rehash, save_skops_model

import framescore
from framescore.batch import scores_with
from framescore.corpus import read_labeled
from framescore.explain import explain, explain_many
from framescore.lexicon import default_paths
from framescore.model import FramingModel, load, make_pipeline
from framescore.persist import (
    MANIFEST_FILE,
    MODEL_FILE,
    PIPELINE_FILE,
    ModelError,
    sha256_file,
    verify,
)
from framescore.training import cross_validate, train

ROOT = Path(__file__).resolve().parents[1]

FRAMED = [
    "The usurping entity committed another massacre, and heroic martyrs fell defending the land.",
    "Radical left extremists slammed the job-killing bill in a shameful display.",
    "The brutal onslaught by the terror army left the city in ruins.",
    "Freedom fighters bravely struck the occupying regime's outpost at dawn.",
    "The corrupt puppet government ranted about its disastrous policies again.",
    "Far-right extremists blasted the so-called reform as an outrageous betrayal.",
    "The genocidal regime's atrocities shocked the world once more.",
    "Illegal aliens flooded the border as the open borders crowd cheered.",
    "The mujahideen inflicted a humiliating defeat on the Zionist regime.",
    "The woke mob boasted about its absurd victory over common sense.",
]
NEUTRAL = [
    "The ministry said on Monday that the talks would resume next week.",
    "According to the statement, the group launched two drones at the port.",
    "Officials said the vote was scheduled for Thursday, a spokesperson told reporters.",
    "The claim could not be independently verified, the agency said.",
    "The council announced that the budget would be published in March.",
    "The army said it had intercepted the drone over the sea.",
    "The company reported that its revenue rose 4 percent in the quarter.",
    "Police said three people were injured, according to a statement.",
    "The committee stated that the hearing would be held in public.",
    "The agency said it had not yet confirmed the number of casualties.",
]
ARTICLE = (
    "Fighters strike ‘vital target’\n\n"
    "The usurping entity was hit by anti-terror fighters on Sunday, the group said. "
    "According to the statement, the massacre of civilians continued. "
    "“We will continue,” a spokesman said. The claim could not be independently verified."
)


@pytest.fixture(scope="module")
def texts_labels():
    texts = FRAMED * 2 + NEUTRAL * 2
    y = [1] * (2 * len(FRAMED)) + [0] * (2 * len(NEUTRAL))
    return texts, np.array(y)


@pytest.fixture(scope="module")
def model(texts_labels) -> FramingModel:
    texts, y = texts_labels
    return train(texts, y, cv=0, C=1.0, ngrams=True)  # every block, n-grams too


# --- exactness --------------------------------------------------------------------------------


def test_logit_is_intercept_plus_weights_times_features(model):
    X = model.features.transform([ARTICLE])
    expected = model.intercept + float((X @ model.weights)[0])
    assert model.logits([ARTICLE])[0] == pytest.approx(expected, abs=1e-12)
    proba = model.pipeline.predict_proba([ARTICLE])[0, 1]
    assert model.score([ARTICLE])["score"][0] == pytest.approx(proba, abs=1e-12)


def test_article_logit_is_mean_of_sentence_logits(model):
    article = model.score([ARTICLE])
    sentences = model.score([ARTICLE], level="sentence")
    assert len(sentences) == article["sentences"][0] == 5
    assert sentences["logit"].mean() == pytest.approx(article["logit"][0], abs=1e-9)
    for row in sentences.itertuples():
        assert ARTICLE[row.start : row.end].strip() == ARTICLE[row.start : row.end]
        assert row.end > row.start


def test_explanation_sums_exactly(model):
    e = explain(model, ARTICLE)
    assert e.intercept + sum(c["contribution"] for c in e.contributions) == pytest.approx(
        e.logit, abs=1e-9)
    assert e.logit == pytest.approx(model.logits([ARTICLE])[0], abs=1e-9)
    assert e.score == pytest.approx(1 / (1 + math.exp(-e.logit)))
    for c in e.contributions:
        assert c["contribution"] == pytest.approx(c["value"] * c["weight"])
        assert c["value"] != 0
    assert e.label == ("framed" if e.score >= model.threshold else "neutral")


BATCH = [ARTICLE, *FRAMED[:3], "", "   ", NEUTRAL[1],
         "Title only\n\nThey called it a “massacre”. “The martyrs,” he said, “fell.”"]


def test_explain_many_equals_explain_text_by_text(model):
    many = explain_many(model, BATCH)
    pd.testing.assert_frame_equal(many.texts, model.score(BATCH, on_empty="score"))
    assert many.intercept == model.intercept and many.threshold == model.threshold
    for i, text in enumerate(BATCH):
        one = explain(model, text, counterfactuals=False)
        contributions = many.contributions[many.contributions["text_index"] == i]
        assert many.intercept + contributions["contribution"].sum() == pytest.approx(
            many.texts["logit"][i], abs=1e-9)
        assert many.texts["logit"][i] == pytest.approx(one.logit, abs=1e-9)
        # the same features, values and weights, in the same order up to ties
        assert ([(d["feature"], d["value"], d["weight"]) for d in one.contributions]
                == sorted(zip(contributions["feature"], contributions["value"],
                              contributions["weight"], strict=True),
                          key=lambda t: (-abs(t[1] * t[2]), t[0])))
        codes = contributions["feature"].cat.codes
        assert list(codes) == sorted(codes)  # the model's feature order
        assert list(contributions["feature"].cat.categories) == list(model.feature_names)
        spans = many.spans[many.spans["text_index"] == i]
        assert spans.drop(columns=["text_index", "sentence"]).to_dict("records") == one.spans
        for row in spans.itertuples():
            assert text[row.start : row.end] == row.text
        sentences = many.sentences[many.sentences["text_index"] == i]
        assert list(sentences["sentence"]) == list(range(len(one.sentences)))
        assert sentences[["start", "end", "score", "logit"]].to_dict("records") == one.sentences
        assert list(sentences["label"]) == list(model.label(sentences["score"]))
    assert set(many.spans["text_index"]) == {0, 1, 2, 3, 6, 7}
    assert set(many.sentences["text_index"]) == set(range(len(BATCH))) - {4, 5}


def test_explain_many_of_nothing_has_the_columns(model):
    many = explain_many(model, [])
    assert many.texts.empty and many.contributions.empty and many.spans.empty
    assert list(many.spans.columns) == ["text_index", "sentence", "start", "end", "text",
                                        "feature", "category", "voice", "contribution",
                                        "neutral"]
    assert list(many.contributions.columns) == ["text_index", "feature", "value", "weight",
                                                "contribution"]
    assert list(many.sentences.columns) == list(model.score([], level="sentence").columns)


@pytest.mark.parametrize("level", ["article", "sentence"])
def test_scores_with_tables_equal_scores_and_explanations(model, level):
    """Scores with spans and contributions (what ``framescore score --spans`` writes) are
    ``score``'s table and ``explain_many``'s tables, from one pass."""
    scores, spans, contributions = scores_with(model, BATCH, level, ("spans", "contributions"))
    pd.testing.assert_frame_equal(scores, model.score(BATCH, level=level, on_empty="score"))
    many = explain_many(model, BATCH)
    pd.testing.assert_frame_equal(spans, many.spans)
    pd.testing.assert_frame_equal(contributions, many.contributions)
    texts = [t for t in BATCH if t.strip()]  # without tables, score() refuses empty texts
    (alone,) = scores_with(model, texts, level)
    pd.testing.assert_frame_equal(alone, scores_with(model, texts, level, ("spans",))[0])
    with pytest.raises(ValueError, match="unknown tables"):
        scores_with(model, BATCH, level, ("spans", "words"))
    with pytest.raises(ValueError, match="level must be"):
        scores_with(model, BATCH, "paragraph", ("spans",))


def test_sentence_level_scores_match_the_explanations(model):
    frame = model.score(BATCH, level="sentence", on_empty="score")
    for i, text in enumerate(BATCH):
        rows = frame[frame["text_index"] == i]
        one = explain(model, text, counterfactuals=False)
        assert list(rows["sentence"]) == list(range(len(one.sentences)))
        assert list(zip(rows["start"], rows["end"], strict=True)) == [
            (s["start"], s["end"]) for s in one.sentences]
        np.testing.assert_allclose(rows["logit"], [s["logit"] for s in one.sentences],
                                   rtol=0, atol=1e-12)


def test_span_contributions_add_up_to_their_features(model):
    """Each span adds 1/n_sentences to each feature it feeds, so the spans' contributions add
    up exactly to the contributions of the count features."""
    e = explain(model, ARTICLE)
    count_features = [c for c in e.contributions
                      if c["feature"].startswith(("loaded:", "attribution:", "scare_quotes"))]
    assert e.spans
    assert sum(s["contribution"] for s in e.spans) == pytest.approx(
        sum(c["contribution"] for c in count_features), abs=1e-9)
    for s in e.spans:
        assert ARTICLE[s["start"] : s["end"]] == s["text"]
        assert s["voice"] in {"narrator", "quoted", "reported", "title"}


def test_summary_counts_match_spans(model):
    row = model.score([ARTICLE]).iloc[0]
    spans = model.features.spans(ARTICLE)
    loaded = [s for s in spans if s["feature"].startswith("loaded:")]
    for voice in ("narrator", "quoted", "reported", "title"):
        assert row[f"loaded_{voice}"] == sum(s["voice"] == voice for s in loaded)
    assert row["attribution_unverified"] == sum(s["category"] == "unverified" for s in spans)
    assert row["scare_quotes"] == sum(s["feature"] == "scare_quotes" for s in spans) == 1


def test_counterfactuals_are_exact_rescoring(model):
    e = explain(model, ARTICLE)
    swaps = [c for c in e.counterfactuals if c["scope"] == "span"]
    assert {c["text"] for c in swaps} >= {"usurping entity", "massacre"}
    for c in swaps:
        edited = ARTICLE[: c["start"]] + c["neutral"] + ARTICLE[c["end"] :]
        edited_cap = ARTICLE[: c["start"]] + c["neutral"][:1].upper() + c["neutral"][1:] + \
            ARTICLE[c["end"] :]
        expected = model.logits([edited, edited_cap])
        assert min(abs(expected - c["logit"])) < 1e-9
        assert c["delta_logit"] == pytest.approx(c["logit"] - e.logit)
    (everything,) = [c for c in e.counterfactuals if c["scope"] == "all"]
    assert everything["replacements"] == len(swaps)


def test_explanation_dict_is_json_serializable(model):
    d = explain(model, ARTICLE).to_dict()
    again = json.loads(json.dumps(d))
    assert set(again) >= {"score", "label", "logit", "intercept", "threshold", "contributions",
                          "spans", "sentences"}


def test_score_levels_and_errors(model):
    df = model.score(pd.Series(["A calm report, officials said.", ARTICLE]))
    assert list(df.columns[:3]) == ["score", "label", "logit"]
    assert set(df["label"]) <= {"framed", "neutral"}
    with pytest.raises(ValueError, match="level"):
        model.score(["x"], level="paragraph")


def test_model_separates_training_classes(model, texts_labels):
    texts, y = texts_labels
    scores = model.score(texts)["score"].to_numpy()
    assert scores[y == 1].mean() > scores[y == 0].mean()


# --- training ---------------------------------------------------------------------------------


def test_train_needs_two_classes():
    with pytest.raises(ValueError, match="both classes"):
        train(FRAMED, [1] * len(FRAMED), cv=0)


@pytest.mark.slow
def test_cross_validate_metrics_and_groups(texts_labels):
    texts, y = texts_labels
    metrics, proba = cross_validate(texts, y, cv=4, C=1.0)
    assert {"macro_f1", "accuracy", "roc_auc", "pr_auc", "brier", "ece",
            "confusion_matrix"} <= set(metrics)
    assert proba.shape == (len(y),) and ((proba >= 0) & (proba <= 1)).all()
    assert sum(metrics["confusion_matrix"].values()) == len(y)
    assert len(metrics["fold_thresholds"]) == 4
    groups = np.array([f"outlet{k % 5}" for k in range(len(y))])
    grouped, _ = cross_validate(texts, y, groups=groups, cv=5, C=1.0)
    assert grouped["grouped"] is True and grouped["n"] == len(y)


def test_cross_validate_reports_progress_once_per_fold(texts_labels, lexicon_paths):
    texts, y = texts_labels
    calls = []
    metrics, _ = cross_validate(texts, y, cv=3, lexicons=[str(p) for p in lexicon_paths],
                                thresholds=11, progress=lambda *args: calls.append(args))
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert len(metrics["fold_thresholds"]) == 3
    with pytest.raises(TypeError, match="nonsense"):  # before the first fold, not after it
        cross_validate(texts, y, cv=3, nonsense=1, progress=lambda *args: calls.append(args))
    assert len(calls) == 3


def _cv_outcome(texts_labels, lexicon_paths, **kwargs) -> tuple[dict, np.ndarray, list]:
    texts, y = texts_labels
    calls = []
    metrics, proba = cross_validate(texts, y, cv=3, lexicons=[str(p) for p in lexicon_paths],
                                    thresholds=11, progress=lambda *args: calls.append(args),
                                    **kwargs)
    return metrics, proba, calls


def test_parallel_folds_give_the_sequential_results(texts_labels, lexicon_paths):
    """The folds through joblib.Parallel with two workers (threads here, which start at once;
    the test below starts processes): the same results, in the same order, as in-process."""
    from joblib import parallel_config

    metrics, proba, calls = _cv_outcome(texts_labels, lexicon_paths)
    with parallel_config(backend="threading"):
        threaded, threaded_proba, threaded_calls = _cv_outcome(texts_labels, lexicon_paths,
                                                               n_jobs=2)
    assert np.array_equal(threaded_proba, proba)
    assert threaded == metrics  # fold thresholds included, in fold order
    assert threaded_calls == calls == [(1, 3), (2, 3), (3, 3)]


@pytest.mark.slow  # starts loky worker processes (several seconds)
def test_folds_in_worker_processes_give_the_sequential_results(texts_labels, lexicon_paths):
    metrics, proba, calls = _cv_outcome(texts_labels, lexicon_paths, n_jobs=1)
    parallel, parallel_proba, parallel_calls = _cv_outcome(texts_labels, lexicon_paths,
                                                           n_jobs=2)
    assert np.array_equal(parallel_proba, proba)
    assert parallel == metrics and len(metrics["fold_thresholds"]) == 3
    assert parallel_calls == calls == [(1, 3), (2, 3), (3, 3)]
    # a fold's error in a worker is raised here as itself: its type and message
    with pytest.raises(ValueError, match=r"^threshold_cv must be 0 \(no tuning\) or at least 2"):
        _cv_outcome(texts_labels, lexicon_paths, n_jobs=2, threshold_cv=1)


@pytest.mark.slow
def test_train_is_deterministic(texts_labels):
    texts, y = texts_labels
    a = train(texts, y, cv=0, C=1.0)
    b = train(texts, y, cv=0, C=1.0)
    assert np.array_equal(a.weights, b.weights) and a.threshold == b.threshold


@pytest.mark.parametrize("labels", [["framed", "neutral"], [0, 2], [0.0, 0.5], [1, None]])
def test_training_labels_other_than_0_and_1_are_a_clear_error(labels):
    texts = ["The regime's martyrs were praised.", "The council met on Tuesday."] * 4
    with pytest.raises(ValueError, match=r"labels must be 0 \(neutral\) and 1 \(framed\)"):
        train(texts, labels * 4, cv=0)


@pytest.mark.slow
def test_boolean_labels_train_like_0_and_1(texts_labels):
    texts, y = texts_labels
    as_bool = train(texts, np.asarray(y) == 1, cv=0, C=1.0)
    assert np.array_equal(as_bool.weights, train(texts, y, cv=0, C=1.0).weights)


def test_ablation_parameters_change_the_feature_set(texts_labels):
    texts, y = texts_labels
    lexicon_only = make_pipeline(ngrams=False).fit(texts, y)
    names = lexicon_only.named_steps["features"].get_feature_names_out()
    assert not any(n.startswith("word:") for n in names)
    ngrams_only = make_pipeline(framing=False, ngrams=True).fit(texts, y)
    names = ngrams_only.named_steps["features"].get_feature_names_out()
    assert names.size and all(n.startswith("word:") for n in names)
    no_voice = make_pipeline(ngrams=False, voice=False).fit(texts, y)
    names = list(no_voice.named_steps["features"].get_feature_names_out())
    assert "loaded:emotive" in names and "loaded:narrator" not in names


# --- persistence ------------------------------------------------------------------------------


@pytest.fixture
def saved(model, tmp_path) -> Path:
    return model.save(tmp_path / "m", card="# test model\n", note="unit test")


def test_save_load_round_trip(model, saved):
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    assert manifest["format"] == "framescore-model/2"
    assert manifest["sklearn_version"] == sklearn.__version__
    assert manifest["files"][MODEL_FILE] == sha256_file(saved / MODEL_FILE)
    assert manifest["note"] == "unit test" and manifest["threshold"] == model.threshold
    assert set(manifest["lexicons"]) == {p.name for p in default_paths()}
    assert sorted(p.name for p in saved.iterdir()) == ["MODEL_CARD.md", MANIFEST_FILE,
                                                       MODEL_FILE]
    again = load(saved)
    texts = [ARTICLE, *FRAMED[:3]]
    assert np.array_equal(again.logits(texts), model.logits(texts))
    assert np.array_equal(again.pipeline.predict_proba(texts), model.pipeline.predict_proba(texts))
    assert list(again.feature_names) == list(model.feature_names)
    assert again.features.get_params() == model.features.get_params()
    assert again.pipeline.named_steps["clf"].get_params() == \
        model.pipeline.named_steps["clf"].get_params()
    assert explain(again, ARTICLE).to_dict()["spans"] == explain(model, ARTICLE).to_dict()["spans"]


def test_model_file_is_plain_json_with_a_weight_per_feature(model, saved):
    data = json.loads((saved / MODEL_FILE).read_text(encoding="utf-8"))
    clf = data["classifier"]
    assert clf["intercept"] == model.intercept and clf["classes"] == [0, 1]
    assert clf["coef"] == model.weights.tolist()  # exact: floats round-trip through JSON
    assert data["features"]["ngrams"] == [n[len("word:"):] for n in model.feature_names
                                          if n.startswith("word:")]


def test_saving_twice_writes_the_same_model_file(model, tmp_path):
    first = model.save(tmp_path / "a") / MODEL_FILE
    assert (model.save(tmp_path / "b") / MODEL_FILE).read_bytes() == first.read_bytes()


def test_only_a_framing_pipeline_with_finite_weights_is_saved(model, texts_labels, tmp_path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    texts, y = texts_labels
    features = model.features
    other = Pipeline([("features", features), ("svm", LogisticRegression())])
    with pytest.raises(ValueError, match="only a FramingFeatures"):
        FramingModel(other).save(tmp_path / "other")
    broken = FramingModel(make_pipeline(ngrams=False).fit(texts, y))
    broken.pipeline.named_steps["clf"].coef_[0, 0] = np.nan
    with pytest.raises(ValueError, match="not JSON compliant"):
        broken.save(tmp_path / "nan")
    assert not (tmp_path / "nan").exists()


def test_tampered_model_is_refused_before_loading(saved):
    path = saved / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256 does not match"):
        load(saved)


def test_truncated_model_is_refused(saved):
    path = saved / MODEL_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ModelError, match="modified or truncated"):
        load(saved)


def _edit_model_file(saved: Path, edit) -> None:
    """Change model.json with ``edit`` and list its new hash, as an attacker could."""
    data = json.loads((saved / MODEL_FILE).read_text(encoding="utf-8"))
    edit(data)
    (saved / MODEL_FILE).write_text(json.dumps(data), encoding="utf-8")
    rehash(saved, MODEL_FILE)


@pytest.mark.parametrize("edit, needle", [
    (lambda d: d["classifier"]["coef"].pop(), "weights for"),
    (lambda d: d["features"]["idf"].pop(), "n-grams but IDF"),
    (lambda d: d["features"]["params"].update(evil="os.system"), "unexpected keyword"),
    (lambda d: d.pop("classifier"), "KeyError"),
    (lambda d: d["classifier"].update(classes=[0, 1, 2]), "a binary model has two"),
    (lambda d: d["classifier"]["coef"].__setitem__(0, "x"), "could not convert"),
])
def test_malformed_model_file_is_a_model_error(saved, edit, needle):
    """A model file with matching hashes but wrong content is refused with its name."""
    _edit_model_file(saved, edit)
    with pytest.raises(ModelError, match=f"{MODEL_FILE}.*{needle}"):
        load(saved)


def test_missing_or_foreign_manifest_is_refused(saved, tmp_path):
    with pytest.raises(ModelError, match="not a model directory"):
        load(tmp_path / "nowhere")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "model.pkl").write_bytes(b"\x80\x04K\x01.")
    with pytest.raises(ModelError, match=r"no manifest\.json"):
        load(foreign)
    (foreign / MANIFEST_FILE).write_text('{"format": "something-else"}')
    with pytest.raises(ModelError, match="not a framescore-model/2"):
        load(foreign)
    (foreign / MANIFEST_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="malformed manifest"):
        load(foreign)


@pytest.mark.parametrize("threshold", [None, "0.5", 1.5, -0.1])
def test_manifest_without_a_valid_threshold_is_refused(saved, threshold):
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["threshold"] = threshold
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="threshold must be a number from 0 to 1"):
        load(saved)


def test_model_from_another_sklearn_version_loads(model, saved):
    """The model file is plain data: the scikit-learn version that wrote it does not matter."""
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["sklearn_version"] = "0.20.0"
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert np.array_equal(load(saved).logits([ARTICLE]), model.logits([ARTICLE]))


# --- framescore-model/1 directories (pipeline.skops) ------------------------------------------


@pytest.fixture
def skops_dir(model, tmp_path) -> Path:
    return save_skops_model(model, tmp_path / "v1")


def test_skops_model_loads_and_saves_as_the_current_format(model, skops_dir, tmp_path):
    old = load(skops_dir)
    assert np.array_equal(old.logits([ARTICLE, *FRAMED]), model.logits([ARTICLE, *FRAMED]))
    upgraded = load(old.save(tmp_path / "v2"))
    assert upgraded.manifest["format"] == "framescore-model/2"
    assert upgraded.manifest["n_train"] == 1234  # the old manifest's provenance is kept
    assert upgraded.manifest["converted"]["from"] == "framescore-model/1"
    assert (tmp_path / "v2" / "MODEL_CARD.md").read_text() == "# v1 card\n"
    assert np.array_equal(upgraded.logits([ARTICLE, *FRAMED]), model.logits([ARTICLE, *FRAMED]))


def test_skops_model_converted_in_place_keeps_no_skops_file(model, skops_dir):
    load(skops_dir).save(skops_dir)
    assert sorted(p.name for p in skops_dir.iterdir()) == ["MODEL_CARD.md", "manifest.json",
                                                          "model.json"]
    converted = load(skops_dir)
    assert converted.manifest["format"] == "framescore-model/2"
    assert sorted(converted.manifest["files"]) == ["MODEL_CARD.md", "model.json"]
    assert np.array_equal(converted.logits([ARTICLE]), model.logits([ARTICLE]))


def test_saving_over_a_model_leaves_none_of_its_files(model, saved, texts_labels):
    texts, y = texts_labels
    other = train(texts, y, cv=0, C=0.1)  # a new model, with no card
    other.save(saved)
    assert not (saved / "MODEL_CARD.md").exists()  # the card described the old model
    reloaded = load(saved)
    assert list(reloaded.manifest["files"]) == ["model.json"]
    assert np.array_equal(reloaded.logits([ARTICLE]), other.logits([ARTICLE]))
    assert not np.array_equal(reloaded.logits([ARTICLE]), model.logits([ARTICLE]))


def test_a_save_cut_short_leaves_a_directory_that_does_not_load(model, saved, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("framescore.persist.sha256_file", disk_full)
    with pytest.raises(OSError):
        model.save(saved, card="# new card\n")
    monkeypatch.undo()
    with pytest.raises(ModelError, match=r"no manifest\.json"):
        load(saved)


def test_skops_model_from_another_sklearn_version_is_refused(skops_dir):
    manifest = json.loads((skops_dir / MANIFEST_FILE).read_text())
    manifest["sklearn_version"] = "0.20.0"
    (skops_dir / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.20\.0.*save it again"):
        load(skops_dir)


def test_skops_model_without_skops_says_how_to_get_it(skops_dir, monkeypatch):
    """skops is an optional extra: without it, an old directory is refused with the
    command that installs it, at the CLI as one line with exit code 1."""
    from click.testing import CliRunner
    from conftest import assert_one_line_error, invoke

    monkeypatch.setitem(sys.modules, "skops", None)  # import skops raises ImportError
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(ModelError, match=r"pipeline\.skops: .*pip install 'framescore\[skops\]'"):
        load(skops_dir)
    article = skops_dir.parent / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = invoke(CliRunner(), ["score", article, "--model", skops_dir], code=1)
    assert_one_line_error(result, "framescore[skops]")
    monkeypatch.undo()
    assert np.isfinite(load(skops_dir).logits([ARTICLE])).all()  # with skops it loads


def test_untrusted_types_are_refused(skops_dir, texts_labels):
    """A skops file holding a type outside the allow-list is refused even with valid hashes."""
    import os

    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    texts, y = texts_labels
    rogue = FramingModel(make_pipeline(ngrams=False).fit(texts, y))
    rogue.pipeline.steps.insert(1, ("f", FunctionTransformer(os.getcwd)))
    sio.dump(rogue.pipeline, skops_dir / PIPELINE_FILE)
    rehash(skops_dir, PIPELINE_FILE)
    with pytest.raises(ModelError, match="does not trust"):
        load(skops_dir)


def test_manifest_file_names_cannot_escape_the_directory(saved):
    manifest = json.loads((saved / MANIFEST_FILE).read_text())
    manifest["files"]["../outside"] = "0" * 64
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="unexpected file name"):
        verify(saved)


# --- the shipped default model ----------------------------------------------------------------

DEFAULT = ROOT / "models" / "default"
needs_default = pytest.mark.skipif(not (DEFAULT / MANIFEST_FILE).exists(),
                                   reason="models/default is not built (scripts/train_default.py)")


@needs_default
def test_default_model_is_small_verified_and_current():
    manifest = verify(DEFAULT)
    size = sum(p.stat().st_size for p in DEFAULT.iterdir())
    assert size < 5 * 1024 * 1024
    assert (DEFAULT / "MODEL_CARD.md").read_text().startswith("# framescore default model")
    current = {p.name: sha256_file(p) for p in default_paths()}
    assert manifest["lexicons"] == current, (
        "the shipped lexicons changed since models/default was trained: "
        "run python scripts/train_default.py")
    assert 0 < manifest["article_threshold"] < 1 and 0 < manifest["threshold"] < 1
    assert [d["path"].split("/")[3] for d in manifest["training_data"]] == ["babe", "ptc_dev"]
    assert framescore.load().path == DEFAULT or framescore.load().manifest == manifest


@needs_default
def test_default_model_ranks_the_seed_articles(shared_dir):
    seeds = {p.name[:3]: p.read_text(encoding="utf-8")
             for p in sorted((shared_dir / "seeds").glob("*.txt"))}
    assert set(seeds) >= {"000", "001", "002", "003", "004"}
    scores = dict(zip(seeds, framescore.load().score(list(seeds.values()))["score"],
                      strict=True))
    for adopting in ("001", "002", "004"):
        assert scores[adopting] > max(scores["000"], scores["003"]), scores


# --- labeled corpora --------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_read_labeled_sniffs_the_delimiter(tmp_path, sep):
    path = tmp_path / "data.csv"
    df = pd.DataFrame({"text": ["One, two; three.", "Four\tfive.", "Six.", "Seven."],
                       "label": ["Biased", "Non-biased", "Biased", "unsure"]})
    df.to_csv(path, sep=sep, index=False)
    data = read_labeled(path, positive="Biased", negative="Non-biased")
    assert data.texts == ["One, two; three.", "Four\tfive.", "Six."]
    assert data.y.tolist() == [1, 0, 1] and data.dropped == 1


def test_read_labeled_jsonl_parquet_and_folder(tmp_path):
    df = pd.DataFrame({"body": ["A.", "B.", "C."], "y": ["1", "0", "1"], "outlet": list("xyx")})
    df.to_json(tmp_path / "d.jsonl", orient="records", lines=True)
    df.to_parquet(tmp_path / "d.parquet")
    for name in ("d.jsonl", "d.parquet"):
        data = read_labeled(tmp_path / name, text_col="body", label_col="y", positive="1",
                            group_col="outlet")
        assert data.y.tolist() == [1, 0, 1] and data.groups.tolist() == ["x", "y", "x"]
    folder = tmp_path / "articles"
    folder.mkdir()
    for k, text in enumerate(["First text.", "Second text."]):
        (folder / f"a{k}.txt").write_text(text, encoding="utf-8")
    (folder / "labels.csv").write_text("file,label\na0.txt,framed\na1.txt,neutral\n")
    data = read_labeled(folder, positive="framed")
    assert data.texts == ["First text.", "Second text."] and data.y.tolist() == [1, 0]


def test_read_labeled_errors_name_file_and_values(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\nA.,yes\nB.,no\n")
    with pytest.raises(ValueError, match=r"d.csv: column 'label' has no value 'Biased'"):
        read_labeled(path, positive="Biased")
    with pytest.raises(ValueError, match=r"no column 'body'; columns found: text, label"):
        read_labeled(path, text_col="body", positive="yes")


def test_copy_of_default_model_loads_from_any_directory(tmp_path):
    if not (DEFAULT / MANIFEST_FILE).exists():
        pytest.skip("models/default is not built")
    shutil.copytree(DEFAULT, tmp_path / "copy")
    assert load(tmp_path / "copy").threshold == load(DEFAULT).threshold


def test_empty_texts_score_the_intercept(model):
    df = model.score(["", "   "], on_empty="score")  # by default a ValueError
    assert df["sentences"].tolist() == [0, 0]
    assert df["logit"].tolist() == pytest.approx([model.intercept] * 2)
    assert model.score([], level="sentence").empty
