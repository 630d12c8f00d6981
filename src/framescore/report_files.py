"""The corpus report's files: the page, the CSV tables, report.json and the explanation pages
of the most and least framed articles (:func:`write_report`).

``articles.csv`` is written while the corpus is read
(:class:`framescore.corpus_report.CorpusReport`); the rest, from its result, here. The most
and least framed articles of each group get the existing explanation page
(:func:`framescore.render.render_html`) in ``articles/``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from datetime import UTC, datetime
from html import escape as esc
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .corpus_report import ReportResult
from .persist import sha256_file
from .report_page import article_key, render_page

FORMAT = "framescore-report/1"
REPORT_FILE = "report.json"
_CSV_ROWS = 5000  # rows of a CSV table written at a time


def write_report(directory: str | Path, result: ReportResult, model, *,
                 command: str | None = None, inputs: list[str] | None = None,
                 title: str = "framescore corpus report", top_terms: int = 30) -> list[Path]:
    """Write the report's files into ``directory`` (which must exist): ``index.html``,
    ``groups.csv``, ``terms.csv``, ``adopted.csv``, ``timeline.csv`` (with times),
    ``report.json`` and ``articles/*.html``; ``articles.csv`` is written while the corpus
    is read (:class:`framescore.corpus_report.CorpusReport`). Returns the paths written."""
    out = Path(directory)
    written: list[Path] = []
    pages = _article_pages(out, result, model)
    written += pages.values()
    groups = result.groups
    if "rank" in groups:
        groups = groups[["rank", *[c for c in groups.columns if c != "rank"]]]
    write_csv(out / "groups.csv", groups)
    write_csv(out / "terms.csv", result.terms)
    write_csv(out / "adopted.csv", result.adopted)
    written += [out / "groups.csv", out / "terms.csv", out / "adopted.csv"]
    if result.timeline is not None:
        write_csv(out / "timeline.csv", result.timeline)
        written.append(out / "timeline.csv")
    info = report_info(result, model, command=command, inputs=inputs)
    page = render_page(result, info, pages={k: p.name for k, p in pages.items()},
                       title=title, top_terms=top_terms)
    (out / "index.html").write_text(page, encoding="utf-8")
    written.append(out / "index.html")
    info["files"] = sorted(str(p.relative_to(out)) for p in written if p.parent == out)
    info["files"] += ["articles.csv", REPORT_FILE]
    (out / REPORT_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False,
                                              default=_plain) + "\n", encoding="utf-8")
    written.append(out / REPORT_FILE)
    return written


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """``frame`` as CSV, as pandas writes it (``to_csv(index=False)``, lines ending in "\\n"),
    a few thousand rows at a time, through the standard library's writer (no copy of a
    large table as text in memory): missing values empty, the lists of adopted labels
    joined with "; "."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(frame.columns)
        for start in range(0, len(frame), _CSV_ROWS):
            block = frame.iloc[start:start + _CSV_ROWS]
            columns = []
            for name in frame.columns:
                values = block[name].tolist()
                if name in ("attributed_by", "also_adopted_by"):
                    values = ["; ".join(map(str, v)) for v in values]
                elif not (isinstance(block[name].dtype, np.dtype)
                          and block[name].dtype.kind in "iub"):  # may hold NaN, None or NA
                    values = ["" if v is None or v is pd.NA or v != v else v for v in values]
                columns.append(values)
            out.writerows(zip(*columns, strict=True))


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)


def _finite(x: float) -> float | None:
    """A number for JSON: NaN (unknown, e.g. a rate without words) as null."""
    return None if x is None or x != x else x


def report_info(result: ReportResult, model, *, command: str | None = None,
                inputs: list[str] | None = None) -> dict:
    """What ``report.json`` holds: how to trace the report to its run (model and lexicon
    hashes, command, input files with their SHA-256) and its counts."""
    manifest = getattr(model, "manifest", {}) or {}
    files = []
    for path in inputs or []:
        p = Path(path)
        if p.is_file():
            files.append({"path": str(path), "bytes": p.stat().st_size,
                          "sha256": sha256_file(p)})
    groups = result.groups
    return {
        "format": FORMAT,
        "framescore_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command if command is not None else " ".join(sys.argv),
        "model": {
            "path": str(getattr(model, "path", "") or ""),
            "format": manifest.get("format"),
            "files": manifest.get("files", {}),
            "lexicons": manifest.get("lexicons", {}),
            "threshold": result.threshold,
            "created": manifest.get("created"),
        },
        "inputs": files,
        "options": result.options,
        "counts": result.counts,
        "groups": [
            {"group": r["group"], "articles": int(r["articles"]), "small": bool(r["small"]),
             "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
             **{k: _finite(r[k]) for k in ("mean_score", "ci_low", "ci_high",
                                           "loaded_narrator_per_1k")}}
            for r in groups.to_dict("records")] if len(groups) else [],
    }


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80] or "article"
    slug, k = base, 1
    while slug.lower() in taken:
        k += 1
        slug = f"{base}-{k}"
    taken.add(slug.lower())
    return slug


def _article_pages(out: Path, result: ReportResult, model) -> dict[tuple[str, str, int], Path]:
    """The explanation page of each most and least framed article, keyed by
    (source, id, row)."""
    from .explain import explain
    from .render import render_html

    pages: dict[tuple[str, str, int], Path] = {}
    taken: set[str] = set()
    folder = out / "articles"
    for group in sorted(result.extremes):
        for article in [*result.extremes[group]["most"], *result.extremes[group]["least"]]:
            key = article_key(article)
            if key in pages or article["text"] is None:  # no text (scores read back)
                continue
            folder.mkdir(exist_ok=True)
            path = folder / f"{_slug(article['id'], taken)}.html"
            expl = explain(model, article["text"])
            page = render_html(expl, title=f"framescore: {article['id']} ({group})")
            back = ('<p class="meta"><a href="../index.html#articles">← corpus report</a> · '
                    f'group {esc(group)}</p>\n')
            page = page.replace("<body>\n", "<body>\n" + back, 1)
            path.write_text(page, encoding="utf-8")
            pages[key] = path
    return pages
