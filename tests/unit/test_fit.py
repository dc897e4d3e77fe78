"""Calibration estimators: recover known parameters from synthetic logs, and exact small cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from klantstroom.calibration.arrivals import arrival_profile
from klantstroom.calibration.patience import fit_patience, kaplan_meier, survival_at
from klantstroom.calibration.redials import detect_redials, expected_fresh_calls
from klantstroom.calibration.service_times import fit_service_times
from klantstroom.calibration.staffing_inference import (
    class_share_by_load,
    infer_staffing,
    round_headcount,
    shape_groups,
    staffing_by_weekday,
    staffing_follows_calls,
    staffing_on_weekday_shape,
)

DAY0 = pd.Timestamp("2024-01-01")  # a Monday


def lognormal_sample(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    sigma2 = math.log1p(cv**2)
    return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), n)


def queue_log(patience_s: np.ndarray, offered_wait_s: np.ndarray) -> pd.DataFrame:
    """Calls that wait min(patience, offered wait); abandoned when patience runs out first."""
    abandoned = patience_s < offered_wait_s
    return pd.DataFrame(
        {
            "wait_s": np.minimum(patience_s, offered_wait_s),
            "outcome": np.where(abandoned, "abandoned", "served"),
        }
    )


def call_log(rows: list[tuple[str | None, str, str, str]]) -> pd.DataFrame:
    """Rows of (caller_id, outcome, arrival, hang-up or answer time) on DAY0, times "HH:MM"."""
    frame = pd.DataFrame(rows, columns=["caller_id", "outcome", "arrival", "until"])
    arrival = DAY0 + pd.to_timedelta(frame["arrival"] + ":00")
    until = DAY0 + pd.to_timedelta(frame["until"] + ":00")
    abandoned = frame["outcome"] == "abandoned"
    table = pd.DataFrame(
        {
            "caller_id": frame["caller_id"].astype("string"),
            "outcome": frame["outcome"],
            "arrival": arrival,
            "answered": until.where(~abandoned),
            "abandoned": until.where(abandoned),
            "wait_s": (until - arrival).dt.total_seconds(),
        }
    )
    # A non-default index, to check that results are aligned with it.
    return table.set_axis(pd.RangeIndex(100, 100 + len(table)))


# -- service times ----------------------------------------------------------------------------


def test_lognormal_service_times_are_recognised_and_recovered() -> None:
    x = lognormal_sample(np.random.default_rng(11), 200.0, 1.2, 20_000)
    fit = fit_service_times(np.concatenate([x, [0.0, -3.0, np.nan]]))
    assert fit.kind == "lognormal"
    assert fit.mean_s == pytest.approx(200.0, rel=0.03)
    assert fit.cv == pytest.approx(1.2, rel=0.05)
    assert fit.n == 20_000
    assert fit.n_dropped == 3
    assert set(fit.candidates.index) == {"exponential", "lognormal", "gamma"}
    assert fit.candidates.at["lognormal", "delta_aic"] == 0.0
    assert fit.candidates.at["lognormal", "ks_statistic"] < 0.015


def test_exponential_service_times_are_not_beaten_by_the_richer_families() -> None:
    x = np.random.default_rng(12).exponential(300.0, 20_000)
    fit = fit_service_times(x)
    # Gamma contains the exponential, so it can only win by chance; AIC keeps it close.
    assert fit.candidates.at["exponential", "delta_aic"] <= 2.0
    assert fit.candidates.at["exponential", "mean_s"] == pytest.approx(300.0, rel=0.03)
    assert fit.cv == pytest.approx(1.0, rel=0.05)


def test_gamma_service_times_are_recognised() -> None:
    x = np.random.default_rng(13).gamma(4.0, 50.0, 20_000)  # mean 200, cv 0.5
    fit = fit_service_times(x)
    assert fit.kind == "gamma"
    assert fit.mean_s == pytest.approx(200.0, rel=0.02)
    assert fit.cv == pytest.approx(0.5, rel=0.05)


def test_too_few_service_times_is_an_error() -> None:
    with pytest.raises(ValueError, match="two distinct"):
        fit_service_times(np.array([5.0, 5.0, 0.0]))


# -- Kaplan-Meier and patience ----------------------------------------------------------------


def test_kaplan_meier_by_hand_with_ties() -> None:
    durations = np.array([0, 1, 2, 2, 2, 3, 4, 4, 5], dtype=float)
    observed = np.array([0, 1, 1, 0, 1, 0, 1, 0, 0], dtype=bool)
    km = kaplan_meier(durations, observed)
    assert km["time_s"].tolist() == [0, 1, 2, 3, 4, 5]
    assert km["at_risk"].tolist() == [9, 8, 7, 4, 3, 1]
    assert km["events"].tolist() == [0, 1, 2, 0, 1, 0]
    assert km["censored"].tolist() == [1, 0, 1, 1, 1, 1]
    # Events before censorings at t = 2: seven at risk, not six.
    expected = [1, 7 / 8, 7 / 8 * 5 / 7, 5 / 8, 5 / 8 * 2 / 3, 5 / 12]
    assert km["survival"].tolist() == pytest.approx(expected)
    assert survival_at(km, [-1.0, 0.5, 2.0, 2.9, 10.0]).tolist() == pytest.approx(
        [1, 1, 5 / 8, 5 / 8, 5 / 12]
    )


def test_kaplan_meier_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        kaplan_meier(np.array([1.0, -1.0]), np.array([True, False]))
    with pytest.raises(ValueError):
        kaplan_meier(np.array([1.0]), np.array([True, False]))


def test_exponential_patience_is_recovered_from_censored_waits() -> None:
    rng = np.random.default_rng(21)
    n = 20_000
    calls = queue_log(rng.exponential(120.0, n), rng.exponential(60.0, n))
    fit = fit_patience(calls)
    exponential = fit.candidates.loc["exponential"]
    assert exponential["mean_s"] == pytest.approx(120.0, rel=0.05)
    assert fit.kind == "exponential"
    assert fit.candidates.at["weibull", "log_likelihood"] >= exponential["log_likelihood"]
    assert survival_at(fit.kaplan_meier, 120.0)[0] == pytest.approx(math.exp(-1), abs=0.03)
    assert fit.n == n
    assert fit.n_abandoned == int((calls["outcome"] == "abandoned").sum())
    # The naive mean of abandoned waits ignores censoring and is far too short.
    assert calls.loc[calls["outcome"] == "abandoned", "wait_s"].mean() < 0.5 * fit.mean_s


def test_lognormal_patience_is_recovered_from_censored_waits() -> None:
    rng = np.random.default_rng(22)
    n = 20_000
    calls = queue_log(lognormal_sample(rng, 120.0, 1.0, n), rng.exponential(120.0, n))
    fit = fit_patience(calls)
    assert fit.kind == "lognormal"
    assert fit.best_kind == "lognormal"
    assert fit.mean_s == pytest.approx(120.0, rel=0.05)
    assert fit.cv == pytest.approx(1.0, rel=0.1)
    assert fit.candidates.at["lognormal", "max_diff_km"] < 0.02


def test_weibull_patience_falls_back_to_an_expressible_kind() -> None:
    rng = np.random.default_rng(23)
    n = 10_000
    calls = queue_log(150.0 * rng.weibull(2.0, n), rng.exponential(150.0, n))
    fit = fit_patience(calls)
    assert fit.best_kind == "weibull"
    assert fit.best_mean_s == pytest.approx(150.0 * math.gamma(1.5), rel=0.05)
    assert fit.kind in {"exponential", "lognormal"}
    assert fit.candidates.at[fit.kind, "expressible"]
    assert not fit.candidates.at["weibull", "expressible"]


def test_patience_keeps_zero_waits_and_drops_missing_ones() -> None:
    calls = pd.DataFrame(
        {
            "wait_s": [0.0, 0.0, 10.0, 30.0, np.nan, 20.0],
            "outcome": ["served", "abandoned", "abandoned", "served", "served", "abandoned"],
        }
    )
    fit = fit_patience(calls)
    assert (fit.n, fit.n_dropped, fit.n_abandoned, fit.n_zero_wait_abandoned) == (5, 1, 3, 1)
    # Closed form: 3 abandonments over 0.5 + 10 + 30 + 20 s of waiting.
    assert fit.candidates.at["exponential", "mean_s"] == pytest.approx(60.5 / 3)


def test_patience_without_abandonments_is_an_error() -> None:
    with pytest.raises(ValueError, match="no abandoned"):
        fit_patience(pd.DataFrame({"wait_s": [1.0, 2.0], "outcome": ["served", "served"]}))


# -- arrival profile --------------------------------------------------------------------------


def poisson_log(
    rng: np.random.Generator, rate_per_interval: np.ndarray, days: int, day_cv: float
) -> pd.DataFrame:
    """Weekdays only, 30-minute intervals from 08:00; each day's rates times a gamma factor."""
    arrivals = []
    dates = [d for d in pd.date_range(DAY0, periods=days * 7 // 5 + 7) if d.day_of_week < 5][:days]
    for date in dates:
        factor = rng.gamma(1 / day_cv**2, day_cv**2) if day_cv > 0 else 1.0
        counts = rng.poisson(rate_per_interval * factor)
        start_min = np.repeat(480 + 30 * np.arange(rate_per_interval.size), counts)
        offset_min = start_min + 30 * rng.random(start_min.size)
        arrivals.append(date + pd.to_timedelta(offset_min, unit="min"))
    arrival = pd.DatetimeIndex(np.concatenate(arrivals))
    return pd.DataFrame({"arrival": arrival, "service": "algemeen"})


RATES = np.array([10, 30, 50, 60, 40, 30, 45, 50, 35, 20, 15, 25, 30, 20, 10, 5, 3, 2], float)


def test_arrival_profile_recovers_rates_and_extra_day_variability() -> None:
    calls = poisson_log(np.random.default_rng(31), RATES, days=200, day_cv=0.2)
    profile = arrival_profile(calls)
    assert profile.days_observed == {0: 40, 1: 40, 2: 40, 3: 40, 4: 40, 5: 0, 6: 0}
    weekdays = profile.mean_per_interval.loc[0:4]
    open_columns = list(range(480, 480 + 30 * RATES.size, 30))
    # Averaged over all 200 days: within 4 standard errors (Poisson plus day-factor noise).
    standard_error = np.sqrt(RATES / 200 + (0.2 * RATES) ** 2 / 200)
    error = weekdays[open_columns].mean().to_numpy() - RATES
    assert np.all(np.abs(error) < 4 * standard_error)
    assert weekdays.drop(columns=open_columns).to_numpy().sum() == 0
    assert (profile.mean_per_interval.loc[5:6] == 0).all().all()
    assert list(profile.mean_per_interval.columns) == list(range(0, 1440, 30))
    assert profile.daily_cv == pytest.approx(0.2, abs=0.07)
    assert len(profile.daily_totals) == 200
    assert profile.daily_totals.sum() == len(calls)
    # The observed cv includes Poisson noise on top of the day factor.
    observed = profile.daily_cv_by_weekday.loc[0:4]
    assert (observed > profile.daily_cv_extra_by_weekday.loc[0:4] - 1e-12).all()
    assert profile.daily_cv_by_weekday.loc[5:6].isna().all()


def test_pure_poisson_days_have_no_extra_variability() -> None:
    calls = poisson_log(np.random.default_rng(32), RATES, days=200, day_cv=0.0)
    profile = arrival_profile(calls, interval_min=60)
    assert profile.daily_cv < 0.04
    # Observed cv is then just Poisson: 1 / sqrt(mean daily volume).
    poisson_cv = 1 / math.sqrt(RATES.sum())
    assert profile.daily_cv_by_weekday.loc[0:4].mean() == pytest.approx(poisson_cv, rel=0.2)
    assert profile.mean_per_interval.at[0, 480] == pytest.approx(40, rel=0.15)


def test_arrival_profile_counts_exactly_and_restricts_by_service() -> None:
    times = ["2024-01-01 08:05", "2024-01-01 08:29", "2024-01-01 08:30", "2024-01-08 08:10"]
    calls = pd.DataFrame({"arrival": pd.to_datetime(times), "service": ["a", "a", "b", "a"]})
    profile = arrival_profile(calls, interval_min=30)
    assert profile.days_observed[0] == 2
    assert profile.mean_per_interval.at[0, 480] == 1.5
    assert profile.mean_per_interval.at[0, 510] == 0.5
    assert profile.daily_totals.tolist() == [3, 1]
    only_b = arrival_profile(calls, service="b")
    assert only_b.n_calls == 1
    assert only_b.days_observed[0] == 1
    assert math.isnan(only_b.daily_cv)
    with pytest.raises(ValueError, match="divide"):
        arrival_profile(calls, interval_min=7)
    with pytest.raises(ValueError, match="no calls"):
        arrival_profile(calls, service="c")


# -- redials ----------------------------------------------------------------------------------


REDIAL_ROWS: list[tuple[str | None, str, str, str]] = [
    ("A", "abandoned", "09:00", "09:02"),
    ("A", "served", "09:10", "09:11"),  # redial 8 min after hanging up
    ("B", "abandoned", "09:00", "09:01"),
    ("B", "served", "10:30", "10:31"),  # 89 min later: too late
    ("C", "abandoned", "09:00", "09:05"),
    ("C", "abandoned", "09:20", "09:21"),  # redial after 15 min, abandons again
    ("C", "served", "09:51", "09:52"),  # redial after 30 min
    (None, "abandoned", "09:00", "09:03"),  # anonymous: cannot be linked
    (None, "served", "09:05", "09:06"),
    ("D", "served", "09:00", "09:01"),
    ("D", "served", "09:10", "09:12"),  # a second call, but nothing was abandoned
    ("E", "abandoned", "10:58", "11:00"),
    ("E", "served", "12:00", "12:01"),  # exactly 60 min: within the window
    ("F", "abandoned", "13:00", "13:00"),  # hung up at once, never called again
]


def test_redials_are_linked_to_the_abandonment_before_them() -> None:
    calls = call_log(REDIAL_ROWS)
    fit = detect_redials(calls, window_min=60.0)
    assert fit.n_abandoned_known == 6
    assert fit.n_followed == 4
    assert fit.probability == pytest.approx(4 / 6)
    assert sorted(fit.delays_min.tolist()) == pytest.approx([8, 15, 30, 60])
    assert fit.mean_delay_min == pytest.approx(28.25)
    assert fit.n_redials == 4
    assert fit.n_anonymous == 2
    assert fit.is_redial.index.equals(calls.index)
    assert calls.index[fit.is_redial].tolist() == [101, 105, 106, 112]


def test_a_shorter_redial_window_links_fewer_calls() -> None:
    fit = detect_redials(call_log(REDIAL_ROWS), window_min=20.0)
    assert (fit.n_followed, fit.n_redials) == (2, 2)
    assert fit.probability == pytest.approx(2 / 6)
    assert fit.mean_delay_min == pytest.approx(11.5)


def test_expected_fresh_calls_take_redials_off_where_the_model_puts_them() -> None:
    rows: list[tuple[str | None, str, str, str]] = [
        ("A", "abandoned", "09:00", "09:02"),
        (None, "abandoned", "09:20", "09:25"),  # anonymous callers redial too
        ("B", "served", "09:10", "09:11"),
        ("C", "abandoned", "23:50", "23:55"),  # its redial would fall on the next date
    ]
    calls = call_log(rows).assign(service="PS")
    fresh = expected_fresh_calls(calls, probability=0.4, delay_min=10.0)
    assert fresh["weight"].tolist() == pytest.approx([1, 1, 1, 1, -0.4, -0.4])
    companions = fresh.iloc[4:]
    assert companions["arrival"].tolist() == [
        DAY0 + pd.Timedelta("09:12:00"),
        DAY0 + pd.Timedelta("09:35:00"),
    ]
    assert (companions["service"] == "PS").all()
    # The profile counts weights: 09:00-09:30 holds 3 calls less 0.4 expected redials, and
    # 09:30-10:00 would go below 0 (a redial of a call before it) and is kept at 0.
    profile = arrival_profile(fresh, 30)
    monday = profile.mean_per_interval.loc[0]
    assert monday[540] == pytest.approx(2.6)
    assert monday[570] == 0.0
    assert monday[1410] == 1.0
    assert profile.n_calls == 3  # 4 calls less 0.8 expected redials, rounded

    unchanged = expected_fresh_calls(calls, probability=0.0, delay_min=10.0)
    assert len(unchanged) == len(calls) and (unchanged["weight"] == 1.0).all()
    with pytest.raises(ValueError, match=r"redial probability must be in \[0, 1\]; got 1.5"):
        expected_fresh_calls(calls, probability=1.5, delay_min=10.0)


# -- staffing ---------------------------------------------------------------------------------


def agent_log() -> pd.DataFrame:
    """Agent A works 08:00-09:00, breaks 40 min, works 09:40-10:00; B works 08:15-09:30."""
    calls = [
        ("A", "08:00", "08:10"),
        ("A", "08:12", "08:40"),
        ("A", "08:45", "09:00"),
        ("A", "09:40", "10:00"),  # after a 40-minute gap: a new spell
        ("B", "08:15", "08:30"),
        ("B", "08:50", "09:30"),  # 20-minute gap: the same spell
    ]
    frame = pd.DataFrame(calls, columns=["agent", "answered", "ended"])
    answered = DAY0 + pd.to_timedelta(frame["answered"] + ":00")
    ended = DAY0 + pd.to_timedelta(frame["ended"] + ":00")
    served = pd.DataFrame(
        {
            "agent": frame["agent"].astype("string"),
            "outcome": "served",
            "arrival": answered - pd.Timedelta(seconds=30),
            "answered": answered,
            "ended": ended,
        }
    )
    missed = pd.DataFrame(  # an abandoned call on the next day: a date with nobody on calls
        {
            "agent": pd.array([None], dtype="string"),
            "outcome": ["abandoned"],
            "arrival": [DAY0 + pd.Timedelta(days=1, hours=9)],
            "answered": [pd.NaT],
            "ended": [pd.NaT],
        }
    )
    return pd.concat([served, missed], ignore_index=True)


def test_staffing_counts_agents_in_working_spells() -> None:
    staffing = infer_staffing(agent_log(), interval_min=30, break_gap_min=30.0)
    assert staffing.index.tolist() == [DAY0, DAY0 + pd.Timedelta(days=1)]
    assert list(staffing.columns) == list(range(0, 1440, 30))
    day = staffing.loc[DAY0]
    assert day[[480, 510, 540, 570]].tolist() == pytest.approx([1.5, 2.0, 1.0, 2 / 3])
    assert day.drop([480, 510, 540, 570]).sum() == 0
    assert staffing.loc[DAY0 + pd.Timedelta(days=1)].sum() == 0

    # With a longer allowed break, A's spell bridges the gap and covers 09:00-09:40 too.
    longer = infer_staffing(agent_log(), interval_min=30, break_gap_min=45.0)
    assert longer.loc[DAY0, [540, 570]].tolist() == pytest.approx([2.0, 1.0])


def test_staffing_extends_an_agents_day_to_shift_boundaries_nearby() -> None:
    # C works 10:05-10:50: on an hourly grid with 15 minutes' slack, 10:00-11:00.
    late = pd.DataFrame(
        {
            "agent": pd.array(["C"], dtype="string"),
            "outcome": ["served"],
            "arrival": [DAY0 + pd.Timedelta("10:04:00")],
            "answered": [DAY0 + pd.Timedelta("10:05:00")],
            "ended": [DAY0 + pd.Timedelta("10:50:00")],
        }
    )
    log = pd.concat([agent_log(), late], ignore_index=True)
    hourly = infer_staffing(log, interval_min=30, shift_grid_min=60, snap_min=15.0)
    # B's first answer at 08:15 counts from 08:00; B's last call end at 09:30 is 30 minutes
    # from 10:00 and stays; A's return from the break at 09:40 is not a shift edge and stays.
    assert hourly.loc[DAY0, [480, 510, 540, 570, 600, 630]].tolist() == pytest.approx(
        [2.0, 2.0, 1.0, 2 / 3, 1.0, 1.0]
    )
    # On a half-hourly grid with 10 minutes' slack B's 08:15 start is too far from both
    # boundaries; C's 10:05-10:50 still becomes 10:00-11:00.
    half = infer_staffing(log, interval_min=30, shift_grid_min=30, snap_min=10.0)
    assert half.loc[DAY0, [480, 600, 630]].tolist() == pytest.approx([1.5, 1.0, 1.0])
    # No slack: the spells as logged.
    logged = infer_staffing(log, interval_min=30, shift_grid_min=60, snap_min=0.0)
    assert logged.loc[DAY0, [480, 600, 630]].tolist() == pytest.approx([1.5, 25 / 30, 20 / 30])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"shift_grid_min": 25, "snap_min": 5.0}, "shift_grid_min must divide 1440 minutes"),
        ({"shift_grid_min": 60, "snap_min": 20.0}, r"between 0 and half of break_gap_min \(15\)"),
        ({"shift_grid_min": 60, "snap_min": -1.0}, "got -1.0"),
    ],
)
def test_staffing_rejects_shift_options_out_of_range(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        infer_staffing(agent_log(), interval_min=30, break_gap_min=30.0, **options)


def test_staffing_by_weekday_and_roster_rounding() -> None:
    staffing = infer_staffing(agent_log(), interval_min=30)
    by_weekday = staffing_by_weekday(staffing)
    assert by_weekday.index.tolist() == list(range(7))
    assert by_weekday.at[0, 480] == pytest.approx(1.5)
    assert by_weekday.at[1, 480] == 0.0
    roster = round_headcount(by_weekday)
    assert roster.loc[0, [480, 510, 540, 570]].tolist() == [2, 2, 1, 1]
    halves = pd.DataFrame([[0.5, 1.5, 2.5, 0.49]])
    assert round_headcount(halves).iloc[0].tolist() == [1, 2, 3, 0]


def staffing_frame(rows: dict[str, list[float]]) -> pd.DataFrame:
    """Agents on duty per date (keys) and half hour from 08:00 (values), as infer_staffing."""
    frame = pd.DataFrame(
        list(rows.values()),
        index=pd.DatetimeIndex([pd.Timestamp(d) for d in rows], name="date"),
        columns=pd.Index([480 + 30 * k for k in range(len(next(iter(rows.values()))))]),
    )
    return frame.astype(float)


def test_staffing_on_weekday_shape_keeps_each_dates_hours_in_its_weekdays_shape() -> None:
    staffing = staffing_frame(
        {
            "2024-01-01": [2, 2, 0],  # Monday, 4 agent-intervals
            "2024-01-08": [0, 4, 4],  # Monday, 8
            "2024-01-02": [1, 1, 1],  # the only Tuesday keeps its own shape
            "2024-01-03": [0, 0, 0],  # a Wednesday without staff stays empty
        }
    )
    shaped = staffing_on_weekday_shape(staffing)
    # Monday's mean row is [1, 3, 2] (6 agent-intervals): the first Monday gets 4/6 of it, the
    # second 8/6.
    assert shaped.loc["2024-01-01"].tolist() == pytest.approx([4 / 6, 2.0, 8 / 6])
    assert shaped.loc["2024-01-08"].tolist() == pytest.approx([8 / 6, 4.0, 16 / 6])
    assert shaped.loc["2024-01-02"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert shaped.loc["2024-01-03"].tolist() == [0.0, 0.0, 0.0]
    assert shaped.to_numpy().sum(axis=1) == pytest.approx(staffing.to_numpy().sum(axis=1))
    assert shaped.columns.equals(staffing.columns) and shaped.index.equals(staffing.index)


def test_staffing_follows_calls_separates_daily_and_intraday_following() -> None:
    def log(counts: dict[str, list[int]]) -> pd.DataFrame:
        arrivals = [
            pd.Timestamp(date) + pd.Timedelta(minutes=480 + 30 * k + 1)
            for date, row in counts.items()
            for k, n in enumerate(row)
            for _ in range(n)
        ]
        return pd.DataFrame({"arrival": arrivals})

    # Three Mondays: the staffing doubles with the day's calls, and within the day it moves
    # to the half hour that got the calls.
    calls = log({"2024-01-01": [10, 10, 0], "2024-01-08": [0, 20, 20], "2024-01-15": [5, 5, 10]})
    follows = staffing_frame(
        {"2024-01-01": [2, 2, 0], "2024-01-08": [0, 4, 4], "2024-01-15": [1, 1, 2]}
    )
    daily, intraday = staffing_follows_calls(calls, follows)
    assert daily == pytest.approx(1.0)
    assert intraday == pytest.approx(1.0)
    # The same daily hours in the weekday's shape do not follow the calls within the day.
    flat = staffing_on_weekday_shape(follows)
    daily, intraday = staffing_follows_calls(calls, flat)
    assert daily == pytest.approx(1.0)
    assert math.isnan(intraday)  # no deviation at all: nothing to correlate


def test_class_share_by_load_splits_intervals_by_how_long_others_waited() -> None:
    day = pd.Timestamp("1999-01-03")

    def call(key: str, arrival_s: int, answered_s: int) -> dict:
        return {
            "service": "PS",
            "model_service": key,
            "arrival": day + pd.Timedelta(seconds=arrival_s),
            "wait_s": float(answered_s - arrival_s),
        }

    calls = pd.DataFrame(
        [
            # 00:00-00:30: three unidentified callers and one other, answered at once.
            *(call("PS_p0", t, t) for t in (60, 600, 1200)),
            call("PS_p2", 900, 900),
            # 00:30-01:00: another caller waits the whole half-hour; one unidentified caller.
            call("PS_p2", 1800, 3600),
            call("PS_p0", 2000, 2000),
        ]
    )
    table = class_share_by_load(calls, "PS_p0")
    assert table.index.tolist() == ["0-5%", "60-100%"]
    assert table["intervals"].tolist() == [1, 1]
    assert table["calls"].tolist() == [4, 2]
    assert table["class_share"].tolist() == [0.75, 0.5]
    with pytest.raises(ValueError, match="no calls of class 'PS_p9'"):
        class_share_by_load(calls, "PS_p9")


def test_a_weekday_seen_once_takes_the_shape_of_the_weekdays_alike() -> None:
    columns = pd.Index(range(0, 1440, 30))
    day = np.zeros(48)
    day[16:36] = 4.0  # 08:00-18:00
    friday = np.zeros(48)
    friday[16:28] = 3.0  # 08:00-14:00: another opening
    dates = pd.date_range("2024-01-01", periods=5)  # Monday to Friday, one date each
    rows = [day.copy() for _ in range(4)] + [friday]
    rows[0][20] = 9.0  # Monday's own peak at 10:00
    staffing = pd.DataFrame(rows, index=dates, columns=columns)
    groups = shape_groups(staffing)
    assert groups[0] == [0, 1, 2, 3] and groups[4] == [4]
    shaped = staffing_on_weekday_shape(staffing, groups)
    # Monday keeps its hours but in the pooled shape: its peak is shared with Tuesday-Thursday.
    assert shaped.iloc[0].sum() == pytest.approx(staffing.iloc[0].sum())
    assert shaped.iloc[0, 20] == pytest.approx(
        shaped.iloc[1, 20] * shaped.iloc[0].sum() / shaped.iloc[1].sum()
    )
    assert shaped.iloc[0, 20] < 9.0
    pd.testing.assert_series_equal(shaped.iloc[4], staffing.iloc[4])
    # Two dates of a weekday: its own shape.
    twice = pd.concat([staffing, staffing.set_axis(dates + pd.Timedelta(days=7))])
    assert shape_groups(twice) == {d: [d] for d in range(5)}
