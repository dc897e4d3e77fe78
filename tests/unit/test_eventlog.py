"""The event log: rows packed into buffers, made into a column array each at the end."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from klantstroom.model.eventlog import CONTACT_COLUMNS, SPELL_COLUMNS, ContactLog, SpellLog
from klantstroom.model.queues import Contact, Queue


def test_contact_rows_come_back_by_name_and_type() -> None:
    log = ContactLog()
    # Distinct values per column, so a column read at the wrong offset shows.
    values = [i + 1 for i in range(len(CONTACT_COLUMNS))]
    log.append(*values)
    log.append(*[-v for v in values])
    columns = log.to_numpy()
    assert list(columns) == list(CONTACT_COLUMNS)
    assert len(log) == 2
    for (name, code), value in zip(CONTACT_COLUMNS.items(), values, strict=True):
        assert columns[name].dtype == np.dtype(code), name
        assert columns[name].tolist() == [value, -value], name


def test_a_contact_is_logged_with_its_own_fields() -> None:
    # The model's own types: a compiled model (klantstroom-compile) checks them.
    queue = Queue(0, service=2, channel=0, shop=-1, priority=0.0)
    contact = Contact(7, 5, -1, 2, queue, 1.5, journey_id=5, origin=0)
    contact.chasing = True
    contact.journey_end = 1
    contact.urgent = True
    contact.segment = 3
    log = ContactLog()
    log.record_contact(contact, 0, 2.0, 3.0, 3.5, 1, 4, 1)
    row = {name: column[0] for name, column in log.to_numpy().items()}
    assert (row["contact_id"], row["citizen_id"], row["attempt"], row["service"]) == (7, 5, 2, 2)
    assert (row["start_min"], row["end_min"], row["release_min"]) == (2.0, 3.0, 3.5)
    assert (row["staff_group"], row["staff_id"], row["resolved"]) == (1, 4, 1)
    assert math.isnan(row["slot_min"]) and row["urgent"] == 1 and row["segment"] == 3
    assert row["journey_end"] == 0  # a chase never ends its matter


def test_columns_are_arrays_of_their_own_with_the_rows_in_order_across_buffers() -> None:
    log = SpellLog()
    for i in range(1000):
        log.record(i, 1, -1, float(i), i + 8.0, i + 8.0, i % 3)
        if i % 300 == 0:
            log.new_chunk()
    log.new_chunk()
    log.new_chunk()  # nothing since the last one: no empty buffer
    log.record(1000, 2, 0, 1000.0, 1001.0, 1001.0, 0)
    assert len(log) == 1001
    columns = log.to_numpy()
    assert list(columns) == list(SPELL_COLUMNS)
    for name, code in SPELL_COLUMNS.items():
        column = columns[name]
        assert column.dtype == np.dtype(code) and column.flags.c_contiguous, name
        assert column.flags.owndata or column.base is None or column.base.flags.owndata, name
    assert not np.may_share_memory(columns["staff_id"], columns["off_min"])
    assert columns["staff_id"].tolist() == list(range(1001))
    assert columns["off_min"][999] == 1007.0 and columns["activity"][:4].tolist() == [0, 1, 2, 0]
    assert columns["shop"][-2:].tolist() == [-1, 0]


def test_a_log_made_into_columns_takes_no_more_rows() -> None:
    log = ContactLog()
    log.append(*range(1, len(CONTACT_COLUMNS) + 1))
    columns = log.to_numpy()
    assert log.to_numpy() is columns and len(log) == 1
    with pytest.raises(RuntimeError, match="takes no more rows"):
        log.append(*range(1, len(CONTACT_COLUMNS) + 1))


def test_the_log_and_its_columns_never_both_exist_whole() -> None:
    tracemalloc.start()
    try:
        log = SpellLog()
        for _ in range(100):  # a hundred days
            for i in range(1000):
                log.record(i, 1, -1, float(i), i + 8.0, i + 8.0, 0)
            log.new_chunk()
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        log.to_numpy()
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = len(log) * sum(np.dtype(code).itemsize for code in SPELL_COLUMNS.values())
    # The rows were freed as their columns were copied: at most a column's worth more at once
    # (8 of a row's 33 bytes), not a second copy of the whole log.
    assert peak - before < 0.5 * size
    assert after - before < 0.1 * size  # the columns replaced the rows


def test_a_value_out_of_range_is_refused() -> None:
    log = SpellLog()
    with pytest.raises(Exception, match=r"format requires|out of range"):
        log.record(1, 1, -1, 0.0, 1.0, 1.0, 300)  # activity is int8


def test_an_empty_log_gives_empty_columns() -> None:
    columns = ContactLog().to_numpy()
    assert all(len(column) == 0 for column in columns.values())
