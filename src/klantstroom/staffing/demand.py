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

from klantstroom.model.demand import DIRECT, Demand
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario
from klantstroom.staffing.sizing import Requirement, required_agents


def expected_arrivals(scenario: Scenario) -> pd.DataFrame:
    """Expected arrivals per day x interval x channel x service over the scenario's horizon.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``interval_start_min`` (minutes since midnight), ``channel``,
        ``service``, ``expected_arrivals``; intervals of ``calendar.interval_min``.
    """
    demand = Demand(scenario, Streams(scenario.run.seed, 0))
    interval = scenario.calendar.interval_min
    n_slots = MINUTES_PER_DAY // interval
    rows = []
    for day in range(math.ceil(scenario.run.horizon_days)):
        date = scenario.calendar.date_of_day(day)
        for stream in demand.streams:
            channel = scenario.channels[stream.channel]
            if stream.kind != DIRECT or channel.deferred or channel.concurrency > 1:
                # Shop counters (walk-ins, appointment books, desks), deferred digital work (due
                # in days) and chat (several at once) are not an Erlang queue; their staff are
                # not sized here (yet): only phone and a plain counter.
                continue
            starts, lengths, expected = demand.pieces(stream, day)
            per_slot = np.zeros(n_slots)
            for start, length, count in zip(starts, lengths, expected, strict=True):
                begin = start - day * MINUTES_PER_DAY
                # A piece may straddle intervals: split its count in proportion to time.
                for slot in range(int(begin // interval), n_slots):
                    lo, hi = slot * interval, (slot + 1) * interval
                    overlap = min(hi, begin + length) - max(lo, begin)
                    if overlap <= 0:
                        break
                    per_slot[slot] += count * overlap / length
            for slot in np.flatnonzero(per_slot > 0).tolist():
                rows.append(
                    {
                        "date": date,
                        "interval_start_min": int(slot * interval),
                        "channel": scenario.channels[stream.channel].name,
                        "service": scenario.services[stream.service].name,
                        "expected_arrivals": float(per_slot[slot]),
                    }
                )
    columns = ["date", "interval_start_min", "channel", "service", "expected_arrivals"]
    return pd.DataFrame(rows, columns=columns)


def interval_requirements(
    scenario: Scenario,
    *,
    max_occupancy: float = 0.85,
    max_abandonment: float | None = None,
    with_patience: bool = True,
) -> pd.DataFrame:
    """Agents needed per day x interval x channel x service to meet each channel's norm.

    Handling time includes the mean wrap-up of the groups with the skill (staff are not
    available during it). With ``with_patience`` the service's or channel's mean patience is used
    in Erlang A (treated as exponential); otherwise Erlang C.

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
            wrapups = [
                g.wrapup.mean_min if g.wrapup is not None else 0.0
                for g in scenario.staff_groups
                if any(s.service == service.name and s.channel == channel for s in g.skills)
            ]
            handling[(channel, service.name)] = service.handling_for(channel).mean_min + (
                float(np.mean(wrapups)) if wrapups else 0.0
            )
    results = []
    services = {s.name: s for s in scenario.services}
    for channel_name, service_name, expected in zip(
        table["channel"], table["service"], table["expected_arrivals"], strict=True
    ):
        channel_spec = scenario.channel(str(channel_name))
        service = services[str(service_name)]
        patience = service.patience or channel_spec.patience
        patience_min = patience.mean_min if (with_patience and patience) else None
        rate = float(expected) / interval
        aht = handling[(channel_spec.name, service.name)]
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
        results.append(
            {
                "arrival_rate_per_min": rate,
                "handling_min": aht,
                "patience_min": np.nan if patience_min is None else patience_min,
                "agents": need.agents,
                "agents_int": need.agents_int,
                "binding": need.binding,
                "service_level": metrics.service_level if metrics else np.nan,
                "asa_s": 60 * metrics.asa_min if metrics else np.nan,
                "abandonment": metrics.p_abandon if metrics else np.nan,
                "occupancy": metrics.occupancy if metrics else np.nan,
            }
        )
    return pd.concat([table, pd.DataFrame(results, index=table.index)], axis=1)


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
