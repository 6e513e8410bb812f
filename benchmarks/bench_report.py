"""Wall time of a full report rebuild and of ``make test``, against the floor of a bare kernel.

The floor is what no rebuild can avoid: starting one fresh kernel and importing the project's
library in it. A rebuild executes every notebook in a fresh kernel (several at once), so the
aim is stated against the floor and the number of notebooks.

    .venv/bin/python benchmarks/bench_report.py              # floor, per notebook, make report
    .venv/bin/python benchmarks/bench_report.py --make-test  # ... and make test
    .venv/bin/python benchmarks/bench_report.py --repeat 3   # best of three of each
    .venv/bin/python benchmarks/bench_report.py --records    # records-report against its floor

``--records`` times ``records-report`` side by side with its floor (a fresh kernel importing
pandas, matplotlib and seaborn, plus ``ppr --no-suppress`` on the same input), alternating
(records-report, floor, records-report, ...), median of ``--repeat`` (default 3 with
``--records``), on a small grantee's export (``synthesize --scale 0.05``: about 400 entries)
and on the default synthetic export (about 7,900 entries). The aim: within 2x of the floor.

Results are printed and written to benchmarks/out/bench_report.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from analysis.paths import REPO_ROOT
from analysis.present import execution, report

AIM_S = 30.0
RECORDS_AIM = 2.0  # records-report within this many times its floor
RECORDS_EXPORTS = {"small grantee (scale 0.05)": "0.05", "default synthetic (scale 1)": "1"}
AIM = "full rebuild of all notebooks under 30 s on a 2-core machine"
OUT = REPO_ROOT / "benchmarks" / "out"
FLOOR_CODE = """\
import pandas, matplotlib
from analysis import charts
from analysis.published import catalog
cat = catalog.load()
"""
RECORDS_FLOOR_CODE = "import pandas, matplotlib, seaborn\n"


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Return the wall times of ``repeat`` runs of ``action``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def floor(directory: Path) -> None:
    """Start a fresh kernel and import the library in it, as every notebook does."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(FLOOR_CODE)]
    path = directory / "floor.ipynb"
    nbformat.write(notebook, path)
    report.execute(path)


def kernel_floor(directory: Path) -> None:
    """Start a fresh kernel and import pandas, matplotlib and seaborn in it."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [nbformat.v4.new_code_cell(RECORDS_FLOOR_CODE)]
    execution.execute(notebook, cwd=directory)


def records_comparison(root: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    """Time records-report and its floor, alternating, on each synthetic export."""
    python = [sys.executable, "-m", "analysis"]
    results = {}
    for label, scale in RECORDS_EXPORTS.items():
        export = root / f"export-{scale}"
        run([*python, "synthesize", "--out", str(export), "--scale", scale])
        files = ["--entries", str(export / "entries.csv")]
        files += ["--closures", str(export / "closures.csv")]
        report_s, floor_s = [], []
        for n in range(repeat):
            report = [*python, "records-report", *files, "--quiet"]
            report += ["--out", str(root / f"records-{scale}-{n}")]
            report_s += timed(lambda c=report: run(c), 1)
            ppr = [*python, "ppr", *files, "--quiet", "--no-suppress"]
            ppr += ["--out", str(root / f"ppr-{scale}-{n}")]
            floor_s += timed(lambda c=ppr: (kernel_floor(root), run(c)), 1)
        results[label] = {"records_report_s": report_s, "floor_s": floor_s}
        median, base = statistics.median(report_s), statistics.median(floor_s)
        verdict = "meets" if median <= RECORDS_AIM * base else "misses"
        print(
            f"{label:<30} records-report {median:5.1f} s   floor {base:5.1f} s   "
            f"ratio {median / base:.2f}x ({verdict} the aim of {RECORDS_AIM:.0f}x; "
            f"median of {repeat})"
        )
    return results


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    """Run a command in the repository; raise if it fails."""
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"{' '.join(command)} exited with {result.returncode}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--make-test", action="store_true", help="also time `make test`")
    parser.add_argument("--no-make-report", action="store_true", help="skip `make report`")
    parser.add_argument(
        "--records", action="store_true", help="only records-report against its floor"
    )
    args = parser.parse_args()
    if args.records:
        repeat = args.repeat if args.repeat > 1 else 3
        with tempfile.TemporaryDirectory(prefix="bench-records-") as tmp:
            results = records_comparison(Path(tmp), repeat)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "bench_records_report.json").write_text(json.dumps(results, indent=2) + "\n")
        return 0

    notebooks = report.notebooks()
    results: dict[str, object] = {"cpus": os.cpu_count(), "notebooks": len(notebooks)}
    print(f"{len(notebooks)} notebooks, {os.cpu_count()} CPUs; aim: {AIM}")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        root = Path(tmp)
        results["floor_s"] = timed(lambda: floor(root), args.repeat)
        per_notebook = {}
        for path in notebooks:
            per_notebook[path.stem] = timed(lambda p=path: report.execute(p), args.repeat)
        results["notebook_s"] = per_notebook
        results["report_build_s"] = timed(
            lambda: report.build(root / "reports", notebooks), args.repeat
        )
        results["report_rebuild_unchanged_writes"] = len(report.build(root / "reports", notebooks))
    if not args.no_make_report:
        results["make_report_s"] = timed(lambda: run(["make", "report"]), args.repeat)
    if args.make_test:
        results["make_test_s"] = timed(lambda: run(["make", "test"]), args.repeat)

    best_floor = min(results["floor_s"])
    print(f"{'floor: fresh kernel + imports':<44}{best_floor:8.1f} s")
    for stem, times in per_notebook.items():
        print(
            f"{'  execute ' + stem:<44}{min(times):8.1f} s  ({min(times) / best_floor:.1f}x floor)"
        )
    serial = sum(min(t) for t in per_notebook.values())
    print(f"{'  sum of notebooks, one at a time':<44}{serial:8.1f} s")
    for key, label in (
        ("report_build_s", "report build (all notebooks, parallel)"),
        ("make_report_s", "make report (validate + full rebuild)"),
        ("make_test_s", "make test"),
    ):
        if key in results:
            best = min(results[key])
            spread = f"median {statistics.median(results[key]):.1f}" if args.repeat > 1 else ""
            print(f"{label:<44}{best:8.1f} s  ({best / best_floor:.1f}x floor) {spread}")
    print(f"files rewritten by an unchanged rebuild: {results['report_rebuild_unchanged_writes']}")
    rebuild = min(results.get("make_report_s") or results["report_build_s"])
    verdict = "meets" if rebuild < AIM_S else "misses"
    print(f"full rebuild {rebuild:.1f} s {verdict} the aim of {AIM_S:.0f} s")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_report.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
