"""Handling time by the hour and weekday in which service starts: exact timelines.

Day 0 is Monday 4 January 2027 (``factories``), so minute 540 is Monday 09:00 and minute
1440 + 540 Tuesday 09:00. Handling is a deterministic 10 minutes, so every duration below is
10 x the hour factor x the weekday factor of the moment service starts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from klantstroom.model.events import schedule
from klantstroom.model.simulation import Simulation
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

from factories import ALL_DAYS, always_open, deep_update, queue_config, shop_config, simulation

TEN_MIN = {"kind": "deterministic", "mean_min": 10.0}
DAY = 1440.0


def _hours(**at: float) -> list[float]:
    """24 factors of 1, with ``h09=1.5`` style exceptions."""
    factors = [1.0] * 24
    for name, factor in at.items():
        factors[int(name[1:])] = factor
    return factors


def _factors(
    by_hour: list[float] | None = None, by_weekday: dict[str, float] | None = None, **config: Any
) -> dict[str, Any]:
    """One phone service with deterministic 10-minute calls, its factors and enough agents."""
    service: dict[str, Any] = {}
    if by_hour is not None:
        service["handling_by_hour"] = {"phone": by_hour}
    if by_weekday is not None:
        service["handling_by_weekday"] = {"phone": by_weekday}
    base = queue_config(**{"handling": TEN_MIN, "agents": 4, "horizon_days": 3.0, **config})
    return deep_update(base, {"services": {"q": service}})


def _served(sim: Simulation) -> list[tuple[float, float]]:
    """(start, duration) of every contact in order of arrival."""
    contacts = sim.run().contacts
    order = np.lexsort((contacts["contact_id"], contacts["arrival_min"]))
    return [
        (contacts["start_min"][i].item(), (contacts["end_min"] - contacts["start_min"])[i].item())
        for i in order
    ]


def test_the_hour_in_which_service_starts_sets_the_factor() -> None:
    sim = simulation(_factors(_hours(h09=1.5, h14=0.5)))
    # 08:59 starts in hour 8 (factor 1) even though it ends in hour 9; 09:59 is still hour 9.
    sim.add_arrivals([539.0, 540.0, 599.0, 600.0, 840.0, 899.0, 900.0], "q", "phone")
    assert _served(sim) == [
        (539.0, 10.0),
        (540.0, 15.0),
        (599.0, 15.0),
        (600.0, 10.0),
        (840.0, 5.0),
        (899.0, 5.0),
        (900.0, 10.0),
    ]


def test_a_contact_that_waits_takes_the_factor_of_its_start_not_its_arrival() -> None:
    config = _factors(_hours(h09=1.5), agents=1)
    sim = simulation(config)
    # One agent: the call of 08:55 runs to 09:05, so the call of 08:56 starts at 09:05 (x 1.5).
    sim.add_arrivals([535.0, 536.0], "q", "phone")
    assert _served(sim) == [(535.0, 10.0), (545.0, 15.0)]


def test_the_weekday_factor_multiplies_in() -> None:
    sim = simulation(_factors(_hours(h09=1.5, h14=0.5), {"tue": 2.0, "wed": 0.8}))
    monday, tuesday, wednesday = 0.0, DAY, 2 * DAY
    sim.add_arrivals(
        [monday + 540, tuesday + 540, tuesday + 840, tuesday + 1000, wednesday + 540],
        "q",
        "phone",
    )
    durations = [duration for _, duration in _served(sim)]
    # Monday has no factor of its own (1); Tuesday doubles; Wednesday x 0.8.
    assert durations == pytest.approx([15.0, 30.0, 10.0, 20.0, 12.0], abs=1e-12)


def test_weekday_alone_and_a_start_date_that_is_not_a_monday() -> None:
    # Day 0 is Wednesday 6 January: the weekday comes from the calendar, not from day numbers.
    config = _factors(None, {"wed": 3.0, "thu": 0.5})
    config["calendar"]["start_date"] = "2027-01-06"
    sim = simulation(config)
    sim.add_arrivals([60.0, DAY + 60.0, 2 * DAY + 60.0], "q", "phone")
    assert [duration for _, duration in _served(sim)] == [30.0, 5.0, 10.0]


def test_the_warm_up_uses_the_weekday_before_the_start() -> None:
    # One day of warm-up: minute -1440 is Sunday 3 January 00:00.
    config = _factors(_hours(h09=1.5), {"sun": 2.0}, warmup_days=1.0)
    sim = simulation(config)
    sim.add_arrivals([-DAY + 540.0, 540.0], "q", "phone")
    assert _served(sim) == [(-DAY + 540.0, 30.0), (540.0, 15.0)]


def test_a_replayed_contact_keeps_its_own_handling_time() -> None:
    sim = simulation(_factors(_hours(h09=1.5), {"mon": 2.0}))
    sim.add_arrivals([540.0, 541.0], "q", "phone", handling_min=[7.0, math.nan])  # the second draws
    assert _served(sim) == [(540.0, 7.0), (541.0, 30.0)]


def test_staff_speed_divides_the_multiplied_time() -> None:
    config = _factors(_hours(h09=1.5), agents=1)
    config["staff_groups"]["agents"]["skills"]["q"]["phone"]["speed"] = 1.25
    sim = simulation(config)
    sim.add_arrivals([540.0], "q", "phone")
    assert _served(sim) == [(540.0, 12.0)]  # 10 x 1.5 / 1.25


def _chat_config() -> dict[str, Any]:
    """One agent holding two chats at once, 10-minute chats, x 1.5 from 09:00 to 10:00."""
    config = queue_config(handling=TEN_MIN, agents=1, horizon_days=1.0)
    config["channels"] = {
        "chat": {"opening_hours": always_open(), "open_on_holidays": True, "concurrency": 2}
    }
    service = config["services"]["q"]
    service["channel_mix"] = {"chat": 1.0}
    service["handling"] = {"chat": TEN_MIN}
    service["handling_by_hour"] = {"chat": _hours(h09=1.5)}
    config["staff_groups"]["agents"]["skills"] = {"q": {"chat": {"rank": 1}}}
    return config


def test_chats_take_the_factor_of_their_start() -> None:
    sim = simulation(_chat_config())
    # Both chats are taken at once by the one agent (concurrency 2); the third waits for 09:15.
    sim.add_arrivals([540.0, 541.0, 542.0], "q", "chat")
    assert _served(sim) == [(540.0, 15.0), (541.0, 15.0), (555.0, 15.0)]


def test_a_replayed_chat_keeps_its_own_handling_time() -> None:
    config = _chat_config()
    sim = simulation(config)
    sim.add_arrivals([540.0, 541.0], "q", "chat", handling_min=[4.0, math.nan])
    assert _served(sim) == [(540.0, 4.0), (541.0, 15.0)]


def test_counter_visits_at_a_shop_take_the_counter_factors() -> None:
    config = shop_config(handling=TEN_MIN, horizon_days=1.0)
    config["services"]["visit"]["handling_by_hour"] = {"counter": _hours(h09=1.5, h10=0.5)}
    scenario = build_scenario(config)
    sim = Simulation(scenario, 0)
    queue = sim.shops[0].queues[(0, False)]

    def walk_in(_timer: object) -> None:
        sim.counters.walk_in(queue, None, 0)  # type: ignore[union-attr]

    # The shop opens at 09:00: a walk-in at 09:00 (x 1.5, until 09:15), one at 10:00 (x 0.5).
    for at in (540.0, 600.0):
        schedule(sim.env, at, walk_in)
    assert _served(sim) == [(540.0, 15.0), (600.0, 5.0)]


def test_factors_of_one_cost_nothing() -> None:
    scenario = build_scenario(_factors(_hours(), {"mon": 1.0}))
    service = scenario.services[0]
    assert service.handling_factors("phone") is None
    assert Simulation(scenario, 0)._handling_factors == [None]


def test_the_week_of_factors_is_weekday_times_hour() -> None:
    service = build_scenario(_factors(_hours(h09=1.5), {"tue": 2.0})).services[0]
    factors = service.handling_factors("phone")
    assert factors is not None and len(factors) == 7 * 24
    assert factors[0 * 24 + 9] == 1.5  # Monday 09:00
    assert factors[1 * 24 + 9] == 3.0  # Tuesday 09:00
    assert factors[1 * 24 + 10] == 2.0  # Tuesday 10:00
    assert factors[6 * 24 + 23] == 1.0  # Sunday 23:00


@pytest.mark.parametrize(
    ("service", "key", "words"),
    [
        ({"handling_by_hour": {"phone": [1.0] * 23}}, "handling_by_hour.phone", "needs 24 values"),
        (
            {"handling_by_hour": {"phone": _hours(h03=0.0)}},
            "handling_by_hour.phone[3]",
            "must be > 0.0 and <= 10.0, got 0.0",
        ),
        (
            {"handling_by_hour": {"phone": _hours(h12=11.0)}},
            "handling_by_hour.phone[12]",
            "must be <= 10.0",
        ),
        (
            {"handling_by_hour": {"chat": _hours()}},
            "handling_by_hour.chat",
            "no handling time on 'chat' to multiply; allowed: phone",
        ),
        (
            {"handling_by_weekday": {"phone": {"mo": 1.2}}},
            "handling_by_weekday.phone.mo",
            "allowed: mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            {"handling_by_weekday": {"phone": {"fri": -1.0}}},
            "handling_by_weekday.phone.fri",
            "must be > 0.0",
        ),
        (
            {"handling_by_weekday": {"counter": {"fri": 1.2}}},
            "handling_by_weekday.counter",
            "allowed: phone",
        ),
        (
            {"handling_by_weekday": {"phone": [1.0] * 7}},
            "handling_by_weekday.phone",
            "must map weekdays (mon..sun) to factors",
        ),
    ],
)
def test_bad_factors_name_their_key(service: dict[str, Any], key: str, words: str) -> None:
    config = deep_update(queue_config(handling=TEN_MIN), {"services": {"q": service}})
    with pytest.raises(ScenarioErrors) as caught:
        build_scenario(config)
    assert f"services.q.{key}: " in str(caught.value)
    assert words in str(caught.value)


def test_every_day_listed_is_checked_and_the_rest_is_one() -> None:
    days = {day: 1.0 + k / 10 for k, day in enumerate(ALL_DAYS[:3])}
    service = build_scenario(_factors(None, days)).services[0]
    assert service.handling_by_weekday == (("phone", (1.0, 1.1, 1.2, 1.0, 1.0, 1.0, 1.0)),)
