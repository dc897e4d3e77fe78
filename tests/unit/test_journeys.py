"""Exact timelines of deferred work, chat, the back office and journeys; config errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from klantstroom.analysis.journeys import journey_kpi_rows
from klantstroom.analysis.sortedrows import JourneyRows, contact_rows, journey_rows, task_rows
from klantstroom.experiment import run_experiment, tables_from_logs
from klantstroom.model.simulation import ReplicationLog
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import (
    CALLBACK,
    GIVEN_UP,
    NOT_REACHED,
    RESOLVED,
    SERVED,
    SWITCH,
    TASK,
)

from factories import ALL_DAYS, always_open, deep_update, queue_config, scenario, simulation

DAY = 1440.0
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def rows(log_columns: dict[str, np.ndarray]) -> list[dict[str, float]]:
    order = np.argsort(log_columns["contact_id"])
    return [{k: v[i].item() for k, v in log_columns.items()} for i in order]


def digital_config(**overrides: Any) -> dict[str, Any]:
    """One service by phone and e-mail; one agent Mon-Fri 08:00-17:00 (2027-01-04 is a Monday)."""
    fixed = {"kind": "deterministic", "mean_min": 10.0}
    base = queue_config(
        horizon_days=14.0,
        channels={
            "phone": {"opening_hours": always_open()},
            "digital": {"opening_hours": always_open(), "open_on_holidays": True},
        },
        services={
            "q": {"channel_mix": {"phone": 0.5, "digital": 0.5}, "handling": {"digital": fixed}}
        },
        staff_groups={
            "agents": {
                "skills": {"q": {"phone": {"rank": 1}, "digital": {"rank": 1}}},
                "roster": {
                    "works_holidays": False,
                    "shifts": [
                        {"days": WEEKDAYS, "start": "08:00", "end": "17:00", "headcount": 1}
                    ],
                },
            }
        },
    )
    return deep_update(base, overrides)


def test_e_mail_is_due_after_working_days_and_waits_over_the_weekend() -> None:
    sim = simulation(digital_config())
    friday_16 = 4 * DAY + 16 * 60
    saturday_10 = 5 * DAY + 10 * 60
    sim.add_arrivals([friday_16, saturday_10], "q", "digital")
    friday, saturday = rows(sim.run().contacts)
    # Due at the end of the 2nd working day after the day of arrival: Tuesday, for both.
    assert friday["due_min"] == saturday["due_min"] == 9 * DAY
    assert friday["start_min"] == friday_16 and friday["end_min"] == friday_16 + 10
    # Nobody works at the weekend: the backlog carries over to Monday 08:00.
    assert saturday["start_min"] == 7 * DAY + 8 * 60
    assert friday["journey_end"] == saturday["journey_end"] == RESOLVED


def test_a_waiting_call_always_goes_before_the_next_e_mail() -> None:
    sim = simulation(digital_config())
    monday_9 = 9 * 60.0
    sim.add_arrivals([monday_9, monday_9], "q", "digital")
    sim.add_arrivals([monday_9 + 2], "q", "phone")
    first, second, call = rows(sim.run().contacts)
    assert first["start_min"] == monday_9  # the agent was idle: it takes the e-mail
    assert call["start_min"] == monday_9 + 10  # the e-mail in hand is finished first
    assert second["start_min"] == monday_9 + 15  # then the call (5 min), then the e-mail


def test_a_reserve_keeps_an_agent_free_for_calls() -> None:
    monday_9 = 9 * 60.0

    def day(reserve: int) -> list[dict[str, float]]:
        config = digital_config(routing={"deferred_reserve": reserve})
        config["staff_groups"]["agents"]["roster"]["shifts"][0]["headcount"] = 2
        sim = simulation(config)
        sim.add_arrivals([monday_9, monday_9 + 1], "q", "digital")
        sim.add_arrivals([monday_9 + 2], "q", "phone")
        return rows(sim.run().contacts)

    # Without a reserve both agents take an e-mail and the call waits for one to finish.
    first, second, call = day(0)
    assert (first["start_min"], second["start_min"]) == (monday_9, monday_9 + 1)
    assert call["start_min"] == monday_9 + 10
    # With a reserve of one, the second agent stays free: the call is answered at once, and the
    # second e-mail waits until an agent is free with another one idle beside it.
    first, second, call = day(1)
    assert first["start_min"] == monday_9
    assert call["start_min"] == call["arrival_min"] == monday_9 + 2
    assert second["start_min"] == monday_9 + 10  # the first agent done, the other one idle


def test_a_cap_on_deferred_work_keeps_the_rest_of_the_group_for_calls() -> None:
    """At opening, the night's e-mails must not take every agent who comes on duty."""
    monday_8 = 8 * 60.0

    def day(share: float) -> list[dict[str, float]]:
        config = digital_config(routing={"deferred_max_share": share})
        config["staff_groups"]["agents"]["roster"]["shifts"][0]["headcount"] = 4
        sim = simulation(config)
        sim.add_arrivals([monday_8 - 60 + k for k in range(4)], "q", "digital")  # before opening
        sim.add_arrivals([monday_8 + 1, monday_8 + 2], "q", "phone")
        return rows(sim.run().contacts)

    # No cap: all four agents take an e-mail at 08:00 and both calls wait for them.
    *mails, call_1, call_2 = day(1.0)
    assert [m["start_min"] for m in mails] == [monday_8] * 4
    assert (call_1["start_min"], call_2["start_min"]) == (monday_8 + 10, monday_8 + 10)
    # Half of four: two agents take e-mails, two stay for the calls, which are answered at once;
    # the other two e-mails start when the e-mails in hand are done (calls take 5 min, and the
    # agents who answered them are then free but two others are on e-mail already).
    *mails, call_1, call_2 = day(0.5)
    assert [m["start_min"] for m in mails] == [monday_8, monday_8, monday_8 + 10, monday_8 + 10]
    assert call_1["start_min"] == call_1["arrival_min"] == monday_8 + 1
    assert call_2["start_min"] == call_2["arrival_min"] == monday_8 + 2
    # A share that rounds up: 0.3 of four is 1.2, so two agents may be on e-mail.
    *mails, _, _ = day(0.3)
    assert [m["start_min"] for m in mails] == [monday_8, monday_8, monday_8 + 10, monday_8 + 10]
    # 0.25 of four is exactly one.
    *mails, _, _ = day(0.25)
    assert [m["start_min"] for m in mails] == [monday_8] + [monday_8 + 10 * k for k in (1, 2, 3)]


def test_a_reserve_is_validated() -> None:
    with pytest.raises(ScenarioErrors, match=r"routing\.deferred_reserve: must be >= 0"):
        scenario(digital_config(routing={"deferred_reserve": -1}))
    for share in (0.0, 1.5, "half"):
        with pytest.raises(ScenarioErrors, match=r"routing\.deferred_max_share: must be"):
            scenario(digital_config(routing={"deferred_max_share": share}))


def test_earliest_due_goes_first() -> None:
    config = digital_config(
        services={
            "q": {"due_working_days": 5},
            "urgent": {
                "rate_per_hour": 0.0,
                "channel_mix": {"digital": 1.0},
                "handling": {"digital": {"kind": "deterministic", "mean_min": 10.0}},
                "due_working_days": 0,
            },
        },
        staff_groups={"agents": {"skills": {"urgent": {"digital": {"rank": 2}}}}},
    )
    sim = simulation(config)
    sim.add_arrivals([9 * 60.0, 9 * 60.0 + 1], "q", "digital")
    sim.add_arrivals([9 * 60.0 + 2], "urgent", "digital")
    first, later, urgent = rows(sim.run().contacts)
    assert first["start_min"] == 9 * 60
    assert urgent["due_min"] == DAY < later["due_min"]
    assert urgent["start_min"] == 9 * 60 + 10  # overtakes the e-mail that came earlier
    assert later["start_min"] == 9 * 60 + 20


def two_chats_and_a_call() -> tuple[dict[str, Any], ReplicationLog]:
    """One agent, two chats at once (10 min each) from minute 0, 1, 2, 3; a call at minute 4."""
    chat = {"kind": "deterministic", "mean_min": 10.0}
    config = queue_config(
        channels={"chat": {"opening_hours": always_open(), "concurrency": 2}},
        services={"q": {"channel_mix": {"phone": 0.5, "chat": 0.5}, "handling": {"chat": chat}}},
        staff_groups={"agents": {"skills": {"q": {"chat": {"rank": 1}}}}},
    )
    sim = simulation(config)
    sim.add_arrivals([0.0, 1.0, 2.0, 3.0], "q", "chat")
    sim.add_arrivals([4.0], "q", "phone")
    return config, sim.run()


def test_an_agent_holds_two_chats_at_once() -> None:
    a, b, c, d, call = rows(two_chats_and_a_call()[1].contacts)
    assert (a["start_min"], b["start_min"]) == (0.0, 1.0)  # two chats side by side
    assert (c["start_min"], d["start_min"]) == (10.0, 11.0)  # each takes a freed place
    assert {a["staff_id"], b["staff_id"], c["staff_id"], d["staff_id"]} == {0}
    # The phone call waits until the agent has no chat left.
    assert call["start_min"] == 21.0


def test_an_agent_with_two_chats_is_busy_once() -> None:
    config, log = two_chats_and_a_call()
    result = tables_from_logs(scenario(config), [log])
    # Chats 0-10, 1-11, 10-20, 11-21 overlap: busy 0-21, then the call 21-26.
    staff = result.kpis[result.kpis["staff_group"] == "agents"].iloc[0]
    assert staff["busy_hours"] == pytest.approx(26 / 60)
    rows_ = result.intervals[result.intervals["staff_group"] == "agents"]
    assert rows_["occupancy"].max() <= 1.0
    assert rows_["staff_busy"].iloc[0] == pytest.approx(26 / 30)  # 00:00-00:30: 26 min busy


def back_office_config(**overrides: Any) -> dict[str, Any]:
    """Calls never resolved by the KCC; a department processes them and calls back."""
    always = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 1}]
    base = queue_config(
        horizon_days=2.0,
        services={"q": {"fcr_probability": 0.0, "journey_norm_working_days": 0}},
        departments={
            "bo": {
                "discipline": "edd",
                "lead_time_norm_working_days": 1,
                "tasks": {"q": {"kind": "deterministic", "mean_min": 20.0}},
                "callback": {
                    "probability": 1.0,
                    "by": "department",
                    "reach_probability": 0.0,
                    "max_attempts": 2,
                    "retry_delay": {"kind": "deterministic", "mean_min": 60.0},
                    "attempt_min": 1.0,
                },
            }
        },
        staff_groups={
            "bo_staff": {"department": "bo", "roster": {"works_holidays": True, "shifts": always}}
        },
    )
    return deep_update(base, overrides)


def test_a_hand_off_becomes_a_task_and_callbacks_until_given_up() -> None:
    sim = simulation(back_office_config())
    sim.add_arrivals([0.0], "q", "phone")
    call, task, first_try, second_try = rows(sim.run().contacts)
    assert call["outcome"] == SERVED and call["resolved"] == 0 and call["department"] == 0
    assert task["origin"] == TASK and task["parent_contact_id"] == call["contact_id"]
    assert (task["arrival_min"], task["start_min"], task["end_min"]) == (5.0, 5.0, 25.0)
    assert task["due_min"] == 2 * DAY  # 1 working day after Monday: end of Tuesday
    assert first_try["origin"] == CALLBACK and first_try["outcome"] == NOT_REACHED
    assert (first_try["start_min"], first_try["end_min"]) == (25.0, 26.0)
    assert second_try["parent_contact_id"] == first_try["contact_id"]
    assert (second_try["arrival_min"], second_try["end_min"]) == (86.0, 87.0)
    assert second_try["attempt"] == 2 and second_try["journey_end"] == GIVEN_UP
    journey = {r["journey_id"] for r in (call, task, first_try, second_try)}
    assert journey == {call["contact_id"]}
    assert [r["journey_end"] for r in (call, task, first_try)] == [0, 0, 0]


def test_a_failed_web_form_switches_to_the_phone() -> None:
    config = digital_config(
        services={
            "q": {
                "fcr_by_channel": {"digital": 0.0},
                "channel_switch": {
                    "digital": {
                        "to": "phone",
                        "probability": 1.0,
                        "delay": {"kind": "deterministic", "mean_min": 30.0},
                    }
                },
            }
        }
    )
    sim = simulation(config)
    sim.add_arrivals([9 * 60.0], "q", "digital")
    form, call = rows(sim.run().contacts)
    assert form["resolved"] == 0 and form["journey_end"] == 0
    assert call["origin"] == SWITCH and call["parent_contact_id"] == form["contact_id"]
    assert call["arrival_min"] == 9 * 60 + 10 + 30
    assert call["journey_id"] == form["contact_id"] and call["journey_end"] == RESOLVED


def test_a_generalist_resolves_with_its_own_probability() -> None:
    config = queue_config(
        rate_per_hour=30.0,
        agents=3,
        staff_groups={"agents": {"skills": {"q": {"phone": {"rank": 1, "fcr_probability": 0.0}}}}},
    )
    log = simulation(config).run().contacts
    served = log["outcome"] == SERVED
    assert served.sum() > 100 and (log["resolved"][served] == 0).all()


def test_a_persona_starts_its_matter_when_the_channel_opens() -> None:
    config = digital_config(
        personas={
            "anna": {
                "label": "Anna",
                "matters": [{"service": "q", "channel": "phone", "day": 5, "time": "10:00"}],
            }
        },
        channels={
            "phone": {
                "opening_hours": {d: ["08:00-17:00"] if d in WEEKDAYS else [] for d in ALL_DAYS}
            }
        },
    )
    sim = simulation(config)
    log = sim.run()
    ((name, citizen),) = log.personas
    contacts = [r for r in rows(log.contacts) if r["citizen_id"] == citizen]
    assert name == "anna" and len(contacts) == 1
    assert contacts[0]["arrival_min"] == 7 * DAY + 8 * 60  # Saturday: calls on Monday at 08:00


@pytest.mark.parametrize(
    ("overrides", "key", "message"),
    [
        ({"departments": {"bo": {"discipline": "lifo"}}}, "departments.bo.discipline", "allowed"),
        ({"departments": {"bo": {"tasks": {"nope": {}}}}}, "departments.bo.tasks.nope", "allowed"),
        (
            {"departments": {"bo": {"callback": {"by": "kcc", "probability": 0.5}}}},
            "departments.bo.callback.by",
            "skills.q.phone",
        ),
        (
            {"staff_groups": {"bo_staff": {"department": "bx"}}},
            "staff_groups.bo_staff.department",
            "bo",
        ),
        (
            {"personas": {"p": {"matters": [{"service": "q", "channel": "chat"}]}}},
            "personas.p.matters[0].channel",
            "allowed: phone",
        ),
        (
            {"personas": {"p": {"matters": [{"service": "q", "day": 9}]}}},
            "personas.p.matters[0].day",
            "0 to 1",
        ),
        (
            {"services": {"q": {"channel_switch": {"digital": {"to": "phone"}}}}},
            "services.q.channel_switch.digital",
            "allowed: phone",
        ),
    ],
)
def test_bad_back_office_and_persona_config_names_the_key(
    overrides: dict[str, Any], key: str, message: str
) -> None:
    config = back_office_config(**overrides)
    if "callback" in str(overrides):
        # KCC callbacks need a contact-centre group with the phone skill: take it away.
        config["staff_groups"]["agents"]["skills"] = {}
        config["services"]["q"]["channel_mix"] = {"phone": 1.0}
        config["staff_groups"].pop("agents")
        config["services"]["q"]["fcr_probability"] = 0.0
    with pytest.raises(ScenarioErrors) as caught:
        scenario(config)
    found = [e for e in caught.value.errors if e.key == key]
    assert found, [str(e) for e in caught.value.errors]
    assert message in str(found[0])


# --------------------------------------------------------------------------------------------
# Journeys censored at the horizon
# --------------------------------------------------------------------------------------------


def test_a_journey_is_judged_when_its_norm_deadline_is_inside_the_run() -> None:
    """Judged by start day and norm alone: a journey resolved before the horizon whose deadline
    lies beyond it is censored like the one still in service at the horizon."""
    config = queue_config(horizon_days=2.0, services={"q": {"journey_norm_working_days": 1}})
    sim = simulation(config)
    # Monday 01:00 (due end of Tuesday = the horizon), Tuesday 01:00 (due end of Wednesday),
    # and a call that is still in service at the horizon (Tuesday 23:58, 5 min).
    sim.add_arrivals([60.0, DAY + 60.0, 2 * DAY - 2.0], "q", "phone")
    result = tables_from_logs(scenario(config), [sim.run()])
    journeys = result.journeys
    assert journeys["due_min"].tolist() == [2 * DAY, 3 * DAY, 3 * DAY]
    assert journeys["status"].tolist() == ["resolved", "resolved", "open"]
    assert journeys["judged"].tolist() == [True, False, False]
    row = result.kpis[result.kpis["journeys"].notna() & (result.kpis["service"] == "all")].iloc[0]
    assert (row["journeys"], row["journeys_censored"]) == (3, 2)
    assert (row["resolved_share"], row["open_share"], row["journey_within_norm"]) == (1, 0, 1)


def hand_made_journeys() -> pd.DataFrame:
    """Ten journeys of two services; lead times in days, ``judged`` as the table would have it."""
    na = pd.NA
    rows = [
        # service, status, within_norm, judged, lead_time_days, contacts, repeats, switches
        ("a", "resolved", True, True, 0.5, 1, 0, 0),
        ("a", "given_up", na, True, 0.2, 2, 1, 1),
        ("a", "open", na, True, np.nan, 1, 0, 0),  # open past its deadline: failed
        ("a", "resolved", False, True, 3.0, 2, 1, 0),  # resolved after its deadline
        ("a", "resolved", True, False, 0.1, 1, 0, 0),  # ended, but its deadline is later
        ("a", "open", na, False, np.nan, 2, 1, 1),
        ("b", "resolved", True, True, 1.0, 1, 0, 0),
        ("b", "open", na, False, np.nan, 1, 0, 0),
        ("b", "given_up", na, False, 0.01, 1, 0, 0),  # a quick give-up, deadline later
        ("b", "resolved", True, False, 0.3, 3, 2, 1),
    ]
    table = pd.DataFrame(
        rows,
        columns=[
            "service",
            "status",
            "within_norm",
            "judged",
            "lead_time_days",
            "contacts",
            "repeat_contacts",
            "switches",
        ],
    )
    table["service"] = pd.Categorical(table["service"], categories=["a", "b", "c"])
    table["status"] = pd.Categorical(table["status"], categories=["open", "resolved", "given_up"])
    table["within_norm"] = table["within_norm"].astype("boolean")
    return table


def _none(**columns: str) -> pd.DataFrame:
    """An empty table of replication 0 with these columns (name: dtype)."""
    return pd.DataFrame({"replication": pd.Series([], dtype="int32")}).assign(
        **{name: pd.Series([], dtype=dtype) for name, dtype in columns.items()}
    )


NO_CONTACTS = _none(
    channel="category",
    service="category",
    arrival_min="float",
    outcome="category",
    origin="category",
    department="category",
    staff_group="category",
    resolved="boolean",
)
NO_TASKS = _none(department="category", service="category", created_min="float")


def _sorted(journeys: pd.DataFrame) -> JourneyRows:
    """Hand-made journeys of replication 0 as journey_kpi_rows reads them."""
    return journey_rows(journeys.assign(replication=0, start_min=0.0))


def test_journey_kpis_count_judged_journeys_and_weigh_services_in_the_all_row() -> None:
    rows = journey_kpi_rows(
        0,
        contact_rows(NO_CONTACTS),
        task_rows(NO_TASKS),
        _sorted(hand_made_journeys()),
        pd.DataFrame(),
        channels=[],
        departments=[],
        services=["a", "b", "c"],
        staff_groups=[],
    )
    by_service = {row["service"]: row for row in rows}
    assert set(by_service) == {"a", "b", "all"}  # no row for a service without journeys
    a, b, every = by_service["a"], by_service["b"], by_service["all"]
    # Service a: four judged journeys (two resolved, one of them late; one given up; one
    # still open past its deadline); the resolved one with a later deadline is censored.
    assert (a["journeys"], a["journeys_censored"], a["channel_switches"]) == (6, 2, 2)
    assert (a["resolved_share"], a["given_up_share"], a["open_share"]) == (0.5, 0.25, 0.25)
    assert a["journey_within_norm"] == 0.25
    assert a["journey_lead_time_days_mean"] == pytest.approx(1.75)
    assert a["journey_lead_time_days_p90"] == pytest.approx(0.5 + 0.9 * 2.5)  # numpy's linear
    assert a["repeat_contact_rate"] == pytest.approx(2 / 6)
    assert a["contacts_per_journey"] == 1.5
    # Service b: one judged journey of four, resolved within its norm.
    assert (b["journeys"], b["journeys_censored"], b["channel_switches"]) == (4, 3, 1)
    assert (b["resolved_share"], b["given_up_share"], b["open_share"]) == (1, 0, 0)
    assert b["journey_within_norm"] == 1
    # All: each judged journey stands for (journeys / judged journeys) of its service, 1.5
    # for a and 4 for b, so the services weigh as in the journeys that started (6 : 4).
    assert (every["journeys"], every["journeys_censored"], every["channel_switches"]) == (10, 5, 3)
    assert every["resolved_share"] == pytest.approx((2 * 1.5 + 4) / 10)
    assert every["given_up_share"] == pytest.approx(1.5 / 10)
    assert every["open_share"] == pytest.approx(1.5 / 10)
    assert every["journey_within_norm"] == pytest.approx((1.5 + 4) / 10)
    assert every["journey_lead_time_days_mean"] == pytest.approx((1.5 * 0.5 + 1.5 * 3 + 4) / 7)
    # Sorted 0.5, 1.0, 3.0 with weights 1.5, 4, 1.5 sit at 0, 1.5/5.5 and 1 on the 0-1 scale.
    assert every["journey_lead_time_days_p90"] == pytest.approx(1.0 + 2.0 * 3.45 / 4.0)
    assert every["repeat_contact_rate"] == pytest.approx(3 / 13)
    assert every["contacts_per_journey"] == pytest.approx(1.3)


def test_the_all_row_is_empty_while_a_service_has_no_judged_journey() -> None:
    """A run shorter than one service's norm cannot say how all journeys fare."""
    journeys = hand_made_journeys()
    journeys.loc[journeys["service"] == "b", "judged"] = False
    rows = journey_kpi_rows(
        0,
        contact_rows(NO_CONTACTS),
        task_rows(NO_TASKS),
        _sorted(journeys),
        pd.DataFrame(),
        channels=[],
        departments=[],
        services=["a", "b"],
        staff_groups=[],
    )
    by_service = {row["service"]: row for row in rows}
    every, b = by_service["all"], by_service["b"]
    assert (every["journeys"], every["journeys_censored"]) == (10, 6)
    assert (b["journeys"], b["journeys_censored"]) == (4, 4)
    for row in (every, b):
        for kpi in ("resolved_share", "journey_within_norm", "journey_lead_time_days_mean"):
            assert np.isnan(row[kpi]), kpi
    assert by_service["a"]["resolved_share"] == 0.5


def steady_back_office(horizon_days: float) -> dict[str, Any]:
    """The same every day: calls around the clock, 40% handed to a back office that works
    08:00-18:00 and calls back; a journey's norm is the end of the day it started."""
    day_shift = [{"days": ALL_DAYS, "start": "08:00", "end": "18:00", "headcount": 12}]
    return queue_config(
        rate_per_hour=60.0,
        handling={"kind": "exponential", "mean_min": 4.0},
        agents=6,
        patience={"kind": "exponential", "mean_min": 1.0},  # an abandoned call gives up
        horizon_days=horizon_days,
        warmup_days=1.0,
        replications=2,
        seed=5,
        services={"q": {"fcr_probability": 0.6, "journey_norm_working_days": 0}},
        departments={
            "bo": {
                "tasks": {"q": {"kind": "deterministic", "mean_min": 5.0}},
                "callback": {
                    "probability": 1.0,
                    "by": "department",
                    "reach_probability": 1.0,
                    "max_attempts": 1,
                    "attempt_min": 2.0,
                },
            }
        },
        staff_groups={
            "bo_staff": {
                "department": "bo",
                "roster": {"works_holidays": True, "shifts": day_shift},
            }
        },
    )


def _share(flags: pd.Series) -> tuple[float, float]:
    """A share and its binomial standard error."""
    p = float(flags.mean())
    return p, float(np.sqrt(p * (1.0 - p) / len(flags)))


def test_journey_kpis_do_not_depend_on_the_run_length() -> None:
    """The same steady scenario for 1.5 and 14.5 days gives the same journey KPIs.

    Runs end at noon, so the afternoon's hand-offs are still with the back office at the
    horizon: counted as not resolved they lower the short run's resolved share by some 10
    points (81% against 91%, about 16 standard errors). Over the judged journeys the shares
    agree (93% and 92% resolved, 83% and 82% within norm) within the tolerance: 4 standard
    errors of the difference of two binomial shares, about 2 points here. The runs share the
    seed, so their first days are alike and the true spread is smaller.
    """
    shares: dict[float, dict[str, tuple[float, float]]] = {}
    for days in (1.5, 14.5):
        result = run_experiment(scenario(steady_back_office(days)))
        journeys = result.journeys
        judged = journeys[journeys["judged"]]
        rows = result.kpis[result.kpis["journeys"].notna() & (result.kpis["service"] == "all")]
        assert (
            rows["journeys_censored"].to_numpy()
            == (~journeys["judged"]).groupby(journeys["replication"]).sum().to_numpy()
        ).all()
        assert (rows["journeys"].to_numpy() == journeys.groupby("replication").size()).all()
        shares[days] = {
            "resolved": _share(judged["status"] == "resolved"),
            "within": _share(judged["within_norm"].fillna(False).astype(bool)),
            "resolved, open counted": _share(journeys["status"] == "resolved"),
        }
        # The KPIs are these shares per replication (replications of equal size).
        assert rows["resolved_share"].mean() == pytest.approx(shares[days]["resolved"][0], abs=5e-3)
        assert rows["journey_within_norm"].mean() == pytest.approx(
            shares[days]["within"][0], abs=5e-3
        )
    short, long = shares[1.5], shares[14.5]
    assert short["within"][0] < short["resolved"][0] - 0.05  # evening hand-offs miss the norm

    def agree(key: str) -> bool:
        (p, se_p), (q, se_q) = short[key], long[key]
        return abs(p - q) <= 4.0 * float(np.hypot(se_p, se_q))

    assert agree("resolved") and agree("within")
    # Counting the journeys still open at the horizon as not resolved (as before) would not.
    assert not agree("resolved, open counted")


def test_a_persona_timeline_reads_in_dutch_with_the_display_names() -> None:
    from klantstroom.outputs import display_names
    from klantstroom.report.personas import persona_timelines

    config = digital_config(
        personas={
            "anna": {
                "label": "Anna (34)",
                "matters": [{"service": "q", "channel": "phone", "day": 0, "time": "10:00"}],
            }
        },
        services={"q": {"label": "Paspoort aanvragen"}},
        staff_groups={"agents": {"label": "KCC team Noord"}},
    )
    built = scenario(config)
    result = run_experiment(built)
    args = (
        result.contacts,
        result.tasks,
        result.journeys,
        {"anna": ("Anna (34)", "")},
        pd.Timestamp(built.calendar.start_date),
    )
    dutch = persona_timelines(*args, language="nl", names=display_names(built))
    lines = dutch.splitlines()
    assert lines[0] == "Anna (34)"
    assert lines[1].startswith("  Paspoort aanvragen: opgelost na ")
    # Monday 4 January 2027, 10:00, by phone: answered at once by the group's display name.
    assert lines[2].startswith("    ma 04 jan 10:00  telefoon  wachtte 0 s, in 5 min")
    assert "geholpen door KCC team Noord, opgelost" in lines[2]
    for english in ("waited", "served", "resolved", "Mon", "phone", "agents"):
        assert english not in dutch, english
    english = persona_timelines(*args)  # without names: the ids, as before
    assert "Mon 04 Jan 10:00  phone" in english and "served 5 min by agents" in english
