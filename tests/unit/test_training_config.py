"""Training plans in the config: every bad course is refused, naming its key (issue 20)."""

from __future__ import annotations

from typing import Any

import pytest

from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

from factories import ALL_DAYS, deep_update, training_course, two_teams, with_training

course = training_course


def errors_of(config: dict[str, Any]) -> str:
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(config)
    return str(info.value)


KEY = "staff_groups.agents.training[0]"


@pytest.mark.parametrize(
    ("fields", "key", "text"),
    [
        ({"start_date": "2027-13-01"}, f"{KEY}.start_date", "must be a date 'YYYY-MM-DD'"),
        ({"start_date": None}, f"{KEY}.start_date", "must be a date"),
        ({"skills": {"x": {"phone": {}}}}, f"{KEY}.skills.x", "unknown value 'x'; allowed: q, b"),
        (
            {"skills": {"b": {"fax": {}}}},
            f"{KEY}.skills.b.fax",
            "unknown value 'fax'; allowed: phone, counter, digital, chat",
        ),
        ({"skills": {"q": {"phone": {}}}}, f"{KEY}.skills.q.phone", "has this skill already"),
        ({"skills": {}}, f"{KEY}.skills", "give the skills learnt"),
        ({"members": 2}, f"{KEY}.members", "2 members, but the group has 1"),
        ({"members": None}, KEY, "set exactly one of members and share"),
        ({"share": 0.5}, KEY, "set exactly one of members and share"),
        ({"members": None, "share": 0.2}, f"{KEY}.share", "is no one"),
        (
            {"weeks": 1, "hours_per_week": 40.0},
            f"{KEY}.hours_per_week",
            "more than a contract week (staffing.contract_hours_per_week = 36)",
        ),
        ({"hours_per_week": 4.0}, f"{KEY}.hours_per_week", "give weeks > 0"),
        ({"weeks": 1, "hours_per_week": 4.0, "days": ["tue", "tue"]}, f"{KEY}.days", "more than"),
        (
            {"weeks": 1, "trainer": {"group": "nobody", "hours_per_week": 2.0}},
            f"{KEY}.trainer.group",
            "unknown value 'nobody'; allowed: agents, b_team",
        ),
        (
            {"weeks": 1, "trainer": {"group": "b_team", "hours_per_week": 200.0}},
            f"{KEY}.trainer.hours_per_week",
            "rostered 120.0 h per week",
        ),
        (
            {"trainer": {"group": "b_team", "hours_per_week": 2.0}},
            f"{KEY}.trainer",
            "give the course weeks > 0",
        ),
        (
            {"weeks": 1, "trainer": {"group": "agents", "hours_per_week": 2.0}},
            f"{KEY}.trainer.group",
            "nobody is left to teach",
        ),
        ({"curve": {"start_speed": 0.5}}, f"{KEY}.curve", "needs full_after_weeks or"),
        ({"curve": {"start_speed": 0.0}}, f"{KEY}.curve.start_speed", "must be > 0.0"),
        ({"curve": {"start_fcr": 1.5}}, f"{KEY}.curve.start_fcr", "must be <= 1.0"),
        (
            {"curve": {"start_speed": 0.5, "full_after_weeks": 2, "full_after_contacts": 9}},
            f"{KEY}.curve",
            "set at most one of",
        ),
        ({"curve": {"full_after_contacts": 0}}, f"{KEY}.curve.full_after_contacts", ">= 1"),
        ({"weeks": 600}, f"{KEY}.weeks", "<= 520"),
        ({"cohort": "1st"}, f"{KEY}.cohort", "not a valid cohort name"),
        ({"weeks": 1, "class_start": "13:10"}, f"{KEY}.class_start", "on the 30-minute grid"),
        ({"weeks": 1, "class_start": "24:00"}, f"{KEY}.class_start", "before 24:00"),
        ({"weeks": 1, "class_start": 1300}, f"{KEY}.class_start", "write times in quotes"),
        ({"class_start": "13:00"}, f"{KEY}.class_start", "a course of 0 weeks has no classes"),
    ],
)
def test_invalid_courses_name_their_key(fields: dict[str, Any], key: str, text: str) -> None:
    message = errors_of(with_training(two_teams(), course(**fields)))
    assert f"{key}: " in message and text in message


def test_class_hours_cannot_exceed_the_roster() -> None:
    office = [{"days": ["mon"], "start": "08:00", "end": "12:00"}]
    config = two_teams(staff_groups={"agents": {"roster": {"shifts": office}}})
    message = errors_of(with_training(config, course(weeks=2, hours_per_week=6.0)))
    assert f"{KEY}.hours_per_week: 6 h in class per member, but the group's members" in message
    assert "rostered 4.0 h per week on average on mon, tue, wed, thu, fri" in message


def test_class_hours_are_checked_against_the_roster_from_the_class_start() -> None:
    office = [{"days": ["mon"], "start": "08:00", "end": "17:00"}]
    config = two_teams(
        staff_groups={
            "agents": {"roster": {"shifts": office}},
            "b_team": {"roster": {"shifts": office}},
        }
    )
    trainer = {"group": "b_team", "hours_per_week": 3.0}
    late = course(weeks=2, hours_per_week=3.0, class_start="15:00", trainer=trainer)
    message = errors_of(with_training(config, late))
    assert "rostered 2.0 h per week on average on mon, tue, wed, thu, fri from 15:00" in message
    assert "b_team is rostered 2.0 h per week in all on the course's days from 15:00" in message
    build_scenario(with_training(config, {**late, "class_start": "14:00"}))  # 3 h: it fits


def test_cohorts_together_cannot_exceed_the_group() -> None:
    config = two_teams()
    config["staff_groups"]["agents"]["roster"]["shifts"][0]["headcount"] = 3
    message = errors_of(
        with_training(
            config,
            course(members=2),
            course(members=2, skills={"b": {"digital": {"rank": 1}}}),
        )
    )
    assert "staff_groups.agents.training: the cohorts hold 4 members together" in message


def test_courses_of_one_cohort_train_the_same_people() -> None:
    config = two_teams()
    config["staff_groups"]["agents"]["roster"]["shifts"][0]["headcount"] = 3
    first = course(members=2, cohort="groep1")
    message = errors_of(
        with_training(
            config,
            first,
            course(members=1, cohort="groep1", skills={"b": {"digital": {"rank": 1}}}),
            course(members=2, cohort="groep1"),
        )
    )
    assert "training[1].members: cohort 'groep1' has 2 members" in message
    assert "training[2].skills.b.phone: cohort 'groep1' learns this skill in an earlier" in message
    # The same cohort may learn a second skill later: no error.
    build_scenario(
        with_training(
            config, first, course(members=2, cohort="groep1", skills={"b": {"digital": {}}})
        )
    )


def test_a_department_group_is_not_trained() -> None:
    config = deep_update(
        two_teams(),
        {
            "departments": {"bo": {"tasks": {"q": {"kind": "deterministic", "mean_min": 5.0}}}},
            "staff_groups": {
                "backoffice": {
                    "department": "bo",
                    "roster": {"shifts": [{"days": ALL_DAYS, "start": "08:00", "end": "17:00"}]},
                    "training": [course()],
                }
            },
        },
    )
    message = errors_of(config)
    assert "staff_groups.backoffice.training[0]: a department's group" in message


def test_the_schema_takes_a_training_plan(compose_config: Any) -> None:
    from hydra.errors import ConfigCompositionException

    from klantstroom.config import scenario_from_config

    plan = (
        "[{skills: {customer: {digital: {rank: 2}}}, share: 0.5, start_date: '2027-01-11', "
        "weeks: 4, hours_per_week: 4, days: [mon, wed], "
        "curve: {start_speed: 0.6, start_fcr: 0.7, full_after_weeks: 8}}]"
    )
    cfg = compose_config("scenarios=textbook/mmc", f"staff_groups.agents.training={plan}")
    (group,) = scenario_from_config(cfg).staff_groups
    (spec,) = group.training
    assert spec.members == 5 and spec.days == (0, 2) and spec.weeks == 4
    assert spec.curve.full_after_weeks == 8 and spec.skills[0].channel == "digital"
    with pytest.raises(ConfigCompositionException):
        compose_config(
            "scenarios=textbook/mmc", "staff_groups.agents.training=[{skils: {}, members: 1}]"
        )
