"""Back-office departments: staff from the work their tasks bring, not from an Erlang queue.

A department's tasks are the front-office contacts of its services that were not resolved, so
how many arrive depends on routing, resolution per staff group and channel, and channel shifts:
the simulation counts them. One run of the scenario gives the tasks created per department and
date; the expected work of a task is its type's mean processing time plus, when the department
makes the callback itself, the callback's expected attempts times the expected time per attempt.

Tasks wait days, not seconds (every lead-time norm is at least one working day), so a week's work
can be spread over the week: a department needs, in every interval its group works, the week's
mean work per working day divided by the group's working hours that day, the occupancy cap and
the share of its hours left for tasks (``1 - other_work_share``).
Its group's working hours (which intervals, which days) are those of its configured roster; the
plan sizes how many.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from klantstroom.experiment import run_experiment
from klantstroom.scenario.spec import DepartmentSpec, Scenario, StaffGroupSpec

DEPARTMENT_COLUMNS = [
    "department",
    "staff_group",
    "tasks_per_week",
    "work_hours_per_week",
    "working_days",
    "working_hours_per_week",
    "agents",
]


def work_per_task_min(department: DepartmentSpec) -> dict[str, float]:
    """Expected staff minutes per task, by task type (service): processing and own callback."""
    callback = 0.0
    spec = department.callback
    if spec is not None and spec.by == "department":
        miss = 1.0 - spec.reach_probability
        attempts = sum(miss**k for k in range(spec.max_attempts))
        per_attempt = spec.reach_probability * spec.handling.mean_min + miss * spec.attempt_min
        callback = spec.probability * attempts * per_attempt
    return {service: time.mean_min + callback for service, time in department.tasks}


def counted_tasks(scenario: Scenario, replications: int) -> pd.DataFrame:
    """The tasks of ``replications`` runs of ``scenario`` (``tasks.parquet`` rows)."""
    run = dataclasses.replace(scenario.run, replications=replications)
    return run_experiment(dataclasses.replace(scenario, run=run), lean=True).tasks


def department_requirements(
    scenario: Scenario, tasks: pd.DataFrame, *, max_occupancy: float, replications: int
) -> pd.DataFrame:
    """Staff each department group needs in every interval it works (see the module docstring).

    Parameters
    ----------
    tasks : pandas.DataFrame
        Tasks of ``replications`` replications of ``scenario`` (:func:`counted_tasks`).

    Returns
    -------
    pandas.DataFrame
        One row per department group, columns :data:`DEPARTMENT_COLUMNS`; ``agents`` is the
        fractional number needed in each of its working intervals. A department with several
        groups shares its work by their configured staff hours.
    """
    interval_h = scenario.calendar.interval_min / 60
    weeks = scenario.run.horizon_days / 7
    rows = []
    for department in scenario.departments:
        groups = [g for g in scenario.staff_groups if g.department == department.name]
        if not groups:
            continue
        own = tasks[tasks["department"].astype(str) == department.name]
        work_min = own["service"].astype(str).map(work_per_task_min(department)).fillna(0.0)
        per_week = float(work_min.sum()) / 60 / replications / weeks
        count = len(own) / replications / weeks
        hours = {g.name: float(np.sum(g.headcount)) * interval_h for g in groups}
        available = 1.0 - department.other_work_share
        for group in groups:
            share = hours[group.name] / sum(hours.values()) if sum(hours.values()) else 0.0
            working = _working_hours_per_week(group, interval_h)
            rows.append(
                {
                    "department": department.name,
                    "staff_group": group.name,
                    "tasks_per_week": count * share,
                    "work_hours_per_week": per_week * share,
                    "working_days": sum(1 for row in group.headcount if any(row)),
                    "working_hours_per_week": working,
                    # Only (1 - other_work_share) of a member's hours go to tasks.
                    "agents": per_week * share / working / max_occupancy / available
                    if working
                    else math.inf,
                }
            )
    return pd.DataFrame(rows, columns=DEPARTMENT_COLUMNS)


def _working_hours_per_week(group: StaffGroupSpec, interval_h: float) -> float:
    """Hours of the week in which the group's roster has anyone on duty."""
    return sum(interval_h for row in group.headcount for staff in row if staff > 0)


def department_headcount(group: StaffGroupSpec, agents: float) -> np.ndarray:
    """The group's need per weekday x interval where its roster works: ``agents`` on average
    (:func:`spread_headcount` over its roster's working intervals)."""
    return spread_headcount(np.array(group.headcount, dtype=int) > 0, agents)


def spread_headcount(working: np.ndarray, agents: float) -> np.ndarray:
    """Staff per weekday x interval for work that may wait days: ``agents`` on average over the
    ``working`` intervals (a boolean weekday x interval grid).

    Each working day gets ``floor(agents)`` staff in every working interval and one more in its
    first intervals, as many as the fraction needs (rounded up). Rounding every interval up
    instead would nearly double a small department's hours (1.1 staff needed -> 2 all day),
    which tasks that may wait days do not need.
    """
    base = math.floor(agents + 1e-9)
    grid = np.where(working, base, 0)
    for weekday in range(working.shape[0]):
        slots = np.flatnonzero(working[weekday])
        extra = math.ceil((agents - base) * len(slots) - 1e-9)
        grid[weekday, slots[:extra]] += 1
    return grid
