import pytest

from analysis.published import clients
from tests.conftest import set_figure


def test_client_table_totals_parts_and_shares(catalog):
    table = clients.client_table(catalog).set_index("group")
    victims = catalog.value("s01_victims")
    family = catalog.value("s01_family_members")
    total = catalog.value("s01_clients")
    assert table.loc["Victims", "clients"] == victims
    assert table.loc["Qualified family members", "clients"] == family
    assert table.loc["All clients", "clients"] == total
    assert table.loc["Victims", "share_pct"] == round(victims / total * 100, 1)
    assert set(table["share_status"]) == {"derived"}
    assert table["share_pct"].iloc[:2].sum() == pytest.approx(100, abs=0.1)


def test_reconciliation_reports_a_broken_total(data_copy):
    from analysis.published import catalog as catalog_module

    set_figure(data_copy, "s01_family_members", "2500")
    result = clients.reconciliation(catalog_module.load(data_copy))
    assert not result.passed
    assert "s01_family_members = 2,500" in result.message


def test_chart_is_sourced_described_and_labelled(catalog):
    chart = clients.composition_chart(catalog)
    assert "S01" in chart.source_line and "published" in chart.source_line
    assert f"{int(catalog.value('s01_victims')):,}" in chart.description
    texts = [t.get_text() for t in chart.figure.axes[0].texts]
    assert any("6,665" in t for t in texts) and any("2,487" in t for t in texts)
    assert chart.title.startswith(f"{round(catalog.value('s01_victims_share_pct'))}%")
