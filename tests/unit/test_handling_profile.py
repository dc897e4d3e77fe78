"""Handling time by hour: factors recovered from a synthetic log, and used only beyond chance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from klantstroom.calibration.handling_profile import handling_profile
from synthetic_logs import synthetic_call_log

HOURS = np.ones(24)
HOURS[8:10] = 0.75  # shorter calls at the start of the day
HOURS[14:16] = 1.25


def served(calls: pd.DataFrame) -> pd.DataFrame:
    return calls[calls["outcome"] == "served"]


def test_hour_factors_are_recovered_and_average_one() -> None:
    calls, _ = synthetic_call_log(
        seed=11, days=10, agents=14, calls_per_hour=150.0, hour_factors=HOURS.tolist()
    )
    profile = handling_profile(served(calls), "hour")
    assert profile.used and profile.pvalue < 1e-6
    factors = np.array(profile.factors())
    assert len(factors) == 24 and np.all(factors[:8] == 1.0)  # closed hours: no calls, factor 1
    # The truth relative to its own mean over the served calls of the day.
    table = profile.table
    expected = HOURS[table.index.to_numpy()] / np.average(
        HOURS[table.index.to_numpy()], weights=table["calls"]
    )
    assert table["factor"].to_numpy() == pytest.approx(expected, rel=0.08)
    assert np.average(table["factor"], weights=table["calls"]) == pytest.approx(1.0)


def test_flat_handling_is_left_out_of_the_scenario() -> None:
    calls, _ = synthetic_call_log(seed=12, days=10, agents=14, calls_per_hour=150.0)
    profile = handling_profile(served(calls), "hour")
    assert not profile.used and profile.pvalue > 0.001


def test_a_weekday_needs_two_dates_to_be_compared() -> None:
    calls, _ = synthetic_call_log(seed=13, days=5, agents=14, calls_per_hour=150.0)
    profile = handling_profile(served(calls), "weekday")
    assert np.isnan(profile.pvalue) and not profile.used  # five dates, one per weekday


def test_few_calls_are_pulled_towards_one() -> None:
    rows = pd.DataFrame(
        {
            "answered": pd.to_datetime(["2024-01-01 08:10"] * 200 + ["2024-01-01 22:10"] * 5),
            "service_s": [100.0] * 200 + [400.0] * 5,
        }
    )
    table = handling_profile(rows, "hour").table
    raw = 400.0 / rows["service_s"].mean()
    assert 1.0 < table.loc[22, "factor"] < raw  # 5 calls: well short of the raw 3.6
    with pytest.raises(ValueError, match="hour' or 'weekday"):
        handling_profile(rows, "minute")
