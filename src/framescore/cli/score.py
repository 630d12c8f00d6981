"""``framescore score``: score records in input order, streamed in chunks
(:func:`framescore.batch.score_records`), written as JSONL, CSV, TSV or Parquet."""

from __future__ import annotations

import sys
from contextlib import ExitStack

import click

from ..inputs import INPUT_FORMATS
from .common import (
    CONTEXT,
    batch_options,
    info,
    load_model,
    model_option,
    progress,
    report_skipped,
    score_lexicon_option,
    sep_option,
    warn_not_english,
)


@click.command("score", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", metavar="PATH",
              help="Write here instead of stdout (atomically: the file appears when complete).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "tsv", "parquet"]),
              help="Output format. Default: from the -o extension (.jsonl .csv .tsv .parquet), "
                   "else jsonl.")
@click.option("--text-col", default="text", show_default=True, metavar="COL",
              help="Text column of CSV/TSV/JSONL/Parquet input.")
@click.option("--id-col", metavar="COL", help="Column whose value becomes the output's 'id'.")
@click.option("--keep-col", "keep_cols", multiple=True, metavar="COL",
              help="Copy this input column into every output row (after id/row), so scores "
                   "can be grouped without a join; repeatable. Values are written as text; "
                   "a JSONL line without it, or a .txt input, has none.")
@sep_option
@click.option("--input-format", "input_fmt", type=click.Choice(INPUT_FORMATS),
              help="Read every INPUT (and stdin) as this format, whatever its name; a folder "
                   "then stands for its files of this format. Default: from each file's "
                   "extension (compressed .gz .bz2 .xz .zst too); a folder stands for its "
                   ".txt files; stdin is one article.")
@click.option("--level", type=click.Choice(["article", "sentence"]), default="article",
              show_default=True, help="One output row per record, or per sentence.")
@model_option
@score_lexicon_option
@batch_options("Score", "output")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail",
              show_default=True,
              help="On a record that cannot be scored (empty or missing text, unreadable "
                   ".txt file, malformed or non-UTF-8 JSONL line, CSV row with too many "
                   "fields): stop with an error, or "
                   "skip it and go on. A table that cannot be read at all (no such column, "
                   "not UTF-8 CSV, not Parquet) stops the run either way.")
@click.option("--errors", "errors_path", metavar="PATH",
              help="With --on-error skip: write skipped records here as JSONL (source, row, "
                   "id, reason). Default: OUTPUT.errors.jsonl with -o, else lines on stderr.")
@click.option("--spans", "spans_path", metavar="PATH",
              help="Also write every matched span of the scored records here, one row per "
                   "span (start, end, text, feature, category, voice, sentence, "
                   "contribution, neutral), with the scores' id/row/source columns. Format "
                   "from the extension.")
@click.option("--contributions", "contributions_path", metavar="PATH",
              help="Also write each scored record's non-zero features here, one row per "
                   "feature (feature, value, weight, contribution: intercept + the sum of "
                   "contribution is the record's logit). Format from the extension.")
def command(inputs, output, fmt, text_col, id_col, keep_cols, sep, input_fmt, level, model_dir,
            lexicons, jobs, scheduler, chunk_size, on_error, errors_path, spans_path,
            contributions_path) -> None:
    """Score articles: one output record per input record, in input order.

    INPUT is a .txt file (one article; its id is the file name), a folder (walked
    recursively for its .txt files; with --input-format csv, jsonl or parquet, for its
    tables of that format instead), a CSV/TSV/JSONL/Parquet table (one article a row, text
    in --text-col), or - for one article on stdin (a table with --input-format). Files
    compressed with gzip, bzip2, xz or zstd (news.csv.gz, news.jsonl.xz) are read by their
    extension (.zst needs the zstandard package).

    Each record gets 'id' (the --id-col value or the file name) or 'row' (0-based row in
    its table), 'source' when several files are read, 'score' (probability of framed),
    'label' (framed/neutral at the model's threshold), 'logit', 'sentences' and counts:
    loaded terms by voice (loaded_narrator, loaded_quoted, loaded_reported, loaded_title),
    attributions by type (attribution_report, _distancing, _endorsing, _hedge, _unverified,
    _sourcing) and scare_quotes, then 'looks_english' (false for a text that does not look
    like English: its score means little; the run warns with a count). With --level
    sentence: one row per sentence with 'sentence' (index), 'start' and 'end' (character
    offsets into the text) and 'text' (the sentence). With --lexicon, every row has
    'lexicons' too: the lexicons in force with their SHA-256,
    'model:<sha256>;my_terms.csv:<sha256>'.

    --spans and --contributions write the exact explanations of the same records beside
    the scores, as long tables that join on id/row (and source): the spans say where in
    each text the features were found, the contributions add up to each logit.

    Input is streamed in chunks, so memory stays flat however large it is; a progress bar
    shows on a terminal. At the end, 'N records: S scored, K skipped' goes to stderr.

    \b
    Examples:
      framescore score article.txt
      framescore score news.csv --text-col body --id-col url -o scores.parquet -j 4
      framescore score corpus/ --on-error skip -o scores.jsonl  # + scores.jsonl.errors.jsonl
      cat article.txt | framescore score - --level sentence
      zcat news.jsonl.gz | framescore score - --input-format jsonl --id-col url
      framescore score big.jsonl -o scores.parquet --scheduler tcp://scheduler:8786
      framescore score news.csv -o scores.csv --spans spans.csv --contributions contrib.csv
      framescore score news.csv --keep-col outlet --keep-col date -o scores.csv
      framescore score news.csv --lexicon my_terms.csv -o scores.csv
    """
    from ..writers import output_format

    if scheduler and jobs > 1:
        raise click.UsageError("use either -j/--jobs or --scheduler, not both")
    if output == "-":
        output = None
    if fmt is None:
        fmt = "jsonl"
        if output:
            fmt = output_format(output)
            if fmt is None:
                raise click.UsageError(
                    f"cannot tell the output format from {output!r}; name it .jsonl, .csv, "
                    ".tsv or .parquet, or pass --format")
    if fmt == "parquet" and not output:
        raise click.UsageError("Parquet output needs -o FILE.parquet")
    if errors_path and on_error != "skip":
        raise click.UsageError("--errors needs --on-error skip")
    if list(inputs).count("-") > 1:
        raise click.UsageError("stdin (-) can be read only once")
    tables = {name: path for name, path in (("spans", spans_path),
                                            ("contributions", contributions_path)) if path}
    for name, path in tables.items():
        if output_format(path) is None:
            raise click.UsageError(f"cannot tell the format of --{name} {path!r} from its "
                                   "name; name it .jsonl, .csv, .tsv or .parquet")
    skip = on_error == "skip"
    if skip and errors_path is None and output:
        errors_path = f"{output}.errors.jsonl"
    if scheduler:
        from ..batch import dask_installed

        if not dask_installed():
            raise click.UsageError("--scheduler needs the dask extra: pip install "
                                   "'framescore[dask]'")
    if input_fmt == "tsv" and not sep:
        sep = "\t"

    from .. import batch
    from ..corpus import read_chunks
    from ..inputs import TABLE_KINDS, InputFormatError, input_files
    from ..writers import RecordWriter, atomic_open, atomic_path

    files = input_files(inputs, input_fmt)
    kinds = {f.path: f.kind for f in files}
    keep = tuple(dict.fromkeys(keep_cols))
    if keep and not any(f.kind in TABLE_KINDS for f in files):
        raise click.UsageError("--keep-col copies columns of table input (CSV, TSV, JSONL, "
                               "Parquet); the inputs are all articles")
    with ExitStack() as stack:
        if jobs > 1:
            batch.worker_context()  # the fork server imports framescore while the parent does
        # a bad model, or lexicon, fails here, before any worker starts
        model = load_model(model_dir, lexicons)
        pool = stack.enter_context(batch.worker_pool(model, jobs)) if jobs > 1 else None
        meta = batch.meta_columns(files, id_col)
        scores = {**batch.score_columns(model, level), **batch.record_columns(bool(lexicons))}
        clash = sorted(set(keep) & (set(meta) | set(scores)))
        if clash:
            raise click.UsageError(f"--keep-col {clash[0]}: the output has a column of that "
                                   "name already")
        columns = {**meta, **dict.fromkeys(keep, "string"), **scores}
        total = scored = skipped = not_english = 0
        tag = None
        if lexicons:
            from ..overlay import lexicons_tag

            tag = lexicons_tag(model)

        def writer_of(fmt: str, columns: dict[str, str], path: str | None) -> RecordWriter:
            if fmt == "parquet":
                writer = RecordWriter(fmt, columns, path=stack.enter_context(atomic_path(path)))
            elif path:
                writer = RecordWriter(fmt, columns,
                                      stream=stack.enter_context(atomic_open(path)))
            else:
                writer = RecordWriter(fmt, columns, stream=sys.stdout)
            return stack.enter_context(writer)

        writer = writer_of(fmt, columns, output)
        errors = None
        if skip and errors_path:
            errors = writer_of("jsonl", {"source": "string", "row": "int", "id": "string",
                                         "reason": "string"}, errors_path)
        table_writers = [writer_of(output_format(path), {**meta, **batch.TABLE_COLUMNS[name]},
                                   path) for name, path in tables.items()]
        bar = stack.enter_context(progress("records"))
        chunks = read_chunks(files, text_col=text_col, id_col=id_col, sep=sep, skip=skip,
                             size=chunk_size, stdin_is_text=input_fmt == "txt", keep=keep)
        try:
            for part in batch.score_records(chunks, model, level=level, meta=meta, keep=keep,
                                            tables=tuple(tables), pool=pool,
                                            scheduler=scheduler, lexicons=tag):
                if part.scores is not None:
                    writer.write(part.scores)
                    for table_writer, table in zip(table_writers, part.tables, strict=True):
                        table_writer.write(table)
                if part.bad:
                    report_skipped(part.bad, errors, bar, kinds)
                total += len(part.records)
                scored += len(part.valid)
                skipped += len(part.bad)
                not_english += part.not_english
                bar.update(len(part.records))
        except InputFormatError as exc:
            raise click.UsageError(str(exc)) from None
    info(f"{total} records: {scored} scored, {skipped} skipped")
    warn_not_english(not_english, scored, "records")
    if skipped and errors_path:
        info(f"skipped records (with their reasons) are in {errors_path}")
