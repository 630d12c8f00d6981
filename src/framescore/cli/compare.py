"""``framescore compare``: several articles side by side (:func:`framescore.compare.compare_rows`),
as an aligned table, JSON or CSV."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..inputs import read_article
from .common import (
    CONTEXT,
    emit,
    format_table,
    load_model,
    model_option,
    score_lexicon_option,
    warn_not_english,
)

COMPARE_COLUMNS = [  # (key, table header)
    ("file", "file"), ("score", "score"), ("label", "label"),
    ("loaded_own_voice", "own-voice loaded"), ("loaded_quoted_reported", "quoted/reported loaded"),
    ("attributed_claims", "attributed"), ("distancing", "distancing"), ("report", "neutral verbs"),
    ("hedge", "hedges"), ("unverified", "unverified"), ("scare_quotes", "scare quotes"),
]


def _display_names(files: tuple[str, ...]) -> list[str]:
    names = [Path(f).name if f != "-" else "-" for f in files]
    return names if len(set(names)) == len(names) else list(files)


@click.command("compare", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Aligned text table, JSON, or CSV (one row per article).")
@click.option("-o", "--output", metavar="PATH", help="Write here instead of stdout.")
@model_option
@score_lexicon_option
def command(files, fmt, output, model_dir, lexicons) -> None:
    """Compare how several articles (say, outlets reporting the same event) frame it.

    One row per article: score and label; loaded terms in the outlet's own voice
    (narrator and headline) and inside quotes or reported speech; attributed claims
    (neutral report verbs + distancing + endorsing + sourcing); distancing verbs
    ('claimed', 'alleged') vs neutral report verbs ('said'); hedges; unverified markers
    ('could not be independently verified'); scare quotes. Then, per article, the loaded
    terms it uses that none of the others do.

    JSON: {model, lexicons: [{name, path, sha256, terms}], articles: [...]}, each article
    with looks_english (false: the text does not look like English, and its score means
    little). With --lexicon, the table ends with the lexicons in force and their SHA-256,
    and the CSV has a 'lexicons' column ('model:<sha256>;my_terms.csv:<sha256>').

    \b
    Examples:
      framescore compare outlet_a.txt outlet_b.txt outlet_c.txt
      framescore compare coverage/*.txt --format csv -o comparison.csv
      framescore compare outlet_a.txt outlet_b.txt --lexicon my_terms.csv
    """
    if len(files) < 2:
        raise click.UsageError("compare needs at least two articles")
    if list(files).count("-") > 1:
        raise click.UsageError("stdin (-) can be read only once")
    texts = [read_article(f)[0] for f in files]
    model = load_model(model_dir, lexicons)
    from ..compare import compare_rows
    from ..overlay import lexicon_sources, lexicons_tag

    rows = compare_rows(list(zip(_display_names(files), texts, strict=True)), model)
    if fmt == "json":
        content = json.dumps({"model": str(model.path or ""), "lexicons": lexicon_sources(model),
                              "articles": rows}, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        keys = [k for k in rows[0] if k not in ("loaded_terms", "unique_loaded_terms")]
        w = csv.writer(buf, lineterminator="\n")
        tag = [lexicons_tag(model)] if lexicons else []
        w.writerow([*keys, "loaded_terms", "unique_loaded_terms", *(["lexicons"] if tag else [])])
        for r in rows:
            w.writerow([*(r[k] for k in keys), "; ".join(r["loaded_terms"]),
                        "; ".join(r["unique_loaded_terms"]), *tag])
        content = buf.getvalue()
    else:
        table = format_table([h for _, h in COMPARE_COLUMNS],
                             [[r[k] for k, _ in COMPARE_COLUMNS] for r in rows])
        lines = [table, "", "Loaded terms no other article uses:"]
        width = max(len(r["file"]) for r in rows)
        for r in rows:
            lines.append(f"  {r['file']:<{width}}  {', '.join(r['unique_loaded_terms']) or '-'}")
        if lexicons:
            lines += ["", "Lexicons in force (SHA-256):"]
            lines += [f"  {s['name']}  {s['sha256']}  {s['terms']} terms"
                      for s in lexicon_sources(model)]
        content = "\n".join(lines) + "\n"
    emit(content, output)
    warn_not_english(sum(not r["looks_english"] for r in rows), len(rows), "articles")
