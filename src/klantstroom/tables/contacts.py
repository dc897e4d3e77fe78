"""The contact and task tables: the rows of the contact log after the warm-up, one per contact
(callback attempts included) and one per back-office task (``origin`` = task)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.model.eventlog import CONTACT_COLUMNS
from klantstroom.model.replication_log import ReplicationLog
from klantstroom.scenario.segments import segment_names
from klantstroom.scenario.spec import (
    JOURNEY_ENDS,
    NOT_REACHED,
    ORIGINS,
    OUTCOMES,
    SERVED,
    TASK,
    Scenario,
)
from klantstroom.tables.columns import (
    categorical,
    concat_replications,
    late_flags,
    take_rows,
    working_days,
)

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
    "urgent",
    "slot_min",
    "slot_at",
    "access_days",
    "punctuality_min",
    "journey_id",
    "origin",
    "department",
    "due_min",
    "due_at",
    "late",
    "journey_end",
    "segment",
)

TASK_TABLE_COLUMNS: tuple[str, ...] = (
    "replication",
    "task_id",
    "journey_id",
    "citizen_id",
    "parent_contact_id",
    "department",
    "service",
    "created_min",
    "start_min",
    "end_min",
    "created_at",
    "due_min",
    "due_at",
    "wait_min",
    "processing_min",
    "ready_min",
    "lead_time_days",
    "lead_time_working_days",
    "status",
    "late",
    "staff_group",
    "staff_id",
)

# The contact log's columns the task table reads.
TASK_LOG_COLUMNS: tuple[str, ...] = (
    "arrival_min",
    "start_min",
    "end_min",
    "due_min",
    "slot_min",
    "outcome",
    "staff_id",
    "parent_contact_id",
    "contact_id",
    "journey_id",
    "citizen_id",
    "department",
    "service",
    "staff_group",
)


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
    return concat_replications(
        frames,
        CONTACT_TABLE_COLUMNS,
        ("channel", "service", "shop", "outcome", "staff_group", "segment"),
    )


def _contacts_of(scenario: Scenario, log: ReplicationLog) -> dict[str, Any]:
    """The columns of one replication's contact table."""
    c = log.contacts
    keep = (c["arrival_min"] >= 0.0) & (c["arrival_min"] < log.horizon_min) & (c["origin"] != TASK)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(c["contact_id"][rows], kind="stable")]  # one take per column

    col = take_rows(c, rows, CONTACT_COLUMNS).__getitem__

    arrival = col("arrival_min")
    start = col("start_min")
    end = col("end_min")
    outcome = col("outcome")
    # A callback attempt that did not reach the citizen was still handled by staff.
    served = (outcome == SERVED) | (outcome == NOT_REACHED)
    parent = col("parent_contact_id")
    staff_id = col("staff_id")
    resolved = col("resolved")
    slot = col("slot_min")
    ready = np.fmax(arrival, slot)  # fmax: NaN slot (walk-in) gives the arrival
    no_show = outcome == OUTCOMES.index("no_show")
    start_ts = pd.Timestamp(scenario.calendar.start_date)
    return {
        "replication": np.full(len(arrival), log.replication, dtype=np.int32),
        "contact_id": col("contact_id"),
        "citizen_id": col("citizen_id"),
        "parent_contact_id": pd.arrays.IntegerArray(parent.astype(np.int64), parent < 0),
        "attempt": col("attempt").astype(np.int16),
        "channel": categorical(col("channel"), [ch.name for ch in scenario.channels]),
        "service": categorical(col("service"), [s.name for s in scenario.services]),
        "shop": categorical(col("shop"), [shop.name for shop in scenario.shops]),
        "arrival_min": arrival,
        "start_min": start,
        "end_min": end,
        "arrival_at": (start_ts + pd.to_timedelta(arrival, unit="min")).astype("datetime64[ns]"),
        "wait_min": np.where(no_show, np.nan, np.where(served, start - ready, end - arrival)),
        "service_min": np.where(served, end - start, np.nan),
        "wrapup_min": np.where(served, col("release_min") - end, np.nan),
        "outcome": categorical(outcome, OUTCOMES),
        "staff_group": categorical(col("staff_group"), [g.name for g in scenario.staff_groups]),
        "staff_id": pd.arrays.IntegerArray(staff_id.astype(np.int32), staff_id < 0),
        "resolved": pd.arrays.BooleanArray(resolved == 1, resolved < 0),
        "appointment": col("appointment") == 1,
        "urgent": col("urgent") == 1,
        "slot_min": slot,
        "slot_at": (start_ts + pd.to_timedelta(slot, unit="min")).astype("datetime64[ns]"),
        "access_days": col("access_days"),
        "punctuality_min": col("punctuality_min"),
        "journey_id": col("journey_id"),
        "origin": categorical(col("origin"), ORIGINS),
        "department": categorical(col("department"), [d.name for d in scenario.departments]),
        "due_min": col("due_min"),
        "due_at": (start_ts + pd.to_timedelta(col("due_min"), unit="min")).astype("datetime64[ns]"),
        "late": late_flags(col("due_min"), end, served, log.horizon_min),
        "journey_end": categorical(col("journey_end"), JOURNEY_ENDS),
        # The citizen's segment; "all" in a scenario without segments.
        "segment": categorical(col("segment"), segment_names(scenario.segments)),
    }


def tasks_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return one row per back-office task created in the reported period.

    ``status`` is ``done`` (finished by the horizon) or ``open`` (waiting, or still being
    processed, at the horizon: no task is lost); ``lead_time_days`` is from creation to the end
    of processing in days and ``lead_time_working_days`` in working days (open tasks: empty);
    ``ready_min`` is when the task was ready for staff, after its elapsed process time;
    ``late`` as for contacts.
    """
    frames = []
    departments = [d.name for d in scenario.departments]
    services = [s.name for s in scenario.services]
    groups = [g.name for g in scenario.staff_groups]
    start_ts = pd.Timestamp(scenario.calendar.start_date)
    for log in logs:
        c = log.contacts
        keep = (
            (c["origin"] == TASK) & (c["arrival_min"] >= 0.0) & (c["arrival_min"] < log.horizon_min)
        )
        order = np.argsort(c["contact_id"][keep], kind="stable")

        col = take_rows(c, np.flatnonzero(keep)[order], TASK_LOG_COLUMNS).__getitem__

        created, start, end, due, ready = (
            col("arrival_min"),
            col("start_min"),
            col("end_min"),
            col("due_min"),
            col("slot_min"),
        )
        done = (col("outcome") == SERVED) & (end <= log.horizon_min)
        staff_id = col("staff_id")
        parent = col("parent_contact_id")
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(created), log.replication, dtype=np.int32),
                    "task_id": col("contact_id"),
                    "journey_id": col("journey_id"),
                    "citizen_id": col("citizen_id"),
                    "parent_contact_id": parent,
                    "department": categorical(col("department"), departments),
                    "service": categorical(col("service"), services),
                    "created_min": created,
                    "start_min": start,
                    "end_min": end,
                    "created_at": (start_ts + pd.to_timedelta(created, unit="min")).astype(
                        "datetime64[ns]"
                    ),
                    "due_min": due,
                    "due_at": (start_ts + pd.to_timedelta(due, unit="min")).astype(
                        "datetime64[ns]"
                    ),
                    "wait_min": np.where(np.isnan(start), log.horizon_min, start) - created,
                    "processing_min": np.where(done, end - start, np.nan),
                    # When the task was ready for staff, after its elapsed process time.
                    "ready_min": np.where(np.isnan(ready), created, ready),
                    "lead_time_days": np.where(done, (end - created) / 1440.0, np.nan),
                    "lead_time_working_days": np.where(
                        done, working_days(scenario, created, np.where(done, end, created)), np.nan
                    ),
                    "status": pd.Categorical(
                        np.where(done, "done", "open"), categories=["done", "open"]
                    ),
                    "late": late_flags(due, end, done, log.horizon_min),
                    "staff_group": categorical(col("staff_group"), groups),
                    "staff_id": pd.arrays.IntegerArray(staff_id.astype(np.int32), staff_id < 0),
                }
            )
        )
    return concat_replications(
        frames, TASK_TABLE_COLUMNS, ("department", "service", "status", "staff_group")
    )
