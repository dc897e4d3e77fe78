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

Back-office tasks are rows of the same event log (``origin`` = task): :func:`tasks_table` gives
them a table of their own, and :func:`journeys_table` folds contacts and tasks into one row per
journey (a matter of a citizen, from its first contact until it is resolved or given up).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.model.calendar import due_min
from klantstroom.model.simulation import ReplicationLog
from klantstroom.scenario.segments import segment_names
from klantstroom.scenario.spec import (
    CALLBACK,
    JOURNEY_ENDS,
    NOT_REACHED,
    ORIGINS,
    OUTCOMES,
    SERVED,
    SWITCH,
    TASK,
    Scenario,
)
from klantstroom.scenario.training import ACTIVITIES

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
    for column in ("channel", "service", "shop", "outcome", "staff_group", "segment"):
        table[column] = table[column].astype(frames[0][column].dtype)
    return table


def _late(due: np.ndarray, end: np.ndarray, served: np.ndarray, horizon_min: float) -> object:
    """Deferred work finished after its due time; still open and already past it; else False.

    Empty (NA) for real-time work and for open work that is not due yet at the horizon.
    """
    deferred = ~np.isnan(due)
    finished_late = served & (end > due + 1e-9)
    open_late = ~served & (horizon_min > due + 1e-9)
    known = deferred & (served | open_late)
    return pd.arrays.BooleanArray(finished_late | open_late, ~known)


def _contacts_of(scenario: Scenario, log: ReplicationLog) -> pd.DataFrame:
    c = log.contacts
    keep = (c["arrival_min"] >= 0.0) & (c["arrival_min"] < log.horizon_min) & (c["origin"] != TASK)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(c["contact_id"][rows], kind="stable")]  # one take per column

    def col(name: str) -> np.ndarray:
        return c[name][rows]

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
            "urgent": col("urgent") == 1,
            "slot_min": slot,
            "slot_at": (start_ts + pd.to_timedelta(slot, unit="min")).astype("datetime64[ns]"),
            "access_days": col("access_days"),
            "punctuality_min": col("punctuality_min"),
            "journey_id": col("journey_id"),
            "origin": _categorical(col("origin"), ORIGINS),
            "department": _categorical(col("department"), [d.name for d in scenario.departments]),
            "due_min": col("due_min"),
            "due_at": (start_ts + pd.to_timedelta(col("due_min"), unit="min")).astype(
                "datetime64[ns]"
            ),
            "late": _late(col("due_min"), end, served, log.horizon_min),
            "journey_end": _categorical(col("journey_end"), JOURNEY_ENDS),
            # The citizen's segment; "all" in a scenario without segments.
            "segment": _categorical(col("segment"), segment_names(scenario.segments)),
        }
    )


def _working_days(scenario: Scenario, from_min: np.ndarray, to_min: np.ndarray) -> np.ndarray:
    """Working days after the day of ``from_min`` up to and including the day of ``to_min``.

    The convention of access times (:func:`klantstroom.model.calendar.working_days_between`):
    done the same day is 0, done on the next working day is 1; weekends and the calendar's
    holidays are skipped.
    """
    start = np.datetime64(scenario.calendar.start_date, "D")
    first = start + (np.floor(from_min / 1440.0).astype(np.int64) + 1)
    last = start + (np.floor(to_min / 1440.0).astype(np.int64) + 1)
    holidays = np.array(sorted(scenario.calendar.holidays), dtype="datetime64[D]")
    return np.busday_count(first, last, holidays=holidays).astype(float)


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

        def col(
            name: str,
            c: dict[str, np.ndarray] = c,
            keep: np.ndarray = keep,
            order: np.ndarray = order,
        ) -> np.ndarray:
            return c[name][keep][order]

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
                    "department": _categorical(col("department"), departments),
                    "service": _categorical(col("service"), services),
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
                        done, _working_days(scenario, created, np.where(done, end, created)), np.nan
                    ),
                    "status": pd.Categorical(
                        np.where(done, "done", "open"), categories=["done", "open"]
                    ),
                    "late": _late(due, end, done, log.horizon_min),
                    "staff_group": _categorical(col("staff_group"), groups),
                    "staff_id": pd.arrays.IntegerArray(staff_id.astype(np.int32), staff_id < 0),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(TASK_TABLE_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    for column in ("department", "service", "status", "staff_group"):
        table[column] = table[column].astype(frames[0][column].dtype)
    return table


def _paths(
    step: np.ndarray,
    first_row: np.ndarray,
    n_rows: np.ndarray,
    keep: np.ndarray,
    step_names: np.ndarray,
) -> np.ndarray:
    """The ``path`` of each journey: its steps' names joined by ``>``.

    ``step`` holds the step code of every row, the rows of journey ``j`` being
    ``first_row[j]`` and the ``n_rows[j] - 1`` after it; journeys not in ``keep`` get their
    first step only. A year has hundreds of thousands of journeys of more than one step but a
    few hundred different paths: each journey's steps are packed into one integer (a digit
    per step), and only the different ones are joined as text.
    """
    path = step_names[step[first_row]].copy()
    base = len(step_names) + 1  # digit 0: no step
    most = int(62 * np.log(2) / np.log(base))  # steps an int64 holds
    longer = (n_rows > 1) & keep
    packed = longer & (n_rows <= most)
    position = np.arange(len(step)) - np.repeat(first_row, n_rows)
    digit = np.where(np.repeat(packed, n_rows), step.astype(np.int64) + 1, 0)
    power = base ** np.minimum(position, most - 1).astype(np.int64)
    key = np.add.reduceat(digit * power, first_row) if len(step) else np.zeros(0, np.int64)
    unique, inverse = np.unique(key[packed], return_inverse=True)
    names = []
    for value in unique.tolist():
        steps = []
        while value:
            value, digit_ = divmod(value, base)
            steps.append(step_names[digit_ - 1])
        names.append(">".join(steps))
    path[packed] = np.array(names, dtype=object)[inverse] if names else path[packed]
    for j in np.flatnonzero(longer & ~packed).tolist():  # very long journeys, rare
        lo = first_row[j]
        path[j] = ">".join(step_names[step[lo : lo + n_rows[j]]].tolist())
    return path


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
    frames = []
    channels = [c.name for c in scenario.channels]
    departments = [d.name for d in scenario.departments]
    services = scenario.services
    calendar = scenario.calendar
    start_ts = pd.Timestamp(calendar.start_date)
    step_names = np.array(
        [*channels, *(f"task:{d}" for d in departments), "callback"], dtype=object
    )
    for log in logs:
        c = log.contacts
        if not len(c["contact_id"]):
            continue
        order = np.lexsort((c["contact_id"], c["journey_id"]))
        journey = c["journey_id"][order]
        origin = c["origin"][order]
        channel = c["channel"][order]
        department = c["department"][order]
        step = np.where(
            origin == TASK,
            len(channels) + department,
            np.where(origin == CALLBACK, len(channels) + len(departments), channel),
        )
        # Rows are sorted by journey, then contact id: each journey is one run of rows.
        first_row = np.flatnonzero(np.r_[True, journey[1:] != journey[:-1]])
        arrival = c["arrival_min"][order]
        start = arrival[first_row]
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
        ended = np.flatnonzero(c["journey_end"][order] > 0)
        status_code = np.zeros(len(first_row), dtype=np.int64)
        end_min = np.full(len(first_row), np.nan)
        which = np.searchsorted(first_row, ended, side="right") - 1
        status_code[which] = c["journey_end"][order][ended]
        end_min[which] = c["end_min"][order][ended]
        path = _paths(step, first_row, n_rows, keep, step_names)
        first_row, start, path = first_row[keep], start[keep], path[keep]
        status_code, end_min = status_code[keep], end_min[keep]
        # Work in hand at the horizon ends after it: the journey is still open in the period.
        after = end_min > log.horizon_min
        status_code[after], end_min[after] = 0, np.nan
        n_rows, n_tasks = n_rows[keep], n_tasks[keep]
        service_code = c["service"][order][first_row].astype(np.int64)
        norms = np.array([s.journey_norm_working_days for s in services])[service_code]
        # Due depends only on the day and the norm: compute each pair once.
        pairs = np.floor(start / 1440.0).astype(np.int64) * 1000 + norms
        unique, inverse = np.unique(pairs, return_inverse=True)
        due = np.array(
            [due_min(calendar, (u // 1000) * 1440.0, int(u % 1000)) for u in unique], dtype=float
        )[inverse]
        resolved = status_code == 1
        citizen = c["citizen_id"][order][first_row]
        persona = pd.array([None] * len(citizen), dtype="string")
        for name, persona_citizen in log.personas:  # a handful of scripted citizens
            persona[citizen == persona_citizen] = name
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(first_row), log.replication, dtype=np.int32),
                    "journey_id": journey[first_row],
                    "citizen_id": citizen,
                    "persona": persona,
                    "service": _categorical(service_code, [s.name for s in services]),
                    "first_channel": _categorical(channel[first_row], channels),
                    "path": path,
                    "start_min": start,
                    "start_at": (start_ts + pd.to_timedelta(start, unit="min")).astype(
                        "datetime64[ns]"
                    ),
                    "end_min": end_min,
                    "status": _categorical(status_code, JOURNEY_ENDS),
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
                    "segment": _categorical(
                        c["segment"][order][first_row], segment_names(scenario.segments)
                    ),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(JOURNEY_TABLE_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    for column in ("service", "first_channel", "status", "segment"):
        table[column] = table[column].astype(frames[0][column].dtype)
    return table


def staff_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return one row per on-duty spell of a staff member.

    Columns: ``replication``, ``staff_group``, ``staff_id``, ``on_min``, ``off_min`` (when the
    member actually left), ``scheduled_off_min`` (when the roster sent them off; earlier than
    ``off_min`` when they stayed to finish a contact) and ``activity`` (``work``, or in class:
    ``training``, or teaching: ``training_others``).
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
                    "activity": _categorical(s["activity"], ACTIVITIES),
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
                "activity",
            ]
        )
    table = pd.concat(frames, ignore_index=True)
    for column in ("staff_group", "shop", "activity"):
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

    An agent with several chats in hand is busy once, not once per chat: each busy span is cut
    to the part not already covered by the same member's earlier spans (:func:`_member_busy`),
    so busy time never exceeds time on duty. Spans that do not overlap (one contact at a time)
    are unchanged.
    """
    frames = []
    for log in logs:
        c = log.contacts
        served = (c["outcome"] == SERVED) | (c["outcome"] == NOT_REACHED)
        busy_start, busy_end = _member_busy(
            np.where(served, c["start_min"], np.nan),
            np.where(served, c["release_min"], np.nan),
            np.where(served, c["staff_id"], -1),
        )
        wait_end = np.where(served, c["start_min"], c["end_min"])
        wait_start = np.fmax(c["arrival_min"], c["slot_min"])
        # Outbound callbacks are work for staff, not callers in the phone queue.
        channel = np.where(c["origin"] == CALLBACK, -1, c["channel"])
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(served), log.replication, dtype=np.int32),
                    "channel": channel.astype(np.int16),
                    "shop": c["shop"],
                    "staff_group": c["staff_group"],
                    "appointment": c["appointment"] == 1,
                    "wait_start": np.minimum(wait_start, wait_end),
                    "wait_end": wait_end,
                    "busy_start": busy_start,
                    "busy_end": busy_end,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _member_busy(
    start: np.ndarray, end: np.ndarray, staff: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cut each member's busy spans to their disjoint parts (the union keeps its length).

    In start order per member, a span starts no earlier than the latest end of that member's
    earlier spans; a span wholly inside them gets length zero. Rows with ``staff`` < 0 (not
    served) are returned as given.
    """
    start, end = start.astype(float), end.astype(float)
    rows = np.flatnonzero(staff >= 0)
    if len(rows) == 0:
        return start, end
    order = rows[np.lexsort((start[rows], staff[rows]))]
    member = staff[order]
    latest = pd.Series(end[order]).groupby(member).cummax().to_numpy()
    previous = np.empty_like(latest)
    previous[0] = -np.inf
    previous[1:] = latest[:-1]
    previous[1:][member[1:] != member[:-1]] = -np.inf
    cut_start = np.maximum(start[order], previous)
    cut_end = np.maximum(end[order], cut_start)
    start, end = start.copy(), end.copy()
    start[order], end[order] = cut_start, cut_end
    return start, end


BACKLOG_TABLE_COLUMNS: tuple[str, ...] = (
    "replication",
    "day",
    "date",
    "queue",
    "arrived",
    "done",
    "open_end_of_day",
    "open_late_end_of_day",
)


def backlog_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """Return the deferred-work backlog per replication x day x queue.

    Queues are ``digital`` (web forms and e-mail) and each back-office department (its tasks).
    Per day of the reported period: ``arrived`` and ``done`` (finished that day), and at the end
    of the day (or at the horizon on its last, partial day) ``open_end_of_day`` (arrived, not
    finished: the backlog that carries over nights, weekends and holidays) and
    ``open_late_end_of_day`` (of those, already past their due time). Work that arrived in the
    warm-up counts while it is open, so the first day starts with the backlog it inherited.
    """
    channels = [c.name for c in scenario.channels]
    digital = channels.index("digital") if "digital" in channels else -2
    queues: list[tuple[str, int | None]] = [("digital", None)] if digital >= 0 else []
    queues += [(d.name, k) for k, d in enumerate(scenario.departments)]
    rows = []
    start_ts = pd.Timestamp(scenario.calendar.start_date)
    for log in logs:
        c = log.contacts
        horizon = log.horizon_min
        n_days = int(np.ceil(horizon / 1440.0))
        day_ends = np.minimum((np.arange(n_days) + 1) * 1440.0, horizon)
        day_starts = np.arange(n_days) * 1440.0
        finish = np.where(c["outcome"] == SERVED, c["end_min"], np.inf)
        for name, dept in queues:
            if dept is None:
                mine = (c["channel"] == digital) & (c["origin"] != TASK)
            else:
                mine = (c["origin"] == TASK) & (c["department"] == dept)
            arrived_at, finished_at, due = c["arrival_min"][mine], finish[mine], c["due_min"][mine]
            arrival = np.sort(arrived_at)
            done = np.sort(finished_at)
            arrived_by = np.searchsorted(arrival, day_ends, side="left")
            done_by = np.searchsorted(done, day_ends, side="right")
            arrived_before = np.searchsorted(arrival, day_starts, side="left")
            done_before = np.searchsorted(done, day_starts, side="right")
            late = [int(((arrived_at < t) & (finished_at > t) & (due < t)).sum()) for t in day_ends]
            for day in range(n_days):
                rows.append(
                    {
                        "replication": log.replication,
                        "day": day,
                        "date": start_ts + pd.Timedelta(days=day),
                        "queue": name,
                        "arrived": int(arrived_by[day] - arrived_before[day]),
                        "done": int(done_by[day] - done_before[day]),
                        "open_end_of_day": int(arrived_by[day] - done_by[day]),
                        "open_late_end_of_day": late[day],
                    }
                )
    table = pd.DataFrame(rows, columns=list(BACKLOG_TABLE_COLUMNS))
    table["replication"] = table["replication"].astype(np.int32)
    return table
