"""The project's own set-up files stay in step."""

import json
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]


def test_environment_yml_installs_the_pip_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.lock" in pip_section
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python=3.11"


def test_lock_pins_every_package_exactly():
    lines = [
        line
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines and all("==" in line for line in lines)
    names = {line.split("==")[0].lower() for line in lines}
    assert {"pandas", "matplotlib", "seaborn", "jupyterlab", "nbval"} <= names


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_jupyterlab_of_the_environment_asks_nothing_about_news():
    shipped = json.loads((ROOT / "etc" / "jupyterlab" / "overrides.json").read_text())
    notification = shipped["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false" and notification["checkForUpdates"] is False
    # JupyterLab's application directory in this environment (`jupyter lab path`).
    app_dir = Path(os.environ.get("JUPYTERLAB_DIR") or Path(sys.prefix, "share", "jupyter", "lab"))
    installed = app_dir / "settings" / "overrides.json"
    assert installed.is_file(), f"{installed} is missing: `make env` installs it"
    assert json.loads(installed.read_text()) == shipped, f"{installed} is stale: run `make env`"


def test_exact_pins_of_pyproject_match_the_lock():
    # highspy (the audit's solver) is pinned exactly in both; environment.yml installs the lock.
    project = (ROOT / "pyproject.toml").read_text()
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    exact = [line.strip().strip('",') for line in project.splitlines() if '=="' not in line]
    pinned = [item for item in exact if "==" in item and item.count('"') == 0]
    assert "highspy==1.15.1" in pinned
    assert all(item in lock for item in pinned), pinned
