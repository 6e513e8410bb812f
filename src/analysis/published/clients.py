"""TVAP clients served by the first two cohorts (S01): total, parts, shares and their chart."""

from __future__ import annotations

import pandas as pd

from analysis import charts
from analysis.published import checks
from analysis.published.catalog import Catalog

TOTAL = "s01_clients"
PARTS = {
    "Victims": ("s01_victims", "s01_victims_share_pct"),
    "Qualified family members": ("s01_family_members", "s01_family_members_share_pct"),
}
RULE = "tvap-clients-reconcile"


def client_table(catalog: Catalog) -> pd.DataFrame:
    """Return victims, family members and all clients with count, share, status and source."""
    rows = []
    for group, (count_id, share_id) in PARTS.items():
        count, share = catalog.figure(count_id), catalog.figure(share_id)
        rows.append(_row(group, count, share["value"], share["status"]))
    total = catalog.figure(TOTAL)
    rows.append(_row("All clients", total, 100.0, "derived"))
    return pd.DataFrame(rows)


def _row(group: str, count: pd.Series, share: float, share_status: str) -> dict[str, object]:
    return {
        "group": group,
        "clients": int(count["value"]),
        "share_pct": round(float(share), 1),
        "count_status": count["status"],
        "share_status": share_status,
        "source": count["source_id"],
        "figure_id": count["figure_id"],
    }


def reconciliation(catalog: Catalog) -> checks.Result:
    """Return the outcome of the rule that victims plus family members equal the total."""
    return next(r for r in checks.run(catalog) if r.rule_id == RULE)


def composition_chart(catalog: Catalog) -> charts.Chart:
    """Return a stacked bar of victims and family members, labelled with counts and shares."""
    table = client_table(catalog)
    parts, total = table.iloc[:-1], table.iloc[-1]
    colours = [charts.PALETTE["blue"], charts.PALETTE["orange"]]
    with charts.style():
        fig, ax = charts.new_figure(8.0, 3.2)
        left = 0
        for (_, part), colour in zip(parts.iterrows(), colours, strict=True):
            ax.barh([0], [part["clients"]], left=left, color=colour, edgecolor="white", height=0.6)
            label = f"{part['group']}\n{part['clients']:,} ({part['share_pct']:.1f}%)"
            text_colour = "white" if colour == charts.PALETTE["blue"] else "black"
            ax.text(
                left + part["clients"] / 2,
                0,
                label,
                ha="center",
                va="center",
                color=text_colour,
                fontsize=10,
            )
            left += part["clients"]
        ax.set_yticks([])
        ax.set_xlim(0, total["clients"])
        ax.set_xlabel("Clients served (people)")
        charts.thousands(ax)
        ax.spines["left"].set_visible(False)
        grantees = int(catalog.value("s01_grantees_cohorts_1_2"))
        first_fy = int(catalog.value("s01_cohort_1_first_fiscal_year"))
        ax.set_title(
            f"Total: {total['clients']:,} clients, {grantees} grantees, FY{first_fy} onward",
            fontsize=10,
            fontweight="normal",
        )
        share = parts.iloc[0]["share_pct"]
        return charts.finish(
            catalog,
            fig,
            slug="tvap-cohort-clients",
            title=f"{share:.0f}% of the clients TVAP's first two cohorts served were victims",
            description=(
                f"Horizontal stacked bar of the {total['clients']:,} clients served by the "
                f"{grantees} grantees of TVAP's first two cohorts: "
                f"{parts.iloc[0]['clients']:,} victims "
                f"({parts.iloc[0]['share_pct']:.1f}%) and {parts.iloc[1]['clients']:,} qualified "
                f"family members ({parts.iloc[1]['share_pct']:.1f}%)."
            ),
            data=table,
            sources=table["source"],
            statuses=[*table["count_status"], *table["share_status"]],
            note="Shares derived by this project.",
        )
