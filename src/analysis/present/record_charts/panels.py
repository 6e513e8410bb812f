"""Charts of tables counted from client records: small counts hidden unless asked otherwise.

Each function takes the tables as ``ppr`` shows them (:func:`analysis.records.ppr.protect` of
the counted tables, protected by the caller with its own cohort periods and threshold) and draws
only what they show: a hidden cell is drawn as an empty, hatched stub labelled with the text the
protected table shows in that cell (such as ``<11``), never as its value; any shown count that
is not a number is treated as hidden. The numbers a chart displays (``Chart.data``) are the
protected table itself. Charts of records labelled synthetic say SYNTHETIC in their title,
description and source line; charts whose release state is not for publication (not
suppressed, a lower threshold, a failed disclosure audit) say NOT FOR PUBLICATION in their
title, and their data carry the notice column the ``ppr`` tables carry: every label comes from
the :class:`~analysis.records.release.Release` given.

A chart none of whose values is shown draws no empty axis: it is a sentence (a chart without a
figure) whose title says how many cells are hidden, how they are marked and where to look
instead. Each figure is 11 inches wide, as wide as its title needs, and more when its years or
quarters need it for their tick labels.

The charts over time are here; the breakdowns of victims are in ``breakdown`` and the labels
every one of them carries in ``labels``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import charts
from analysis.present.record_charts.labels import (
    HIDDEN_HATCH,
    HIDDEN_REASON,
    all_of,
    finish_record_chart,
    hidden_marks,
    shown_numbers,
    shown_percents,
    shown_text,
)
from analysis.present.record_charts.periods import (
    PERIODS,
    chart_width,
    period_column,
    period_labels,
    period_name,
    positions,
    year_labels,
)
from analysis.records import disclosure, ppr
from analysis.records.release import Release


def clients_by_fiscal_year(
    protected: Mapping[str, pd.DataFrame],
    release: Release,
) -> charts.Chart:
    """Return stacked bars of victims and family members per fiscal year, labelled.

    When no year's clients can be drawn (all hidden), a sentence says so and gives the Total.
    """
    shown = protected["fiscal_year"]
    years = shown[shown["fiscal_year"] != disclosure.TOTAL_LABEL]
    victims, family = shown_numbers(years["victims"]), shown_numbers(years["family_members"])
    clients = shown_numbers(years["clients"])
    split = victims.notna() & family.notna()
    total = shown[shown["fiscal_year"] == disclosure.TOTAL_LABEL].iloc[0]
    if not (split | clients.notna()).any():
        return _years_hidden(shown, years, total, release)
    x = np.arange(len(years))
    with charts.style():
        fig, ax = charts.new_figure(max(11.0, 0.8 * len(years) + 2.0), 4.8)
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
                victim_text = shown_text(years["victims"].iloc[i])
                parts_text = f"{victim_text}\n+ {shown_text(years['family_members'].iloc[i])}"
                ax.text(x[i], heights[i] / 2, parts_text, ha="center", va="center", fontsize=7)
            bottom = np.where(unsplit, heights, bottom)
        for i, value in enumerate(clients):
            text = shown_text(years["clients"].iloc[i]) if np.isnan(value) else f"{int(value):,}"
            ax.text(x[i], bottom[i], text, ha="center", va="bottom", fontweight="bold")
        ax.set_xticks(x, [f"FY{y}" for y in years["fiscal_year"]])
        ax.set_ylabel("Clients (people)")
        ax.set_ylim(0, max(bottom.max(), 1) * 1.4)  # room for the legend above the bars
        charts.thousands(ax, "y")
        ax.legend(loc="upper left", frameon=False, title="bold figure on top: all clients")
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
            f"Over all years, each person counted once: {shown_text(total['clients'])} clients "
            f"({shown_text(total['victims'])} victims, "
            f"{shown_text(total['family_members'])} family members)",
            fontsize=9,
            fontweight="normal",
        )
        prefix = release.chart_title_prefix()
        return finish_record_chart(
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
            release=release,
        )


def _years_hidden(
    shown: pd.DataFrame, years: pd.DataFrame, total: pd.Series, release: Release
) -> charts.Chart:
    """Return the sentence that replaces the fiscal-year chart when no year's count is shown."""
    n = len(years)
    overall = f"; {_in_all(total['clients'], 'clients', 'over all years')}"
    finding = (
        f"no fiscal year's clients can be drawn: the client counts of "
        f"{all_of(n, 'fiscal year', 'fiscal years')} {'is' if n == 1 else 'are'} hidden "
        f"({hidden_marks(years['clients'])}; {HIDDEN_REASON}){overall}"
    )
    prefix = release.chart_title_prefix()
    return finish_record_chart(
        None,
        slug="records-clients-by-fiscal-year",
        title=f"{prefix}{finding}",
        description=(
            f"{prefix}no chart is drawn: {finding}. The table gives each year as it is shown."
        ),
        data=shown,
        release=release,
    )


def _in_all(cell: object, noun: str, scope: str) -> str:
    """Return a Total cell as words: ``386 entries over all quarters``, or that it is hidden."""
    text = shown_text(cell)
    shown = text.replace(",", "").isdigit()
    return f"{text} {noun} {scope}" if shown else f"the total {scope} is hidden too"


def _quarters_hidden(
    shown: pd.DataFrame,
    cells: pd.Series,
    *,
    slug: str,
    what: str,
    reason: str,
    overall: str,
    release: Release,
) -> charts.Chart:
    """Return the sentence that replaces a chart by period when no period's value is shown."""
    n = len(cells)
    word = PERIODS[period_column(shown)][0]
    finding = (
        f"no {word} can be drawn: the {what} of {all_of(n, word, word + 's')} "
        f"{'is' if n == 1 else 'are'} hidden ({hidden_marks(cells)}; {reason}); "
        f"{overall}"
    )
    prefix = release.chart_title_prefix()
    return finish_record_chart(
        None,
        slug=slug,
        title=f"{prefix}{finding}",
        description=(
            f"{prefix}no chart is drawn: {finding}. The table gives each {word} as it is shown."
        ),
        data=shown,
        release=release,
    )


def _no_period_table(protected: Mapping[str, pd.DataFrame], release: Release) -> charts.Chart:
    """Return the sentence that replaces the chart of entries by period when none is published."""
    shown = protected["fiscal_year"]
    total = shown[shown["fiscal_year"] == disclosure.TOTAL_LABEL].iloc[0]
    finding = (
        "no chart by quarter or half-year: per quarter and per half-year most of the counts "
        "would be hidden, so they are published per fiscal year only "
        f"({_in_all(total['entries'], 'entries', 'over all years')}; the fiscal-year table and "
        "chart give each year)"
    )
    prefix = release.chart_title_prefix()
    return finish_record_chart(
        None,
        slug="records-entries-by-quarter",
        title=f"{prefix}{finding}",
        description=f"{prefix}no chart is drawn: {finding}.",
        data=shown,
        release=release,
    )


def entries_by_quarter(
    protected: Mapping[str, pd.DataFrame],
    release: Release,
) -> charts.Chart:
    """Return bars of program entries per fiscal quarter, grouped by fiscal year, labelled.

    The quarters are those published: per half-year when the tables are published so
    (``ppr.grains``), and a sentence pointing to the fiscal years when neither is. When no
    period's count is shown, a sentence says so and points to the yearly counts.
    """
    name = ppr.grains.table_at_grain(protected, "quarter")
    if name is None:
        return _no_period_table(protected, release)
    shown = protected[name]
    column = period_column(shown)
    word = PERIODS[column][0]
    slug = f"records-entries-by-{word.replace(' ', '-')}"
    quarters = shown[shown["fiscal_year"] != disclosure.TOTAL_LABEL].reset_index(drop=True)
    entries = shown_numbers(quarters["entries"])
    if entries.isna().all():
        total = shown[shown["fiscal_year"] == disclosure.TOTAL_LABEL].iloc[0]
        return _quarters_hidden(
            shown,
            quarters["entries"],
            slug=slug,
            what="entry counts",
            overall=(
                f"{_in_all(total['entries'], 'entries', f'over all {word}s')}; "
                "the fiscal-year table gives the entries of each year"
            ),
            reason=HIDDEN_REASON,
            release=release,
        )
    x = positions(quarters)
    with charts.style():
        fig, ax = charts.new_figure(chart_width(quarters), 4.6)
        heights = entries.fillna(0).to_numpy()
        ax.bar(x, heights, width=0.85, color=charts.PALETTE["blue"])
        stub = heights.max() * 0.02  # a hidden count: a hatched stub, not a value
        for i, value in enumerate(entries):
            if np.isnan(value):
                ax.bar(
                    x[i], stub, width=0.85, color="white", hatch=HIDDEN_HATCH, edgecolor=charts.GREY
                )
            text = shown_text(quarters["entries"].iloc[i]) if np.isnan(value) else f"{int(value):,}"
            top = stub if np.isnan(value) else heights[i]
            ax.text(x[i], top, text, ha="center", va="bottom", fontsize=7, rotation=90)
        ax.set_xticks(x, period_labels(quarters), fontsize=7)
        year_labels(ax, quarters, x)
        ax.set_ylabel("Program entries (new and reopened cases)")
        ax.set_ylim(0, max(heights.max(), 1) * 1.15)
        charts.thousands(ax, "y")
        prefix = release.chart_title_prefix()
        best = int(np.nanargmax(entries.to_numpy(dtype=float)))
        peak = period_name(quarters.iloc[best], column)
        most = f"{int(entries.iloc[best]):,} ({peak})"
        if entries.isna().any():
            hidden = int(entries.isna().sum())
            shown_quarters = f"{len(entries) - hidden} of {len(entries)} {word}s shown"
            finding = f"entries per {word}: at most {most}, in the {shown_quarters}"
        else:
            finding = f"program entries per {word} peaked at {most.replace(' (', ' in ')[:-1]}"
        return finish_record_chart(
            fig,
            slug=slug,
            title=f"{prefix}{finding}",
            description=(
                f"{prefix}bars of program entries (new clients and reopened cases) per "
                f"{PERIODS[column][2]} of intake, grouped by fiscal year, each labelled with its "
                "count. "
                "Hidden counts are labelled as the protected table shows them."
            ),
            data=shown,
            release=release,
        )


def matched_within_48h(
    protected: Mapping[str, pd.DataFrame],
    release: Release,
) -> charts.Chart:
    """Return bars of the share of entries matched within 48 hours, per fiscal quarter.

    Per half-year or fiscal year when the table is published so (``ppr.grains``). When no
    period's share is shown, a sentence says so and gives the share over all periods.
    """
    shown = protected[ppr.grains.table_at_grain(protected, "matched_within_48h")]
    word = PERIODS[period_column(shown)][0]
    quarters = shown[shown["fiscal_year"] != disclosure.TOTAL_LABEL].reset_index(drop=True)
    share = shown_percents(quarters["percent_yes"])
    total = shown[shown["fiscal_year"] == disclosure.TOTAL_LABEL].iloc[0]
    overall = shown_percents(pd.Series([total["percent_yes"]])).iloc[0]
    if share.isna().all():
        return _quarters_hidden(
            shown,
            quarters["percent_yes"],
            slug="records-matched-within-48h",
            what="shares of entries matched within 48 hours",
            reason="each is the share of a hidden count",
            overall=(
                f"over all {word}s the share is hidden too"
                if np.isnan(overall)
                else f"over all {word}s, {overall:.1f}% of entries were matched"
            ),
            release=release,
        )
    x = positions(quarters)
    with charts.style():
        fig, ax = charts.new_figure(chart_width(quarters), 4.6)
        heights = share.fillna(0).to_numpy()
        ax.bar(x, heights, width=0.85, color=charts.PALETTE["green"])
        for i, value in enumerate(share):
            if np.isnan(value):
                ax.bar(
                    x[i], 2, width=0.85, color="white", hatch=HIDDEN_HATCH, edgecolor=charts.GREY
                )
                text = shown_text(quarters["percent_yes"].iloc[i]) or "no entries"
            else:
                text = f"{value:.0f}%"
            ax.text(x[i], heights[i] + 1, text, ha="center", va="bottom", fontsize=7, rotation=90)
        ax.set_xticks(x, period_labels(quarters), fontsize=7)
        year_labels(ax, quarters, x)
        ax.set_ylabel("Entries matched within 48 hours (%)")
        ax.set_ylim(0, 118)
        prefix = release.chart_title_prefix()
        finding = (
            f"share of entries matched to a provider within 48 hours, per {word}"
            if np.isnan(overall)
            else f"{overall:.1f}% of entries were matched to a provider within 48 hours"
        )
        return finish_record_chart(
            fig,
            slug="records-matched-within-48h",
            title=f"{prefix}{finding}",
            description=(
                f"{prefix}bars of the percentage of program entries whose answer to 'matched to "
                "a service provider within 48 hours of referral?' is yes, per "
                f"{PERIODS[period_column(shown)][2]} of intake"
                f"{'' if period_column(shown) is None else ', grouped by fiscal year'}; "
                "unknown answers count as not yes. "
                "A hidden percentage is a hatched stub labelled as the table shows it."
            ),
            data=shown,
            release=release,
        )
