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
