"""Small-count suppression: hand-checked cases and properties over random tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.records import disclosure

COUNTS = ["entries", "victims", "family_members", "clients"]


def table_of(rows: list[tuple[int, int, int]], total: tuple[int, int, int] | None = None):
    """A fiscal-year-like table: entries, victims, family_members, clients = v + f, Total."""
    frame = pd.DataFrame(rows, columns=["entries", "victims", "family_members"])
    frame.insert(0, "fiscal_year", [str(2012 + i) for i in range(len(rows))])
    if total is None:
        total = tuple(int(frame[c].sum()) for c in ["entries", "victims", "family_members"])
    frame.loc[len(frame)] = ["Total", *total]
    frame["clients"] = frame["victims"] + frame["family_members"]
    return frame.astype({c: "int64" for c in COUNTS})


def relations(table: pd.DataFrame) -> list[list[tuple[int, str]]]:
    """Every additive relation of such a table: columns with Total, clients = v + f."""
    body = range(len(table) - 1)
    total = len(table) - 1
    out = [[(r, c) for r in body] + [(total, c)] for c in COUNTS]
    out += [[(r, "victims"), (r, "family_members"), (r, "clients")] for r in range(len(table))]
    return out


def test_small_counts_are_hidden_and_zero_shown():
    table = table_of([(30, 20, 0), (5, 5, 12)])
    shown = disclosure.suppress(table, COUNTS)
    assert shown.loc[1, "entries"] == "<11" and shown.loc[1, "victims"] == "<11"
    assert shown.loc[0, "family_members"] == "0"
    # 30 is hidden to protect the 5: it is marked as what it is, not as a small count.
    assert shown.loc[0, "entries"] == "suppressed" and shown.loc[2, "entries"] == "35"


def test_the_smallest_other_cell_is_hidden_as_complement():
    # entries column: 5 is hidden; the smallest other visible non-zero cell is 12 (not the
    # Total 47 and not 30).
    table = pd.DataFrame({"label": ["a", "b", "c", "Total"], "n": [5, 12, 30, 47]})
    mask = disclosure.hidden_mask(table, ["n"])
    assert mask["n"].tolist() == [True, True, False, False]
    assert disclosure.suppress(table, ["n"])["n"].tolist() == ["<11", "suppressed", "30", "47"]


def test_a_zero_is_never_hidden():
    # 3 is hidden; the other parts are 0 and 20: hiding the 0 would not protect the 3.
    table = pd.DataFrame({"label": ["a", "b", "c", "Total"], "n": [3, 0, 20, 23]})
    assert disclosure.hidden_mask(table, ["n"])["n"].tolist() == [True, False, True, False]
    # Nothing non-zero is left in the first relation: the zero stays shown (no mark would be
    # true of it); the audit judges what is left.
    hidden = disclosure.protect([3, 0, 3], [[0, 1], [0, 2]])
    assert hidden.tolist() == [True, False, True]
    with pytest.raises(ValueError):
        disclosure.apply(table, pd.DataFrame({"n": [True, True, False, False]}))


def test_marks_and_legend_say_what_is_true():
    assert disclosure.mark_of(1) == "<11" and disclosure.mark_of(10) == "<11"
    assert disclosure.mark_of(11) == "suppressed" and disclosure.mark_of(500) == "suppressed"
    with pytest.raises(ValueError):
        disclosure.mark_of(0)
    assert disclosure.mark_of(4, threshold=5) == "<5" and disclosure.mark_of(5, 5) == "suppressed"
    text = disclosure.legend(11)
    assert "<11 = a count from 1 to 10" in text and "suppressed = a count of 11 or more" in text
    assert "a count of 1," in disclosure.legend(2)
    assert set(disclosure.marks(5)) == {"<5", "suppressed"}


def test_clients_relation_protects_within_a_row():
    # family 4 hidden; victims 40 and clients 44 shown would give it away.
    table = table_of([(50, 40, 4), (60, 50, 30)])
    mask = disclosure.hidden_mask(table, COUNTS)
    row = mask.loc[0, ["victims", "family_members", "clients"]]
    assert row.sum() >= 2


def test_threshold_is_configurable():
    table = pd.DataFrame({"label": ["a", "b", "Total"], "n": [15, 25, 40]})
    assert disclosure.suppress(table, ["n"], threshold=20)["n"].tolist() == [
        "<20",
        "suppressed",
        "40",
    ]
    assert disclosure.suppress(table, ["n"], threshold=1)["n"].tolist() == ["15", "25", "40"]
    with pytest.raises(ValueError):
        disclosure.suppress(table, ["n"], threshold=0)


def test_links_across_tables_hide_the_same_total_everywhere():
    a = pd.DataFrame({"label": ["x", "Total"], "n": [40, 40]})
    b = pd.DataFrame({"label": ["y", "z", "Total"], "n": [3, 37, 40]})
    layouts = {name: disclosure.Layout(("n",), "label") for name in "ab"}
    links = [[("a", 1, "n"), ("b", 2, "n")]]
    masks = disclosure.hidden_masks({"a": a, "b": b}, layouts, links=links)
    # b hides 3 and 37; a's Total is not involved, so nothing in a is hidden.
    assert masks["b"]["n"].tolist() == [True, True, False]
    assert masks["a"]["n"].tolist() == [False, False]
    # If b's Total must go (it is small), a's copy of it goes too, and a's only row with it.
    b_small = pd.DataFrame({"label": ["y", "z", "Total"], "n": [3, 4, 7]})
    a_small = pd.DataFrame({"label": ["x", "Total"], "n": [7, 7]})
    masks = disclosure.hidden_masks({"a": a_small, "b": b_small}, layouts, links=links)
    assert masks["a"]["n"].all() and masks["b"]["n"].all()


def test_percentages_of_hidden_counts_are_hidden():
    counts = pd.Series([5, 20, 25])
    hidden = pd.Series([True, True, False])
    shares = disclosure.percentages(counts, 50, hidden)
    assert shares.tolist() == ["suppressed", "suppressed", "50.0"]
    assert disclosure.percentages(counts, 50, hidden * False, True).tolist() == ["suppressed"] * 3
    assert disclosure.percentages(counts, 0).tolist() == ["", "", ""]


# ------------------------------------------------------------------------------------------
# Properties over random tables
# ------------------------------------------------------------------------------------------

small_or_large = st.one_of(st.integers(0, 12), st.integers(0, 200))
row = st.tuples(small_or_large, small_or_large, small_or_large)


@st.composite
def tables(draw):
    rows = draw(st.lists(row, min_size=1, max_size=6))
    exact = draw(st.booleans())
    total = None if exact else draw(row)  # a distinct-person Total need not be the sum
    threshold = draw(st.sampled_from([1, 2, 5, 11, 20]))
    return table_of(rows, total), threshold


@settings(max_examples=150, deadline=None)
@given(tables())
def test_properties_of_suppression(drawn):
    table, threshold = drawn
    mask = disclosure.hidden_mask(table, COUNTS, threshold=threshold)
    shown = disclosure.suppress(table, COUNTS, threshold=threshold)
    marker = f"<{threshold}"
    for column in COUNTS:
        for r in range(len(table)):
            value, cell = int(table.loc[r, column]), shown.loc[r, column]
            # No small count is shown.
            assert not (cell not in (marker, "suppressed") and 1 <= value < threshold)
            # A shown cell is unchanged; a hidden one carries the mark true of its value.
            if not mask.loc[r, column]:
                assert cell == str(value)
            elif 1 <= value < threshold:
                assert cell == marker
            else:
                assert cell == "suppressed" and value >= threshold
            # Every small count is hidden; no zero is.
            if 1 <= value < threshold:
                assert mask.loc[r, column]
            assert not (value == 0 and mask.loc[r, column])
    # No hidden cell is alone in a relation (unless its others are all zero).
    for relation in relations(table):
        hidden = [bool(mask.loc[r, c]) for r, c in relation]
        others = [int(table.loc[r, c]) for (r, c), h in zip(relation, hidden, strict=True) if not h]
        assert sum(hidden) != 1 or not any(others)
    # The label columns are untouched.
    assert shown["fiscal_year"].tolist() == table["fiscal_year"].tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=2, max_size=12),
    st.lists(st.lists(st.integers(0, 11), min_size=2, max_size=5), max_size=8),
    st.integers(1, 15),
)
def test_protect_is_a_deterministic_idempotent_fixed_point(values, raw_relations, threshold):
    relations_ = [[i % len(values) for i in r] for r in raw_relations]
    hidden = disclosure.protect(values, relations_, threshold)
    values_ = np.asarray(values)
    assert (hidden[(values_ >= 1) & (values_ < threshold)]).all()
    for relation in relations_:
        if len(set(relation)) >= 2:
            cells = sorted(set(relation))
            shown_non_zero = [c for c in cells if not hidden[c] and values_[c] > 0]
            assert hidden[cells].sum() != 1 or not shown_non_zero
    assert not hidden[values_ == 0].any()
    again = disclosure.protect(values, relations_, threshold, hidden=hidden)
    assert again.tolist() == hidden.tolist()
    assert disclosure.protect(values, relations_, threshold).tolist() == hidden.tolist()
