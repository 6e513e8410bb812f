"""Small multiples of victims by gender identity, age, country and referral source, from ppr."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis import charts
from analysis.present.record_charts.labels import (
    HIDDEN_HATCH,
    finish_record_chart,
    shown_numbers,
    shown_percents,
    shown_text,
)
from analysis.records import disclosure, ppr
from analysis.records.release import Release

BREAKDOWN_TITLES = {
    "gender_identity": "Gender identity",
    "age_band": "Age at intake",
    "country_of_origin": "Country of origin",
    "referral_source": "Referral source",
}


def _long_breakdowns(shown: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the shown breakdown tables stacked: breakdown, group, victims, percent."""
    frames = []
    for name in ppr.BREAKDOWN_VICTIMS:
        table = shown[name]
        frames.append(
            pd.DataFrame(
                {
                    "breakdown": name,
                    "group": table[name].astype(str).map(spreadsheet_safe),
                    "victims": table["victims"],
                    "percent": table["percent"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Return a label that a spreadsheet shows as text (a leading ``'`` before ``=+-@``)."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def who_the_clients_are(
    protected: Mapping[str, pd.DataFrame],
    release: Release,
) -> charts.Chart:
    """Return small multiples of victims by gender identity, age, country and referral source.

    One panel per breakdown (seaborn bar plots on the house style's axes), each bar labelled
    with its count and share; a hidden count is a hatched stub labelled as the table shows it.
    """
    import seaborn as sns

    data = _long_breakdowns(protected)
    with charts.style():
        fig = Figure(figsize=(11.0, 8.5), layout="constrained")
        axes = fig.subplots(2, 2).ravel()
        for ax, name in zip(axes, ppr.BREAKDOWN_VICTIMS, strict=True):
            part = data[(data["breakdown"] == name) & (data["group"] != disclosure.TOTAL_LABEL)]
            part = part.assign(value=shown_numbers(part["victims"]).fillna(0))
            order = part["group"].tolist()
            sns.barplot(
                data=part,
                x="value",
                y="group",
                order=order,
                orient="h",
                errorbar=None,
                color=charts.PALETTE["blue"],
                ax=ax,
            )
            top = max(float(part["value"].max()), 1.0)
            for i, (_, row) in enumerate(part.iterrows()):
                number = shown_numbers(pd.Series([row["victims"]])).iloc[0]
                if np.isnan(number):
                    ax.barh(i, top * 0.02, color="white", edgecolor=charts.GREY, hatch=HIDDEN_HATCH)
                    label = shown_text(row["victims"])
                else:
                    share = shown_percents(pd.Series([row["percent"]])).iloc[0]
                    label = f"{int(number):,}" + ("" if np.isnan(share) else f" ({share:.1f}%)")
                ax.text(row["value"] + top * 0.03, i, label, va="center", fontsize=8)
            ax.set_xlim(0, top * 1.45)
            ax.set_title(BREAKDOWN_TITLES[name], fontsize=10)
            ax.set_xlabel("Victims (persons, by their latest entry)")
            ax.set_ylabel("")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            charts.thousands(ax, "x")
        prefix = release.chart_title_prefix()
        return finish_record_chart(
            fig,
            slug="records-who-the-clients-are",
            title=f"{prefix}victims by gender identity, age at intake, country and referral source",
            description=(
                f"{prefix}four bar charts of victims (distinct persons, by their latest entry): "
                "by gender identity, by age band at intake, by country of origin and by "
                "referral source, each bar labelled with its count and percentage of all "
                "victims. Free-text groups of fewer than the threshold number of persons are "
                "merged; hidden counts are labelled as the protected table shows them."
            ),
            data=data,
            release=release,
        )
