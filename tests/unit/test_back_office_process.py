"""Back-office process time, terms, other work and failure demand on exact timelines.

One persona calls on Friday 8 January 2027 at 10:00 (day 4; day 0 is Monday 4 January); the
call is never resolved (FCR 0), so a task goes to the department at 10:05. Everything after
that is deterministic, so every time below is exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from klantstroom.experiment import run_experiment
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import CHASE, GIVEN_UP, ORIGINS, RESOLVED, TASK

from factories import ALL_DAYS, deep_update, queue_config, scenario, simulation

DAY = 1440.0
FRIDAY_10 = 4 * DAY + 600.0
ALWAYS = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 1}]


def _config(department: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    config = queue_config(
        horizon_days=14.0,
        agents=2,
        services={"q": {"fcr_probability": 0.0}},
        departments={
            "bo": {"tasks": {"q": {"kind": "deterministic", "mean_min": 30.0}}, **department}
        },
        staff_groups={
            "bo_staff": {"department": "bo", "roster": {"works_holidays": True, "shifts": ALWAYS}}
        },
        personas={
            "p": {"matters": [{"service": "q", "channel": "phone", "day": 4, "time": "10:00"}]}
        },
    )
    return deep_update(config, overrides)


def _rows(config: dict[str, Any]) -> dict[str, np.ndarray]:
    return simulation(config).run().contacts


def test_task_waits_its_process_time_in_working_days_then_for_staff() -> None:
    process = {"q": {"kind": "deterministic", "mean_working_days": 3}}
    log = _rows(_config({"process_time": process}))
    task = log["origin"] == TASK
    assert task.sum() == 1
    # Created Friday 10:05; three working days later (Mon, Tue, Wed) at the same time of day.
    assert log["arrival_min"][task][0] == pytest.approx(FRIDAY_10 + 5)
    assert log["slot_min"][task][0] == pytest.approx(9 * DAY + 605)
    assert log["start_min"][task][0] == pytest.approx(9 * DAY + 605)
    assert log["end_min"][task][0] == pytest.approx(9 * DAY + 635)
    # Due by the department's norm (10 working days): the end of Friday 22 January.
    assert log["due_min"][task][0] == pytest.approx(19 * DAY)
    assert log["journey_end"][task][0] == RESOLVED


def test_a_term_per_task_type_replaces_the_department_norm() -> None:
    log = _rows(_config({"terms_working_days": {"q": 2}}))
    task = log["origin"] == TASK
    # Two working days after Friday: the end of Tuesday 12 January (day 8).
    assert log["due_min"][task][0] == pytest.approx(9 * DAY)


def test_a_task_still_in_its_process_time_at_the_horizon_is_logged_open() -> None:
    process = {"q": {"kind": "deterministic", "mean_working_days": 20}}
    log = _rows(_config({"process_time": process}))
    task = log["origin"] == TASK
    assert task.sum() == 1
    assert np.isnan(log["start_min"][task][0])
    assert log["end_min"][task][0] == pytest.approx(14 * DAY)  # the horizon
    assert log["journey_end"][task][0] == 0  # still open


def test_late_task_is_chased_by_phone_and_the_chase_resolves_nothing() -> None:
    config = _config(
        {
            "process_time": {"q": {"kind": "deterministic", "mean_working_days": 3}},
            "terms_working_days": {"q": 2},
        },
        failure_demand={"task_probability": 1.0, "channel_mix": {"phone": 1.0}},
    )
    log = _rows(config)
    chase = log["origin"] == CHASE
    task = log["origin"] == TASK
    assert chase.sum() == 1
    # Due at the end of Tuesday; still in its process time then, so the citizen calls on
    # Wednesday (day 9), at a moment of the open day, before the task is done at 10:35.
    arrival = log["arrival_min"][chase][0]
    assert 9 * DAY <= arrival < 10 * DAY
    assert log["parent_contact_id"][chase][0] == log["contact_id"][task][0]
    assert log["journey_id"][chase][0] == log["journey_id"][task][0]
    assert log["department"][chase][0] == 0  # the department whose task is late
    assert log["resolved"][chase][0] == 0
    assert log["journey_end"][chase][0] == 0  # a chase never ends the matter
    assert log["journey_end"][task][0] == RESOLVED
    assert ORIGINS[CHASE] == "chase"


def test_a_task_done_in_time_is_not_chased() -> None:
    config = _config(
        {"process_time": {"q": {"kind": "deterministic", "mean_working_days": 1}}},
        failure_demand={"task_probability": 1.0, "max_chases": 3},
    )
    log = _rows(config)
    assert not (log["origin"] == CHASE).any()


def test_chases_repeat_while_the_matter_stays_late() -> None:
    config = _config(
        {
            "process_time": {"q": {"kind": "deterministic", "mean_working_days": 8}},
            "terms_working_days": {"q": 1},
        },
        failure_demand={"task_probability": 1.0, "repeat_working_days": 2, "max_chases": 5},
    )
    log = _rows(config)
    chase = np.sort(log["arrival_min"][log["origin"] == CHASE])
    # Due at the end of Monday 11 Jan (day 7); checked then and every 2 working days while it
    # is late (end of Wed 13, end of Fri 15): the calls come the next open day (the phone is
    # open every day): Tue 12, Thu 14 and Sat 16 January. The next check, at the end of
    # Tue 19, is past the horizon; the task is ready only on Wednesday 20 January.
    assert [int(t // DAY) for t in chase] == [8, 10, 12]
    assert not (log["journey_end"] == GIVEN_UP).any()


def test_other_work_takes_its_share_of_the_department_hours() -> None:
    shifts = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 10}]
    config = _config(
        {"other_work_share": 0.3},
        staff_groups={"bo_staff": {"roster": {"shifts": shifts}}},
    )
    spells = simulation(config).run().spells
    bo = spells["staff_group"] == 1
    hours = float((spells["off_min"][bo] - spells["on_min"][bo]).sum()) / 60.0
    assert hours == pytest.approx(0.7 * 10 * 24 * 14, rel=0.01)


@pytest.mark.parametrize(
    ("department", "failure", "key"),
    [
        ({"process_time": {"q": {"kind": "lognormal", "mean_working_days": 5}}}, {}, "cv"),
        ({"process_time": {"x": {"kind": "deterministic", "mean_working_days": 1}}}, {}, "x"),
        ({"process_time": {"q": {"kind": "weibull", "mean_working_days": 1}}}, {}, "kind"),
        ({"process_time": {"q": {"kind": "exponential", "mean_working_days": 900}}}, {}, "mean"),
        ({"terms_working_days": {"q": -1}}, {}, "terms_working_days.q"),
        ({"other_work_share": 1.0}, {}, "other_work_share"),
        ({}, {"task_probability": 1.5}, "failure_demand.task_probability"),
        ({}, {"task_probability": 0.5, "channel_mix": {"counter": 1.0}}, "channel_mix"),
        ({}, {"task_probability": 0.5, "channel_mix": {"phone": 0.5}}, "channel_mix"),
        ({}, {"by_department": {"nope": 0.5}}, "by_department.nope"),
        ({}, {"task_probability": 0.5, "service_for": {"q": "nope"}}, "service_for.q"),
    ],
)
def test_bad_back_office_values_name_their_key(
    department: dict[str, Any], failure: dict[str, Any], key: str
) -> None:
    config = _config(department, failure_demand=failure)
    with pytest.raises(ScenarioErrors) as info:
        simulation(config)
    assert key in str(info.value)


def test_the_task_table_gives_lead_time_in_working_days_and_the_ready_time() -> None:
    process = {"q": {"kind": "deterministic", "mean_working_days": 3}}
    tasks = run_experiment(scenario(_config({"process_time": process}))).tasks
    task = tasks.iloc[0]
    assert task["ready_min"] == pytest.approx(9 * DAY + 605)
    assert task["lead_time_working_days"] == 3.0  # Friday -> Wednesday: Mon, Tue, Wed
    assert task["lead_time_days"] == pytest.approx(5.0 + 30 / DAY)
    assert task["wait_min"] == pytest.approx(5 * DAY)  # from creation: process time included


def test_no_chase_arrives_while_its_channel_is_closed() -> None:
    # Late work is checked at midnight by a timer that floating point can put a hair before
    # it (set in the warm-up, at negative minutes, for a midnight after 0); the chase must
    # still come during the next open day, never at the closed midnight.
    # Calls around the clock, a slow back office, every late task chased on the phone, which
    # is open 08:00-18:00 on working days.
    office = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "18:00"}]
    config = queue_config(
        rate_per_hour=20.0,
        handling={"kind": "exponential", "mean_min": 2.0},
        agents=3,
        horizon_days=28.0,
        warmup_days=25.0,  # checks after minute 0 of work that came in the warm-up (before 0)
        seed=3,
        services={"q": {"fcr_probability": 0.0}},
        departments={"bo": {"tasks": {"q": {"kind": "exponential", "mean_min": 60.0}}}},
        staff_groups={
            "bo_staff": {
                "department": "bo",
                "roster": {"shifts": [{**office[0], "headcount": 1}]},
            }
        },
        failure_demand={"task_probability": 1.0, "channel_mix": {"phone": 1.0}},
    )
    phone = config["channels"]["phone"]
    phone["opening_hours"] = {day: ["08:00-18:00"] for day in office[0]["days"]}
    phone["open_on_holidays"] = False
    log = _rows(config)
    chase = log["origin"] == CHASE
    assert chase.sum() > 200
    arrival = log["arrival_min"][chase]
    minute_of_day = arrival - np.floor(arrival / DAY) * DAY
    weekday = np.floor(arrival / DAY).astype(int) % 7  # day 0 is Monday 4 January 2027
    assert (weekday < 5).all()
    assert ((minute_of_day >= 8 * 60) & (minute_of_day < 18 * 60)).all()
