"""The ``framescore`` command line: score, explain, compare, lexicon, train, evaluate.

One function per command. Results go to stdout or ``-o PATH`` (written atomically); logs and
the progress bar (only on a terminal) go to stderr. Exit codes: 0 success, 1 runtime or data
error, 2 usage error. Every error is one line, ``framescore: error: <file>:<line>: <what>``,
with the traceback only under ``framescore --debug``.

The CLI calls the library; the library never imports this module.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import textwrap
import traceback
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from .corpus import (
    INPUT_FORMATS,
    DataError,
    Record,
    RecordError,
    combine_labeled,
    input_format,
    invalid_byte,
)
from .writers import RecordWriter, atomic_open, atomic_path, current_umask, output_format

PROG = "framescore"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
TABLE_KINDS = ("csv", "jsonl", "parquet")


# --- errors: one line, in one place ------------------------------------------------------------


def _one_line(message: str) -> str:
    return " ".join(part.strip() for part in str(message).splitlines() if part.strip())


def describe_error(exc: BaseException) -> str:
    """The one-line message of an error (without the ``framescore: error:`` prefix)."""
    from .lexicon import LexiconError
    from .persist import ModelError

    if isinstance(exc, DataError | LexiconError | ModelError):
        return _one_line(str(exc))
    if isinstance(exc, UnicodeDecodeError):
        return f"input is not valid UTF-8 ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        if exc.filename is not None:
            what = exc.strerror or str(exc)
            other = f" -> {exc.filename2}" if exc.filename2 else ""
            return _one_line(f"{exc.filename}{other}: {what}")
        return _one_line(exc.strerror or str(exc))
    if isinstance(exc, MemoryError):
        return "out of memory"
    if isinstance(exc, ValueError | TypeError | RuntimeError | KeyError | ImportError):
        text = str(exc) if not isinstance(exc, KeyError) else f"missing key {exc}"
        return _one_line(text) or type(exc).__name__
    return (f"unexpected {type(exc).__name__}: {_one_line(str(exc))} "
            f"(run 'framescore --debug ...' for the traceback)")


def _error_line(message: str) -> None:
    click.echo(f"{PROG}: error: {message}", err=True)


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    settings = ctx.find_object(Settings)
    if value and settings is not None:
        settings.quiet = True


def quiet_option() -> click.Option:
    """``-q/--quiet`` of a command, the same as ``framescore --quiet COMMAND``."""
    return click.Option(["-q", "--quiet", "quiet_here"], is_flag=True, expose_value=False,
                        callback=_set_quiet,
                        help="No progress bar or log lines on stderr (as 'framescore -q').")


class FramescoreGroup(click.Group):
    """A click group whose errors are one line on stderr (the traceback only with --debug).
    Its commands, and those of its subgroups, take ``-q/--quiet`` too."""

    group_class = type  # subgroups (lexicon) are FramescoreGroups too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any("--quiet" in getattr(p, "opts", ()) for p in cmd.params):
            cmd.params.append(quiet_option())
        super().add_command(cmd, name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()  # the help text, not an error line
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else PROG
            _error_line(f"{_one_line(exc.format_message())} (see '{where} --help')")
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _error_line(_one_line(exc.format_message()))
            sys.exit(exc.exit_code)
        except click.Abort:
            _error_line("interrupted")
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(1)
        except Exception as exc:
            if ctx.params.get("debug"):
                traceback.print_exc(file=sys.stderr)
            _error_line(describe_error(exc))
            ctx.exit(1)


def _silence_stdout() -> None:
    """After a closed pipe (``framescore score ... | head``), stop writing to stdout quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


@dataclass
class Settings:
    debug: bool = False
    quiet: bool = False


def _settings() -> Settings:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Settings) if ctx is not None else None
    return obj or Settings()


def info(message: str) -> None:
    """A log line on stderr (suppressed by ``framescore --quiet``)."""
    if not _settings().quiet:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """A warning on stderr, ``framescore: warning: ...`` (printed even with ``--quiet``:
    it says that a result may mislead)."""
    click.echo(f"{PROG}: warning: {_one_line(message)}", err=True)


# --- shared options ----------------------------------------------------------------------------

model_option = click.option(
    "--model", "model_dir", metavar="DIR", envvar="FRAMESCORE_MODEL",
    help="Model directory (made by 'framescore train'). Default: $FRAMESCORE_MODEL, else the "
         "shipped default model.")

lexicon_option = click.option(
    "--lexicon", "lexicons", multiple=True, metavar="PATH",
    help="An extra lexicon CSV (term,category[,neutral,note,not_before]), added after the "
         "built-in ones; its entries override built-in ones for the same term. Repeatable.")


def labeled_options(func):
    """The options that read a labeled corpus (train, evaluate)."""
    for decorator in reversed([
        click.option("--text-col", default="text", show_default=True, metavar="COL",
                     help="Column with the texts."),
        click.option("--label-col", default="label", show_default=True, metavar="COL",
                     help="Column with the labels."),
        click.option("--positive", required=True, metavar="VALUE",
                     help="Label value meaning framed (becomes 1)."),
        click.option("--negative", metavar="VALUE",
                     help="Label value meaning neutral (becomes 0). Default: the one other "
                          "non-empty value (an error if there are several). Rows with other "
                          "labels are dropped and counted."),
        click.option("--group-col", metavar="COL",
                     help="Keep each group (e.g. outlet) on one side of every CV split."),
        click.option("--sep", metavar="SEP",
                     help="CSV delimiter (default: sniffed; 'tab' or '\\t' for tabs)."),
        click.option("--labels", "labels_file", metavar="FILE",
                     help="For a folder of .txt files: the labels table (with a 'file' column). "
                          "Default: labels.csv inside the folder."),
    ]):
        func = decorator(func)
    return func


def feature_options(func):
    """The feature and classifier settings (train, evaluate --cv); unset ones keep framescore's
    defaults (those of the shipped model, ``framescore.model.DEFAULT_PARAMS``)."""
    for decorator in reversed([
        lexicon_option,
        click.option("--ngrams/--no-ngrams", default=None,
                     help="Add (or leave out) the word n-gram block besides the lexicon "
                          "features. Default: on."),
        click.option("--voice/--no-voice", default=None,
                     help="Split loaded-term features by voice (narrator/quoted/reported/"
                          "title), or not. Default: on."),
        click.option("--C", "C", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Inverse regularization strength of the logistic regression. "
                          "Default: that of the shipped model."),
        click.option("--min-df", type=click.IntRange(min=1), default=None,
                     help="Keep n-grams seen in at least this many sentences. Default: 1."),
    ]):
        func = decorator(func)
    return func


def _params(lexicons, ngrams: bool | None, voice: bool | None, C: float | None,
            min_df: int | None) -> dict:
    """The settings given on the command line (the library fills in the rest)."""
    from .lexicon import load_entries

    for path in lexicons:  # a malformed lexicon fails now, with file:line, not after training
        load_entries(path)
    given = {"ngrams": ngrams, "voice": voice, "C": C, "min_df": min_df,
             "extra_lexicons": [str(p) for p in lexicons] or None}
    return {k: v for k, v in given.items() if v is not None}


@contextmanager
def _loading() -> Iterator[None]:
    """Import the library and load a model with the garbage collector off, then freeze what
    was made.

    Importing scikit-learn, SciPy and NLTK and loading a model make about a million
    long-lived objects; with the collector on, its full collections walk them again and
    again as they grow (0.5–0.9 s, when the start-up took 4–5 s). Frozen, they are left out
    of later collections.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def load_model(model_dir: str | None):
    """The model at ``model_dir`` (verified), or the shipped default model."""
    with _loading():
        from . import model as m

        return m.load(_model_path(model_dir))


def emit(content: str, output: str | None) -> None:
    """Write a result to ``output`` (atomically) or stdout."""
    if output and output != "-":
        with atomic_open(output) as fh:
            fh.write(content)
        info(f"wrote {output}")
    else:
        sys.stdout.write(content)
        sys.stdout.flush()


def read_stdin() -> str:
    """All of stdin as UTF-8, checked like a text file (whatever the locale's encoding)."""
    stream = getattr(sys.stdin, "buffer", None)
    raw = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    if b"\x00" in raw[:8192]:
        raise DataError("-: looks like binary data (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, offset, byte = invalid_byte(raw, exc)
        raise DataError(f"-:{line}: not valid UTF-8 (byte 0x{byte:02x} at offset {offset}); "
                        "convert the input to UTF-8") from None


def read_article(path: str) -> tuple[str, str]:
    """One article from a text file or stdin (``-``): (text, name)."""
    from .corpus import read_text_file

    kind = input_format(path)
    if kind == "stdin":
        text, name = read_stdin(), "-"
    elif kind == "txt":
        text, name = read_text_file(path), Path(path).name
    elif kind == "dir":
        raise DataError(f"{path}: is a folder; this command takes article files (.txt) or -; "
                        "use 'framescore score' for folders")
    else:
        raise DataError(f"{path}: is a {kind} table; this command takes article files (.txt) "
                        "or -; use 'framescore score' for tables")
    if not text.strip():
        raise DataError(f"{path}: empty text (nothing to score)")
    return text, name


# --- the group ---------------------------------------------------------------------------------


@click.group(PROG, cls=FramescoreGroup, context_settings=CONTEXT)
@click.option("--debug", is_flag=True, envvar="FRAMESCORE_DEBUG",
              help="On an error, print the full traceback too.")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress bar or log lines on stderr (errors are still printed).")
@click.version_option(package_name="framescore", prog_name=PROG)
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Score how far news texts present their claims as framed rather than neutral, and
    explain every score exactly.

    \b
    Typical session:
      framescore explain article.txt                  # why this article got its score
      framescore score articles/ -o scores.parquet    # a folder or table, streamed
      framescore compare outlet_a.txt outlet_b.txt    # one event, several outlets
      framescore train data.csv --text-col text --label-col label --positive framed -o models/mine
      framescore evaluate data.csv --positive framed --cv 5 --format json

    Results go to stdout or -o PATH; logs go to stderr. Exit codes: 0 ok, 1 runtime or data
    error, 2 usage error. Run 'framescore COMMAND --help' for each command.
    """
    ctx.obj = Settings(debug=debug, quiet=quiet)


def main(argv: list[str] | None = None) -> None:
    """The console script: ``framescore``."""

    def terminate(signum, frame):  # so that `kill` cleans up temporary files like Ctrl-C does
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    cli.main(args=argv, prog_name=PROG)


# --- score -------------------------------------------------------------------------------------


@dataclass
class _Input:
    path: str
    kind: str  # txt, stdin, csv, jsonl, parquet


def expand_inputs(inputs: tuple[str, ...], given: str | None = None) -> list[_Input]:
    """Files to read, in order, as corpus.iter_records reads them: a folder stands for its
    .txt files (with ``given``, an ``--input-format``, its files of that format), walked
    recursively (sorted); ``given`` is the format of every file and of stdin."""
    from .corpus import folder_files

    out: list[_Input] = []
    for inp in inputs:
        kind = input_format(inp, given)
        if kind != "dir":
            out.append(_Input(inp, kind))
            continue
        out += [_Input(str(p), input_format(p, given)) for p in folder_files(inp, given)]
    return out


def _where(rec: Record, kind: str | None = None) -> str:
    """``file: row N`` for a table record, ``file`` for an article file (``kind``: the
    file's format, when known; else its name's)."""
    from .corpus import format_of_name

    if (kind or format_of_name(rec.source)) in TABLE_KINDS:
        return f"{rec.source}: row {rec.row}"
    return rec.source


def _looks_like_json(text: str) -> bool:
    """Whether ``text`` (stdin, read as one article) starts with a JSON object line."""
    first = next((line for line in text.splitlines() if line.strip()), "").strip()
    if not (first.startswith("{") and first.endswith("}")):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _file_reason(path: str, exc: DataError) -> str:
    """A file-level error as a skip reason (the path is in the ``source`` field already)."""
    msg = str(exc)
    if msg.startswith(f"{path}:"):
        msg = msg[len(path) + 1 :].lstrip()
        msg = re.sub(r"^(\d+): ", r"line \1: ", msg)
    return msg


def read_chunks(files: list[_Input], *, text_col: str, id_col: str | None, sep: str | None,
                skip: bool, size: int, stdin_is_text: bool = False,
                keep: tuple[str, ...] = ()) -> Iterator[list[Record]]:
    """Records of every input in chunks of ``size``. Without ``skip``, the first record that
    cannot be scored stops the run with its file and row. Stdin read as one article that
    starts with a JSON object line is a usage error (a JSONL table piped without
    ``--input-format jsonl``), unless ``stdin_is_text`` (``--input-format txt``)."""
    from .corpus import iter_records

    chunk: list[Record] = []
    for f in files:
        try:
            if f.kind == "stdin":
                text = read_stdin()
                if not stdin_is_text and _looks_like_json(text):
                    raise click.UsageError(
                        "stdin looks like JSONL (a JSON object on its first line), not an "
                        "article: pass --input-format jsonl to read it as a table, or "
                        "--input-format txt to score it as one text")
                records = [Record("-", 0, "-", text, "") if text.strip()
                           else Record("-", 0, "-", None, "empty text")]
            else:
                records = iter_records([f.path], text_col, id_col, sep, skip_bad_lines=skip,
                                       as_format=f.kind, keep=keep)
            for rec in records:
                if rec.text is None and not skip:
                    raise RecordError(f"{_where(rec, f.kind)}: {rec.reason}")
                chunk.append(rec)
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
        except DataError as exc:
            article = f.kind in ("txt", "stdin")
            if skip and article:  # an unreadable article file is one skipped record
                chunk.append(Record(f.path, 0, Path(f.path).name, None,
                                    _file_reason(f.path, exc)))
            elif not skip and (article or isinstance(exc, RecordError)):
                raise DataError(f"{exc} (use --on-error skip to skip such records)") from None
            else:
                raise
    if chunk:
        yield chunk


def worker_context():
    """:func:`framescore.batch.worker_context` (batch imports the model: on first use)."""
    from .batch import worker_context as context

    return context()


def worker_pool(model, jobs: int):
    """:func:`framescore.batch.worker_pool` (batch imports the model: on first use)."""
    from .batch import worker_pool as pool

    return pool(model, jobs)


#: At most this many chunks are explained in the parent while the report's workers start.
_MAX_LOCAL_CHUNKS = 64


def _progress(unit: str):
    from tqdm import tqdm

    return tqdm(unit=f" {unit}", file=sys.stderr, dynamic_ncols=True,
                disable=_settings().quiet or not sys.stderr.isatty())


@cli.command(context_settings=CONTEXT)
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
@click.option("--sep", metavar="SEP",
              help="CSV input delimiter (default: sniffed; 'tab' or '\\t' for tabs).")
@click.option("--input-format", "input_fmt", type=click.Choice(INPUT_FORMATS),
              help="Read every INPUT (and stdin) as this format, whatever its name; a folder "
                   "then stands for its files of this format. Default: from each file's "
                   "extension (compressed .gz .bz2 .xz .zst too); a folder stands for its "
                   ".txt files; stdin is one article.")
@click.option("--level", type=click.Choice(["article", "sentence"]), default="article",
              show_default=True, help="One output row per record, or per sentence.")
@model_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Score in this many worker processes (same output as -j 1).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Score on an existing Dask cluster (e.g. tcp://10.0.0.5:8786) instead of "
                   "locally; needs the dask extra. Output is the same as a local run.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Records read, scored and written at a time.")
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
def score(inputs, output, fmt, text_col, id_col, keep_cols, sep, input_fmt, level, model_dir,
          jobs, scheduler, chunk_size, on_error, errors_path, spans_path, contributions_path
          ) -> None:
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
    _sourcing) and scare_quotes. With --level sentence: one row per sentence with
    'sentence' (index), 'start' and 'end' (character offsets into the text) and 'text'
    (the sentence).

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
    """
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

    if input_fmt == "tsv" and not sep:
        sep = "\t"
    files = expand_inputs(inputs, input_fmt)
    kinds = {f.path: f.kind for f in files}
    keep = tuple(dict.fromkeys(keep_cols))
    if keep and not any(f.kind in TABLE_KINDS for f in files):
        raise click.UsageError("--keep-col copies columns of table input (CSV, TSV, JSONL, "
                               "Parquet); the inputs are all articles")
    if scheduler:
        from .batch import dask_installed

        if not dask_installed():
            raise click.UsageError("--scheduler needs the dask extra: pip install "
                                   "'framescore[dask]'")
    with ExitStack() as stack:
        if jobs > 1:
            worker_context()  # the fork server imports framescore while the parent does
        model = load_model(model_dir)  # a bad model fails here, before any worker starts
        pool = stack.enter_context(worker_pool(model, jobs)) if jobs > 1 else None
        columns = _output_columns(model, files, level, id_col, keep)
        meta = {c: k for c, k in columns.items() if c in ("source", "id", "row")}
        total = scored = skipped = 0
        if fmt == "parquet":
            writer = RecordWriter(fmt, columns, path=stack.enter_context(atomic_path(output)))
        elif output:
            writer = RecordWriter(fmt, columns, stream=stack.enter_context(atomic_open(output)))
        else:
            writer = RecordWriter(fmt, columns, stream=sys.stdout)
        stack.enter_context(writer)
        errors = None
        if skip and errors_path:
            errors = stack.enter_context(RecordWriter(
                "jsonl", {"source": "string", "row": "int", "id": "string", "reason": "string"},
                stream=stack.enter_context(atomic_open(errors_path))))
        table_writers = [_table_writer(stack, path, model, name, meta)
                         for name, path in tables.items()]
        bar = stack.enter_context(_progress("records"))
        chunks = read_chunks(files, text_col=text_col, id_col=id_col, sep=sep, skip=skip,
                             size=chunk_size, stdin_is_text=input_fmt == "txt", keep=keep)
        from .batch import scored_chunks

        for chunk, scored_tables in scored_chunks(chunks, model, level, pool, scheduler,
                                                  tuple(tables)):
            valid = [r for r in chunk if r.text is not None]
            bad = [r for r in chunk if r.text is None]
            if scored_tables is not None:
                frame, *explained = scored_tables
                writer.write(_with_meta(frame, valid, meta, keep))
                for table_writer, table in zip(table_writers, explained, strict=True):
                    table_writer.write(_with_meta(table, valid, meta))
            if bad:
                _report_skipped(bad, errors, bar, kinds)
            total += len(chunk)
            scored += len(valid)
            skipped += len(bad)
            bar.update(len(chunk))
    info(f"{total} records: {scored} scored, {skipped} skipped")
    if skipped and errors_path:
        info(f"skipped records (with their reasons) are in {errors_path}")


def _table_writer(stack: ExitStack, path: str, model, name: str, meta: dict[str, str]
                  ) -> RecordWriter:
    """A writer of the explanation table ``name`` (spans or contributions) at ``path``
    (atomic, format from the extension), with the scores' ``meta`` columns first."""
    from .batch import TABLE_COLUMNS

    columns = {**meta, **TABLE_COLUMNS[name]}
    fmt = output_format(path)
    if fmt == "parquet":
        return stack.enter_context(RecordWriter(fmt, columns,
                                                path=stack.enter_context(atomic_path(path))))
    return stack.enter_context(RecordWriter(fmt, columns,
                                            stream=stack.enter_context(atomic_open(path))))


def _model_path(model_dir: str | None) -> Path:
    """The model directory ``load_model`` loads (its error when there is no default model)."""
    from . import persist as m

    if model_dir is not None:
        path = Path(model_dir)
        if not path.exists():
            raise m.ModelError(f"{model_dir}: no such directory (a model is a folder made by "
                               "'framescore train')")
        if not path.is_dir():
            raise m.ModelError(f"{model_dir}: is a file, not a model directory (a folder made "
                               "by 'framescore train')")
        return path
    default = m.default_model_dir()
    if not (default / m.MANIFEST_FILE).exists():
        raise m.ModelError(f"{default}: no shipped default model installed; pass "
                           "--model DIR (a folder made by 'framescore train')")
    return default


def _output_columns(model, files: list[_Input], level: str, id_col: str | None,
                    keep: tuple[str, ...] = ()) -> dict[str, str]:
    """Output column → kind: source/id/row as the inputs call for, the ``keep`` columns,
    then the model's."""
    kinds = {f.kind for f in files}
    meta: dict[str, str] = {}
    if len(files) > 1:
        meta["source"] = "string"
    if id_col or kinds - set(TABLE_KINDS):
        meta["id"] = "string"
    if kinds & set(TABLE_KINDS) and not id_col:
        meta["row"] = "int"
    from .batch import score_columns

    scores = score_columns(model, level)  # (a sentence's text is filled in by _with_meta)
    clash = sorted(set(keep) & (set(meta) | set(scores)))
    if clash:
        raise click.UsageError(f"--keep-col {clash[0]}: the output has a column of that name "
                               "already")
    return {**meta, **dict.fromkeys(keep, "string"), **scores}


def _keep_value(value):
    """A kept column's value as text (None when missing: None, NaN or pandas' NA)."""
    if value is None or (isinstance(value, float) and value != value) or (
            type(value).__name__ == "NAType"):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _with_meta(frame, records: list[Record], meta: dict[str, str], keep: tuple[str, ...] = ()):
    """Prepend source/id/row, and the ``keep`` columns, to scored rows (article level: one
    per record; sentence level: ``text_index`` points to the record)."""
    if "text_index" in frame.columns:
        owners = [records[i] for i in frame["text_index"]]
        frame = frame.drop(columns=["text_index"])
        if "text" not in frame.columns and "end" in frame.columns:  # sentence level
            frame.insert(list(frame.columns).index("end") + 1, "text", [
                r.text[start:end] for r, start, end in zip(owners, frame["start"].tolist(),
                                                            frame["end"].tolist(), strict=True)])
    else:
        owners = records
    values = {"source": [r.source for r in owners], "id": [r.key for r in owners],
              "row": [r.row for r in owners]}
    for k, name in enumerate(meta):
        frame.insert(k, name, values[name])
    for k, name in enumerate(keep, start=len(meta)):
        frame.insert(k, name, [_keep_value(r.extra.get(name)) if r.extra else None
                               for r in owners])
    return frame


def _report_skipped(bad: list[Record], errors: RecordWriter | None, bar,
                    kinds: dict[str, str] | None = None) -> None:
    import pandas as pd

    if errors is not None:
        errors.write(pd.DataFrame({"source": [r.source for r in bad],
                                   "row": [r.row for r in bad],
                                   "id": [r.key for r in bad],
                                   "reason": [r.reason for r in bad]}))
    elif not _settings().quiet:
        for r in bad:
            bar.write(f"{PROG}: skipped {_where(r, (kinds or {}).get(r.source))}: {r.reason}",
                      file=sys.stderr)


# --- explain -----------------------------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.argument("file", metavar="FILE|-")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="Terminal text, the JSON object, or one HTML page.")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help="Features listed per direction (text, default 8) or in the bar chart "
                   "(html, default 15). In JSON: keep only the N largest contributions and "
                   "sum the others in 'contributions_omitted'.")
@click.option("-o", "--output", metavar="PATH", help="Write here instead of stdout.")
@model_option
@click.option("--color/--no-color", default=None,
              help="Colour the text output. Default: when stdout is a terminal and NO_COLOR "
                   "is unset.")
def explain(file, fmt, top, output, model_dir, color) -> None:
    """Explain one article's score exactly: logit = intercept + Σ weight × value.

    FILE is a text file with one article (a first line followed by a blank line is its
    title), or - for stdin.

    \b
    text  score and label; the features pushing toward framed and toward neutral with
          their contributions; the article with every matched span marked with its
          feature and voice; the most framed sentences; and, for each loaded term with a
          neutral alternative, the exact score of the article with the neutral wording.
    json  {score, label, logit, intercept, threshold, contributions: [{feature, value,
          weight, contribution}], spans: [{start, end, text, feature, category, voice,
          contribution, neutral}], sentences: [{start, end, score, logit}],
          counterfactuals, model}; intercept + Σ contribution == logit, and
          text == article[start:end] for every span.
    html  one self-contained page (no scripts, no network): spans highlighted by
          direction and strength with a tooltip each, contributions as a bar chart.

    \b
    Examples:
      framescore explain article.txt
      framescore explain article.txt --format html -o article.html
      curl -s URL | framescore explain - --format json | jq .score
    """
    text, name = read_article(file)
    model = load_model(model_dir)
    from .explain import explain as explain_text

    expl = explain_text(model, text)
    if fmt == "json":
        data = expl.to_dict()
        if top is not None and len(data["contributions"]) > top:
            rest = data["contributions"][top:]
            data["contributions"] = data["contributions"][:top]
            data["contributions_omitted"] = {
                "count": len(rest), "contribution": float(sum(d["contribution"] for d in rest))}
        content = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from .render import render_html

        content = render_html(expl, top=top or 15, title=f"framescore: {name}")
    else:
        from .render import render_text

        if color is None:
            color = (not output and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        content = render_text(expl, top=top or 8, color=color)
    emit(content, output)


# --- compare -----------------------------------------------------------------------------------

COMPARE_COLUMNS = [  # (key, table header)
    ("file", "file"), ("score", "score"), ("label", "label"),
    ("loaded_own_voice", "own-voice loaded"), ("loaded_quoted_reported", "quoted/reported loaded"),
    ("attributed_claims", "attributed"), ("distancing", "distancing"), ("report", "neutral verbs"),
    ("hedge", "hedges"), ("unverified", "unverified"), ("scare_quotes", "scare quotes"),
]


def format_table(headers: list[str], rows: list[list]) -> str:
    """Plain aligned columns: text left-aligned, numbers right-aligned."""
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row] for row in rows]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        out = [v.rjust(w) if num else v.ljust(w)
               for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(out).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


def _display_names(files: tuple[str, ...]) -> list[str]:
    names = [Path(f).name if f != "-" else "-" for f in files]
    return names if len(set(names)) == len(names) else list(files)


@cli.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Aligned text table, JSON, or CSV (one row per article).")
@click.option("-o", "--output", metavar="PATH", help="Write here instead of stdout.")
@model_option
def compare(files, fmt, output, model_dir) -> None:
    """Compare how several articles (say, outlets reporting the same event) frame it.

    One row per article: score and label; loaded terms in the outlet's own voice
    (narrator and headline) and inside quotes or reported speech; attributed claims
    (neutral report verbs + distancing + endorsing + sourcing); distancing verbs
    ('claimed', 'alleged') vs neutral report verbs ('said'); hedges; unverified markers
    ('could not be independently verified'); scare quotes. Then, per article, the loaded
    terms it uses that none of the others do.

    \b
    Examples:
      framescore compare outlet_a.txt outlet_b.txt outlet_c.txt
      framescore compare coverage/*.txt --format csv -o comparison.csv
    """
    if len(files) < 2:
        raise click.UsageError("compare needs at least two articles")
    if list(files).count("-") > 1:
        raise click.UsageError("stdin (-) can be read only once")
    texts = [read_article(f)[0] for f in files]
    model = load_model(model_dir)
    from .compare import compare_rows

    rows = compare_rows(list(zip(_display_names(files), texts, strict=True)), model)
    if fmt == "json":
        content = json.dumps({"model": str(model.path or ""), "articles": rows},
                             ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        keys = [k for k in rows[0] if k not in ("loaded_terms", "unique_loaded_terms")]
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([*keys, "loaded_terms", "unique_loaded_terms"])
        for r in rows:
            w.writerow([*(r[k] for k in keys), "; ".join(r["loaded_terms"]),
                        "; ".join(r["unique_loaded_terms"])])
        content = buf.getvalue()
    else:
        table = format_table([h for _, h in COMPARE_COLUMNS],
                             [[r[k] for k, _ in COMPARE_COLUMNS] for r in rows])
        lines = [table, "", "Loaded terms no other article uses:"]
        width = max(len(r["file"]) for r in rows)
        for r in rows:
            lines.append(f"  {r['file']:<{width}}  {', '.join(r['unique_loaded_terms']) or '-'}")
        content = "\n".join(lines) + "\n"
    emit(content, output)


# --- lexicon -----------------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def lexicon() -> None:
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


def _lexicon_paths(extra: tuple[str, ...]) -> list[Path]:
    from .lexicon import DEFAULT_DIR, default_paths

    paths = [*default_paths(), *map(Path, extra)]
    if not paths:
        raise DataError(f"{DEFAULT_DIR}: no lexicon files found (pass --lexicon PATH)")
    return paths


def _category_summary(entries) -> str:
    counts = Counter(e.category for e in entries)
    return ", ".join(f"{c} ({n})" for c, n in counts.items())


@lexicon.command("list", context_settings=CONTEXT)
@lexicon_option
def lexicon_list(lexicons) -> None:
    """List lexicon files with their categories and term counts.

    Shows the built-in lexicons, then any --lexicon files.

    \b
    Example:
      framescore lexicon list --lexicon my_terms.csv
    """
    from .lexicon import ATTRIBUTION_TYPES, load_entries

    blocks = []
    for path in _lexicon_paths(lexicons):
        entries = load_entries(path)
        counts = Counter(e.category for e in entries)
        rows = [[c, n, "attribution" if c in ATTRIBUTION_TYPES else "loaded"]
                for c, n in counts.items()]
        blocks.append(f"{path}: {len(entries)} terms\n"
                      + format_table(["category", "terms", "kind"], rows))
    emit("\n\n".join(blocks) + "\n", None)


@lexicon.command("validate", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.pass_context
def lexicon_validate(ctx: click.Context, paths) -> None:
    """Check lexicon files; report the first problem of each as file:line: reason.

    Checks the header (term and category columns), the field count of every row, each
    term's characters, each category's name, and duplicate terms (the same after
    stemming). Exits 1 if any file is malformed.

    \b
    Example:
      framescore lexicon validate my_terms.csv
    """
    from .lexicon import LexiconError, load_entries

    failed = False
    for path in paths:
        try:
            entries = load_entries(path)
        except LexiconError as exc:
            _error_line(_one_line(str(exc)))
            failed = True
            continue
        click.echo(f"ok: {len(entries)} terms, categories {_category_summary(entries)} "
                   f"({path})")
    if failed:
        ctx.exit(1)


@lexicon.command("show", context_settings=CONTEXT)
@click.argument("term")
@lexicon_option
@click.pass_context
def lexicon_show(ctx: click.Context, term: str, lexicons) -> None:
    """Show where TERM is defined: file and line, category, neutral alternative, note.

    TERM matches as the lexicon does (case-insensitive, after stemming), so 'Martyrs'
    finds 'martyr'. When several files define it, the last one is the one in effect.
    Exits 1 if no lexicon has it.

    \b
    Example:
      framescore lexicon show "freedom fighters" --lexicon my_terms.csv
    """
    from .lexicon import load_entries, stem_words

    key = stem_words(term)
    if not key:
        raise click.BadParameter("needs at least one word", param_hint="TERM")
    paths = _lexicon_paths(lexicons)
    found = [(path, e) for path in paths for e in load_entries(path) if e.key == key]
    if not found:
        _error_line(f"{term!r} is in none of the lexicons ({', '.join(map(str, paths))})")
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


# --- train -------------------------------------------------------------------------------------


def _read_labeled(data, text_col, label_col, positive, negative, group_col, sep, labels_file,
                  words_col=None):
    from .corpus import read_labeled

    labeled = read_labeled(data, text_col=text_col, label_col=label_col, positive=positive,
                           negative=negative, group_col=group_col, sep=sep, labels=labels_file,
                           words_col=words_col)
    n_pos = int(labeled.y.sum())
    info(f"{data}: {len(labeled.y)} texts ({n_pos} framed, {len(labeled.y) - n_pos} neutral); "
         f"{labeled.dropped} rows dropped (other labels or empty text)")
    if len(set(labeled.y.tolist())) < 2:
        raise DataError(f"{data}: needs texts of both classes; found only "
                        f"{'framed' if n_pos else 'neutral'} ones (check --positive/--negative)")
    return labeled


#: Folds of the inner cross-validation that tunes a model's threshold (framescore.model).
THRESHOLD_FOLDS = 3


def _check_enough(data, labeled, cv: int) -> None:
    """Refuse data too small to train on (or to cross-validate ``cv``-fold), in one line,
    before scikit-learn would fail, or warn, in its own words.

    Each fit tunes its threshold by a stratified 3-fold cross-validation, so it needs 3 texts
    of each class; under ``cv`` folds, each fold's training part needs as many, and each
    class at least ``cv`` texts (one per fold), and there must be ``cv`` groups or more."""
    counts = {"framed": int(labeled.y.sum()), "neutral": int(len(labeled.y) - labeled.y.sum())}
    need = THRESHOLD_FOLDS
    if cv:  # the least n with a training part of n - ceil(n / cv) >= 3 texts, and n >= cv
        need = next(n for n in range(cv, 10 * cv + THRESHOLD_FOLDS + 1)
                    if n - -(-n // cv) >= THRESHOLD_FOLDS)
    if min(counts.values()) < need:
        why = (f" for {cv}-fold cross-validation (each fold's training part tunes a "
               f"threshold by {THRESHOLD_FOLDS}-fold cross-validation)" if cv else
               f" (the threshold is tuned by {THRESHOLD_FOLDS}-fold cross-validation)")
        raise DataError(f"{data}: too few texts to train on: {counts['framed']} framed and "
                        f"{counts['neutral']} neutral; it takes at least {need} of each "
                        f"class{why}")
    if cv and labeled.groups is not None and len(set(labeled.groups.tolist())) < cv:
        raise DataError(f"{data}: {len(set(labeled.groups.tolist()))} groups in --group-col, "
                        f"fewer than the {cv} folds of --cv; lower --cv K")


@contextmanager
def _sklearn_errors(data) -> Iterator[None]:
    """scikit-learn's error for a model without signal, in framescore's words."""
    try:
        yield
    except ValueError as exc:
        if "constant predictions" not in str(exc):
            raise
        raise DataError(f"{data}: the model predicts the same score for every text, so no "
                        "threshold can be tuned: no feature tells the classes apart (too few "
                        "texts, or texts without lexicon terms; --ngrams adds word features)"
                        ) from None


def _metrics_text(metrics: dict) -> str:
    rows = [[k, metrics[k]] for k in ("n", "positives", "macro_f1", "accuracy", "roc_auc",
                                      "pr_auc", "brier", "ece", "threshold")
            if metrics.get(k) is not None]
    lines = [f"{k:<10} {v:.4f}" if isinstance(v, float) else f"{k:<10} {v}" for k, v in rows]
    cm = metrics.get("confusion_matrix")
    if cm:
        lines.append(f"{'confusion':<10} tn {cm['tn']}  fp {cm['fp']}  fn {cm['fn']}  "
                     f"tp {cm['tp']}")
    return "\n".join(lines) + "\n"


@cli.command(context_settings=CONTEXT)
@click.argument("data", nargs=-1, required=True)
@labeled_options
@click.option("--words-col", metavar="COL",
              help="Column of the words annotators marked as loaded in each text "
                   "(['a', 'b'] or a|b): the model learns a weight for each such term.")
@click.option("--cv", type=click.IntRange(min=0), default=5, show_default=True, metavar="K",
              help="Folds of the cross-validation whose metrics go into the manifest and "
                   "model card (0: none).")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the CV splits.")
@feature_options
@click.option("-o", "--output", required=True, metavar="DIR",
              help="Model directory to write (e.g. models/mine).")
@click.option("--force", is_flag=True, help="Replace an existing model at -o.")
def train(data, text_col, label_col, positive, negative, group_col, sep, labels_file, words_col,
          cv, seed, lexicons, ngrams, voice, C, min_df, output, force) -> None:
    """Train a model on one or more labeled corpora and save it as a model directory.

    Each DATA is a CSV/TSV/JSONL/Parquet table, or a folder of .txt files with a labels
    table (a 'file' column naming each text file), read with the same options. Rows
    labeled --positive are framed (1), rows labeled --negative (default: the one other
    label; an error if there are several) neutral (0); other rows and empty texts are
    dropped and counted on stderr. With --words-col, the words annotators marked in each
    text train weights of learned terms (kept when marked in texts of three groups or
    more, with --group-col).

    Runs --cv K-fold cross-validation (each fold tunes its own threshold on its training
    part), then fits on all data with a threshold tuned for macro-F1. Writes DIR with
    model.json, manifest.json (hashes, versions, training data, metrics) and
    MODEL_CARD.md; prints the CV metrics.

    \b
    Example:
      framescore train labeled.csv --text-col sentence --label-col label \\
          --positive biased --negative neutral --cv 5 -o models/mine
      framescore train a.csv b.csv --positive 1 --words-col marked --group-col outlet \\
          -o models/mine
      framescore score new_articles/ --model models/mine -o scores.csv
    """
    from . import __version__
    from .model import train as train_model
    from .persist import check_target, model_card, save_atomically

    if cv == 1:
        raise click.BadParameter("must be 0 (no cross-validation) or at least 2",
                                 param_hint="--cv")
    check_target(output, force)
    params = _params(lexicons, ngrams, voice, C, min_df)
    parts = [_read_labeled(path, text_col, label_col, positive, negative, group_col, sep,
                           labels_file, words_col) for path in data]
    labeled = combine_labeled(parts)
    where = ", ".join(data)
    _check_enough(where, labeled, cv)
    info(f"training{f' with {cv}-fold cross-validation' if cv else ''}...")
    with _sklearn_errors(where):
        model = train_model(labeled.texts, labeled.y, groups=labeled.groups, spans=labeled.spans,
                            cv=cv, seed=seed, **params)
    training_data = [{
        "path": str(path), "sha256": part.sha256, "n": len(part.y),
        "n_framed": int(part.y.sum()), "dropped": part.dropped,
        "text_col": text_col, "label_col": label_col, "positive": positive,
        "negative": negative, "group_col": group_col, "words_col": words_col,
    } for path, part in zip(data, parts, strict=True)]
    metrics = model.manifest.get("cv_metrics")
    card = model_card(Path(output).name, threshold=model.threshold,
                      params=model.manifest.get("params", params),
                      training_data=training_data, metrics=metrics, group_col=group_col,
                      version=__version__)
    save_atomically(model, output, force=force, card=card, training_data=training_data)
    info(f"wrote model to {output} (threshold {model.threshold:.2f})")
    if metrics:
        click.echo(f"cross-validated metrics ({cv}-fold):")
        click.echo(_metrics_text(metrics), nl=False)


# --- evaluate ----------------------------------------------------------------------------------


@cli.command(context_settings=CONTEXT)
@click.argument("data")
@labeled_options
@click.option("--cv", type=click.IntRange(min=2), metavar="K",
              help="Cross-validate a new model with these options on DATA.")
@model_option
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the CV splits.")
@feature_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Metrics as aligned text or one JSON object.")
@click.option("--report", "report_dir", metavar="DIR",
              help="Also write metrics.json and ROC, precision-recall, calibration and "
                   "confusion-matrix plots here (needs matplotlib).")
@click.pass_context
def evaluate(ctx, data, text_col, label_col, positive, negative, group_col, sep, labels_file,
             cv, model_dir, seed, lexicons, ngrams, voice, C, min_df, fmt, report_dir) -> None:
    """Measure a model on labeled data: cross-validated (--cv K) or held-out (--model DIR).

    With --cv K, a model with the given feature options is cross-validated on DATA (each
    fold tunes its threshold on its own training part). With --model DIR (or
    $FRAMESCORE_MODEL), that model scores DATA as held-out data at its own threshold.
    Reports macro_f1, accuracy, roc_auc, pr_auc, brier, ece and the confusion matrix.

    \b
    Examples:
      framescore evaluate labeled.csv --positive biased --cv 5 --format json
      framescore evaluate test.csv --positive biased --model models/mine --report report/
    """

    given = click.core.ParameterSource.COMMANDLINE
    if cv is not None and ctx.get_parameter_source("model_dir") == given:
        raise click.UsageError("pass either --cv K or --model DIR, not both")
    if cv is None and model_dir is None:
        raise click.UsageError("pass --cv K (cross-validate) or --model DIR (held-out)")
    feature_opts = ("lexicons", "ngrams", "voice", "C", "min_df")
    if cv is None and any(ctx.get_parameter_source(o) == given for o in feature_opts):
        raise click.UsageError("--lexicon, --ngrams/--no-ngrams, --voice/--no-voice, --C and "
                               "--min-df apply with --cv only (a saved model has its own)")
    labeled = _read_labeled(data, text_col, label_col, positive, negative, group_col, sep,
                            labels_file)
    if cv is not None:
        from .model import cross_validate

        params = _params(lexicons, ngrams, voice, C, min_df)
        _check_enough(data, labeled, cv)
        info(f"cross-validating ({cv} folds)...")
        with _sklearn_errors(data):
            metrics, proba = cross_validate(labeled.texts, labeled.y, groups=labeled.groups,
                                            cv=cv, seed=seed, **params)
        metrics["mode"] = "cv"
    else:
        from .metrics import binary_metrics

        model = load_model(model_dir)
        proba = model.score(labeled.texts)["score"].to_numpy()
        metrics = binary_metrics(labeled.y, proba, threshold=model.threshold)
        trained_on = model.manifest.get("training_data") or []
        trained_on = [trained_on] if isinstance(trained_on, dict) else trained_on
        metrics.update(mode="model", model=str(model.path),
                       trained_on_this_data=any(d.get("sha256") == labeled.sha256
                                                for d in trained_on))
        if metrics["trained_on_this_data"]:
            warn(f"{data} is the data the model {model.path} was trained on (same SHA-256), "
                 "so these figures are not held-out ones; for an honest estimate, evaluate "
                 "on other data or cross-validate with --cv K")
    metrics.update(data=str(data), dropped=labeled.dropped)
    if report_dir:
        from .report import write_report

        written = write_report(report_dir, labeled.y, proba, metrics, title=Path(data).name)
        info(f"wrote {len(written)} report files to {report_dir}")
    if fmt == "json":
        click.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        click.echo(_metrics_text(metrics), nl=False)


# --- report ------------------------------------------------------------------------------------


@contextmanager
def _report_folder(output: str) -> Iterator[Path]:
    """A temporary folder beside ``output`` to write the report into, renamed into place at
    the end (replacing an earlier report there); removed on an error. A folder that is not
    empty and holds no report is refused."""
    from .report_page import REPORT_FILE

    target = Path(output)
    if target.exists():
        if not target.is_dir():
            raise FileExistsError(errno.EEXIST, "exists and is not a folder", str(target))
        if any(target.iterdir()) and not (target / REPORT_FILE).exists():
            raise FileExistsError(errno.EEXIST, "folder exists, is not empty and holds no "
                                  "framescore report; choose another -o", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it 0700; follow the umask
        yield tmp
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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


def _worker_report(texts: list[str]):
    from .batch import worker_model
    from .corpus_report import explain_chunk

    return explain_chunk(worker_model(), texts)


def _explained_chunks(chunks: Iterator[list[Record]], model, pool=None):
    """(chunk, ``explain_chunk`` of its records that have text, or None), in input order;
    with ``pool`` (from :func:`worker_pool`) in the worker processes, a bounded number of
    chunks in flight (the parent explains chunks itself until the workers are up)."""
    from concurrent.futures.process import BrokenProcessPool

    from .corpus_report import explain_chunk

    def done_now(value) -> Future:
        future: Future = Future()
        future.set_result(value)
        return future

    pending: deque = deque()
    try:
        for chunk in chunks:
            texts = [r.text for r in chunk if r.text is not None]
            if not texts:
                pending.append((chunk, done_now(None)))
            elif pool is None or (not pool.starting.done()
                                  and len(pending) < _MAX_LOCAL_CHUNKS):
                pending.append((chunk, done_now(explain_chunk(model, texts))))
            else:
                pending.append((chunk, pool.starting.result().submit(_worker_report, texts)))
            limit = 4 * pool.jobs if pool is not None else 1
            while pending and (len(pending) >= limit or pending[0][1].done()):
                chunk_done, future = pending.popleft()
                yield chunk_done, future.result()
        while pending:
            chunk_done, future = pending.popleft()
            yield chunk_done, future.result()
    except BrokenProcessPool:
        raise RuntimeError("a worker process stopped unexpectedly (killed, perhaps for lack "
                           "of memory); run again, perhaps with fewer -j jobs or a smaller "
                           "--chunk-size") from None


@cli.command(context_settings=CONTEXT)
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
@click.option("--text-col", default="text", show_default=True, metavar="COL",
              help="Text column of table input.")
@click.option("--id-col", metavar="COL",
              help="Column whose value names each article (default: file name, or "
                   "FILE:ROW for table rows).")
@click.option("--time-col", metavar="COL",
              help="Column with each article's date (any format pandas reads): adds the "
                   "over-time plots and timeline.csv.")
@click.option("--keep-col", "keep_cols", multiple=True, metavar="COL",
              help="Copy this column of table input into articles.csv. Repeatable.")
@click.option("--sep", metavar="SEP",
              help="CSV input delimiter (default: sniffed; 'tab' or '\\t' for tabs).")
@model_option
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Explain in this many worker processes (same report as -j 1).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Records read, explained and added up at a time.")
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
def report(ctx, inputs, output, group_col, group_from, text_col, id_col, time_col, keep_cols,
           sep, model_dir, jobs, chunk_size, on_error, min_articles, top_terms, top_articles,
           bootstrap, seed, title) -> None:
    """Report how groups of articles (outlets) frame: who adopts which loaded labels in
    their own voice, and who quotes or attributes them.

    INPUT is what 'framescore score' reads: tables (CSV/TSV/JSONL/Parquet, one article a
    row, the group in --group-col) or folders of .txt files (--group-from parent: the
    folder's name is the group; --group-from file: each file is its own group). Input is
    streamed and added up chunk by chunk, so memory stays flat however large it is.

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
    """
    from .corpus_report import CorpusReport, file_name, group_of
    from .report_page import write_report

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
    files = expand_inputs(inputs)
    tables = [f.path for f in files if f.kind in TABLE_KINDS]
    if group_from == "column" and len(tables) < len(files):
        raise click.UsageError("--group-col reads tables; for .txt files use --group-from "
                               "parent or file")
    if (time_col or keep_cols) and not tables:
        raise click.UsageError("--time-col and --keep-col read columns of table input")
    keep = tuple(dict.fromkeys(keep_cols))
    read = tuple(dict.fromkeys(c for c in (group_col, time_col, *keep) if c))
    skip = on_error == "skip"
    with ExitStack() as stack:
        if jobs > 1:
            worker_context()
        folder = stack.enter_context(_report_folder(output))
        model = load_model(model_dir)
        pool = stack.enter_context(worker_pool(model, jobs)) if jobs > 1 else None
        articles = stack.enter_context(open(folder / "articles.csv", "wb"))
        totals = CorpusReport(model, min_articles=min_articles, top_articles=top_articles,
                              top_terms=top_terms, seed=seed, n_boot=bootstrap,
                              articles_csv=articles)
        bar = stack.enter_context(_progress("records"))
        chunks = read_chunks(files, text_col=text_col, id_col=id_col, sep=sep, skip=skip,
                             size=chunk_size, keep=read)
        for chunk, scored in _explained_chunks(chunks, model, pool):
            bad = [r for r in chunk if r.text is None]
            if bad:
                totals.skip(len(bad))
                _report_skipped(bad, None, bar)
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
        result = totals.result(options={"group_from": group_from, "group_col": group_col,
                                        "time_col": time_col, "text_col": text_col})
        write_report(folder, result, model, command=_command_line(ctx),
                     inputs=[f.path for f in files], title=title, top_terms=top_terms)
    c = result.counts
    info(f"{c['records']} records: {c['scored']} scored, {c['skipped']} skipped; "
         f"{c['groups']} groups")
    info(f"wrote {output}/index.html and the tables beside it")


if __name__ == "__main__":  # pragma: no cover
    main()
