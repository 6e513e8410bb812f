"""Declarative reconciliation rules over the catalogue (``checks/*.yml`` in the data directory).

Rule kinds (each rule has ``id``, ``kind`` and ``description``):

``sum``          ``parts`` add up to ``total`` within ``tolerance``; the total must exist.
``equal``        ``figure`` equals ``expression`` (arithmetic over figure ids) within ``tolerance``.
``discrepancy``  ``figures`` that sources state differently; the recorded ``difference``
                 (largest minus smallest) must still be what the data show.
``gap``          a breakdown that does not reconcile with its published total: ``total`` minus
                 the sum of ``parts`` must equal the recorded ``gap`` within ``tolerance``.
``count``        rows (or ``distinct`` values of a column) of ``table`` matching ``where``
                 equal ``expected`` (a figure id or a number).
``aggregate``    ``how`` (min, max, sum, nunique, or ``all`` = every value) of ``column`` over
                 the rows of ``table`` matching ``where`` equals ``expected`` (figure id or number).
``order``        in ``table``, column ``first`` is never greater than column ``last``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.errors import DataError
from analysis.published import formula
from analysis.published.catalog import FILE, ROW, Catalog

KIND_DOCS = {
    "sum": "`parts` add up to `total` within `tolerance` (and the total exists)",
    "equal": (
        "`figure` equals `expression` (arithmetic over figure ids) within `tolerance`, e.g. a "
        "published percentage against its inputs"
    ),
    "discrepancy": (
        "sources that disagree still differ by the recorded `difference`, largest minus "
        "smallest (the disagreement is shown, not resolved)"
    ),
    "gap": (
        "a breakdown that does not reconcile with its published total still misses it by the "
        "recorded `gap`"
    ),
    "count": (
        "the rows (or `distinct` values of a column) of a `table` matching `where` equal "
        "`expected` (a figure id or a number)"
    ),
    "aggregate": (
        "`how` (`min`, `max`, `sum`, `nunique`, or `all` = every value) of `column` over the rows "
        "of a `table` matching `where` equals `expected` (a figure id or a number)"
    ),
    "order": "in a `table`, column `first` is never greater than column `last`",
}


@dataclass(frozen=True)
class Result:
    """The outcome of one rule: whether it holds, and a message naming figures and values."""

    rule_id: str
    kind: str
    description: str
    passed: bool
    message: str
    figures: tuple[str, ...] = field(default=())
    difference: float | None = None


def load_rules(catalog: Catalog) -> list[dict[str, Any]]:
    """Return every rule of ``checks/*.yml``, each tagged with the file it came from."""
    rules: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in sorted((catalog.data_dir / "checks").glob("*.yml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for n, rule in enumerate(spec.get("rules", []), start=1):
            if not isinstance(rule, dict) or rule.get("kind") not in KINDS:
                problems.append(f"{path}, rule {n}: kind must be one of {', '.join(KINDS)}")
                continue
            rules.append({**rule, "file": str(Path(path).relative_to(catalog.data_dir))})
    ids = [r.get("id") for r in rules]
    problems += [f"duplicate rule id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    if problems:
        raise DataError(problems, heading=f"{catalog.data_dir}: the check rules are malformed")
    return rules


def run(catalog: Catalog) -> list[Result]:
    """Evaluate every rule against the catalogue."""
    return [_evaluate(rule, catalog) for rule in load_rules(catalog)]


def failures(catalog: Catalog) -> list[Result]:
    """Return only the rules that do not hold."""
    return [result for result in run(catalog) if not result.passed]


def summary(results: list[Result]) -> pd.DataFrame:
    """Return rule outcomes as a table: rule, kind, holds, message."""
    return pd.DataFrame(
        {
            "rule": [r.rule_id for r in results],
            "kind": [r.kind for r in results],
            "holds": [r.passed for r in results],
            "message": [r.message for r in results],
        }
    )


def discrepancies(catalog: Catalog) -> pd.DataFrame:
    """Return the recorded discrepancies and unreconciled gaps, one row per figure involved."""
    rows = []
    for rule in load_rules(catalog):
        if rule["kind"] not in ("discrepancy", "gap"):
            continue
        ids = rule["figures"] if rule["kind"] == "discrepancy" else [rule["total"], *rule["parts"]]
        for fid in ids:
            fig = catalog.figure(fid)
            rows.append(
                {
                    "discrepancy": rule["id"],
                    "figure_id": fid,
                    "description": fig["description"],
                    "value": fig["value"],
                    "unit": fig["unit"],
                    "source_id": fig["source_id"],
                    "status": fig["status"],
                    "recorded_difference": rule.get("difference", rule.get("gap")),
                    "note": rule["description"],
                }
            )
    return pd.DataFrame(rows)


def _evaluate(rule: dict[str, Any], catalog: Catalog) -> Result:
    try:
        return KINDS[rule["kind"]](rule, catalog)
    except (KeyError, formula.FormulaError) as exc:
        return _result(rule, False, f"cannot be evaluated: {exc}")


def _result(rule: dict[str, Any], passed: bool, message: str, **extra: Any) -> Result:
    return Result(
        rule_id=str(rule.get("id")),
        kind=rule["kind"],
        description=rule.get("description", ""),
        passed=passed,
        message=f"rule {rule.get('id')} ({rule['kind']}, {rule['file']}): {message}",
        **extra,
    )


def _show(catalog: Catalog, fid: str) -> str:
    fig = catalog.figure(fid)
    value = f"{fig['value']:.0f}" if fig["unit"] == "fiscal year" else _fmt(fig["value"])
    return f"{fid} = {value} ({fig['source_id']}, {fig['status']})"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _require(catalog: Catalog, ids: list[str]) -> list[str]:
    return [fid for fid in ids if fid not in catalog.figures.index]


def _sum(rule: dict[str, Any], catalog: Catalog) -> Result:
    total, parts, tol = rule["total"], list(rule["parts"]), float(rule.get("tolerance", 0))
    missing = _require(catalog, [total, *parts])
    if missing:
        return _result(rule, False, f"figure(s) missing: {', '.join(missing)}")
    added = sum(catalog.value(p) for p in parts)
    diff = catalog.value(total) - added
    ok = abs(diff) <= tol
    text = (
        f"{' + '.join(_show(catalog, p) for p in parts)} = {_fmt(added)}; "
        f"total {_show(catalog, total)}; difference {_fmt(diff)}, tolerance {_fmt(tol)}"
    )
    verdict = "parts add up to the total" if ok else "parts do not add up to the total"
    return _result(rule, ok, f"{verdict}: {text}", figures=(total, *parts), difference=diff)


def _equal(rule: dict[str, Any], catalog: Catalog) -> Result:
    fid, expr, tol = rule["figure"], rule["expression"], float(rule.get("tolerance", 0))
    inputs = formula.names(expr)
    missing = _require(catalog, [fid, *inputs])
    if missing:
        return _result(rule, False, f"figure(s) missing: {', '.join(missing)}")
    computed = formula.evaluate(expr, {n: catalog.value(n) for n in inputs})
    diff = catalog.value(fid) - computed
    ok = abs(diff) <= tol
    text = (
        f"{_show(catalog, fid)}; {expr} = {computed:,.4g} from "
        f"{', '.join(_show(catalog, n) for n in inputs)}; difference {diff:,.4g}, "
        f"tolerance {_fmt(tol)}"
    )
    verdict = "matches its inputs" if ok else "does not match its inputs"
    return _result(rule, ok, f"{verdict}: {text}", figures=(fid, *inputs), difference=diff)


def _discrepancy(rule: dict[str, Any], catalog: Catalog) -> Result:
    ids = list(rule["figures"])
    missing = _require(catalog, ids)
    if missing:
        return _result(rule, False, f"figure(s) missing: {', '.join(missing)}")
    values = [catalog.value(fid) for fid in ids]
    diff = max(values) - min(values)
    recorded = float(rule["difference"])
    ok = abs(diff - recorded) <= float(rule.get("tolerance", 0))
    shown = "; ".join(_show(catalog, fid) for fid in ids)
    verdict = (
        f"recorded discrepancy of {_fmt(recorded)} still holds"
        if ok
        else f"recorded discrepancy was {_fmt(recorded)} but the data now differ by {_fmt(diff)}"
    )
    return _result(rule, ok, f"{verdict}: {shown}", figures=tuple(ids), difference=diff)


def _gap(rule: dict[str, Any], catalog: Catalog) -> Result:
    total, parts = rule["total"], list(rule["parts"])
    missing = _require(catalog, [total, *parts])
    if missing:
        return _result(rule, False, f"figure(s) missing: {', '.join(missing)}")
    gap = catalog.value(total) - sum(catalog.value(p) for p in parts)
    recorded, tol = float(rule["gap"]), float(rule.get("tolerance", 0))
    ok = abs(gap - recorded) <= tol
    verdict = (
        f"known gap of {_fmt(recorded)} recorded, not reconciled"
        if ok
        else f"recorded gap was {_fmt(recorded)} but total minus parts is now {gap:,.4g}"
    )
    shown = f"total {_show(catalog, total)}; parts {', '.join(_show(catalog, p) for p in parts)}"
    return _result(rule, ok, f"{verdict}: {shown}", figures=(total, *parts), difference=gap)


def _rows(rule: dict[str, Any], catalog: Catalog) -> pd.DataFrame:
    """Return the rows of the rule's table that match its ``where``."""
    table = catalog.table(rule["table"])
    for column, wanted in (rule.get("where") or {}).items():
        allowed = [str(w) for w in (wanted if isinstance(wanted, list) else [wanted])]
        table = table[table[column].astype(str).isin(allowed)]
    return table


def _expected(rule: dict[str, Any], catalog: Catalog) -> tuple[float, str] | None:
    """Return the rule's expected value and how to show it, or None if its figure is missing."""
    expected = rule["expected"]
    if isinstance(expected, str):
        if _require(catalog, [expected]):
            return None
        return catalog.value(expected), _show(catalog, expected)
    return float(expected), f"{expected} (stated in the rule)"


def _count(rule: dict[str, Any], catalog: Catalog) -> Result:
    table = _rows(rule, catalog)
    distinct = rule.get("distinct")
    counted = int(table[distinct].nunique()) if distinct else len(table)
    expected = rule["expected"]
    found = _expected(rule, catalog)
    if found is None:
        return _result(rule, False, f"figure {expected} missing")
    target, shown = found
    what = f"distinct {distinct}" if distinct else "rows"
    ok = counted == target
    where = rule.get("where") or "all rows"
    verdict = "count matches" if ok else "count does not match"
    return _result(
        rule,
        ok,
        f"{verdict}: {what} of {rule['table']} where {where} = {counted}; expected {shown}",
        figures=(expected,) if isinstance(expected, str) else (),
        difference=counted - target,
    )


AGGREGATES = ("min", "max", "sum", "nunique", "all")


def _aggregate(rule: dict[str, Any], catalog: Catalog) -> Result:
    table, column, how = _rows(rule, catalog), rule["column"], rule["how"]
    if how not in AGGREGATES:
        return _result(rule, False, f"how must be one of {', '.join(AGGREGATES)}, not {how!r}")
    found = _expected(rule, catalog)
    if found is None:
        return _result(rule, False, f"figure {rule['expected']} missing")
    target, shown = found
    values = pd.to_numeric(table[column].dropna()) if how != "nunique" else table[column]
    where = rule.get("where") or "all rows"
    if table.empty:
        return _result(rule, False, f"no rows of {rule['table']} where {where}")
    if how == "all":
        off = sorted({float(v) for v in values if float(v) != target})
        ok, got = not off and len(values) == len(table), ", ".join(_fmt(v) for v in off) or "-"
        text = (
            f"every {column} of {rule['table']} where {where} equals {shown}; other values: {got}"
        )
    else:
        result = float(values.nunique() if how == "nunique" else getattr(values, how)())
        ok, text = (
            result == target,
            f"{how} of {column} of {rule['table']} where {where} = {_fmt(result)}; "
            f"expected {shown}",
        )
    figures = (rule["expected"],) if isinstance(rule["expected"], str) else ()
    return _result(rule, ok, f"{'holds' if ok else 'does not hold'}: {text}", figures=figures)


def _order(rule: dict[str, Any], catalog: Catalog) -> Result:
    table = catalog.tables[rule["table"]]
    first, last = rule["first"], rule["last"]
    both = table.dropna(subset=[first, last])
    bad = both[both[first] > both[last]]
    if bad.empty:
        return _result(rule, True, f"{first} <= {last} in every row of {rule['table']}")
    rows = "; ".join(
        f"{r[FILE]} row {r[ROW]}: {first} {r[first]} > {last} {r[last]}" for _, r in bad.iterrows()
    )
    return _result(rule, False, f"periods run backwards: {rows}")


KINDS: dict[str, Callable[[dict[str, Any], Catalog], Result]] = {
    "sum": _sum,
    "equal": _equal,
    "discrepancy": _discrepancy,
    "gap": _gap,
    "count": _count,
    "aggregate": _aggregate,
    "order": _order,
}
