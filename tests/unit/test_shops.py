"""Exact timelines at a city shop: slot calling, no-shows, late visitors and closing time.

Demand is injected at given minutes (no generated arrivals) and every duration is
deterministic, so each start time below is worked out by hand in the test's comment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from klantstroom.model.events import schedule
from klantstroom.model.simulation import Simulation
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.tables import contacts_table, staff_table

from factories import shop_config

OPEN = 9 * 60  # the shop opens at 09:00 = minute 540 of day 0


def run(config: dict[str, Any], actions: list[tuple[float, Callable[[Simulation], None]]]):
    """Run ``config`` with ``actions`` (minute, function of the simulation) and return tables."""
    scenario = build_scenario(config)
    sim = Simulation(scenario, 0)
    for at, action in actions:
        schedule(sim.env, at, lambda timer, act=action: act(sim))
    log = sim.run()
    contacts = contacts_table(scenario, [log]).set_index("contact_id")
    return contacts, staff_table(scenario, [log]), log


def walk_in(sim: Simulation) -> None:
    queue = sim.shops[0].queues[(0, False)]
    sim.counters.walk_in(queue, None, 0)  # type: ignore[union-attr]


def book(sim: Simulation) -> None:
    sim.counters.request_booking(0, 0, None, 0)  # type: ignore[union-attr]


def test_appointments_are_called_at_their_slot_ahead_of_walk_ins() -> None:
    config = shop_config(
        appointment_desks=1,
        counter={"punctuality": {"kind": "deterministic", "mean_min": -5.0}},
    )
    # Two bookings at 00:00 and 00:01 get the slots 09:00 and 09:15 (desk packed in order);
    # both visitors come 5 minutes early. Walk-ins come at 09:01 and 09:02.
    contacts, _, _ = run(
        config,
        [(0.0, book), (1.0, book), (OPEN + 1.0, walk_in), (OPEN + 2.0, walk_in)],
    )
    appt = contacts[contacts["appointment"]].sort_values("slot_min")
    walk = contacts[~contacts["appointment"]].sort_values("arrival_min")
    assert appt["slot_min"].tolist() == [OPEN, OPEN + 15.0]
    assert appt["arrival_min"].tolist() == [OPEN - 5.0, OPEN + 10.0]
    assert appt["access_days"].tolist() == [0.0, 0.0]
    # 09:00 appointment 1 (until 09:10); 09:10 walk-in 1 (appointment 2 is not due until 09:15);
    # 09:20 appointment 2, due since 09:15, goes before walk-in 2 who waits since 09:02.
    assert appt["start_min"].tolist() == [OPEN, OPEN + 20.0]
    assert walk["start_min"].tolist() == [OPEN + 10.0, OPEN + 30.0]
    # An appointment visitor's wait counts from the slot, not from coming early.
    assert appt["wait_min"].tolist() == [0.0, 5.0]
    assert walk["wait_min"].tolist() == [9.0, 28.0]


def test_a_no_show_frees_the_desk_for_walk_ins() -> None:
    config = shop_config(appointment_desks=1, counter={"no_show_probability": 1.0})
    contacts, _, _ = run(config, [(0.0, book), (OPEN + 1.0, walk_in)])
    appt = contacts[contacts["appointment"]].iloc[0]
    walk = contacts[~contacts["appointment"]].iloc[0]
    assert appt["outcome"] == "no_show"
    assert appt["end_min"] == OPEN and np.isnan(appt["wait_min"])
    assert walk["outcome"] == "served" and walk["start_min"] == OPEN + 1.0


@pytest.mark.parametrize("policy", ["walk_in", "rebook"])
def test_a_visitor_later_than_the_tolerance(policy: str) -> None:
    config = shop_config(
        appointment_desks=1,
        counter={
            "punctuality": {"kind": "deterministic", "mean_min": 20.0},
            "late_tolerance_min": 10.0,
            "late_policy": policy,
            "booking_lead_min": 60.0,
        },
        hours="09:00-12:00",
        staff_hours=("09:00", "12:00"),
    )
    contacts, _, _ = run(config, [(0.0, book)])
    first = contacts.loc[0]
    assert first["slot_min"] == OPEN and first["arrival_min"] == OPEN + 20.0
    assert first["punctuality_min"] == 20.0
    if policy == "walk_in":
        # Served as a walk-in at once (the desk is free); no appointment follows.
        assert first["outcome"] == "served" and first["start_min"] == OPEN + 20.0
        assert len(contacts) == 1
    else:
        # Booked again at 09:20: the earliest slot is an hour on, at 10:20.
        assert first["outcome"] == "rebooked" and first["end_min"] == OPEN + 20.0
        second = contacts[contacts["parent_contact_id"] == 0].iloc[0]
        assert second["slot_min"] == OPEN + 80.0 and second["attempt"] == 2
        assert second["appointment"]


def test_at_closing_visitors_inside_are_served_and_later_ones_turned_away() -> None:
    config = shop_config(
        handling={"kind": "deterministic", "mean_min": 20.0},
        hours="09:00-10:00",
        staff_hours=("09:00", "10:00"),
    )
    arrivals = [OPEN + 40.0, OPEN + 41.0, OPEN + 42.0, OPEN + 70.0]
    contacts, staff, _ = run(config, [(t, walk_in) for t in arrivals])
    contacts = contacts.sort_values("arrival_min")
    # 09:40-10:00, then the doors close at 10:00 but the member stays: 10:00-10:20, 10:20-10:40.
    assert contacts["start_min"].tolist()[:3] == [OPEN + 40.0, OPEN + 60.0, OPEN + 80.0]
    # The one who comes at 10:10 finds the doors closed.
    late = contacts.iloc[3]
    assert late["outcome"] == "unserved" and late["end_min"] == OPEN + 70.0
    (spell,) = staff.itertuples()
    assert spell.scheduled_off_min == OPEN + 60.0 and spell.off_min == OPEN + 100.0


def test_visitors_nobody_can_serve_are_turned_away_at_closing() -> None:
    config = shop_config(hours="09:00-10:00", staff_hours=("09:00", "09:30"))
    contacts, _, _ = run(config, [(OPEN + 45.0, walk_in)])
    (row,) = contacts.itertuples()
    assert row.outcome == "unserved" and row.end_min == OPEN + 60.0


def test_balking_and_returning_the_next_open_day() -> None:
    config = shop_config(
        hours="09:00-10:00",
        staff_hours=("09:00", "10:00"),
        horizon_days=2.0,
        handling={"kind": "deterministic", "mean_min": 30.0},
        counter={
            "balk_queue_length": 1,
            "balk_probability": 1.0,
            "balk_return_probability": 1.0,
        },
    )
    contacts, _, _ = run(config, [(OPEN, walk_in), (OPEN + 1.0, walk_in), (OPEN + 2.0, walk_in)])
    contacts = contacts.sort_values("contact_id")
    # First served, second waits, the third sees one waiting and balks, returning a day later.
    assert contacts["outcome"].tolist()[:3] == ["served", "served", "balked"]
    balked_id = contacts.index[2]
    back = contacts[contacts["parent_contact_id"] == balked_id].iloc[0]
    assert back["arrival_min"] == OPEN + 2.0 + 1440.0 and back["attempt"] == 2


def test_a_follow_up_visit_comes_after_working_days() -> None:
    config = shop_config(
        horizon_days=9.0,
        hours="09:00-17:00",
        services={
            "visit": {"counter": {"follow_up": {"service": "afhalen", "after_working_days": 5}}},
            "afhalen": {
                "volume_per_year": 0,
                "channel_mix": {"counter": 1.0},
                "handling": {"counter": {"kind": "deterministic", "mean_min": 3.0}},
            },
        },
        staff_groups={"balie": {"skills": {"afhalen": {"counter": {"rank": 1}}}}},
    )
    contacts, _, _ = run(config, [(OPEN, walk_in)])  # Monday 4 January 2027
    pickup = contacts[contacts["service"] == "afhalen"].iloc[0]
    assert pickup["parent_contact_id"] == 0 and pickup["outcome"] == "served"
    # Five working days after Monday is the next Monday (day 7), during opening hours.
    assert 7 * 1440 + OPEN <= pickup["arrival_min"] < 7 * 1440 + 17 * 60


def test_desks_cap_service_and_blending_staff_take_calls_when_desks_are_full() -> None:
    config = shop_config(
        staff=2,
        desks=1,
        channels={
            "phone": {"opening_hours": {d: ["00:00-24:00"] for d in ["mon"]}},
        },
        services={
            "visit": {
                "channel_mix": {"counter": 0.5, "phone": 0.5},
                "handling": {"phone": {"kind": "deterministic", "mean_min": 4.0}},
            },
        },
        staff_groups={"balie": {"blend": True, "skills": {"visit": {"phone": {"rank": 2}}}}},
    )

    def call(sim: Simulation) -> None:
        phone = sim.queue_of(0, [c.name for c in sim.scenario.channels].index("phone"))
        sim.arrive(phone, None, 0)  # type: ignore[arg-type]

    contacts, _, _ = run(config, [(OPEN, walk_in), (OPEN + 1.0, walk_in), (OPEN + 2.0, call)])
    walk = contacts[contacts["channel"] == "counter"].sort_values("arrival_min")
    # One desk: the second visitor waits for it although a second member is idle ...
    assert walk["start_min"].tolist() == [OPEN, OPEN + 10.0]
    # ... and that member answers the call meanwhile.
    phone = contacts[contacts["channel"] == "phone"].iloc[0]
    assert phone["start_min"] == OPEN + 2.0


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"staff_groups": {"balie": {"shop": "winkle"}}}, "staff_groups.balie.shop"),
        (
            {
                "shops": {
                    "winkel": {
                        "appointment_desks": [
                            {"days": ["mon"], "start": "07:00", "end": "08:00", "desks": 1}
                        ]
                    }
                }
            },
            "shops.winkel.appointment_desks",
        ),
        (
            {
                "services": {
                    "visit": {
                        "handling": {"counter": {"kind": "normal", "mean_min": 5, "sd_min": 1}}
                    }
                }
            },
            "services.visit.handling.counter.kind",
        ),
        ({"counter": {"late_policy": "wait"}}, "counter.late_policy"),
        ({"shops": {"winkel": {"walk_in": False}}}, "shops.winkel.walk_in"),
        ({"shops": {"winkel": {"services": ["paspoort"]}}}, "shops.winkel.services[0]"),
        ({"shops": {"winkel": {"services": ["visit", "visit"]}}}, "shops.winkel.services[1]"),
        (
            {"counter": {"balk_return_probability": 0.7, "balk_switch_probability": 0.5}},
            "counter.balk_switch_probability",
        ),
    ],
)
def test_invalid_shop_config_names_the_key(override: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(shop_config(**override))
    assert key in {error.key for error in info.value.errors}, str(info.value)


def test_contacts_table_has_the_shop_columns() -> None:
    contacts, _, _ = run(shop_config(appointment_desks=1), [(0.0, book), (OPEN, walk_in)])
    assert contacts["shop"].astype(str).unique().tolist() == ["winkel"]
    assert pd.api.types.is_bool_dtype(contacts["appointment"])
    assert contacts["slot_at"].notna().sum() == 1


def test_appointment_desks_need_staff_rostered_at_the_shop() -> None:
    config = shop_config(staff=2, desks=4, appointment_desks=3, appointment_share=1.0)
    with pytest.raises(ScenarioErrors) as error:
        build_scenario(config)
    message = str(error.value)
    assert "shops.winkel.appointment_desks" in message
    assert "reserves 3 desk(s) on mon at 09:00 but only 2 staff are rostered" in message
    build_scenario(shop_config(staff=3, desks=4, appointment_desks=3, appointment_share=1.0))
