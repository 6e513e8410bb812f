"""datapackage.json: generated from the schema, valid for frictionless, strict on bad data.

The generation and frictionless's checks of bad data run on the fixture catalogue; the first
tests check that the repository's own data/datapackage.json and data/README.md are current.
"""

import json
import re

import frictionless
import pytest

from analysis.published import catalog as catalog_module
from analysis.published import checks, datapackage, sources
from tests.conftest import DATA, FIXTURE_DATA, set_figure


def _validate(root):
    report = frictionless.validate(str(root / "datapackage.json"))
    return report, report.flatten(["type", "fieldName", "note"])


def _packaged(root):
    """Write the descriptor of the data directory ``root`` as it is now; return ``root``."""
    descriptor = datapackage.render(catalog_module.load(root))
    (root / "datapackage.json").write_text(descriptor, encoding="utf-8")
    return root


def test_descriptor_is_what_the_schema_generates(catalog):
    stored = (DATA / "datapackage.json").read_text(encoding="utf-8")
    assert stored == datapackage.render(catalog), (
        "data/datapackage.json is stale: run python -m analysis package"
    )


def test_readme_tables_are_what_the_schema_generates(catalog):
    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert datapackage.update_readme(text, datapackage.readme_sections(catalog)) == text


def test_readme_lists_every_rule_kind_the_library_checks():
    assert set(checks.KIND_DOCS) == set(checks.KINDS)
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for kind in checks.KINDS:
        assert f"| `{kind}` |" in text
    assert "`aggregate`" in text


def test_readme_lists_every_column_of_every_schema(catalog):
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for schema in catalog.schemas.values():
        for column in schema.columns:
            assert f"| `{column.name}` | {column.type}" in text, (schema.name, column.name)


def test_frictionless_validates_the_package():
    report, errors = _validate(DATA)
    assert report.valid, errors


def test_package_is_local_and_covers_every_file(catalog):
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in descriptor["resources"] if "path" in r}
    assert not any(re.match(r"^[a-z]+://", p) for p in paths)
    on_disk = {
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*.csv")
        if not p.relative_to(DATA).as_posix().startswith("checks/")
    }
    assert on_disk <= paths
    assert "raw/s01_otip_resources_page.txt" in paths


def test_repository_package_cites_every_source_of_the_second_pass():
    """Data test: data/datapackage.json carries the foreign keys of the repository's tables."""
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    awards = by_name["timeline_awards"]["schema"]["foreignKeys"]
    assert {
        "fields": ["amount_figure_id"],
        "reference": {"resource": "figure_index", "fields": ["figure_id"]},
    } in awards
    cited = {row[2] for row in by_name["source_citations"]["data"][1:]}
    assert {"S19", "S20", "S21", "S22", "S23", "S24", "S25"} <= cited


def test_the_generated_package_validates_and_covers_every_file(fixture_data_copy):
    report, errors = _validate(_packaged(fixture_data_copy))
    assert report.valid, errors
    descriptor = json.loads((fixture_data_copy / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in descriptor["resources"] if "path" in r}
    on_disk = {
        p.relative_to(fixture_data_copy).as_posix()
        for p in fixture_data_copy.rglob("*.csv")
        if not p.relative_to(fixture_data_copy).as_posix().startswith("checks/")
    }
    assert paths == on_disk | {"raw/s01_fixture_page.txt"}
    assert not any(re.match(r"^[a-z]+://", p) for p in paths)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert by_name["published_letters"]["hash"] == (
        "sha256:" + sources.sha256_of(fixture_data_copy / "published" / "letters.csv")
    )
    assert by_name["published_program"]["schema"]["primaryKey"] == ["figure_id"]
    assert by_name["lists_countries_of_origin"]["schema"]["primaryKey"] == ["list_id", "rank"]


def test_foreign_keys_reach_figures_and_sources(fixture_catalog):
    descriptor = datapackage.descriptor(fixture_catalog)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    to_figures = {"resource": "figure_index", "fields": ["figure_id"]}
    assert by_name["timeline_awards"]["schema"]["foreignKeys"] == [
        {"fields": ["amount_figure_id"], "reference": to_figures}
    ]
    assert by_name["timeline_events"]["schema"]["foreignKeys"] == [
        {"fields": ["amount_figure_id"], "reference": to_figures},
        {"fields": ["count_figure_id"], "reference": to_figures},
    ]
    index = by_name["figure_index"]["data"]
    assert index[0] == ["figure_id", "resource"]
    assert sorted(row[0] for row in index[1:]) == sorted(fixture_catalog.figures["figure_id"])
    citations = by_name["source_citations"]["data"][1:]
    assert {row[2] for row in citations} == {"S01", "S02", "S03", "S04"}
    # a cell citing two sources is one row per source
    assert ["published_program", "s01_awards_usd", "S01"] in citations
    assert ["published_program", "s01_awards_usd", "S03"] in citations
    addresses = by_name["source_addresses"]["data"][1:]
    assert [row[:2] for row in addresses] == [["S02", 1], ["S03", 1], ["S03", 2]]


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_frictionless_rejects_a_non_finite_value(fixture_data_copy, bad):
    _packaged(fixture_data_copy)
    set_figure(fixture_data_copy, "s01_served_victims", bad)
    report, errors = _validate(fixture_data_copy)
    assert not report.valid
    assert any(e[0] == "constraint-error" and e[1] == "value" for e in errors), errors


def test_frictionless_rejects_a_non_iso_date(fixture_data_copy):
    _packaged(fixture_data_copy)
    path = fixture_data_copy / "timeline" / "events.csv"
    path.write_text(path.read_text().replace("2011-06-13,,day", "June 2011,,day", 1))
    report, errors = _validate(fixture_data_copy)
    assert any(e[0] == "type-error" and e[1] == "date" for e in errors), errors


def test_frictionless_rejects_a_broken_foreign_key(fixture_data_copy):
    _packaged(fixture_data_copy)
    path = fixture_data_copy / "timeline" / "awards.csv"
    path.write_text(path.read_text().replace("s01_awards_usd", "s01_nowhere", 1))
    report, errors = _validate(fixture_data_copy)
    assert any(e[0] == "foreign-key" and "s01_nowhere" in e[2] for e in errors), errors


def test_frictionless_rejects_an_unknown_source(fixture_data_copy):
    _packaged(fixture_data_copy)
    path = fixture_data_copy / "lists" / "countries_of_origin.csv"
    path.write_text(path.read_text().replace(",S04,", ",S4,", 1))
    report, errors = _validate(fixture_data_copy)
    assert any(e[0] == "constraint-error" and e[1] == "source_id" for e in errors), errors


def test_frictionless_notices_a_changed_file(fixture_data_copy):
    _packaged(fixture_data_copy)
    raw = fixture_data_copy / "raw" / "s01_fixture_page.txt"
    raw.write_text(raw.read_text() + "\n")
    report, errors = _validate(fixture_data_copy)
    assert any(e[0] == "hash-count" for e in errors), errors


def test_write_regenerates_the_descriptor_and_the_readme_tables(fixture_data_copy):
    written = datapackage.write(fixture_data_copy)
    assert written == [fixture_data_copy / "datapackage.json", fixture_data_copy / "README.md"]
    cat = catalog_module.load(fixture_data_copy)
    assert (fixture_data_copy / "datapackage.json").read_text(encoding="utf-8") == (
        datapackage.render(cat)
    )
    readme = (fixture_data_copy / "README.md").read_text(encoding="utf-8")
    for body in datapackage.readme_sections(cat).values():
        assert body in readme
    assert datapackage.update_readme(readme, datapackage.readme_sections(cat)) == readme
    assert "| `s01_served_total`" not in readme  # tables describe columns, not rows
    assert "Key: `list_id`, `rank`. Files: `lists/countries_of_origin.csv`." in readme
    assert (FIXTURE_DATA / "README.md").read_text(encoding="utf-8") != readme


def test_update_readme_refuses_a_missing_marker(fixture_catalog):
    from analysis.errors import InputError

    with pytest.raises(InputError, match="no section marked"):
        datapackage.update_readme("no markers here", datapackage.readme_sections(fixture_catalog))


def test_every_source_field_is_documented_once():
    assert tuple(sources.FIELD_DOCS) == sources.FIELDS
