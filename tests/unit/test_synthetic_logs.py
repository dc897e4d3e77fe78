"""The synthetic call-log generator (tests/synthetic_logs.py) makes the logs it promises."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klantstroom.calibration.availability import unavailable_after_calls
from klantstroom.calibration.importers import read_log
from synthetic_logs import synthetic_call_log

SAMPLE = Path(__file__).parents[1] / "data" / "generic-phone-sample.csv"
OPEN_INTERVALS = slice(16, 36)  # 08:00-18:00 in 30-minute intervals


def seconds(times: pd.Series) -> np.ndarray:
    """Timestamps as float seconds since the epoch (NaT -> NaN)."""
    values = times.to_numpy(dtype="datetime64[ns]")
    return np.where(np.isnat(values), np.nan, values.astype(np.int64) / 1e9)


def test_the_log_has_the_importers_schema_and_consistent_whole_second_rows() -> None:
    calls, _ = synthetic_call_log(services=("PS", "NE", "IN"))
    imported, _ = read_log(SAMPLE, "generic-phone")
    assert calls.dtypes.to_dict() == imported.dtypes.to_dict()
    assert list(calls.columns) == list(imported.columns)
    assert 5000 < len(calls) < 6000
    assert calls["call_id"].is_unique and calls["caller_id"].is_unique
    assert calls["source_row"].tolist() == list(range(2, len(calls) + 2))
    assert calls["arrival"].is_monotonic_increasing
    assert (calls["priority"] == 0).all()
    assert calls["service"].value_counts(normalize=True).between(0.30, 0.37).all()

    arrival, answered, abandoned, ended = (
        seconds(calls[name]) for name in ("arrival", "answered", "abandoned", "ended")
    )
    for values in (arrival, answered, abandoned, ended):
        finite = values[~np.isnan(values)]
        assert np.array_equal(finite, np.floor(finite))  # whole seconds, like a real log
    served = (calls["outcome"] == "served").to_numpy()
    assert set(calls["outcome"]) == {"served", "abandoned"}
    assert np.array_equal(~np.isnan(answered), served)
    assert np.array_equal(~np.isnan(ended), served)
    assert np.array_equal(np.isnan(abandoned), served)
    assert np.array_equal(calls["agent"].notna().to_numpy(), served)
    assert np.array_equal(np.isnan(calls["service_s"].to_numpy()), ~served)
    waited_until = np.where(served, answered, abandoned)
    assert np.array_equal(calls["wait_s"].to_numpy(), waited_until - arrival)
    assert np.array_equal(calls["service_s"].to_numpy()[served], (ended - answered)[served])
    assert (calls["wait_s"] >= 0).all() and (calls.loc[served, "service_s"] >= 0).all()
    # Calls arrive and are answered only in the open hours (08:00-18:00).
    assert calls["arrival"].dt.hour.between(8, 17).all()
    assert calls.loc[served, "answered"].dt.hour.between(8, 17).all()


def test_the_same_seed_gives_the_same_log_and_another_seed_another() -> None:
    first, truth = synthetic_call_log(seed=7, days=2)
    again, truth_again = synthetic_call_log(seed=7, days=2)
    pd.testing.assert_frame_equal(first, again)
    assert truth.break_share == truth_again.break_share
    other, _ = synthetic_call_log(seed=8, days=2)
    assert len(other) != len(first) or not other["arrival"].equals(first["arrival"])


def test_agents_serve_one_call_at_a_time_at_a_sensible_occupancy() -> None:
    calls, truth = synthetic_call_log()
    served = calls[calls["outcome"] == "served"].sort_values(["agent", "answered"])
    assert served["agent"].nunique() == 12
    same_agent = served["agent"].to_numpy()[1:] == served["agent"].to_numpy()[:-1]
    gap = seconds(served["answered"])[1:] - seconds(served["ended"])[:-1]
    assert (gap[same_agent] >= 0).all()
    # Talk time per agent-hour on duty: 110 calls/h x 180 s over 12 agents = 0.458.
    on_duty_s = 12 * 10 * 3600 * 5
    talk = served["service_s"].sum() / on_duty_s
    assert talk == pytest.approx(110 * 180 / 3600 / 12, rel=0.06)
    after_call = len(served) * truth.after_call_mean_s / on_duty_s
    assert 0.4 < talk + after_call + truth.break_share < 0.7


def test_handling_times_follow_the_hour_factors() -> None:
    factors = np.ones(24)
    factors[8:18] = [0.6, 0.8, 1.0, 1.2, 1.4, 1.3, 1.1, 0.9, 0.7, 0.5]
    calls, truth = synthetic_call_log(hour_factors=factors.tolist(), seed=3)
    assert np.array_equal(truth.hour_factors, factors)
    served = calls[calls["outcome"] == "served"]
    by_hour = served.groupby(served["answered"].dt.hour)["service_s"].agg(["mean", "std", "count"])
    assert by_hour.index.tolist() == list(range(8, 18))
    expected = 180.0 * factors[8:18]
    error = (by_hour["mean"] - expected) / (by_hour["std"] / np.sqrt(by_hour["count"]))
    assert (error.abs() < 4).all(), error
    # Without the factors the 12:00 and 17:00 hours could not be this far apart.
    means = by_hour["mean"].to_numpy()
    assert means[12 - 8] > 2 * means[17 - 8]


def test_break_shares_are_realised_shares_of_on_duty_time() -> None:
    calls, truth = synthetic_call_log()
    by_interval = truth.break_share_by_interval
    assert by_interval.shape == (48,)
    assert np.isnan(by_interval[:16]).all()
    assert np.isfinite(by_interval[OPEN_INTERVALS]).all()
    # After closing only calls in hand are finished (NaN once everyone has gone): no breaks.
    after = by_interval[36:]
    assert (np.isnan(after) | (after == 0.0)).all() and np.isnan(after[-1])
    # About one break of 480 s per 25 calls, over 12 agents x 10 h x 5 days on duty.
    served = (calls["outcome"] == "served").sum()
    assert truth.break_share == pytest.approx(served * 0.04 * 480 / (12 * 36000 * 5), rel=0.25)
    assert by_interval[OPEN_INTERVALS].min() < truth.break_share < np.nanmax(by_interval)

    _, without = synthetic_call_log(break_probability=0.0)
    assert without.break_share == 0.0
    assert (without.break_share_by_interval[OPEN_INTERVALS] == 0.0).all()


def test_no_agent_is_idle_while_a_caller_waits() -> None:
    # Without after-call work and breaks an agent answers a waiting caller at once: every gap
    # that starts while a caller waits is under a second (0.5 s in the measurement).
    calls, _ = synthetic_call_log(agents=8, after_call_mean_s=0.0, break_probability=0.0)
    gaps = unavailable_after_calls(calls)
    assert len(gaps.gaps_s) > 100
    assert gaps.gaps_s.max() == 0.5


def test_one_agent_in_a_long_queue_shows_the_after_call_time_and_the_breaks() -> None:
    # One overloaded agent (30 calls/h of 200 s each) and callers patient for an hour on
    # average: the queue empties only in the first minutes of a day, so each gap measured is
    # the hidden after-call work (+ any break), and nobody is left waiting by the next morning.
    def mean_gap(break_probability: float) -> tuple[float, float]:
        calls, _ = synthetic_call_log(
            agents=1,
            days=20,
            calls_per_hour=30.0,
            patience_mean_s=3600.0,
            break_probability=break_probability,
        )
        gaps = unavailable_after_calls(calls).gaps_s
        assert len(gaps) > 3000
        return float(gaps.mean()), float(gaps.std() / np.sqrt(len(gaps)))

    mean, error = mean_gap(0.0)
    assert abs(mean - 20.0) < 3 * error
    mean, error = mean_gap(0.04)
    assert abs(mean - (20.0 + 0.04 * 480.0)) < 3 * error


def test_breaks_inflate_the_naive_mean_gap_of_a_busy_call_centre() -> None:
    # With several agents a caller waiting when one agent hangs up may be answered by another
    # before that agent's after-call work ends; the agent's gap then includes idle time, so
    # even without breaks the naive mean is somewhat above the truth (most at light load: at
    # the defaults' 12 agents it is about double). Breaks add far more than that.
    without = unavailable_after_calls(synthetic_call_log(agents=6, break_probability=0.0)[0])
    with_breaks = unavailable_after_calls(synthetic_call_log(agents=6)[0])
    assert 20.0 < without.mean_s < 26.0
    assert with_breaks.mean_s > without.mean_s + 12.0
