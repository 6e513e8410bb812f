"""The README's sentences that state published figures are written from data/, not typed."""

from __future__ import annotations

import re

import pytest

from analysis.errors import InputError
from analysis.paths import REPO_ROOT
from analysis.published import catalog as catalog_module
from analysis.published import prose, readme
from tests.conftest import set_figure


def written(text: str, name: str) -> str:
    begin, end = readme.BEGIN.format(name=name), readme.END.format(name=name)
    match = re.search(re.escape(begin) + r"\n(.*?)\n" + re.escape(end), text, re.S)
    assert match, f"README.md has no section {name!r}"
    return match.group(1)


def test_readme_sections_are_as_written_from_data(catalog):
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for name, body in readme.sections(catalog).items():
        assert written(text, name) == body, f"{name}: run `make package`"


@pytest.mark.slow
def test_the_written_intro_states_no_number_that_data_does_not_give(catalog):
    body = readme.sections(catalog)["intro"]
    assert prose.typed_numbers(body)  # the check looks at numbers that are there
    assert prose.unsourced(body, catalog) == []


@pytest.mark.slow
def test_a_changed_figure_changes_the_readme(data_copy, tmp_path):
    set_figure(data_copy, "s01_victims", "6000")
    set_figure(data_copy, "s01_family_members", "3152")
    changed = catalog_module.load(data_copy)
    path = tmp_path / "README.md"
    path.write_text((REPO_ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    readme.write(changed, path)
    body = written(path.read_text(encoding="utf-8"), "intro")
    assert "6,000 victims and 3,152 qualified family members" in body
    assert "6,665" not in body and "2,487" not in body


def test_a_missing_marker_is_a_message():
    with pytest.raises(InputError, match="no section marked"):
        readme.update("no markers here", {"intro": "text"})
