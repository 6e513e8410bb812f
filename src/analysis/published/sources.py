"""The source register of a data directory (``sources.yml``), recorded as an archive records it.

Each entry names a document (or a group of documents) with its title, publisher, kind, the date
it was published to the precision known, every address the register gives (each with the day it
was last checked against the register), or an explicit statement that no address is known, and
optionally a raw copy kept under ``raw/`` with its SHA-256. ``check`` returns every problem, each
naming the file, the source id, the field, the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pandas as pd

KINDS = ("primary", "secondary")
PRECISIONS = ("day", "month", "year", "unknown")
REQUIRED = ("id", "title", "publisher", "kind", "date_precision")
FIELDS = (
    "id",
    "title",
    "publisher",
    "date_published",
    "date_precision",
    "kind",
    "addresses",
    "address_statement",
    "raw",
    "notes",
)
ADDRESS_FIELDS = ("url", "checked", "note")
FIELD_DOCS = {
    "id": "`S01`, `S02`, ...: the register's id; figures and tables cite these ids",
    "title": "what the document is (or the documents the entry groups)",
    "publisher": "who published it",
    "date_published": (
        "ISO 8601 to the precision the register gives: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; "
        '`null` when undated ("June 2011" is rejected: write `2011-06` with precision `month`)'
    ),
    "date_precision": "`day`, `month`, `year`, or `unknown` (undated)",
    "kind": "`primary` (program office or federal document) or `secondary`",
    "addresses": (
        "every address the register gives, one item each: `url` (one absolute http(s) "
        "address), `checked` (`YYYY-MM-DD`, see below), `note` (what the address covers)"
    ),
    "address_statement": (
        "required when `addresses` is empty: `none known: ` and why (e.g. the register cites a "
        "Federal Register page, not an address)"
    ),
    "raw": "a copy kept under `raw/`: `path` and its `sha256`, re-checked by `validate`",
    "notes": "which documents the entry covers and what a reader should know",
}
ID = re.compile(r"^S\d{2}$")
STATEMENT_PREFIX = "none known: "
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PATTERNS = {"day": ISO_DAY, "month": re.compile(r"^\d{4}-\d{2}$"), "year": re.compile(r"^\d{4}$")}
URL = re.compile(
    r"^https?://"  # scheme
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}"  # host with at least one dot
    r"(?::\d+)?"  # port
    r"(?:/[^\s;,<>\"]*)?$",  # path, no spaces or list separators
    re.IGNORECASE,
)
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def iso_date(raw: Any) -> dt.date | None:
    """Return the date written as ``YYYY-MM-DD``, or None when ``raw`` is anything else."""
    text = str(raw) if isinstance(raw, (str, dt.date)) else ""
    if not ISO_DAY.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check(entries: Any, path: Path, root: Path) -> list[str]:
    """Return every problem of the register's entries (empty when it is sound)."""
    if not isinstance(entries, list):
        return [f"{path}: expected a list of sources"]
    problems: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"{path}, source {n}: expected a mapping of {', '.join(FIELDS)}")
            continue
        sid = entry.get("id")
        where = f"{path}, source {n}" + (f" ({sid})" if sid else "")
        problems += _check_entry(entry, where, root)
        if sid in seen:
            problems.append(f"{where}: duplicate source id {sid!r}")
        seen.add(sid)
    return problems


def _check_entry(entry: dict[str, Any], where: str, root: Path) -> list[str]:
    problems = []
    missing = [f for f in REQUIRED if not entry.get(f)]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
    unknown = [f for f in entry if f not in FIELDS]
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}; expected {FIELDS}")
    sid = entry.get("id")
    if sid and not ID.match(str(sid)):
        problems.append(f"{where}, field id: {sid!r} is not an id of the form S01")
    if entry.get("kind") and entry["kind"] not in KINDS:
        problems.append(f"{where}, field kind: {entry['kind']!r} is not one of {KINDS}")
    problems += _check_date(entry, where)
    problems += _check_addresses(entry, where)
    problems += _check_raw(entry.get("raw"), where, root)
    return problems


def _check_date(entry: dict[str, Any], where: str) -> list[str]:
    value, precision = entry.get("date_published"), entry.get("date_precision")
    if precision and precision not in PRECISIONS:
        return [f"{where}, field date_precision: {precision!r} is not one of {PRECISIONS}"]
    if value is None:
        if precision and precision != "unknown":
            return [
                f"{where}, field date_published: empty, but date_precision is {precision!r}; "
                "expected a date, or date_precision unknown"
            ]
        return []
    if precision == "unknown":
        return [
            f"{where}, field date_precision: 'unknown' for date_published {value!r}; expected "
            "day, month or year"
        ]
    pattern = PATTERNS.get(str(precision))
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    shape = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}.get(str(precision), "")
    valid = pattern is not None and pattern.match(text) is not None
    if valid and precision == "day":
        valid = iso_date(text) is not None
    elif valid and precision == "month":
        valid = 1 <= int(text[5:7]) <= 12
    if not valid:
        return [
            f"{where}, field date_published: {value!r} is not an ISO 8601 date of precision "
            f"{precision} ({shape})"
        ]
    return []


def _check_addresses(entry: dict[str, Any], where: str) -> list[str]:
    addresses = entry.get("addresses")
    statement = entry.get("address_statement")
    if addresses is None:
        addresses = []
    if not isinstance(addresses, list):
        return [f"{where}, field addresses: expected a list of mappings url, checked, note"]
    problems = []
    if not addresses and not statement:
        problems.append(
            f"{where}, field addresses: no address and no address_statement; expected at least "
            f"one address, or an address_statement beginning {STATEMENT_PREFIX!r} that says why"
        )
    if statement and not str(statement).startswith(STATEMENT_PREFIX):
        problems.append(
            f"{where}, field address_statement: {statement!r} does not begin {STATEMENT_PREFIX!r}"
        )
    if statement and addresses:
        problems.append(
            f"{where}, field address_statement: given beside {len(addresses)} address(es); "
            "expected one or the other"
        )
    for k, item in enumerate(addresses, start=1):
        at = f"{where}, field addresses[{k}]"
        if not isinstance(item, dict) or "url" not in item:
            problems.append(f"{at}: {item!r} is not a mapping with url, checked, note")
            continue
        url = item.get("url")
        if not isinstance(url, str) or not URL.match(url):
            problems.append(
                f"{at}.url: {url!r} is not an address; expected one absolute http(s) URL "
                "(scheme, host, path; no spaces, no ';' between two sites)"
            )
        if iso_date(item.get("checked")) is None:
            problems.append(
                f"{at}.checked: {item.get('checked')!r} is not a date as YYYY-MM-DD (the day the "
                "address was last checked against the register)"
            )
        extra = [f for f in item if f not in ADDRESS_FIELDS]
        if extra:
            problems.append(f"{at}: unknown field(s) {', '.join(extra)}")
    return problems


def _check_raw(raw: Any, where: str, root: Path) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, dict) or not {"path", "sha256"} <= raw.keys():
        return [f"{where}, field raw: expected a mapping with path and sha256"]
    if not SHA256.match(str(raw["sha256"])):
        return [f"{where}, field raw.sha256: {raw['sha256']!r} is not 64 lower-case hex digits"]
    path = root / str(raw["path"])
    if not path.is_file():
        return [f"{where}, field raw.path: {raw['path']!r} not found in {root}"]
    digest = sha256_of(path)
    if digest != raw["sha256"]:
        return [
            f"{where}, field raw.sha256: {raw['path']} has SHA-256 {digest}; expected "
            f"{raw['sha256']} (the raw copy changed)"
        ]
    return []


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def frame(entries: list[Any]) -> pd.DataFrame:
    """Return the entries as a table indexed by id; ``url`` is the first address, if any."""
    rows = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        addresses = [a for a in entry.get("addresses") or [] if isinstance(a, dict)]
        raw = entry.get("raw") if isinstance(entry.get("raw"), dict) else {}
        date = entry.get("date_published")
        rows.append(
            {
                "id": entry.get("id"),
                "title": entry.get("title"),
                "publisher": entry.get("publisher"),
                "date_published": "" if date is None else str(date),
                "date_precision": entry.get("date_precision") or "unknown",
                "kind": entry.get("kind"),
                "addresses": [a.get("url") for a in addresses],
                "address_notes": [a.get("note") or "" for a in addresses],
                "checked": [str(a.get("checked") or "") for a in addresses],
                "url": addresses[0].get("url") if addresses else None,
                "address_statement": entry.get("address_statement") or "",
                "raw_path": raw.get("path") or "",
                "raw_sha256": raw.get("sha256") or "",
                "notes": entry.get("notes") or "",
            }
        )
    columns = [
        "id",
        "title",
        "publisher",
        "date_published",
        "date_precision",
        "kind",
        "addresses",
        "address_notes",
        "checked",
        "url",
        "address_statement",
        "raw_path",
        "raw_sha256",
        "notes",
    ]
    return pd.DataFrame(rows, columns=columns).set_index("id", drop=False)


def register_table(sources: pd.DataFrame) -> pd.DataFrame:
    """Return one row per source for display: date and precision, kind, addresses or why none."""
    rows = []
    for _, s in sources.iterrows():
        if s["addresses"]:
            where = "\n".join(
                f"{url} (checked {checked})" + (f"; {note}" if note else "")
                for url, checked, note in zip(
                    s["addresses"], s["checked"], s["address_notes"], strict=True
                )
            )
        else:
            where = s["address_statement"]
        rows.append(
            {
                "source": s["id"],
                "title": s["title"],
                "publisher": s["publisher"],
                "published": s["date_published"] or "undated",
                "precision": s["date_precision"],
                "kind": s["kind"],
                "address": where,
                "raw copy": (f"{s['raw_path']} (SHA-256 {s['raw_sha256'][:12]}…)")
                if s["raw_path"]
                else "",
            }
        )
    return pd.DataFrame(rows)
