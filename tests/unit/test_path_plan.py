"""A road-map path's plan: its stretches, their dates and the overrides that compose them."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
import yaml

from klantstroom.config.path_plan import plan_path
from klantstroom.paths import scenarios_dir
from klantstroom.scenario.errors import ScenarioErrors

ROUTEKAART = yaml.safe_load((scenarios_dir() / "routekaart.yaml").read_text(encoding="utf-8"))[
    "path"
]


def keys(error: ScenarioErrors) -> list[str]:
    return [e.key for e in error.errors]


def test_the_road_map_runs_every_year_from_its_first_monday_to_the_next() -> None:
    stretches = plan_path(ROUTEKAART, ["scenarios=routekaart", "run.n_jobs=2"], scenarios_dir())
    assert [s.scenarios for s in stretches] == [
        ("nulmeting",),
        ("jaar1",),
        ("jaar2",),
        ("jaar3",),
        ("eindbeeld",),
    ]
    assert [s.start for s in stretches] == [
        dt.date(2027, 1, 4),
        dt.date(2028, 1, 3),
        dt.date(2029, 1, 1),
        dt.date(2030, 1, 7),
        dt.date(2031, 1, 6),
    ]
    # Contiguous: each stretch ends where the next begins; jaar 2 runs to jaar 3's first Monday.
    assert [s.days for s in stretches] == [364, 364, 371, 364, 364]
    for before, after in itertools.pairwise(stretches):
        assert before.end == after.start
    jaar1 = stretches[1]
    assert jaar1.folder_name == "1-jaar1"
    assert jaar1.overrides == (
        "scenarios=[jaar1]",
        "run.n_jobs=2",
        "calendar.start_date=2028-01-03",
        "run.horizon_days=364",
        "run.every_month=true",
    )
    assert jaar1.recorded == ("scenarios=[jaar1]", "run.n_jobs=2")


def test_a_chosen_stretch_clips_the_steps_and_a_what_if_joins_every_one() -> None:
    path = {**ROUTEKAART, "from_date": "2027-07-05", "until_date": "2028-07-03"}
    stretches = plan_path(
        path, ["scenarios=[routekaart,paspoortpiek]", "path.until_date=2028-07-03"], scenarios_dir()
    )
    assert [(s.scenarios, s.start, s.days) for s in stretches] == [
        (("nulmeting", "paspoortpiek"), dt.date(2027, 7, 5), 182),
        (("jaar1", "paspoortpiek"), dt.date(2028, 1, 3), 182),
    ]
    # The path's own overrides do not reach the stretches.
    assert all(not o.startswith("path.") for s in stretches for o in s.overrides)


@pytest.mark.parametrize(
    ("change", "overrides", "key"),
    [
        ({"until_date": ""}, [], "path.until_date"),
        ({"until_date": "2026-01-01"}, [], "path.until_date"),
        ({"until_date": "31-12-2031"}, [], "path.until_date"),
        ({"from_date": "2026-06-01"}, [], "path.from_date"),
        ({"steps": []}, [], "path.steps"),
        (
            {"steps": [{"scenarios": "jaar9", "from_date": "2027-01-04"}]},
            [],
            "path.steps[0].scenarios",
        ),
        (
            {"steps": [{"scenarios": "routekaart", "from_date": "2027-01-04"}]},
            [],
            "path.steps[0].scenarios",
        ),
        (
            {
                "steps": [
                    {"scenarios": "nulmeting", "from_date": "2028-01-03"},
                    {"scenarios": "jaar1", "from_date": "2027-01-04"},
                ]
            },
            [],
            "path.steps[1].from_date",
        ),
        ({"steps": [{"scenarios": 3, "from_date": "2027-01-04"}]}, [], "path.steps[0].scenarios"),
        ({}, ["run.horizon_days=28"], "run.horizon_days"),
        ({}, ["calendar.start_date=2027-01-04"], "calendar.start_date"),
    ],
)
def test_a_bad_path_names_its_key(change: dict, overrides: list[str], key: str) -> None:
    with pytest.raises(ScenarioErrors) as error:
        plan_path({**ROUTEKAART, **change}, overrides, scenarios_dir())
    assert key in keys(error.value)


def test_a_path_file_that_sets_other_keys_is_refused(tmp_path: Path) -> None:
    for name in ("nulmeting", "jaar1"):
        (tmp_path / f"{name}.yaml").write_text("# @package _global_\n", encoding="utf-8")
    (tmp_path / "mijnpad.yaml").write_text(
        "# @package _global_\nrun: {replications: 3}\npath:\n  steps:\n"
        "    - {scenarios: nulmeting, from_date: '2027-01-04'}\n  until_date: '2027-02-01'\n",
        encoding="utf-8",
    )
    path = {
        "steps": [{"scenarios": "nulmeting", "from_date": "2027-01-04"}],
        "until_date": "2027-02-01",
    }
    with pytest.raises(ScenarioErrors) as error:
        plan_path(path, ["scenarios=mijnpad"], tmp_path)
    assert keys(error.value) == ["mijnpad.yaml: run"]
    assert "run=..." in str(error.value)
