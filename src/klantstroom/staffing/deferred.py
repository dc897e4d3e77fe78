"""Deferred digital work (e-mail, web forms): staff from its workload, not from a queue.

An e-mail is due in working days, not seconds, so no Erlang formula applies: what matters is that a
week's e-mail gets done in the hours staff are there. The week's work of a service is its expected
e-mails per week (the demand model's own expectation over the horizon) times their mean handling
time plus the group's mean wrap-up. It goes to the groups that rank the service highest, as calls do
(:func:`~klantstroom.staffing.optimise.service_owners`), and is spread over the hours that group
works, over the occupancy cap, like a back-office department's tasks
(:mod:`klantstroom.staffing.back_office`). A group that also answers the phone (or chats, or serves
a counter) does e-mail in the time its real-time need leaves (blending): its planned staff hours
times the occupancy cap less its real-time load are *spare hours*, and only the work beyond them
needs staff on top, in the intervals it is on duty. A group that only does e-mail (a midoffice) has
no spare hours and works its configured roster's hours.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from klantstroom.model.demand import Demand
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import Scenario
from klantstroom.staffing.optimise import service_owners

DEFERRED_COLUMNS = [
    "staff_group",
    "channel",
    "services",
    "items_per_week",
    "work_hours_per_week",
    "spare_hours_per_week",
    "working_hours_per_week",
    "agents",
]


def expected_deferred(scenario: Scenario) -> pd.DataFrame:
    """Expected deferred items per week per channel x service over the scenario's horizon.

    Returns
    -------
    pandas.DataFrame
        Columns ``channel``, ``service``, ``items_per_week``; only deferred channels, only
        services with some volume.
    """
    demand = Demand(scenario, Streams(scenario.run.seed, 0))
    days = math.ceil(scenario.run.horizon_days)
    totals: dict[tuple[str, str], float] = {}
    for stream in demand.streams:
        channel = scenario.channels[stream.channel]
        if not channel.deferred:
            continue
        key = (channel.name, scenario.services[stream.service].name)
        expected = sum(float(demand.pieces(stream, day)[2].sum()) for day in range(days))
        totals[key] = totals.get(key, 0.0) + expected
    weeks = scenario.run.horizon_days / 7
    rows = [
        {"channel": c, "service": s, "items_per_week": total / weeks}
        for (c, s), total in totals.items()
        if total > 0
    ]
    return pd.DataFrame(rows, columns=["channel", "service", "items_per_week"])


def deferred_requirements(
    scenario: Scenario,
    working: dict[str, np.ndarray],
    *,
    max_occupancy: float,
    spare_hours: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Staff each group needs for its deferred work in every interval it works.

    Parameters
    ----------
    working : dict of str to numpy.ndarray
        Per staff group, a boolean weekday (7) x interval grid of where it works.
    max_occupancy : float
        Share of a working hour spent on the work at most.
    spare_hours : dict of str to float, optional
        Per group, hours per week its planned real-time staff are free for other work (planned
        hours x ``max_occupancy`` - real-time load); none when left out. They are spent on the
        group's deferred channels in turn.

    Returns
    -------
    pandas.DataFrame
        One row per group and deferred channel with work, columns :data:`DEFERRED_COLUMNS`;
        ``spare_hours_per_week`` is the part of the work done in spare time, ``agents`` the
        fractional number needed for the rest in each of its working intervals (infinite when
        the group works no hours at all).
    """
    spare = dict(spare_hours or {})
    interval_h = scenario.calendar.interval_min / 60
    services = {s.name: s for s in scenario.services}
    work: dict[tuple[str, str], list[float]] = {}  # (group, channel) -> [services, items, hours]
    for channel, service, items in expected_deferred(scenario).itertuples(index=False):
        for owner, share in service_owners(scenario, str(channel), str(service)):
            wrapup = owner.wrapup.mean_min if owner.wrapup is not None else 0.0
            handling = services[str(service)].handling_for(str(channel)).mean_min + wrapup
            entry = work.setdefault((owner.name, str(channel)), [0.0, 0.0, 0.0])
            entry[0] += 1
            entry[1] += float(items) * share
            entry[2] += float(items) * share * handling / 60
    rows = []
    for (group, channel), (count, items, hours) in work.items():
        working_hours = float(np.count_nonzero(working[group])) * interval_h
        in_spare = min(hours, max(spare.get(group, 0.0), 0.0))
        spare[group] = spare.get(group, 0.0) - in_spare
        rest = hours - in_spare
        if rest <= 1e-9:
            agents = 0.0
        else:
            agents = rest / working_hours / max_occupancy if working_hours else math.inf
        rows.append(
            {
                "staff_group": group,
                "channel": channel,
                "services": int(count),
                "items_per_week": items,
                "work_hours_per_week": hours,
                "spare_hours_per_week": in_spare,
                "working_hours_per_week": working_hours,
                "agents": agents,
            }
        )
    return pd.DataFrame(rows, columns=DEFERRED_COLUMNS)
