"""The staffing plan per road-map year: plans read back, ordered and summed up."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from klantstroom.staffing.command import write_roadmap
from klantstroom.staffing.roadmap import (
    PLAN_INFO,
    find_plans,
    fte_by_year,
    read_info,
    skill_mix_by_year,
)


def plan_folder(
    root: Path, name: str, step: int | None, fte: dict[str, float | None], mix: bool = True
) -> Path:
    """A folder as klantstroom-staff writes it (None FTE: a group the plan does not size)."""
    folder = root / name
    (folder / "figures").mkdir(parents=True)
    info = {
        "scenario": name,
        "label": name.capitalize(),
        "roadmap_step": step,
        "start_date": "2027-03-01",
        "horizon_days": 7.0,
        "method": "erlang_a",
        "max_occupancy": 0.85,
        "shrinkage": 0.15,
        "contract_hours_per_week": 36.0,
        "optimised": False,
        "simulation_runs": 0,
        "norms_met": None,
        "total_fte": sum(v for v in fte.values() if v is not None),
    }
    (folder / PLAN_INFO).write_text(json.dumps(info), encoding="utf-8")
    rows = [
        {
            "staff_group": group,
            "paid_hours_per_week": math.nan if value is None else value * 36 * 0.85,
            "fte": math.nan if value is None else value,
            "cost_per_year": math.nan,
            "note": "back office: deferred tasks, not sized by the plan" if value is None else "",
        }
        for group, value in fte.items()
    ]
    pd.DataFrame(rows).to_csv(folder / "fte.csv", index=False)
    if mix:
        total = info["total_fte"]
        pd.DataFrame(
            {
                "skill_mix": ["scenario", "specialists", "multi_skilled"],
                "fte": [total, total + 4, total - 3],
                "fte_saved_vs_specialists": [4.0, 0.0, 7.0],
                "norms_met": [None, None, None],
            }
        ).to_csv(folder / "skill_mix.csv", index=False)
    return folder


@pytest.fixture
def sweep(tmp_path: Path) -> Path:
    # Job folders in launch order; the road-map steps say otherwise.
    plan_folder(tmp_path, "0", 2, {"kcc": 10.0, "breed": 5.0, "backoffice": None})
    plan_folder(tmp_path, "1", 0, {"kcc": 20.0, "backoffice": None})
    plan_folder(tmp_path, "2", None, {"kcc": 1.0}, mix=False)  # a what-if, not a year
    plan_folder(tmp_path, "3", 1, {"kcc": 15.0, "breed": 2.5})
    (tmp_path / "4").mkdir()  # a failed job: no plan
    return tmp_path


def test_plans_are_found_in_road_map_order(sweep: Path) -> None:
    folders = find_plans([sweep])
    assert [f.name for f in folders] == ["1", "3", "0", "2"]
    assert find_plans([sweep / "3"]) == [sweep / "3"]  # a plan folder itself


def test_fte_per_group_per_year_keeps_unsized_groups_as_notes(sweep: Path) -> None:
    table = fte_by_year(find_plans([sweep]))
    assert table["label"].drop_duplicates().tolist() == ["1", "3", "0", "2"]
    first = table[table["scenario"] == "1"].set_index("staff_group")
    assert first.loc["kcc", "fte"] == 20.0 and first.loc["kcc", "note"] == ""
    assert math.isnan(first.loc["backoffice", "fte"])
    assert first.loc["backoffice", "note"].startswith("back office")
    assert table.groupby("scenario")["fte"].sum().to_dict() == {
        "0": 15.0,
        "1": 20.0,
        "2": 1.0,
        "3": 17.5,
    }
    mixes = skill_mix_by_year(find_plans([sweep]))
    assert set(mixes["scenario"]) == {"0", "1", "3"}  # the what-if compared no mixes
    assert mixes.loc[mixes["skill_mix"] == "multi_skilled", "fte"].tolist() == [17.0, 14.5, 12.0]


def test_the_road_map_summary_is_written(sweep: Path) -> None:
    for folder in find_plans([sweep]):
        (folder / "staffing_report.html").write_text("<html></html>", encoding="utf-8")
    report = write_roadmap(find_plans([sweep]), sweep)
    assert report == sweep / "staffing_report.html"
    written = pd.read_csv(sweep / "fte_by_year.csv")
    assert len(written) == 8
    assert (sweep / "skill_mix_by_year.csv").is_file()
    assert (sweep / "figures" / "fte_by_year.png").stat().st_size > 10_000
    page = report.read_text(encoding="utf-8")
    # Totals per year in road-map order, the unsized group with the years it is left out,
    # and a link to each year's own page.
    assert "<td>total</td><td>20.0</td><td>17.5</td><td>15.0</td><td>1.0</td>" in page
    assert "<td>backoffice</td><td>1, 0</td>" in page
    assert page.count("staffing_report.html'") == 4
    assert write_roadmap([], sweep / "empty") is None


def test_a_folder_without_a_plan_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="not a staffing plan"):
        read_info(tmp_path)
    (tmp_path / PLAN_INFO).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="unreadable"):
        read_info(tmp_path)
