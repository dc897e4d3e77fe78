"""SortedRows: every selection holds the rows, in the order, that filtering the table gave."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klantstroom.analysis.groups import is_value, nested_groups
from klantstroom.analysis.journeys import _equal_weights_p90, _weighted_p90
from klantstroom.analysis.sortedrows import (
    CALLBACKS,
    Rows,
    contact_rows,
    journey_rows,
    quantile_of,
)

CHANNELS = ["phone", "counter", "digital"]
SERVICES = ["paspoort", "rijbewijs", "afval"]
ORIGINS = ["new", "redial", "callback", "chase"]


def _contacts(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def cat(values: list[str | None], categories: list[str]) -> pd.Categorical:
        return pd.Categorical(values, categories=categories)

    def pick(options: Sequence[str | None]) -> list[str | None]:
        return [options[i] for i in rng.integers(0, len(options), n)]

    return pd.DataFrame(
        {
            "contact_id": np.arange(n),
            "replication": rng.integers(0, 3, n).astype(np.int32),
            # A service the categories list in another order than the rows meet them, and a
            # missing one: the channel's rows put it first, as the grouping did.
            "channel": cat(pick(CHANNELS), CHANNELS),
            "service": cat(pick([*SERVICES, None]), SERVICES[::-1]),
            "shop": pick(["centrum", "noord", None]),
            "segment": cat(pick(["digivaardig", "kwetsbaar"]), ["digivaardig", "kwetsbaar"]),
            "origin": cat(pick(ORIGINS), ORIGINS),
            "outcome": cat(pick(["served", "abandoned"]), ["served", "abandoned"]),
            "arrival_min": rng.uniform(0, 1000, n),
            "wait_min": rng.exponential(1.0, n),
            "resolved": pd.array(
                [None if r < 0.3 else bool(r < 0.7) for r in rng.uniform(size=n)], "boolean"
            ),
            "appointment": rng.uniform(size=n) < 0.5,
        }
    )


def _filtered(
    table: pd.DataFrame, rep: int, key: tuple[str, ...], window: tuple[float, float], **only: object
) -> pd.DataFrame:
    """The selection as the KPIs made it before: filters, then the nested groups.

    ``key`` is (channel,) or (channel, service); ``only`` may hold ``inbound`` (bool) and
    ``where`` (column, value).
    """
    arrival = table["arrival_min"].to_numpy()
    rows = table[(arrival >= window[0]) & (arrival < window[1])]
    rows = rows[rows["replication"] == rep]
    if only.get("inbound"):
        rows = rows[~is_value(rows["origin"], "callback")]
    keys = ["channel", "service"]
    where = only.get("where")
    if isinstance(where, tuple):
        keys = [where[0], *keys]
        key = (where[1], *key)
    levels = nested_groups(rows, keys)
    return levels[len(key) - 1].get(key, rows.iloc[:0])


@settings(max_examples=60)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(0, 300),
    rep=st.integers(0, 3),
    channel=st.sampled_from([*CHANNELS, "chat"]),
    service=st.sampled_from([None, *SERVICES, "wmo"]),
    window=st.tuples(st.floats(0, 1000), st.floats(0, 1000)),
    inbound=st.booleans(),
    where=st.sampled_from(
        [None, ("shop", "centrum"), ("shop", "elders"), ("segment", "kwetsbaar")]
    ),
)
def test_a_selection_is_the_filtered_group_in_its_order(
    seed: int,
    n: int,
    rep: int,
    channel: str,
    service: str | None,
    window: tuple[float, float],
    inbound: bool,
    where: tuple[str, str] | None,
) -> None:
    table = _contacts(seed, n)
    keys = (channel,) if service is None else (channel, service)
    rows = contact_rows(table).select(
        rep, keys, window_min=window, drop=CALLBACKS if inbound else None, where=where
    )
    expected = _filtered(table, rep, keys, window, inbound=inbound, where=where)
    assert len(rows) == len(expected)
    # The same rows in the same order: every mean adds the same numbers in the same order.
    np.testing.assert_array_equal(rows["contact_id"], expected["contact_id"].to_numpy())
    np.testing.assert_array_equal(rows["wait_min"], expected["wait_min"].to_numpy())
    np.testing.assert_array_equal(
        rows["resolved"], expected["resolved"].to_numpy(dtype=float, na_value=np.nan)
    )
    for value in ("served", "abandoned", "no_show"):
        np.testing.assert_array_equal(
            rows.is_value("outcome", value), is_value(expected["outcome"], value)
        )


@settings(max_examples=60)
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(0, 300),
    rep=st.integers(0, 3),
    channel=st.sampled_from(CHANNELS),
    keys=st.lists(st.sampled_from([*SERVICES, "wmo"]), max_size=4, unique=True),
    by_shop=st.booleans(),
)
def test_groups_give_each_selection_its_own_count_mean_and_percentile(
    seed: int, n: int, rep: int, channel: str, keys: list[str], by_shop: bool
) -> None:
    # The grouped KPIs must equal, to the bit, what a selection per group gave (a mean adds the
    # same numbers in the same order; a percentile is numpy.quantile's).
    table = _contacts(seed, n)
    sorted_rows = contact_rows(table)
    made = sorted_rows.select(rep, (channel,), window_min=(100.0, 900.0), drop=CALLBACKS)
    if by_shop:
        pairs = [(shop, service) for shop in ("noord", "centrum") for service in keys]
        grouped = made.grouped(("shop", "service"), pairs)
    else:
        pairs = [("", service) for service in keys]
        grouped = made.grouped(("service",), [(service,) for service in keys])
    assert grouped.n_groups == len(pairs)
    served = grouped.is_value("outcome", "served")
    counts = grouped.count(served)
    means = grouped.mean(grouped["wait_min"], served)
    p90s = grouped.quantile(grouped["wait_min"], served, 0.9)
    for k, (shop, service) in enumerate(pairs):
        own = sorted_rows.select(
            rep,
            (channel, service),
            window_min=(100.0, 900.0),
            drop=CALLBACKS,
            where=("shop", shop) if by_shop else None,
        )
        wait = own["wait_min"][own.is_value("outcome", "served")]
        assert counts[k] == len(wait)
        if len(wait):
            assert means[k] == wait.mean()
            assert p90s[k] == np.quantile(wait, 0.9)
        else:
            assert np.isnan(means[k]) and np.isnan(p90s[k])


@settings(max_examples=200)
@given(
    values=st.lists(
        st.one_of(st.floats(-1e6, 1e6), st.sampled_from([0.0, 1.0, 2.5])), min_size=1, max_size=60
    ),
    q=st.sampled_from([0.0, 0.1, 0.5, 0.9, 0.95, 1.0]),
    with_nan=st.booleans(),
)
def test_quantile_of_is_numpys_quantile_to_the_bit(
    values: list[float], q: float, with_nan: bool
) -> None:
    array = np.array([*values, np.nan] if with_nan else values)
    expected = np.quantile(array, q)
    got = quantile_of(array.copy(), q)
    assert (np.isnan(expected) and np.isnan(got)) or got == expected


def test_without_a_window_every_period_row_counts() -> None:
    table = _contacts(3, 200)
    everything = contact_rows(table).select(1, ["phone"], window_min=None)
    expected = _filtered(table, 1, ("phone",), (-np.inf, np.inf))
    np.testing.assert_array_equal(everything["contact_id"], expected["contact_id"].to_numpy())


def test_an_empty_table_selects_nothing() -> None:
    rows = contact_rows(_contacts(1, 0)).select(0, ["phone", "paspoort"], window_min=(0.0, 10.0))
    assert len(rows) == 0 and len(rows["wait_min"]) == 0
    assert not rows.is_value("outcome", "served").any()


def test_rows_of_a_frame_read_codes_floats_and_booleans() -> None:
    frame = pd.DataFrame(
        {
            "outcome": pd.Categorical(["served", None, "abandoned"]),
            "shop": ["noord", None, "noord"],
            "late": pd.array([True, None, False], "boolean"),
            "appointment": [True, False, True],
        }
    )
    rows = Rows.of(frame)
    assert len(rows) == 3 and "late" in rows and "wait_min" not in rows
    assert rows.is_value("outcome", "served").tolist() == [True, False, False]
    assert rows.is_value("shop", "noord").tolist() == [True, False, True]
    assert not rows.is_value("shop", "zuid").any()
    np.testing.assert_array_equal(rows["late"], [1.0, np.nan, 0.0])
    assert rows["appointment"].dtype == bool
    with pytest.raises(KeyError):
        rows["wait_min"]


def test_journeys_in_order_and_by_service_as_the_grouping_gave_them() -> None:
    rng = np.random.default_rng(5)
    n = 400
    journeys = pd.DataFrame(
        {
            "journey_id": np.arange(n),
            "replication": np.sort(rng.integers(0, 2, n)).astype(np.int32),
            "service": pd.Categorical(
                [SERVICES[i] for i in rng.integers(0, 3, n)], categories=SERVICES[::-1]
            ),
            "segment": pd.Categorical([["a", "b"][i] for i in rng.integers(0, 2, n)]),
            "start_min": rng.uniform(0, 100, n),
        }
    )
    rows = journey_rows(journeys)
    window = (20.0, 70.0)
    start = journeys["start_min"].to_numpy()
    period = journeys[(start >= window[0]) & (start < window[1])]
    for rep in (0, 1):
        mine = period[period["replication"] == rep]
        # All services of a replication: the table's order.
        ids = rows.in_order.select(rep, window_min=window)["journey_id"]
        np.testing.assert_array_equal(ids, mine["journey_id"].to_numpy())
        # A segment's, and a segment's per service: as nested_groups gave them.
        segment_of, by_service = nested_groups(mine, ["segment", "service"])
        ids = rows.by_service.select(rep, window_min=window, where=("segment", "b"))
        np.testing.assert_array_equal(
            ids["journey_id"], segment_of[("b",)]["journey_id"].to_numpy()
        )
        ids = rows.by_service.select(rep, ["afval"], window_min=window, where=("segment", "a"))
        np.testing.assert_array_equal(
            ids["journey_id"], by_service[("a", "afval")]["journey_id"].to_numpy()
        )


def test_a_table_read_back_without_origin_or_with_booleans_as_objects() -> None:
    table = _contacts(9, 50).drop(columns="origin")
    # No origin column: no callback to leave out, every row counts (as inbound() did).
    rows = contact_rows(table).select(0, ["phone"], window_min=None, drop=CALLBACKS)
    expected = _filtered(table, 0, ("phone",), (-np.inf, np.inf))
    np.testing.assert_array_equal(rows["contact_id"], expected["contact_id"].to_numpy())
    # Booleans stored as Python objects are read as 1, 0 and NaN, not as text codes.
    late = Rows.of(pd.DataFrame({"late": np.array([True, False, None, False], dtype=object)}))
    np.testing.assert_array_equal(late["late"], [1.0, 0.0, np.nan, 0.0])


@settings(max_examples=200)
@given(
    values=st.lists(
        st.one_of(st.floats(0, 400), st.sampled_from([0.0, 1.0, 2.5])), min_size=0, max_size=80
    )
)
def test_the_p90_of_equal_weights_is_the_weighted_p90_to_the_bit(values: list[float]) -> None:
    # A service's journeys all weigh 1: the partial sort must give what sorting them all gave.
    array = np.array(values, dtype=float)
    expected = _weighted_p90(array, np.ones(len(array)))
    got = _equal_weights_p90(array.copy())
    assert (np.isnan(expected) and np.isnan(got)) or got == expected
