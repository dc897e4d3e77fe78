"""Confidence intervals across replications.

Replications are independent, so a KPI's replication values are a sample; the 95% interval for
its mean uses Student's t with n - 1 degrees of freedom. With one replication no interval can be
given, and it is reported as missing (NaN) rather than as zero width.
"""

from __future__ import annotations

import numpy as np


def mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Return (mean, lower, upper) of the ``confidence`` interval of the mean of ``values``.

    NaN values (a KPI undefined in a replication, e.g. no calls) are ignored.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    half = float(t_quantiles(confidence, np.array([n - 1]))[0] * x.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half


def t_quantiles(confidence: float, dof: np.ndarray) -> np.ndarray:
    """Student's t quantile ``0.5 + confidence / 2`` per degrees of freedom (NaN below 1).

    The quantile is ``scipy.special.stdtrit``, which ``scipy.stats.t.ppf`` evaluates too (the
    same numbers): ``scipy.stats`` costs a second of CPU to import, ``scipy.special`` a quarter.
    It is evaluated once per distinct value and imported on first use (a command that fails on
    its configuration or prints its help needs none of it).
    """
    dof = np.asarray(dof)
    out = np.full(dof.shape, np.nan)
    distinct, inverse = np.unique(dof, return_inverse=True)
    quantiles = np.full(len(distinct), np.nan)
    if (distinct >= 1).any():  # one replication has no interval: no import
        from scipy import special

        quantiles = np.array(
            [
                float(special.stdtrit(d, 0.5 + confidence / 2)) if d >= 1 else np.nan
                for d in distinct.tolist()
            ]
        )
    if len(distinct):
        out = quantiles[inverse.reshape(dof.shape)]
    return out


def grouped_mean_ci(
    values: np.ndarray, starts: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`mean_ci` of many samples at once: one per group of rows and column.

    Parameters
    ----------
    values : numpy.ndarray
        Shape (rows, columns); rows sorted by group, NaN for a missing value.
    starts : numpy.ndarray
        Index of each group's first row, ascending, the first 0.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    tuple of numpy.ndarray
        ``n`` (values that are not NaN), ``mean``, ``low`` and ``high``, each (groups, columns);
        NaN where :func:`mean_ci` gives NaN.
    """
    valid = ~np.isnan(values)
    n = np.add.reduceat(valid.astype(np.int64), starts, axis=0)
    total = np.add.reduceat(np.where(valid, values, 0.0), starts, axis=0)
    sizes = np.diff(np.append(starts, len(values)))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        deviation = np.where(valid, values - np.repeat(mean, sizes, axis=0), 0.0)
        variance = np.add.reduceat(deviation**2, starts, axis=0) / (n - 1)
        half = t_quantiles(confidence, n - 1) * np.sqrt(variance) / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return n, mean, mean - half, mean + half
