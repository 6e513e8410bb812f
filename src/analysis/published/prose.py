"""Sentences that state figures, written from the catalogue, and the check of typed numbers.

A notebook's narrative states a figure through a template: ``{s01_clients}`` is replaced by the
figure's value, formatted for its unit (``9,152``; ``$4.5 million``; ``72.8 %``), so correcting
``data/`` corrects the sentence. ``{s01_clients:raw}`` gives the plain number, ``:pct0`` a whole
percent, ``:usd`` dollars in full. ``show`` displays the rendered Markdown in a notebook.

``typed_numbers`` finds the numbers typed into a notebook's Markdown cells, outside what is not a
figure (fiscal and calendar years, dates, ids, document numbers, section numbers, code spans);
``unsourced`` returns those that no figure or table value of the catalogue gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analysis.published import checks
from analysis.published.catalog import Catalog

COUNTED_TEXT = ("acf_regions", "cohort")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)(?::([a-z0-9]+))?\}")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Numbers that are not figures: removed before the numbers left are checked against data.
_NOT_FIGURES = [
    re.compile(p)
    for p in (
        r"`[^`]*`",  # code spans: ids, file names, rule names
        r"\]\([^)]*\)",  # link targets
        r"(?m)^#+\s*[0-9]+[a-z]?\s*[·.]",  # section numbers
        r"(?m)^\s*[0-9]+\.\s",  # numbered list items
        r"\b(?:HHS|OMB)-[0-9A-Z-]+\b",  # funding opportunity numbers
        r"\b[0-9]{4}-[0-9]{4}\b",  # OMB control numbers
        r"\b[0-9]+ FR [0-9]+\b|FR Doc [0-9-]+|Serial No\. [0-9-]+",  # Federal Register, hearing
        r"\b93\.598\b",  # the assistance listing
        r"\bFY ?[0-9]{2,4}\b(?:[-–][0-9]{2,4}\b)?|\bCY ?[0-9]{4}\b",  # fiscal and calendar years
        r"\b[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?\b",  # ISO dates and months
        rf"\b[0-9]{{1,2}}\s(?:{_MONTHS})\b|\b(?:{_MONTHS})\s[0-9]{{1,2}}\b",  # day and month
        r"\b(?:19|20)[0-9]{2}\b",  # years
        r"\b[Nn]otebooks? [0-9]{2}\b|\b0[1-9]\b",  # notebook numbers
        r"\bS[0-9]{2}\b|\bSHA-256\b",  # source ids, the hash's name
        r"\b[Ss]ections? [0-9]+[a-z]?\b",  # cross-references
        r"\b[Rr]egions? [0-9](?:[0-9, and]*[0-9])?\b",  # ACF region numbers: names, not counts
        r"\bcohorts? [0-9](?:(?: and |[-–])[0-9])?\b",  # cohort numbers
    )
]
_NUMBER = re.compile(
    r"(?<![\w.])\$?[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?: ?(?:million|%))?(?![0-9A-Za-z])"
)


def fmt(catalog: Catalog, figure_id: str, style: str = "") -> str:
    """Return one figure's value as prose: by its unit, or in ``style`` (raw, pct0, usd, ...)."""
    fig = catalog.figure(figure_id)
    value = float(fig["value"])
    unit = str(fig["unit"])
    if style == "raw":
        return f"{value:.0f}" if value.is_integer() else f"{value:g}"
    if style == "int":
        return f"{value:,.0f}"
    if style == "pct0":
        return f"{value:,.0f} %"
    if style == "pct1" or (not style and unit == "percent"):
        return f"{value:,.0f} %" if value.is_integer() else f"{value:,.1f} %"
    if style == "usd":
        return f"${value:,.0f}"
    if unit.startswith("USD") and not style:
        if abs(value) >= 1e6:
            return f"${value / 1e6:,.1f} million".replace(".0 million", " million")
        return f"${value:,.0f}"
    if style:
        raise ValueError(f"unknown style {style!r} for figure {figure_id}")
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def render(catalog: Catalog, template: str) -> str:
    """Return ``template`` with every ``{figure_id}`` or ``{figure_id:style}`` filled in."""

    def fill(match: re.Match[str]) -> str:
        return fmt(catalog, match.group(1), match.group(2) or "")

    return _PLACEHOLDER.sub(fill, template)


def show(catalog: Catalog, template: str) -> None:
    """Display the rendered template as Markdown in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown(render(catalog, template)))


def markdown_cells(notebook: Path) -> list[str]:
    """Return the source of each Markdown cell of a notebook."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c.get("cell_type") == "markdown"
    ]


def typed_numbers(text: str) -> list[str]:
    """Return the numbers typed in Markdown text, outside years, dates, ids and section numbers."""
    for pattern in _NOT_FIGURES:
        text = pattern.sub(" ", text)
    return [m.group(0).strip() for m in _NUMBER.finditer(text)]


def known_values(catalog: Catalog) -> set[str]:
    """Return every way the catalogue's figures and table values may be written in prose."""
    known: set[str] = set()
    for fid, fig in catalog.figures.iterrows():
        value = float(fig["value"])
        known.add(fmt(catalog, str(fid)))
        known.add(f"{value:,.0f}")
        known.add(f"{value:.0f}")
        known.add(f"{value:,.1f}")
        known.add(f"{value:g}")
        if str(fig["unit"]).startswith("USD"):
            known.add(f"${value / 1e6:g} million")
            known.add(f"${value:,.0f}")
        if fig["unit"] == "percent":
            known |= {f"{value:.0f} %", f"{value:.1f} %", f"{value:.0f}%"}
    for name, schema in catalog.schemas.items():
        if name == "figures":
            continue
        table = catalog.tables[name]
        for column in schema.columns:
            if column.type in ("integer", "number") or column.name in COUNTED_TEXT:
                for value in table[column.name].dropna():
                    known |= set(re.findall(r"[0-9]+", str(value)))
    for rule in checks.load_rules(catalog):
        for key in ("tolerance", "difference", "gap", "expected", "expression"):
            for number in re.findall(r"(?<![\w.])[0-9]+(?:\.[0-9]+)?", str(rule.get(key, ""))):
                known |= {number, f"{number} %"}
    return known


def _normal(number: str) -> str:
    return number.replace(" %", "%").replace("%", " %")


def unsourced(text: str, catalog: Catalog) -> list[str]:
    """Return the numbers typed in ``text`` that no figure or table value of the catalogue gives."""
    known = {_normal(k) for k in known_values(catalog)}
    bare = {k.replace(",", "") for k in known}
    out = []
    for number in typed_numbers(text):
        plain = _normal(number)
        if plain in known:
            continue
        digits = plain.removeprefix("$").removesuffix(" %").removesuffix(" million").strip()
        unitless = not plain.startswith("$") and not plain.endswith(("%", "million"))
        if unitless and digits.replace(",", "") in bare:
            continue
        out.append(number)
    return out
