from pathlib import Path

import pytest
import yaml

from analysis.errors import DataError
from analysis.published import catalog as catalog_module
from analysis.published.catalog import STATUSES
from tests.conftest import DATA, FIXTURE_DATA, set_field, set_figure


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


def test_derived_figures_are_computed_from_their_inputs(fixture_catalog):
    share = fixture_catalog.value("s01_served_victims_share_pct")
    victims, total = (
        fixture_catalog.value("s01_served_victims"),
        fixture_catalog.value("s01_served_total"),
    )
    assert share == pytest.approx(victims / total * 100)
    assert fixture_catalog.figure("s01_served_victims_share_pct")["status"] == "derived"


def test_a_figure_derived_from_a_derived_figure_is_computed(fixture_catalog):
    parts = fixture_catalog.value("s03_spending_staff_usd") + fixture_catalog.value(
        "s03_spending_grants_usd"
    )
    assert fixture_catalog.value("s03_spending_parts_usd") == parts
    assert fixture_catalog.value("s03_spending_unexplained_usd") == (
        fixture_catalog.value("s03_spending_usd") - parts
    )


def test_derived_figures_follow_a_corrected_input(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_victims", "100")
    set_figure(fixture_data_copy, "s01_served_total", "130")
    set_figure(fixture_data_copy, "s03_spending_grants_usd", "390000")
    corrected = catalog_module.load(fixture_data_copy)
    assert corrected.value("s01_served_victims_share_pct") == pytest.approx(100 / 130 * 100)
    assert corrected.value("s03_spending_unexplained_usd") == 1_000_000 - 600_000 - 390_000


def test_a_cycle_of_derived_figures_is_a_data_error(fixture_data_copy):
    set_field(
        fixture_data_copy, "s03_spending_parts_usd", "formula", "s03_spending_unexplained_usd"
    )
    with pytest.raises(DataError, match="refer to each other in a cycle"):
        catalog_module.load(fixture_data_copy)


def test_environment_variable_selects_the_data_directory(fixture_data_copy, monkeypatch):
    set_figure(fixture_data_copy, "s01_served_total", "9999")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(fixture_data_copy))
    assert catalog_module.load().value("s01_served_total") == 9999


def test_fixture_follows_the_repository_schema():
    """The fixture catalogue has data/'s tables, files, keys and column types."""

    def shape(root):
        specs = [yaml.safe_load(p.read_text()) for p in sorted((root / "schema").glob("*.yml"))]
        return {
            s["table"]: (
                s["files"],
                s.get("key"),
                {
                    n: (c.get("type"), c.get("required"), c.get("values"))
                    for n, c in s["columns"].items()
                },
            )
            for s in specs
        }

    assert shape(FIXTURE_DATA) == shape(DATA)


def test_fixture_loads_with_every_status_and_several_files(fixture_catalog):
    figures = fixture_catalog.figures
    assert set(figures["status"]) == set(STATUSES)
    assert figures["_file"].nunique() == len(list((FIXTURE_DATA / "published").glob("*.csv"))) > 1
    assert set(fixture_catalog.tables) == set(fixture_catalog.schemas)
    assert all(len(fixture_catalog.table(name)) > 0 for name in fixture_catalog.tables)


def test_an_unknown_figure_is_a_key_error_naming_the_directory(fixture_catalog):
    with pytest.raises(KeyError, match=r"no figure 's01_nowhere' in .*catalog"):
        fixture_catalog.value("s01_nowhere")


def test_cite_names_each_source_once(fixture_catalog):
    assert fixture_catalog.cite("S01;S03;S01") == (
        "S01 Fixture Program Office, Fixture fact sheet; S03 Fixture Newsletter, Fixture newsletter"
    )


def _problems(data_dir) -> str:
    with pytest.raises(DataError) as info:
        catalog_module.load(data_dir)
    return info.value.render()


def test_schema_problems_name_file_row_column_and_value(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_victims", "1,090")
    message = _problems(fixture_data_copy)
    assert (
        "published/program.csv, row 3 (s01_served_victims), column value: '1,090' is not a number"
        in message
    )


def test_unknown_status_and_source_are_reported_together(fixture_data_copy):
    set_field(fixture_data_copy, "s01_served_victims", "source_id", "S99")
    set_field(fixture_data_copy, "s01_served_family", "status", "official")
    message = _problems(fixture_data_copy)
    assert (
        "published/program.csv, row 3 (s01_served_victims), column source_id: 'S99' is not a "
        "known source id (unknown: S99)" in message
    )
    assert (
        "published/program.csv, row 4 (s01_served_family), column status: 'official' is not one "
        "of published" in message
    )


def test_duplicate_figure_ids_are_reported(fixture_data_copy):
    path = fixture_data_copy / "published" / "program.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    assert (
        "duplicate figure_id 's01_served_total' at published/program.csv row 2, "
        "published/program.csv row 9" in _problems(fixture_data_copy)
    )


def test_a_figure_id_repeated_in_another_file_is_a_duplicate(fixture_data_copy):
    path = fixture_data_copy / "published" / "letters.csv"
    row = (fixture_data_copy / "published" / "program.csv").read_text().splitlines()[1]
    path.write_text(path.read_text() + row + "\n")
    assert "duplicate figure_id 's01_served_total' at published/letters.csv row 6" in (
        _problems(fixture_data_copy)
    )


def test_derived_figure_with_stored_value_or_unknown_input_is_reported(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_victims_share_pct", "75.0")
    set_field(
        fixture_data_copy,
        "s03_spending_parts_usd",
        "formula",
        "s03_spending_staff_usd + s03_kin",
    )
    message = _problems(fixture_data_copy)
    assert "published/program.csv, row 5, column value: 75.0 given for a derived figure" in message
    assert "refers to unknown figure(s) s03_kin" in message


def test_derived_figure_without_formula_and_published_with_one_are_reported(fixture_data_copy):
    set_field(fixture_data_copy, "s01_served_victims_share_pct", "formula", "")
    set_field(fixture_data_copy, "s01_served_total", "formula", "s01_served_victims + 30")
    message = _problems(fixture_data_copy)
    assert "row 5, column formula: a derived figure needs its formula" in message
    assert "row 2, column formula: only derived figures have a formula" in message


def test_malformed_csv_is_reported_not_raised(fixture_data_copy):
    path = fixture_data_copy / "published" / "program.csv"
    path.write_text(path.read_text() + 'x,"unterminated\n')
    assert "program.csv: not a well-formed CSV table" in _problems(fixture_data_copy)


def test_missing_and_unknown_columns_are_reported(fixture_data_copy):
    path = fixture_data_copy / "published" / "letters.csv"
    path.write_text(path.read_text().replace(",notes\n", ",remarks\n", 1))
    message = _problems(fixture_data_copy)
    assert "published/letters.csv: missing column(s) notes" in message
    assert "published/letters.csv: unknown column(s) remarks" in message


def test_source_entries_need_their_fields(fixture_data_copy):
    path = fixture_data_copy / "sources.yml"
    sources = yaml.safe_load(path.read_text())
    sources[0].pop("publisher")
    sources[1]["kind"] = "tertiary"
    path.write_text(yaml.safe_dump(sources))
    message = _problems(fixture_data_copy)
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


def test_the_fixture_quotes_state_their_values(fixture_catalog):
    assert quotes_not_stating_their_value(fixture_catalog) == []


def test_a_value_corrected_without_its_quote_is_caught(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_total", "121")
    set_figure(fixture_data_copy, "s02_fy2010_letters", "447")
    found = quotes_not_stating_their_value(catalog_module.load(fixture_data_copy))
    assert sorted(found) == ["s01_served_total", "s02_fy2010_letters"]


def test_the_seed_page_check_follows_the_raw_copy(fixture_catalog):
    from analysis.published import sources

    s01 = fixture_catalog.source("S01")
    assert s01["raw_sha256"] == sources.sha256_of(fixture_catalog.data_dir / s01["raw_path"])
