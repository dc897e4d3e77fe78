"""``klantstroom-sensitivity``: which assumptions of a scenario matter most for its norms.

::

    klantstroom-sensitivity scenarios=nulmeting --start may        # every "assumption" of the
                                                                   # municipality file, ±25%
    klantstroom-sensitivity scenarios=nulmeting --parameters my_parameters.yaml
    klantstroom-sensitivity scenarios=nulmeting run.executor=dask run.cluster_address=tcp://...

The arguments without dashes are the ``klantstroom`` command's overrides: they choose the scenario
the study varies. The options set the study (:mod:`klantstroom.study.sensitivity`) and each
run's window (:mod:`klantstroom.study.setup`). Evaluations run on ``run.executor`` (every local
core by default), stream to the output folder and resume when the same command runs again
(:mod:`klantstroom.study.engine`). The folder gets

* ``parameters.csv`` — every parameter with its base, range and source line, and every number
  marked "assumption" that was left out, with why;
* ``sensitivity.csv`` — per stage (``morris``, ``sobol``, ``tornado``), norm and parameter: the
  rank, mu_star and sigma, S1 and ST with their intervals, the KPI at the range's ends;
* ``figures/tornado.png`` — the norms' most important assumptions, one at a time;
* ``failures.csv`` — evaluations that failed twice, with the error (only when there are any);
* ``morris/``, ``sobol/``, ``tornado/`` — each stage's ``evaluations.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.study.assumptions import DEFAULT_RELATIVE_RANGE, LeftOut, assumptions
from klantstroom.study.changes import Parameter
from klantstroom.study.engine import Outcome, run_points
from klantstroom.study.evaluation import StudyBase
from klantstroom.study.sensitivity import (
    COLUMNS,
    Design,
    focus,
    morris_design,
    morris_table,
    most_important,
    norm_means,
    sobol_design,
    sobol_table,
    tornado_choice,
    tornado_design,
    tornado_table,
)
from klantstroom.study.setup import (
    StudyInputError,
    add_output_options,
    add_window_options,
    command_main,
    executor_of,
    municipality_file,
    study_base,
    window_of,
    write_failures,
)

log = logging.getLogger("klantstroom")
COMMAND = "klantstroom-sensitivity"


def parser() -> argparse.ArgumentParser:
    """The command's options (``--help``)."""
    p = argparse.ArgumentParser(
        prog=COMMAND,
        description="Which assumptions matter most for the norms: Morris screening, then Sobol "
        "indices on the few that matter, and a tornado figure.",
    )
    p.add_argument("overrides", nargs="*", help="klantstroom overrides: scenarios=nulmeting ...")
    p.add_argument(
        "--parameters",
        type=Path,
        help="a parameters file (default: every value the municipality file marks 'assumption')",
    )
    p.add_argument(
        "--range",
        type=float,
        default=DEFAULT_RELATIVE_RANGE,
        help="the assumptions' range, a share of the value either side (default 0.25)",
    )
    p.add_argument(
        "--trajectories",
        type=int,
        default=Design.trajectories,
        help="Morris trajectories (default 4)",
    )
    p.add_argument("--levels", type=int, default=Design.levels, help="Morris grid levels (4)")
    p.add_argument(
        "--top",
        type=int,
        default=Design.top,
        help="parameters in the Sobol analysis (default 6; 0 skips it)",
    )
    p.add_argument(
        "--samples",
        type=int,
        default=Design.samples,
        help="Sobol base samples, a power of two (default 32)",
    )
    p.add_argument(
        "--tornado",
        type=int,
        default=Design.tornado,
        help="parameters per norm in the tornado (default 8; 0 skips it)",
    )
    p.add_argument(
        "--norms",
        default="phone,counter",
        help="the norms the Sobol analysis and the tornado are for: channels and norm names, "
        "comma-separated, or all (default phone,counter; the screening covers every norm)",
    )
    p.add_argument("--list", action="store_true", help="list the parameters and stop")
    add_window_options(p, "per evaluation")
    add_output_options(p, "outputs/sensitivity/<run.name>")
    return p


def _design(args: argparse.Namespace) -> Design:
    checks = [
        ("--trajectories", args.trajectories, 2, 1000),
        ("--levels", args.levels, 2, 20),
        ("--top", args.top, 0, 50),
        ("--samples", args.samples, 2, 2**16),
        ("--tornado", args.tornado, 0, 50),
    ]
    for option, value, low, high in checks:
        if not low <= value <= high:
            raise StudyInputError(f"{option}: must be {low} to {high}; got {value}")
    if args.samples & (args.samples - 1):
        raise StudyInputError(f"--samples: must be a power of two (Sobol); got {args.samples}")
    if args.levels % 2:
        raise StudyInputError(f"--levels: must be even (Morris); got {args.levels}")
    if not 0 < args.range < 1:
        raise StudyInputError(f"--range: must be between 0 and 1 (0.25 = ±25%); got {args.range}")
    return Design(
        trajectories=args.trajectories,
        levels=args.levels,
        top=args.top,
        samples=args.samples,
        tornado=args.tornado,
    )


def _parameter_table(parameters: Sequence[Parameter], left_out: Sequence[LeftOut]) -> pd.DataFrame:
    rows = [
        {
            "parameter": p.name,
            "used": True,
            "base": p.base,
            "low": p.low,
            "high": p.high,
            "whole_number": p.integer,
            "places": len(p.paths),
            "source": p.source,
            "left_out_because": "",
        }
        for p in parameters
    ]
    rows += [
        {
            "parameter": item.key,
            "used": False,
            "source": f"line {item.line}",
            "left_out_because": item.reason,
        }
        for item in left_out
    ]
    return pd.DataFrame(rows)


def _with_norms(table: pd.DataFrame, records: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """The table with each norm's KPI, label and target (what the figure names it by)."""
    means = norm_means(records)
    info = means.drop_duplicates("norm").set_index("norm")[["kpi", "label", "target"]]
    return table.join(info, on="norm")


def summary_lines(table: pd.DataFrame, most: int = 5) -> list[str]:
    """Per phone and counter norm: its most important assumptions (printed at the end)."""
    lines = []
    screening = table[table["stage"] == "morris"]
    sobol = table[table["stage"] == "sobol"].set_index(["norm", "parameter"])
    for norm, group in screening.groupby("norm", sort=False):
        if group["channel"].iloc[0] not in ("phone", "counter"):
            continue
        lines.append(f"{norm}:")
        for _, row in group.nsmallest(most, "rank").iterrows():
            st = sobol["st"].get((norm, row["parameter"])) if len(sobol) else None
            extra = f", ST {st:.2f}" if st is not None and pd.notna(st) else ""
            lines.append(
                f"  {int(row['rank'])}. {row['parameter']} ({row['source']}): "
                f"mu* {row['mu_star']:.4f} ± {row['mu_star_conf']:.4f}{extra}"
            )
    return lines


def run_study(args: argparse.Namespace) -> int:
    """The command's work, with its input already parsed (exit code)."""
    design = _design(args)
    window = window_of(args)
    config, scenario, choices = study_base(args.overrides, window)
    if args.parameters is not None:
        from klantstroom.study.parameters import read_parameters

        parameters = read_parameters(args.parameters, config)
        left_out: list[LeftOut] = []
    else:
        from klantstroom.study.assumptions import simulated_calendar

        start = scenario.calendar.start_date
        years, months = simulated_calendar(
            start - dt.timedelta(days=window.warmup_days), window.days + window.warmup_days
        )
        parameters, left_out = assumptions(
            municipality_file(choices),
            config,
            years=years,
            months=months,
            relative_range=args.range,
        )
    folder = args.output or Path("outputs") / "sensitivity" / scenario.run.name
    folder.mkdir(parents=True, exist_ok=True)
    _parameter_table(parameters, left_out).to_csv(folder / "parameters.csv", index=False)
    print(
        f"{COMMAND}: {len(parameters)} parameters ({len(left_out)} marked numbers left out, "
        f"see {folder / 'parameters.csv'})"
    )
    if args.list:
        for p in parameters:
            print(f"  {p.name}: {p.base:g} in [{p.low:g}, {p.high:g}] ({p.source})")
        return 0
    if len(parameters) < 2:
        raise StudyInputError("a sensitivity analysis needs at least two parameters")
    executor = executor_of(scenario)
    base = StudyBase(configs={"": config}, parameters=parameters, replications=window.replications)
    outcomes: dict[str, Outcome] = {}

    def stage(name: str, study: StudyBase, points: list, extra: object) -> Outcome | None:
        print(
            f"{COMMAND}: {name}: {len(points)} evaluations on {executor.kind} "
            f"({window.days:g} days after {window.warmup_days:g} of warm-up, "
            f"{window.replications} replication(s) each)"
        )
        outcome = run_points(
            study,
            points,
            folder / name,
            executor=executor,
            progress=not args.no_progress,
            overwrite=args.overwrite,
            extra=extra,
            description=name,
        )
        outcomes[name] = outcome
        if not outcome.complete:
            print(
                f"{COMMAND}: stopped ({outcome.stopped}); {len(outcome.done)} of {len(points)} "
                f"{name} evaluations are in {folder / name}; run the same command to resume",
                file=sys.stderr,
            )
            return None
        return outcome

    x, points = morris_design(parameters, design)
    screening_outcome = stage("morris", base, points, [design.trajectories, design.levels])
    if screening_outcome is None:
        return 130
    tables = [morris_table(parameters, x, points, screening_outcome.done, design)]
    norms = focus(tables[0], args.norms)
    if tables[0].empty or not norms:
        raise StudyInputError(
            f"--norms {args.norms}: no norm of these moved in the screening; the norms that did: "
            f"{sorted(set(tables[0]['norm'])) if len(tables[0]) else 'none'}"
        )
    if design.top:
        names = most_important(tables[0], design.top, norms)
        chosen = [p for p in parameters if p.name in names]
        if len(chosen) >= 2:
            sobol_base = StudyBase(
                configs=base.configs, parameters=chosen, replications=window.replications
            )
            _, sobol_points = sobol_design(chosen, design)
            outcome = stage("sobol", sobol_base, sobol_points, design.samples)
            if outcome is None:
                return 130
            tables.append(sobol_table(chosen, sobol_points, outcome.done, design))
    if design.tornado:
        choice = tornado_choice(tables[0][tables[0]["norm"].isin(norms)], design.tornado)
        names = sorted({name for chosen in choice.values() for name in chosen})
        chosen = [p for p in parameters if p.name in names]
        outcome = stage("tornado", base, tornado_design(chosen), None)
        if outcome is None:
            return 130
        tables.append(tornado_table(parameters, choice, outcome.done))
    table = pd.concat([t for t in tables if not t.empty], ignore_index=True)
    table = table.reindex(columns=COLUMNS)
    table.to_csv(folder / "sensitivity.csv", index=False)
    failed = {f"{name}/{key}": r for name, o in outcomes.items() for key, r in o.failed.items()}
    write_failures(folder, failed, COMMAND)
    tornado = table[table["stage"] == "tornado"]
    if len(tornado):
        from klantstroom.report.png import save_png
        from klantstroom.report.study_figures import tornado_figure

        (folder / "figures").mkdir(exist_ok=True)
        order = [norm.name for norm in scenario.all_norms()]
        records = outcomes["tornado"].done
        figure = tornado_figure(_with_norms(tornado, records), args.language, order=order)
        save_png(figure, folder / "figures" / "tornado.png", dpi=110)
    for line in summary_lines(table):
        print(line)
    print(f"{COMMAND}: {folder / 'sensitivity.csv'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for bad input, 130 when stopped)."""
    return command_main(COMMAND, parser(), run_study, argv)


def entry() -> None:
    """Console script."""
    sys.exit(main())
