"""Every relation an intruder can read off a set of published count tables, from declarations.

A *relation* is a linear equality or inequality over cells, ``sum(coefficient * cell) (== or <=)
rhs``, that holds for the true counts whatever the records were. An intruder who sees every
published table knows them all, so the disclosure audit (``disclosure.audit``) uses every one.

The relations are not written cell by cell: they follow from declarations, a small vocabulary
that says how tables were counted. A new table is covered by declaring it (its
``suppression.Layout`` and the statements below), not by new code.

How a count column combines when rows are merged is its *measure*:

- ``ADDITIVE``: a count of rows of the input (entries, closures, answers). Any split of the rows
  adds up exactly.
- ``DISTINCT``: distinct persons. A union of groups has at least as many as each group and at
  most their sum; a split of *persons* adds up exactly.
- ``LATEST``: a sum over distinct persons of a non-negative value taken on each person's latest
  entry (family members; clients = victims + family members). A union has at most the sum of
  its groups (each person's value in the union is their value in one of the groups); a split of
  persons adds up exactly.

Statements:

- :class:`Split` — the rows of a table (all but Total) split the input's entries, or its
  persons; the Total row is the whole input.
- :class:`Union` — each row of one table is the union of rows of another (quarters of a year;
  fiscal years of a cohort, through a mapping).
- :class:`AtMost` — on every row one column is at most another (victims <= entries).
- :class:`NonEmpty` — a row is listed only when it has entries, so these columns are >= 1.
- :class:`SameTotal` — one figure in the Total row of several tables.
- :class:`SameColumn` — one figure on every row of a column (closures on each question).
- :class:`Matches` — on each row, a sum of columns equals a column of the row of another
  table with the same labels (per-quarter yes + no + unknown = that quarter's entries).
- :class:`Percent` — a shown percentage (of the Total row, or of another column of the same
  row) pins its count within rounding.

Each table's ``suppression.Layout.column_relations`` (total column = sum of part columns, on
every row) give row sums; every count is at least 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.records.disclosure import suppression

ADDITIVE, DISTINCT, LATEST = "additive", "distinct", "latest"
ENTRIES, PERSONS = "entries", "persons"
EQ, LE = "==", "<="

Cell = suppression.Cell


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell) sense rhs``, with a kind naming the rule it comes from."""

    kind: str
    terms: tuple[tuple[Cell, float], ...]
    sense: str
    rhs: float = 0.0

    @property
    def cells(self) -> tuple[Cell, ...]:
        """Return the cells of the relation."""
        return tuple(cell for cell, _ in self.terms)

    def lhs(self, values: Mapping[Cell, float]) -> float:
        """Return the left-hand side for the given cell values."""
        return float(sum(coefficient * values[cell] for cell, coefficient in self.terms))

    def holds(self, values: Mapping[Cell, float], tolerance: float = 1e-9) -> bool:
        """Return True when the relation holds for ``values``."""
        left = self.lhs(values)
        if self.sense == EQ:
            return abs(left - self.rhs) <= tolerance
        return left <= self.rhs + tolerance


@dataclass(frozen=True)
class Split:
    """The rows of ``table`` but Total split the input's ``unit`` (entries or persons)."""

    table: str
    unit: str


@dataclass(frozen=True)
class Union:
    """Each row of ``whole`` is the union of the rows of ``part`` that map to its label.

    A row of ``part`` maps to ``via(value of part_column)`` (the value itself when ``via`` is
    None); Total rows take no part. The parts split the whole's entries.
    """

    part: str
    whole: str
    part_column: str
    via: str | None = None


@dataclass(frozen=True)
class AtMost:
    """On every row of ``table``, ``smaller`` <= ``larger``."""

    table: str
    smaller: str
    larger: str


@dataclass(frozen=True)
class NonEmpty:
    """Rows of ``table`` but Total are listed only when non-empty: ``columns`` are >= 1."""

    table: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class SameTotal:
    """The Total row's ``column`` shows one figure in every one of ``tables``."""

    column: str
    tables: tuple[str, ...]


@dataclass(frozen=True)
class SameColumn:
    """``column`` holds one figure on every row of ``table``."""

    table: str
    column: str


@dataclass(frozen=True)
class Matches:
    """Each row of ``part``: the sum of ``columns`` = ``whole_column`` of ``whole``'s row.

    ``whole``'s row is the one with the same values in the ``key`` columns (a row of ``part``
    with no such row gives no relation).
    """

    part: str
    columns: tuple[str, ...]
    whole: str
    whole_column: str
    key: tuple[str, ...]


@dataclass(frozen=True)
class Percent:
    """``percent`` is ``count`` * 100 / a whole, rounded to ``decimals``.

    The whole is the Total row's ``count``, or with ``of`` the same row's ``of`` column.
    """

    table: str
    count: str
    percent: str
    decimals: int = 1
    of: str | None = None


Statement = Split | Union | AtMost | NonEmpty | SameTotal | SameColumn | Matches | Percent


def build(
    tables: Mapping[str, pd.DataFrame],
    layouts: Mapping[str, suppression.Layout],
    statements: Iterable[Statement],
    measures: Mapping[str, str],
    via: Mapping[str, Callable[[str], str]] | None = None,
) -> list[Relation]:
    """Return every relation of ``tables`` (counted or as shown: only labels are read).

    ``measures`` gives each count column's measure; ``via`` the mappings :class:`Union` names.
    Statements about tables not in ``tables`` are skipped. Percent relations read the shown
    percentages (blank or hidden ones give none).
    """
    via = via or {}
    out: list[Relation] = []
    for name, table in tables.items():
        out.extend(_row_sums(name, table, layouts[name]))
        out.extend(_non_negative(name, table, layouts[name]))
    for statement in statements:
        out.extend(_relations_of(statement, tables, layouts, measures, via))
    return out


def kinds(relations: Iterable[Relation]) -> dict[str, int]:
    """Return how many relations there are of each kind, by kind name."""
    return dict(sorted(Counter(r.kind for r in relations).items()))


def cells_of(tables: Mapping[str, pd.DataFrame], layouts: Mapping[str, suppression.Layout]):
    """Return every count cell of ``tables``, table by table, column by column."""
    return [
        (name, row, column)
        for name, table in tables.items()
        for column in layouts[name].count_columns
        for row in range(len(table))
    ]


def _relation(kind: str, terms: Sequence[tuple[Cell, float]], sense: str, rhs: float = 0.0):
    merged: dict[Cell, float] = {}
    for cell, coefficient in terms:
        merged[cell] = merged.get(cell, 0.0) + coefficient
    kept = tuple((c, k) for c, k in merged.items() if k != 0)
    return Relation(kind, kept, sense, float(rhs))


def _row_sums(name: str, table: pd.DataFrame, layout: suppression.Layout) -> list[Relation]:
    out = []
    for total, parts in layout.column_relations:
        columns = (total, *parts)
        if not all(c in layout.count_columns for c in columns):
            continue
        for row in range(len(table)):
            terms = [((name, row, p), 1.0) for p in parts] + [((name, row, total), -1.0)]
            out.append(_relation("row_sum", terms, EQ))
    return out


def _non_negative(name: str, table: pd.DataFrame, layout: suppression.Layout) -> list[Relation]:
    return [
        _relation("non_negative", [((name, row, column), -1.0)], LE)
        for column in layout.count_columns
        for row in range(len(table))
    ]


def _union(kind_prefix: str, whole: Cell, parts: list[Cell], measure: str, exact: bool):
    """Return the relations of one whole cell and the cells of its parts."""
    sums = [(p, 1.0) for p in parts] + [(whole, -1.0)]
    if measure == ADDITIVE or exact:
        return [_relation(f"{kind_prefix}_exact_sum", sums, EQ)]
    out = [_relation(f"{kind_prefix}_at_most_sum", [(c, -k) for c, k in sums], LE)]
    if measure == DISTINCT:
        out += [
            _relation(f"{kind_prefix}_at_least_part", [(p, 1.0), (whole, -1.0)], LE) for p in parts
        ]
    return out


def _labels(table: pd.DataFrame, column: str) -> list[str]:
    return table[column].astype(str).tolist()


def _relations_of(statement, tables, layouts, measures, via) -> list[Relation]:
    """Return the relations one statement implies (none if a table it names is absent)."""
    names = [
        getattr(statement, attribute)
        for attribute in ("table", "part", "whole")
        if hasattr(statement, attribute)
    ] + list(getattr(statement, "tables", ()))
    present = [n for n in names if n in tables]
    if isinstance(statement, SameTotal):
        holders = [n for n in statement.tables if n in tables]
        holders = [n for n in holders if statement.column in layouts[n].count_columns]
        cells = [(n, _total_row(tables, layouts, n), statement.column) for n in holders]
        return [
            _relation("same_total", [(a, 1.0), (b, -1.0)], EQ)
            for a, b in zip(cells, cells[1:], strict=False)
        ]
    if len(present) != len(names):
        return []
    if isinstance(statement, Split):
        name, layout = statement.table, layouts[statement.table]
        total = layout.total_row(tables[name])
        if total is None:
            return []
        rows = [r for r in range(len(tables[name])) if r != total]
        out = []
        for column in layout.count_columns:
            parts = [(name, r, column) for r in rows]
            exact = statement.unit == PERSONS
            out += _union("split", (name, total, column), parts, measures[column], exact)
        return out
    if isinstance(statement, Union):
        return _union_relations(statement, tables, layouts, measures, via)
    if isinstance(statement, AtMost):
        rows = range(len(tables[statement.table]))
        return [
            _relation(
                "at_most",
                [
                    ((statement.table, r, statement.smaller), 1.0),
                    ((statement.table, r, statement.larger), -1.0),
                ],
                LE,
            )
            for r in rows
        ]
    if isinstance(statement, NonEmpty):
        name = statement.table
        total = layouts[name].total_row(tables[name])
        return [
            _relation("non_empty", [((name, r, column), -1.0)], LE, -1.0)
            for column in statement.columns
            for r in range(len(tables[name]))
            if r != total
        ]
    if isinstance(statement, SameColumn):
        cells = [
            (statement.table, r, statement.column) for r in range(len(tables[statement.table]))
        ]
        return [
            _relation("same_column", [(a, 1.0), (b, -1.0)], EQ)
            for a, b in zip(cells, cells[1:], strict=False)
        ]
    if isinstance(statement, Matches):
        return _matches(statement, tables)
    if isinstance(statement, Percent):
        return _percent(statement, tables, layouts)
    raise TypeError(f"not a relation statement: {statement!r}")


def _total_row(tables, layouts, name: str) -> int:
    total = layouts[name].total_row(tables[name])
    return len(tables[name]) - 1 if total is None else total


def _union_relations(statement: Union, tables, layouts, measures, via) -> list[Relation]:
    part, whole = tables[statement.part], tables[statement.whole]
    part_total = layouts[statement.part].total_row(part)
    whole_layout = layouts[statement.whole]
    whole_total = whole_layout.total_row(whole)
    mapping = via[statement.via] if statement.via is not None else (lambda value: value)
    members: dict[str, list[int]] = {}
    for row, value in enumerate(_labels(part, statement.part_column)):
        if row != part_total:
            members.setdefault(str(mapping(value)), []).append(row)
    columns = [c for c in whole_layout.count_columns if c in layouts[statement.part].count_columns]
    out = []
    for row, label in enumerate(_labels(whole, whole_layout.label_column)):
        if row == whole_total:
            continue
        rows = members.get(label, [])
        for column in columns:
            parts = [(statement.part, r, column) for r in rows]
            out += _union("union", (statement.whole, row, column), parts, measures[column], False)
    return out


def _matches(statement: Matches, tables) -> list[Relation]:
    part, whole = tables[statement.part], tables[statement.whole]
    keys = {
        tuple(str(v) for v in values): row
        for row, values in enumerate(whole[list(statement.key)].itertuples(index=False))
    }
    out = []
    for row, values in enumerate(part[list(statement.key)].itertuples(index=False)):
        match = keys.get(tuple(str(v) for v in values))
        if match is None:
            continue
        terms = [((statement.part, row, c), 1.0) for c in statement.columns]
        terms.append(((statement.whole, match, statement.whole_column), -1.0))
        out.append(_relation("matches", terms, EQ))
    return out


def _percent(statement: Percent, tables, layouts) -> list[Relation]:
    name = statement.table
    table = tables[name]
    if statement.percent not in table.columns:
        return []  # counted, not yet shown: no percentages to read
    total = _total_row(tables, layouts, name)
    half = 0.5 * 10.0 ** (-statement.decimals) + 1e-9
    out = []
    for row, text in enumerate(table[statement.percent].astype(str).tolist()):
        try:
            share = float(text)
        except ValueError:
            continue  # blank (empty total) or hidden
        count = (name, row, statement.count)
        whole = (name, row, statement.of) if statement.of else (name, total, statement.count)
        # (share - half) * whole <= 100 * count <= (share + half) * whole
        out.append(_relation("percent", [(count, 100.0), (whole, -(share + half))], LE))
        out.append(_relation("percent", [(count, -100.0), (whole, share - half)], LE))
    return out
