"""Run a road-map path: its stretches one after the other, then their months as one trajectory.

A path (:mod:`klantstroom.config.path_plan`) is a series of organisations on their dates. Each
stretch is simulated as a run of its own into ``<folder>/<n>-<scenario>/`` (tables, figures,
``report.html``, and the ``.hydra/`` config that ``klantstroom-replay`` replays), from the same
seed, with its own warm-up under its own organisation. Afterwards the path's folder gets

* ``months.csv`` — every norm's KPI per month over the whole path, with its verdict;
* ``staff_by_month.csv`` — FTE on duty and in training per staff group per month;
* ``proficiency_by_month.csv`` — the learning cohorts' speed and resolution per month;
* ``figures/trajectory_by_month.png`` — the three as one figure, steps marked on their dates;
* ``compare/`` — ``klantstroom-compare`` over the stretches: per stretch the norms, FTE,
  training, proficiency, cost and the segments' KPIs;
* ``path.json`` — the plan (stretches, dates, folders) and which stretches finished;
* ``path_report.html`` — the trajectory page, linking every stretch's own report.

Stretches are independent runs, so a path that was stopped keeps the stretches it finished: run
it again into the same folder (``hydra.run.dir=<folder>``) and a stretch whose folder holds a
complete run of the same configuration is kept rather than simulated again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from klantstroom import signals
from klantstroom.analysis.trajectory import (
    StretchTables,
    norm_months,
    proficiency_months,
    staff_months,
)
from klantstroom.config.path_plan import Stretch
from klantstroom.config.yaml_text import safe_load
from klantstroom.outputs import RunError, write_atomic
from klantstroom.results import RunFolderError, load_run
from klantstroom.runner import execute
from klantstroom.scenario.spec import Scenario

log = logging.getLogger(__name__)

PATH_FILE = "path.json"
CONFIG_FILE = ".hydra/config.yaml"


@dataclass(frozen=True)
class PreparedStretch:
    """A stretch with its validated scenario and its composed configuration (YAML text)."""

    stretch: Stretch
    scenario: Scenario
    config_yaml: str


def _simulated(config_yaml: str) -> object:
    """What decides a stretch's tables: its configuration without the output and worker keys."""
    config = safe_load(config_yaml) or {}
    config.pop("output", None)
    for key in _NOT_IN_TABLES:
        (config.get("run") or {}).pop(key, None)
    return config


# Settings that do not change a run's tables (results do not depend on the number of workers).
_NOT_IN_TABLES = ("n_jobs", "progress")


def _earlier_run(folder: Path, config_yaml: str) -> str:
    """What ``folder`` holds: ``none``, ``done`` (a complete run of this configuration),
    ``unfinished`` (an interrupted one of it) or ``other`` (a run of another configuration)."""
    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        saved = (folder / CONFIG_FILE).read_text(encoding="utf-8")
    except (OSError, json.JSONDecodeError):
        return "none"
    # The same text is the same configuration: skip parsing both (0.3 s each for Grootstad).
    if saved != config_yaml and _simulated(saved) != _simulated(config_yaml):
        return "other"
    return "done" if info.get("complete") else "unfinished"


def _record_config(folder: Path, item: PreparedStretch) -> None:
    """The stretch's ``.hydra/`` as Hydra writes a run's: what ``klantstroom-replay`` reads."""
    hydra = folder / ".hydra"
    hydra.mkdir(parents=True, exist_ok=True)
    write_atomic(
        hydra / "config.yaml", lambda tmp: tmp.write_text(item.config_yaml, encoding="utf-8")
    )
    text = yaml.safe_dump(list(item.stretch.recorded), default_flow_style=False)
    write_atomic(hydra / "overrides.yaml", lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _write_plan(
    folder: Path, label: str, items: Sequence[PreparedStretch], done: list[str]
) -> None:
    plan = {
        "label": label,
        "stretches": [
            {
                "folder": item.stretch.folder_name,
                "scenarios": list(item.stretch.scenarios),
                "label": item.scenario.run.display_name,
                "from_date": item.stretch.start.isoformat(),
                "until_date": item.stretch.end.isoformat(),
                "days": item.stretch.days,
                "finished": item.stretch.folder_name in done,
            }
            for item in items
        ],
        "complete": len(done) == len(items),
    }
    text = json.dumps(plan, indent=2, ensure_ascii=False) + "\n"
    write_atomic(folder / PATH_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def run_path(
    items: Sequence[PreparedStretch],
    folder: Path,
    *,
    label: str = "",
    figures: bool = True,
    print_summary: bool = True,
    overwrite: bool = False,
) -> tuple[int, str]:
    """Run the stretches into ``folder`` and write the path's trajectory; return (code, why).

    Parameters
    ----------
    items : sequence of PreparedStretch
        The stretches in date order, each validated (:func:`klantstroom.cli` composes them).
    folder : Path
        The path's output folder; each stretch runs into a folder inside it.
    label : str
        How reports name the path (``path.label``).
    figures, print_summary : bool
        ``output.figures`` and ``output.print_summary``.
    overwrite : bool
        Replace earlier runs in the stretches' folders (``output.overwrite``); without it a
        complete run of the same configuration is kept and any other is refused.

    Returns
    -------
    tuple of (int, str)
        The exit code (0, 1 when a stretch failed, 128 + signal when stopped) and, on failure,
        one line saying why. The stretches finished before a failure keep their tables.
    """
    folder.mkdir(parents=True, exist_ok=True)
    done: list[str] = []
    _write_plan(folder, label, items, done)
    failure: tuple[int, str] | None = None
    for item in items:
        stretch = item.stretch
        out = folder / stretch.folder_name
        print(
            f"\n== Stretch {stretch.number + 1}/{len(items)}: {item.scenario.run.display_name} "
            f"({stretch.start} to {stretch.end}, {stretch.days} days) -> {out}",
            flush=True,
        )
        earlier = "none" if overwrite else _earlier_run(out, item.config_yaml)
        if earlier == "done":
            print("   kept: the folder holds a complete run of this configuration")
            done.append(stretch.folder_name)
            _write_plan(folder, label, items, done)
            continue
        if earlier == "other":
            failure = (
                1,
                f"{out}: holds an earlier run of another configuration; choose another folder, "
                "or add output.overwrite=true to replace it",
            )
            break
        try:
            _record_config(out, item)
            result = execute(
                item.scenario,
                out,
                figures=figures,
                print_summary=False,
                # An interrupted run of this stretch is simulated again from the start.
                overwrite=overwrite or earlier == "unfinished",
            )
        except RunError as error:
            failure = (1, str(error))
            break
        except signals.Stopped as stop:
            failure = (128 + stop.signum, f"{stop}; the tables in {out} are written")
            break
        if signals.received() is not None:
            failure = (128 + signals.received(), f"{result.error}; stopped in {out}")  # type: ignore[operator]
            break
        if not result.complete:
            failure = (1, f"{out}: {result.error}")
            break
        done.append(stretch.folder_name)
        _write_plan(folder, label, items, done)
    if failure is not None and failure[0] >= 128:
        # Whoever sent the signal wants the process gone: the finished stretches are on disk.
        return failure[0], (
            f"{failure[1]}; {len(done)} of {len(items)} stretch(es) finished: run the path again "
            f"with hydra.run.dir={folder} to go on from there"
        )
    if done:
        try:
            write_trajectory(
                folder,
                [folder / name for name in done],
                label=label,
                figures=figures,
                print_summary=print_summary,
            )
        except Exception:  # the stretches' tables are on disk; say what failed
            log.exception(
                "writing the path's trajectory failed; the stretches in %s are complete", folder
            )
            if failure is None:
                failure = (1, f"{folder}: writing the trajectory failed (see the log)")
    if failure is not None:
        return failure[0], (
            f"{failure[1]}; {len(done)} of {len(items)} stretch(es) finished and are kept in "
            f"{folder}: run the path again with hydra.run.dir={folder} to go on from there"
        )
    return 0, ""


def _write_csv(path: Path, table: pd.DataFrame) -> None:
    def write(tmp: Path) -> None:
        table.to_csv(tmp, index=False)

    write_atomic(path, write)


def stretch_tables(run_folder: Path) -> StretchTables:
    """The trajectory's view of a finished stretch's run folder."""
    run = load_run(run_folder)
    info = run.info
    return StretchTables(
        name=run_folder.name,
        label=run.label,
        start=pd.Timestamp(info["start_date"]).date(),
        days=round(float(info["horizon_days"])),
        summary=run.period_summary,
        contract_hours_per_week=float(info.get("contract_hours_per_week", 36.0)),
    )


def write_trajectory(
    folder: Path,
    runs: Sequence[Path],
    *,
    label: str = "",
    figures: bool = True,
    print_summary: bool = True,
) -> None:
    """Write the path's month tables, figure, comparison and page over the finished ``runs``."""
    from klantstroom.report.compare_report import write_comparison
    from klantstroom.report.path_report import write_path_report

    stretches = [stretch_tables(run) for run in runs]
    norms = norm_months(stretches)
    staff = staff_months(stretches)
    proficiency = proficiency_months(stretches)
    for name, table in (
        ("months.csv", norms),
        ("staff_by_month.csv", staff),
        ("proficiency_by_month.csv", proficiency),
    ):
        _write_csv(folder / name, table)
    outputs = [load_run(run) for run in runs]
    language = outputs[0].language
    comparison = None
    try:
        comparison = write_comparison(outputs, folder / "compare", language=language)
    except (RunFolderError, ValueError):
        log.exception("comparing the stretches failed; the month tables in %s are written", folder)
    figure = None
    if figures:
        from klantstroom.report.path_figures import trajectory_figure

        figure = trajectory_figure(
            norms, staff, proficiency, stretches, folder / "figures", language=language
        )
    page = write_path_report(
        folder,
        label=label,
        stretches=stretches,
        norms=norms,
        staff=staff,
        proficiency=proficiency,
        figure=figure,
        comparison=comparison.report if comparison is not None else None,
        language=language,
    )
    if print_summary:
        from klantstroom.report.path_report import path_summary_text

        print(path_summary_text(stretches, norms, staff, proficiency, language=language))
        print(f"\nPath report: {page.resolve()}")
