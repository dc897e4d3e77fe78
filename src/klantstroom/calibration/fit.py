"""Estimate the model's inputs from a normalised call log.

Every function here takes a call log as described in :mod:`klantstroom.calibration.logs` (one
row per call that reached the queue) or an array cut from one, and returns numbers the scenario
needs. They are pure functions: no files, no plots, no global state. Times in the log are
seconds (``_s``); volumes and staffing are per interval of the day, labelled by the interval's
start in minutes after midnight (0, 30, 60, ... for 30-minute intervals).

The estimators, in plain words
------------------------------
Arrival profile (:func:`arrival_profile`)
    Count the calls that arrived in each interval of each date, then average those counts over
    the dates of the same weekday. That average is the arrival *rate* per interval the
    simulator draws Poisson arrivals from. On top of Poisson noise, real daily volumes swing
    from day to day (weather, a letter sent to every household, a holiday just past). The
    standard model for that is a Poisson mixture: the day's rate is the average rate times a
    random day factor with mean 1 and coefficient of variation ``c`` (gamma-distributed, which
    makes the daily count negative binomial). Then ``Var N = m + c^2 m^2`` for a daily count
    with mean ``m``, so ``c^2 = Var N / m^2 - 1/m``: the observed squared coefficient of
    variation minus the part Poisson noise alone explains. This ``c`` is the scenario's
    ``daily_volume_cv`` (Jongbloed & Koole 2001; Brown et al. 2005, section 3).

Service times (:func:`fit_service_times`)
    Fit an exponential, a lognormal and a gamma distribution by maximum likelihood and keep the
    one with the lowest AIC (Akaike 1974): twice the number of parameters minus twice the
    log-likelihood, so a two-parameter family has to fit clearly better to beat the
    one-parameter exponential. Call-centre service times are typically close to lognormal
    (Brown et al. 2005, section 4). The Kolmogorov-Smirnov distance between the data and each
    fitted distribution is reported as a check on the absolute fit; its p-value is too
    optimistic because the parameters were estimated from the same data (Lilliefors 1967).

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

Redials (:func:`detect_redials`)
    A caller who hangs up often calls again soon. With a caller identifier, a call is a redial
    when the same caller abandoned a call at most ``window_min`` minutes before it arrived. The
    fraction of abandonments followed by such a call is the redial probability; the delays
    give the redial-delay distribution (exponential: the mean delay). See Mandelbaum & Zeltyn
    (2013) on (im)patient customers and Ding et al. (2015) on redials.

Staffing (:func:`infer_staffing`)
    Logs rarely hold the roster, but every answered call says which agent was working when. An
    agent's working spell runs from their first answered call to the end of their last one,
    broken wherever they were off calls for longer than a break; the number of spells covering
    an interval (time-averaged) is the number of agents on duty. An agent's day that starts just
    after (ends just before) a shift boundary is extended to it: the agent was waiting for a
    call. For the fitted scenario each date keeps its agent hours but spreads them in its
    weekday's mean shape (:func:`staffing_on_weekday_shape`), exactly as its calls are spread:
    the half-hourly staffing of a single date follows that date's own calls, which calls drawn
    from the weekday profile cannot do (:func:`staffing_follows_calls`).

References
----------
Akaike, H. (1974). A new look at the statistical model identification. IEEE Transactions on
Automatic Control 19(6), 716-723.

Brown, L., Gans, N., Mandelbaum, A., Sakov, A., Shen, H., Zeltyn, S., Zhao, L. (2005).
Statistical analysis of a telephone call center: a queueing-science perspective. Journal of the
American Statistical Association 100(469), 36-50.

Ding, S., Remerova, M., van der Mei, R. D., Zwart, B. (2015). Fluid approximation of a call
center model with redials and reconnects. Performance Evaluation 92, 24-39.

Gans, N., Koole, G., Mandelbaum, A. (2003). Telephone call centers: tutorial, review, and
research prospects. Manufacturing & Service Operations Management 5(2), 79-141.

Jongbloed, G., Koole, G. (2001). Managing uncertainty in call centres using Poisson mixtures.
Applied Stochastic Models in Business and Industry 17(4), 307-318.

Kaplan, E. L., Meier, P. (1958). Nonparametric estimation from incomplete observations.
Journal of the American Statistical Association 53(282), 457-481.

Lilliefors, H. W. (1967). On the Kolmogorov-Smirnov test for normality with mean and variance
unknown. Journal of the American Statistical Association 62(318), 399-402.

Mandelbaum, A., Zeltyn, S. (2013). Data-stories about (im)patient customers in tele-queues.
Queueing Systems 75, 115-146.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from klantstroom.calibration.availability import waiting_at

MINUTES_PER_DAY = 24 * 60
NS_PER_S = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_S
WEEKDAYS = range(7)

# The distribution kinds a scenario can express with a mean and a coefficient of variation.
PATIENCE_KINDS_EXPRESSIBLE: tuple[str, ...] = ("exponential", "lognormal")


# --------------------------------------------------------------------------------------------
# Arrival profile
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ArrivalProfile:
    """Mean arrivals per weekday and interval, and the day-to-day variability of volume.

    Attributes
    ----------
    interval_min : int
        Length of an interval in minutes.
    service : str or None
        The service the profile was restricted to; None = all calls.
    n_calls : int
        Calls counted.
    days_observed : dict of int to int
        For each weekday (0 = Monday ... 6 = Sunday) the number of dates of that weekday that
        appear in the log, i.e. have at least one call. A date in the log's range without any
        call (a closed day, a holiday, a gap in the export) is not counted: an empty date cannot
        be told apart from missing data.
    mean_per_interval : pandas.DataFrame
        Index ``weekday`` 0..6, columns the interval start in minutes after midnight (all
        intervals of the day); values are the mean number of arrivals per interval over the
        observed dates of that weekday. Weekdays never observed have 0 (closed, as far as the
        log tells); check ``days_observed`` to tell them apart.
    daily_totals : pandas.Series
        Arrivals per observed date (index ``date``, midnight timestamps).
    daily_cv_by_weekday : pandas.Series
        Observed coefficient of variation of the daily totals per weekday (index 0..6; NaN with
        fewer than two dates). It includes Poisson noise.
    daily_cv_extra_by_weekday : pandas.Series
        The part of that variability beyond Poisson, ``sqrt(max(0, var/mean^2 - 1/mean))``.
    daily_cv : float
        The extra (non-Poisson) coefficient of variation of daily volume, pooled over weekdays:
        the per-weekday estimates of its square are averaged with weights ``dates - 1``, then
        clipped at 0. This is the scenario's ``daily_volume_cv``. NaN if no weekday has two
        dates.
    """

    interval_min: int
    service: str | None
    n_calls: int
    days_observed: dict[int, int]
    mean_per_interval: pd.DataFrame
    daily_totals: pd.Series
    daily_cv_by_weekday: pd.Series
    daily_cv_extra_by_weekday: pd.Series
    daily_cv: float


def interval_starts_min(interval_min: int) -> list[int]:
    """Start minutes (after midnight) of the intervals of a day, e.g. ``[0, 30, ..., 1410]``.

    Raises
    ------
    ValueError
        If ``interval_min`` is not a positive divisor of 1440 (a day must hold whole intervals).
    """
    if interval_min <= 0 or MINUTES_PER_DAY % interval_min:
        raise ValueError(f"interval_min must divide a day (1440 min); got {interval_min}")
    return list(range(0, MINUTES_PER_DAY, interval_min))


def _timestamps(column: pd.Series) -> pd.Series:
    """The column as datetime64[ns] (importers may hand over other resolutions)."""
    return pd.to_datetime(column).astype("datetime64[ns]")


def arrival_profile(
    calls: pd.DataFrame, interval_min: int = 30, service: str | None = None
) -> ArrivalProfile:
    """Mean arrivals per weekday and interval, and the extra day-to-day variability of volume.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log (:data:`~klantstroom.calibration.logs.CALL_LOG_COLUMNS`); only ``arrival``
        (and ``service`` when restricting) is used. Every row counts, served or abandoned, as
        every row is a call that reached the queue; with a ``weight`` column a row counts that
        much (:func:`expected_fresh_calls` gives expected redials a negative weight), and an
        interval's count is kept at 0 or above.
    interval_min : int
        Interval length in minutes; must divide 1440.
    service : str or None
        Count only calls of this service; None counts all.

    Returns
    -------
    ArrivalProfile

    Raises
    ------
    ValueError
        If no calls remain or an arrival time is missing.

    Notes
    -----
    Redials are counted as arrivals here; if the simulator generates redials itself, profile
    :func:`expected_fresh_calls` instead.

    The per-weekday variance also absorbs trends and seasons within the log (a quiet summer, a
    busy tax month); a log spanning such changes overstates ``daily_cv``.
    """
    starts = interval_starts_min(interval_min)
    if service is not None:
        calls = calls[calls["service"] == service]
    if calls.empty:
        raise ValueError(f"no calls to profile (service={service!r})")
    arrival = _timestamps(calls["arrival"])
    if arrival.isna().any():
        raise ValueError(f"{int(arrival.isna().sum())} calls have no arrival time")

    date = arrival.dt.normalize()
    minute_of_day = (arrival - date).dt.total_seconds() / 60.0
    interval = (minute_of_day // interval_min * interval_min).astype(np.int64)
    weight = calls["weight"].to_numpy(dtype=float) if "weight" in calls else np.ones(len(calls))
    counts = (
        pd.DataFrame({"date": date, "interval": interval, "weight": weight})
        .groupby(["date", "interval"])["weight"]
        .sum()
        .clip(lower=0.0)
        .unstack(fill_value=0)
        .reindex(columns=starts, fill_value=0.0)
    )
    counts.columns.name = "interval_start_min"
    weekday = pd.Index(pd.DatetimeIndex(counts.index).day_of_week, name="weekday")

    mean = counts.groupby(weekday).mean().reindex(index=list(WEEKDAYS), fill_value=0.0)
    mean = mean.astype(float)
    mean.index.name = "weekday"
    days_observed = {w: int((weekday == w).sum()) for w in WEEKDAYS}

    daily = counts.sum(axis=1).rename("arrivals")
    per_weekday = daily.groupby(weekday)
    n_dates = per_weekday.size().reindex(list(WEEKDAYS), fill_value=0)
    daily_mean = per_weekday.mean().reindex(list(WEEKDAYS))
    daily_var = per_weekday.var(ddof=1).reindex(list(WEEKDAYS))
    usable = (n_dates >= 2) & (daily_mean > 0)
    cv_observed = (daily_var.pow(0.5) / daily_mean).where(usable)
    # Observed squared cv minus the 1/mean that Poisson noise alone produces (gamma-Poisson).
    extra_sq = (daily_var / daily_mean**2 - 1.0 / daily_mean).where(usable)
    cv_extra = extra_sq.clip(lower=0.0).pow(0.5)
    weights = (n_dates - 1).where(usable, 0)
    if weights.sum() > 0:
        # Average the squares (unbiased-ish pieces) before clipping, so that noise around a true
        # value of 0 does not get pushed upwards by clipping each weekday separately.
        pooled_sq = float((extra_sq.fillna(0.0) * weights).sum() / weights.sum())
        daily_cv = math.sqrt(max(0.0, pooled_sq))
    else:
        daily_cv = math.nan

    return ArrivalProfile(
        interval_min=interval_min,
        service=service,
        n_calls=round(float(weight.sum())),
        days_observed=days_observed,
        mean_per_interval=mean,
        daily_totals=daily,
        daily_cv_by_weekday=cv_observed.rename("daily_cv").rename_axis("weekday"),
        daily_cv_extra_by_weekday=cv_extra.rename("daily_cv_extra").rename_axis("weekday"),
        daily_cv=daily_cv,
    )


# --------------------------------------------------------------------------------------------
# Service times
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ServiceFit:
    """The chosen service-time distribution and how every candidate fitted.

    Attributes
    ----------
    kind : str
        ``"exponential"``, ``"lognormal"`` or ``"gamma"``: the candidate with the lowest AIC.
    mean_s : float
        Mean of the chosen fitted distribution, seconds.
    cv : float
        Its coefficient of variation (1 for the exponential).
    n : int
        Service times used.
    n_dropped : int
        Values left out because they were zero, negative or not a number.
    candidates : pandas.DataFrame
        One row per family (index ``kind``): ``n_params``, ``log_likelihood``, ``aic``,
        ``delta_aic`` (AIC minus the lowest), ``ks_statistic``, ``ks_pvalue`` (optimistic:
        parameters were estimated from the same data), ``mean_s``, ``cv`` and ``parameters``
        (the family's own parameters, as text).
    """

    kind: str
    mean_s: float
    cv: float
    n: int
    n_dropped: int
    candidates: pd.DataFrame


def _lognormal_moments(mu: float, sigma: float) -> tuple[float, float]:
    """Mean and cv of a lognormal with log-mean ``mu`` and log-sd ``sigma``."""
    return math.exp(mu + sigma**2 / 2.0), math.sqrt(math.expm1(sigma**2))


def fit_service_times(seconds: np.ndarray) -> ServiceFit:
    """Fit exponential, lognormal and gamma service times by maximum likelihood; pick by AIC.

    Parameters
    ----------
    seconds : numpy.ndarray
        Service (handling) times in seconds, e.g. ``calls["service_s"]`` of served calls.

    Returns
    -------
    ServiceFit

    Raises
    ------
    ValueError
        If fewer than two distinct positive values remain.

    Notes
    -----
    All three families have their origin fixed at 0 (``floc=0``): a service time cannot be
    negative, and a free shift parameter would chase the shortest call. Zero and negative
    values are dropped (and counted) because none of the families gives them a positive
    density; in logs they are usually connection artefacts.
    """
    values = np.asarray(seconds, dtype=float)
    keep = np.isfinite(values) & (values > 0)
    x = values[keep]
    n_dropped = int(values.size - x.size)
    if np.unique(x).size < 2:
        raise ValueError("need at least two distinct positive service times to fit")

    fitted: list[tuple[str, int, stats.rv_continuous, float, float, str]] = []
    exp_scale = float(x.mean())  # the exponential MLE is the sample mean
    fitted.append(
        ("exponential", 1, stats.expon(scale=exp_scale), exp_scale, 1.0, f"scale={exp_scale:.6g}")
    )
    # With the location fixed, scipy uses the closed-form MLE (mean and sd of log x).
    sigma, _, ln_scale = stats.lognorm.fit(x, floc=0)
    mu = math.log(ln_scale)
    ln_mean, ln_cv = _lognormal_moments(mu, sigma)
    fitted.append(
        (
            "lognormal",
            2,
            stats.lognorm(sigma, scale=ln_scale),
            ln_mean,
            ln_cv,
            f"mu={mu:.6g}, sigma={sigma:.6g}",
        )
    )
    shape, _, g_scale = stats.gamma.fit(x, floc=0)
    fitted.append(
        (
            "gamma",
            2,
            stats.gamma(shape, scale=g_scale),
            shape * g_scale,
            1.0 / math.sqrt(shape),
            f"shape={shape:.6g}, scale={g_scale:.6g}",
        )
    )

    rows = []
    for kind, n_params, dist, mean_s, cv, parameters in fitted:
        log_likelihood = float(dist.logpdf(x).sum())
        ks = stats.kstest(x, dist.cdf)
        rows.append(
            {
                "kind": kind,
                "n_params": n_params,
                "log_likelihood": log_likelihood,
                "aic": 2.0 * n_params - 2.0 * log_likelihood,
                "ks_statistic": float(ks.statistic),
                "ks_pvalue": float(ks.pvalue),
                "mean_s": mean_s,
                "cv": cv,
                "parameters": parameters,
            }
        )
    table = _with_delta_aic(pd.DataFrame(rows).set_index("kind"))
    best = str(table["aic"].idxmin())
    return ServiceFit(
        kind=best,
        mean_s=_cell(table, best, "mean_s"),
        cv=_cell(table, best, "cv"),
        n=int(x.size),
        n_dropped=n_dropped,
        candidates=table,
    )


def _with_delta_aic(table: pd.DataFrame) -> pd.DataFrame:
    """Insert ``delta_aic`` (AIC minus the lowest AIC) after the ``aic`` column."""
    table = table.copy()
    table.insert(
        list(table.columns).index("aic") + 1, "delta_aic", table["aic"] - table["aic"].min()
    )
    return table


def _cell(table: pd.DataFrame, kind: str, column: str) -> float:
    """One number from a candidates table (row ``kind``), as a Python float."""
    return float(table[column].to_numpy(dtype=float)[list(table.index).index(kind)])


# --------------------------------------------------------------------------------------------
# Patience: Kaplan-Meier and censored maximum likelihood
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Redials
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RedialFit:
    """How often and how soon callers who abandoned call again.

    Attributes
    ----------
    window_min : float
        A call counts as a redial when it arrives at most this many minutes after an
        abandonment by the same caller (inclusive).
    n_abandoned_known : int
        Abandoned calls with a known caller: the denominator of ``probability``.
    n_followed : int
        Those followed by a call from the same caller within the window.
    probability : float
        ``n_followed / n_abandoned_known`` (NaN if there are no such abandonments).
    delays_min : numpy.ndarray
        For each followed abandonment, minutes from hanging up to the next call's arrival.
    mean_delay_min : float
        Their mean: the exponential MLE of the redial delay (NaN without redials). It ignores
        that delays longer than the window cannot be seen, which is harmless when the window
        is several times the mean delay.
    n_redials : int
        Calls flagged as redials (a call following two abandonments counts once).
    n_anonymous : int
        Calls without a caller identifier, which cannot be linked to anything.
    is_redial : pandas.Series
        Boolean, aligned with the log's index: True for redial calls. ``calls[~is_redial]`` are
        the fresh arrivals.
    """

    window_min: float
    n_abandoned_known: int
    n_followed: int
    probability: float
    delays_min: np.ndarray
    mean_delay_min: float
    n_redials: int
    n_anonymous: int
    is_redial: pd.Series


def detect_redials(calls: pd.DataFrame, window_min: float = 60.0) -> RedialFit:
    """Link each abandoned call to the same caller's next call within a time window.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses ``caller_id``, ``outcome``, ``arrival``, ``abandoned`` (and
        ``wait_s`` when ``abandoned`` is missing for an abandoned call).
    window_min : float
        Maximum minutes between an abandonment and the caller's next arrival.

    Returns
    -------
    RedialFit

    Notes
    -----
    For each abandoned call with a known caller, the *next* call of that caller arriving at or
    after the moment of hanging up is looked up; if it arrives within ``window_min``, the
    abandonment was followed and that call is a redial. Chains work naturally: abandon, redial
    and abandon again, redial again gives two followed abandonments and two redials.

    Limitations: calls with an unknown caller (``caller_id`` NA: withheld numbers, switchboard
    transfers) cannot be linked, so the probability is estimated from identified callers only
    and redials among anonymous calls stay counted as fresh arrivals. Callers who call back
    after the window, or after the log ends, or through another channel, are missed; so the
    probability is a lower bound for "ever tries again".
    """
    if window_min <= 0:
        raise ValueError(f"window_min must be positive; got {window_min}")
    known_mask = calls["caller_id"].notna().to_numpy(dtype=bool)
    known = calls[known_mask]
    arrival_ns = _timestamps(known["arrival"]).to_numpy().astype(np.int64)
    is_abandoned = (known["outcome"] == "abandoned").to_numpy(dtype=bool)
    wait_td = pd.to_timedelta(pd.to_numeric(known["wait_s"], errors="coerce"), unit="s")
    hung_up = _timestamps(known["abandoned"]).fillna(_timestamps(known["arrival"]) + wait_td)
    hung_up_ns = hung_up.to_numpy().astype(np.int64)

    # Sort calls by (caller, arrival). Times are replaced by their rank among all arrival and
    # hang-up times, so that one int64 key "caller * ranks + rank" sorts and searches by caller
    # first and time second without any risk of overflow.
    caller_code = pd.factorize(known["caller_id"])[0].astype(np.int64)
    abandoned_rows = np.flatnonzero(is_abandoned & (hung_up_ns != np.iinfo(np.int64).min))
    all_times = np.unique(np.concatenate([arrival_ns, hung_up_ns[abandoned_rows]]))
    n_ranks = all_times.size + 1
    arrival_key = caller_code * n_ranks + np.searchsorted(all_times, arrival_ns)
    order = np.argsort(arrival_key, kind="stable")
    sorted_key = arrival_key[order]
    position_of_row = np.empty_like(order)
    position_of_row[order] = np.arange(order.size)

    hang_up_key = caller_code[abandoned_rows] * n_ranks + np.searchsorted(
        all_times, hung_up_ns[abandoned_rows]
    )
    # First call of the same caller arriving at or after the hang-up; skip the abandoned call
    # itself, which is found when it was abandoned at the moment it arrived (wait 0).
    next_position = np.searchsorted(sorted_key, hang_up_key, side="left")
    itself = next_position == position_of_row[abandoned_rows]
    next_position = next_position + itself
    in_range = next_position < order.size
    next_row = np.where(in_range, order[np.minimum(next_position, order.size - 1)], -1)
    same_caller = in_range & (caller_code[next_row] == caller_code[abandoned_rows])
    delay_ns = arrival_ns[next_row] - hung_up_ns[abandoned_rows]
    followed = same_caller & (delay_ns <= window_min * NS_PER_MIN)

    delays_min = delay_ns[followed] / NS_PER_MIN
    redial_known = np.zeros(len(known), dtype=bool)
    redial_known[next_row[followed]] = True
    is_redial = pd.Series(False, index=calls.index, name="is_redial")
    is_redial[known_mask] = redial_known

    n_abandoned_known = int(abandoned_rows.size)
    n_followed = int(followed.sum())
    return RedialFit(
        window_min=float(window_min),
        n_abandoned_known=n_abandoned_known,
        n_followed=n_followed,
        probability=n_followed / n_abandoned_known if n_abandoned_known else math.nan,
        delays_min=delays_min,
        mean_delay_min=float(delays_min.mean()) if delays_min.size else math.nan,
        n_redials=int(redial_known.sum()),
        n_anonymous=int((~known_mask).sum()),
        is_redial=is_redial,
    )


def expected_fresh_calls(calls: pd.DataFrame, probability: float, delay_min: float) -> pd.DataFrame:
    """The log's calls less the redials a model with these redial settings would add itself.

    A model that redials a share ``probability`` of *all* abandoning callers after a delay adds,
    for every abandoned call, ``probability`` of a call about ``delay_min`` after the hang-up.
    To give that model the log's total volume, each abandoned call here gets a companion row
    at that moment with weight ``-probability``; every logged call has weight 1.

    Taking the redials off where the model puts them back matters: redials come in the busy
    spells where callers hang up. Removing only the linked redials of known callers from the
    profile would leave the anonymous callers' redials in the busy spells, and the model would
    then add redials there a second time.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses ``arrival``, ``outcome``, ``abandoned`` (or ``wait_s``) and keeps
        every other column on the companion rows.
    probability : float
        Share of abandoning callers who call again (0 gives the log unchanged).
    delay_min : float
        Mean minutes from hanging up to calling again.

    Returns
    -------
    pandas.DataFrame
        The calls with a ``weight`` column, followed by the companion rows of negative weight
        (arrival at hang-up plus ``delay_min``) that fall on a date of the log.
    """
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"redial probability must be in [0, 1]; got {probability}")
    weighted = calls.assign(weight=1.0)
    abandoned = calls[calls["outcome"] == "abandoned"]
    if probability == 0.0 or abandoned.empty:
        return weighted
    wait = pd.to_timedelta(pd.to_numeric(abandoned["wait_s"], errors="coerce"), unit="s")
    hung_up = _timestamps(abandoned["abandoned"]).fillna(_timestamps(abandoned["arrival"]) + wait)
    redial_at = hung_up + pd.Timedelta(minutes=float(delay_min))
    dates = set(_timestamps(calls["arrival"]).dt.normalize().dropna())
    companions = abandoned.assign(arrival=redial_at, weight=-float(probability))
    companions = companions[redial_at.dt.normalize().isin(dates).to_numpy()]
    return pd.concat([weighted, companions], ignore_index=True)


# --------------------------------------------------------------------------------------------
# Staffing
# --------------------------------------------------------------------------------------------


def infer_staffing(
    calls: pd.DataFrame,
    interval_min: int = 30,
    break_gap_min: float = 30.0,
    shift_grid_min: int = 60,
    snap_min: float = 0.0,
) -> pd.DataFrame:
    """Agents on duty per date and interval, inferred from which agent answered which call.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses served calls' ``agent``, ``answered`` and ``ended`` (and ``arrival``
        for the list of dates).
    interval_min : int
        Interval length in minutes; must divide 1440.
    break_gap_min : float
        Per agent and date, calls are grouped into working spells from the first answer to the
        end of the last call; a spell is split where the agent was off calls (from the end of
        one call to the answer of the next) for *more* than this many minutes: a break or the
        end of a shift.
    shift_grid_min : int
        Shifts and breaks start and end on multiples of this many minutes after midnight (60:
        on the hour); must divide 1440.
    snap_min : float
        An agent's first spell of the day that starts at most this many minutes after a grid
        point is taken to start at that point, and the day's last spell that ends at most this
        many minutes before a grid point to end there: the agent was on duty but not yet (or no
        longer) on a call. Spells around breaks keep their logged times. 0 keeps every spell as
        logged. At most half of ``break_gap_min`` (a day's first and last spell are then never
        moved onto each other).

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (midnight timestamps: every date with a call in the log), columns the
        interval start in minutes after midnight; values are the time-averaged number of agents
        in a working spell during the interval (a float: one agent starting halfway counts 0.5).

    Notes
    -----
    This estimates staff *present and working on calls*. Without snapping it misses agents who
    were logged in but idle before their first call or after their last one (in the Anonymous
    Bank log, first answers of the day pile up in the ten minutes after the hour and last call
    ends in the twenty minutes before it: shifts run on the hour). It counts a short idle
    stretch within a spell as working; on quiet days or with a large ``break_gap_min`` both
    errors grow. Agents doing other work between calls (mail, back office) look like breaks
    when the gap exceeds ``break_gap_min``. A spell is credited to the date its first call was
    answered and cut off at midnight.
    """
    starts = interval_starts_min(interval_min)
    if shift_grid_min <= 0 or MINUTES_PER_DAY % shift_grid_min:
        raise ValueError(f"shift_grid_min must divide 1440 minutes; got {shift_grid_min}")
    if not 0.0 <= snap_min <= break_gap_min / 2:
        raise ValueError(
            f"snap_min must be between 0 and half of break_gap_min ({break_gap_min / 2:g}); "
            f"got {snap_min}"
        )
    dates = pd.DatetimeIndex(sorted(_timestamps(calls["arrival"]).dt.normalize().dropna().unique()))
    served = calls[
        (calls["outcome"] == "served")
        & calls["agent"].notna()
        & calls["answered"].notna()
        & calls["ended"].notna()
    ]
    frame = pd.DataFrame(
        {
            "agent": served["agent"].to_numpy(),
            "answered": _timestamps(served["answered"]).to_numpy(),
            "ended": _timestamps(served["ended"]).to_numpy(),
        }
    )
    frame["date"] = frame["answered"].dt.normalize()
    frame = frame.sort_values(["agent", "date", "answered"], kind="stable").reset_index(drop=True)

    group = frame.groupby(["agent", "date"], sort=False)
    # The latest end so far, not just the previous call's end: a short call that overlaps a
    # long one (a consult, a data glitch) must not open a fake gap.
    busy_until = group["ended"].cummax()
    previous_end = busy_until.groupby([frame["agent"], frame["date"]]).shift(1)
    gap_min = (frame["answered"] - previous_end).dt.total_seconds() / 60.0
    new_spell = previous_end.isna() | (gap_min > break_gap_min)
    frame["spell"] = new_spell.cumsum()
    spells = frame.groupby("spell").agg(
        agent=("agent", "first"),
        date=("date", "first"),
        start=("answered", "min"),
        end=("ended", "max"),
    )
    agent_day = spells.groupby(["agent", "date"], sort=False)
    first_of_day = (agent_day.cumcount() == 0).to_numpy()
    last_of_day = (agent_day.cumcount(ascending=False) == 0).to_numpy()

    headcount = np.zeros((len(dates), len(starts)))
    if not spells.empty:
        start_min = ((spells["start"] - spells["date"]).dt.total_seconds() / 60.0).to_numpy()
        end_min = ((spells["end"] - spells["date"]).dt.total_seconds() / 60.0).to_numpy()
        if snap_min > 0:  # only shift edges: a break may well end at 13:05
            snapped_start = snap_down(start_min, shift_grid_min, snap_min)
            start_min = np.where(first_of_day, snapped_start, start_min)
            end_min = np.where(last_of_day, snap_up(end_min, shift_grid_min, snap_min), end_min)
        end_min = np.minimum(end_min, MINUTES_PER_DAY)
        lower = np.asarray(starts, dtype=float)
        upper = lower + interval_min
        # Minutes of each spell inside each interval, as a fraction of the interval.
        overlap = np.clip(
            np.minimum(end_min[:, None], upper) - np.maximum(start_min[:, None], lower), 0.0, None
        )
        row = dates.get_indexer(pd.DatetimeIndex(spells["date"]))
        np.add.at(headcount, row, overlap / interval_min)

    result = pd.DataFrame(headcount, index=dates, columns=pd.Index(starts))
    result.index.name = "date"
    result.columns.name = "interval_start_min"
    return result


def snap_down(minute: np.ndarray, grid_min: int, within_min: float) -> np.ndarray:
    """``minute`` moved back to the grid point before it when at most ``within_min`` after it."""
    below = np.floor(minute / grid_min) * grid_min
    return np.where(minute - below <= within_min, below, minute)


def snap_up(minute: np.ndarray, grid_min: int, within_min: float) -> np.ndarray:
    """``minute`` moved on to the grid point after it when at most ``within_min`` before it."""
    above = np.ceil(minute / grid_min) * grid_min
    return np.where(above - minute <= within_min, above, minute)


def staffing_by_weekday(staffing: pd.DataFrame) -> pd.DataFrame:
    """Mean agents on duty per weekday and interval, from :func:`infer_staffing`.

    Returns
    -------
    pandas.DataFrame
        Index ``weekday`` 0..6 (0 = Monday), same columns; weekdays without any date in the log
        get 0.
    """
    weekday = pd.Index(pd.DatetimeIndex(staffing.index).day_of_week, name="weekday")
    mean = staffing.groupby(weekday).mean().reindex(index=list(WEEKDAYS), fill_value=0.0)
    mean.index.name = "weekday"
    return mean.astype(float)


def staffing_on_weekday_shape(staffing: pd.DataFrame) -> pd.DataFrame:
    """Each date's staff hours spread over the day in its weekday's mean shape.

    The model draws a date's calls from its weekday's intraday profile scaled by the date's
    volume (``date_factors``); this puts the staffing on the same footing: the date keeps its
    own total agent hours but they follow the weekday's mean staffing per interval.

    Parameters
    ----------
    staffing : pandas.DataFrame
        From :func:`infer_staffing`: agents on duty per date (rows) and interval (columns).

    Returns
    -------
    pandas.DataFrame
        Same index and columns; row ``d`` is the mean row of ``d``'s weekday times
        ``sum(staffing[d]) / sum(mean row)``, so every row keeps its sum. A date whose weekday
        had no staff at all stays 0.

    Notes
    -----
    Why not each date's own half-hourly staffing: inferred from the calls themselves, it dips
    where that date's calls dipped (an agent with nothing to answer for half an hour looks off
    duty) and a real planner also shifted staff to that date's own peaks. Paired with calls
    drawn from the weekday's profile, those dips become intervals where the model's calls meet
    staff who were not needed on the day, which inflates the model's abandonment (see
    :func:`staffing_follows_calls`).
    """
    weekday = pd.Index(pd.DatetimeIndex(staffing.index).day_of_week)
    shape = staffing.groupby(weekday).mean().loc[weekday].to_numpy(dtype=float)
    shape_hours = shape.sum(axis=1)
    own_hours = staffing.to_numpy(dtype=float).sum(axis=1)
    ratio = np.divide(own_hours, shape_hours, out=np.zeros_like(own_hours), where=shape_hours > 0)
    return pd.DataFrame(shape * ratio[:, None], index=staffing.index, columns=staffing.columns)


def staffing_follows_calls(calls: pd.DataFrame, staffing: pd.DataFrame) -> tuple[float, float]:
    """How closely the inferred staffing followed the calls: per date and within the day.

    Parameters
    ----------
    calls : pandas.DataFrame
        The call log the staffing was inferred from (uses ``arrival``).
    staffing : pandas.DataFrame
        From :func:`infer_staffing`, with intervals of equal length as columns.

    Returns
    -------
    tuple of float
        ``(daily, intraday)``: the correlation of daily agent hours with daily calls; and,
        over the staffed intervals, the correlation of the staffing's deviation from
        :func:`staffing_on_weekday_shape` with the calls' deviation from the same construction
        (the date's calls in its weekday's mean shape). NaN when there is too little to
        correlate.
    """
    columns = np.asarray(staffing.columns, dtype=float)
    interval_min = float(columns[1] - columns[0]) if len(columns) > 1 else float(MINUTES_PER_DAY)
    arrival = _timestamps(calls["arrival"])
    minute = arrival.dt.hour * 60 + arrival.dt.minute
    start_min = ((minute // interval_min) * interval_min).astype(int)
    counts = (
        pd.crosstab(arrival.dt.normalize(), start_min)
        .reindex(index=staffing.index, columns=staffing.columns, fill_value=0)
        .astype(float)
    )
    staff = staffing.to_numpy(dtype=float)
    called = counts.to_numpy()
    staff_shape = staffing_on_weekday_shape(staffing).to_numpy()
    calls_shape = staffing_on_weekday_shape(counts).to_numpy()
    staffed = staff_shape > 0

    def correlation(x: np.ndarray, y: np.ndarray) -> float:
        # Deviations within rounding error are none: correlating float noise means nothing.
        if len(x) < 3 or np.std(x) < 1e-9 or np.std(y) < 1e-9:
            return float("nan")
        return float(np.corrcoef(x, y)[0, 1])

    daily = correlation(staff.sum(axis=1), called.sum(axis=1))
    intraday = correlation((staff - staff_shape)[staffed], (called - calls_shape)[staffed])
    return daily, intraday


def round_headcount(staffing: pd.DataFrame) -> pd.DataFrame:
    """Round mean headcounts to whole agents for a roster, halves upwards.

    Round half up (1.5 -> 2, 2.5 -> 3), unlike numpy's round-half-to-even (2.5 -> 2), which
    would understaff every other tie. A tolerance of 1e-9 absorbs floating-point noise from the
    time arithmetic, so a computed 1.4999999999 still counts as the half it is.

    Returns
    -------
    pandas.DataFrame
        Same shape, int64.
    """
    rounded = np.floor(staffing.to_numpy(dtype=float) + 0.5 + 1e-9)
    return pd.DataFrame(rounded.astype(np.int64), index=staffing.index, columns=staffing.columns)


LOAD_BANDS = (0.0, 0.05, 0.2, 0.4, 0.6, 1.0)


def class_share_by_load(
    calls: pd.DataFrame, key: str, interval_min: int = 30, step_s: float = 10.0
) -> pd.DataFrame:
    """How the share of one class among its call type depends on how busy the queue was.

    For every date x interval with calls of the type, the *load* is the fraction of the interval
    during which at least one call of the type's other classes was waiting (sampled every
    ``step_s`` seconds). If the class is an independent stream of callers, its share of the
    type's calls is about the same at every load; if it falls as the load rises, the class is
    (partly) an outcome of the queue's state: in the Anonymous Bank log the unidentified callers
    (priority 0) are the ones who found an agent free.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log with ``service``, ``model_service``, ``arrival`` and ``wait_s`` columns.
    key : str
        The class (a ``model_service`` value); its type is ``calls.service`` of its calls.

    Returns
    -------
    pandas.DataFrame
        One row per load band (index: its label) with ``intervals`` (date x intervals in it),
        ``calls`` (of the type) and ``class_share`` (share of those calls in the class).
    """
    own = calls["model_service"].astype(str) == key
    if not own.any():
        raise ValueError(f"no calls of class {key!r}")
    service = calls.loc[own, "service"].iloc[0]
    of_type = calls[calls["service"] == service]
    others = of_type[of_type["model_service"].astype(str) != key]
    width_s = interval_min * 60.0
    arrival_s = _timestamps(of_type["arrival"]).to_numpy().astype(np.int64) / NS_PER_S
    slot = (arrival_s // width_s).astype(np.int64)
    slots = np.unique(slot)
    offsets = np.arange(0.0, width_s, step_s)
    times = (slots[:, None] * width_s + offsets[None, :]).ravel()
    waiting = waiting_at(others, times)
    load = (waiting.reshape(len(slots), len(offsets)) > 0).mean(axis=1)
    per_slot = (
        pd.DataFrame(
            {
                "slot": slot,
                "own": own[of_type.index].to_numpy(),
            }
        )
        .groupby("slot")["own"]
        .agg(["size", "sum"])
    )
    per_slot["load"] = pd.Series(load, index=slots).reindex(per_slot.index)
    bands = pd.cut(per_slot["load"], LOAD_BANDS, include_lowest=True)
    table = per_slot.groupby(bands, observed=True).agg(
        intervals=("size", "size"), calls=("size", "sum"), own=("sum", "sum")
    )
    table["class_share"] = table["own"] / table["calls"]
    labels = {
        band: f"{100 * lo:.0f}-{100 * hi:.0f}%"
        for band, lo, hi in zip(bands.cat.categories, LOAD_BANDS[:-1], LOAD_BANDS[1:], strict=True)
    }
    table.index = [labels[band] for band in table.index]
    table.index.name = "others_waiting"
    return table.drop(columns="own")
