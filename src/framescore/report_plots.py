"""The corpus report's plots, as inline SVG written with the standard library: the score
distribution per group (a strip plot with boxes, means and their intervals), own-voice against
attributed loaded terms (one point per group), and mean score and own-voice loaded terms over
time (with a time column). :func:`plots` gives the page's section of them.
"""

from __future__ import annotations

import math
from html import escape as esc

import pandas as pd

from .corpus_report import ReportResult

#: Colours of groups in the plots (Okabe–Ito, then Tableau), repeated past ten groups.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F7F7F", "#BCBD22", "#17BECF"]
#: Groups drawn in the over-time plots (the largest).
TIME_GROUPS = 8
#: In place of a plot of rates per 1,000 words, when the texts (so the words) are unknown.
NO_RATES = ('<p class="note">No plot of rates per 1,000 words: the articles\' texts, and so '
            'their words, are not known.</p>')


def _f(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"



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


def plots(groups: list[dict], result: ReportResult, colours: dict) -> str:
    parts = ['<h2 id="plots">Plots</h2>', _strip_plot(groups, result),
             _scatter(groups, colours) if result.texts else NO_RATES]
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
        if column == "own_per_1k" and not result.texts:
            out.append(NO_RATES)
            continue
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
