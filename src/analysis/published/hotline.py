"""National Human Trafficking Hotline reach (S15): like-for-like measures and labelled volumes.

Measures the reports state in the same words for FY2019 and FY2022 are compared; contact
volumes on different bases are shown each with its own label.

FY2019 counts every contact (calls, texts, chats, online tips, emails); FY2022 and calendar
2020 count substantive signals only. Those volumes are never drawn as one series: each bar
carries its period and basis.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from analysis import charts
from analysis.published import context
from analysis.published.catalog import Catalog

# Measures the two Trafficking in Persons Reports state in the same words for FY2019 and FY2022.
COMPARABLE = {
    "Potential cases": ("s15_fy2019_potential_cases", "s15_fy2022_potential_cases"),
    "Cases reported to law enforcement": (
        "s15_fy2019_cases_reported_to_law_enforcement",
        "s15_fy2022_cases_reported_to_law_enforcement",
    ),
    "Signals from potential victims": ("s15_fy2019_victim_signals", "s15_fy2022_victim_signals"),
}
# Volumes on different bases: shown side by side, each labelled, never as one series.
VOLUMES = {
    "FY2019: all contacts\n(calls, texts, chats, online tips, emails)": "s15_fy2019_contacts",
    "Calendar 2020: substantive signals": "s15_cy2020_substantive_signals",
    "FY2022: substantive signals": "s15_fy2022_substantive_signals",
}
# Figures stated for one year only, or for both years on different definitions.
ONE_YEAR = {
    "FY2019: potential victims given resources or referrals": "s15_fy2019_victims_referred",
    "FY2022: potential victims in potential cases": "s15_fy2022_potential_victims",
    "FY2019: potential traffickers": "s15_fy2019_potential_traffickers",
    "FY2019: types of businesses": "s15_fy2019_business_types",
    "FY2019: investigations opened": "s15_fy2019_investigations_opened",
    "FY2022: referrals": "s15_fy2022_referrals",
}
YEARS = ("FY2019", "FY2022")


def comparable(catalog: Catalog) -> pd.DataFrame:
    """Return the measures stated for both FY2019 and FY2022, one row per measure and year."""
    labelled = {
        f"{measure} {year}": fid
        for measure, ids in COMPARABLE.items()
        for year, fid in zip(YEARS, ids, strict=True)
    }
    table = context.figure_table(catalog, labelled)
    table.insert(0, "measure", [m for m in COMPARABLE for _ in YEARS])
    table["label"] = table["period"]
    return table.rename(columns={"label": "fiscal_year"})


def volumes(catalog: Catalog) -> pd.DataFrame:
    """Return the contact volumes, each with its period and basis."""
    return context.figure_table(catalog, VOLUMES)


def not_comparable(catalog: Catalog) -> pd.DataFrame:
    """Return the figures stated for one year only or on different definitions."""
    return context.figure_table(catalog, ONE_YEAR)


def comparison_chart(catalog: Catalog) -> charts.Chart:
    """Return grouped bars of the measures stated in the same words for FY2019 and FY2022."""
    table = comparable(catalog)
    colours = dict(zip(YEARS, (charts.PALETTE["blue"], charts.PALETTE["vermillion"]), strict=True))
    top = float(table["value"].max())
    with charts.style():
        fig, ax = charts.new_figure(9.0, 4.6)
        for n, measure in enumerate(COMPARABLE):
            rows = table[table["measure"] == measure]
            for k, (_, row) in enumerate(rows.iterrows()):
                x = n + (k - 0.5) * 0.38
                ax.bar(
                    x,
                    row["value"],
                    width=0.36,
                    color=colours[row["fiscal_year"]],
                    hatch=charts.STATUS_HATCH[row["status"]],
                    edgecolor="black" if row["status"] == "approximate" else "white",
                    linewidth=0.6,
                )
                label = context.shown(row["value"], row["status"])
                label = label.replace("about ", "over ") if "lower bound" in row["basis"] else label
                ax.text(
                    x,
                    row["value"] + top * 0.01,
                    f"{row['fiscal_year']}\n{label}",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
        ax.set_xticks(range(len(COMPARABLE)), list(COMPARABLE))
        ax.set_ylim(0, top * 1.2)
        ax.set_ylabel("Count in the fiscal year")
        charts.thousands(ax, "y")
        ax.legend(
            handles=[Patch(facecolor=c, label=y) for y, c in colours.items()]
            + [charts.status_patch("approximate", "approximate ('more than')", "white")],
            loc="upper right",
            fontsize=8,
            frameon=False,
        )
        values = table.set_index(["measure", "fiscal_year"])["value"]
        cases = [values[("Potential cases", y)] for y in YEARS]
        title = (
            f"Hotline potential cases went from {cases[0]:,.0f} in {YEARS[0]} to "
            f"{cases[1]:,.0f} in {YEARS[1]}"
        )
        description = (
            "Grouped bars of three Hotline measures the 2020 and 2023 Trafficking in Persons "
            "Reports state for both FY2019 and FY2022: "
            + "; ".join(
                f"{m}: {values[(m, YEARS[0])]:,.0f} and {values[(m, YEARS[1])]:,.0f}"
                for m in COMPARABLE
            )
            + ". Signals from potential victims are lower bounds ('more than'), dotted."
        )
        return charts.finish(
            catalog,
            fig,
            slug="hotline-fy2019-fy2022",
            title=title,
            description=description,
            data=table,
            sources=table["source"],
            statuses=table["status"],
            note="Both years are federal fiscal years.",
        )


def volume_chart(catalog: Catalog) -> charts.Chart:
    """Return one labelled bar per contact volume, its period and basis on the axis."""
    table = volumes(catalog)
    colours = {
        "all contacts": charts.PALETTE["blue"],
        "substantive signals": charts.PALETTE["green"],
    }
    top = float(table["value"].max())
    with charts.style():
        fig, ax = charts.new_figure(9.0, 3.8)
        for pos, (_, row) in enumerate(table.iterrows()):
            basis = _measure(row["basis"])
            ax.barh(
                pos,
                row["value"],
                color=colours[basis],
                height=0.6,
                hatch=charts.STATUS_HATCH[row["status"]],
                edgecolor="black" if row["status"] == "approximate" else "white",
                linewidth=0.6,
            )
            label = f"{row['value']:,.0f}"
            label = f"more than {label}" if "lower bound" in row["basis"] else label
            ax.text(row["value"] + top * 0.01, pos, label, va="center", fontsize=9)
        ax.set_yticks(range(len(table)), table["label"])
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.25)
        ax.set_xlabel("Contacts or substantive signals in the period (not one measure)")
        charts.thousands(ax)
        ax.legend(
            handles=[Patch(facecolor=c, label=b) for b, c in colours.items()]
            + [charts.status_patch("approximate", "approximate ('more than')", "white")],
            loc="lower right",
            fontsize=8,
            frameon=False,
        )
        measures = {_measure(b) for b in table["basis"]}
        years = {b.split(";")[0].strip() for b in table["basis"]}
        title = (
            f"Hotline volumes: {len(measures)} measures, {len(years)} kinds of year, "
            "so not one series"
        )
        description = (
            "Horizontal bars of three Hotline volumes that are not one series: "
            + "; ".join(
                f"{row['label'].splitlines()[0]} {row['value']:,.0f}" for _, row in table.iterrows()
            )
            + ". All contacts and substantive signals are different measures; a fall from the "
            "first bar to the others is not a fall in contacts."
        )
        return charts.finish(
            catalog,
            fig,
            slug="hotline-volumes-by-basis",
            title=title,
            description=description,
            data=table,
            sources=table["source"],
            statuses=table["status"],
            note="Different bases: do not read the bars as a trend.",
        )


def _measure(basis: str) -> str:
    """Return what a volume counts: 'all contacts' or 'substantive signals'."""
    return "all contacts" if "all contacts" in basis else "substantive signals"
