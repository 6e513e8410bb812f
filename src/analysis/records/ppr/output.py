"""Writing a ppr output directory: the CSV tables and summary.json, all at once or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from analysis import spreadsheet
from analysis.errors import InputError, os_problem
from analysis.records.ppr.protection import _cell, audit_summary, not_for_publication
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
    threshold: int,
    suppressed: bool,
    synthetic: bool,
    notices: list[str],
    *,
    periods: pd.DataFrame | None = None,
    width: int | None = None,
    disclosure: dict | None = None,
) -> dict:
    """Return the content of ``summary.json`` (counts as shown in the tables).

    ``disclosure`` holds the marks, their legend and the audit of the tables as shown (given,
    or made here); ``cohort_periods`` the periods the tables were counted with (default: the
    published timeline's), so ``python -m analysis audit`` can audit the files alone.
    ``not_for_publication`` is true when the tables are not suppressed, the threshold is
    below the default, or the audit finds a hidden cell under-protected.
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
        disclosure = audit_summary(shown, threshold, periods, width)[0]
    protected = bool(disclosure["audit"]["protected"])
    return {
        "produced_by": PRODUCER,
        "format_version": FORMAT_VERSION,
        "notice": "; ".join(notices),
        "not_for_publication": not_for_publication(suppressed, threshold, protected),
        "suppressed": suppressed,
        "threshold": threshold,
        "synthetic": synthetic,
        "fiscal_years": [int(y) for y in years],
        "totals": totals,
        "inputs": files,
        "outputs": sorted(TABLES[name][0] for name in shown),
        "cohort_periods": periods_record(periods),
        "disclosure": disclosure,
    }


def check_out(
    out: Path,
    inputs: list[Path],
    previous: Callable[[Path], bool] | None = None,
    command: str = "ppr",
) -> None:
    """Refuse an ``--out`` that cannot be written, holds an input, or holds other files.

    Called before any input is read: a directory is created (and removed) where ``--out``
    would be made, so a large input is not read and counted for nothing. A non-empty ``--out``
    is accepted only when ``previous`` (default: a previous ppr output) recognizes it as an
    earlier output of ``command``.
    """
    try:
        _check_out(out, inputs, previous or is_previous_output, command)
    except OSError as error:
        raise InputError(f"--out {out}: cannot be written ({os_problem(error)})") from None
    except RuntimeError:  # Path.resolve on a symbolic link loop
        raise InputError(f"--out {out}: is a loop of symbolic links") from None


def _check_out(
    out: Path, inputs: list[Path], previous: Callable[[Path], bool], command: str
) -> None:
    """Do the checks of ``check_out``; an ``OSError`` means ``--out`` cannot be made."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out}: exists and is not a directory")
    resolved = out.resolve()
    for path in inputs:
        try:
            parents = path.resolve().parents
        except RuntimeError:  # a symbolic link loop: the reader says so
            continue
        if resolved in parents:
            raise InputError(f"--out {out}: holds the input file {path}; choose another directory")
    if out.is_dir() and any(out.iterdir()) and not previous(out):
        raise InputError(
            f"--out {out}: directory is not empty and is not a previous {command} output; "
            "choose a new or empty directory"
        )
    parent = out.absolute().parent
    existing = next((p for p in (parent, *parent.parents) if p.exists()), Path("/"))
    if not existing.is_dir():
        raise InputError(f"--out {out}: {existing} is a file, not a directory")
    longest = os.pathconf(existing, "PC_NAME_MAX")
    names = [out.name, *(p.name for p in out.absolute().parents if not p.exists())]
    for name in names:
        if len(os.fsencode(name)) > longest:
            raise InputError(
                f"--out {out}: the name {name[:40]!r}... is too long (at most {longest} bytes)"
            )
    try:
        probe = tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".probe", dir=existing)
    except OSError as error:
        raise InputError(
            f"--out {out}: no directory can be created in {existing} ({error.strerror}; "
            "expected a writable directory on a real file system, not e.g. /proc or /sys)"
        ) from None
    os.rmdir(probe)


STAGING_PREFIX = ".ppr-"


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
    """Write every table and the summary into ``out``, all at once (temporary dir, rename)."""
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".tmp", dir=parent))
    try:
        for name, table in shown.items():
            path = staging / TABLES[name][0]
            table = table.drop(columns=UNWRITTEN_COLUMNS.get(name, []))
            path.write_text(_csv_text(table, notices), encoding="utf-8", newline="")
        text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        # A file name that is not UTF-8 is kept as a JSON escape, not refused.
        (staging / SUMMARY).write_bytes(text.encode("utf-8", "backslashreplace"))
        os.chmod(staging, 0o777 & ~umask())
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def umask() -> int:
    """Return the process's file-creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def replace_folder(staging: Path, out: Path) -> None:
    """Move ``staging`` to ``out``, replacing an empty dir or a previous ppr output."""
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=".old", dir=staging.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)
