"""Tests for the queueing formulas in klantstroom.analysis.erlang and erlang_a."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, special

from klantstroom.analysis.erlang import (
    QueueMetrics,
    erlang_b,
    erlang_c,
    erlang_c_agents_for_service_level,
    mg1_mean_wait_min,
    mm_inf_mean_busy,
    mmc_metrics,
)
from klantstroom.analysis.erlang_a import (
    _erlang_a_ctmc_metrics,
    _hypoexponential_cdf,
    _mz_inverse_a_and_abandon_given_wait,
    erlang_a_metrics,
)

FIELDS = (
    "p_wait",
    "p_abandon",
    "mean_wait_min",
    "asa_min",
    "service_level",
    "occupancy",
    "mean_queue_length",
    "mean_in_system",
)


# ---------------------------------------------------------------------------------------------
# Independent reference values
# ---------------------------------------------------------------------------------------------


def exact_erlang_terms(servers: int, load: Fraction) -> list[Fraction]:
    return [load**k / math.factorial(k) for k in range(servers + 1)]


def exact_erlang_b(servers: int, load: Fraction) -> Fraction:
    terms = exact_erlang_terms(servers, load)
    return terms[-1] / sum(terms)


def exact_erlang_c(servers: int, load: Fraction) -> Fraction:
    terms = exact_erlang_terms(servers, load)
    waiting = terms[-1] * servers / (servers - load)
    return waiting / (sum(terms[:-1]) + waiting)


# ---------------------------------------------------------------------------------------------
# Erlang B and C
# ---------------------------------------------------------------------------------------------


def test_erlang_b_classic_table_value() -> None:
    # Erlang B tables: 10 lines, 5 Erlang -> 1.838 % blocking.
    assert erlang_b(10, 5.0) == pytest.approx(0.018384570336648, rel=1e-12)


@pytest.mark.parametrize(
    ("servers", "load"),
    [
        (1, Fraction(1)),
        (2, Fraction(1)),
        (5, Fraction(3, 2)),
        (10, Fraction(5)),
        (20, Fraction(15)),
        (40, Fraction(101, 2)),
        (60, Fraction(45)),
    ],
)
def test_erlang_b_matches_exact_fraction(servers: int, load: Fraction) -> None:
    assert erlang_b(servers, float(load)) == pytest.approx(
        float(exact_erlang_b(servers, load)), rel=1e-12
    )


def test_erlang_b_edge_cases() -> None:
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(5, 0.0) == 0.0
    # M/M/1/1: a / (1 + a)
    assert erlang_b(1, 2.0) == pytest.approx(2.0 / 3.0)


def test_erlang_b_stable_for_hundreds_of_servers() -> None:
    servers, load = 800, 760.0
    k = np.arange(servers + 1)
    log_terms = k * math.log(load) - special.gammaln(k + 1)
    reference = math.exp(log_terms[-1] - special.logsumexp(log_terms))
    assert erlang_b(servers, load) == pytest.approx(reference, rel=1e-10)
    # Lightly loaded: underflows gracefully instead of raising or returning nan.
    assert 0.0 <= erlang_b(2000, 1.0) < 1e-300


def test_erlang_c_two_servers_one_erlang() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-14)


@pytest.mark.parametrize(
    ("servers", "load"),
    [
        (1, Fraction(1, 2)),
        (3, Fraction(2)),
        (10, Fraction(8)),
        (25, Fraction(49, 2)),
        (50, Fraction(40)),
    ],
)
def test_erlang_c_matches_exact_fraction(servers: int, load: Fraction) -> None:
    assert erlang_c(servers, float(load)) == pytest.approx(
        float(exact_erlang_c(servers, load)), rel=1e-12
    )


def test_erlang_c_saturated_and_idle() -> None:
    assert erlang_c(5, 5.0) == 1.0
    assert erlang_c(5, 7.5) == 1.0
    assert erlang_c(0, 0.0) == 1.0
    assert erlang_c(5, 0.0) == 0.0


@pytest.mark.parametrize(
    ("servers", "load"), [(-1, 1.0), (2, -0.1), (2, math.nan), (2.0, 1.0), (True, 0.5)]
)
def test_erlang_rejects_bad_input(servers: int, load: float) -> None:
    with pytest.raises(ValueError):
        erlang_b(servers, load)
    with pytest.raises(ValueError):
        erlang_c(servers, load)


# ---------------------------------------------------------------------------------------------
# M/M/c
# ---------------------------------------------------------------------------------------------


def test_mm1_special_case() -> None:
    lam, mu, t = 0.6, 1.0, 0.7
    rho = lam / mu
    m = mmc_metrics(lam, 1.0 / mu, 1, t)
    assert m.p_wait == pytest.approx(rho)
    assert m.p_abandon == 0.0
    assert m.mean_wait_min == pytest.approx(rho / (mu - lam))
    assert m.asa_min == pytest.approx(m.mean_wait_min)
    assert m.service_level == pytest.approx(1.0 - rho * math.exp(-(mu - lam) * t))
    assert m.occupancy == pytest.approx(rho)
    assert m.mean_queue_length == pytest.approx(rho**2 / (1.0 - rho))
    assert m.mean_in_system == pytest.approx(rho / (1.0 - rho))


def test_mmc_littles_law_and_service_level() -> None:
    lam, service, servers, t = 9.0, 4.0, 40, 1.0 / 3.0
    m = mmc_metrics(lam, service, servers, t)
    load = lam * service
    c_prob = float(exact_erlang_c(servers, Fraction(36)))
    assert m.p_wait == pytest.approx(c_prob, rel=1e-12)
    assert m.mean_queue_length == pytest.approx(lam * m.mean_wait_min)
    assert m.mean_in_system == pytest.approx(m.mean_queue_length + load)
    assert m.service_level == pytest.approx(1.0 - c_prob * math.exp(-(servers / service - lam) * t))
    assert mmc_metrics(lam, service, servers, 0.0).service_level == pytest.approx(1.0 - c_prob)


@pytest.mark.parametrize(
    "args",
    [
        (1.0, 2.0, 2, 0.5),
        (1.0, 3.0, 2, 0.5),
        (0.0, 1.0, 2, 0.5),
        (1.0, -1.0, 2, 0.5),
        (1.0, 1.0, 0, 0.5),
        (1.0, 1.0, 2, -0.1),
    ],
)
def test_mmc_rejects_unstable_or_invalid(args: tuple[float, float, int, float]) -> None:
    with pytest.raises(ValueError):
        mmc_metrics(*args)


def test_mmc_unstable_message_is_clear() -> None:
    with pytest.raises(ValueError, match="unstable"):
        mmc_metrics(1.0, 2.0, 2, 0.5)


# ---------------------------------------------------------------------------------------------
# Erlang A
# ---------------------------------------------------------------------------------------------

ERLANG_A_CASES = [
    # (arrival/min, service min, patience min, servers, threshold min)
    (2.0, 4.0, 3.0, 8, 1.0 / 3.0),  # critically loaded
    (3.0, 4.0, 3.0, 10, 0.5),  # overloaded (a = 12 > 10)
    (1.0, 0.5, 2.0, 1, 1.0),  # M/M/1+M
    (0.5, 1.0, 0.2, 3, 0.0),  # threshold zero
    (47.5, 4.0, 2.0, 200, 1.0 / 3.0),  # many agents
    (20.0, 4.0, 5.0, 60, 1.0 / 3.0),  # heavy overload (a = 80)
    (1.0, 5.0, 0.5, 2, 2.0),  # impatient callers, long threshold
    (1685.0, 0.57, 57.0, 960, 1.0 / 3.0),  # many agents, rho just above 1, patient callers
]


@pytest.mark.parametrize("case", ERLANG_A_CASES)
def test_erlang_a_closed_forms_match_ctmc(case: tuple[float, float, float, int, float]) -> None:
    closed = erlang_a_metrics(*case)
    chain = _erlang_a_ctmc_metrics(*case)
    for field in FIELDS:
        assert getattr(closed, field) == pytest.approx(getattr(chain, field), rel=1e-9, abs=1e-13)


@pytest.mark.parametrize("case", ERLANG_A_CASES)
def test_erlang_a_littles_law_and_flow_balance(
    case: tuple[float, float, float, int, float],
) -> None:
    lam, service, patience, servers, _ = case
    m = erlang_a_metrics(*case)
    chain = _erlang_a_ctmc_metrics(*case)
    # E[Q] = lambda E[W]: the chain's time-average queue against the closed-form wait.
    assert chain.mean_queue_length == pytest.approx(lam * m.mean_wait_min, rel=1e-9)
    # Abandonment rate theta E[Q] equals lambda P(Ab).
    assert chain.mean_queue_length / patience == pytest.approx(lam * m.p_abandon, rel=1e-9)
    # Busy agents = throughput x handling time.
    assert m.occupancy * servers == pytest.approx(lam * service * (1 - m.p_abandon), rel=1e-12)
    # Mean wait over all arrivals splits into served and abandoned callers.
    assert m.asa_min * (1 - m.p_abandon) <= m.mean_wait_min + 1e-15
    assert 0.0 <= m.p_abandon <= m.p_wait <= 1.0


def test_mz_function_a_matches_incomplete_gamma_definition() -> None:
    # Both evaluation routes (series for y <= x, log-gamma for y > x) against the definition.
    for x, y in [(5.0, 3.0), (5.0, 8.0), (20.5, 19.0), (0.3, 0.1), (2.0, 10.0), (40.0, 40.0)]:
        direct = x * math.exp(y) * y**-x * special.gamma(x) * special.gammainc(x, y)
        inverse_a, abandon_given_wait = _mz_inverse_a_and_abandon_given_wait(x, y)
        assert 1.0 / inverse_a == pytest.approx(direct, rel=1e-11)
        rho = y / x
        closed = 1.0 / (rho * direct) + 1.0 - 1.0 / rho
        assert abandon_given_wait == pytest.approx(closed, rel=1e-8)


def test_hypoexponential_cdf_matches_matrix_exponential() -> None:
    # The phase-type wait of a tagged caller: states "m ahead" .. "0 ahead", leave rates
    # c mu + (i + 1) theta, computed here with expm of the generator instead of the beta form.
    served_rate, theta, t = 2.5, 0.4, 1.3
    size = 30
    rates = served_rate + (np.arange(size) + 1.0) * theta
    generator = np.diag(-rates) + np.diag(rates[1:], k=-1)
    survival = linalg.expm(generator * t) @ np.ones(size)
    cdf = _hypoexponential_cdf(served_rate, theta, np.arange(size, dtype=float), t)
    np.testing.assert_allclose(cdf, 1.0 - survival, rtol=1e-10, atol=1e-13)


def test_erlang_a_tends_to_erlang_c_for_long_patience() -> None:
    lam, service, servers, t = 1.0, 4.0, 6, 0.5
    a_metrics = erlang_a_metrics(lam, service, 1e7, servers, t)
    c_metrics = mmc_metrics(lam, service, servers, t)
    assert a_metrics.p_abandon < 1e-6
    for field in (
        "p_wait",
        "mean_wait_min",
        "asa_min",
        "service_level",
        "occupancy",
        "mean_queue_length",
        "mean_in_system",
    ):
        assert getattr(a_metrics, field) == pytest.approx(getattr(c_metrics, field), rel=1e-5)


@pytest.mark.parametrize(("lam", "servers"), [(1.0, 6), (10.0, 30), (3.0, 10)])
def test_erlang_a_tends_to_loss_system_for_short_patience(lam: float, servers: int) -> None:
    # Callers who find everyone busy leave at once: abandonment -> Erlang B blocking.
    service = 4.0
    blocking = erlang_b(servers, lam * service)
    m = erlang_a_metrics(lam, service, 1e-8, servers, 1.0 / 3.0)
    assert m.p_abandon == pytest.approx(blocking, rel=1e-6)
    assert m.p_wait == pytest.approx(blocking, rel=1e-6)
    assert m.service_level == pytest.approx(1.0 - blocking, rel=1e-6)
    assert m.mean_wait_min < 1e-7


def test_erlang_a_stable_in_overload() -> None:
    lam, service, servers = 30.0, 4.0, 60  # twice as much work as agents
    m = erlang_a_metrics(lam, service, 3.0, servers, 1.0 / 3.0)
    # At most c / a of the callers can be served.
    assert m.p_abandon >= 1.0 - servers / (lam * service)
    assert m.occupancy <= 1.0
    assert 0.0 <= m.service_level < 0.1


def test_erlang_a_threshold_zero_is_answered_at_once() -> None:
    m = erlang_a_metrics(2.0, 4.0, 3.0, 9, 0.0)
    assert m.service_level == pytest.approx(1.0 - m.p_wait, rel=1e-10)


def test_erlang_a_rejects_invalid() -> None:
    with pytest.raises(ValueError):
        erlang_a_metrics(1.0, 4.0, 0.0, 6, 0.5)
    with pytest.raises(ValueError):
        erlang_a_metrics(1.0, 4.0, 2.0, 0, 0.5)
    with pytest.raises(ValueError):
        erlang_a_metrics(-1.0, 4.0, 2.0, 6, 0.5)
    with pytest.raises(ValueError, match="states"):
        erlang_a_metrics(10.0, 4.0, 1e9, 6, 0.5)  # endless patience in overload


def test_queue_metrics_is_frozen() -> None:
    m = mmc_metrics(1.0, 1.0, 2, 0.5)
    assert isinstance(m, QueueMetrics)
    with pytest.raises(AttributeError):
        m.p_wait = 0.0  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# M/G/1 and M/M/inf
# ---------------------------------------------------------------------------------------------


def test_pollaczek_khinchine_exponential_equals_mm1() -> None:
    lam, service = 0.7, 1.2
    assert mg1_mean_wait_min(lam, service, 1.0) == pytest.approx(
        mmc_metrics(lam, service, 1, 1.0).mean_wait_min, rel=1e-12
    )


def test_pollaczek_khinchine_deterministic_is_half() -> None:
    lam, service = 0.7, 1.2
    assert mg1_mean_wait_min(lam, service, 0.0) == pytest.approx(
        0.5 * mg1_mean_wait_min(lam, service, 1.0), rel=1e-12
    )


def test_pollaczek_khinchine_rejects_unstable() -> None:
    with pytest.raises(ValueError):
        mg1_mean_wait_min(1.0, 1.0, 1.0)
    with pytest.raises(ValueError):
        mg1_mean_wait_min(0.5, 1.0, -0.1)


def test_mm_inf_mean_busy_is_offered_load() -> None:
    assert mm_inf_mean_busy(3.0, 7.5) == pytest.approx(22.5)
    assert mm_inf_mean_busy(0.0, 7.5) == 0.0


# ---------------------------------------------------------------------------------------------
# Staffing
# ---------------------------------------------------------------------------------------------


def _meets(lam: float, service: float, servers: int, t: float, target: float, cap: float) -> bool:
    if servers < 1 or lam * service >= servers or lam * service / servers > cap:
        return False
    return mmc_metrics(lam, service, servers, t).service_level >= target


@pytest.mark.parametrize(
    ("lam", "service", "t", "target", "cap"),
    [
        (10.0, 4.0, 1.0 / 3.0, 0.8, 1.0),
        (10.0, 4.0, 1.0 / 3.0, 0.8, 0.8),
        (0.05, 6.0, 0.5, 0.9, 1.0),
        (100.0, 5.0, 1.0 / 3.0, 0.95, 1.0),
        (2.0, 3.0, 0.0, 0.5, 1.0),
        (1.0, 2.0, 1.0, 0.1, 1.0),
    ],
)
def test_staffing_is_minimal(
    lam: float, service: float, t: float, target: float, cap: float
) -> None:
    agents = erlang_c_agents_for_service_level(lam, service, t, target, cap)
    assert _meets(lam, service, agents, t, target, cap)
    assert not _meets(lam, service, agents - 1, t, target, cap)


def test_staffing_occupancy_cap_binds() -> None:
    # 8 Erlang with a 0.8 occupancy cap needs exactly 10 agents (8 / 0.8 rounds to 10.000...02).
    assert erlang_c_agents_for_service_level(2.0, 4.0, 10.0, 0.01, 0.8) == 10


@pytest.mark.parametrize(
    "bad",
    [
        {"target": 1.0},
        {"target": 0.0},
        {"max_occupancy": 0.0},
        {"max_occupancy": 1.1},
        {"threshold_min": -1.0},
    ],
)
def test_staffing_rejects_invalid(bad: dict[str, float]) -> None:
    kwargs = {
        "arrival_rate_per_min": 1.0,
        "mean_service_min": 4.0,
        "threshold_min": 0.5,
        "target": 0.8,
        "max_occupancy": 1.0,
    }
    kwargs.update(bad)
    with pytest.raises(ValueError):
        erlang_c_agents_for_service_level(**kwargs)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    servers=st.integers(min_value=1, max_value=300),
    load=st.floats(min_value=0.0, max_value=400.0, allow_nan=False),
)
def test_erlang_c_is_probability_and_decreases_with_servers(servers: int, load: float) -> None:
    now, more = erlang_c(servers, load), erlang_c(servers + 1, load)
    assert 0.0 <= more <= now <= 1.0
    assert 0.0 <= erlang_b(servers, load) <= now


@settings(max_examples=40, deadline=None)
@given(
    lam=st.floats(min_value=0.01, max_value=20.0),
    service=st.floats(min_value=0.1, max_value=15.0),
    patience=st.floats(min_value=0.05, max_value=30.0),
    servers=st.integers(min_value=1, max_value=120),
    threshold=st.floats(min_value=0.0, max_value=5.0),
)
def test_erlang_a_metrics_are_consistent(
    lam: float, service: float, patience: float, servers: int, threshold: float
) -> None:
    m = erlang_a_metrics(lam, service, patience, servers, threshold)
    assert 0.0 <= m.service_level <= 1.0 - m.p_abandon + 1e-12
    assert 0.0 <= m.p_abandon <= m.p_wait <= 1.0
    assert 0.0 <= m.occupancy <= 1.0 + 1e-12
    assert m.asa_min >= 0.0
    assert m.mean_in_system >= m.mean_queue_length >= 0.0


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(min_value=0.01, max_value=50.0),
    service=st.floats(min_value=0.1, max_value=15.0),
    extra=st.integers(min_value=1, max_value=30),
    threshold=st.floats(min_value=0.0, max_value=5.0),
)
def test_mmc_service_level_is_probability_and_grows_with_threshold(
    lam: float, service: float, extra: int, threshold: float
) -> None:
    servers = math.floor(lam * service) + extra
    low = mmc_metrics(lam, service, servers, threshold).service_level
    high = mmc_metrics(lam, service, servers, threshold + 0.5).service_level
    assert 0.0 <= low <= high <= 1.0
