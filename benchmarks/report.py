"""``framescore report`` against ``framescore score`` on the same sentences: time and peak memory.

The input is BABE sentences (replicated to ``--sentences``), one JSONL record each, spread over
``--groups`` outlets and a year of dates. Each run is a fresh process; its peak resident set
size is read with ``getrusage(RUSAGE_CHILDREN)`` in a parent made for that run alone (as
``memory.py`` does). The two commands run in turns, ``--repeat`` times each, so that a slow
spell of a shared machine falls on both; the ratios compare the best wall time of each and
the largest peak of each, measured in the same run. The CPU time (user + system, of the
process and its children) is printed too: on a machine that other jobs share, it is steadier
than the wall time, which the target is about.

    python benchmarks/report.py [--sentences 100000] [--groups 20] [--repeat 2] [-j 1]

Targets (issue 24): report ≤ 1.3× the time of score, peak RSS within 10%.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import babe, machine, replicate, table

TIME_TARGET = 1.3
RSS_TARGET = 1.10

#: Runs one command and prints its peak RSS in kB (Linux reports ru_maxrss in kB) and its
#: CPU seconds (user + system).
_MEASURE = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(u.ru_maxrss, u.ru_utime + u.ru_stime)\n")


def write_input(path: Path, texts: list[str], groups: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for k, t in enumerate(texts):
            record = {"text": t, "outlet": f"Outlet {k % groups:02d}",
                      "date": f"2025-{1 + (k // groups) % 12:02d}-{1 + k % 28:02d}"}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def measure(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of ``command`` run to completion."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], check=True,
                         capture_output=True, text=True)
    wall = time.perf_counter() - start
    rss, cpu = out.stdout.split()[-2:]
    return wall, int(rss) / 1024, float(cpu)


def run(args: argparse.Namespace) -> str:
    started = machine()
    exe = shutil.which("framescore") or sys.exit("framescore is not on PATH")
    texts, _ = babe()
    jobs = ["-j", str(args.jobs)] if args.jobs > 1 else []
    results: dict[str, list[tuple[float, float, float]]] = {"score": [], "report": []}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input.jsonl"
        write_input(src, replicate(texts, args.sentences), args.groups)
        mb = src.stat().st_size / 1e6
        for turn in range(args.repeat):  # each run writes a new output, as the first does
            commands = {
                "score": [exe, "-q", "score", str(src), "-o",
                          str(Path(tmp) / f"scores{turn}.jsonl"), *jobs],
                "report": [exe, "-q", "report", str(src), "--group-col", "outlet", "-o",
                           str(Path(tmp) / f"report{turn}"), *jobs],
            }
            for name, command in commands.items():
                results[name].append(measure(command))
        with (Path(tmp) / "report0" / "report.json").open(encoding="utf-8") as f:
            counts = json.load(f)["counts"]
    best = {name: min(w for w, _, _ in runs) for name, runs in results.items()}
    peak = {name: max(p for _, p, _ in runs) for name, runs in results.items()}
    cpu = {name: min(c for _, _, c in runs) for name, runs in results.items()}
    time_ratio = best["report"] / best["score"]
    rss_ratio = peak["report"] / peak["score"]
    rows = [[name, ", ".join(f"{w:.1f}" for w, _, _ in runs), f"**{best[name]:.1f}**",
             f"{args.sentences / best[name]:,.0f}", ", ".join(f"{p:.0f}" for _, p, _ in runs),
             f"**{peak[name]:.0f}**", f"{cpu[name]:.1f}"] for name, runs in results.items()]
    verdict_t = "met" if time_ratio <= TIME_TARGET else "not met"
    verdict_m = "met" if rss_ratio <= RSS_TARGET else "not met"
    command = (f"python benchmarks/report.py --sentences {args.sentences} --groups "
               f"{args.groups} --repeat {args.repeat}"
               + (f" -j {args.jobs}" if args.jobs > 1 else ""))
    return "\n".join([
        "### Corpus report against scoring",
        "",
        started,
        "",
        f"`{command}`: `framescore score INPUT.jsonl -o OUT.jsonl` and `framescore report "
        f"INPUT.jsonl --group-col outlet -o DIR` on {args.sentences:,} BABE sentences "
        f"({mb:.1f} MB, {args.groups} outlets; the report: {counts['groups']} groups, "
        f"{counts['spans']:,} spans), in turns, fresh processes",
        "",
        table(["command", "wall (s), each run", "best (s)", "sentences/s",
               "peak RSS (MB), each run", "largest peak (MB)", "CPU (s), least"], rows),
        "",
        f"report / score: time **{time_ratio:.2f}×** (target ≤ {TIME_TARGET}×: {verdict_t}), "
        f"peak RSS **{rss_ratio:.2f}×** (target ≤ {RSS_TARGET:.2f}×: {verdict_m}); CPU time "
        f"{cpu['report'] / cpu['score']:.2f}×",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000,
                        help="sentences (one record each) in the input")
    parser.add_argument("--groups", type=int, default=20, help="outlets they are spread over")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="-j of both commands")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
