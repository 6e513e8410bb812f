"""Charts of tables counted from client records: small counts hidden unless asked otherwise.

Each function takes the tables as ``ppr`` shows them (:func:`analysis.records.ppr.protect` of
the counted tables, protected by the caller with its own cohort periods and threshold) and draws
only what they show: a hidden cell is drawn as an empty, hatched stub labelled with the text the
protected table shows in that cell (such as ``<11``), never as its value; any shown count that
is not a number is treated as hidden. The numbers a chart displays (``Chart.data``) are the
protected table itself. Charts of records labelled synthetic say SYNTHETIC in their title,
description and source line; charts made with ``suppress=False`` say NOT FOR PUBLICATION in
their title, and their data carry the notice column the ``ppr`` tables carry.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.present import charts
from analysis.records import disclosure, ppr

SYNTHETIC_LABEL = "SYNTHETIC records"
HIDDEN_HATCH = "xx"


def _numbers(column: pd.Series) -> pd.Series:
    """Return shown counts as numbers; any text that is not a whole number (hidden) as NaN."""
    text = column.astype(str).str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d+")), errors="coerce")


def _percents(column: pd.Series) -> pd.Series:
    """Return shown percentages as numbers; any other text (hidden, blank) as NaN."""
    text = column.astype(str).str.strip()
    return pd.to_numeric(text.where(text.str.fullmatch(r"\d+(\.\d+)?")), errors="coerce")


def source_line(*, synthetic: bool, suppress: bool, threshold: int) -> str:
    """Return the line saying where the counts come from and what is hidden."""
    origin = (
        "Source: SYNTHETIC client records made by `python -m analysis synthesize` (invented, "
        "not real clients), counted by the project's client-record rules."
        if synthetic
        else "Source: client records, counted by the project's client-record rules."
    )
    if suppress:
        hidden = f"Hidden cells: {disclosure.legend(threshold)}."
        if ppr.not_for_publication(suppress, threshold):
            hidden = f"NOT FOR PUBLICATION: threshold {threshold} is below the default. {hidden}"
    else:
        hidden = "NOT FOR PUBLICATION: small counts are not suppressed."
    return f"{origin} {hidden}"


def _prefix(synthetic: bool, suppress: bool, threshold: int) -> str:
    """Return the title's opening words: SYNTHETIC, NOT FOR PUBLICATION, as they apply."""
    unpublishable = ppr.not_for_publication(suppress, threshold)
    parts = ([SYNTHETIC_LABEL] if synthetic else []) + (
        ["NOT FOR PUBLICATION"] if unpublishable else []
    )
    return f"{', '.join(parts)}: " if parts else ""


def _finish(
    fig: Figure,
    *,
    slug: str,
    title: str,
    description: str,
    data: pd.DataFrame,
    line: str,
    synthetic: bool,
    suppress: bool,
    threshold: int,
) -> charts.Chart:
    """Add title and source line to ``fig`` and return it as a chart (data with notices)."""
    statuses = ("synthetic",) if synthetic else ("client records",)
    notices = ppr.notices_for(synthetic=synthetic, suppressed=suppress, threshold=threshold)
    if notices:
        data = data.assign(**{ppr.NOTICE_COLUMN: "; ".join(notices)})
    return charts.compose(
        fig,
        slug=slug,
        title=title,
        description=description,
        data=data,
        sources=(),
        statuses=statuses,
        line=line,
    )


def clients_by_fiscal_year(
    protected: Mapping[str, pd.DataFrame],
    *,
    synthetic: bool,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> charts.Chart:
    """Return stacked bars of victims and family members per fiscal year, labelled."""
    shown = protected["fiscal_year"]
    years = shown[shown["fiscal_year"] != disclosure.TOTAL_LABEL]
    victims, family = _numbers(years["victims"]), _numbers(years["family_members"])
    clients = _numbers(years["clients"])
    x = np.arange(len(years))
    with charts.style():
        fig, ax = charts.new_figure(8.5, 4.8)
        split = victims.notna() & family.notna()
        parts = (
            ("Victims", victims, charts.PALETTE["blue"], "white"),
            ("Family members", family, charts.PALETTE["orange"], "black"),
        )
        bottom = np.zeros(len(years))
        for label, values, colour, text_colour in parts:
            heights = values.where(split, 0).to_numpy(dtype=float)
            ax.bar(x, heights, bottom=bottom, color=colour, edgecolor="white", label=label)
            for i in np.flatnonzero(split.to_numpy() & (heights > 0)):
                middle = bottom[i] + heights[i] / 2
                text = f"{int(heights[i]):,}"
                ax.text(x[i], middle, text, ha="center", va="center", color=text_colour)
            bottom = bottom + heights
        unsplit = (~split & clients.notna()).to_numpy()
        if unsplit.any():
            heights = clients.where(unsplit, 0).to_numpy(dtype=float)
            ax.bar(
                x[unsplit],
                heights[unsplit],
                color="white",
                edgecolor=charts.GREY,
                hatch=HIDDEN_HATCH,
                label="Victims + family members, a part hidden (labelled as in the table)",
            )
            for i in np.flatnonzero(unsplit):
                parts_text = (
                    f"{_text(years['victims'].iloc[i])}\n+ {_text(years['family_members'].iloc[i])}"
                )
                ax.text(x[i], heights[i] / 2, parts_text, ha="center", va="center", fontsize=7)
            bottom = np.where(unsplit, heights, bottom)
        for i, value in enumerate(clients):
            text = _text(years["clients"].iloc[i]) if np.isnan(value) else f"{int(value):,}"
            ax.text(x[i], bottom[i], text, ha="center", va="bottom", fontweight="bold")
        ax.set_xticks(x, [f"FY{y}" for y in years["fiscal_year"]])
        ax.set_ylabel("Clients (people)")
        ax.set_ylim(0, max(bottom.max(), 1) * 1.4)  # room for the legend above the bars
        charts.thousands(ax, "y")
        ax.legend(loc="upper left", frameon=False, title="bold figure on top: all clients")
        total = shown[shown["fiscal_year"] == disclosure.TOTAL_LABEL].iloc[0]
        first, last = years.iloc[0], years.iloc[-1]
        if np.isnan(clients.iloc[0]) or np.isnan(clients.iloc[-1]):
            finding = f"clients per fiscal year, FY{first['fiscal_year']}-FY{last['fiscal_year']}"
        else:
            start, end = int(clients.iloc[0]), int(clients.iloc[-1])
            change = "rose" if end > start else "fell" if end < start else "was the same"
            finding = (
                f"clients per year {change} from {start:,} in FY{first['fiscal_year']} "
                f"to {end:,} in FY{last['fiscal_year']}"
            )
        ax.set_title(
            f"Over all years, each person counted once: {_text(total['clients'])} clients "
            f"({_text(total['victims'])} victims, {_text(total['family_members'])} family "
            "members)",
            fontsize=9,
            fontweight="normal",
        )
        prefix = _prefix(synthetic, suppress, threshold)
        return _finish(
            fig,
            slug="records-clients-by-fiscal-year",
            title=f"{prefix}{finding}",
            description=(
                f"{prefix}stacked bars of victims and family members served per federal fiscal "
                f"year of intake, FY{first['fiscal_year']} to FY{last['fiscal_year']}, each "
                "labelled with its count and the year's clients on top. "
                "Hidden counts are labelled as the protected table shows them."
            ),
            data=shown,
            line=source_line(synthetic=synthetic, suppress=suppress, threshold=threshold),
            synthetic=synthetic,
            suppress=suppress,
            threshold=threshold,
        )


def entries_by_quarter(
    protected: Mapping[str, pd.DataFrame],
    *,
    synthetic: bool,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> charts.Chart:
    """Return bars of program entries per fiscal quarter, grouped by fiscal year, labelled."""
    shown = protected["quarter"]
    quarters = shown[shown["fiscal_year"] != disclosure.TOTAL_LABEL].reset_index(drop=True)
    entries = _numbers(quarters["entries"])
    x = np.arange(len(quarters)) + quarters["fiscal_year"].astype(int).factorize()[0] * 0.6
    with charts.style():
        fig, ax = charts.new_figure(10.0, 4.6)
        heights = entries.fillna(0).to_numpy()
        ax.bar(x, heights, width=0.85, color=charts.PALETTE["blue"])
        for i, value in enumerate(entries):
            if np.isnan(value):
                ax.bar(x[i], 0, width=0.85, hatch=HIDDEN_HATCH, edgecolor=charts.GREY)
            text = _text(quarters["entries"].iloc[i]) if np.isnan(value) else f"{int(value):,}"
            ax.text(x[i], heights[i], text, ha="center", va="bottom", fontsize=7, rotation=90)
        ax.set_xticks(x, [f"Q{q}" for q in quarters["quarter"]], fontsize=7)
        for year, group in quarters.groupby("fiscal_year", sort=False):
            middle = x[group.index].mean()
            ax.annotate(
                f"FY{year}",
                (middle, 0),
                xytext=(0, -22),
                textcoords="offset points",
                ha="center",
                va="top",
                fontweight="bold",
                annotation_clip=False,
            )
        ax.set_ylabel("Program entries (new and reopened cases)")
        ax.set_ylim(0, max(heights.max(), 1) * 1.15)
        charts.thousands(ax, "y")
        prefix = _prefix(synthetic, suppress, threshold)
        if entries.isna().any():
            finding = (
                f"program entries per quarter, {int(entries.isna().sum())} of {len(entries)} "
                "quarters hidden"
            )
        else:
            best = int(np.argmax(entries.to_numpy()))
            peak = quarters.iloc[best]
            finding = (
                f"program entries per quarter peaked at {int(entries.iloc[best]):,} in "
                f"FY{peak['fiscal_year']} Q{peak['quarter']}"
            )
        return _finish(
            fig,
            slug="records-entries-by-quarter",
            title=f"{prefix}{finding}",
            description=(
                f"{prefix}bars of program entries (new clients and reopened cases) per federal "
                "fiscal quarter of intake, grouped by fiscal year, each labelled with its count. "
                "Hidden counts are labelled as the protected table shows them."
            ),
            data=shown,
            line=source_line(synthetic=synthetic, suppress=suppress, threshold=threshold),
            synthetic=synthetic,
            suppress=suppress,
            threshold=threshold,
        )


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
    *,
    synthetic: bool,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
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
            part = part.assign(value=_numbers(part["victims"]).fillna(0))
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
                number = _numbers(pd.Series([row["victims"]])).iloc[0]
                if np.isnan(number):
                    ax.barh(i, top * 0.02, color="white", edgecolor=charts.GREY, hatch=HIDDEN_HATCH)
                    label = _text(row["victims"])
                else:
                    share = _percents(pd.Series([row["percent"]])).iloc[0]
                    label = f"{int(number):,}" + ("" if np.isnan(share) else f" ({share:.1f}%)")
                ax.text(row["value"] + top * 0.03, i, label, va="center", fontsize=8)
            ax.set_xlim(0, top * 1.45)
            ax.set_title(BREAKDOWN_TITLES[name], fontsize=10)
            ax.set_xlabel("Victims (persons, by their latest entry)")
            ax.set_ylabel("")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            charts.thousands(ax, "x")
        prefix = _prefix(synthetic, suppress, threshold)
        return _finish(
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
            line=source_line(synthetic=synthetic, suppress=suppress, threshold=threshold),
            synthetic=synthetic,
            suppress=suppress,
            threshold=threshold,
        )


def matched_within_48h(
    protected: Mapping[str, pd.DataFrame],
    *,
    synthetic: bool,
    suppress: bool = True,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
) -> charts.Chart:
    """Return bars of the share of entries matched within 48 hours, per fiscal quarter."""
    shown = protected["matched_within_48h"]
    quarters = shown[shown["fiscal_year"] != disclosure.TOTAL_LABEL].reset_index(drop=True)
    share = _percents(quarters["percent_yes"])
    x = np.arange(len(quarters)) + quarters["fiscal_year"].astype(int).factorize()[0] * 0.6
    with charts.style():
        fig, ax = charts.new_figure(10.0, 4.6)
        heights = share.fillna(0).to_numpy()
        ax.bar(x, heights, width=0.85, color=charts.PALETTE["green"])
        for i, value in enumerate(share):
            if np.isnan(value):
                ax.bar(
                    x[i], 2, width=0.85, color="white", hatch=HIDDEN_HATCH, edgecolor=charts.GREY
                )
                text = _text(quarters["percent_yes"].iloc[i]) or "no entries"
            else:
                text = f"{value:.0f}%"
            ax.text(x[i], heights[i] + 1, text, ha="center", va="bottom", fontsize=7, rotation=90)
        ax.set_xticks(x, [f"Q{q}" for q in quarters["quarter"]], fontsize=7)
        for year, group in quarters.groupby("fiscal_year", sort=False):
            ax.annotate(
                f"FY{year}",
                (x[group.index].mean(), 0),
                xytext=(0, -22),
                textcoords="offset points",
                ha="center",
                va="top",
                fontweight="bold",
                annotation_clip=False,
            )
        ax.set_ylabel("Entries matched within 48 hours (%)")
        ax.set_ylim(0, 118)
        prefix = _prefix(synthetic, suppress, threshold)
        total = shown[shown["fiscal_year"] == disclosure.TOTAL_LABEL].iloc[0]
        overall = _percents(pd.Series([total["percent_yes"]])).iloc[0]
        finding = (
            "share of entries matched to a provider within 48 hours, per quarter"
            if np.isnan(overall)
            else f"{overall:.1f}% of entries were matched to a provider within 48 hours"
        )
        return _finish(
            fig,
            slug="records-matched-within-48h",
            title=f"{prefix}{finding}",
            description=(
                f"{prefix}bars of the percentage of program entries whose answer to 'matched to "
                "a service provider within 48 hours of referral?' is yes, per federal fiscal "
                "quarter of intake, grouped by fiscal year; unknown answers count as not yes. "
                "A hidden percentage is a hatched stub labelled as the table shows it."
            ),
            data=shown,
            line=source_line(synthetic=synthetic, suppress=suppress, threshold=threshold),
            synthetic=synthetic,
            suppress=suppress,
            threshold=threshold,
        )


def _text(value: object) -> str:
    """Return a shown cell with thousands separators (hidden cells unchanged)."""
    text = str(value)
    return f"{int(text):,}" if text.isdigit() else text
