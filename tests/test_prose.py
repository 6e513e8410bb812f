"""Numbers in the notebooks' prose come from data: rendered from the catalogue, never typed."""

import json

import pytest

from analysis.published import catalog as catalog_module
from analysis.published import figure_catalogue, prose
from tests.conftest import set_figure

NARRATED = ("01", "02", "03", "04", "06")


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


def test_a_typed_number_that_disagrees_with_data_is_caught(catalog, tmp_path):
    notebook = narrated_notebooks()[0]
    cells = json.loads(notebook.read_text(encoding="utf-8"))
    cells["cells"].append(
        {
            "cell_type": "markdown",
            "id": "typed",
            "metadata": {},
            "source": ["The four grantees served 9,153 clients, 72.9 % of them victims."],
        }
    )
    edited = tmp_path / notebook.name
    edited.write_text(json.dumps(cells), encoding="utf-8")
    texts = prose.markdown_cells(edited)
    assert prose.typed_numbers(texts[-1]) == ["9,153", "72.9 %"]
    assert prose.unsourced(texts[-1], catalog) == ["9,153", "72.9 %"]


def test_a_typed_number_that_agrees_with_data_is_still_flagged_as_typed(catalog):
    text = "the four grantees served 9,152 clients"
    assert prose.unsourced(text, catalog) == []
    assert prose.typed_numbers(text) == ["9,152"]


def test_years_dates_ids_and_sections_are_not_figures():
    text = (
        "## 3. FY2001 and FY 21\n\nOn 13 June 2011 (2011-06-13), S13 and rule `rule-129-x`, "
        "HHS-2011-ACF-ORR-ZV-0148, OMB 0970-0467, 78 FR 56907, Assistance Listing 93.598, "
        "ACF Regions 1, 2, 5 and 10, cohorts 1 and 2, notebook 05, section 5, SHA-256."
    )
    assert prose.typed_numbers(text) == []


def test_render_formats_by_unit_and_follows_the_data(data_copy):
    set_figure(data_copy, "s01_clients", "9487")
    set_figure(data_copy, "s01_victims", "7000")
    cat = catalog_module.load(data_copy)
    text = prose.render(
        cat, "{s01_clients} ({s01_victims}); {s01_victims_share_pct}; {s04_fy2012_awards_usd}"
    )
    assert text == "9,487 (7,000); 73.8 %; $4.5 million"
    assert prose.render(cat, "FY{s01_cohort_1_first_fiscal_year:raw}") == "FY2012"


def test_render_names_an_unknown_figure(catalog):
    with pytest.raises(KeyError, match="s01_nowhere"):
        prose.render(catalog, "{s01_nowhere}")
