"""The corpus report's files: one self-contained HTML page, CSV tables and report.json.

The page (``index.html``) needs no network and no script: inline CSS, plots as inline SVG
written here with the standard library, every table in the HTML. A few lines of inline
script make the tables sortable by a click on a column header; without scripts the page
reads the same, in its default order. It fits a window 800 pixels wide: wide tables (the
term × group matrix with many groups) scroll inside their own box, not the page.

The most and least framed articles of each group get the existing explanation page
(:func:`framescore.explain.render_html`) in ``articles/``.
"""

from __future__ import annotations

import html
import json
import math
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__
from .corpus_report import ReportResult, snippets
from .lexicon import ATTRIBUTION_TYPES
from .persist import sha256_file

FORMAT = "framescore-report/1"
REPORT_FILE = "report.json"
#: Colours of groups in the plots (Okabe–Ito, then Tableau), repeated past ten groups.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F7F7F", "#BCBD22", "#17BECF"]
#: Groups drawn in the over-time plots (the largest).
TIME_GROUPS = 8
ADOPTED_PER_GROUP = 12
ATTRIBUTION_NAMES = {"report": "neutral report verbs", "distancing": "distancing",
                     "endorsing": "endorsing", "hedge": "hedges", "unverified": "unverified",
                     "sourcing": "sourcing"}
esc = html.escape


# --- files ---------------------------------------------------------------------------------


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
    """``frame`` as CSV, a few thousand rows at a time (no copy of a large table as text in
    memory): missing values empty, the lists of adopted labels joined with "; "."""
    lists = [c for c in ("attributed_by", "also_adopted_by") if c in frame.columns]
    if lists:
        frame = frame.assign(**{c: frame[c].map(lambda v: "; ".join(map(str, v)))
                                for c in lists})
    frame.to_csv(path, index=False, lineterminator="\n", chunksize=5000)


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return str(value)


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
             "mean_score": r["mean_score"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
             "loaded_narrator_per_1k": r["loaded_narrator_per_1k"]}
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
            key = _article_key(article)
            if key in pages:
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


def _article_key(article: dict) -> tuple[str, str, int]:
    return (article["source"], article["id"], article["row"])


# --- the page ------------------------------------------------------------------------------

_CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
 max-width:66rem;margin:0 auto;padding:1rem 1.25rem 3rem;background:#fff}
h1{font-size:1.6rem;margin:.5rem 0 .25rem}
h2{font-size:1.25rem;margin:2.2rem 0 .4rem;padding-top:.6rem;border-top:1px solid #ddd}
h3{font-size:1.02rem;margin:1.2rem 0 .3rem}
p,li{max-width:52rem}
.meta,.note,figcaption{color:#555;font-size:.88rem}
nav{font-size:.9rem;margin:.6rem 0}nav a{margin-right:.9rem;white-space:nowrap}
a{color:#0b5cad}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.86rem;margin:.3rem 0 .6rem}
th,td{padding:.3rem .45rem;border-bottom:1px solid #e6e6e6;vertical-align:top}
th{text-align:left;font-weight:600;background:#f6f6f7;vertical-align:bottom}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}td.n.w{white-space:normal}
td.g,th.g{overflow-wrap:anywhere;min-width:7rem}
tr.small td{color:#777;background:#fbfaf4}
.flag{display:inline-block;font-size:.72rem;padding:0 .35rem;border-radius:3px;
 background:#f3e6b3;color:#5c4a00;white-space:nowrap}
.strict{background:#fde2dd;color:#8a1c0c}
.ci{color:#666;font-size:.8rem;white-space:nowrap;display:inline-block}
table.matrix th.gcol{max-width:7.5rem;min-width:4rem;overflow-wrap:anywhere}
table.matrix td.cell{text-align:right;white-space:nowrap}
table.matrix td.cell a{text-decoration:none;color:inherit;display:block}
table.matrix th:first-child,table.matrix td:first-child{position:sticky;left:0;z-index:1;
 background:#fff;box-shadow:1px 0 0 #e6e6e6}
table.matrix th:first-child{background:#f6f6f7}
.own{font-weight:700}.att{color:#555}
figure{margin:1rem 0 1.6rem}
figure svg{width:100%;height:auto;max-width:760px;display:block}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:.4rem 2rem}
.cols ol{margin:.2rem 0;padding-left:1.4rem}
.ex li{margin:.15rem 0}
mark{background:#fde2dd;padding:0 .1rem}
mark.q{background:#dbe8fb}
.legend span{white-space:nowrap;margin-right:1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:-.1rem;
 margin-right:.25rem}
th[data-sort]{cursor:pointer}
@media (max-width:700px){.cols{grid-template-columns:1fr}body{padding:.6rem}}
"""

_SCRIPT = """
(function(){function v(c){var s=c.getAttribute('data-v');if(s===null)s=c.textContent.trim();
var n=parseFloat(s);return isNaN(n)?s.toLowerCase():n}
document.querySelectorAll('table.sortable thead th').forEach(function(th,i){
th.setAttribute('data-sort','');th.title='Sort by this column';
th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],
d=th.getAttribute('data-dir')==='desc'?'asc':'desc',k=th.cellIndex;
th.setAttribute('data-dir',d);var r=Array.prototype.slice.call(b.rows);
r.sort(function(x,y){var a=v(x.cells[k]),c=v(y.cells[k]);
if(typeof a!==typeof c){a=String(a);c=String(c)}return(a<c?-1:a>c?1:0)*(d==='asc'?1:-1)});
r.forEach(function(x){b.appendChild(x)})})})})();
"""


def _f(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _pct(x: float) -> str:
    return "–" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _num(value, text: str | None = None, wrap: bool = False) -> str:
    shown = text if text is not None else str(value)
    return f'<td class="n{" w" if wrap else ""}" data-v="{value}">{shown}</td>'


def _group_cell(row: dict) -> str:
    flag = (' <span class="flag" title="fewer articles than the minimum: shown, not '
            'ranked">few articles</span>' if row["small"] else "")
    return f'<td class="g">{esc(str(row["group"]))}{flag}</td>'


def render_page(result: ReportResult, info: dict, *, pages: dict | None = None,
                title: str = "framescore corpus report", top_terms: int = 30) -> str:
    """The report page as one HTML string (see the module docstring)."""
    pages = pages or {}
    groups = result.groups.to_dict("records") if len(result.groups) else []
    colours = {g["group"]: PALETTE[k % len(PALETTE)] for k, g in enumerate(groups)}
    c = result.counts
    top = result.top_terms[:top_terms]
    sections = [
        _summary_tables(groups, result),
        _plots(groups, result, colours),
        _matrix(top, groups, result),
        _adopted(result, top),
        _extremes(groups, result, pages),
        _examples(top, groups, result, pages),
    ]
    model = info.get("model", {})
    model_hash = (model.get("files") or {}).get("model.json", "")[:12]
    small = c.get("small_groups", 0)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_CSS}</style></head>
<body>
<h1>{esc(title)}</h1>
<p class="meta" id="summary">{c["scored"]:,} articles in {c["groups"]:,} groups ·
{c["sentences"]:,} sentences · {c["words"]:,} words{f" · {c['skipped']:,} records skipped"
if c.get("skipped") else ""} · model {esc(model.get("path") or "?")}
{f"(model.json {esc(model_hash)}…)" if model_hash else ""} · threshold
{result.threshold:.2f} · {esc(info.get("created", ""))} · framescore
{esc(info.get("framescore_version", ""))}</p>
<p>Scores are the model's probability that an article presents its claims as framed.
<b>Own voice</b> is the narrator's and the headline's; <b>attributed</b> means inside a
direct quote or in reported speech. Rates are per 1,000 words. Intervals are 95% bootstrap
intervals of the mean over articles (seed {result.options.get("seed", 0)}).
{f'{small} group{"s" if small != 1 else ""} with fewer than '
 f'{result.options.get("min_articles")} articles {"are" if small != 1 else "is"} flagged '
 '<span class="flag">few articles</span> and not ranked.' if small else ""}
The same numbers are in <code>groups.csv</code>, <code>terms.csv</code>,
<code>articles.csv</code> and <code>adopted.csv</code> beside this page; the run is
described in <code>report.json</code>.</p>
<nav><a href="#groups-h">Groups</a><a href="#plots">Plots</a><a href="#terms-h">Terms ×
groups</a><a href="#adopted-h">Adopted labels</a><a href="#articles">Articles</a><a
href="#examples">Examples</a></nav>
{"".join(sections)}
<script>{_SCRIPT}</script>
</body></html>
"""


def _summary_tables(groups: list[dict], result: ReportResult) -> str:
    rows, voices, attribution = [], [], []
    for g in groups:
        rank = "" if pd.isna(g["rank"]) else str(int(g["rank"]))
        cls = ' class="small"' if g["small"] else ""
        ci = f'<span class="ci">[{_f(g["ci_low"])}, {_f(g["ci_high"])}]</span>'
        rows.append(
            f"<tr{cls}>{_num(rank or 9999, rank)}{_group_cell(g)}{_num(g['articles'])}"
            f"{_num(round(g['mean_score'], 4), _f(g['mean_score']) + ' ' + ci, wrap=True)}"
            f"{_num(round(g['median_score'], 4), _f(g['median_score']))}"
            f"{_num(round(g['framed_share'], 4), _pct(g['framed_share']))}"
            f"{_num(round(g['loaded_own_per_1k'], 3), _f(g['loaded_own_per_1k']))}"
            f"{_num(round(g['loaded_attributed_per_1k'], 3), _f(g['loaded_attributed_per_1k']))}"
            "</tr>")
        voices.append(f"<tr{cls}>{_group_cell(g)}" + "".join(
            _num(round(g[f"loaded_{v}_per_1k"], 3),
                 f'<span title="{g[f"loaded_{v}"]} terms">{_f(g[f"loaded_{v}_per_1k"])}</span>')
            for v in ("narrator", "title", "quoted", "reported")) + "</tr>")
        attribution.append(f"<tr{cls}>{_group_cell(g)}" + "".join(
            _num(round(g[f"{col}_per_1k"], 3),
                 f'<span title="{g[col]}">{_f(g[f"{col}_per_1k"])}</span>')
            for col in [*(f"attribution_{t}" for t in ATTRIBUTION_TYPES), "scare_quotes"])
            + "</tr>")
    att_heads = "".join(f'<th class="n">{esc(ATTRIBUTION_NAMES[t])}</th>'
                        for t in ATTRIBUTION_TYPES)
    return f"""
<h2 id="groups-h">Groups</h2>
<p class="note">Ranked by mean score; small groups last, unranked. Click a column header
to sort (with scripts on).</p>
<div class="scroll"><table id="groups" class="sortable">
<thead><tr><th class="n">#</th><th class="g">group</th><th class="n">articles</th>
<th class="n">mean score [95% CI]</th><th class="n">median</th><th class="n">framed</th>
<th class="n">own-voice loaded per 1k</th><th class="n">attributed loaded per 1k</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
<h3>Loaded terms per 1,000 words, by voice</h3>
<div class="scroll"><table id="voices" class="sortable">
<thead><tr><th class="g">group</th><th class="n">narrator</th><th class="n">headline</th>
<th class="n">quoted</th><th class="n">reported</th></tr></thead>
<tbody>{"".join(voices)}</tbody></table></div>
<h3>Attribution profile per 1,000 words</h3>
<div class="scroll"><table id="attribution" class="sortable">
<thead><tr><th class="g">group</th>{att_heads}<th class="n">scare quotes</th></tr></thead>
<tbody>{"".join(attribution)}</tbody></table></div>
"""


# --- plots (inline SVG) --------------------------------------------------------------------


def _svg(width: int, height: int, body: str, label: str, ident: str) -> str:
    return (f'<svg id="{ident}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def _short(name: str, n: int = 24) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def _nice_max(x: float) -> float:
    if not x or x <= 0 or math.isnan(x):
        return 1.0
    exp = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= x:
            return m * exp
    return 10 * exp


def _ticks(top: float, n: int = 5) -> list[float]:
    return [top * k / (n - 1) for k in range(n)]


def _tick_label(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"


def _plots(groups: list[dict], result: ReportResult, colours: dict) -> str:
    parts = ['<h2 id="plots">Plots</h2>', _strip_plot(groups, result),
             _scatter(groups, colours)]
    if result.timeline is not None:
        parts.append(_time_plots(groups, result, colours))
    return "\n".join(parts)


def _strip_plot(groups: list[dict], result: ReportResult) -> str:
    width, left, right, row_h, top_m = 760, 190, 20, 30, 16
    height = top_m + row_h * max(len(groups), 1) + 44
    x0, x1 = left, width - right

    def x(v: float) -> float:
        return x0 + (x1 - x0) * min(max(v, 0.0), 1.0)

    body = []
    for t in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top_m - 6}" '
                    f'y2="{height - 38}" stroke="#e3e3e3"/>'
                    f'<text x="{x(t):.1f}" y="{height - 24}" font-size="12" '
                    f'text-anchor="middle" fill="#444">{_tick_label(t)}</text>')
    th = x(result.threshold)
    body.append(f'<line x1="{th:.1f}" x2="{th:.1f}" y1="{top_m - 6}" y2="{height - 38}" '
                f'stroke="#b3261e" stroke-dasharray="4 3"/>')
    body.append(f'<text x="{(x0 + x1) / 2:.0f}" y="{height - 6}" font-size="12" '
                f'text-anchor="middle" fill="#444">score (dashed: threshold '
                f'{result.threshold:.2f})</text>')
    for k, g in enumerate(groups):
        cy = top_m + row_h * k + row_h / 2
        name = str(g["group"])
        fill = "#999" if g["small"] else "#333"
        body.append(f'<text x="{left - 10}" y="{cy + 4:.1f}" font-size="12.5" '
                    f'text-anchor="end" fill="{fill}"><title>{esc(name)}</title>'
                    f'{esc(_short(name))}</text>')
        sample = result.samples.get(g["group"], [])
        for j, s in enumerate(sample):
            jitter = ((j * 0.6180339887) % 1 - 0.5) * (row_h - 10)
            body.append(f'<circle cx="{x(s):.1f}" cy="{cy + jitter:.1f}" r="2.2" '
                        f'fill="#5b7fa8" fill-opacity="0.35"/>')
        body.append(f'<line x1="{x(g["p5_score"]):.1f}" x2="{x(g["p95_score"]):.1f}" '
                    f'y1="{cy:.1f}" y2="{cy:.1f}" stroke="#222"/>'
                    f'<rect x="{x(g["q1_score"]):.1f}" y="{cy - 8:.1f}" '
                    f'width="{max(x(g["q3_score"]) - x(g["q1_score"]), 1):.1f}" height="16" '
                    f'fill="#fff" fill-opacity="0.55" stroke="#222"/>'
                    f'<line x1="{x(g["median_score"]):.1f}" x2="{x(g["median_score"]):.1f}" '
                    f'y1="{cy - 8:.1f}" y2="{cy + 8:.1f}" stroke="#222" stroke-width="2"/>')
        if not math.isnan(g["ci_low"]):
            body.append(f'<line x1="{x(g["ci_low"]):.1f}" x2="{x(g["ci_high"]):.1f}" '
                        f'y1="{cy:.1f}" y2="{cy:.1f}" stroke="#b3261e" stroke-width="3"/>')
        m = x(g["mean_score"])
        body.append(f'<path d="M{m:.1f} {cy - 5:.1f}l5 5l-5 5l-5 -5z" fill="#b3261e">'
                    f'<title>{esc(name)}: mean {_f(g["mean_score"], 3)} [{_f(g["ci_low"], 3)},'
                    f' {_f(g["ci_high"], 3)}], {g["articles"]} articles</title></path>')
    svg = _svg(width, height, "".join(body), "score distribution per group", "plot-scores")
    return f"""<figure>{svg}<figcaption>Score distribution per group. Dots: articles (a
sample of up to 300 per group); box: quartiles, with the median; whiskers: 5th to 95th
percentile; red diamond and bar: mean and its 95% interval. Grey names: groups with few
articles.</figcaption></figure>"""


def _nice_range(values: list[float]) -> tuple[float, float, float]:
    """(low, high, step) of an axis showing ``values`` (rates, not negative): from 0 when
    the values are near it, else zoomed on them; a step of 1, 2, 2.5 or 5 × 10^k."""
    finite = [v for v in values if not math.isnan(v)] or [0.0]
    lo, hi = min(finite), max(finite)
    if hi <= 0:
        return 0.0, 1.0, 0.25
    if lo <= 0.35 * hi:
        lo = 0.0
    pad = 0.08 * (hi - lo) or 0.1 * hi
    lo, hi = max(lo - pad, 0.0) if lo else 0.0, hi + pad
    raw = (hi - lo) / 4
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


#: With more groups than this, the scatter plot names only the most extreme ones.
SCATTER_LABELS = 14


def _scatter(groups: list[dict], colours: dict) -> str:
    width, height, left, bottom, top_m, right = 760, 440, 64, 52, 16, 150
    xs = [g["loaded_attributed_per_1k"] for g in groups]
    ys = [g["loaded_own_per_1k"] for g in groups]
    xlo, xhi, xstep = _nice_range(xs)
    ylo, yhi, ystep = _nice_range(ys)
    x0, x1, y0, y1 = left, width - right, height - bottom, top_m

    def px(v: float) -> float:
        return x0 + (x1 - x0) * (v - xlo) / (xhi - xlo)

    def py(v: float) -> float:
        return y0 - (y0 - y1) * (v - ylo) / (yhi - ylo)

    body = []
    for k in range(round((xhi - xlo) / xstep) + 1):
        t = xlo + k * xstep
        body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{y1}" y2="{y0}" '
                    f'stroke="#ececec"/><text x="{px(t):.1f}" y="{y0 + 17}" font-size="12" '
                    f'text-anchor="middle" fill="#444">{_tick_label(t)}</text>')
    for k in range(round((yhi - ylo) / ystep) + 1):
        t = ylo + k * ystep
        body.append(f'<line x1="{x0}" x2="{x1}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
                    f'stroke="#ececec"/><text x="{x0 - 8}" y="{py(t) + 4:.1f}" font-size="12" '
                    f'text-anchor="end" fill="#444">{_tick_label(t)}</text>')
    low, high = max(xlo, ylo), min(xhi, yhi)  # the line of equal rates, where it is shown
    if low < high:
        body.append(f'<line x1="{px(low):.1f}" y1="{py(low):.1f}" x2="{px(high):.1f}" '
                    f'y2="{py(high):.1f}" stroke="#999" stroke-dasharray="5 4"/>'
                    f'<text x="{px(high) - 4:.1f}" y="{py(high) + 14:.1f}" font-size="11.5" '
                    f'text-anchor="end" fill="#777">equal rates</text>')
    else:  # every group on one side of it
        side = "above" if ylo >= xhi else "below"
        body.append(f'<text x="{x1 - 4}" y="{y1 + 14}" font-size="11.5" text-anchor="end" '
                    f'fill="#777">all groups {side} the line of equal rates (not in view)'
                    '</text>')
    body.append(f'<text x="{(x0 + x1) / 2:.0f}" y="{height - 10}" font-size="12.5" '
                f'text-anchor="middle" fill="#333">loaded terms quoted or reported, per 1,000 '
                f'words (attributes)</text>'
                f'<text transform="translate(16 {(y0 + y1) / 2:.0f}) rotate(-90)" '
                f'font-size="12.5" text-anchor="middle" fill="#333">loaded terms in own voice, '
                f'per 1,000 words (adopts)</text>')
    named = set(range(len(groups)))
    if len(groups) > SCATTER_LABELS:  # the groups furthest from the line of equal rates
        by_lean = sorted(range(len(groups)), key=lambda k: ys[k] - xs[k])
        half = SCATTER_LABELS // 2
        named = set(by_lean[:half] + by_lean[-half:])
    points = [(px(xv), py(yv)) for xv, yv in zip(xs, ys, strict=True)]
    boxes: list[tuple[float, float, float, float]] = []
    for k, (g, xv, yv, (cx, cy)) in enumerate(zip(groups, xs, ys, points, strict=True)):
        colour = colours[g["group"]]
        fill = "#fff" if g["small"] else colour
        name = str(g["group"])
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="6" fill="{fill}" '
                    f'stroke="{colour}" stroke-width="2"><title>{esc(name)}: own voice '
                    f'{_f(yv)}, attributed {_f(xv)} per 1,000 words, {g["articles"]} articles'
                    f'</title></circle>')
        if k not in named:
            continue
        label = _short(name, 20) + (" (few)" if g["small"] else "")
        x, y, anchor = _place_label(label, cx, cy, points, boxes,
                                    (x0, y1, width - 4, y0 - 3))
        body.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" fill="#222" '
                    f'text-anchor="{anchor}">{esc(label)}</text>')
    svg = _svg(width, height, "".join(body), "own-voice against attributed loaded terms",
               "plot-voice")
    some = (f" Names: the {len(named)} groups furthest from the line of equal rates (hover a "
            "point for its name)." if len(named) < len(groups) else "")
    return f"""<figure>{svg}<figcaption>Who adopts, who attributes: each point is a group.
Above the dashed line a group uses loaded terms in its own voice (narrator, headline) more
often than inside quotes or reported speech. Hollow points: groups with few
articles.{some}</figcaption></figure>"""


def _place_label(label: str, cx: float, cy: float, points: list[tuple[float, float]],
                 boxes: list[tuple[float, float, float, float]],
                 area: tuple[float, float, float, float]) -> tuple[float, float, str]:
    """Where to write a point's label (x, baseline y, text-anchor): the first of a few spots
    around the point whose box stays in ``area`` and overlaps no other label or point, else
    the one that overlaps least. The chosen box is added to ``boxes``."""
    w, h = 6.9 * len(label), 13.0
    spots = [(cx + 10, cy + 4, "start"), (cx - 10, cy + 4, "end"),
             (cx, cy - 11, "middle"), (cx, cy + 19, "middle")]
    spots += [(cx + 10, cy + 4 - k * 14, "start") for k in range(1, 6)]
    spots += [(cx - 10, cy + 4 - k * 14, "end") for k in range(1, 6)]

    def box(x, y, anchor):
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        return left, y - h + 3, left + w, y + 3

    def cost(b) -> float:
        ax0, ay0, ax1, ay1 = area
        outside = max(ax0 - b[0], 0) + max(b[2] - ax1, 0) + max(ay0 - b[1], 0) + max(
            b[3] - ay1, 0)
        overlap = sum(max(0.0, min(b[2], o[2]) - max(b[0], o[0])) *
                      max(0.0, min(b[3], o[3]) - max(b[1], o[1])) for o in boxes)
        hits = sum(1 for px_, py_ in points
                   if b[0] - 5 < px_ < b[2] + 5 and b[1] - 5 < py_ < b[3] + 5
                   and (px_, py_) != (cx, cy))
        return 1000 * outside + overlap + 200 * hits

    best = min(spots, key=lambda s: (cost(box(*s)) > 0, cost(box(*s))))
    boxes.append(box(*best))
    return best


def _period(days: pd.Series) -> tuple[pd.Series, str]:
    """Each day's period (day, ISO week or month, by the span of the dates) and its name."""
    dates = pd.to_datetime(days)
    span = (dates.max() - dates.min()).days if len(dates) else 0
    if span <= 62:
        return dates.dt.strftime("%Y-%m-%d"), "day"
    if span <= 400:
        monday = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
        return monday.dt.strftime("%Y-%m-%d"), "week (from Monday)"
    return dates.dt.strftime("%Y-%m"), "month"


def _time_plots(groups: list[dict], result: ReportResult, colours: dict) -> str:
    tl = result.timeline
    if tl is None or not len(tl):
        return ('<h3>Over time</h3><p class="note">No article had a readable date.</p>')
    tl = tl.assign(period=_period(tl["day"])[0])
    unit = _period(tl["day"])[1]
    agg = tl.groupby(["group", "period"], as_index=False)[
        ["articles", "score_sum", "own_loaded", "words"]].sum()
    agg["mean"] = agg["score_sum"] / agg["articles"]
    agg["own_per_1k"] = 1000 * agg["own_loaded"] / agg["words"].where(agg["words"] > 0)
    biggest = sorted(groups, key=lambda g: (-g["articles"], str(g["group"])))[:TIME_GROUPS]
    shown = [g["group"] for g in biggest if g["group"] in set(agg["group"])]
    periods = sorted(agg["period"].unique())
    out = [f'<h3>Over time, by {esc(unit)}</h3>']
    if len(shown) < len(groups):
        out.append(f'<p class="note">The {len(shown)} largest groups; all groups are in '
                   '<code>timeline.csv</code>.</p>')
    colours = {g: PALETTE[k % len(PALETTE)] for k, g in enumerate(shown)}  # distinct here
    legend = "".join(f'<span><i class="sw" style="background:{colours[g]}"></i>'
                     f'{esc(str(g))}</span>' for g in shown)
    for column, label, ident, fixed in (
            ("mean", "mean score", "plot-time-score", 1.0),
            ("own_per_1k", "own-voice loaded terms per 1,000 words", "plot-time-own", None)):
        out.append(_line_plot(agg, shown, periods, column, label, ident, fixed, colours))
    out.append(f'<p class="legend">{legend}</p>')
    if result.counts.get("without_time"):
        out.append(f'<p class="note">{result.counts["without_time"]:,} articles without a '
                   'readable date are left out of these plots.</p>')
    return "\n".join(out)


def _line_plot(agg: pd.DataFrame, shown: list, periods: list, column: str, label: str,
               ident: str, fixed: float | None, colours: dict) -> str:
    width, height, left, bottom, top_m, right = 760, 260, 64, 46, 14, 20
    values = agg.loc[agg["group"].isin(shown), column].dropna()
    top = fixed if fixed is not None else _nice_max(float(values.max()) if len(values) else 1)
    x0, x1, y0, y1 = left, width - right, height - bottom, top_m
    n = max(len(periods) - 1, 1)
    index = {p: k for k, p in enumerate(periods)}

    def px(p) -> float:
        return x0 + (x1 - x0) * (index[p] / n if len(periods) > 1 else 0.5)

    def py(v: float) -> float:
        return y0 - (y0 - y1) * min(v / top, 1.0)

    body = []
    for t in _ticks(top):
        body.append(f'<line x1="{x0}" x2="{x1}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
                    f'stroke="#ececec"/><text x="{x0 - 8}" y="{py(t) + 4:.1f}" font-size="12" '
                    f'text-anchor="end" fill="#444">{_tick_label(t)}</text>')
    step = max(1, math.ceil(len(periods) / 6))
    for p in periods[::step]:
        body.append(f'<text x="{px(p):.1f}" y="{y0 + 17}" font-size="11.5" '
                    f'text-anchor="middle" fill="#444">{esc(str(p))}</text>')
    body.append(f'<text x="{x0}" y="{height - 6}" font-size="12.5" fill="#333">{esc(label)}'
                f'</text>')
    for g in shown:
        sub = agg[agg["group"] == g].dropna(subset=[column])
        pts = [(px(p), py(v)) for p, v in zip(sub["period"], sub[column], strict=True)]
        if len(pts) > 1:
            d = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f} {y:.1f}" for k, (x, y) in
                         enumerate(pts))
            body.append(f'<path d="{d}" fill="none" stroke="{colours[g]}" stroke-width="2"/>')
        for (x, y), v, p in zip(pts, sub[column], sub["period"], strict=True):
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colours[g]}">'
                        f'<title>{esc(str(g))} {esc(str(p))}: {v:.3f}</title></circle>')
    return f'<figure>{_svg(width, height, "".join(body), label, ident)}</figure>'


# --- terms ---------------------------------------------------------------------------------


def _matrix(top: list[dict], groups: list[dict], result: ReportResult) -> str:
    head = ('<h2 id="terms-h">Terms × groups</h2>')
    if not top:
        return head + '<p class="note">No loaded terms were found.</p>'
    gindex = {g["group"]: k for k, g in enumerate(groups)}
    heads = "".join(f'<th class="n gcol" title="{esc(str(g["group"]))}">'
                    f'{esc(_short(str(g["group"]), 28))}</th>' for g in groups)
    body = []
    for t in top:
        cells = []
        for g in groups:
            own, att = t["groups"].get(g["group"], (0, 0))
            if not own and not att:
                cells.append('<td class="cell" data-v="-1"><span class="att">·</span></td>')
                continue
            share = own / (own + att)
            style = f' style="background:rgba(220,38,38,{0.08 + 0.45 * share:.2f})"' if own \
                else ' style="background:rgba(37,99,235,0.12)"'
            cells.append(
                f'<td class="cell" data-v="{own}"{style}><a href="#ex-{t["index"]}-'
                f'{gindex[g["group"]]}" title="{own} in own voice, {att} quoted or reported">'
                f'<span class="own">{own}</span> <span class="att">/ {att}</span></a></td>')
        body.append(f'<tr><td><a href="#ex-{t["index"]}">{esc(t["term"])}</a></td>'
                    f'<td>{esc(t["category"])}</td>{_num(t["total"])}{"".join(cells)}</tr>')
    return f"""{head}
<p class="note">The {len(top)} most frequent loaded terms. Each cell: uses in the group's
<b>own voice</b> (narrator, headline) / uses in quotes or reported speech; red cells have
own-voice uses (the darker, the larger their share), blue ones only attributed uses. A cell
links to example sentences. The full counts by voice are in <code>terms.csv</code>.</p>
<div class="scroll"><table id="terms" class="sortable matrix">
<thead><tr><th>term</th><th>category</th><th class="n">total</th>{heads}</tr></thead>
<tbody>{"".join(body)}</tbody></table></div>
"""


def _adopted(result: ReportResult, top: list[dict]) -> str:
    head = '<h2 id="adopted-h">Adopted labels</h2>'
    intro = f"""<p class="note">Loaded terms a group uses in its own voice (narrator or
headline) while at least half of the other groups do not: they only quote or report them,
or avoid them. <span class="flag strict">only this group</span>: no other group uses the
term in its own voice, and some quote or report it. Up to {ADOPTED_PER_GROUP} per group
here; all in <code>adopted.csv</code>.</p>"""
    adopted = result.adopted
    if not len(adopted):
        return head + intro + '<p class="note">None (this needs two groups or more).</p>'
    anchors = {t["term"]: t["index"] for t in top}
    rows = []
    shown: Counter = Counter()
    for r in adopted.itertuples(index=False):
        shown[r.group] += 1
        if shown[r.group] > ADOPTED_PER_GROUP:
            continue
        term = esc(r.term)
        if r.term in anchors:
            term = f'<a href="#ex-{anchors[r.term]}">{term}</a>'
        badge = ' <span class="flag strict">only this group</span>' if r.strict else ""
        small = ' <span class="flag">few articles</span>' if r.small else ""
        rows.append(
            f'<tr><td class="g">{esc(str(r.group))}{small}</td><td>{term}{badge}</td>'
            f'<td>{esc(r.category)}</td>'
            + _num(r.own, f"{r.own} ({r.own_articles})") +
            f'<td class="g">{esc(", ".join(map(str, r.attributed_by)) or "–")}</td>'
            f'<td class="g">{esc(", ".join(map(str, r.also_adopted_by)) or "–")}</td>'
            '</tr>')
    return f"""{head}{intro}
<div class="scroll"><table id="adopted" class="sortable">
<thead><tr><th class="g">group</th><th>term</th><th>category</th>
<th class="n">own-voice uses (articles)</th><th class="g">only quoted or reported by</th>
<th class="g">also in the own voice of</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
"""


def _extremes(groups: list[dict], result: ReportResult, pages: dict) -> str:
    out = ['<h2 id="articles">Most and least framed articles</h2>',
           '<p class="note">Each links to its full explanation: the article with every '
           'matched span, the contributions and the neutral-wording counterfactuals.</p>']

    def item(a: dict) -> str:
        name = esc(str(a["id"]))
        page = pages.get(_article_key(a))
        link = f'<a href="articles/{esc(page)}">{name}</a>' if page else name
        return f'<li>{link} <span class="meta">{a["score"]:.3f} {esc(a["label"])}</span></li>'

    for g in groups:
        ext = result.extremes.get(g["group"])
        if not ext or not ext["most"]:
            continue
        out.append(f'<h3>{esc(str(g["group"]))}</h3><div class="cols">'
                   f'<div><b>most framed</b><ol>{"".join(map(item, ext["most"]))}</ol></div>'
                   f'<div><b>least framed</b><ol>{"".join(map(item, ext["least"]))}</ol>'
                   '</div></div>')
    return "\n".join(out)


def _examples(top: list[dict], groups: list[dict], result: ReportResult,
              pages: dict) -> str:
    out = ['<h2 id="examples">Example sentences</h2>',
           '<p class="note">For each term of the matrix, a few uses per group: '
           '<mark>own voice</mark> and <mark class="q">quoted or reported</mark>.</p>']
    gindex = {g["group"]: k for k, g in enumerate(groups)}
    by_id = {key[1]: page for key, page in pages.items()}

    def source(art) -> str:
        page = by_id.get(art)
        return f'<a href="articles/{esc(page)}">{esc(str(art))}</a>' if page else esc(str(art))

    for t in top:
        out.append(f'<h3 id="ex-{t["index"]}">{esc(t["term"])} <span class="meta">'
                   f'{esc(t["category"])}, {t["total"]} uses</span></h3><ul class="ex">')
        for g in groups:
            cell = result.examples.get((t["term"], g["group"]))
            if not cell:
                continue
            uses = []
            for kind in ("own", "attributed"):
                for before, text, after, voice, art in snippets(cell[kind]):
                    cls = "" if kind == "own" else ' class="q"'
                    uses.append(f'{esc(before)}<mark{cls}>{esc(text)}</mark>{esc(after)}'
                                    f' <span class="meta">({esc(voice)}, {source(art)})'
                                    '</span>')
            out.append(f'<li id="ex-{t["index"]}-{gindex[g["group"]]}"><b>'
                       f'{esc(str(g["group"]))}</b>: ' + " · ".join(uses) + "</li>")
        out.append("</ul>")
    return "\n".join(out)
