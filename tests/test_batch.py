"""framescore.batch: the declared output schema is what scoring makes; chunks come back in
order with the scores of one pass, here and in worker processes."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import FIXTURE_TEXTS as TEXTS
from conftest import _corpus

import framescore
from framescore import batch
from framescore.inputs import Record
from framescore.model import SUMMARY_FEATURES, FramingModel, make_pipeline


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


# --- worker processes (with the tiny model of conftest.py) -----------------------------------


def test_workers_get_the_model_as_it_was_when_the_pool_was_asked_for(model_dir):
    """The pool starts in a thread while the parent goes on using the model (its cached
    properties fill in at first use): the workers' copy is taken at once, in the parent's
    thread, so that nothing the parent does afterwards can change it or break its pickling
    ("dictionary changed size during iteration")."""
    model = framescore.load(model_dir)
    threshold = model.threshold
    with batch.worker_pool(model, 2) as pool:
        model.threshold = 1.0  # after the pool was asked for: the workers must not see it
        k = 0
        while not pool.starting.done():  # attributes come and go while the pool starts
            if (k // 100) % 2:
                model.__dict__.pop(f"_scratch{k % 100}", None)
            else:
                model.__dict__[f"_scratch{k % 100}"] = k
            k += 1
        texts = ["The regime's thugs slammed protesters, officials claimed."] * 4
        task = pool.starting.result().submit(batch._worker_score, texts, "article", ())
        (scores,) = task.result(timeout=120)
    assert k > 0
    expected = framescore.load(model_dir).score(texts)
    assert threshold < 1.0 and (scores["label"] == expected["label"]).all()
    assert scores["logit"].tolist() == expected["logit"].tolist()


def test_worker_pool_scores_chunks_in_order(model_dir):
    """Chunks go to the workers once the pool is up (no local scoring is left to hide them),
    and come back in input order with the scores of a serial run."""
    model = framescore.load(model_dir)
    texts, _ = _corpus()
    records = [Record("t", k, None, t) for k, t in enumerate(texts[:40])]
    chunks = [records[k : k + 3] for k in range(0, len(records), 3)]
    serial = list(batch.scored_chunks(iter(chunks), model, "article"))
    with batch.worker_pool(model, 2) as pool:
        pool.starting.result().submit(batch._worker_score, ["warm."], "article", ()).result()
        parallel = list(batch.scored_chunks(iter(chunks), model, "article", pool))
    assert [c for c, _ in parallel] == chunks
    for (_, (a,)), (_, (b,)) in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_workers_score_with_the_parents_model(model_dir, tmp_path):
    """The workers get the model the parent loaded (and verified), not its directory: they
    score the same after the directory is gone."""
    copy = shutil.copytree(model_dir, tmp_path / "model")
    model = framescore.load(copy)
    shutil.rmtree(copy)
    texts = ["The council met on Tuesday.", "Critics claimed the plan was a disaster."]
    with batch.worker_pool(model, 2) as pool:
        (got,) = pool.starting.result().submit(batch._worker_score, texts, "article",
                                               ()).result()
    assert got["looks_english"].tolist() == [True, True]
    pd.testing.assert_frame_equal(got.drop(columns="looks_english"), model.score(texts))


# --- the columns chunked scoring adds: looks_english, lexicons -----------------------------

GERMAN = "Die Regierung hat am Dienstag neue Maßnahmen gegen die hohen Preise beschlossen."


@pytest.mark.parametrize("level", ["article", "sentence"])
def test_scored_records_say_which_texts_look_english(models, level):
    """Each scored row has ``looks_english`` (at sentence level, its whole text's), the
    chunk counts the records that do not look English once each, and the declared record
    columns are what is added."""
    model = models[0]
    texts = [TEXTS[0], GERMAN + " " + GERMAN, TEXTS[2]]
    records = [Record("t", k, None, t) for k, t in enumerate(texts)]
    (part,) = batch.score_records([records], model, level=level, meta={"row": "int"},
                                  lexicons="model:abc;mine.csv:def")
    assert part.not_english == 1
    frame = part.scores
    expected = {0: True, 1: False, 2: True}
    assert frame["looks_english"].tolist() == [expected[r] for r in frame["row"]]
    if level == "sentence":
        assert (frame["row"] == 1).sum() == 2  # both German sentences are flagged
    assert set(frame["lexicons"]) == {"model:abc;mine.csv:def"}
    declared = {**batch.score_columns(model, level), **batch.record_columns(lexicons=True)}
    assert set(declared) <= set(frame.columns) | {"text"}
    assert batch.record_columns() == {"looks_english": "bool"}
    (plain,) = batch.score_records([records], model, level=level)
    assert "lexicons" not in plain.scores.columns


def test_scores_with_looks_english_are_written_as_booleans(models, tmp_path):
    """``looks_english`` is a bool column: JSON true/false, a Parquet boolean."""
    import io
    import json

    from framescore.writers import RecordWriter

    records = [Record("t", k, None, t) for k, t in enumerate([TEXTS[0], GERMAN])]
    (part,) = batch.score_records([records], models[0], meta={"row": "int"})
    columns = {"row": "int", **batch.score_columns(models[0]), **batch.record_columns()}
    buf = io.StringIO()
    with RecordWriter("jsonl", columns, stream=buf) as writer:
        writer.write(part.scores)
    assert [json.loads(line)["looks_english"] for line in buf.getvalue().splitlines()] == [
        True, False]
    with RecordWriter("parquet", columns, path=tmp_path / "s.parquet") as writer:
        writer.write(part.scores)
    assert pd.read_parquet(tmp_path / "s.parquet")["looks_english"].tolist() == [True, False]
