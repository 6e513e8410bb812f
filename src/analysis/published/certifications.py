"""HHS Certification and Eligibility Letters by fiscal year (S13): gaps, discrepancies, trends.

Every letter count is one figure in ``published/certification_letters.csv`` whose unit is
``certification letters`` or ``eligibility letters`` and whose period is one fiscal year
(``FY2013``). A fiscal year without a figure is not published: it stays a gap and is never
filled in. A year with two figures (FY2001: 195 and 196) keeps both.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis import charts
from analysis.published import checks, context
from analysis.published.catalog import FILE, Catalog

LETTERS_FILE = "published/certification_letters.csv"
FIGURE_FILES = (LETTERS_FILE, "published/certifications_cumulative.csv")
LETTER_TYPES = {
    "certification letters": "Certification letters (adults)",
    "eligibility letters": "Eligibility letters (minors)",
}
COLOURS = {
    "Certification letters (adults)": charts.PALETTE["blue"],
    "Eligibility letters (minors)": charts.PALETTE["orange"],
}
NOT_PUBLISHED = "not published"
DISCREPANCY_RULE = "certifications-fy2001-sources-disagree"
GROWTH_RULE = "certifications-growth-matches-counts"
TRENDS = {
    "Certifications, base year to FY2017": ("s13_certifications_growth_pct", "up"),
    "Certifications based on Continued Presence": ("s13_continued_presence_decrease_pct", "down"),
    "Certifications based on T visas": ("s13_t_visa_average_yearly_increase_pct", "up"),
}
_FISCAL_YEAR = re.compile(r"^FY(\d{4})$")


def letters(catalog: Catalog) -> pd.DataFrame:
    """Return every published letter count: fiscal year, letter type, value, status, source."""
    figures = catalog.figures
    chosen = figures[(figures[FILE] == LETTERS_FILE) & figures["unit"].isin(LETTER_TYPES)]
    rows = []
    for _, fig in chosen.iterrows():
        match = _FISCAL_YEAR.match(str(fig["period"] or ""))
        if match is None:
            continue
        rows.append(
            {
                "fiscal_year": int(match.group(1)),
                "letter_type": LETTER_TYPES[fig["unit"]],
                "letters": int(fig["value"]),
                "status": fig["status"],
                "source": fig["source_id"],
                "figure_id": fig["figure_id"],
                "notes": fig["notes"],
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["fiscal_year", "letter_type"], kind="stable").reset_index(drop=True)


def by_fiscal_year(catalog: Catalog) -> pd.DataFrame:
    """Return one row per fiscal year from the first to the last with letters, gaps included.

    Columns: ``fiscal_year``, ``certification_letters`` and ``eligibility_letters`` (the
    published values, several joined with " / " where sources disagree, or "not published").
    """
    table = letters(catalog)
    years = range(int(table["fiscal_year"].min()), int(table["fiscal_year"].max()) + 1)
    rows = []
    for year in years:
        row: dict[str, object] = {"fiscal_year": f"FY{year}"}
        for unit, label in LETTER_TYPES.items():
            found = table[(table["fiscal_year"] == year) & (table["letter_type"] == label)]
            row[unit.replace(" ", "_")] = (
                " / ".join(_shown(r) for _, r in found.iterrows()) if len(found) else NOT_PUBLISHED
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _shown(row: pd.Series) -> str:
    return context.shown(row["letters"], row["status"])


def missing_years(catalog: Catalog) -> list[int]:
    """Return the fiscal years inside the series for which no letter count is published."""
    table = letters(catalog)
    present = set(table["fiscal_year"])
    first, last = int(table["fiscal_year"].min()), int(table["fiscal_year"].max())
    return [year for year in range(first, last + 1) if year not in present]


def trends(catalog: Catalog) -> pd.DataFrame:
    """Return the fact sheet's trend statements with their period, status and source."""
    rows = []
    for measure, (fid, direction) in TRENDS.items():
        fig = catalog.figure(fid)
        per_year = " a year" if str(fig["unit"]).endswith("a year") else ""
        rows.append(
            {
                "measure": measure,
                "statement": f"{direction} {float(fig['value']):.0f} %{per_year}",
                "direction": direction,
                "percent": round(float(fig["value"]), 1),
                "unit": fig["unit"],
                "period": fig["period"],
                "status": fig["status"],
                "source": fig["source_id"],
                "quote": fig["quote"],
                "figure_id": fid,
            }
        )
    return pd.DataFrame(rows)


def discrepancy(catalog: Catalog) -> checks.Result:
    """Return the recorded FY2001 discrepancy (195 in the fact sheet, 196 on the chart)."""
    return context.rule(catalog, DISCREPANCY_RULE)


def growth_check(catalog: Catalog) -> checks.Result:
    """Return whether the fact sheet's rise to FY2017 matches its counts within rounding."""
    return context.rule(catalog, GROWTH_RULE)


def letters_chart(catalog: Catalog) -> charts.Chart:
    """Return bars of letters by fiscal year, every year on the axis, gaps marked."""
    table = letters(catalog)
    gaps = missing_years(catalog)
    first, last = int(table["fiscal_year"].min()), int(table["fiscal_year"].max())
    top = float(table["letters"].max())
    with charts.style():
        fig, ax = charts.new_figure(11.0, 5.2)
        for year, group in table.groupby("fiscal_year", sort=True):
            width = 0.8 / len(group)
            for n, (_, row) in enumerate(group.iterrows()):
                x = year - 0.4 + width * (n + 0.5)
                ax.bar(
                    x,
                    row["letters"],
                    width=width * 0.92,
                    color=COLOURS[row["letter_type"]],
                    hatch=charts.STATUS_HATCH[row["status"]],
                    edgecolor="white" if row["status"] == "published" else "black",
                    linewidth=0.6,
                )
                ax.text(
                    x,
                    row["letters"] + top * 0.01,
                    _shown(row),
                    ha="center",
                    va="bottom",
                    fontsize=7.5,
                    rotation=90 if len(group) > 1 else 0,
                )
        for year in gaps:
            ax.text(
                year,
                top * 0.02,
                NOT_PUBLISHED,
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=charts.GREY,
                style="italic",
            )
        _annotate_disagreements(ax, table, top)
        ax.set_xticks(range(first, last + 1), [f"FY{y % 100:02d}" for y in range(first, last + 1)])
        ax.set_xlim(first - 0.6, last + 0.6)
        ax.set_ylim(0, top * 1.22)
        ax.set_ylabel("Letters issued in the fiscal year")
        ax.set_xlabel("Federal fiscal year (October-September)")
        charts.thousands(ax, "y")
        ax.legend(handles=_legend_handles(table), loc="upper left", fontsize=8, frameon=False)
        cert = table[table["letter_type"] == LETTER_TYPES["certification letters"]]
        first_cert = cert[cert["fiscal_year"] == cert["fiscal_year"].min()]
        last_cert = cert[cert["fiscal_year"] == cert["fiscal_year"].max()]
        first_text = " or ".join(f"{v:,}" for v in first_cert["letters"])
        n_years = last - first + 1
        title = (
            f"Certification letters rose from {first_text} in FY{first_cert['fiscal_year'].iloc[0]}"
            f" to {last_cert['letters'].iloc[0]:,} in FY{last_cert['fiscal_year'].iloc[0]}; "
            f"{len(gaps)} of {n_years} fiscal years are not published"
        )
        description = (
            f"Bar chart of HHS Certification Letters (adults) and Eligibility Letters (minors) by "
            f"fiscal year, FY{first} to FY{last}. Every fiscal year is on the axis; the "
            f"{len(gaps)} years without a published count are marked 'not published' and left "
            "empty, never interpolated. Where sources disagree both values are drawn side by "
            "side; approximate values are dotted."
        )
        data = table.drop(columns=["notes"])
        return charts.finish(
            catalog,
            fig,
            slug="certification-letters-by-fiscal-year",
            title=title,
            description=description,
            data=data,
            sources=table["source"],
            statuses=table["status"],
            note=f"Not published: {_year_ranges(gaps)}.",
        )


def _annotate_disagreements(ax, table: pd.DataFrame, top: float) -> None:
    """Label each fiscal year where sources give two values for the same letters."""
    for (year, _label), group in table.groupby(["fiscal_year", "letter_type"], sort=True):
        if len(group) < 2:
            continue
        values = " and ".join(f"{v:,}" for v in group["letters"])
        ax.annotate(
            f"FY{year}: {values} published;\nsources disagree, both shown",
            xy=(year, float(group["letters"].max()) + top * 0.1),
            xytext=(year + 0.6, top * 0.8),
            fontsize=8,
            arrowprops={"arrowstyle": "-", "color": charts.GREY, "linewidth": 0.8},
        )


def _legend_handles(table: pd.DataFrame) -> list:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=colour, label=label)
        for label, colour in COLOURS.items()
        if label in set(table["letter_type"])
    ]
    for status in sorted(set(table["status"]) - {"published", "reported", "derived"}):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="black",
                hatch=charts.STATUS_HATCH[status],
                label=f"{status} (source says 'about')" if status == "approximate" else status,
            )
        )
    return handles


def _year_ranges(years: list[int]) -> str:
    """Return fiscal years as compact ranges: FY2007-FY2012, FY2015."""
    if not years:
        return "none"
    spans, start, prev = [], years[0], years[0]
    for year in [*years[1:], None]:
        if year is not None and year == prev + 1:
            prev = year
            continue
        spans.append(f"FY{start}" if start == prev else f"FY{start}-FY{prev}")
        if year is not None:
            start = prev = year
    return ", ".join(spans)


CUMULATIVE = "s21_certified_by_2006_05_22"
CUMULATIVE_SUMS = {
    "Adult letters FY2001-FY2005 (FY2001 = fact sheet)": "s13_fy2001_2005_certifications_sum",
    "Adult letters FY2001-FY2005 (FY2001 = chart)": "s13_fy2001_2005_certifications_sum_chart",
    "Adult letters FY2001-FY2006 (FY2001 = fact sheet)": "s13_fy2001_2006_certifications_sum",
    "Adult letters FY2001-FY2006 (FY2001 = chart)": "s13_fy2001_2006_certifications_sum_chart",
}
CUMULATIVE_RULES = (
    "certified-cumulative-vs-letters-fy2001-2005",
    "certified-cumulative-vs-letters-fy2001-2006",
)


def cumulative_check(catalog: Catalog) -> pd.DataFrame:
    """Return S21's cumulative count beside S13's adult letters added up, and each shortfall."""
    labelled = {"Certified by 2006-05-22 (press release)": CUMULATIVE, **CUMULATIVE_SUMS}
    table = context.figure_table(catalog, labelled)
    table["short_of_cumulative"] = catalog.value(CUMULATIVE) - table["value"]
    table["formula"] = [catalog.figure(f)["formula"] or "" for f in table["figure_id"]]
    return table[["label", "value", "short_of_cumulative", "period", "status", "source", "formula"]]


def cumulative_rules(catalog: Catalog) -> list[checks.Result]:
    """Return the two recorded discrepancies between S21's 1,000 and S13's adult letters."""
    return [context.rule(catalog, rule_id) for rule_id in CUMULATIVE_RULES]
