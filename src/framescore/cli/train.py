"""``framescore train``: train a model on labeled corpora (:func:`framescore.training.train`) and
save it as a model directory (:func:`framescore.persist.save_atomically`)."""

from __future__ import annotations

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
    metrics_text,
    sklearn_errors,
)


@click.command("train", context_settings=CONTEXT)
@click.argument("data", nargs=-1, required=True)
@labeled_options
@click.option("--words-col", metavar="COL",
              help="Column of the words annotators marked as loaded in each text "
                   "(['a', 'b'] or a|b): the model learns a weight for each such term.")
@click.option("--subjective-words", "word_lists", multiple=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False),
              help="A word list (one word per line, e.g. a subjectivity lexicon; repeatable): "
                   "each word whose training texts lean framed becomes a learned subjective "
                   "term (category learned_subjective).")
@click.option("--cv", type=click.IntRange(min=0), default=5, show_default=True, metavar="K",
              help="Folds of the cross-validation whose metrics go into the manifest and "
                   "model card (0: none).")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the CV splits.")
@cv_jobs_option
@feature_options
@click.option("-o", "--output", required=True, metavar="DIR",
              help="Model directory to write (e.g. models/mine).")
@click.option("--force", is_flag=True, help="Replace an existing model at -o.")
def command(data, text_col, label_col, positive, negative, group_col, sep, labels_file, words_col,
            word_lists, cv, seed, jobs, lexicons, ngrams, voice, C, min_df, output, force) -> None:
    """Train a model on one or more labeled corpora and save it as a model directory.

    Each DATA is a CSV/TSV/JSONL/Parquet table, or a folder of .txt files with a labels
    table (a 'file' column naming each text file), read with the same options. Rows
    labeled --positive are framed (1), rows labeled --negative (default: the one other
    label; an error if there are several) neutral (0); other rows and empty texts are
    dropped and counted on stderr. With --words-col, the words annotators marked in each
    text train weights of learned terms (kept when marked in texts of three groups or
    more, with --group-col). With --subjective-words, the words of those lists whose
    training texts lean framed become learned subjective terms.

    Runs --cv K-fold cross-validation (each fold tunes its own threshold on its training
    part; with -j N, N folds at a time in worker processes), then fits on all data with a
    threshold tuned for macro-F1. Writes DIR with model.json, manifest.json (hashes,
    versions, training data, metrics) and MODEL_CARD.md; prints the CV metrics.

    \b
    Example:
      framescore train labeled.csv --text-col sentence --label-col label \\
          --positive biased --negative neutral --cv 5 -o models/mine
      framescore train a.csv b.csv --positive 1 --words-col marked --group-col outlet \\
          --subjective-words subjective.txt -o models/mine
      framescore score new_articles/ --model models/mine -o scores.csv
    """
    from .. import __version__
    from ..corpus import combine_labeled
    from ..persist import check_target, model_card, save_atomically, sha256_file
    from ..terms import read_word_list
    from ..training import train as train_model

    if cv == 1:
        raise click.BadParameter("must be 0 (no cross-validation) or at least 2",
                                 param_hint="--cv")
    check_target(output, force)
    params = feature_params(lexicons, ngrams, voice, C, min_df)
    parts = [load_labeled(path, text_col, label_col, positive, negative, group_col, sep,
                          labels_file, words_col) for path in data]
    labeled = combine_labeled(parts)
    word_files = {path: read_word_list(path) for path in word_lists}
    candidates = sorted(set().union(*word_files.values())) if word_lists else None
    where = ", ".join(data)
    check_enough(where, labeled, cv)
    info(f"training{f' with {cv}-fold cross-validation' if cv else ''}...")
    with sklearn_errors(where):
        model = train_model(labeled.texts, labeled.y, groups=labeled.groups, spans=labeled.spans,
                            candidates=candidates, cv=cv, seed=seed,
                            n_jobs=min(jobs, max(cv, 1)), **params)
    training_data = [{
        "path": str(path), "sha256": part.sha256, "n": len(part.y),
        "n_framed": int(part.y.sum()), "dropped": part.dropped,
        "text_col": text_col, "label_col": label_col, "positive": positive,
        "negative": negative, "group_col": group_col, "words_col": words_col,
    } for path, part in zip(data, parts, strict=True)]
    learned = sum(len(t) > 2 for t in model.features.learned_terms)
    subjective_words = [{"path": str(path), "sha256": sha256_file(path), "n": len(words),
                         "learned": learned} for path, words in word_files.items()]
    metrics = model.manifest.get("cv_metrics")
    card = model_card(Path(output).name, threshold=model.threshold,
                      params=model.manifest.get("params", params),
                      training_data=training_data, metrics=metrics, group_col=group_col,
                      version=__version__, subjective_words=subjective_words)
    save_atomically(model, output, force=force, card=card, training_data=training_data,
                    **({"subjective_words": subjective_words} if word_lists else {}))
    info(f"wrote model to {output} (threshold {model.threshold:.2f})")
    if metrics:
        click.echo(f"cross-validated metrics ({cv}-fold):")
        click.echo(metrics_text(metrics), nl=False)
