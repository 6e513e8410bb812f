"""Top countries of origin, as published lists (S23, S19): never TVAP clients, basis kept visible.

The Trafficking in Persons Reports list the top countries of origin of foreign victims up to
FY2012 and of federally identified victims, U.S. citizens included, from FY2013: a change of basis
that every table and the chart show. USCRI's 2019 list is one grantee's survivors. No source gives
the counts behind the ranks, so only the order is shown.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch, Rectangle

from analysis import charts
from analysis.published.catalog import Catalog

TABLE = "countries_of_origin"
FEDERAL = ("foreign_victims", "federally_identified_victims")
POPULATIONS = {
    "foreign_victims": "foreign victims",
    "federally_identified_victims": "federally identified victims, U.S. citizens included",
    "one_grantee_survivors": "one grantee's survivors (USCRI)",
}
FORCED_LABOR = "s23_fy2008_forced_labor_share_pct"


def lists(catalog: Catalog) -> pd.DataFrame:
    """Return every list row: list, period, rank, country, whom it counts, status, source."""
    table = catalog.table(TABLE).copy()
    table["counts"] = table["population"].map(POPULATIONS)
    return table.sort_values(["list_id", "rank"], kind="stable").reset_index(drop=True)


def wide(catalog: Catalog) -> pd.DataFrame:
    """Return one column per list (rank down the rows), headed with its period and population."""
    table = lists(catalog)
    columns = {}
    for _list_id, group in table.groupby("list_id", sort=False):
        first = group.iloc[0]
        columns[f"{first['period']}: {first['counts']}"] = group.set_index("rank")["country"]
    out = pd.DataFrame(columns).fillna("")
    out.index.name = "rank"
    return out


def basis_changes(catalog: Catalog) -> pd.DataFrame:
    """Return the periods where the federal lists' population changes, with before and after."""
    table = lists(catalog)
    federal = table[table["population"].isin(FEDERAL)].drop_duplicates("list_id")
    rows = []
    for before, after in zip(
        federal.iloc[:-1].itertuples(), federal.iloc[1:].itertuples(), strict=True
    ):
        if before.population != after.population:
            rows.append(
                {
                    "from": before.period,
                    "to": after.period,
                    "before": POPULATIONS[before.population],
                    "after": POPULATIONS[after.population],
                    "source": after.source_id,
                }
            )
    return pd.DataFrame(rows, columns=["from", "to", "before", "after", "source"])


def origins_chart(catalog: Catalog) -> charts.Chart:
    """Return the federal lists as a grid of ranks by year, the change of basis marked."""
    table = lists(catalog)
    federal = table[table["population"].isin(FEDERAL)]
    periods = list(dict.fromkeys(federal["period"]))
    depth = int(federal["rank"].max())
    shade = {"foreign_victims": "#f2f2f2", "federally_identified_victims": "#dbe9f6"}
    with charts.style():
        fig, ax = charts.new_figure(12.0, 4.8)
        for x, period in enumerate(periods):
            rows = federal[federal["period"] == period]
            population = rows.iloc[0]["population"]
            reported = rows.iloc[0]["status"] != "published"
            ax.add_patch(
                Rectangle(
                    (x - 0.48, 0.5),
                    0.96,
                    depth,
                    facecolor=shade[population],
                    edgecolor=charts.GREY if reported else "none",
                    linestyle=":" if reported else "-",
                    hatch=charts.STATUS_HATCH["approximate"] if reported else "",
                    linewidth=1.0,
                )
            )
            for _, row in rows.iterrows():
                ax.text(x, row["rank"], row["country"], ha="center", va="center", fontsize=8)
        changes = basis_changes(catalog)
        for _, change in changes.iterrows():
            x = periods.index(change["to"]) - 0.5
            ax.axvline(x, color="black", linestyle="--", linewidth=1.4)
            ax.text(
                x + 0.05,
                0.35,
                f"change of basis from {change['to']}:\n{change['after']}",
                fontsize=8,
                va="bottom",
            )
        ax.set_xticks(range(len(periods)), periods)
        ax.set_xlim(-0.6, len(periods) - 0.4)
        ax.set_ylim(depth + 0.6, -0.6)
        ax.set_yticks(range(1, depth + 1), [f"#{r}" for r in range(1, depth + 1)])
        ax.set_ylabel("Rank in the published list")
        ax.set_xlabel("Year the list covers (lists not published for the years missing here)")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.legend(
            handles=[
                Patch(facecolor=shade["foreign_victims"], label=POPULATIONS[FEDERAL[0]]),
                Patch(facecolor=shade[FEDERAL[1]], label=POPULATIONS[FEDERAL[1]]),
                Patch(
                    facecolor="white",
                    edgecolor="black",
                    linestyle=":",
                    hatch=charts.STATUS_HATCH["approximate"],
                    label="reported (a blog's copy of the report)",
                ),
            ],
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=8,
            frameon=False,
        )
        first = changes.iloc[0]["to"] if len(changes) else "none"
        title = (
            "Top countries of origin of trafficking victims federal programs identified: "
            f"from {first} the lists include U.S. citizens"
        )
        description = (
            "Grid of the Trafficking in Persons Reports' top countries of origin, one column per "
            "year, rank down the rows: "
            + "; ".join(
                f"{p}: " + ", ".join(federal[federal["period"] == p]["country"]) for p in periods
            )
            + f". A dashed line before {first} marks the change of basis from foreign victims "
            "to federally identified victims, U.S. citizens included. Not TVAP clients; no counts."
        )
        return charts.finish(
            catalog,
            fig,
            slug="countries-of-origin",
            title=title,
            description=description,
            data=federal,
            sources=federal["source_id"],
            statuses=federal["status"],
            note="All federal programs, not TVAP clients; ranks only, no counts published.",
        )
