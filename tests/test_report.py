"""The corpus report as a library (:mod:`framescore.corpus_report` and the modules it adds up
with), and the fictional corpus the report's tests share (``write_corpus``); the command,
``framescore report``, is tested in ``tests/cli/test_report.py``.

The corpus is our own writing, made here from templates: four fictional outlets covering a
fictional dispute. One loaded term is planted: "puppet regime", which the Harbor Herald uses
in its own (narrator) voice, the Valley Courier only inside quotes and the Northgate Wire only
in reported speech. The Lantern Post has too few articles to be ranked. No score is written
down here: the shipped model will be retrained; the tests compare the report with
``framescore score --spans`` on the same input, and check the orderings the corpus is built for.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framescore.corpus_report import build_report
from framescore.report_stats import bootstrap_interval, hist_quantiles
from framescore.report_terms import adopted_labels, normalize_term

PLANTED = "puppet regime"
ADOPTER = "Harbor Herald"
#: outlet → articles (three outlets with 12 each, one too small to rank)
OUTLETS = {"Harbor Herald": 12, "Valley Courier": 12, "Northgate Wire": 12, "Lantern Post": 4}
PLACES = ["Orlen", "Brask", "Tivoli Heights", "Marrow Bay", "Castell", "Wend", "Saltmere"]
THINGS = ["public gatherings", "fuel sales", "night markets", "river ferries", "radio stations",
          "road tolls"]
PEOPLE = ["Ana Ferro", "Jonas Vell", "Mira Osk", "Teodor Lind", "Ilse Marn", "Pavo Grell"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def _article(outlet: str, k: int, rng: random.Random) -> str:
    place, thing, person = rng.choice(PLACES), rng.choice(THINGS), rng.choice(PEOPLE)
    n, day, crowd = rng.randint(2, 9), rng.choice(DAYS), rng.randint(2, 40) * 100
    if outlet == "Harbor Herald":  # adopts the label in its own voice
        title = f"New limits on {thing} in {place}"
        body = [f"The puppet regime in Dresk imposed {n} new limits on {thing} on {day}, "
                "the latest step in a long dispute over the regional budget.",
                f"Residents of {place} gathered near the old harbour to protest, and "
                f"organizers said about {crowd} people took part."]
        if k % 3 == 0:
            body.append("The brutal crackdown has left shopkeepers seething.")
        if k % 4 == 1:
            body.append("Critics of the puppet regime say the rules will hurt families.")
    elif outlet == "Valley Courier":  # quotes it
        title = f"Council in Dresk announces limits on {thing}"
        body = [f"The council in Dresk announced {n} new limits on {thing} on {day}.",
                f'"The puppet regime has no mandate to do this," said {person}, a protest '
                f"organizer in {place}.",
                f"Officials said the measures were temporary and would be reviewed in "
                f"{n + 2} weeks."]
    elif outlet == "Northgate Wire":  # reports it
        title = f"Dresk council restricts {thing}"
        body = [f"The regional council in Dresk restricted {thing} on {day}, officials said.",
                f"Opposition leaders said that the puppet regime had ignored the vote in "
                f"{place}.",
                f"About {crowd} people joined a march in {place}, according to the organizers."]
    else:
        title = f"Limits on {thing} in {place}"
        body = [f"The council in Dresk set limits on {thing} on {day}.",
                f"Shop owners in {place} said they would wait for details."]
    return title + "\n\n" + "\n\n".join(body) + "\n"


def corpus_rows(seed: int = 7) -> list[dict]:
    """The fictional corpus: id, outlet, date, text."""
    rng = random.Random(seed)
    rows = []
    for outlet, count in OUTLETS.items():
        for k in range(count):
            rows.append({"id": f"{outlet.split()[0].lower()}-{k:02d}", "outlet": outlet,
                         "date": f"2026-{1 + k % 3:02d}-{1 + (k * 7) % 27:02d}",
                         "text": _article(outlet, k, rng)})
    return rows


def write_corpus(directory: Path) -> tuple[Path, Path]:
    """The corpus as a CSV table and as folders of .txt files (one folder per outlet)."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = corpus_rows()
    table = directory / "news.csv"
    pd.DataFrame(rows).to_csv(table, index=False)
    folders = directory / "outlets"
    for r in rows:
        (folders / r["outlet"]).mkdir(parents=True, exist_ok=True)
        (folders / r["outlet"] / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    return table, folders



# --- the library ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model(default_model_dir):
    import framescore

    return framescore.load(default_model_dir)


def test_library_report_is_independent_of_chunking(model):
    rows = corpus_rows()
    texts = [r["text"] for r in rows]
    outlets = [r["outlet"] for r in rows]
    whole = build_report(model, texts, outlets, ids=[r["id"] for r in rows], chunk_size=1000)
    parts = build_report(model, iter(texts), iter(outlets), ids=[r["id"] for r in rows],
                         chunk_size=7)
    pd.testing.assert_frame_equal(whole.groups, parts.groups, check_exact=True)
    pd.testing.assert_frame_equal(whole.terms, parts.terms)
    pd.testing.assert_frame_equal(whole.adopted, parts.adopted)
    assert whole.extremes == parts.extremes and whole.samples == parts.samples
    top = whole.extremes[ADOPTER]["most"]
    assert [a["score"] for a in top] == sorted((a["score"] for a in top), reverse=True)
    scores = model.score(texts)["score"].to_numpy()
    best = max(s for s, o in zip(scores, outlets, strict=True) if o == ADOPTER)
    assert top[0]["score"] == pytest.approx(best)
    assert whole.counts["records"] == len(rows) and whole.timeline is None
    assert (PLANTED, ADOPTER) in whole.examples


def test_bootstrap_interval_matches_the_normal_one():
    rng = np.random.default_rng(1)
    scores = rng.beta(2, 5, size=4000)
    hist = np.bincount(np.minimum((scores * 1000).astype(int), 999), minlength=1000)
    mean = scores.mean()
    low, high = bootstrap_interval(hist, mean, 2000, np.random.default_rng(0))
    half = 1.96 * scores.std(ddof=1) / np.sqrt(len(scores))
    assert low < mean < high
    assert low == pytest.approx(mean - half, abs=0.15 * half)
    assert high == pytest.approx(mean + half, abs=0.15 * half)
    again = bootstrap_interval(hist, mean, 2000, np.random.default_rng(0))
    assert again == (low, high)  # seeded
    q1, median, q3 = hist_quantiles(hist, (0.25, 0.5, 0.75))
    assert median == pytest.approx(np.median(scores), abs=0.0011)
    assert q1 == pytest.approx(np.quantile(scores, 0.25), abs=0.0011)
    assert q3 == pytest.approx(np.quantile(scores, 0.75), abs=0.0011)
    one = np.zeros(1000, int)
    one[420] = 1
    assert bootstrap_interval(one, 0.4203, 100, np.random.default_rng(0)) == pytest.approx(
        (0.4203, 0.4203))


def test_adopted_labels_rule():
    terms = pd.DataFrame([
        # group, term, category, voice, count, articles
        ("A", "usurper", "delegitimizing", "narrator", 3, 2),
        ("B", "usurper", "delegitimizing", "quoted", 2, 2),
        ("C", "usurper", "delegitimizing", "reported", 1, 1),
        ("A", "heroes", "valorizing", "title", 1, 1),
        ("B", "heroes", "valorizing", "narrator", 1, 1),
        ("C", "heroes", "valorizing", "narrator", 4, 2),  # two of three adopt it: no one
        ("D", "tyrant", "delegitimizing", "narrator", 2, 1),
        ("A", "said", "report", "narrator", 9, 3),  # attribution, never a label
        ("B", "crisis", "learned_subjective", "narrator", 5, 2),  # learned: evidence only
        ("C", "regime", "learned", "title", 1, 1),
    ], columns=["group", "term", "category", "voice", "count", "articles"])
    out = adopted_labels(terms, small={"D"})
    got = {(r.group, r.term): r for r in out.itertuples()}
    assert set(got) == {("A", "usurper"), ("D", "tyrant")}
    assert got["A", "usurper"].strict and got["A", "usurper"].attributed_by == ["B", "C"]
    assert not got["D", "tyrant"].strict and got["D", "tyrant"].small


def test_normalize_term():
    assert normalize_term("Regime’s") == "regime"
    assert normalize_term("Puppet \n Regime") == "puppet regime"


# --- the benchmark script, at a tiny scale ---------------------------------------------------


@pytest.mark.slow
def test_benchmark_script_reports_both_ratios(shared_dir):
    import os
    import subprocess
    import sys

    if not (shared_dir / "corpora" / "babe" / "final_labels_SG2.csv").exists():
        pytest.skip("BABE is not in ../shared/corpora; the benchmark reads it")
    bench = Path(__file__).parents[1] / "benchmarks"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "report.py", "--sentences", "200", "--groups", "4",
                           "--repeat", "1"], cwd=bench, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "`python benchmarks/report.py --sentences 200 --groups 4 --repeat 1`" in out
    assert re.search(r"^\| score \| [\d.]+ \| \*\*[\d.]+\*\* \| [\d,]+ \| \d+ \| \*\*\d+\*\* \| "
                     r"[\d.]+ \|$", out, re.M)
    assert re.search(r"report / score: time \*\*\d+\.\d\d×\*\* \(target ≤ 1\.3×: (met|not met)"
                     r"\), peak RSS \*\*\d+\.\d\d×\*\* \(target ≤ 1\.10×: (met|not met)\); "
                     r"CPU time \d+\.\d\d×", out)


# --- scored output read back ------------------------------------------------------------------


def _jsonl(path: Path, rows: list[dict]) -> Path:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_read_scored_joins_spans_in_order(tmp_path, monkeypatch):
    import framescore.report_input
    from framescore.inputs import DataError
    from framescore.report_input import read_scored

    monkeypatch.setattr(framescore.report_input, "_SPAN_ROWS", 1)  # a span at a time

    def score(i, narrator):
        return {"id": f"a{i}", "outlet": "X", "score": 0.5, "label": "framed", "logit": 0.0,
                "sentences": 1, "loaded_narrator": narrator, "attribution_report": 0}

    def span(i, start):
        return {"id": f"a{i}", "sentence": 0, "start": start, "end": start + 6,
                "text": "brutal", "feature": "loaded:emotive:narrator",
                "category": "emotive", "voice": "narrator", "contribution": 0.1,
                "neutral": ""}

    # the second article has no spans; a chunk of scores ends between two of them
    scores = _jsonl(tmp_path / "s.jsonl", [score(0, 2), score(1, 0), score(2, 1)])
    spans = _jsonl(tmp_path / "sp.jsonl", [span(0, 0), span(0, 10), span(2, 4)])
    chunks = list(read_scored(str(scores), str(spans), size=2, need=["outlet"]))
    assert [len(c) for c in chunks] == [2, 1] and [c.first_row for c in chunks] == [0, 2]
    assert chunks[0].explained.spans == [
        (0, 0, 6, "brutal", "loaded:emotive:narrator", "emotive", "narrator"),
        (0, 10, 16, "brutal", "loaded:emotive:narrator", "emotive", "narrator")]
    assert chunks[1].explained.spans == [
        (0, 4, 10, "brutal", "loaded:emotive:narrator", "emotive", "narrator")]
    assert chunks[0].columns["outlet"] == ["X", "X"]
    # a span of an article that the scores do not have, after the last one
    _jsonl(spans, [span(0, 0), span(0, 10), span(2, 4), span(3, 0)])
    with pytest.raises(DataError, match=r"not in .* or not in its order .*a3"):
        list(read_scored(str(scores), str(spans), size=2))
    # the counts of the scores say one span more than the spans table has
    _jsonl(spans, [span(0, 0), span(2, 4)])
    with pytest.raises(DataError, match=r"the article a0 .* has 2 loaded_narrator there and 1"):
        list(read_scored(str(scores), str(spans), size=2))
