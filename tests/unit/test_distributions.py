"""Distributions: parameters by mean and cv, block sampling reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from klantstroom.model.distributions import Bernoulli, make_sampler
from klantstroom.scenario.spec import DistributionSpec


@pytest.mark.parametrize(
    "spec",
    [
        DistributionSpec("exponential", mean_min=2.0, cv=1.0),
        DistributionSpec("lognormal", mean_min=2.0, cv=0.5),
        DistributionSpec("gamma", mean_min=2.0, cv=0.5),
        DistributionSpec("weibull", mean_min=2.0, cv=0.5),
        DistributionSpec("weibull", mean_min=2.0, cv=1.3),
        DistributionSpec("uniform", mean_min=2.0, low_min=1.0, high_min=3.0),
        DistributionSpec("empirical", mean_min=2.0, samples_min=(1.0, 2.0, 3.0)),
    ],
)
def test_mean_and_cv_match_the_specification(spec: DistributionSpec) -> None:
    sampler = make_sampler(spec, np.random.default_rng(1))
    x = np.array([sampler() for _ in range(40_000)])
    assert x.mean() == pytest.approx(2.0, rel=0.02)
    if spec.kind in ("exponential", "lognormal", "gamma", "weibull"):
        assert x.std() / x.mean() == pytest.approx(spec.cv, rel=0.05)
    assert x.min() >= 0


def test_deterministic_draws_no_random_numbers() -> None:
    rng = np.random.default_rng(1)
    sampler = make_sampler(DistributionSpec("deterministic", mean_min=3.0), rng)
    assert [sampler() for _ in range(3)] == [3.0, 3.0, 3.0]
    assert rng.random() == np.random.default_rng(1).random()


def test_samples_come_in_the_order_the_generator_drew_them() -> None:
    sampler = make_sampler(DistributionSpec("exponential", mean_min=1.0), np.random.default_rng(5))
    expected = np.random.default_rng(5).exponential(1.0, 512)[:10]
    assert [sampler() for _ in range(10)] == pytest.approx(expected.tolist())


def test_bernoulli_extremes_consume_nothing() -> None:
    assert not Bernoulli(0.0, np.random.default_rng(1))()
    assert Bernoulli(1.0, np.random.default_rng(1))()
    draws = Bernoulli(0.3, np.random.default_rng(1))
    assert np.mean([draws() for _ in range(20_000)]) == pytest.approx(0.3, abs=0.015)


def test_weibull_shape_covers_extreme_cvs() -> None:
    from klantstroom.model.distributions import weibull_shape

    assert weibull_shape(1.0) == pytest.approx(1.0, rel=1e-6)  # the exponential
    assert weibull_shape(1e-6) == 500.0
    assert weibull_shape(1e6) == 0.05
