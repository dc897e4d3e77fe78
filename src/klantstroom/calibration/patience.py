"""Patience: how long callers are willing to wait, from waits that are partly censored.

The functions here take a call log as described in :mod:`klantstroom.calibration.logs` (one row
per call that reached the queue) or waits cut from one, and return the patience distribution
the scenario needs. Times are seconds (``_s``). They are pure functions: no files, no plots, no
global state.

The estimators, in plain words
------------------------------
Patience (:func:`kaplan_meier`, :func:`fit_patience`)
    A caller's patience is seen only for callers who hung up: their wait *is* their patience.
    A caller who was answered after waiting ``w`` seconds had a patience of *at least* ``w``;
    that observation is right-censored. Ignoring the censored callers would make callers look
    far less patient than they are. The Kaplan-Meier (product-limit) estimator gives the
    fraction of callers still willing to wait after ``t`` seconds without assuming any shape
    (Kaplan & Meier 1958). For a parametric fit, each abandoned caller contributes the density
    of their wait and each answered caller the probability of a patience longer than their
    wait; maximising that likelihood is the censored MLE. For the exponential it has a closed
    form: the abandonment rate is the number of abandonments divided by the total time all
    callers spent waiting (Gans, Koole & Mandelbaum 2003, section 6.3.3; Brown et al. 2005,
    section 5). Lognormal and Weibull are fitted numerically and compared by AIC.

References
----------
Brown, L., Gans, N., Mandelbaum, A., Sakov, A., Shen, H., Zeltyn, S., Zhao, L. (2005).
Statistical analysis of a telephone call center: a queueing-science perspective. Journal of the
American Statistical Association 100(469), 36-50.

Gans, N., Koole, G., Mandelbaum, A. (2003). Telephone call centers: tutorial, review, and
research prospects. Manufacturing & Service Operations Management 5(2), 79-141.

Kaplan, E. L., Meier, P. (1958). Nonparametric estimation from incomplete observations.
Journal of the American Statistical Association 53(282), 457-481.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from klantstroom.calibration.service_times import _cell, _lognormal_moments, _with_delta_aic

# The distribution kinds a scenario can express with a mean and a coefficient of variation.
PATIENCE_KINDS_EXPRESSIBLE: tuple[str, ...] = ("exponential", "lognormal")


def kaplan_meier(durations_s: np.ndarray, observed: np.ndarray) -> pd.DataFrame:
    """Product-limit (Kaplan-Meier) estimate of a survival function from right-censored data.

    For patience: ``durations_s`` are the waits of all queued calls, ``observed`` is True for
    abandoned calls (the wait is the patience) and False for served calls (patience was at
    least the wait: right-censored).

    Parameters
    ----------
    durations_s : numpy.ndarray
        Non-negative durations, seconds.
    observed : numpy.ndarray
        Booleans, same length: True = event (abandonment), False = censored.

    Returns
    -------
    pandas.DataFrame
        One row per distinct duration, ascending: ``time_s``, ``at_risk`` (durations >= time),
        ``events``, ``censored`` and ``survival`` = estimated P(patience > time_s), the product
        over event times up to and including ``time_s`` of ``1 - events / at_risk``. Survival
        at any ``t`` is the value of the last row with ``time_s <= t`` (1 before the first);
        see :func:`survival_at`.

    Raises
    ------
    ValueError
        On mismatched lengths, negative or non-finite durations.

    Notes
    -----
    Ties follow the usual convention: at a time with both events and censorings, the events
    happen first, so callers censored at ``t`` still count as at risk at ``t``.
    """
    t = np.asarray(durations_s, dtype=float)
    event = np.asarray(observed, dtype=bool)
    if t.shape != event.shape or t.ndim != 1:
        raise ValueError("durations_s and observed must be 1-d arrays of the same length")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("durations must be finite and non-negative")
    times, inverse = np.unique(t, return_inverse=True)
    total = np.bincount(inverse, minlength=times.size)
    events = np.bincount(inverse, weights=event, minlength=times.size).astype(np.int64)
    # At risk at a time = everyone whose duration is at least that time, which includes those
    # censored at it: this is "events before censorings".
    at_risk = t.size - np.concatenate(([0], np.cumsum(total)[:-1]))
    survival = np.cumprod(1.0 - events / at_risk)
    return pd.DataFrame(
        {
            "time_s": times,
            "at_risk": at_risk.astype(np.int64),
            "events": events,
            "censored": (total - events).astype(np.int64),
            "survival": survival,
        }
    )


def survival_at(table: pd.DataFrame, times_s: np.ndarray | float) -> np.ndarray:
    """Read a Kaplan-Meier step function (from :func:`kaplan_meier`) at the given times.

    Returns
    -------
    numpy.ndarray
        P(patience > t) for each t: the survival of the last row with ``time_s <= t``, or 1
        before the first row.
    """
    t = np.atleast_1d(np.asarray(times_s, dtype=float))
    position = np.searchsorted(table["time_s"].to_numpy(), t, side="right")
    steps = np.concatenate(([1.0], table["survival"].to_numpy(dtype=float)))
    return np.asarray(steps[position])


@dataclass(frozen=True, eq=False)
class PatienceFit:
    """Patience distribution from censored waits, and how every candidate fitted.

    Attributes
    ----------
    kind : str
        The best (lowest AIC) family a scenario can express: ``"exponential"`` or
        ``"lognormal"``.
    mean_s, cv : float
        Mean (seconds) and coefficient of variation of that fitted distribution.
    best_kind : str
        The best family overall, which may be ``"weibull"`` (not expressible in a scenario).
    best_mean_s, best_cv : float
        Mean and cv of the overall best fit.
    n : int
        Queued calls used (served calls count as censored observations).
    n_abandoned : int
        Abandonments among them (events).
    n_dropped : int
        Calls left out because their wait was missing or negative.
    n_zero_wait_abandoned : int
        Abandonments recorded with a wait of 0 s, placed at ``zero_wait_s`` for the parametric
        fits (see :func:`fit_patience`).
    candidates : pandas.DataFrame
        One row per family (index ``kind``): ``n_params``, ``log_likelihood``, ``aic``,
        ``delta_aic``, ``mean_s``, ``cv``, ``parameters`` (as text), ``expressible`` (a
        scenario can use it) and ``max_diff_km`` (largest gap between the fitted survival
        function and the Kaplan-Meier estimate at the event times: a shape check that needs no
        parametric assumption).
    kaplan_meier : pandas.DataFrame
        The Kaplan-Meier table of :func:`kaplan_meier` (with the original waits).
    """

    kind: str
    mean_s: float
    cv: float
    best_kind: str
    best_mean_s: float
    best_cv: float
    n: int
    n_abandoned: int
    n_dropped: int
    n_zero_wait_abandoned: int
    candidates: pd.DataFrame
    kaplan_meier: pd.DataFrame


def _censored_lognormal_loglik(
    params: np.ndarray, t_event: np.ndarray, t_censored: np.ndarray
) -> float:
    """Log-likelihood with params (mu, log sigma): log-density of events + log-survival."""
    mu, sigma = float(params[0]), math.exp(float(params[1]))
    z_event = (np.log(t_event) - mu) / sigma
    log_density = -np.log(t_event) - math.log(sigma) - 0.5 * math.log(2 * math.pi) - z_event**2 / 2
    # Censored at 0 contributes log S(0) = 0; log_ndtr(-inf) = 0 handles it without a warning.
    with np.errstate(divide="ignore"):
        z_censored = (np.log(t_censored) - mu) / sigma
    return float(log_density.sum() + special.log_ndtr(-z_censored).sum())


def _censored_weibull_loglik(
    params: np.ndarray, t_event: np.ndarray, t_censored: np.ndarray
) -> float:
    """Log-likelihood with params (log shape k, log scale lam); log S(t) = -(t/lam)^k."""
    k, lam = math.exp(float(params[0])), math.exp(float(params[1]))
    with np.errstate(over="ignore"):
        r_event = t_event / lam
        log_density = math.log(k / lam) + (k - 1.0) * np.log(r_event) - r_event**k
        log_survival = -((t_censored / lam) ** k)
    return float(log_density.sum() + log_survival.sum())


def _maximise(
    loglik: Callable[[np.ndarray, np.ndarray, np.ndarray], float],
    start: np.ndarray,
    t_event: np.ndarray,
    t_censored: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Maximise a two-parameter log-likelihood (unconstrained parametrisation) by Nelder-Mead."""

    def negative(params: np.ndarray) -> float:
        value = -loglik(params, t_event, t_censored)
        # Extreme trial points can overflow; tell the simplex they are worthless, not NaN.
        return value if math.isfinite(value) else math.inf

    # Nelder-Mead needs no gradients and is robust for two parameters on a log scale; the
    # tolerances are tight because AIC differences of a few units matter.
    result = optimize.minimize(
        negative,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-8, "maxiter": 5000},
    )
    return np.asarray(result.x, dtype=float), -float(result.fun)


def fit_patience(calls: pd.DataFrame, zero_wait_s: float = 0.5) -> PatienceFit:
    """Fit the patience distribution to abandoned (event) and served (censored) waits.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses ``wait_s`` and ``outcome``. Keep *all* queued calls: served calls
        answered at once are censored at 0 and add nothing, which is correct, and dropping
        served calls would bias patience downwards.
    zero_wait_s : float
        Where abandonments recorded with a wait of exactly 0 s are placed for the parametric
        fits. A density-based likelihood cannot use a patience of 0 (the lognormal and Weibull
        densities vanish or explode there); logs in whole seconds mean "less than a second",
        so half a second is the default. The same value is used for every family, so their
        likelihoods stay comparable. The Kaplan-Meier table uses the recorded waits.

    Returns
    -------
    PatienceFit

    Raises
    ------
    ValueError
        If there are no abandonments (patience cannot be estimated: it may be infinite).

    Notes
    -----
    Exponential: rate = abandonments / total waiting time of all queued calls (closed-form
    censored MLE). Lognormal (mu, sigma) and Weibull (shape k, scale lam) maximise the censored
    log-likelihood ``sum over abandoned log f(w) + sum over served log S(w)`` numerically. The
    Weibull contains the exponential (k = 1) and is started there, so it never fits worse.
    Weibull mean = ``lam * Gamma(1 + 1/k)`` and ``cv^2 = Gamma(1 + 2/k) / Gamma(1 + 1/k)^2 - 1``.
    A scenario cannot express a Weibull, so :attr:`PatienceFit.kind` is the better of the
    exponential and lognormal; the Weibull stays in the table for judgement.

    The censoring must be independent of patience, which holds when the offered wait depends
    on the state of the queue but not on the caller's patience (standard for these logs).
    """
    wait = pd.to_numeric(calls["wait_s"], errors="coerce").to_numpy(dtype=float)
    abandoned = (calls["outcome"] == "abandoned").to_numpy(dtype=bool)
    keep = np.isfinite(wait) & (wait >= 0)
    n_dropped = int((~keep).sum())
    wait, abandoned = wait[keep], abandoned[keep]
    n_abandoned = int(abandoned.sum())
    if n_abandoned == 0:
        raise ValueError("no abandoned calls: patience cannot be estimated from this log")

    km = kaplan_meier(wait, abandoned)
    n_zero = int((abandoned & (wait == 0)).sum())
    t_event = np.where(wait[abandoned] == 0, zero_wait_s, wait[abandoned])
    t_censored = wait[~abandoned]
    total_wait_s = float(t_event.sum() + t_censored.sum())

    rows = []
    survivals: dict[str, Callable[[np.ndarray], np.ndarray]] = {}

    exp_mean = total_wait_s / n_abandoned
    exp_loglik = -n_abandoned * math.log(exp_mean) - total_wait_s / exp_mean
    rows.append(("exponential", 1, exp_loglik, exp_mean, 1.0, f"rate_per_s={1 / exp_mean:.6g}"))
    survivals["exponential"] = lambda t: np.exp(-t / exp_mean)

    # Start the lognormal at the median of the exponential fit with a moderate spread.
    ln_start = np.array([math.log(exp_mean * math.log(2.0)), 0.0])
    (mu, log_sigma), ln_loglik = _maximise(
        _censored_lognormal_loglik, ln_start, t_event, t_censored
    )
    sigma = math.exp(log_sigma)
    ln_mean, ln_cv = _lognormal_moments(mu, sigma)
    rows.append(("lognormal", 2, ln_loglik, ln_mean, ln_cv, f"mu={mu:.6g}, sigma={sigma:.6g}"))
    survivals["lognormal"] = lambda t: stats.lognorm.sf(t, sigma, scale=math.exp(mu))

    wb_start = np.array([0.0, math.log(exp_mean)])  # k = 1: the exponential fit
    (log_k, log_lam), wb_loglik = _maximise(_censored_weibull_loglik, wb_start, t_event, t_censored)
    k, lam = math.exp(log_k), math.exp(log_lam)
    g1, g2 = math.gamma(1.0 + 1.0 / k), math.gamma(1.0 + 2.0 / k)
    wb_mean, wb_cv = lam * g1, math.sqrt(max(0.0, g2 / g1**2 - 1.0))
    rows.append(("weibull", 2, wb_loglik, wb_mean, wb_cv, f"shape={k:.6g}, scale={lam:.6g}"))
    survivals["weibull"] = lambda t: stats.weibull_min.sf(t, k, scale=lam)

    event_times = km.loc[km["events"] > 0, "time_s"].to_numpy(dtype=float)
    km_at_events = km.loc[km["events"] > 0, "survival"].to_numpy(dtype=float)
    table = pd.DataFrame(
        [
            {
                "kind": kind,
                "n_params": n_params,
                "log_likelihood": loglik,
                "aic": 2.0 * n_params - 2.0 * loglik,
                "mean_s": mean_s,
                "cv": cv,
                "parameters": parameters,
                "expressible": kind in PATIENCE_KINDS_EXPRESSIBLE,
                "max_diff_km": float(np.max(np.abs(survivals[kind](event_times) - km_at_events))),
            }
            for kind, n_params, loglik, mean_s, cv, parameters in rows
        ]
    ).set_index("kind")
    table = _with_delta_aic(table)

    best = str(table["aic"].idxmin())
    expressible = table[table["expressible"]]
    chosen = str(expressible["aic"].idxmin())
    return PatienceFit(
        kind=chosen,
        mean_s=_cell(table, chosen, "mean_s"),
        cv=_cell(table, chosen, "cv"),
        best_kind=best,
        best_mean_s=_cell(table, best, "mean_s"),
        best_cv=_cell(table, best, "cv"),
        n=int(wait.size),
        n_abandoned=n_abandoned,
        n_dropped=n_dropped,
        n_zero_wait_abandoned=n_zero,
        candidates=table,
        kaplan_meier=km,
    )
