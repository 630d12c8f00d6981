"""``framescore lexicon list|validate|show``: the lexicon files (:mod:`framescore.lexicon`)."""

from __future__ import annotations

import textwrap
from collections import Counter

import click

from .common import (
    CONTEXT,
    FramescoreGroup,
    emit,
    error_line,
    format_table,
    lexicon_option,
    load_model,
    one_line,
)


@click.group("lexicon", cls=FramescoreGroup, context_settings=CONTEXT)
def command() -> None:
    """List, validate and look up lexicon files.

    A lexicon is a UTF-8 CSV file, one term a row, with the header
    term,category[,neutral][,note][,not_before]. Categories report, distancing, endorsing,
    hedge, unverified and sourcing are attribution patterns; any other category
    ([a-z][a-z0-9_]*) is a category of loaded terms. Terms match case-insensitively after
    stemming ('martyr' matches 'martyrs'); 'neutral' is the alternative wording used for
    counterfactual scores; 'not_before' lists |-separated words after which a match does
    not count ('claimed' before 'the lives').

    \b
    Examples:
      framescore lexicon list
      framescore lexicon list --model models/mine
      framescore lexicon show "usurping entity"
      framescore lexicon validate my_terms.csv
    """


def _category_summary(entries) -> str:
    counts = Counter(e.category for e in entries)
    return ", ".join(f"{c} ({n})" for c, n in counts.items())


@command.command("list", context_settings=CONTEXT)
@lexicon_option
@click.option("--model", "model_dir", metavar="DIR",
              help="Show this trained model's lexicon instead (the one it scores with, learned "
                   "terms included), with the weight of each category by voice; --lexicon "
                   "files are then added to it as 'score --lexicon' adds them.")
@click.option("--terms", is_flag=True,
              help="List every term instead, as lexicon CSV (term, category, neutral, note, "
                   "not_before, source, weight).")
def list_command(lexicons, model_dir, terms) -> None:
    """List lexicon files with their categories and term counts.

    Shows the built-in lexicons, then any --lexicon files. With --model, a trained model's
    lexicon: its SHA-256 (what 'score --lexicon' records as 'model'), the files it was
    built from, and per category its terms and the weight one match adds to its
    sentence's logit in each voice (narrator, title, quoted, reported). A term added at
    scoring time ('score --lexicon') is scored with these weights; a category without
    them cannot be added to.

    \b
    Examples:
      framescore lexicon list --lexicon my_terms.csv
      framescore lexicon list --model models/mine
      framescore lexicon list --model models/mine --lexicon my_terms.csv --terms > all.csv
    """
    if model_dir is not None or terms:
        emit(_model_listing(model_dir, lexicons, terms) if model_dir is not None
             else _terms_csv([e for p in _paths(lexicons) for e in _entries(p)]), None)
        return
    from ..lexicon import ATTRIBUTION_TYPES

    blocks = []
    for path in _paths(lexicons):
        entries = _entries(path)
        counts = Counter(e.category for e in entries)
        rows = [[c, n, "attribution" if c in ATTRIBUTION_TYPES else "loaded"]
                for c, n in counts.items()]
        blocks.append(f"{path}: {len(entries)} terms\n"
                      + format_table(["category", "terms", "kind"], rows))
    emit("\n\n".join(blocks) + "\n", None)


def _paths(lexicons):
    from ..lexicon import lexicon_paths

    return lexicon_paths(lexicons)


def _entries(path):
    from ..lexicon import load_entries

    return load_entries(path)


def _terms_csv(entries) -> str:
    """Entries as lexicon CSV, with their source file and weight."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["term", "category", "neutral", "note", "not_before", "source", "weight"])
    for e in entries:
        w.writerow([e.term, e.category, e.neutral, e.note, e.not_before, e.source,
                    f"{e.weight:g}"])
    return buf.getvalue()


def _model_listing(model_dir: str, lexicons, terms: bool) -> str:
    """``lexicon list --model``: the model's lexicon (with ``lexicons`` added), as a table
    of categories with their weights by voice, or (``terms``) as lexicon CSV."""
    from ..lexicon import ATTRIBUTION_TYPES
    from ..overlay import VOICES, category_weights, lexicon_sources

    model = load_model(model_dir, lexicons)
    entries = list(model.features.lexicon.entries.values())
    if terms:
        return _terms_csv(entries)
    counts = Counter(e.category for e in entries)
    weights = category_weights(model)
    order = [c for c in weights if c not in ATTRIBUTION_TYPES] + [
        c for c in ATTRIBUTION_TYPES if c in weights]
    rows = [[c, counts.get(c, 0), "attribution" if c in ATTRIBUTION_TYPES else "loaded",
             *(f"{weights[c][v]:+.3f}" if v in weights[c] else "-" for v in VOICES)]
            for c in order]
    sources = lexicon_sources(model)
    files = model.features.lexicon_files_
    learned = counts.get("learned", 0)
    lines = [f"{model_dir}: {sources[0]['terms']} terms, lexicon SHA-256 {sources[0]['sha256']}"]
    built = ", ".join(f"{name} ({sha[:12]}…)" for name, sha in files.items()
                      if name not in {s["name"] for s in sources[1:]})
    if built or learned:
        lines.append("  built from " + (built or "no files")
                     + (f"; {learned} learned terms" if learned else ""))
    for s in sources[1:]:
        lines.append(f"  + {s['path']}: {s['terms']} terms, SHA-256 {s['sha256']}")
    lines += ["", format_table(["category", "terms", "kind", *VOICES], rows), "",
              textwrap.fill("Weights: what one match adds to its sentence's logit, by voice "
                            "(an article's logit is the mean of its sentences'); a learned "
                            "term's, times its own weight. '-': an attribution pattern "
                            "inside a quote counts for nothing.", width=88)]
    return "\n".join(lines) + "\n"


@command.command("validate", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.pass_context
def validate_command(ctx: click.Context, paths) -> None:
    """Check lexicon files; report the first problem of each as file:line: reason.

    Checks the header (term and category columns), the field count of every row, each
    term's characters, each category's name, and duplicate terms (the same after
    stemming). Exits 1 if any file is malformed.

    \b
    Example:
      framescore lexicon validate my_terms.csv
    """
    from ..lexicon import LexiconError, load_entries

    failed = False
    for path in paths:
        try:
            entries = load_entries(path)
        except LexiconError as exc:
            error_line(one_line(str(exc)))
            failed = True
            continue
        click.echo(f"ok: {len(entries)} terms, categories {_category_summary(entries)} "
                   f"({path})")
    if failed:
        ctx.exit(1)


@command.command("show", context_settings=CONTEXT)
@click.argument("term")
@lexicon_option
@click.pass_context
def show_command(ctx: click.Context, term: str, lexicons) -> None:
    """Show where TERM is defined: file and line, category, neutral alternative, note.

    TERM matches as the lexicon does (case-insensitive, after stemming), so 'Martyrs'
    finds 'martyr'. When several files define it, the last one is the one in effect.
    Exits 1 if no lexicon has it.

    \b
    Example:
      framescore lexicon show "freedom fighters" --lexicon my_terms.csv
    """
    from ..lexicon import find_term, lexicon_paths, stem_words

    if not stem_words(term):
        raise click.BadParameter("needs at least one word", param_hint="TERM")
    paths = lexicon_paths(lexicons)
    found = find_term(term, paths)
    if not found:
        error_line(f"{term!r} is in none of the lexicons ({', '.join(map(str, paths))})")
        ctx.exit(1)
    blocks = []
    for k, (path, e) in enumerate(found):
        kind = "attribution pattern" if e.is_attribution else "loaded term"
        lines = [f"{e.term}  ({path}:{e.line})",
                 f"  category:   {e.category} ({kind})",
                 f"  neutral:    {e.neutral or '-'}",
                 f"  note:       {e.note or '-'}"]
        if e.not_before:
            lines.append(textwrap.fill(e.not_before.replace("|", ", "), width=88,
                                       initial_indent="  not before: ",
                                       subsequent_indent=" " * 14, break_on_hyphens=False))
        if len(found) > 1:
            lines.append("  (in effect)" if k == len(found) - 1 else "  (overridden by a later "
                                                                      "file)")
        blocks.append("\n".join(lines))
    emit("\n\n".join(blocks) + "\n", None)
