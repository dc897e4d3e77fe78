"""The event log: what the model writes, one row per finished contact and per staff spell.

Back-office tasks are rows of the contact log too (``origin`` = task, ``channel`` = -1), so one
log holds a whole journey; :mod:`klantstroom.tables` splits them into ``tasks.parquet``.

The model only appends; tables, KPIs and figures are built afterwards from these columns
(:mod:`klantstroom.tables`). Columns are ``array.array`` of machine numbers, so a row costs a few
dozen bytes instead of a Python object, and they convert to NumPy without copying. Codes (channel,
service, outcome, staff group) index the scenario's tuples; -1 means "none" and NaN "no time".
"""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np

# name -> array typecode. q: int64, i: int32, h: int16, b: int8, d: float64.
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


class ContactLog:
    """Append-only columns of finished contacts (see :data:`CONTACT_COLUMNS`)."""

    def __init__(self) -> None:
        self.columns: dict[str, array[Any]] = {
            name: array(code) for name, code in CONTACT_COLUMNS.items()
        }
        # Bound appends, looked up once: record() runs once per contact.
        self._appends = tuple(self.columns[name].append for name in CONTACT_COLUMNS)

    def record(
        self,
        contact_id: int,
        citizen_id: int,
        parent_contact_id: int,
        attempt: int,
        channel: int,
        service: int,
        shop: int,
        arrival_min: float,
        start_min: float,
        end_min: float,
        release_min: float,
        outcome: int,
        staff_group: int,
        staff_id: int,
        resolved: int,
        appointment: int = 0,
        slot_min: float = float("nan"),
        access_days: float = float("nan"),
        punctuality_min: float = float("nan"),
        journey_id: int = -1,
        origin: int = 0,
        department: int = -1,
        due_min: float = float("nan"),
        journey_end: int = 0,
        urgent: int = 0,
        segment: int = 0,
    ) -> None:
        """Append one finished contact (or back-office task)."""
        a = self._appends
        a[0](contact_id)
        a[1](citizen_id)
        a[2](parent_contact_id)
        a[3](attempt)
        a[4](channel)
        a[5](service)
        a[6](shop)
        a[7](arrival_min)
        a[8](start_min)
        a[9](end_min)
        a[10](release_min)
        a[11](outcome)
        a[12](staff_group)
        a[13](staff_id)
        a[14](resolved)
        a[15](appointment)
        a[16](slot_min)
        a[17](access_days)
        a[18](punctuality_min)
        a[19](journey_id)
        a[20](origin)
        a[21](department)
        a[22](due_min)
        a[23](journey_end)
        a[24](urgent)
        a[25](segment)

    def __len__(self) -> int:
        return len(self.columns["contact_id"])

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Return the columns as NumPy arrays (copies, safe to keep after the log is gone)."""
        return {name: np.array(col, dtype=col.typecode) for name, col in self.columns.items()}


class SpellLog:
    """Append-only columns of on-duty spells of staff members (see :data:`SPELL_COLUMNS`)."""

    def __init__(self) -> None:
        self.columns: dict[str, array[Any]] = {
            name: array(code) for name, code in SPELL_COLUMNS.items()
        }

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
        c = self.columns
        c["staff_id"].append(staff_id)
        c["staff_group"].append(group)
        c["shop"].append(shop)
        c["on_min"].append(on_min)
        c["off_min"].append(off_min)
        c["scheduled_off_min"].append(scheduled_off_min)
        c["activity"].append(activity)

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Return the columns as NumPy arrays."""
        return {name: np.array(col, dtype=col.typecode) for name, col in self.columns.items()}
