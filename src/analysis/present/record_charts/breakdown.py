"""Small multiples of victims by gender identity, age, country and referral source, from ppr."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis import charts
from analysis.present.record_charts.labels import (
    HIDDEN_HATCH,
    HIDDEN_REASON,
    counted,
    finish_record_chart,
    hidden_marks,
    shown_numbers,
    shown_percents,
    shown_text,
)
from analysis.records import counting, disclosure, ppr
from analysis.records.release import Release

BREAKDOWN_TITLES = {
    "gender_identity": "Gender identity",
    "age_band": "Age at intake",
    "broad_age_band": "Age at intake (broad bands)",
    "minor_or_adult": "Age at intake: minor or adult",
    "country_of_origin": "Country of origin",
    "referral_source": "Referral source",
}


def _breakdowns(shown: Mapping[str, pd.DataFrame]) -> list[str]:
    """Return the breakdown tables ``shown`` holds: ages at the grain published (``ppr.grains``)."""
    return [
        name if name in shown else ppr.grains.table_at_grain(shown, name)
        for name in ppr.BREAKDOWN_VICTIMS
    ]


def _long_breakdowns(shown: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Return the shown breakdown tables stacked: breakdown, group, victims, percent."""
    frames = []
    for name in _breakdowns(shown):
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


EMPTY_UNDRAWN = (
    counting.OTHER_IDENTITY,
    counting.OTHER_COUNTRIES,
    counting.OTHER_SOURCES,
    counting.UNKNOWN,
)
"""Groups every table carries whether or not anyone is in them: a shown 0 in one is not drawn."""
LABEL_WIDTH = 28
"""A group's name longer than this many characters is wrapped onto more lines in the chart."""
VALUE_TICKS = 3
"""At most this many intervals on a panel's value axis, so its tick labels never run together."""


def _drawn_groups(part: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of one breakdown a panel draws: all but the empty catch-all groups.

    A catch-all group (``EMPTY_UNDRAWN``) whose count is shown as 0 is left out; a hidden
    count is always drawn, as a hatched stub.
    """
    empty = part["group"].isin(EMPTY_UNDRAWN) & (shown_numbers(part["victims"]) == 0)
    return part[~empty]


def who_the_clients_are(
    protected: Mapping[str, pd.DataFrame],
    release: Release,
) -> charts.Chart:
    """Return small multiples of victims by gender identity, age, country and referral source.

    One panel per breakdown (seaborn bar plots on the house style's axes), each bar labelled
    with its count and share; a hidden count is a hatched stub labelled as the table shows it.
    Catch-all groups with no one in them are not drawn; a panel with no count above zero to
    draw is a line of text saying why, and when no panel has one, the chart is a sentence.
    """
    data = _long_breakdowns(protected)
    parts = {
        name: _drawn_groups(
            data[(data["breakdown"] == name) & (data["group"] != disclosure.TOTAL_LABEL)]
        )
        for name in _breakdowns(protected)
    }
    prefix = release.chart_title_prefix()
    slug = "records-who-the-clients-are"
    if not any(_has_values(part) for part in parts.values()):
        finding = (
            "no breakdown of victims can be drawn: "
            + "; ".join(_hidden_text(name, part) for name, part in parts.items())
            + f" ({HIDDEN_REASON})"
        )
        return finish_record_chart(
            None,
            slug=slug,
            title=f"{prefix}{finding}",
            description=f"{prefix}no chart is drawn: {finding}. The table gives every group.",
            data=data,
            release=release,
        )
    with charts.style():
        fig = Figure(figsize=(11.0, _height(parts.values())), layout="constrained")
        for ax, (name, part) in zip(fig.subplots(2, 2).ravel(), parts.items(), strict=True):
            ax.set_title(BREAKDOWN_TITLES[name], fontsize=10)
            if _has_values(part):
                _bars(ax, part)
            else:
                _words(ax, name, part)
        return finish_record_chart(
            fig,
            slug=slug,
            title=f"{prefix}victims by gender identity, age at intake, country and referral source",
            description=(
                f"{prefix}four bar charts of victims (distinct persons, by their latest entry): "
                "by gender identity, by age band at intake, by country of origin and by "
                "referral source, each bar labelled with its count and percentage of all "
                "victims. Free-text groups of fewer than the threshold number of persons are "
                "merged; hidden counts are labelled as the protected table shows them; "
                "catch-all groups with no one in them are not drawn."
            ),
            data=data,
            release=release,
        )


def _names(part: pd.DataFrame) -> list[str]:
    """Return the groups' names as a panel writes them: wrapped at ``LABEL_WIDTH`` characters."""
    return [textwrap.fill(group, LABEL_WIDTH) for group in part["group"]]


def _height(parts: Iterable[pd.DataFrame]) -> float:
    """Return the figure's height in inches: 8.5, or more when the groups' names need it.

    Each bar gets room for its name's lines (0.14 inch a line, 8 points) and a gap of 0.1 inch,
    so that no two names touch; two rows of panels, and 2.5 inches for titles and axes.
    """
    panel = max(sum((name.count("\n") + 1) * 0.14 + 0.1 for name in _names(part)) for part in parts)
    return max(8.5, 2 * panel + 2.5)


def _has_values(part: pd.DataFrame) -> bool:
    """Tell whether a breakdown shows a count above zero, so that its bars have a scale."""
    return bool((shown_numbers(part["victims"]) > 0).any())


def _hidden_text(name: str, part: pd.DataFrame) -> str:
    """Return what a breakdown with nothing to draw shows: its groups' marks (or no group)."""
    title = BREAKDOWN_TITLES[name].lower()
    if part.empty:
        return f"{title}: no group to show"
    numbers = shown_numbers(part["victims"])
    hidden = part.loc[numbers.isna(), "victims"]
    zeros = int((numbers == 0).sum())
    said = [f"{len(hidden)} hidden ({hidden_marks(hidden)})"] if len(hidden) else []
    said += [f"{zeros} of 0"] if zeros else []
    return f"{title}: of {counted(len(part), 'group', 'groups')}, {' and '.join(said)}"


def _words(ax: Axes, name: str, part: pd.DataFrame) -> None:
    """Put in place of a panel's bars the line saying why none is drawn."""
    ax.set_axis_off()
    text = _hidden_text(name, part)
    ax.text(0.0, 0.5, textwrap.fill(f"No bar to draw. {text[0].upper()}{text[1:]}.", 50),
            transform=ax.transAxes, va="center", ha="left", fontsize=9)  # fmt: skip


def _bars(ax: Axes, part: pd.DataFrame) -> None:
    """Draw one breakdown's bars, each labelled with its count and share, on ``ax``."""
    import seaborn as sns

    part = part.assign(
        value=shown_numbers(part["victims"]).fillna(0),
        name=_names(part),
    )
    sns.barplot(
        data=part,
        x="value",
        y="name",
        order=part["name"].tolist(),
        orient="h",
        errorbar=None,
        color=charts.PALETTE["blue"],
        ax=ax,
    )
    top = float(part["value"].max())
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
    ax.set_xlabel("Victims (persons, by their latest entry)")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8)
    # Ticks only under the bars (not in the room kept for their labels), few enough to read.
    ticks = MaxNLocator(nbins=VALUE_TICKS, integer=True).tick_values(0, top)
    ax.set_xticks([t for t in ticks if 0 <= t <= top])
    charts.thousands(ax, "x")
