"""Small value objects every part of a scenario uses: a duration distribution, an opening
period, a profile of demand over the day. Re-exported by :mod:`klantstroom.scenario.spec`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DistributionSpec:
    """A duration distribution in minutes, with its parameters resolved.

    Attributes
    ----------
    kind : str
        One of :data:`DISTRIBUTION_KINDS`.
    mean_min : float
        Mean duration in minutes (for uniform: the midpoint; for empirical: the sample mean).
    cv : float
        Coefficient of variation (standard deviation / mean); used by lognormal and gamma.
    low_min, high_min : float
        Bounds of the uniform distribution.
    sd_min : float
        Standard deviation of the normal distribution (only for signed times: punctuality).
    samples_min : tuple of float
        The samples an empirical distribution resamples from, in minutes.
    """

    kind: str
    mean_min: float = 0.0
    cv: float = 0.0
    low_min: float = 0.0
    high_min: float = 0.0
    samples_min: tuple[float, ...] = ()
    sd_min: float = 0.0


@dataclass(frozen=True, slots=True)
class Period:
    """An opening period within one day, in minutes since midnight (end exclusive)."""

    start_min: int
    end_min: int


@dataclass(frozen=True, slots=True)
class IntradayProfile:
    """Share of a day's demand per interval, starting at ``start_min`` (minutes since midnight)."""

    start_min: int
    interval_min: int
    shares: tuple[float, ...]
