"""TVAP's grant history by fiscal year: awards, cohorts, dated events and their Gantt chart."""

from __future__ import annotations

import string
import textwrap

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import charts, fiscal
from analysis.catalog import Catalog

AWARDS = "timeline_awards"
EVENTS = "timeline_events"
CLIENTS = "s01_clients"
# Colour of each program's bars (Okabe-Ito), in the order the programs appear.
PROGRAM_COLOURS = (
    charts.PALETTE["black"],
    charts.PALETTE["blue"],
    charts.PALETTE["orange"],
    charts.PALETTE["green"],
    charts.PALETTE["vermillion"],
    charts.PALETTE["purple"],
    charts.PALETTE["sky"],
)
# How a bar's period is drawn: stated by a source (solid), derived or inferred (hatched).
PERIOD_HATCH = {
    "published": "",
    "reported": "",
    "approximate": "...",
    "derived": "\\\\\\",
    "inferred": "///",
}
PERIOD_LEGEND = {
    "stated": "Period stated by a source (published or reported)",
    "derived": "Period derived: ends when the next awards begin",
    "inferred": "Period inferred by this project (not stated)",
    "open": "End of the period not published",
}
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
    table = awards(catalog)
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
                "period_status": _least_certain(group["period_status"]),
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
            "figures": [_event_figures(catalog, row) for _, row in table.iterrows()],
            "status": table["status"],
            "source": table["source_id"],
        }
    )


def _event_figures(catalog: Catalog, row: pd.Series, status: bool = True) -> str:
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
    status = _least_certain([catalog.figure(fid)["status"] for fid in figure_ids])
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
                "status": _least_certain([f["status"] for f in figures]),
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


def timeline_chart(catalog: Catalog) -> charts.Chart:
    """Return the Gantt chart of TVAP's awards by fiscal year, with dated events and figures."""
    bars = award_rows(catalog)
    table = events(catalog)
    progs = programs(catalog).set_index("program")
    first_fy = int(min(bars["first_fiscal_year"].min(), table["fiscal_year"].min()))
    data_last = int(max(bars["last_fiscal_year"].max(), table["fiscal_year"].max()))
    last_fy = data_last + 2  # room for open-ended periods
    left, right = first_fy - 0.5, last_fy + 0.5
    with charts.style():
        fig, ax = charts.new_figure(12.0, 10.6)
        ax.remove()
        grid = fig.add_gridspec(3, 1, height_ratios=(1.1, 6.0, 3.1))
        top = fig.add_subplot(grid[0])
        gantt = fig.add_subplot(grid[1], sharex=top)
        key = fig.add_subplot(grid[2])
        _draw_columns(gantt, first_fy, last_fy)
        _draw_bars(gantt, bars, progs, right)
        _draw_program_labels(gantt, bars, progs, left)
        _draw_clients_bracket(catalog, gantt, bars)
        _draw_events(top, gantt, table)
        gantt.set_xlim(left, right)
        gantt.set_ylim(len(bars) - 0.4, -0.6)
        gantt.set_yticks(range(len(bars)), bars["label"], fontsize=8)
        years = range(first_fy, last_fy + 1)
        gantt.set_xticks(list(years), [f"FY{y % 100:02d}" for y in years], fontsize=8)
        gantt.set_xlabel("Federal fiscal year (FY12 = 1 October 2011 to 30 September 2012)")
        gantt.tick_params(axis="y", length=0)
        gantt.spines["left"].set_visible(False)
        _draw_key(catalog, key, gantt, table)
        clients = catalog.figure(CLIENTS)
        statuses = [*bars["period_status"], *bars["status"], *table["status"], clients["status"]]
        sources = [s for ids in [*bars["source_id"], *table["source_id"]] for s in ids.split(";")]
        n_awards = len(bars)
        title = _title(catalog, progs)
        return charts.finish(
            catalog,
            fig,
            slug="tvap-grant-timeline",
            title=title,
            description=(
                f"Gantt chart of {n_awards} TVAP awards and related contracts by federal fiscal "
                f"year, FY{first_fy} to FY{data_last}, one row per award, coloured and labelled "
                "by program; hatched bars are periods this project derived or inferred, dashed "
                "arrows are periods whose end is not published. Above the bars, "
                f"{len(table)} numbered, dated events (funding opportunities, deadlines, awards, "
                "the 2011 House hearing, the FY2013 supplements, press releases), listed in the "
                f"key below. {cohort_clients_annotation(catalog).replace(chr(10), ' ')}."
            ),
            data=chart_data(catalog),
            sources=sorted(set(sources + [clients["source_id"]]), key=lambda s: int(s[1:])),
            statuses=sorted(set(statuses)),
            note="Hatched and dashed periods are this project's reading of the sources.",
        )


def _title(catalog: Catalog, progs: pd.DataFrame) -> str:
    """Return the chart's finding: the cohorts, then the regional and national awards."""
    cohorts = cohort_periods(catalog)
    sizes = sorted({len(g) for g in cohorts["grantees"]})
    starts = ", ".join(fiscal.fiscal_year_label(int(y)) for y in cohorts["first_fiscal_year"])
    regional = progs.loc[REGIONAL]
    national = progs.loc[NATIONAL]
    organizations = int(catalog.value("s01_fy2019_award_organizations"))
    return (
        f"TVAP: {len(cohorts)} cohorts of {' or '.join(map(str, sizes))} grantees "
        f"({starts}), then {regional['awards']} regional awards to "
        f"{_plural(organizations, 'organization')} "
        f"({fiscal.fiscal_year_label(int(regional['first_fiscal_year']))})\n"
        f"and {_plural(national['awards'], 'national cooperative agreement')} from "
        f"{fiscal.fiscal_year_label(int(national['first_fiscal_year']))}"
    )


def _plural(count: int, noun: str) -> str:
    """Return ``1 organization`` or ``3 organizations``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _draw_columns(ax, first_fy: int, last_fy: int) -> None:
    """Shade every other fiscal-year column so that bars read against their years."""
    for year in range(first_fy, last_fy + 1, 2):
        ax.axvspan(year - 0.5, year + 0.5, color="#F2F2F2", zorder=0, linewidth=0)


def _draw_bars(ax, bars: pd.DataFrame, progs: pd.DataFrame, right: float) -> None:
    """Draw one bar per award: solid when its period is stated, hatched when not."""
    for y, bar in bars.iterrows():
        colour = progs.loc[bar["program"], "colour"]
        start = bar["first_fiscal_year"] - 0.5
        end = (bar["first_fiscal_year"] if bar["open_end"] else bar["last_fiscal_year"]) + 0.5
        hatch = PERIOD_HATCH[bar["period_status"]]
        ax.barh(
            y,
            end - start,
            left=start,
            height=0.62,
            color=colour if not hatch else "white",
            edgecolor=colour,
            hatch=hatch,
            linewidth=1.2,
            linestyle="--" if hatch else "-",
            zorder=2,
            gid=f"bar-{bar['award_id']}",
        )
        if bar["open_end"]:
            ax.annotate(
                "",
                xy=(min(end + 1.4, right - 0.1), y),
                xytext=(end, y),
                arrowprops={"arrowstyle": "->", "color": colour, "linestyle": "--", "lw": 1.2},
                zorder=2,
            )


def _draw_program_labels(ax, bars: pd.DataFrame, progs: pd.DataFrame, left: float) -> None:
    """Write each program's name and figures beside its first bar.

    Left of the bar when there is room; otherwise the name goes inside the bar and the figures
    to its right.
    """
    for program, group in bars.groupby("program", sort=False):
        info = progs.loc[program]
        y = group.index.min()
        start = group["first_fiscal_year"].min() - 0.5
        if start - left >= 3:
            lines = [program, *textwrap.wrap(info["annotation"], 58)]
            ax.text(
                start - 0.15,
                y - 0.05,
                "\n".join(lines),
                ha="right",
                va="top",
                fontsize=8,
                color=info["colour"],
                parse_math=False,
                zorder=3,
            )
            continue
        end = group["last_fiscal_year"].max() + 0.5
        ax.text(
            start + 0.1,
            y,
            program,
            ha="left",
            va="center",
            fontsize=8,
            color="white",
            fontweight="bold",
            parse_math=False,
            zorder=3,
        )
        ax.text(
            end + 0.15,
            y,
            info["annotation"],
            ha="left",
            va="center",
            fontsize=8,
            color=info["colour"],
            parse_math=False,
            zorder=3,
        )


def _draw_clients_bracket(catalog: Catalog, ax, bars: pd.DataFrame) -> None:
    """Bracket the rows of cohorts 1-2 and write the fact sheet's client total beside them."""
    cohort_rows = bars[bars["program"].str.startswith("TVAP cohort")]
    top, bottom = cohort_rows.index.min() - 0.3, cohort_rows.index.max() + 0.3
    x = cohort_rows["last_fiscal_year"].max() + 0.7
    ax.plot([x, x + 0.15, x + 0.15, x], [top, top, bottom, bottom], color="#222222", lw=1)
    ax.text(
        x + 0.3,
        (top + bottom) / 2,
        cohort_clients_annotation(catalog),
        va="center",
        ha="left",
        fontsize=9,
        color="#222222",
    )


def _draw_events(top, gantt, table: pd.DataFrame) -> None:
    """Mark each event above the bars: filled when the day is stated, hollow when not."""
    positions = fiscal.fiscal_year_position(pd.to_datetime(table["date"]))
    levels = _levels(positions.tolist())
    for (_, event), x, level in zip(table.iterrows(), positions, levels, strict=True):
        exact = event["date_precision"] == PRECISE
        colour = "#222222"
        if event["end_date"] is not None:
            end = fiscal.fiscal_year_position(event["end_date"])
            top.plot([x, end], [0, 0], color=colour, lw=3, solid_capstyle="butt")
        top.plot(
            [x],
            [0],
            marker="v",
            markersize=7,
            color=colour,
            markerfacecolor=colour if exact else "white",
            linestyle="none",
            zorder=3,
        )
        top.plot([x, x], [0.1, 0.35 + 0.45 * level], color="#9A9A9A", lw=0.6)
        top.text(x, 0.4 + 0.45 * level, str(event["number"]), ha="center", va="bottom", fontsize=8)
        gantt.axvline(x, color="#9A9A9A", lw=0.5, linestyle=":", zorder=1)
    top.set_ylim(-0.4, 0.4 + 0.45 * (max(levels) + 1) + 0.3)
    top.set_yticks([])
    top.tick_params(axis="x", labelbottom=False, length=0)
    for side in ("left", "bottom"):
        top.spines[side].set_visible(False)
    top.set_title("Dated events (numbers refer to the key below)", fontsize=9, fontweight="normal")


def _levels(positions: list[float], gap: float = 0.28) -> list[int]:
    """Return a stacking level per event so that labels of close events do not overlap."""
    levels: list[int] = []
    for i, x in enumerate(positions):
        taken = {levels[j] for j in range(i) if abs(positions[j] - x) < gap}
        levels.append(next(n for n in range(len(positions)) if n not in taken))
    return levels


def _draw_key(catalog: Catalog, ax, legend_ax, table: pd.DataFrame) -> None:
    """List the numbered events in two columns in ``ax``; explain the marks in ``legend_ax``."""
    ax.axis("off")
    lines = []
    for _, row in table.iterrows():
        figures = _event_figures(catalog, row, status=False)
        text = (
            f"{row['number']}.  {row['when']}:  {row['description']}"
            + (f" [{figures}]" if figures else "")
            + ("" if row["status"] == "published" else f" ({row['status']})")
        )
        lines.append("\n      ".join(textwrap.wrap(text, 92)))
    half = (len(lines) + 1) // 2
    for column, chunk in enumerate((lines[:half], lines[half:])):
        ax.text(
            -0.16 + 0.58 * column,
            1.0,
            "\n".join(chunk),
            ha="left",
            va="top",
            fontsize=7.5,
            transform=ax.transAxes,
            linespacing=1.4,
        )
    handles = [
        Patch(facecolor=charts.GREY, edgecolor=charts.GREY, label=PERIOD_LEGEND["stated"]),
        Patch(
            facecolor="white",
            edgecolor=charts.GREY,
            hatch=PERIOD_HATCH["derived"],
            linestyle="--",
            label=PERIOD_LEGEND["derived"],
        ),
        Patch(
            facecolor="white",
            edgecolor=charts.GREY,
            hatch=PERIOD_HATCH["inferred"],
            linestyle="--",
            label=PERIOD_LEGEND["inferred"],
        ),
        Line2D([], [], color=charts.GREY, linestyle="--", label=PERIOD_LEGEND["open"]),
        Line2D(
            [],
            [],
            marker="v",
            color="#222222",
            linestyle="none",
            label="Event on a stated day",
        ),
        Line2D(
            [],
            [],
            marker="v",
            color="#222222",
            markerfacecolor="white",
            linestyle="none",
            label="Event dated only by month or fiscal year",
        ),
    ]
    legend_ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 0.0),
        fontsize=7.5,
        frameon=True,
        facecolor="white",
        edgecolor="#DDDDDD",
        framealpha=1.0,
        title="How to read the bars and markers",
        title_fontsize=8,
        alignment="left",
    ).set_zorder(5)


_CERTAINTY = ("published", "reported", "approximate", "derived", "inferred")


def _least_certain(statuses: pd.Series) -> str:
    return max(statuses, key=_CERTAINTY.index)
