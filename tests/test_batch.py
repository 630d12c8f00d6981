"""framescore.batch: the declared output schema is what scoring makes; chunks come back in
order with the scores of one pass; framescore.compare counts what the model summarizes."""

from __future__ import annotations

import pandas as pd
import pytest

from framescore import batch
from framescore.compare import compare_rows, summary_counts
from framescore.corpus import Record
from framescore.explain import explain
from framescore.model import SUMMARY_FEATURES, FramingModel, make_pipeline

TEXTS = [
    "Heroic martyrs fell defending the land, the ministry said.",
    "“The puppet regime must go,” protesters chanted, critics claimed.",
    "The council approved the budget on Tuesday.",
    "Radical left extremists slammed the bill, reportedly.",
]


@pytest.fixture(scope="module")
def models(lexicon_paths) -> list[FramingModel]:
    """Two small models: one with the summary features (the fixture lexicon's), one with
    n-grams only (no framing features, so none of the summary columns)."""
    lexicons = [str(p) for p in lexicon_paths]
    y = [1, 1, 0, 1] * 3
    with_framing = make_pipeline(lexicons=lexicons).fit(TEXTS * 3, y)
    ngrams_only = make_pipeline(lexicons=lexicons, framing=False, ngrams=True,
                                ngram_words="all").fit(TEXTS * 3, y)
    return [FramingModel(with_framing), FramingModel(ngrams_only)]


def _kind(dtype) -> str:
    return "float" if dtype.kind == "f" else "int" if dtype.kind in "iub" else "string"


@pytest.mark.parametrize("level", ["article", "sentence"])
def test_declared_columns_are_what_scoring_makes(models, level):
    for model in models:
        scores, spans, contributions = batch.scores_with(model, TEXTS, level,
                                                         ("spans", "contributions"))
        made = {c: _kind(scores[c].dtype) for c in scores.columns if c != "text_index"}
        declared = batch.score_columns(model, level)
        if level == "sentence":
            assert declared.pop("text") == "string"  # cut from the record by the caller
        assert sorted(made.items()) == sorted(declared.items())
        for name, table in (("spans", spans), ("contributions", contributions)):
            assert list(table.columns) == ["text_index", *batch.TABLE_COLUMNS[name]]
            assert {c: _kind(table[c].dtype) for c in batch.TABLE_COLUMNS[name]} == \
                batch.TABLE_COLUMNS[name]
    assert set(batch.score_columns(models[0])) >= set(SUMMARY_FEATURES)
    assert not set(batch.score_columns(models[1])) & set(SUMMARY_FEATURES)
    with pytest.raises(ValueError, match="level"):
        batch.score_columns(models[0], "paragraph")


def test_scored_chunks_in_process_keep_order_and_skip_missing_texts(models):
    model = models[0]
    records = [Record("t", k, None, t) for k, t in enumerate(TEXTS)]
    records.insert(2, Record("t", 9, None, None, "empty text"))
    chunks = [records[:2], records[2:3], records[3:]]
    out = list(batch.scored_chunks(iter(chunks), model, "article"))
    assert [c for c, _ in out] == chunks
    assert out[1][1] is None  # a chunk without text
    logits = pd.concat([s[0] for _, s in out if s is not None])["logit"].tolist()
    assert logits == model.score(TEXTS)["logit"].tolist()


def test_compare_counts_are_the_summary_counts(models):
    """Span counts by voice and type equal the model's summary counts (each fixture-lexicon
    match adds one to its column's sentence value)."""
    model = models[0]
    scored = model.score(TEXTS)
    for k, text in enumerate(TEXTS):
        counts = summary_counts(explain(model, text).spans)
        for column in SUMMARY_FEATURES:
            assert counts[column] == scored[column].iloc[k], (text, column)
    rows = compare_rows([("a", TEXTS[0]), ("b", TEXTS[1])], model)
    assert [r["file"] for r in rows] == ["a", "b"]
    assert rows[0]["loaded_own_voice"] == counts_of(model, TEXTS[0], "narrator", "title")
    assert set(rows[0]["unique_loaded_terms"]).isdisjoint(rows[1]["loaded_terms"])


def counts_of(model, text: str, *voices: str) -> int:
    return sum(s["feature"].startswith("loaded:") and s["voice"] in voices
               for s in explain(model, text).spans)

