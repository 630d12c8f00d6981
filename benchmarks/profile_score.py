"""Where scoring spends its time: pyinstrument's call tree of ``FramingModel.score`` on 20,000
BABE sentences (after a warm-up on 2,000), or on ``--articles N`` articles of 30 of them
(after a warm-up on 70), and of ``explain`` on 1,000 sentences.

    python benchmarks/profile_score.py [--what score|explain] [--articles 700] [--depth 14]
"""

from __future__ import annotations

import argparse

from _common import articles, babe, machine, replicate
from pyinstrument import Profiler

import framescore
from framescore.explain import explain


def run(args: argparse.Namespace) -> str:
    started = machine()  # the time and load average before the run
    texts, _ = babe()
    batch = replicate(texts, 20_000)
    model = framescore.load()
    model.score(batch[:2000])
    for t in batch[:200]:
        explain(model, t, counterfactuals=False)
    if args.articles:
        batch = articles(texts, args.articles)
        model.score(batch[:70])
    profiler = Profiler(interval=0.0005)
    with profiler:
        if args.what == "score":
            model.score(batch)
        else:
            for t in batch[:1000]:
                explain(model, t, counterfactuals=False)
    tree = profiler.output_text(unicode=True, color=False, show_all=False)
    lines = [line for line in tree.splitlines()
             if len(line) - len(line.lstrip(" │├└─")) <= 3 * args.depth]
    command = f"python benchmarks/profile_score.py --what {args.what}" + (
        f" --articles {args.articles}" if args.articles else "")
    return "\n".join([f"`{command}` · {started}",
                      "", "```", *lines, "```"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--what", choices=["score", "explain"], default="score")
    parser.add_argument("--articles", type=int, default=0,
                        help="score this many articles of 30 sentences instead (with --what score)")
    parser.add_argument("--depth", type=int, default=14, help="deepest level of the tree shown")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
