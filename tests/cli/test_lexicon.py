"""framescore lexicon list, validate and show.

Through click's CliRunner, with the tiny model of tests/conftest.py, trained once per
session."""

from __future__ import annotations

from conftest import assert_one_line_error, invoke


def test_lexicon_list_validate_show(runner, tmp_path, cli_lexicons):
    loaded, attribution = cli_lexicons
    r = invoke(runner, ["lexicon", "list", "--lexicon", loaded])
    section = r.stdout.split(f"{loaded}: ")[1]
    assert section.startswith("7 terms")
    assert "delegitimizing" in section and "loaded_verb" in section

    r = invoke(runner, ["lexicon", "validate", loaded, attribution])
    assert r.stdout.splitlines()[0].startswith("ok: 7 terms, categories delegitimizing (1)")
    assert r.stdout.splitlines()[1].startswith("ok: 8 terms")

    bad = tmp_path / "bad.csv"
    bad.write_text("term,category,neutral\nfine term,emotive,\nanother,Not A Category,\n")
    r = invoke(runner, ["lexicon", "validate", bad], code=1)
    assert_one_line_error(r, f"{bad}:3:", "category")
    dup = tmp_path / "dup.csv"
    dup.write_text("term,category\nmartyr,valorizing\nMartyrs,valorizing\n")
    assert_one_line_error(invoke(runner, ["lexicon", "validate", dup], code=1),
                          f"{dup}:3:", "duplicate")

    r = invoke(runner, ["lexicon", "show", "Puppet Regimes", "--lexicon", loaded])
    assert "puppet regime" in r.stdout and f"{loaded}:2" in r.stdout
    assert "delegitimizing" in r.stdout and "government" in r.stdout
    r = invoke(runner, ["lexicon", "show", "zxqv", "--lexicon", loaded], code=1)
    assert_one_line_error(r, "'zxqv'", "none of the lexicons")


def test_lexicon_list_model_shows_its_lexicon_and_weights(runner, tmp_path, model_dir, model):
    import csv
    import io

    from framescore.overlay import category_weights, lexicon_sha256

    r = invoke(runner, ["lexicon", "list", "--model", model_dir])
    first, built = r.stdout.splitlines()[:2]
    assert first == (f"{model_dir}: {len(model.features.lexicon.entries)} terms, lexicon "
                     f"SHA-256 {lexicon_sha256(model)}")
    assert built.startswith("  built from loaded.csv (") and "attribution.csv (" in built
    rows = {line.split()[0]: line.split() for line in r.stdout.splitlines()
            if line.split() and line.split()[0] in ("delegitimizing", "report")}
    weights = category_weights(model)
    # category, terms, kind, then the weight by voice: narrator, quoted, reported, title
    assert rows["delegitimizing"][:3] == ["delegitimizing", "1", "loaded"]
    assert rows["delegitimizing"][3] == f"{weights['delegitimizing']['narrator']:+.3f}"
    assert rows["report"][2:5] == ["attribution", f"{weights['report']['narrator']:+.3f}", "-"]

    mine = tmp_path / "mine.csv"
    mine.write_text("term,category,neutral\nvelmora bandits,delegitimizing,officials\n",
                    encoding="utf-8")
    r = invoke(runner, ["lexicon", "list", "--model", model_dir, "--lexicon", mine])
    assert f"  + {mine}: 1 terms, SHA-256 " in r.stdout
    assert "delegitimizing      2  loaded" in r.stdout
    r = invoke(runner, ["lexicon", "list", "--model", model_dir, "--lexicon", mine, "--terms"])
    terms = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"term": "velmora bandits", "category": "delegitimizing", "neutral": "officials",
            "note": "", "not_before": "", "source": "mine.csv", "weight": "1"} in terms
    assert len(terms) == len(model.features.lexicon.entries) + 1

    bad = tmp_path / "bad.csv"
    bad.write_text("term,category\nnew term,brand_new\n", encoding="utf-8")
    assert_one_line_error(invoke(runner, ["lexicon", "list", "--model", model_dir,
                                          "--lexicon", bad], code=1),
                          f"{bad}:2:", "no weight")
    assert_one_line_error(invoke(runner, ["lexicon", "list", "--model", tmp_path / "nope"],
                                 code=1), "no such directory")
