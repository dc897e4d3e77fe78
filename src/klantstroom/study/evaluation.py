"""One point of a study: its configuration built, simulated, and its norm KPIs read off.

A :class:`Point` says what differs from a base configuration: parameter values
(:func:`klantstroom.study.changes.apply`, which keeps shares whole) and whole values to put in
place (a year's channel mix in the scenario fan). :func:`evaluate` runs in an executor's worker:
it builds the point's scenario from data (no Hydra composition per point), simulates the
replications one after the other, builds the run's tables and returns, per replication,

* every norm's KPI on the period the norm is judged on (``run.judge_on``), at the level the norm
  names (all services, all shops; a norm without a channel on the back office or the journeys is
  read per department when there is no row over all of them), with its target and verdict;
* the staff's hours: on duty and busy, summed over the groups, as FTE of ``contract_hours``
  (the FTE the work asks for is busy hours at the plan's ``max_occupancy``).

Every point uses the scenario's seed, so two points differ only by their values: common random
numbers, which take most of the noise out of a difference (the elementary effects of Morris,
the one-at-a-time swings of a tornado).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.analysis.periods import WHOLE_RUN
from klantstroom.experiment import tables_from_logs
from klantstroom.model.simulation import simulate
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario
from klantstroom.study.changes import Parameter, Path, apply, put


@dataclass(frozen=True)
class Point:
    """What one evaluation changes.

    Attributes
    ----------
    key : str
        Unique within its study: how the streamed results and a resumed study find it.
    base : str
        Which of the study's base configurations it starts from (a road-map year in the fan).
    values : mapping of str to float
        Parameter values by name.
    replace : tuple of (path, value)
        Values put in place as they are (after the parameters).
    """

    key: str
    base: str = ""
    values: Mapping[str, float] = field(default_factory=dict)
    replace: tuple[tuple[Path, Any], ...] = ()


@dataclass(frozen=True)
class StudyBase:
    """What every evaluation of a study shares (sent to each worker once)."""

    configs: Mapping[str, Mapping[str, Any]]
    parameters: Sequence[Parameter] = ()
    replications: int = 1


def point_config(base: StudyBase, point: Point) -> dict[str, Any]:
    """The configuration of ``point``: its base with its values and replacements written in."""
    config = apply(base.configs[point.base], base.parameters, point.values)
    for path, value in point.replace:
        put(config, path, value)
    return config


def _rows_at(kpis: pd.DataFrame, kpi: str, levels: Mapping[str, str]) -> pd.DataFrame:
    """The rows of ``kpis`` at ``levels`` (column: value) that have a value of ``kpi``."""
    mask = kpis[kpi].notna()
    for level, at in levels.items():
        mask &= kpis[level] == at
    return kpis[mask]


def norm_rows(scenario: Scenario, kpis: pd.DataFrame) -> list[dict[str, Any]]:
    """Every norm's value per replication from a run's judged ``kpis`` table."""
    rows: list[dict[str, Any]] = []
    for norm in scenario.all_norms():
        if norm.kpi not in kpis.columns:
            continue
        wanted = {
            "channel": norm.channel or "all",
            "shop": norm.shop or "all",
            "department": norm.department or "all",
            "service": norm.service or "all",
            "staff_group": "all",
        }
        found = _rows_at(kpis, norm.kpi, wanted)
        if found.empty and norm.department is None:
            # A back-office or journey norm over every department: one row per department.
            per = {level: at for level, at in wanted.items() if level != "department"}
            found = _rows_at(kpis[kpis["department"] != "all"], norm.kpi, per)
        for row in found.to_dict("records"):
            value = float(row[norm.kpi])
            department = str(row["department"])
            name = (
                norm.name
                if department in ("all", wanted["department"])
                else f"{norm.name}:{department}"
            )
            rows.append(
                {
                    "norm": name,
                    "kpi": norm.kpi,
                    "channel": norm.channel or "",
                    "label": norm.label,
                    "replication": int(row["replication"]),
                    "period": str(row.get("period", WHOLE_RUN)),
                    "value": value,
                    "target": norm.target,
                    "at_least": norm.at_least,
                    "met": bool(value >= norm.target if norm.at_least else value <= norm.target),
                }
            )
    return rows


def staff_rows(scenario: Scenario, period_kpis: pd.DataFrame) -> list[dict[str, Any]]:
    """Per replication: FTE on duty and FTE of work over the whole run, every group summed."""
    rows = period_kpis[
        (period_kpis["period"] == WHOLE_RUN)
        & (period_kpis["staff_group"] != "all")
        & period_kpis["busy_hours"].notna()
    ]
    weeks = scenario.run.horizon_min / MINUTES_PER_DAY / 7.0
    contract = scenario.staffing.contract_hours_per_week
    occupancy = scenario.staffing.max_occupancy
    result = []
    for replication, group in rows.groupby("replication"):
        assert isinstance(replication, int | np.integer)
        on_duty = float(group["staff_hours"].sum()) / weeks / contract
        busy = float(group["busy_hours"].sum()) / weeks / contract
        result.append(
            {
                "replication": int(replication),
                "fte_on_duty": on_duty,
                "fte_of_work": busy / occupancy,
            }
        )
    return result


def evaluate(base: StudyBase, point: Point) -> dict[str, Any]:
    """Simulate ``point`` and return its record (a JSON-ready dict; raises if it fails)."""
    start = time.perf_counter()
    # The base configurations were checked against the schema when the study was set up, and a
    # point changes only numbers that are there: build_scenario's checks are enough (and take
    # milliseconds where the schema merge takes most of a second).
    # Its warnings (a period cut to the run) were shown once, when the study was set up.
    quiet = logging.getLogger("klantstroom.scenario")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        scenario = build_scenario(point_config(base, point))
    finally:
        quiet.setLevel(level)
    logs = [simulate(scenario, replication) for replication in range(base.replications)]
    result = tables_from_logs(scenario, logs)
    norms = norm_rows(scenario, result.kpis)
    if not norms:
        raise RuntimeError("no norm has a value in this run (is the horizon long enough?)")
    return {
        "key": point.key,
        "norms": norms,
        "staff": staff_rows(scenario, result.period_kpis) if result.period_kpis is not None else [],
        "wall_s": round(time.perf_counter() - start, 3),
    }
