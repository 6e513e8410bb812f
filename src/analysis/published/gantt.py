"""The Gantt chart of TVAP's awards by fiscal year, with dated events and figures."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import charts
from analysis.published import fiscal
from analysis.published.catalog import Catalog
from analysis.published.timeline import (
    CLIENTS,
    NATIONAL,
    PRECISE,
    REGIONAL,
    award_rows,
    chart_data,
    cohort_clients_annotation,
    cohort_periods,
    event_figures,
    events,
    programs,
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
        figures = event_figures(catalog, row, status=False)
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
