"""Numbers in the notebooks' prose come from data: rendered from the catalogue, never typed."""

import nbformat
import pytest

from analysis.published import catalog as catalog_module
from analysis.published import figure_catalogue, prose
from tests.conftest import set_figure

NARRATED = ("01", "02", "03", "04", "05", "06")


def narrated_notebooks():
    return [nb for nb in figure_catalogue.notebooks() if nb.name[:2] in NARRATED]


def test_every_narrated_notebook_is_checked():
    assert [nb.name[:2] for nb in narrated_notebooks()] == list(NARRATED)


@pytest.mark.parametrize("notebook", narrated_notebooks(), ids=lambda p: p.name[:2])
def test_no_figure_is_typed_into_a_markdown_cell(notebook):
    typed = {
        n: text[:60] for text in prose.markdown_cells(notebook) for n in prose.typed_numbers(text)
    }
    assert not typed, f"{notebook.name}: numbers typed in Markdown (render them from data): {typed}"


@pytest.mark.parametrize("notebook", narrated_notebooks(), ids=lambda p: p.name[:2])
def test_every_number_left_in_markdown_is_one_the_data_give(catalog, notebook):
    for text in prose.markdown_cells(notebook):
        assert not prose.unsourced(text, catalog), (notebook.name, text[:80])


def test_a_typed_number_that_disagrees_with_data_is_caught(fixture_catalog, tmp_path):
    notebook = tmp_path / "01-typed.ipynb"
    cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 121"),
        nbformat.v4.new_markdown_cell(
            "The two grantees served 121 clients, 75.5 % of them victims, for $4.6 million."
        ),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    texts = prose.markdown_cells(notebook)
    assert texts[0] == "# Title" and len(texts) == 2
    assert prose.typed_numbers(texts[-1]) == ["121", "75.5 %", "$4.6 million"]
    assert prose.unsourced(texts[-1], fixture_catalog) == ["121", "75.5 %", "$4.6 million"]


def test_a_typed_number_that_agrees_with_data_is_still_flagged_as_typed(fixture_catalog):
    text = "the two grantees served 120 clients, 75 % of them victims, for $4.5 million"
    assert prose.unsourced(text, fixture_catalog) == []
    assert prose.typed_numbers(text) == ["120", "75 %", "$4.5 million"]


def test_numbers_of_tables_and_rules_are_known_values(fixture_catalog):
    known = prose.known_values(fixture_catalog)
    assert {"2015", "2018", "50000", "0.5"} <= known  # award years, a rule's gap and tolerance
    assert "$1 million" in known and "128.7" not in known
    assert prose.unsourced("a gap of 50,000 over 5 regions", fixture_catalog) == []  # acf_regions
    assert prose.unsourced("a gap of 50,001 over 6 regions", fixture_catalog) == ["50,001", "6"]


def test_years_dates_ids_and_sections_are_not_figures():
    text = (
        "## 3. FY2001 and FY 21\n\nOn 13 June 2011 (2011-06-13), S13 and rule `rule-129-x`, "
        "HHS-2011-ACF-ORR-ZV-0148, OMB 0970-0467, 78 FR 56907, Assistance Listing 93.598, "
        "ACF Regions 1, 2, 5 and 10, cohorts 1 and 2, notebook 05, section 5, SHA-256."
    )
    assert prose.typed_numbers(text) == []


def test_render_formats_by_unit_and_follows_the_data(fixture_data_copy):
    set_figure(fixture_data_copy, "s01_served_total", "150")
    set_figure(fixture_data_copy, "s01_served_victims", "100")
    cat = catalog_module.load(fixture_data_copy)
    text = prose.render(
        cat,
        "{s01_served_total} ({s01_served_victims}); {s01_served_victims_share_pct}; "
        "{s01_awards_usd}",
    )
    assert text == "150 (100); 66.7 %; $4.5 million"
    assert prose.render(cat, "FY{s01_first_fiscal_year:raw}") == "FY2012"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{s01_served_victims_share_pct:pct0}", "75 %"),
        ("{s01_served_victims_share_pct:pct1}", "75 %"),
        ("{s02_growth_pct}", "129 %"),
        ("{s01_awards_usd:usd}", "$4,500,000"),
        ("{s01_awards_usd:raw}", "4500000"),
        ("{s03_spending_staff_usd}", "$600,000"),
        ("{s03_spending_usd}", "$1 million"),
        ("{s01_first_fiscal_year:int}", "2,012"),
    ],
)
def test_render_styles(fixture_catalog, template, expected):
    assert prose.render(fixture_catalog, template) == expected


def test_render_refuses_an_unknown_style(fixture_catalog):
    with pytest.raises(ValueError, match="unknown style 'roman' for figure s01_served_total"):
        prose.render(fixture_catalog, "{s01_served_total:roman}")


def test_render_names_an_unknown_figure(fixture_catalog):
    with pytest.raises(KeyError, match="s01_nowhere"):
        prose.render(fixture_catalog, "{s01_nowhere}")
