"""framescore.compare: what an article is compared by is what the model summarizes."""

from __future__ import annotations

import pytest
from conftest import FIXTURE_TEXTS as TEXTS

from framescore.compare import compare_rows, norm_term, summary_counts
from framescore.explain import explain
from framescore.model import SUMMARY_FEATURES, FramingModel, make_pipeline


@pytest.fixture(scope="module")
def models(lexicon_paths) -> list[FramingModel]:
    lexicons = [str(p) for p in lexicon_paths]
    return [FramingModel(make_pipeline(lexicons=lexicons).fit(TEXTS * 3, [1, 1, 0, 1] * 3))]


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


def test_compare_term_normalization():
    assert norm_term("Puppet  Regime\u2019s") == norm_term("puppet regime's") == "puppet regime"
    assert norm_term("Martyrs") == "martyrs"
