"""Throughput of scoring and of explanation, against a bare scikit-learn pipeline.

The reference, trained on BABE in the same run: ``TfidfVectorizer(ngram_range=(1, 2))`` +
``LogisticRegression``, scoring with ``predict_proba``. framescore: the shipped model,
``FramingModel.score`` (features + model) on the same texts in one batch;
``framescore.explain.explain_many`` (exact contributions, spans and sentence scores of the whole
batch, as tables) on the same texts; and ``framescore.explain.explain(model, text,
counterfactuals=False)`` one text at a time (what ``framescore explain`` does per file).

Workloads: BABE sentences replicated to 100,000 texts, and 10,000 articles of 30 BABE
sentences (paragraphs of three). Batch explanation runs on the same texts; explanation one
text at a time on 10,000 sentences and 500 articles. Timings are taken after a warm-up.
A batch is timed in ``--parts`` slices, framescore and the reference one right after the
other on each slice, in ``--repeat`` passes; the table gives each one's best pass, their
ratio, and the median (and quartiles) of the slice pairs' ratios, which the target is judged
on: a pair's two runs are seconds apart, so the drift of a shared machine's speed falls on
both. One text at a time: one run, the reference the best of three, in turns. The texts
repeat BABE's vocabulary, so framescore's stem memo is warm, as it soon is on any news corpus.

A second table compares one text at a time with the reference one text at a time
(``predict_proba([text])`` per text, which pays scikit-learn's cost per call as framescore
does): ``FramingModel.score([text])`` and ``explain`` on 2,000 sentences and 200 articles,
paired on slices as the batches are.

    python benchmarks/throughput.py [--scale 0.1] [--repeat 3] [--parts 10]
"""

from __future__ import annotations

import argparse

from _common import (
    SENTENCES_PER_ARTICLE,
    articles,
    babe,
    bare_pipeline,
    best_of_each,
    machine,
    megabytes,
    paired_runs,
    quartiles,
    replicate,
    table,
)

import framescore
from framescore.explain import explain, explain_many

TARGETS = {"scoring": 1.5, "explanation with spans, batch": 3.0,
           "explanation with spans, one text at a time": 3.0}


def run(args: argparse.Namespace) -> str:
    started = machine()  # the time and load average before the run
    texts, y = babe()
    bare = bare_pipeline(texts, y)
    model = framescore.load()
    n_sent, n_art = int(100_000 * args.scale), int(10_000 * args.scale)
    sentences, arts = replicate(texts, n_sent), articles(texts, n_art)
    one_at_a_time = "explanation with spans, one text at a time"
    workloads = [
        ("scoring", "sentences", sentences, 1),
        ("scoring", "articles", arts, SENTENCES_PER_ARTICLE),
        ("explanation with spans, batch", "sentences", sentences, 1),
        ("explanation with spans, batch", "articles", arts, SENTENCES_PER_ARTICLE),
        (one_at_a_time, "sentences", replicate(texts, n_sent // 10, seed=2), 1),
        (one_at_a_time, "articles", articles(texts, n_art // 20, seed=3),
         SENTENCES_PER_ARTICLE),
    ]
    rows = []
    for task, kind, batch, per_text in workloads:
        warm = batch[:2000]
        bare.predict_proba(warm)
        if task == "scoring":
            def job(texts):
                return model.score(texts)
        elif task == one_at_a_time:
            def job(texts):
                return [explain(model, t, counterfactuals=False) for t in texts]
        else:
            def job(texts):
                return explain_many(model, texts)
        job(warm[:200] if task == one_at_a_time else warm)
        if task == one_at_a_time:
            ours, ref = best_of_each([lambda b=batch: job(b),
                                      lambda b=batch: bare.predict_proba(b)], [1, 3])
            ratio, paired = ours / ref, "—"
        else:
            ours, ref, pairs = paired_runs(job, bare.predict_proba, batch, args.parts,
                                           args.repeat)
            q1, ratio, q3 = quartiles(pairs)
            paired = f"**{ratio:.2f}×** ({q1:.2f}–{q3:.2f})"
        n, mb = len(batch) * per_text, megabytes(batch)
        rows.append([f"{task}, {kind}", f"{len(batch):,}", f"{n:,}", f"{mb:.1f}",
                     f"{ref:.2f}", f"{ours:.2f}", f"{ours / ref:.2f}×", paired,
                     f"≤ {TARGETS[task]}× {'met' if ratio <= TARGETS[task] else 'not met'}",
                     f"{n / ref:,.0f}", f"{n / ours:,.0f}", f"{mb / ours:.2f}"])
    single_rows = one_text_at_a_time(args, model, bare, texts)
    header = ["workload", "texts", "sentences", "MB", "bare (s)", "framescore (s)",
              "ratio of best", "paired ratio: median (quartiles)", "target",
              "bare sentences/s", "framescore sentences/s", "framescore MB/s"]
    return "\n".join([
        "### Throughput",
        "",
        started,
        "",
        f"`python benchmarks/throughput.py --scale {args.scale} --repeat {args.repeat} "
        f"--parts {args.parts}` (after a warm-up; batches: {args.repeat} passes over "
        f"{args.parts} slices, framescore and the reference one after the other on each "
        "slice, best pass of each and the median of the slice pairs' ratios; one text at a "
        "time: one run, the reference best of 3, in turns)",
        "",
        table(header, rows),
        "",
        "One text at a time, against the reference one text at a time (`predict_proba([text])` "
        "per text; ms per text: the best pass of each; ratio: the median of the slice pairs, "
        "with quartiles):",
        "",
        table(["workload", "texts", "bare (ms per text)", "framescore (ms per text)",
               "paired ratio: median (quartiles)"], single_rows),
    ])


def one_text_at_a_time(args: argparse.Namespace, model, bare, texts: list[str]) -> list[list]:
    """Rows of the second table: ``score`` and ``explain`` called once per text, against
    the bare pipeline called once per text, paired on slices."""
    def bare_one(part):
        return [bare.predict_proba([t]) for t in part]

    jobs = {"scoring": lambda t: model.score([t]),
            "explanation with spans": lambda t: explain(model, t, counterfactuals=False)}
    batches = {"sentences": replicate(texts, int(2_000 * args.scale), seed=4),
               "articles": articles(texts, int(200 * args.scale), seed=5)}
    rows = []
    for kind, batch in batches.items():
        for task, job in jobs.items():
            for t in batch[:20]:  # warm-up
                job(t)
                bare_one([t])
            ours, ref, pairs = paired_runs(lambda part, job=job: [job(t) for t in part],
                                           bare_one, batch, args.parts, args.repeat)
            q1, ratio, q3 = quartiles(pairs)
            rows.append([f"{task}, {kind}", f"{len(batch):,}", f"{ref / len(batch) * 1e3:.2f}",
                         f"{ours / len(batch) * 1e3:.2f}", f"**{ratio:.2f}×** ({q1:.2f}–{q3:.2f})"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the default sizes (100k sentences, 10k articles)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over each batch")
    parser.add_argument("--parts", type=int, default=10,
                        help="slices of each batch, each timed in a pair")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
