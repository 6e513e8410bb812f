"""Shared fixtures: the repository's data and the fixture catalogue, private copies of either,
one report build, the quick lane."""

from __future__ import annotations

import hashlib
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


@pytest.fixture(scope="session")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The report of every notebook, built once by ``python -m analysis report`` for every test
    that reads it.

    ``out`` is the directory; ``first`` the files the build wrote (all of ``out``: it was new);
    ``after_first`` a snapshot of ``out`` and ``notebooks_before`` one of ``notebooks/``.
    """
    notebooks_before = snapshot(REPO_ROOT / "notebooks")
    out = tmp_path_factory.mktemp("reports")
    env = {k: v for k, v in os.environ.items() if k != "ANALYSIS_CHART_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--out", str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=REPORT_TIMEOUT_S,
    )
    assert result.returncode == 0, f"python -m analysis report failed:\n{result.stderr}"
    return {
        "out": out,
        "first": sorted(p for p in out.rglob("*") if p.is_file()),
        "after_first": snapshot(out),
        "notebooks_before": notebooks_before,
    }


# --- the quick lane: `make check` runs `pytest -m quick`, every test not marked slow ------------

# Tests that took 0.4 s or more each (pytest --durations on this two-core machine), so that the
# quick lane stays under a minute; `make test` runs them all. A test may also be marked slow
# where it is defined (@pytest.mark.slow, or pytestmark for a whole module).
SLOW = frozenset({
    "tests/test_audit.py::test_audit_command_passes_ppr_output_and_fails_the_weakened_one",
    "tests/test_audit.py::test_audit_command_refuses_what_is_not_a_ppr_output",
    "tests/test_audit.py::test_the_audit_catches_the_equalities_only_suppression",
    "tests/test_breakdowns.py::test_rare_free_text_never_appears",
    "tests/test_certifications.py::test_growth_rule_accepts_only_the_rounded_percentage",
    "tests/test_certifications.py::test_removed_year_shows_as_not_published",
    "tests/test_charts.py::test_chart_files_carry_title_and_description",
    "tests/test_charts.py::test_chart_matches_its_svg_baseline",
    "tests/test_charts.py::test_rendering_does_not_depend_on_what_was_rendered_before",
    "tests/test_charts.py::test_show_exports_chart_and_sidecar_when_asked",
    "tests/test_clients.py::test_reconciliation_reports_a_broken_total",
    "tests/test_disclosure.py::test_properties_of_suppression",
    "tests/test_exports.py::test_a_directory_a_fifo_and_a_device_are_named_for_what_they_are",
    "tests/test_exports.py::test_a_fifo_never_hangs_in_a_fresh_process",
    "tests/test_exports.py::test_a_lower_threshold_is_not_for_publication",
    "tests/test_exports.py::test_both_bad_files_are_listed_in_one_run",
    "tests/test_exports.py::test_file_names_that_are_not_utf8_are_read_and_named",
    "tests/test_exports.py::test_names_too_long_are_messages",
    "tests/test_exports.py::test_names_typed_on_a_mac_and_on_windows_are_one_person",
    "tests/test_exports.py::test_symbolic_link_loops_and_odd_paths_are_messages",
    "tests/test_exports.py::test_text_dates_that_are_not_iso_need_an_explicit_format",
    "tests/test_exports.py::test_the_data_sheet_is_found_behind_an_instructions_sheet",
    "tests/test_indicators.py::test_counts_match_a_per_person_reference",
    "tests/test_indicators.py::test_persons_are_those_of_person_key",
    "tests/test_ppr.py::test_a_previous_output_is_replaced",
    "tests/test_ppr.py::test_default_output_hides_small_and_recoverable_cells",
    "tests/test_ppr.py::test_default_output_of_the_small_fixture",
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
    "tests/test_relations.py::test_a_new_table_is_covered_by_declaring_it",
    "tests/test_relations.py::test_every_relation_holds_on_unsuppressed_output",
    "tests/test_second_pass.py::test_no_chart_puts_one_grantees_figures_beside_the_fact_sheet",
    "tests/test_synthetic.py::test_synthesize_then_ppr_gives_the_published_total",
    "tests/test_timeline.py::test_a_changed_fact_sheet_figure_fails_and_validate_exits_2",
    "tests/test_timeline.py::test_a_moved_cohort_start_fails",
    "tests/test_timeline.py::test_chart_renders_identically_twice",
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
