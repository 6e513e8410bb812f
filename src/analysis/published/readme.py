"""The project README's sentences that state published figures, written from the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.errors import InputError
from analysis.paths import REPO_ROOT
from analysis.published import prose
from analysis.published.catalog import Catalog

README = REPO_ROOT / "README.md"
BEGIN = "<!-- written from data/ by `make package`: {name} -->"
END = "<!-- end of {name} -->"
TEMPLATES = {
    "intro": (
        "TVAP pays, on a per-capita basis, for {s01_case_management_months} months of "
        "comprehensive case management for foreign nationals who have experienced a severe form "
        "of trafficking in persons, through grantees and their networks of local providers. "
        "OTIP's fact sheet (S01) says the {s01_grantees_cohorts_1_2} grantees of the first two "
        "cohorts (FY{s01_cohort_1_first_fiscal_year:raw} and "
        "FY{s01_cohort_2_first_fiscal_year:raw}) served {s01_clients} clients: {s01_victims} "
        "victims and {s01_family_members} qualified family members; in "
        "FY{s01_national_network_first_fiscal_year:raw}, {s01_fy2019_award_organizations} "
        "organization received all {s01_fy2019_regional_awards} regional awards. Those figures "
        "lived in web pages and PDFs; here they are data with a source and a status, checked by "
        "rules, and charted by notebooks you can rerun."
    ),
}


def sections(catalog: Catalog) -> dict[str, str]:
    """Return each written section of the README, by name, filled from ``catalog``."""
    return {name: wrap(prose.render(catalog, text)) for name, text in TEMPLATES.items()}


def wrap(text: str, width: int = 100) -> str:
    """Return ``text`` as lines of at most ``width`` characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def update(text: str, written: dict[str, str]) -> str:
    """Return ``text`` with each written section replaced; raise if a marker is missing."""
    for name, body in written.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise InputError(f"{README.name}: no section marked {begin!r} ... {end!r}")
        text = pattern.sub(lambda _m, b=begin, e=end, t=body: f"{b}\n{t}\n{e}", text)
    return text


def write(catalog: Catalog, path: Path = README) -> Path:
    """Rewrite the written sections of the README at ``path`` from ``catalog``."""
    text = path.read_text(encoding="utf-8")
    path.write_text(update(text, sections(catalog)), encoding="utf-8")
    return path
