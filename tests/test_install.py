"""The package works once installed (not editable), from any directory, with no checkout.

The project is copied into a temporary directory and installed with ``pip install .`` (no
editable mode, no build isolation, no index: nothing is downloaded) into a fresh virtual
environment that sees this environment's installed dependencies through a ``.pth`` file, and
nbconvert's templates through ``$JUPYTER_PATH`` (a normal install puts them into the new
environment). The commands then run from an unrelated directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from analysis.paths import REPO_ROOT

pytestmark = pytest.mark.slow  # notebooks run, a report built or the package installed

PROJECT_FILES = ("pyproject.toml", "README.md")
PROJECT_DIRS = ("src", "data")


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("install")
    project = root / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        shutil.copy2(REPO_ROOT / name, project / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in PROJECT_DIRS:
        shutil.copytree(REPO_ROOT / name, project / name, symlinks=True, ignore=ignore)
    (project / "notebooks").mkdir()
    shutil.copy2(REPO_ROOT / "notebooks" / "05-client-records.ipynb", project / "notebooks")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (purelib / "project-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "ANALYSIS_DATA_DIR", "VIRTUAL_ENV")
    }
    env |= {
        "MPLBACKEND": "Agg",
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    pip = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    done = _run([*pip, "--no-index", str(project)], root, env)
    assert done.returncode == 0, done.stderr
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    return {"venv": venv, "purelib": purelib, "env": env, "cwd": elsewhere}


def command(installed: dict, *args: str) -> subprocess.CompletedProcess:
    script = installed["venv"] / "bin" / "tvap-analysis"
    return _run([str(script), *args], installed["cwd"], installed["env"])


def test_the_installed_package_is_not_the_checkout(installed):
    done = _run(
        [
            str(installed["venv"] / "bin" / "python"),
            "-c",
            "import analysis; print(analysis.__file__)",
        ],
        installed["cwd"],
        installed["env"],
    )
    assert Path(done.stdout.strip()).is_relative_to(installed["purelib"])


def test_package_data_is_the_data_directory(installed):
    packaged = installed["purelib"] / "analysis" / "resources" / "data"
    source = REPO_ROOT / "data"
    names = sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file())
    assert sorted(str(p.relative_to(packaged)) for p in packaged.rglob("*") if p.is_file()) == names
    for name in names:
        assert (packaged / name).read_bytes() == (source / name).read_bytes(), name
    notebook = installed["purelib"] / "analysis" / "resources" / "notebooks"
    assert (notebook / "05-client-records.ipynb").read_bytes() == (
        REPO_ROOT / "notebooks" / "05-client-records.ipynb"
    ).read_bytes()


def test_synthesize_ppr_and_records_report_work_from_anywhere(installed):
    done = command(installed, "synthesize", "--out", "syn", "--scale", "0.05")
    assert done.returncode == 0, done.stderr
    files = ["--entries", "syn/entries.csv", "--closures", "syn/closures.csv"]
    done = command(installed, "ppr", "--quiet", *files, "--out", "tables")
    assert done.returncode == 0, done.stderr
    summary = json.loads((installed["cwd"] / "tables" / "summary.json").read_text("utf-8"))
    assert summary["synthetic"] is True and summary["totals"]["victims"] == 333
    done = command(installed, "records-report", "--quiet", *files, "--out", "report")
    assert done.returncode == 0, done.stderr
    report = installed["cwd"] / "report"
    assert (report / "index.html").is_file() and any((report / "charts").glob("*.svg"))
    assert "SYNTHETIC" in (report / "index.html").read_text(encoding="utf-8")


def test_missing_package_data_is_named(installed, tmp_path):
    data = installed["purelib"] / "analysis" / "resources" / "data"
    moved = tmp_path / "data"
    shutil.move(data, moved)
    try:
        entries = str(REPO_ROOT / "tests" / "fixtures" / "ppr" / "entries.csv")
        runs = [
            command(installed, name, "--entries", entries, "--out", "never")
            for name in ("ppr", "records-report")
        ]
    finally:
        shutil.move(moved, data)
    for done in runs:
        assert done.returncode == 2, done.stderr
        assert "data directory not found" in done.stderr and "reinstall" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (installed["cwd"] / "never").exists()
