"""TVAP's grant history by fiscal year: awards, cohorts and dated events, as tables."""

from __future__ import annotations

import string

import pandas as pd

from analysis import palette
from analysis.published import fiscal
from analysis.published.catalog import Catalog, least_certain

AWARDS = "timeline_awards"
EVENTS = "timeline_events"
CLIENTS = "s01_clients"
# Colour of each program's bars (Okabe-Ito), in the order the programs appear.
PROGRAM_COLOURS = (
    palette.PALETTE["black"],
    palette.PALETTE["blue"],
    palette.PALETTE["orange"],
    palette.PALETTE["green"],
    palette.PALETTE["vermillion"],
    palette.PALETTE["purple"],
    palette.PALETTE["sky"],
)
PRECISE = "day"
REGIONAL = "TVAP regional cooperative agreements (FY2019)"
NATIONAL = "TVAP national cooperative agreement (FY2021)"


def awards(catalog: Catalog) -> pd.DataFrame:
    """Return the awards table (one row per award to one organization)."""
    return catalog.table(AWARDS)


def cohort_periods(catalog: Catalog) -> pd.DataFrame:
    """Return one row per TVAP cohort: first and last fiscal year, grantees, period status.

    Columns: ``cohort`` (int), ``first_fiscal_year``, ``last_fiscal_year``, ``grantees`` (sorted
    tuple of names), ``period_status`` (the least certain status among the cohort's rows).
    """
    return periods_of_awards(awards(catalog))


def periods_of_awards(table: pd.DataFrame) -> pd.DataFrame:
    """Return the cohort periods (as ``cohort_periods``) of an awards table."""
    table = table[table["cohort"].notna()].copy()
    table["cohort"] = table["cohort"].astype(int)
    rows = []
    for cohort, group in table.groupby("cohort", sort=True):
        rows.append(
            {
                "cohort": int(cohort),
                "first_fiscal_year": int(group["first_fiscal_year"].min()),
                "last_fiscal_year": int(group["last_fiscal_year"].max()),
                "grantees": tuple(sorted(group["grantee"].dropna().unique())),
                "period_status": least_certain(group["period_status"]),
            }
        )
    return pd.DataFrame(rows)


def cohort_of(fiscal_years: pd.Series, periods: pd.DataFrame) -> pd.Series:
    """Return the cohort whose period contains each fiscal year (``<NA>`` outside every cohort)."""
    out = pd.Series(pd.NA, index=fiscal_years.index, dtype="Int64")
    for _, period in periods.iterrows():
        inside = fiscal_years.between(period["first_fiscal_year"], period["last_fiscal_year"])
        out[inside.fillna(False).astype(bool)] = period["cohort"]
    return out


def events(catalog: Catalog) -> pd.DataFrame:
    """Return the dated events in date order, numbered, with fiscal year and quarter computed.

    Adds ``number`` (1, 2, ... in date order, as on the chart), ``fiscal_year``,
    ``fiscal_quarter`` and ``when`` (the date as precisely as the source gives it: ``2011-06-13``,
    ``2011-10`` or ``FY2016``).
    """
    table = catalog.table(EVENTS).sort_values(["date", "event_id"], kind="stable")
    table = table.reset_index(drop=True)
    dates = pd.to_datetime(table["date"])
    table.insert(0, "number", range(1, len(table) + 1))
    table["fiscal_year"] = fiscal.fiscal_year(dates)
    table["fiscal_quarter"] = fiscal.fiscal_quarter(dates)
    table["when"] = [
        _when(date, precision, fy)
        for date, precision, fy in zip(
            table["date"], table["date_precision"], table["fiscal_year"], strict=True
        )
    ]
    return table


def _when(date: object, precision: str, fy: int) -> str:
    """Return a date written as precisely as its source gives it."""
    if precision == "fiscal_year":
        return fiscal.fiscal_year_label(int(fy))
    stamp = pd.Timestamp(date)
    return stamp.strftime("%Y-%m") if precision == "month" else stamp.strftime("%Y-%m-%d")


def event_table(catalog: Catalog) -> pd.DataFrame:
    """Return the events as a reader sees them: number, when, fiscal year, what, status, source."""
    table = events(catalog)
    return pd.DataFrame(
        {
            "number": table["number"],
            "when": table["when"],
            "until": [
                "" if end is None else pd.Timestamp(end).strftime("%Y-%m-%d")
                for end in table["end_date"]
            ],
            "fiscal_year": fiscal.fiscal_year_label(table["fiscal_year"]),
            "event": table["description"],
            "figures": [event_figures(catalog, row) for _, row in table.iterrows()],
            "status": table["status"],
            "source": table["source_id"],
        }
    )


def event_figures(catalog: Catalog, row: pd.Series, status: bool = True) -> str:
    """Return the figures an event states, written out (with their status unless told not)."""
    ids = [row[c] for c in ("amount_figure_id", "count_figure_id") if row[c] is not None]
    write = figure_text if status else quantity_text
    return "; ".join(write(catalog, fid) for fid in ids)


def figure_text(catalog: Catalog, figure_id: str) -> str:
    """Return a figure with its unit and status: ``$4.5 million (reported)``, ``3 grantees ...``."""
    return f"{quantity_text(catalog, figure_id)} ({catalog.figure(figure_id)['status']})"


def quantity_text(catalog: Catalog, figure_id: str) -> str:
    """Return a figure with its unit: ``$6 million per year``, ``1 cooperative agreement``."""
    unit = catalog.figure(figure_id)["unit"]
    if unit.startswith("USD"):
        return number_text(catalog, figure_id) + unit.removeprefix("USD")
    if catalog.value(figure_id) == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{number_text(catalog, figure_id)} {unit}"


def award_rows(catalog: Catalog) -> pd.DataFrame:
    """Return the awards as chart rows: label, program, first and last fiscal year, statuses.

    ``label`` names the grantee briefly (the name in brackets where there is one), says when the
    grantee is inferred, and says "grantee not named" where no source names one. ``open_end``
    is true where no source states or implies the last fiscal year.
    """
    table = awards(catalog).reset_index(drop=True)
    labels = []
    for _, row in table.iterrows():
        same = table[(table["program"] == row["program"]) & table["grantee"].isna()]
        if row["grantee"] is None:
            label = "Grantee not named"
            if len(same) > 1:
                label = f"Award {list(same.index).index(row.name) + 1}: grantee not named"
        else:
            label = short_name(row["grantee"])
            if row["status"] == "inferred":
                label += " (inferred)"
        labels.append(label)
    return pd.DataFrame(
        {
            "award_id": table["award_id"],
            "label": labels,
            "program": table["program"],
            "first_fiscal_year": table["first_fiscal_year"].astype(int),
            "last_fiscal_year": table["last_fiscal_year"].astype("Int64"),
            "open_end": table["last_fiscal_year"].isna(),
            "status": table["status"],
            "period_status": table["period_status"],
            "source_id": table["source_id"],
        }
    )


def award_table(catalog: Catalog, program: str | None = None) -> pd.DataFrame:
    """Return the awards as a reader sees them, for one program or all.

    Columns: grantee, cohort, ACF regions, funding opportunity, first and last fiscal year as
    labels (``not published`` where no source gives the end), amount with its status, the
    award's and the period's status, sources and notes; ``program`` too when showing them all.
    """
    table = awards(catalog)
    if program is not None:
        if program not in set(table["program"]):
            raise KeyError(f"no program {program!r} in the awards table")
        table = table[table["program"] == program]
    last = table["last_fiscal_year"]
    out = pd.DataFrame(
        {
            "program": table["program"],
            "grantee": table["grantee"].fillna("not named"),
            "cohort": table["cohort"].fillna(""),
            "acf_regions": table["acf_regions"].fillna("").str.replace(";", ", "),
            "funding_opportunity": table["funding_opportunity"].fillna("not available"),
            "from": [fiscal.fiscal_year_label(int(y)) for y in table["first_fiscal_year"]],
            "to": [
                "not published" if pd.isna(y) else fiscal.fiscal_year_label(int(y)) for y in last
            ],
            "amount": [
                "not published" if fid is None else figure_text(catalog, fid)
                for fid in table["amount_figure_id"]
            ],
            "status": table["status"],
            "period_status": table["period_status"],
            "source": table["source_id"],
            "notes": table["notes"],
        }
    ).set_index(table["award_id"].rename("award_id"))
    return out if program is None else out.drop(columns="program")


def short_name(grantee: str) -> str:
    """Return an organization's short name: the part in brackets, if any (``USCRI``)."""
    if grantee.endswith(")") and "(" in grantee:
        return grantee[grantee.rindex("(") + 1 : -1]
    return grantee.removesuffix(", Inc.")


def unknowns(catalog: Catalog) -> pd.DataFrame:
    """Return, for each award, what the sources leave open: grantee, amount, end, period."""
    rows = awards(catalog)
    missing = {
        "grantee not named": rows["grantee"].isna(),
        "grantee inferred": rows["status"] == "inferred",
        "no amount published": rows["amount_figure_id"].isna(),
        "end not published": rows["last_fiscal_year"].isna(),
        "period derived or inferred": rows["period_status"].isin(["derived", "inferred"]),
    }
    return pd.DataFrame(
        {
            "award_id": rows["award_id"],
            "program": rows["program"],
            "not known": [
                "; ".join(name for name, flags in missing.items() if flags.iloc[i])
                for i in range(len(rows))
            ],
        }
    )


def programs(catalog: Catalog) -> pd.DataFrame:
    """Return one row per program: colour, awards, fiscal years, and the figures annotated.

    ``annotation`` is the program's entry in ``ANNOTATIONS`` with each ``{figure_id}`` replaced
    by the figure's value from the catalogue, followed by the least certain status among them;
    ``figures`` lists the figure ids used.
    """
    rows = award_rows(catalog)
    out = []
    for n, (program, group) in enumerate(rows.groupby("program", sort=False)):
        last = group["last_fiscal_year"].dropna()
        text, figure_ids = annotate(catalog, ANNOTATIONS.get(program, ""))
        out.append(
            {
                "program": program,
                "colour": PROGRAM_COLOURS[n % len(PROGRAM_COLOURS)],
                "awards": len(group),
                "first_fiscal_year": int(group["first_fiscal_year"].min()),
                "last_fiscal_year": int(last.max()) if len(last) else pd.NA,
                "annotation": text,
                "figures": figure_ids,
            }
        )
    return pd.DataFrame(out)


# What the chart writes beside each program's bars: words, with figures as {figure_id}.
ANNOTATIONS = {
    "USCCB per-capita contract (before TVAP)": (
        "{s05_usccb_contract_value_ncr_usd} or {s05_usccb_contract_value_register_usd} in all "
        "(sources disagree); {s05_usccb_people_served} people served"
    ),
    "TVAP cohort 1": (
        "{s04_fy2012_awards_usd} for the {s01_grantees_cohort_1} "
        "FY{s01_cohort_1_first_fiscal_year} awards"
    ),
    "TVAP cohort 2": "amounts not published; began FY{s01_cohort_2_first_fiscal_year}",
    "TVAP regional cooperative agreements (FY2019)": (
        "{s01_fy2019_regional_awards} awards to {s01_fy2019_award_organizations} organization, "
        "FY{s01_national_network_first_fiscal_year}-FY{s01_national_network_last_fiscal_year}"
    ),
    "TVAP national cooperative agreement (FY2021)": (
        "over {s10_fy2021_survivors_served} survivors served in FY2021"
    ),
    "Lighthouse labor-trafficking pilots": (
        "{s11_2022_lighthouse_awards} of the awards announced 2022-10-17: "
        "{s11_2022_awards_usd} to {s11_2022_award_organizations} organizations"
    ),
}


def annotate(catalog: Catalog, template: str) -> tuple[str, tuple[str, ...]]:
    """Fill ``{figure_id}`` fields of ``template`` from the catalogue; append their status.

    Returns the text and the figure ids used: ``"$4.5 million for ... (reported)"``.
    """
    figure_ids = tuple(dict.fromkeys(f for _, f, _, _ in string.Formatter().parse(template) if f))
    if not figure_ids:
        return template, ()
    text = template.format(**{fid: number_text(catalog, fid) for fid in figure_ids})
    status = least_certain([catalog.figure(fid)["status"] for fid in figure_ids])
    return f"{text} ({status})", figure_ids


def number_text(catalog: Catalog, figure_id: str) -> str:
    """Return a figure's value as written in prose: ``$4.5 million``, ``9,152``, ``2012``."""
    figure = catalog.figure(figure_id)
    value = float(figure["value"])
    if figure["unit"].startswith("USD"):
        if value >= 1e6:
            return f"${value / 1e6:,.1f}".removesuffix(".0") + " million"
        return f"${value:,.0f}"
    if figure["unit"] == "fiscal year":
        return f"{value:.0f}"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def cohort_clients_annotation(catalog: Catalog) -> str:
    """Return the fact sheet's client total for the first two cohorts, as written on the chart."""
    clients = catalog.figure(CLIENTS)
    grantees = int(catalog.value("s01_grantees_cohorts_1_2"))
    return (
        f"{int(clients['value']):,} clients served\nby the {grantees} grantees of\n"
        f"cohorts 1-2 ({clients['status']})"
    )


def chart_data(catalog: Catalog) -> pd.DataFrame:
    """Return what the Gantt chart draws: one row per bar, event marker and annotation."""
    bars = award_rows(catalog)
    table = events(catalog)
    rows = [
        {
            "element": "bar",
            "label": f"{bar['program']}: {bar['label']}",
            "from": fiscal.fiscal_year_label(int(bar["first_fiscal_year"])),
            "to": "not published"
            if bar["open_end"]
            else fiscal.fiscal_year_label(int(bar["last_fiscal_year"])),
            "status": bar["period_status"],
            "source": bar["source_id"],
        }
        for _, bar in bars.iterrows()
    ]
    rows += [
        {
            "element": f"event {event['number']}",
            "label": event["description"],
            "from": event["when"],
            "to": "" if event["end_date"] is None else str(event["end_date"]),
            "status": event["status"],
            "source": event["source_id"],
        }
        for _, event in table.iterrows()
    ]
    for _, program in programs(catalog).iterrows():
        if not program["figures"]:
            continue
        figures = [catalog.figure(fid) for fid in program["figures"]]
        rows.append(
            {
                "element": "annotation",
                "label": program["annotation"],
                "from": fiscal.fiscal_year_label(int(program["first_fiscal_year"])),
                "to": "",
                "status": least_certain([f["status"] for f in figures]),
                "source": ";".join(dict.fromkeys(f["source_id"] for f in figures)),
            }
        )
    clients = catalog.figure(CLIENTS)
    rows.append(
        {
            "element": "annotation",
            "label": cohort_clients_annotation(catalog).replace("\n", " "),
            "from": "cohorts 1-2",
            "to": "",
            "status": clients["status"],
            "source": clients["source_id"],
        }
    )
    return pd.DataFrame(rows)
