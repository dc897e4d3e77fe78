"""``klantstroom-fan``: how likely the road map meets each norm, year by year, when demand is
uncertain.

::

    klantstroom-fan --start may                          # the routekaart, 20 draws, May windows
    klantstroom-fan --draws 100 --replications 2 run.executor=dask run.cluster_address=tcp://...
    klantstroom-fan --path routekaart --uncertainty my_uncertainty.yaml

Every year of the road-map path (``--path``, a scenario with ``path.steps``) is composed with the
arguments without dashes (``klantstroom`` overrides) and the run window, then run under every
demand draw of the uncertainty file (:mod:`klantstroom.study.fan`) on ``run.executor``. The
evaluations stream to the output folder and the same command resumes them
(:mod:`klantstroom.study.engine`). The folder gets

* ``fan_probability.csv`` — per year and norm: the share of draws that meet it, its 95%
  interval, the median KPI;
* ``fan.csv`` — per year, each norm's KPI and the FTE: mean and quantiles over the draws;
* ``fan_draws.csv`` — the draws' values; ``fan_runs.csv`` — every run's KPIs;
* ``figures/fan.png`` and ``figures/fan_probability.png``;
* ``failures.csv`` — evaluations that failed twice (only when there are any).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.study.engine import run_points
from klantstroom.study.evaluation import StudyBase
from klantstroom.study.fan import (
    DEFAULT_UNCERTAINTY,
    draw_values,
    fan_points,
    fan_table,
    probability_table,
    read_uncertainty,
    runs_table,
)
from klantstroom.study.setup import (
    StudyInputError,
    add_output_options,
    add_window_options,
    command_main,
    executor_of,
    study_base,
    window_of,
    write_failures,
)

COMMAND = "klantstroom-fan"


def parser() -> argparse.ArgumentParser:
    """The command's options (``--help``)."""
    p = argparse.ArgumentParser(
        prog=COMMAND,
        description="The road map under uncertain demand: the probability that each norm is "
        "met per year, and fan charts of the KPIs and FTE.",
    )
    p.add_argument("overrides", nargs="*", help="klantstroom overrides for every year")
    p.add_argument(
        "--path", default="routekaart", help="the road-map path scenario (default routekaart)"
    )
    p.add_argument(
        "--uncertainty",
        type=Path,
        default=DEFAULT_UNCERTAINTY,
        help="the demand distributions (default: Grootstad's, klantstroom/study/fan.yaml; "
        "copy it to change them)",
    )
    p.add_argument("--draws", type=int, default=20, help="demand draws (default 20)")
    add_window_options(p, "per draw and year")
    add_output_options(p, "outputs/fan/<path>")
    return p


def _steps(path: str, overrides: Sequence[str]) -> list[str]:
    """The scenario override of every step of the road-map path ``path``."""
    from omegaconf import OmegaConf

    from klantstroom.config.composing import compose_project

    cfg = compose_project([f"scenarios={path}", *overrides])
    steps = OmegaConf.to_container(cfg.path.steps, resolve=True) if cfg.get("path") else None
    if not steps:
        raise StudyInputError(f"--path: {path} is not a road-map path (it has no path.steps)")
    assert isinstance(steps, list)
    result = []
    for step in steps:
        scenarios = step["scenarios"]
        names = scenarios if isinstance(scenarios, list) else [scenarios]
        result.append(f"scenarios=[{','.join(map(str, names))}]")
    return result


def run_fan(args: argparse.Namespace) -> int:
    """The command's work, with its input already parsed (exit code)."""
    if not 2 <= args.draws <= 100_000:
        raise StudyInputError(f"--draws: must be 2 to 100000; got {args.draws}")
    uncertainty = read_uncertainty(args.uncertainty)
    window = window_of(args)
    if window.start is not None and "-" in window.start:
        print(
            f"{COMMAND}: --start {window.start} is one date for every year; a month "
            "(--start may) starts each year on its own first Monday",
            file=sys.stderr,
        )
    configs: dict[str, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    steps: list[str] = []
    scenario = None
    for override in _steps(args.path, args.overrides):
        config, scenario, _ = study_base([override, *args.overrides], window)
        name = scenario.run.name
        steps.append(name)
        configs[name] = config
        labels[name] = scenario.run.display_name
    assert scenario is not None
    missing = [s for s in uncertainty.wave_services if s not in configs[steps[0]]["services"]]
    if missing:
        raise StudyInputError(
            f"{args.uncertainty}: wave.services: {missing} are not services of {steps[0]}"
        )
    draws = draw_values(uncertainty, args.draws, int(configs[steps[0]]["run"]["seed"]))
    points = fan_points(configs, steps, draws, uncertainty)
    folder = args.output or Path("outputs") / "fan" / args.path
    folder.mkdir(parents=True, exist_ok=True)
    draws.to_csv(folder / "fan_draws.csv", index=False)
    executor = executor_of(scenario)
    print(
        f"{COMMAND}: {len(steps)} years x {args.draws} draws = {len(points)} evaluations on "
        f"{executor.kind} ({window.days:g} days after {window.warmup_days:g} of warm-up, "
        f"{window.replications} replication(s) each)"
    )
    base = StudyBase(configs=configs, replications=window.replications)
    outcome = run_points(
        base,
        points,
        folder,
        executor=executor,
        progress=not args.no_progress,
        overwrite=args.overwrite,
        description="fan",
    )
    write_failures(folder, outcome.failed, COMMAND)
    if not outcome.complete:
        print(
            f"{COMMAND}: stopped ({outcome.stopped}); {len(outcome.done)} of {len(points)} "
            f"evaluations are in {folder}; run the same command to resume",
            file=sys.stderr,
        )
        return 130
    runs = runs_table(dict(sorted(outcome.done.items())))
    runs.to_csv(folder / "fan_runs.csv", index=False)
    probability = probability_table(runs, labels)
    fan = fan_table(runs, labels)
    probability.to_csv(folder / "fan_probability.csv", index=False)
    fan.to_csv(folder / "fan.csv", index=False)
    _figures(folder, probability, fan, [labels[s] for s in steps], args.language)
    _print(probability, [labels[s] for s in steps])
    print(f"{COMMAND}: {folder / 'fan_probability.csv'}")
    return 0


def _figures(
    folder: Path, probability: pd.DataFrame, fan: pd.DataFrame, years: list[str], language: str
) -> None:
    from klantstroom.report.png import save_png
    from klantstroom.report.study_figures import fan_figure, probability_figure

    (folder / "figures").mkdir(exist_ok=True)
    save_png(fan_figure(fan, years, language), folder / "figures" / "fan.png", dpi=110)
    save_png(
        probability_figure(probability, years, language),
        folder / "figures" / "fan_probability.png",
        dpi=110,
    )


def _print(probability: pd.DataFrame, years: list[str]) -> None:
    table = probability.pivot_table(index="norm", columns="year", values="probability", sort=False)
    table = table.reindex(columns=[y for y in years if y in table.columns])
    print("probability that each norm is met (share of draws):")
    print(table.map(lambda p: "–" if pd.isna(p) else f"{100 * p:.0f}%").to_string())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for bad input, 130 when stopped)."""
    return command_main(COMMAND, parser(), run_fan, argv)


def entry() -> None:
    """Console script."""
    sys.exit(main())
