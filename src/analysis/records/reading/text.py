"""Fast looks at Arrow-backed text columns: whether trimming would change them, and their bytes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Bytes that may begin or end a cell that trimming changes: the ASCII whitespace that both
# Python's str.strip and Arrow's utf8_trim_whitespace remove, and every non-ASCII byte (a
# Unicode space is not ASCII; such a cell is trimmed by the full rule).
_EDGE = np.zeros(256, dtype=bool)
_EDGE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True
_EDGE[0x80:] = True
PACKED_BYTES = 15
"""Cells of at most this many bytes are packed into 16 bytes (their length last) by ``packed``."""


def text_array(values: pd.Series) -> pa.ChunkedArray | None:
    """Return the Arrow data behind a text column (None when it is not Arrow-backed)."""
    array = values.array
    data = array.__arrow_array__() if hasattr(array, "__arrow_array__") else None
    return data if isinstance(data, pa.ChunkedArray) else None


def stripped(values: pd.Series) -> pd.Series:
    """Return ``values.str.strip()``; the column itself when no cell has anything to trim."""
    data = text_array(values)
    if data is not None and not any(_may_trim(chunk) for chunk in data.chunks):
        return values
    return values.str.strip()


def trimmed(array: pa.Array) -> pa.Array:
    """Return ``pc.utf8_trim_whitespace(array)``; the array itself when nothing is to trim."""
    return pc.utf8_trim_whitespace(array) if _may_trim(array) else array


def _bytes(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Return a text array's cell offsets (one more than cells) and its character bytes.

    None when the array has nulls or is not plain (large) UTF-8 text.
    """
    if chunk.null_count or not (
        pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)
    ):
        return None
    buffers = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if len(buffers) > 2 and buffers[2] is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data


def _may_trim(chunk: pa.Array) -> bool:
    """Return False only when no cell begins or ends with a byte that trimming may remove.

    An empty cell is looked at by its neighbours' bytes, which can only make the answer True.
    """
    found = _bytes(chunk)
    if found is None:
        return True
    offsets, data = found
    if not len(data):
        return False
    top = len(data) - 1
    first = data[np.minimum(offsets[:-1], top)]
    last = data[np.maximum(offsets[1:] - 1, 0)]
    return bool(_EDGE[first].any() or _EDGE[last].any())


def packed(array: pa.Array) -> np.ndarray | None:
    """Return each cell as two uint64 (its bytes, zero-padded, then its length), or None.

    Two cells are equal exactly when their packed rows are; None when a cell is longer than
    ``PACKED_BYTES`` or the array has nulls.
    """
    found = _bytes(array)
    if found is None:
        return None
    offsets, data = found
    starts, lengths = offsets[:-1].astype(np.int64), np.diff(offsets).astype(np.int64)
    if len(lengths) and int(lengths.max()) > PACKED_BYTES:
        return None
    matrix = np.zeros((len(lengths), PACKED_BYTES + 1), dtype=np.uint8)
    for position in range(int(lengths.max()) if len(lengths) else 0):
        rows = np.flatnonzero(lengths > position)
        matrix[rows, position] = data[starts[rows] + position]
    matrix[:, PACKED_BYTES] = lengths
    return matrix.view(np.uint64)


def factorized(array: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Return a code per cell and the distinct cells in order of first appearance.

    The same as ``pc.dictionary_encode`` (indices and dictionary), faster for short cells.
    """
    keys = packed(array)
    if keys is None:
        encoded = pc.dictionary_encode(array)
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return indices.astype(np.int64), encoded.dictionary
    codes, count = _pair_codes(keys)
    first = np.full(count, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
    return codes, array.take(pa.array(first))


def _pair_codes(keys: np.ndarray) -> tuple[np.ndarray, int]:
    """Return a code per row of two uint64 (equal rows, equal codes; first seen, first code)."""
    high, high_values = pd.factorize(keys[:, 0])
    low, low_values = pd.factorize(keys[:, 1])
    combined = high.astype(np.int64) * max(len(low_values), 1) + low
    codes, uniques = pd.factorize(combined)
    return codes.astype(np.int64), len(uniques)
