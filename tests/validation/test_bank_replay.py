"""Both replays against two weeks of the real bank log, with tolerances.

The committed file holds every call of Sunday 17 to Thursday 28 January 1999 (ten working days,
two of each weekday) from the Anonymous Bank log, compressed. The whole pipeline runs as a user
runs it: import, fit, the fitted scenario, the trace-driven and the model-driven replay.

On the full month the targets are abandonment within 1.5 percentage points and the mean wait
of served calls within 15% of the log (docs/calibration.md). Ten days with three replications
carry more noise, so the model-driven replay gets 2 points and 25% here; the trace-driven
replay, which replays the logged calls themselves, keeps the full targets. Without the
after-call time both replays answer far too fast (a mean wait of 13 s against 32 s) and fail.

Out of sample (``--holdout-from``): fitted on the first week (17-21 January) and validated on
the second (24-28 January), a much quieter week (abandonment 4.0% against 10.7%). The trace
replay, which tests what carries over (after-call work, breaks, patience of the unseen, routing),
meets the full targets in both weeks for the regular service (PS) calls, and so does the
model-driven replay in sample and for abandonment out of sample. Its wait out of sample is about
a quarter short: the callers' patience drifted between the weeks (exponential estimate 323 s in
the busy week, 444 s in the quiet one). Replayed with the second week's own patience and the
first week's behaviour otherwise, all four targets are met (docs/calibration.md); the weekly
stability table flags this drift on the whole month (330-441 s).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from klantstroom.calibration.command import main

TWO_WEEKS = Path(__file__).parents[1] / "data" / "anonymous-bank-1999-01-17-to-28.tsv.gz"
TOLERANCE = {"trace": (1.5, 15.0), "model": (2.0, 25.0)}  # (percentage points, percent)


@pytest.fixture(scope="module")
def targets(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("bank")
    options = ["--format", "anonymous-bank", "--services", "PS", "--replications", "3"]
    code = main([str(TWO_WEEKS), *options, "--seed", "2", "--out", str(out)])
    assert code == 0
    return pd.read_csv(out / "targets.csv", index_col=[0, 1, 2]).loc["in sample"]


@pytest.fixture(scope="module")
def holdout(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("holdout")
    options = ["--format", "anonymous-bank", "--services", "PS", "--replications", "3"]
    code = main(
        [
            str(TWO_WEEKS),
            *options,
            "--holdout-from",
            "1999-01-24",
            "--no-sensitivity",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return pd.read_csv(out / "targets.csv", index_col=[0, 1, 2])


@pytest.mark.parametrize("period", ["in sample", "out of sample"])
def test_a_fit_on_the_first_week_holds_on_the_second(holdout: pd.DataFrame, period: str) -> None:
    trace = holdout.loc[(period, "PS", "trace")]
    assert trace["abandonment_met"] and trace["mean_wait_met"], trace
    model = holdout.loc[(period, "PS", "model")]
    assert model["abandonment_met"], model
    if period == "in sample":
        assert model["mean_wait_met"], model
    else:  # patience drifted between the weeks: the wait is short, not long
        assert -35.0 < model["mean_wait_diff_%"] < 0.0, model
    log = {"in sample": 10.66, "out of sample": 4.00}[period]
    assert trace["abandonment_log_%"] == pytest.approx(log, abs=0.01)  # each week's own log


@pytest.mark.parametrize("replay", ["trace", "model"])
def test_regular_service_calls_are_reproduced(targets: pd.DataFrame, replay: str) -> None:
    row = targets.loc[("PS", replay)]
    points, percent = TOLERANCE[replay]
    assert row["abandonment_log_%"] == pytest.approx(7.74, abs=0.01)  # the log itself
    assert abs(row["abandonment_diff_pp"]) <= points
    assert abs(row["mean_wait_diff_%"]) <= percent


def test_all_call_types_are_reproduced_by_the_trace(targets: pd.DataFrame) -> None:
    row = targets.loc[("all call types", "trace")]
    assert abs(row["abandonment_diff_pp"]) <= 1.5
    assert abs(row["mean_wait_diff_%"]) <= 15.0
