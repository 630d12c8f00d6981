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


# --- --lexicon, neutral wordings, texts that do not look like English -----------------------


def test_explain_with_added_lexicon(runner, tmp_path, model_dir):
    import hashlib

    mine = tmp_path / "mine.csv"
    mine.write_text("term,category,neutral\nvelmora bandits,delegitimizing,Velmora officials\n",
                    encoding="utf-8")
    text = "The Velmora bandits closed the road on Monday. Engineers repaired the bridge."
    plain = json.loads(invoke(runner, ["explain", "-", "--format", "json", "--model",
                                       model_dir], input=text).stdout)
    assert [s["name"] for s in plain["lexicons"]] == ["model"]
    assert plain["looks_english"] is True
    d = json.loads(invoke(runner, ["explain", "-", "--format", "json", "--model", model_dir,
                                   "--lexicon", mine], input=text).stdout)
    (span,) = [s for s in d["spans"] if s["text"] == "Velmora bandits"]
    assert (span["category"], span["voice"]) == ("delegitimizing", "narrator")
    assert text[span["start"]:span["end"]] == span["text"]
    assert abs(d["intercept"] + math.fsum(c["contribution"] for c in d["contributions"])
               - d["logit"]) < 1e-6
    assert d["logit"] > plain["logit"] and d["intercept"] == plain["intercept"]
    assert d["lexicons"][0] == plain["lexicons"][0]
    assert d["lexicons"][1] == {"name": "mine.csv", "path": str(mine), "terms": 1,
                                "sha256": hashlib.sha256(mine.read_bytes()).hexdigest()}
    assert d["model"] == str(model_dir)
    out = invoke(runner, ["explain", "-", "--model", model_dir, "--lexicon", mine],
                 input=text).stdout
    assert "[Velmora bandits|loaded:delegitimizing:narrator|narrator]" in out
    assert "Lexicons (SHA-256):" in out and d["lexicons"][1]["sha256"] in out
    page = invoke(runner, ["explain", "-", "--format", "html", "--model", model_dir,
                           "--lexicon", mine], input=text).stdout
    assert 'id="lexicons"' in page.replace("'", '"') and d["lexicons"][1]["sha256"] in page
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category\nnew term,brand_new\n", encoding="utf-8")
    assert_one_line_error(invoke(runner, ["explain", "-", "--model", model_dir, "--lexicon",
                                          bad], input=text, code=1),
                          f"{bad}:2:", "'brand_new'", "no weight")


def test_explain_neutral_wordings_fit_the_text(runner, articles, model_dir):
    """outlet_a has "martyrs" (lexicon: martyr → person killed) and "slammed" (slammed →
    criticized): the suggestions fit the text, and the summary line counts only those that
    lower the score."""
    d = json.loads(invoke(runner, ["explain", articles["outlet_a.txt"], "--format", "json",
                                   "--model", model_dir]).stdout)
    singles = {c["text"]: c for c in d["counterfactuals"] if c["scope"] == "span"}
    assert singles["martyrs"]["neutral"] == "people killed"
    assert singles["slammed"]["neutral"] == "criticized"
    assert {s["text"]: s["neutral"] for s in d["spans"]}["martyrs"] == "people killed"
    lowering = [c for c in singles.values() if c["delta_logit"] < 0]
    summary = [c for c in d["counterfactuals"] if c["scope"] == "all"]
    if lowering:
        assert summary[0]["replacements"] == len(lowering)
        assert summary[0]["left_out"] == len(singles) - len(lowering)
    else:
        assert summary == []
    text = invoke(runner, ["explain", articles["outlet_a.txt"], "--model", model_dir]).stdout
    assert "'martyrs' → 'people killed'" in text


def test_explain_warns_when_the_text_does_not_look_english(runner, model_dir):
    german = ("Die Regierung hat am Dienstag neue Maßnahmen gegen die hohen Preise "
              "beschlossen, sagte der Minister.")
    r = invoke(runner, ["explain", "-", "--format", "json", "--model", model_dir],
               input=german)
    assert json.loads(r.stdout)["looks_english"] is False
    assert r.stderr.count("framescore: warning: the text does not look like English") == 1
    r = invoke(runner, ["explain", "-", "--format", "json", "--model", model_dir],
               input="Streik legt Bahnverkehr lahm")  # too short to tell
    assert json.loads(r.stdout)["looks_english"] is True and "warning" not in r.stderr
