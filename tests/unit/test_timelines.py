"""Exact timelines: deterministic durations and arrivals at given times, every minute asserted."""

from __future__ import annotations

import math

import numpy as np
import pytest

from klantstroom.scenario.spec import ABANDONED, SERVED, UNSERVED

from factories import ALL_DAYS, queue_config, simulation


def rows(log_columns: dict[str, np.ndarray]) -> list[dict[str, float]]:
    """Contact log as a list of dicts sorted by contact id."""
    order = np.argsort(log_columns["contact_id"])
    return [{k: v[i].item() for k, v in log_columns.items()} for i in order]


def test_single_agent_serves_in_arrival_order() -> None:
    sim = simulation(queue_config())
    sim.add_arrivals([0.0, 1.0, 2.0], "q", "phone")
    contacts = rows(sim.run().contacts)
    assert [c["start_min"] for c in contacts] == [0.0, 5.0, 10.0]
    assert [c["end_min"] for c in contacts] == [5.0, 10.0, 15.0]
    assert [c["outcome"] for c in contacts] == [SERVED] * 3
    assert {c["staff_id"] for c in contacts} == {0}


def test_wrapup_delays_the_next_contact() -> None:
    sim = simulation(queue_config(wrapup={"kind": "deterministic", "mean_min": 1.5}))
    sim.add_arrivals([0.0, 1.0], "q", "phone")
    first, second = rows(sim.run().contacts)
    assert first["release_min"] == 6.5
    assert second["start_min"] == 6.5
    assert second["end_min"] == 11.5


def test_patience_abandons_and_later_callers_move_up() -> None:
    sim = simulation(queue_config(patience={"kind": "deterministic", "mean_min": 2.5}))
    sim.add_arrivals([0.0, 1.0, 4.0], "q", "phone")
    first, second, third = rows(sim.run().contacts)
    assert first["outcome"] == SERVED
    # Waits from 1.0 and hangs up after 2.5 minutes, before the agent is free at 5.0.
    assert second["outcome"] == ABANDONED
    assert second["end_min"] == 3.5
    assert math.isnan(second["start_min"])
    # Arrives at 4.0 and is answered at 5.0, within its patience.
    assert third["outcome"] == SERVED
    assert third["start_min"] == 5.0


def test_redial_is_linked_to_the_abandoned_call() -> None:
    config = queue_config(
        patience={"kind": "deterministic", "mean_min": 1.0},
        channels={
            "phone": {
                "redial": {
                    "probability": 1.0,
                    "delay": {"kind": "deterministic", "mean_min": 10.0},
                    "max_attempts": 2,
                }
            }
        },
    )
    sim = simulation(config)
    sim.add_arrivals([0.0, 0.5], "q", "phone")
    first, abandoned, redial = rows(sim.run().contacts)
    assert abandoned["outcome"] == ABANDONED and abandoned["end_min"] == 1.5
    assert redial["parent_contact_id"] == abandoned["contact_id"]
    assert redial["citizen_id"] == abandoned["citizen_id"] == abandoned["contact_id"]
    assert redial["attempt"] == 2
    assert redial["arrival_min"] == 11.5
    assert redial["start_min"] == 11.5  # the agent is free by then
    assert first["parent_contact_id"] == -1


def test_redial_into_closed_hours_waits_for_opening() -> None:
    hours = {day: ["08:00-09:00"] for day in ALL_DAYS}
    config = queue_config(
        patience={"kind": "deterministic", "mean_min": 1.0},
        channels={
            "phone": {
                "opening_hours": hours,
                "redial": {
                    "probability": 1.0,
                    "delay": {"kind": "deterministic", "mean_min": 30.0},
                    "max_attempts": 2,
                },
            }
        },
        horizon_days=2.0,
    )
    sim = simulation(config)
    sim.add_arrivals([8 * 60 + 50.0, 8 * 60 + 51.0], "q", "phone")
    contacts = rows(sim.run().contacts)
    redial = contacts[-1]
    assert redial["attempt"] == 2
    assert redial["arrival_min"] == 1440 + 8 * 60  # next morning at 08:00


def test_member_finishes_the_contact_in_hand_after_the_shift() -> None:
    shifts = [{"days": ALL_DAYS, "start": "08:00", "end": "08:30", "headcount": 1}]
    config = queue_config(
        handling={"kind": "deterministic", "mean_min": 20.0},
        staff_groups={"agents": {"roster": {"shifts": shifts}}},
    )
    sim = simulation(config)
    sim.add_arrivals([8 * 60 + 25.0, 8 * 60 + 35.0], "q", "phone")
    log = sim.run()
    served, late = rows(log.contacts)
    assert served["start_min"] == 505.0 and served["end_min"] == 525.0
    assert late["outcome"] == UNSERVED  # nobody is on duty after 08:30
    assert late["end_min"] == 1440.0
    spells = log.spells
    assert spells["on_min"].tolist() == [480.0]
    assert spells["scheduled_off_min"].tolist() == [510.0]
    assert spells["off_min"].tolist() == [525.0]


def test_contacts_in_service_at_the_horizon_keep_their_end() -> None:
    sim = simulation(queue_config(handling={"kind": "deterministic", "mean_min": 30.0}))
    sim.add_arrivals([1430.0], "q", "phone")
    (contact,) = rows(sim.run().contacts)
    assert contact["outcome"] == SERVED
    assert contact["end_min"] == 1460.0


def test_roster_headcount_changes_at_interval_boundaries() -> None:
    shifts = [
        {"days": ALL_DAYS, "start": "08:00", "end": "10:00", "headcount": 2},
        {"days": ALL_DAYS, "start": "09:00", "end": "09:30", "headcount": 1},
    ]
    sim = simulation(queue_config(staff_groups={"agents": {"roster": {"shifts": shifts}}}))
    spells = sim.run().spells
    on_off = sorted(zip(spells["on_min"].tolist(), spells["off_min"].tolist(), strict=True))
    assert on_off == [(480.0, 600.0), (480.0, 600.0), (540.0, 570.0)]


def test_nobody_works_on_a_holiday_unless_rostered_for_it() -> None:
    config = queue_config(calendar={"holidays": ["2027-01-04"]})
    config["staff_groups"]["agents"]["roster"]["works_holidays"] = False
    sim = simulation(config)
    sim.add_arrivals([600.0], "q", "phone")
    log = sim.run()
    assert len(log.spells["on_min"]) == 0
    assert log.contacts["outcome"].tolist() == [UNSERVED]


def two_group_config(policy: str, **overrides: object) -> dict:
    """Service q served by a specialist group (rank 1) and a generalist group (rank 2)."""
    always = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 1}]
    base = queue_config(
        staff_groups={
            "agents": {"skills": {"q": {"phone": {"rank": 1}}}, "roster": {"shifts": always}},
            "generalists": {
                "skills": {"q": {"phone": {"rank": 2}}},
                "roster": {"works_holidays": True, "shifts": always},
            },
        },
        routing={"policy": policy},
    )
    from factories import deep_update

    return deep_update(base, dict(overrides))


def test_specialist_first_prefers_the_better_rank() -> None:
    sim = simulation(two_group_config("specialist_first"))
    sim.add_arrivals([0.0, 10.0], "q", "phone")
    contacts = rows(sim.run().contacts)
    # Both groups idle each time: the specialist (group 0) takes both calls.
    assert [c["staff_group"] for c in contacts] == [0, 0]


def test_longest_idle_spreads_work_over_groups() -> None:
    sim = simulation(two_group_config("longest_idle"))
    sim.add_arrivals([0.0, 10.0], "q", "phone")
    contacts = rows(sim.run().contacts)
    # Both idle since 0: ties go to the first group; then the generalist has been idle longer.
    assert [c["staff_group"] for c in contacts] == [0, 1]


def ageing_config(ageing_per_min: float) -> dict:
    """One agent with two services; service `hi` has priority 1, `lo` priority 0."""
    config = queue_config(routing={"policy": "priority", "ageing_per_min": ageing_per_min})
    config["services"]["hi"] = dict(config["services"]["q"], priority=1.0)
    config["services"]["lo"] = dict(config["services"]["q"], priority=0.0)
    del config["services"]["q"]
    config["staff_groups"]["agents"]["skills"] = {
        "hi": {"phone": {"rank": 1}},
        "lo": {"phone": {"rank": 1}},
    }
    return config


@pytest.mark.parametrize(("ageing", "first_after_busy"), [(0.0, "hi"), (1.0, "lo")])
def test_priority_with_ageing(ageing: float, first_after_busy: str) -> None:
    sim = simulation(ageing_config(ageing))
    sim.add_arrivals([0.0], "hi", "phone")  # keeps the agent busy until 5.0
    sim.add_arrivals([1.0], "lo", "phone")  # waits 4 min by 5.0: score 0 + 4 * ageing
    sim.add_arrivals([4.0], "hi", "phone")  # waits 1 min by 5.0: score 1 + 1 * ageing
    contacts = rows(sim.run().contacts)
    services = ["hi", "lo"]
    second_start = {services[c["service"]]: c["start_min"] for c in contacts[1:]}
    assert second_start[first_after_busy] == 5.0
    assert min(second_start.values()) == 5.0 and max(second_start.values()) == 10.0


def test_speed_factor_divides_the_handling_time() -> None:
    config = queue_config()
    config["staff_groups"]["agents"]["skills"]["q"]["phone"]["speed"] = 1.25
    sim = simulation(config)
    sim.add_arrivals([0.0], "q", "phone")
    (contact,) = rows(sim.run().contacts)
    assert contact["end_min"] == 4.0


def test_warmup_runs_before_minute_zero() -> None:
    sim = simulation(queue_config(warmup_days=0.5))
    assert sim.env.now == -720.0
    sim.add_arrivals([-100.0], "q", "phone")
    (contact,) = rows(sim.run().contacts)
    assert contact["arrival_min"] == -100.0


def test_no_new_contact_at_the_minute_a_shift_ends() -> None:
    shifts = [{"days": ALL_DAYS, "start": "08:00", "end": "08:30", "headcount": 1}]
    config = queue_config(staff_groups={"agents": {"roster": {"shifts": shifts}}})
    sim = simulation(config)
    # The first call ends at 08:30 sharp, the moment the shift ends; the second is waiting.
    sim.add_arrivals([505.0, 506.0], "q", "phone")
    first, second = rows(sim.run().contacts)
    assert first["end_min"] == 510.0
    assert second["outcome"] == UNSERVED


def test_replayed_contacts_bring_their_own_handling_and_patience() -> None:
    sim = simulation(queue_config(patience={"kind": "deterministic", "mean_min": 100.0}))
    nan = float("nan")
    sim.add_arrivals(
        [0.0, 1.0, 2.0], "q", "phone", handling_min=[7.0, nan, 3.0], patience_min=[nan, 2.5, 20.0]
    )
    first, second, third = rows(sim.run().contacts)
    assert first["end_min"] == 7.0  # its own handling time, not the scenario's 5
    assert second["outcome"] == ABANDONED and second["end_min"] == 3.5  # its own patience
    assert third["start_min"] == 7.0 and third["end_min"] == 10.0


def test_a_date_can_have_its_own_headcount() -> None:
    config = queue_config()
    config["staff_groups"]["agents"]["roster"]["headcount_by_date"] = {
        "2027-01-04": [0] * 16 + [2] * 2 + [0] * 30  # two agents 08:00-09:00 only
    }
    spells = simulation(config).run().spells
    assert sorted(spells["on_min"].tolist()) == [480.0, 480.0]
    assert sorted(spells["off_min"].tolist()) == [540.0, 540.0]


def test_a_service_can_have_its_own_patience() -> None:
    config = queue_config(patience={"kind": "deterministic", "mean_min": 10.0})
    config["services"]["q"]["patience"] = {"kind": "deterministic", "mean_min": 1.0}
    sim = simulation(config)
    sim.add_arrivals([0.0, 0.5], "q", "phone")
    _, second = rows(sim.run().contacts)
    assert second["outcome"] == ABANDONED and second["end_min"] == 1.5
