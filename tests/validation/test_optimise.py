"""Simulation-based staffing against Erlang C on an M/M/c, and on a two-group system."""

from __future__ import annotations

import numpy as np

from klantstroom.analysis.erlang import erlang_c_agents_for_service_level
from klantstroom.scenario.build import build_scenario
from klantstroom.staffing.optimise import optimise_headcount

from factories import ALL_DAYS, queue_config


def test_single_skill_agrees_with_erlang_c_within_one_agent() -> None:
    # M/M/c: 9 calls/min, 1 min handling, 80% within 20 s, hourly intervals over one day.
    config = queue_config(
        rate_per_hour=540.0,
        handling={"kind": "exponential", "mean_min": 1.0},
        agents=1,
        seed=5,
        horizon_days=1.0,
        calendar={"interval_min": 60},
    )
    config["channels"]["phone"]["service_level_threshold_s"] = 20.0
    scenario = build_scenario(config)
    erlang = erlang_c_agents_for_service_level(9.0, 1.0, 20 / 60, 0.8)
    start = {"agents": np.full((7, 24), erlang - 1)}
    result = optimise_headcount(scenario, start, replications=4)
    assert result.met
    monday = result.headcount["agents"][0]  # 2027-01-04 is a Monday
    assert np.all(np.abs(monday - erlang) <= 1), (monday, erlang)
    assert result.runs == 4 * len(result.history)


def test_multi_skill_norms_hold_after_optimising() -> None:
    always = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 1}]
    config = queue_config(
        rate_per_hour=180.0,
        handling={"kind": "exponential", "mean_min": 1.0},
        seed=8,
        horizon_days=1.0,
        calendar={"interval_min": 60},
    )
    config["services"]["b"] = dict(config["services"]["q"], rate_per_hour=120.0)
    config["staff_groups"] = {
        "specialists": {
            "skills": {"q": {"phone": {"rank": 1}}},
            "roster": {"works_holidays": True, "shifts": always},
        },
        "generalists": {
            "skills": {"q": {"phone": {"rank": 2}}, "b": {"phone": {"rank": 1}}},
            "roster": {"works_holidays": True, "shifts": always},
        },
    }
    scenario = build_scenario(config)
    result = optimise_headcount(scenario, replications=3)
    assert result.met
    assert result.history["failing_intervals"].iloc[-1] == 0
    total = result.headcount["specialists"][0] + result.headcount["generalists"][0]
    # 5 Erlang of work with an 80/20 norm: more than the load, and not wildly more.
    assert np.all(total >= 6) and np.all(total <= 10)


def test_the_optimised_staffing_meets_the_norm_on_fresh_seeds() -> None:
    import dataclasses

    from klantstroom.experiment import run_experiment
    from klantstroom.staffing.optimise import interval_service_levels, with_headcount

    config = queue_config(
        rate_per_hour=300.0,
        handling={"kind": "exponential", "mean_min": 1.0},
        agents=1,
        seed=5,
        horizon_days=1.0,
        calendar={"interval_min": 60},
    )
    scenario = build_scenario(config)
    result = optimise_headcount(scenario, {"agents": np.full((7, 24), 4)}, replications=4)
    assert result.met
    fresh = dataclasses.replace(
        with_headcount(scenario, result.headcount),
        run=dataclasses.replace(scenario.run, seed=999, replications=6),
    )
    levels = interval_service_levels(fresh, run_experiment(fresh).contacts)
    per_interval = levels.groupby("slot")[["within", "ended"]].sum()
    service_level = per_interval["within"] / per_interval["ended"]
    # The search demanded the lower 95% bound above 80%: fresh seeds land above it nearly always.
    assert (service_level >= 0.8).mean() >= 0.9
    assert service_level.mean() >= 0.8
