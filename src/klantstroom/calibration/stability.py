"""How stable each estimate is from week to week of the log.

A scenario fitted on a month is used for other months. That is only sound for estimates that do
not drift within the month: if the handling time of the first week differs from the last week's
beyond chance, the month's average describes neither, and the next month will differ again. So
every behaviour estimate is also made per week (seven-day blocks from the log's first date) with
its standard error, and tested for heterogeneity: Cochran's Q, the squared differences of the
weekly estimates from their inverse-variance weighted mean in units of their standard errors,
is chi-squared with (weeks - 1) degrees of freedom when the weeks agree (Cochran 1954). A
parameter *drifts* when the test rejects at :data:`SIGNIFICANCE` and the weeks also differ by
more than :data:`MATERIAL_SPREAD` of the mean: with tens of thousands of calls a few percent is
significant without mattering for staffing.

Demand (calls per day) and the agents on duty are shown too, for context; they are an input of
every period (replaced in an out-of-sample validation), so their drift is not a warning.

Cochran, W. G. (1954). The combination of estimates from different experiments. Biometrics
10(1), 101-129.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from klantstroom.calibration.pipeline import Calibration
from klantstroom.calibration.redials import detect_redials

SIGNIFICANCE = 0.001
MATERIAL_SPREAD = 0.10
MIN_OBSERVATIONS = 30  # a week with fewer calls (gaps, ...) does not enter the test
MIN_DATES = 3  # nor a week with fewer dates, for the inputs (means over dates)
MIN_CALLS_PER_TYPE = 300


def week_of(times: pd.Series, origin: pd.Timestamp) -> pd.Series:
    """The week (its first date) of each timestamp: seven-day blocks from ``origin``."""
    days = (pd.to_datetime(times).dt.normalize() - origin).dt.days
    return origin + pd.to_timedelta((days // 7) * 7, unit="D")


def _mean_row(values: np.ndarray) -> tuple[float, float, int]:
    n = len(values)
    if n == 0:
        return float("nan"), float("nan"), 0
    se = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return float(values.mean()), se, n


def weekly_estimates(cal: Calibration) -> pd.DataFrame:
    """Per parameter and week: ``estimate``, ``se`` (standard error), ``n`` (observations).

    Parameters are ``calls per day`` and ``agent hours per day`` (inputs), and the behaviour:
    ``handling <type> (s)`` for types with enough calls, ``patience (s)`` (exponential MLE:
    waiting time of all callers over the number who hung up), ``redial probability``,
    ``after-call work (s)`` (gaps up to the fit's break threshold) and ``break share``.
    """
    calls = cal.calls
    origin = calls["arrival"].min().normalize()
    rows: list[dict[str, object]] = []

    def add(
        parameter: str,
        kind: str,
        table: pd.DataFrame,
        times: pd.Series,
        estimator: Callable[[pd.DataFrame], tuple[float, float, int]],
    ) -> None:
        """One row per week of ``table`` (its rows' weeks from ``times``)."""
        weeks = week_of(times, origin).to_numpy()
        for start in np.unique(weeks):
            estimate, se, n = estimator(table[weeks == start])
            rows.append(
                {
                    "parameter": parameter,
                    "kind": kind,
                    "week": pd.Timestamp(start).date(),
                    "estimate": estimate,
                    "se": se,
                    "n": n,
                }
            )

    arrival = calls["arrival"]
    add(
        "calls per day",
        "input",
        calls,
        arrival,
        lambda g: _mean_row(g.groupby(g["arrival"].dt.normalize()).size().to_numpy(float)),
    )
    served = calls[calls["outcome"] == "served"]
    for service, count in served["service"].astype(str).value_counts().items():
        if count >= MIN_CALLS_PER_TYPE:
            own = served[served["service"].astype(str) == service]
            add(
                f"handling {service} (s)",
                "behaviour",
                own,
                own["answered"],
                lambda g: _mean_row(g["service_s"].to_numpy(float)),
            )
    add("patience (s)", "behaviour", calls, arrival, _patience)
    add("redial probability", "behaviour", calls, arrival, _redial)
    measured = cal.unavailability
    gaps = pd.DataFrame(
        {"gap": measured.gaps_s, "at": pd.to_datetime(measured.started_s, unit="s")}
    )
    threshold = cal.after_call.threshold_s
    add(
        "after-call work (s)",
        "behaviour",
        gaps,
        gaps["at"],
        lambda g: _mean_row(g.loc[g["gap"] <= threshold, "gap"].to_numpy(float)),
    )
    if cal.after_call.breaks and len(cal.breaks):
        breaks = cal.breaks
        add("break share", "behaviour", breaks, pd.to_datetime(breaks["date"]), _break_share)
    hours = cal.staffing.sum(axis=1) * (24.0 / cal.staffing.shape[1])  # agent hours per date
    daily = pd.DataFrame({"hours": hours.to_numpy(float)}, index=hours.index)
    add(
        "agent hours per day",
        "input",
        daily,
        pd.Series(hours.index, index=hours.index),
        lambda g: _mean_row(g["hours"].to_numpy(float)),
    )
    return pd.DataFrame(rows)


def _patience(calls: pd.DataFrame) -> tuple[float, float, int]:
    """Exponential patience MLE: all waiting time over the abandonments; se mean / sqrt(n)."""
    abandoned = int((calls["outcome"] == "abandoned").sum())
    if abandoned == 0:
        return float("nan"), float("nan"), 0
    mean = float(calls["wait_s"].sum()) / abandoned
    return mean, mean / np.sqrt(abandoned), abandoned


def _redial(calls: pd.DataFrame) -> tuple[float, float, int]:
    """Redial probability among abandoned known callers, with its binomial standard error."""
    fit = detect_redials(calls)
    n = fit.n_abandoned_known
    if not n:
        return float("nan"), float("nan"), 0
    p = float(fit.probability)
    return p, float(np.sqrt(p * (1 - p) / n)), n


def _break_share(breaks: pd.DataFrame) -> tuple[float, float, int]:
    """Share of agents away (availability.unavailable_share_by_weekday's rule) and its se from
    the spread of the dates' shares."""
    daily = breaks.groupby("date")[["break_s", "measured", "calls", "on_duty_s"]].sum()
    per_call = daily["break_s"].sum() / max(daily["measured"].sum(), 1)
    estimate = float(per_call * daily["calls"].sum() / max(daily["on_duty_s"].sum(), 1e-9))
    shares = (per_call * daily["calls"] / daily["on_duty_s"].where(daily["on_duty_s"] > 0)).dropna()
    se = float(shares.std(ddof=1) / np.sqrt(len(shares))) if len(shares) > 1 else float("nan")
    return estimate, se, int(daily["measured"].sum())


def drift_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: the weekly range, the heterogeneity test and whether it drifts.

    Returns
    -------
    pandas.DataFrame
        Index ``parameter``; ``kind``, ``weeks`` (tested), ``pooled`` (inverse-variance mean),
        ``lowest``, ``highest``, ``spread_%`` (highest minus lowest over pooled), ``q``,
        ``pvalue`` and ``drifts``.
    """
    rows = {}
    for parameter, group in weekly.groupby("parameter", sort=False):
        # Inputs are means over a week's dates (at most seven); behaviour over calls or gaps.
        least = MIN_DATES if group["kind"].iloc[0] == "input" else MIN_OBSERVATIONS
        ok = group[(group["n"] >= least) & np.isfinite(group["se"]) & (group["se"] > 0)]
        x, se = ok["estimate"].to_numpy(float), ok["se"].to_numpy(float)
        if len(ok) < 2:
            pooled = float(x.mean()) if len(x) else float("nan")
            q = pvalue = float("nan")
        else:
            weight = 1.0 / se**2
            pooled = float((weight * x).sum() / weight.sum())
            q = float((weight * (x - pooled) ** 2).sum())
            pvalue = float(stats.chi2.sf(q, len(ok) - 1))
        spread = float((x.max() - x.min()) / abs(pooled)) if len(x) and pooled else float("nan")
        drifts = bool(np.isfinite(pvalue) and pvalue < SIGNIFICANCE and spread > MATERIAL_SPREAD)
        rows[parameter] = {
            "kind": str(group["kind"].iloc[0]),
            "weeks": len(ok),
            "pooled": pooled,
            "lowest": float(x.min()) if len(x) else float("nan"),
            "highest": float(x.max()) if len(x) else float("nan"),
            "spread_%": 100 * spread,
            "q": q,
            "pvalue": pvalue,
            "drifts": drifts,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "parameter"
    return table


def drift_warnings(drift: pd.DataFrame, language: str = "en") -> list[str]:
    """One plain sentence per behaviour parameter that drifts from week to week."""
    from klantstroom.calibration.texts import display, number, texts

    return [
        texts(language)["drift_warning"].format(
            name=display(str(name), language),
            low=number(row["lowest"], ".3g", language),
            high=number(row["highest"], ".3g", language),
            pooled=number(row["pooled"], ".3g", language),
            p=number(row["pvalue"], ".1e", language),
        )
        for name, row in drift.iterrows()
        if row["drifts"] and row["kind"] == "behaviour"
    ]
