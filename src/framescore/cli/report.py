"""``framescore report``: a corpus framing report by group, written into a folder
(:class:`framescore.corpus_report.CorpusReport` over chunks explained by
:func:`framescore.report_chunks.explained_chunks`, or over ``framescore score``'s output read
back by :func:`framescore.report_input.read_scored`; then
:func:`framescore.report_files.write_report`)."""

from __future__ import annotations

import errno
from contextlib import ExitStack
from pathlib import Path

import click

from .common import (
    CONTEXT,
    batch_options,
    info,
    load_model,
    model_option,
    progress,
    report_skipped,
    sep_option,
    warn,
)


def _check_report_target(output: str) -> None:
    """Refuse a file, or a folder that is not empty and holds no report."""
    from ..report_files import REPORT_FILE

    target = Path(output)
    if target.exists():
        if not target.is_dir():
            raise FileExistsError(errno.EEXIST, "exists and is not a folder", str(target))
        if any(target.iterdir()) and not (target / REPORT_FILE).exists():
            raise FileExistsError(errno.EEXIST, "folder exists, is not empty and holds no "
                                  "framescore report; choose another -o", str(target))


def _command_line(ctx: click.Context) -> str:
    """The command as given (its arguments, then the options set on the command line or
    from the environment), for report.json."""
    import shlex

    given = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)
    words = [*ctx.command_path.split()]
    for param in sorted(ctx.command.params, key=lambda p: not isinstance(p, click.Argument)):
        value = ctx.params.get(param.name)
        if ctx.get_parameter_source(param.name) not in given:
            continue
        if isinstance(param, click.Argument):
            words += [str(v) for v in value]
            continue
        opt = max(param.opts, key=len)
        if getattr(param, "is_flag", False):
            words.append(opt if value else (param.secondary_opts or [opt])[0])
        else:
            words += [w for v in (value if param.multiple else [value]) for w in (opt, str(v))]
    return shlex.join(words)


@click.command("report", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", required=True, metavar="DIR",
              help="Folder to write the report into (created; an earlier report there is "
                   "replaced; another non-empty folder is refused).")
@click.option("--group-col", metavar="COL",
              help="Column of table input that names each article's group (an outlet).")
@click.option("--group-from", type=click.Choice(["column", "parent", "file"]),
              help="Where the group comes from: --group-col's column (the default with "
                   "--group-col), the name of each file's folder (parent: folders of .txt "
                   "files, one folder per outlet), or each input file's name (file).")
@click.option("--spans", "spans_path", metavar="SPANS",
              help="Report on scores made already: INPUT is the table that 'framescore score "
                   "-o SCORES --spans SPANS' wrote and SPANS its spans table; they are added "
                   "up, not scored again (see the text above).")
@click.option("--text-col", default="text", show_default=True, metavar="COL",
              help="Text column of table input (with --spans: of the scores, if kept).")
@click.option("--id-col", metavar="COL",
              help="Column whose value names each article (default: file name, or "
                   "FILE:ROW for table rows).")
@click.option("--time-col", metavar="COL",
              help="Column with each article's date (any format pandas reads): adds the "
                   "over-time plots and timeline.csv.")
@click.option("--keep-col", "keep_cols", multiple=True, metavar="COL",
              help="Copy this column of table input into articles.csv. Repeatable.")
@sep_option
@model_option
@batch_options("Explain", "report")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail",
              show_default=True, help="On a record that cannot be scored: stop, or skip it "
                                      "(named on stderr, counted in report.json).")
@click.option("--min-articles", type=click.IntRange(min=1), default=10, show_default=True,
              help="Groups with fewer articles are flagged and not ranked.")
@click.option("--top-terms", type=click.IntRange(min=1), default=30, show_default=True,
              help="Loaded terms in the page's term × group matrix.")
@click.option("--top-articles", type=click.IntRange(min=0), default=3, show_default=True,
              help="Most and least framed articles listed (and explained) per group.")
@click.option("--bootstrap", type=click.IntRange(min=100), default=2000, show_default=True,
              help="Bootstrap resamples for the 95% intervals of the mean scores.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the bootstrap and of the plotted samples.")
@click.option("--title", default="framescore corpus report", show_default=True,
              help="Title of the page.")
@click.pass_context
def command(ctx, inputs, output, group_col, group_from, spans_path, text_col, id_col, time_col,
            keep_cols, sep, model_dir, jobs, scheduler, chunk_size, on_error, min_articles,
            top_terms, top_articles, bootstrap, seed, title) -> None:
    """Report how groups of articles (outlets) frame: who adopts which loaded labels in
    their own voice, and who quotes or attributes them.

    INPUT is what 'framescore score' reads: tables (CSV/TSV/JSONL/Parquet, one article a
    row, the group in --group-col) or folders of .txt files (--group-from parent: the
    folder's name is the group; --group-from file: each file is its own group). Input is
    streamed and added up chunk by chunk, so memory stays flat however large it is; -j N
    explains it in N worker processes, --scheduler on a Dask cluster.

    With --spans SPANS, INPUT is instead the output of 'framescore score -o SCORES --spans
    SPANS' (one scores table, article level), so that a corpus is not scored twice: the
    scores and the spans are joined in order and added up, with the same numbers as a report
    on the original input. The group, time and kept columns are columns of SCORES (keep them
    with 'score --keep-col'). The texts are needed for words (rates per 1,000 words) and the
    explanation pages: keep them too ('score --keep-col text'), or the report goes without.
    Spans that do not add up to the scores' counts, or labels that are not the model's,
    stop the run: pass the --model that scored them.

    \b
    DIR gets:
      index.html    one self-contained page: per-group tables (articles, mean score with a
                    95% bootstrap interval, share framed, loaded terms per 1,000 words by
                    voice, attribution profile), plots (score distributions, own-voice vs
                    attributed loaded terms, over time with --time-col), the term × group
                    matrix with example sentences, adopted labels, and each group's most
                    and least framed articles, explained in articles/
      groups.csv    one row per group (the page's numbers)
      terms.csv     group, term, category, voice, count, articles
      articles.csv  one row per article: group, score, label, counts
      adopted.csv   loaded terms a group uses in its own voice that most others do not
      report.json   model and lexicon hashes, the command, input hashes, counts

    \b
    Examples:
      framescore report news.csv --group-col outlet --time-col date -o report/
      framescore report corpus/ --group-from parent -o report/ -j 4
      framescore score news.csv --keep-col outlet --keep-col text -o scores.jsonl \\
          --spans spans.jsonl
      framescore report scores.jsonl --spans spans.jsonl --group-col outlet -o report/
    """
    from ..inputs import TABLE_KINDS, input_files

    if group_from is None:
        group_from = "column" if group_col else None
    if group_from is None:
        raise click.UsageError("pass --group-col COL (tables) or --group-from parent|file")
    if group_from == "column" and not group_col:
        raise click.UsageError("--group-from column needs --group-col COL")
    if group_col and group_from != "column":
        raise click.UsageError(f"--group-col and --group-from {group_from} conflict")
    if "-" in inputs:
        raise click.UsageError("report reads files and folders, not stdin (-)")
    if scheduler and jobs > 1:
        raise click.UsageError("use either -j/--jobs or --scheduler, not both")
    if spans_path:
        if jobs > 1 or scheduler:
            raise click.UsageError("--spans input is scored already: -j and --scheduler do "
                                   "not apply")
        if id_col:
            raise click.UsageError("--id-col does not apply to --spans input: the scores' "
                                   "id column names the articles")
        if len(inputs) != 1:
            raise click.UsageError("with --spans, INPUT is the one scores table that "
                                   "'framescore score -o' wrote")
    if scheduler:
        from ..batch import dask_installed

        if not dask_installed():
            raise click.UsageError("--scheduler needs the dask extra: pip install "
                                   "'framescore[dask]'")
    files = input_files(inputs)
    tables = [f.path for f in files if f.kind in TABLE_KINDS]
    if spans_path and (len(files) != 1 or not tables):
        raise click.UsageError("with --spans, INPUT is the one scores table (CSV, TSV, JSONL "
                               "or Parquet) that 'framescore score -o' wrote")
    if group_from == "column" and len(tables) < len(files):
        raise click.UsageError("--group-col reads tables; for .txt files use --group-from "
                               "parent or file")
    if (time_col or keep_cols) and not tables:
        raise click.UsageError("--time-col and --keep-col read columns of table input")
    if not spans_path:
        _refuse_scored_input(tables, text_col, sep)
    keep = tuple(dict.fromkeys(keep_cols))
    _check_report_target(output)

    from ..corpus_report import CorpusReport
    from ..report_files import write_report
    from ..writers import atomic_dir

    with ExitStack() as stack:
        folder = stack.enter_context(atomic_dir(output))
        model = load_model(model_dir)
        articles = stack.enter_context(open(folder / "articles.csv", "wb"))
        totals = CorpusReport(model, min_articles=min_articles, top_articles=top_articles,
                              top_terms=top_terms, seed=seed, n_boot=bootstrap,
                              articles_csv=articles)
        bar = stack.enter_context(progress("records"))
        options = {"group_from": group_from, "group_col": group_col, "time_col": time_col,
                   "text_col": text_col}
        if spans_path:
            default_text = (ctx.get_parameter_source("text_col")
                            == click.core.ParameterSource.DEFAULT)
            options.update(_add_scored(totals, model, files[0].path, spans_path, bar,
                                       group_from=group_from, group_col=group_col,
                                       time_col=time_col, keep=keep, text_col=text_col,
                                       text_optional=default_text, sep=sep,
                                       chunk_size=chunk_size))
            read = [files[0].path, spans_path]
        else:
            _add_records(stack, totals, model, files, bar, group_from=group_from,
                         group_col=group_col, time_col=time_col, keep=keep, text_col=text_col,
                         id_col=id_col, sep=sep, chunk_size=chunk_size,
                         skip=on_error == "skip", jobs=jobs, scheduler=scheduler)
            read = [f.path for f in files]
        result = totals.result(options=options)
        write_report(folder, result, model, command=_command_line(ctx), inputs=read,
                     title=title, top_terms=top_terms)
    c = result.counts
    info(f"{c['records']} records: {c['scored']} scored, {c['skipped']} skipped; "
         f"{c['groups']} groups")
    info(f"wrote {output}/index.html and the tables beside it")


def _refuse_scored_input(tables: list[str], text_col: str, sep: str | None) -> None:
    """A table that looks like 'framescore score' output (and has no text column) is a usage
    error that names --spans; with a text column, a warning (it is scored again)."""
    from ..report_input import SCORE_COLUMNS, table_columns

    for path in tables:
        columns = table_columns(path, sep) or []
        if not set(SCORE_COLUMNS) <= set(columns):
            continue
        if text_col not in columns:
            raise click.UsageError(
                f"{path} looks like the output of 'framescore score' (no column {text_col!r}); "
                "to report on it without scoring again, pass its spans table: --spans SPANS")
        warn(f"{path} looks like the output of 'framescore score'; its texts are scored "
             "again (pass its spans table with --spans SPANS to use its scores)")


def _add_records(stack: ExitStack, totals, model, files, bar, *, group_from, group_col,
                 time_col, keep, text_col, id_col, sep, chunk_size, skip, jobs,
                 scheduler) -> None:
    """Read the records of ``files`` in chunks, explain them (here, in ``jobs`` worker
    processes or on the Dask cluster at ``scheduler``) and add them to ``totals``."""
    from .. import batch
    from ..corpus import read_chunks
    from ..report_chunks import explained_chunks
    from ..report_input import file_name, group_of

    if jobs > 1:
        batch.worker_context()
    pool = stack.enter_context(batch.worker_pool(model, jobs)) if jobs > 1 else None
    read = tuple(dict.fromkeys(c for c in (group_col, time_col, *keep) if c))
    chunks = read_chunks(files, text_col=text_col, id_col=id_col, sep=sep, skip=skip,
                         size=chunk_size, keep=read)
    for chunk, scored in explained_chunks(chunks, model, pool, scheduler):
        bad = [r for r in chunk if r.text is None]
        if bad:
            totals.skip(len(bad))
            report_skipped(bad, None, bar)
        if scored is not None:
            records = [r for r in chunk if r.text is not None]
            extra = [r.extra or {} for r in records]
            totals.add(
                [r.text for r in records],
                [e.get(group_col) for e in extra] if group_from == "column"
                else [group_of(r, group_from) for r in records],
                ids=[r.key if r.key is not None else f"{file_name(r.source)}:{r.row}"
                     for r in records],
                sources=[r.source for r in records], rows=[r.row for r in records],
                times=[e.get(time_col) for e in extra] if time_col else None,
                extra={k: [e.get(k) for e in extra] for k in keep},
                explained=scored)
        bar.update(len(chunk))


def _add_scored(totals, model, scores: str, spans: str, bar, *, group_from, group_col,
                time_col, keep, text_col, text_optional, sep, chunk_size) -> dict:
    """Add up 'framescore score' output (``scores`` and ``spans``, joined in order) into
    ``totals``; return what report.json says of it."""
    from ..inputs import DataError
    from ..report_input import check_scored, file_name, group_of_source, read_scored

    need = [c for c in (group_col, time_col, *keep) if c]
    if not text_optional:
        need.append(text_col)
    texts_known = None
    for chunk in read_scored(scores, spans, size=chunk_size, sep=sep, need=need):
        cols, n = chunk.columns, len(chunk)
        if texts_known is None:
            texts_known = text_col in cols
            if not texts_known:
                warn(f"{scores} has no column {text_col!r} (keep the texts with 'framescore "
                     "score --keep-col text'): the report has no rates per 1,000 words and "
                     "no explanation pages")
            if group_from != "column" and "source" not in cols:
                raise DataError(f"{scores}: --group-from {group_from} needs its source "
                                "column, which 'framescore score' writes when it reads "
                                "several files")
        texts = cols[text_col] if texts_known else None
        if texts is not None and None in texts:
            raise DataError(f"{scores}: row {chunk.first_row + texts.index(None)} has no "
                            f"{text_col!r}")
        check_scored(chunk, model, texts, first=chunk.first_row == 0)
        sources = cols.get("source") or [scores] * n
        rows = cols.get("row") or list(range(chunk.first_row, chunk.first_row + n))
        ids = cols.get("id") or [None] * n
        totals.add(
            texts,
            cols[group_col] if group_from == "column"
            else [group_of_source(s, group_from) for s in sources],
            ids=[i if i is not None else f"{file_name(s)}:{r}"
                 for i, s, r in zip(ids, sources, rows, strict=True)],
            sources=sources, rows=rows, times=cols[time_col] if time_col else None,
            extra={k: cols[k] for k in keep}, explained=chunk.explained)
        bar.update(n)
    return {"input": "scored", "spans": spans, "texts": bool(texts_known),
            "model_check": "labels at the model's threshold"
                           + (", the first article scored again" if texts_known else "")}
