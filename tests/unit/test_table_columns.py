"""Reading the event log's columns: rows taken from many columns at once are the rows taken one
column at a time, whichever way take_rows reads them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from klantstroom.model.eventlog import CONTACT_COLUMNS
from klantstroom.tables.columns import take_rows


def _log_columns(n: int, seed: int) -> dict[str, np.ndarray]:
    """Columns of ``n`` random contact-log rows, as the model hands them over: views of one
    packed record array (:meth:`klantstroom.model.eventlog.RowLog.to_numpy`)."""
    rng = np.random.default_rng(seed)
    records = np.zeros(n, dtype=[(name, "=" + code) for name, code in CONTACT_COLUMNS.items()])
    for name, code in CONTACT_COLUMNS.items():
        records[name] = rng.normal(size=n) if code == "d" else rng.integers(-1, 100, size=n)
    return {name: records[name] for name in CONTACT_COLUMNS}


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(0, 60_000),
    seed=st.integers(0, 2**16),
    share=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
    which=st.sampled_from(["all", "few", "half"]),
)
def test_rows_taken_together_are_the_rows_taken_one_by_one(
    n: int, seed: int, share: float, which: str
) -> None:
    columns = _log_columns(n, seed)
    rng = np.random.default_rng(seed)
    # A selection in scattered order with repeats, as the tables take rows (sorted by contact
    # id or by journey); above 16,384 rows it spans several of take_rows' blocks.
    rows = rng.permutation(np.flatnonzero(rng.random(n) < share))
    if len(rows):
        rows = np.concatenate([rows, rng.choice(rows, size=len(rows) // 3)])
    names = {
        "all": list(columns),
        "few": ["arrival_min", "origin"],
        "half": list(columns)[::2],
    }[which]
    taken = take_rows(columns, rows, names)
    assert list(taken) == names
    for name in names:
        expected = columns[name][rows]
        assert taken[name].dtype == expected.dtype
        np.testing.assert_array_equal(taken[name], expected)


def test_separate_arrays_give_the_same_rows_as_a_record_array() -> None:
    columns = _log_columns(40_000, 3)
    rows = np.random.default_rng(4).permutation(40_000)[:30_000]
    by_record = take_rows(columns, rows, columns)
    apart = take_rows({name: column.copy() for name, column in columns.items()}, rows, columns)
    for name in columns:
        np.testing.assert_array_equal(by_record[name], apart[name])


def test_a_slice_of_a_record_array_or_swapped_names_take_their_own_rows() -> None:
    columns = _log_columns(100, 5)
    records = columns["contact_id"].base
    assert isinstance(records, np.ndarray)
    rows = np.array([2, 0, 1])
    # Views of a slice: .base is the whole array, three records earlier.
    sliced = {name: records[3:][name] for name in CONTACT_COLUMNS}
    # The key names one field, the view is another's (same width).
    swapped = dict(columns, arrival_min=columns["start_min"], start_min=columns["arrival_min"])
    for case in (sliced, swapped):
        taken = take_rows(case, rows, CONTACT_COLUMNS)
        for name in CONTACT_COLUMNS:
            np.testing.assert_array_equal(taken[name], case[name][rows])


def test_a_boolean_mask_takes_the_rows_it_marks() -> None:
    columns = _log_columns(30, 6)
    mask = np.zeros(30, dtype=bool)
    mask[[4, 17]] = True
    taken = take_rows(columns, mask, CONTACT_COLUMNS)
    for name in CONTACT_COLUMNS:
        np.testing.assert_array_equal(taken[name], columns[name][mask])
