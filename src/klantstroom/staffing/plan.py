"""A staffing plan for a scenario: requirements, headcount per group, shifts and FTE.

The steps, each in its own module:

1. analytic requirements per date x interval x channel x service (:mod:`.demand`, Erlang A or
   C per ``staffing.method``, with the occupancy and abandonment caps);
2. a starting headcount per staff group x weekday x interval: each service's fractional need goes
   to the group that ranks it highest, summed per group, the busiest date of each weekday
   counting; one agent below it when the simulation refines it (so it can also go down);
3. with ``staffing.optimise``, the simulation-based search (:mod:`.optimise`);
4. shifts per group and weekday covering that headcount at the fewest paid hours
   (:mod:`.shifts`), intervals no allowed shift can cover reported as uncovered;
5. FTE per group from a week's paid hours, contract hours and shrinkage, and its cost where a
   salary is given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario
from klantstroom.staffing.demand import interval_requirements
from klantstroom.staffing.optimise import best_group, optimise_headcount
from klantstroom.staffing.shifts import fte, schedule_shifts, shift_templates

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class StaffingPlan:
    """Everything ``klantstroom-staff`` writes.

    Attributes
    ----------
    requirements : pandas.DataFrame
        Analytic need per date x interval x channel x service (``requirements.parquet``).
    headcount : pandas.DataFrame
        Staff needed per group x weekday x interval (``headcount.parquet``).
    shifts : pandas.DataFrame
        Shifts per group and weekday with counts and paid hours (``shifts.csv``).
    fte : pandas.DataFrame
        Paid hours per week, FTE and cost per group (``fte.csv``).
    uncovered : pandas.DataFrame
        Intervals with staff needed that no allowed shift covers.
    runs : int
        Simulation runs used (0 without optimisation).
    met : bool or None
        Whether the simulated norms hold everywhere (None without optimisation).
    """

    requirements: pd.DataFrame
    headcount: pd.DataFrame
    shifts: pd.DataFrame
    fte: pd.DataFrame
    uncovered: pd.DataFrame
    runs: int
    met: bool | None


def start_headcount(scenario: Scenario, requirements: pd.DataFrame) -> dict[str, np.ndarray]:
    """Fractional needs assigned to the best-ranked group, per weekday x interval (busiest date)."""
    interval = scenario.calendar.interval_min
    slots = MINUTES_PER_DAY // interval
    per_date: dict[tuple[str, object], np.ndarray] = {}
    for date, start, channel, service, agents in zip(
        requirements["date"],
        requirements["interval_start_min"],
        requirements["channel"],
        requirements["service"],
        requirements["agents"],
        strict=True,
    ):
        group = best_group(scenario, str(channel), str(service)).name
        row = per_date.setdefault((group, date), np.zeros(slots))
        row[int(start) // interval] += float(agents)
    result = {g.name: np.zeros((7, slots)) for g in scenario.staff_groups}
    for (group, date), row in per_date.items():
        weekday = pd.Timestamp(date).weekday()  # type: ignore[arg-type]
        result[group][weekday] = np.maximum(result[group][weekday], row)
    return {name: np.ceil(grid - 1e-9).astype(int) for name, grid in result.items()}


def plan_staffing(scenario: Scenario) -> StaffingPlan:
    """Size, optimise, schedule and count the staff of ``scenario`` (see the module docstring)."""
    spec = scenario.staffing
    interval = scenario.calendar.interval_min
    requirements = interval_requirements(
        scenario,
        max_occupancy=spec.max_occupancy,
        max_abandonment=spec.max_abandonment,
        with_patience=spec.method == "erlang_a",
    )
    headcount = start_headcount(scenario, requirements)
    runs, met = 0, None
    if spec.optimise and len(requirements):
        start = {name: np.maximum(grid - 1, 0) * (grid > 0) for name, grid in headcount.items()}
        result = optimise_headcount(
            scenario, start, replications=spec.replications, confidence=spec.confidence
        )
        headcount, runs, met = result.headcount, result.runs, result.met
    templates = shift_templates(
        spec.shift_starts_min,
        spec.shift_lengths_min,
        break_min=spec.break_min,
        break_from_length_min=spec.break_from_length_min,
        step_min=interval,
    )
    shift_rows, uncovered_rows, head_rows = [], [], []
    # Back-office departments work deferred tasks, not an Erlang queue: not sized here (yet).
    front_office = [g for g in scenario.staff_groups if g.department is None]
    paid: dict[str, float] = {g.name: 0.0 for g in front_office}
    for group in front_office:
        grid = headcount[group.name]
        for weekday in range(7):
            need = grid[weekday]
            for slot in np.flatnonzero(need).tolist():
                head_rows.append(
                    {
                        "staff_group": group.name,
                        "weekday": WEEKDAY_NAMES[weekday],
                        "interval_start_min": slot * interval,
                        "staff_needed": int(need[slot]),
                    }
                )
            if not need.any():
                continue
            plan = schedule_shifts(need, interval, templates)
            paid[group.name] += plan.paid_hours
            for template, count in sorted(plan.counts.items(), key=lambda kv: kv[0].start_min):
                shift_rows.append(
                    {
                        "staff_group": group.name,
                        "weekday": WEEKDAY_NAMES[weekday],
                        "shift": template.label,
                        "start_min": template.start_min,
                        "length_min": template.length_min,
                        "staff": count,
                        "paid_hours": count * template.paid_hours,
                    }
                )
            for slot in np.flatnonzero(plan.uncovered).tolist():
                uncovered_rows.append(
                    {
                        "staff_group": group.name,
                        "weekday": WEEKDAY_NAMES[weekday],
                        "interval_start_min": slot * interval,
                        "staff_uncovered": float(plan.uncovered[slot]),
                    }
                )
    salaries = dict(spec.salary_per_fte_per_year)
    fte_rows = []
    for name, hours in paid.items():
        full_time = fte(hours, spec.contract_hours_per_week, spec.shrinkage)
        salary = salaries.get(name)
        fte_rows.append(
            {
                "staff_group": name,
                "paid_hours_per_week": hours,
                "fte": full_time,
                "cost_per_year": full_time * salary if salary is not None else math.nan,
            }
        )
    return StaffingPlan(
        requirements=requirements,
        headcount=pd.DataFrame(
            head_rows, columns=["staff_group", "weekday", "interval_start_min", "staff_needed"]
        ),
        shifts=pd.DataFrame(
            shift_rows,
            columns=[
                "staff_group",
                "weekday",
                "shift",
                "start_min",
                "length_min",
                "staff",
                "paid_hours",
            ],
        ),
        fte=pd.DataFrame(fte_rows),
        uncovered=pd.DataFrame(
            uncovered_rows,
            columns=["staff_group", "weekday", "interval_start_min", "staff_uncovered"],
        ),
        runs=runs,
        met=met,
    )
