"""The staff-spell and span tables: who was on duty when, and every contact's waiting and busy
spans (warm-up included), for time averages over any window."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.model.replication_log import ReplicationLog
from klantstroom.scenario.spec import CALLBACK, NOT_REACHED, SERVED, Scenario
from klantstroom.scenario.training import ACTIVITIES
from klantstroom.tables.columns import categorical, concat_replications

STAFF_TABLE_COLUMNS: tuple[str, ...] = (
    "replication",
    "staff_group",
    "shop",
    "staff_id",
    "on_min",
    "off_min",
    "scheduled_off_min",
    "activity",
)


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
                    "staff_group": categorical(s["staff_group"], names),
                    "shop": categorical(s["shop"], shops),
                    "staff_id": s["staff_id"],
                    "on_min": s["on_min"],
                    "off_min": s["off_min"],
                    "scheduled_off_min": s["scheduled_off_min"],
                    "activity": categorical(s["activity"], ACTIVITIES),
                }
            )
        )
    table = concat_replications(frames, STAFF_TABLE_COLUMNS, ("staff_group", "shop", "activity"))
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
        # Every column an array of its own (concat_replications takes them as they are): the
        # log's codes are copied, the rest is computed here.
        frames.append(
            {
                "replication": np.full(len(served), log.replication, dtype=np.int32),
                "channel": channel.astype(np.int16),
                "shop": c["shop"].copy(),
                "staff_group": c["staff_group"].copy(),
                "appointment": c["appointment"] == 1,
                "wait_start": np.minimum(wait_start, wait_end),
                "wait_end": wait_end,
                "busy_start": busy_start,
                "busy_end": busy_end,
            }
        )
    return concat_replications(frames, (), ()) if frames else pd.DataFrame()


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
