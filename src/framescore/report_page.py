"""The corpus report's page: one self-contained HTML string (:func:`render_page`).

The page (``index.html``) needs no network and no script: inline CSS, plots as inline SVG
(:mod:`framescore.report_plots`), every table in the HTML. A few lines of inline
script make the tables sortable by a click on a column header; without scripts the page
reads the same, in its default order. It fits a window 800 pixels wide: wide tables (the
term × group matrix with many groups) scroll inside their own box, not the page.
"""

from __future__ import annotations

import math
from collections import Counter
from html import escape as esc

import pandas as pd

from .corpus_report import ReportResult
from .lexicon import ATTRIBUTION_TYPES
from .report_plots import PALETTE, _f, _short, plots
from .report_terms import snippets

ADOPTED_PER_GROUP = 12
#: The page's note on a report made from scores without their texts.
NO_TEXTS = """<p class="note" id="no-texts"><b>Made without the articles' texts.</b> This
report adds up the output of <code>framescore score</code> (its scores and spans), which did
not keep the texts (<code>framescore score --keep-col text</code> keeps them). So the words
are unknown, and with them every rate per 1,000 words (shown as –); the example uses show
the term alone; and the most and least framed articles have no explanation pages.</p>"""
ATTRIBUTION_NAMES = {"report": "neutral report verbs", "distancing": "distancing",
                     "endorsing": "endorsing", "hedge": "hedges", "unverified": "unverified",
                     "sourcing": "sourcing"}



def article_key(article: dict) -> tuple[str, str, int]:
    """What names an article of ``ReportResult.extremes``: (source, id, row)."""
    return (article["source"], article["id"], article["row"])


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
        plots(groups, result, colours),
        _matrix(top, groups, result),
        _adopted(result, top),
        _extremes(groups, result, pages),
        _examples(top, groups, result, pages),
    ]
    model = info.get("model", {})
    model_hash = (model.get("files") or {}).get("model.json", "")[:12]
    small = c.get("small_groups", 0)
    words = f"{c['words']:,} words" if c.get("words") is not None else "words unknown"
    notice = "" if result.texts else NO_TEXTS + "\n"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_CSS}</style></head>
<body>
<h1>{esc(title)}</h1>
<p class="meta" id="summary">{c["scored"]:,} articles in {c["groups"]:,} groups ·
{c["sentences"]:,} sentences · {words}{f" · {c['skipped']:,} records skipped"
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
{notice}<nav><a href="#groups-h">Groups</a><a href="#plots">Plots</a><a href="#terms-h">Terms ×
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
    intro = f"""<p class="note">Loaded terms of the lexicons (not those the model learned)
that a group uses in its own voice (narrator or headline) while at least half of the other
groups do not: they only quote or report them, or avoid them. <span class="flag strict">only
this group</span>: no other group uses the term in its own voice, and some quote or report
it. Up to {ADOPTED_PER_GROUP} per group here; all in <code>adopted.csv</code>.</p>"""
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
           'matched span, the contributions and the neutral-wording counterfactuals.</p>'
           if result.texts else '<p class="note">Without the articles\' texts there are no '
           'explanation pages (see the note at the top).</p>']

    def item(a: dict) -> str:
        name = esc(str(a["id"]))
        page = pages.get(article_key(a))
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
