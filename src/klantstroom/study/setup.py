"""What both study commands do first: compose a scenario for a study's runs, check the input.

A study runs its scenario many times, so each run is short: ``days`` simulated days after
``warmup_days`` of warm-up, from ``start`` (a date, or a month: its first Monday in the scenario's
year), with ``replications`` replications per point. :func:`study_base` composes the scenario as
the ``klantstroom`` command does (overrides, scenario overlays), writes the window in, and checks
that the result is a valid scenario, so that a bad key is reported once, before any run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from klantstroom.config.overrides import override_key
from klantstroom.scenario.spec import Scenario
from klantstroom.study.assumptions import MONTHS
from klantstroom.study.engine import Executor

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StudyInputError(ValueError):
    """A study's input that cannot be used (the message names the option, file, row or key)."""


@dataclass(frozen=True)
class Window:
    """The stretch each of a study's runs simulates (the commands' ``--start``, ``--days``...)."""

    start: str | None = None  # YYYY-MM-DD, a month (may), or None: the scenario's own start
    days: float = 14.0
    warmup_days: float = 7.0
    replications: int = 1

    def check(self) -> None:
        """Raise :class:`StudyInputError` naming the option that is out of range."""
        if not 1 <= self.days <= 371:
            raise StudyInputError(f"--days: must be 1 to 371; got {self.days:g}")
        if not 0 <= self.warmup_days <= 140:
            raise StudyInputError(f"--warmup-days: must be 0 to 140; got {self.warmup_days:g}")
        if not 1 <= self.replications <= 100:
            raise StudyInputError(f"--replications: must be 1 to 100; got {self.replications}")
        if self.start is not None and not (_DATE.match(self.start) or self.start.lower() in MONTHS):
            raise StudyInputError(
                f"--start: {self.start!r} is neither a date (YYYY-MM-DD) nor a month "
                f"({', '.join(MONTHS)})"
            )


def first_monday(year: int, month: int) -> dt.date:
    """The first Monday of ``month`` in ``year``."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def start_date(window: Window, scenario_start: dt.date) -> dt.date:
    """The date the window starts: its own date, the first Monday of its month in the scenario's
    year, or the scenario's start."""
    if window.start is None:
        return scenario_start
    if _DATE.match(window.start):
        try:
            return dt.date.fromisoformat(window.start)
        except ValueError:
            raise StudyInputError(f"--start: {window.start!r} is not a date") from None
    return first_monday(scenario_start.year, MONTHS.index(window.start.lower()) + 1)


def with_jobs(overrides: Sequence[str]) -> list[str]:
    """The overrides, with ``run.n_jobs=-1`` (every core) unless they set it: a study's points
    are independent runs."""
    if any(override_key(o) == "run.n_jobs" for o in overrides):
        return list(overrides)
    return [*overrides, "run.n_jobs=-1"]


def study_base(
    overrides: Sequence[str], window: Window
) -> tuple[dict[str, Any], Scenario, dict[str, str]]:
    """The composed configuration of ``overrides`` with the study's window written in.

    Returns
    -------
    (dict, Scenario, dict)
        The configuration as plain data, its validated scenario, and Hydra's choice per config
        group (which municipality file it builds on).

    Raises
    ------
    ScenarioErrors
        For a bad override or configuration (each error names its key).
    StudyInputError
        For a window option out of range.
    """
    from omegaconf import OmegaConf

    from klantstroom.config import scenario_from_container
    from klantstroom.config.composing import compose_project

    window.check()
    choices: dict[str, str] = {}
    cfg = compose_project(with_jobs(overrides), choices=choices)
    container = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(container, dict)
    config: dict[str, Any] = {str(k): v for k, v in container.items()}
    if (config.get("path") or {}).get("steps"):
        raise StudyInputError(
            "this configuration is a road-map path: give one of its years "
            "(scenarios=<year>) to klantstroom-sensitivity, or the path to klantstroom-fan --path"
        )
    scenario_start = dt.date.fromisoformat(str(config["calendar"]["start_date"]))
    config["calendar"]["start_date"] = start_date(window, scenario_start).isoformat()
    config["run"].update(
        horizon_days=window.days, warmup_days=window.warmup_days, replications=1, progress=False
    )
    return config, scenario_from_container(config), choices


def executor_of(scenario: Scenario) -> Executor:
    """The executor of ``run.executor``, ``run.cluster_address`` and ``run.n_jobs``."""
    run = scenario.run
    return Executor(kind=run.executor, address=run.cluster_address, n_jobs=run.n_jobs)


def municipality_file(choices: dict[str, str]) -> Path:
    """``conf/municipality/<choice>.yaml`` of the composed configuration."""
    from klantstroom.paths import conf_dir

    name = choices.get("municipality")
    if not name:
        raise StudyInputError("no municipality file in this configuration (municipality=<name>)")
    return conf_dir() / "municipality" / f"{name}.yaml"


def add_window_options(p: argparse.ArgumentParser, per: str) -> None:
    """``--start``, ``--days``, ``--warmup-days``, ``--replications`` (per ``per``)."""
    p.add_argument(
        "--start",
        help="each run's first day: a month such as may (its first Monday in the scenario's "
        "year) or YYYY-MM-DD; default the scenario's own start",
    )
    p.add_argument("--days", type=float, default=Window.days, help="days per run (14)")
    p.add_argument(
        "--warmup-days", type=float, default=Window.warmup_days, help="warm-up days per run (7)"
    )
    p.add_argument(
        "--replications", type=int, default=Window.replications, help=f"replications {per} (1)"
    )


def add_output_options(p: argparse.ArgumentParser, default: str) -> None:
    """``--output`` (default ``default``), ``--overwrite``, ``--language``, ``--no-progress``."""
    p.add_argument(
        "--output", type=Path, help=f"output folder (default {default}); the same folder resumes"
    )
    p.add_argument(
        "--overwrite", action="store_true", help="replace another study's results in the folder"
    )
    p.add_argument("--language", choices=("en", "nl"), default="en", help="the figures' language")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def window_of(args: argparse.Namespace) -> Window:
    """The window the options give (checked)."""
    window = Window(args.start, args.days, args.warmup_days, args.replications)
    window.check()
    return window


def read_yaml(path: Path, option: str) -> Any:
    """A study's input file as data; a missing or unreadable one names the option and file."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyInputError(f"{option}: {path}: no such file") from None
    except yaml.YAMLError as error:
        raise StudyInputError(f"{path}: not valid YAML ({error})") from None


def write_failures(folder: Path, failed: Mapping[str, Mapping[str, Any]], command: str) -> None:
    """``failures.csv``: the evaluations that failed twice, and a line saying so."""
    if not failed:
        return
    import pandas as pd

    rows = [
        {"key": key, "attempts": r.get("attempts"), "error": r.get("error")}
        for key, r in failed.items()
    ]
    pd.DataFrame(rows).to_csv(folder / "failures.csv", index=False)
    print(
        f"{command}: {len(rows)} evaluation(s) failed twice and are left out: "
        f"{folder / 'failures.csv'}",
        file=sys.stderr,
    )


def command_main(
    command: str,
    parser: argparse.ArgumentParser,
    work: Callable[[argparse.Namespace], int],
    argv: Sequence[str] | None,
) -> int:
    """Parse, run ``work``, and turn bad input into one line naming it (exit code 2)."""
    from klantstroom import signals
    from klantstroom.scenario.errors import ScenarioErrors
    from klantstroom.study.engine import StudyFolderError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser.parse_intermixed_args(argv)  # overrides before, between or after options
    try:
        # Ctrl-C and kill (a cluster's scheduler stopping the job) stop the study the same
        # orderly way: the workers are stopped, what is done is on disk, the command resumes.
        with signals.stop_raises():
            return work(args)
    except (ScenarioErrors, StudyInputError, StudyFolderError) as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 2
