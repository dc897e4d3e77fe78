"""Analytic sizing: the fewest agents that meet a service-level norm in one interval.

For a queue with arrival rate lambda, mean handling time 1/mu and (optionally) mean patience
1/theta, the service level SL(n) with n agents comes from Erlang C (no abandonment) or Erlang A
(exponential patience), :mod:`klantstroom.analysis.erlang` and
:mod:`~klantstroom.analysis.erlang_a`, with the package's convention (served within the
threshold / (served + abandoned)). The requirement is the fewest n with

* SL(n) >= the target,
* occupancy <= ``max_occupancy`` (staff cannot sustainably be busy all the time), and
* P(abandon) <= ``max_abandonment`` when given.

Requirements are kept *fractional* until queues are pooled: between n - 1 and n agents the
binding criterion is interpolated linearly (the occupancy cap exactly: lambda / (mu x cap)), so
adding up many small queues does not round each of them up (Gans, Koole & Mandelbaum 2003 on
staffing per interval; rounding per queue overstates a pooled requirement).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from klantstroom.analysis.erlang import QueueMetrics, mmc_metrics
from klantstroom.analysis.erlang_a import erlang_a_metrics

MAX_AGENTS = 10_000


@dataclass(frozen=True)
class Requirement:
    """Agents needed in one interval, and the performance at the rounded-up number.

    Attributes
    ----------
    agents : float
        Fractional requirement (for pooling); 0 when there is no demand.
    agents_int : int
        The fewest whole agents meeting every norm.
    binding : str
        What decided ``agents_int``: ``"service_level"``, ``"occupancy"``, ``"abandonment"``,
        ``"stability"`` or ``"none"`` (no demand).
    metrics : QueueMetrics or None
        Service level, ASA, abandonment and occupancy with ``agents_int`` agents.
    """

    agents: float
    agents_int: int
    binding: str
    metrics: QueueMetrics | None


def queue_metrics(
    arrival_rate_per_min: float,
    mean_service_min: float,
    agents: int,
    threshold_min: float,
    mean_patience_min: float | None = None,
) -> QueueMetrics:
    """Reverse mode: the performance of ``agents`` agents (Erlang C, or Erlang A with patience).

    Raises
    ------
    ValueError
        For Erlang C when the queue is unstable (offered load >= agents).
    """
    if mean_patience_min is None:
        return mmc_metrics(arrival_rate_per_min, mean_service_min, agents, threshold_min)
    return erlang_a_metrics(
        arrival_rate_per_min, mean_service_min, mean_patience_min, agents, threshold_min
    )


def required_agents(
    arrival_rate_per_min: float,
    mean_service_min: float,
    threshold_min: float,
    target_service_level: float,
    *,
    mean_patience_min: float | None = None,
    max_occupancy: float = 1.0,
    max_abandonment: float | None = None,
) -> Requirement:
    """The fewest agents meeting the norms, with a fractional value for pooling.

    Parameters
    ----------
    arrival_rate_per_min : float
        Expected arrivals per minute in the interval.
    mean_service_min : float
        Mean handling time, minutes (wrap-up included if staff are unavailable during it).
    threshold_min : float
        Service-level threshold, minutes (20 s = 1/3).
    target_service_level : float
        Required share served within the threshold, 0 to 1.
    mean_patience_min : float, optional
        Mean patience for Erlang A; None for Erlang C (nobody abandons).
    max_occupancy : float
        Upper bound on the mean share of agents busy, (0, 1].
    max_abandonment : float, optional
        Upper bound on the share of callers abandoning (Erlang A only).
    """
    if not 0 < max_occupancy <= 1:
        raise ValueError(f"max_occupancy must be in (0, 1], got {max_occupancy}")
    if not 0 <= target_service_level < 1:
        raise ValueError(f"target_service_level must be in [0, 1), got {target_service_level}")
    if arrival_rate_per_min <= 0:
        return Requirement(0.0, 0, "none", None)
    load = arrival_rate_per_min * mean_service_min
    occupancy_agents = load / max_occupancy
    # Erlang C needs more agents than the offered load; Erlang A is stable for any number.
    n = max(1, math.floor(load) + 1 if mean_patience_min is None else 1)

    def meets(metrics: QueueMetrics, agents: int) -> str | None:
        if metrics.service_level < target_service_level:
            return "service_level"
        if agents < occupancy_agents - 1e-12:
            return "occupancy"
        if max_abandonment is not None and metrics.p_abandon > max_abandonment:
            return "abandonment"
        return None

    previous: QueueMetrics | None = None
    while n <= MAX_AGENTS:
        metrics = queue_metrics(
            arrival_rate_per_min, mean_service_min, n, threshold_min, mean_patience_min
        )
        failing = meets(metrics, n)
        if failing is None:
            break
        previous, last_failure = metrics, failing
        n += 1
    else:
        raise ValueError(f"more than {MAX_AGENTS} agents needed (load {load:.1f} Erlang)")
    if previous is None:
        # The smallest candidate meets everything. One agent fewer, Erlang C is unstable and
        # Erlang A with no agents serves nobody: the service level there is 0.
        binding = "stability" if mean_patience_min is None and n > 1 else "service_level"
        fractional = _interpolate(0.0, metrics.service_level, target_service_level, n)
        return Requirement(
            _at_least(fractional, occupancy_agents, load, mean_patience_min), n, binding, metrics
        )
    binding = last_failure
    if binding == "occupancy":
        fractional = occupancy_agents
    elif binding == "abandonment" and max_abandonment is not None:
        fractional = _interpolate(previous.p_abandon, metrics.p_abandon, max_abandonment, n)
    else:
        fractional = _interpolate(
            previous.service_level, metrics.service_level, target_service_level, n
        )
    return Requirement(
        _at_least(fractional, occupancy_agents, load, mean_patience_min), n, binding, metrics
    )


def _at_least(
    fractional: float, occupancy_agents: float, load: float, patience: float | None
) -> float:
    """No requirement below the occupancy cap's, nor (Erlang C) below the offered load."""
    floor = occupancy_agents if patience is not None else max(occupancy_agents, load)
    return max(fractional, floor)


def _interpolate(value_before: float, value_at: float, target: float, n: int) -> float:
    """Fractional agents between n - 1 and n where a monotone measure reaches ``target``."""
    if value_at == value_before:
        return float(n)
    share = (target - value_before) / (value_at - value_before)
    return n - 1 + min(max(share, 0.0), 1.0)
