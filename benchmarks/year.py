"""CPU and wall time, phase by phase, of the default run: a simulated year of Grootstad.

What is measured
----------------
The default run (``klantstroom`` without arguments: Grootstad's KCC phone, e-mail and chat, the
city shops with appointments, the back office and journeys; three replications, one after the
other here, ``--replications`` to change) over ``--days`` reported days (default 365, a whole
year, after the scenario's own warm-up; the default run itself reports 52 weeks, 364 days), in
four phases, each timed with ``time.process_time``
(CPU seconds of this process) and ``time.perf_counter`` (wall seconds):

* **compose** -- Hydra composition and building the validated scenario
  (``klantstroom.api.load_scenario``);
* **simulate** -- ``klantstroom.model.simulation.simulate`` (the event log);
* **tables and KPIs** -- ``klantstroom.experiment.tables_from_logs``;
* **figures** -- the figures of the run, drawn as ``klantstroom.runner.execute`` draws them
  (``write_figures``, ``write_shop_figures``, ``write_journey_figures``, ``write_year_figures``)
  into a temporary folder (matplotlib and the figure modules are imported already with
  ``klantstroom.api``, so this phase holds no import time).

Goals (issue "Fast enough for a workshop"), for 365 days (with another ``--days`` both are
printed but not judged: the warm-up is simulated whatever the horizon, so time does not scale
with the days, and the figures cost about the same for a month as for a year, so their share
of a short run says nothing about the default run's):

* simulation + tables and KPIs <= 15 s CPU per replication;
* figures <= 1/5 of the run's CPU (compose + simulate + tables + figures).

Optional parts
--------------
``--staffing`` times ``klantstroom-staff municipality=kleinstad`` as a subprocess (its output in
a temporary folder) and reports the child's CPU (``resource.getrusage(RUSAGE_CHILDREN)``, user +
system) and wall time against the goal of 60 s CPU.

``--roadmap`` times the five road-map years (one replication each, ``--roadmap-days`` days,
tables included) sequentially and in parallel on all cores with joblib, so the speed-up of
``klantstroom -m ... hydra/launcher=joblib`` (or ``run.n_jobs``) can be read off.

How to run
----------
::

    python benchmarks/year.py                      # Grootstad, one year
    python benchmarks/year.py --days 28            # a quick check
    python benchmarks/year.py --staffing --roadmap
    python benchmarks/year.py --overrides scenarios=eindbeeld
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import simpy

from klantstroom import api, compile_command
from klantstroom.experiment import tables_from_logs
from klantstroom.model.simulation import simulate
from klantstroom.report.run_figures import draw_run_figures
from klantstroom.scenario.errors import ScenarioErrors

ROADMAP = ("nulmeting", "jaar1", "jaar2", "jaar3", "eindbeeld")
GOAL_MODEL_CPU_S = 15.0  # simulation + tables and KPIs, per replication-year
GOAL_FIGURES_SHARE = 0.2  # figures' share of the run's CPU
GOAL_STAFFING_CPU_S = 60.0  # klantstroom-staff municipality=kleinstad


def timed(step: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``step`` after a garbage collection.

    Returns
    -------
    tuple
        What ``step`` returned, its CPU seconds and its wall seconds.
    """
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    value = step()
    return value, time.process_time() - cpu0, time.perf_counter() - wall0


def verdict(ok: bool) -> str:
    """``"PASS"`` or ``"MISS"``."""
    return "PASS" if ok else "MISS"


def bench_year(days: float, overrides: list[str], replications: int | None) -> None:
    """Time the four phases of a run of ``days`` days and print them with the goals.

    ``replications`` defaults to the scenario's own (the default run: 3); they are simulated
    one after the other in this process, so the CPU is the run's whatever ``run.n_jobs`` is.
    """
    scenario, compose_cpu, compose_wall = timed(
        lambda: api.load_scenario([*overrides, f"run.horizon_days={days}"])
    )
    reps = replications or scenario.run.replications
    logs, sim_cpu, sim_wall = timed(lambda: [simulate(scenario, rep) for rep in range(reps)])
    contacts = sum(len(log.contacts["contact_id"]) for log in logs)
    result, tab_cpu, tab_wall = timed(functools.partial(tables_from_logs, scenario, logs))
    del logs
    with tempfile.TemporaryDirectory(prefix="klantstroom-bench-") as tmp:
        _, fig_cpu, fig_wall = timed(
            lambda: draw_run_figures(result, scenario, Path(tmp) / "figures")
        )
        files = sum(1 for path in Path(tmp).rglob("*") if path.is_file())

    run = scenario.run
    print(
        f"{run.name}: {days:g} days (+{run.warmup_days:g} warm-up), {reps} replication(s), "
        f"{contacts:,} contacts and tasks in the log; Python {platform.python_version()}, "
        f"SimPy {simpy.__version__}, {os.cpu_count() or 1} cores; the model "
        f"{compile_command.model_kind()}"
    )
    rows = [
        ("compose (Hydra + scenario)", compose_cpu, compose_wall),
        ("simulate", sim_cpu, sim_wall),
        ("tables and KPIs", tab_cpu, tab_wall),
        (f"figures ({files} files)", fig_cpu, fig_wall),
    ]
    total_cpu = sum(row[1] for row in rows)
    total_wall = sum(row[2] for row in rows)
    print(f"{'phase':<32}{'CPU s':>9}{'wall s':>9}")
    for label, cpu, wall in [*rows, ("run", total_cpu, total_wall)]:
        print(f"{label:<32}{cpu:>9.2f}{wall:>9.2f}")
    print(f"simulate: {contacts / sim_cpu:,.0f} contacts per CPU second")

    model_cpu = (sim_cpu + tab_cpu) / reps  # per replication
    judged = (
        verdict(model_cpu <= GOAL_MODEL_CPU_S)
        if days == 365.0
        else "not judged: the goal is for 365 days"
    )
    print(
        f"\nsimulation + tables and KPIs per replication: {model_cpu:.2f} s CPU "
        f"(goal <= {GOAL_MODEL_CPU_S:g} s for a year)  {judged}"
    )
    share = fig_cpu / total_cpu
    judged = (
        verdict(share <= GOAL_FIGURES_SHARE)
        if days == 365.0
        else "not judged: the goal is for the year (a short run's figures cost about as much)"
    )
    print(
        f"figures: {fig_cpu:.2f} s CPU = {share:.0%} of the run's {total_cpu:.2f} s CPU "
        f"(goal <= {GOAL_FIGURES_SHARE:.0%})  {judged}"
    )


def bench_staffing() -> None:
    """Time ``klantstroom-staff municipality=kleinstad`` as a subprocess; print its CPU."""
    command = Path(sys.executable).parent / "klantstroom-staff"
    with tempfile.TemporaryDirectory(prefix="klantstroom-staff-") as tmp:
        args = [str(command), "municipality=kleinstad", f"hydra.run.dir={tmp}/plan"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(args, cwd=tmp, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"\nklantstroom-staff municipality=kleinstad: {cpu:.1f} s CPU, {wall:.1f} s wall", end="")
    if done.returncode != 0:
        print(f"; FAILED (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return
    print(f" (goal <= {GOAL_STAFFING_CPU_S:g} s CPU)  {verdict(cpu <= GOAL_STAFFING_CPU_S)}")


def roadmap_job(step: str, days: float) -> float:
    """One road-map year, one replication, tables included; returns its wall time."""
    started = time.perf_counter()
    scenario = api.load_scenario(
        [f"scenarios={step}", f"run.horizon_days={days}", "run.replications=1"]
    )
    tables_from_logs(scenario, [simulate(scenario, 0)])
    return time.perf_counter() - started


def bench_roadmap(days: float) -> None:
    """Time the road-map years sequentially (CPU and wall) and in parallel (wall)."""
    from joblib import Parallel, delayed

    _, cpu, sequential = timed(lambda: [roadmap_job(step, days) for step in ROADMAP])
    _, _, parallel = timed(
        lambda: Parallel(n_jobs=-1)(delayed(roadmap_job)(step, days) for step in ROADMAP)
    )
    print(
        f"\nroad map ({len(ROADMAP)} years x {days:g} days, one replication each, tables "
        f"included): sequential {sequential:.1f} s wall ({cpu:.1f} s CPU), parallel on "
        f"{os.cpu_count() or 1} cores {parallel:.1f} s wall ({sequential / parallel:.2f}x)"
    )


def main() -> None:
    """Parse the options and run the chosen parts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=365.0, help="reported days (365)")
    parser.add_argument("--overrides", nargs="*", default=[], help="config overrides")
    parser.add_argument(
        "--replications", type=int, default=None, help="replications (the scenario's: 3)"
    )
    parser.add_argument("--staffing", action="store_true", help="also time klantstroom-staff")
    parser.add_argument("--roadmap", action="store_true", help="also time the road-map years")
    parser.add_argument(
        "--roadmap-days", type=float, default=28.0, help="horizon of each road-map job (28)"
    )
    args = parser.parse_args()
    if not args.days > 0:
        parser.error(f"--days must be positive, got {args.days:g}")
    if args.replications is not None and args.replications < 1:
        parser.error(f"--replications must be at least 1, got {args.replications}")
    if not args.roadmap_days > 0:
        parser.error(f"--roadmap-days must be positive, got {args.roadmap_days:g}")
    try:
        bench_year(args.days, args.overrides, args.replications)
    except ScenarioErrors as errors:  # an override or --days the scenario refuses, by key
        sys.exit(f"year.py: {errors}")
    if args.staffing:
        bench_staffing()
    if args.roadmap:
        bench_roadmap(args.roadmap_days)


if __name__ == "__main__":
    main()
