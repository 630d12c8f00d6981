"""``framescore evaluate``: metrics of a model on labeled data, cross-validated
(:func:`framescore.training.cross_validate`) or held out
(:func:`framescore.training.evaluate`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import (
    CONTEXT,
    check_enough,
    cv_jobs_option,
    feature_options,
    feature_params,
    info,
    labeled_options,
    load_labeled,
    load_model,
    metrics_text,
    model_option,
    progress,
    sklearn_errors,
    warn,
)


@click.command("evaluate", context_settings=CONTEXT)
@click.argument("data")
@labeled_options
@click.option("--cv", type=click.IntRange(min=2), metavar="K",
              help="Cross-validate a new model with these options on DATA.")
@model_option
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the CV splits.")
@cv_jobs_option
@feature_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Metrics as aligned text or one JSON object.")
@click.option("--report", "report_dir", metavar="DIR",
              help="Also write metrics.json and ROC, precision-recall, calibration and "
                   "confusion-matrix plots here (needs matplotlib).")
@click.pass_context
def command(ctx, data, text_col, label_col, positive, negative, group_col, sep, labels_file,
             cv, model_dir, seed, jobs, lexicons, ngrams, voice, C, min_df, fmt,
             report_dir) -> None:
    """Measure a model on labeled data: cross-validated (--cv K) or held-out (--model DIR).

    With --cv K, a model with the given feature options is cross-validated on DATA (each
    fold tunes its threshold on its own training part; -j N fits N folds at a time in
    worker processes; a bar of the folds done shows on a terminal). With --model DIR (or
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
    if cv is None and ctx.get_parameter_source("jobs") == given:
        raise click.UsageError("-j/--jobs applies with --cv only (it fits the folds in worker "
                               "processes)")
    labeled = load_labeled(data, text_col, label_col, positive, negative, group_col, sep,
                           labels_file)
    if cv is not None:
        from ..training import cross_validate

        params = feature_params(lexicons, ngrams, voice, C, min_df)
        check_enough(data, labeled, cv)
        info(f"cross-validating ({cv} folds)...")
        # a bar of folds done, on a terminal only (off with -q): progress() decides
        with sklearn_errors(data), progress("folds") as bar:
            bar.reset(total=cv)
            metrics, proba = cross_validate(labeled.texts, labeled.y, groups=labeled.groups,
                                            cv=cv, seed=seed, progress=lambda *_: bar.update(),
                                            n_jobs=min(jobs, cv), **params)
        metrics["mode"] = "cv"
    else:
        model = load_model(model_dir)
        from ..training import evaluate

        metrics, proba = evaluate(model, labeled.texts, labeled.y, data_sha256=labeled.sha256)
        if metrics["trained_on_this_data"]:
            warn(f"{data} is the data the model {model.path} was trained on (same SHA-256), "
                 "so these figures are not held-out ones; for an honest estimate, evaluate "
                 "on other data or cross-validate with --cv K")
    metrics.update(data=str(data), dropped=labeled.dropped)
    if report_dir:
        from ..report import write_report

        written = write_report(report_dir, labeled.y, proba, metrics, title=Path(data).name)
        info(f"wrote {len(written)} report files to {report_dir}")
    if fmt == "json":
        click.echo(json.dumps(metrics, ensure_ascii=False, indent=2))
    else:
        click.echo(metrics_text(metrics), nl=False)
