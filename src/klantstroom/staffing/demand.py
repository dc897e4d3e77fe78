"""Expected demand per interval, and the staff each queue needs in it.

The expected number of arrivals per (date, interval, channel, service) is taken from the same
demand model the simulation uses (:class:`klantstroom.model.demand.Demand`), so analytic sizing
and simulation agree on what is offered. Each interval is then sized on its own with Erlang C or
Erlang A (:func:`klantstroom.staffing.sizing.required_agents`): a stationary approximation that
is good when the interval is long compared with a handling time (Green, Kolesar & Whitt 2007).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from klantstroom.model.calendar import open_periods
from klantstroom.model.demand import BOOKING, WALK_IN, Demand
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario
from klantstroom.scenario.training import learnt_skills
from klantstroom.staffing.sizing import Requirement, required_agents

ARRIVAL_COLUMNS = [
    "date",
    "interval_start_min",
    "channel",
    "service",
    "shop",
    "kind",
    "expected_arrivals",
]


def _per_slot(
    starts: np.ndarray, lengths: np.ndarray, expected: np.ndarray, day: int, interval: int
) -> np.ndarray:
    """Spread rate pieces (absolute minutes) over the day's intervals, in proportion to time."""
    per_slot = np.zeros(MINUTES_PER_DAY // interval)
    for start, length, count in zip(starts, lengths, expected, strict=True):
        begin = start - day * MINUTES_PER_DAY
        for slot in range(int(begin // interval), len(per_slot)):
            lo, hi = slot * interval, (slot + 1) * interval
            overlap = min(hi, begin + length) - max(lo, begin)
            if overlap <= 0:
                break
            per_slot[slot] += count * overlap / length
    return per_slot


def expected_arrivals(scenario: Scenario) -> pd.DataFrame:
    """Expected arrivals per day x interval x channel x service over the scenario's horizon.

    Three kinds of row (column ``kind``):

    * ``direct`` — phone, and a counter without shops: arrivals as the demand model spreads them;
    * ``walk_in`` — visitors walking into a shop (``shop`` names it), in its opening hours;
    * ``appointment`` — booked visits at a shop: the bookings made over the horizon (less
      no-shows) spread over the dates and intervals of the shop's appointment desks, in
      proportion to the desks (a steady state: as many visits as bookings).

    Deferred digital work (due in days) is not a queue that staff sizing per interval applies
    to; it is left out (:mod:`klantstroom.staffing.deferred` sizes it by its workload). Chat is
    a queue like the phone (``direct``), with several chats per agent.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ARRIVAL_COLUMNS`; ``shop`` is "" for direct rows.
    """
    demand = Demand(scenario, Streams(scenario.run.seed, 0))
    calendar = scenario.calendar
    interval = calendar.interval_min
    days = range(math.ceil(scenario.run.horizon_days))
    rows = []
    booked: dict[tuple[int, int, int], float] = {}  # (shop, service, channel) -> bookings
    for day in days:
        date = calendar.date_of_day(day)
        for stream in demand.streams:
            channel = scenario.channels[stream.channel]
            if channel.deferred:
                continue
            starts, lengths, expected = demand.pieces(stream, day)
            if stream.kind == BOOKING:
                key = (stream.shop, stream.service, stream.channel)
                booked[key] = booked.get(key, 0.0) + float(expected.sum())
                continue
            per_slot = _per_slot(starts, lengths, expected, day, interval)
            for slot in np.flatnonzero(per_slot > 0).tolist():
                rows.append(
                    {
                        "date": date,
                        "interval_start_min": int(slot * interval),
                        "channel": channel.name,
                        "service": scenario.services[stream.service].name,
                        "shop": scenario.shops[stream.shop].name if stream.kind == WALK_IN else "",
                        "kind": "walk_in" if stream.kind == WALK_IN else "direct",
                        "expected_arrivals": float(per_slot[slot]),
                    }
                )
    shows = 1.0 - scenario.counter.no_show_probability
    for (shop_index, service_index, channel_index), bookings in booked.items():
        shop = scenario.shops[shop_index]
        capacity = {
            (day, slot): float(desks)
            for day in days
            if open_periods(shop, calendar, day)
            for slot, desks in enumerate(shop.appointment_desks[calendar.weekday_of_day(day)])
            if desks > 0
        }
        total = sum(capacity.values())
        if total <= 0:
            continue
        for (day, slot), desks in capacity.items():
            rows.append(
                {
                    "date": calendar.date_of_day(day),
                    "interval_start_min": int(slot * interval),
                    "channel": scenario.channels[channel_index].name,
                    "service": scenario.services[service_index].name,
                    "shop": shop.name,
                    "kind": "appointment",
                    "expected_arrivals": bookings * shows * desks / total,
                }
            )
    return pd.DataFrame(rows, columns=ARRIVAL_COLUMNS)


def interval_requirements(
    scenario: Scenario,
    *,
    max_occupancy: float = 0.85,
    max_abandonment: float | None = None,
    with_patience: bool = True,
) -> pd.DataFrame:
    """Agents needed per day x interval x channel x service to meet each channel's norm.

    Phone calls, chats and walk-in visitors are sized as Erlang queues; booked appointments by
    their load over the occupancy cap (binding ``appointments``). A chat agent holds
    ``concurrency`` chats at once: the queue is sized in chat places, each with the chat's own
    handling time, and an agent is ``concurrency`` places (the usual approximation; an agent
    juggling chats is slower per chat, which the configured chat handling time should hold).
    Handling time includes the mean wrap-up of the groups with the skill, configured or learnt
    in a course of their training plan (staff are not available during it). With
    ``with_patience`` the service's or channel's mean patience is used in Erlang A (treated as
    exponential); otherwise Erlang C.

    Returns
    -------
    pandas.DataFrame
        :func:`expected_arrivals` plus ``arrival_rate_per_min``, ``handling_min``,
        ``patience_min`` (the mean used in Erlang A; NaN for Erlang C or infinite patience),
        ``agents`` (fractional), ``agents_int``, ``binding``, ``service_level``, ``asa_s``,
        ``abandonment`` and ``occupancy`` at ``agents_int``.
    """
    table = expected_arrivals(scenario)
    interval = scenario.calendar.interval_min
    handling: dict[tuple[str, str], float] = {}
    for service in scenario.services:
        for channel, share in service.channel_mix:
            if share <= 0:
                continue
            # A chat ends without wrap-up in the model (the agent goes on with its other chats).
            wrapups = [
                g.wrapup.mean_min if g.wrapup is not None else 0.0
                for g in scenario.staff_groups
                if any(
                    s.service == service.name and s.channel == channel
                    for s in (*g.skills, *learnt_skills(g))
                )
                and scenario.channel(channel).concurrency == 1
            ]
            handling[(channel, service.name)] = service.handling_for(channel).mean_min + (
                float(np.mean(wrapups)) if wrapups else 0.0
            )
    results = []
    services = {s.name: s for s in scenario.services}
    for channel_name, service_name, kind, expected in zip(
        table["channel"], table["service"], table["kind"], table["expected_arrivals"], strict=True
    ):
        channel_spec = scenario.channel(str(channel_name))
        service = services[str(service_name)]
        patience = service.patience or channel_spec.patience
        patience_min = patience.mean_min if (with_patience and patience) else None
        rate = float(expected) / interval
        aht = handling[(channel_spec.name, service.name)]
        if kind == "appointment":
            # Booked visits come at their slot times: no queueing margin, only the load (and
            # the occupancy cap, as staff are not busy every minute between appointments).
            load = rate * aht / max_occupancy
            results.append(
                {
                    "arrival_rate_per_min": rate,
                    "handling_min": aht,
                    "patience_min": np.nan,
                    "agents": load,
                    "agents_int": math.ceil(load - 1e-9),
                    "binding": "appointments",
                    "service_level": np.nan,
                    "asa_s": np.nan,
                    "abandonment": np.nan,
                    "occupancy": np.nan,
                }
            )
            continue
        need = required_agents(
            rate,
            aht,
            channel_spec.service_level_threshold_min,
            channel_spec.service_level_target,
            mean_patience_min=patience_min,
            max_occupancy=max_occupancy,
            max_abandonment=max_abandonment,
        )
        metrics = need.metrics
        agents, agents_int, binding = per_agent(need, channel_spec.concurrency)
        results.append(
            {
                "arrival_rate_per_min": rate,
                "handling_min": aht,
                "patience_min": np.nan if patience_min is None else patience_min,
                "agents": agents,
                "agents_int": agents_int,
                "binding": binding,
                "service_level": metrics.service_level if metrics else np.nan,
                "asa_s": 60 * metrics.asa_min if metrics else np.nan,
                "abandonment": metrics.p_abandon if metrics else np.nan,
                "occupancy": metrics.occupancy if metrics else np.nan,
            }
        )
    return pd.concat([table, pd.DataFrame(results, index=table.index)], axis=1)


def per_agent(need: Requirement, concurrency: int) -> tuple[float, int, str]:
    """``need`` in agents when each agent serves ``concurrency`` contacts at once (chat).

    Returns the fractional agents, the whole number and what decided it; with one contact per
    agent, the need's own.
    """
    if concurrency <= 1:
        return need.agents, need.agents_int, need.binding
    agents = need.agents / concurrency
    return agents, math.ceil(agents - 1e-9), f"{need.binding}, {concurrency} chats per agent"


def pooled_need(
    rates_per_min: np.ndarray,
    handling_min: np.ndarray,
    patience_min: np.ndarray,
    threshold_min: float,
    target: float,
    *,
    max_occupancy: float,
    max_abandonment: float | None = None,
) -> Requirement:
    """The need of several queues served by one pool of agents, as one Erlang queue.

    Arrival rates add up; the handling time is the load-weighted mean (so the offered load is
    exact) and the patience the rate-weighted mean (NaN entries mean Erlang C: if every queue
    has NaN, the pool is sized with Erlang C). Exact for equal handling times and first come,
    first served; with unequal ones it is the usual approximation of a pooled queue (Gans, Koole
    & Mandelbaum 2003, section 4.2).
    """
    rates = np.asarray(rates_per_min, dtype=float)
    total = float(rates.sum())
    if total <= 0:
        return required_agents(0.0, 1.0, threshold_min, target, max_occupancy=max_occupancy)
    load = rates * np.asarray(handling_min, dtype=float)
    patience = np.asarray(patience_min, dtype=float)
    known = ~np.isnan(patience)
    mean_patience = (
        float((rates[known] * patience[known]).sum() / rates[known].sum())
        if known.any() and rates[known].sum() > 0
        else None
    )
    return required_agents(
        total,
        float(load.sum() / total),
        threshold_min,
        target,
        mean_patience_min=mean_patience,
        max_occupancy=max_occupancy,
        max_abandonment=max_abandonment,
    )


def pooled_requirements(requirements: pd.DataFrame) -> pd.DataFrame:
    """Agents per day x interval x channel: fractional needs summed, then rounded up once."""
    pooled = requirements.groupby(["date", "interval_start_min", "channel"], as_index=False).agg(
        agents=("agents", "sum"), agents_per_service=("agents_int", "sum")
    )
    pooled["agents_int"] = np.ceil(pooled["agents"] - 1e-9).astype(int)
    return pooled
