"""FramingFeatures: voice, attribution, scare quotes, spans, names, the scikit-learn contract."""

from __future__ import annotations

import pickle
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import FIXTURE_CATEGORIES, only_span, spans_of
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import estimator_checks

from framescore import FramingFeatures, LexiconError
from framescore import _ngrams as ngrams_module
from framescore import features as features_module
from framescore.lexicon import ATTRIBUTION_TYPES
from framescore.text import VOICES, segment


def column(ff: FramingFeatures, name: str) -> int:
    names = list(ff.get_feature_names_out())
    return names.index(name)


def row_of(ff: FramingFeatures, text: str) -> dict[str, float]:
    """The text's non-zero features by name."""
    row = ff.transform([text]).toarray()[0]
    names = ff.get_feature_names_out()
    return {names[k]: row[k] for k in np.flatnonzero(row)}


# --- voice: one loaded term, four voices ---------------------------------------------------------

TERM = "freedom fighters"


@pytest.mark.parametrize(
    ("text", "voice"),
    [
        ("The militia, a band of freedom fighters, took the ridge on Friday.", "narrator"),
        ("Freedom fighters took the ridge on Friday.", "narrator"),
        ('The militia said: "Our freedom fighters took the ridge on Friday."', "quoted"),
        ("“Our freedom fighters took the ridge,” the militia said on Friday.", "quoted"),
        ("The militia said that its freedom fighters took the ridge on Friday.", "reported"),
        ("The militia said its freedom fighters took the ridge on Friday.", "reported"),
        ("The militia told a radio station that freedom fighters took the ridge.", "reported"),
        ("The militia claimed that freedom fighters took the ridge.", "reported"),
        ("According to the militia, freedom fighters took the ridge on Friday.", "reported"),
        ("Freedom fighters took the ridge on Friday, the militia said.", "reported"),
        ("Freedom fighters took the ridge on Friday, militia officials said.", "reported"),
        ("Freedom fighters took the ridge, according to a militia statement.", "reported"),
        ("Freedom fighters took the ridge, said a militia commander.", "reported"),
        ("The militia, formed in 2019, said it sent freedom fighters.", "reported"),
        ("Ridge falls to freedom fighters\n\nThe militia took the ridge on Friday.", "title"),
    ],
)
def test_same_term_in_each_voice(ff, text, voice):
    span = only_span(ff, text, TERM)
    assert span["voice"] == voice
    assert span["feature"] == f"loaded:valorizing:{voice}"
    assert span["category"] == "valorizing"
    n_sentences = len(ff.analyze(text).document.sentences)
    row = row_of(ff, text)
    assert row[f"loaded:valorizing:{voice}"] == pytest.approx(1 / n_sentences)
    assert row[f"loaded:{voice}"] == pytest.approx(1 / n_sentences)
    for other in set(VOICES) - {voice}:
        assert f"loaded:valorizing:{other}" not in row


def test_reported_clause_ends_with_its_sentence(ff):
    text = ("The ministry said the raid was a massacre. "
            "The massacre was reported by no one else.")
    assert [s["voice"] for s in spans_of(ff, text, "massacre")] == ["reported", "narrator"]


def test_trailing_attribution_governs_only_what_precedes_it(ff):
    text = "The brutal onslaught went on, the radical left said. The massacre ended."
    voices = {s["text"]: s["voice"] for s in ff.spans(text)}
    assert voices["brutal onslaught"] == "reported"
    assert voices["radical left"] == "narrator"  # the subject of the attribution
    assert voices["massacre"] == "narrator"


@pytest.mark.parametrize("attribution", ["officials said", "officials said on Monday",
                                         "the army said in a statement"])
def test_parenthetical_attribution_governs_both_sides(ff, attribution):
    text = f"The brutal onslaught, {attribution}, ended in a massacre of martyrs."
    voices = {s["text"]: s["voice"] for s in ff.spans(text)
              if not s["feature"].startswith("attribution:")}
    assert voices == {"brutal onslaught": "reported", "massacre": "reported",
                      "martyrs": "reported"}


def test_leading_adverbial_is_not_reported(ff):
    text = "Under the puppet regime, officials said the raid, a massacre, was over."
    voices = {s["text"]: s["voice"] for s in ff.spans(text)}
    assert voices["puppet regime"] == "narrator"
    assert voices["massacre"] == "reported"


def test_adjectival_attribution_does_not_govern(ff):
    text = "The alleged massacre happened in May. The so-called puppet regime fell."
    voices = {s["text"]: s["voice"] for s in ff.spans(text)}
    assert voices == {"alleged": "narrator", "massacre": "narrator", "so-called": "narrator",
                      "puppet regime": "narrator"}
    row = row_of(ff, text)
    assert row["attribution:distancing"] == pytest.approx(1.0)  # 2 matches / 2 sentences


# --- attribution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The militia claimed responsibility for the raid on the depot.",
        "The militia claims responsibility for the raid on the depot.",
        "The war has claimed the lives of 40 villagers this year.",
        "The blast claimed the life of a massacre survivor.",
        "The governor claimed credit for the new bridge.",
    ],
)
def test_claimed_in_its_non_speech_sense_is_not_attribution(ff, text):
    row = row_of(ff, text)
    assert not any(name.startswith("attribution:") for name in row)
    assert not [s for s in ff.spans(text) if s["feature"].startswith("attribution:")]
    assert "reported_share" not in row  # nothing was put in anyone's mouth
    for s in ff.spans(text):
        assert s["voice"] == "narrator"


def test_claimed_that_is_distancing_attribution(ff):
    text = "The militia claimed that the massacre never happened."
    row = row_of(ff, text)
    assert row["attribution:distancing"] == 1.0
    span = only_span(ff, text, "claimed")
    assert span == {"start": 12, "end": 19, "text": "claimed", "feature": "attribution:distancing",
                    "category": "distancing", "voice": "narrator"}
    assert only_span(ff, text, "massacre")["voice"] == "reported"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The ministry said the bridge was closed.", "report"),
        ("The ministry told reporters the bridge was closed.", "report"),
        ("The ministry insisted the bridge was closed.", "distancing"),
        ("The ministry confirmed the bridge was closed.", "endorsing"),
        ("The ministry admitted the bridge was closed.", "endorsing"),
        ("The bridge was reportedly closed.", "hedge"),
        ("The bridge was allegedly closed.", "hedge"),
        ("The closure could not be independently verified.", "unverified"),
        ("According to the ministry, the bridge was closed.", "sourcing"),
    ],
)
def test_attribution_types(ff, text, kind):
    row = row_of(ff, text)
    attribution = {k: v for k, v in row.items() if k.startswith("attribution:")}
    assert attribution == {f"attribution:{kind}": 1.0}


def test_attribution_inside_a_quote_is_not_counted(ff):
    text = "“They claimed that we fled,” the mayor said."
    row = row_of(ff, text)
    assert "attribution:distancing" not in row
    assert row["attribution:report"] == 1.0


def test_every_attribution_type_has_a_feature(ff):
    names = set(ff.get_feature_names_out())
    assert {f"attribution:{t}" for t in ATTRIBUTION_TYPES} <= names


# --- scare quotes ------------------------------------------------------------------------------


def scare_spans(ff, text):
    return [s for s in ff.spans(text) if s["feature"] == "scare_quotes"]


def test_headline_scare_quote(ff):
    text = ("Army shells ‘key site’ near river\n\n"
            "The army shelled a depot near the river on Tuesday.")
    (span,) = scare_spans(ff, text)
    assert span["text"] == "‘key site’"
    assert span["voice"] == "title"
    assert span["category"] == "scare_quote"
    assert text[span["start"] : span["end"]] == "‘key site’"
    assert row_of(ff, text)["scare_quotes"] == pytest.approx(0.5)  # 1 in 2 sentences


@pytest.mark.parametrize(
    "text",
    [
        "The army shelled a “key site” near the river.",
        'Critics called the plan a "betrayal" on Monday.',
        "Officials hailed the «historic deal» at noon.",
        "It was a 'very, very good' week for the firm.",
    ],
)
def test_scare_quotes_in_the_narrators_voice(ff, text):
    (span,) = scare_spans(ff, text)
    assert span["voice"] == "narrator"
    assert row_of(ff, text)["scare_quotes"] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "The army said it shelled a “key site” near the river.",
        "The army claimed “total victory” on Monday.",
        "The statement read: “total victory”.",
        "The commander's reply was brief, “total victory”.",
        "The army said it was “a decisive blow against the enemy forces” on Monday.",
        "The army shelled a “key site near the river.",
        "The army shelled “” the depot.",
    ],
)
def test_not_scare_quotes(ff, text):
    assert scare_spans(ff, text) == []
    assert "scare_quotes" not in row_of(ff, text)


@pytest.mark.parametrize(
    "text",
    [
        "“We will win,” the mayor said.",
        "The council met at noon. “Never again,” the mayor told the crowd.",
        "The mayor spoke briefly. “Never again.”",
    ],
)
def test_short_direct_quote_is_not_a_scare_quote(ff, text):
    assert scare_spans(ff, text) == []


def test_so_called_scare_quote(ff):
    (span,) = scare_spans(ff, "The so-called ‘peace dividend’ never came.")
    assert span["text"] == "‘peace dividend’"


# --- spans ------------------------------------------------------------------------------------


def test_span_offsets_are_exact_with_crlf_curly_quotes_accents_and_emoji(ff):
    text = ("Café owners 😀 protest\r\n\r\n"
            "The mayor’s office 🏛️ said the “brutal onslaught” was a massacre.\r\n"
            "Le Régime fantoche a répondu, selon l’AFP 🇫🇷. Martyrs’ families wept.\r\n\r\n"
            "«Freedom fighters» held the bridge, the radical left slammed it.\r\n")
    spans = ff.spans(text)
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]
    got = sorted((s["text"], s["start"]) for s in spans if s["feature"] != "scare_quotes")
    expected_surfaces = ["said", "brutal onslaught", "massacre", "Régime fantoche", "Martyrs",
                         "Freedom fighters", "radical left", "slammed"]
    assert got == sorted((t, text.index(t)) for t in expected_surfaces)
    for s in spans:
        assert "\r" not in s["text"] and "\n" not in s["text"]


def test_span_dict_keys_and_feature_names(ff):
    text = "The puppet regime slammed the militia, officials said. It was a “key site”."
    names = set(ff.get_feature_names_out())
    spans = ff.spans(text)
    assert spans
    for s in spans:
        assert set(s) == {"start", "end", "text", "feature", "category", "voice"}
        assert s["feature"] in names
        assert s["voice"] in VOICES
        assert 0 <= s["start"] < s["end"] <= len(text)


def test_spans_are_deterministic(ff):
    text = "The puppet regime slammed the militia, officials said. It was a “key site”."
    assert ff.spans(text) == ff.spans(text)


# --- feature values ------------------------------------------------------------------------------


def test_each_match_adds_one_to_its_features(ff):
    text = "Martyrs and martyrs and a puppet regime, a massacre."
    row = row_of(ff, text)
    assert row["loaded:narrator"] == 4.0
    assert row["loaded:valorizing:narrator"] == 2.0
    assert row["loaded:delegitimizing:narrator"] == 1.0
    assert row["loaded:atrocity:narrator"] == 1.0


def test_overlapping_terms_counted_once(ff):
    row = row_of(ff, "It was a brutal onslaught.")
    assert row["loaded:atrocity:narrator"] == 1.0
    assert "loaded:emotive:narrator" not in row
    assert row["loaded:narrator"] == 1.0


def test_sentence_length_is_opt_in(lexicon_paths):
    text = "“We will rebuild,” the mayor said."
    plain = FramingFeatures(lexicons=[str(p) for p in lexicon_paths]).fit([""])
    assert "sentence_length" not in plain.get_feature_names_out()
    with_length = FramingFeatures(lexicons=[str(p) for p in lexicon_paths], length=True).fit([""])
    assert row_of(with_length, text)["sentence_length"] == pytest.approx(6 / 25)


def test_shares(ff):
    text = "“We will rebuild,” the mayor said."
    row = row_of(ff, text)
    assert row["quote_share"] == pytest.approx(3 / 6)
    assert "reported_share" not in row
    text = "The mayor said that the town will rebuild."
    row = row_of(ff, text)
    assert row["reported_share"] == pytest.approx(5 / 8)
    assert "quote_share" not in row


def test_article_row_is_the_mean_of_its_sentence_rows(ff):
    text = ("Ridge falls to freedom fighters\n\n"
            "The militia said its martyrs held the ridge. According to the army, it was a "
            "massacre. “We slammed them,” a fighter said.\n\n"
            "The claim could not be independently verified. The weather was fine.")
    analysis = ff.analyze(text)
    sentences = analysis.sentence_matrix.toarray()
    assert sentences.shape == (6, len(ff.get_feature_names_out()))
    row = ff.transform([text]).toarray()[0]
    np.testing.assert_allclose(row, sentences.mean(axis=0))
    np.testing.assert_allclose(analysis.row.toarray()[0], row)
    np.testing.assert_allclose(ff.transform_sentences([text]).toarray(), sentences)


def test_transform_sentences_stacks_texts_in_order(ff):
    texts = ["One massacre. Two martyrs.", "", "The radical left."]
    m = ff.transform_sentences(texts).toarray()
    assert m.shape[0] == 3
    np.testing.assert_allclose(m[0], ff.analyze(texts[0]).sentence_matrix.toarray()[0])
    assert m[2, column(ff, "loaded:partisan:narrator")] == 1.0


@pytest.mark.parametrize("empty", ["", "   \n\n  ", "!!! ... ???"])
def test_empty_text_gives_a_zero_row(ff, empty):
    m = ff.transform([empty])
    assert m.shape == (1, len(ff.get_feature_names_out()))
    assert m.nnz == 0
    assert ff.spans(empty) == []


# --- names ------------------------------------------------------------------------------------


def test_feature_names(ff):
    names = list(ff.get_feature_names_out())
    assert len(names) == len(set(names))
    assert ff.transform(["x"]).shape[1] == len(names)
    expected = (
        [f"loaded:{v}" for v in VOICES]
        + [f"loaded:{c}:{v}" for c in FIXTURE_CATEGORIES for v in VOICES]
        + [f"attribution:{t}" for t in ATTRIBUTION_TYPES]
        + ["scare_quotes", "quote_share", "reported_share"]
    )
    assert names == expected


def test_feature_names_are_a_copy(ff):
    names = ff.get_feature_names_out()
    names[0] = "mutated"
    assert ff.get_feature_names_out()[0] != "mutated"


def test_voice_false_names_and_values(lexicon_paths):
    ffv = FramingFeatures(lexicons=lexicon_paths, voice=False).fit([])
    names = list(ffv.get_feature_names_out())
    assert [n for n in names if n.startswith("loaded:")] == [
        f"loaded:{c}" for c in FIXTURE_CATEGORIES]
    assert "quote_share" not in names and "reported_share" not in names
    text = "“Martyrs,” he said of the martyrs. The militia said martyrs fell."
    row = ffv.transform([text]).toarray()[0]
    assert row[names.index("loaded:valorizing")] == pytest.approx(3 / 2)


def test_unfitted_raises_not_fitted(lexicon_paths):
    unfitted = FramingFeatures(lexicons=lexicon_paths)
    for call in (lambda: unfitted.transform(["x"]), unfitted.get_feature_names_out,
                 lambda: unfitted.spans("x")):
        with pytest.raises(NotFittedError):
            call()


# --- input types ------------------------------------------------------------------------------

TEXTS = ["The militia said its martyrs held the ridge.",
         "A brutal onslaught, the radical left slammed.",
         "Nothing loaded here at all."]


def test_list_series_tuple_and_array_give_the_same_matrix(ff):
    expected = ff.transform(TEXTS).toarray()
    assert expected.shape == (3, len(ff.get_feature_names_out()))
    assert expected[0].any() and expected[1].any()
    series = pd.Series(TEXTS, index=[10, 5, 7], name="text")
    for X in (series, tuple(TEXTS), np.array(TEXTS, dtype=object), iter(TEXTS)):
        np.testing.assert_array_equal(ff.transform(X).toarray(), expected)
    np.testing.assert_array_equal(ff.transform(pd.Series(TEXTS[::-1])).toarray(),
                                  expected[::-1])


def test_missing_values_are_empty_texts(ff):
    m = ff.transform(pd.Series([TEXTS[0], None, float("nan")])).toarray()
    assert m[0].any()
    assert not m[1].any() and not m[2].any()


def test_bad_inputs(ff):
    with pytest.raises(TypeError, match="single string"):
        ff.transform("The militia said its martyrs held the ridge.")
    with pytest.raises(TypeError, match="text 1"):
        ff.transform(["fine", 42])
    with pytest.raises(ValueError, match="1-D"):
        ff.transform(np.array([["a", "b"], ["c", "d"]], dtype=object))


def test_fit_accepts_series_and_y(lexicon_paths):
    a = FramingFeatures(lexicons=lexicon_paths).fit(pd.Series(TEXTS), y=[0, 1, 0])
    b = FramingFeatures(lexicons=lexicon_paths).fit(TEXTS)
    np.testing.assert_array_equal(a.transform(TEXTS).toarray(), b.transform(TEXTS).toarray())
    np.testing.assert_array_equal(
        FramingFeatures(lexicons=lexicon_paths).fit_transform(TEXTS).toarray(),
        b.transform(TEXTS).toarray())


# --- user lexicons ----------------------------------------------------------------------------


@pytest.fixture()
def user_lexicon(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("term,category,neutral\n"
                    "slammed,harsh_verb,criticized\n"
                    "globalist cabal,conspiracy,\n"
                    "martyr,valorizing_religious,\n",
                    encoding="utf-8")
    return path


def test_extra_lexicon_adds_and_overrides_categories(lexicon_paths, user_lexicon, ff):
    mine = FramingFeatures(lexicons=lexicon_paths, extra_lexicons=[user_lexicon]).fit([""])
    names = set(mine.get_feature_names_out())
    for v in VOICES:
        assert f"loaded:conspiracy:{v}" in names
        assert f"loaded:harsh_verb:{v}" in names
        assert f"loaded:conspiracy:{v}" not in set(ff.get_feature_names_out())
    assert "loaded:loaded_verb:narrator" in names  # 'blasted' is still there

    text = "The globalist cabal slammed and blasted the martyrs, he said."
    by_text = {s["text"]: s for s in mine.spans(text)}
    assert by_text["globalist cabal"]["feature"] == "loaded:conspiracy:reported"
    assert by_text["slammed"]["category"] == "harsh_verb"
    assert by_text["blasted"]["category"] == "loaded_verb"
    assert by_text["martyrs"]["category"] == "valorizing_religious"
    row = mine.transform([text]).toarray()[0]
    assert row[column(mine, "loaded:conspiracy:reported")] == 1.0
    assert row[column(mine, "loaded:harsh_verb:reported")] == 1.0
    assert row[column(mine, "loaded:reported")] == 4.0
    assert set(mine.lexicon_files_) == {"loaded.csv", "attribution.csv", "mine.csv"}
    assert all(len(h) == 64 for h in mine.lexicon_files_.values())  # sha256 hex digests


def test_bad_user_lexicon_fails_at_fit_with_its_line(lexicon_paths, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category\nglobalist cabal,Conspiracy Theory\n", encoding="utf-8")
    est = FramingFeatures(lexicons=lexicon_paths, extra_lexicons=[bad])  # no error yet
    with pytest.raises(LexiconError, match=r"bad\.csv:2: category"):
        est.fit([""])


# --- scikit-learn contract --------------------------------------------------------------------

#: The checks that apply to a transformer of raw texts; the others feed it numeric 2-D arrays.
SKLEARN_CHECKS = [
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_estimators_unfitted",
    "check_transformers_unfitted",
    "check_get_feature_names_out_error",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
]


@pytest.mark.parametrize("check", SKLEARN_CHECKS)
def test_sklearn_estimator_check(check, lexicon_paths):
    getattr(estimator_checks, check)("FramingFeatures", FramingFeatures(lexicons=lexicon_paths))


def test_fit_returns_self_and_keeps_parameters_untouched(lexicon_paths, user_lexicon):
    lexicons = [str(p) for p in lexicon_paths]
    extra = [user_lexicon]
    est = FramingFeatures(lexicons=lexicons, extra_lexicons=extra, ngrams=True, min_df=1)
    before = est.get_params()
    assert est.fit(TEXTS) is est
    after = est.get_params()
    assert after.keys() == before.keys()
    for k, v in before.items():
        assert after[k] is v, k
    assert lexicons == [str(p) for p in lexicon_paths] and extra == [user_lexicon]


def test_fit_is_idempotent(lexicon_paths):
    est = FramingFeatures(lexicons=lexicon_paths, ngrams=True, min_df=1)
    first = est.fit(TEXTS).transform(TEXTS).toarray()
    names = list(est.get_feature_names_out())
    second = est.fit(TEXTS).transform(TEXTS).toarray()
    assert list(est.get_feature_names_out()) == names
    np.testing.assert_array_equal(first, second)


def test_clone_is_unfitted_with_equal_params(ff):
    c = clone(ff)
    assert c.get_params() == ff.get_params()
    with pytest.raises(NotFittedError):
        c.transform(TEXTS)
    np.testing.assert_array_equal(c.fit([""]).transform(TEXTS).toarray(),
                                  ff.transform(TEXTS).toarray())


def test_set_params_changes_the_features(ff):
    c = clone(ff).set_params(voice=False).fit([""])
    assert "quote_share" not in c.get_feature_names_out()


@pytest.mark.parametrize("after_use", [False, True])
def test_pickle_round_trip_gives_identical_output(ff, after_use):
    est = clone(ff).fit([""])
    if after_use:
        est.transform(TEXTS)  # builds the compiled lexicon cache
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.transform(TEXTS).toarray(),
                                  ff.transform(TEXTS).toarray())
    assert list(restored.get_feature_names_out()) == list(ff.get_feature_names_out())
    for text in TEXTS:
        assert restored.spans(text) == ff.spans(text)


def test_pickle_does_not_depend_on_the_lexicon_files(tmp_path):
    """A fitted transformer carries its lexicon: it still works when the files are gone."""
    from conftest import write_lexicons

    paths = write_lexicons(tmp_path / "gone")
    est = FramingFeatures(lexicons=paths).fit([""])
    blob = pickle.dumps(est)
    expected = est.transform(TEXTS).toarray()
    for p in paths:
        p.unlink()
    np.testing.assert_array_equal(pickle.loads(blob).transform(TEXTS).toarray(), expected)


# --- n-grams ----------------------------------------------------------------------------------


def test_ngram_block(lexicon_paths):
    est = FramingFeatures(lexicons=lexicon_paths, ngrams=True, min_df=2, ngram_words="all",
                          ngram_range=(1, 2)).fit([*TEXTS, "The militia held the ridge."])
    names = list(est.get_feature_names_out())
    words = [n for n in names if n.startswith("word:")]
    assert "word:the militia" in words and "word:ridge" in words
    assert "word:nothing" not in words  # min_df=2
    lexicon_names = list(FramingFeatures(lexicons=lexicon_paths).fit([""])
                         .get_feature_names_out())
    n_lex = len(lexicon_names)
    assert names[:n_lex] == lexicon_names
    assert len(names) == n_lex + len(words)
    text = "The militia held the ridge. The militia left."
    sentences = est.analyze(text).sentence_matrix.toarray()
    block = sentences[:, n_lex:]
    np.testing.assert_allclose(np.linalg.norm(block, axis=1), [1.0, 1.0])
    np.testing.assert_allclose(est.transform([text]).toarray()[0], sentences.mean(axis=0))


# --- invariants on arbitrary text -------------------------------------------------------------

PIECES = ["Freedom fighters", "martyrs", "the usurping entity", "brutal", "onslaught", "said",
          "claimed", "responsibility", "the lives", "according to", "officials", "reportedly",
          "“", "”", "‘", "’", '"', "«", "»", ",", ".", ":", " ", " ", " ", "\n", "\r\n\r\n",
          "Régime", "fantoche", "😀", "Israel’s", "U.S.", "key site"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_spans_and_rows_on_arbitrary_text(ff, text):
    analysis = ff.analyze(text)
    for s in analysis.spans:
        assert text[s.start : s.end] == s.text
        assert s.voice in VOICES
    row = ff.transform([text]).toarray()[0]
    sentences = analysis.sentence_matrix.toarray()
    expected = sentences.mean(axis=0) if len(sentences) else np.zeros_like(row)
    np.testing.assert_allclose(row, expected)
    names = list(ff.get_feature_names_out())
    n = max(len(sentences), 1)
    lexicon_spans = [s for s in analysis.spans if s.feature != "scare_quotes"]
    loaded = [s for s in lexicon_spans if s.feature.startswith("loaded:")]
    assert sum(row[names.index(f"loaded:{v}")] for v in VOICES) * n == pytest.approx(len(loaded))
    assert row[names.index("scare_quotes")] * n == pytest.approx(
        len(analysis.spans) - len(lexicon_spans))


# --- the n-gram block is TfidfVectorizer's ------------------------------------------------------

NGRAM_PIECES = ["The", "militia", "held", "the", "ridge", "it's", "anti-terror", "Café", "İstanbul",
                "a", "I", "x_y", "3,000", "’s", " ", " ", "  ", ". ", "! ", ", ", "\n\n", "—",
                "don't", "-", "'", "--", "ΟΔΟΣ", "Σ.", "ǅ"]
_NGRAM_MODELS: dict[tuple[int, int], FramingFeatures] = {}


def ngram_model(lexicon_paths, ngram_range: tuple[int, int]) -> FramingFeatures:
    if ngram_range not in _NGRAM_MODELS:
        corpus = ["The militia held the ridge. The ridge held.", "It's anti-terror, x_y said.",
                  "Café İstanbul: 3,000 held a ridge", *TEXTS]
        _NGRAM_MODELS[ngram_range] = FramingFeatures(
            lexicons=lexicon_paths, ngrams=True, ngram_range=ngram_range, ngram_weight=0.7
        ).fit(corpus)
    return _NGRAM_MODELS[ngram_range]


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3)])
@settings(max_examples=60)
@given(texts=st.lists(st.lists(st.sampled_from(NGRAM_PIECES), max_size=30).map("".join),
                      max_size=4))
def test_ngram_block_is_tfidf_vectorizers(lexicon_paths, ngram_range, texts):
    assert_ngram_block_is_tfidf_vectorizers(ngram_model(lexicon_paths, ngram_range), texts)


def assert_ngram_block_is_tfidf_vectorizers(est: FramingFeatures, texts: list[str]) -> None:
    words = [n[len("word:"):] for n in est.get_feature_names_out() if n.startswith("word:")]
    sentences = [t[s.start : s.end] for t in texts for s in segment(t).sentences]
    block = est.transform_sentences(texts).toarray()[:, -len(words):]
    assert block.shape[0] == len(sentences)
    if sentences:
        counts = CountVectorizer(ngram_range=est.ngram_range,
                                 vocabulary=words).transform(sentences)
        expected = normalize(counts.astype(float) @ sp.diags(est.idf_)) * 0.7
        np.testing.assert_allclose(block, expected.toarray(), rtol=0, atol=1e-12)


def test_word_code_memo_stays_bounded(lexicon_paths, monkeypatch):
    """A memo of word codes that has reached its size is left to the batch using it: the
    next batch starts an empty one, so memory stays bounded; counts stay the vectorizer's."""
    monkeypatch.setattr(ngrams_module, "_MEMO_SIZE", 3)
    monkeypatch.setattr(features_module, "_BLOCK_SENTENCES", 1)  # a batch per text
    est = ngram_model(lexicon_paths, (1, 2))
    counter = est._state().ngrams
    first = counter.codes = ngrams_module.WordCodes(counter.words)
    texts = ["The militia held the ridge. It's anti-terror, x_y said.", "Café: the ridge held",
             "A ridge-top militia, the militia's ridge."]
    assert_ngram_block_is_tfidf_vectorizers(est, texts)
    assert counter.codes is not first and len(first) >= 3
    most = max(len({n for s in segment(t).sentences for n in s.norms}) for t in texts)
    assert 0 < len(counter.codes) <= 2 + most  # started under 3, then one text's tokens


def test_threads_sharing_a_model_count_as_one(lexicon_paths, monkeypatch):
    """Threads scoring with one transformer (as a Dask worker's threads do) share its memo
    of word codes, filled as they go and replaced when full: each gets the counts it gets
    alone."""
    words = ["ridge", "militia", "held", "x", "a", "anti", "terror", "it's", "café", "y_z"]
    rng = np.random.default_rng(0)
    texts = [" ".join("-".join(rng.choice(words, size=rng.integers(1, 4)))
                      for _ in range(12)) + "." for _ in range(400)]
    alone = pickle.loads(pickle.dumps(ngram_model(lexicon_paths, (1, 2)))).transform(texts)
    shared = pickle.loads(pickle.dumps(ngram_model(lexicon_paths, (1, 2))))  # empty memo
    monkeypatch.setattr(ngrams_module, "_MEMO_SIZE", 20)
    monkeypatch.setattr(features_module, "_BLOCK_SENTENCES", 10)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(4) as pool:
            parts = list(pool.map(shared.transform, [texts[k::4] for k in range(4)]))
    finally:
        sys.setswitchinterval(interval)
    for k, part in enumerate(parts):
        assert (part != alone[k::4]).nnz == 0


def test_rows_are_made_block_by_block(lexicon_paths, monkeypatch):
    """Rows made a few sentences at a time are the rows made all at once (texts without
    sentences included), with the same offsets and spans."""
    est = ngram_model(lexicon_paths, (1, 2))
    texts = [*TEXTS, "", "The militia held the ridge. It's anti-terror, x_y said.", "  ", *TEXTS]
    whole = est.analyze_many(texts)
    blocks = []
    make_block = FramingFeatures._block
    monkeypatch.setattr(features_module, "_BLOCK_SENTENCES", 2)
    monkeypatch.setattr(FramingFeatures, "_block",
                        lambda self, *args: blocks.append(args[2]) or make_block(self, *args))
    pieces = est.analyze_many(texts)
    assert len(blocks) > 3 and sum(blocks) == whole.sentence_matrix.shape[0]
    assert (pieces.sentence_matrix != whole.sentence_matrix).nnz == 0
    assert pieces.sentence_matrix.has_canonical_format
    np.testing.assert_array_equal(pieces.bounds, whole.bounds)
    np.testing.assert_array_equal(pieces.counts, whole.counts)
    assert pieces.spans == whole.spans
    np.testing.assert_array_equal(pieces.span_counts, whole.span_counts)


def test_empty_batch_with_ngrams(lexicon_paths):
    est = ngram_model(lexicon_paths, (1, 2))
    assert est.transform(["", "  "]).nnz == 0
    assert est.transform([]).shape == (0, len(est.get_feature_names_out()))


def test_documents_are_taken_a_chunk_at_a_time():
    """A batch is segmented a chunk of texts at a time (all of them handed on, in order),
    never more than a chunk ahead of the features, so a large batch holds few documents."""
    taken: list[int] = []

    def documents(texts):
        for k, text in enumerate(texts):
            taken.append(k)
            yield segment(text)

    texts = ["One short sentence here."] * 150 + ["A long one. " * 100] + ["Last."]
    handed = [(len(taken), doc.text) for doc in features_module._in_chunks(documents(texts))]
    assert [text for _, text in handed] == texts
    chunk = features_module._CHUNK_SENTENCES
    assert handed[0][0] == chunk  # the first chunk is segmented before any is handed on
    assert all(n - k <= chunk for k, (n, _) in enumerate(handed))
    assert handed[150][0] == 151  # a text of many sentences closes the chunk it falls in


def test_ngram_vocabulary_holds_content_words_only():
    """No stop words, numbers, weekdays, months or proper names become n-gram features, unless
    asked for with ngram_words="all"."""
    texts = ["On Monday the Zorvath council wasted 40 million on a lavish palace.",
             "In March, officials said the Zorvath plan was lavish and wasteful."] * 3
    content = FramingFeatures(ngrams=True).fit(texts)
    words = {w for name in content.get_feature_names_out() if name.startswith("word:")
             for w in name[5:].split()}
    assert {"lavish", "wasted", "palace"} <= words
    assert not words & {"on", "the", "monday", "march", "40", "zorvath"}
    everything = FramingFeatures(ngrams=True, ngram_words="all").fit(texts)
    assert "word:the" in set(everything.get_feature_names_out())
