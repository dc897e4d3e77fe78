"""Validate a fitted scenario against a log: both replays, per hour and overall, per call type.

:func:`validate` replays the log's period through the model twice, trace-driven (the logged
calls at their logged times, :mod:`klantstroom.calibration.replay`) and model-driven (the
scenario's own demand over the same dates), and compares each with the log against the targets:
abandonment within 1.5 percentage points and mean wait of served calls within 15%. The same
function serves the period the scenario was fitted on (in sample) and another period (out of
sample, :mod:`klantstroom.calibration.holdout`), so both are judged alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from klantstroom.calibration.compare import (
    by_class,
    comparison_table,
    largest_differences,
    measure,
    queued_calls_from_contacts,
    queued_calls_from_log,
)
from klantstroom.calibration.replay import trace_replay
from klantstroom.calibration.report import targets_table
from klantstroom.experiment import run_experiment
from klantstroom.scenario.build import build_scenario

if TYPE_CHECKING:
    from klantstroom.calibration.pipeline import Calibration

ALL_TYPES = "all call types"
MIN_CALLS_TO_COMPARE = 30
# The periods a calibration validates: the one it was fitted on, and another (a holdout).
IN_SAMPLE = "in sample"
OUT_OF_SAMPLE = "out of sample"


@dataclass(frozen=True, eq=False)
class Validation:
    """How close both replays of one period come to its log.

    Attributes
    ----------
    targets : dict of str to pandas.DataFrame
        Per group of call types (``all call types`` and each type with enough calls), rows
        ``trace`` and ``model``: the log's and the replay's abandonment and mean wait of served
        calls, and whether each target is met
        (:func:`~klantstroom.calibration.report.targets_table`).
    overall : dict of str to pandas.DataFrame
        The measures side by side, rows ``log``, ``trace``, ``model``.
    hourly : dict of str to dict of str to pandas.DataFrame
        Per group, the measures per hour of the day for ``log``, ``trace`` and ``model``.
    differences : dict of str to pandas.DataFrame
        Per group, the hours where the model-driven replay misses most.
    per_class : pandas.DataFrame
        Abandonment and mean wait per model service (type x class) and source.
    """

    targets: dict[str, pd.DataFrame]
    overall: dict[str, pd.DataFrame]
    hourly: dict[str, dict[str, pd.DataFrame]]
    differences: dict[str, pd.DataFrame]
    per_class: pd.DataFrame

    def met(self, group: str) -> bool:
        """Whether both targets are met in both replays for ``group``."""
        table = self.targets[group]
        return bool(table["abandonment_met"].all() and table["mean_wait_met"].all())


@dataclass
class Period:
    """One period of a log: its fit (demand, staffing, behaviour), the scenario to replay and,
    once replayed, its validation (``label``: :data:`IN_SAMPLE` or :data:`OUT_OF_SAMPLE`)."""

    label: str
    cal: Calibration
    config: dict[str, Any]
    validation: Validation | None = None


def validate(
    calls: pd.DataFrame,
    staffing: pd.DataFrame,
    config: Mapping[str, Any],
    *,
    replications: int,
    services: Sequence[str] | None = None,
    model: bool = True,
) -> Validation:
    """Replay the period of ``calls`` with ``config`` and compare both replays with the log.

    Parameters
    ----------
    calls : pandas.DataFrame
        The log of the period, with ``model_service`` naming each call's service in ``config``.
    staffing : pandas.DataFrame
        Agents on duty per date and interval, inferred from this log (the trace replay's).
    config : mapping
        The scenario of this period: its demand and agents from this log, its behaviour from
        the fit (the same log in sample, another out of sample).
    replications : int
        Replications of each replay.
    services : sequence of str, optional
        Call types to compare one by one (default: every type in the log).
    model : bool
        Also run the model-driven replay (False: the trace replay only, for quick sweeps).
    """
    traced = trace_replay(calls, staffing, config, replications=replications)
    origin = calls["arrival"].min().normalize()
    days = int((calls["arrival"].max().normalize() - origin).days) + 1
    log_table = queued_calls_from_log(calls)
    sources = {"log": log_table, "trace": queued_calls_from_contacts(traced)}
    modelled = None
    if model:
        modelled = run_experiment(build_scenario(dict(config)), lean=True).contacts
        model_table = queued_calls_from_contacts(modelled)
        # Only the dates the log covers: a date without calls has no log to compare with.
        sources["model"] = model_table[model_table["day"].isin(set(log_table["day"].unique()))]
    groups: dict[str, list[str] | None] = {ALL_TYPES: None}
    for service in services or sorted(calls["service"].astype(str).unique()):
        groups[service] = [service]
    served = calls[calls["outcome"] == "served"]
    served = pd.DataFrame(
        {
            "service": served["service"].astype(str),
            "hour": served["arrival"].dt.hour,
            "service_s": served["service_s"].astype(float),
        }
    )
    targets, overall, hourly, differences = {}, {}, {}, {}
    for label, group in groups.items():
        measured = {name: measure(table, days, group) for name, table in sources.items()}
        few = float(measured["log"]["offered"].to_numpy(dtype=float)[-1]) < MIN_CALLS_TO_COMPARE
        if few and group is not None:
            continue  # too few calls of this type for a meaningful comparison
        hourly[label] = measured
        overall[label] = comparison_table(measured)
        targets[label] = targets_table(overall[label])
        if model:
            own = served if group is None else served[served["service"].isin(group)]
            differences[label] = largest_differences(measured, own)
    class_sources = {
        "log": calls,
        "trace": traced.assign(wait_s=traced["wait_min"] * 60),
    }
    if modelled is not None:
        class_sources["model"] = modelled.assign(
            model_service=modelled["service"].astype(str), wait_s=modelled["wait_min"] * 60
        )[modelled["arrival_min"] // 1440 < days]
    return Validation(
        targets=targets,
        overall=overall,
        hourly=hourly,
        differences=differences,
        per_class=by_class(class_sources),
    )


def side_by_side(periods: Mapping[str, Validation]) -> dict[str, pd.DataFrame]:
    """Per group of call types, each period's targets table stacked (index period x replay)."""
    groups: list[str] = []
    for validation in periods.values():
        groups += [g for g in validation.targets if g not in groups]
    return {
        group: pd.concat(
            {name: v.targets[group] for name, v in periods.items() if group in v.targets},
            names=["period", "replay"],
        )
        for group in groups
    }
