"""framescore: score how far a news text presents its claims as framed rather than neutral.

>>> import framescore
>>> model = framescore.load()                 # the shipped default model
>>> model.score(["The regime's thugs slammed protesters."])      # DataFrame: score, label, logit
>>> from framescore.explain import explain
>>> explain(model, "...").to_dict()           # exact: intercept + Σ weight × value, with spans
"""

__version__ = "0.1.0"

#: Public name → the module that defines it. Imported on first use (PEP 562), so that
#: ``import framescore`` and the CLI's ``--help`` do not pay for scikit-learn, pandas and NLTK.
_EXPORTS = {
    "FramingFeatures": "features",
    "FramingModel": "model",
    "Lexicon": "lexicon",
    "LexiconError": "lexicon",
    "ModelError": "persist",
    "load": "model",
    "train": "training",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'framescore' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
