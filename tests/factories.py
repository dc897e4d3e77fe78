"""Small scenario configurations for tests, as plain dicts (the shape Hydra composes)."""

from __future__ import annotations

import copy
from typing import Any

from klantstroom.model.simulation import Simulation
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.spec import Scenario

ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def always_open() -> dict[str, list[str]]:
    """Opening hours of a channel that never closes."""
    return {day: ["00:00-24:00"] for day in ALL_DAYS}


def deep_update(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``overrides`` merged in recursively (dicts merge, others replace)."""
    result = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_update(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _run_and_calendar(
    seed: int, replications: int, horizon_days: float, warmup_days: float
) -> dict[str, Any]:
    """The ``run`` and ``calendar`` sections every test config shares."""
    return {
        "run": {
            "seed": seed,
            "replications": replications,
            "horizon_days": horizon_days,
            "warmup_days": warmup_days,
            "progress": False,
        },
        "calendar": {"start_date": "2027-01-04", "interval_min": 30},
    }


def queue_config(
    *,
    rate_per_hour: float = 0.0,
    handling: dict[str, Any] | None = None,
    agents: int = 1,
    patience: dict[str, Any] | None = None,
    wrapup: dict[str, Any] | None = None,
    horizon_days: float = 1.0,
    warmup_days: float = 0.0,
    replications: int = 1,
    seed: int = 1,
    **overrides: Any,
) -> dict[str, Any]:
    """One service on the phone, one group of ``agents`` around the clock."""
    config: dict[str, Any] = {
        **_run_and_calendar(seed, replications, horizon_days, warmup_days),
        "channels": {
            "phone": {
                "opening_hours": always_open(),
                "open_on_holidays": True,
                "patience": patience,
            }
        },
        "services": {
            "q": {
                "rate_per_hour": rate_per_hour,
                "channel_mix": {"phone": 1.0},
                "handling": {"phone": handling or {"kind": "deterministic", "mean_min": 5.0}},
            }
        },
        "staff_groups": {
            "agents": {
                "skills": {"q": {"phone": {"rank": 1}}},
                "wrapup": wrapup,
                "roster": {
                    "works_holidays": True,
                    "shifts": [
                        {"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": agents}
                    ],
                },
            }
        },
    }
    return deep_update(config, overrides)


def scenario(config: dict[str, Any]) -> Scenario:
    """Validate a config dict into a scenario."""
    return build_scenario(config)


def simulation(config: dict[str, Any], replication: int = 0) -> Simulation:
    """A ready-to-run simulation of a config dict."""
    return Simulation(build_scenario(config), replication)


def shop_config(
    *,
    rate_per_hour: float = 0.0,
    handling: dict[str, Any] | None = None,
    staff: int = 1,
    desks: int = 1,
    hours: str = "09:00-17:00",
    staff_hours: tuple[str, str] = ("09:00", "17:00"),
    walk_in: bool = True,
    appointment_desks: int = 0,
    appointment_share: float = 0.0,
    slot_min: float = 15.0,
    counter: dict[str, Any] | None = None,
    horizon_days: float = 1.0,
    warmup_days: float = 0.0,
    replications: int = 1,
    seed: int = 1,
    **overrides: Any,
) -> dict[str, Any]:
    """One counter service at one shop, open every day within ``hours``, ``staff`` staff."""
    start, end = hours.split("-")
    config: dict[str, Any] = {
        **_run_and_calendar(seed, replications, horizon_days, warmup_days),
        "channels": {"counter": {"opening_hours": always_open(), "open_on_holidays": True}},
        "services": {
            "visit": {
                "rate_per_hour": rate_per_hour,
                "channel_mix": {"counter": 1.0},
                "handling": {"counter": handling or {"kind": "deterministic", "mean_min": 10.0}},
                "counter": {"appointment_share": appointment_share, "slot_min": slot_min},
            }
        },
        "shops": {
            "winkel": {
                "desks": desks,
                "opening_hours": {day: [hours] for day in ALL_DAYS},
                "open_on_holidays": True,
                "walk_in": walk_in,
                "appointment_desks": [
                    {"days": ALL_DAYS, "start": start, "end": end, "desks": appointment_desks}
                ]
                if appointment_desks
                else [],
            }
        },
        "counter": {
            "no_show_probability": 0.0,
            "punctuality": {"kind": "deterministic", "mean_min": 0.0},
            **(counter or {}),
        },
        "staff_groups": {
            "balie": {
                "shop": "winkel",
                "skills": {"visit": {"counter": {"rank": 1}}},
                "roster": {
                    "works_holidays": True,
                    "shifts": [
                        {
                            "days": ALL_DAYS,
                            "start": staff_hours[0],
                            "end": staff_hours[1],
                            "headcount": staff,
                        }
                    ],
                },
            }
        },
    }
    return deep_update(config, overrides)


def two_teams(handling_b_min: float = 10.0, **overrides: Any) -> dict[str, Any]:
    """``agents`` (one member, around the clock) answer ``q``; ``b_team`` (one) answers ``b``.

    The base of the training tests: ``agents`` learn ``b`` (:func:`training_course`).
    """
    config = queue_config(horizon_days=2.0)
    config["services"]["b"] = {
        "rate_per_hour": 0.0,
        "channel_mix": {"phone": 1.0},
        "handling": {"phone": {"kind": "deterministic", "mean_min": handling_b_min}},
    }
    config["staff_groups"]["b_team"] = {
        "skills": {"b": {"phone": {"rank": 1}}},
        "roster": {
            "works_holidays": True,
            "shifts": [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 1}],
        },
    }
    return deep_update(config, overrides)


def training_course(**fields: Any) -> dict[str, Any]:
    """A course for ``agents``: skill ``b`` on the phone at rank 2, its one member, Tuesday."""
    return {
        "skills": {"b": {"phone": {"rank": 2}}},
        "members": 1,
        "start_date": "2027-01-05",  # a Tuesday
        **fields,
    }


def with_training(config: dict[str, Any], *courses: dict[str, Any]) -> dict[str, Any]:
    """``config`` with ``courses`` as the training plan of its group ``agents``."""
    config = copy.deepcopy(config)
    config["staff_groups"]["agents"]["training"] = list(courses)
    return config


def shipped_overlays() -> list[str]:
    """The scenario overlays shipped in ``scenarios/`` (``textbook/mmc``, ...), by name.

    Without ``scenarios/workshop/``: the what-ifs a workshop saved there are a user's files
    (git-ignored), and tests that save one there would otherwise change what is collected.
    """
    from klantstroom.paths import scenarios_dir

    folder = scenarios_dir()
    return sorted(
        p.relative_to(folder).with_suffix("").as_posix()
        for p in folder.rglob("*.yaml")
        if p.relative_to(folder).parts[0] != "workshop"
    )
