"""Random small client-record sets (hypothesis), read as ``ppr`` reads them. Invented records."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from analysis.records import reading

START = pd.Timestamp("2011-10-01")
TYPES = ["sex", "labor", "both", ""]
STATUSES = ["certified", "pre-certified", "interim-assistance", ""]
ANSWERS = ["yes", "no", "unknown", ""]


@st.composite
def record_sets(draw, max_people: int = 8, max_entries: int = 25, span_days: int | None = None):
    """Return (entries rows, closures rows) as dicts of CSV text: tiny grantees, few quarters."""
    span = draw(st.sampled_from([90, 400, 1500, 3000])) if span_days is None else span_days
    start = START + pd.Timedelta(days=draw(st.integers(0, 2000)))
    people = draw(st.integers(1, max_people))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, people - 1),
                st.integers(0, span - 1),
                st.integers(0, 4),
                st.sampled_from(TYPES),
                st.sampled_from(["1", "4", "9", ""]),
                st.sampled_from(STATUSES),
                st.sampled_from(ANSWERS),
            ),
            min_size=1,
            max_size=max_entries,
        )
    )
    entries, seen = [], set()
    for person, day, family, kind, region, status, matched in rows:
        grantee = "Big" if person % 3 else "Small"
        date = (start + pd.Timedelta(days=day)).strftime("%Y-%m-%d")
        if (grantee, person, date) in seen:
            continue
        seen.add((grantee, person, date))
        entries.append(
            {
                "grantee": grantee,
                "client_id": f"P{person}",
                "intake_date": date,
                "intake_type": "new",
                "matched_within_48h": matched,
                "family_children_under_18": str(family),
                "trafficking_type": kind,
                "acf_region": region,
                "eligibility_status": status,
            }
        )
    first = {}
    for entry in entries:
        key = (entry["grantee"], entry["client_id"])
        first[key] = min(first.get(key, entry["intake_date"]), entry["intake_date"])
    closures = []
    for i, ((grantee, client), date) in enumerate(sorted(first.items())):
        if draw(st.booleans()):
            when = pd.Timestamp(date) + pd.Timedelta(days=draw(st.integers(0, 400)) + i)
            answers = [draw(st.sampled_from(["yes", "no", "unknown"])) for _ in range(3)]
            closures.append(
                {
                    "grantee": grantee,
                    "client_id": client,
                    "closure_date": when.strftime("%Y-%m-%d"),
                    **dict(zip(reading.CLOSURE_QUESTIONS, answers, strict=True)),
                }
            )
    return entries, closures


def read(entries: list[dict], closures: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Return the record sets as ``reading.read_entries`` / ``read_closures`` give them."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "entries.csv"
        pd.DataFrame(entries).to_csv(path, index=False)
        frame = reading.read_entries(path)
        closed = None
        if closures:
            closures_path = Path(work) / "closures.csv"
            pd.DataFrame(closures).to_csv(closures_path, index=False)
            closed = reading.read_closures(closures_path, frame)
        return frame, closed
