"""E-mail sized from its workload: expected items per week, work, spread over working hours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from klantstroom.staffing.back_office import spread_headcount
from klantstroom.staffing.deferred import deferred_requirements, expected_deferred
from klantstroom.staffing.plan import plan_staffing, spare_hours

from factories import ALL_DAYS, queue_config, scenario

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def mail_config() -> dict:
    """One e-mail an hour, day and night, 30 min each, for a midoffice working 09:00-17:00."""
    config = queue_config(
        horizon_days=14.0,
        channels={
            "digital": {"opening_hours": {d: ["00:00-24:00"] for d in ALL_DAYS}},
        },
        staffing={"optimise": False, "max_occupancy": 0.8, "compare_skill_mix": False},
    )
    del config["channels"]["phone"]
    config["services"]["q"] = {
        "rate_per_hour": 1.0,
        "channel_mix": {"digital": 1.0},
        "handling": {"digital": {"kind": "deterministic", "mean_min": 30.0}},
    }
    config["staff_groups"] = {
        "midoffice": {
            "skills": {"q": {"digital": {"rank": 1}}},
            "roster": {
                "works_holidays": True,
                "shifts": [{"days": WEEKDAYS, "start": "09:00", "end": "17:00", "headcount": 1}],
            },
        }
    }
    return config


def test_a_weeks_e_mail_is_spread_over_the_hours_the_group_works() -> None:
    sc = scenario(mail_config())
    expected = expected_deferred(sc)
    assert expected.to_dict("records") == [
        {"channel": "digital", "service": "q", "items_per_week": pytest.approx(168.0)}
    ]
    working = {"midoffice": np.array(sc.staff_groups[0].headcount) > 0}
    table = deferred_requirements(sc, working, max_occupancy=0.8)
    row = table.iloc[0]
    assert row["staff_group"] == "midoffice" and row["services"] == 1
    assert row["work_hours_per_week"] == pytest.approx(84.0)  # 168 x 30 min
    assert row["working_hours_per_week"] == pytest.approx(40.0)  # 5 days x 8 h
    assert row["agents"] == pytest.approx(84.0 / 40.0 / 0.8)  # 2.625 in every working hour
    grid = spread_headcount(working["midoffice"], row["agents"])
    monday = grid[0][working["midoffice"][0]]
    # 2 all day, a third in the first ceil(0.625 x 16) = 10 half hours: 2.625 on average.
    assert monday.tolist() == [3] * 10 + [2] * 6
    assert grid[5].sum() == grid[6].sum() == 0


def test_a_group_with_e_mail_only_is_sized() -> None:
    plan = plan_staffing(scenario(mail_config()))
    fte = plan.fte.set_index("staff_group")
    assert fte.loc["midoffice", "note"] == ""
    # (10 x 3 + 6 x 2) half hours = 21 staff-hours a day, 5 days: 105 paid hours a week before
    # shifts round them; the shifts cover at least that.
    assert fte.loc["midoffice", "paid_hours_per_week"] >= 105.0
    assert plan.deferred["staff_group"].tolist() == ["midoffice"]


def test_e_mail_fills_the_time_the_phone_leaves_first() -> None:
    sc = scenario(mail_config())
    working = {"midoffice": np.array(sc.staff_groups[0].headcount) > 0}
    row = deferred_requirements(
        sc, working, max_occupancy=0.8, spare_hours={"midoffice": 50.0}
    ).iloc[0]
    assert row["spare_hours_per_week"] == pytest.approx(50.0)
    assert row["agents"] == pytest.approx((84.0 - 50.0) / 40.0 / 0.8)
    plenty = deferred_requirements(sc, working, max_occupancy=0.8, spare_hours={"midoffice": 200.0})
    assert plenty.iloc[0]["spare_hours_per_week"] == pytest.approx(84.0)
    assert plenty.iloc[0]["agents"] == 0.0


def test_spare_hours_are_planned_hours_at_the_cap_less_the_real_time_load() -> None:
    sc = scenario(mail_config())  # 14 days: two weeks
    grid = np.zeros((7, 48), dtype=int)
    grid[0, 18:34] = 3  # Monday 09:00-17:00, 3 staff: 24 staff-hours a week
    by_group = pd.DataFrame(
        {
            "staff_group": ["midoffice", "midoffice"],
            # 0.5 calls a minute of 6 min in two half hours over two weeks: 3 Erlang x 0.5 h x 2
            # intervals / 2 weeks = 1.5 hours of load a week.
            "arrival_rate_per_min": [0.5, 0.5],
            "handling_min": [6.0, 6.0],
        }
    )
    spare = spare_hours(sc, {"midoffice": grid}, by_group, 0.8)
    assert spare == {"midoffice": pytest.approx(24 * 0.8 - 1.5)}
    # A group busier than its planned hours has no spare time, not negative time.
    assert spare_hours(sc, {"midoffice": grid * 0}, by_group, 0.8) == {"midoffice": 0.0}
