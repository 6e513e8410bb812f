"""Writing a ppr output directory: the CSV tables and summary.json, all at once or not at all."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from analysis import folders, spreadsheet
from analysis.records.ppr import grains
from analysis.records.ppr.protection import _cell, audit_summary
from analysis.records.ppr.tables import (
    CLIENT_COUNTS,
    FORMAT_VERSION,
    NOTICE_COLUMN,
    OUTPUT_FILES,
    PRODUCER,
    SUMMARY,
    TABLES,
    UNWRITTEN_COLUMNS,
    cohort_periods,
    periods_record,
)
from analysis.records.release import Release


def sha256(path: Path) -> str:
    """Return the SHA-256 checksum of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def summarize(
    shown: Mapping[str, pd.DataFrame],
    inputs: list[Path],
    release: Release,
    *,
    periods: pd.DataFrame | None = None,
    width: int | None = None,
    disclosure: dict | None = None,
) -> dict:
    """Return the content of ``summary.json`` (counts as shown in the tables).

    ``disclosure`` holds the marks, their legend and the audit of the tables as shown (given,
    or made here); ``cohort_periods`` the periods the tables were counted with (default: the
    published timeline's), so ``python -m analysis audit`` can audit the files alone.
    ``not_for_publication`` is ``release``'s, with the audit's verdict (given or made here):
    true when the tables are not suppressed, the threshold is below the default, or the
    audit finds a hidden cell under-protected.
    """
    total = shown["fiscal_year"].iloc[-1]
    totals = {column: _cell(total[column]) for column in CLIENT_COUNTS}
    files = {"entries": {"file": inputs[0].name, "rows": totals["entries"]}}
    if "closure_outcomes" in shown:
        closures = _cell(shown["closure_outcomes"]["closures"].iloc[0])
        totals["closures"] = closures
        files["closures"] = {"file": inputs[1].name, "rows": closures}
    for (role, info), path in zip(files.items(), inputs, strict=True):
        info["sha256"] = sha256(path)
        files[role] = info
    years = shown["fiscal_year"]["fiscal_year"].tolist()[:-1]
    periods = cohort_periods() if periods is None else periods
    if disclosure is None:
        disclosure = audit_summary(shown, release.threshold, periods, width)[0]
    release = replace(release, protected=bool(disclosure["audit"]["protected"]))
    return {
        "produced_by": PRODUCER,
        "format_version": FORMAT_VERSION,
        "notice": "; ".join(release.notices),
        "not_for_publication": release.not_for_publication,
        "suppressed": release.suppressed,
        "threshold": release.threshold,
        "synthetic": release.synthetic,
        "fiscal_years": [int(y) for y in years],
        "totals": totals,
        "inputs": files,
        "outputs": sorted(TABLES[name][0] for name in shown),
        "cohort_periods": periods_record(periods),
        "disclosure": disclosure,
    }


def is_previous_output(out: Path) -> bool:
    """Return True if ``out`` holds only files a previous ppr run wrote."""
    try:
        summary = json.loads((out / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(summary, dict) or summary.get("produced_by") != PRODUCER:
        return False
    return all(entry.is_file() and entry.name in OUTPUT_FILES for entry in out.iterdir())


def _csv_text(table: pd.DataFrame, notices: list[str]) -> str:
    """Return a table as CSV text safe to open in a spreadsheet, with any notices as a column."""
    if notices:
        table = table.assign(**{NOTICE_COLUMN: "; ".join(notices)})
    return spreadsheet.to_csv(table)


def write(out: Path, shown: Mapping[str, pd.DataFrame], summary: dict, notices: list[str]) -> None:
    """Write every table and the summary into ``out``, all at once (temporary dir, rename).

    Each table carries ``notices``; a table published at a coarser grain also says so
    (``grains.notes`` of ``summary``).
    """
    staging = folders.staging(out)
    coarser = grains.notes(summary)
    try:
        for name, table in shown.items():
            path = staging / TABLES[name][0]
            table = table.drop(columns=UNWRITTEN_COLUMNS.get(name, []))
            said = [*notices, *([coarser[name]] if name in coarser else [])]
            path.write_text(_csv_text(table, said), encoding="utf-8", newline="")
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        # A file name that is not UTF-8 is kept as a JSON escape, not refused.
        (staging / SUMMARY).write_bytes(text.encode("utf-8", "backslashreplace"))
        folders.publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def check_out(out: Path, inputs: list[Path]) -> None:
    """Refuse an ``--out`` that is not new, empty or a previous ``ppr`` output (before reading)."""
    folders.check_out(out, inputs, is_previous_output, "ppr")
