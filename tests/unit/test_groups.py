"""Grouping a table by keys as slices of one sorted copy (klantstroom.analysis.groups)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from klantstroom.analysis.groups import nested_groups


def test_levels_hold_each_prefix_in_row_order() -> None:
    table = pd.DataFrame(
        {
            "channel": pd.Categorical(["phone", "mail", "phone", "phone", None]),
            "service": ["a", "b", "b", "a", "a"],
            "x": [1, 2, 3, 4, 5],
        }
    )
    by_channel, by_service = nested_groups(table, ["channel", "service"])
    assert sorted(by_channel) == [("mail",), ("phone",)]
    assert by_channel[("phone",)]["x"].tolist() == [1, 4, 3]  # by service, then row order
    assert by_service[("phone", "a")]["x"].tolist() == [1, 4]
    assert by_service[("phone", "b")]["x"].tolist() == [3]
    # A row without a channel is in no group, as table[table.channel == ...] would leave it out.
    assert all(5 not in rows["x"].tolist() for rows in by_service.values())


def test_integer_keys_are_text_and_empty_tables_give_no_groups() -> None:
    spans = pd.DataFrame({"staff_group": np.array([2, 0, 2], dtype=np.int16), "x": [1, 2, 3]})
    (by_group,) = nested_groups(spans, ["staff_group"])
    assert {k: v["x"].tolist() for k, v in by_group.items()} == {("0",): [2], ("2",): [1, 3]}
    assert nested_groups(spans.iloc[:0], ["staff_group", "x"]) == [{}, {}]


@given(
    st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from(["x", "y"])), max_size=30)
)
def test_groups_equal_filters(rows: list[tuple[str | None, str]]) -> None:
    table = pd.DataFrame(rows, columns=["k1", "k2"]).assign(n=range(len(rows)))
    _, pairs = nested_groups(table, ["k1", "k2"])
    for k1 in ("a", "b"):
        for k2 in ("x", "y"):
            wanted = table[(table["k1"] == k1) & (table["k2"] == k2)]["n"].tolist()
            got = pairs.get((k1, k2), table.iloc[:0])["n"].tolist()
            assert got == wanted


def test_is_value_matches_a_comparison_for_categories_and_text() -> None:
    from klantstroom.analysis.groups import is_value

    values = ["served", "abandoned", None, "served"]
    for column in (pd.Series(pd.Categorical(values)), pd.Series(values, dtype="string")):
        assert is_value(column, "served").tolist() == [True, False, False, True]
        assert not is_value(column, "no_show").any()  # not a category at all
