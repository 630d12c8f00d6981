"""What the commands share: one-line errors and exit codes, the options several commands take,
logging, loading a model, writing a result.

Only click and the standard library are imported here (and :mod:`framescore.inputs`, which
needs no more): the commands import the library inside their functions, so ``framescore
--help`` and usage errors do not pay for scikit-learn, pandas and NLTK.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..inputs import DataError, record_place

if TYPE_CHECKING:
    from ..inputs import Record
    from ..writers import RecordWriter

PROG = "framescore"
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# --- errors: one line, in one place ------------------------------------------------------------


def one_line(message: str) -> str:
    return " ".join(part.strip() for part in str(message).splitlines() if part.strip())


def describe_error(exc: BaseException) -> str:
    """The one-line message of an error (without the ``framescore: error:`` prefix)."""
    from ..lexicon import LexiconError
    from ..persist import ModelError

    if isinstance(exc, DataError | LexiconError | ModelError):
        return one_line(str(exc))
    if isinstance(exc, UnicodeDecodeError):
        return f"input is not valid UTF-8 ({exc.reason} at byte {exc.start})"
    if isinstance(exc, OSError):
        if exc.filename is not None:
            what = exc.strerror or str(exc)
            other = f" -> {exc.filename2}" if exc.filename2 else ""
            return one_line(f"{exc.filename}{other}: {what}")
        return one_line(exc.strerror or str(exc))
    if isinstance(exc, MemoryError):
        return "out of memory"
    if isinstance(exc, ValueError | TypeError | RuntimeError | KeyError | ImportError):
        text = str(exc) if not isinstance(exc, KeyError) else f"missing key {exc}"
        return one_line(text) or type(exc).__name__
    return (f"unexpected {type(exc).__name__}: {one_line(str(exc))} "
            f"(run 'framescore --debug ...' for the traceback)")


def error_line(message: str) -> None:
    click.echo(f"{PROG}: error: {message}", err=True)


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    found = ctx.find_object(Settings)
    if value and found is not None:
        found.quiet = True


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
            error_line(f"{one_line(exc.format_message())} (see '{where} --help')")
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            error_line(one_line(exc.format_message()))
            sys.exit(exc.exit_code)
        except click.Abort:
            error_line("interrupted")
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
            error_line(describe_error(exc))
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


def settings() -> Settings:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Settings) if ctx is not None else None
    return obj or Settings()


def info(message: str) -> None:
    """A log line on stderr (suppressed by ``framescore --quiet``)."""
    if not settings().quiet:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """A warning on stderr, ``framescore: warning: ...`` (printed even with ``--quiet``:
    it says that a result may mislead)."""
    click.echo(f"{PROG}: warning: {one_line(message)}", err=True)


# --- shared options ----------------------------------------------------------------------------

model_option = click.option(
    "--model", "model_dir", metavar="DIR", envvar="FRAMESCORE_MODEL",
    help="Model directory (made by 'framescore train'). Default: $FRAMESCORE_MODEL, else the "
         "shipped default model.")

lexicon_option = click.option(
    "--lexicon", "lexicons", multiple=True, metavar="PATH",
    help="An extra lexicon CSV (term,category[,neutral,note,not_before]), added after the "
         "built-in ones; its entries override built-in ones for the same term. Repeatable.")


score_lexicon_option = click.option(
    "--lexicon", "lexicons", multiple=True, metavar="PATH",
    help="Add the terms of this lexicon CSV (term,category[,neutral,note,not_before]) to the "
         "model's lexicon for this run, without retraining: each is scored with the weights "
         "its category already has (by voice). Its categories must be the model's ('framescore "
         "lexicon list --model M' shows them); its entries override the model's for the same "
         "term. Repeatable. The output records the lexicons in force with their SHA-256.")


cv_jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
    help="Fit the cross-validation folds in this many worker processes (same metrics as "
         "-j 1).")


sep_option = click.option(
    "--sep", metavar="SEP", help="CSV input delimiter (default: sniffed; 'tab' or '\\t' for tabs).")


def batch_options(verb: str, result: str):
    """The options of a batch over many records (score, report): -j, --scheduler and
    --chunk-size; ``verb`` says what is done to each record, ``result`` what stays the same."""
    def apply(func):
        for decorator in reversed([
            click.option("-j", "--jobs", type=click.IntRange(min=1), default=1,
                         show_default=True,
                         help=f"{verb} in this many worker processes (same {result} as -j 1)."),
            click.option("--scheduler", metavar="ADDRESS",
                         help=f"{verb} on an existing Dask cluster (e.g. tcp://10.0.0.5:8786) "
                              "instead of locally; needs the dask extra. The "
                              f"{result} is the same as a local run's."),
            click.option("--chunk-size", type=click.IntRange(min=1), default=1000,
                         show_default=True, help="Records read and handled at a time."),
        ]):
            func = decorator(func)
        return func
    return apply


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


def feature_params(lexicons, ngrams: bool | None, voice: bool | None, C: float | None,
            min_df: int | None) -> dict:
    """The settings given on the command line (the library fills in the rest)."""
    from ..lexicon import load_entries

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


def load_model(model_dir: str | None, lexicons=()):
    """The model at ``model_dir`` (verified), or the shipped default model; with
    ``lexicons`` (lexicon files), their terms added (:func:`framescore.overlay.with_lexicons`),
    and the lexicons in force logged."""
    with _loading():
        from .. import model as m

        model = m.load(_model_path(model_dir))
    if lexicons:
        from ..overlay import lexicon_sources, with_lexicons

        model = with_lexicons(model, lexicons)
        info("lexicons: " + ", ".join(f"{s['name']} ({s['terms']} terms, SHA-256 "
                                      f"{s['sha256'][:12]}…)" for s in lexicon_sources(model)))
    return model


def warn_not_english(flagged: int, total: int, what: str = "texts") -> None:
    """The run's one warning about texts that do not look like English (none when
    ``flagged`` is 0)."""
    if flagged:
        from ..language import not_english_warning

        warn(not_english_warning(flagged, total, what))


def emit(content: str, output: str | None) -> None:
    """Write a result to ``output`` (atomically) or stdout."""
    if output and output != "-":
        from ..writers import atomic_open

        with atomic_open(output) as fh:
            fh.write(content)
        info(f"wrote {output}")
    else:
        sys.stdout.write(content)
        sys.stdout.flush()


def progress(unit: str):
    from tqdm import tqdm

    return tqdm(unit=f" {unit}", file=sys.stderr, dynamic_ncols=True,
                disable=settings().quiet or not sys.stderr.isatty())


def _model_path(model_dir: str | None) -> Path:
    """The model directory ``load_model`` loads (its error when there is no default model)."""
    from .. import persist as m

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


def report_skipped(bad: list[Record], errors: RecordWriter | None, bar,
                   kinds: dict[str, str] | None = None) -> None:
    import pandas as pd

    if errors is not None:
        errors.write(pd.DataFrame({"source": [r.source for r in bad],
                                   "row": [r.row for r in bad],
                                   "id": [r.key for r in bad],
                                   "reason": [r.reason for r in bad]}))
    elif not settings().quiet:
        for r in bad:
            bar.write(f"{PROG}: skipped {record_place(r, (kinds or {}).get(r.source))}: {r.reason}",
                      file=sys.stderr)


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


def load_labeled(data, text_col, label_col, positive, negative, group_col, sep, labels_file,
                 words_col=None):
    """A labeled corpus (:func:`framescore.corpus.read_labeled`), its counts logged; one of
    only one class is refused."""
    from ..corpus import read_labeled

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


def check_enough(data, labeled, cv: int) -> None:
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
def sklearn_errors(data) -> Iterator[None]:
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


def metrics_text(metrics: dict) -> str:
    rows = [[k, metrics[k]] for k in ("n", "positives", "macro_f1", "accuracy", "roc_auc",
                                      "pr_auc", "brier", "ece", "threshold")
            if metrics.get(k) is not None]
    lines = [f"{k:<10} {v:.4f}" if isinstance(v, float) else f"{k:<10} {v}" for k, v in rows]
    cm = metrics.get("confusion_matrix")
    if cm:
        lines.append(f"{'confusion':<10} tn {cm['tn']}  fp {cm['fp']}  fn {cm['fn']}  "
                     f"tp {cm['tp']}")
    return "\n".join(lines) + "\n"


