"""The run over the year: periods, the period a channel is judged on, staff leave, holiday surge.

Day 0 is Monday 4 January 2027, so 1 February is day 28, 1 March day 56 (the Monday of ISO week
9) and 1 May day 117.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from klantstroom.analysis.periods import judged_view
from klantstroom.experiment import run_experiment
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import PeriodSpec, staff_at_shop
from klantstroom.scenario.year import after_holiday_dates, staffing_scenario

from factories import deep_update, queue_config, scenario, shop_config


def _year(**run: Any) -> dict[str, Any]:
    return queue_config(rate_per_hour=2.0, horizon_days=364.0, run=run)


def test_a_year_has_a_period_per_month_and_no_sliver_of_the_next() -> None:
    periods = scenario(_year()).run.periods
    assert [p.name for p in periods] == [f"2027-{m:02d}" for m in range(1, 13)]
    assert periods[0] == PeriodSpec("2027-01", 0, 28)  # 4-31 January
    assert periods[1] == PeriodSpec("2027-02", 28, 56)
    # The year of 52 weeks ends on Sunday 2 January 2028: two days are no month of their own.
    assert periods[-1] == PeriodSpec("2027-12", 331, 362)


def test_a_run_within_one_month_has_no_month_periods() -> None:
    assert scenario(queue_config(horizon_days=28.0)).run.periods == ()
    assert scenario(_year(kpis_by_month=False)).run.periods == ()


def test_named_periods_by_month_weeks_and_dates() -> None:
    spec = scenario(
        _year(
            kpis_by_month=False,
            periods={
                "piekmaand": {"month": "may"},
                "maart": {"weeks": [9, 12]},
                "kerst": {"start": "2027-12-20", "end": "2027-12-31"},
            },
        )
    )
    assert spec.run.periods == (
        PeriodSpec("piekmaand", 117, 148),
        PeriodSpec("maart", 56, 84),
        PeriodSpec("kerst", 350, 362),
    )


@pytest.mark.parametrize(
    ("run", "key", "words"),
    [
        ({"periods": {"p": {"month": "mei"}}}, "run.periods.p.month", "allowed: jan"),
        ({"periods": {"p": {"month": "may", "weeks": [1, 2]}}}, "run.periods.p", "exactly one"),
        ({"periods": {"p": {"monht": "may"}}}, "run.periods.p", "unknown key(s): monht"),
        ({"periods": {"p": {"weeks": [12, 9]}}}, "run.periods.p.weeks", "ISO week"),
        (
            {"periods": {"p": {"start": "2027-03-31", "end": "2027-03-01"}}},
            "run.periods.p.end",
            "must not lie before start",
        ),
        ({"periods": {"run": {"month": "may"}}}, "run.periods.run", "reserved"),
        ({"periods": {"2027-05": {"month": "may"}}}, "run.periods.2027-05", "reserved"),
        ({"judge_on": {"counter": "run"}}, "run.judge_on.counter", "allowed: phone"),
        ({"judge_on": {"phone": "piekmaand"}}, "run.judge_on.phone", "2027-05"),
    ],
)
def test_bad_periods_name_the_key_and_what_is_allowed(
    run: dict[str, Any], key: str, words: str
) -> None:
    with pytest.raises(ScenarioErrors) as caught:
        scenario(_year(**run))
    message = str(caught.value)
    assert key in message
    assert words in message


def test_a_period_outside_a_short_run_is_left_out_and_its_channel_judged_on_the_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A quick look at a year's scenario (run.horizon_days=28) is not an error.
    run = {
        "periods": {"p": {"month": "may"}, "q": {"start": "2027-01-25", "end": "2027-02-28"}},
        "judge_on": {"phone": "p"},
    }
    spec = scenario(queue_config(horizon_days=28.0, run=run))
    assert spec.run.periods == (PeriodSpec("q", 21, 28),)  # cut to the run
    assert spec.run.judge_on == ()
    assert "run.periods.p.month" in caplog.text
    assert "run.judge_on.phone" in caplog.text
    assert "run.periods.q" in caplog.text


def test_the_day_after_a_weekday_holiday() -> None:
    config = queue_config()
    config["calendar"]["holidays"] = ["2027-03-26", "2027-03-29", "2027-12-25", "2027-04-27"]
    calendar = scenario(config).calendar
    # Good Friday and Easter Monday both surge on Tuesday 30 March; King's Day (Tuesday 27 April)
    # on the Wednesday; Christmas 2027 is a Saturday and closes nothing.
    assert after_holiday_dates(calendar) == [dt.date(2027, 3, 30), dt.date(2027, 4, 28)]


def test_after_holiday_factor_multiplies_the_date_factor() -> None:
    config = deep_update(
        queue_config(),
        {
            "calendar": {"holidays": ["2027-04-27"]},
            "channels": {
                "phone": {"after_holiday_factor": 2.0, "date_factors": {"2027-04-28": 1.5}}
            },
        },
    )
    phone = scenario(config).channel("phone")
    assert phone.date_factor(dt.date(2027, 4, 28)) == pytest.approx(3.0)
    assert phone.date_factor(dt.date(2027, 4, 29)) == 1.0


def test_after_holiday_factor_out_of_range() -> None:
    config = deep_update(queue_config(), {"channels": {"phone": {"after_holiday_factor": 7}}})
    with pytest.raises(ScenarioErrors, match=r"channels\.phone\.after_holiday_factor.*<= 5"):
        scenario(config)


@pytest.mark.parametrize(
    ("leave", "words"),
    [({"jly": 0.2}, "allowed: jan"), ({"jul": 0.95}, "<= 0.9"), ({"jul": "veel"}, "a number")],
)
def test_bad_staff_leave(leave: dict[str, Any], words: str) -> None:
    config = deep_update(queue_config(), {"calendar": {"staff_leave_by_month": leave}})
    with pytest.raises(ScenarioErrors, match=r"calendar\.staff_leave_by_month") as caught:
        scenario(config)
    assert words in str(caught.value)


def test_a_group_on_leave_is_present_for_exactly_the_rest_of_its_hours() -> None:
    # Two agents around the clock; half of them on leave in February (the group's own leave
    # replaces the calendar's 10% for every month).
    config = queue_config(rate_per_hour=1.0, agents=2, horizon_days=63.0)
    config["calendar"]["staff_leave_by_month"] = {m: 0.1 for m in ("jan", "feb", "mar")}
    config["staff_groups"]["agents"]["leave_by_month"] = {"feb": 0.5}
    result = run_experiment(scenario(config))
    kpis = result.period_kpis
    assert kpis is not None
    rows = kpis[(kpis["staff_group"] == "agents") & (kpis["channel"] == "all")]
    hours = rows.set_index("period")["staff_hours"]
    assert hours["2027-01"] == pytest.approx(2 * 24 * 28)  # January: no leave of its own
    assert hours["2027-02"] == pytest.approx(2 * 24 * 28 * 0.5)
    assert hours["run"] == pytest.approx(2 * 24 * 63 - 2 * 24 * 14)


def test_leave_lowers_the_staff_a_shop_books_appointments_for() -> None:
    spec = scenario(
        deep_update(shop_config(), {"calendar": {"staff_leave_by_month": {"jul": 0.25}}})
    )
    group = next(g for g in spec.staff_groups if g.shop is not None)
    weekday = 0
    length = 48
    june = staff_at_shop(spec.staff_groups, group.shop or "", weekday, length, dt.date(2027, 6, 7))
    july = staff_at_shop(spec.staff_groups, group.shop or "", weekday, length, dt.date(2027, 7, 5))
    assert max(june) > 0
    assert july == [int(np.floor(n * 0.75 + 0.5)) for n in june]


def test_period_kpis_add_up_to_the_run_and_the_judged_rows_follow_judge_on() -> None:
    config = queue_config(
        rate_per_hour=3.0,
        agents=1,
        horizon_days=56.0,
        run={"periods": {"feb": {"month": "feb"}}, "judge_on": {"phone": "feb"}},
        seed=7,
    )
    result = run_experiment(scenario(config))
    kpis = result.period_kpis
    assert kpis is not None
    phone = kpis[
        (kpis["channel"] == "phone") & (kpis["service"] == "all") & (kpis["staff_group"] == "all")
    ].set_index("period")
    assert (
        phone.loc["2027-01", "offered"] + phone.loc["2027-02", "offered"]
        == phone.loc["run", "offered"]
    )
    assert phone.loc["feb", "offered"] == phone.loc["2027-02", "offered"]
    # The judged view has one row per key: the phone's from February, the staff's from the run.
    judged = result.summary
    assert not judged.duplicated(
        ["channel", "shop", "department", "service", "staff_group", "kpi"]
    ).any()
    assert set(judged.loc[judged["channel"] == "phone", "period"]) == {"feb"}
    assert set(judged.loc[judged["channel"] == "all", "period"]) == {"run"}
    assert judged_view(result.period_summary).equals(judged)  # type: ignore[arg-type]


def test_the_staffing_plan_sizes_its_period() -> None:
    config = _year(periods={"piekmaand": {"month": "may"}})
    config["run"]["warmup_days"] = 14.0
    config["staffing"] = {"period": "piekmaand"}
    spec = scenario(config)
    assert spec.staffing.period == "piekmaand"
    narrowed = staffing_scenario(spec)
    assert narrowed.calendar.start_date == dt.date(2027, 5, 1)
    assert narrowed.run.horizon_days == 31.0
    assert narrowed.run.warmup_days == 14.0
    assert narrowed.run.periods == () and narrowed.staffing.period is None
    assert staffing_scenario(scenario(_year())) is not None


def test_an_unknown_staffing_period_names_the_key() -> None:
    config = _year()
    config["staffing"] = {"period": "piekmaand"}
    with pytest.raises(ScenarioErrors, match=r"staffing\.period.*unknown value 'piekmaand'"):
        scenario(config)


def test_a_staffing_period_outside_a_short_run_sizes_the_whole_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = queue_config(horizon_days=28.0, run={"periods": {"piekmaand": {"month": "may"}}})
    config["staffing"] = {"period": "piekmaand"}
    spec = scenario(config)
    assert spec.staffing.period is None
    assert staffing_scenario(spec) is spec
    assert "staffing.period" in caplog.text


@pytest.mark.parametrize("horizon", [float("inf"), -2.0, "lang"])
def test_a_bad_horizon_is_the_only_error_not_a_cascade(horizon: object) -> None:
    # Periods, judge_on, staffing.period and personas' days all depend on the horizon: a bad
    # horizon must not bury its own error under theirs.
    config = _year(periods={"piekmaand": {"month": "may"}}, judge_on={"phone": "piekmaand"})
    config["run"]["horizon_days"] = horizon
    config["staffing"] = {"period": "piekmaand"}
    config["personas"] = {"p": {"matters": [{"service": "q", "channel": "phone", "day": 3}]}}
    with pytest.raises(ScenarioErrors) as caught:
        scenario(config)
    assert [e.key for e in caught.value.errors] == ["run.horizon_days"]
