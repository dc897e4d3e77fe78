"""``klantstroom-calibrate`` out of sample, as a user runs it: --holdout-from and --validate-on."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

DATA = Path(__file__).parents[1] / "data"
TWO_WEEKS = DATA / "anonymous-bank-1999-01-17-to-28.tsv.gz"
CLI = [sys.executable, "-m", "klantstroom.calibration.command"]
FAST = ["--format", "anonymous-bank", "--replications", "1", "--services", "PS"]


def calibrate(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def holdout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("holdout")
    done = calibrate(out, str(TWO_WEEKS), *FAST, "--holdout-from", "1999-01-24", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "out of sample trace" in done.stdout  # the side-by-side table is printed
    return out


def test_holdout_report_shows_both_periods_and_the_behaviour(holdout: Path) -> None:
    page = (holdout / "calibration_report.html").read_text(encoding="utf-8")
    for heading in (
        "In sample and out of sample",
        "Sensitivity: after-call work and breaks",
        "After-call work and breaks",
        "Handling time by hour and weekday",
        "Stability from week to week",
    ):
        assert heading in page
    targets = pd.read_csv(holdout / "targets.csv")
    assert set(targets["period"]) == {"in sample", "out of sample"}
    sensitivity = pd.read_csv(holdout / "sensitivity.csv")
    assert set(sensitivity["estimate"]) == {
        "gap mixture",
        "5-minute threshold",
        "all gaps (no breaks)",
    }
    assert set(sensitivity["period"]) == {"in sample", "out of sample"}
    drift = pd.read_csv(holdout / "drift.csv", index_col=0)
    assert {"after-call work (s)", "break share", "patience (s)"} <= set(drift.index)
    for figure in ("gaps", "break_share", "handling_by_hour", "stability"):
        assert (holdout / "figures" / f"{figure}.png").stat().st_size > 10_000
    fitted = yaml.safe_load(next((holdout / "scenarios").glob("*.yaml")).read_text())
    assert fitted["staff_groups"]["agents"]["roster"]["unavailable_share"]
    # One week of PS calls differs by hour only within chance (p = 0.02): no factors in the
    # scenario, but the estimate is reported (on the whole month they are used, p < 1e-4).
    assert "handling_by_hour" not in fitted["services"]["PS_p0"]
    factors = pd.read_csv(holdout / "handling_factors.csv")
    assert {"PS"} <= set(factors["service"]) and set(factors["by"]) == {"hour", "weekday"}


def test_validate_on_replays_a_fitted_scenario_like_the_holdout(
    holdout: Path, tmp_path: Path
) -> None:
    week2 = tmp_path / "week2.tsv"
    with gzip.open(TWO_WEEKS, "rt", encoding="utf-8") as source:
        lines = source.read().splitlines(keepends=True)
    week2.write_text(
        lines[0] + "".join(line for line in lines[1:] if line.split("\t")[5] >= "990124"),
        encoding="utf-8",
    )
    fitted = next((holdout / "scenarios").glob("*.yaml"))
    out = tmp_path / "v"
    done = calibrate(
        tmp_path, "--validate-on", str(week2), "--scenario", str(fitted), *FAST, "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    page = (out / "calibration_report.html").read_text(encoding="utf-8")
    assert f"Validation of {fitted.name} on week2.tsv" in page
    # The same behaviour on the same week with the same seed: the same replays.
    again = pd.read_csv(out / "targets.csv", index_col=[0, 1, 2])
    first = pd.read_csv(holdout / "targets.csv", index_col=[0, 1, 2]).loc[["out of sample"]]
    pd.testing.assert_frame_equal(again, first)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--validate-on", "x.tsv"], "--validate-on needs --scenario"),
        (["log.tsv", "--validate-on", "x.tsv", "--scenario", "f.yaml"], "not both"),
        (["--validate-on", "x.tsv", "--scenario", "missing.yaml"], "missing.yaml: no such file"),
        (["log.tsv", "--scenario", "f.yaml"], "--scenario goes with --validate-on"),
        ([str(TWO_WEEKS), "--holdout-from", "2000-01-01"], "the log runs from 1999-01-17"),
        ([str(TWO_WEEKS), "--break-threshold-s", "0"], "--break-threshold-s must be above 0"),
        ([], "give the log to fit"),
    ],
)
def test_bad_options_are_named(tmp_path: Path, arguments: list[str], message: str) -> None:
    done = calibrate(tmp_path, *arguments, "--format", "anonymous-bank")
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
