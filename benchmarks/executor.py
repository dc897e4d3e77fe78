"""Parallel efficiency of a run's replications, from one worker to all cores, per executor.

What is measured
----------------
The simulation of ``--replications`` replications of Grootstad over ``--days`` reported days
(after the scenario's warm-up), through ``klantstroom.experiment`` as a run does it, with
``run.n_jobs`` = 1, 2, ... up to the machine's cores, for each executor:

* ``local`` -- joblib's process pool (the default);
* ``dask`` -- a Dask cluster of that many worker processes (one thread each), started once per
  worker count and reached by its address, as a remote cluster is (its start-up is not timed:
  a cluster outlives the runs sent to it).

Each configuration is timed ``--rounds`` times, the configurations alternating within a round so
a change in the machine's load hits them alike; the median wall time is reported. Efficiency at
``n`` workers is ``T(1) / (n * T(n))`` with ``T(1)`` the local one-worker time: 100% is a perfect
speed-up. The goal (issue "Beyond one machine") is at least 85% on the machine's cores.

The replications must outnumber the workers several times, or the last one to finish idles the
others: the default, 8 replications, gives 2 workers 4 each.

How to run
----------
::

    python benchmarks/executor.py                   # 8 replications of 28 days, 3 rounds
    python benchmarks/executor.py --days 56 --replications 12 --rounds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

from klantstroom import api
from klantstroom.experiment import run_experiment
from klantstroom.scenario.spec import Scenario


def timed(scenario: Scenario) -> float:
    """Wall seconds of the replications and tables of ``scenario``."""
    start = time.perf_counter()
    result = run_experiment(scenario, lean=True)
    elapsed = time.perf_counter() - start
    if not result.complete:
        raise SystemExit(f"a run failed: {result.error}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=28, help="reported days (28)")
    parser.add_argument("--replications", type=int, default=8, help="replications (8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (3)")
    parser.add_argument("--most", type=int, default=os.cpu_count() or 1, help="most workers")
    args = parser.parse_args()
    try:
        from distributed import LocalCluster
    except ImportError:
        sys.exit("needs Dask's distributed: pip install -e '.[dask]'")
    base = api.load_scenario(
        [
            f"run.horizon_days={args.days}",
            f"run.replications={args.replications}",
            "run.progress=false",
        ]
    )
    counts = list(range(1, args.most + 1))
    clusters = {
        n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
        for n in counts
    }
    configs = {}
    for n in counts:
        configs[("local", n)] = replace(base, run=replace(base.run, n_jobs=n))
        address = str(clusters[n].scheduler_address)
        configs[("dask", n)] = replace(
            base, run=replace(base.run, executor="dask", cluster_address=address)
        )
    times: dict[tuple[str, int], list[float]] = {key: [] for key in configs}
    print(
        f"Grootstad, {args.replications} replications of {args.days} days, "
        f"{args.rounds} rounds, {os.cpu_count()} cores"
    )
    try:
        for round_ in range(args.rounds):
            keys = list(configs)
            # Rotate the order every round so no configuration always runs first.
            keys = keys[round_ % len(keys) :] + keys[: round_ % len(keys)]
            for key in keys:
                times[key].append(timed(configs[key]))
            print(f"  round {round_ + 1} done", flush=True)
    finally:
        for cluster in clusters.values():
            cluster.close()
    one = statistics.median(times[("local", 1)])
    print()
    print(
        f"{'executor':<9} {'workers':>7} {'median wall s':>14} {'speed-up':>9} {'efficiency':>11}"
    )
    for (executor, n), values in times.items():
        median = statistics.median(values)
        print(
            f"{executor:<9} {n:>7} {median:>14.1f} {one / median:>8.2f}x "
            f"{100 * one / (n * median):>10.0f}%"
        )
    print("\nGoal: efficiency >= 85% on all cores (issue 23, point 6).")


if __name__ == "__main__":
    main()
