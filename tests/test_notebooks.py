"""Notebooks follow the data directory, and nbval notices a changed stored number."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.conftest import set_figure

ROOT = Path(__file__).parents[1]
NOTEBOOK_01 = ROOT / "notebooks" / "01-tvap-cohort-figures.ipynb"


def outputs_text(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def test_notebook_01_follows_analysis_data_dir(data_copy, monkeypatch):
    set_figure(data_copy, "s01_victims", "7000")
    set_figure(data_copy, "s01_clients", "9487")
    monkeypatch.setenv("ANALYSIS_DATA_DIR", str(data_copy))
    notebook = nbformat.read(NOTEBOOK_01, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_01.parent)}},
    ).execute()
    text = outputs_text(notebook)
    assert "9487" in text and "s01_clients = 9,487" in text
    assert "9152" not in text


def test_nbval_fails_when_a_stored_number_is_edited(tmp_path):
    notebook = json.loads(NOTEBOOK_01.read_text())
    edited = False
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain")
            if plain and not edited and any("9152" in line for line in plain):
                output["data"]["text/plain"] = [line.replace("9152", "9153") for line in plain]
                edited = True
    assert edited
    target = tmp_path / NOTEBOOK_01.name
    target.write_text(json.dumps(notebook))
    shutil.copy(ROOT / "tests" / "sanitize.cfg", tmp_path / "sanitize.cfg")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(tmp_path / "sanitize.cfg"),
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=NOTEBOOK_01.parent,
        check=False,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 1, result.stdout
    assert "9153" in result.stdout and "failed" in result.stdout
