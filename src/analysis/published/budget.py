"""OTIP's budget (S14): the FY2019 request and its parts, and FY2024 spending against ~$31M.

The FY2019 request reconciles exactly (13 + 5.8 = 18.8). The FY2024 spending categories the
Budget Reports page lists sum to $27.9M beside a level of approximately $31M: the page does not
reconcile them, so the gap is recorded by the rule ``otip-fy2024-spending-gap`` and drawn, not
hidden or explained away.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.patches import Patch

from analysis import charts
from analysis.published import checks, context
from analysis.published.catalog import Catalog

FY2019_TOTAL = "s14_fy2019_request_atip_usd"
FY2019_INCREASE = "s14_fy2019_request_increase_usd"
FY2025_REQUEST = "s14_fy2025_request_usd"
FY2019_PARTS = {
    "Foreign Victims of Trafficking": "s14_fy2019_request_foreign_victims_usd",
    "Domestic Trafficking Victims Program": "s14_fy2019_request_domestic_victims_usd",
}
FY2024_CATEGORIES = {
    "Victim service grants": "s14_fy2024_spending_victim_service_grants_usd",
    "Prevention grants": "s14_fy2024_spending_prevention_grants_usd",
    "Technical assistance": "s14_fy2024_spending_technical_assistance_usd",
    "Technology": "s14_fy2024_spending_technology_usd",
    "Mission support": "s14_fy2024_spending_mission_support_usd",
    "Public awareness": "s14_fy2024_spending_public_awareness_usd",
    "Program evaluation": "s14_fy2024_spending_program_evaluation_usd",
}
FY2024_SUM = "s14_fy2024_spending_total_usd"
FY2024_LEVEL = "s14_fy2024_level_usd"
FY2024_GAP = "s14_fy2024_unreconciled_usd"
FY2019_RULE = "otip-fy2019-request-parts"
GAP_RULE = "otip-fy2024-spending-gap"


def fy2019_request(catalog: Catalog) -> pd.DataFrame:
    """Return the FY2019 request's two parts and its total, in USD."""
    return context.figure_table(
        catalog, {**FY2019_PARTS, "Anti-Trafficking in Persons Programs": FY2019_TOTAL}
    )


def fy2024_spending(catalog: Catalog) -> pd.DataFrame:
    """Return FY2024 spending by category, their sum, the ~$31M level and the unreconciled gap."""
    return context.figure_table(
        catalog,
        {
            **FY2024_CATEGORIES,
            "Sum of the categories": FY2024_SUM,
            "Level stated for FY2024": FY2024_LEVEL,
            "Not accounted for by the categories": FY2024_GAP,
        },
    )


def levels(catalog: Catalog) -> pd.DataFrame:
    """Return OTIP's overall levels by year: FY2019 request and increase, FY2024, FY2025 request."""
    return context.figure_table(
        catalog,
        {
            "FY2019 request, Anti-Trafficking in Persons Programs": FY2019_TOTAL,
            "FY2019 request above the FY2018 continuing resolution": FY2019_INCREASE,
            "FY2024 level": FY2024_LEVEL,
            "FY2025 request": FY2025_REQUEST,
        },
    )


def fy2019_check(catalog: Catalog) -> checks.Result:
    """Return whether the FY2019 request's parts add up to its total."""
    return context.rule(catalog, FY2019_RULE)


def gap_check(catalog: Catalog) -> checks.Result:
    """Return the recorded FY2024 gap between the ~$31M level and the listed categories."""
    return context.rule(catalog, GAP_RULE)


def fy2019_request_chart(catalog: Catalog) -> charts.Chart:
    """Return a stacked bar of the FY2019 request's two parts against its total."""
    table = fy2019_request(catalog)
    parts, total = table.iloc[:-1], table.iloc[-1]
    colours = [charts.PALETTE["blue"], charts.PALETTE["orange"]]
    with charts.style():
        fig, ax = charts.new_figure(8.0, 3.0)
        left = 0.0
        for (_, part), colour in zip(parts.iterrows(), colours, strict=True):
            ax.barh([0], [part["value"]], left=left, color=colour, edgecolor="white", height=0.6)
            text = "white" if colour == charts.PALETTE["blue"] else "black"
            ax.text(
                left + part["value"] / 2,
                0,
                f"{textwrap.fill(part['label'], 22)}\n{context.millions(part['value'])}",
                ha="center",
                va="center",
                color=text,
                fontsize=9,
            )
            left += part["value"]
        ax.set_yticks([])
        ax.set_xlim(0, total["value"])
        ax.set_xticks([0, total["value"]], ["$0", context.millions(total["value"])])
        ax.set_xlabel("FY2019 budget request (USD)")
        ax.spines["left"].set_visible(False)
        share = parts.iloc[0]["value"] / total["value"] * 100
        title = (
            f"{share:.0f}% of OTIP's {context.millions(total['value'])} FY2019 request was for "
            "foreign victims of trafficking"
        )
        description = (
            f"Stacked horizontal bar of the FY2019 request for Anti-Trafficking in Persons "
            f"Programs, {context.millions(total['value'])}: "
            + " and ".join(
                f"{p['label']} {context.millions(p['value'])}" for _, p in parts.iterrows()
            )
            + ". The parts add up to the total."
        )
        return charts.finish(
            catalog,
            fig,
            slug="otip-fy2019-request",
            title=title,
            description=description,
            data=table,
            sources=table["source"],
            statuses=[*table["status"], "derived"],
            note="Share computed by this project.",
        )


def fy2024_spending_chart(catalog: Catalog) -> charts.Chart:
    """Return bars of FY2024 spending by category, their sum, the ~$31M level and the gap."""
    table = fy2024_spending(catalog)
    n_cat = len(FY2024_CATEGORIES)
    top = float(table["value"].max())
    colours = [charts.PALETTE["blue"]] * n_cat + [
        charts.PALETTE["sky"],
        charts.PALETTE["green"],
        charts.GREY,
    ]
    with charts.style():
        fig, ax = charts.new_figure(9.0, 5.2)
        y = list(range(len(table)))
        y = [i + (0.6 if i >= n_cat else 0) for i in y]
        for pos, (_, row), colour in zip(y, table.iterrows(), colours, strict=True):
            is_gap = row["figure_id"] == FY2024_GAP
            ax.barh(
                pos,
                row["value"],
                color="white" if is_gap else colour,
                height=0.7,
                hatch="xx" if is_gap else charts.STATUS_HATCH[row["status"]],
                edgecolor=charts.GREY
                if is_gap
                else ("black" if row["status"] == "approximate" else "white"),
                linewidth=0.6,
            )
            label = context.millions(row["value"])
            if row["status"] == "approximate":
                label = f"about {label}"
            ax.text(row["value"] + top * 0.01, pos, label, va="center", fontsize=9)
        ax.set_yticks(y, table["label"])
        ax.invert_yaxis()
        ax.axhline((y[n_cat - 1] + y[n_cat]) / 2, color=charts.GREY, linewidth=0.6)
        ax.set_xlim(0, top * 1.2)
        ax.set_xlabel("FY2024, USD")
        ax.xaxis.set_major_formatter(lambda v, _pos: f"${v / 1e6:,.0f}M")
        ax.legend(
            handles=[
                Patch(facecolor=charts.PALETTE["blue"], label="Spending category (published)"),
                Patch(facecolor=charts.PALETTE["sky"], label="Sum of the categories (derived)"),
                charts.status_patch(
                    "approximate",
                    "Level (approximate: 'approximately $31 million')",
                    charts.PALETTE["green"],
                ),
                Patch(
                    facecolor="white",
                    edgecolor=charts.GREY,
                    hatch="xx",
                    label="Gap the page does not reconcile",
                ),
            ],
            loc="upper right",
            fontsize=8,
            frameon=False,
        )
        total = table.set_index("figure_id")["value"]
        title = (
            f"OTIP's FY2024 spending categories add to {context.millions(total[FY2024_SUM])}, "
            f"{context.millions(total[FY2024_GAP])} short of the "
            f"~{context.millions(total[FY2024_LEVEL])} level"
        )
        description = (
            "Horizontal bars of OTIP's FY2024 spending in seven categories, largest first, then "
            f"their sum ({context.millions(total[FY2024_SUM])}), the level the Budget Reports page "
            f"states (approximately {context.millions(total[FY2024_LEVEL])}, dotted) and the "
            f"difference of {context.millions(total[FY2024_GAP])} that the page does not "
            "explain (cross-hatched)."
        )
        return charts.finish(
            catalog,
            fig,
            slug="otip-fy2024-spending",
            title=title,
            description=description,
            data=table,
            sources=table["source"],
            statuses=table["status"],
            note="Sum and gap computed by this project; the gap is recorded, not explained.",
        )
