"""Confidence intervals across replications.

Replications are independent, so a KPI's replication values are a sample; the 95% interval for
its mean uses Student's t with n - 1 degrees of freedom. With one replication no interval can be
given, and it is reported as missing (NaN) rather than as zero width.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


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
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * x.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half
