"""Notebooks follow the data directory, and nbval notices a changed stored number."""

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import set_figure
from tests.test_charts import _png_text

pytestmark = pytest.mark.slow  # notebooks run, a report built or the package installed

ROOT = Path(__file__).parents[1]
NOTEBOOK_01 = ROOT / "notebooks" / "01-tvap-cohort-figures.ipynb"


def outputs_text(notebook, kinds=("text/plain", "text/markdown", "text/html")) -> str:
    """Return every text output, and the alt text (PNG Description) of every chart."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            data = output.get("data", {})
            texts += [data.get(kind, "") for kind in kinds]
            if "image/png" in data and "text/plain" in kinds:
                texts.append(_png_text(base64.b64decode(data["image/png"])).get("Description", ""))
    return "\n".join(t if isinstance(t, str) else "".join(t) for t in texts)


def correct_quotes(data_dir, old: str, new: str) -> None:
    """Correct the fact sheet's quoted words as a corrected figure would come with them."""
    path = data_dir / "published" / "tvap_fact_sheet.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_notebook_01_follows_analysis_data_dir(data_copy, monkeypatch):
    set_figure(data_copy, "s01_victims", "7000")
    set_figure(data_copy, "s01_clients", "9487")
    correct_quotes(data_copy, "9,152 clients (6,665 victims", "9,487 clients (7,000 victims")
    correct_quotes(data_copy, "(6,665 victims", "(7,000 victims")
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
    prose = outputs_text(notebook, kinds=("text/markdown",))
    assert "a combined total of 9,487 clients" in prose
    assert "(7,000 victims and 2,487 qualified family members)" in prose
    assert "73.8 %" in prose and "26.2 %" in prose
    chart_alt = [line for line in text.splitlines() if "stacked bar" in line.lower()]
    assert chart_alt and "7,000" in chart_alt[0], chart_alt
    for stale in ("9152", "9,152", "6665", "6,665", "72.8", "27.2"):
        assert stale not in text, f"stale value {stale} left in the rendered notebook"


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
