"""The road map: Grootstad's training plan per year, and the staffing plan per year (plans read
back, ordered and summed up)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import DictConfig

from klantstroom.config import scenario_from_config
from klantstroom.model.training import home_places
from klantstroom.scenario.spec import Scenario, StaffGroupSpec
from klantstroom.scenario.training import cohorts, learnt_skills
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


# -- Grootstad's training plan ----------------------------------------------------------------

ROADMAP = ("nulmeting", "jaar1", "jaar2", "jaar3", "eindbeeld")
# The share of the KCC's rostered hours worked by multi-skilled colleagues (breed_<team>), as
# the road map was designed before it had a training plan: the plan must keep it, year by year.
DESIGNED_SHARE = {
    "nulmeting": 364 / 1308,
    "jaar1": 524 / 1308,
    "jaar2": 684 / 1248,
    "jaar3": 844 / 1268,
    "eindbeeld": 1000 / 1280,
}
# Colleagues who join breed_<team> each year: the year's cohort (members, from the rosters).
NEWCOMERS = {
    "jaar1": {"burgerzaken": 1, "zorg_inkomen": 1, "belastingen": 1, "algemeen": 1},
    "jaar2": {"burgerzaken": 0, "zorg_inkomen": 1, "belastingen": 1, "algemeen": 3},
    "jaar3": {"burgerzaken": 1, "zorg_inkomen": 1, "belastingen": 1, "algemeen": 3},
    "eindbeeld": {"burgerzaken": 1, "zorg_inkomen": 3, "belastingen": 2, "algemeen": 7},
}


@pytest.fixture(scope="module")
def years(compose_config: Callable[..., DictConfig]) -> dict[str, Scenario]:
    return {year: scenario_from_config(compose_config(f"scenarios={year}")) for year in ROADMAP}


def kcc_groups(scenario: Scenario) -> dict[str, StaffGroupSpec]:
    """The contact centre's teams: specialists (kcc_) and multi-skilled (breed_, not counter)."""
    return {
        g.name: g
        for g in scenario.staff_groups
        if g.name.startswith("kcc_") or (g.name.startswith("breed_") and g.shop is None)
    }


def test_every_multi_skilled_colleague_holds_the_broad_skills_from_the_first_day(
    years: dict[str, Scenario],
) -> None:
    for year, scenario in years.items():
        first_day = scenario.calendar.start_date
        hours, broad = 0.0, 0.0
        for name, group in kcc_groups(scenario).items():
            roster = float(np.sum(group.headcount))
            hours += roster
            if name.startswith("kcc_"):
                assert not group.training, (year, name)
                continue
            # Every member is in a cohort whose course has started by the year's first day,
            # and learns the other teams' questions (rank 2): none is multi-skilled in name only.
            assert sum(members for _, members in cohorts(group)) == group.home_max_headcount
            assert all(course.start_date <= first_day for course in group.training), year
            learnt = learnt_skills(group)
            assert learnt and {skill.rank for skill in learnt} == {2}
            assert not {(s.service, s.channel) for s in learnt} & {
                (s.service, s.channel) for s in group.skills
            }
            broad += roster
        assert broad / hours == pytest.approx(DESIGNED_SHARE[year]), year


def test_each_year_trains_the_colleagues_who_become_multi_skilled(
    years: dict[str, Scenario],
) -> None:
    for year, scenario in years.items():
        for name, group in kcc_groups(scenario).items():
            if not name.startswith("breed_"):
                continue
            new = [c for c in group.training if c.start_date == scenario.calendar.start_date]
            cohort_grids = {cohort: grid for grid, _, _, cohort in home_places(group)}
            assert sum(c.members for c in new) == NEWCOMERS.get(year, {}).get(name[6:], 0)
            for course in new:
                # A year in class, an hour a day at midday from Tuesday to Friday (Bronckhorst,
                # domain.md §7), taught by a specialist, on a learning curve that ends with the
                # course.
                assert course.weeks == 52 and course.hours_per_week == 4.0
                assert course.days == (1, 2, 3, 4) and course.class_start_min == 12 * 60
                # The cohort's own roster holds its hours in class from then on (members are
                # split off by position: a morning-only colleague would miss an afternoon class).
                grid = cohort_grids[course.cohort]
                slot = course.class_start_min // scenario.calendar.interval_min
                rostered = sum(sum(grid[day][slot:]) for day in course.days)
                hours = rostered * scenario.calendar.interval_min / 60
                assert hours >= course.members * course.hours_per_week, (year, name)
                assert course.trainer is not None and course.trainer.group.startswith("kcc_")
                assert course.curve.start_speed < 1.0 and course.curve.start_fcr < 1.0
                assert course.curve.full_after_weeks == 52
            # Earlier cohorts keep their own dates: the plan is the same in every year.
            earlier = [c for c in group.training if c.start_date < scenario.calendar.start_date]
            assert [c.cohort for c in earlier] == [c.cohort for c in group.training[: len(earlier)]]


def test_matured_training_raises_the_resolution_of_every_cohort_in_the_eindbeeld(
    years: dict[str, Scenario],
) -> None:
    def fcr(year: str) -> set[float | None]:
        group = kcc_groups(years[year])["breed_algemeen"]
        return {s.fcr_probability for s in learnt_skills(group) if s.service == "zorg_inkomen"}

    assert fcr("jaar3") == {0.5}
    assert fcr("eindbeeld") == {0.55}


def test_the_skill_mix_what_ifs_follow_the_training_plan(
    compose_config: Callable[..., DictConfig],
) -> None:
    specialists = kcc_groups(
        scenario_from_config(compose_config("scenarios=[eindbeeld,specialisten]"))
    )
    assert not any(g.training for g in specialists.values())
    assert all(s.rank == 1 for g in specialists.values() for s in g.skills)
    broad = kcc_groups(
        scenario_from_config(compose_config("scenarios=[eindbeeld,breed_inzetbaar]"))
    )
    kcc = broad["kcc_zorg_inkomen"]
    held = {(s.service, s.channel): s for s in kcc.skills}
    assert held[("zorg_inkomen", "phone")].speed == 1.0  # the specialists' speed is gone
    assert held[("belastingen", "phone")].rank == 2
    assert held[("belastingen", "phone")].fcr_probability == 0.75  # the eindbeeld's, matured
