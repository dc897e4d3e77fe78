"""Throughput of klantstroom's model against SimPy written by hand and against Ciw.

What is measured
----------------
Two textbook queues, each with ``c`` agents, Poisson arrivals at ``lambda`` per minute and
exponential handling with mean ``1/mu`` (default M/M/10 at rho = 0.9: lambda 9/min, mu 1/min):

* ``mmc`` -- M/M/c (Erlang C), ``scenarios/textbook/mmc.yaml``;
* ``erlang_a`` -- M/M/c+M (Erlang A): callers hang up after an exponential patience (default mean
  2 min), ``scenarios/textbook/erlang_a.yaml``.

Each queue is run, with the same lambda, mu, c, patience and horizon (about ``--contacts``
arrivals, default 2e5), through five models in the same Python process:

1. **klantstroom** -- ``klantstroom.model.simulation.simulate()`` of the scenario composed by Hydra
   (the event log as NumPy columns included; tables and KPIs not).
2. **SimPy, idiomatic** -- a process per customer requesting a ``simpy.Resource``
   (``yield req``, for Erlang A ``yield req | env.timeout(patience)``), one NumPy draw per call.
3. **SimPy hand-tuned, callbacks** -- no processes at all: slotted timer objects with callbacks
   scheduled by ``env.schedule`` (one re-used timer per agent and one for arrivals, shared
   callback lists, the timer carries its own due time), a deque of waiting callers and a list of
   free agents, random numbers drawn in NumPy blocks of 512 (as klantstroom draws them); for
   Erlang A each waiting caller is its patience timer, cancelled lazily (its callbacks emptied)
   and skipped in the deque once it has fired. The fastest pure Python + SimPy we could write.
4. **SimPy hand-tuned, Store** -- ``c`` long-lived agent processes pulling callers from a
   ``simpy.Store`` that an arrival process feeds, block draws; Erlang A patience as in 3.
5. **Ciw** (optional: ``pip install -e '.[bench]'``) -- ``ciw.create_network`` with
   ``Exponential`` arrival, service and (Erlang A) ``reneging_time_distributions``, run by
   ``simulate_until_max_time``; the finished contacts are its ``service`` and ``renege`` records.
   Skipped with a note when Ciw is not installed. ``--ciw-contacts`` can shorten its horizon
   for a quick look (the output says when it does), but Ciw's throughput per second falls as
   its horizon grows (about 64,000 contacts per second at 3e4 arrivals, 51,000 at 2e5 on M/M/10),
   so a shorter horizon flatters Ciw: judge the goal with the same horizon for every model.

Every model returns the contacts that *finished* before the horizon (served + abandoned), so
throughput is contacts per second. The reference models only keep four counters (finished,
waited, total wait, abandoned) for the sanity check below; klantstroom writes a full row per
contact into its event log.

The models alternate round by round (``--rounds``, default 5): in round ``r`` each model runs once,
with seed / replication ``r``, and the order of the models is rotated by one each round so that no
model always runs first or after the same neighbour. A garbage collection precedes every run.
Each run is timed with ``time.perf_counter`` (wall) and ``time.process_time`` (CPU of this
process); the table gives the medians over the rounds, and the ratios klantstroom / reference are
ratios of median throughputs, wall and CPU, next to their goals (issue "Core engine"):

* klantstroom >= 2x the idiomatic SimPy,
* klantstroom >= 1.2x the faster of the two hand-tuned SimPy styles (the other style's ratio is
  printed too, without a verdict),
* klantstroom >= 5x Ciw,

on M/M/10 at rho = 0.9 and the same on Erlang A.

To show that the models simulate the same queue, the fraction of callers that waited, the mean
time in queue and the abandoned fraction of every model (pooled over the rounds) are printed
beside theory (the birth-death chain of M/M/c+M, which is Erlang C without patience: P(wait)
0.6687 and mean wait 0.6687 min at the default). Last, peak memory per contact of klantstroom's
model is measured with ``tracemalloc`` in a separate, untimed pass.

How to run
----------
::

    python benchmarks/throughput.py                        # both cases, 2e5 contacts, 5 rounds
    python benchmarks/throughput.py --case mmc --contacts 1e6 --rounds 3
    python benchmarks/throughput.py --ciw-contacts 5e4     # shorter horizon for Ciw only

Run it on an otherwise idle machine: the CPU ratios are less sensitive to other load than the wall
ratios, but both assume the processes share the cores the same way during every round.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from klantstroom import api, compile_command
from klantstroom.experiment import tables_from_logs
from klantstroom.model.simulation import ReplicationLog, simulate
from klantstroom.scenario.spec import ABANDONED, SERVED, Scenario

# The reference models (the script's folder is on sys.path when it runs).
from references import (
    Case,
    Tally,
    callbacks_simpy,
    ciw,
    ciw_run,
    ciw_tally,
    idiomatic_simpy,
    store_simpy,
    theory,
)

GOALS = {"idiomatic": 2.0, "hand-tuned": 1.2, "ciw": 5.0}


# -- klantstroom ----------------------------------------------------------------------------


def klantstroom_scenario(case: Case) -> Scenario:
    """The textbook scenario of ``case``, composed by Hydra as ``klantstroom`` composes it."""
    overrides = [
        "scenarios=textbook/mmc"
        if case.mean_patience_min is None
        else "scenarios=textbook/erlang_a",
        f"params.servers={case.servers}",
        f"params.arrival_rate_per_hour={case.rate_per_min * 60}",
        f"params.mean_service_min={case.mean_service_min}",
        f"run.horizon_days={case.horizon_min / 1440}",
        "run.warmup_days=0",
        "run.replications=1",
    ]
    if case.mean_patience_min is not None:
        overrides.append(f"params.mean_patience_min={case.mean_patience_min}")
    return api.load_scenario(overrides)


def log_tally(log: ReplicationLog) -> Tally:
    """Count the contacts of a klantstroom log that finished before the horizon."""
    contacts = log.contacts
    outcome, arrival = contacts["outcome"], contacts["arrival_min"]
    served = (outcome == SERVED) & (contacts["end_min"] <= log.horizon_min)
    abandoned = outcome == ABANDONED
    waits = np.where(served, contacts["start_min"] - arrival, 0.0)
    waits[abandoned] = contacts["end_min"][abandoned] - arrival[abandoned]
    finished = served | abandoned
    return Tally(
        finished=int(finished.sum()),
        waited=int((finished & (waits > 0)).sum()),
        wait_sum=float(waits[finished].sum()),
        abandoned=int(abandoned.sum()),
    )


# -- the benchmark --------------------------------------------------------------------------


@dataclass
class Model:
    """A model in the benchmark: a timed ``run(seed)`` and an untimed ``tally(result)``."""

    key: str
    label: str
    run: Callable[[int], Any]
    tally: Callable[[Any], Tally]
    walls: list[float]
    cpus: list[float]
    rates: list[float]
    cpu_rates: list[float]
    pooled: Tally

    @classmethod
    def of(
        cls, key: str, label: str, run: Callable[[int], Any], tally: Callable[[Any], Tally]
    ) -> Model:
        """A model with no runs yet."""
        return cls(key, label, run, tally, [], [], [], [], Tally())

    def time_once(self, seed: int) -> None:
        """Run once with ``seed``, timed, and record its times and throughputs."""
        gc.collect()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = self.run(seed)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        tally = self.tally(result)
        del result
        self.walls.append(wall)
        self.cpus.append(cpu)
        self.rates.append(tally.finished / wall)
        self.cpu_rates.append(tally.finished / cpu)
        self.pooled.add(tally)

    @property
    def rate(self) -> float:
        """Median contacts per wall second."""
        return statistics.median(self.rates)

    @property
    def cpu_rate(self) -> float:
        """Median contacts per CPU second."""
        return statistics.median(self.cpu_rates)


def verdict(ratio: float, goal: float) -> str:
    """``"PASS"`` when ``ratio`` reaches ``goal``, else ``"MISS"``."""
    return "PASS" if ratio >= goal else "MISS"


def bench_case(case: Case, rounds: int, ciw_contacts: float | None, memory: bool) -> None:
    """Time the models on ``case`` and print throughputs, sanity checks, ratios and memory."""
    scenario = klantstroom_scenario(case)
    ciw_case = case
    if ciw_contacts is not None:
        ciw_case = Case(
            case.name,
            case.rate_per_min,
            case.mean_service_min,
            case.servers,
            case.mean_patience_min,
            ciw_contacts / case.rate_per_min,
        )

    def identity(tally: Tally) -> Tally:
        return tally

    models = [
        Model.of(
            "klantstroom",
            "klantstroom simulate()",
            lambda seed: simulate(scenario, seed),
            log_tally,
        ),
        Model.of(
            "idiomatic",
            "SimPy idiomatic (process per customer)",
            lambda seed: idiomatic_simpy(case, seed),
            identity,
        ),
        Model.of(
            "callbacks",
            "SimPy hand-tuned, callbacks",
            lambda seed: callbacks_simpy(case, seed),
            identity,
        ),
        Model.of(
            "store",
            "SimPy hand-tuned, Store + agent procs",
            lambda seed: store_simpy(case, seed),
            identity,
        ),
    ]
    if ciw is not None:
        models.append(
            Model.of(
                "ciw", f"Ciw {ciw.__version__}", lambda seed: ciw_run(ciw_case, seed), ciw_tally
            )
        )
    for r in range(rounds):
        shift = r % len(models)
        for model in models[shift:] + models[:shift]:
            model.time_once(seed=r + 1)

    contacts = case.horizon_min * case.rate_per_min
    print(f"\n== {case.label}")
    print(
        f"about {contacts:,.0f} arrivals per run ({case.horizon_min / 1440:.1f} days from empty), "
        f"{rounds} rounds, models alternated and rotated each round; medians over the rounds"
    )
    if ciw is None:
        print("Ciw is not installed (pip install -e '.[bench]'): skipped")
    elif ciw_case is not case:
        print(
            f"Ciw runs a shorter horizon: about {ciw_contacts:,.0f} arrivals "
            f"({ciw_case.horizon_min / 1440:.1f} days); its throughput per second is comparable"
        )
    header = (
        f"{'model':<40}{'finished':>9}{'wall s':>8}{'CPU s':>8}{'contacts/s':>12}{'/CPU s':>11}"
    )
    print(header)
    for model in models:
        finished = model.pooled.finished // rounds
        print(
            f"{model.label:<40}{finished:>9,}{statistics.median(model.walls):>8.2f}"
            f"{statistics.median(model.cpus):>8.2f}{model.rate:>12,.0f}{model.cpu_rate:>11,.0f}"
        )

    p_wait, mean_wait, p_abandon = theory(case)
    name = "Erlang C" if case.mean_patience_min is None else "Erlang A"
    print(
        f"\nsanity, pooled over the rounds{'':<10}{'P(wait)':>9}{'mean wait':>11}{'P(abandon)':>12}"
    )
    print(f"{'theory (' + name + ')':<40}{p_wait:>9.4f}{mean_wait:>11.4f}{p_abandon:>12.4f}")
    for model in models:
        t = model.pooled
        print(
            f"{model.label:<40}{t.waited / t.finished:>9.4f}{t.wait_sum / t.finished:>11.4f}"
            f"{t.abandoned / t.finished:>12.4f}"
        )

    ours = models[0]
    by_key = {model.key: model for model in models}
    # The goal is judged on the faster hand-tuned style; the other style's ratio is printed too
    # (without a verdict), since the two styles stand for different amounts of hand work.
    tuned, other = sorted(
        (by_key["callbacks"], by_key["store"]), key=lambda model: model.rate, reverse=True
    )
    references: list[tuple[Model, float | None, str]] = [
        (by_key["idiomatic"], GOALS["idiomatic"], "idiomatic SimPy"),
        (tuned, GOALS["hand-tuned"], f"fastest hand-tuned SimPy ({tuned.key})"),
        (other, None, f"other hand-tuned SimPy ({other.key})"),
    ]
    if "ciw" in by_key:
        references.append((by_key["ciw"], GOALS["ciw"], "Ciw"))
    print(f"\nklantstroom / reference{'':<17}{'goal':>8}{'wall':>13}{'CPU':>13}")
    for model, goal, label in references:
        wall_ratio, cpu_ratio = ours.rate / model.rate, ours.cpu_rate / model.cpu_rate
        if goal is None:
            print(f"{label:<40}{'-':>8}{wall_ratio:>8.2f}x {'':4}{cpu_ratio:>8.2f}x")
            continue
        print(
            f"{label:<40}{'>= ' + format(goal, 'g') + 'x':>8}"
            f"{wall_ratio:>8.2f}x {verdict(wall_ratio, goal)}"
            f"{cpu_ratio:>8.2f}x {verdict(cpu_ratio, goal)}"
        )

    gc.collect()
    started = time.perf_counter()
    log = simulate(scenario, 0)
    tables_from_logs(scenario, [log])
    pipeline = time.perf_counter() - started
    finished = log_tally(log).finished
    print(
        f"\nfor information, klantstroom simulate() + tables and KPIs, one run: {pipeline:.2f} s "
        f"wall, {finished / pipeline:,.0f} contacts/s (not in the ratios)"
    )
    del log
    if not memory:
        return
    gc.collect()
    tracemalloc.start()
    log = simulate(scenario, 0)
    _, peak = tracemalloc.get_traced_memory()
    tables_from_logs(scenario, [log])
    _, peak_tables = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(log.contacts["contact_id"])
    print(
        f"peak memory (tracemalloc, untimed pass): model {peak / 2**20:.1f} MiB = "
        f"{peak / n:.0f} bytes per contact (goal < 1024); model + tables "
        f"{peak_tables / 2**20:.1f} MiB = {peak_tables / n:.0f} bytes per contact"
    )


# Fewer arrivals per run than this time start-up and noise, not throughput.
MIN_CONTACTS = 1000


def check_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop with a usage error naming the option when a value cannot make a meaningful run."""
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    for option, value in (("--contacts", args.contacts), ("--ciw-contacts", args.ciw_contacts)):
        if value is not None and not value >= MIN_CONTACTS:
            parser.error(
                f"{option} must be at least {MIN_CONTACTS:,} arrivals per run (fewer time "
                f"start-up, not throughput), got {value:g}"
            )
    if args.servers < 1:
        parser.error(f"--servers must be at least 1, got {args.servers}")
    for option, value in (
        ("--rate-per-min", args.rate_per_min),
        ("--mean-service-min", args.mean_service_min),
        ("--mean-patience-min", args.mean_patience_min),
    ):
        if not (math.isfinite(value) and value > 0):
            parser.error(f"{option} must be a positive number, got {value:g}")
    rho = args.rate_per_min * args.mean_service_min / args.servers
    if args.case in ("mmc", "both") and rho >= 1.0:
        parser.error(
            f"M/M/c needs rho = rate x mean service / servers below 1, got {rho:.2f}: without "
            "patience an overloaded queue grows without end and its waits never settle (use "
            "--case erlang_a, whose callers hang up, or more --servers)"
        )


def main() -> None:
    """Parse the options and run the benchmark of each case."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", choices=["mmc", "erlang_a", "both"], default="both")
    parser.add_argument("--contacts", type=float, default=2e5, help="arrivals per run (2e5)")
    parser.add_argument(
        "--ciw-contacts",
        type=float,
        default=None,
        help="arrivals per Ciw run (default: --contacts; shorter flatters Ciw)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of all models (5)")
    parser.add_argument("--servers", type=int, default=10, help="agents c (10)")
    parser.add_argument("--rate-per-min", type=float, default=9.0, help="lambda per minute (9)")
    parser.add_argument("--mean-service-min", type=float, default=1.0, help="1/mu (1 min)")
    parser.add_argument("--mean-patience-min", type=float, default=2.0, help="Erlang A 1/theta (2)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    args = parser.parse_args()
    check_options(parser, args)

    print(
        f"Python {platform.python_version()}, SimPy {simpy.__version__}, NumPy {np.__version__}, "
        f"Ciw {'not installed' if ciw is None else ciw.__version__}; {platform.machine()}; "
        f"klantstroom's model {compile_command.model_kind()}"
    )
    horizon = args.contacts / args.rate_per_min
    cases = ["mmc", "erlang_a"] if args.case == "both" else [args.case]
    for name in cases:
        case = Case(
            name,
            args.rate_per_min,
            args.mean_service_min,
            args.servers,
            None if name == "mmc" else args.mean_patience_min,
            horizon,
        )
        ciw_contacts = args.ciw_contacts
        if ciw_contacts is not None and math.isclose(ciw_contacts, args.contacts):
            ciw_contacts = None
        bench_case(case, args.rounds, ciw_contacts, memory=not args.no_memory)


if __name__ == "__main__":
    main()
