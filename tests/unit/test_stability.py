"""Week-to-week stability: a behaviour that changes between weeks is flagged, a steady one not."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from klantstroom.calibration.logs import ImportReport
from klantstroom.calibration.pipeline import calibrate
from klantstroom.calibration.stability import drift_table, drift_warnings, weekly_estimates
from synthetic_logs import synthetic_call_log


def two_weeks(second_handling_s: float) -> pd.DataFrame:
    first, _ = synthetic_call_log(seed=21, days=7, start="1999-01-03", agents=16)
    second, _ = synthetic_call_log(
        seed=22, days=7, start="1999-01-10", agents=16, handling_mean_s=second_handling_s
    )
    second = second.assign(
        call_id="B" + second["call_id"].astype(str), agent="b" + second["agent"].astype(str)
    )
    return pd.concat([first, second], ignore_index=True)


def drift_of(calls: pd.DataFrame) -> pd.DataFrame:
    cal = calibrate(calls, ImportReport(path=Path("synthetic.csv"), log_format="generic-phone"))
    weekly = weekly_estimates(cal)
    assert set(weekly["week"].astype(str)) == {"1999-01-03", "1999-01-10"}
    return drift_table(weekly)


def test_a_handling_time_that_changes_between_weeks_drifts() -> None:
    drift = drift_of(two_weeks(240.0))
    assert bool(drift.loc["handling PS (s)", "drifts"])
    assert drift.loc["handling PS (s)", "spread_%"] > 20
    warnings = drift_warnings(drift)
    assert len(warnings) == 1 and warnings[0].startswith("handling PS (s) drifts")


def test_a_steady_centre_does_not_drift() -> None:
    drift = drift_of(two_weeks(180.0))
    behaviour = drift[drift["kind"] == "behaviour"]
    assert not behaviour["drifts"].any(), behaviour
    assert drift_warnings(drift) == []
