"""The ``framescore`` command line: score, explain, compare, lexicon, train, evaluate, report.

One thin module per command: it parses the options, calls the library and writes the result.
Results go to stdout or ``-o PATH`` (written atomically); logs and the progress bar (only on a
terminal) go to stderr. Exit codes: 0 success, 1 runtime or data error, 2 usage error. Every
error is one line, ``framescore: error: <file>:<line>: <what>``, with the traceback only under
``framescore --debug`` (:mod:`framescore.cli.common`).

The CLI calls the library; the library never imports this package.
"""

from __future__ import annotations

import signal

import click

from . import compare, evaluate, explain, lexicon, report, score, train
from .common import CONTEXT, PROG, FramescoreGroup, Settings, load_model

__all__ = ["cli", "load_model", "main"]


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


for _module in (score, explain, compare, lexicon, train, evaluate, report):
    cli.add_command(_module.command)
