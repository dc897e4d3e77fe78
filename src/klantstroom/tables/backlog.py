"""The backlog table: deferred work (web forms and e-mail, back-office tasks) arrived, done and
open at the end of each day."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.model.replication_log import ReplicationLog
from klantstroom.scenario.spec import SERVED, TASK, Scenario

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
            # Open and past due at t: max(arrival, due) < t < finish. Each row is one such
            # interval (none without a due time), so the count at t is the intervals begun
            # before t less those ended by t: two searches instead of a pass per day.
            late_from = np.maximum(arrived_at, due)
            late_span = late_from < finished_at  # NaN due: False
            late = np.searchsorted(
                np.sort(late_from[late_span]), day_ends, side="left"
            ) - np.searchsorted(np.sort(finished_at[late_span]), day_ends, side="right")
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
                        "open_late_end_of_day": int(late[day]),
                    }
                )
    table = pd.DataFrame(rows, columns=list(BACKLOG_TABLE_COLUMNS))
    table["replication"] = table["replication"].astype(np.int32)
    return table
