"""Training KPIs: hours in class and teaching per staff group, proficiency per skill.

The staff table (``staff.parquet``) has one row per spell with its ``activity``: ``work`` on the
floor, ``training`` (in class, learning new skills) or ``training_others`` (teaching another
group's cohort). Staff hours, occupancy and the interval table's staff columns count ``work``
spells only (:func:`work_spells`): time in class is not time available for contacts. The staff
group rows of ``kpis.csv`` add

* ``training_hours`` — time in class within the period, summed over the group's members (h);
* ``trainer_hours`` — time the group's members spent teaching (h);

both empty for a run without any training. The proficiency log of the model (the cohorts' mean
levels per skill at 00:00 of each day, :data:`klantstroom.model.training.PROFICIENCY_COLUMNS`)
becomes :func:`proficiency_table`, and rows per staff group x channel x service learnt
(``shop = department = all``) with

* ``proficiency_speed`` — mean over the period's days (from the course's start) of the cohort's
  handling speed as a share of the skill's full speed (members of several cohorts learning the
  same skill weigh by their number);
* ``proficiency_fcr`` — the same for first-contact resolution.

Monthly rows (``period = YYYY-MM``) give the trajectory: how fast a cohort comes up to speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from klantstroom.analysis.timeaverage import cumulative_presence
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario
from klantstroom.scenario.training import ACTIVITIES, TRAINING, TRAINING_OTHERS, WORK

if TYPE_CHECKING:
    from klantstroom.model.replication_log import ReplicationLog

ACTIVITY = "activity"
TRAINING_KPIS = ("training_hours", "trainer_hours", "proficiency_speed", "proficiency_fcr")
PROFICIENCY_TABLE_COLUMNS = (
    "replication",
    "day_min",
    "date",
    "staff_group",
    "service",
    "channel",
    "members",
    "speed_level",
    "fcr_level",
)


def work_spells(staff: pd.DataFrame) -> pd.DataFrame:
    """The spells on the floor (``activity = work``): all of them in a run without training."""
    if ACTIVITY not in staff or not len(staff):
        return staff
    activity = staff[ACTIVITY]
    if (activity == ACTIVITIES[WORK]).all():
        return staff
    return staff[(activity == ACTIVITIES[WORK]).to_numpy()]


def training_spells(staff: pd.DataFrame) -> pd.DataFrame | None:
    """The spells in class or teaching, or None when the run has none (no training KPIs then)."""
    if ACTIVITY not in staff or not len(staff):
        return None
    away = (staff[ACTIVITY] != ACTIVITIES[WORK]).to_numpy()
    return staff[away] if away.any() else None


def training_hours(spells: pd.DataFrame | None, group: str, window: np.ndarray) -> dict[str, float]:
    """``training_hours`` and ``trainer_hours`` of ``group`` within ``window`` (one replication).

    ``spells`` are :func:`training_spells` of the replication; None gives empty values.
    """
    if spells is None:
        return {"training_hours": np.nan, "trainer_hours": np.nan}
    mine = spells[(spells["staff_group"] == group).to_numpy()]
    result = {}
    for kpi, activity in (("training_hours", TRAINING), ("trainer_hours", TRAINING_OTHERS)):
        part = mine[(mine[ACTIVITY] == ACTIVITIES[activity]).to_numpy()]
        minutes = np.diff(
            cumulative_presence(part["on_min"].to_numpy(), part["off_min"].to_numpy(), window)
        )[0]
        result[kpi] = float(minutes) / 60.0
    return result


def proficiency_table(scenario: Scenario, logs: Sequence[ReplicationLog]) -> pd.DataFrame:
    """The cohorts' daily proficiency per skill, all replications (warm-up days included).

    Columns: ``replication``, ``day_min`` (00:00 of the day, model minutes), ``date``,
    ``staff_group``, ``service``, ``channel``, ``members`` (of the cohort), ``speed_level`` and
    ``fcr_level`` (the cohort's mean, as shares of the skill's full speed and resolution).
    """
    groups = [g.name for g in scenario.staff_groups]
    services = [s.name for s in scenario.services]
    channels = [c.name for c in scenario.channels]
    start = pd.Timestamp(scenario.calendar.start_date)
    frames = []
    for log in logs:
        p = log.proficiency
        if not p or not len(p["day_min"]):
            continue
        days = p["day_min"]
        frames.append(
            pd.DataFrame(
                {
                    "replication": np.full(len(days), log.replication, dtype=np.int32),
                    "day_min": days,
                    "date": start + pd.to_timedelta(days // MINUTES_PER_DAY, unit="D"),
                    "staff_group": np.asarray(groups, dtype=object)[p["staff_group"]],
                    "service": np.asarray(services, dtype=object)[p["service"]],
                    "channel": np.asarray(channels, dtype=object)[p["channel"]],
                    "members": p["members"],
                    "speed_level": p["speed_level"],
                    "fcr_level": p["fcr_level"],
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(PROFICIENCY_TABLE_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def proficiency_rows(
    replication: int, table: pd.DataFrame | None, window: np.ndarray
) -> list[dict[str, object]]:
    """KPI rows per staff group x channel x service learnt, over the days in ``window``."""
    if table is None or not len(table):
        return []
    days = table["day_min"].to_numpy(dtype=float)
    mine = table[
        (table["replication"] == replication).to_numpy() & (days >= window[0]) & (days < window[1])
    ]
    rows: list[dict[str, object]] = []
    for (group, channel, service), part in mine.groupby(
        ["staff_group", "channel", "service"], sort=False
    ):
        weight = part["members"].to_numpy(dtype=float)
        rows.append(
            {
                "replication": replication,
                "channel": channel,
                "shop": "all",
                "department": "all",
                "service": service,
                "staff_group": group,
                "proficiency_speed": float(np.average(part["speed_level"], weights=weight)),
                "proficiency_fcr": float(np.average(part["fcr_level"], weights=weight)),
            }
        )
    return rows
