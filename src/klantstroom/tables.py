"""From event logs to tables: one row per contact and one row per staff spell.

Codes in the event log become named categories, times get calendar timestamps, and the derived
durations are computed once here (their definitions are in ``docs/data-products.md``):

* ``wait_min`` — served: service start minus the moment the contact was ready (its arrival, or for
  an appointment visitor the later of arrival and slot time: coming early is not waiting);
  abandoned: time of abandoning minus arrival; unserved: horizon (or the moment it was turned
  away) minus arrival; balked: 0; no-show: empty.
* ``service_min`` — service end minus start (served only); ``wrapup_min`` — after-contact work.

Contacts that arrived during the warm-up are left out, and so are appointments booked for after
the horizon; staff spells are kept whole (their times
may be negative) so that availability can be clipped to any window later.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.model.simulation import ReplicationLog
from klantstroom.scenario.spec import OUTCOMES, SERVED, Scenario

CONTACT_TABLE_COLUMNS: tuple[str, ...] = (
    "replication",
    "contact_id",
    "citizen_id",
    "parent_contact_id",
    "attempt",
    "channel",
    "service",
    "shop",
    "arrival_min",
    "start_min",
    "end_min",
    "arrival_at",
    "wait_min",
    "service_min",
    "wrapup_min",
    "outcome",
    "staff_group",
    "staff_id",
    "resolved",
    "appointment",
    "slot_min",
    "slot_at",
    "access_days",
    "punctuality_min",
)


def _categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical[str]:
    """Codes (-1 = missing) into a categorical with all ``names`` as categories."""
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(list(names)))


def contacts_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return one row per contact (after the warm-up) of all replications.

    Parameters
    ----------
    scenario : Scenario
        The scenario the logs were produced from (supplies names and the calendar).
    logs : sequence of ReplicationLog
        One log per replication.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CONTACT_TABLE_COLUMNS`, sorted by replication and contact id.
    """
    frames = [_contacts_of(scenario, log) for log in logs]
    if not frames:
        return pd.DataFrame(columns=list(CONTACT_TABLE_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    for column in ("channel", "service", "shop", "outcome", "staff_group"):
        table[column] = table[column].astype(frames[0][column].dtype)
    return table


def _contacts_of(scenario: Scenario, log: ReplicationLog) -> pd.DataFrame:
    c = log.contacts
    keep = (c["arrival_min"] >= 0.0) & (c["arrival_min"] < log.horizon_min)
    order = np.argsort(c["contact_id"][keep], kind="stable")

    def col(name: str) -> np.ndarray:
        return c[name][keep][order]

    arrival = col("arrival_min")
    start = col("start_min")
    end = col("end_min")
    outcome = col("outcome")
    served = outcome == SERVED
    parent = col("parent_contact_id")
    staff_id = col("staff_id")
    resolved = col("resolved")
    slot = col("slot_min")
    ready = np.fmax(arrival, slot)  # fmax: NaN slot (walk-in) gives the arrival
    no_show = outcome == OUTCOMES.index("no_show")
    start_ts = pd.Timestamp(scenario.calendar.start_date)
    return pd.DataFrame(
        {
            "replication": np.full(len(arrival), log.replication, dtype=np.int32),
            "contact_id": col("contact_id"),
            "citizen_id": col("citizen_id"),
            "parent_contact_id": pd.arrays.IntegerArray(parent.astype(np.int64), parent < 0),
            "attempt": col("attempt").astype(np.int16),
            "channel": _categorical(col("channel"), [ch.name for ch in scenario.channels]),
            "service": _categorical(col("service"), [s.name for s in scenario.services]),
            "shop": _categorical(col("shop"), [shop.name for shop in scenario.shops]),
            "arrival_min": arrival,
            "start_min": start,
            "end_min": end,
            "arrival_at": (start_ts + pd.to_timedelta(arrival, unit="min")).astype(
                "datetime64[ns]"
            ),
            "wait_min": np.where(no_show, np.nan, np.where(served, start - ready, end - arrival)),
            "service_min": np.where(served, end - start, np.nan),
            "wrapup_min": np.where(served, col("release_min") - end, np.nan),
            "outcome": _categorical(outcome, OUTCOMES),
            "staff_group": _categorical(
                col("staff_group"), [g.name for g in scenario.staff_groups]
            ),
            "staff_id": pd.arrays.IntegerArray(staff_id.astype(np.int32), staff_id < 0),
            "resolved": pd.arrays.BooleanArray(resolved == 1, resolved < 0),
            "appointment": col("appointment") == 1,
            "slot_min": slot,
            "slot_at": (start_ts + pd.to_timedelta(slot, unit="min")).astype("datetime64[ns]"),
            "access_days": col("access_days"),
            "punctuality_min": col("punctuality_min"),
        }
    )


def staff_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return one row per on-duty spell of a staff member.

    Columns: ``replication``, ``staff_group``, ``staff_id``, ``on_min``, ``off_min`` (when the
    member actually left) and ``scheduled_off_min`` (when the roster sent them off; earlier than
    ``off_min`` when they stayed to finish a contact).
    """
    frames = []
    names = [g.name for g in scenario.staff_groups]
    shops = [shop.name for shop in scenario.shops]
    for log in logs:
        s = log.spells
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(s["staff_id"]), log.replication, dtype=np.int32),
                    "staff_group": _categorical(s["staff_group"], names),
                    "shop": _categorical(s["shop"], shops),
                    "staff_id": s["staff_id"],
                    "on_min": s["on_min"],
                    "off_min": s["off_min"],
                    "scheduled_off_min": s["scheduled_off_min"],
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=[
                "replication",
                "staff_group",
                "shop",
                "staff_id",
                "on_min",
                "off_min",
                "scheduled_off_min",
            ]
        )
    table = pd.concat(frames, ignore_index=True)
    for column in ("staff_group", "shop"):
        table[column] = table[column].astype(frames[0][column].dtype)
    return table.sort_values(["replication", "staff_id", "on_min"], ignore_index=True)


def spans_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return waiting and busy spans of *all* contacts, warm-up included.

    Time averages near minute 0 (queue length, staff busy) must count contacts that arrived during
    the warm-up and were still waiting or in service, which :func:`contacts_table` leaves out.
    Columns: ``replication``, ``channel``, ``shop``, ``staff_group`` (codes as in the scenario,
    -1 = none), ``appointment``, ``wait_start``, ``wait_end`` (in the queue: from arrival, or for
    an appointment from the later of arrival and slot), ``busy_start``, ``busy_end`` (service
    plus wrap-up; NaN when not served).
    """
    frames = []
    for log in logs:
        c = log.contacts
        served = c["outcome"] == SERVED
        wait_end = np.where(served, c["start_min"], c["end_min"])
        wait_start = np.fmax(c["arrival_min"], c["slot_min"])
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(served), log.replication, dtype=np.int32),
                    "channel": c["channel"].astype(np.int16),
                    "shop": c["shop"],
                    "staff_group": c["staff_group"],
                    "appointment": c["appointment"] == 1,
                    "wait_start": np.minimum(wait_start, wait_end),
                    "wait_end": wait_end,
                    "busy_start": np.where(served, c["start_min"], np.nan),
                    "busy_end": np.where(served, c["release_min"], np.nan),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
