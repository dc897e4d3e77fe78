"""The event log: rows packed into one buffer read back as columns, without a copy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from klantstroom.model.eventlog import CONTACT_COLUMNS, SPELL_COLUMNS, ContactLog, SpellLog


def test_contact_rows_come_back_by_name_and_type() -> None:
    log = ContactLog()
    # Distinct values per column, so a column read at the wrong offset shows.
    values = [i + 1 for i in range(len(CONTACT_COLUMNS))]
    log.record(*values)
    log.record(*[-v for v in values])
    columns = log.to_numpy()
    assert list(columns) == list(CONTACT_COLUMNS)
    assert len(log) == 2
    for (name, code), value in zip(CONTACT_COLUMNS.items(), values, strict=True):
        assert columns[name].dtype == np.dtype(code), name
        assert columns[name].tolist() == [value, -value], name


def test_defaults_are_none_and_no_time() -> None:
    log = ContactLog()
    log.record(7, 7, -1, 1, 0, 2, -1, 1.5, 2.0, 3.0, 3.5, 0, 1, 4, 1)
    row = {name: column[0] for name, column in log.to_numpy().items()}
    assert row["journey_id"] == -1 and row["department"] == -1
    assert math.isnan(row["slot_min"]) and math.isnan(row["due_min"])
    assert row["appointment"] == 0 and row["segment"] == 0


def test_columns_are_views_of_one_buffer() -> None:
    log = SpellLog()
    for i in range(1000):
        log.record(i, 1, -1, float(i), i + 8.0, i + 8.0, i % 3)
    columns = log.to_numpy()
    assert list(columns) == list(SPELL_COLUMNS)
    # Interleaved fields of one buffer: their byte ranges overlap, their bytes do not.
    assert np.may_share_memory(columns["staff_id"], columns["off_min"])
    assert not columns["staff_id"].flags.owndata
    assert columns["off_min"][999] == 1007.0 and columns["activity"][:4].tolist() == [0, 1, 2, 0]


def test_a_value_out_of_range_is_refused() -> None:
    log = SpellLog()
    with pytest.raises(Exception, match=r"format requires|out of range"):
        log.record(1, 1, -1, 0.0, 1.0, 1.0, 300)  # activity is int8


def test_an_empty_log_gives_empty_columns() -> None:
    columns = ContactLog().to_numpy()
    assert all(len(column) == 0 for column in columns.values())
