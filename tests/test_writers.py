"""RecordWriter: every row written as it was given, whatever the values hold."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from framescore.writers import RecordWriter

COLUMNS = {"id": "string", "row": "int", "score": "float", 'odd, "name" %s': "string"}

rows = st.lists(st.tuples(
    st.none() | st.text(),  # commas, quotes, %, line breaks, any Unicode
    st.integers(-(2**63), 2**63 - 1),
    st.none() | st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
), max_size=30)


def written(frames: list[pd.DataFrame]) -> str:
    stream = io.StringIO()
    with RecordWriter("jsonl", COLUMNS, stream=stream) as writer:
        for frame in frames:
            writer.write(frame)
    return stream.getvalue()


def expected_value(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    return value


@settings(max_examples=200)
@given(rows, st.integers(0, 30))
def test_jsonl_lines_hold_each_row_in_column_order(data, split):
    frame = pd.DataFrame(data, columns=list(COLUMNS)).astype({"row": "int64"})
    frame["score"] = frame["score"].astype(float)  # None → NaN, as in a scored frame
    out = written([frame.iloc[:split], frame.iloc[split:]])
    assert out.count("\n") == len(data)
    for line, row in zip(out.split("\n")[:-1], data, strict=True):
        record = json.loads(line)
        assert list(record) == list(COLUMNS)
        assert list(record.values()) == [expected_value(v) for v in row]


def test_empty_frame_writes_nothing():
    frame = pd.DataFrame({c: [] for c in COLUMNS})
    assert written([frame]) == ""
