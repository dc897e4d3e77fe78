"""Demand: volumes spread over the calendar, profiles, opening hours, independent streams."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from klantstroom.model.demand import REFERENCE_DAYS, Demand
from klantstroom.model.streams import Streams
from klantstroom.scenario.errors import ScenarioErrors

from factories import ALL_DAYS, deep_update, queue_config, scenario


def weekday_config() -> dict:
    hours = {day: ["08:00-18:00"] for day in ALL_DAYS[:5]} | {"sat": [], "sun": []}
    return queue_config(
        channels={
            "phone": {
                "opening_hours": hours,
                "open_on_holidays": False,
                "weekday_factors": {"mon": 1.5, "fri": 0.5},
                "intraday_profile": {
                    "start": "08:00",
                    "interval_min": 60,
                    "shares": [0.3, 0.2] + [0.0625] * 8,
                },
            }
        },
        calendar={"holidays": ["2027-01-06"]},
        services={"q": {"rate_per_hour": None, "volume_per_year": 52_000}},
    )


def expected_per_day(config: dict) -> np.ndarray:
    sc = scenario(config)
    demand = Demand(sc, Streams(1, 0))
    (stream,) = demand.streams
    return np.array([demand.pieces(stream, day)[2].sum() for day in range(REFERENCE_DAYS)])


def test_volume_per_year_is_preserved_over_the_reference_year() -> None:
    assert expected_per_day(weekday_config()).sum() == pytest.approx(52_000)


def test_weekday_factors_holidays_and_weekends_shape_the_days() -> None:
    per_day = expected_per_day(weekday_config())
    monday, wednesday_holiday, friday, saturday = per_day[0], per_day[2], per_day[4], per_day[5]
    assert wednesday_holiday == 0.0 and saturday == 0.0
    assert monday == pytest.approx(3 * friday)
    assert per_day[7] == pytest.approx(monday)


def test_intraday_profile_is_followed_within_opening_hours() -> None:
    sc = scenario(weekday_config())
    demand = Demand(sc, Streams(1, 0))
    starts, lengths, expected = demand.pieces(demand.streams[0], 0)
    assert starts[0] == 8 * 60 and lengths.sum() == 600
    assert expected[0] / expected.sum() == pytest.approx(0.3)


def test_a_weekday_a_week_later_has_the_same_pieces_at_its_own_level() -> None:
    sc = scenario(weekday_config())
    demand = Demand(sc, Streams(1, 0))
    stream = demand.streams[0]
    starts, lengths, expected = demand.pieces(stream, 0)
    starts_later, lengths_later, expected_later = demand.pieces(stream, 7)
    np.testing.assert_array_equal(starts_later, starts + 7 * 1440)
    np.testing.assert_array_equal(lengths_later, lengths)
    assert expected_later / expected_later.sum() == pytest.approx(expected / expected.sum())
    # The lengths are shared between days: read-only, so no caller can change another day's.
    with pytest.raises(ValueError, match="read-only"):
        lengths[0] = 0.0


def test_profile_is_renormalised_over_shorter_opening_hours() -> None:
    config = deep_update(
        weekday_config(), {"channels": {"phone": {"opening_hours": {"tue": ["08:00-10:00"]}}}}
    )
    sc = scenario(config)
    demand = Demand(sc, Streams(1, 0))
    monday = demand.pieces(demand.streams[0], 0)[2]
    tuesday = demand.pieces(demand.streams[0], 1)[2]
    # Tuesday has the same daily volume (factor 1.0 vs Monday 1.5), all in its two open hours.
    assert tuesday.sum() == pytest.approx(monday.sum() / 1.5)
    assert tuesday / tuesday.sum() == pytest.approx([0.6, 0.4])


def test_rate_per_hour_is_a_constant_rate_while_open() -> None:
    config = queue_config(rate_per_hour=30.0)
    sc = scenario(config)
    demand = Demand(sc, Streams(1, 0))
    times, _ = demand.day_arrivals(0)
    assert len(times) == pytest.approx(720, abs=4 * 720**0.5)
    # Poisson process: inter-arrival times are exponential with mean 2 minutes.
    assert stats.kstest(np.diff(times), "expon", args=(0, 2.0)).pvalue > 0.001
    assert np.all((times >= 0) & (times < 1440)) and np.all(np.diff(times) >= 0)


def test_adding_a_service_leaves_other_streams_unchanged() -> None:
    config = queue_config(rate_per_hour=30.0)
    more = deep_update(config, {})
    more["services"]["extra"] = dict(config["services"]["q"])
    more["staff_groups"]["agents"]["skills"]["extra"] = {"phone": {"rank": 1}}
    one = Demand(scenario(config), Streams(7, 3))
    two = Demand(scenario(more), Streams(7, 3))
    times_one, _ = one.day_arrivals(0)
    times_two, ids_two = two.day_arrivals(0)
    np.testing.assert_array_equal(times_one, times_two[ids_two == 0])


def test_replications_draw_different_numbers() -> None:
    config = queue_config(rate_per_hour=30.0)
    a, _ = Demand(scenario(config), Streams(7, 0)).day_arrivals(0)
    b, _ = Demand(scenario(config), Streams(7, 1)).day_arrivals(0)
    assert len(a) != len(b) or not np.allclose(a, b)


def test_a_weekday_can_have_its_own_profile() -> None:
    config = deep_update(
        weekday_config(),
        {
            "channels": {
                "phone": {
                    "intraday_profile_by_day": {
                        "fri": {"start": "08:00", "interval_min": 60, "shares": [0.5, 0.5]}
                    }
                }
            }
        },
    )
    demand = Demand(scenario(config), Streams(1, 0))
    starts, _, expected = demand.pieces(demand.streams[0], 4)  # 2027-01-08 is a Friday
    assert starts.tolist() == [4 * 1440 + 480.0, 4 * 1440 + 540.0]
    assert expected / expected.sum() == pytest.approx([0.5, 0.5])
    monday = demand.pieces(demand.streams[0], 0)[2]
    assert len(monday) == 10


def test_daily_volume_noise_has_the_configured_cv() -> None:
    config = queue_config(rate_per_hour=60.0, channels={"phone": {"daily_volume_cv": 0.25}})
    demand = Demand(scenario(config), Streams(3, 0))
    factors = np.array([demand.day_factors()[0] for _ in range(4000)])
    assert factors.mean() == pytest.approx(1.0, abs=0.02)
    assert factors.std() == pytest.approx(0.25, abs=0.015)
    quiet = Demand(scenario(queue_config(rate_per_hour=60.0)), Streams(3, 0))
    assert quiet.day_factors() == [1.0]


def test_date_factors_scale_a_single_date() -> None:
    config = deep_update(
        weekday_config(), {"channels": {"phone": {"date_factors": {"2027-01-04": 2.0}}}}
    )
    per_day = expected_per_day(config)
    plain = expected_per_day(weekday_config())
    assert per_day[0] == pytest.approx(2 * plain[0])  # the Monday of the date factor
    assert per_day[7] == pytest.approx(plain[7])  # the next Monday is not affected


def test_a_service_can_have_its_own_intraday_profile() -> None:
    config = weekday_config()
    config["services"]["late"] = {
        "volume_per_year": 10_000,
        "channel_mix": {"phone": 1.0},
        "handling": {"phone": {"kind": "exponential", "mean_min": 3.0}},
        "intraday_profile": {"start": "16:00", "interval_min": 60, "shares": [1.0]},
    }
    config["staff_groups"]["agents"]["skills"]["late"] = {"phone": {"rank": 1}}
    demand = Demand(scenario(config), Streams(1, 0))
    late = next(s for s in demand.streams if s.service == 1)
    starts, _, expected = demand.pieces(late, 0)
    assert starts.tolist() == [16 * 60.0] and expected.sum() > 0
    q_starts = demand.pieces(demand.streams[0], 0)[0]
    assert q_starts[0] == 8 * 60.0  # q keeps the channel's profile


def test_month_factors_shape_the_year_and_keep_its_total() -> None:
    # Passports peak in spring (domain.md row 49): May twice as busy as an ordinary month.
    config = deep_update(weekday_config(), {"services": {"q": {"month_factors": {"may": 2.0}}}})
    per_day = expected_per_day(config)
    assert per_day.sum() == pytest.approx(52_000)
    sc = scenario(config)
    monday_in_may = next(
        d
        for d in range(REFERENCE_DAYS)
        if sc.calendar.date_of_day(d).month == 5 and sc.calendar.weekday_of_day(d) == 0
    )
    assert per_day[monday_in_may] == pytest.approx(2 * per_day[0])  # 4 January, a Monday


def test_year_factors_scale_whole_calendar_years() -> None:
    # The reference year runs from Monday 4 January 2027 to Monday 3 January 2028.
    config = deep_update(weekday_config(), {"services": {"q": {"year_factors": {2027: 1.8}}}})
    per_day = expected_per_day(config)
    plain = expected_per_day(weekday_config())
    assert per_day[0] == pytest.approx(1.8 * plain[0])
    assert per_day[364] == pytest.approx(plain[364])  # 3 January 2028: another year


@pytest.mark.parametrize(
    ("factors", "key", "message"),
    [
        ({"month_factors": {"mei": 1.2}}, "services.q.month_factors.mei", "allowed: jan, feb"),
        ({"month_factors": {"jun": -1.0}}, "services.q.month_factors.jun", "must be >= 0"),
        ({"year_factors": {"20x7": 1.2}}, "services.q.year_factors.20x7", "calendar year"),
    ],
)
def test_seasonality_errors_name_their_key(factors: dict, key: str, message: str) -> None:
    with pytest.raises(ScenarioErrors) as error:
        scenario(deep_update(weekday_config(), {"services": {"q": factors}}))
    assert key in str(error.value) and message in str(error.value)


def test_seasonality_needs_a_yearly_volume() -> None:
    config = queue_config(rate_per_hour=30.0)
    config["services"]["q"]["month_factors"] = {"may": 2.0}
    config["services"]["q"]["year_factors"] = {2027: 1.5}
    with pytest.raises(ScenarioErrors) as error:
        scenario(config)
    assert "services.q.month_factors: shapes volume_per_year" in str(error.value)
    assert "services.q.year_factors: scales volume_per_year" in str(error.value)
