"""Reading the event log's columns: ``take_rows`` takes the same rows of several columns."""

from __future__ import annotations

import numpy as np

from klantstroom.model.eventlog import ContactLog
from klantstroom.tables.columns import take_rows


def test_rows_come_in_the_order_asked_with_repeats() -> None:
    columns = {"id": np.array([10, 11, 12, 13]), "at": np.array([0.5, 1.5, 2.5, 3.5])}
    taken = take_rows(columns, np.array([3, 0, 0, 2]), ["at", "id"])
    assert list(taken) == ["at", "id"]
    assert taken["id"].tolist() == [13, 10, 10, 12]
    assert taken["at"].tolist() == [3.5, 0.5, 0.5, 2.5]


def test_a_boolean_mask_takes_the_rows_it_marks() -> None:
    columns = {"id": np.array([10, 11, 12, 13], dtype=np.int16)}
    taken = take_rows(columns, np.array([False, True, False, True]), ["id"])
    assert taken["id"].tolist() == [11, 13] and taken["id"].dtype == np.int16


def test_the_log_s_columns_are_taken_as_they_were_logged() -> None:
    log = ContactLog()
    names = list(ContactLog.COLUMNS)
    for k in range(5):  # row k holds 10 k + (the column's position)
        log.append(*[10 * k + i for i in range(len(names))])
        log.new_chunk()
    taken = take_rows(log.to_numpy(), np.array([4, 1]), ["contact_id", "arrival_min", "segment"])
    assert taken["contact_id"].tolist() == [40, 10]
    at, segment = names.index("arrival_min"), names.index("segment")
    assert taken["arrival_min"].tolist() == [40.0 + at, 10.0 + at]
    assert taken["segment"].tolist() == [40 + segment, 10 + segment]
