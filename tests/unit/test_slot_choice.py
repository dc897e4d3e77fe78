"""Slot choice and urgent requests on exact timelines, and the realised shares of the choices.

Day 0 is Monday 4 January 2027. The shop has one appointment desk (15-minute slots, 30-minute
calendar intervals); named citizens (personas) ask for an appointment at known moments.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klantstroom.analysis.kpis import CounterNorms, _counter_kpis
from klantstroom.analysis.sortedrows import Rows
from klantstroom.model.appointments import AppointmentBook
from klantstroom.model.simulation import Simulation
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import NO_SLOT, RETRY, SLOT_CHOICES
from klantstroom.tables import contacts_table

from factories import ALL_DAYS, shop_config

DAY = 1440.0
NINE = 540.0
ONE_PM = 780.0


def _desks(days: list[str], *blocks: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"days": days, "start": lo, "end": hi, "desks": 1} for lo, hi in blocks]


def _matter(day: int, time: str, service: str = "visit", shop: str = "winkel") -> dict[str, Any]:
    return {
        "service": service,
        "channel": "counter",
        "day": day,
        "time": time,
        "mode": "appointment",
        "shop": shop,
    }


def _config(
    counter: dict[str, Any],
    desks: list[dict[str, Any]],
    matters: list[dict[str, Any]],
    **overrides: Any,
) -> dict[str, Any]:
    """One appointment-only shop ``winkel`` with one desk in the ``desks`` blocks, and one
    persona per matter (in the order given, a minute apart at most)."""
    return shop_config(
        handling={"kind": "deterministic", "mean_min": 15.0},
        walk_in=False,
        appointment_share=1.0,
        slot_min=15.0,
        horizon_days=7.0,
        counter={"booking_lead_min": 0.0, **counter},
        shops={"winkel": {"appointment_desks": desks}},
        personas={f"p{k}": {"matters": [matter]} for k, matter in enumerate(matters)},
        **overrides,
    )


def _run(config: dict[str, Any]) -> tuple[Simulation, dict[str, np.ndarray]]:
    sim = Simulation(build_scenario(config), 0)
    return sim, sim.run().contacts


def _booked(log: dict[str, np.ndarray]) -> list[float]:
    slots = log["slot_min"]
    return sorted(slots[~np.isnan(slots)].tolist())


# -- slot choice ------------------------------------------------------------------------------


def test_a_preferred_weekday_takes_that_day_although_an_earlier_day_is_free() -> None:
    # Desks on Monday and Thursday, four slots each; four requests on Monday 08:00-08:03 draw a
    # preferred weekday from {Monday, Thursday}. (With this seed both weekdays are drawn.)
    config = _config(
        {"slot_choice": {"preferred_weekday": 1.0}, "booking_horizon_days": 7},
        _desks(["mon", "thu"], ("09:00", "10:00")),
        [_matter(0, f"08:0{k}") for k in range(4)],
    )
    sim, log = _run(config)
    slots = _booked(log)
    monday = [s for s in slots if s < DAY]
    thursday = [s for s in slots if s >= DAY]
    assert monday and thursday  # the seed gives both preferences
    # Each day is filled from its first slot; Thursday's visitors leave Monday slots free.
    assert monday == [NINE + 15 * k for k in range(len(monday))]
    assert thursday == [3 * DAY + NINE + 15 * k for k in range(len(thursday))]
    assert len(monday) < 4
    access = log["access_days"][log["slot_min"] >= DAY]
    assert (access == 3).all()  # Monday -> Thursday: three working days
    assert sim.counters is not None
    assert sim.counters.slots.choice_counts == [0, 4, 0, 0]


def test_a_preference_without_a_slot_in_the_horizon_takes_the_earliest_slot() -> None:
    # A one-day horizon from Monday 08:00 reaches no Thursday: whoever prefers Thursday takes
    # Monday's earliest free slot, so all four fill Monday in order.
    config = _config(
        {"slot_choice": {"preferred_weekday": 1.0}, "booking_horizon_days": 1},
        _desks(["mon", "thu"], ("09:00", "10:00")),
        [_matter(0, f"08:0{k}") for k in range(4)],
    )
    _, log = _run(config)
    assert _booked(log) == [NINE + 15 * k for k in range(4)]
    assert not (log["outcome"] == NO_SLOT).any()


def test_a_preferred_part_of_the_day_leaves_the_morning_free() -> None:
    # Desks 09:00-10:00 and 13:00-14:00 every day; six requests draw morning or afternoon.
    config = _config(
        {"slot_choice": {"preferred_part_of_day": 1.0}, "booking_horizon_days": 1},
        _desks(ALL_DAYS, ("09:00", "10:00"), ("13:00", "14:00")),
        [_matter(0, f"08:0{k}") for k in range(6)],
    )
    _, log = _run(config)
    slots = _booked(log)
    morning = [s for s in slots if s < 720]
    afternoon = [s for s in slots if s >= 720]
    assert morning and afternoon
    # Afternoon bookings cut only their own slot: the morning still fills from 09:00 in order
    # (up to four; more morning requests than slots fall back to the afternoon's next slots).
    assert morning == [NINE + 15 * k for k in range(min(len(morning), 4))]
    assert afternoon == [ONE_PM + 15 * k for k in range(len(afternoon))]
    assert len(slots) == 6


def test_the_book_keeps_the_time_before_an_out_of_order_booking() -> None:
    row = tuple(1 if k in (18, 19, 26, 27) else 0 for k in range(48))  # 09-10 and 13-14
    book = AppointmentBook(lambda day: row, 30)
    afternoon = book.earliest(15.0, 0.0, 1439.0, part=(720.0, 1020.0))
    assert afternoon is not None and afternoon.start_min == ONE_PM
    book.book(afternoon, 15.0)
    first = book.earliest(15.0, 0.0, 1439.0)
    assert first is not None and first.start_min == NINE  # the morning is still free
    book.book(first, 15.0)
    # Filling in order gives up the earlier time: a 60-minute slot skips 09:15-10:00 for
    # 13:00, and the gap stays unused (as the book has always filled a desk's day).
    book = AppointmentBook(lambda day: row, 30)
    for length, start in ((15.0, NINE), (60.0, ONE_PM)):
        slot = book.earliest(length, 0.0, 1439.0)
        assert slot is not None and slot.start_min == start
        book.book(slot, length)
    assert book.earliest(15.0, 0.0, 1439.0) is None


def test_the_book_looks_only_on_every_step_th_day_from_days_ahead() -> None:
    row = tuple(1 if k == 18 else 0 for k in range(48))  # one slot a day, 09:00-09:30
    book = AppointmentBook(lambda day: row, 30)
    # Asked on day 1 at 10:00 for the days 3, 10, 17: day 3 first, then a week later.
    asked = DAY + 600.0
    found = []
    for _ in range(4):
        slot = book.earliest(30.0, asked, 20 * DAY, days_ahead=2, day_step=7)
        if slot is None:
            break
        book.book(slot, 30.0)
        found.append(slot.start_min)
    assert found == [d * DAY + NINE for d in (3, 10, 17)]
    # Days 1, 2 and 4 were never looked at: a request for any day still gets them in order.
    first = book.earliest(30.0, asked, 20 * DAY)
    assert first is not None and first.start_min == 2 * DAY + NINE


def _two_shops(counter: dict[str, Any], noord_desks: list[dict[str, Any]]) -> dict[str, Any]:
    config = _config(
        counter,
        _desks(["wed"], ("09:00", "10:00")),  # the own shop's first slot: Wednesday
        [_matter(0, "08:00")],
    )
    config["shops"]["noord"] = {
        **config["shops"]["winkel"],
        "appointment_desks": noord_desks,
    }
    config["staff_groups"]["noord_balie"] = {**config["staff_groups"]["balie"], "shop": "noord"}
    return config


def test_any_shop_takes_the_other_shops_earlier_slot() -> None:
    config = _two_shops(
        {"slot_choice": {"any_shop": 1.0}, "booking_horizon_days": 7},
        _desks(["tue"], ("10:00", "11:00")),
    )
    sim, log = _run(config)
    assert _booked(log) == [DAY + 600.0]  # Tuesday 10:00 at noord, not Wednesday at winkel
    shops = [s.name for s in sim.scenario.shops]
    assert shops[int(log["shop"][0])] == "noord"  # booked at, and logged with, noord
    assert log["access_days"].tolist() == [1.0]
    # Earliest-only citizens stay with their own shop.
    _, log = _run(_two_shops({"booking_horizon_days": 7}, _desks(["tue"], ("10:00", "11:00"))))
    assert _booked(log) == [2 * DAY + NINE]
    assert shops[int(log["shop"][0])] == "winkel"


def test_any_shop_true_is_shorthand_for_the_any_shop_choice() -> None:
    config = _two_shops(
        {"any_shop": True, "booking_horizon_days": 7}, _desks(["tue"], ("10:00", "11:00"))
    )
    assert build_scenario(config).counter.slot_choice == (0.0, 0.0, 0.0, 1.0)
    _, log = _run(config)
    assert _booked(log) == [DAY + 600.0]


def test_realised_slot_choices_match_the_configured_shares() -> None:
    shares = {"earliest": 0.4, "preferred_weekday": 0.3, "preferred_part_of_day": 0.2}
    shares["any_shop"] = 0.1
    config = shop_config(
        rate_per_hour=8.0,
        handling={"kind": "deterministic", "mean_min": 10.0},
        staff=2,
        desks=2,
        walk_in=False,
        appointment_desks=2,
        appointment_share=1.0,
        horizon_days=10.0,
        seed=11,
        counter={"slot_choice": shares},
    )
    sim, _ = _run(config)
    assert sim.counters is not None
    counts = np.array(sim.counters.slots.choice_counts, dtype=float)
    n = counts.sum()
    assert n > 1000
    for name, count in zip(SLOT_CHOICES, counts, strict=True):
        p = shares[name]
        # 99.9% normal interval of a binomial share (seeded: fixed numbers, a real check).
        assert abs(count / n - p) <= 3.29 * np.sqrt(p * (1 - p) / n), name


# -- urgent requests --------------------------------------------------------------------------


def _urgent_config(counter: dict[str, Any], desks: list[dict[str, Any]], matters: list[Any]):
    return _config(
        counter,
        desks,
        matters,
        services={
            "spoed": {
                "rate_per_hour": 0.0,
                "channel_mix": {"counter": 1.0},
                "handling": {"counter": {"kind": "deterministic", "mean_min": 15.0}},
                "counter": {"appointment_share": 1.0, "slot_min": 15.0, "urgent_share": 1.0},
            }
        },
        staff_groups={"balie": {"skills": {"spoed": {"counter": {"rank": 1}}}}},
    )


def test_kept_slots_go_to_urgent_requests_and_to_all_on_their_day() -> None:
    # Tuesday 09:00-11:00: four intervals, a quarter kept for urgent requests: 09:30-10:00.
    matters = [_matter(0, f"08:0{k}") for k in range(7)]  # seven normal requests on Monday
    matters.append(_matter(0, "08:30", service="spoed"))  # one urgent request on Monday
    matters.append(_matter(1, "08:00"))  # a normal request on Tuesday itself
    config = _urgent_config(
        {"urgent_reserved_share": 0.25, "booking_horizon_days": 2},
        _desks(["tue"], ("09:00", "11:00")),
        matters,
    )
    sim = Simulation(build_scenario(config), 0)
    replication = sim.run()
    log = replication.contacts
    assert len(log["contact_id"]) == 9
    # In the order of the requests (a booked visit's arrival_min is its arrival at the shop).
    order = np.argsort(log["contact_id"])
    slot, outcome, urgent = (log[name][order] for name in ("slot_min", "outcome", "urgent"))
    tuesday = DAY + NINE
    # The six free slots go to the first six normal requests; the seventh finds none although
    # the two kept slots are free.
    assert slot[:6].tolist() == [tuesday + m for m in (0, 15, 60, 75, 90, 105)]
    assert outcome[6] == NO_SLOT
    # The urgent request takes the first kept slot (the earliest free one) ...
    assert urgent.tolist() == [0] * 7 + [1, 0]
    assert slot[7] == tuesday + 30
    assert log["access_days"][order][7] == 1.0
    # ... and on Tuesday the other kept slot is free for everyone.
    assert slot[8] == tuesday + 45
    # The flag travels to contacts.parquet.
    table = contacts_table(sim.scenario, [replication])
    assert table["urgent"].dtype == bool
    assert table.loc[table["service"] == "spoed", "urgent"].all()
    assert not table.loc[table["service"] == "visit", "urgent"].any()


def test_an_urgent_request_without_a_slot_within_its_access_follows_the_no_slot_path() -> None:
    # The only desk is on Wednesday: two working days after Monday, one more than allowed.
    config = _urgent_config(
        {
            "urgent_max_access_working_days": 1,
            "no_slot_retry_probability": 1.0,
            "no_slot_retry_after_days": 1,
            "booking_horizon_days": 7,
        },
        _desks(["wed"], ("09:00", "10:00")),
        [_matter(0, "08:00", service="spoed")],
    )
    _, log = _run(config)
    first = log["origin"] != RETRY
    assert log["outcome"][first].tolist() == [NO_SLOT]  # Wednesday was free, but too late
    # Asked again on Tuesday, still urgent: Wednesday is now one working day away.
    retry = log["origin"] == RETRY
    assert log["urgent"][retry].tolist() == [1]
    assert log["slot_min"][retry].tolist() == [2 * DAY + NINE]
    assert log["access_days"][retry].tolist() == [1.0]


def test_urgent_kpis_count_requests_access_and_the_share_within_the_maximum() -> None:
    sub = pd.DataFrame(
        {
            "outcome": ["served", "served", "no_show", "no_slot", "served"],
            "wait_min": [0.0, 0.0, np.nan, np.nan, 0.0],
            "appointment": [True] * 5,
            "urgent": [True, True, True, True, False],
            "access_days": [0.0, 1.0, 2.0, np.nan, 9.0],
            "end_min": [1.0] * 5,
        }
    )
    kpis = _counter_kpis(Rows.of(sub), CounterNorms(urgent_max_access_working_days=1), 10.0)
    assert kpis["urgent_requests"][0] == 4.0
    assert kpis["urgent_access_days_mean"][0] == 1.0
    assert kpis["urgent_within_max"][0] == 0.5


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "key", "words"),
    [
        ({"counter": {"slot_choice": {"earliest": 0.5}}}, "counter.slot_choice", "sum to 1"),
        (
            {"counter": {"slot_choice": {"earliest": 0.5, "soonest": 0.5}}},
            "counter.slot_choice.soonest",
            "preferred_weekday",
        ),
        (
            {"counter": {"slot_choice": {"earliest": 1.5, "any_shop": -0.5}}},
            "counter.slot_choice.earliest",
            "<= 1",
        ),
        (
            {"counter": {"any_shop": True, "slot_choice": {"any_shop": 1.0}}},
            "counter.any_shop",
            "not both",
        ),
        ({"counter": {"urgent_reserved_share": 0.6}}, "counter.urgent_reserved_share", "0.5"),
        (
            {"counter": {"urgent_max_access_working_days": -1}},
            "counter.urgent_max_access_working_days",
            ">= 0",
        ),
        (
            {"services": {"visit": {"counter": {"urgent_share": 1.3}}}},
            "services.visit.counter.urgent_share",
            "<= 1",
        ),
    ],
)
def test_bad_slot_choice_and_urgent_values_name_their_key(
    overrides: dict[str, Any], key: str, words: str
) -> None:
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(shop_config(appointment_desks=1, appointment_share=1.0, **overrides))
    lines = [line for line in str(info.value).splitlines() if f"{key}:" in line]
    assert lines and words in lines[0], str(info.value)


def _every_desk(book: AppointmentBook, request: dict[str, Any]) -> tuple[float, int, int] | None:
    """The earliest slot by trying every desk of every day: what the book's search, which passes
    over desks that cannot win, must find."""
    length, start, until = request["length"], request["from"], request["until"]
    for day in range(int(start // 1440), int(until // 1440) + 1):
        state = book._day(day)
        held_ok = request["urgent"] or request["now"] >= day * 1440
        lo, hi = start, float("inf")
        if request["part"] is not None:
            lo, hi = max(start, day * 1440 + request["part"][0]), day * 1440 + request["part"][1]
        found = [
            (at, desk)
            for desk, free in enumerate(state.desks)
            if (at := free.fit(length, lo, hi, held_ok)) is not None
        ]
        if found:
            at, desk = min(found)  # the lower desk on a tie
            return (at, day, desk) if at <= until else None
    return None


@settings(max_examples=100, deadline=None)
@given(
    # Few desks for many requests: days and parts of days fill up, so that what the search
    # remembers about full days and parts is put to the test.
    rows=st.lists(st.lists(st.integers(0, 2), min_size=12, max_size=12), min_size=3, max_size=3),
    held_share=st.sampled_from([0.0, 0.25]),
    requests=st.lists(
        st.tuples(
            st.sampled_from([15.0, 20.0, 25.0, 30.0, 45.0, 60.0, 90.0]),  # slot length
            st.floats(0.0, 3 * 1440.0),  # when the request is made
            st.booleans(),  # urgent
            st.sampled_from([None, (480.0, 720.0), (720.0, 1020.0)]),  # part of the day
        ),
        min_size=30,
        max_size=80,
    ),
)
def test_the_search_finds_the_slot_that_trying_every_desk_finds(
    rows: list[list[int]], held_share: float, requests: list[tuple[float, float, bool, Any]]
) -> None:
    # Desks reserved 08:00-14:00 in half hours, different per day; requests in time order.
    grids = [tuple([0] * 16 + row + [0] * 20) for row in rows]
    book = AppointmentBook(lambda day: grids[day % 3], 30, held_share)
    for length, now, urgent, part in sorted(requests, key=lambda r: r[1]):
        request = {
            "length": length,
            "from": now + 60.0,
            "until": now + 2 * 1440.0,
            "now": now,
            "urgent": urgent,
            "part": part,
        }
        expected = _every_desk(book, request)
        slot = book.earliest(
            length, now + 60.0, now + 2 * 1440.0, now_min=now, urgent=urgent, part=part
        )
        assert (None if slot is None else (slot.start_min, slot.day, slot.desk)) == expected
        if slot is not None:
            book.book(slot, length)
