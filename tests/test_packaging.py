"""What the package declares matches what it is: its imports, its licence, its citation."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: import name -> distribution name, where they differ
DISTRIBUTIONS = {"sklearn": "scikit-learn", "yaml": "pyyaml", "skops": "skops"}


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in requirements}


def imported_modules(folder: Path) -> set[str]:
    """Top-level names of every module the files under ``folder`` import (at any depth)."""
    names = set()
    for file in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_third_party_import_is_declared():
    third_party = imported_modules(ROOT / "src" / "framescore") - set(sys.stdlib_module_names)
    third_party -= {"framescore", "compression"}  # (compression.zstd: Python 3.14's stdlib)
    declared = requirement_names(PYPROJECT["dependencies"])
    for extra in PYPROJECT["optional-dependencies"].values():
        declared |= requirement_names(extra)
    missing = {m for m in third_party if DISTRIBUTIONS.get(m, m).lower() not in declared}
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"


def test_regex_is_a_dependency_not_only_nltks():
    # text.py imports it directly (NLTK's Punkt patterns without NLTK's time limit)
    assert "regex" in requirement_names(PYPROJECT["dependencies"])


def test_license_file_matches_the_declared_licence():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["license"] == "MIT"
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 framescore contributors" in text


def test_citation_file_describes_this_package():
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["version"] == PYPROJECT["version"] and cff["license"] == PYPROJECT["license"]
    assert cff["title"].startswith(PYPROJECT["name"] + ":")
    assert {"message", "authors"} <= set(cff)
    assert any("BABE" in r["title"] for r in cff["references"])


def test_lexicons_are_top_level_data_shipped_in_the_wheel():
    """The curated lexicons live in data/lexicons/ and go into the wheel beside the package's
    code, as models/default does; a checkout reads them from data/lexicons/."""
    from framescore.lexicon import DEFAULT_DIR, default_paths

    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert wheel["data/lexicons"] == "framescore/data/lexicons"
    assert wheel["models/default"] == "framescore/models/default"
    assert DEFAULT_DIR == ROOT / "data" / "lexicons"
    assert [p.name for p in default_paths()] == ["attribution.csv", "loaded.csv",
                                                 "subjective.csv"]
    assert not (ROOT / "src" / "framescore" / "data").exists()
