"""framescore compare: several outlets side by side.

Through click's CliRunner, with the tiny model of tests/conftest.py, trained once per
session."""

from __future__ import annotations

import csv
import io
import json

from conftest import ARTICLES, invoke


def test_compare_three_outlets(runner, articles, model_dir):
    files = [articles[n] for n in sorted(articles)]
    table = invoke(runner, ["compare", *files, "--model", model_dir]).stdout
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["file", "score", "label"]
    for name in ARTICLES:
        assert any(line.startswith(name) for line in lines[2:5])
    assert "Loaded terms no other article uses:" in table

    d = json.loads(invoke(runner, ["compare", *files, "--format", "json",
                                   "--model", model_dir]).stdout)
    rows = {r["file"]: r for r in d["articles"]}
    assert list(rows) == sorted(ARTICLES)
    a, b, c = rows["outlet_a.txt"], rows["outlet_b.txt"], rows["outlet_c.txt"]
    assert a["unique_loaded_terms"] == ["martyrs", "slammed"]  # puppet regime: B quotes it
    assert b["unique_loaded_terms"] == []
    assert c["unique_loaded_terms"] == ["blasted", "radical left"]
    assert "puppet regime" in a["loaded_terms"] and "puppet regime" in b["loaded_terms"]
    assert a["loaded_own_voice"] == 4 and b["loaded_own_voice"] == 0
    assert b["loaded_quoted_reported"] == 1
    assert a["distancing"] == 1 and a["unverified"] == 1
    assert b["report"] == 3 and b["attributed_claims"] == 3  # said, told, said
    assert c["attributed_claims"] == c["report"] + c["endorsing"] == 2
    assert a["score"] > b["score"]

    r = invoke(runner, ["compare", *files, "--format", "csv", "--model", model_dir])
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [g["file"] for g in got] == sorted(ARTICLES)
    assert got[0]["unique_loaded_terms"] == "martyrs; slammed"


def test_compare_records_lexicons_and_language(runner, tmp_path, articles, model_dir):
    import hashlib

    mine = tmp_path / "mine.csv"
    mine.write_text("term,category,neutral\nvelmora,partisan,\n", encoding="utf-8")
    german = tmp_path / "german.txt"
    german.write_text("Die Regierung hat am Dienstag neue Maßnahmen gegen die hohen Preise "
                      "beschlossen, sagte der Minister in Velmora.\n", encoding="utf-8")
    files = [articles["outlet_a.txt"], articles["outlet_b.txt"], german]
    plain = json.loads(invoke(runner, ["compare", *files, "--format", "json",
                                       "--model", model_dir]).stdout)
    assert [s["name"] for s in plain["lexicons"]] == ["model"]
    assert [a["looks_english"] for a in plain["articles"]] == [True, True, False]
    r = invoke(runner, ["compare", *files, "--format", "json", "--model", model_dir,
                        "--lexicon", mine])
    d = json.loads(r.stdout)
    sha = hashlib.sha256(mine.read_bytes()).hexdigest()
    assert [(s["name"], s["sha256"]) for s in d["lexicons"]] == [
        ("model", plain["lexicons"][0]["sha256"]), ("mine.csv", sha)]
    rows = {a["file"]: a for a in d["articles"]}
    assert "velmora" in rows["outlet_a.txt"]["loaded_terms"]  # the added term is matched
    assert "velmora" not in {t for a in plain["articles"] for t in a["loaded_terms"]}
    assert r.stderr.count("framescore: warning: 1 of 3 articles do not look like English") == 1
    got = list(csv.DictReader(io.StringIO(invoke(
        runner, ["compare", *files, "--format", "csv", "--model", model_dir, "--lexicon",
                 mine]).stdout)))
    assert [g["looks_english"] for g in got] == ["True", "True", "False"]
    assert {g["lexicons"] for g in got} == {f"model:{d['lexicons'][0]['sha256']};mine.csv:{sha}"}
    table = invoke(runner, ["compare", *files, "--model", model_dir, "--lexicon", mine]).stdout
    assert "Lexicons in force (SHA-256):" in table and sha in table
    assert "lexicons" not in invoke(runner, ["compare", *files, "--format", "csv", "--model",
                                             model_dir]).stdout.splitlines()[0]
