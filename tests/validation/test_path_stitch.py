"""A path adds nothing at its seams: one organisation split in two stretches is the unsplit run.

A road-map path runs its stretches as runs of their own, each from a warm-up under its own
organisation (:mod:`klantstroom.path_runner`). When the organisation does not change at a
step, the path must tell the same story as one run over the same days: the staff on duty in
the month (hours add up over the two stretches) and the phone's service level within the
sampling error of three replications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from omegaconf import DictConfig, OmegaConf

from klantstroom.analysis.trajectory import staff_months
from klantstroom.config import scenario_from_config
from klantstroom.config.path_plan import Stretch
from klantstroom.path_runner import PreparedStretch, run_path, stretch_tables


def prepared(
    compose: Callable[..., DictConfig], number: int, start: str, days: int
) -> PreparedStretch:
    overrides = (
        "municipality=kleinstad",
        f"calendar.start_date={start}",
        f"run.horizon_days={days}",
        "run.every_month=true",
        "run.replications=3",
        "output.figures=false",
    )
    cfg = compose(*overrides)
    stretch = Stretch(
        number, ("kleinstad",), dt.date.fromisoformat(start), days, overrides, overrides
    )
    return PreparedStretch(stretch, scenario_from_config(cfg), OmegaConf.to_yaml(cfg))


def phone_service_level(folder: Path) -> tuple[float, float, float]:
    summary = stretch_tables(folder).summary
    row = summary[
        (summary["period"] == "run")
        & (summary["channel"] == "phone")
        & (summary["service"] == "all")
        & (summary["kpi"] == "service_level")
    ].iloc[0]
    return float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])


def test_a_split_path_of_one_organisation_is_the_unsplit_run(
    compose_config: Callable[..., DictConfig], tmp_path: Path
) -> None:
    whole = [prepared(compose_config, 0, "2027-01-04", 28)]
    split = [
        prepared(compose_config, 0, "2027-01-04", 14),
        prepared(compose_config, 1, "2027-01-18", 14),
    ]
    assert run_path(whole, tmp_path / "whole", figures=False, print_summary=False) == (0, "")
    assert run_path(split, tmp_path / "split", figures=False, print_summary=False) == (0, "")

    def january(folder: Path) -> float:
        runs = sorted(p for p in folder.iterdir() if (p / "run.json").is_file())
        staff = staff_months([stretch_tables(run) for run in runs])
        return float(staff.loc[staff["month"] == "2027-01", "staff_hours"].sum())

    # The rosters are the same; only leave's error diffusion restarts at the seam.
    assert january(tmp_path / "split") == pytest.approx(january(tmp_path / "whole"), rel=0.005)
    mean, low, high = phone_service_level(tmp_path / "whole" / "0-kleinstad")
    halves = [
        phone_service_level(tmp_path / "split" / name)[0] for name in ("0-kleinstad", "1-kleinstad")
    ]
    assert low - 0.02 <= sum(halves) / 2 <= high + 0.02, (mean, low, high, halves)
