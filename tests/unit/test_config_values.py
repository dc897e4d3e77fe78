"""Values that would run forever, double a shift, corrupt the KPI rows or lose demand are refused.

Issue 18 point 5: every bad value is an error naming its key and what is allowed (the bounds and
name rules are listed in docs/configuration.md, "Bounds and names").
"""

from __future__ import annotations

import math
import os
from typing import Any

import pytest

from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

from factories import deep_update, queue_config


def errors_of(config: dict[str, Any]) -> str:
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(config)
    return str(info.value)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"run": {"horizon_days": None}}, "run.horizon_days"),
        ({"run": {"warmup_days": None}}, "run.warmup_days"),
        ({"services": {"q": {"rate_per_hour": None}}}, "services.q.rate_per_hour"),
        (
            {"services": {"q": {"handling": {"phone": {"kind": "exponential", "mean_min": None}}}}},
            "services.q.handling.phone.mean_min",
        ),
        ({"routing": {"ageing_per_min": None}}, "routing.ageing_per_min"),
        (
            {"services": {"q": {"handling_by_weekday": {"phone": {"mon": None}}}}},
            "services.q.handling_by_weekday.phone.mon",
        ),
    ],
)
def test_non_finite_numbers_are_refused(overrides: dict[str, Any], key: str, value: float) -> None:
    def fill(tree: dict[str, Any]) -> dict[str, Any]:
        # None marks the value under test; the other leaves stay as given.
        return {
            k: fill(v) if isinstance(v, dict) else (value if v is None else v)
            for k, v in tree.items()
        }

    message = errors_of(deep_update(queue_config(rate_per_hour=6.0), fill(overrides)))
    assert f"{key}: must be a" in message


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"run": {"horizon_days": 4000}}, "run.horizon_days: must be <= 3660.0"),
        ({"run": {"replications": 5000}}, "run.replications: must be <= 1000"),
        ({"run": {"warmup_days": 400}}, "run.warmup_days: must be <= 366.0"),
        ({"run": {"n_jobs": 1000}}, "run.n_jobs: must be 1 to"),
        ({"run": {"n_jobs": -2}}, "or -1 for all cores"),
        (
            {
                "services": {
                    "q": {"handling": {"phone": {"kind": "gamma", "mean_min": 1e7, "cv": 1}}}
                }
            },
            "services.q.handling.phone.mean_min: must be <= 525600.0",
        ),
        ({"services": {"q": {"rate_per_hour": 1e6}}}, "services.q.rate_per_hour: must be <= 10000"),
        (
            {"services": {"q": {"handling_by_weekday": {"phone": {"tue": 60.0}}}}},
            "services.q.handling_by_weekday.phone.tue: must be <= 10.0",
        ),
    ],
)
def test_values_that_would_exhaust_time_or_memory_are_refused(
    overrides: dict[str, Any], expected: str
) -> None:
    assert expected in errors_of(deep_update(queue_config(rate_per_hour=6.0), overrides))


def test_n_jobs_may_be_every_core_or_minus_one() -> None:
    for n_jobs in (-1, 1, os.cpu_count() or 1):
        build_scenario(deep_update(queue_config(rate_per_hour=6.0), {"run": {"n_jobs": n_jobs}}))


def test_more_jobs_than_cores_are_lowered_to_the_cores(caplog: pytest.LogCaptureFixture) -> None:
    cores = os.cpu_count() or 1
    config = deep_update(queue_config(rate_per_hour=6.0), {"run": {"n_jobs": cores + 3}})
    assert build_scenario(config).run.n_jobs == cores
    assert "run.n_jobs" in caplog.text


def test_a_weekday_twice_in_a_shift_is_refused() -> None:
    config = queue_config(rate_per_hour=6.0)
    config["staff_groups"]["agents"]["roster"]["shifts"][0]["days"] = ["mon", "tue", "mon"]
    message = errors_of(config)
    assert "staff_groups.agents.roster.shifts[0].days: lists 'mon' more than once" in message


def test_shift_days_must_be_a_list() -> None:
    config = queue_config(rate_per_hour=6.0)
    config["staff_groups"]["agents"]["roster"]["shifts"][0]["days"] = "mon"
    assert "shifts[0].days: must be a list of weekdays" in errors_of(config)


@pytest.mark.parametrize(("name", "why"), [("all", "is reserved"), ("", "is not a valid")])
def test_reserved_and_empty_names_are_refused(name: str, why: str) -> None:
    config = queue_config(rate_per_hour=6.0)
    config["services"] = {name: config["services"].pop("q")}
    config["staff_groups"]["agents"]["skills"] = {name: {"phone": {"rank": 1}}}
    config["staff_groups"] = {name: config["staff_groups"].pop("agents")}
    message = errors_of(config)
    assert f"services.{name}: {name!r} {why}" in message
    assert f"staff_groups.{name}: {name!r} {why}" in message


@pytest.mark.parametrize("name", ["1st", "met spatie", "a-b", "x.y"])
def test_names_follow_a_safe_pattern(name: str) -> None:
    config = queue_config(rate_per_hour=6.0)
    config["run"]["periods"] = {name: {"month": "jan"}}
    assert "start with a letter, then letters, digits or _ only" in errors_of(config)


def test_a_channel_never_open_with_demand_is_an_error() -> None:
    config = queue_config(rate_per_hour=6.0)
    config["channels"]["phone"]["opening_hours"] = {}
    message = errors_of(config)
    assert "channels.phone.opening_hours: the channel is never open, but q send" in message


def test_a_channel_open_only_on_days_without_demand_is_an_error() -> None:
    config = queue_config(volume_per_year=1000.0)
    del config["services"]["q"]["rate_per_hour"]
    config["services"]["q"]["volume_per_year"] = 1000.0
    config["channels"]["phone"]["opening_hours"] = {"sat": ["09:00-12:00"]}
    config["channels"]["phone"]["weekday_factors"] = {"sat": 0.0}
    assert "channels.phone.weekday_factors: is 0 on every day the channel is open" in errors_of(
        config
    )


@pytest.mark.parametrize(
    ("name", "valid"),
    [("parkeren, vergunningen", True), ("${oc.env:HOME}", True), ("a\nb", False), (" a", False)],
)
def test_service_names_may_be_a_logs_call_types(name: str, valid: bool) -> None:
    """klantstroom-calibrate keeps a log's call types as service names: text, never corrupting."""
    config = queue_config(rate_per_hour=6.0)
    config["services"] = {name: config["services"].pop("q")}
    config["staff_groups"]["agents"]["skills"] = {name: {"phone": {"rank": 1}}}
    if valid:
        assert build_scenario(config).services[0].name == name
    else:
        assert "is not a valid service name" in errors_of(config)
