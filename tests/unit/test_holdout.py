"""Out-of-sample validation's pieces: the split, the fitted file, what carries over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml

from klantstroom.calibration.holdout import (
    FittedScenarioError,
    read_fitted,
    split_at,
    transfer_behaviour,
)


def scenario(volume: float, handling_min: float, share: float, patience_min: float) -> dict:
    return {
        "run": {"name": "x"},
        "channels": {
            "phone": {
                "patience": {"kind": "exponential", "mean_min": patience_min},
                "redial": {"probability": 0.4},
                "date_factors": {"1999-01-24": 1.1},
            }
        },
        "services": {
            "PS": {
                "volume_per_year": volume,
                "handling": {"phone": {"kind": "exponential", "mean_min": handling_min}},
                "handling_by_hour": {"phone": [1.0] * 24},
                "priority": 0.0,
                "fcr_probability": 1.0,
            }
        },
        "staff_groups": {
            "agents": {
                "wrapup": {"kind": "exponential", "mean_min": 0.2},
                "roster": {
                    "headcount": {"sun": [volume / 1000] * 48},
                    "unavailable_share": {"sun": [share] * 48},
                },
            }
        },
        "routing": {"policy": "specialist_first"},
    }


def test_behaviour_carries_over_and_demand_and_staff_stay() -> None:
    fitted = scenario(volume=1000.0, handling_min=3.0, share=0.1, patience_min=5.0)
    other = scenario(volume=2000.0, handling_min=9.0, share=0.3, patience_min=9.0)
    other["services"]["NEW"] = {
        "volume_per_year": 5.0,
        "handling": {"phone": {"kind": "exponential", "mean_min": 1.0}},
    }
    del fitted["services"]["PS"]["handling_by_hour"]
    combined, notes = transfer_behaviour(other, fitted)
    ps = combined["services"]["PS"]
    assert ps["volume_per_year"] == 2000.0  # demand: the replayed period's
    assert ps["handling"]["phone"]["mean_min"] == 3.0  # behaviour: the fit's
    assert "handling_by_hour" not in ps  # the fit had none: none
    assert combined["channels"]["phone"]["patience"]["mean_min"] == 5.0
    assert combined["channels"]["phone"]["date_factors"] == {"1999-01-24": 1.1}
    roster = combined["staff_groups"]["agents"]["roster"]
    assert roster["headcount"]["sun"][0] == 2.0 and roster["unavailable_share"]["sun"][0] == 0.1
    assert len(notes) == 1 and notes[0].startswith("NEW: not in the fitted scenario")
    assert other["services"]["PS"]["handling"]["phone"]["mean_min"] == 9.0  # not modified


def test_split_at_names_the_log_span_when_a_part_is_empty() -> None:
    calls = pd.DataFrame({"arrival": pd.to_datetime(["1999-01-01 10:00", "1999-01-05 11:00"])})
    before, after = split_at(calls, dt.date(1999, 1, 3))
    assert len(before) == 1 and len(after) == 1
    with pytest.raises(ValueError, match="runs from 1999-01-01 to 1999-01-05"):
        split_at(calls, dt.date(1999, 1, 1))


def test_a_fitted_file_is_read_as_data_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "fitted.yaml"
    body = {"defaults": [{"override /municipality": "blank"}], **scenario(1.0, 1.0, 0.0, 1.0)}
    good.write_text("# @package _global_\n" + yaml.safe_dump(body), encoding="utf-8")
    assert "defaults" not in read_fitted(good) and "services" in read_fitted(good)
    with pytest.raises(FittedScenarioError, match="no such file"):
        read_fitted(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("services: [\n", encoding="utf-8")
    with pytest.raises(FittedScenarioError, match="not valid YAML"):
        read_fitted(bad)
    hydra = tmp_path / "hydra.yaml"
    hydra.write_text(yaml.safe_dump({**body, "hydra": {"callbacks": {"x": {}}}}), encoding="utf-8")
    with pytest.raises(FittedScenarioError, match=r"hydra\.callbacks"):
        read_fitted(hydra)
    no_agents = tmp_path / "no_agents.yaml"
    no_agents.write_text(
        yaml.safe_dump({**body, "staff_groups": {"x": {"skills": {}}}}), encoding="utf-8"
    )
    with pytest.raises(FittedScenarioError, match=r"staff_groups\.agents"):
        read_fitted(no_agents)
    two = tmp_path / "two.yaml"
    two.write_text(
        yaml.safe_dump({**body, "channels": {"phone": {}, "chat": {}}}), encoding="utf-8"
    )
    with pytest.raises(FittedScenarioError, match="exactly one channel"):
        read_fitted(two)
