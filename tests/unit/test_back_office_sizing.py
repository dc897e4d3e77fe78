"""Back-office staffing: work per task, the week's work spread over the group's working hours."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from klantstroom.staffing.back_office import (
    counted_tasks,
    department_headcount,
    department_requirements,
    work_per_task_min,
)
from klantstroom.staffing.plan import plan_staffing

from factories import queue_config, scenario

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def office(callback: dict | None = None, horizon_days: float = 14.0) -> dict:
    """Calls all day; half are not resolved and become tasks of 6 min; the back office works
    09:00-17:00 on weekdays with 2 staff."""
    department: dict = {"tasks": {"q": {"kind": "exponential", "mean_min": 6.0}}}
    if callback:
        department["callback"] = callback
    return queue_config(
        rate_per_hour=10.0,
        handling={"kind": "exponential", "mean_min": 2.0},
        agents=3,
        horizon_days=horizon_days,
        replications=2,
        seed=3,
        staffing={"replications": 2},  # the plan counts tasks in 2 replications too
        services={"q": {"fcr_probability": 0.5}},
        departments={"bo": department},
        staff_groups={
            "bo_staff": {
                "department": "bo",
                "roster": {
                    "works_holidays": True,
                    "shifts": [
                        {"days": WEEKDAYS, "start": "09:00", "end": "17:00", "headcount": 2}
                    ],
                },
            }
        },
    )


def test_work_per_task_adds_the_departments_own_callback() -> None:
    callback = {
        "probability": 0.5,
        "by": "department",
        "reach_probability": 0.6,
        "max_attempts": 3,
        "retry_delay": {"kind": "deterministic", "mean_min": 60.0},
        "handling": {"kind": "deterministic", "mean_min": 10.0},
        "attempt_min": 1.0,
        "due_working_days": 1,
    }
    (department,) = scenario(office(callback)).departments
    # Attempts: 1 + 0.4 + 0.16 = 1.56, each 0.6 x 10 + 0.4 x 1 = 6.4 min; half the tasks.
    assert work_per_task_min(department) == {"q": pytest.approx(6.0 + 0.5 * 1.56 * 6.4)}
    (plain,) = scenario(office()).departments
    assert work_per_task_min(plain) == {"q": 6.0}


def test_the_weeks_work_is_spread_over_the_groups_working_hours() -> None:
    sc = scenario(office())
    # 14 days are 2 weeks; 1440 tasks over 2 replications.
    tasks = pd.DataFrame({"department": ["bo"] * 1440, "service": ["q"] * 1440})
    table = department_requirements(sc, tasks, max_occupancy=0.8, replications=2)
    (row,) = table.to_dict("records")
    assert row["tasks_per_week"] == pytest.approx(360.0)  # 1440 / 2 replications / 2 weeks
    assert row["work_hours_per_week"] == pytest.approx(36.0)  # x 6 min
    assert row["working_days"] == 5 and row["working_hours_per_week"] == pytest.approx(40.0)
    assert row["agents"] == pytest.approx(36.0 / 40.0 / 0.8)
    (group,) = [g for g in sc.staff_groups if g.department == "bo"]
    grid = department_headcount(group, row["agents"])
    assert grid.shape == (7, 48)
    # 1.125 staff on average over 09:00-17:00: 1 all day, 2 in the first hour (16 x 0.125).
    assert grid[0, 18:34].tolist() == [2, 2] + [1] * 14
    assert grid[0].sum() == 18 and grid[5].sum() == grid[6].sum() == 0
    assert department_headcount(group, 2.0)[0].sum() == 32  # a whole number stays as it is


def test_the_simulation_counts_the_unresolved_calls_as_tasks() -> None:
    sc = scenario(office(horizon_days=7.0))
    tasks = counted_tasks(sc, replications=2)
    # 10 calls an hour, half unresolved: about 120 tasks a day.
    per_day = len(tasks) / 2 / 7
    assert per_day == pytest.approx(120.0, rel=0.08)
    plan = plan_staffing(sc)
    (row,) = plan.departments.to_dict("records")
    # The plan's own count, from the same seed and replications: the same tasks exactly.
    assert row["work_hours_per_week"] == pytest.approx(per_day * 7 * 6 / 60)
    fte = plan.fte.set_index("staff_group")
    assert fte.loc["bo_staff", "note"] == "" and fte.loc["bo_staff", "fte"] > 0
    # Without the back office, its group is left out with a reason, not shown as 0.
    front_only = plan_staffing(sc, back_office=False).fte.set_index("staff_group")
    assert math.isnan(front_only.loc["bo_staff", "fte"])
    assert "back office" in front_only.loc["bo_staff", "note"]


def test_other_work_raises_the_staff_a_department_needs() -> None:
    """With a quarter of the hours on work no contact caused, the same tasks need 4/3 the staff."""
    plain = scenario(office())
    config = office()
    config["departments"]["bo"]["other_work_share"] = 0.25
    busy = scenario(config)
    tasks = counted_tasks(plain, 2)
    need = department_requirements(plain, tasks, max_occupancy=0.85, replications=2)
    more = department_requirements(busy, tasks, max_occupancy=0.85, replications=2)
    assert more["agents"].iloc[0] == pytest.approx(need["agents"].iloc[0] / 0.75)
