"""The simulator against queueing theory: the analytic value lies in the 99% confidence interval
of the replication means. Seeds are fixed, so each check is deterministic; sizes are chosen so
that intervals are a few percent wide and the whole file runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from omegaconf import DictConfig

from klantstroom.analysis.erlang import mg1_mean_wait_min, mmc_metrics
from klantstroom.analysis.erlang_a import erlang_a_metrics
from klantstroom.analysis.stats import mean_ci
from klantstroom.config import scenario_from_config
from klantstroom.experiment import RunResult, run_experiment
from klantstroom.scenario.build import build_scenario

from factories import queue_config

Compose = Callable[..., DictConfig]
REPS = 16


def run_textbook(compose: Compose, name: str, **params: float) -> RunResult:
    overrides = [
        f"scenarios=textbook/{name}",
        f"run.replications={REPS}",
        "run.seed=4242",
        "run.horizon_days=0.5",
        "run.warmup_days=0.1",
    ]
    overrides += [f"params.{key}={value}" for key, value in params.items()]
    return run_experiment(scenario_from_config(compose(*overrides)))


def per_replication(result: RunResult, kpi: str) -> np.ndarray:
    kpis = result.kpis
    rows = kpis[(kpis["channel"] == "phone") & (kpis["service"] == "all")]
    return rows.sort_values("replication")[kpi].to_numpy(dtype=float)


def p_wait(result: RunResult) -> np.ndarray:
    c = result.contacts
    ended = c[c["outcome"].isin(["served", "abandoned"])]
    return ended.groupby("replication")["wait_min"].apply(lambda w: (w > 0).mean()).to_numpy()


def assert_in_ci(values: np.ndarray, expected: float, label: str) -> None:
    _mean, low, high = mean_ci(values, confidence=0.99)
    assert low <= expected <= high, f"{label}: theory {expected:.5f} not in [{low:.5f}, {high:.5f}]"


@pytest.mark.parametrize(("rate_per_hour", "servers"), [(420.0, 10), (540.0, 10), (150.0, 3)])
def test_mmc_matches_erlang_c(compose_config: Compose, rate_per_hour: float, servers: int) -> None:
    result = run_textbook(
        compose_config, "mmc", arrival_rate_per_hour=rate_per_hour, servers=servers
    )
    theory = mmc_metrics(rate_per_hour / 60, 1.0, servers, threshold_min=20 / 60)
    assert_in_ci(p_wait(result), theory.p_wait, "P(wait)")
    assert_in_ci(per_replication(result, "asa_min"), theory.asa_min, "ASA")
    assert_in_ci(per_replication(result, "service_level"), theory.service_level, "SL")
    occupancy = result.kpis.dropna(subset=["occupancy"])["occupancy"].to_numpy()
    assert_in_ci(occupancy, theory.occupancy, "occupancy")


@pytest.mark.parametrize(("rate_per_hour", "patience"), [(480.0, 2.0), (540.0, 1.0), (720.0, 2.0)])
def test_erlang_a_matches_theory(
    compose_config: Compose, rate_per_hour: float, patience: float
) -> None:
    result = run_textbook(
        compose_config, "erlang_a", arrival_rate_per_hour=rate_per_hour, mean_patience_min=patience
    )
    theory = erlang_a_metrics(rate_per_hour / 60, 1.0, patience, 10, threshold_min=20 / 60)
    assert_in_ci(p_wait(result), theory.p_wait, "P(wait)")
    assert_in_ci(per_replication(result, "abandonment_rate"), theory.p_abandon, "P(abandon)")
    assert_in_ci(per_replication(result, "mean_wait_min"), theory.mean_wait_min, "mean wait")
    assert_in_ci(per_replication(result, "asa_min"), theory.asa_min, "ASA")
    assert_in_ci(per_replication(result, "service_level"), theory.service_level, "SL")


def test_littles_law_and_erlang_c_queue_length(compose_config: Compose) -> None:
    result = run_textbook(compose_config, "mmc", arrival_rate_per_hour=540.0, servers=10)
    horizon = 0.5 * 1440
    queue_rows = result.intervals[result.intervals["channel"] == "phone"]
    lq = queue_rows.groupby("replication")["mean_queue_length"].mean().to_numpy()
    c = result.contacts
    lam = c.groupby("replication").size().to_numpy() / horizon
    wait = c.groupby("replication")["wait_min"].mean().to_numpy()
    # L = lambda W per replication; the small gap is contacts waiting across the window edges.
    np.testing.assert_allclose(lq, lam * wait, rtol=0.03)
    assert_in_ci(lq, mmc_metrics(9.0, 1.0, 10, 20 / 60).mean_queue_length, "Lq")


def test_mg1_matches_pollaczek_khinchine() -> None:
    config = queue_config(
        rate_per_hour=42.0,
        agents=1,
        replications=REPS,
        seed=99,
        horizon_days=2.0,
        warmup_days=0.2,
        handling={"kind": "lognormal", "mean_min": 1.0, "cv": 0.5},
    )
    result = run_experiment(build_scenario(config))
    assert_in_ci(per_replication(result, "asa_min"), mg1_mean_wait_min(0.7, 1.0, 0.5), "Wq")


def reference_n_design(seed: int, horizon: float, warmup: float) -> dict[str, float]:
    """An independent, idiomatic SimPy model of the N-design (one process per customer):
    specialists A and B serve their own service only; generalists serve both, after the
    specialists, taking the longest-waiting customer of either queue."""
    import simpy

    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    rate = {"a": 4.0, "b": 2.0}
    mean = {"a": 1.0, "b": 1.5}
    idle = {"a": 4, "b": 2, "g": 2}
    waiting: dict[str, list[tuple[float, simpy.Event]]] = {"a": [], "b": []}
    waits: dict[str, list[float]] = {"a": [], "b": []}

    def customer(service: str):  # type: ignore[no-untyped-def]
        arrived = env.now
        if idle[service] > 0:
            group = service
        elif idle["g"] > 0:
            group = "g"
        else:
            turn = env.event()
            waiting[service].append((arrived, turn))
            group = yield turn
        idle[group] -= 1
        if arrived >= warmup:
            waits[service].append(env.now - arrived)
        yield env.timeout(rng.exponential(mean[service]))
        idle[group] += 1
        heads = [s for s in ((group,) if group != "g" else ("a", "b")) if waiting[s]]
        if heads:
            nxt = min(heads, key=lambda s: waiting[s][0][0])
            _, turn = waiting[nxt].pop(0)
            turn.succeed(group)

    def source(service: str):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(rng.exponential(1 / rate[service]))
            env.process(customer(service))

    env.process(source("a"))
    env.process(source("b"))
    env.run(until=horizon)
    return {s: float(np.mean(w)) for s, w in waits.items()}


def test_n_design_matches_an_independent_simpy_model(compose_config: Compose) -> None:
    cfg = compose_config(
        "scenarios=textbook/n_design",
        f"run.replications={REPS}",
        "run.seed=7",
        "run.horizon_days=0.5",
        "run.warmup_days=0.1",
    )
    result = run_experiment(scenario_from_config(cfg))
    kpis = result.kpis
    ours = {
        s: kpis[(kpis["channel"] == "phone") & (kpis["service"] == s)]
        .sort_values("replication")["asa_min"]
        .to_numpy()
        for s in ("a", "b")
    }
    warmup, horizon = 0.1 * 1440, 0.6 * 1440
    reference = pd.DataFrame([reference_n_design(1000 + r, horizon, warmup) for r in range(REPS)])
    from scipy import stats

    for service in ("a", "b"):
        test = stats.ttest_ind(ours[service], reference[service].to_numpy(), equal_var=False)
        assert test.pvalue > 0.01, (service, ours[service].mean(), reference[service].mean())
    # The generalists carry A work: 4 specialists alone would be at 100% load (unstable).
    served_a = result.contacts[
        (result.contacts["service"] == "a") & (result.contacts["outcome"] == "served")
    ]
    assert (served_a["staff_group"] == "generalist").mean() > 0.05
