"""Queueing formulas for checking the simulator and for sizing staff.

A contact centre with ``c`` agents, random (Poisson) arrivals and random (exponential) handling
times is one of the few queues that can be solved with pen and paper. This module holds those
solutions. They are used for two things:

* **Validation.** If the simulator is configured as a textbook queue (one skill, Poisson
  arrivals, exponential handling times and patience), its long-run averages must agree with
  these formulas within sampling noise. Any disagreement points to a bug in the simulator.
* **Staffing.** The classic "how many agents do I need to answer 80% of calls within 20
  seconds?" question is answered with Erlang C (:func:`erlang_c_agents_for_service_level`).

The models
----------
Erlang B (M/M/c/c)
    Calls that find every agent busy are lost. :func:`erlang_b` is the fraction lost.
Erlang C (M/M/c)
    Calls wait for as long as it takes; nobody hangs up. :func:`erlang_c` is the chance that a
    call has to wait, :func:`mmc_metrics` gives the other averages. Only meaningful when the
    offered load ``a = arrival rate x mean handling time`` is below the number of agents.
Erlang A (M/M/c+M)
    Waiting callers hang up after an exponentially distributed patience. Because impatient
    callers leave, this queue is stable at any load, and it is the realistic model for a
    municipal contact centre (KCC). See :func:`klantstroom.analysis.erlang_a.erlang_a_metrics`
    (its own module: how it is computed takes a page).
M/G/1 (Pollaczek-Khinchine)
    One server with any handling-time distribution; the mean wait depends on the handling time
    only through its mean and coefficient of variation. See :func:`mg1_mean_wait_min`.
M/M/inf
    Unlimited servers; the mean number busy equals the offered load. Used for self-service and
    back-office steps without a capacity limit. See :func:`mm_inf_mean_busy`.

Units
-----
Rates are per minute and times are in minutes throughout; parameter names end in ``_per_min``
or ``_min`` to make this explicit. Offered load is in Erlangs (dimensionless).

Service-level convention (used across the whole package)
--------------------------------------------------------
::

    service_level = (calls SERVED with wait <= threshold) / (calls served + calls abandoned)

Abandoned calls count against the service level, even when they hang up within the threshold:
a caller who gave up was not helped. Without abandonment (Erlang C) this is simply
``P(W <= t) = 1 - C * exp(-(c*mu - lambda) * t)``; with abandonment (Erlang A) it is
``P(served and W <= t)``. Related averages in :class:`QueueMetrics`:

* ``mean_wait_min`` averages over *all* arrivals; for an abandoned caller the wait is the time
  until hanging up.
* ``asa_min`` (average speed of answer) averages over *served* callers only, including those
  answered immediately.

Sources
-------
* N. Gans, G. Koole, A. Mandelbaum (2003). Telephone call centers: tutorial, review, and
  research prospects. Manufacturing & Service Operations Management 5(2), 79-141.
* A. Mandelbaum, S. Zeltyn (2007). The M/M/n+G queue: summary of performance measures.
  Technical note, Technion (formulas for Erlang A with the functions A(x, y) and E).
* O. Garnett, A. Mandelbaum, M. Reiman (2002). Designing a call center with impatient
  customers. Manufacturing & Service Operations Management 4(3), 208-227.
* L. Kleinrock (1975). Queueing Systems, Volume 1: Theory. Wiley (Erlang B/C, M/M/inf and the
  Pollaczek-Khinchine formula).
"""

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "QueueMetrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents_for_service_level",
    "mg1_mean_wait_min",
    "mm_inf_mean_busy",
    "mmc_metrics",
]


@dataclass(frozen=True)
class QueueMetrics:
    """Long-run performance of a queue; see the module docstring for the conventions.

    Attributes
    ----------
    p_wait : float
        Probability that an arrival has to wait, P(W > 0).
    p_abandon : float
        Probability that an arrival hangs up before being served.
    mean_wait_min : float
        Mean wait over all arrivals, in minutes; abandoned callers count with their time until
        hanging up.
    asa_min : float
        Average speed of answer: mean wait of served callers only, in minutes.
    service_level : float
        Served within the threshold divided by (served + abandoned).
    occupancy : float
        Mean fraction of agents busy.
    mean_queue_length : float
        Time-average number of callers waiting.
    mean_in_system : float
        Time-average number of callers waiting or in service.
    """

    p_wait: float
    p_abandon: float
    mean_wait_min: float
    asa_min: float
    service_level: float
    occupancy: float
    mean_queue_length: float
    mean_in_system: float


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _non_negative(name: str, value: float) -> float:
    value = float(value)
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return value


def _server_count(servers: int, *, allow_zero: bool) -> int:
    # bool is an int subclass, but True agents is almost certainly a caller's mistake.
    if isinstance(servers, bool) or not isinstance(servers, int | np.integer):
        raise ValueError(f"servers must be an integer, got {servers!r}")
    count = int(servers)
    lowest = 0 if allow_zero else 1
    if count < lowest:
        raise ValueError(f"servers must be >= {lowest}, got {count}")
    return count


# --------------------------------------------------------------------------------------------
# Erlang B and C
# --------------------------------------------------------------------------------------------


def _erlang_b_step(servers: int, offered_load: float, previous: float) -> float:
    # B(n) = a B(n-1) / (n + a B(n-1)): every quantity stays in [0, 1], so unlike the textbook
    # a**n / n! form it cannot overflow for hundreds or thousands of servers.
    return offered_load * previous / (servers + offered_load * previous)


def _erlang_c_from_b(servers: int, offered_load: float, blocking: float) -> float:
    rho = offered_load / servers
    return blocking / (1.0 - rho * (1.0 - blocking))


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of the Erlang loss system M/M/c/c.

    Parameters
    ----------
    servers : int
        Number of servers (agents, lines), ``>= 0``.
    offered_load : float
        Offered load in Erlangs: arrival rate times mean holding time, ``>= 0``.

    Returns
    -------
    float
        Fraction of arrivals that find all servers busy and are lost.

    Raises
    ------
    ValueError
        If ``servers`` is not a non-negative integer or ``offered_load`` is negative.

    Notes
    -----
    Uses the recursion ``B(0) = 1``, ``B(n) = a B(n-1) / (n + a B(n-1))``, which is stable and
    costs O(servers).
    """
    count = _server_count(servers, allow_zero=True)
    load = _non_negative("offered_load", offered_load)
    blocking = 1.0
    for n in range(1, count + 1):
        blocking = _erlang_b_step(n, load, blocking)
    return blocking


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability of waiting, P(W > 0), in the Erlang delay system M/M/c.

    Parameters
    ----------
    servers : int
        Number of agents, ``>= 0``.
    offered_load : float
        Offered load in Erlangs: arrival rate times mean handling time, ``>= 0``.

    Returns
    -------
    float
        Probability that an arrival must wait. Returns 1.0 when ``offered_load >= servers``
        (the queue grows without bound, so in the long run everybody waits).

    Raises
    ------
    ValueError
        If ``servers`` is not a non-negative integer or ``offered_load`` is negative.

    Notes
    -----
    Computed from Erlang B as ``C = B / (1 - rho (1 - B))`` with ``rho = a / c``.
    """
    count = _server_count(servers, allow_zero=True)
    load = _non_negative("offered_load", offered_load)
    if load >= count:
        return 1.0
    if load == 0.0:
        return 0.0
    return _erlang_c_from_b(count, load, erlang_b(count, load))


def _mmc_service_level(
    servers: int,
    arrival_rate_per_min: float,
    mean_service_min: float,
    threshold_min: float,
    p_wait: float,
) -> float:
    # Shared by mmc_metrics and the staffing search so both give bit-identical answers.
    decay_per_min = servers / mean_service_min - arrival_rate_per_min
    return 1.0 - p_wait * math.exp(-decay_per_min * threshold_min)


def mmc_metrics(
    arrival_rate_per_min: float, mean_service_min: float, servers: int, threshold_min: float
) -> QueueMetrics:
    """Performance of the M/M/c queue without abandonment (Erlang C).

    Parameters
    ----------
    arrival_rate_per_min : float
        Poisson arrival rate, calls per minute (``> 0``).
    mean_service_min : float
        Mean (exponential) handling time in minutes (``> 0``).
    servers : int
        Number of agents (``>= 1``).
    threshold_min : float
        Service-level threshold in minutes (``>= 0``; 0 gives the fraction answered at once).

    Returns
    -------
    QueueMetrics
        ``p_abandon`` is 0 and ``asa_min`` equals ``mean_wait_min`` because nobody hangs up.

    Raises
    ------
    ValueError
        If an input is out of range, or if the offered load is at least the number of agents
        (the queue is unstable and has no long-run averages).
    """
    lam = _positive("arrival_rate_per_min", arrival_rate_per_min)
    service = _positive("mean_service_min", mean_service_min)
    count = _server_count(servers, allow_zero=False)
    threshold = _non_negative("threshold_min", threshold_min)
    load = lam * service
    if load >= count:
        raise ValueError(
            f"M/M/c is unstable: offered load {load:.6g} Erlang >= {count} servers; "
            "add servers or use erlang_a_metrics, which allows abandonment"
        )
    p_wait = erlang_c(count, load)
    mean_wait = p_wait / (count / service - lam)
    queue_length = lam * mean_wait
    return QueueMetrics(
        p_wait=p_wait,
        p_abandon=0.0,
        mean_wait_min=mean_wait,
        asa_min=mean_wait,
        service_level=_mmc_service_level(count, lam, service, threshold, p_wait),
        occupancy=load / count,
        mean_queue_length=queue_length,
        mean_in_system=queue_length + load,
    )


# --------------------------------------------------------------------------------------------
# Other single-formula models
# --------------------------------------------------------------------------------------------


def mg1_mean_wait_min(
    arrival_rate_per_min: float, mean_service_min: float, service_cv: float
) -> float:
    """Mean wait in queue of the M/G/1 queue (Pollaczek-Khinchine formula).

    Parameters
    ----------
    arrival_rate_per_min : float
        Poisson arrival rate per minute (``> 0``).
    mean_service_min : float
        Mean service time in minutes (``> 0``).
    service_cv : float
        Coefficient of variation (standard deviation / mean) of the service time (``>= 0``);
        1 for exponential, 0 for deterministic service.

    Returns
    -------
    float
        ``W_q = rho * E[S] * (1 + cv**2) / (2 (1 - rho))`` in minutes, ``rho = lambda E[S]``.

    Raises
    ------
    ValueError
        If an input is out of range or ``rho >= 1``.
    """
    lam = _positive("arrival_rate_per_min", arrival_rate_per_min)
    service = _positive("mean_service_min", mean_service_min)
    cv = _non_negative("service_cv", service_cv)
    rho = lam * service
    if rho >= 1.0:
        raise ValueError(f"M/G/1 is unstable: utilisation {rho:.6g} >= 1")
    return rho * service * (1.0 + cv * cv) / (2.0 * (1.0 - rho))


def mm_inf_mean_busy(arrival_rate_per_min: float, mean_service_min: float) -> float:
    """Mean number of busy servers in the M/M/inf (and M/G/inf) queue.

    Parameters
    ----------
    arrival_rate_per_min : float
        Poisson arrival rate per minute (``>= 0``).
    mean_service_min : float
        Mean service time in minutes (``>= 0``).

    Returns
    -------
    float
        The offered load ``lambda * E[S]`` in Erlangs; it does not depend on the service-time
        distribution beyond its mean.

    Raises
    ------
    ValueError
        If an input is negative or not finite.
    """
    lam = _non_negative("arrival_rate_per_min", arrival_rate_per_min)
    service = _non_negative("mean_service_min", mean_service_min)
    return lam * service


# --------------------------------------------------------------------------------------------
# Staffing
# --------------------------------------------------------------------------------------------


def erlang_c_agents_for_service_level(
    arrival_rate_per_min: float,
    mean_service_min: float,
    threshold_min: float,
    target: float,
    max_occupancy: float = 1.0,
) -> int:
    """Fewest agents whose Erlang C service level meets a target.

    Parameters
    ----------
    arrival_rate_per_min : float
        Poisson arrival rate, calls per minute (``> 0``).
    mean_service_min : float
        Mean handling time in minutes (``> 0``).
    threshold_min : float
        Service-level threshold in minutes (``>= 0``), e.g. ``20 / 60`` for "within 20 s".
    target : float
        Required service level, ``0 < target < 1`` (e.g. 0.8).
    max_occupancy : float, default 1.0
        Upper bound on the occupancy ``a / c`` (``0 < max_occupancy <= 1``); planners often cap
        it at 0.85-0.9 to leave room for breaks and after-call work. The queue must be stable
        in any case, so occupancy is always strictly below 1.

    Returns
    -------
    int
        The smallest ``c`` with ``a / c < 1``, ``a / c <= max_occupancy`` and
        ``mmc_metrics(...).service_level >= target``.

    Raises
    ------
    ValueError
        If an input is out of range.

    Notes
    -----
    The service level increases with ``c``, so a linear search upward from the smallest
    admissible ``c`` finds the answer; Erlang B is updated incrementally, so the search costs
    O(c) in total.
    """
    lam = _positive("arrival_rate_per_min", arrival_rate_per_min)
    service = _positive("mean_service_min", mean_service_min)
    threshold = _non_negative("threshold_min", threshold_min)
    goal = float(target)
    if not 0.0 < goal < 1.0:
        raise ValueError(f"target must lie strictly between 0 and 1, got {target!r}")
    cap = float(max_occupancy)
    if not 0.0 < cap <= 1.0:
        raise ValueError(f"max_occupancy must lie in (0, 1], got {max_occupancy!r}")

    load = lam * service
    count = math.floor(load) + 1
    if cap < 1.0:
        count = max(count, math.ceil(load / cap))
        # load / cap can round up past an integer (8 / 0.8 = 10.000000000000002); step back
        # while the occupancy check itself still passes.
        while count - 1 > load and load / (count - 1) <= cap:
            count -= 1
        while load / count > cap:
            count += 1
    # Far beyond the load, Erlang C is below 1e-300; reaching here means a bug, not a hard case.
    limit = count + math.ceil(60.0 * math.sqrt(load)) + 1000
    blocking = erlang_b(count, load)
    while count <= limit:
        p_wait = _erlang_c_from_b(count, load, blocking)
        if _mmc_service_level(count, lam, service, threshold, p_wait) >= goal:
            return count
        count += 1
        blocking = _erlang_b_step(count, load, blocking)
    raise ValueError(f"no staffing level up to {limit} agents reaches service level {goal}")
