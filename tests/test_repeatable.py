"""The suite is repeatable: property tests draw the same examples on every run."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

drawn: list[int] = []


@pytest.mark.skipif(os.environ.get("HYPOTHESIS_PROFILE", "repeatable") != "repeatable",
                    reason="another hypothesis profile was chosen")
def test_property_tests_draw_the_same_examples_every_run():
    assert settings.default.derandomize and settings.default.database is None
    assert settings.default.deadline is None  # a loaded machine's timings fail no test

    @settings(max_examples=20)
    @given(st.integers())
    def draw(n: int) -> None:
        drawn.append(n)

    draw()
    first = list(drawn)
    drawn.clear()
    draw()
    assert drawn == first and len(set(first)) > 1
