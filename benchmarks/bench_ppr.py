"""Time and peak memory of ``ppr`` on about a million synthetic entries, against DuckDB.

Run: ``.venv/bin/python benchmarks/bench_ppr.py [--scale 127] [--seed 0] [--keep DIR]``

1. ``python -m analysis synthesize --scale X`` writes SYNTHETIC entries.csv and closures.csv
   (scale 127 gives about 1,000,000 entries; generation is not part of the measurement).
2. ``python -m analysis ppr`` runs end to end on them (reading and validating both files,
   counting, suppressing, writing every table), as published (suppressed); each run is a child
   process whose wall time and peak resident memory (``getrusage(RUSAGE_CHILDREN).ru_maxrss``
   of a fresh wrapper process) are measured.
3. DuckDB computes, from the same entries.csv, in a child process measured the same way, the
   four tables of ppr that count clients: ``clients_by_fiscal_year.csv``,
   ``clients_by_quarter.csv``, ``clients_by_grantee.csv`` and
   ``victims_by_trafficking_type.csv``, with their Total rows over distinct persons (the SQL is
   ``DUCKDB_SQL``).
4. The two run three times each, interleaved (ppr, DuckDB, ppr, DuckDB, ...); the median of
   three of each, their ratio and the peak memory are printed with the targets. Then
   ``ppr --no-suppress`` three times (for information), whose four tables must equal DuckDB's
   cell for cell on the label and count columns (exit 1 if not), and where ppr's time goes, in
   process (one run).
5. Disclosure control alone, in this process, on sparse (synthetic scale 0.01 and 0.05, and
   0.05 with threshold 5), dense (scale 1, the synthetic default) and the ~1M-entry records:
   hidden cells after the greedy step and after the audit-and-add step, each step's time,
   and the time of the final audit of the tables as shown (``--skip-audit`` leaves it out;
   ``--audit-only`` does only this part).

6. ``--suppression``: the cost of protection alone, for sparse and dense inputs from about 40
   entries to a million (``SUPPRESSION_CASES``; one small grantee is one grantee's entries of
   the scale-0.5 records): ``ppr`` and ``ppr --no-suppress`` on the same files, alternating,
   three times each; the ratio of the medians, hidden cells by mark, the share of cells of at
   least the threshold hidden, the method and the optimality gap (from summary.json).
   ``--ref REF`` runs the same with the code of git ref REF (``git archive`` into a temporary
   directory) beside this checkout's, to print "before" and "after"; ``--quick`` leaves out
   the million.

Targets, for the suppressed ppr run (median of three): at most 1.2x DuckDB's time and at most
1 GB peak memory on a 2-core machine. This is a benchmark, not a test: it reports and exits 0
whether or not the targets are met (1 only if the tables disagree).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.2
TARGET_MEMORY_GB = 1.0
RUNS = 3
DEFAULT_SCALE = 127.0
FAMILY = (
    "family_parents",
    "family_siblings",
    "family_spouse",
    "family_children_under_18",
    "family_children_18_plus",
)
TRAFFICKING_TYPES = ("sex", "labor", "both", "unknown")
# The four tables compared, each with its label and count columns (ppr adds a notice column).
COMPARED = {
    "clients_by_fiscal_year.csv": (
        "fiscal_year", "entries", "victims", "family_members", "clients",
    ),
    "clients_by_quarter.csv": (
        "fiscal_year", "quarter", "entries", "victims", "family_members", "clients",
    ),
    "clients_by_grantee.csv": ("grantee", "victims", "family_members", "clients"),
    "victims_by_trafficking_type.csv": ("trafficking_type", "victims"),
}  # fmt: skip

# Runs one command and prints its wall time and the peak RSS of its process tree's largest
# process (Linux reports ru_maxrss in KiB, macOS in bytes).
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
peak_bytes = peak if sys.platform == "darwin" else peak * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak_bytes, "status": done.returncode,
                  "stdout": done.stdout, "stderr": done.stderr}))
"""

# The counting rules of ppr (analysis.records.counting.indicators): a person is (grantee, client_id)
# trimmed, in Unicode NFC and case-insensitive; fiscal years start on 1 October (quarter 1 is
# October-December); a date is its first ten characters (a time of day is ignored); family
# members are the five family counts (blank = 0) of each person's latest entry in the group;
# a person's trafficking type is that of their latest entry over the whole input (blank =
# unknown); each Total row counts distinct persons over the whole input. A grantee is shown
# by its smallest spelling (ppr shows the first written; the same when, as in the synthetic
# records, each grantee is written one way: the comparison would tell).
DUCKDB_SQL = """
CREATE TEMP TABLE e AS
SELECT lower(nfc_normalize(trim(grantee))) AS g, trim(grantee) AS name,
       lower(nfc_normalize(trim(client_id))) AS c, d,
       year(d) + CASE WHEN month(d) >= 10 THEN 1 ELSE 0 END AS fy,
       (month(d) + 2) % 12 // 3 + 1 AS q,
       {family} AS family,
       coalesce(nullif(lower(trim(trafficking_type)), ''), 'unknown') AS tt
FROM (
    SELECT *, CAST(left(trim(intake_date), 10) AS DATE) AS d
    FROM read_csv('{path}', header = true, delim = ',', quote = '"', escape = '"',
                  all_varchar = true)
);
CREATE TEMP TABLE p AS
SELECT g, c, arg_max(family, d) AS family, arg_max(tt, d) AS tt FROM e GROUP BY g, c;
CREATE TEMP TABLE total AS
SELECT (SELECT count(*) FROM e) AS entries, count(*) AS victims, sum(family) AS family_members
FROM p;
COPY (
    SELECT fiscal_year, entries, victims, family_members, victims + family_members AS clients
    FROM (
        SELECT 0 AS part, fy, CAST(fy AS VARCHAR) AS fiscal_year, sum(n) AS entries,
               count(*) AS victims, sum(family) AS family_members
        FROM (SELECT fy, count(*) AS n, arg_max(family, d) AS family FROM e GROUP BY fy, g, c)
        GROUP BY fy
        UNION ALL
        SELECT 1, NULL, 'Total', entries, victims, family_members FROM total
    )
    ORDER BY part, fy
) TO '{out}/clients_by_fiscal_year.csv' (HEADER);
COPY (
    SELECT fiscal_year, quarter, entries, victims, family_members,
           victims + family_members AS clients
    FROM (
        SELECT 0 AS part, fy, q, CAST(fy AS VARCHAR) AS fiscal_year,
               CAST(q AS VARCHAR) AS quarter, sum(n) AS entries, count(*) AS victims,
               sum(family) AS family_members
        FROM (
            SELECT fy, q, count(*) AS n, arg_max(family, d) AS family
            FROM e GROUP BY fy, q, g, c
        )
        GROUP BY fy, q
        UNION ALL
        SELECT 1, NULL, NULL, 'Total', NULL, entries, victims, family_members FROM total
    )
    ORDER BY part, fy, q
) TO '{out}/clients_by_quarter.csv' (HEADER);
COPY (
    SELECT grantee, victims, family_members, victims + family_members AS clients
    FROM (
        SELECT 0 AS part, lower(n.name) AS k1, n.name AS k2, n.name AS grantee,
               count(*) AS victims, sum(p.family) AS family_members
        FROM p JOIN (SELECT g, min(name) AS name FROM e GROUP BY g) n USING (g)
        GROUP BY n.name
        UNION ALL
        SELECT 1, NULL, NULL, 'Total', victims, family_members FROM total
    )
    ORDER BY part, k1, k2
) TO '{out}/clients_by_grantee.csv' (HEADER);
COPY (
    SELECT trafficking_type, victims
    FROM (
        SELECT 0 AS part, t.position, t.tt AS trafficking_type, count(p.g) AS victims
        FROM (VALUES {types}) t(position, tt) LEFT JOIN p USING (tt)
        GROUP BY t.position, t.tt
        UNION ALL
        SELECT 1, NULL, 'Total', victims FROM total
    )
    ORDER BY part, position
) TO '{out}/victims_by_trafficking_type.csv' (HEADER);
"""

DUCKDB_SCRIPT = """
import sys, duckdb
con = duckdb.connect()
con.execute(sys.argv[1])
"""

# Times each step of ``python -m analysis ppr`` (as ``analysis.commands.ppr.run`` does them)
# in one fresh process, and prints them as JSON.
BREAKDOWN = """
import json, resource, sys, time
steps, peaks = {}, {}
mark = time.perf_counter()
def step(name):
    global mark
    now = time.perf_counter()
    steps[name] = now - mark
    peaks[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    mark = now
from pathlib import Path
from analysis import cli
from analysis.commands import ppr as command
from analysis.records import counting, disclosure, ppr, reading
from analysis.records.ppr import output as ppr_output
from analysis.records.release import Release
step("import")
entries_path, closures_path, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
inputs = [entries_path, closures_path]
threshold = disclosure.DEFAULT_THRESHOLD
ppr.check_out(out, inputs)
periods = ppr.cohort_periods()
step("cohort periods")
entries, persons = reading.read_coded_entries(entries_path)
step("reading and validating entries")
closures = reading.read_closures(closures_path, entries, persons=persons)
step("reading and validating closures")
prepared = counting.prepare(entries, periods, persons.codes)
four = {
    "fiscal_year": counting.clients_by_fiscal_year(prepared),
    "quarter": counting.clients_by_quarter(prepared),
    "grantee": counting.clients_by_grantee(prepared),
    "trafficking_type": counting.victims_by_trafficking_type(prepared),
}
step("counting the four tables (preparing included)")
del prepared
mark = time.perf_counter()
tables = ppr.count(entries, closures, periods, threshold=threshold, persons=persons)
step("the other tables (count less the four)")
steps["the other tables (count less the four)"] -= steps[
    "counting the four tables (preparing included)"
]
same = all(four[name].equals(tables[name]) for name in four)
mark = time.perf_counter()
synthetic = reading.is_synthetic(entries, closures)
shown = ppr.protect(tables, threshold=threshold, suppress=True, periods=periods)
step("protection")
release = Release(synthetic=synthetic, threshold=threshold)
for path in inputs:
    ppr_output.sha256(path)
checksums = time.perf_counter() - mark
summary = ppr.summarize(shown, inputs, release, periods=periods)
step("summary (checksums and audit included)")
steps["  of which SHA-256 of the inputs"] = checksums
steps["summary (checksums and audit included)"] -= checksums
ppr.write(out, shown, summary, release.notices)
step("writing")
print(json.dumps({"steps": steps, "peaks": peaks, "same": same}))
"""


def measure(command: list[str]) -> dict:
    """Run ``command`` in a fresh wrapper process; return seconds, peak bytes and its output."""
    wrapper = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    result = json.loads(wrapper.stdout)
    if result["status"] != 0:
        sys.exit(f"{' '.join(command)} failed ({result['status']}):\n{result['stderr']}")
    return result


def duckdb_sql(entries: Path, out: Path) -> str:
    """Return the SQL that writes the four tables from ``entries`` into ``out``."""
    family = " + ".join(
        f"coalesce(CAST(TRY_CAST(nullif(trim({c}), '') AS DOUBLE) AS BIGINT), 0)" for c in FAMILY
    )
    types = ", ".join(f"({i}, '{t}')" for i, t in enumerate(TRAFFICKING_TYPES))
    return DUCKDB_SQL.format(
        family=family, path=entries.as_posix(), out=out.as_posix(), types=types
    )


def read_table(path: Path, columns: tuple[str, ...]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Return a CSV's header and its rows as text, on ``columns`` only."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [tuple(row[c] for c in columns) for row in reader]
        return list(reader.fieldnames or []), rows


def compare(ppr_dir: Path, duck_dir: Path) -> list[str]:
    """Return the differences between ppr's four tables and DuckDB's (none when equal)."""
    differences = []
    for file, columns in COMPARED.items():
        duck_header, theirs = read_table(duck_dir / file, columns)
        ppr_header, mine = read_table(ppr_dir / file, columns)
        if duck_header != list(columns) or ppr_header[: len(columns)] != list(columns):
            differences.append(f"{file}: columns {ppr_header} (ppr) and {duck_header} (DuckDB)")
        if len(mine) != len(theirs):
            differences.append(f"{file}: {len(mine)} rows (ppr), {len(theirs)} (DuckDB)")
        for row_ppr, row_duck in zip(mine, theirs, strict=False):
            if row_ppr != row_duck:
                differences.append(f"{file}: ppr {row_ppr} != DuckDB {row_duck}")
    return differences


def data_rows(path: Path) -> int:
    """Return the number of lines after the header."""
    with open(path, encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def ppr_command(work: Path, out: str, *extra: str) -> list[str]:
    """Return the ppr command line on the synthetic files."""
    return [
        sys.executable,
        "-m",
        "analysis",
        "ppr",
        "--entries",
        str(work / "entries.csv"),
        "--closures",
        str(work / "closures.csv"),
        "--out",
        str(work / out),
        *extra,
    ]


def line(name: str, result: dict) -> str:
    """Return one result line: seconds and peak memory."""
    return f"  {name:<34} {result['seconds']:7.2f} s   {result['peak_bytes'] / 1e9:6.2f} GB"


def median(results: list[dict]) -> dict:
    """Return the median of the runs' seconds and of their peak memory."""
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_bytes": statistics.median(r["peak_bytes"] for r in results),
        "max_peak_bytes": max(r["peak_bytes"] for r in results),
    }


def verdict(ok: bool) -> str:
    """Return "meets" or "MISSES"."""
    return "meets" if ok else "MISSES"


def breakdown(work: Path) -> dict:
    """Return the seconds of each step of one ppr run, timed in a fresh process."""
    out = work / "ppr_breakdown"
    done = subprocess.run(
        [sys.executable, "-c", BREAKDOWN, str(work / "entries.csv"), str(work / "closures.csv")]
        + [str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


AUDIT_CASES = (("sparse", 0.01, 11), ("sparse", 0.05, 11), ("sparse", 0.05, 5), ("dense", 1.0, 11))


def disclosure_threshold() -> int:
    """Return the default threshold."""
    from analysis.records import disclosure

    return disclosure.DEFAULT_THRESHOLD


def synthesize(work: Path, scale: float, seed: int) -> Path:
    """Write SYNTHETIC records at ``scale`` into a fresh directory under ``work``; return it."""
    out = work / f"synthetic-{scale:g}-{seed}"
    if not (out / "entries.csv").exists():
        subprocess.run(
            [sys.executable, "-m", "analysis", "synthesize", "--out", str(out)]
            + ["--seed", str(seed), "--scale", str(scale)],
            check=True,
            capture_output=True,
        )
    return out


def audit_figures(folder: Path, threshold: int) -> dict:
    """Return hidden cells and times of the greedy step, the audit-and-add step, the audit."""
    from analysis.records import disclosure, ppr, reading

    entries = reading.read_entries(folder / "entries.csv")
    closures = reading.read_closures(folder / "closures.csv", entries)
    periods = ppr.cohort_periods()
    tables = ppr.count(entries, closures, periods)
    layouts = {name: ppr.TABLES[name][1] for name in tables}
    start = time.perf_counter()
    links = ppr.links(tables, periods)
    greedy = disclosure.hidden_masks(tables, layouts, threshold=threshold, links=links)
    greedy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    hardened, _ = ppr.hardened_masks(tables, greedy, threshold=threshold, periods=periods)
    harden_seconds = time.perf_counter() - start
    shown = ppr.protect(tables, threshold=threshold, periods=periods)
    start = time.perf_counter()
    record, result = ppr.audit_summary(shown, threshold, periods)
    audit_seconds = time.perf_counter() - start
    weak = ppr.protect(tables, threshold=threshold, periods=periods, harden=False)
    weak_record, weak_result = ppr.audit_summary(weak, threshold, periods)
    return {
        "entries": len(entries),
        "cells": sum(len(t) * len(layouts[n].count_columns) for n, t in tables.items()),
        "greedy": weak_record["hidden_cells"],
        "greedy_protected": weak_result.protected,
        "greedy_under_protected": len(weak_result.failures),
        "greedy_pinned": sum(abs(f.high - f.low) < 1e-6 for f in weak_result.failures),
        "hardened": record["hidden_cells"],
        "protected": result.protected,
        "greedy_seconds": greedy_seconds,
        "harden_seconds": harden_seconds,
        "audit_seconds": audit_seconds,
        "hidden_after": int(sum(m.to_numpy().sum() for m in hardened.values())),
    }


def print_audit(cases: list[tuple[str, Path, int]]) -> None:
    """Print the disclosure-control figures of each case."""
    print("\ndisclosure control, in process (hidden cells: <t small / suppressed):")
    for name, folder, threshold in cases:
        f = audit_figures(folder, threshold)
        small = f"<{threshold}"
        print(
            f"  {name:<7} {f['entries']:>9,} entries, {f['cells']} cells, threshold {threshold}: "
            f"greedy {f['greedy'][small]}/{f['greedy']['suppressed']} "
            f"({'passes' if f['greedy_protected'] else 'FAILS'} the audit: "
            f"{f['greedy_under_protected']} under-protected, {f['greedy_pinned']} recovered "
            f"exactly) in {f['greedy_seconds']:.2f} s; "
            f"audited {f['hardened'][small]}/{f['hardened']['suppressed']} "
            f"({'protected' if f['protected'] else 'NOT protected'}) in "
            f"{f['harden_seconds']:.2f} s; final audit {f['audit_seconds']:.2f} s"
        )


SUPPRESSION_CASES = (
    ("sparse ~40", 0.005, None),
    ("sparse ~400", 0.05, None),
    ("one small grantee", 0.5, "U.S. Conference of Catholic Bishops (USCCB)"),
    ("dense ~8,000", 1.0, None),
    ("dense ~1M", 127.0, None),
)


def grantee_input(work: Path, scale: float, seed: int, grantee: str) -> Path:
    """Write one grantee's entries of the records at ``scale`` (no closures); return the dir."""
    out = work / f"grantee-{scale:g}-{seed}"
    if not (out / "entries.csv").exists():
        out.mkdir(parents=True, exist_ok=True)
        with open(synthesize(work, scale, seed) / "entries.csv", encoding="utf-8") as source:
            rows = list(csv.reader(source))
        column = rows[0].index("grantee")
        with open(out / "entries.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([rows[0]] + [r for r in rows[1:] if r[column] == grantee])
    return out


def suppression_run(folder: Path, out: Path, source: Path | None, *extra: str) -> float:
    """Return the seconds of one ppr run on ``folder`` (the code of ``source``/src if given)."""
    command = [sys.executable, "-m", "analysis", "ppr", "--quiet", "--entries"]
    command += [str(folder / "entries.csv"), "--out", str(out), *extra]
    if (folder / "closures.csv").exists():
        command += ["--closures", str(folder / "closures.csv")]
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "src")
    shutil.rmtree(out, ignore_errors=True)  # older code may not know a newer output's files
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def suppression_figures(folder: Path, work: Path, source: Path | None) -> str:
    """Return one line: time ratio suppressed / unsuppressed and what summary.json says."""
    runs: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(RUNS):
        runs["on"].append(suppression_run(folder, work / "on", source))
        runs["off"].append(suppression_run(folder, work / "off", source, "--no-suppress"))
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    summary = json.loads((work / "on" / "summary.json").read_text(encoding="utf-8"))
    found = summary["disclosure"]
    hidden = "/".join(str(n) for n in found["hidden_cells"].values())
    threshold = int(summary["threshold"])
    loss = found.get("information_loss")
    if loss is not None:  # of the tables as published (at their grains)
        share = loss["share_of_cells_at_least_threshold_hidden"]
    else:  # before information_loss was recorded: against the unsuppressed tables
        large = large_cells(work / "off", threshold)
        share = found["hidden_cells"]["suppressed"] / large if large else 0.0
    cells = large_cells(work / "on", -1)
    choice = found.get("choice", {})
    method = choice.get("method", "rounds (before)").split(" (")[0]
    gap = f"{choice['gap']:.1%}" if "gap" in choice else "-"
    grains = "/".join(e["published_by"] for e in summary.get("grains", {}).get("tables", []))
    return (
        f"{data_rows(folder / 'entries.csv'):>9,} entries  {on:6.2f} s / {off:5.2f} s = "
        f"{on / off:5.2f}x  hidden <11/suppressed {hidden:>8} of {cells:,} count cells  "
        f"large hidden {share:6.1%}  {method}, gap {gap}, "
        f"audit {'passes' if found['audit']['protected'] else 'FAILS'}"
        f"{f'  grains {grains}' if grains else ''}"
    )


def large_cells(raw: Path, threshold: int) -> int:
    """Return how many count cells of a ppr output show a count of at least ``threshold``.

    With a negative threshold: how many count cells it has, shown or hidden.
    """
    from analysis.records import ppr

    total = 0
    for file, layout in ppr.TABLES.values():
        if (raw / file).exists():
            with open(raw / file, encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    total += sum(
                        1
                        for column in layout.count_columns
                        if column in row
                        and (
                            threshold < 0
                            or (row[column].isdigit() and int(row[column]) >= threshold)
                        )
                    )
    return total


def suppression(work: Path, seed: int, ref: str | None, quick: bool) -> None:
    """Print the cost of protection for each of ``SUPPRESSION_CASES`` (and for ``ref``)."""
    sources: list[tuple[str, Path | None]] = [("this checkout", None)]
    if ref is not None:
        old = work / f"ref-{ref.replace('/', '_')}"
        if not old.exists():
            old.mkdir(parents=True)
            archive = subprocess.run(["git", "archive", ref], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        sources.insert(0, (f"before ({ref})", old))
    print(f"suppressed / --no-suppress, median of {RUNS} each, alternating:")
    for name, scale, grantee in SUPPRESSION_CASES:
        if quick and scale > 10:
            continue
        folder = synthesize(work, scale, seed)
        if grantee is not None:
            folder = grantee_input(work, scale, seed, grantee)
        for label, source in sources:
            line_ = suppression_figures(folder, work / "runs", source)
            print(f"  {name:<18} {label:<22} {line_}", flush=True)


def main() -> int:
    """Generate the records, run and measure both tools, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--keep", metavar="DIR", help="work in DIR and keep the files (reused if present)"
    )
    parser.add_argument("--skip-audit", action="store_true", help="leave out part 5")
    parser.add_argument("--audit-only", action="store_true", help="do only part 5")
    parser.add_argument("--suppression", action="store_true", help="do only part 6")
    parser.add_argument("--ref", help="part 6: also run the code of this git ref (before)")
    parser.add_argument("--quick", action="store_true", help="part 6: leave out the million")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-ppr-"))
    try:
        print(f"cores: {os.cpu_count()}; python {sys.version.split()[0]}")
        if args.suppression:
            suppression(work, args.seed, args.ref, args.quick)
            return 0
        start = time.perf_counter()
        made = "reused (not regenerated)"
        if (work / "entries.csv").exists():
            print(f"reusing the SYNTHETIC files in {work}")
        else:
            subprocess.run(
                [sys.executable, "-m", "analysis", "synthesize", "--out", str(work)]
                + ["--seed", str(args.seed), "--scale", str(args.scale)],
                check=True,
                capture_output=True,
            )
            made = f"generated in {time.perf_counter() - start:.1f} s"
        cases = [
            (f"{kind} {scale:g}", synthesize(work, scale, args.seed), threshold)
            for kind, scale, threshold in AUDIT_CASES
        ]
        cases.append((f"{args.scale:g}x", work, disclosure_threshold()))
        if args.audit_only:
            print_audit(cases)
            return 0
        lines, closures = data_rows(work / "entries.csv"), data_rows(work / "closures.csv")
        print(
            f"SYNTHETIC input: {lines:,} entries, {closures:,} closures; {made} "
            f"(scale {args.scale:g}, seed {args.seed})"
        )

        duck_dir = work / "duckdb"
        duck_dir.mkdir(exist_ok=True)
        script = [sys.executable, "-c", DUCKDB_SCRIPT, duckdb_sql(work / "entries.csv", duck_dir)]
        runs: dict[str, list[dict]] = {"ppr": [], "duckdb": [], "raw": []}
        print("\nruns, interleaved (wall time, peak resident memory):")
        for run in range(1, RUNS + 1):
            runs["ppr"].append(measure(ppr_command(work, "ppr")))
            print(line(f"ppr (suppressed) #{run}", runs["ppr"][-1]), flush=True)
            runs["duckdb"].append(measure(script))
            print(line(f"DuckDB, the four tables #{run}", runs["duckdb"][-1]), flush=True)
        for run in range(1, RUNS + 1):
            runs["raw"].append(measure(ppr_command(work, "ppr_raw", "--no-suppress")))
            print(line(f"ppr --no-suppress #{run}", runs["raw"][-1]), flush=True)
        ppr, duck, raw = (median(runs[k]) for k in ("ppr", "duckdb", "raw"))
        print(f"\nmedian of {RUNS}:")
        print(line("ppr (suppressed, with closures)", ppr))
        print(line("DuckDB, the four tables", duck))
        print(line("ppr --no-suppress", raw))
        ratio = ppr["seconds"] / duck["seconds"]
        print(f"\nppr / DuckDB time ratio (medians): {ratio:.2f}x")
        print(f"\ntargets ({os.cpu_count()}-core machine), for the suppressed ppr run:")
        print(
            f"  ratio  <= {TARGET_RATIO:g}x DuckDB: {verdict(ratio <= TARGET_RATIO)} ({ratio:.2f}x)"
        )
        peak = ppr["max_peak_bytes"]
        print(
            f"  memory <= {TARGET_MEMORY_GB:g} GB: {verdict(peak <= TARGET_MEMORY_GB * 1e9)}"
            f" (highest of {RUNS} runs {peak / 1e9:.2f} GB; median {ppr['peak_bytes'] / 1e9:.2f})"
        )
        differences = compare(work / "ppr_raw", duck_dir)
        print(
            "\nDuckDB's four tables equal ppr --no-suppress's, cell for cell: "
            f"{'yes' if not differences else 'NO'}"
        )
        for difference in differences[:20]:
            print(f"  {difference}")
        _, total = read_table(
            duck_dir / "clients_by_fiscal_year.csv", COMPARED["clients_by_fiscal_year.csv"]
        )
        names = COMPARED["clients_by_fiscal_year.csv"][1:]
        print(
            "Total (SYNTHETIC): "
            + ", ".join(f"{k} {int(v):,}" for k, v in zip(names, total[-1][1:], strict=True))
        )
        found = breakdown(work)
        print("\nwhere ppr's time goes (in process, one run, suppressed):")
        print(f"  {'step':<48} {'time':>8}   peak so far")
        for name, seconds in found["steps"].items():
            peak_text = f"{found['peaks'][name] / 1e9:6.2f} GB" if name in found["peaks"] else ""
            print(f"  {name:<48} {seconds:6.2f} s   {peak_text}")
        whole = sum(v for k, v in found["steps"].items() if not k.startswith(" "))
        print(f"  {'total':<48} {whole:6.2f} s")
        if not found["same"]:
            differences.append("the four tables timed differ from ppr.count's")
            print("  the four tables timed differ from ppr.count's")
        if not args.skip_audit:
            print_audit(cases)
        return 0 if not differences else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
