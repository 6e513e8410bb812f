"""The ``records-report`` command: a shareable folder, no record-level value in any file."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from analysis import cli
from analysis.present import execution, records_report
from analysis.records import disclosure
from analysis.records.release import Release

pytestmark = pytest.mark.slow  # notebooks run, a report built or the package installed

PPR_FIXTURES = Path(__file__).parent / "fixtures" / "ppr"
FISCAL_YEARS = "clients_by_fiscal_year.csv"

# Values of single records that must never reach a shareable output. Every one is held by
# fewer than 11 persons (free text) or belongs to one record (identifiers, dates, notes).
RARE_GENDER = "Xenogender Quokka"
RARE_COUNTRY = "Atlantis Freeport"
RARE_SOURCE = "Dr Zebedee Referral Desk"
NOTE = "SECRET caseworker note 4471"
CLOSURE_REASON = "Moved to Vulcan Colony"
LIVING = "Lighthouse keeper cottage"
KERNEL_WARNINGS = ("Parent appears to have exited", "without encryption", "KeyboardInterrupt")


def distinctive_records(directory: Path) -> tuple[Path, Path, list[str]]:
    """Write entries and closures full of distinctive values; return them and the values."""
    rng = np.random.default_rng(10)
    people = 160
    ids = [f"ZQX-CLIENT-{n:04d}-K" for n in range(people)]
    start = pd.Timestamp("2020-10-01")
    intake = [start + pd.Timedelta(days=int(d)) for d in rng.integers(0, 900, size=people)]
    referral = [
        d - pd.Timedelta(days=int(k))
        for d, k in zip(intake, rng.integers(0, 30, people), strict=True)
    ]
    gender = rng.choice(["female", "Male", "FEMALE ", "male"], size=people).astype(object)
    country = rng.choice(["Mexico", "honduras", "Philippines"], size=people).astype(object)
    source = rng.choice(["hotline", "Law Enforcement"], size=people).astype(object)
    gender[:3], country[3:6], source[6:9] = RARE_GENDER, RARE_COUNTRY, RARE_SOURCE
    entries = pd.DataFrame(
        {
            "grantee": rng.choice(["Grantee North", "Grantee South"], size=people),
            "client_id": ids,
            "intake_date": [d.strftime("%Y-%m-%d") for d in intake],
            "intake_type": "new",
            "referral_date": [d.strftime("%Y-%m-%d") for d in referral],
            "referral_source": source,
            "matched_within_48h": rng.choice(["yes", "no", ""], size=people),
            "family_children_under_18": rng.choice([0, 0, 1, 2], size=people),
            "age_at_intake": rng.integers(14, 70, size=people),
            "gender_identity": gender,
            "trafficking_type": rng.choice(["sex", "labor", "both"], size=people),
            "country_of_origin": country,
            "acf_region": rng.choice([2, 4, 9], size=people),
            "caseworker_note": [f"{NOTE} {n}" for n in range(people)],
            # One row labelled synthetic: the outputs say SYNTHETIC, but the records are not
            # all synthetic, so no exact count may be shown.
            "data_origin": ["synthetic", *[""] * (people - 1)],
        }
    )
    closed = entries.iloc[:40]
    closures = pd.DataFrame(
        {
            "grantee": closed["grantee"],
            "client_id": closed["client_id"],
            "closure_date": [
                (pd.Timestamp(d) + pd.Timedelta(days=40)).strftime("%Y-%m-%d")
                for d in closed["intake_date"]
            ],
            "closure_reason": CLOSURE_REASON,
            "living_situation": LIVING,
            "obtained_cp_or_t_visa": rng.choice(["yes", "no"], size=len(closed)),
        }
    )
    directory.mkdir(parents=True, exist_ok=True)
    entries.to_csv(directory / "entries.csv", index=False)
    closures.to_csv(directory / "closures.csv", index=False)
    dates = {*entries["intake_date"], *entries["referral_date"], *closures["closure_date"]}
    values = [*ids, RARE_GENDER, RARE_COUNTRY, RARE_SOURCE, NOTE, CLOSURE_REASON, LIVING, *dates]
    return directory / "entries.csv", directory / "closures.csv", values


def run_report(*args: str) -> int:
    return cli.main(["records-report", "--quiet", *args])


@pytest.fixture(scope="module")
def distinctive(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("distinctive")
    entries, closures, values = distinctive_records(root / "input")
    out = root / "report"
    args = ["--entries", str(entries), "--closures", str(closures), "--out", str(out)]
    assert run_report(*args, "--title", "Grantee review") == 0
    return {"out": out, "values": values, "entries": entries, "closures": closures, "root": root}


def texts_of(path: Path) -> list[str]:
    """Return every text a file carries: its bytes decoded, and a PNG's metadata chunks."""
    data = path.read_bytes()
    texts = [data.decode("utf-8", errors="replace"), data.decode("latin-1")]
    if path.suffix == ".png":
        with Image.open(io.BytesIO(data)) as image:
            texts.extend(str(v) for v in image.text.values())
            texts.extend(str(v) for v in image.info.values() if isinstance(v, str | bytes))
    return texts


def page_text(out: Path) -> str:
    """Return the report page's text."""
    return (out / "index.html").read_text(encoding="utf-8")


def test_the_folder_holds_page_charts_tables_and_summary(distinctive):
    out = distinctive["out"]
    assert sorted(p.name for p in out.iterdir()) == [
        "charts",
        "index.html",
        "summary.json",
        "tables",
    ]
    slugs = {p.stem for p in (out / "charts").iterdir()}
    assert "records-who-the-clients-are" in slugs and "records-matched-within-48h" in slugs
    # A chart is a picture (PNG, SVG, CSV) or, with every value hidden, a sentence (CSV only).
    pictures = set()
    for slug in slugs:
        sidecar = json.loads((out / "charts" / f"{slug}.json").read_text(encoding="utf-8"))
        assert set(sidecar["files"]) in ({"png", "svg", "csv"}, {"csv"}), slug
        for fmt in (*sidecar["files"], "json"):
            assert (out / "charts" / f"{slug}.{fmt}").is_file(), (slug, fmt)
        if "png" in sidecar["files"]:
            pictures.add(slug)
        else:
            assert not (out / "charts" / f"{slug}.png").exists()
            words = sidecar["title"].split("(")[0].split(": ", 1)[1]  # after SYNTHETIC records:
            assert words.strip() in page_text(out).replace("&#39;", "'"), slug
    tables = {p.name for p in (out / "tables").iterdir()}
    grains = json.loads((out / "tables" / "summary.json").read_text(encoding="utf-8"))["grains"]
    matched = next(e["file"] for e in grains["tables"] if e["table"] == "matched_within_48h")
    assert {"victims_by_gender_identity.csv", matched} <= tables
    assert "closure_outcomes.csv" in tables and "summary.json" in tables
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>SYNTHETIC records - Grantee review</title>" in page
    assert "<th>fact sheet S01</th>" not in page and "Records given by records-report" in page
    assert pictures and page.count("<img") == len(pictures)
    assert all(alt for alt in re.findall(r'<img[^>]* alt="([^"]*)"', page))
    assert len(re.findall(r'<img[^>]* alt="[^"]+"', page)) == len(pictures)
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', page)  # offline


def test_summary_names_inputs_with_checksums(distinctive):
    summary = json.loads((distinctive["out"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["produced_by"] == records_report.PRODUCER
    assert summary["suppressed"] is True and summary["threshold"] == 11
    assert summary["not_for_publication"] is False and summary["synthetic"] is True
    assert summary["title"] == "SYNTHETIC records - Grantee review"
    for role in ("entries", "closures"):
        path = distinctive[role]
        info = summary["inputs"][role]
        assert info["file"] == path.name
        assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    # Row counts are the tables' Total entries and closures as shown: a hidden Total stays hidden.
    fiscal_years = list(csv.DictReader((distinctive["out"] / "tables" / FISCAL_YEARS).open()))
    assert str(summary["inputs"]["entries"]["rows"]) == fiscal_years[-1]["entries"]
    assert summary["inputs"]["entries"]["rows"] in (160, disclosure.SUPPRESSED)
    assert summary["inputs"]["closures"]["rows"] in (40, disclosure.SUPPRESSED)
    for chart in summary["charts"]:
        assert all((distinctive["out"] / f).is_file() for f in chart.values())


def test_no_record_level_value_in_any_output(distinctive):
    files = [p for p in distinctive["out"].rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".html", ".json", ".csv", ".png", ".svg"}
    for path in files:
        texts = [t.casefold() for t in texts_of(path)]
        for value in distinctive["values"]:
            needle = value.casefold()
            assert not any(needle in text for text in texts), (path.name, value)
        # Nor the folder the records came from.
        assert not any(str(distinctive["root"]).casefold() in text for text in texts), path.name


def test_tables_are_those_of_ppr(distinctive, tmp_path):
    out = tmp_path / "ppr"
    args = ["--entries", str(distinctive["entries"]), "--closures", str(distinctive["closures"])]
    assert cli.main(["ppr", "--quiet", *args, "--out", str(out)]) == 0
    for path in out.glob("*.csv"):
        assert (distinctive["out"] / "tables" / path.name).read_bytes() == path.read_bytes()


def test_a_previous_report_is_replaced_and_other_directories_refused(distinctive, capsys):
    out = distinctive["out"]
    args = ["--entries", str(distinctive["entries"]), "--out", str(out)]
    assert run_report(*args) == 0
    assert not (out / "tables" / "closure_outcomes.csv").exists()
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    # A file of the user's inside a previous report's folder: the folder is not replaced.
    (out / "charts" / "my-notes.txt").write_text("keep", encoding="utf-8")
    assert run_report(*args) == 2
    assert "not a previous records-report output" in capsys.readouterr().err
    assert (out / "charts" / "my-notes.txt").read_text(encoding="utf-8") == "keep"
    other = distinctive["root"] / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep", encoding="utf-8")
    assert run_report("--entries", str(distinctive["entries"]), "--out", str(other)) == 2
    assert "not a previous records-report output" in capsys.readouterr().err
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_no_suppress_says_not_for_publication_in_every_title(tmp_path):
    entries = PPR_FIXTURES / "entries.csv"
    out = tmp_path / "internal"
    args = ["--entries", str(entries), "--closures", str(PPR_FIXTURES / "closures.csv")]
    title = ["--title", "<b>Internal</b> & review"]
    assert run_report(*args, "--out", str(out), "--no-suppress", *title) == 0
    mark = "NOT FOR PUBLICATION"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<b>Internal" not in page  # the title is text, not markup
    assert f"<title>{mark} - &lt;b&gt;Internal&lt;/b&gt; &amp; review</title>" in page
    assert re.search(rf"<title>{mark}[^<]*</title>", page)
    assert re.search(rf"<h1[^>]*>{mark}", page)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["title"].startswith(mark) and summary["not_for_publication"] is True
    tables = json.loads((out / "tables" / "summary.json").read_text(encoding="utf-8"))
    assert tables["title"] == summary["title"] and tables["not_for_publication"] is True
    for sidecar in (out / "charts").glob("*.json"):
        slug = sidecar.stem
        assert json.loads(sidecar.read_text(encoding="utf-8"))["title"].startswith(mark)
        with Image.open(out / "charts" / f"{slug}.png") as image:
            assert image.text["Title"].startswith(mark)
        svg = (out / "charts" / f"{slug}.svg").read_text(encoding="utf-8")
        assert re.search(rf"<title>{mark}", svg)
    for path in [*(out / "charts").glob("*.csv"), *(out / "tables").glob("*.csv")]:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows and all(mark in row["notice"] for row in rows), path.name


def test_bad_input_exits_2_with_ppr_messages_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "entries.csv"
    bad.write_text(
        "grantee,client_id,intake_date,intake_type\nG,1,2015-02-30,new\nG,2,2015-03-01,old\n",
        encoding="utf-8",
    )
    before = bad.read_bytes()
    assert cli.main(["ppr", "--quiet", "--entries", str(bad), "--out", str(tmp_path / "p")]) == 2
    ppr_err = capsys.readouterr().err
    out = tmp_path / "new" / "report"
    assert run_report("--entries", str(bad), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert err == ppr_err and "row 2" in err and "row 3" in err and "Traceback" not in err
    assert not out.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.csv"]
    assert bad.read_bytes() == before


@pytest.mark.parametrize("value", ["0", "ten"])
def test_bad_threshold_exits_2(tmp_path, value):
    with pytest.raises(SystemExit) as exit_:
        run_report("--entries", str(PPR_FIXTURES / "entries.csv"), "--out", str(tmp_path / "o"),
                   "--threshold", value)  # fmt: skip
    assert exit_.value.code == 2 and not (tmp_path / "o").exists()


def test_the_tables_folder_is_injected_after_the_tagged_cell(tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_code_cell("tables_dir = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(tables_dir)"),
    ]
    parameters = {records_report.PARAMETER: "x"}
    executed = execution.execute(notebook, cwd=tmp_path, parameters=parameters)
    position = 1
    assert executed.cells[position].source.endswith('tables_dir = "x"\n')
    assert executed.cells[-1].outputs[0]["text"] == "x\n"
    # A fixed id, kept by the note that replaces the cell: the same records give the same page.
    assert executed.cells[position].id == records_report.INJECTED_TAG
    assert all("papermill" not in cell.metadata for cell in executed.cells)
    nbformat.validate(executed)
    records_report.describe_parameters(executed, [Path("entries.csv")], Release(synthetic=False))
    assert executed.cells[position].cell_type == "markdown"
    assert executed.cells[position].id == records_report.INJECTED_TAG
    nbformat.validate(executed)


def test_notebook_05_takes_the_tables_folder_as_its_one_file_parameter():
    import nbformat

    from analysis import paths

    notebook = nbformat.read(paths.notebook(records_report.NOTEBOOK), as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and f"{records_report.PARAMETER} = None" in tagged[0].source
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    # The kernel never opens the export, and the notebook holds no file handling of its own.
    for plumbing in ("read_entries(", "read_closures(", "tempfile", "shutil", "contextlib"):
        assert plumbing not in code, plumbing


def test_the_page_shows_no_code_by_default(distinctive):
    page = (distinctive["out"] / "index.html").read_text(encoding="utf-8")
    assert 'class="input_area"' not in page and not re.search(r">\s*import\s*<", page)
    assert "hl-ipython3" not in page  # no highlighted code
    assert "<table" in page and "<img" in page  # the tables and charts are shown


def test_show_code_puts_the_code_back_and_no_kernel_warning_is_printed(tmp_path):
    out = tmp_path / "with-code"
    command = [sys.executable, "-m", "analysis", "records-report", "--quiet", "--show-code"]
    args = ["--entries", str(PPR_FIXTURES / "entries.csv"), "--out", str(out)]
    result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    for warning in KERNEL_WARNINGS:
        assert warning not in result.stderr
    assert result.stderr == ""
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="input_area"' in page and re.search(r">import<", page)
    assert "hl-ipython3" in page


def test_tables_read_back_are_those_in_memory_and_draw_the_same_charts(tmp_path):
    from analysis import charts
    from analysis.present import record_charts
    from analysis.records import ppr

    inputs = ppr.Inputs(PPR_FIXTURES / "entries.csv", PPR_FIXTURES / "closures.csv")
    for suppress in (True, False):
        output = ppr.run(inputs, suppress=suppress)
        folder = tmp_path / f"tables-{suppress}"
        ppr.write(folder, output.shown, output.summary, output.release.notices)
        loaded = ppr.readback.load(folder)
        assert loaded.release == output.release and loaded.summary == output.summary
        assert sorted(loaded.shown) == sorted(output.shown)
        for name, table in output.shown.items():
            again = loaded.shown[name]
            assert list(again.columns) == list(table.columns), name
            assert again.astype(str).to_dict("list") == table.astype(str).to_dict("list"), name
        for draw in (
            record_charts.who_the_clients_are,
            record_charts.matched_within_48h,
            record_charts.entries_by_quarter,
            record_charts.clients_by_fiscal_year,
        ):
            before = charts.files.contents(draw(output.shown, output.release))
            after = charts.files.contents(draw(loaded.shown, loaded.release))
            assert before == after, draw.__name__


def test_help_names_the_flags(capsys):
    with pytest.raises(SystemExit):
        cli.main(["records-report", "--help"])
    text = capsys.readouterr().out
    flags = ("--entries", "--closures", "--out", "--threshold", "--no-suppress", "--title")
    for flag in (*flags, "--show-code"):
        assert flag in text
    assert "NOT FOR PUBLICATION" in text and "summary.json" in text


def test_the_scan_finds_a_value_hidden_in_png_metadata(tmp_path):
    """The scanner reads compressed PNG text chunks too, so a leak there would be caught."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Description", f"row of {NOTE}", zip=True)
    path = tmp_path / "leak.png"
    Image.new("RGB", (2, 2)).save(path, pnginfo=info)
    assert NOTE.encode() not in path.read_bytes()  # compressed: not in the raw bytes
    assert any(NOTE.casefold() in text.casefold() for text in texts_of(path))
