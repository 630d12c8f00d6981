"""framescore: score how far a news text presents its claims as framed rather than neutral.

>>> import framescore
>>> model = framescore.load()                 # the shipped default model
>>> model.score(["The regime's thugs slammed protesters."])      # DataFrame: score, label, logit
>>> model.explain("...").to_dict()            # exact: intercept + Σ weight × value, with spans
"""

__version__ = "0.1.0"

from .features import FramingFeatures
from .lexicon import Lexicon, LexiconError
from .model import FramingModel, ModelError, load, train

__all__ = [
           "FramingFeatures",
           "FramingModel",
           "Lexicon",
           "LexiconError",
           "ModelError",
           "__version__",
           "load",
           "train",
]
