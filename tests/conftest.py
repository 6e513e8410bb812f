"""Shared fixtures: the repository's data and the fixture catalogue, private copies of either,
one report build, the quick lane."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.paths import REPO_ROOT
from analysis.published import catalog as catalog_module

DATA = REPO_ROOT / "data"
# A small, hand-made catalogue with the layout of data/, for the tests of the code (see its README).
FIXTURE_DATA = REPO_ROOT / "tests" / "fixtures" / "catalog"
REPORT_TIMEOUT_S = 1200


@pytest.fixture(scope="session")
def catalog() -> catalog_module.Catalog:
    """The repository's data, loaded once: for the tests of the data themselves."""
    return catalog_module.load(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ that a test of the data may edit freely."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def fixture_catalog() -> catalog_module.Catalog:
    """The fixture catalogue (tests/fixtures/catalog), loaded once; tests must not edit it."""
    return catalog_module.load(FIXTURE_DATA)


@pytest.fixture
def fixture_data_copy(tmp_path: Path) -> Path:
    """A copy of the fixture catalogue that a test may edit freely."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


def set_figure(data_dir: Path, figure_id: str, value: str) -> None:
    """Replace one figure's value in whichever published CSV holds it."""
    set_field(data_dir, figure_id, "value", value)


def set_field(data_dir: Path, figure_id: str, column: str, value: str) -> None:
    """Replace one cell of a figure's row in whichever published CSV holds it."""
    import pandas as pd

    for path in sorted((data_dir / "published").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if figure_id in set(frame["figure_id"]):
            frame.loc[frame["figure_id"] == figure_id, column] = value
            frame.to_csv(path, index=False)
            return
    raise KeyError(figure_id)


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Return each file under ``root``: its SHA-256 and modification time."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _build_report(out: Path) -> dict:
    """Run ``python -m analysis report --out out``; return what ``report_build`` describes."""
    notebooks_before = snapshot(REPO_ROOT / "notebooks")
    env = {k: v for k, v in os.environ.items() if k != "ANALYSIS_CHART_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--out", str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=REPORT_TIMEOUT_S,
    )
    if result.returncode != 0:
        return {"error": f"python -m analysis report failed:\n{result.stderr}"}
    return {
        "out": str(out),
        "first": [str(p) for p in sorted(p for p in out.rglob("*") if p.is_file())],
        "after_first": snapshot(out),
        "notebooks_before": notebooks_before,
        "stderr": result.stderr,
    }


def _report_of(record: dict) -> dict:
    """Turn a recorded build (paths as text, snapshots as lists) back into the fixture's value."""
    assert "error" not in record, record.get("error")
    return {
        "out": Path(record["out"]),
        "first": [Path(p) for p in record["first"]],
        "after_first": {k: tuple(v) for k, v in record["after_first"].items()},
        "notebooks_before": {k: tuple(v) for k, v in record["notebooks_before"].items()},
        "stderr": record.get("stderr", ""),
    }


@pytest.fixture(scope="session")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The report of every notebook, built once per test run by ``python -m analysis report``
    for every test that reads it.

    Run in parallel (``make test``), the workers share one build: the first to need it builds
    it under the run's temporary directory while holding a lock; the others wait, then read
    its record. Tests must not change the directory; they may copy it.

    ``out`` is the directory; ``first`` the files the build wrote (all of ``out``: it was new);
    ``after_first`` a snapshot of ``out`` and ``notebooks_before`` one of ``notebooks/``.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return _report_of(_build_report(tmp_path_factory.mktemp("reports")))
    shared = tmp_path_factory.getbasetemp().parent  # one directory for the whole run
    record = shared / "report-build.json"
    with (shared / "report-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not record.is_file():
            built = _build_report(shared / "reports")
            record.write_text(json.dumps(built), encoding="utf-8")
    return _report_of(json.loads(record.read_text(encoding="utf-8")))


# --- the quick lane: `make check` runs `pytest -m quick`, every test not marked slow ------------

# Tests that took 0.4 s or more each (setup, call and teardown; pytest --durations on this
# two-core machine, measured 2026-12-02 on an idle machine), so that the
# quick lane stays under a minute; `make test` runs them all. A test may also be marked slow
# where it is defined (@pytest.mark.slow, or pytestmark for a whole module). A parametrized
# test is listed by its function: all its cases are slow.
SLOW = frozenset({
    "tests/test_audit.py::test_a_shown_small_count_and_a_lone_hidden_cell_fail",
    "tests/test_audit.py::test_audit_command_fails_unsuppressed_output",
    "tests/test_audit.py::test_audit_command_passes_ppr_output_and_fails_the_weakened_one",
    "tests/test_audit.py::test_audit_command_refuses_what_is_not_a_ppr_output",
    "tests/test_audit.py::test_the_audit_catches_the_equalities_only_suppression",
    "tests/test_breakdowns.py::test_breakdowns_are_protected",
    "tests/test_breakdowns.py::test_rare_free_text_never_appears",
    "tests/test_catalog.py::test_every_source_of_the_register_has_an_entry",
    "tests/test_catalog.py::test_unknown_status_and_source_are_reported_together",
    "tests/test_certifications.py::test_fy2001_discrepancy_is_recorded_and_rechecked",
    "tests/test_certifications.py::test_growth_rule_accepts_only_the_rounded_percentage",
    "tests/test_certifications.py::test_removed_year_shows_as_not_published",
    "tests/test_charts.py::test_a_chart_shown_again_keeps_its_name_and_place",
    "tests/test_charts.py::test_chart_files_carry_title_and_description",
    "tests/test_charts.py::test_chart_has_words_and_provenance",
    "tests/test_charts.py::test_chart_matches_its_svg_baseline",
    "tests/test_charts.py::test_different_charts_with_one_slug_are_all_kept",
    "tests/test_charts.py::test_each_run_numbers_its_own_charts",
    "tests/test_charts.py::test_render_does_not_depend_on_the_caller_style",
    "tests/test_charts.py::test_rendering_does_not_depend_on_what_was_rendered_before",
    "tests/test_charts.py::test_save_writes_files_only_when_content_differs",
    "tests/test_charts.py::test_show_exports_chart_and_sidecar_when_asked",
    "tests/test_charts.py::test_show_exports_into_a_run_it_is_given",
    "tests/test_charts.py::test_showing_the_same_chart_again_exports_it_once",
    "tests/test_checks.py::test_aggregate_compares_a_column_with_a_figure",
    "tests/test_clients.py::test_reconciliation_reports_a_broken_total",
    "tests/test_context.py::test_check_text_says_whether_the_rule_holds",
    "tests/test_context.py::test_doj_age_rule_fails_when_shares_do_not_make_100",
    "tests/test_context.py::test_fy2019_request_rule_fails_when_a_part_changes",
    "tests/test_context.py::test_fy2024_gap_rule_notices_a_changed_category",
    "tests/test_context.py::test_scale_chart_follows_a_corrected_figure",
    "tests/test_context.py::test_training_chart_title_follows_the_data",
    "tests/test_datapackage.py::test_frictionless_notices_a_changed_file",
    "tests/test_datapackage.py::test_frictionless_rejects_a_broken_foreign_key",
    "tests/test_datapackage.py::test_frictionless_rejects_a_non_finite_value",
    "tests/test_datapackage.py::test_frictionless_rejects_a_non_iso_date",
    "tests/test_datapackage.py::test_frictionless_rejects_an_unknown_source",
    "tests/test_datapackage.py::test_frictionless_validates_the_package",
    "tests/test_datapackage.py::test_the_generated_package_validates_and_covers_every_file",
    "tests/test_datapackage.py::test_write_regenerates_the_descriptor_and_the_readme_tables",
    "tests/test_disclosure.py::test_properties_of_suppression",
    "tests/test_disclosure.py::test_protect_is_a_deterministic_idempotent_fixed_point",
    "tests/test_exports.py::test_a_cell_of_several_megabytes_is_read",
    "tests/test_exports.py::test_a_count_at_the_limit_is_read_and_totals_stay_exact",
    "tests/test_exports.py::test_a_directory_a_fifo_and_a_device_are_named_for_what_they_are",
    "tests/test_exports.py::test_a_fifo_never_hangs_in_a_fresh_process",
    "tests/test_exports.py::test_a_lower_threshold_is_not_for_publication",
    "tests/test_exports.py::test_both_bad_files_are_listed_in_one_run",
    "tests/test_exports.py::test_file_names_that_are_not_utf8_are_read_and_named",
    "tests/test_exports.py::test_names_too_long_are_messages",
    "tests/test_exports.py::test_names_typed_on_a_mac_and_on_windows_are_one_person",
    "tests/test_exports.py::test_ppr_outputs_neutralize_formulas_and_keep_numbers",
    "tests/test_exports.py::test_symbolic_link_loops_and_odd_paths_are_messages",
    "tests/test_exports.py::test_text_dates_that_are_not_iso_need_an_explicit_format",
    "tests/test_exports.py::test_the_data_sheet_is_found_behind_an_instructions_sheet",
    "tests/test_figure_catalogue.py::test_catalogue_grows_with_a_new_file",
    "tests/test_fiscal.py::test_series_agrees_with_scalars",
    "tests/test_indicators.py::test_counts_match_a_per_person_reference",
    "tests/test_indicators.py::test_persons_are_those_of_person_key",
    "tests/test_layout.py::test_codes_of_other_entries_are_not_reused",
    "tests/test_layout.py::test_counting_records_imports_no_plotting_library",
    "tests/test_layout.py::test_help_loads_no_plotting_library",
    "tests/test_layout.py::test_the_person_codes_read_once_count_the_same_as_codes_made_again",
    "tests/test_ppr.py::test_a_previous_output_is_replaced",
    "tests/test_ppr.py::test_an_output_directory_holding_the_input_is_refused",
    "tests/test_ppr.py::test_bad_closures_leave_a_previous_output_untouched",
    "tests/test_ppr.py::test_closures_are_optional",
    "tests/test_ppr.py::test_cohort_periods_are_those_of_the_whole_catalogue",
    "tests/test_ppr.py::test_default_output_hides_small_and_recoverable_cells",
    "tests/test_ppr.py::test_default_output_of_the_small_fixture",
    "tests/test_ppr.py::test_no_suppress_writes_exactly_the_hand_checked_tables",
    "tests/test_ppr.py::test_one_table_is_read_as_the_catalogue_reads_it",
    "tests/test_ppr.py::test_other_directories_are_refused",
    "tests/test_ppr.py::test_parquet_and_xlsx_inputs_give_the_same_tables",
    "tests/test_ppr.py::test_summary_of_unsuppressed_output",
    "tests/test_ppr.py::test_synthetic_input_is_labelled_everywhere",
    "tests/test_prose.py::test_every_number_left_in_markdown_is_one_the_data_give",
    "tests/test_record_charts.py::test_any_mark_of_the_table_is_what_the_chart_writes",
    "tests/test_record_charts.py::test_breakdown_charts_are_labelled_and_reproducible",
    "tests/test_record_charts.py::test_breakdown_charts_draw_only_shown_counts",
    "tests/test_record_charts.py::test_chart_files_are_reproducible",
    "tests/test_record_charts.py::test_free_text_labels_in_chart_data_are_safe_in_a_spreadsheet",
    "tests/test_record_charts.py::test_hidden_counts_are_never_drawn",
    "tests/test_record_charts.py::test_labels_say_synthetic_and_not_for_publication",
    "tests/test_records.py::test_codes_match_whatever_their_case_and_surrounding_spaces",
    "tests/test_records.py::test_reading_leaves_every_input_file_unchanged",
    "tests/test_relations.py::test_a_new_table_is_covered_by_declaring_it",
    "tests/test_relations.py::test_every_relation_holds_on_unsuppressed_output",
    "tests/test_second_pass.py::test_a_corrected_yearly_count_moves_the_cumulative_discrepancy",
    "tests/test_second_pass.py::test_basis_change_follows_the_data",
    "tests/test_second_pass.py::test_cumulative_rules_are_recorded_discrepancies_that_hold",
    "tests/test_second_pass.py::test_no_chart_puts_one_grantees_figures_beside_the_fact_sheet",
    "tests/test_second_pass.py::test_usccb_discrepancies_follow_the_data",
    "tests/test_spreadsheet.py::test_synthetic_csvs_are_safe",
    "tests/test_synthetic.py::test_any_seed_and_scale_holds_the_targets_and_the_rules",
    "tests/test_synthetic.py::test_existing_files_are_never_overwritten",
    "tests/test_synthetic.py::test_synthesize_then_ppr_gives_the_published_total",
    "tests/test_timeline.py::test_a_backwards_period_fails_the_order_rule",
    "tests/test_timeline.py::test_a_changed_fact_sheet_figure_fails_and_validate_exits_2",
    "tests/test_timeline.py::test_a_moved_cohort_start_fails",
    "tests/test_timeline.py::test_a_second_fy2019_organization_fails_the_one_organization_rule",
    "tests/test_timeline.py::test_an_event_period_ending_before_it_begins_fails",
    "tests/test_timeline.py::test_annotation_follows_a_corrected_figure",
    "tests/test_timeline.py::test_chart_has_words_and_sources",
    "tests/test_timeline.py::test_chart_renders_identically_twice",
    "tests/test_timeline.py::test_dropping_a_cohort_1_grantee_fails_the_cohort_rules",
    "tests/test_timeline.py::test_number_text",
    "tests/test_validation.py::test_a_broken_rule_exits_2_in_a_fresh_process",
    "tests/test_validation.py::test_recorded_discrepancies_are_reported_as_such",
    "tests/test_validation.py::test_repository_data_validate",
})  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test quick unless it, or its module, is marked slow or listed in ``SLOW``."""
    for item in items:
        function = getattr(item, "originalname", item.name)  # a notebook cell has no function
        name = f"{item.path.relative_to(REPO_ROOT).as_posix()}::{function}"
        if name in SLOW:
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.quick)
    items.sort(key=_turn)


# `make test` runs pytest-xdist's workers with --dist loadscope --no-loadscope-reorder: each file
# runs whole on one worker (a notebook's cells share one kernel; a module's tests share its
# module-scoped fixtures), and the files are handed out in the order of the run. The files that
# took longest (pytest --durations=0, added up by file, measured 2026-12-05) go first, longest
# first, so that no long file is left running alone at the end; then the other notebooks, then the
# rest as collected. The order of the tests within a file is kept.
LONG_FILES = (
    "tests/test_audit.py",  # 142 s
    "tests/test_report.py",  # 56 s; first of the two that read the report, as it builds it
    "tests/test_browser.py",  # 61 s
    "tests/test_publication.py",  # 54 s
    "tests/test_records_report.py",  # 48 s
    "tests/test_install.py",  # 40 s
    "tests/test_ppr.py",  # 35 s
    "tests/test_charts.py",  # 33 s
    "tests/test_relations.py",  # 19 s
    "tests/test_exports.py",  # 16 s
    "tests/test_record_charts.py",  # 14 s
    "notebooks/05-client-records.ipynb",  # 9 s
    "tests/test_notebooks.py",  # 7 s
)


def _turn(item: pytest.Item) -> int:
    path = item.path.relative_to(REPO_ROOT).as_posix()
    if path in LONG_FILES:
        return LONG_FILES.index(path)
    return len(LONG_FILES) + (0 if item.path.suffix == ".ipynb" else 1)
