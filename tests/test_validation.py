"""The ``validate`` command, run as a user runs it: on the fixture catalogue, and on data/.

The command's checks and messages are tested on the fixture catalogue through the command
line's ``main`` (the same parser, exit status and messages as ``python -m analysis``); one test
runs the command in a fresh process, and the tests named ``repository`` run it on data/.
"""

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
import yaml

from analysis import cli
from tests.conftest import FIXTURE_DATA, set_figure


@dataclass(frozen=True)
class Run:
    """What one run of the command gave: exit status and the text it wrote."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def validate(capsys):
    """Return a function that runs ``validate`` with some arguments in this process."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = cli.main(["validate", *args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def validate_in_a_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "validate", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


# -- the repository's data ---------------------------------------------------------------------


def test_repository_data_validate():
    result = validate_in_a_process()
    assert result.returncode == 0, result.stderr
    assert "tvap-clients-reconcile" in result.stdout


def test_recorded_discrepancies_are_reported_as_such():
    """Data test: the repository's recorded discrepancies are listed as kept, not failed."""
    result = validate_in_a_process()
    assert result.returncode == 0, result.stderr
    recorded = result.stdout.split("recorded discrepancies and gaps")[1]
    for rule in (
        "certified-cumulative-vs-letters-fy2001-2006",
        "usccb-people-served-sources-disagree",
        "usccb-victims-blog-vs-program-page",
    ):
        assert f"recorded  rule {rule} (discrepancy" in recorded


# -- the command on the fixture catalogue ------------------------------------------------------


def test_fixture_validates_and_lists_every_rule(validate):
    result = validate("--data", str(FIXTURE_DATA))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{FIXTURE_DATA}: schema ok; 9 check(s) hold\n")
    checked, recorded = result.stdout.split("recorded discrepancies and gaps")
    for rule in checks_of(kind_not_in=("discrepancy", "gap")):
        assert f"  ok  rule {rule} (" in checked
    assert recorded.startswith(" (2; kept, shown, not resolved):")
    assert "recorded  rule fy2001-letters-sources-disagree (discrepancy" in recorded
    assert "recorded  rule spending-parts-miss-the-total (gap" in recorded


def checks_of(kind_not_in: tuple[str, ...]) -> list[str]:
    """Return the ids of the fixture's rules of other kinds than ``kind_not_in``."""
    rules = [
        rule
        for path in sorted((FIXTURE_DATA / "checks").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text())["rules"]
    ]
    return [r["id"] for r in rules if r["kind"] not in kind_not_in]


def test_changed_victims_breaks_the_reconciliation_rule(fixture_data_copy, validate):
    set_figure(fixture_data_copy, "s01_served_victims", "95")
    result = validate("--data", str(fixture_data_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "1 of 9 check(s) failed" in result.stderr
    assert "rule served-total-reconciles" in result.stderr
    assert "s01_served_victims = 95 (S01, published)" in result.stderr
    assert "s01_served_family = 30 (S01, published)" in result.stderr
    assert "s01_served_total = 120 (S01, published)" in result.stderr
    assert "difference -5, tolerance 0" in result.stderr


def test_a_broken_rule_exits_2_in_a_fresh_process(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_victims", "95")
    result = validate_in_a_process("--data", str(fixture_data_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "rule served-total-reconciles" in result.stderr


def test_consistent_change_passes(fixture_data_copy, validate):
    set_figure(fixture_data_copy, "s01_served_victims", "95")
    set_figure(fixture_data_copy, "s01_served_total", "125")
    result = validate("--data", str(fixture_data_copy))
    assert result.returncode == 0, result.stderr


def test_environment_variable_is_honoured(fixture_data_copy, validate, monkeypatch):
    set_figure(fixture_data_copy, "s01_served_victims", "95")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(fixture_data_copy))
    result = validate()
    assert result.returncode == 2
    assert f"{fixture_data_copy}: 1 of 9 check(s) failed" in result.stderr


def test_schema_error_exits_2_without_traceback(fixture_data_copy, validate):
    set_figure(fixture_data_copy, "s01_served_victims", "many")
    result = validate("--data", str(fixture_data_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "row 3 (s01_served_victims), column value: 'many' is not a number" in result.stderr


def test_missing_data_directory_exits_2(tmp_path, validate):
    result = validate("--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "data directory not found" in result.stderr


def _edit_sources(data_dir, edit) -> None:
    path = data_dir / "sources.yml"
    entries = yaml.safe_load(path.read_text())
    edit({e["id"]: e for e in entries})
    path.write_text(yaml.safe_dump(entries, sort_keys=False))


@pytest.fixture
def fails_with(validate):
    """Return a function that runs ``validate`` on a directory and checks what it names."""

    def check(data_dir, *expected: str) -> str:
        result = validate("--data", str(data_dir))
        assert result.returncode == 2, result.stdout
        assert "Traceback" not in result.stderr
        for text in expected:
            assert text in result.stderr, result.stderr
        return result.stderr

    return check


def test_source_with_neither_address_nor_statement_fails(fixture_data_copy, fails_with):
    _edit_sources(fixture_data_copy, lambda s: s["S04"].pop("address_statement"))
    fails_with(
        fixture_data_copy,
        "sources.yml, source 4 (S04), field addresses: no address and no address_statement",
        "expected at least one address, or an address_statement beginning 'none known: '",
    )


def test_statement_must_say_none_known(fixture_data_copy, fails_with):
    _edit_sources(fixture_data_copy, lambda s: s["S04"].update(address_statement="see the archive"))
    fails_with(
        fixture_data_copy, "(S04), field address_statement: 'see the archive' does not begin"
    )


def test_statement_beside_an_address_fails(fixture_data_copy, fails_with):
    _edit_sources(fixture_data_copy, lambda s: s["S02"].update(address_statement="none known: x"))
    fails_with(
        fixture_data_copy,
        "(S02), field address_statement: given beside 1 address(es); expected one or the other",
    )


def test_malformed_address_fails(fixture_data_copy, fails_with):
    def two_sites(sources):
        sources["S03"]["addresses"][0]["url"] = "news.example.org/2021; archive.example.org/budget"

    _edit_sources(fixture_data_copy, two_sites)
    fails_with(
        fixture_data_copy,
        "sources.yml, source 3 (S03), field addresses[1].url: "
        "'news.example.org/2021; archive.example.org/budget' is not an address",
        "expected one absolute http(s) URL",
    )


def test_malformed_address_without_host_fails(fixture_data_copy, fails_with):
    _edit_sources(
        fixture_data_copy, lambda s: s["S03"]["addresses"][1].update(url="https://archive example")
    )
    fails_with(
        fixture_data_copy,
        "(S03), field addresses[2].url: 'https://archive example' is not an address",
    )


def test_address_check_date_must_be_iso(fixture_data_copy, fails_with):
    _edit_sources(
        fixture_data_copy, lambda s: s["S02"]["addresses"][0].update(checked="2 Dec 2026")
    )
    fails_with(fixture_data_copy, "(S02), field addresses[1].checked: '2 Dec 2026' is not a date")


def test_non_iso_event_date_fails(fixture_data_copy, fails_with):
    path = fixture_data_copy / "timeline" / "events.csv"
    path.write_text(path.read_text().replace("2011-06-13,,day", "June 2011,,day", 1))
    fails_with(
        fixture_data_copy,
        "timeline/events.csv, row 2 (foa_letters_due), column date: "
        "'June 2011' is not an ISO 8601 date as YYYY-MM-DD",
    )


def test_non_iso_source_date_fails(fixture_data_copy, fails_with):
    _edit_sources(fixture_data_copy, lambda s: s["S03"].update(date_published="June 2021"))
    fails_with(
        fixture_data_copy,
        "source 3 (S03), field date_published: 'June 2021' is not an ISO 8601 date of "
        "precision month (YYYY-MM)",
    )


def test_source_date_must_match_its_precision(fixture_data_copy, fails_with):
    _edit_sources(fixture_data_copy, lambda s: s["S02"].update(date_precision="month"))
    fails_with(
        fixture_data_copy, "(S02), field date_published: '2019-03-15' is not an ISO 8601 date"
    )


def test_undated_source_must_say_its_precision_is_unknown(fixture_data_copy, fails_with):
    _edit_sources(fixture_data_copy, lambda s: s["S01"].update(date_precision="year"))
    _edit_sources(fixture_data_copy, lambda s: s["S04"].update(date_precision="unknown"))
    fails_with(
        fixture_data_copy,
        "(S01), field date_published: empty, but date_precision is 'year'",
        "(S04), field date_precision: 'unknown' for date_published '2020'",
    )


def test_nan_value_fails(fixture_data_copy, fails_with):
    set_figure(fixture_data_copy, "s01_served_victims", "nan")
    fails_with(
        fixture_data_copy,
        "published/program.csv, row 3 (s01_served_victims), column value: 'nan' is not a "
        "finite number",
    )


def test_inf_value_fails(fixture_data_copy, fails_with):
    set_figure(fixture_data_copy, "s02_fy2010_letters", "inf")
    fails_with(fixture_data_copy, "(s02_fy2010_letters), column value: 'inf' is not a finite")


def test_broken_figure_foreign_key_fails(fixture_data_copy, fails_with):
    path = fixture_data_copy / "timeline" / "awards.csv"
    path.write_text(path.read_text().replace("s01_awards_usd", "s01_award", 1))
    fails_with(
        fixture_data_copy,
        "timeline/awards.csv, row 2 (c1_alpha), column amount_figure_id: 's01_award' "
        "is not a figure_id in published/",
    )


def test_broken_source_foreign_key_fails(fixture_data_copy, fails_with):
    path = fixture_data_copy / "lists" / "countries_of_origin.csv"
    path.write_text(path.read_text().replace(",S04,", ",S91,", 1))
    fails_with(
        fixture_data_copy,
        "lists/countries_of_origin.csv, row 2 (report_fy2012/1), column source_id: 'S91' is not "
        "a known source id (unknown: S91)",
    )


def test_changed_raw_copy_fails(fixture_data_copy, fails_with):
    raw = fixture_data_copy / "raw" / "s01_fixture_page.txt"
    raw.write_text(raw.read_text().replace("120 clients", "121 clients"))
    fails_with(fixture_data_copy, "source 1 (S01), field raw.sha256: raw/s01_fixture_page.txt")


def test_changed_discrepancy_is_noticed(fixture_data_copy, fails_with):
    set_figure(fixture_data_copy, "s02_fy2001_letters_chart", "195")
    fails_with(
        fixture_data_copy,
        "rule fy2001-letters-sources-disagree",
        "recorded discrepancy was 1 but the data now differ by 0",
    )


def test_changed_gap_is_noticed(fixture_data_copy, fails_with):
    set_figure(fixture_data_copy, "s03_spending_grants_usd", "400000")
    fails_with(
        fixture_data_copy,
        "rule spending-parts-miss-the-total",
        "recorded gap was 50,000 but total minus parts is now 0",
    )
