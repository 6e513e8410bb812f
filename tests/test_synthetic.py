"""Synthetic client records: reproducible, shaped by the timeline, exact totals at scale 1."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import cli
from analysis.published import timeline
from analysis.published.catalog import Catalog
from analysis.records import reading, synthetic

FAMILY = [
    "family_parents",
    "family_siblings",
    "family_spouse",
    "family_children_under_18",
    "family_children_18_plus",
]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Path:
    """Synthetic records at scale 1, written once for the module."""
    directory = tmp_path_factory.mktemp("synthetic") / "export"
    synthetic.write(synthetic.generate(catalog, seed=11), directory)
    return directory


def read(path: Path) -> pd.DataFrame:
    """Read a CSV as plain text, the way an analyst opens it."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def fiscal_year(dates: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(dates)
    return stamps.dt.year + (stamps.dt.month >= 10)


def contract_totals(entries: pd.DataFrame) -> tuple[int, int]:
    """Count victims and family members over the whole file, as the contract defines them."""
    family = entries[FAMILY].replace("", "0").astype(int).sum(axis=1)
    people = entries.assign(family=family, when=pd.to_datetime(entries["intake_date"]))
    latest = people.sort_values("when").groupby(["grantee", "client_id"]).tail(1)
    return len(latest), int(latest["family"].sum())


def test_same_seed_gives_identical_files(tmp_path: Path, catalog: Catalog) -> None:
    for name in ("a", "b"):
        synthetic.write(synthetic.generate(catalog, seed=5, scale=0.3), tmp_path / name)
    for file in synthetic.FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_different_seeds_give_different_records(catalog: Catalog) -> None:
    first = synthetic.generate(catalog, seed=1, scale=0.3).entries
    second = synthetic.generate(catalog, seed=2, scale=0.3).entries
    assert not first.equals(second)


@pytest.mark.parametrize("seed", [0, 11, 2024])
def test_scale_one_totals_are_the_fact_sheet_figures(
    tmp_path: Path, catalog: Catalog, seed: int
) -> None:
    synthetic.write(synthetic.generate(catalog, seed=seed), tmp_path)
    victims, family = contract_totals(read(tmp_path / "entries.csv"))
    assert victims == catalog.value("s01_victims")
    assert family == catalog.value("s01_family_members")
    assert victims + family == catalog.value("s01_clients")


def test_other_scales_hold_the_rounded_targets(catalog: Catalog) -> None:
    made = synthetic.generate(catalog, seed=3, scale=2.5)
    entries = made.entries.astype({c: "str" for c in ("grantee", "client_id")})
    entries[FAMILY] = made.entries[FAMILY].fillna(0).astype(int).astype(str)
    entries["intake_date"] = made.entries["intake_date"].dt.strftime("%Y-%m-%d")
    victims, family = contract_totals(entries)
    assert victims == made.victims == round(catalog.value("s01_victims") * 2.5)
    assert family == made.family_members == round(catalog.value("s01_family_members") * 2.5)


def test_earlier_entries_carry_other_family_counts(export: Path) -> None:
    entries = read(export / "entries.csv")
    every_entry = entries[FAMILY].replace("", "0").astype(int).sum().sum()
    assert every_entry != contract_totals(entries)[1]


def test_grantees_and_years_follow_the_cohorts(export: Path, catalog: Catalog) -> None:
    entries = read(export / "entries.csv")
    entries["fy"] = fiscal_year(entries["intake_date"])
    periods = timeline.cohort_periods(catalog)
    assert set(entries["fy"]) == set(
        range(periods["first_fiscal_year"].min(), periods["last_fiscal_year"].max() + 1)
    )
    assert set(entries["grantee"]) == {g for gs in periods["grantees"] for g in gs}
    for _, period in periods.iterrows():
        years = entries["fy"].between(period["first_fiscal_year"], period["last_fiscal_year"])
        assert set(entries.loc[years, "grantee"]) == set(period["grantees"])


def test_regions_are_the_grantees_regions_where_known(export: Path, catalog: Catalog) -> None:
    entries = read(export / "entries.csv")
    entries["fy"] = fiscal_year(entries["intake_date"])
    awards = timeline.awards(catalog)
    known = awards[awards["cohort"].notna() & awards["acf_regions"].notna()]
    assert len(known)
    for _, award in known.iterrows():
        rows = entries[
            (entries["grantee"] == award["grantee"])
            & entries["fy"].between(award["first_fiscal_year"], award["last_fiscal_year"])
            & (entries["acf_region"] != "")
        ]
        assert len(rows)
        assert set(rows["acf_region"]) <= set(award["acf_regions"].split(";"))
    assert set(entries["acf_region"]) <= {"", *(str(r) for r in range(1, 11))}


def test_reopened_cases_are_later_entries_of_the_same_person(export: Path) -> None:
    entries = read(export / "entries.csv").sort_values("intake_date", kind="stable")
    order = entries.groupby(["grantee", "client_id"]).cumcount()
    assert (entries.loc[order == 0, "intake_type"] == "new").all()
    assert (entries.loc[order > 0, "intake_type"] == "reopened").all()
    assert (order > 0).sum() > 0
    years = fiscal_year(entries["intake_date"])
    span = years.groupby([entries["grantee"], entries["client_id"]]).agg(["min", "max"])
    assert (span["max"] > span["min"]).sum() > 0  # re-entries in a later fiscal year
    assert not entries.duplicated(["grantee", "client_id", "intake_date"]).any()


def test_same_client_id_at_two_grantees_is_two_people(export: Path) -> None:
    entries = read(export / "entries.csv")
    assert (entries.groupby("client_id")["grantee"].nunique() > 1).any()


def test_optional_fields_are_sometimes_blank(export: Path) -> None:
    entries = read(export / "entries.csv")
    for column in ("referral_date", "age_at_intake", "acf_region", "eligibility_status", *FAMILY):
        assert (entries[column] == "").any(), column
    assert {"unknown", ""} <= set(entries["trafficking_type"])
    assert set(entries["trafficking_type"]) <= {"", *reading.TRAFFICKING_TYPES}
    assert set(entries["eligibility_status"]) <= {"", *reading.ELIGIBILITY_STATUSES}
    assert (entries["family_spouse"].replace("", "0").astype(int) <= 1).all()
    ages = entries.loc[entries["age_at_intake"] != "", "age_at_intake"].astype(int)
    assert ages.between(0, 120).all() and (ages < 18).any()


def test_dates_keep_the_contract(export: Path) -> None:
    entries, closures = read(export / "entries.csv"), read(export / "closures.csv")
    referred = entries[entries["referral_date"] != ""]
    assert (referred["referral_date"] <= referred["intake_date"]).all()
    assert (referred["referral_date"] < referred["intake_date"]).any()
    first = entries.groupby(["grantee", "client_id"])["intake_date"].min()
    closed = closures.join(first, on=["grantee", "client_id"])
    assert closed["intake_date"].notna().all()
    assert (closed["closure_date"] > closed["intake_date"]).all()
    people_closed = closures[["grantee", "client_id"]].drop_duplicates()
    assert len(people_closed) > 0.8 * len(first)
    assert pd.to_datetime(closures["closure_date"]).max() < pd.Timestamp.today()


def test_every_row_and_the_readme_say_synthetic(export: Path) -> None:
    for name, columns in (
        ("entries.csv", reading.ENTRY_COLUMNS),
        ("closures.csv", reading.CLOSURE_COLUMNS),
    ):
        with open(export / name, encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [*columns, "data_origin"]
        assert (read(export / name)["data_origin"] == "synthetic").all()
    assert "SYNTHETIC" in (export / "README.txt").read_text(encoding="utf-8")


def test_files_pass_the_validator(export: Path) -> None:
    entries = reading.read_entries(export / "entries.csv")
    closures = reading.read_closures(export / "closures.csv", entries)
    assert reading.is_all_synthetic(entries) and reading.is_all_synthetic(closures)
    assert len(entries) == len(read(export / "entries.csv"))


def test_synthesize_then_ppr_gives_the_published_total(tmp_path: Path, catalog: Catalog) -> None:
    assert cli.main(["synthesize", "--out", str(tmp_path / "in"), "--seed", "4"]) == 0
    status = cli.main(
        [
            "ppr",
            "--entries",
            str(tmp_path / "in" / "entries.csv"),
            "--closures",
            str(tmp_path / "in" / "closures.csv"),
            "--out",
            str(tmp_path / "out"),
            "--no-suppress",
        ]
    )
    assert status == 0
    table = read(tmp_path / "out" / "clients_by_fiscal_year.csv").set_index("fiscal_year")
    total = table.loc["Total"]
    assert int(total["victims"]) == catalog.value("s01_victims")
    assert int(total["family_members"]) == catalog.value("s01_family_members")
    assert int(total["clients"]) == catalog.value("s01_clients")
    assert table["notice"].str.contains("SYNTHETIC").all()


@pytest.mark.parametrize(
    "arguments",
    [["--scale", "0"], ["--scale", "many"], ["--scale", "-2"], ["--seed", "-1"], ["--seed", "x"]],
)
def test_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str]
) -> None:
    assert cli.main(["synthesize", "--out", str(tmp_path / "out"), *arguments]) == 2
    assert arguments[0] in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_existing_files_are_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "entries.csv").write_text("mine\n", encoding="utf-8")
    assert cli.main(["synthesize", "--out", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "entries.csv").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "closures.csv").exists()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.001, 0.4))
def test_any_seed_and_scale_holds_the_targets_and_the_rules(
    catalog: Catalog, seed: int, scale: float
) -> None:
    made = synthetic.generate(catalog, seed=seed, scale=scale)
    entries = made.entries
    family = entries[FAMILY].fillna(0).astype(int).sum(axis=1)
    latest = entries.assign(family=family).sort_values("intake_date")
    latest = latest.groupby(["grantee", "client_id"], observed=True).tail(1)
    assert len(latest) == made.victims == round(catalog.value("s01_victims") * scale)
    assert latest["family"].sum() == made.family_members
    assert made.family_members == round(catalog.value("s01_family_members") * scale)
    assert (entries[FAMILY].fillna(0) >= 0).all().all()
    referred = entries.dropna(subset=["referral_date"])
    assert (referred["referral_date"] <= referred["intake_date"]).all()
    first = entries.groupby(["grantee", "client_id"], observed=True)["intake_date"].min()
    closed = made.closures.join(first, on=["grantee", "client_id"])
    assert (closed["closure_date"] > closed["intake_date"]).all()
