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
      framescore lexicon show "usurping entity"
      framescore lexicon validate my_terms.csv
    """


def _category_summary(entries) -> str:
    counts = Counter(e.category for e in entries)
    return ", ".join(f"{c} ({n})" for c, n in counts.items())


@command.command("list", context_settings=CONTEXT)
@lexicon_option
def list_command(lexicons) -> None:
    """List lexicon files with their categories and term counts.

    Shows the built-in lexicons, then any --lexicon files.

    \b
    Example:
      framescore lexicon list --lexicon my_terms.csv
    """
    from ..lexicon import ATTRIBUTION_TYPES, lexicon_paths, load_entries

    blocks = []
    for path in lexicon_paths(lexicons):
        entries = load_entries(path)
        counts = Counter(e.category for e in entries)
        rows = [[c, n, "attribution" if c in ATTRIBUTION_TYPES else "loaded"]
                for c, n in counts.items()]
        blocks.append(f"{path}: {len(entries)} terms\n"
                      + format_table(["category", "terms", "kind"], rows))
    emit("\n\n".join(blocks) + "\n", None)


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
