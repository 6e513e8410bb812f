"""The fast paths on Arrow text agree with the plain rules they stand for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from analysis.records.reading import persons, text

CELLS = [
    "",
    "a",
    " a",
    "a ",
    "\ta\n",
    "\x1ca\x1f",
    "\u00a0a",
    "a\u2003",
    "é",
    "e\u0301",
    "TV-000001",
    "tv-000001",
    "x" * 15,
    "x" * 16,
    "a\x00",
    "a",
    "Straße",
]


def _series(values: list[str], chunks: int = 3) -> pd.Series:
    """Return text values as a str column made of several Arrow chunks."""
    size = max(1, len(values) // chunks)
    parts = [values[i : i + size] for i in range(0, len(values), size)] or [[]]
    array = pa.chunked_array([pa.array(p, pa.large_string()) for p in parts], pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(array), dtype=pd.StringDtype(na_value=np.nan))


@pytest.mark.parametrize("cell", CELLS)
def test_stripped_equals_strip_for_each_cell(cell):
    values = _series(["b", cell, "c"])
    assert text.stripped(values).tolist() == values.str.strip().tolist()


def test_stripped_keeps_a_column_with_nothing_to_trim():
    values = _series(["a", "b c", "", "x-1"])
    assert text.stripped(values) is values


@pytest.mark.parametrize("cell", CELLS)
def test_trimmed_equals_the_arrow_trim(cell):
    array = pa.array(["b", cell], pa.string())
    assert text.trimmed(array).to_pylist() == pc.utf8_trim_whitespace(array).to_pylist()


@pytest.mark.parametrize("seed", range(5))
def test_factorized_equals_dictionary_encoding(seed):
    rng = np.random.default_rng(seed)
    cells = list(rng.choice(np.array(CELLS, dtype=object), size=200))
    array = pa.array(cells, pa.large_string()).slice(3)
    codes, distinct = text.factorized(array)
    encoded = pc.dictionary_encode(array)
    assert codes.tolist() == encoded.indices.to_pylist()
    assert distinct.to_pylist() == encoded.dictionary.to_pylist()


def test_short_cells_are_packed_and_long_ones_are_not():
    assert text.packed(pa.array(["x" * text.PACKED_BYTES])) is not None
    assert text.packed(pa.array(["x" * (text.PACKED_BYTES + 1)])) is None
    assert text.packed(pa.array(["a", None])) is None


def test_person_codes_equal_exactly_when_person_keys_do():
    rng = np.random.default_rng(0)
    grantees = np.array([" A ", "a", "B", "b\u0301", "B\u0301"], dtype=object)
    clients = np.array(CELLS, dtype=object)
    frame = pd.DataFrame(
        {
            "grantee": _series(list(rng.choice(grantees, 300))),
            "client_id": _series(list(rng.choice(clients, 300))),
        }
    )
    codes, people = persons.person_codes(frame)
    keys = persons.person_key(frame).to_numpy()
    same_code = codes[:, None] == codes[None, :]
    same_key = keys[:, None] == keys[None, :]
    assert (same_code == same_key).all()
    other = frame.iloc[::-1].reset_index(drop=True)
    again, _ = persons.person_codes(other, people)
    assert again.tolist() == codes[::-1].tolist()
