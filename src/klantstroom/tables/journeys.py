"""The journey table: one row per matter of a citizen, from its first contact until it is
resolved or given up, with the path of its contacts and tasks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import string_array
from klantstroom.model.calendar import due_min
from klantstroom.model.replication_log import ReplicationLog
from klantstroom.scenario.segments import segment_names
from klantstroom.scenario.spec import CALLBACK, JOURNEY_ENDS, ORIGINS, SWITCH, TASK, Scenario
from klantstroom.tables.columns import categorical, concat_replications, take_rows

JOURNEY_TABLE_COLUMNS: tuple[str, ...] = (
    "replication",
    "journey_id",
    "citizen_id",
    "persona",
    "service",
    "first_channel",
    "path",
    "start_min",
    "start_at",
    "end_min",
    "status",
    "lead_time_days",
    "due_min",
    "within_norm",
    "judged",
    "contacts",
    "tasks",
    "repeat_contacts",
    "switches",
    "callbacks",
    "segment",
)


# Origins of a contact that repeats an earlier attempt at the same matter.
REPEAT_ORIGINS: tuple[int, ...] = tuple(
    ORIGINS.index(name) for name in ("redial", "return", "switch", "rebook")
)


def _paths(
    step: np.ndarray,
    first_row: np.ndarray,
    n_rows: np.ndarray,
    keep: np.ndarray,
    step_names: Sequence[str],
) -> tuple[np.ndarray, list[str]]:
    """The ``path`` of each journey, its steps' names joined by ``>``, as a code per journey
    into a list of the different paths.

    ``step`` holds the step code of every row, the rows of journey ``j`` being
    ``first_row[j]`` and the ``n_rows[j] - 1`` after it; journeys not in ``keep`` get their
    first step only. A year has hundreds of thousands of journeys of more than one step but a
    few hundred different paths: each journey's steps are packed into one integer (a digit
    per step), and only the different ones are joined as text.
    """
    names = list(step_names)  # a path of one step: the step's code
    code = step[first_row].astype(np.int64)
    base = len(step_names) + 1  # digit 0: no step
    most = int(62 * np.log(2) / np.log(base))  # steps an int64 holds
    longer = (n_rows > 1) & keep
    packed = longer & (n_rows <= most)
    position = np.arange(len(step)) - np.repeat(first_row, n_rows)
    digit = np.where(np.repeat(packed, n_rows), step.astype(np.int64) + 1, 0)
    power = base ** np.minimum(position, most - 1).astype(np.int64)
    key = np.add.reduceat(digit * power, first_row) if len(step) else np.zeros(0, np.int64)
    unique, inverse = np.unique(key[packed], return_inverse=True)
    for value in unique.tolist():
        steps = []
        while value:
            value, digit_ = divmod(value, base)
            steps.append(step_names[digit_ - 1])
        names.append(">".join(steps))
    code[packed] = len(step_names) + inverse
    for j in np.flatnonzero(longer & ~packed).tolist():  # very long journeys, rare
        lo = first_row[j]
        code[j] = len(names)
        names.append(">".join(step_names[k] for k in step[lo : lo + n_rows[j]].tolist()))
    return code, names


def journeys_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return one row per journey that started in the reported period.

    A journey's ``path`` names its steps in order: the channel of each contact (a callback is
    ``callback``) and the department of each task (``task:<department>``); ``status`` is
    ``resolved``, ``given_up`` or ``open`` (still going on at the horizon); ``lead_time_days`` is
    from the first contact's arrival to the end of the contact or task that ended the journey, in
    days; ``due_min`` is the end of the service's ``journey_norm_working_days`` after the first
    contact's day, and ``within_norm`` whether a resolved journey ended by then (empty when not
    resolved); ``judged`` is whether ``due_min`` lies at or before the horizon, so whether the
    journey met its norm is known and the journey KPIs count it. ``repeat_contacts`` counts
    redials, returns after balking, channel switches and rebookings; ``persona`` names the
    persona whose matter it is.
    """
    frames: list[dict[str, Any]] = []
    channels = [c.name for c in scenario.channels]
    departments = [d.name for d in scenario.departments]
    services = scenario.services
    calendar = scenario.calendar
    start_ts = pd.Timestamp(calendar.start_date)
    step_names = [*channels, *(f"task:{d}" for d in departments), "callback"]
    for log in logs:
        c = log.contacts
        if not len(c["contact_id"]):
            continue
        order = np.lexsort((c["contact_id"], c["journey_id"]))
        rows = take_rows(c, order, ("journey_id", "origin", "channel", "department", "arrival_min"))
        journey, origin, channel = rows["journey_id"], rows["origin"], rows["channel"]
        department = rows["department"]
        step = np.where(
            origin == TASK,
            len(channels) + department,
            np.where(origin == CALLBACK, len(channels) + len(departments), channel),
        )
        # Rows are sorted by journey, then contact id: each journey is one run of rows.
        first_row = np.flatnonzero(np.r_[True, journey[1:] != journey[:-1]])
        start = rows["arrival_min"][first_row]
        keep = (start >= 0.0) & (start < log.horizon_min)
        if not keep.any():
            continue
        n_rows = np.diff(np.r_[first_row, len(journey)])

        def per_journey(flags: np.ndarray, first_row: np.ndarray = first_row) -> np.ndarray:
            return np.add.reduceat(flags.astype(np.int64), first_row)

        is_task = origin == TASK
        n_tasks = per_journey(is_task)
        n_repeats = per_journey(np.isin(origin, REPEAT_ORIGINS))
        n_switches = per_journey(origin == SWITCH)
        n_callbacks = per_journey(origin == CALLBACK)
        # The row that ended the journey, if any (at most one per journey).
        journey_end = c["journey_end"][order]
        ended = np.flatnonzero(journey_end > 0)
        status_code = np.zeros(len(first_row), dtype=np.int64)
        end_min = np.full(len(first_row), np.nan)
        which = np.searchsorted(first_row, ended, side="right") - 1
        status_code[which] = journey_end[ended]
        end_min[which] = c["end_min"][order[ended]]
        path_code, path_names = _paths(step, first_row, n_rows, keep, step_names)
        path = string_array(path_code[keep], path_names, as_inferred=True)
        first_row, start = first_row[keep], start[keep]
        status_code, end_min = status_code[keep], end_min[keep]
        # Work in hand at the horizon ends after it: the journey is still open in the period.
        after = end_min > log.horizon_min
        status_code[after], end_min[after] = 0, np.nan
        n_rows, n_tasks = n_rows[keep], n_tasks[keep]
        # The journey's first row: its service, citizen and segment.
        first = take_rows(c, order[first_row], ("service", "citizen_id", "segment"))
        service_code = first["service"].astype(np.int64)
        norms = np.array([s.journey_norm_working_days for s in services])[service_code]
        # Due depends only on the day and the norm: compute each pair once.
        pairs = np.floor(start / 1440.0).astype(np.int64) * 1000 + norms
        unique, inverse = np.unique(pairs, return_inverse=True)
        due = np.array(
            [due_min(calendar, (u // 1000) * 1440.0, int(u % 1000)) for u in unique], dtype=float
        )[inverse]
        resolved = status_code == 1
        citizen = first["citizen_id"]
        # A handful of scripted citizens: the others' persona is missing (code -1).
        persona_code = np.full(len(citizen), -1, dtype=np.int64)
        for code, (_, persona_citizen) in enumerate(log.personas):
            persona_code[citizen == persona_citizen] = code
        persona = string_array(persona_code, [name for name, _ in log.personas])
        frames.append(
            {
                "replication": np.full(len(first_row), log.replication, dtype=np.int32),
                "journey_id": journey[first_row],
                "citizen_id": citizen,
                "persona": persona,
                "service": categorical(service_code, [s.name for s in services]),
                "first_channel": categorical(channel[first_row], channels),
                "path": path,
                "start_min": start,
                "start_at": (start_ts + pd.to_timedelta(start, unit="min")).astype(
                    "datetime64[ns]"
                ),
                "end_min": end_min,
                "status": categorical(status_code, JOURNEY_ENDS),
                "lead_time_days": (end_min - start) / 1440.0,
                "due_min": due,
                "within_norm": pd.arrays.BooleanArray(
                    resolved & (end_min <= due + 1e-9), ~resolved
                ),
                # Chosen by start day and norm alone, never by how the journey ended:
                # keeping the journeys of late start days that happened to end before the
                # horizon would keep the quick ones and bias the journey KPIs.
                "judged": due <= log.horizon_min + 1e-9,
                "contacts": n_rows - n_tasks,
                "tasks": n_tasks,
                "repeat_contacts": n_repeats[keep],
                "switches": n_switches[keep],
                "callbacks": n_callbacks[keep],
                "segment": categorical(first["segment"], segment_names(scenario.segments)),
            }
        )
    return concat_replications(
        frames, JOURNEY_TABLE_COLUMNS, ("service", "first_channel", "status", "segment")
    )
