"""Lexicon terms added to a trained model at scoring time, without retraining.

A model's weights belong to features named by category and voice (``loaded:<category>:<voice>``,
``attribution:<type>``), not to terms, so a term added to one of the model's categories is
scored with the weights that category already has: :func:`with_lexicons` returns a copy of a
model whose lexicon also holds the entries of some lexicon files (validated as ``framescore
lexicon validate`` does; an entry overrides the model's entry of the same term, as a later
lexicon file does). The weights, the intercept and the thresholds are the model's, so
explanations stay exact (``logit = intercept + Σ weight × value``), and a match of an added
term is a span like any other, with its category and voice. A term of a category the model
has no weight for is a :class:`~framescore.lexicon.LexiconError` naming its file and line: a
new category needs retraining.

Provenance: :func:`lexicon_sources` says which lexicons were in force, with their SHA-256: the
model's own lexicon (:func:`lexicon_sha256`, of its entries as its model file holds them),
then each added file (of its bytes). :func:`lexicons_tag` is the same in one line, for a
column of a table.

>>> from framescore.overlay import with_lexicons
>>> mine = with_lexicons(model, ["my_terms.csv"])      # doctest: +SKIP
>>> mine.score(["..."])                                 # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from .feature_rows import LEARNED_CATEGORIES
from .features import FramingFeatures
from .lexicon import ATTRIBUTION_TYPES, Entry, LexiconError, load_entries
from .model import FramingModel
from .text import VOICES

#: The manifest key of an overlaid model: the model's own lexicon and the files added.
OVERLAY_KEY = "lexicon_overlay"


@lru_cache(maxsize=16)
def _sha256_of_entries(lexicon_json: str) -> str:
    rows = json.loads(lexicon_json)
    canonical = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lexicon_sha256(model: FramingModel) -> str:
    """The SHA-256 of the lexicon ``model`` was trained with: of its entries (term, category,
    neutral, note, not_before, source file, line, weight; learned terms too), as its model
    file holds them, written as compact JSON. For a model from :func:`with_lexicons`, that of
    the model it was made from."""
    overlay = model.manifest.get(OVERLAY_KEY)
    if overlay:
        return overlay["model"]["sha256"]
    return _sha256_of_entries(model.features.lexicon_json_)


def _model_terms(model: FramingModel) -> int:
    overlay = model.manifest.get(OVERLAY_KEY)
    if overlay:
        return overlay["model"]["terms"]
    return len(model.features.lexicon.entries)


def category_weights(model: FramingModel) -> dict[str, dict[str, float]]:
    """What one match of a term of each category adds to its sentence's logit, by voice
    (``narrator``, ``title``, ``quoted``, ``reported``): the weights of the features it feeds.
    A loaded term feeds ``loaded:<voice>`` and ``loaded:<category>:<voice>`` (a learned term,
    of :data:`~framescore.feature_rows.LEARNED_CATEGORIES`, only the latter, times its own
    weight), or ``loaded:<category>`` in
    a model without voices; an attribution pattern feeds ``attribution:<type>``, except inside
    a direct quote (no entry for ``quoted``). Only the categories the model has features for
    are keys: the categories a term can be added to."""
    names = [str(n) for n in model.feature_names]
    index = {name: k for k, name in enumerate(names)}
    weights = model.weights
    out: dict[str, dict[str, float]] = {}
    for name in names:
        parts = name.split(":")
        if parts[0] != "loaded" or len(parts) == 1 or parts[1] in VOICES:
            continue  # not a category's feature (loaded:<voice> is every category's)
        category = parts[1]
        if len(parts) == 2:  # a model without voices
            out[category] = {v: float(weights[index[name]]) for v in VOICES}
            continue
        voice = parts[2]
        weight = float(weights[index[name]])
        general = index.get(f"loaded:{voice}")
        if category not in LEARNED_CATEGORIES and general is not None:
            weight += float(weights[general])
        out.setdefault(category, {})[voice] = weight
    for t in ATTRIBUTION_TYPES:
        k = index.get(f"attribution:{t}")
        if k is not None:
            out[t] = {v: float(weights[k]) for v in VOICES if v != "quoted"}
    return out


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise LexiconError(path, 0, f"cannot read: {exc.strerror or exc}") from None


def with_lexicons(model: FramingModel, paths) -> FramingModel:
    """A copy of ``model`` whose lexicon also holds the entries of the lexicon files
    ``paths`` (in order; a later entry of the same term, after stemming, overrides an earlier
    one, the model's included). ``model`` is left as it was; without paths it is returned.

    Raises :class:`~framescore.lexicon.LexiconError` (``path:line: reason``) for a malformed
    file, for a term of a category the model has no weight for (see
    :func:`category_weights`), and for an override that would leave one of the model's
    categories without terms (its features would vanish)."""
    paths = [Path(p) for p in paths]
    if not paths:
        return model
    features = model.features
    known = category_weights(model)
    base = features.lexicon.entries  # term key → entry, as the model matches them
    resolved: dict[tuple[str, ...], Entry] = dict(base)
    added = []
    for path in paths:
        entries = load_entries(path)
        for e in entries:
            if e.category not in known:
                have = ", ".join(sorted(known)) or "none"
                raise LexiconError(path, e.line, f"category {e.category!r}: the model has no "
                                   f"weight for it (its categories: {have}); a new category "
                                   "needs retraining (framescore train --lexicon)")
            resolved[e.key] = e  # in the overridden entry's place, or at the end
        added.append({"name": path.name, "path": str(path), "sha256": _file_sha256(path),
                      "terms": len(entries)})
    # The model's feature names follow its categories in order of first appearance: keep
    # that order by putting the first entry of each of them first.
    categories = features.lexicon.categories
    first: dict[str, tuple[str, ...]] = {}
    for key, e in resolved.items():
        first.setdefault(e.category, key)
    for c in categories:
        if c not in first:
            path, e = next((p, e) for p in paths for e in load_entries(p)
                           if base.get(e.key) is not None and base[e.key].category == c)
            raise LexiconError(path, e.line, f"{e.term!r} was the last term of the model's "
                               f"category {c!r}; moving it to {e.category!r} would leave "
                               "that category without terms")
    leading = [first[c] for c in categories]
    keys = leading + [k for k in resolved if k not in set(leading)]
    state = features.fitted_state()
    state["lexicon"] = [list(resolved[k].to_row()) for k in keys]
    state["lexicon_files"] = {**state["lexicon_files"],
                              **{a["name"]: a["sha256"] for a in added}}
    params = state["params"]
    params["extra_lexicons"] = [*(params.get("extra_lexicons") or ()),
                                *(a["path"] for a in added)]
    new_features = FramingFeatures.from_fitted_state(state)
    if list(new_features.get_feature_names_out()) != list(model.feature_names):
        raise RuntimeError("the added lexicon changed the model's features")  # a bug if seen
    pipeline = _copy_pipeline(model.pipeline, new_features)
    manifest = dict(model.manifest)
    before = manifest.get(OVERLAY_KEY) or {
        "model": {"sha256": lexicon_sha256(model), "terms": _model_terms(model)}, "added": []}
    manifest[OVERLAY_KEY] = {"model": before["model"], "added": [*before["added"], *added]}
    return FramingModel(pipeline, model.threshold, manifest, model.path,
                        model.article_threshold)


def _copy_pipeline(pipeline, features: FramingFeatures):
    """A shallow copy of ``pipeline`` with ``features`` as its ``features`` step (the
    classifier step is shared: nothing changes it)."""
    import copy

    return copy.copy(pipeline).set_params(features=features)


def lexicon_sources(model: FramingModel) -> list[dict]:
    """The lexicons in force in ``model``, in order: ``{"name": "model", "path", "sha256",
    "terms"}`` for the model's own lexicon (:func:`lexicon_sha256`; ``path`` is the model
    directory, "" when it has none), then ``{"name", "path", "sha256", "terms"}`` for each file
    added by :func:`with_lexicons` (the SHA-256 of its bytes)."""
    own = {"name": "model", "path": str(model.path) if model.path else "",
           "sha256": lexicon_sha256(model), "terms": _model_terms(model)}
    overlay = model.manifest.get(OVERLAY_KEY) or {}
    return [own, *(dict(a) for a in overlay.get("added", ()))]


def lexicons_tag(model: FramingModel) -> str:
    """:func:`lexicon_sources` in one line, ``name:sha256`` separated by ``;``: ``model:<sha256
    of the model's lexicon>;my_terms.csv:<sha256 of the file>``."""
    return ";".join(f"{s['name']}:{s['sha256']}" for s in lexicon_sources(model))


def added_lexicons(model: FramingModel) -> list[dict]:
    """The files :func:`with_lexicons` added to ``model`` (:func:`lexicon_sources` without
    the model's own)."""
    return lexicon_sources(model)[1:]
