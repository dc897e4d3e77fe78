"""Handling time by hour of the day and by weekday.

Handling times are not the same all day: in the Anonymous Bank log calls answered at the edges of
the day are about a fifth shorter than at midday (callers at 7:00 want a balance, at 11:00 a
mortgage). One distribution for every hour then gives too little capacity early and late and too
much at midday. The scenario expresses this as factors on the drawn handling time
(``services.<s>.handling_by_hour`` and ``handling_by_weekday``, per channel), by the hour the
service starts.

The estimator, in plain words
-----------------------------
Group a call type's served calls by the hour they were answered; an hour's factor is its mean
handling time over the mean of all of them. Hours with few calls are pulled towards 1
(shrinkage: ``n / (n + k)`` of the hour's own deviation, with ``k`` = :data:`SHRINK_CALLS`, a
standard empirical-Bayes compromise), and the factors are then scaled so that their average over
the served calls is exactly 1: the fitted distribution's mean stays the mean over the day. The
factors are only used when the hours differ by more than chance: a Kruskal-Wallis test (rank
based, so a few very long calls cannot force it) on the handling times per hour, at level
:data:`SIGNIFICANCE`. Weekdays the same, where the log has at least two dates of each weekday
compared (a single date is a day, not a weekday).

Kruskal, W. H., Wallis, W. A. (1952). Use of ranks in one-criterion variance analysis. Journal of
the American Statistical Association 47(260), 583-621.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

SHRINK_CALLS = 50.0
MIN_CALLS_PER_GROUP = 30  # groups with fewer calls do not enter the test
SIGNIFICANCE = 0.001
MIN_DATES_PER_WEEKDAY = 2
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class HandlingProfile:
    """Factors on one call type's handling time by hour (or weekday) and the evidence.

    Attributes
    ----------
    by : str
        ``hour`` (groups 0..23) or ``weekday`` (0 = Monday .. 6).
    table : pandas.DataFrame
        One row per group with served calls: ``calls``, ``mean_s``, ``factor``.
    pvalue : float
        Kruskal-Wallis p-value of the groups with enough calls (NaN when fewer than two).
    used : bool
        Whether the factors go into the scenario (the groups differ beyond chance).
    """

    by: str
    table: pd.DataFrame
    pvalue: float
    used: bool

    def factors(self) -> list[float] | dict[str, float]:
        """The scenario's values: 24 hour factors, or factors per weekday name (1 if absent)."""
        if self.by == "hour":
            full = self.table["factor"].reindex(range(24), fill_value=1.0)
            return [round(float(f), 4) for f in full]
        factors = self.table["factor"]
        days = factors.index.to_numpy(dtype=int)
        return {WEEKDAYS[d]: round(float(f), 4) for d, f in zip(days, factors, strict=True)}


def handling_profile(served: pd.DataFrame, by: str = "hour") -> HandlingProfile:
    """Estimate handling-time factors from served calls (``answered``, ``service_s``).

    Parameters
    ----------
    served : pandas.DataFrame
        Served calls of one call type.
    by : str
        ``hour`` or ``weekday``.
    """
    if by not in ("hour", "weekday"):
        raise ValueError(f"by must be 'hour' or 'weekday'; got {by!r}")
    answered = pd.to_datetime(served["answered"])
    seconds = served["service_s"].to_numpy(dtype=float)
    ok = np.isfinite(seconds) & (seconds > 0)
    answered, seconds = answered[ok], seconds[ok]
    group = (answered.dt.hour if by == "hour" else answered.dt.day_of_week).to_numpy()
    frame = pd.DataFrame({"group": group, "s": seconds})
    table = pd.DataFrame(frame.groupby("group")["s"].agg(calls="size", mean_s="mean"))
    table.index.name = by
    overall = float(seconds.mean()) if len(seconds) else float("nan")
    raw = table["mean_s"] / overall
    weight = table["calls"] / (table["calls"] + SHRINK_CALLS)
    factor = 1.0 + weight * (raw - 1.0)
    factor /= float((factor * table["calls"]).sum() / table["calls"].sum())
    table["factor"] = factor
    big = [int(g) for g in table.index[table["calls"] >= MIN_CALLS_PER_GROUP]]
    if by == "weekday":
        dates = answered.dt.normalize().drop_duplicates()
        per_weekday = dates.dt.day_of_week.value_counts()
        big = [d for d in big if per_weekday.get(d, 0) >= MIN_DATES_PER_WEEKDAY]
    pvalue = float("nan")
    if len(big) >= 2:
        pvalue = float(stats.kruskal(*(seconds[group == g] for g in big)).pvalue)
    used = bool(np.isfinite(pvalue) and pvalue < SIGNIFICANCE)
    return HandlingProfile(by=by, table=table, pvalue=pvalue, used=used)
