"""A comparator, not TVAP (S17): DOJ Office for Victims of Crime trafficking grantees.

Two TIMS performance-data snapshots, July 2015-June 2016 and July 2018-June 2019.

The snapshots run July to June, not the federal fiscal year, and count the clients of DOJ's
grantees, which serve domestic and foreign national victims alike.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from analysis import charts
from analysis.published.catalog import Catalog

FIGURE_FILES = ("published/doj_comparator.csv",)
SNAPSHOTS = {"July 2015-June 2016": "s17_2016", "July 2018-June 2019": "s17_2019"}
MEASURES = {
    "grantees": "grantees",
    "clients": "clients",
    "new_clients": "new_clients",
    "other_clients": "other_clients",
    "adults_pct": "adults_pct",
    "minors_pct": "minors_pct",
    "clients_per_grantee": "clients_per_grantee",
    "new_share_pct": "new_share_pct",
}


def snapshots(catalog: Catalog) -> pd.DataFrame:
    """Return one row per snapshot: grantees, clients, new clients, ages, per-grantee, new share."""
    rows = []
    for period, prefix in SNAPSHOTS.items():
        row: dict[str, object] = {"period": period}
        statuses = []
        for column, suffix in MEASURES.items():
            fig = catalog.figure(f"{prefix}_{suffix}")
            value = float(fig["value"])
            row[column] = round(value, 1) if column.endswith(("pct", "per_grantee")) else int(value)
            statuses.append(fig["status"])
            row["source"] = fig["source_id"]
        row["statuses"] = ", ".join(sorted(set(statuses)))
        rows.append(row)
    return pd.DataFrame(rows)


def clients_chart(catalog: Catalog) -> charts.Chart:
    """Return stacked bars of new and continuing clients per snapshot, grantees labelled."""
    table = snapshots(catalog)
    top = float(table["clients"].max())
    with charts.style():
        fig, ax = charts.new_figure(8.5, 4.2)
        for pos, (_, row) in enumerate(table.iterrows()):
            continuing = row["other_clients"]
            ax.barh(pos, row["new_clients"], color=charts.PALETTE["blue"], height=0.6)
            ax.barh(
                pos, continuing, left=row["new_clients"], color=charts.PALETTE["sky"], height=0.6
            )
            ax.text(
                row["new_clients"] / 2,
                pos,
                f"new {row['new_clients']:,}",
                ha="center",
                va="center",
                color="white",
                fontsize=9,
            )
            ax.text(
                row["new_clients"] + continuing / 2,
                pos,
                f"other {continuing:,}",
                ha="center",
                va="center",
                fontsize=9,
            )
            ax.text(
                row["clients"] + top * 0.01,
                pos,
                f"{row['clients']:,} clients\n{row['grantees']} grantees "
                f"({row['clients_per_grantee']:.0f} per grantee)\n"
                f"{row['adults_pct']:.0f}% adults, {row['minors_pct']:.0f}% minors",
                va="center",
                fontsize=8.5,
            )
        ax.set_yticks(range(len(table)), [f"{p}\n(TIMS snapshot)" for p in table["period"]])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.45)
        ax.set_xlabel("Clients of DOJ OVC trafficking grantees in the July-June period")
        charts.thousands(ax)
        ax.legend(
            handles=[
                Patch(facecolor=charts.PALETTE["blue"], label="new clients (published)"),
                Patch(facecolor=charts.PALETTE["sky"], label="other clients (derived)"),
            ],
            loc="upper right",
            fontsize=8,
            frameon=False,
        )
        first, last = table.iloc[0], table.iloc[-1]
        title = (
            f"DOJ's trafficking grantees grew from {first['grantees']} to {last['grantees']} and "
            f"their clients from {first['clients']:,} to {last['clients']:,}"
        )
        description = (
            "Horizontal stacked bars of the clients of DOJ Office for Victims of Crime trafficking "
            "grantees in two July-June TIMS snapshots, split into new clients and the rest: "
            + "; ".join(
                f"{r['period']}: {r['clients']:,} clients ({r['new_clients']:,} new) of "
                f"{r['grantees']} grantees"
                for _, r in table.iterrows()
            )
            + ". A comparator for TVAP, not TVAP itself."
        )
        data = table.drop(columns=["statuses"])
        return charts.finish(
            catalog,
            fig,
            slug="doj-ovc-comparator",
            title=title,
            description=description,
            data=data,
            sources=table["source"],
            statuses=sorted({s for cell in table["statuses"] for s in cell.split(", ")}),
            note="July-June periods, not fiscal years. Other clients and per-grantee figures "
            "derived by this project.",
        )


MORE_ROWS = {
    "Specialized-services grantees, July 2015-June 2016": "s24_2016_specialized_grantees",
    "Their clients": "s24_2016_specialized_clients",
    "Their new clients": "s24_2016_specialized_new_clients",
    "Their adult clients": "s24_2016_specialized_adults_pct",
    "Their minor clients": "s24_2016_specialized_minors_pct",
    "All trafficking grantees' clients, July 2016-June 2017": "s24_2017_clients",
    "All trafficking grantees' clients, July 2017-June 2018": "s24_2018_clients",
}


def more_rows(catalog: Catalog) -> pd.DataFrame:
    """Return S24's rows: the specialized-services subset of 2015-16 and two more yearly totals."""
    from analysis.published import context

    return context.figure_table(catalog, MORE_ROWS)
