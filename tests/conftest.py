"""Shared fixtures: a small lexicon written by the tests, the ../shared material, and the tiny
model, lexicon and articles of the command line's tests (tests/cli/).

Unit tests never depend on the shipped lexicon's contents: they use the two files below,
written into a temporary directory. Integration tests read ``../shared`` (beside the project
root) and skip with a reason when it is absent. The command line's tests train a tiny model
once per session on 40 template sentences with a small lexicon, so that they do not depend on
the shipped default model either.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

import framescore
from framescore import FramingFeatures

SHARED = Path(__file__).parents[1].parent / "shared"

# Property tests draw the same examples on every run (a suite that fails one run in a hundred is
# a defect), and a loaded machine's timings fail none of them; HYPOTHESIS_PROFILE=explore draws
# new ones, to hunt for counterexamples.
UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("repeatable", derandomize=True, database=None, **UNTIMED)
settings.register_profile("explore", max_examples=1000, **UNTIMED)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

LOADED_CSV = """\
term,category,neutral,note,not_before
usurping entity,delegitimizing,Israel,a test label,
puppet regime,delegitimizing,government,,
régime fantoche,delegitimizing,gouvernement,accented term,
martyr,valorizing,killed person,matches martyrs and martyred,
freedom fighters,valorizing,fighters,,
anti-terror fighters,valorizing,fighters,hyphenated first word,
brutal,emotive,,,
brutal onslaught,atrocity,offensive,overlaps brutal,
massacre,atrocity,killing,,
radical left,partisan,Democrats,,
slammed,loaded_verb,criticized,,
blasted,loaded_verb,criticized,,
"""

ATTRIBUTION_CSV = """\
term,category,neutral,note,not_before
said,report,,,
told,report,,,
claimed,distancing,said,speech sense only,responsibility|credit|the lives|the life
so-called,distancing,,,
alleged,distancing,,,
insisted,distancing,said,,
confirmed,endorsing,,,
admitted,endorsing,said,,
reportedly,hedge,,,
allegedly,hedge,,,
could not be independently verified,unverified,,,
according to,sourcing,,,
"""

#: The loaded-term categories of the fixture lexicon, in file order.
#: Four short texts of the fixture lexicons' terms, for models fitted in a test.
FIXTURE_TEXTS = [
    "Heroic martyrs fell defending the land, the ministry said.",
    "“The puppet regime must go,” protesters chanted, critics claimed.",
    "The council approved the budget on Tuesday.",
    "Radical left extremists slammed the bill, reportedly.",
]

FIXTURE_CATEGORIES = [
    "delegitimizing", "valorizing", "emotive", "atrocity", "partisan", "loaded_verb",
]


def write_lexicons(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    loaded = directory / "loaded.csv"
    attribution = directory / "attribution.csv"
    loaded.write_text(LOADED_CSV, encoding="utf-8")
    attribution.write_text(ATTRIBUTION_CSV, encoding="utf-8")
    return [loaded, attribution]


@pytest.fixture(scope="session")
def lexicon_paths(tmp_path_factory) -> list[Path]:
    """The fixture lexicon files (loaded terms, attribution patterns)."""
    return write_lexicons(tmp_path_factory.mktemp("lexicons"))


@pytest.fixture(scope="session")
def ff(lexicon_paths) -> FramingFeatures:
    """A FramingFeatures fitted on the fixture lexicon (do not set_params on it: clone)."""
    return FramingFeatures(lexicons=[str(p) for p in lexicon_paths]).fit([""])


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not present (looked for {SHARED}); integration tests need it")
    return SHARED


@pytest.fixture(scope="session")
def seeds(shared_dir) -> dict[str, str]:
    """Seed articles keyed by their number ("000", "001", ...)."""
    files = sorted((shared_dir / "seeds").glob("*.txt"))
    if not files:
        pytest.skip(f"no seed articles in {shared_dir / 'seeds'}")
    return {f.name[:3]: f.read_text(encoding="utf-8") for f in files}


def spans_of(ff: FramingFeatures, text: str, surface: str) -> list[dict]:
    """The spans whose text is ``surface`` (case-insensitive)."""
    return [s for s in ff.spans(text) if s["text"].lower() == surface.lower()]


def only_span(ff: FramingFeatures, text: str, surface: str) -> dict:
    found = spans_of(ff, text, surface)
    assert len(found) == 1, f"expected one span {surface!r}, got {ff.spans(text)}"
    return found[0]


def voices_of(doc, text: str) -> dict[str, list[str]]:
    """Voice(s) of each token surface in a segmented document."""
    out: dict[str, list[str]] = {}
    for sent in doc.sentences:
        for s, e, v in zip(sent.starts, sent.ends, sent.voices, strict=True):
            out.setdefault(text[s:e], []).append(v)
    return out


@pytest.fixture(scope="session")
def default_model_dir() -> Path:
    """The shipped default model (skips the test when it has not been built)."""
    path = Path(__file__).resolve().parents[1] / "models" / "default"
    if not (path / "manifest.json").exists():
        pytest.skip("models/default is not built (python scripts/train_default.py)")
    return path


def save_skops_model(model, path: Path) -> Path:
    """Write ``model`` as a ``framescore-model/1`` directory (``pipeline.skops``), as framescore
    0.1 did, to test that such directories still load."""
    import json

    import sklearn
    import skops.io as sio

    from framescore.persist import sha256_file

    path.mkdir(parents=True)
    sio.dump(model.pipeline, path / "pipeline.skops")
    (path / "MODEL_CARD.md").write_text("# v1 card\n", encoding="utf-8")
    manifest = {"format": "framescore-model/1", "sklearn_version": sklearn.__version__,
                "threshold": model.threshold, "n_train": 1234,
                "files": {name: sha256_file(path / name)
                          for name in ("pipeline.skops", "MODEL_CARD.md")}}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


def rehash(model_dir: Path, name: str) -> None:
    """Make the manifest list the current hash of the file ``name``, as an attacker would."""
    import json

    from framescore.persist import sha256_file

    manifest = json.loads((model_dir / "manifest.json").read_text())
    manifest["files"][name] = sha256_file(model_dir / name)
    (model_dir / "manifest.json").write_text(json.dumps(manifest))


def invoke(runner, args: list, code: int = 0, input=None):
    """Run the CLI through click's CliRunner; fail with its output unless it exits ``code``."""
    from framescore.cli import cli

    result = runner.invoke(cli, [str(a) for a in args], input=input)
    if result.exit_code != code:
        raise AssertionError(f"exit {result.exit_code} (expected {code}) for {args}\n"
                             f"stdout: {result.stdout[:2000]}\nstderr: {result.stderr}\n"
                             f"exception: {result.exception!r}")
    return result


def assert_one_line_error(result, *needles: str) -> str:
    """A failed run: exactly one stderr line, 'framescore: error: ...', no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("framescore: error: "), lines[0]
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# --- the command line's tests (tests/cli/): a tiny model, its lexicon, articles -------------

CLI_LOADED = """\
term,category,neutral,note,not_before
puppet regime,delegitimizing,government,,
martyr,valorizing,person killed,,
freedom fighters,valorizing,fighters,,
radical left,partisan,opposition,,
brutal onslaught,atrocity,offensive,,
slammed,loaded_verb,criticized,,
blasted,loaded_verb,criticized,,
"""


CLI_ATTRIBUTION = """\
term,category,neutral,note,not_before
said,report,,,
told,report,,,
claimed,distancing,said,,responsibility|the lives
so-called,distancing,,,
confirmed,endorsing,,,
reportedly,hedge,,,
could not be independently verified,unverified,,,
according to,sourcing,,,
"""


ARTICLES = {
    "outlet_a.txt": (
        "Puppet regime blamed for dam failure\n\n"
        "The puppet regime in Velmora slammed flood victims on Tuesday after the dam failed. "
        "Residents mourned the martyrs of the disaster. The ministry claimed that repairs had "
        "begun, but the figures could not be independently verified.\n"
    ),
    "outlet_b.txt": (
        "Dam fails near Velmora\n\n"
        "A dam failed near Velmora on Tuesday, officials said. An opposition leader told "
        "reporters: \"This puppet regime ignored every warning.\" The ministry said repairs "
        "had begun.\n"
    ),
    "outlet_c.txt": (
        "Velmora dam collapse floods valley\n\n"
        "The radical left blasted the government on Tuesday after a dam near Velmora failed. "
        "Engineers said the structure had been inspected in May. The government confirmed "
        "that repairs had begun.\n"
    ),
}


THINGS = ["bridge", "harbour", "clinic", "railway", "library"]


PLACES = ["Norvik", "Lamberg", "Kelso", "Arden"]


def _corpus() -> tuple[list[str], list[int]]:
    """40 labeled sentences: 20 framed (loaded terms), 20 neutral (plain reporting)."""
    framed_t = [
        "The puppet regime wrecked the {t} in {p}, and critics slammed the move.",
        "Freedom fighters defended the {t} in {p} against a brutal onslaught.",
        "The radical left blasted plans for the {t} in {p}.",
        "Martyrs fell at the {t} in {p}, activists claimed.",
        "So-called officials of the puppet regime seized the {t} in {p}.",
    ]
    neutral_t = [
        "Officials said the {t} in {p} would reopen next month.",
        "The council confirmed the budget for the {t} in {p}, a spokesperson said.",
        "Engineers inspected the {t} in {p} on Monday, according to the city.",
        "The {t} in {p} closed early because of rain, staff told reporters.",
        "Work on the {t} in {p} is due to finish in spring, the mayor said.",
    ]
    texts, labels = [], []
    for k, (t, p) in enumerate(itertools.islice(itertools.product(THINGS, PLACES), 20)):
        texts += [framed_t[k % 5].format(t=t, p=p), neutral_t[k % 5].format(t=t, p=p)]
        labels += [1, 0]
    return texts, labels


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@pytest.fixture(scope="session")
def cli_lexicons(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("cli_lexicons")
    (d / "loaded.csv").write_text(CLI_LOADED, encoding="utf-8")
    (d / "attribution.csv").write_text(CLI_ATTRIBUTION, encoding="utf-8")
    return [d / "loaded.csv", d / "attribution.csv"]


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, cli_lexicons) -> Path:
    texts, y = _corpus()
    model = framescore.train(texts, y, cv=0, ngrams=True, min_df=1,
                             lexicons=[str(p) for p in cli_lexicons])
    return model.save(tmp_path_factory.mktemp("cli_model") / "tiny")


@pytest.fixture(scope="session")
def model(model_dir):
    return framescore.load(model_dir)


@pytest.fixture(scope="session")
def articles(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("articles")
    out = {}
    for name, text in ARTICLES.items():
        (d / name).write_text(text, encoding="utf-8")
        out[name] = d / name
    return out


@pytest.fixture(scope="session")
def labeled_csv(tmp_path_factory) -> Path:
    texts, y = _corpus()
    rows = [{"sentence": t, "label": "framed" if v else "plain", "outlet": f"o{k % 4}"}
            for k, (t, v) in enumerate(zip(texts, y, strict=True))]
    rows += [{"sentence": "Nobody agreed on the label of this row.", "label": "unsure",
              "outlet": "o1"},
             {"sentence": "", "label": "framed", "outlet": "o2"}]
    path = tmp_path_factory.mktemp("labeled") / "labeled.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"FRAMESCORE_MODEL": None, "FRAMESCORE_DEBUG": None, "NO_COLOR": None})


def _no_constants(name: str):
    raise AssertionError(f"not JSON: {name}")


def jsonl(text: str) -> list[dict]:
    """Parse JSON lines strictly (NaN or Infinity fail)."""
    return [json.loads(line, parse_constant=_no_constants)
            for line in text.splitlines() if line.strip()]


def write_csv(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def cli_trained(tmp_path_factory, labeled_csv) -> Path:
    """A model trained through the command line (so its manifest names its training data),
    under a umask of 027."""
    out = tmp_path_factory.mktemp("cli_trained") / "mine"
    old = os.umask(0o027)
    try:
        invoke(CliRunner(), ["train", labeled_csv, "--text-col", "sentence", "--positive",
                             "framed", "--negative", "plain", "--cv", "0", "-o", out])
    finally:
        os.umask(old)
    return out
