"""Who a record is about: a person is (grantee, client_id), trimmed and compared ignoring case."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.records.reading.text import factorized, text_array, trimmed


def person_key(frame: pd.DataFrame) -> pd.Series:
    """Return one key per row identifying the person: (grantee, client_id), case-insensitive."""
    return _folded(frame["grantee"]) + "\x1f" + _folded(frame["client_id"])


def _folded(values: pd.Series) -> pd.Series:
    """Trim, case-fold and NFC-normalize text; fast for ASCII, exact for all Unicode."""
    values = values.astype("str").str.strip()
    folded = values.str.lower()
    wide = ~values.str.isascii().fillna(True).astype(bool)
    if wide.any():
        folded = folded.mask(wide, values[wide].map(_fold))
    return folded


def _fold(text: str) -> str:
    """Return text case-folded in Unicode normal form C (the same however it was typed)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


@dataclass(frozen=True)
class People:
    """The distinct case-folded grantees and client ids of a frame, as Arrow arrays."""

    grantees: pa.Array
    clients: pa.Array


def person_codes(frame: pd.DataFrame, people: People | None = None) -> tuple[np.ndarray, People]:
    """Return an int64 code per row for its person (equal exactly when ``person_key`` is).

    Codes are built from ``people`` when given (-1 for a person outside it), else from the
    frame's own distinct values, which are returned. No per-row key text is built.
    """
    grantee_number, grantees = _folded_index(
        frame["grantee"], None if people is None else people.grantees, few=True
    )
    client_number, clients = _folded_index(
        frame["client_id"], None if people is None else people.clients
    )
    people = people or People(grantees, clients)
    codes = grantee_number * max(len(people.clients), 1) + client_number
    codes[(grantee_number < 0) | (client_number < 0)] = -1
    return codes, people


@dataclass(frozen=True)
class Persons:
    """A frame's person code per row (``person_codes``) and the distinct people they index."""

    codes: np.ndarray
    people: People


def _folded_index(
    values: pd.Series, value_set: pa.Array | None, *, few: bool = False
) -> tuple[np.ndarray, pa.Array]:
    """Return each row's position among the distinct folded values (``_folded``) and those.

    The distinct values are ``value_set`` when given (-1 for a value outside it). With
    ``few`` (few distinct values), each distinct raw value is folded once.
    """
    text = _arrow(values.astype("str"))
    if few:
        raw = pc.dictionary_encode(text)
        index, distinct = _folded_index(pd.Series(raw.dictionary, dtype="str"), value_set)
        codes = raw.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        if not len(index):
            return np.full(len(codes), -1, dtype=np.int64), distinct
        return np.where(codes >= 0, index[np.maximum(codes, 0)], -1), distinct
    text = trimmed(text)
    folded = pc.utf8_lower(text)
    wide = pc.invert(pc.string_is_ascii(text)).fill_null(False)
    if pc.any(wide).as_py():  # str.lower equals str.casefold on ASCII only
        exact = [_fold(value) for value in pc.filter(text, wide).to_pylist()]
        folded = pc.replace_with_mask(folded, wide, pa.array(exact, type=folded.type))
    if value_set is None:
        return factorized(folded)
    found = pc.index_in(folded, value_set=value_set).fill_null(-1)
    return found.to_numpy(zero_copy_only=False).astype(np.int64), value_set


def _arrow(values: pd.Series) -> pa.Array:
    """Return a text column as one Arrow array (not chunked)."""
    data = text_array(values)
    array = pa.array(values) if data is None else data
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
