"""Scale-up on one machine: ``framescore score -j 2`` vs ``-j 1`` on a large JSONL input.

Both runs score the same BABE sentences (replicated) from the same file; the outputs must be
byte-identical. Wall times include start-up (loading the model, and with ``-j 2`` starting the
worker processes, each of which loads it too).

    python benchmarks/parallel.py [--sentences 500000] [--jobs 2]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import babe, machine, replicate, table
from memory import write_jsonl

TARGET = 1.7


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(args: argparse.Namespace) -> str:
    started = machine()  # the time and load average before the run
    framescore_cmd = shutil.which("framescore") or sys.exit("framescore is not on PATH")
    texts, _ = babe()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        write_jsonl(src, replicate(texts, args.sentences))
        outputs, times = {}, {}
        for jobs in (1, args.jobs):
            outputs[jobs] = Path(tmp) / f"out_j{jobs}.jsonl"
            times[jobs] = wall([framescore_cmd, "score", str(src), "-o", str(outputs[jobs]),
                                "-j", str(jobs)])
        identical = filecmp.cmp(outputs[1], outputs[args.jobs], shallow=False)
    speedup = times[1] / times[args.jobs]
    rows = [[f"-j {jobs}", f"{times[jobs]:.1f}", f"{args.sentences / times[jobs]:,.0f}"]
            for jobs in (1, args.jobs)]
    return "\n".join([
        "### Parallelism",
        "",
        started,
        "",
        f"`python benchmarks/parallel.py --sentences {args.sentences} --jobs {args.jobs}`: "
        f"`framescore score INPUT.jsonl -o OUT.jsonl -j N` on {args.sentences:,} BABE "
        f"sentences ({os.cpu_count()} CPUs)",
        "",
        table(["run", "wall (s)", "sentences/s"], rows),
        "",
        f"Speed-up: **{speedup:.2f}×** (target ≥ {TARGET}×: "
        f"{'met' if speedup >= TARGET else 'not met'}); outputs identical: "
        f"**{'yes' if identical else 'NO'}**",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500_000)
    parser.add_argument("--jobs", type=int, default=2)
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
