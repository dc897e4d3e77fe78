"""Staff present but off the queue per interval (breaks): exact spells and contacts.

Day 0 is Monday 4 January 2027 and the roster grid is 30 minutes (``factories``), so interval
16 is 08:00-08:30 and a day has 48 intervals. Members are brought to the roster's headcount
times (1 - the interval's share), with the error diffusion used for leave: over the intervals
the hours are exactly the roster's x (1 - share).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from klantstroom.experiment import run_experiment
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import staff_at_shop

from factories import deep_update, queue_config, shop_config, simulation

N_INTERVALS = 48
EIGHT = 8 * 60  # 08:00: the start of interval 16


def _shares(default: float = 0.0, **at: float) -> list[float]:
    """A day of 48 shares of ``default``, with ``i16=0.5`` style exceptions."""
    shares = [default] * N_INTERVALS
    for name, share in at.items():
        shares[int(name[1:])] = share
    return shares


def _with_shares(config: dict[str, Any], by_day: dict[str, list[float]]) -> dict[str, Any]:
    return deep_update(
        config, {"staff_groups": {"agents": {"roster": {"unavailable_share": by_day}}}}
    )


def _on_duty(spells: dict[str, np.ndarray], at_min: float) -> int:
    """Members on duty at minute ``at_min``."""
    return int(np.sum((spells["on_min"] <= at_min) & (spells["off_min"] > at_min)))


def test_half_of_four_are_off_the_queue_in_that_interval() -> None:
    config = _with_shares(
        queue_config(handling={"kind": "deterministic", "mean_min": 20.0}, agents=4),
        {"mon": _shares(i16=0.5)},
    )
    sim = simulation(config)
    # Four calls at 08:05, in the interval with half off the queue: two are answered at once,
    # the other two when the first two end at 08:25.
    sim.add_arrivals([EIGHT + 5.0] * 4, "q", "phone")
    log = sim.run()
    contacts = log.contacts
    assert sorted(contacts["start_min"].tolist()) == [485.0, 485.0, 505.0, 505.0]
    spells = log.spells
    assert [_on_duty(spells, t) for t in (EIGHT - 1.0, EIGHT, EIGHT + 15.0)] == [4, 2, 2]
    # At 08:30 the two whose break is over come back (the two serving until 08:45 stay on).
    assert _on_duty(spells, EIGHT + 30.0) == 4
    # The two who went on break left at 08:00 as scheduled (idle: at once).
    breaks = spells["off_min"] == EIGHT
    assert breaks.sum() == 2
    assert spells["scheduled_off_min"][breaks].tolist() == [EIGHT, EIGHT]


def test_a_busy_member_finishes_the_contact_before_the_break() -> None:
    config = _with_shares(
        queue_config(handling={"kind": "deterministic", "mean_min": 20.0}, agents=2),
        {"mon": _shares(i16=0.5)},
    )
    sim = simulation(config)
    sim.add_arrivals([EIGHT - 10.0, EIGHT - 5.0], "q", "phone")
    spells = sim.run().spells
    # Both are busy at 08:00, so one of them goes on break after its call: at 08:10, scheduled
    # 08:00 (the staff table keeps both); it comes back at 08:30.
    early = spells["off_min"] < 1440.0
    assert spells["off_min"][early].tolist() == [EIGHT + 10.0]
    assert spells["scheduled_off_min"][early].tolist() == [EIGHT]
    assert sorted(spells["on_min"].tolist()) == [0.0, 0.0, EIGHT + 30.0]


def test_a_quarter_off_the_queue_is_exactly_a_quarter_fewer_hours() -> None:
    # One agent around the clock, a quarter off the queue in every interval of every day:
    # on duty three intervals in four, 18 of 24 hours a day.
    days = {day: _shares(0.25) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    config = _with_shares(queue_config(agents=1, horizon_days=7.0), days)
    spells = simulation(config).run().spells
    on_duty_min = float(np.sum(spells["off_min"] - spells["on_min"]))
    assert on_duty_min == 7 * 1440 * 0.75
    # The error diffusion places the quarter in every fourth interval, not all in one block:
    # 0.75 rounds down to nobody in 00:00-00:30, then the carried 1.5, 1.25 and 1.0 give one.
    assert spells["on_min"][:3].tolist() == [30.0, 150.0, 270.0]
    assert spells["off_min"][:3].tolist() == [120.0, 240.0, 360.0]


def test_a_share_only_on_some_days_leaves_the_others_whole() -> None:
    config = _with_shares(queue_config(agents=2, horizon_days=2.0), {"tue": _shares(0.5)})
    spells = simulation(config).run().spells
    monday = np.minimum(spells["off_min"], 1440.0) - np.minimum(spells["on_min"], 1440.0)
    total = float(np.sum(spells["off_min"] - spells["on_min"]))
    assert float(np.sum(monday)) == 2 * 1440.0
    assert total == 2 * 1440.0 + 1440.0  # Tuesday: one of two


def test_leave_and_breaks_multiply() -> None:
    # Four agents, half on leave in January and half of the rest off the queue: one on duty.
    config = _with_shares(
        queue_config(rate_per_hour=1.0, agents=4, horizon_days=7.0),
        {day: _shares(0.5) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    config["staff_groups"]["agents"]["leave_by_month"] = {"jan": 0.5}
    result = run_experiment(build_scenario(config))
    kpis = result.kpis
    row = kpis[(kpis["staff_group"] == "agents") & (kpis["channel"] == "all")]
    assert row["staff_hours"].iloc[0] == pytest.approx(4 * 0.5 * 0.5 * 24 * 7)


def test_the_shop_books_for_the_staff_on_the_queue_on_a_date() -> None:
    config = shop_config(staff=4)
    config["staff_groups"]["balie"]["roster"]["unavailable_share"] = {
        "mon": _shares(i18=0.5, i19=0.25)
    }
    spec = build_scenario(config)
    monday = dt.date(2027, 1, 4)
    present = staff_at_shop(spec.staff_groups, "winkel", 0, N_INTERVALS, monday)
    assert present[17:21] == [0, 2, 3, 4]  # 09:00 half off, 09:30 a quarter off
    # Without a date (the roster check of the appointment desks) the roster counts as is.
    assert staff_at_shop(spec.staff_groups, "winkel", 0, N_INTERVALS)[17:21] == [0, 4, 4, 4]
    tuesday = staff_at_shop(spec.staff_groups, "winkel", 1, N_INTERVALS, monday.replace(day=5))
    assert tuesday[17:21] == [0, 4, 4, 4]


def test_no_share_is_an_empty_grid() -> None:
    spec = build_scenario(_with_shares(queue_config(), {"mon": _shares()}))
    assert spec.staff_groups[0].unavailable_share == ()


@pytest.mark.parametrize(
    ("given", "key", "words"),
    [
        ({"mon": [0.1] * 47}, "unavailable_share.mon", "needs 48 values (one per 30 min"),
        ({"mo": _shares()}, "unavailable_share.mo", "allowed: mon, tue"),
        ({"tue": _shares(i10=0.95)}, "unavailable_share.tue[10]", "<= 0.9"),
        ({"tue": _shares(i11=-0.1)}, "unavailable_share.tue[11]", ">= 0.0"),
        ({"wed": 0.2}, "unavailable_share.wed", "must be a list of 48 shares"),
        ([0.1] * 48, "unavailable_share", "must map weekdays (mon..sun)"),
    ],
)
def test_bad_shares_name_their_key(given: Any, key: str, words: str) -> None:
    config = queue_config()
    config["staff_groups"]["agents"]["roster"]["unavailable_share"] = given
    with pytest.raises(ScenarioErrors) as caught:
        build_scenario(config)
    assert f"staff_groups.agents.roster.{key}: " in str(caught.value)
    assert words in str(caught.value)


def test_the_list_follows_the_roster_grid() -> None:
    config = queue_config()
    config["calendar"]["interval_min"] = 60
    config["staff_groups"]["agents"]["roster"]["unavailable_share"] = {"mon": [0.1] * 48}
    with pytest.raises(ScenarioErrors, match=r"needs 24 values \(one per 60 min"):
        build_scenario(config)
