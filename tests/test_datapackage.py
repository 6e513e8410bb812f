"""data/datapackage.json: generated from the schema, valid for frictionless, strict on bad data."""

import json
import re

import frictionless
import pytest

from analysis.published import checks, datapackage
from tests.conftest import DATA, set_figure


def _validate(root):
    report = frictionless.validate(str(root / "datapackage.json"))
    return report, report.flatten(["type", "fieldName", "note"])


def test_descriptor_is_what_the_schema_generates(catalog):
    stored = (DATA / "datapackage.json").read_text(encoding="utf-8")
    assert stored == datapackage.render(catalog), (
        "data/datapackage.json is stale: run python -m analysis.datapackage"
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


def test_foreign_keys_reach_figures_and_sources():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    awards = by_name["timeline_awards"]["schema"]["foreignKeys"]
    assert {
        "fields": ["amount_figure_id"],
        "reference": {"resource": "figure_index", "fields": ["figure_id"]},
    } in awards
    cited = {row[2] for row in by_name["source_citations"]["data"][1:]}
    assert {"S19", "S20", "S21", "S22", "S23", "S24", "S25"} <= cited


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_frictionless_rejects_a_non_finite_value(data_copy, bad):
    set_figure(data_copy, "s01_victims", bad)
    report, errors = _validate(data_copy)
    assert not report.valid
    assert any(e[0] == "constraint-error" and e[1] == "value" for e in errors), errors


def test_frictionless_rejects_a_non_iso_date(data_copy):
    path = data_copy / "timeline" / "events.csv"
    path.write_text(path.read_text().replace("2011-06-13,,day", "June 2011,,day", 1))
    report, errors = _validate(data_copy)
    assert any(e[0] == "type-error" and e[1] == "date" for e in errors), errors


def test_frictionless_rejects_a_broken_foreign_key(data_copy):
    path = data_copy / "timeline" / "awards.csv"
    path.write_text(path.read_text().replace("s04_fy2012_awards_usd", "s04_nowhere", 1))
    report, errors = _validate(data_copy)
    assert any(e[0] == "foreign-key" and "s04_nowhere" in e[2] for e in errors), errors


def test_frictionless_notices_a_changed_file(data_copy):
    raw = data_copy / "raw" / "s01_otip_resources_page.txt"
    raw.write_text(raw.read_text() + "\n")
    report, errors = _validate(data_copy)
    assert any(e[0] == "hash-count" for e in errors), errors


def test_update_readme_refuses_a_missing_marker(catalog):
    from analysis.errors import InputError

    with pytest.raises(InputError, match="no section marked"):
        datapackage.update_readme("no markers here", datapackage.readme_sections(catalog))


def test_every_source_field_is_documented_once():
    from analysis.published import sources

    assert tuple(sources.FIELD_DOCS) == sources.FIELDS
