"""Training and prevention reach (S16): NHTTAC and SOAR in FY2020, HTYPE since FY2021.

The NHTTAC year runs 2019-09-30 to 2020-09-29 (one day off the federal fiscal year); HTYPE's
counts are cumulative since its first year and stated as 'over' / 'more than'. Whether SOAR
participants are part of NHTTAC's training participants is not stated, so they are not added.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from analysis import charts
from analysis.published import context
from analysis.published.catalog import Catalog

NHTTAC = "s16_nhttac_fy2020_training_participants"
SOAR = "s16_soar_fy2020_participants"
SOAR_ONLINE = "s16_soar_online_fy2020_participants"
SOAR_OTHER = "s16_soar_other_fy2020_participants"
REACH = {
    "NHTTAC training participants": NHTTAC,
    "SOAR participants": SOAR,
    "of whom SOAR Online modules": SOAR_ONLINE,
    "of whom other SOAR events": SOAR_OTHER,
    "HTYPE students trained": "s16_htype_students_trained",
    "HTYPE educators and school staff trained": "s16_htype_educators_trained",
}
OTHER = {
    "NHTTAC training and technical assistance activities": "s16_nhttac_fy2020_activities",
    "SOAR events": "s16_soar_fy2020_events",
    "SOAR Online modules": "s16_soar_online_modules",
    "Schools reached by HTYPE": "s16_htype_schools",
    "Students identified as potential victims through HTYPE": "s16_htype_students_identified",
    "HTYPE's first fiscal year": "s16_htype_first_fiscal_year",
}


def reach(catalog: Catalog) -> pd.DataFrame:
    """Return the people reached by NHTTAC, SOAR and HTYPE, each with period and basis."""
    return context.figure_table(catalog, REACH)


def activities(catalog: Catalog) -> pd.DataFrame:
    """Return the counts of activities, events, modules and schools behind the reach."""
    return context.figure_table(catalog, OTHER)


def online_share_pct(catalog: Catalog) -> float:
    """Return the SOAR Online modules' share of SOAR participants in FY2020, in percent."""
    return catalog.value(SOAR_ONLINE) / catalog.value(SOAR) * 100


def reach_chart(catalog: Catalog) -> charts.Chart:
    """Return bars of people reached, SOAR split into online and other, HTYPE dotted."""
    table = reach(catalog)
    values = table.set_index("figure_id")
    rows = [
        ("NHTTAC training participants\n(FY2020)", [(NHTTAC, charts.PALETTE["blue"])]),
        (
            "SOAR participants\n(FY2020)",
            [(SOAR_ONLINE, charts.PALETTE["sky"]), (SOAR_OTHER, charts.PALETTE["blue"])],
        ),
        (
            "HTYPE students trained\n(FY2021 onward, cumulative)",
            [("s16_htype_students_trained", charts.PALETTE["green"])],
        ),
        (
            "HTYPE educators and school staff\n(FY2021 onward, cumulative)",
            [("s16_htype_educators_trained", charts.PALETTE["green"])],
        ),
    ]
    top = float(table["value"].max())
    with charts.style():
        fig, ax = charts.new_figure(9.5, 4.4)
        for pos, (_label, segments) in enumerate(rows):
            left = 0.0
            for fid, colour in segments:
                row = values.loc[fid]
                ax.barh(
                    pos,
                    row["value"],
                    left=left,
                    color=colour,
                    height=0.6,
                    hatch=charts.STATUS_HATCH[row["status"]],
                    edgecolor="black" if row["status"] == "approximate" else "white",
                    linewidth=0.6,
                )
                left += row["value"]
            row = values.loc[segments[0][0]]
            label = f"{left:,.0f}"
            if row["status"] == "approximate":
                label = f"more than {label}" if "more than" in row["basis"] else f"over {label}"
            ax.text(left + top * 0.01, pos, label, va="center", fontsize=9)
        soar = rows[1][0]
        ax.text(
            values.loc[SOAR_ONLINE, "value"] / 2,
            1,
            f"SOAR Online: {values.loc[SOAR_ONLINE, 'value']:,.0f}",
            ha="center",
            va="center",
            fontsize=8,
        )
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.3)
        ax.set_xlabel("Participants or people trained, as each source counts them")
        charts.thousands(ax)
        ax.legend(
            handles=[
                Patch(facecolor=charts.PALETTE["sky"], label="SOAR Online modules"),
                Patch(facecolor=charts.PALETTE["blue"], label="NHTTAC / other SOAR events"),
                charts.status_patch(
                    "approximate",
                    "HTYPE (approximate: 'over', 'more than')",
                    charts.PALETTE["green"],
                ),
            ],
            loc="lower right",
            fontsize=8,
            frameon=False,
        )
        share = online_share_pct(catalog)
        title = (
            f"NHTTAC counted {values.loc[NHTTAC, 'value']:,.0f} training participants in FY2020; "
            f"{share:.0f}% of SOAR's were online"
        )
        description = (
            f"Horizontal bars of people reached: NHTTAC training participants in FY2020 "
            f"({values.loc[NHTTAC, 'value']:,.0f}); {soar.splitlines()[0]} "
            f"({values.loc[SOAR, 'value']:,.0f}, of whom {values.loc[SOAR_ONLINE, 'value']:,.0f} "
            "through SOAR Online modules); HTYPE students and educators trained since FY2021 "
            "(lower bounds, dotted). The bars are different programs and periods and are not added."
        )
        return charts.finish(
            catalog,
            fig,
            slug="training-prevention-reach",
            title=title,
            description=description,
            data=table,
            sources=table["source"],
            statuses=table["status"],
            note="Other SOAR events and the online share computed by this project.",
        )
