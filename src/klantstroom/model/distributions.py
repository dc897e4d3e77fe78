"""Duration distributions, chosen by name, each bound to its own random stream.

A :class:`Sampler` draws one duration in minutes per call. NumPy is fast per array but slow per
scalar, so samplers draw blocks of values and hand them out one at a time; the sequence a stream
produces is the same whatever the block size is consumed by, so results do not depend on it.

Parametrisation (all durations in minutes):

* ``exponential``: mean.
* ``lognormal``: mean and coefficient of variation;
  sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2/2.
* ``gamma``: mean and cv; shape = 1/cv^2, scale = mean * cv^2.
* ``weibull``: mean and cv; the shape k solves cv^2 = G(1 + 2/k) / G(1 + 1/k)^2 - 1 (G the gamma
  function; cv < 1 is an increasing hazard, cv > 1 a decreasing one), scale = mean / G(1 + 1/k).
  Callers' patience often has a decreasing hazard (Brown et al. 2005).
* ``deterministic``: always the mean (draws no random numbers).
* ``uniform``: between low and high.
* ``empirical``: resampling with replacement from observed values (a CSV column).
* ``normal``: mean and standard deviation; only for signed times (how early or late a visitor
  comes to an appointment), never for durations.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

import numpy as np

from klantstroom.scenario.spec import DistributionSpec

BLOCK: Final = 512


class Sampler:
    """Draw durations (minutes) from a distribution, one per call, in blocks from a generator."""

    __slots__ = ("_buffer", "_draw", "mean_min")

    def __init__(self, draw: Callable[[int], np.ndarray], mean_min: float) -> None:
        self._draw = draw
        self._buffer: list[float] = []
        self.mean_min = mean_min

    def __call__(self) -> float:
        buffer = self._buffer
        if not buffer:
            # Reversed so that pop() hands out the block in the order it was drawn.
            buffer.extend(reversed(self._draw(BLOCK).tolist()))
        return buffer.pop()


class Constant(Sampler):
    """A deterministic duration: no random numbers are consumed."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        super().__init__(lambda n: np.full(n, value), value)
        self.value = value

    def __call__(self) -> float:
        return self.value


def weibull_shape(cv: float) -> float:
    """The Weibull shape parameter with coefficient of variation ``cv``."""

    def excess(log_k: float) -> float:
        k = math.exp(log_k)
        ratio = math.exp(math.lgamma(1 + 2 / k) - 2 * math.lgamma(1 + 1 / k))
        return ratio - 1 - cv**2

    # The cv falls monotonically in k: from ~ infinity (k -> 0) to 0 (k -> infinity). Beyond
    # the bracket (cv under 0.003 or astronomically large) the nearest end is close enough.
    low, high = math.log(0.05), math.log(500.0)
    if excess(high) >= 0:
        return 500.0
    if excess(low) <= 0:
        return 0.05
    from scipy.optimize import brentq  # on first use: only Weibull needs it, slow to import

    return math.exp(brentq(excess, low, high))


def make_sampler(spec: DistributionSpec, rng: np.random.Generator) -> Sampler:
    """Return a sampler for ``spec`` drawing from ``rng``.

    Parameters
    ----------
    spec : DistributionSpec
        A validated distribution.
    rng : numpy.random.Generator
        The stream this sampler owns; it must not be shared with another purpose.
    """
    mean = spec.mean_min
    if spec.kind == "deterministic":
        return Constant(mean)
    if spec.kind == "exponential":
        return Sampler(lambda n: rng.exponential(mean, n), mean)
    if spec.kind == "lognormal":
        sigma2 = math.log1p(spec.cv**2)
        mu = math.log(mean) - sigma2 / 2
        sigma = math.sqrt(sigma2)
        return Sampler(lambda n: rng.lognormal(mu, sigma, n), mean)
    if spec.kind == "gamma":
        shape = 1.0 / spec.cv**2
        scale = mean / shape
        return Sampler(lambda n: rng.gamma(shape, scale, n), mean)
    if spec.kind == "weibull":
        shape = weibull_shape(spec.cv)
        scale = mean / math.gamma(1 + 1 / shape)
        return Sampler(lambda n: scale * rng.weibull(shape, n), mean)
    if spec.kind == "uniform":
        low, high = spec.low_min, spec.high_min
        return Sampler(lambda n: rng.uniform(low, high, n), mean)
    if spec.kind == "normal":
        sd = spec.sd_min
        return Sampler(lambda n: rng.normal(mean, sd, n), mean)
    if spec.kind == "empirical":
        samples = np.asarray(spec.samples_min, dtype=float)
        return Sampler(lambda n: rng.choice(samples, n), mean)
    raise ValueError(f"unknown distribution kind {spec.kind!r}")


class Bernoulli:
    """Yes/no draws with probability ``p``, in blocks from a generator."""

    __slots__ = ("_uniform", "p")

    def __init__(self, p: float, rng: np.random.Generator) -> None:
        self.p = p
        self._uniform = Sampler(lambda n: rng.random(n), 0.5)

    def __call__(self) -> bool:
        # Probabilities 0 and 1 draw nothing, so switching a feature off leaves streams untouched.
        if self.p <= 0.0:
            return False
        if self.p >= 1.0:
            return True
        return self._uniform() < self.p

    def draw(self, p: float) -> bool:
        """A yes/no draw with probability ``p`` instead of the stream's own (same rules)."""
        if p <= 0.0:
            return False
        if p >= 1.0:
            return True
        return self._uniform() < p
