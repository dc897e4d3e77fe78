"""Throughput and memory of klantstroom against a bare SimPy model of the same queue.

Runs the M/M/c textbook scenario (``scenarios/textbook/mmc.yaml``) through klantstroom and an
idiomatic SimPy M/M/c (one process per customer, ``simpy.Resource``) with the same arrival rate,
service time, number of agents and horizon, in the same Python process, and prints contacts per
second for each and their ratio. Peak memory per contact of the klantstroom model is measured in a
separate pass with ``tracemalloc`` (which slows it down, so it is not timed).

    python benchmarks/throughput.py                 # 10^6 contacts, best of 3
    python benchmarks/throughput.py --contacts 2e5 --repeat 1

Goals (issue "Core engine"): klantstroom >= 1.5x the bare SimPy throughput at 10^6 contacts, and
peak memory under 1 KiB per contact.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import simpy
from hydra import compose, initialize_config_dir

from klantstroom.config import register_configs, scenario_from_config
from klantstroom.experiment import tables_from_logs
from klantstroom.model.simulation import simulate
from klantstroom.paths import conf_dir
from klantstroom.scenario.spec import Scenario


def mmc_scenario(contacts: float, servers: int, rate_per_min: float) -> Scenario:
    """The textbook M/M/c scenario, with a horizon that gives about ``contacts`` arrivals."""
    register_configs()
    horizon_days = contacts / rate_per_min / 1440
    overrides = [
        "scenarios=textbook/mmc",
        f"params.servers={servers}",
        f"params.arrival_rate_per_hour={rate_per_min * 60}",
        "params.mean_service_min=1.0",
        f"run.horizon_days={horizon_days}",
        "run.warmup_days=0",
        "run.replications=1",
    ]
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return scenario_from_config(compose(config_name="config", overrides=overrides))


def bare_simpy(horizon_min: float, servers: int, rate_per_min: float, seed: int) -> int:
    """Idiomatic SimPy M/M/c: a process per customer requesting a Resource. Returns served."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=servers)
    served = 0

    def customer(env: simpy.Environment):  # type: ignore[no-untyped-def]
        nonlocal served
        with agents.request() as request:
            yield request
            yield env.timeout(rng.exponential(1.0))
            served += 1

    def source(env: simpy.Environment):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(rng.exponential(1 / rate_per_min))
            env.process(customer(env))

    env.process(source(env))
    env.run(until=horizon_min)
    return served


def best_of(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    """Return the shortest wall time of ``repeat`` runs and the contacts of that run."""
    best = (float("inf"), 0)
    for _ in range(repeat):
        started = time.perf_counter()
        count = run()
        elapsed = time.perf_counter() - started
        best = min(best, (elapsed, count))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=float, default=1e6, help="arrivals to simulate")
    parser.add_argument("--servers", type=int, default=10, help="agents (c)")
    parser.add_argument("--rate-per-min", type=float, default=9.0, help="arrival rate (lambda)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per model; the best counts")
    args = parser.parse_args()

    scenario = mmc_scenario(args.contacts, args.servers, args.rate_per_min)
    horizon = scenario.run.horizon_min

    def ours() -> int:
        return len(simulate(scenario, 0).contacts["contact_id"])

    def bare() -> int:
        return bare_simpy(horizon, args.servers, args.rate_per_min, seed=1)

    t_ours, n_ours = best_of(args.repeat, ours)
    t_bare, n_bare = best_of(args.repeat, bare)

    started = time.perf_counter()
    log = simulate(scenario, 0)
    tables_from_logs(scenario, [log])
    t_pipeline = time.perf_counter() - started

    tracemalloc.start()
    log = simulate(scenario, 0)
    n_mem = len(log.contacts["contact_id"])
    _, peak = tracemalloc.get_traced_memory()
    tables_from_logs(scenario, [log])
    _, peak_tables = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rate_ours, rate_bare = n_ours / t_ours, n_bare / t_bare
    print(
        f"M/M/{args.servers}, lambda = {args.rate_per_min}/min, mu = 1/min, "
        f"horizon {horizon / 1440:.1f} days; Python {platform.python_version()}, "
        f"SimPy {simpy.__version__}"
    )
    print(f"{'model':<36}{'contacts':>10}{'seconds':>10}{'contacts/s':>13}")
    print(
        f"{'bare SimPy (process per customer)':<36}{n_bare:>10}{t_bare:>10.2f}{rate_bare:>13,.0f}"
    )
    print(f"{'klantstroom model':<36}{n_ours:>10}{t_ours:>10.2f}{rate_ours:>13,.0f}")
    print(
        f"{'klantstroom model + tables':<36}{n_ours:>10}{t_pipeline:>10.2f}"
        f"{n_ours / t_pipeline:>13,.0f}"
    )
    ratio = rate_ours / rate_bare
    per_contact = peak / n_mem
    print(f"\nthroughput ratio klantstroom / bare SimPy: {ratio:.2f}x (goal >= 1.5x)")
    print(
        f"peak memory, model: {peak / 2**20:.1f} MiB = {per_contact:.0f} bytes per contact "
        f"(goal < 1024)"
    )
    print(
        f"peak memory, model + tables: {peak_tables / 2**20:.1f} MiB = "
        f"{peak_tables / n_mem:.0f} bytes per contact"
    )


if __name__ == "__main__":
    main()
