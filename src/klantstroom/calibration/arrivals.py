"""Arrival profile: calls per weekday and interval, and how much daily volume swings.

The function here takes a call log as described in :mod:`klantstroom.calibration.logs` (one row
per call that reached the queue) and returns the arrival numbers the scenario needs. Volumes
are per interval of the day, labelled by the interval's start in minutes after midnight (0, 30,
60, ... for 30-minute intervals). This module also holds the log's clock that the other
estimators share: the intervals of a day, the weekdays and timestamps at nanosecond resolution.

The estimator, in plain words
-----------------------------
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

References
----------
Brown, L., Gans, N., Mandelbaum, A., Sakov, A., Shen, H., Zeltyn, S., Zhao, L. (2005).
Statistical analysis of a telephone call center: a queueing-science perspective. Journal of the
American Statistical Association 100(469), 36-50.

Jongbloed, G., Koole, G. (2001). Managing uncertainty in call centres using Poisson mixtures.
Applied Stochastic Models in Business and Industry 17(4), 307-318.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MINUTES_PER_DAY = 24 * 60
NS_PER_S = 1_000_000_000
NS_PER_MIN = 60 * NS_PER_S
WEEKDAYS = range(7)


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
        much (:func:`~klantstroom.calibration.redials.expected_fresh_calls` gives expected
        redials a negative weight), and an interval's count is kept at 0 or above.
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
    :func:`~klantstroom.calibration.redials.expected_fresh_calls` instead.

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
