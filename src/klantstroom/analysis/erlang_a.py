"""Erlang A (M/M/c+M): the contact centre whose waiting callers hang up.

Callers arrive at rate lambda, ``c`` agents serve at rate mu each, and a waiting caller hangs up
after an exponentially distributed patience (rate theta). Because impatient callers leave, the
queue is stable at any load; it is the realistic model for a municipal contact centre (KCC).
:func:`erlang_a_metrics` gives its :class:`~klantstroom.analysis.erlang.QueueMetrics`, with the
units and the service-level convention of :mod:`klantstroom.analysis.erlang`.

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
"""

import math

import numpy as np
from scipy import special

from klantstroom.analysis.erlang import (
    QueueMetrics,
    _non_negative,
    _positive,
    _server_count,
    erlang_b,
)

__all__ = ["erlang_a_metrics"]

# The Erlang A Markov chain is truncated where the remaining stationary mass is below this
# fraction of the mass of the states with a queue (and so below it in absolute terms too).
_CTMC_TAIL_MASS = 1e-13
# Guard against building a chain that does not fit in memory (very long patience combined with
# overload makes the queue, and thus the chain, enormous).
_MAX_CTMC_STATES = 2_000_000


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
