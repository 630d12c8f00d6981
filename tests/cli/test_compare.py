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
