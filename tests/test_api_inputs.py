"""The Python API refuses what the command line refuses: empty and missing texts.

``model.score(["", np.nan])`` once scored a neutral 0.454 and a silent NaN-turned-empty text;
now it is a ValueError naming the positions, unless ``on_empty="score"`` says to score them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import framescore


@pytest.fixture(scope="module")
def model(default_model_dir):
    return framescore.load(default_model_dir)


@pytest.mark.parametrize(("texts", "positions"), [
    (["", np.nan], "positions 0, 1"),
    (["The council met.", None], "position 1"),
    (pd.Series(["The council met.", "  \n", pd.NA], index=[10, 20, 30]), "positions 1, 2"),
    (np.array(["The council met.", ""], dtype=object), "position 1"),
    (lambda: (t for t in ["A text.", float("nan")]), "position 1"),  # an iterator
])
@pytest.mark.parametrize("level", ["article", "sentence"])
def test_empty_or_missing_texts_are_a_value_error_naming_them(model, texts, positions, level):
    with pytest.raises(ValueError, match=f"empty or missing .* at {positions};"):
        model.score(texts() if callable(texts) else texts, level=level)


def test_the_error_counts_and_lists_the_first_ten(model):
    with pytest.raises(ValueError, match=r"^12 of 13 texts .* 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 "
                                         r"and 2 more;"):
        model.score([""] * 12 + ["The council met."])


def test_on_empty_score_scores_them_as_texts_without_features(model):
    df = model.score(["", np.nan, None, pd.NA, "   "], on_empty="score")
    assert df["sentences"].tolist() == [0] * 5
    assert df["logit"].tolist() == pytest.approx([model.intercept] * 5)
    assert model.score(["", "One. Two."], level="sentence", on_empty="score")["text_index"] \
        .tolist() == [1, 1]


def test_valid_texts_score_as_before_and_options_are_checked(model):
    texts = ["The council met.", "Critics slammed the so-called reform."]
    df = model.score(iter(texts))
    pd.testing.assert_frame_equal(df, model.score(texts, on_empty="score"))
    assert len(model.score([])) == 0
    with pytest.raises(ValueError, match="on_empty must be 'raise' or 'score'"):
        model.score(texts, on_empty="skip")
    with pytest.raises(TypeError, match="single string"):
        model.score("The council met.")
    with pytest.raises(TypeError, match="text 0 is int"):
        model.score([3])
