"""Renderings of an explanation: plain or coloured text for a terminal (:func:`render_text`),
one self-contained HTML page (:func:`render_html`), and the HTML element a notebook shows
(:func:`render_html_fragment`, which :meth:`Explanation._repr_html_
<framescore.explain.Explanation._repr_html_>` shows). They read an explanation
and compute nothing: every number is the explanation's.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: explain imports this module (for _repr_html_)
    from .explain import Explanation

# --- terminal ---------------------------------------------------------------------------------

_ANSI = {"framed": "\033[1;31m", "neutral": "\033[1;34m", "dim": "\033[2m", "bold": "\033[1m",
         "reset": "\033[0m"}


def render_text(expl: Explanation, top: int = 8, color: bool = False) -> str:
    """A plain-text (or ANSI-coloured) explanation for a terminal."""

    def c(kind: str, s: str) -> str:
        return f"{_ANSI[kind]}{s}{_ANSI['reset']}" if color else s

    lines = [
        c("bold", f"score {expl.score:.3f}  label {expl.label}  (threshold {expl.threshold:.2f})"),
        f"logit {expl.logit:+.4f} = intercept {expl.intercept:+.4f} + "
        f"Σ contributions {expl.logit - expl.intercept:+.4f}",
        "",
    ]
    pos = [d for d in expl.contributions if d["contribution"] > 0][:top]
    neg = [d for d in expl.contributions if d["contribution"] < 0][:top]
    for title, items, kind in (("toward framed", pos, "framed"),
                               ("toward neutral", neg, "neutral")):
        lines.append(c("bold", f"Top features {title}:"))
        if not items:
            lines.append("  (none)")
        for d in items:
            lines.append(f"  {c(kind, format(d['contribution'], '+.4f'))}  {d['feature']:<38} "
                         f"value {d['value']:.4f} × weight {d['weight']:+.4f}")
        lines.append("")
    lines.append(c("bold", "Article (matched spans marked [text|feature|voice]):"))
    lines.append(_marked_text(expl, color))
    lines.append("")
    ranked = sorted(expl.sentences, key=lambda s: -s["score"])[:3]
    if ranked:
        lines.append(c("bold", "Most framed sentences:"))
        for s in ranked:
            snippet = " ".join(expl.text[s["start"]:s["end"]].split())
            if len(snippet) > 110:
                snippet = snippet[:107] + "..."
            lines.append(f"  {s['score']:.3f}  {snippet}")
        lines.append("")
    if expl.counterfactuals:
        lines.append(c("bold", "With neutral wording (exact scores of the edited text):"))
        for cf in expl.counterfactuals:
            if cf["scope"] == "all":
                what = (f"all {cf['replacements']} replacements" if not cf.get("left_out")
                        else f"the {cf['replacements']} that lower it ({cf['left_out']} "
                             "left out)")
            else:
                what = f"{cf['text']!r} → {cf['neutral']!r}"
            lines.append(f"  {what:<52} score {expl.score:.3f} → {cf['score']:.3f} "
                         f"({cf['delta_score']:+.3f})")
    if expl.skipped:
        lines += ([""] if lines[-1] else []) + [c("bold", "Skipped (not scored):")]
        lines += [f"  {s['reason']:<18} {' '.join(s['text'].split())}" for s in expl.skipped]
    if len(expl.lexicons) > 1:  # terms added at scoring time: say which, with their hashes
        lines += ([""] if lines[-1] else []) + [c("bold", "Lexicons (SHA-256):")]
        lines += [f"  {s['name']:<18} {s['sha256']}  {s['terms']} terms" for s in expl.lexicons]
    return "\n".join(lines).rstrip() + "\n"


def _marked_text(expl: Explanation, color: bool) -> str:
    out, pos = [], 0
    for s in expl.spans:
        if s["start"] < pos:
            continue  # a span nested in a scare quote: the outer one is shown
        out.append(expl.text[pos : s["start"]])
        label = f"{s['feature']}|{s['voice']}"
        if color:
            kind = "framed" if s["contribution"] > 0 else "neutral"
            out.append(f"{_ANSI[kind]}{s['text']}{_ANSI['reset']}{_ANSI['dim']}"
                       f"[{label}]{_ANSI['reset']}")
        else:
            out.append(f"[{s['text']}|{label}]")
        pos = s["end"]
    out.append(expl.text[pos:])
    return "".join(out)


# --- HTML -------------------------------------------------------------------------------------

_PAGE_CSS = """
body{font:16px/1.55 Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font:600 1.3rem system-ui,sans-serif}
"""
#: The explanation's own styles, scoped to its element (a page, or a notebook's output cell).
_CSS = """
.fs .meta,.fs .bars,.fs table{font:14px system-ui,sans-serif}
.fs .score{font-size:2rem;font-weight:700}
.fs .framed{color:#b3261e}.fs .neutral{color:#1f5fa8}
.fs .article{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #ddd;padding:1rem;
 border-radius:6px}
.fs mark.span{position:relative;border-radius:3px;padding:0 1px;cursor:help;color:inherit}
.fs mark.span .tip{display:none;position:absolute;left:0;bottom:125%;z-index:2;
 background:#222;color:#fff;font:12px/1.4 system-ui,sans-serif;padding:.4rem .6rem;
 border-radius:4px;width:max-content;max-width:18rem;white-space:normal}
.fs mark.span:hover .tip,.fs mark.span:focus .tip{display:block}
.fs .bar{display:flex;align-items:center;gap:.5rem;margin:2px 0}
.fs .bar .name{width:min(22rem,40%);text-align:right;overflow:hidden;text-overflow:ellipsis;
 white-space:nowrap}
.fs .bar .track{flex:1;position:relative;height:14px;background:#f3f3f3}
.fs .bar .fill{position:absolute;top:0;height:14px}
.fs .bar .num{width:5rem;font-variant-numeric:tabular-nums}
.fs table{border-collapse:collapse;max-width:100%}
.fs td,.fs th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;
 overflow-wrap:anywhere}
.fs #lexicons{overflow-wrap:anywhere}
"""


def _span_style(contribution: float, scale: float) -> str:
    alpha = 0.15 + 0.6 * min(abs(contribution) / scale, 1.0) if scale > 0 else 0.15
    rgb = "220,38,38" if contribution > 0 else "37,99,235"
    return f"background:rgba({rgb},{alpha:.2f})"


def _lexicons_html(expl: Explanation) -> str:
    """The lexicons in force, when terms were added at scoring time."""
    if len(expl.lexicons) < 2:
        return ""
    items = "".join(f"<li>{html.escape(s['name'])}: {s['terms']} terms, SHA-256 "
                    f"<code>{html.escape(s['sha256'])}</code></li>" for s in expl.lexicons)
    return f"<h2 class='meta'>Lexicons</h2><ul class='meta' id='lexicons'>{items}</ul>"


def _skipped_html(expl: Explanation) -> str:
    """The lines left out of the score (page furniture), as a list."""
    items = "".join(f"<li><b>{html.escape(s['reason'])}</b> {html.escape(s['text'])}</li>"
                    for s in expl.skipped)
    return (f"<h2 class='meta'>Skipped (not scored)</h2><ul class='meta' id='skipped'>{items}"
            "</ul>" if items else "")


def render_html(expl: Explanation, top: int = 15, title: str = "framescore explanation") -> str:
    """One self-contained HTML page (no scripts, no network requests)."""
    esc = html.escape
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_PAGE_CSS}</style></head>
<body>
<h1>{esc(title)}</h1>
{render_html_fragment(expl, top)}
</body></html>
"""


def render_html_fragment(expl: Explanation, top: int = 15) -> str:
    """The explanation as one HTML element with its own scoped styles (what
    :func:`render_html` puts in its page, and a notebook shows)."""
    esc = html.escape
    scale = max((abs(s["contribution"]) for s in expl.spans), default=0.0)
    parts, pos = [], 0
    for k, s in enumerate(expl.spans):
        if s["start"] < pos:
            continue
        parts.append(esc(expl.text[pos : s["start"]]))
        tip = (f"{s['feature']} · {s['category']} · voice {s['voice']} · contribution "
               f"{s['contribution']:+.4f}" + (f" · neutral: {s['neutral']}" if s["neutral"]
                                              else ""))
        parts.append(
            f'<mark class="span" id="span-{k}" tabindex="0" data-feature="{esc(s["feature"])}" '
            f'data-voice="{esc(s["voice"])}" data-contribution="{s["contribution"]:.6f}" '
            f'style="{_span_style(s["contribution"], scale)}" title="{esc(tip)}">'
            f'{esc(s["text"])}<span class="tip">{esc(tip)}</span></mark>'
        )
        pos = s["end"]
    parts.append(esc(expl.text[pos:]))
    shown = expl.contributions[:top]
    width = max((abs(d["contribution"]) for d in shown), default=1.0) or 1.0
    bars = []
    for d in shown:
        frac = abs(d["contribution"]) / width * 50
        left = 50 if d["contribution"] >= 0 else 50 - frac
        color = "#dc2626" if d["contribution"] >= 0 else "#2563eb"
        bars.append(
            f'<div class="bar"><span class="name" title="{esc(d["feature"])}">'
            f'{esc(d["feature"])}</span><span class="track"><span class="fill" '
            f'style="left:{left:.1f}%;width:{frac:.1f}%;background:{color}"></span></span>'
            f'<span class="num">{d["contribution"]:+.4f}</span></div>'
        )
    cf_rows = "".join(
        f"<tr><td>{esc(cf.get('text', 'all that lower the score'))}</td>"
        f"<td>{esc(cf.get('neutral', '(neutral alternatives)'))}</td>"
        f"<td>{cf['score']:.3f}</td><td>{cf['delta_score']:+.3f}</td></tr>"
        for cf in expl.counterfactuals
    )
    cf_table = (f"<h2 class='meta'>With neutral wording</h2><table><tr><th>term</th>"
                f"<th>neutral</th><th>score</th><th>change</th></tr>{cf_rows}</table>"
                if cf_rows else "")
    return f"""<div class="fs"><style>{_CSS}</style>
<p class="meta"><span class="score {esc(expl.label)}" id="score">{expl.score:.3f}</span>
label <b class="{esc(expl.label)}" id="label">{esc(expl.label)}</b> (threshold
{expl.threshold:.2f}) · logit {expl.logit:+.4f} = intercept {expl.intercept:+.4f}
+ Σ contributions {expl.logit - expl.intercept:+.4f}
· <span class="framed">red</span>: pushes toward framed,
<span class="neutral">blue</span>: toward neutral; hover a span for details.</p>
<div class="article" id="article">{"".join(parts)}</div>
<h2 class="meta">Contributions (top {len(shown)} of {len(expl.contributions)})</h2>
<div class="bars" id="bars">{"".join(bars)}</div>
{cf_table}
{_skipped_html(expl)}
{_lexicons_html(expl)}
</div>"""
