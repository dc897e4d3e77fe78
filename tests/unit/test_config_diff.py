"""What a scenario changes: flattening and comparing configurations (klantstroom.config.diff)."""

from __future__ import annotations

import pytest

from klantstroom.config.diff import NOT_SET, Change, config_diff, flatten, scenario_name, shown


def test_lists_of_values_are_one_value_and_lists_of_mappings_are_entered() -> None:
    config = {
        "shop": {"hours": ["09:00-17:00"], "shifts": [{"start": "08:00", "headcount": 2}]},
        "skills": {},
    }
    assert dict(flatten(config)) == {
        "shop.hours": ["09:00-17:00"],
        "shop.shifts.0.start": "08:00",
        "shop.shifts.0.headcount": 2,
        "skills": {},
    }


def test_changes_added_and_removed_keys_in_the_scenarios_order() -> None:
    base = {"run": {"name": "a", "days": 7, "seed": 1}, "old": True}
    scenario = {"run": {"days": 7.0, "name": "b", "seed": 1}, "new": [1, 2]}
    assert config_diff(base, scenario) == [
        Change("run.name", "a", "b"),
        Change("new", NOT_SET, [1, 2]),
        Change("old", True, NOT_SET),
    ]  # 7 and 7.0 are the same setting


def test_a_flag_is_not_a_count_and_a_filled_mapping_is_told_by_its_keys() -> None:
    assert config_diff({"x": True}, {"x": 1}) == [Change("x", True, 1)]
    changes = config_diff({"headcount": {}}, {"headcount": {"tue": [0, 2]}})
    assert changes == [Change("headcount.tue", NOT_SET, [0, 2])]


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("extra_avond", "extra_avond"),
        ("scenarios=extra_avond", "extra_avond"),
        ("scenarios/extra_avond.yaml", "extra_avond"),
        ("./scenarios/textbook/mmc.yaml", "textbook/mmc"),
    ],
)
def test_a_scenario_is_named_as_on_the_command_line(spec: str, name: str) -> None:
    assert scenario_name(spec) == name


def test_values_are_shown_as_one_line() -> None:
    assert [shown(v) for v in (None, True, 3, 0.25, "09:00", ["a", 1], {"k": "ë"})] == [
        "null",
        "true",
        "3",
        "0.25",
        "09:00",
        '["a", 1]',
        '{"k": "ë"}',
    ]
