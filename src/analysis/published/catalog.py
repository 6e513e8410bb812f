"""The catalogue of sources and sourced tables in the data directory, checked against its schema.

Layout of a data directory::

    sources.yml          one entry per source document (checked by ``analysis.published.sources``)
    raw/                 raw copies of sources, their SHA-256 recorded in sources.yml
    schema/*.yml         one file per table: which CSV files, key, column types and units
    published/*.csv      figures: one row per published, reported, derived or inferred figure
    timeline/, lists/    the other tables their schema files name
    checks/*.yml         reconciliation rules and recorded discrepancies (see ``published.checks``)
    datapackage.json     the same tables as a Data Package (generated: ``published.datapackage``)

Types are strict: dates are ISO 8601 ``YYYY-MM-DD``, numbers finite. Every problem is reported
with the file, the row and its id, the column, the value and what was expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.errors import DataError
from analysis.paths import data_dir as default_data_dir
from analysis.published import formula
from analysis.published import sources as sources_module

STATUSES = ("published", "reported", "derived", "inferred", "approximate")
# The statuses from most to least certain: a figure stated by a source, then worked out.
CERTAINTY = ("published", "reported", "approximate", "derived", "inferred")
SOURCE_KINDS = sources_module.KINDS
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SOURCE_FIELDS = sources_module.FIELDS
ROW = "_row"
ISO_DATE_EXPECTED = "an ISO 8601 date as YYYY-MM-DD (record a month or year with its precision)"
FILE = "_file"


@dataclass(frozen=True)
class Column:
    """One column of a table schema."""

    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    description: str = ""
    unit: str = ""


@dataclass(frozen=True)
class TableSchema:
    """A table: the CSV files it is read from, its key, and its columns."""

    name: str
    files: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    description: str = ""


@dataclass
class Catalog:
    """Sources, figures and tables of one data directory, with derived figures computed."""

    data_dir: Path
    sources: pd.DataFrame
    schemas: dict[str, TableSchema]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def figures(self) -> pd.DataFrame:
        """Every figure, indexed by ``figure_id``."""
        return self.tables["figures"].set_index("figure_id", drop=False)

    def value(self, figure_id: str) -> float:
        """Return the value of one figure (derived figures computed from their formula)."""
        return float(self.figure(figure_id)["value"])

    def figure(self, figure_id: str) -> pd.Series:
        """Return one figure's row: value, unit, source, quote, status, ..."""
        figures = self.figures
        if figure_id not in figures.index:
            raise KeyError(f"no figure {figure_id!r} in {self.data_dir}")
        return figures.loc[figure_id]

    def table(self, name: str) -> pd.DataFrame:
        """Return one table without its bookkeeping columns."""
        return self.tables[name].drop(columns=[ROW, FILE])

    def source(self, source_id: str) -> pd.Series:
        """Return one source's entry from ``sources.yml``."""
        return self.sources.loc[source_id]

    def cite(self, source_ids: list[str] | str) -> str:
        """Return a short citation line for one or more source ids."""
        ids = _split_ids(source_ids) if isinstance(source_ids, str) else list(source_ids)
        return "; ".join(
            f"{i} {self.sources.loc[i, 'publisher']}, {self.sources.loc[i, 'title']}"
            for i in dict.fromkeys(ids)
        )


def load(data_dir: str | Path | None = None) -> Catalog:
    """Read and check a data directory; raise ``DataError`` listing every schema problem."""
    root = default_data_dir(data_dir)
    if not root.is_dir():
        raise DataError(f"{root}: data directory not found")
    problems: list[str] = []
    sources = _load_sources(root, problems)
    schemas = _load_schemas(root, problems)
    catalog = Catalog(root, sources, schemas)
    for schema in schemas.values():
        catalog.tables[schema.name] = _load_table(root, schema, set(sources.index), problems)
    if "figures" not in catalog.tables:
        problems.append(f"{root / 'schema'}: no schema for the 'figures' table")
    else:
        _check_figures(catalog.tables["figures"], root, problems)
        _check_figure_references(catalog, problems)
    if problems:
        raise DataError(problems, heading=f"{root}: the data do not match their schema")
    _compute_derived(catalog)
    return catalog


def load_table(name: str, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Read and check one table of a data directory, as ``load(data_dir).table(name)`` gives it.

    Only that table's file, the schemas and the sources are read (the sources for the table's
    source ids); raise ``DataError`` listing every problem found in them.
    """
    root = default_data_dir(data_dir)
    if not root.is_dir():
        raise DataError(f"{root}: data directory not found")
    problems: list[str] = []
    sources = _load_sources(root, problems)
    schemas = _load_schemas(root, problems)
    if name not in schemas:
        problems.append(f"{root / 'schema'}: no schema for the {name!r} table")
        table = pd.DataFrame(columns=[FILE, ROW])
    else:
        table = _load_table(root, schemas[name], set(sources.index), problems)
    if problems:
        raise DataError(problems, heading=f"{root}: the data do not match their schema")
    return table.drop(columns=[ROW, FILE])


def _load_sources(root: Path, problems: list[str]) -> pd.DataFrame:
    path = root / "sources.yml"
    entries = _read_yaml(path, problems) or []
    problems += sources_module.check(entries, path, root)
    return sources_module.frame(entries if isinstance(entries, list) else [])


def _load_schemas(root: Path, problems: list[str]) -> dict[str, TableSchema]:
    schemas: dict[str, TableSchema] = {}
    for path in sorted((root / "schema").glob("*.yml")):
        spec = _read_yaml(path, problems)
        if not isinstance(spec, dict) or not {"table", "files", "columns"} <= spec.keys():
            problems.append(f"{path}: expected keys table, files, key, columns")
            continue
        columns = tuple(
            Column(
                name=name,
                type=col.get("type", "text"),
                required=bool(col.get("required", False)),
                values=tuple(str(v) for v in col.get("values", ())),
                description=col.get("description", ""),
                unit=col.get("unit", ""),
            )
            for name, col in spec["columns"].items()
        )
        schemas[spec["table"]] = TableSchema(
            name=spec["table"],
            files=spec["files"],
            key=tuple(spec.get("key", ())),
            columns=columns,
            description=spec.get("description", ""),
        )
    return schemas


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
    except yaml.YAMLError as exc:
        problems.append(f"{path}: not valid YAML ({exc})")
    return None


def _load_table(
    root: Path, schema: TableSchema, source_ids: set[str], problems: list[str]
) -> pd.DataFrame:
    frames = []
    paths = sorted(root.glob(schema.files))
    if not paths:
        problems.append(f"{root / schema.files}: no files for table {schema.name!r}")
    for path in paths:
        frame = _read_csv(path, problems)
        if frame is None:
            continue
        frame[FILE] = str(path.relative_to(root))
        frame[ROW] = range(2, len(frame) + 2)
        _check_columns(frame, path, schema, problems)
        frames.append(frame)
    names = [c.name for c in schema.columns]
    if not frames:
        return pd.DataFrame(columns=[*names, FILE, ROW])
    table = pd.concat(frames, ignore_index=True)
    for column in schema.columns:
        if column.name in table:
            table[column.name] = _convert(table, column, source_ids, problems, schema.key)
    _check_key(table, schema, problems)
    return table


def _read_csv(path: Path, problems: list[str]) -> pd.DataFrame | None:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(f"{path}: not UTF-8 text (byte {exc.start})")
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.append(f"{path}: not a well-formed CSV table ({exc})")
        return None
    return frame.apply(lambda s: s.str.strip())


def _check_columns(frame: pd.DataFrame, path: Path, schema: TableSchema, problems: list[str]):
    expected = [c.name for c in schema.columns]
    missing = [c for c in expected if c not in frame.columns]
    unknown = [c for c in frame.columns if c not in expected and c not in (FILE, ROW)]
    if missing:
        problems.append(f"{path}: missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"{path}: unknown column(s) {', '.join(unknown)}; schema: {expected}")


def _convert(
    table: pd.DataFrame,
    column: Column,
    source_ids: set[str],
    problems: list[str],
    key: tuple[str, ...] = (),
) -> pd.Series:
    out = []
    keys = _row_keys(table, key)
    for raw, file, row, key in zip(table[column.name], table[FILE], table[ROW], keys, strict=True):
        where = f"{file}, row {row}{key}, column {column.name}"
        if raw == "":
            if column.required:
                problems.append(f"{where}: empty, but a value is required")
            out.append(None)
            continue
        value, expected = _parse_value(raw, column, source_ids)
        if expected:
            problems.append(f"{where}: {raw!r} is not {expected}")
        out.append(value)
    return pd.Series(out, index=table.index, dtype=object)


def _row_keys(table: pd.DataFrame, key: tuple[str, ...] = ()) -> list[str]:
    """Return `` (key)`` for each row, naming it in messages (its raw key values, '/'-joined)."""
    columns = [k for k in key if k in table]
    if not columns:
        return [""] * len(table)
    values = table[columns].astype(str).agg("/".join, axis=1)
    return [f" ({v})" if v.strip("/") else "" for v in values]


def _parse_value(raw: str, column: Column, source_ids: set[str]) -> tuple[Any, str]:
    """Return the typed value and, when ``raw`` does not fit, what was expected."""
    kind = column.type
    if kind in ("number", "integer"):
        try:
            number = float(raw)
        except ValueError:
            return None, "a number (digits, no thousands separators)"
        if not math.isfinite(number):
            return None, "a finite number (nan and inf are not values)"
        if kind == "integer" and not number.is_integer():
            return None, "a whole number"
        return (int(number) if kind == "integer" else number), ""
    if kind == "date":
        day = sources_module.iso_date(raw)
        return day, "" if day else ISO_DATE_EXPECTED
    if kind == "status":
        return raw, "" if raw in STATUSES else f"one of {', '.join(STATUSES)}"
    if kind == "enum":
        return raw, "" if raw in column.values else f"one of {', '.join(column.values)}"
    if kind == "id":
        return raw, "" if ID_PATTERN.match(raw) else "an id of lower-case letters, digits and _"
    if kind == "sources":
        unknown = [s for s in _split_ids(raw) if s not in source_ids]
        return raw, f"a known source id (unknown: {', '.join(unknown)})" if unknown else ""
    if kind == "formula":
        try:
            formula.names(raw)
        except formula.FormulaError:
            return raw, "arithmetic over figure ids"
        return raw, ""
    return raw, ""


def _split_ids(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(";") if part.strip()]


def _check_key(table: pd.DataFrame, schema: TableSchema, problems: list[str]) -> None:
    key = [k for k in schema.key if k in table]
    if not key:
        return
    duplicated = table[table.duplicated(subset=key, keep=False)]
    for values, group in duplicated.groupby(key, sort=True):
        rows = ", ".join(f"{f} row {r}" for f, r in zip(group[FILE], group[ROW], strict=True))
        shown = "/".join(str(v) for v in values)
        problems.append(f"table {schema.name}: duplicate {'/'.join(key)} '{shown}' at {rows}")


def _check_figures(figures: pd.DataFrame, root: Path, problems: list[str]) -> None:
    ids = set(figures["figure_id"].dropna())
    for _, fig in figures.iterrows():
        where = f"{fig[FILE]}, row {fig[ROW]}"
        if fig["status"] == "derived":
            if not fig["formula"]:
                problems.append(f"{where}, column formula: a derived figure needs its formula")
            else:
                unknown = [n for n in formula.names(fig["formula"]) if n not in ids]
                if unknown:
                    problems.append(
                        f"{where}, column formula: {fig['formula']!r} refers to unknown "
                        f"figure(s) {', '.join(unknown)}"
                    )
            if fig["value"] is not None:
                problems.append(
                    f"{where}, column value: {fig['value']!r} given for a derived figure; "
                    "leave it blank, it is computed from the formula"
                )
        else:
            if fig["value"] is None and fig["status"] is not None:
                problems.append(f"{where}, column value: empty, but a value is required")
            if fig["formula"]:
                problems.append(
                    f"{where}, column formula: only derived figures have a formula "
                    f"(status is {fig['status']!r})"
                )


def _check_figure_references(catalog: Catalog, problems: list[str]) -> None:
    """Every column of type ``figure`` names an existing figure_id."""
    ids = set(catalog.tables["figures"]["figure_id"].dropna())
    for schema in catalog.schemas.values():
        table = catalog.tables[schema.name]
        keys = _row_keys(table, schema.key)
        for column in (c for c in schema.columns if c.type == "figure" and c.name in table):
            cells = zip(table[column.name], table[FILE], table[ROW], keys, strict=True)
            for value, file, row, key in cells:
                if value is not None and value not in ids:
                    problems.append(
                        f"{file}, row {row}{key}, column {column.name}: {value!r} is not a "
                        "figure_id in published/"
                    )


def _compute_derived(catalog: Catalog) -> None:
    figures = catalog.tables["figures"]
    formulas = dict(zip(figures["figure_id"], figures["formula"], strict=True))
    values: dict[str, float] = {
        fid: float(v)
        for fid, v in zip(figures["figure_id"], figures["value"], strict=True)
        if v is not None
    }

    def resolve(fid: str, stack: tuple[str, ...]) -> float:
        if fid in values:
            return values[fid]
        if fid in stack:
            raise DataError(f"derived figures refer to each other in a cycle: {stack + (fid,)}")
        inputs = {n: resolve(n, (*stack, fid)) for n in formula.names(formulas[fid])}
        try:
            values[fid] = formula.evaluate(formulas[fid], inputs)
        except formula.FormulaError as exc:
            raise DataError(f"derived figure {fid}: {exc}") from exc
        return values[fid]

    figures["value"] = [resolve(fid, ()) for fid in figures["figure_id"]]


def least_certain(statuses: Iterable[str]) -> str:
    """Return the least certain of some statuses, in the order of ``CERTAINTY``."""
    return max(statuses, key=CERTAINTY.index)
