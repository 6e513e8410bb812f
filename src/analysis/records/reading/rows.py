"""Checking the rules across rows: reserved names, referral order, closures' persons, repeats."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.records.reading.contract import RESERVED_GRANTEES
from analysis.records.reading.persons import Persons, _folded, person_codes
from analysis.records.reading.problems import MAX_LISTED, Problems, quote


def _check_reserved(frame: pd.DataFrame, rows: np.ndarray, problems: Problems) -> None:
    """Report grantees named like a table's row label ("Total"): two rows would look alike."""
    codes, names = pd.factorize(frame["grantee"])
    reserved = _folded(pd.Series(names, dtype="str")).isin(RESERVED_GRANTEES).to_numpy()
    problems.add_rows(
        reserved.take(codes),
        rows,
        "grantee",
        frame["grantee"],
        "{value} is the label of the tables' Total row (expected another grantee name, "
        "such as the grantee's full name, so that its row cannot be taken for the Total)",
        "named like the Total row",
    )


def _check_referral_order(
    frame: pd.DataFrame, raw: pd.DataFrame, rows: np.ndarray, problems: Problems
) -> None:
    """Report each referral_date that is after its intake_date."""
    late = np.flatnonzero((frame["referral_date"] > frame["intake_date"]).to_numpy())
    for position in late[:MAX_LISTED]:
        problems.add(
            f"{quote(raw['referral_date'].iat[position])} is after intake_date "
            f"{quote(raw['intake_date'].iat[position])} (expected on or before the intake date)",
            int(rows[position]),
            "referral_date",
        )
    problems.add_more(len(late) - MAX_LISTED, "with a referral after intake", "referral_date")


def _check_closure_people(
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    rows: np.ndarray,
    entries: pd.DataFrame,
    persons: Persons | None,
    problems: Problems,
) -> np.ndarray:
    """Check each closure's person has an entry and is not closed before their first intake.

    Returns an int code per closure row identifying its person (among the closures).
    """
    persons = persons or Persons(*person_codes(entries))
    entry_codes, people = persons.codes, persons.people
    intake = entries["intake_date"].to_numpy("datetime64[us]").view("int64")
    never = np.iinfo(np.int64).max
    intake = np.where(entries["intake_date"].isna().to_numpy(), never, intake)
    closure_codes = person_codes(frame, people)[0]
    size = len(people.grantees) * max(len(people.clients), 1)
    where, slots = _slots(entry_codes, closure_codes, size)
    first_intake = np.full(slots + 1, never, dtype=np.int64)  # the last slot: no entry
    has_entry = np.zeros(slots + 1, dtype=bool)
    coded = where[0] < slots
    np.minimum.at(first_intake, where[0][coded], intake[coded])
    has_entry[where[0][coded]] = True
    where = where[1]
    known = has_entry[where]  # unknown: compared with ``never``, not reported
    named = ~((frame["grantee"] == "") | (frame["client_id"] == "")).to_numpy()
    unknown = np.flatnonzero(named & ~known)
    for position in unknown[:MAX_LISTED]:
        problems.add(
            f"({quote(raw['grantee'].iat[position])}, {quote(raw['client_id'].iat[position])}) "
            "is not a person in the entries file (expected a grantee and client_id that have "
            "an entry)",
            int(rows[position]),
            "grantee, client_id",
        )
    problems.add_more(len(unknown) - MAX_LISTED, "for people not in the entries file")
    closed = frame["closure_date"].to_numpy("datetime64[us]").view("int64")
    first = first_intake[where]
    early = np.flatnonzero(known & ~frame["closure_date"].isna().to_numpy() & (closed < first))
    for position in early[:MAX_LISTED]:
        problems.add(
            f"{quote(raw['closure_date'].iat[position])} is before this person's first "
            f"intake_date '{pd.Timestamp(first[position], unit='us'):%Y-%m-%d}' "
            "(expected on or after it)",
            int(rows[position]),
            "closure_date",
        )
    problems.add_more(len(early) - MAX_LISTED, "closed before first intake", "closure_date")
    outside = closure_codes < 0  # grantee or client_id never seen in entries: codes of their own
    if outside.any():
        offset = len(people.grantees) * max(len(people.clients), 1)
        closure_codes = closure_codes.copy()
        closure_codes[outside] = offset + person_codes(frame.loc[outside])[0]
    return closure_codes


def _slots(
    entry_codes: np.ndarray, closure_codes: np.ndarray, size: int
) -> tuple[tuple[np.ndarray, np.ndarray], int]:
    """Return a slot per entry and per closure for its person, and the number of slots.

    Persons with the same code share a slot; a code of -1 (or a closure's person without an
    entry) gets the slot ``slots``. Codes are below ``size``: slots are the codes themselves
    when that is not many more than the entries, else the distinct codes of the entries.
    """
    if size <= 4 * len(entry_codes) + 1024:
        return (
            np.where(entry_codes >= 0, entry_codes, size),
            np.where(closure_codes >= 0, closure_codes, size),
        ), size
    distinct = np.unique(entry_codes[entry_codes >= 0])
    slots = len(distinct)

    def slot(codes: np.ndarray) -> np.ndarray:
        found = np.minimum(np.searchsorted(distinct, codes), max(slots - 1, 0))
        hit = (codes >= 0) & (distinct[found] == codes) if slots else np.zeros(len(codes), bool)
        return np.where(hit, found, slots)

    return (slot(entry_codes), slot(closure_codes)), slots


def _check_duplicates(
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    rows: np.ndarray,
    key: tuple[str, str, str],
    person_code: np.ndarray,
    problems: Problems,
) -> None:
    """Report exact duplicate rows, and different rows sharing one person and date.

    Rows are compared after normalization (trimmed, codes lower-cased, numbers and dates
    parsed, the person case-insensitively), so "2" and "2.0" or "New" and "new" are equal.
    """
    person_code = person_code.astype(np.int64)
    when_code = pd.factorize(frame[key[2]], use_na_sentinel=False)[0].astype(np.int64)
    combined = person_code * (int(when_code.max()) + 1) + when_code
    shared = pd.Series(combined).duplicated(keep=False).to_numpy()
    if not shared.any():
        return
    group = frame.loc[shared].drop(columns=["grantee", "client_id"])
    group.insert(0, "person", person_code[shared])
    group = group.astype("str").fillna("")
    group_rows = rows[shared]
    identity = group.groupby(list(group.columns), sort=False).ngroup().to_numpy()
    _, first_position = np.unique(identity, return_index=True)
    repeated = np.flatnonzero(pd.Series(identity).duplicated().to_numpy())
    original_row = group_rows[first_position[identity[repeated]]]
    repeats = list(zip(group_rows[repeated].tolist(), original_row.tolist(), strict=True))
    for row, original in repeats[:MAX_LISTED]:
        problems.add(
            f"the row repeats row {original} (the same values once trimmed, codes and the person "
            "compared ignoring case; expected each row once)",
            row,
        )
    problems.add_more(len(repeats) - MAX_LISTED, "that repeat an earlier row exactly")
    names = ", ".join(key)
    distinct = group.assign(_row=group_rows, _identity=identity).drop_duplicates("_identity")
    conflicts = distinct[distinct.duplicated(["person", key[2]], keep=False)]
    groups = list(conflicts.groupby(["person", key[2]], sort=False))
    for _, members in groups[:MAX_LISTED]:
        first = members.index[0]
        differ = [
            name
            for name in members.columns.drop(["person", "_row", "_identity"])
            if members[name].nunique(dropna=False) > 1
        ]
        shown = ", ".join(quote(raw[name].loc[first]) for name in key)
        problems.add(
            f"({shown}) is on more than one row, with different {', '.join(differ)} "
            f"(expected one row per {names})",
            "rows " + ", ".join(str(row) for row in members["_row"]),
            names,
        )
    problems.add_more(len(groups) - MAX_LISTED, f"of different rows for one {names}", unit="set(s)")
