"""The grain each table is published at: the finest at which it is not mostly hidden.

Statistical offices recode globally before they suppress: a table whose cells are mostly
small is published at a coarser grain (periods merged, bands merged) rather than as a page of
marks. The grains, finest first, are declared here and nowhere else (:data:`LADDERS`):

- clients per quarter, then per half-year (``clients_by_half_year.csv``), then no table of its
  own (the fiscal-year table, always published, holds the figures);
- entries matched within 48 hours per quarter, per half-year, per fiscal year; never finer
  than the clients' table of periods it matches (so the audit can relate the two);
- victims by age band, by broad age band (``under 18``, ``18-34``, ``35-54``,
  ``55 and over``), by minor or adult.

A table is **mostly hidden** when more than half (:data:`MOSTLY_HIDDEN`) of its count cells
outside the Total row are hidden. The choice is made in two passes, both deterministic: first
each ladder starts at its finest table that is not mostly hidden by what protection hides in
it before any choice (:func:`least_hidden`: its small counts, 1 to threshold - 1, and one more
cell of each row sum holding exactly one of them, which would otherwise give it back); then
the tables are protected, and while a published table of a ladder is mostly hidden after
protection and a coarser grain exists, that ladder moves one grain coarser and every table is
protected again. Without suppression every table stays at its finest grain. The record
(``summary.json``: ``grains``) names the decision for each ladder, never a count of the grain
not published.

The first pass is a prediction: where the other marks alone already pin a lone small count of
a row sum (possible when relations between marks leave it one value, which no hiding could
widen), protection hides no partner for it, and a table may then be published one grain
coarser than its protected finer grain strictly needed: it errs towards the coarser table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.records.ppr.tables import AGE_TABLES, MATCHED_TABLES, PERIOD_GRAINS, TABLES

MOSTLY_HIDDEN = 0.5
"""A table is mostly hidden when more than this share of its count cells (not Total) is."""
RULE = (
    "a table is published at the finest grain at which at most half of its count cells "
    "outside the Total row are hidden (small counts, or cells hidden to protect them); "
    "otherwise at the next coarser grain"
)


@dataclass(frozen=True)
class Ladder:
    """A table's grains, finest first: the tables that count it, and what each counts by.

    A step of None publishes no table of its own (``instead`` holds the figures). A ladder that
    ``follows`` another is at that ladder's grain or at its own coarsest.
    """

    name: str
    steps: tuple[str | None, ...]
    by: tuple[str, ...]
    instead: str | None = None
    follows: str | None = None


PERIODS = ("quarter", "half-year", "fiscal year")
LADDERS: tuple[Ladder, ...] = (
    Ladder("quarter", (*PERIOD_GRAINS, None), PERIODS, instead="fiscal_year"),
    Ladder("matched_within_48h", tuple(MATCHED_TABLES), PERIODS, follows="quarter"),
    Ladder("age_band", AGE_TABLES, ("age band", "broad age band", "minor or adult")),
)
LADDER_TABLES = frozenset(step for ladder in LADDERS for step in ladder.steps if step)
FINEST = {ladder.name: 0 for ladder in LADDERS}


def ladder_of(name: str) -> Ladder:
    """Return the ladder named ``name`` (KeyError if none)."""
    for ladder in LADDERS:
        if ladder.name == name:
            return ladder
    raise KeyError(name)


def count_cells(table: pd.DataFrame, name: str) -> list[str]:
    """Return the table's count cells outside its Total row, as text."""
    layout = TABLES[name][1]
    total = layout.total_row(table)
    rows = [r for r in range(len(table)) if r != total]
    return [str(table[column].iat[r]) for column in layout.count_columns for r in rows]


def is_mostly(hidden: int, cells: int) -> bool:
    """Tell whether ``hidden`` of ``cells`` is more than :data:`MOSTLY_HIDDEN` of them."""
    return cells > 0 and hidden > MOSTLY_HIDDEN * cells


def least_hidden(table: pd.DataFrame, name: str, threshold: int) -> int:
    """Return how many count cells outside Total protection hides before choosing any.

    Every small count (1 to threshold - 1), and one more cell of each row sum (such as
    clients = victims + family members) holding exactly one small count: a sum with one hidden
    cell would give it back. (Where the other marks alone already pin that count to one value,
    the audit demands no partner: then this overstates by one.)
    """
    layout = TABLES[name][1]
    total = layout.total_row(table)
    least = sum(1 for v in count_cells(table, name) if 0 < int(v) < threshold)
    for whole, parts in layout.column_relations:
        for row in range(len(table)):
            values = [int(table[column].iat[row]) for column in (whole, *parts)]
            if row != total and sum(1 for v in values if 0 < v < threshold) == 1:
                least += 1
    return least


def surely_mostly_hidden(table: pd.DataFrame, name: str, threshold: int) -> bool:
    """Tell whether what protection hides before any choice (:func:`least_hidden`) is most."""
    return is_mostly(least_hidden(table, name, threshold), len(count_cells(table, name)))


def hidden_cells(table: pd.DataFrame, name: str) -> tuple[int, int]:
    """Return how many count cells outside Total a shown table hides, and how many it has."""
    cells = count_cells(table, name)
    return sum(1 for v in cells if not v.isdigit()), len(cells)


def fitted(steps: Mapping[str, int]) -> dict[str, int]:
    """Return ``steps`` with each following ladder at its leader's grain or its own coarsest."""
    out = dict(steps)
    for ladder in LADDERS:
        if ladder.follows is not None:
            lead, last = out[ladder.follows], len(ladder.steps) - 1
            out[ladder.name] = lead if out[ladder.name] <= lead else last
    return out


def movable(counted: Mapping[str, pd.DataFrame]) -> set[str]:
    """Return the ladders whose every grain is counted (``ppr.count(coarser=True)``)."""
    return {
        ladder.name
        for ladder in LADDERS
        if all(step in counted for step in ladder.steps if step is not None)
    }


def first_steps(counted: Mapping[str, pd.DataFrame], threshold: int) -> dict[str, int]:
    """Return each ladder's finest step whose counted table is not surely mostly hidden.

    A ladder whose coarser grains were not counted stays at its finest.
    """
    steps = {}
    for ladder in LADDERS:
        if ladder.name not in movable(counted):
            steps[ladder.name] = 0
            continue
        found = len(ladder.steps) - 1
        for index, name in enumerate(ladder.steps):
            if name in counted and not surely_mostly_hidden(counted[name], name, threshold):
                found = index
                break
        steps[ladder.name] = found
    return steps


def published(counted: Mapping[str, pd.DataFrame], steps: Mapping[str, int]) -> dict:
    """Return the counted tables each ladder publishes at ``steps``, with every other table."""
    chosen = {ladder.steps[steps[ladder.name]] for ladder in LADDERS}
    return {
        name: table
        for name, table in counted.items()
        if name not in LADDER_TABLES or name in chosen
    }


def coarser(
    shown: Mapping[str, pd.DataFrame], steps: Mapping[str, int], ladders: set[str]
) -> dict[str, int]:
    """Return those of ``ladders`` whose shown table is mostly hidden, each one step coarser."""
    out = dict(steps)
    for ladder in LADDERS:
        name = ladder.steps[steps[ladder.name]]
        last = steps[ladder.name] == len(ladder.steps) - 1
        if ladder.name not in ladders or name is None or name not in shown or last:
            continue
        if is_mostly(*hidden_cells(shown[name], name)):
            out[ladder.name] = steps[ladder.name] + 1
    return {name: step for name, step in out.items() if step != steps[name]}


Protect = Callable[[Mapping[str, pd.DataFrame]], tuple[dict[str, pd.DataFrame], object]]


def choose(
    counted: Mapping[str, pd.DataFrame], threshold: int, protect: Protect
) -> tuple[dict[str, pd.DataFrame], object, dict[str, int], dict[str, str]]:
    """Return the tables protected at their chosen grains, and how the grains were chosen.

    ``protect`` protects a set of counted tables (returning the shown tables and how their
    cells were chosen). Returns the shown tables, ``protect``'s choice, the step of each ladder
    and, for each ladder moved off its finest grain, the pass that moved it last (``small
    counts`` or ``after protection``).
    """
    own = first_steps(counted, threshold)
    why = {name: "small counts" for name, step in own.items() if step > 0}
    steps = fitted(own)
    shown, choice = protect(published(counted, steps))
    while moved := coarser(shown, steps, movable(counted)):
        why |= dict.fromkeys(moved, "after protection")
        steps = fitted({**steps, **moved})
        shown, choice = protect(published(counted, steps))
    return shown, choice, steps, why


def record(
    shown: Mapping[str, pd.DataFrame],
    steps: Mapping[str, int],
    why: Mapping[str, str],
    suppressed: bool,
) -> dict:
    """Return the ``grains`` part of ``summary.json``: the rule, and each ladder's grain.

    For the grain published: its file (or the table holding its figures) and how many of its
    count cells are hidden; for a coarser grain, why. Nothing is said of a grain not
    published beyond its being mostly hidden.
    """
    ladders = []
    for ladder in LADDERS:
        step = steps[ladder.name]
        name = ladder.steps[step]
        entry: dict = {
            "table": ladder.name,
            "finest": ladder.by[0],
            "published_by": ladder.by[step],
            "file": TABLES[name or ladder.instead][0],
        }
        if name is not None and name in shown:
            hidden, cells = hidden_cells(shown[name], name)
            entry |= {"count_cells": cells, "hidden_cells": hidden}
        if step > 0:
            entry["coarser_because"] = _reason(ladder, steps, why)
        ladders.append(entry)
    rule = RULE if suppressed else "not suppressed: every table at its finest grain"
    return {"rule": rule, "mostly_hidden_above": MOSTLY_HIDDEN, "tables": ladders}


def _reason(ladder: Ladder, steps: Mapping[str, int], why: Mapping[str, str]) -> str:
    """Return why ``ladder`` is published coarser than its finest grain, in words."""
    step = steps[ladder.name]
    if (
        ladder.follows is not None
        and step == steps[ladder.follows]
        and why.get(ladder.name) is None
    ):
        lead = ladder_of(ladder.follows)
        return (
            f"it is never finer than the table whose entries it matches, published by "
            f"{lead.by[steps[lead.name]]}"
        )
    finer = " and by ".join(ladder.by[:step])
    found = (
        "its small counts and the cells hidden with them"
        if why.get(ladder.name) == "small counts"
        else "once the tables were protected"
    )
    return f"by {finer} it would be mostly hidden ({found})"


def notes(summary: dict) -> dict[str, str]:
    """Return a note for each table published at a coarser grain, by table name."""
    out = {}
    for entry in summary.get("grains", {}).get("tables", []):
        if entry["published_by"] == entry["finest"]:
            continue
        ladder = ladder_of(entry["table"])
        name = ladder.steps[ladder.by.index(entry["published_by"])] or ladder.instead
        out[name] = (
            f"published by {entry['published_by']}, not by {entry['finest']}: "
            f"{entry['coarser_because']}"
        )
    return out


def table_at_grain(shown: Mapping[str, pd.DataFrame], ladder: str) -> str | None:
    """Return the name of the table ``shown`` holds for ``ladder`` (None: none of its own)."""
    for name in ladder_of(ladder).steps:
        if name is not None and name in shown:
            return name
    return None


def shown_at_grain(
    shown: Mapping[str, pd.DataFrame], summary: dict, ladder: str
) -> pd.DataFrame | str:
    """Return the table ``shown`` holds for ``ladder``, or a sentence saying why there is none."""
    name = table_at_grain(shown, ladder)
    if name is not None:
        return shown[name]
    found = ladder_of(ladder)
    for entry in summary.get("grains", {}).get("tables", []):
        if entry["table"] == ladder:
            finer = " or ".join(found.by[: found.by.index(entry["published_by"])])
            return (
                f"No table by {finer}: {entry['coarser_because']}. The figures are published "
                f"by {entry['published_by']} in {entry['file']}."
            )
    return f"No table by {found.by[0]} in these outputs."
