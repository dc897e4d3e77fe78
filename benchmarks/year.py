"""Wall time of one replication of a full simulated year of the default municipality.

Simulates 365 days (after the scenario's warm-up) of Grootstad — KCC phone, e-mail and chat,
the city shops with appointments, the back office and journeys — as one replication, builds
every table and its KPIs, and prints the wall time beside the bare-SimPy reference of
``benchmarks/throughput.py``: an idiomatic SimPy M/M/c model (one process per customer) pushing
the *same number of contacts* through, timed in the same process. The ratio says how much a
realistic contact costs against the simplest possible one.

Then it times the road-map multirun: the five road-map years (one replication each, a short
horizon) sequentially and in parallel across the machine's cores (joblib), so the speed-up of
``klantstroom -m ... hydra/launcher=joblib`` (or ``run.n_jobs``) can be read off.

    python benchmarks/year.py                         # Grootstad, one year
    python benchmarks/year.py --days 91 --skip-roadmap
    python benchmarks/year.py --overrides scenarios=eindbeeld

Goal (issue "default municipality"): under 30 s per replication-year on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import simpy
from joblib import Parallel, delayed

from klantstroom import api
from klantstroom.experiment import tables_from_logs
from klantstroom.model.simulation import simulate
from klantstroom.scenario.spec import Scenario

# The same reference model as benchmarks/throughput.py (the script's folder is on sys.path).
from throughput import bare_simpy

ROADMAP = ("nulmeting", "jaar1", "jaar2", "jaar3", "eindbeeld")


def one_year(scenario: Scenario) -> tuple[float, float, int]:
    """Simulate one replication; return (simulation s, tables s, contacts)."""
    started = time.perf_counter()
    log = simulate(scenario, 0)
    simulated = time.perf_counter() - started
    tables_from_logs(scenario, [log])
    total = time.perf_counter() - started
    return simulated, total - simulated, len(log.contacts["contact_id"])


def roadmap_job(step: str, days: float) -> float:
    """One road-map year, one replication, tables included; returns its wall time."""
    started = time.perf_counter()
    scenario = api.load_scenario(
        [f"scenarios={step}", f"run.horizon_days={days}", "run.replications=1"]
    )
    tables_from_logs(scenario, [simulate(scenario, 0)])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=365.0, help="reported days (default 365)")
    parser.add_argument("--overrides", nargs="*", default=[], help="config overrides")
    parser.add_argument(
        "--roadmap-days", type=float, default=28.0, help="horizon of each road-map job (default 28)"
    )
    parser.add_argument("--skip-roadmap", action="store_true", help="time the year only")
    args = parser.parse_args()

    scenario = api.load_scenario(
        [*args.overrides, f"run.horizon_days={args.days}", "run.replications=1"]
    )
    simulated, tables, contacts = one_year(scenario)
    warmup = scenario.run.warmup_days
    # Bare SimPy reference: the same number of contacts through an M/M/10 at rho = 0.9.
    rate_per_min, servers = 9.0, 10
    started = time.perf_counter()
    bare_n = bare_simpy(contacts / rate_per_min, servers, rate_per_min, seed=1)
    bare = time.perf_counter() - started
    cores = os.cpu_count() or 1
    print(
        f"{scenario.run.name}: {args.days:g} days (+{warmup:g} warm-up), one replication; "
        f"Python {platform.python_version()}, SimPy {simpy.__version__}, {cores} cores"
    )
    print(f"{'':<44}{'contacts':>10}{'seconds':>10}{'contacts/s':>12}")
    print(
        f"{'klantstroom: simulation':<44}{contacts:>10}{simulated:>10.1f}"
        f"{contacts / simulated:>12,.0f}"
    )
    print(
        f"{'klantstroom: simulation + tables and KPIs':<44}{contacts:>10}"
        f"{simulated + tables:>10.1f}{contacts / (simulated + tables):>12,.0f}"
    )
    print(
        f"{'bare SimPy M/M/10, same contacts':<44}{bare_n:>10}{bare:>10.1f}{bare_n / bare:>12,.0f}"
    )
    per_year = (simulated + tables) * 365.0 / args.days
    print(
        f"\nper replication-year: {per_year:.1f} s (goal < 30 s); "
        f"{per_year / (bare * 365.0 / args.days):.1f}x the bare SimPy time for as many contacts"
    )

    if args.skip_roadmap:
        return
    started = time.perf_counter()
    for step in ROADMAP:
        roadmap_job(step, args.roadmap_days)
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    Parallel(n_jobs=-1)(delayed(roadmap_job)(step, args.roadmap_days) for step in ROADMAP)
    parallel = time.perf_counter() - started
    print(
        f"\nroad map ({len(ROADMAP)} years x {args.roadmap_days:g} days, one replication each): "
        f"sequential {sequential:.1f} s, parallel on {cores} cores {parallel:.1f} s "
        f"({sequential / parallel:.2f}x)"
    )


if __name__ == "__main__":
    main()
