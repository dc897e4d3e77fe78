"""Training: skills gained on a date, hours in class, trainers and learning curves (issue 20).

Exact timelines with deterministic handling and arrivals at given times, as in
``test_timelines.py``; then a validation (a course with full proficiency from the first day and
no hours equals the skills configured directly, table for table), the KPIs and the report. The
config's checks are in ``test_training_config.py``. Minute 0 is Monday 2027-01-04 00:00; the
courses of :func:`factories.training_course` start on Tuesday.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from klantstroom.experiment import run_experiment
from klantstroom.model.events import schedule
from klantstroom.model.training import home_places
from klantstroom.runner import execute
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.spec import NEW
from klantstroom.tables import staff_table

from factories import (
    ALL_DAYS,
    shop_config,
    simulation,
    training_course,
    two_teams,
    with_training,
)

course = training_course

DAY = 1440.0


def rows(log_columns: dict[str, np.ndarray]) -> list[dict[str, float]]:
    """Contact log as a list of dicts sorted by contact id."""
    order = np.argsort(log_columns["contact_id"])
    return [{k: v[i].item() for k, v in log_columns.items()} for i in order]


# -- a skill on its date ---------------------------------------------------------------------


def test_a_member_gains_the_skill_on_its_date_and_is_routed_accordingly() -> None:
    sim = simulation(with_training(two_teams(handling_b_min=30.0), course()))
    agents, b_team = 0, 1
    # Monday: the second b call waits for b_team although the agent is idle.
    sim.add_arrivals([600.0, 601.0], "b", "phone")
    # Just before midnight: b_team is busy until 00:20, the next call waits; at 00:00 the agent
    # holds the skill and takes the waiting call at once.
    sim.add_arrivals([1430.0, 1435.0], "b", "phone")
    # Tuesday: b_team (rank 1) takes the first, the trained agent (rank 2) the second at once.
    sim.add_arrivals([DAY + 600.0, DAY + 601.0], "b", "phone")
    contacts = rows(sim.run().contacts)
    started = [(c["start_min"], c["staff_group"]) for c in contacts]
    assert started == [
        (600.0, b_team),
        (630.0, b_team),
        (1430.0, b_team),
        (DAY, agents),
        (DAY + 600.0, b_team),
        (DAY + 601.0, agents),
    ]


def digital_and_chat() -> dict[str, Any]:
    """``b`` by e-mail and ``c`` by chat (two at once), both ``b_team``'s, who works Sundays."""
    config = two_teams()
    always = config["channels"]["phone"]["opening_hours"]
    config["channels"]["digital"] = {"opening_hours": always, "open_on_holidays": True}
    config["channels"]["chat"] = {
        "opening_hours": always,
        "open_on_holidays": True,
        "concurrency": 2,
    }
    config["services"]["b"]["channel_mix"] = {"digital": 1.0}
    config["services"]["b"]["handling"] = {"digital": {"kind": "deterministic", "mean_min": 10.0}}
    config["services"]["c"] = {
        "rate_per_hour": 0.0,
        "channel_mix": {"chat": 1.0},
        "handling": {"chat": {"kind": "deterministic", "mean_min": 10.0}},
    }
    b_team = config["staff_groups"]["b_team"]
    b_team["skills"] = {"b": {"digital": {"rank": 1}}, "c": {"chat": {"rank": 1}}}
    b_team["roster"]["shifts"][0]["days"] = ["sun"]
    return config


def test_a_gained_digital_skill_takes_the_waiting_email_at_once() -> None:
    config = with_training(digital_and_chat(), course(skills={"b": {"digital": {"rank": 1}}}))
    sim = simulation(config)
    sim.add_arrivals([600.0], "b", "digital")  # Monday: nobody on duty has the skill
    (email,) = rows(sim.run().contacts)
    assert (email["start_min"], email["staff_group"]) == (DAY, 0)


def test_chats_learnt_rise_along_the_curve_one_chat_at_a_time() -> None:
    curve = {"start_speed": 0.5, "full_after_contacts": 2}
    config = with_training(
        digital_and_chat(), course(skills={"c": {"chat": {"rank": 1}}}, curve=curve)
    )
    sim = simulation(config)
    sim.add_arrivals([DAY + 10.0, DAY + 11.0, DAY + 60.0], "c", "chat")
    chats = rows(sim.run().contacts)
    assert [c["start_min"] for c in chats] == [DAY + 10.0, DAY + 11.0, DAY + 60.0]
    durations = [c["end_min"] - c["start_min"] for c in chats]
    assert durations == pytest.approx([20.0, 10.0 / 0.75, 10.0])


def test_a_counter_skill_is_gained_at_the_shop() -> None:
    config = shop_config(
        staff_hours=("00:00", "24:00"), hours="00:00-24:00", desks=2, horizon_days=2.0
    )
    config["services"]["passport"] = {
        "rate_per_hour": 0.0,
        "channel_mix": {"counter": 1.0},
        "handling": {"counter": {"kind": "deterministic", "mean_min": 10.0}},
    }
    config["staff_groups"]["specialist"] = {
        "shop": "winkel",
        "skills": {"passport": {"counter": {"rank": 1}}},
        "roster": {"works_holidays": True, "shifts": [{"days": ["sun"]}]},
    }
    config["staff_groups"]["balie"]["training"] = [
        {
            "skills": {"passport": {"counter": {"rank": 2}}},
            "members": 1,
            "start_date": "2027-01-05",
            "curve": {"start_speed": 0.5, "full_after_weeks": 1},
        }
    ]
    sim = simulation(config)
    counters, queue = sim.counters, sim.shops[0].queues[(1, False)]  # passport walk-ins
    assert counters is not None
    for at in (600.0, DAY + 600.0):  # Monday (only the specialist could help) and Tuesday
        schedule(sim.env, at, lambda _timer: counters.walk_in(queue, None, NEW))
    visitors = rows(sim.run().contacts)
    assert [v["start_min"] for v in visitors] == [DAY, DAY + 600.0]  # the first waited
    level = 0.5 + 0.5 * (600.0 / (7 * DAY))
    assert visitors[1]["end_min"] - visitors[1]["start_min"] == pytest.approx(10.0 / level)
    assert visitors[0]["end_min"] - visitors[0]["start_min"] == pytest.approx(20.0)


def test_a_cohort_of_the_whole_group_keeps_its_roster_and_members() -> None:
    scenario = build_scenario(with_training(two_teams(), course()))
    (place,) = home_places(scenario.staff_groups[0])
    assert place[2] == 1 and place[3] == "#0"
    assert place[0] == scenario.staff_groups[0].headcount


def test_a_cohort_splits_the_roster_and_keeps_the_group_hours() -> None:
    shifts = [
        {"days": ALL_DAYS, "start": "08:00", "end": "17:00", "headcount": 3},
        {"days": ALL_DAYS, "start": "10:00", "end": "14:00", "headcount": 1},
    ]
    base = two_teams(staff_groups={"agents": {"roster": {"shifts": shifts}}})
    trained = with_training(base, course(members=1))
    group = build_scenario(trained).staff_groups[0]
    rest, cohort = home_places(group)
    assert (rest[2], cohort[2]) == (3, 1)
    monday = [r + c for r, c in zip(rest[0][0], cohort[0][0], strict=True)]
    assert tuple(monday) == group.headcount[0]
    assert max(cohort[0][0]) == 1 and sum(cohort[0][0]) > 0  # the cohort works some hours
    hours = {}
    for name, config in (("base", base), ("trained", trained)):
        result = run_experiment(build_scenario(config))
        kpis = result.kpis
        row = kpis[(kpis["staff_group"] == "agents") & (kpis["service"] == "all")]
        hours[name] = float(row["staff_hours"].iloc[0])
    assert hours["trained"] == pytest.approx(hours["base"]) == 2 * (9 * 3 + 4)


# -- in class --------------------------------------------------------------------------------


def test_a_member_in_class_serves_nothing() -> None:
    shifts = [{"days": ALL_DAYS, "start": "08:00", "end": "17:00", "headcount": 1}]
    config = with_training(
        two_teams(staff_groups={"agents": {"roster": {"shifts": shifts}}}),
        course(weeks=1, hours_per_week=2.0, days=["tue"]),
    )
    sim = simulation(config)
    sim.add_arrivals([DAY + 8 * 60 + 30.0], "q", "phone")
    log = sim.run()
    (call,) = rows(log.contacts)
    assert call["start_min"] == DAY + 10 * 60  # the only agent is in class 08:00-10:00
    staff = staff_table(build_scenario(config), [log])
    agents = staff[staff["staff_group"] == "agents"]
    tuesday = agents[agents["on_min"] >= DAY]
    assert list(zip(tuesday["on_min"], tuesday["off_min"], tuesday["activity"], strict=True)) == [
        (DAY + 480.0, DAY + 600.0, "training"),
        (DAY + 600.0, DAY + 1020.0, "work"),
    ]


def test_a_busy_member_goes_to_class_after_its_contact() -> None:
    config = with_training(two_teams(), course(weeks=1, hours_per_week=2.0, days=["tue"]))
    sim = simulation(config)
    sim.add_arrivals([DAY - 5.0], "q", "phone")  # 23:55 Monday, five minutes' handling
    sim.add_arrivals([DAY + 30.0], "q", "phone")  # waits: the agent is in class until 02:00
    log = sim.run()
    first, second = rows(log.contacts)
    assert first["end_min"] == DAY  # 5 min: ends at midnight exactly
    assert second["start_min"] == DAY + 120.0
    staff = staff_table(build_scenario(config), [log])
    training = staff[staff["activity"] == "training"]
    assert list(zip(training["on_min"], training["off_min"], strict=True)) == [(DAY, DAY + 120.0)]


def test_a_busy_member_joins_the_class_when_its_contact_ends() -> None:
    config = with_training(two_teams(), course(weeks=1, hours_per_week=2.0, days=["tue"]))
    config["services"]["q"]["handling"] = {"phone": {"kind": "deterministic", "mean_min": 20.0}}
    sim = simulation(config)
    sim.add_arrivals([DAY - 10.0], "q", "phone")  # ends 00:10 Tuesday
    log = sim.run()
    staff = staff_table(build_scenario(config), [log])
    training = staff[staff["activity"] == "training"]
    assert list(zip(training["on_min"], training["off_min"], strict=True)) == [
        (DAY + 10.0, DAY + 120.0)
    ]
    work = staff[(staff["activity"] == "work") & (staff["staff_group"] == "agents")]
    assert (DAY, DAY + 10.0) in set(zip(work["scheduled_off_min"], work["off_min"], strict=True))


def test_the_trainer_group_is_short_by_its_hours_per_week() -> None:
    office = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "17:00"}]
    config = two_teams(
        staff_groups={"agents": {"roster": {"shifts": office}}},
        run={"horizon_days": 7.0},
    )
    config["staff_groups"]["coach"] = {
        "skills": {"q": {"phone": {"rank": 3}}},
        "roster": {"shifts": office},
    }
    trained = with_training(
        config,
        course(
            start_date="2027-01-04",
            weeks=1,
            hours_per_week=4.0,
            days=["mon"],
            trainer={"group": "coach", "hours_per_week": 4.0},
        ),
    )
    result = run_experiment(build_scenario(trained))
    staff = result.staff
    teaching = staff[staff["activity"] == "training_others"]
    spells = zip(teaching["staff_group"], teaching["on_min"], teaching["off_min"], strict=True)
    assert list(spells) == [("coach", 480.0, 720.0)]
    kpis = result.kpis
    groups = kpis[kpis["service"] == "all"].set_index("staff_group")
    assert groups.loc["coach", "staff_hours"] == pytest.approx(5 * 9 - 4)
    assert groups.loc["coach", "trainer_hours"] == pytest.approx(4.0)
    assert groups.loc["agents", "staff_hours"] == pytest.approx(5 * 9 - 4)
    assert groups.loc["agents", "training_hours"] == pytest.approx(4.0)
    assert groups.loc["b_team", "training_hours"] == 0.0
    intervals = result.intervals
    coach = intervals[intervals["staff_group"] == "coach"].set_index("interval_start_min")
    assert coach.loc[480.0, "staff_scheduled"] == 0.0  # teaching, not on the floor
    assert coach.loc[720.0, "staff_scheduled"] == 1.0


def test_class_hours_spread_over_the_days_add_up_to_the_week() -> None:
    office = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "17:00"}]
    config = two_teams(
        staff_groups={"agents": {"roster": {"shifts": office}}}, run={"horizon_days": 14.0}
    )
    # 4 h a week over five days: 48 minutes a day, in whole half hours (30 or 60), carried over.
    trained = with_training(config, course(start_date="2027-01-04", weeks=2, hours_per_week=4.0))
    staff = run_experiment(build_scenario(trained)).staff
    training = staff[staff["activity"] == "training"]
    lengths = (training["off_min"] - training["on_min"]).tolist()
    assert set(lengths) <= {30.0, 60.0}
    assert sum(lengths) == 2 * 4 * 60
    assert (training["on_min"] % DAY == 480.0).all()  # the first hours of the day


def test_classes_and_teaching_start_at_the_class_start() -> None:
    office = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "17:00"}]
    config = two_teams(
        staff_groups={"agents": {"roster": {"shifts": office}}},
        run={"horizon_days": 7.0},
    )
    config["staff_groups"]["coach"] = {
        "skills": {"q": {"phone": {"rank": 3}}},
        "roster": {"shifts": office},
    }
    # Two hours on Friday from 15:00, the last two of the shift: class and teacher together.
    trained = with_training(
        config,
        course(
            start_date="2027-01-04",
            weeks=2,
            hours_per_week=2.0,
            days=["fri"],
            class_start="15:00",
            trainer={"group": "coach", "hours_per_week": 2.0},
        ),
    )
    staff = run_experiment(build_scenario(trained)).staff
    away = staff[staff["activity"] != "work"]
    spells = zip(away["staff_group"], away["on_min"], away["off_min"], strict=True)
    friday = 4 * DAY
    assert sorted(spells) == [
        ("agents", friday + 900.0, friday + 1020.0),
        ("coach", friday + 900.0, friday + 1020.0),
    ]


# -- learning curves -------------------------------------------------------------------------


def test_speed_rises_along_the_curve_in_weeks() -> None:
    curve = {"start_speed": 0.5, "start_fcr": 0.0, "full_after_weeks": 2}
    config = with_training(two_teams(), course(curve=curve))
    config["run"]["horizon_days"] = 23.0
    config["services"]["b"]["fcr_probability"] = 1.0
    config["staff_groups"]["b_team"]["roster"]["shifts"][0]["days"] = ["sun"]  # not there
    sim = simulation(config)
    week = 7 * DAY
    sim.add_arrivals([DAY, DAY + week, DAY + 2 * week, DAY + 3 * week], "b", "phone")
    contacts = rows(sim.run().contacts)
    durations = [c["end_min"] - c["start_min"] for c in contacts]
    assert durations == pytest.approx([20.0, 10.0 / 0.75, 10.0, 10.0])
    # Resolution from 0 (start_fcr) to the full 1: a draw of 0 or 1 uses no random number.
    resolved = [c["resolved"] for c in contacts]
    assert resolved[0] == 0 and resolved[2:] == [1, 1]


def test_speed_rises_along_the_curve_in_contacts() -> None:
    curve = {"start_speed": 0.5, "full_after_contacts": 4}
    config = with_training(two_teams(), course(curve=curve))
    config["staff_groups"]["b_team"]["roster"]["shifts"][0]["days"] = ["sun"]  # not there
    sim = simulation(config)
    sim.add_arrivals([DAY + 60.0 * k for k in range(6)], "b", "phone")
    contacts = rows(sim.run().contacts)
    durations = [c["end_min"] - c["start_min"] for c in contacts]
    levels = [0.5, 0.625, 0.75, 0.875, 1.0, 1.0]
    assert durations == pytest.approx([10.0 / level for level in levels])


def test_proficiency_is_reported_per_skill_and_month() -> None:
    curve = {"start_speed": 0.6, "start_fcr": 0.7, "full_after_weeks": 4}
    config = with_training(two_teams(), course(start_date="2027-01-04", curve=curve))
    config["run"]["horizon_days"] = 56.0  # January and February
    config["calendar"]["start_date"] = "2027-01-04"
    result = run_experiment(build_scenario(config))
    summary = result.period_summary
    assert summary is not None
    rows_ = summary[(summary["kpi"] == "proficiency_speed") & (summary["service"] == "b")]
    by_period = dict(zip(rows_["period"], rows_["mean"], strict=True))
    assert set(by_period) == {"run", "2027-01", "2027-02"}
    # January: days 0..27 of four weeks, the level rises 0.4 over 28 days: mean 0.6 + 0.4 x 13.5/28.
    assert by_period["2027-01"] == pytest.approx(0.6 + 0.4 * 13.5 / 28)
    assert by_period["2027-02"] == pytest.approx(1.0)
    fcr = summary[(summary["kpi"] == "proficiency_fcr") & (summary["period"] == "2027-01")]
    assert float(fcr["mean"].iloc[0]) == pytest.approx(0.7 + 0.3 * 13.5 / 28)
    assert rows_["staff_group"].unique().tolist() == ["agents"]
    assert rows_["channel"].unique().tolist() == ["phone"]


def test_a_cohort_fully_proficient_by_the_first_day_has_no_proficiency_rows() -> None:
    """A road-map year lists earlier years' cohorts: only those still learning are reported."""
    curve = {"start_speed": 0.6, "start_fcr": 0.7, "full_after_weeks": 2}
    config = with_training(
        two_teams(),
        # Learnt long ago: full a week before the warm-up; full on the first day, learning in
        # the warm-up; still learning on the first day.
        course(start_date="2026-12-07", curve=curve, cohort="long_ago"),
        course(start_date="2026-12-21", curve=curve, cohort="just_done"),
        course(start_date="2026-12-28", curve=curve, cohort="learning"),
    )
    config["staff_groups"]["agents"]["roster"]["shifts"][0]["headcount"] = 3
    config["run"].update({"horizon_days": 14.0, "warmup_days": 7.0})
    result = run_experiment(build_scenario(config))
    table = result.extra["proficiency"]
    first = table[(table["day_min"] == 0.0) & (table["replication"] == 0)]
    assert first["speed_level"].tolist() == pytest.approx([0.6 + 0.4 * 0.5])  # one, half-way
    assert table["day_min"].min() == -7 * DAY  # logged in the warm-up too
    summary = result.summary
    speed = summary.loc[summary["kpi"] == "proficiency_speed", "mean"]
    assert float(speed.iloc[0]) < 1.0


# -- validation: a course with nothing to learn is the skill configured directly --------------


@pytest.mark.parametrize("warmup_days", [0.0, 0.5])
def test_full_proficiency_from_the_first_day_equals_the_skill_configured(
    warmup_days: float,
) -> None:
    base = two_teams(
        handling_b_min=6.0,
        run={"replications": 2, "horizon_days": 2.0, "warmup_days": warmup_days, "seed": 7},
        channels={"phone": {"patience": {"kind": "exponential", "mean_min": 3.0}}},
        services={
            "q": {"rate_per_hour": 8.0, "fcr_probability": 0.8},
            "b": {"rate_per_hour": 6.0, "fcr_probability": 0.6},
        },
        staff_groups={"agents": {"wrapup": {"kind": "exponential", "mean_min": 1.0}}},
    )
    base["services"]["b"]["handling"] = {"phone": {"kind": "lognormal", "mean_min": 6.0, "cv": 1}}
    direct = copy.deepcopy(base)
    direct["staff_groups"]["agents"]["skills"]["b"] = {
        "phone": {"rank": 2, "speed": 0.9, "fcr_probability": 0.5}
    }
    first_day = "2027-01-04" if warmup_days == 0 else "2027-01-03"  # before the warm-up
    trained = with_training(
        base,
        {
            "skills": {"b": {"phone": {"rank": 2, "speed": 0.9, "fcr_probability": 0.5}}},
            "share": 1.0,
            "start_date": first_day,
            "curve": {"start_speed": 1.0, "start_fcr": 1.0},
        },
    )
    one = run_experiment(build_scenario(direct))
    two = run_experiment(build_scenario(trained))
    assert len(one.contacts) > 50
    for name in ("contacts", "staff", "intervals", "kpis", "summary", "journeys", "tasks"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)


def test_the_run_report_has_a_training_section(tmp_path: Path) -> None:
    curve = {"start_speed": 0.6, "start_fcr": 0.7, "full_after_weeks": 4}
    config = with_training(
        two_teams(),
        course(start_date="2027-01-04", weeks=4, hours_per_week=2.0, curve=curve),
    )
    config["run"]["horizon_days"] = 35.0  # January and February
    execute(build_scenario(config), tmp_path, figures=False, print_summary=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="training">') :]
    assert "<h2>Training</h2>" in section
    assert "<td>agents</td><td>whole run</td><td>8.0</td><td>0.0</td>" in section
    assert "<td>b (phone)</td>" in section and "<th>2027-01</th>" in section
    assert "100.0% / 100.0%" in section  # February: fully proficient


def test_a_roster_replaced_after_the_checks_shrinks_the_cohorts() -> None:
    """The staffing plan's search replaces rosters of a checked scenario: no crash, no one lost."""
    config = two_teams()
    config["staff_groups"]["agents"]["roster"]["shifts"][0]["headcount"] = 3
    scenario = build_scenario(with_training(config, course(members=2), course(members=1)))
    group = scenario.staff_groups[0]
    smaller = dataclasses.replace(group, headcount=tuple((2,) * 48 for _ in range(7)))
    places = home_places(smaller)
    assert [(size, cohort) for _, _, size, cohort in places] == [(2, "#0")]
    shrunk = dataclasses.replace(scenario, staff_groups=(smaller, *scenario.staff_groups[1:]))
    result = run_experiment(shrunk)
    assert result.complete
