"""Instruction counts of scoring, for comparing two versions of framescore exactly.

Run it under callgrind twice per version, with and without the timed calls; the difference,
divided by 6,000 (two calls on 3,000 sentences), is the instructions per sentence of
``FramingModel.score`` (deterministic, unlike wall time on a shared machine):

    valgrind --tool=callgrind python benchmarks/instructions.py --calls 2
    valgrind --tool=callgrind python benchmarks/instructions.py --calls 0
    PYTHONPATH=<checkout of another commit>/src valgrind --tool=callgrind ... (the same two)

The script loads the shipped model, replicates BABE to 3,000 sentences, scores 200 of them
to warm up, then scores all 3,000 ``--calls`` times. With ``--articles 100`` it scores 100
articles of 30 BABE sentences instead (3,000 sentences too), after a warm-up on 7 of them.
"""

from __future__ import annotations

import argparse

from _common import ROOT, articles, babe, replicate

import framescore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--articles", type=int, default=0,
                        help="score this many articles of 30 sentences instead of sentences")
    args = parser.parse_args()
    texts, _ = babe()
    model = framescore.load(ROOT / "models" / "default")
    if args.articles:
        batch = articles(texts, args.articles)
        model.score(batch[:7])
    else:
        batch = replicate(texts, args.sentences)
        model.score(batch[:200])
    for _ in range(args.calls):
        model.score(batch)


if __name__ == "__main__":
    main()
