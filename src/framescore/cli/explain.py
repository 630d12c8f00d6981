"""``framescore explain``: one article's exact explanation (:func:`framescore.explain.explain`)
as terminal text, JSON or an HTML page (:mod:`framescore.render`)."""

from __future__ import annotations

import json
import os
import sys

import click

from ..inputs import read_article
from .common import (
    CONTEXT,
    emit,
    load_model,
    model_option,
    score_lexicon_option,
    warn_not_english,
)


@click.command("explain", context_settings=CONTEXT)
@click.argument("file", metavar="FILE|-")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="Terminal text, the JSON object, or one HTML page.")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help="Features listed per direction (text, default 8) or in the bar chart "
                   "(html, default 15). In JSON: keep only the N largest contributions and "
                   "sum the others in 'contributions_omitted'.")
@click.option("-o", "--output", metavar="PATH", help="Write here instead of stdout.")
@model_option
@score_lexicon_option
@click.option("--color/--no-color", default=None,
              help="Colour the text output. Default: when stdout is a terminal and NO_COLOR "
                   "is unset.")
def command(file, fmt, top, output, model_dir, lexicons, color) -> None:
    """Explain one article's score exactly: logit = intercept + Σ weight × value.

    FILE is a text file with one article (a first line followed by a blank line is its
    title), or - for stdin.

    \b
    text  score and label; the features pushing toward framed and toward neutral with
          their contributions; the article with every matched span marked with its
          feature and voice; the most framed sentences; and, for each loaded term with a
          neutral alternative (inflected to fit: 'martyrs' → 'people killed'), the exact
          score of the article with the neutral wording, then with all of those that
          lower it at once.
    json  {score, label, logit, intercept, threshold, contributions: [{feature, value,
          weight, contribution}], spans: [{start, end, text, feature, category, voice,
          contribution, neutral}], sentences: [{start, end, score, logit}],
          counterfactuals, model, lexicons: [{name, path, sha256, terms}],
          looks_english}; intercept + Σ contribution == logit, and
          text == article[start:end] for every span.
    html  one self-contained page (no scripts, no network): spans highlighted by
          direction and strength with a tooltip each, contributions as a bar chart.

    \b
    Examples:
      framescore explain article.txt
      framescore explain article.txt --format html -o article.html
      framescore explain article.txt --lexicon my_terms.csv
      curl -s URL | framescore explain - --format json | jq .score
    """
    text, name = read_article(file)
    model = load_model(model_dir, lexicons)
    from ..explain import explain

    expl = explain(model, text)
    warn_not_english(int(not expl.looks_english), 1)
    if fmt == "json":
        data = expl.to_dict()
        if top is not None and len(data["contributions"]) > top:
            rest = data["contributions"][top:]
            data["contributions"] = data["contributions"][:top]
            data["contributions_omitted"] = {
                "count": len(rest), "contribution": float(sum(d["contribution"] for d in rest))}
        content = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from ..render import render_html

        content = render_html(expl, top=top or 15, title=f"framescore: {name}")
    else:
        from ..render import render_text

        if color is None:
            color = (not output and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        content = render_text(expl, top=top or 8, color=color)
    emit(content, output)
