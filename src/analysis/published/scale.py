"""TVAP's own scale over time: every published count of people served, over the years it covers.

The USCCB contract before TVAP is included.

The counts cover different spans (a six-year contract, two cohorts together, single years) and
different people (victims and family members, victims only, survivors), so they are drawn as
spans with their basis, never as a yearly series, and no yearly rate is derived from them.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from analysis import charts
from analysis.published import checks, context, timeline
from analysis.published.catalog import Catalog, least_certain

USCCB_AWARD = "usccb_contract_2006"
USCCB_PEOPLE = "s05_usccb_people_served"
USCCB_OWN_COUNT = "s20_usccb_clients_served"
LISTING_VICTIMS = ("s12_fy2007_victims", "s12_fy2008_victims", "s12_fy2009_victims")
COHORT_CLIENTS = "s01_clients"
COHORTS = (1, 2)
FY2021_SURVIVORS = "s10_fy2021_survivors_served"
FY2021_LABOR = "s10_fy2021_labor_survivors_served"
_FIRST_FY = 2006


def spans(catalog: Catalog) -> pd.DataFrame:
    """Return one row per count: what it counts, its value, first and last fiscal year, statuses."""
    rows = []
    award = timeline.awards(catalog).set_index("award_id").loc[USCCB_AWARD]
    rows.append(
        _row(
            catalog,
            "USCCB per-capita contract (before TVAP)",
            USCCB_PEOPLE,
            int(award["first_fiscal_year"]),
            int(award["last_fiscal_year"]),
            award["period_status"],
        )
    )
    rows.append(
        _row(
            catalog,
            "USCCB contract, as USCCB counts it",
            USCCB_OWN_COUNT,
            int(award["first_fiscal_year"]),
            int(award["last_fiscal_year"]),
            award["period_status"],
        )
    )
    for fid in LISTING_VICTIMS:
        year = int(str(catalog.figure(fid)["period"]).removeprefix("FY"))
        rows.append(
            _row(
                catalog,
                f"Assistance Listing 93.598, FY{year}",
                fid,
                year,
                year,
                _stated(catalog, fid),
            )
        )
    periods = timeline.cohort_periods(catalog)
    periods = periods[periods["cohort"].isin(COHORTS)]
    rows.append(
        _row(
            catalog,
            "TVAP cohorts 1 and 2 together",
            COHORT_CLIENTS,
            int(periods["first_fiscal_year"].min()),
            int(periods["last_fiscal_year"].max()),
            least_certain(periods["period_status"]),
        )
    )
    for fid in (FY2021_SURVIVORS, FY2021_LABOR):
        year = int(str(catalog.figure(fid)["period"]).removeprefix("FY"))
        label = "TVAP, FY2021" if fid == FY2021_SURVIVORS else "TVAP, FY2021: labor trafficking"
        rows.append(_row(catalog, label, fid, year, year, _stated(catalog, fid)))
    return pd.DataFrame(rows)


def _stated(catalog: Catalog, fid: str) -> str:
    """Return the status of a period the figure's own source states: published or reported."""
    source = catalog.figure(fid)["source_id"]
    return "reported" if catalog.source(source)["kind"] == "secondary" else "published"


def _row(
    catalog: Catalog, label: str, fid: str, first: int, last: int, period_status: str
) -> dict[str, object]:
    fig = catalog.figure(fid)
    return {
        "count": label,
        "value": int(fig["value"]),
        "unit": fig["unit"],
        "basis": fig["basis"] or "",
        "first_fiscal_year": first,
        "last_fiscal_year": last,
        "fiscal_years": last - first + 1,
        "status": fig["status"],
        "period_status": period_status,
        "source": fig["source_id"],
        "figure_id": fid,
    }


def scale_chart(catalog: Catalog) -> charts.Chart:
    """Return each count as a bar over the fiscal years it covers, labelled with value and basis."""
    table = spans(catalog)
    last = int(table["last_fiscal_year"].max())
    colour = {
        "S05": charts.PALETTE["purple"],
        "S20": charts.PALETTE["vermillion"],
        "S12": charts.PALETTE["orange"],
        "S01": charts.PALETTE["blue"],
        "S10": charts.PALETTE["green"],
    }
    with charts.style():
        fig, ax = charts.new_figure(11.0, 6.6)
        for pos, (_, row) in enumerate(table.iterrows()):
            uncertain_period = row["period_status"] in charts.STATUS_LINESTYLE
            ax.barh(
                pos,
                row["fiscal_years"],
                left=row["first_fiscal_year"] - 0.5,
                height=0.6,
                color=colour.get(row["source"], charts.GREY),
                hatch=charts.STATUS_HATCH[row["status"]],
                edgecolor="black",
                linestyle=charts.STATUS_LINESTYLE.get(row["period_status"], "-"),
                linewidth=1.2 if uncertain_period else 0.4,
            )
            value = f"{row['value']:,}"
            if row["status"] == "approximate":
                value = f"~{value}" if "approx" in row["basis"] else f"over {value}"
            ax.text(
                row["last_fiscal_year"] + 0.6,
                pos,
                f"{value} {row['unit']}",
                va="center",
                fontsize=8.5,
            )
        ax.set_yticks(range(len(table)), table["count"])
        ax.invert_yaxis()
        ax.set_xticks(
            range(_FIRST_FY, last + 1), [f"FY{y % 100:02d}" for y in range(_FIRST_FY, last + 1)]
        )
        ax.set_xlim(_FIRST_FY - 0.7, last + 3.8)
        ax.set_xlabel("Federal fiscal years the count covers (bar length = years, not size)")
        ax.legend(
            handles=[
                charts.status_patch("approximate", "approximate count", "white"),
                Patch(
                    facecolor="white",
                    edgecolor="black",
                    linestyle="--",
                    linewidth=1.2,
                    label="period partly inferred",
                ),
            ],
            loc="lower left",
            fontsize=8,
            frameon=False,
        )
        lengths = sorted(set(table["fiscal_years"]))
        title = (
            f"TVAP's published counts each cover {lengths[0]} to {lengths[-1]} fiscal years "
            "and count different people: not a yearly series"
        )
        description = (
            "Timeline of every published count of people served by TVAP or the USCCB contract "
            "before it, each drawn as a bar over the fiscal years it covers and labelled with its "
            "value: "
            + "; ".join(
                f"{r['count']} FY{r['first_fiscal_year']}"
                + (f"-FY{r['last_fiscal_year']}" if r["fiscal_years"] > 1 else "")
                + f": {r['value']:,} {r['unit']}"
                for _, r in table.iterrows()
            )
            + ". Bar length shows the period, not the count."
        )
        return charts.finish(
            catalog,
            fig,
            slug="tvap-scale-over-time",
            title=title,
            description=description,
            data=table,
            sources=table["source"],
            statuses=[*table["status"], *table["period_status"]],
            note="Cohort period end from the award timeline (partly inferred).",
        )


USCCB_OWN = {
    "Victims served (USCCB blog)": "s20_usccb_victims_served",
    "Family members served (USCCB blog)": "s20_usccb_family_members_served",
    "Victims and family members (derived)": "s20_usccb_clients_served",
    "Victims and family members (National Catholic Reporter / CNS)": USCCB_PEOPLE,
    "Survivors assisted (USCCB program page)": "s20_usccb_survivors_program_page",
    "Family members assisted (USCCB program page)": "s20_usccb_family_members_program_page",
    "Clients who were victims of labor trafficking": "s20_usccb_labor_share_pct",
    "Clients who were male": "s20_usccb_male_share_pct",
    "Clients who were female": "s20_usccb_female_share_pct",
}
USCCB_RULES = ("usccb-people-served-sources-disagree", "usccb-victims-blog-vs-program-page")


def usccb_era(catalog: Catalog) -> pd.DataFrame:
    """Return the USCCB contract's counts and shares as USCCB and the press state them."""
    return context.figure_table(catalog, USCCB_OWN)


def usccb_rules(catalog: Catalog) -> list[checks.Result]:
    """Return the recorded discrepancies among the USCCB contract's counts."""
    return [context.rule(catalog, rule_id) for rule_id in USCCB_RULES]
