"""Reading the event log's columns: ``take_rows`` takes the same rows of several columns, and
``concat_replications`` makes the replications' columns one table without copying them again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from klantstroom.model.eventlog import ContactLog
from klantstroom.tables.columns import concat_replications, take_rows
from klantstroom.tables.contacts import contacts_table
from klantstroom.tables.journeys import journeys_table
from klantstroom.tables.staff import spans_table

from factories import queue_config, simulation


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


def test_one_replication_s_columns_become_the_table_s_without_a_copy() -> None:
    ids, at = np.array([3, 1, 2]), np.array([0.5, 1.5, 2.5])
    table = concat_replications([{"id": ids, "at": at}], ["id", "at"], ())
    assert list(table.columns) == ["id", "at"]
    assert np.shares_memory(table["id"].to_numpy(), ids)
    assert np.shares_memory(table["at"].to_numpy(), at)


def test_replications_are_joined_in_order_and_keep_their_dtypes() -> None:
    codes = pd.Categorical.from_codes([0, 1], categories=["a", "b"])
    parts = [
        {"id": np.array([1, 2], dtype=np.int32), "kind": codes},
        {"id": np.array([3], dtype=np.int32), "kind": codes[1:]},
    ]
    table = concat_replications(parts, ["id", "kind"], ("kind",))
    assert table["id"].tolist() == [1, 2, 3] and table["id"].dtype == np.int32
    assert table["kind"].tolist() == ["a", "b", "b"]
    assert list(table["kind"].cat.categories) == ["a", "b"]


def test_two_columns_sharing_one_array_are_refused() -> None:
    shared = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="share one array"):
        concat_replications([{"start": shared, "end": shared}], ["start", "end"], ())


def test_the_tables_share_no_memory_with_the_event_log_and_can_be_written() -> None:
    # The tables' columns are not copied into blocks: had one been the log's own array, a
    # change to the table would change the log that the other tables are made from; had one
    # been a read-only view (a datetime index's values), the table could not be changed.
    config = queue_config(rate_per_hour=30.0, agents=2, horizon_days=0.5)
    sim = simulation(config)
    log = sim.run()
    logged = [*log.contacts.values(), *log.spells.values()]
    for make in (contacts_table, journeys_table, spans_table):
        table = make(sim.scenario, [log])
        assert len(table) > 0
        for name in table.columns:
            values = table[name].array
            data = getattr(values, "_ndarray", getattr(values, "_data", None))
            if isinstance(data, np.ndarray):
                assert not any(np.shares_memory(data, column) for column in logged), name
                assert data.flags.writeable, name
