"""Start-up: of ``framescore --help`` against ``python -c "import click"``, and of a command
that loads the model, with the model file format's share of it.

Times ``framescore --help`` (Python, click and the CLI, no model: the command modules import
scikit-learn, pandas and NLTK only inside their functions) against ``python -c "import
click"`` (the floor any click program pays) and prints the ratio (target: at most 3×); and a
one-record ``framescore score`` with the shipped model (``model.json``, plain data) against
the same command with the same model written as a ``framescore-model/1`` directory
(``pipeline.skops``, read with skops: the first model format; made in this run). The commands
run in turns, ``--repeat`` times each, so that a slow spell of a shared machine falls on all
of them; the scores the two model directories give must be identical.

    python benchmarks/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, table

#: ``framescore --help`` may take at most this many times ``python -c "import click"``.
HELP_TARGET = 3.0


def skops_copy(target: Path) -> Path:
    """The shipped model as a framescore-model/1 directory (pipeline.skops)."""
    import skops.io as sio

    import framescore
    from framescore.persist import sha256_file

    model = framescore.load()
    target.mkdir()
    sio.dump(model.pipeline, target / "pipeline.skops")
    manifest = {**model.manifest, "format": "framescore-model/1",
                "files": {"pipeline.skops": sha256_file(target / "pipeline.skops")}}
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return target


def run(args: argparse.Namespace) -> str:
    started = machine()
    framescore_cmd = shutil.which("framescore") or sys.exit("framescore is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "one.txt"
        article.write_text("The council said it met on Monday.\n", encoding="utf-8")
        old = skops_copy(Path(tmp) / "v1")
        commands = {
            '`python -c "import click"`': [sys.executable, "-c", "import click"],
            "`framescore --help` (no model)": [framescore_cmd, "--help"],
            "one-record `score`, model.json": [framescore_cmd, "score", str(article)],
            "one-record `score`, pipeline.skops": [framescore_cmd, "score", str(article),
                                                    "--model", str(old)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        outputs: dict[str, bytes] = {}
        for _ in range(args.repeat):
            for name, command in commands.items():
                start = time.perf_counter()
                proc = subprocess.run(command, capture_output=True)
                times[name].append(time.perf_counter() - start)
                if proc.returncode:
                    sys.exit(f"{name} failed: {proc.stderr.decode()}")
                outputs[name] = proc.stdout
    names = list(commands)
    click_only, help_, new, old = names
    identical = outputs[new] == outputs[old]
    median = {name: statistics.median(t) for name, t in times.items()}
    rows = [[name, f"{median[name]:.2f}", f"{min(t):.2f}–{max(t):.2f}"]
            for name, t in times.items()]
    return "\n".join([
        "### Start-up",
        "",
        started,
        "",
        f"`python benchmarks/startup.py --repeat {args.repeat}`: wall time of each command, "
        f"{args.repeat} runs in turns",
        "",
        table(["command", "median (s)", "range (s)"], rows),
        "",
        f"`framescore --help` / `import click`: **{median[help_] / median[click_only]:.2f}×** "
        f"(medians; target ≤ {HELP_TARGET:g}×: "
        f"{'met' if median[help_] <= HELP_TARGET * median[click_only] else 'not met'}).",
        "",
        f"model.json / pipeline.skops: **{median[new] / median[old]:.2f}×** the "
        f"start-up (medians); {median[old] - median[new]:.2f} s saved per command; "
        f"scores identical: **{'yes' if identical else 'NO'}**.",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each, in turns")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
