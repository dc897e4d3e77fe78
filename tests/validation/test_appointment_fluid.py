"""An appointment book under a wave: the backlog and access time follow the fluid calculation.

A shop takes appointments only, on working days: 2 desks from 09:00 to 17:00 with 15-minute
slots, so the book holds mu = 64 slots a working day. Booking requests (on working days too) come
at 1.5 mu a day for 20 working days, then at 0.5 mu. Deterministically (the fluid model) the
book's first free slot runs ahead of the request by B(t) working days of capacity with
dB/dt = lambda / mu - 1 while B > 0: it grows by half a day per day to 10 days at the end of the
wave, then drains by half a day per day and is empty again 20 working days later. A request's
access time (working days from request to slot, as the model reports it) is that backlog. The
simulation, with Poisson requests, must follow it within a day and drain at the known rate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from klantstroom.experiment import run_experiment

from factories import scenario, shop_config

WEEKEND = {"sat": [], "sun": []}
WORKING_DAYS = ["mon", "tue", "wed", "thu", "fri"]

MU_PER_DAY = 2 * 8 * 4  # desks x hours x slots per hour
WAVE_DAYS, HORIZON_DAYS = 20, 50


def _fluid_backlog_days(day: np.ndarray) -> np.ndarray:
    grow = 0.5 * np.minimum(day, WAVE_DAYS)
    return np.maximum(grow - 0.5 * np.maximum(day - WAVE_DAYS, 0), 0.0)


def test_access_time_follows_the_fluid_backlog_and_drains_at_the_known_rate() -> None:
    start = dt.date(2027, 1, 4)  # a Monday; no holidays in the run
    # Requests arrive around the clock on working days: 0.5 mu a day ...
    base_per_hour = 0.5 * MU_PER_DAY / 24
    # ... times 3 during the wave: 20 working days are four weeks.
    wave = {str(start + dt.timedelta(days=d)): 3.0 for d in range(28) if d % 7 < 5}
    config = shop_config(
        rate_per_hour=base_per_hour,
        handling={"kind": "deterministic", "mean_min": 15.0},
        staff=2,
        desks=2,
        walk_in=False,
        appointment_desks=2,
        appointment_share=1.0,
        slot_min=15.0,
        horizon_days=HORIZON_DAYS * 7 / 5,
        replications=4,
        seed=5,
        counter={"booking_lead_min": 0.0, "booking_horizon_days": 42},
        channels={"counter": {"date_factors": wave, "opening_hours": WEEKEND}},
        shops={
            "winkel": {
                "opening_hours": WEEKEND,
                "appointment_desks": [
                    {"days": WORKING_DAYS, "start": "09:00", "end": "17:00", "desks": 2}
                ],
            }
        },
    )
    result = run_experiment(scenario(config))
    contacts = result.contacts
    assert (contacts["outcome"] != "no_slot").all()  # the 42-day book horizon is never reached
    booked = contacts[contacts["access_days"].notna()].copy()
    # The request's working day: the slot's working day less the access time in working days
    # (the log keeps the visit's time, not the request's).
    slot_day = (booked["slot_min"] // 1440).astype(int)
    booked["day"] = slot_day - 2 * (slot_day // 7) - booked["access_days"].astype(int)
    by_day = booked[booked["day"] >= 0].groupby("day")["access_days"].mean()
    days = by_day.index.to_numpy()
    # Fluid backlog at the middle of the request day (requests spread over the day); a slot on
    # the request day itself counts 0 working days, so the access time is the backlog rounded
    # down: compare within a day.
    error = by_day.to_numpy() - _fluid_backlog_days(days + 0.5)
    assert np.abs(error[days < 40]).max() < 1.0, error.round(2)
    # The peak, about 10 working days, comes at the end of the wave; the drain rate is half a
    # day per day (the slope over working days 24-36, well inside the drain).
    assert 9.0 < by_day.max() < 11.0
    assert 18 <= int(by_day.idxmax()) <= 21
    drain = (days >= 24) & (days <= 36)
    slope = np.polyfit(days[drain], by_day.to_numpy()[drain], 1)[0]
    assert -0.6 < slope < -0.4, slope
    # Drained: the next working day at most again.
    assert by_day[days >= 43].max() <= 1.0
