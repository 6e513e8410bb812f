from pathlib import Path

import pytest
import yaml

from analysis.errors import DataError
from analysis.published import catalog as catalog_module
from analysis.published.catalog import STATUSES
from tests.conftest import set_figure


def test_every_source_of_the_register_has_an_entry(catalog):
    register = Path(__file__).parents[2] / "shared" / "sources" / "FACTS.md"
    expected = {f"S{n:02d}" for n in range(1, 26)}
    assert expected <= set(catalog.sources.index)
    if register.exists():
        import re

        assert set(re.findall(r"^## (S\d\d) ", register.read_text(), re.M)) <= set(
            catalog.sources.index
        )


def test_every_figure_is_sourced_and_has_an_allowed_status(catalog):
    figures = catalog.figures
    assert len(figures) > 0
    assert set(figures["status"]) <= set(STATUSES)
    for ids in figures["source_id"]:
        assert all(i.strip() in catalog.sources.index for i in ids.split(";"))
    assert figures["quote"].map(bool).all()


def test_derived_figures_are_computed_from_their_inputs(catalog):
    share = catalog.value("s01_victims_share_pct")
    assert share == pytest.approx(catalog.value("s01_victims") / catalog.value("s01_clients") * 100)


def test_derived_figures_follow_a_corrected_input(data_copy):
    set_figure(data_copy, "s01_victims", "7000")
    set_figure(data_copy, "s01_clients", "9487")
    corrected = catalog_module.load(data_copy)
    assert corrected.value("s01_victims_share_pct") == pytest.approx(7000 / 9487 * 100)


def test_environment_variable_selects_the_data_directory(data_copy, monkeypatch):
    set_figure(data_copy, "s01_clients", "9999")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(data_copy))
    assert catalog_module.load().value("s01_clients") == 9999


def _problems(data_dir) -> str:
    with pytest.raises(DataError) as info:
        catalog_module.load(data_dir)
    return info.value.render()


def test_schema_problems_name_file_row_column_and_value(data_copy):
    set_figure(data_copy, "s01_victims", "6,665")
    message = _problems(data_copy)
    assert (
        "published/tvap_fact_sheet.csv, row 3 (s01_victims), column value: '6,665' is not a number"
        in message
    )


def test_unknown_status_and_source_are_reported_together(data_copy):
    path = data_copy / "published" / "tvap_fact_sheet.csv"
    text = path.read_text()
    text = text.replace('S01,"(6,665 victims', 'S99,"(6,665 victims', 1)
    text = text.replace(",published,,\ns01_family", ",official,,\ns01_family", 1)
    path.write_text(text)
    message = _problems(data_copy)
    assert "column source_id: 'S99' is not a known source id (unknown: S99)" in message
    assert "column status: 'official' is not one of published" in message


def test_duplicate_figure_ids_are_reported(data_copy):
    path = data_copy / "published" / "tvap_fact_sheet.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    assert "duplicate figure_id 's01_clients'" in _problems(data_copy)


def test_derived_figure_with_stored_value_or_unknown_input_is_reported(data_copy):
    set_figure(data_copy, "s01_victims_share_pct", "72.8")
    path = data_copy / "published" / "tvap_fact_sheet.csv"
    path.write_text(
        path.read_text().replace("s01_family_members / s01_clients", "s01_kin / s01_clients")
    )
    message = _problems(data_copy)
    assert "column value: 72.8 given for a derived figure" in message
    assert "refers to unknown figure(s) s01_kin" in message


def test_malformed_csv_is_reported_not_raised(data_copy):
    path = data_copy / "published" / "tvap_fact_sheet.csv"
    path.write_text(path.read_text() + 'x,"unterminated\n')
    assert "tvap_fact_sheet.csv" in _problems(data_copy)


def test_source_entries_need_their_fields(data_copy):
    path = data_copy / "sources.yml"
    sources = yaml.safe_load(path.read_text())
    sources[0].pop("publisher")
    sources[1]["kind"] = "tertiary"
    path.write_text(yaml.safe_dump(sources))
    message = _problems(data_copy)
    assert "source 1 (S01): missing publisher" in message
    assert "source 2 (S02), field kind: 'tertiary' is not one of" in message


def test_every_address_is_one_the_register_gives(catalog):
    register = Path(__file__).parents[2] / "shared" / "sources" / "FACTS.md"
    if not register.exists():
        pytest.skip("the register is kept outside the repository")
    text = register.read_text()
    for sid, urls in catalog.sources["addresses"].items():
        for url in urls:
            bare = url.removeprefix("https://").removeprefix("http://")
            assert bare in text, f"{sid}: {url} is not in the register"


def test_every_source_has_an_address_or_says_why_not(catalog):
    for sid, source in catalog.sources.iterrows():
        assert source["addresses"] or source["address_statement"].startswith("none known: "), sid
        assert all(c == "2026-12-02" or len(c) == 10 for c in source["checked"])


def test_seed_page_is_kept_with_its_hash(catalog):
    from analysis.published import sources

    s01 = catalog.source("S01")
    assert s01["raw_path"] and s01["raw_sha256"] == sources.sha256_of(
        catalog.data_dir / s01["raw_path"]
    )
    assert "9,152" in (catalog.data_dir / s01["raw_path"]).read_text(encoding="utf-8")


def _normal_text(text: str) -> str:
    import re

    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text)


def test_every_s01_quote_is_in_the_raw_seed_page(catalog):
    import re

    page = _normal_text((catalog.data_dir / catalog.source("S01")["raw_path"]).read_text("utf-8"))
    figures = catalog.figures
    quoted = figures[(figures["source_id"] == "S01") & (figures["status"] != "derived")]
    assert len(quoted) > 10
    for fid, quote in quoted["quote"].items():
        for part in re.split(r"\.\.\.|\u2026", _normal_text(quote)):
            assert part.strip() in page, f"{fid}: {part.strip()!r} is not on the seed page"


WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 75: "three-quarters"}


def quotes_not_stating_their_value(cat) -> list[str]:
    """Return the figures whose quote states numbers but not the figure's own value."""
    import re

    found = []
    for fid, fig in cat.figures.iterrows():
        quote = str(fig["quote"])
        if fig["status"] == "derived" or "locator:" in quote or quote.startswith("computed"):
            continue
        if not re.search(r"[0-9]", quote) and fig["value"] not in WORDS:
            continue
        value = float(fig["value"])
        forms = {f"{value:,.0f}", f"{value:.0f}", f"{value:g}", f"{value:,.1f}"}
        if str(fig["unit"]).startswith("USD"):
            forms |= {f"{value / 1e6:g} million", f"{value / 1e6:g}-million", f"{value / 1e6:.1f}"}
        pattern = "|".join(rf"(?<![0-9.,]){re.escape(f)}(?![0-9])" for f in forms)
        word = WORDS.get(int(value)) if value.is_integer() else None
        if not (re.search(pattern, quote) or (word and word in quote.lower())):
            found.append(fid)
    return found


def test_every_quote_with_a_number_states_the_figure_value(catalog):
    assert quotes_not_stating_their_value(catalog) == []


def test_a_value_corrected_without_its_quote_is_caught(data_copy):
    set_figure(data_copy, "s01_clients", "9487")
    set_figure(data_copy, "s15_fy2019_contacts", "136991")
    found = quotes_not_stating_their_value(catalog_module.load(data_copy))
    assert sorted(found) == ["s01_clients", "s15_fy2019_contacts"]
