"""Cost of a larger lexicon: the shipped lexicons vs the same plus nine times as many
synthetic terms (a lexicon ten times larger), on the same BABE sentences.

The synthetic terms are built from BABE's own vocabulary, so that they occur in the texts
and make the matcher work: rare single words, and two- and three-word phrases starting with
common words (each such token becomes a candidate start). The table counts the spans each
lexicon finds, since time grows with the number of matches (features produced), not with
the number of terms.
Both transformers compute the lexicon features only (``FramingFeatures()`` defaults: no
n-gram block), so the ratio isolates segmentation plus matching.

The two are timed as ``throughput.py`` times framescore against its reference: on each of
``--parts`` slices of the batch, one right after the other, in ``--repeat`` passes; the
verdict uses the median of the slice pairs' ratios, which a change in the machine's speed
moves less than the ratio of two best passes taken seconds to minutes apart.

    python benchmarks/lexicon_size.py [--scale 0.1] [--repeat 3] [--parts 10]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import tempfile
from collections import Counter
from itertools import chain
from pathlib import Path

from _common import babe, machine, megabytes, paired_runs, quartiles, replicate, table

from framescore import FramingFeatures
from framescore.lexicon import default_paths, load_entries, stem_words

TARGET = 1.2


def synthetic_terms(texts: list[str], n: int, taken: set[tuple[str, ...]],
                    seed: int = 0) -> list[str]:
    """``n`` new terms from the words of ``texts``, shaped like a large framing lexicon: up to a
    third single words (BABE's rare words: two occurrences or fewer, all forms of a stem
    together), the rest two- and three-word phrases that start with one of its 300 commonest
    words (so many tokens are candidate starts, though few phrases match in full)."""
    rng = random.Random(seed)
    counts = Counter(w for t in texts for w in re.findall(r"[a-z]+", t.lower()) if len(w) > 2)
    words = sorted(counts)
    stem_counts = Counter()
    for w in words:
        stem_counts[stem_words(w)] += counts[w]
    rare = [w for w in words if stem_counts[stem_words(w)] <= 2]
    rng.shuffle(rare)
    common = [w for w, _ in counts.most_common(300)]
    phrases = (" ".join([rng.choice(common), *rng.sample(words, rng.choice([1, 2]))])
               for _ in iter(int, 1))  # endless
    terms: list[str] = []
    seen = set(taken)
    for candidate in chain(rare, phrases):
        if len(terms) == n:
            break
        key = stem_words(candidate)
        if key not in seen and (len(key) > 1 or len(terms) < n // 3):
            seen.add(key)
            terms.append(candidate)
    return terms


def run(args: argparse.Namespace) -> str:
    started = machine()  # the time and load average before the run
    texts, _ = babe()
    batch = replicate(texts, int(100_000 * args.scale))
    shipped = [e for p in default_paths() for e in load_entries(p)]
    taken = {e.key for e in shipped}
    extra = synthetic_terms(texts, 9 * len(shipped), taken)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["term", "category"])
            writer.writerows([term, "synthetic"] for term in extra)
        small = FramingFeatures().fit(texts)
        large = FramingFeatures(extra_lexicons=[path]).fit(texts)
        n_small, n_large = len(small.lexicon.entries), len(large.lexicon.entries)
        rows = []
        lexicons = {"shipped": small, "10× larger": large}
        for ff in lexicons.values():
            ff.transform(batch[:2000])
        best_large, best_small, pairs = paired_runs(large.transform, small.transform, batch,
                                                    args.parts, args.repeat)
        times = {"shipped": best_small, "10× larger": best_large}
        for name, ff in lexicons.items():
            matched = sum(len(ff.spans(t)) for t in texts[:1000])
            rows.append([name, f"{len(ff.lexicon.entries):,}", f"{matched:,}",
                         f"{times[name]:.2f}", f"{len(batch) / times[name]:,.0f}"])
    q1, ratio, q3 = quartiles(pairs)
    header = ["lexicon", "terms", "spans in 1,000 BABE sentences", "transform (s)",
              "sentences/s"]
    return "\n".join([
        "### Lexicon size",
        "",
        started,
        "",
        f"`python benchmarks/lexicon_size.py --scale {args.scale} --repeat {args.repeat} "
        f"--parts {args.parts}`: {len(batch):,} BABE sentences ({megabytes(batch):.1f} MB), "
        f"`FramingFeatures.transform`, {args.repeat} passes over {args.parts} slices, the "
        "two lexicons one after the other on each slice (times: the best pass of each); "
        f"{n_large - n_small:,} synthetic terms from BABE's vocabulary",
        "",
        table(header, rows),
        "",
        f"Ratio, the median of the {len(pairs)} slice pairs: **{ratio:.2f}×** (quartiles "
        f"{q1:.2f}–{q3:.2f}; of the best passes: "
        f"{times['10× larger'] / times['shipped']:.2f}×) "
        f"(target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'not met'})",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the default size (100k sentences)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the batch")
    parser.add_argument("--parts", type=int, default=10, help="slices of the batch")
    print(run(parser.parse_args()))


if __name__ == "__main__":
    main()
