"""Model directories: save, read, verify; the manifest, file hashes and the model card.

A saved model is a directory:

- ``model.json``: the fitted pipeline as plain data: the feature settings, lexicon entries and
  n-gram vocabulary with its IDF, the classifier's settings, intercept and one weight per
  feature (in the order of :attr:`FramingModel.feature_names`). Reading it runs no code and
  does not depend on the scikit-learn version that wrote it;
- ``manifest.json``: versions, SHA-256 of every model file, of each lexicon and of the training
  data, threshold, cross-validated metrics, creation time and the command that made it;
- ``MODEL_CARD.md``: data, license, metrics, intended use and limits (:func:`model_card`).

:func:`read` checks the manifest and the file hashes *before* anything is read as a model, and
refuses a model that does not match. It also reads the older ``framescore-model/1``
directories (``pipeline.skops``, read with skops, the optional extra ``framescore[skops]``,
and an allow-list of types, and only with the scikit-learn version that wrote it);
:func:`save` writes the current format, :func:`save_atomically` into a temporary folder that is
renamed into place.

:func:`framescore.load` (:func:`framescore.model.load`) and :meth:`FramingModel.save
<framescore.model.FramingModel.save>` are the public names of :func:`read` and :func:`save`;
this module knows the model only through its attributes (``pipeline``, ``threshold``,
``article_threshold``, ``manifest``, ``path``), so it does not import :mod:`framescore.model`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import platform
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from . import __version__
from .classifier import FramingClassifier, FramingPipeline
from .features import FramingFeatures
from .writers import atomic_dir

FORMAT = "framescore-model/2"
MODEL_FILE = "model.json"
SKOPS_FORMAT = "framescore-model/1"  # read, not written
PIPELINE_FILE = "pipeline.skops"  # the model file of SKOPS_FORMAT
MANIFEST_FILE = "manifest.json"
CARD_FILE = "MODEL_CARD.md"
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "default"
_REPO_DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "default"

#: The only types a skops model file may contain besides builtins and NumPy arrays.
TRUSTED_TYPES = [
    "framescore.features.FramingFeatures",
    "framescore.model.FramingPipeline",
    "framescore.classifier.FramingPipeline",
    "framescore.classifier.FramingClassifier",
    "sklearn.pipeline.Pipeline",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.dtype",
    "builtins.slice",
]


class ModelError(RuntimeError):
    """A model directory that is missing, tampered with, or made by incompatible software."""


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex (read in blocks: any size)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- the model file: the pipeline as plain data -------------------------------------------------


def _plain_data(pipeline: Pipeline) -> dict:
    """What ``model.json`` holds: a fitted FramingFeatures → binary LogisticRegression
    pipeline as JSON-able data (:func:`_from_plain_data` rebuilds it)."""
    steps = [type(step) for _, step in pipeline.steps]
    if (len(steps) != 2 or steps[0] is not FramingFeatures or steps[1] not in _CLASSIFIERS.values()
            or pipeline.steps[1][0] != "clf"):
        raise ValueError("only a FramingFeatures → FramingClassifier (or LogisticRegression) "
                         f"pipeline can be saved, not {[t.__name__ for t in steps]}")
    clf = pipeline.named_steps["clf"]
    if clf.coef_.shape[0] != 1:
        raise ValueError("only a binary classifier can be saved")
    return {
        "features": pipeline.steps[0][1].fitted_state(),
        "classifier": {"type": type(clf).__name__, "params": clf.get_params(),
                       "classes": clf.classes_.tolist(),
                       "intercept": float(clf.intercept_[0]), "coef": clf.coef_[0].tolist()},
    }


#: The classifiers a model file may name (files without a type hold a LogisticRegression).
_CLASSIFIERS = {"FramingClassifier": FramingClassifier, "LogisticRegression": LogisticRegression}


def _from_plain_data(data: dict) -> Pipeline:
    """The pipeline that :func:`_plain_data` described. Settings of the classifier that the
    installed scikit-learn does not know are left out (the weights are what a score uses).
    Raises ValueError, TypeError or KeyError on malformed data."""
    features = FramingFeatures.from_fitted_state(data["features"])
    spec = data["classifier"]
    kind = _CLASSIFIERS[spec.get("type", "LogisticRegression")]
    known = kind().get_params()
    params = {k: v for k, v in spec["params"].items() if k in known}
    if "exclude" in params:  # a tuple, a list in JSON
        params["exclude"] = tuple(params["exclude"])
    clf = kind(**params)
    coef = np.asarray(spec["coef"], dtype=float)
    if coef.shape != (features.n_features_out_,):
        raise ValueError(f"{coef.size} weights for {features.n_features_out_} features")
    clf.coef_ = coef[None, :]
    clf.intercept_ = np.array([float(spec["intercept"])])
    clf.classes_ = np.asarray(spec["classes"])
    if clf.classes_.shape != (2,):
        raise ValueError(f"classes {spec['classes']!r}: a binary model has two")
    clf.n_features_in_ = coef.size
    return FramingPipeline([("features", features), ("clf", clf)])


# --- saving -------------------------------------------------------------------------------------


def save(model, path: str | Path, *, card: str = "", **manifest) -> Path:
    """Write ``model``'s directory: model file, manifest (with hashes), model card.

    The manifest keeps what the model's manifest already says (training data, metrics,
    versions and command of a loaded model), with ``manifest`` added on top; a model
    loaded from a ``framescore-model/1`` directory gets a ``converted`` entry. Without
    ``card``, a loaded model's card is written again.

    Saving over a model directory replaces framescore's files there, and removes those
    this model has not (another model's card, a ``framescore-model/1`` model file). The
    manifest is removed first and written last: a save cut short leaves a directory
    that fails to load for want of a manifest. (:func:`save_atomically` leaves the old
    directory as it was instead.) Sets the model's ``manifest`` and ``path``.
    """
    path = Path(path)
    if not card and model.path is not None and (model.path / CARD_FILE).is_file():
        card = (model.path / CARD_FILE).read_text(encoding="utf-8")
    data = json.dumps(_plain_data(model.pipeline), ensure_ascii=False, allow_nan=False,
                      separators=(",", ":"))
    path.mkdir(parents=True, exist_ok=True)
    for name in (MANIFEST_FILE, PIPELINE_FILE, *(() if card else (CARD_FILE,))):
        (path / name).unlink(missing_ok=True)
    (path / MODEL_FILE).write_text(data + "\n", encoding="utf-8")
    info = {
        "framescore_version": __version__,
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "threshold": model.threshold,
        "article_threshold": model.article_threshold,
        "lexicons": dict(model.features.lexicon_files_),
        "n_features": len(model.feature_names),
        **{k: v for k, v in model.manifest.items() if k not in ("files", "format")},
        **manifest,
        "format": FORMAT,
    }
    if model.manifest.get("format") == SKOPS_FORMAT:
        info["converted"] = {"from": SKOPS_FORMAT, "framescore_version": __version__,
                             "at": datetime.now(UTC).isoformat(timespec="seconds")}
    if card:
        (path / CARD_FILE).write_text(card, encoding="utf-8")
    info["files"] = {
        name: sha256_file(path / name) for name in (MODEL_FILE, CARD_FILE)
        if (path / name).exists()
    }
    (path / MANIFEST_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")
    model.manifest, model.path = info, path
    return path


def check_target(output: str | Path, force: bool = False) -> None:
    """Refuse to overwrite a file, a non-model folder, or (without ``force``) a model
    (FileExistsError)."""
    target = Path(output)
    if target.exists():
        if not target.is_dir():
            raise FileExistsError(errno.EEXIST, "exists and is not a folder", str(target))
        if any(target.iterdir()):
            if not (target / MANIFEST_FILE).exists():
                raise FileExistsError(errno.EEXIST, "folder exists, is not empty and is not "
                                      "a framescore model; choose another -o", str(target))
            if not force:
                raise FileExistsError(errno.EEXIST, "a model is already there; pass --force "
                                      "to replace it", str(target))


def save_atomically(model, output: str | Path, *, force: bool = False, **save_args) -> Path:
    """:func:`save` into a temporary folder beside ``output``, then rename it into place
    (after :func:`check_target`): an interrupted save leaves ``output`` as it was."""
    check_target(output, force)
    with atomic_dir(output) as tmp:
        save(model, tmp, **save_args)
    model.path = Path(output)
    return model.path


# --- reading and verifying ----------------------------------------------------------------------


def default_model_dir() -> Path:
    """The shipped model: inside the installed package, or in the source checkout."""
    for candidate in (DEFAULT_MODEL_DIR, _REPO_DEFAULT_MODEL_DIR):
        if (candidate / MANIFEST_FILE).exists():
            return candidate
    return DEFAULT_MODEL_DIR


def verify(path: str | Path) -> dict:
    """Check a model directory without reading its model file as a model; return its manifest.

    Raises :class:`ModelError` when the manifest is missing or malformed, a file's SHA-256
    differs from the manifest, or a ``framescore-model/1`` model was made by another
    scikit-learn version.
    """
    path = Path(path)
    manifest_path = path / MANIFEST_FILE
    if not path.is_dir():
        raise ModelError(f"{path}: not a model directory")
    if not manifest_path.is_file():
        raise ModelError(f"{path}: no {MANIFEST_FILE}; not a framescore model directory")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{manifest_path}: malformed manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") not in (FORMAT, SKOPS_FORMAT):
        raise ModelError(f"{manifest_path}: not a {FORMAT} (or {SKOPS_FORMAT}) manifest")
    threshold = manifest.get("threshold")
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise ModelError(f"{manifest_path}: the threshold must be a number from 0 to 1, "
                         f"not {threshold!r}")
    article_threshold = manifest.get("article_threshold")
    if article_threshold is not None and not (isinstance(article_threshold, int | float)
                                              and 0 <= article_threshold <= 1):
        raise ModelError(f"{manifest_path}: the article threshold must be a number from 0 to "
                         f"1, not {article_threshold!r}")
    model_file = _model_file(manifest)
    files = manifest.get("files")
    if not isinstance(files, dict) or model_file not in files:
        raise ModelError(f"{manifest_path}: the manifest lists no {model_file} hash")
    for name, expected in files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            raise ModelError(f"{manifest_path}: unexpected file name {name!r}")
        file = path / name
        if not file.is_file():
            raise ModelError(f"{file}: missing (listed in the manifest)")
        if sha256_file(file) != expected:
            raise ModelError(f"{file}: SHA-256 does not match the manifest; "
                             "the model was modified or truncated")
    if model_file == PIPELINE_FILE and manifest.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"{path}: a {SKOPS_FORMAT} model made with scikit-learn "
            f"{manifest.get('sklearn_version')}, but {sklearn.__version__} is installed; "
            "install that version, load it and save it again (which writes the current "
            "format), or retrain the model"
        )
    return manifest


def _model_file(manifest: dict) -> str:
    return PIPELINE_FILE if manifest["format"] == SKOPS_FORMAT else MODEL_FILE


def read(path: str | Path | None = None) -> tuple[Pipeline, dict, Path]:
    """The pipeline, manifest and path of a model directory (the shipped default model when
    ``path`` is None), verified first (:func:`verify`)."""
    path = Path(path) if path is not None else default_model_dir()
    manifest = verify(path)
    file = path / _model_file(manifest)
    if file.name == PIPELINE_FILE:
        pipeline = _load_skops(file)
    else:
        try:
            pipeline = _from_plain_data(orjson.loads(file.read_bytes()))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{file}: not a valid framescore model file "
                             f"({type(exc).__name__}: {exc})") from None
    return pipeline, manifest, path


def _load_skops(file: Path) -> Pipeline:
    """The pipeline of a ``framescore-model/1`` file, read by skops with the allow-list."""
    try:
        import skops.io as sio
    except ImportError:
        raise ModelError(f"{file}: a {SKOPS_FORMAT} model (the first format) loads only with "
                         "skops: pip install 'framescore[skops]', then "
                         "framescore.load(DIR).save(NEW_DIR) writes the current format, "
                         "which needs no skops") from None

    try:
        untrusted = sio.get_untrusted_types(file=file)
    except (zipfile.BadZipFile, KeyError, ValueError, json.JSONDecodeError) as exc:
        raise ModelError(f"{file}: not a skops model file ({exc})") from None
    unexpected = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if unexpected:
        raise ModelError(f"{file}: contains types framescore does not trust: {unexpected}")
    return sio.load(file, trusted=untrusted)


# --- the model card -----------------------------------------------------------------------------

_METRIC_ROWS = (("macro_f1", "macro-F1"), ("accuracy", "accuracy"), ("roc_auc", "ROC-AUC"),
                ("pr_auc", "PR-AUC"), ("brier", "Brier score"), ("ece", "ECE (10 bins)"))


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def model_card(name: str, *, threshold: float, params: dict, training_data: list[dict],
               metrics: dict | None = None, group_col: str | None = None,
               version: str = "", subjective_words: list[dict] | None = None) -> str:
    """The MODEL_CARD.md text of a trained model, from its training data (one dict per file:
    path, sha256, n, n_framed, dropped, text_col, label_col, positive, negative, words_col),
    the word lists its subjective words were learned from (path, sha256, n, learned) and CV
    metrics."""
    lexicons = params.get("extra_lexicons") or []
    shown = ", ".join(f"{k}={v!r}" for k, v in sorted(params.items()) if k != "extra_lexicons")
    lines = [
        f"# framescore model: {name}",
        "",
        "A linear model (framescore's logistic regression with the framing constraints) on "
        "named framing features: loaded terms by category and voice (narrator, headline, "
        "quoted, reported)"
        + (", learned terms" if any(td.get("words_col") for td in training_data) else "")
        + ", attribution patterns, scare quotes"
        + (", quote and reported-speech shares" if params.get("voice", True)
           and params.get("shares", True) else "")
        + (" and word n-grams" if params.get("ngrams") else "") + ". Every score is explained "
        "exactly by `framescore explain` (logit = intercept + Σ weight × value).",
        "",
        "## Training data",
        "",
    ]
    for td in training_data:
        negative = (f"`{td['label_col']}` = `{td['negative']}`" if td.get("negative") is not None
                    else f"any other non-empty `{td['label_col']}`")
        lines += [
            f"- file: `{td['path']}` (SHA-256 `{td['sha256']}`): {td['n']} texts from column "
            f"`{td['text_col']}`: {td['n_framed']} framed (`{td['label_col']}` = "
            f"`{td['positive']}`), {td['n'] - td['n_framed']} neutral ({negative}); "
            f"{td['dropped']} rows dropped (other labels or empty text)"
            + (f"; term weights learned from the marked words in `{td['words_col']}`"
               if td.get("words_col") else ""),
        ]
    for wl in subjective_words or ():
        lines.append(f"- candidate words: `{wl['path']}` (SHA-256 `{wl['sha256']}`, {wl['n']} "
                     "words); those whose training texts lean framed are learned as "
                     "`learned_subjective` terms")
    if subjective_words:
        lines.append(f"- learned subjective words: {subjective_words[0]['learned']}")
    if group_col:
        lines.append(f"- cross-validation folds grouped by `{group_col}`")
    lines += [
        "",
        "## Model",
        "",
        f"- decision threshold: {threshold:.2f} (tuned for macro-F1 by inner 3-fold "
        "cross-validation on the training data)",
        f"- parameters: {shown}",
        "- lexicons: the built-in ones" + (f" plus {', '.join(f'`{p}`' for p in lexicons)}"
                                           if lexicons else ""),
    ]
    if version:
        lines.append(f"- made with framescore {version}")
    lines += ["", "## Cross-validated metrics", ""]
    if metrics:
        folds = f"{metrics.get('cv')}-fold" + (", grouped" if metrics.get("grouped") else "")
        lines += [f"Out-of-fold predictions, {folds} (seed {metrics.get('seed')}); each fold "
                  "tuned its own threshold on its training part.", "",
                  "| metric | value |", "|---|---|"]
        lines += [f"| {label} | {_fmt(metrics.get(key))} |" for key, label in _METRIC_ROWS]
        cm = metrics.get("confusion_matrix")
        if cm:
            lines += ["", f"Confusion matrix: tn {cm['tn']}, fp {cm['fp']}, fn {cm['fn']}, "
                      f"tp {cm['tp']}."]
    else:
        lines.append("Not measured (trained with `--cv 0`); run `framescore evaluate` on "
                     "held-out data.")
    lines += [
        "",
        "## Intended use",
        "",
        "Research on news framing: scoring and comparing how articles present claims (own "
        "voice vs quoted or reported, attribution, loaded labels). Scores are probabilities "
        "that an annotator of the training data would call the text framed.",
        "",
        "## Limits",
        "",
        "- The model learns its training labels, including their annotators' views of what is "
        "framed; it transfers poorly to other domains, languages or periods.",
        "- Lexicon matching sees listed terms only; new loaded labels are missed unless "
        "n-grams picked them up from the training data.",
        "- A score describes wording, not truth: a framed article can be accurate and a "
        "neutral one wrong. Do not use it to rate outlets or people without human review.",
        "",
    ]
    return "\n".join(lines)
