"""The ``validate`` command, run as a user runs it."""

import os
import subprocess
import sys

from tests.conftest import set_figure


def validate(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "validate", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_repository_data_validate():
    result = validate()
    assert result.returncode == 0, result.stderr
    assert "tvap-clients-reconcile" in result.stdout


def test_changed_victims_breaks_the_reconciliation_rule(data_copy):
    set_figure(data_copy, "s01_victims", "6700")
    result = validate("--data", str(data_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "rule tvap-clients-reconcile" in result.stderr
    assert "s01_victims = 6,700 (S01, published)" in result.stderr
    assert "s01_family_members = 2,487 (S01, published)" in result.stderr
    assert "s01_clients = 9,152 (S01, published)" in result.stderr


def test_consistent_change_passes(data_copy):
    set_figure(data_copy, "s01_victims", "6700")
    set_figure(data_copy, "s01_clients", "9187")
    result = validate("--data", str(data_copy))
    assert result.returncode == 0, result.stderr


def test_environment_variable_is_honoured(data_copy):
    set_figure(data_copy, "s01_victims", "6700")
    assert validate(env={"ANALYSIS_DATA_DIR": str(data_copy)}).returncode == 2


def test_schema_error_exits_2_without_traceback(data_copy):
    set_figure(data_copy, "s01_victims", "many")
    result = validate("--data", str(data_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "row 3 (s01_victims), column value: 'many' is not a number" in result.stderr


def test_missing_data_directory_exits_2(tmp_path):
    result = validate("--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "data directory not found" in result.stderr


def _edit_sources(data_copy, edit) -> None:
    import yaml

    path = data_copy / "sources.yml"
    entries = yaml.safe_load(path.read_text())
    edit({e["id"]: e for e in entries})
    path.write_text(yaml.safe_dump(entries, sort_keys=False))


def _fails_with(data_copy, *expected: str) -> str:
    result = validate("--data", str(data_copy))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    return result.stderr


def test_source_with_neither_address_nor_statement_fails(data_copy):
    _edit_sources(data_copy, lambda s: s["S03"].pop("address_statement"))
    _fails_with(
        data_copy,
        "sources.yml, source 3 (S03), field addresses: no address and no address_statement",
        "expected at least one address, or an address_statement beginning 'none known: '",
    )


def test_statement_must_say_none_known(data_copy):
    _edit_sources(data_copy, lambda s: s["S03"].update(address_statement="see the archive"))
    _fails_with(data_copy, "(S03), field address_statement: 'see the archive' does not begin")


def test_malformed_address_fails(data_copy):
    def two_sites(sources):
        sources["S14"]["addresses"][0]["url"] = (
            "acf.hhs.gov/otip/news/fy19budget; acf.gov/otip/about-us/budget-reports"
        )

    _edit_sources(data_copy, two_sites)
    _fails_with(
        data_copy,
        "sources.yml, source 14 (S14), field addresses[1].url: "
        "'acf.hhs.gov/otip/news/fy19budget; acf.gov/otip/about-us/budget-reports' is not an "
        "address",
        "expected one absolute http(s) URL",
    )


def test_malformed_address_without_host_fails(data_copy):
    _edit_sources(data_copy, lambda s: s["S02"]["addresses"][0].update(url="https://fpi omb"))
    _fails_with(data_copy, "(S02), field addresses[1].url: 'https://fpi omb' is not an address")


def test_address_check_date_must_be_iso(data_copy):
    _edit_sources(data_copy, lambda s: s["S02"]["addresses"][0].update(checked="2 Dec 2026"))
    _fails_with(data_copy, "(S02), field addresses[1].checked: '2 Dec 2026' is not a date")


def test_non_iso_event_date_fails(data_copy):
    path = data_copy / "timeline" / "events.csv"
    path.write_text(path.read_text().replace("2011-06-13,,day", "June 2011,,day", 1))
    _fails_with(
        data_copy,
        "timeline/events.csv, row 3 (foa_2011_letters_of_intent_due), column date: "
        "'June 2011' is not an ISO 8601 date as YYYY-MM-DD",
    )


def test_non_iso_source_date_fails(data_copy):
    _edit_sources(data_copy, lambda s: s["S04"].update(date_published="November 2011"))
    _fails_with(
        data_copy,
        "source 4 (S04), field date_published: 'November 2011' is not an ISO 8601 date of "
        "precision month (YYYY-MM)",
    )


def test_source_date_must_match_its_precision(data_copy):
    _edit_sources(data_copy, lambda s: s["S05"].update(date_precision="month"))
    _fails_with(data_copy, "(S05), field date_published: '2006-04-19' is not an ISO 8601 date")


def test_nan_value_fails(data_copy):
    set_figure(data_copy, "s01_victims", "nan")
    _fails_with(
        data_copy,
        "published/tvap_fact_sheet.csv, row 3 (s01_victims), column value: 'nan' is not a "
        "finite number",
    )


def test_inf_value_fails(data_copy):
    set_figure(data_copy, "s13_fy2002_certifications", "inf")
    _fails_with(data_copy, "(s13_fy2002_certifications), column value: 'inf' is not a finite")


def test_broken_figure_foreign_key_fails(data_copy):
    path = data_copy / "timeline" / "awards.csv"
    path.write_text(path.read_text().replace("s04_fy2012_awards_usd", "s04_fy2012_award", 1))
    _fails_with(
        data_copy,
        "timeline/awards.csv, row 3 (c1_heartland), column amount_figure_id: 's04_fy2012_award' "
        "is not a figure_id in published/",
    )


def test_broken_source_foreign_key_fails(data_copy):
    path = data_copy / "lists" / "countries_of_origin.csv"
    path.write_text(path.read_text().replace(",S19,", ",S91,", 1))
    _fails_with(data_copy, "column source_id: 'S91' is not a known source id (unknown: S91)")


def test_changed_raw_copy_fails(data_copy):
    raw = data_copy / "raw" / "s01_otip_resources_page.txt"
    raw.write_text(raw.read_text().replace("9,152", "9,153"))
    _fails_with(data_copy, "source 1 (S01), field raw.sha256: raw/s01_otip_resources_page.txt")


def test_recorded_discrepancies_are_reported_as_such():
    result = validate()
    assert result.returncode == 0, result.stderr
    recorded = result.stdout.split("recorded discrepancies and gaps")[1]
    for rule in (
        "certified-cumulative-vs-letters-fy2001-2006",
        "usccb-people-served-sources-disagree",
        "usccb-victims-blog-vs-program-page",
    ):
        assert f"recorded  rule {rule} (discrepancy" in recorded


def test_changed_discrepancy_is_noticed(data_copy):
    set_figure(data_copy, "s20_usccb_family_members_served", "560")
    _fails_with(
        data_copy,
        "rule usccb-people-served-sources-disagree",
        "recorded discrepancy was 48 but the data now differ by 0",
    )
