"""Scale-up on one machine: ``framescore score -j 2`` vs ``-j 1`` on a large JSONL input.

Both score the same BABE sentences (replicated) from the same file; the outputs must be
byte-identical. Wall times include start-up (loading the model, and with ``-j 2`` starting the
worker processes). The runs are repeated ``--repeat`` times in turns (one of each, then
again), so that a slow spell of a shared machine falls on all of them; the speed-up compares
the best run of each, and is also given turn by turn (each turn's runs one after the other).

The machine's own ceiling is measured in the same turns: ``--jobs`` separate ``-j 1``
processes started together, each on the whole input. Their throughput over one ``-j 1``
run alone is what this many cores give this workload with nothing shared between the
processes; ``-j N`` falls short of it by what its parent process and the passing of chunks
cost.

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
        runs: dict[str, list[float]] = {f"-j {jobs}": [] for jobs in outputs}
        side = f"{args.jobs} × -j 1 side by side"
        runs[side] = []

        def command(jobs: int, out: Path) -> list[str]:
            return [framescore_cmd, "score", str(src), "-o", str(out), "-j", str(jobs)]

        def timed(name: str, commands: list[list[str]]) -> None:
            start = time.perf_counter()
            procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL) for c in commands]
            if any(p.wait() for p in procs):
                sys.exit(f"{name}: framescore failed")
            runs[name].append(time.perf_counter() - start)

        for _ in range(args.repeat):  # in turns: a run of each, then again
            for jobs, out in outputs.items():
                timed(f"-j {jobs}", [command(jobs, out)])
            timed(side, [command(1, Path(tmp) / f"side{k}.jsonl") for k in range(args.jobs)])
        best = {name: min(times) for name, times in runs.items()}
        identical = filecmp.cmp(outputs[1], outputs[args.jobs], shallow=False)
    one = best["-j 1"]
    speedup = one / best[f"-j {args.jobs}"]
    ceiling = args.jobs * one / best[side]
    # the same ratios turn by turn: runs next to each other share the machine's spell
    turns = [(t1 / tn, args.jobs * t1 / ts) for t1, tn, ts
             in zip(runs["-j 1"], runs[f"-j {args.jobs}"], runs[side], strict=True)]
    work = {name: args.sentences * (args.jobs if name == side else 1) for name in runs}
    rows = [[name, f"{best[name]:.1f}", ", ".join(f"{t:.1f}" for t in runs[name]),
             f"{work[name] / best[name]:,.0f}"] for name in runs]
    return "\n".join([
        "### Parallelism",
        "",
        started,
        "",
        f"`python benchmarks/parallel.py --sentences {args.sentences} --jobs {args.jobs} "
        f"--repeat {args.repeat}`: "
        f"`framescore score INPUT.jsonl -o OUT.jsonl -j N` on {args.sentences:,} BABE "
        f"sentences ({os.cpu_count()} CPUs), best of {args.repeat} runs in turns; the "
        f"side-by-side row is {args.jobs} `-j 1` processes started together, each on the "
        "whole input (its sentences/s counts all of them)",
        "",
        table(["run", "best wall (s)", "all runs (s)", "sentences/s"], rows),
        "",
        f"Speed-up: **{speedup:.2f}×** (target ≥ {TARGET}×: "
        f"{'met' if speedup >= TARGET else 'not met'}); outputs identical: "
        f"**{'yes' if identical else 'NO'}**. The machine's ceiling for {args.jobs} processes "
        f"of this workload (side by side, nothing shared): {ceiling:.2f}×. Turn by turn "
        "(speed-up / ceiling): " + ", ".join(f"{a:.2f}× / {b:.2f}×" for a, b in turns) + ".",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=500_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, in turns")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
