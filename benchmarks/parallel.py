"""Scale-up on one machine: ``framescore score -j 2`` vs ``-j 1`` on a large JSONL input.

Both score the same BABE sentences (replicated) from the same file; the outputs must be
byte-identical. Wall times include start-up (loading the model, and with ``-j 2`` starting the
worker processes, each of which loads it too). The two are run ``--repeat`` times in turns (a
run of each, then again), so that a slow spell of a shared machine falls on both; the
speed-up compares the best run of each.

    python benchmarks/parallel.py [--sentences 500000] [--jobs 2] [--repeat 2]
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


def run(args: argparse.Namespace) -> str:
    started = machine()  # the time and load average before the run
    framescore_cmd = shutil.which("framescore") or sys.exit("framescore is not on PATH")
    texts, _ = babe()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        write_jsonl(src, replicate(texts, args.sentences))
        outputs = {jobs: Path(tmp) / f"out_j{jobs}.jsonl" for jobs in (1, args.jobs)}
        runs: dict[int, list[float]] = {jobs: [] for jobs in outputs}

        def job(jobs: int) -> None:
            start = time.perf_counter()
            subprocess.run([framescore_cmd, "score", str(src), "-o", str(outputs[jobs]),
                            "-j", str(jobs)], check=True, stdout=subprocess.DEVNULL)
            runs[jobs].append(time.perf_counter() - start)

        for _ in range(args.repeat):  # in turns: a run of each, then again
            for jobs in outputs:
                job(jobs)
        best = {jobs: min(times) for jobs, times in runs.items()}
        identical = filecmp.cmp(outputs[1], outputs[args.jobs], shallow=False)
    speedup = best[1] / best[args.jobs]
    rows = [[f"-j {jobs}", f"{best[jobs]:.1f}", ", ".join(f"{t:.1f}" for t in runs[jobs]),
             f"{args.sentences / best[jobs]:,.0f}"] for jobs in outputs]
    return "\n".join([
        "### Parallelism",
        "",
        started,
        "",
        f"`python benchmarks/parallel.py --sentences {args.sentences} --jobs {args.jobs} "
        f"--repeat {args.repeat}`: "
        f"`framescore score INPUT.jsonl -o OUT.jsonl -j N` on {args.sentences:,} BABE "
        f"sentences ({os.cpu_count()} CPUs), best of {args.repeat} runs in turns",
        "",
        table(["run", "best wall (s)", "all runs (s)", "sentences/s"], rows),
        "",
        f"Speed-up: **{speedup:.2f}×** (target ≥ {TARGET}×: "
        f"{'met' if speedup >= TARGET else 'not met'}); outputs identical: "
        f"**{'yes' if identical else 'NO'}**",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, in turns")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
