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
    municipal contact centre (KCC). See :func:`erlang_a_metrics`.
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

How Erlang A is computed
------------------------
Probability of waiting, probability of abandoning and mean wait come from the closed forms of
Mandelbaum & Zeltyn, which use the lower incomplete gamma function through

    A(x, y) = x * e**y / y**x * gamma_lower(x, y),   x = c*mu/theta,  y = lambda/theta,

and the Erlang B value ``E = erlang_b(c, lambda/mu)``::

    P(W > 0)           = A * E / (1 + (A - 1) * E)
    P(Ab | W > 0)      = 1 / (rho * A) + 1 - 1 / rho,   rho = lambda / (c*mu)
    E[W]               = P(Ab) / theta                  (Little's law on the queue)

For accuracy A is summed from its power series ``sum_j y**j / ((x+1)...(x+j))`` (the same
function; evaluating it from ``gammaln`` loses digits when there are hundreds of agents), and
P(Ab | W > 0) from the equivalent ``sum_j j t_j / (y A)``, which avoids subtracting nearly equal
numbers when patience is long.

The service level and the ASA of served callers come from the exact birth-death Markov chain
(states k = 0..K, arrivals at rate lambda, departures at rate
``min(k, c)*mu + max(k - c, 0)*theta``, truncated where the remaining probability is below
1e-12) combined with PASTA (arrivals see the time-stationary state) and the wait of a tagged
caller who finds ``m`` callers ahead. That caller moves one place up at rate
``c*mu + (ahead)*theta`` and hangs up at rate ``theta``; its wait until it leaves the queue,
whichever way, is a sum of exponentials with rates ``c*mu + (i+1)*theta``, i = 0..m, and it is
served with probability ``c*mu / (c*mu + (m+1)*theta)``. Because the rates are evenly spaced,
the distribution function of that sum is a regularised incomplete beta function, which is
exact and cheaper than a matrix exponential (the tests check it against one).

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
from scipy import special

__all__ = [
    "QueueMetrics",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents_for_service_level",
    "mg1_mean_wait_min",
    "mm_inf_mean_busy",
    "mmc_metrics",
]

# The Erlang A Markov chain is truncated where the remaining stationary mass is below this
# fraction of the mass of the states with a queue (and so below it in absolute terms too).
_CTMC_TAIL_MASS = 1e-13
# Guard against building a chain that does not fit in memory (very long patience combined with
# overload makes the queue, and thus the chain, enormous).
_MAX_CTMC_STATES = 2_000_000


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
# Erlang A: closed forms
# --------------------------------------------------------------------------------------------


# Beyond this many series terms before the peak, A(x, y) is evaluated with the gamma function.
_MAX_SERIES_OVERSHOOT = 1_000_000


def _mz_series(x: float, y: float) -> tuple[float, float]:
    """Return ``1 / A(x, y)`` and ``P(Ab | W > 0)`` from the power series of A.

    ``A(x, y) = sum_{j>=0} t_j`` with ``t_j = y**j / ((x+1)(x+2)...(x+j))``; ``t_j`` is the
    relative stationary weight of ``j`` callers waiting, so ``P(Ab | W > 0) = theta E[Q | W>0]
    / lambda = sum_j j t_j / (y A)``, an exact rearrangement of ``1/(rho A) + 1 - 1/rho``.
    The terms rise while ``x + j < y`` and fall after that.
    """
    n_terms = 64 + math.ceil(max(0.0, y - x) + 12.0 * math.sqrt(max(x, y)))
    while True:
        j = np.arange(1, n_terms + 1, dtype=float)
        # Taking the log of the ratio (not log y - log(x + j)) keeps each step's absolute error
        # at rounding level even when y and x + j are large and close, so the sum does not drift.
        log_terms = np.concatenate(([0.0], np.cumsum(np.log(y / (x + j)))))
        # Rescale by the largest term: A can exceed the float range when y >> x.
        peak = float(log_terms.max())
        terms = np.exp(log_terms - peak)
        total = float(terms.sum())
        weighted = float((j * terms[1:]).sum())
        # Beyond the last term the ratio of successive terms is at most r < 1, which bounds
        # what the truncated tail can still add to sum_j j t_j.
        r = y / (x + n_terms + 1.0)
        if r < 1.0:
            tail = float(terms[-1]) * (n_terms * r / (1.0 - r) + r / (1.0 - r) ** 2)
            if tail <= 1e-17 * weighted:
                return math.exp(-peak) / total, weighted / (y * total)
        n_terms *= 2


def _mz_inverse_a_and_abandon_given_wait(x: float, y: float) -> tuple[float, float]:
    """Return ``1 / A(x, y)`` and ``P(Ab | W > 0)`` for Erlang A.

    Two numerically safe routes to the same closed form:

    * Usually the power series of A (:func:`_mz_series`): all terms are positive, nothing
      underflows, and it avoids the cancellation in ``1/(rho A) + 1 - 1/rho`` when patience is
      long and ``rho < 1``. Evaluating ``A`` from ``gammaln`` instead would lose about
      ``x * 1e-16`` in ``log A``, which is already 1e-10 for a few hundred agents.
    * When the terms keep rising for more than a million steps (``y - x`` huge: extreme
      overload with very long patience), A is astronomically large and is evaluated in log
      space from scipy's regularised incomplete gamma function, which is then close to 1;
      ``1/A`` is then negligible next to ``1 - 1/rho`` and its rounding does not matter.
    """
    if y - x <= _MAX_SERIES_OVERSHOOT:
        return _mz_series(x, y)
    ratio = y / x
    log_a = (
        math.log(x)
        # y - x log y + gammaln(x), regrouped so the large terms cancel analytically.
        + x * ((ratio - 1.0) - math.log(ratio))
        + (float(special.gammaln(x)) + x - x * math.log(x))
        + math.log(float(special.gammainc(x, y)))
    )
    inverse_a = math.exp(-log_a)
    return inverse_a, inverse_a / ratio + 1.0 - 1.0 / ratio


def _erlang_a_wait_and_abandon(
    arrival_rate_per_min: float,
    service_rate_per_min: float,
    patience_rate_per_min: float,
    servers: int,
) -> tuple[float, float]:
    """Closed-form ``(P(W > 0), P(Ab))`` of M/M/c+M (Mandelbaum & Zeltyn)."""
    x = servers * service_rate_per_min / patience_rate_per_min
    y = arrival_rate_per_min / patience_rate_per_min
    blocking = erlang_b(servers, arrival_rate_per_min / service_rate_per_min)
    inverse_a, abandon_given_wait = _mz_inverse_a_and_abandon_given_wait(x, y)
    # A E / (1 + (A - 1) E), divided through by A so that A = inf is harmless.
    p_wait = blocking / (blocking + (1.0 - blocking) * inverse_a)
    return p_wait, p_wait * abandon_given_wait


# --------------------------------------------------------------------------------------------
# Erlang A: exact birth-death chain
# --------------------------------------------------------------------------------------------


def _erlang_a_stationary(
    arrival_rate_per_min: float,
    service_rate_per_min: float,
    patience_rate_per_min: float,
    servers: int,
) -> np.ndarray:
    """Stationary probabilities of k = 0..K callers in M/M/c+M, truncated at a negligible tail."""
    lam, mu, theta, c = arrival_rate_per_min, service_rate_per_min, patience_rate_per_min, servers
    # The weights rise until the departure rate exceeds lambda; start the search beyond that.
    mode_queue = max(0, math.ceil((lam - c * mu) / theta))
    extra = 64
    while True:
        k_max = c + mode_queue + extra
        if k_max + 1 > _MAX_CTMC_STATES:
            raise ValueError(
                "Erlang A chain would need more than "
                f"{_MAX_CTMC_STATES} states (offered load {lam / mu:.6g} Erlang, {c} servers, "
                f"mean patience {1.0 / theta:.6g} min); patience is too long for this overload"
            )
        k = np.arange(1, k_max + 2, dtype=float)
        departures = np.minimum(k, c) * mu + np.maximum(k - c, 0.0) * theta
        # Log space: products of lambda / departure rate overflow for large loads.
        log_w = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(departures[:-1]))))
        shift = float(log_w.max())
        weights = np.exp(log_w - shift)
        total = float(weights.sum())
        # Past k_max the ratio of successive weights is at most r < 1 (departures grow), which
        # bounds the neglected mass. It is measured against the mass of the queueing states, not
        # against 1: when hardly anyone waits, an absolute 1e-13 would still distort waits and
        # queue lengths of order 1e-9 noticeably. Underflowed weights give a zero bound, so the
        # loop always ends.
        r = lam / float(departures[-1])
        tail = float(weights[-1]) * r / (1.0 - r) if r < 1.0 else math.inf
        if tail <= _CTMC_TAIL_MASS * min(total, float(weights[c:].sum())):
            return np.asarray(weights / total)
        extra *= 2


def _hypoexponential_cdf(
    servers_rate_per_min: float, patience_rate_per_min: float, ahead: np.ndarray, t_min: float
) -> np.ndarray:
    """CDF at ``t_min`` of ``sum_{i=0}^{m} Exp(c mu + (i+1) theta)`` for each ``m`` in ahead.

    This is the phase-type time a tagged caller with ``m`` callers ahead spends in the queue
    (ignoring how it leaves). The rates are evenly spaced, so the sum has the law of the
    (m+1)-th order statistic of ``m + 1 + c mu / theta`` unit-rate-``theta`` exponentials,
    extended to non-integer counts: ``exp(-theta T) ~ Beta(c mu / theta + 1, m + 1)``. That
    gives the CDF as a regularised incomplete beta function, which is exact and, unlike a
    matrix exponential, costs nothing even when ``c mu t`` is huge.
    """
    u = -math.expm1(-patience_rate_per_min * t_min)
    b = servers_rate_per_min / patience_rate_per_min + 1.0
    return np.asarray(special.betainc(ahead + 1.0, b, u), dtype=float)


def _erlang_a_ctmc_metrics(
    arrival_rate_per_min: float,
    mean_service_min: float,
    mean_patience_min: float,
    servers: int,
    threshold_min: float,
) -> QueueMetrics:
    """All Erlang A metrics from the truncated birth-death chain, PASTA and the tagged caller.

    Used by :func:`erlang_a_metrics` for the service level and ASA, and by the tests as an
    independent check on the closed forms.
    """
    lam = arrival_rate_per_min
    mu = 1.0 / mean_service_min
    theta = 1.0 / mean_patience_min
    c = servers
    pi = _erlang_a_stationary(lam, mu, theta, c)
    states = np.arange(pi.size, dtype=float)
    answered_at_once = float(pi[:c].sum())
    # By PASTA an arrival finds state c + m (m callers ahead) with probability pi[c + m].
    found_queue = pi[c:]
    ahead = np.arange(found_queue.size, dtype=float)
    served_rate = c * mu
    leave_rate = served_rate + (ahead + 1.0) * theta
    # The product of the per-step "not abandoning" chances telescopes to c mu / (c mu + (m+1) th).
    p_served_given_ahead = served_rate / leave_rate
    p_abandon_given_ahead = (ahead + 1.0) * theta / leave_rate
    # Holding times in a Markov chain are independent of the jumps taken, so the wait of a
    # caller who is served is the full sum of holding times, with mean sum_i 1 / leave_rate_i.
    served_wait_given_ahead = np.cumsum(1.0 / leave_rate)
    # Time until leaving the queue by either route: (m+1) / (c mu + (m+1) theta).
    wait_given_ahead = (ahead + 1.0) / leave_rate

    p_served_after_wait = float((found_queue * p_served_given_ahead).sum())
    p_served = answered_at_once + p_served_after_wait
    served_wait_total = float((found_queue * p_served_given_ahead * served_wait_given_ahead).sum())
    within = _hypoexponential_cdf(served_rate, theta, ahead, threshold_min)
    service_level = answered_at_once + float((found_queue * p_served_given_ahead * within).sum())
    busy = float((pi * np.minimum(states, c)).sum())
    return QueueMetrics(
        p_wait=float(found_queue.sum()),
        p_abandon=float((found_queue * p_abandon_given_ahead).sum()),
        mean_wait_min=float((found_queue * wait_given_ahead).sum()),
        asa_min=served_wait_total / p_served,
        service_level=min(1.0, service_level),
        occupancy=busy / c,
        mean_queue_length=float((found_queue * ahead).sum()),
        mean_in_system=float((pi * states).sum()),
    )


def erlang_a_metrics(
    arrival_rate_per_min: float,
    mean_service_min: float,
    mean_patience_min: float,
    servers: int,
    threshold_min: float,
) -> QueueMetrics:
    """Performance of the M/M/c+M queue with exponential patience (Erlang A).

    Parameters
    ----------
    arrival_rate_per_min : float
        Poisson arrival rate, calls per minute (``> 0``).
    mean_service_min : float
        Mean (exponential) handling time in minutes (``> 0``).
    mean_patience_min : float
        Mean (exponential) time a waiting caller is willing to wait, in minutes (``> 0``).
    servers : int
        Number of agents (``>= 1``).
    threshold_min : float
        Service-level threshold in minutes (``>= 0``).

    Returns
    -------
    QueueMetrics
        ``p_wait``, ``p_abandon`` and ``mean_wait_min`` from the Mandelbaum-Zeltyn closed
        forms, ``mean_queue_length``, ``occupancy`` and ``mean_in_system`` from them by Little's
        law, ``service_level`` and ``asa_min`` from the exact birth-death chain.

    Raises
    ------
    ValueError
        If an input is out of range, or if the chain would be too large to build (extremely
        long patience combined with overload).

    Notes
    -----
    Stable for any load because impatient callers leave. As patience grows the results tend
    to Erlang C (when ``a < c``); as patience shrinks to zero ``p_abandon`` tends to the Erlang
    B blocking probability.
    """
    lam = _positive("arrival_rate_per_min", arrival_rate_per_min)
    service = _positive("mean_service_min", mean_service_min)
    patience = _positive("mean_patience_min", mean_patience_min)
    count = _server_count(servers, allow_zero=False)
    threshold = _non_negative("threshold_min", threshold_min)

    p_wait, p_abandon = _erlang_a_wait_and_abandon(lam, 1.0 / service, 1.0 / patience, count)
    mean_wait = p_abandon * patience
    busy = lam * service * (1.0 - p_abandon)
    queue_length = lam * mean_wait
    exact = _erlang_a_ctmc_metrics(lam, service, patience, count, threshold)
    return QueueMetrics(
        p_wait=p_wait,
        p_abandon=p_abandon,
        mean_wait_min=mean_wait,
        asa_min=exact.asa_min,
        service_level=exact.service_level,
        # In heavy overload 1 - p_abandon is close to c / a and rounding can nudge this past 1.
        occupancy=min(1.0, busy / count),
        mean_queue_length=queue_length,
        mean_in_system=queue_length + busy,
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
