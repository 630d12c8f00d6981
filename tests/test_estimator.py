"""FramingModel as a scikit-learn classifier of texts: fit, predict_proba, predict at the tuned
threshold, decision_function (the logit), classes_; clone, cross_val_score, Pipeline; and
scikit-learn's estimator checks that apply to text input.

The models here use the command line's small test lexicon (tests/conftest.py) and its 40
template sentences, with a coarse threshold grid, so that each fit takes well under a second.
"""

from __future__ import annotations

import inspect
import pickle
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
import sklearn.utils.estimator_checks as ec
from conftest import _corpus, invoke, jsonl
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import accuracy_score
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags

import framescore
from framescore.explain import explain
from framescore.model import DEFAULT_PARAMS, FramingModel, make_pipeline
from framescore.terms import word_spans
from framescore.training import train

THRESHOLDS = 21  # a coarser grid than the default 91: fits in these tests stay fast


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], np.ndarray]:
    texts, y = _corpus()
    return texts, np.asarray(y)


@pytest.fixture(scope="module")
def lexicons(cli_lexicons) -> list[str]:
    return [str(p) for p in cli_lexicons]


@pytest.fixture(scope="module")
def estimator(lexicons) -> FramingModel:
    """An unfitted model of the test lexicon."""
    return FramingModel(lexicons=lexicons, thresholds=THRESHOLDS)


@pytest.fixture(scope="module")
def fitted(estimator, corpus) -> FramingModel:
    texts, y = corpus
    return clone(estimator).fit(texts, y)


NEW_TEXTS = [
    "The puppet regime slammed the council over the bridge in Norvik.",
    "Officials said the library in Kelso would reopen in May.",
    "Freedom fighters held the harbour against a brutal onslaught, activists claimed.",
    "The radical left blasted the railway budget.",
    "Engineers inspected the clinic on Monday, according to the city.",
]


# --- the estimator ---------------------------------------------------------------------------


def test_defaults_are_the_shipped_models_and_the_signature_is_keyword_only():
    params = FramingModel().get_params()
    assert {k: params[k] for k in DEFAULT_PARAMS} == DEFAULT_PARAMS
    assert is_classifier(FramingModel())
    kinds = {p.kind for p in inspect.signature(FramingModel).parameters.values()}
    assert kinds == {inspect.Parameter.KEYWORD_ONLY}
    tags = get_tags(FramingModel())
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert not tags.classifier_tags.multi_class


def test_fit_trains_what_train_trains(fitted, corpus, lexicons):
    texts, y = corpus
    trained = train(texts, y, cv=0, lexicons=lexicons, thresholds=THRESHOLDS)
    assert np.array_equal(fitted.weights, trained.weights)
    assert fitted.intercept == trained.intercept and fitted.threshold == trained.threshold
    assert fitted.threshold != 0.5  # tuned on these data
    assert list(fitted.classes_) == [0, 1] and fitted.classes_.dtype.kind == "i"
    assert fitted.manifest["n_train"] == 40 and fitted.manifest["n_framed"] == 20
    assert fitted.article_threshold is None and fitted.path is None


def test_predict_proba_decision_function_and_predict(fitted):
    frame = fitted.score(NEW_TEXTS)
    proba = fitted.predict_proba(NEW_TEXTS)
    assert proba.shape == (len(NEW_TEXTS), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(proba[:, 1], frame["score"].to_numpy())
    np.testing.assert_array_equal(fitted.decision_function(NEW_TEXTS), frame["logit"].to_numpy())
    predicted = fitted.predict(NEW_TEXTS)
    assert predicted.dtype.kind == "i"
    np.testing.assert_array_equal(predicted, (proba[:, 1] >= fitted.threshold).astype(int))
    assert list(predicted) == [int(lab == "framed") for lab in
                               fitted.label(proba[:, 1], level="sentence")]
    # every kind of 1-D sequence of texts
    for X in (tuple(NEW_TEXTS), np.asarray(NEW_TEXTS), pd.Series(NEW_TEXTS, index=[7, 3, 1, 9, 5])):
        np.testing.assert_array_equal(fitted.predict_proba(X), proba)


def test_predict_uses_the_stored_threshold_not_one_half(fitted):
    proba = fitted.predict_proba(NEW_TEXTS)[:, 1]
    model = pickle.loads(pickle.dumps(fitted))
    model.threshold = float(proba.max())  # only one text is at or above it
    expected = (proba >= model.threshold).astype(int)
    assert not np.array_equal(expected, (proba >= 0.5).astype(int))
    np.testing.assert_array_equal(model.predict(NEW_TEXTS), expected)


def test_labels_other_than_0_1_and_other_targets(estimator, corpus):
    texts, y = corpus
    as_bool = clone(estimator).fit(texts, y == 1)
    assert list(as_bool.classes_) == [False, True]
    assert as_bool.predict(NEW_TEXTS).dtype == bool
    with pytest.raises(ValueError, match=r"must be 0 \(neutral\) and 1 \(framed\)"):
        clone(estimator).fit(texts, np.where(y == 1, "framed", "neutral"))
    with pytest.raises(ValueError, match="Only binary classification"):
        clone(estimator).fit(texts, np.arange(len(texts)) % 3)
    with pytest.raises(ValueError, match="both classes"):
        clone(estimator).fit(texts, np.ones(len(texts), dtype=int))
    with pytest.raises(ValueError, match="40 texts but 39 labels"):
        clone(estimator).fit(texts, y[:-1])
    with pytest.raises(TypeError, match="single string"):
        clone(estimator).fit("one text", [0, 1])


def test_empty_or_missing_texts_are_refused_when_predicting(fitted):
    for method in (fitted.predict, fitted.predict_proba, fitted.decision_function):
        with pytest.raises(ValueError, match="at positions 1, 3"):
            method(["The council met.", "", "Officials said so.", None])


def test_unfitted_model_says_so(estimator):
    model = clone(estimator)
    for method in (model.predict, model.predict_proba, model.decision_function, model.score):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            method(NEW_TEXTS)
    with pytest.raises(NotFittedError):
        _ = model.threshold
    assert not hasattr(model, "pipeline")


def test_fit_with_spans_learns_terms_as_train_does(estimator, corpus):
    texts, y = corpus
    spans = [word_spans(t, ["wrecked", "defended"]) for t in texts]
    model = clone(estimator).fit(texts, y, spans=spans)
    trained = train(texts, y, cv=0, spans=spans, lexicons=estimator.lexicons,
                    thresholds=THRESHOLDS)
    assert model.manifest["n_learned_terms"] == trained.manifest["n_learned_terms"] > 0
    assert "loaded:learned:narrator" in model.feature_names
    np.testing.assert_array_equal(model.weights, trained.weights)
    # given terms are used as they are, and spans then learn none
    given = clone(estimator).set_params(learned_terms=(("wrecked", 1.0),))
    given.fit(texts, y, spans=spans)
    assert given.manifest["n_learned_terms"] == 1


def test_score_is_the_research_table_without_labels_and_accuracy_with_them(fitted, corpus):
    texts, y = corpus
    assert isinstance(fitted.score(NEW_TEXTS), pd.DataFrame)
    assert "text_index" in fitted.score(NEW_TEXTS, "sentence")  # the level by position
    accuracy = fitted.score(texts, y)
    assert isinstance(accuracy, float)
    assert accuracy == accuracy_score(y, fitted.predict(texts))
    weights = np.where(y == 1, 3.0, 1.0)
    assert fitted.score(texts, y, weights) == accuracy_score(y, fitted.predict(texts),
                                                             sample_weight=weights)


def test_the_constructor_of_a_fitted_pipeline_still_works(corpus, lexicons):
    texts, y = corpus
    pipeline = make_pipeline(lexicons=lexicons).fit(texts, y)
    old_style = FramingModel(pipeline, 0.4, {"note": "x"}, None, 0.45)
    assert old_style.pipeline is pipeline and old_style.threshold == 0.4
    assert old_style.article_threshold == 0.45 and old_style.manifest == {"note": "x"}
    assert FramingModel(pipeline=pipeline).threshold == 0.5
    assert old_style.get_params()["lexicons"] == lexicons  # the pipeline's parameters
    np.testing.assert_array_equal(old_style.predict(NEW_TEXTS),
                                  (pipeline.predict_proba(NEW_TEXTS)[:, 1] >= 0.4).astype(int))


# --- clone, cross_val_score, Pipeline -----------------------------------------------------------


def test_clone_is_unfitted_with_the_same_params_and_refits_the_same(fitted, corpus):
    texts, y = corpus
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        copy.predict(NEW_TEXTS)
    copy.fit(texts, y)
    np.testing.assert_array_equal(copy.predict_proba(NEW_TEXTS), fitted.predict_proba(NEW_TEXTS))
    assert copy.threshold == fitted.threshold


def test_clone_of_a_loaded_model_retrains_the_same_model(model, corpus):
    """The command line's tiny model (conftest) was trained by train(..., cv=0, ngrams=True,
    min_df=1, lexicons=...): a clone of it, loaded, fitted on the same data, is that model."""
    texts, y = corpus
    assert model.get_params()["ngrams"] is True and list(model.classes_) == [0, 1]
    again = clone(model).fit(texts, y)
    np.testing.assert_array_equal(again.feature_names, model.feature_names)
    np.testing.assert_allclose(again.weights, model.weights, rtol=0, atol=1e-12)
    assert again.threshold == pytest.approx(model.threshold, abs=1e-12)


def test_cross_val_score(estimator, corpus):
    texts, y = corpus
    accuracy = cross_val_score(estimator, texts, y, cv=3)
    assert accuracy.shape == (3,) and ((accuracy >= 0) & (accuracy <= 1)).all()
    assert accuracy.mean() > 0.8  # the two kinds of template sentence are easy to tell apart
    f1 = cross_val_score(estimator, pd.Series(texts), pd.Series(y), cv=2, scoring="f1_macro")
    assert f1.shape == (2,) and f1.mean() > 0.8


def test_in_a_pipeline_after_a_text_transformer(estimator, fitted, corpus):
    texts, y = corpus

    def strip_wire_prefix(X):
        return [t.removeprefix("[WIRE] ") for t in X]

    pipe = Pipeline([("clean", FunctionTransformer(strip_wire_prefix)), ("model", estimator)])
    wired = ["[WIRE] " + t for t in texts]
    pipe.fit(wired, y)
    new = ["[WIRE] " + t for t in NEW_TEXTS]
    np.testing.assert_array_equal(pipe.predict_proba(new), fitted.predict_proba(NEW_TEXTS))
    np.testing.assert_array_equal(pipe.predict(new), fitted.predict(NEW_TEXTS))
    np.testing.assert_array_equal(pipe.decision_function(new),
                                  fitted.decision_function(NEW_TEXTS))
    # fit parameters reach the model through the pipeline
    spans = [word_spans(t, ["wrecked", "defended"]) for t in wired]
    pipe.fit(wired, y, model__spans=spans)
    assert pipe.named_steps["model"].manifest["n_learned_terms"] > 0


# --- the shipped model on the seed articles ----------------------------------------------------


def test_predict_agrees_with_the_command_line_on_the_seed_articles(default_model_dir, seeds,
                                                                   shared_dir, runner):
    model = framescore.load(default_model_dir)
    texts = list(seeds.values())
    predicted = model.predict(texts)
    proba = model.predict_proba(texts)[:, 1]
    records = sorted(jsonl(invoke(runner, ["score", shared_dir / "seeds", "--model",
                                           default_model_dir]).stdout),
                     key=lambda r: r["id"])
    assert [r["id"][:3] for r in records] == list(seeds)
    cli_scores = np.array([r["score"] for r in records])
    np.testing.assert_allclose(proba, cli_scores, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(predicted, (cli_scores >= model.threshold).astype(int))
    assert list(predicted) == [int(lab == "framed") for lab in
                               model.label(proba, level="sentence")]
    # where the article threshold does not fall between, the command line's label agrees
    lo, hi = sorted((model.threshold, model.threshold_for("article")))
    agree = [(r["label"] == "framed", p) for r, p, s in zip(records, predicted, cli_scores,
                                                            strict=True) if not lo <= s < hi]
    assert agree and all(framed == bool(p) for framed, p in agree)


def test_decision_function_is_the_explanations_logit(fitted):
    logits = fitted.decision_function(NEW_TEXTS)
    for text, logit in zip(NEW_TEXTS, logits, strict=True):
        assert explain(fitted, text, counterfactuals=False).logit == pytest.approx(
            logit, rel=0, abs=1e-12)


# --- scikit-learn's estimator checks ------------------------------------------------------------

# Checks that need no data, or only labels (fit validates y before X), or call the estimator
# unfitted: they run as scikit-learn wrote them.
API_CHECKS = [
    ec.check_estimator_cloneable, ec.check_estimator_repr, ec.check_estimator_tags_renamed,
    ec.check_valid_tag_types, ec.check_no_attributes_set_in_init,
    ec.check_parameters_default_constructible, ec.check_get_params_invariance,
    ec.check_set_params, ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order, ec.check_estimators_unfitted,
    ec.check_classifier_not_supporting_multiclass, ec.check_supervised_y_no_nan,
]
# Checks that fit on data made by ``_enforce_estimator_tags_X``: they run with that helper
# turned into one that writes a text for each row of the numeric data (``as_texts`` below).
TEXT_CHECKS = [
    ec.check_estimators_fit_returns_self, ec.check_estimators_overwrite_params,
    ec.check_fit_score_takes_y, ec.check_estimators_pickle,
    partial(ec.check_estimators_pickle, readonly_memmap=True), ec.check_readonly_memmap_input,
    ec.check_fit_check_is_fitted, ec.check_fit_idempotent, ec.check_pipeline_consistency,
    ec.check_classifiers_one_label, ec.check_classifiers_regression_target,
    ec.check_requires_y_none, ec.check_supervised_y_2d, ec.check_dtype_object,
]

SUBJECTS = ["The puppet regime", "The council", "The radical left", "Officials", "Engineers"]
VERBS = ["slammed", "inspected", "blasted", "opened", "said they visited"]
OBJECTS = ["the bridge", "the harbour after a brutal onslaught", "the clinic", "the railway",
           "the library"]


def as_texts(X) -> np.ndarray:
    """A sentence for each row of numbers, made of words its values pick (and its first value
    written out), so that different rows make different texts, some with loaded terms."""
    rows = np.asarray(X, dtype=float).reshape(len(X), -1)
    out = []
    for row in rows:
        k = [int(abs(v) * 7) for v in row[:3]] + [0, 0]
        out.append(f"{SUBJECTS[k[0] % 5]} {VERBS[k[1] % 5]} {OBJECTS[(k[0] + k[2]) % 5]} "
                   f"at {abs(row[0]):.3f}.")
    return np.asarray(out, dtype=object)


def _texts_for_checks(estimator, X, X_test=None, kernel=None):
    return as_texts(X) if X_test is None else (as_texts(X), as_texts(X_test))


def _name(check) -> str:
    func = getattr(check, "func", check)
    return func.__name__ + "".join(f"[{k}={v}]" for k, v in getattr(check, "keywords", {}).items())


@pytest.mark.parametrize("check", API_CHECKS, ids=_name)
def test_sklearn_api_checks(check, estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # sklearn's cast of NaN labels
        check(type(estimator).__name__, clone(estimator))


@pytest.mark.parametrize("check", TEXT_CHECKS, ids=_name)
def test_sklearn_checks_on_texts(check, estimator, monkeypatch):
    monkeypatch.setattr(ec, "_enforce_estimator_tags_X", _texts_for_checks)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        check(type(estimator).__name__, clone(estimator))


def test_checks_on_texts_see_texts(estimator, monkeypatch):
    """The text checks above do fit on texts: the helper they call returns them."""
    monkeypatch.setattr(ec, "_enforce_estimator_tags_X", _texts_for_checks)
    X = ec._enforce_estimator_tags_X(estimator, np.random.RandomState(0).uniform(size=(20, 3)))
    assert X.shape == (20,) and all(isinstance(t, str) for t in X) and len(set(X)) == 20
    assert any("slammed" in t or "blasted" in t for t in X)


# The checks below read their labels from a numeric X after making it (``y = X[:, 0]``), so
# they cannot run on texts as written; these are the same checks on the test corpus.


def test_fit_sets_only_trailing_underscore_or_private_attributes(estimator, corpus):
    """check_dont_overwrite_parameters, on texts."""
    texts, y = corpus
    model = clone(estimator)
    before = dict(vars(model))
    params = model.get_params()
    model.fit(texts, y)
    added = set(vars(model)) - set(before)
    assert added and all(a.endswith("_") or a.startswith("_") for a in added), added
    assert model.get_params() == params
    assert {k: vars(model)[k] for k in before} == before


def test_predicting_does_not_change_the_model(fitted):
    """check_dict_unchanged, on texts."""
    before = dict(vars(fitted))
    for method in ("predict", "predict_proba", "decision_function"):
        getattr(fitted, method)(NEW_TEXTS)
        assert vars(fitted) == before, method


def test_predictions_do_not_depend_on_the_batch_or_its_order(fitted, corpus):
    """check_methods_subset_invariance and check_methods_sample_order_invariance, on texts."""
    texts = np.asarray(corpus[0], dtype=object)
    order = np.random.RandomState(0).permutation(len(texts))
    for method in ("predict", "predict_proba", "decision_function"):
        whole = getattr(fitted, method)(texts)
        parts = np.concatenate([getattr(fitted, method)(texts[i:i + 7])
                                for i in range(0, len(texts), 7)])
        np.testing.assert_allclose(parts, whole, rtol=0, atol=1e-12, err_msg=method)
        np.testing.assert_allclose(getattr(fitted, method)(texts[order]), whole[order],
                                   rtol=0, atol=1e-12, err_msg=method)
