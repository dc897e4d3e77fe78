"""The event log: what the model writes, one row per finished contact and per staff spell.

Back-office tasks are rows of the contact log too (``origin`` = task, ``channel`` = -1), so one
log holds a whole journey; :mod:`klantstroom.tables` splits them into ``tasks.parquet``.

The model only appends; tables, KPIs and figures are built afterwards from these columns
(:mod:`klantstroom.tables`). A row is packed by one :class:`struct.Struct` call into one growing
``bytearray`` (a contact is 117 machine bytes, not a Python object), which is a quarter of the
cost of appending to a column per field on the model's hot path. At the end the buffer is read as
a NumPy record array without copying, and each column is a view of it. Codes (channel, service,
outcome, staff group) index the scenario's tuples; -1 means "none" and NaN "no time".
"""

from __future__ import annotations

import struct
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
    row, the values in that order. Rows are packed without padding (``=``): NumPy reads the
    unaligned fields as fast as it copies them, and the tables copy each column once anyway.
    """

    COLUMNS: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        layout = "=" + "".join(self.COLUMNS.values())
        self._dtype = np.dtype([(name, "=" + code) for name, code in self.COLUMNS.items()])
        self._buffer = bytearray()
        self._pack = struct.Struct(layout).pack
        self._extend = self._buffer.extend

    def append(self, *values: float) -> None:
        """Append one row, the values in the order of :attr:`COLUMNS`."""
        self._extend(self._pack(*values))

    def __len__(self) -> int:
        return len(self._buffer) // self._dtype.itemsize

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Return the columns as NumPy arrays: views of the log's buffer, without a copy.

        The views keep the buffer alive after the log is gone; the log takes no more rows once
        they exist (a bytearray with views cannot grow).
        """
        rows = np.frombuffer(self._buffer, dtype=self._dtype)
        return {name: rows[name] for name in self.COLUMNS}


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
