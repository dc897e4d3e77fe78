"""The event log: what the model writes, one row per finished contact and per staff spell.

Back-office tasks are rows of the contact log too (``origin`` = task, ``channel`` = -1), so one
log holds a whole journey; :mod:`klantstroom.tables` splits them into ``tasks.parquet``.

The model only appends; tables, KPIs and figures are built afterwards from these columns
(:mod:`klantstroom.tables`). A row is packed by one :class:`struct.Struct` call into a growing
``bytearray`` (a contact is 117 machine bytes, not a Python object), which is a quarter of the
cost of appending to a column per field on the model's hot path. Codes (channel, service,
outcome, staff group) index the scenario's tuples; -1 means "none" and NaN "no time".

At the end the rows become one NumPy array per column, in the rows' order. The simulation starts
a new buffer every day (:meth:`RowLog.new_chunk`), and the columns are copied out a day's rows at
a time, each day's buffer freed once copied: the log and its columns never both exist whole, so
the memory a replication holds is about one copy of its rows. Columns of their own, rather than
views of the packed rows, are what the tables read many times over: a column of packed rows is a
strided array whose every read crosses all 117 bytes of each row, which made the tables of a
Grootstad replication-year 12-20% slower than the same columns laid out one after the other.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np

if TYPE_CHECKING:
    from klantstroom.model.queues import Contact

# name -> struct/array typecode. q: int64, i: int32, h: int16, b: int8, d: float64.
CONTACT_COLUMNS: dict[str, str] = {
    "contact_id": "q",
    "citizen_id": "q",
    "parent_contact_id": "q",
    "attempt": "b",
    "channel": "b",
    "service": "h",
    "shop": "h",
    "arrival_min": "d",
    "start_min": "d",
    "end_min": "d",
    "release_min": "d",
    "outcome": "b",
    "staff_group": "h",
    "staff_id": "i",
    "resolved": "b",
    "appointment": "b",
    "slot_min": "d",
    "access_days": "d",
    "punctuality_min": "d",
    "journey_id": "q",
    "origin": "b",
    "department": "h",
    "due_min": "d",
    "journey_end": "b",
    "urgent": "b",
    "segment": "b",
}

SPELL_COLUMNS: dict[str, str] = {
    "staff_id": "i",
    "staff_group": "h",
    "shop": "h",
    "on_min": "d",
    "off_min": "d",
    "scheduled_off_min": "d",
    "activity": "b",
}


class RowLog:
    """Append-only rows of machine numbers, one column per entry of :attr:`COLUMNS`.

    Subclasses name their columns (name -> typecode) in :attr:`COLUMNS`; :meth:`append` adds one
    row, the values in that order. Rows are packed without padding (``=``) into the current
    buffer; :meth:`new_chunk` starts another, and :meth:`to_numpy` turns them into columns.
    """

    COLUMNS: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        layout = "=" + "".join(self.COLUMNS.values())
        self._dtype = np.dtype([(name, "=" + code) for name, code in self.COLUMNS.items()])
        self._pack = struct.Struct(layout).pack
        self._chunks: list[bytearray] = []  # the full buffers, oldest first
        self._buffer = bytearray()
        self._extend: Callable[[bytes], None] = self._buffer.extend
        self._columns: dict[str, np.ndarray] | None = None  # once to_numpy has made them

    def append(self, *values: float) -> None:
        """Append one row, the values in the order of :attr:`COLUMNS`."""
        self._extend(self._pack(*values))

    def new_chunk(self) -> None:
        """Put the rows so far aside and append to a new buffer (rows keep their order).

        :meth:`to_numpy` copies the columns out a buffer at a time and frees each once copied,
        so the more buffers the less memory the log and its columns hold together at the end;
        the simulation starts one a day. Starting one costs nothing per row.
        """
        if self._buffer:
            self._chunks.append(self._buffer)
            self._buffer = bytearray()
            self._extend = self._buffer.extend

    def __len__(self) -> int:
        if self._columns is not None:
            return len(next(iter(self._columns.values()))) if self._columns else 0
        return sum(len(chunk) for chunk in (*self._chunks, self._buffer)) // self._dtype.itemsize

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Return the columns, each one NumPy array of its own (the rows in order).

        The rows are taken out of the log (a second call returns the same columns); the log
        takes no more rows afterwards.
        """
        if self._columns is not None:
            return self._columns
        chunks = [*self._chunks, self._buffer]
        self._chunks = []
        self._buffer = bytearray()
        self._extend = _closed
        # Each buffer's columns are copied out, then the buffer is freed; the pieces of a
        # column are joined one column at a time, each column's pieces freed once joined.
        pieces: list[list[np.ndarray]] = [[] for _ in self.COLUMNS]
        while chunks:
            for parts, piece in zip(pieces, _columns_of(chunks.pop(0), self._dtype), strict=True):
                parts.append(piece)
        columns: dict[str, np.ndarray] = {}
        for name in self.COLUMNS:
            parts = pieces.pop(0)
            columns[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
        self._columns = columns
        return columns


def _columns_of(chunk: bytearray, dtype: np.dtype) -> list[np.ndarray]:
    """The fields of a buffer of packed rows, each copied into an array of its own (aligned,
    contiguous); the buffer is free once they are made."""
    rows = np.frombuffer(chunk, dtype=dtype)
    return [rows[name].copy() for name in dtype.names or ()]


def _closed(_: bytes) -> None:
    """The append of a log whose columns were made: it takes no more rows."""
    raise RuntimeError("this log's columns were made (to_numpy): it takes no more rows")


class ContactLog(RowLog):
    """Finished contacts and back-office tasks (see :data:`CONTACT_COLUMNS`)."""

    COLUMNS = CONTACT_COLUMNS

    def record_contact(
        self,
        contact: Contact,
        outcome: int,
        start_min: float,
        end_min: float,
        release_min: float,
        staff_group: int,
        staff_id: int,
        resolved: int,
    ) -> None:
        """Append ``contact`` as it ended: with ``outcome``, served by ``staff_id`` or not (-1).

        The contact's own fields are read here rather than passed one by one: this runs once
        per contact, and a layer of 26 arguments less is a tenth of a textbook run.
        """
        queue = contact.queue
        self._extend(
            self._pack(
                contact.id,
                contact.citizen_id,
                contact.parent_id,
                contact.attempt,
                queue.channel,
                queue.service,
                queue.shop,
                contact.arrival_min,
                start_min,
                end_min,
                release_min,
                outcome,
                staff_group,
                staff_id,
                resolved,
                1 if contact.appointment else 0,
                contact.slot_min,
                contact.access_days,
                contact.punctuality_min,
                contact.journey_id,
                contact.origin,
                contact.department,
                contact.due_min,
                # A chase never ends its matter: the matter is with the back office.
                0 if contact.chasing else contact.journey_end,
                1 if contact.urgent else 0,
                contact.segment,
            )
        )


class SpellLog(RowLog):
    """On-duty spells of staff members (see :data:`SPELL_COLUMNS`)."""

    COLUMNS = SPELL_COLUMNS

    def record(
        self,
        staff_id: int,
        group: int,
        shop: int,
        on_min: float,
        off_min: float,
        scheduled_off_min: float,
        activity: int = 0,
    ) -> None:
        """Append one spell: on duty from ``on_min`` until ``off_min`` at ``shop`` (-1: none).

        ``activity`` is what the member did (an ``ACTIVITIES`` code of
        :mod:`klantstroom.scenario.training`): 0 = work, else in class or teaching.
        """
        self._extend(
            self._pack(staff_id, group, shop, on_min, off_min, scheduled_off_min, activity)
        )
