"""framescore explain: the JSON contract, text, colour and HTML.

Through click's CliRunner, with the tiny model of tests/conftest.py, trained once per
session."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import ARTICLES, _sigmoid, assert_one_line_error, invoke, jsonl, write_csv

ROOT = Path(__file__).resolve().parents[2]
VOICES = {"narrator", "quoted", "reported", "title"}


def test_explain_json_contract(runner, articles, model_dir):
    text = ARTICLES["outlet_a.txt"]
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "json",
                        "--model", model_dir])
    d = json.loads(r.stdout)
    assert {"score", "label", "logit", "intercept", "threshold", "contributions", "spans",
            "sentences"} <= set(d)
    assert 0.0 <= d["score"] <= 1.0 and d["score"] == pytest.approx(_sigmoid(d["logit"]))
    assert d["label"] == ("framed" if d["score"] >= d["threshold"] else "neutral")
    assert abs(d["intercept"] + math.fsum(c["contribution"] for c in d["contributions"])
               - d["logit"]) < 1e-6
    for c in d["contributions"]:
        assert set(c) >= {"feature", "value", "weight", "contribution"}
        assert c["contribution"] == pytest.approx(c["value"] * c["weight"])
    assert d["spans"]
    for s in d["spans"]:
        assert set(s) >= {"start", "end", "text", "feature", "category", "voice"}
        assert s["voice"] in VOICES
        assert text[s["start"]:s["end"]] == s["text"]
    assert {s["voice"] for s in d["spans"]} >= {"title", "narrator"}
    assert [(s["start"], s["end"]) for s in d["sentences"]] == sorted(
        (s["start"], s["end"]) for s in d["sentences"])
    for s in d["sentences"]:
        assert set(s) >= {"start", "end", "score", "logit"}
    # the same numbers as score
    scored = jsonl(invoke(runner, ["score", articles["outlet_a.txt"], "--model",
                                   model_dir]).stdout)[0]
    assert d["logit"] == pytest.approx(scored["logit"], abs=1e-9)


def test_explain_json_top_keeps_the_sum(runner, articles, model_dir):
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "json", "--top", "3",
                        "--model", model_dir])
    d = json.loads(r.stdout)
    assert len(d["contributions"]) == 3
    rest = d["contributions_omitted"]
    assert rest["count"] > 0
    total = math.fsum(c["contribution"] for c in d["contributions"]) + rest["contribution"]
    assert abs(d["intercept"] + total - d["logit"]) < 1e-6


def test_explain_text_and_colour(runner, articles, model_dir):
    path = articles["outlet_a.txt"]
    plain = invoke(runner, ["explain", path, "--model", model_dir]).stdout
    assert plain.startswith("score ")
    assert "Top features toward framed" in plain
    assert "[puppet regime|loaded:delegitimizing:narrator|narrator]" in plain
    assert "\033[" not in plain  # not a terminal: no colour
    coloured = invoke(runner, ["explain", path, "--color", "--model", model_dir]).stdout
    assert "\033[" in coloured
    assert "\033[" not in invoke(runner, ["explain", path, "--no-color",
                                          "--model", model_dir]).stdout
    stdin = invoke(runner, ["explain", "-", "--model", model_dir],
                   input=ARTICLES["outlet_a.txt"]).stdout
    assert stdin == plain


def test_explain_html_is_self_contained(runner, tmp_path, articles, model_dir):
    out = tmp_path / "a.html"
    r = invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "html", "-o", out,
                        "--model", model_dir])
    assert r.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert page.count('<mark class="span"') >= 3
    assert ">puppet regime<" in page


def test_explain_refuses_tables_folders_and_empty_text(runner, tmp_path, model_dir):
    table = write_csv(tmp_path / "t.csv", [{"text": "x"}])
    assert_one_line_error(invoke(runner, ["explain", table, "--model", model_dir], code=1),
                          "t.csv", "framescore score")
    assert_one_line_error(invoke(runner, ["explain", tmp_path, "--model", model_dir], code=1),
                          "folder")
    assert_one_line_error(invoke(runner, ["explain", "-", "--model", model_dir], code=1,
                                 input="  \n\t\n"), "empty text")


@pytest.mark.skipif(not (ROOT / "models" / "default" / "manifest.json").exists(),
                    reason="the shipped default model (models/default) is not built yet")
def test_default_model_explains(runner, articles):
    d = json.loads(invoke(runner, ["explain", articles["outlet_a.txt"], "--format",
                                   "json"]).stdout)
    assert abs(d["intercept"] + math.fsum(c["contribution"] for c in d["contributions"])
               - d["logit"]) < 1e-6
