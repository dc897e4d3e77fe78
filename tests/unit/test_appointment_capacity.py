"""The appointment book's capacity on exact timelines: no slot, retries, walk-ins, overbooking.

One appointment desk from 09:00 to 10:00 every day (four 15-minute slots a day) and a booking
horizon of one day: six citizens ask for an appointment on Monday 4 January 2027 (day 0) at
08:00, so four get Monday's slots and two find the book full.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import GIVEN_UP, NO_SLOT, OUTCOMES, RETRY

from factories import ALL_DAYS, shop_config, simulation

DAY = 1440.0
NINE = 540.0


def _config(counter: dict[str, Any], *, walk_in: bool = False, **overrides: Any) -> dict[str, Any]:
    matters = {"service": "visit", "channel": "counter", "day": 0, "time": "08:00"}
    return shop_config(
        handling={"kind": "deterministic", "mean_min": 15.0},
        hours="09:00-17:00",
        walk_in=walk_in,
        appointment_share=1.0,
        slot_min=15.0,
        horizon_days=5.0,
        counter={"booking_lead_min": 0.0, "booking_horizon_days": 1, **counter},
        shops={
            "winkel": {
                "appointment_desks": [
                    {"days": ALL_DAYS, "start": "09:00", "end": "10:00", "desks": 1}
                ]
            }
        },
        personas={
            f"p{k}": {"matters": [{**matters, "mode": "appointment", "shop": "winkel"}]}
            for k in range(6)
        },
        **overrides,
    )


def _log(config: dict[str, Any]) -> dict[str, np.ndarray]:
    return simulation(config).run().contacts


def test_requests_beyond_the_book_find_no_slot_and_are_lost() -> None:
    log = _log(_config({}))
    slots = np.sort(log["slot_min"][~np.isnan(log["slot_min"])])
    assert slots.tolist() == [NINE, NINE + 15, NINE + 30, NINE + 45]
    no_slot = log["outcome"] == NO_SLOT
    assert no_slot.sum() == 2 and OUTCOMES[NO_SLOT] == "no_slot"
    assert (log["arrival_min"][no_slot] == 480.0).all()  # logged at the request
    assert (log["journey_end"][no_slot] == GIVEN_UP).all()  # nobody tries again: lost


def test_requests_without_a_slot_ask_again_after_the_configured_days() -> None:
    log = _log(_config({"no_slot_retry_probability": 1.0, "no_slot_retry_after_days": 2}))
    retry = log["origin"] == RETRY
    assert retry.sum() == 2
    # Asked again on Wednesday 08:00 (two days later) and booked Wednesday's first slots.
    assert sorted(log["slot_min"][retry].tolist()) == [2 * DAY + NINE, 2 * DAY + NINE + 15]
    assert (log["attempt"][retry] == 2).all()
    assert (log["access_days"][retry] == 0).all()  # the new request's own access time
    parents = log["parent_contact_id"][retry]
    assert set(parents) == set(log["contact_id"][log["outcome"] == NO_SLOT])
    assert not (log["journey_end"][log["outcome"] == NO_SLOT] == GIVEN_UP).any()


def test_retries_stop_after_the_maximum() -> None:
    # Every day's slots go to others: the horizon reaches no free slot for 0 retries.
    log = _log(_config({"no_slot_retry_probability": 1.0, "no_slot_max_retries": 0}))
    assert not (log["origin"] == RETRY).any()
    assert (log["journey_end"][log["outcome"] == NO_SLOT] == GIVEN_UP).all()


def test_requests_without_a_slot_walk_in_where_the_shop_allows() -> None:
    log = _log(_config({"no_slot_walk_in_probability": 1.0}, walk_in=True))
    walk_in = (log["origin"] == RETRY) & (log["appointment"] == 0)
    assert walk_in.sum() == 2
    # On Tuesday, at a moment of the shop's opening hours.
    arrival = log["arrival_min"][walk_in]
    assert ((arrival >= DAY + NINE) & (arrival < DAY + 1020)).all()
    # An appointment-only shop takes no walk-ins: the matter is lost instead.
    log = _log(_config({"no_slot_walk_in_probability": 1.0}, walk_in=False))
    assert not (log["origin"] == RETRY).any()
    assert (log["journey_end"][log["outcome"] == NO_SLOT] == GIVEN_UP).all()


def test_overbooking_books_more_visits_than_slots() -> None:
    log = _log(_config({"overbooking_share": 0.5}))
    slots = np.sort(log["slot_min"][~np.isnan(log["slot_min"])])
    # Slots count half in the book: all six fit in the hour, 7.5 minutes apart.
    assert slots.tolist() == [NINE + 7.5 * k for k in range(6)]
    assert not (log["outcome"] == NO_SLOT).any()


def test_slots_never_exceed_the_staff_rostered_that_date() -> None:
    # Nobody works at the shop on Monday 4 January (a date's own roster row): no slots then.
    # The desk reserved for appointments is still there; the slot needs a person.
    by_date = {"2027-01-04": [0] * 48}
    log = _log(
        _config(
            {"booking_horizon_days": 2},
            staff_groups={"balie": {"roster": {"headcount_by_date": by_date}}},
        )
    )
    slots = np.sort(log["slot_min"][~np.isnan(log["slot_min"])])
    assert slots.min() >= DAY + NINE  # the first slots are Tuesday's


@pytest.mark.parametrize(
    ("counter", "key"),
    [
        ({"no_slot_retry_probability": 1.2}, "no_slot_retry_probability"),
        ({"no_slot_retry_probability": 0.6, "no_slot_walk_in_probability": 0.6}, "walk_in"),
        ({"no_slot_retry_after_days": 0}, "no_slot_retry_after_days"),
        ({"no_slot_max_retries": -1}, "no_slot_max_retries"),
        ({"overbooking_share": 0.9}, "overbooking_share"),
    ],
)
def test_bad_booking_values_name_their_key(counter: dict[str, Any], key: str) -> None:
    with pytest.raises(ScenarioErrors) as info:
        simulation(_config(counter))
    assert key in str(info.value)
