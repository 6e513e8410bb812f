"""Reading a Parquet records file as text (dates, timestamps and numbers written as text)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.errors import InputError
from analysis.records.reading.opening import _source


def _read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file, turning every column into text as it would appear in a CSV."""
    import pyarrow.parquet as pq  # only Parquet input needs it (slow to import)

    source = _source(path)
    try:
        parquet = pq.ParquetFile(source)
        names = parquet.schema_arrow.names
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise InputError(
                [
                    f"{path.name}, row 1: column {name!r} appears more than once (expected once)"
                    for name in repeated
                ],
                heading=f"{path}: cannot be read",
            )
        table = parquet.read()
    except (pa.ArrowException, OSError) as error:
        raise InputError(
            f"{path.name}: cannot be read as Parquet ({error})", heading=f"{path}: cannot be read"
        ) from None
    finally:
        if not isinstance(source, str):
            source.close()
    frame = pd.DataFrame({i: _arrow_text(table.column(i)) for i in range(table.num_columns)})
    return frame.set_axis(table.column_names, axis=1)


def _arrow_text(column: pa.ChunkedArray) -> pd.Series:
    """Render one Parquet column as text: dates as YYYY-MM-DD, nulls as "".

    A time-zone-aware timestamp is first taken in its own zone (its local date and time).
    """
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        column = pc.local_timestamp(column)
        kind = column.type
    if pa.types.is_timestamp(kind):
        days = pc.cast(pc.floor_temporal(column, unit="day"), kind)
        if pc.all(pc.equal(days, column)).as_py() in (True, None):
            column = pc.cast(column, pa.date32())
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
    if pa.types.is_boolean(column.type):
        column = pc.if_else(column, "true", "false")
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        try:
            column = pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            return pd.Series(
                ["" if value is None else str(value) for value in column.to_pylist()],
                dtype="str",
            )
    column = pc.fill_null(column, "")
    return pd.Series(column.to_pandas(), dtype="str")
