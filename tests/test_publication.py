"""When outputs say NOT FOR PUBLICATION: no suppression, a lower threshold, a failed audit."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from pathlib import Path

import pytest

from analysis import cli
from analysis.commands import records_report as records_report_command
from analysis.records import ppr, release, synthetic
from analysis.records.ppr import protection as protection_module

MARK = "NOT FOR PUBLICATION"


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> dict[str, Path]:
    """SYNTHETIC records so few that most quarter cells are small (scale 0.01)."""
    return synthetic.write(
        synthetic.generate(seed=0, scale=0.01), tmp_path_factory.mktemp("sparse")
    )


@pytest.fixture
def greedy_only(monkeypatch) -> None:
    """Protect with the greedy step alone, which the audit is known to fail on sparse data."""
    weak = functools.partial(protection_module.protected_tables, harden=False)
    monkeypatch.setattr("analysis.records.ppr.pipeline.protected_tables", weak)


def notices_of(table: Path) -> set[str]:
    """Return the notices a ppr CSV table carries, one per distinct value."""
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    return {row.get(ppr.NOTICE_COLUMN, "") for row in rows}


@pytest.mark.parametrize(
    ("suppress", "threshold", "protected", "publishable"),
    [
        (True, 11, True, True),
        (True, 11, False, False),
        (True, 10, True, False),
        (True, 10, False, False),
        (False, 11, True, False),
        (False, 11, False, False),
    ],
)
def test_publishable_only_when_suppressed_at_the_default_and_protected(
    suppress, threshold, protected, publishable
):
    state = release.Release(
        synthetic=False, suppressed=suppress, threshold=threshold, protected=protected
    )
    assert state.not_for_publication is not publishable
    notices = state.notices
    assert any(n.startswith(MARK) for n in notices) is not publishable
    assert (release.AUDIT_FAILED_NOTICE in notices) is (suppress and not protected)


@pytest.mark.slow
def test_a_failed_audit_marks_every_ppr_output_not_for_publication(
    sparse, greedy_only, tmp_path, capsys
):
    out = tmp_path / "out"
    args = ["ppr", "--quiet", "--entries", str(sparse["entries.csv"])]
    assert cli.main([*args, "--closures", str(sparse["closures.csv"]), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    found = summary["disclosure"]["audit"]
    assert found["protected"] is False and found["under_protected"]
    assert summary["not_for_publication"] is True
    assert release.AUDIT_FAILED_NOTICE in summary["notice"]
    # Said even with --quiet, with the number of cells the summary lists.
    assert f"warning: the disclosure audit did not pass ({len(found['under_protected'])} " in err
    tables = sorted(out.glob("*.csv"))
    assert len(tables) == len(summary["outputs"])
    for table in tables:
        assert all(release.AUDIT_FAILED_NOTICE in n for n in notices_of(table)), table.name
    # The audit command agrees with what ppr recorded.
    assert cli.main(["audit", str(out)]) == 1


@pytest.mark.slow
def test_a_passed_audit_leaves_the_output_publishable(sparse, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["ppr", "--quiet", "--entries", str(sparse["entries.csv"]), "--out", str(out)]
    assert cli.main(args) == 0
    assert "warning" not in capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["disclosure"]["audit"]["protected"] is True
    assert summary["not_for_publication"] is False
    assert summary["notice"] == release.SYNTHETIC_NOTICE
    # A table published at a coarser grain also says why, and nothing more.
    coarser = {ppr.TABLES[n][0]: note for n, note in ppr.grains.notes(summary).items()}
    for table in out.glob("*.csv"):
        note = f"; {coarser[table.name]}" if table.name in coarser else ""
        assert notices_of(table) == {release.SYNTHETIC_NOTICE + note}, table.name
        assert "NOT FOR PUBLICATION" not in note


def test_a_blank_title_is_the_default_and_spaces_are_collapsed():
    parse = records_report_command.parse_title
    assert parse(" \t\n ") == records_report_command.DEFAULT_TITLE
    assert parse("  Grantee\n  review ") == "Grantee review"


def page_title(page: str) -> str:
    match = re.search(r"<title>([^<]*)</title>", page)
    assert match, "the page has no title"
    return match.group(1)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["lower threshold", "failed audit"])
def test_records_report_says_not_for_publication_in_its_title_and_note(
    sparse, tmp_path, monkeypatch, capfd, case
):
    out = tmp_path / "report"
    args = ["records-report", "--quiet", "--entries", str(sparse["entries.csv"])]
    args += ["--closures", str(sparse["closures.csv"]), "--out", str(out)]
    if case == "lower threshold":
        args += ["--threshold", "5"]
        reason = "threshold 5 is below the default"
    else:
        weak = functools.partial(protection_module.protected_tables, harden=False)
        monkeypatch.setattr("analysis.records.ppr.pipeline.protected_tables", weak)
        reason = "the disclosure audit found hidden cells"
    assert cli.main(args) == 0
    err = capfd.readouterr().err  # the kernel's standard error too
    assert ("warning: the disclosure audit did not pass" in err) is (case == "failed audit")
    assert "TCP" not in err  # the kernel is reached through private sockets, not a port
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page_title(page).startswith(f"{MARK} - SYNTHETIC records - ")
    assert reason in page  # the note on the records analysed says why
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    tables = json.loads((out / "tables" / "summary.json").read_text(encoding="utf-8"))
    assert summary["title"].startswith(MARK) and summary["not_for_publication"] is True
    assert tables["not_for_publication"] is True
    for table in (out / "tables").glob("*.csv"):
        assert all(reason in n for n in notices_of(table)), table.name
