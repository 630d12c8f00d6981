"""Attribution precision: framescore's attribution patterns and scare quotes against a
hand-labelled set of news-style sentences (tests/data/attribution_sentences.csv).

Each row of the set lists every attribution match its sentence should have, as
``type:surface`` (``report:said|distancing:claimed``), and how many scare quotes it has. The
script runs the matcher (the model's ``features.analyze(text).spans``: ``attribution:<type>``
and ``scare_quotes`` spans) over every sentence and prints, per attribution type, the micro
counts of matching ``type:surface`` pairs (surface lowercased) with precision and recall, and
the same for scare quotes (counted per sentence).

    python benchmarks/attribution.py [--model DIR | --lexicons] [--errors] [--check]

``--model`` scores with that model directory's features (default: the shipped model, whose
lexicon is the copy it was trained with); ``--lexicons`` instead fits the features on the
lexicon files shipped in data/lexicons (the lexicon the next trained model will
carry). ``--errors`` lists every missed and spurious match. ``--check`` exits with status 1
when any precision or recall is below ``--min`` (0.9).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "attribution_sentences.csv"
SCARE = "scare_quotes"


def read_set(path: Path = DATA) -> list[dict]:
    """The rows of the set, each with ``expected`` as a Counter of (type, surface) pairs."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        pairs = [p.split(":", 1) for p in row["expected"].split("|") if p.strip()]
        row["expected"] = Counter((t.strip(), s.strip().lower()) for t, s in pairs)
        row["scare_quotes"] = int(row["scare_quotes"] or 0)
    return rows


def found_in(features, text: str) -> tuple[Counter, int]:
    """The attribution matches of ``text`` as a Counter of (type, surface lowercased), and its
    number of scare quotes."""
    spans = features.analyze(text).spans
    pairs = Counter((s.feature.split(":", 1)[1], s.text.lower()) for s in spans
                    if s.feature.startswith("attribution:"))
    return pairs, sum(s.feature == SCARE for s in spans)


def evaluate(features, rows: list[dict]) -> tuple[dict[str, Counter], list[str]]:
    """Per type (and ``scare_quotes``): Counter of ``expected``, ``found``, ``tp``; and a line
    for every sentence where the matcher and the set disagree."""
    from framescore.lexicon import ATTRIBUTION_TYPES

    counts = {t: Counter() for t in (*ATTRIBUTION_TYPES, SCARE)}
    errors = []
    for row in rows:
        found, scare = found_in(features, row["text"])
        expected = row["expected"]
        for (kind, _), n in expected.items():
            counts.setdefault(kind, Counter())["expected"] += n
        for (kind, _), n in found.items():
            counts.setdefault(kind, Counter())["found"] += n
        for (kind, _), n in (expected & found).items():
            counts[kind]["tp"] += n
        counts[SCARE]["expected"] += row["scare_quotes"]
        counts[SCARE]["found"] += scare
        counts[SCARE]["tp"] += min(row["scare_quotes"], scare)
        missed, spurious = expected - found, found - expected
        if missed or spurious or scare != row["scare_quotes"]:
            parts = [f"missed {fmt(missed)}" if missed else "",
                     f"spurious {fmt(spurious)}" if spurious else "",
                     f"scare quotes {scare}, expected {row['scare_quotes']}"
                     if scare != row["scare_quotes"] else ""]
            errors.append(f"{row['id']}: {'; '.join(p for p in parts if p)} | {row['text']}")
    return counts, errors


def fmt(pairs: Counter) -> str:
    return ", ".join(f"{t}:{s}" + (f" ×{n}" if n > 1 else "") for (t, s), n in pairs.items())


def ratios(c: Counter) -> tuple[float | None, float | None]:
    """Precision and recall (None where nothing was found / expected)."""
    precision = c["tp"] / c["found"] if c["found"] else None
    recall = c["tp"] / c["expected"] if c["expected"] else None
    return precision, recall


def table(counts: dict[str, Counter]) -> str:
    def pct(x):
        return "—" if x is None else f"{x:.3f}"

    lines = ["| type | expected | found | correct | precision | recall |",
             "|---|---:|---:|---:|---:|---:|"]
    total = Counter()
    for kind, c in counts.items():
        if kind != SCARE:
            total.update(c)
    for kind, c in [*counts.items(), ("all attribution (micro)", total)]:
        p, r = ratios(c)
        lines.append(f"| {kind} | {c['expected']} | {c['found']} | {c['tp']} | {pct(p)} | "
                     f"{pct(r)} |")
    return "\n".join(lines)


def features_for(args):
    if args.lexicons:
        from framescore import FramingFeatures

        return FramingFeatures().fit([""]), "the lexicon files in data/lexicons"
    import framescore

    return framescore.load(args.model).features, args.model or "the shipped model"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the labelled sentences (CSV)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--model", help="model directory (default: the shipped model)")
    source.add_argument("--lexicons", action="store_true",
                        help="fit on the shipped lexicon files instead of a model's copy")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a precision or recall is below --min")
    parser.add_argument("--min", type=float, default=0.9, help="threshold for --check (0.9)")
    args = parser.parse_args(argv)

    rows = read_set(args.data)
    features, source_name = features_for(args)
    counts, errors = evaluate(features, rows)
    print(f"`python benchmarks/attribution.py{' ' if argv or sys.argv[1:] else ''}"
          f"{' '.join(argv if argv is not None else sys.argv[1:])}`: {len(rows)} sentences "
          f"({args.data.name}), matcher of {source_name}\n")
    print(table(counts))
    if args.errors and errors:
        print("\nDisagreements:\n")
        print("\n".join(f"- {e}" for e in errors))
    if args.check:
        low = [f"{kind} {name} {value:.3f}" for kind, c in counts.items()
               for name, value in zip(("precision", "recall"), ratios(c), strict=True)
               if value is not None and value < args.min]
        if low:
            print(f"\nbelow {args.min}: {', '.join(low)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
