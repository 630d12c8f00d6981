"""``framescore report``: a corpus framing report by group (outlet), end to end and as a library.

The corpus is our own writing, made here from templates: four fictional outlets covering a
fictional dispute. One loaded term is planted: "puppet regime", which the Harbor Herald uses
in its own (narrator) voice, the Valley Courier only inside quotes and the Northgate Wire only
in reported speech. The Lantern Post has too few articles to be ranked. No score is written
down here: the shipped model will be retrained; the tests compare the report with
``framescore score --spans`` on the same input, and check the orderings the corpus is built for.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SHARED, assert_one_line_error, invoke

from framescore.corpus_report import (
    COUNT_COLUMNS,
    VOICES,
    adopted_labels,
    bootstrap_interval,
    build_report,
    hist_quantiles,
    normalize_term,
)
from framescore.persist import sha256_file

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
    loaded = spans[spans["feature"].str.startswith("loaded:")]
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
    per_article = spans.assign(col=[
        f"loaded_{v}" if f.startswith("loaded:") else f.replace(":", "_")
        for f, v in zip(spans["feature"], spans["voice"], strict=True)])
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
    ], columns=["group", "term", "category", "voice", "count", "articles"])
    out = adopted_labels(terms, small={"D"})
    got = {(r.group, r.term): r for r in out.itertuples()}
    assert set(got) == {("A", "usurper"), ("D", "tyrant")}
    assert got["A", "usurper"].strict and got["A", "usurper"].attributed_by == ["B", "C"]
    assert not got["D", "tyrant"].strict and got["D", "tyrant"].small


def test_normalize_term():
    assert normalize_term("Regime’s") == "regime"
    assert normalize_term("Puppet \n Regime") == "puppet regime"


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
    assert re.search(r"^\| score \| [\d.]+ \| \*\*[\d.]+\*\* \| [\d,]+ \| \d+ \| \*\*\d+\*\* \|$",
                     out, re.M)
    assert re.search(r"report / score: time \*\*\d+\.\d\d×\*\* \(target ≤ 1\.3×: (met|not met)"
                     r"\), peak RSS \*\*\d+\.\d\d×\*\* \(target ≤ 1\.10×: (met|not met)\)", out)
