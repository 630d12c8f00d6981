"""``framescore report`` end to end, through click's CliRunner, on the fictional corpus of
``tests/test_report.py`` (its outlets, the planted term and the orderings it is built for): the
files and what they hold, against ``framescore score --spans`` on the same input; the same
report from worker processes, from a Dask cluster and from ``score``'s output read back; the
errors; and the five seed articles.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SHARED, assert_one_line_error, invoke
from test_report import ADOPTER, OUTLETS, PLANTED, corpus_rows, write_corpus

from framescore.feature_rows import LEARNED_CATEGORIES
from framescore.persist import sha256_file
from framescore.report_counts import COUNT_COLUMNS
from framescore.report_terms import VOICES, normalize_term


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def report_dir(corpus, tmp_path_factory, default_model_dir) -> Path:
    out = tmp_path_factory.mktemp("report") / "out"
    invoke(CliRunner(), ["report", corpus[0], "--group-col", "outlet", "--time-col", "date",
                         "--id-col", "id", "--keep-col", "date", "-o", out,
                         "--model", default_model_dir])
    return out


@pytest.fixture(scope="module")
def scored(corpus, tmp_path_factory, default_model_dir) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``framescore score --spans`` on the same table: (scores, spans), with the outlet."""
    out = tmp_path_factory.mktemp("scored")
    invoke(CliRunner(), ["score", corpus[0], "--id-col", "id", "-o", out / "scores.jsonl",
                         "--spans", out / "spans.csv", "--model", default_model_dir])
    outlet = {r["id"]: r["outlet"] for r in corpus_rows()}
    scores = pd.read_json(out / "scores.jsonl", lines=True, dtype={"id": str})
    spans = pd.read_csv(out / "spans.csv", dtype={"id": str}, keep_default_na=False)
    scores["group"] = scores["id"].map(outlet)
    spans["group"] = spans["id"].map(outlet)
    return scores, spans


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


# --- the files and what they hold ----------------------------------------------------------


def test_report_writes_every_file(report_dir):
    for name in ("index.html", "groups.csv", "terms.csv", "articles.csv", "adopted.csv",
                 "timeline.csv", "report.json"):
        assert (report_dir / name).is_file(), name
    assert list((report_dir / "articles").glob("*.html"))
    assert not list(report_dir.parent.glob(".out.*.part"))  # the temporary folder is gone


def test_groups_agree_with_score_spans(report_dir, scored):
    scores, spans = scored
    groups = _csv(report_dir / "groups.csv").set_index("group")
    assert sorted(groups.index) == sorted(OUTLETS)
    by_group = scores.groupby("group")
    assert groups["articles"].to_dict() == by_group.size().to_dict()
    np.testing.assert_allclose(groups["mean_score"], by_group["score"].mean()[groups.index],
                               atol=1e-9)
    framed = by_group["label"].apply(lambda s: (s == "framed").mean())[groups.index]
    np.testing.assert_allclose(groups["framed_share"], framed, atol=1e-12)
    np.testing.assert_array_equal(groups["sentences"], by_group["sentences"].sum()[groups.index])
    # loaded terms by voice are the lexicons' terms (learned ones are in terms.csv only),
    # and the same as the scores' summary columns
    loaded = spans[spans["feature"].str.startswith("loaded:")
                   & ~spans["category"].isin(LEARNED_CATEGORIES)]
    assert len(loaded) < len(spans[spans["feature"].str.startswith("loaded:")])  # learned too
    for voice in VOICES:
        want = loaded[loaded["voice"] == voice].groupby("group").size()
        got = groups[f"loaded_{voice}"]
        assert got.to_dict() == want.reindex(groups.index, fill_value=0).to_dict(), voice
    for col in COUNT_COLUMNS[4:]:
        feature = col.replace("attribution_", "attribution:")
        want = spans[spans["feature"] == feature].groupby("group").size()
        assert groups[col].to_dict() == want.reindex(groups.index, fill_value=0).to_dict(), col
    # rates per 1,000 words follow from the counts and the words of articles.csv
    words = _csv(report_dir / "articles.csv").groupby("group")["words"].sum()
    np.testing.assert_allclose(groups["loaded_narrator_per_1k"],
                               1000 * groups["loaded_narrator"] / words[groups.index])
    # each article's score is score's, and its counts are the sums of its spans
    articles = _csv(report_dir / "articles.csv").set_index("id")
    mine = scores.set_index("id").loc[articles.index]
    for col in ("score", "logit"):
        np.testing.assert_allclose(articles[col], mine[col], atol=1e-12)
    np.testing.assert_array_equal(articles["sentences"], mine["sentences"])
    per_article = spans[~spans["category"].isin(LEARNED_CATEGORIES)]
    per_article = per_article.assign(col=[
        f"loaded_{v}" if f.startswith("loaded:") else f.replace(":", "_")
        for f, v in zip(per_article["feature"], per_article["voice"], strict=True)])
    # the same counts as the scores' summary columns
    np.testing.assert_array_equal(articles[list(COUNT_COLUMNS)], mine[list(COUNT_COLUMNS)])
    table = per_article.groupby(["id", "col"]).size().unstack(fill_value=0)
    table = table.reindex(index=articles.index, columns=list(COUNT_COLUMNS), fill_value=0)
    np.testing.assert_array_equal(articles[list(COUNT_COLUMNS)], table)


def test_terms_agree_with_score_spans(report_dir, scored):
    _, spans = scored
    terms = _csv(report_dir / "terms.csv")
    assert list(terms.columns) == ["group", "term", "category", "voice", "count", "articles"]
    kept = spans[spans["feature"].str.startswith(("loaded:", "attribution:"))].copy()
    kept["term"] = kept["text"].map(normalize_term)
    want = (kept.groupby(["group", "term", "category", "voice"])
            .agg(count=("id", "size"), articles=("id", "nunique")).reset_index())
    key = ["group", "term", "category", "voice"]
    pd.testing.assert_frame_equal(terms.sort_values(key).reset_index(drop=True),
                                  want.sort_values(key).reset_index(drop=True),
                                  check_dtype=False)
    planted = terms[terms["term"] == PLANTED].groupby(["group", "voice"])["count"].sum()
    assert PLANTED in set(terms["term"]), "the shipped lexicon no longer matches the term"
    assert planted[ADOPTER, "narrator"] > 0
    assert planted["Valley Courier", "quoted"] > 0 and planted["Northgate Wire", "reported"] > 0


def test_planted_term_is_an_adopted_label(report_dir):
    adopted = _csv(report_dir / "adopted.csv")
    row = adopted[(adopted["term"] == PLANTED)]
    assert list(row["group"]) == [ADOPTER]  # the others only quote or report it
    assert bool(row["strict"].iloc[0])
    assert set(row["attributed_by"].iloc[0].split("; ")) == {"Valley Courier", "Northgate Wire"}
    assert pd.isna(row["also_adopted_by"].iloc[0])
    html = (report_dir / "index.html").read_text(encoding="utf-8")
    adopted_table = html.split('id="adopted"', 1)[1].split("</table>", 1)[0]
    assert PLANTED in adopted_table and ADOPTER in adopted_table


def test_groups_ranked_small_group_flagged(report_dir, scored):
    groups = _csv(report_dir / "groups.csv")
    small = groups[groups["small"]]
    assert list(small["group"]) == ["Lantern Post"] and small["rank"].isna().all()
    ranked = groups[~groups["small"]].sort_values("rank")
    assert list(ranked["rank"]) == [1, 2, 3]
    assert list(ranked["mean_score"]) == sorted(ranked["mean_score"], reverse=True)
    assert (groups["ci_low"] <= groups["mean_score"]).all()
    assert (groups["mean_score"] <= groups["ci_high"]).all()
    assert groups.set_index("group").loc[ADOPTER, "ci_high"] > groups["ci_low"].min()
    # own-voice loaded terms per 1,000 words: the adopter has the most
    own = groups.set_index("group")["loaded_own_per_1k"]
    assert own[ADOPTER] > own.drop(ADOPTER).max()


def test_report_json_traces_the_run(report_dir, corpus, default_model_dir):
    info = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    manifest = json.loads((default_model_dir / "manifest.json").read_text(encoding="utf-8"))
    assert info["model"]["files"] == manifest["files"]
    assert info["model"]["lexicons"] == manifest["lexicons"] and info["model"]["lexicons"]
    assert info["inputs"] == [{"path": str(corpus[0]), "bytes": corpus[0].stat().st_size,
                               "sha256": sha256_file(corpus[0])}]
    assert info["command"].startswith("framescore report ")
    assert "--group-col outlet" in info["command"] and "--time-col date" in info["command"]
    counts = info["counts"]
    assert counts["records"] == counts["scored"] == sum(OUTLETS.values())
    assert counts["skipped"] == 0 and counts["groups"] == len(OUTLETS)
    assert counts["small_groups"] == 1 and counts["without_time"] == 0
    assert {"index.html", "groups.csv", "terms.csv", "articles.csv"} <= set(info["files"])


def test_articles_and_timeline(report_dir):
    articles = _csv(report_dir / "articles.csv")
    rows = corpus_rows()
    assert list(articles["id"]) == [r["id"] for r in rows]  # input order
    assert list(articles["group"]) == [r["outlet"] for r in rows]
    assert list(articles["date"]) == [r["date"] for r in rows]  # --keep-col date
    timeline = _csv(report_dir / "timeline.csv")
    assert timeline.groupby("group")["articles"].sum().to_dict() == OUTLETS
    np.testing.assert_allclose(timeline["score_sum"].sum(), articles["score"].sum())


def test_page_is_self_contained_with_links(report_dir):
    html = (report_dir / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "<img" not in html
    for ident in ("groups", "voices", "attribution", "terms", "adopted", "plot-scores",
                  "plot-voice", "plot-time-score", "plot-time-own", "articles", "examples"):
        assert f'id="{ident}"' in html, ident
    # every article link and every example anchor resolves
    for page in re.findall(r'href="articles/([^"]+)"', html):
        assert (report_dir / "articles" / page).is_file(), page
    anchors = set(re.findall(r'id="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in anchors, target
    # the most framed article of the adopter is explained, spans and all
    first = re.search(r'<h3>Harbor Herald</h3>.*?href="articles/([^"]+)"', html, re.S)
    page = (report_dir / "articles" / first.group(1)).read_text(encoding="utf-8")
    assert 'data-feature="loaded:delegitimizing:narrator"' in page
    assert 'href="../index.html#articles"' in page


def test_folders_by_parent_give_the_same_report(corpus, report_dir, tmp_path,
                                                default_model_dir):
    out = tmp_path / "by_folder"  # an earlier report there is replaced
    out.mkdir()
    (out / "report.json").write_text("{}", encoding="utf-8")
    (out / "stale.csv").write_text("old", encoding="utf-8")
    invoke(CliRunner(), ["report", corpus[1], "--group-from", "parent", "-o", out,
                         "--model", default_model_dir])
    cols = ["group", "articles", "sentences", "mean_score", *COUNT_COLUMNS]
    a = _csv(report_dir / "groups.csv")[cols].sort_values("group").reset_index(drop=True)
    b = _csv(out / "groups.csv")[cols].sort_values("group").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(_csv(report_dir / "terms.csv"), _csv(out / "terms.csv"))
    ids = _csv(out / "articles.csv")["id"]
    assert sorted(ids) == sorted(f"{r['id']}.txt" for r in corpus_rows())
    assert not (out / "timeline.csv").exists() and not (out / "stale.csv").exists()


def test_output_folder_and_columns_are_checked(corpus, tmp_path, default_model_dir):
    runner = CliRunner()
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me", encoding="utf-8")
    result = invoke(runner, ["report", corpus[0], "--group-col", "outlet", "-o", other,
                             "--model", default_model_dir], code=1)
    assert_one_line_error(result, "holds no framescore report")
    assert (other / "mine.txt").read_text(encoding="utf-8") == "keep me"
    result = invoke(runner, ["report", corpus[0], "--group-col", "nope", "-o",
                             tmp_path / "r", "--model", default_model_dir], code=1)
    assert_one_line_error(result, "no column 'nope'")
    assert not (tmp_path / "r").exists() and not list(tmp_path.glob(".r.*"))


def test_workers_give_the_same_tables(corpus, report_dir, tmp_path, default_model_dir,
                                      monkeypatch):
    import framescore.batch

    monkeypatch.setattr(framescore.batch, "_MAX_LOCAL_CHUNKS", 0)  # every chunk to a worker
    out = tmp_path / "j2"
    invoke(CliRunner(), ["report", corpus[0], "--group-col", "outlet", "--time-col", "date",
                         "--id-col", "id", "--keep-col", "date", "-o", out, "-j", "2",
                         "--chunk-size", "3", "--model", default_model_dir])
    for name in ("groups.csv", "terms.csv", "articles.csv", "adopted.csv", "timeline.csv"):
        assert (out / name).read_bytes() == (report_dir / name).read_bytes(), name
    assert sorted(p.name for p in (out / "articles").iterdir()) == sorted(
        p.name for p in (report_dir / "articles").iterdir())


# --- scored input: the output of `framescore score --spans`, not scored again --------------

#: The tables that must be the same, byte for byte, from the scores as from the raw input.
SAME_TABLES = ("groups.csv", "terms.csv", "adopted.csv", "timeline.csv")


@pytest.fixture(scope="module")
def scored_output(corpus, tmp_path_factory, default_model_dir) -> Path:
    """``framescore score --spans`` on the corpus, keeping the outlet, the date and the text
    (JSONL), and keeping only the outlet (CSV)."""
    out = tmp_path_factory.mktemp("scored_output")
    invoke(CliRunner(), ["score", corpus[0], "--id-col", "id", "--keep-col", "outlet",
                         "--keep-col", "date", "--keep-col", "text", "-o", out / "scores.jsonl",
                         "--spans", out / "spans.jsonl", "--model", default_model_dir])
    invoke(CliRunner(), ["score", corpus[0], "--keep-col", "outlet", "-o", out / "scores.csv",
                         "--spans", out / "spans.csv", "--contributions",
                         out / "contributions.csv", "--model", default_model_dir])
    return out


def test_report_on_scored_output_is_the_report_on_its_input(scored_output, report_dir,
                                                            tmp_path, default_model_dir):
    out = tmp_path / "from_scores"
    result = invoke(CliRunner(), [
        "report", scored_output / "scores.jsonl", "--spans", scored_output / "spans.jsonl",
        "--group-col", "outlet", "--time-col", "date", "--keep-col", "date", "-o", out,
        "--chunk-size", "7", "--model", default_model_dir])
    assert "warning" not in result.stderr
    for name in SAME_TABLES:
        assert (out / name).read_bytes() == (report_dir / name).read_bytes(), name
    # articles.csv: the same rows, but the source is the scores table (score wrote no source
    # column for a single input)
    mine, theirs = _csv(out / "articles.csv"), _csv(report_dir / "articles.csv")
    assert set(mine["source"]) == {str(scored_output / "scores.jsonl")}
    pd.testing.assert_frame_equal(mine.drop(columns="source"), theirs.drop(columns="source"))
    # the explanation pages are there too, since the texts were kept
    assert sorted(p.name for p in (out / "articles").iterdir()) == sorted(
        p.name for p in (report_dir / "articles").iterdir())
    info = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [i["path"] for i in info["inputs"]] == [str(scored_output / "scores.jsonl"),
                                                   str(scored_output / "spans.jsonl")]
    assert info["options"]["input"] == "scored" and info["options"]["texts"] is True
    assert "scored again" in info["options"]["model_check"]
    assert "--spans" in info["command"]


def test_scored_output_without_texts_reports_the_same_counts(scored_output, report_dir,
                                                             tmp_path, default_model_dir):
    out = tmp_path / "no_texts"
    result = invoke(CliRunner(), [
        "report", scored_output / "scores.csv", "--spans", scored_output / "spans.csv",
        "--group-col", "outlet", "-o", out, "--model", default_model_dir])
    assert "no column 'text'" in result.stderr and "no rates per 1,000 words" in result.stderr
    pd.testing.assert_frame_equal(_csv(out / "terms.csv"), _csv(report_dir / "terms.csv"))
    mine, theirs = _csv(out / "groups.csv"), _csv(report_dir / "groups.csv")
    rates = [c for c in theirs.columns if c.endswith("_per_1k")]
    assert mine[["words", *rates]].isna().all().all()  # unknown, not zero
    same = [c for c in theirs.columns if c not in ("words", *rates)]
    pd.testing.assert_frame_equal(mine[same], theirs[same])
    articles = _csv(out / "articles.csv")
    assert articles["words"].isna().all()
    np.testing.assert_array_equal(articles[list(COUNT_COLUMNS)],
                                  _csv(report_dir / "articles.csv")[list(COUNT_COLUMNS)])
    # said in the page and in report.json; no explanation pages
    assert not (out / "articles").exists()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="no-texts"' in page and "--keep-col text" in page
    assert 'id="plot-voice"' not in page and 'href="articles/' not in page
    info = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert info["options"]["texts"] is False and info["counts"]["words"] is None
    assert all(g["loaded_narrator_per_1k"] is None for g in info["groups"])


def test_scored_output_with_the_wrong_model_is_refused(scored_output, tmp_path, model_dir):
    result = invoke(CliRunner(), [
        "report", scored_output / "scores.jsonl", "--spans", scored_output / "spans.jsonl",
        "--group-col", "outlet", "-o", tmp_path / "r", "--model", model_dir], code=1)
    assert_one_line_error(result, "not made by this model", "--model")
    assert not (tmp_path / "r").exists()


def test_bad_scored_input_is_a_one_line_error(corpus, scored_output, tmp_path,
                                              default_model_dir):
    runner, spans = CliRunner(), scored_output / "spans.jsonl"
    short = tmp_path / "short.jsonl"  # the spans of a run cut short: some are missing
    lines = spans.read_text(encoding="utf-8").splitlines(keepends=True)
    short.write_text("".join(lines[:len(lines) // 2]), encoding="utf-8")
    longer = tmp_path / "longer.jsonl"  # the spans of another corpus after them
    longer.write_text("".join(lines) + lines[0].replace('"harbor-00"', '"elsewhere-1"'),
                      encoding="utf-8")
    for scores, given, needles in [
        (corpus[0], spans, ["no column 'score'", "not the article-level output"]),
        (scored_output / "scores.csv", scored_output / "contributions.csv",
         ["no column 'start'", "not the --spans table"]),
        (scored_output / "scores.jsonl", short, ["does not go with", "row "]),
        (scored_output / "scores.jsonl", longer, ["not in", "elsewhere-1"]),
        (scored_output / "scores.jsonl", scored_output / "spans.csv", ["no column 'id'"]),
    ]:
        result = invoke(runner, ["report", scores, "--spans", given, "--group-col", "outlet",
                                 "-o", tmp_path / "r", "--model", default_model_dir], code=1)
        assert_one_line_error(result, *needles)
        assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("args", "needle"), [
    (["-j", "2"], "-j and --scheduler do not apply"),
    (["--id-col", "id"], "--id-col does not apply"),
    (["--text-col", "body"], None),
])
def test_scored_input_usage(scored_output, tmp_path, default_model_dir, args, needle):
    result = invoke(CliRunner(), [
        "report", scored_output / "scores.jsonl", "--spans", scored_output / "spans.jsonl",
        "--group-col", "outlet", "-o", tmp_path / "r", "--model", default_model_dir, *args],
        code=2 if needle else 1)
    assert_one_line_error(result, needle or "no column 'body'")


def test_scored_output_without_spans_names_the_option(scored_output, tmp_path,
                                                      default_model_dir):
    result = invoke(CliRunner(), ["report", scored_output / "scores.csv", "--group-col",
                                  "outlet", "-o", tmp_path / "r"], code=2)
    assert_one_line_error(result, "looks like the output of 'framescore score'", "--spans")


@pytest.mark.slow  # a Dask LocalCluster of scheduler and worker processes
def test_scheduler_gives_the_same_tables(corpus, report_dir, tmp_path, default_model_dir):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    out = tmp_path / "dask"
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None,
                                       silence_logs=50)
    with cluster:
        invoke(CliRunner(), ["report", corpus[0], "--group-col", "outlet", "--time-col",
                             "date", "--id-col", "id", "--keep-col", "date", "-o", out,
                             "--chunk-size", "3", "--scheduler", cluster.scheduler_address,
                             "--model", default_model_dir])
    for name in (*SAME_TABLES, "articles.csv"):
        assert (out / name).read_bytes() == (report_dir / name).read_bytes(), name


def test_scheduler_usage(corpus, tmp_path):
    result = invoke(CliRunner(), ["report", corpus[0], "--group-col", "outlet", "-o",
                                  tmp_path / "r", "-j", "2", "--scheduler", "tcp://x:1"],
                    code=2)
    assert_one_line_error(result, "either -j/--jobs or --scheduler")


@pytest.mark.parametrize(("args", "needle"), [
    ([], "--group-col"),
    (["--group-from", "column"], "needs --group-col"),
    (["--group-col", "outlet", "--group-from", "parent"], "conflict"),
])
def test_usage_errors(corpus, tmp_path, args, needle):
    result = invoke(CliRunner(), ["report", corpus[0], "-o", tmp_path / "r", *args], code=2)
    assert_one_line_error(result, needle)


def test_group_col_on_text_files_is_a_usage_error(corpus, tmp_path):
    result = invoke(CliRunner(), ["report", corpus[1], "--group-col", "outlet", "-o",
                                  tmp_path / "r"], code=2)
    assert_one_line_error(result, "--group-from parent")


# --- the seed articles ---------------------------------------------------------------------


def test_seed_articles_each_its_own_group(tmp_path, default_model_dir):
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip(f"no seed articles in {SHARED / 'seeds'} (../shared is absent)")
    out = tmp_path / "seeds"
    invoke(CliRunner(), ["report", *seeds, "--group-from", "file", "--min-articles", "1",
                         "--top-articles", "1", "-o", out, "--model", default_model_dir])
    groups = _csv(out / "groups.csv")
    rate = {g[:3]: v for g, v in zip(groups["group"], groups["loaded_narrator_per_1k"],
                                     strict=True)}
    for adopter in ("001", "002", "004"):
        for other in ("000", "003"):
            assert rate[adopter] > rate[other], (adopter, other, rate)
    adopted = _csv(out / "adopted.csv")
    adopted["seed"] = adopted["group"].str[:3]
    by_seed = adopted.groupby("seed")["term"].apply(set).to_dict()
    assert "anti-terror fighters" in set().union(*by_seed.values())
    for adopter in ("001", "002", "004"):
        assert by_seed.get(adopter), f"{adopter} adopts no label: {by_seed}"
    # each adopted label is one its group uses in its own voice
    terms = _csv(out / "terms.csv")
    own = terms[terms["voice"].isin(["narrator", "title"])]
    own_pairs = set(zip(own["group"], own["term"], strict=True))
    assert set(zip(adopted["group"], adopted["term"], strict=True)) <= own_pairs
