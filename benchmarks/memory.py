"""Peak memory of ``framescore score`` on JSONL input: 100,000 vs 1,000,000 BABE sentences.

Each run is a fresh process (``framescore score INPUT.jsonl -o OUT.jsonl``); its peak
resident set size is read with ``getrusage(RUSAGE_CHILDREN)`` in a parent made for that run
alone, so one run's peak cannot hide another's. A one-record run shows the baseline (Python,
libraries and the loaded model).

    python benchmarks/memory.py [--sizes 1 100000 1000000] [-- extra score options]
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

TARGET_MB = 400

#: Runs one command and prints its peak RSS in kB (Linux reports ru_maxrss in kB).
_MEASURE = ("import resource, subprocess, sys\n"
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def write_jsonl(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for t in texts:
            f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")


def peak_rss(command: list[str]) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of ``command`` run to completion."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], check=True,
                         capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024, time.perf_counter() - start


def run(args: argparse.Namespace) -> str:
    started = machine()  # the time and load average before the run
    framescore_cmd = shutil.which("framescore") or sys.exit("framescore is not on PATH")
    texts, _ = babe()
    rows = []
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            src, dst = Path(tmp) / f"in_{n}.jsonl", Path(tmp) / f"out_{n}.jsonl"
            write_jsonl(src, replicate(texts, n))
            mb = src.stat().st_size / 1e6
            command = [framescore_cmd, "score", str(src), "-o", str(dst), *args.score_options]
            peak, wall = peak_rss(command)
            peaks[n] = peak
            with dst.open(encoding="utf-8") as f:
                records = sum(1 for _ in f)
            rows.append([f"{n:,}", f"{mb:.1f}", f"{records:,}", f"{wall:.1f}",
                         f"{n / wall:,.0f}", f"**{peak:.0f}**"])
            src.unlink()
            dst.unlink()
    largest = max(args.sizes)
    verdict = "met" if peaks[largest] < TARGET_MB else "not met"
    options = " ".join(args.score_options)
    header = ["sentences", "input MB", "records out", "wall (s)", "sentences/s",
              "peak RSS (MB)"]
    return "\n".join([
        "### Memory",
        "",
        started,
        "",
        f"`python benchmarks/memory.py --sizes {' '.join(map(str, args.sizes))}"
        f"{' -- ' + options if options else ''}`: `framescore score INPUT.jsonl -o OUT.jsonl"
        f"{' ' + options if options else ''}`, BABE sentences replicated",
        "",
        table(header, rows),
        "",
        f"Peak RSS on {largest:,} sentences: **{peaks[largest]:.0f} MB** "
        f"(target < {TARGET_MB} MB: {verdict})",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100_000, 1_000_000],
                        help="numbers of sentences to score, one run each")
    parser.add_argument("score_options", nargs="*",
                        help="options passed on to framescore score (after --)")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
