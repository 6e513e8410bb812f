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
    assert "row 3, column value: 'many' is not a number" in result.stderr


def test_missing_data_directory_exits_2(tmp_path):
    result = validate("--data", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "data directory not found" in result.stderr
