"""Calibration: measures, unavailable time, the fitted scenario, and an exact trace replay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klantstroom.calibration.availability import unavailable_after_calls
from klantstroom.calibration.compare import (
    base_service,
    largest_differences,
    measure,
    queued_calls_from_log,
)
from klantstroom.calibration.importers import read_log
from klantstroom.calibration.pipeline import calibrate, scenario_config, write_scenario
from klantstroom.calibration.replay import conditional_patience_min, trace_replay
from klantstroom.experiment import run_experiment
from klantstroom.scenario.build import build_scenario

SLICE = Path(__file__).parents[1] / "data" / "anonymous-bank-slice.tsv"
T0 = pd.Timestamp("2027-01-04")


def call_log(rows: list[tuple[float, float, str, float, str]]) -> pd.DataFrame:
    """A call log from (arrival s, wait s, outcome, service s, agent) rows on 2027-01-04."""
    arrival = [T0 + pd.Timedelta(seconds=r[0]) for r in rows]
    served = [r[2] == "served" for r in rows]
    answered = [
        a + pd.Timedelta(seconds=r[1]) if s else pd.NaT
        for a, r, s in zip(arrival, rows, served, strict=True)
    ]
    return pd.DataFrame(
        {
            "call_id": [str(i) for i in range(len(rows))],
            "caller_id": pd.array([pd.NA] * len(rows), dtype="string"),
            "service": "PS",
            "priority": 1,
            "arrival": pd.to_datetime(arrival),
            "answered": pd.to_datetime(answered),
            "abandoned": pd.to_datetime(
                [
                    a + pd.Timedelta(seconds=r[1]) if not s else pd.NaT
                    for a, r, s in zip(arrival, rows, served, strict=True)
                ]
            ),
            "ended": pd.to_datetime(
                [
                    a + pd.Timedelta(seconds=r[3]) if s else pd.NaT
                    for a, r, s in zip(answered, rows, served, strict=True)
                ]
            ),
            "agent": pd.array([r[4] if r[4] else pd.NA for r in rows], dtype="string"),
            "outcome": [r[2] for r in rows],
            "wait_s": [float(r[1]) for r in rows],
            "service_s": [float(r[3]) if s else np.nan for r, s in zip(rows, served, strict=True)],
            "source_row": np.arange(2, len(rows) + 2),
        }
    )


def test_measures_follow_the_service_level_convention() -> None:
    calls = call_log(
        [
            (36000, 0, "served", 60, "A"),
            (36010, 50, "served", 60, "A"),
            (36020, 40, "abandoned", 0, ""),
            (40000, 10, "served", 60, "B"),
        ]
    )
    table = measure(queued_calls_from_log(calls), days=1)
    overall = table.loc["all"]
    assert overall["offered"] == 4
    assert overall["abandonment_rate"] == pytest.approx(0.25)
    assert overall["mean_wait_served_s"] == pytest.approx(20.0)
    assert overall["within_30s"] == pytest.approx(0.5)  # 2 of 4: the abandoned call counts
    assert overall["within_60s"] == pytest.approx(0.75)
    # 100 s of waiting in hour 10, averaged over the hour.
    assert table.loc[10, "mean_queue_length"] == pytest.approx(90 / 3600)


def test_largest_differences_rank_hours_by_the_models_extra_abandoned_calls() -> None:
    def hourly(offered: dict[int, float], rate: dict[int, float]) -> pd.DataFrame:
        rows = {
            h: {
                "offered": offered.get(h, 0.0),
                "abandonment_rate": rate.get(h, np.nan),
                "mean_wait_served_s": 10.0 + h,
            }
            for h in range(24)
        }
        rows["all"] = {"offered": sum(offered.values()), "abandonment_rate": 0.0}  # type: ignore[index]
        return pd.DataFrame.from_dict(rows, orient="index")

    offered = {7: 100.0, 12: 400.0, 15: 400.0, 23: 100.0, 2: 5.0}
    log = hourly(offered, {7: 0.05, 12: 0.10, 15: 0.20, 23: 0.05, 2: 0.0})
    trace = hourly(offered, {7: 0.06, 12: 0.10, 15: 0.20, 23: 0.06, 2: 0.0})
    # The model: 10 extra abandoned calls at 7, 4 at 12, 20 fewer at 15, 15 extra at 23, and
    # all 5 night calls at 2, an hour with under 1% of the calls.
    model = hourly(
        {7: 100.0, 12: 400.0, 15: 400.0, 23: 100.0, 2: 5.0},
        {7: 0.15, 12: 0.11, 15: 0.15, 23: 0.20, 2: 1.0},
    )
    served = pd.DataFrame(
        {"hour": [7, 12, 12, 15, 23], "service_s": [60.0, 120.0, 120.0, 150.0, 50.0]}
    )
    table = largest_differences({"log": log, "trace": trace, "model": model}, served, hours=3)
    assert table.index.tolist() == [15, 23, 7]
    assert table["abandoned_extra"].tolist() == pytest.approx([-20.0, 15.0, 10.0])
    assert table.loc[23, "abandonment_trace_%"] == pytest.approx(6.0)
    assert table.loc[23, "offered_log"] == 100
    # The day's mean handling is 100 s: 23:00's calls are half as long, 15:00's half again.
    assert table["handling_vs_day_%"].tolist() == pytest.approx([50.0, -50.0, -40.0])


def test_unavailable_time_is_measured_only_while_callers_wait() -> None:
    # Agent A ends a call at 36100 while call 2 waits (36050-36200) and answers it at 36200:
    # 100 s unavailable. A's next gap (36260 -> 37000) starts with nobody waiting: not used.
    # The gap after that (37060 -> 39000) is longer than 30 min: the end of a spell.
    calls = call_log(
        [
            (36000, 0, "served", 100, "A"),
            (36050, 150, "served", 60, "A"),
            (37000, 0, "served", 60, "A"),
            (39000, 0, "served", 60, "A"),
        ]
    )
    gaps = unavailable_after_calls(calls)
    assert gaps.gaps_s.tolist() == [100.0]
    assert gaps.n_calls == 2


def test_conditional_patience_exceeds_the_wait_survived() -> None:
    rng = np.random.default_rng(1)
    waited = np.array([0.0, 1.0, 5.0, 30.0])
    for patience in (
        {"kind": "exponential", "mean_min": 2.0},
        {"kind": "lognormal", "mean_min": 2.0, "cv": 1.5},
        {"kind": "weibull", "mean_min": 2.0, "cv": 1.2},
    ):
        draws = conditional_patience_min(patience, np.repeat(waited, 200), rng)
        assert np.all(draws >= np.repeat(waited, 200))


def test_trace_replay_reproduces_a_log_when_its_assumptions_hold() -> None:
    # One agent all day, no after-call time: the replay must give the logged waits exactly.
    calls = call_log(
        [
            (36000, 0, "served", 120, "A"),
            (36060, 60, "served", 120, "A"),
            (36100, 30, "abandoned", 0, ""),
            (36200, 40, "served", 60, "A"),
        ]
    )
    staffing = pd.DataFrame([[1.0] * 48], index=[T0], columns=list(range(0, 1440, 30)))
    fitted = {
        "run": {"seed": 3},
        "channels": {"phone": {"patience": {"kind": "exponential", "mean_min": 60.0}}},
        "services": {
            "PS": {
                "channel_mix": {"phone": 1.0},
                "handling": {"phone": {"kind": "deterministic", "mean_min": 2.0}},
            }
        },
        "staff_groups": {"agents": {"skills": {"PS": {"phone": {"rank": 1}}}, "wrapup": None}},
        "routing": {"policy": "specialist_first"},
    }
    replayed = trace_replay(calls.assign(model_service="PS"), staffing, fitted, replications=2)
    for _, rep in replayed.groupby("replication"):
        assert rep["outcome"].astype(str).tolist() == calls["outcome"].tolist()
        np.testing.assert_allclose(rep["wait_min"] * 60, calls["wait_s"], atol=1e-6)


def test_the_log_slice_calibrates_into_a_runnable_scenario(tmp_path: Path) -> None:
    calls, report = read_log(SLICE, "anonymous-bank")
    cal = calibrate(calls, report)
    config = scenario_config(cal, name="slice", replications=2)
    path = write_scenario(config, tmp_path / "scenarios" / "slice.yaml", SLICE)
    assert path.read_text().startswith("# @package _global_")
    scenario = build_scenario(config)
    types = {"PS", "PE", "IN", "NE", "NW", "TT"}
    assert {base_service(s.name) for s in scenario.services} <= types
    # Unidentified callers (priority 0) were answered ahead of the queue in this log.
    assert config["services"]["PS_p0"]["priority"] == 1.0
    assert config["routing"]["policy"] == "priority"
    result = run_experiment(scenario)
    assert len(result.contacts) > 0
