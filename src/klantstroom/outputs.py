"""Write a run's tables into its output folder, and print the terminal summary.

Files (the data contract, see ``docs/data-products.md``): ``contacts.parquet``,
``staff.parquet``, ``intervals.parquet``, ``tasks.parquet``, ``journeys.parquet``,
``backlog.parquet``, ``kpis.csv``, ``summary.csv``, ``costs.csv`` and ``run.json`` (what
ran, how long, whether it completed, the rows of every table). Tables are written before figures
are drawn, so a failing figure never costs the tables.

Every file is written atomically: into a temporary file in the same folder, then renamed over
the final name (``os.replace``), so a full disk or a killed process never leaves a half-written
file under a table's name. ``run.json`` is written last; a reader that finds it knows the
tables it lists were complete when it was written (docs/data-products.md, "What survives a
fault").
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.analysis.segments import with_segment_rows
from klantstroom.experiment import RunResult
from klantstroom.scenario.spec import Scenario

PARQUET_TABLES = (
    "contacts.parquet",
    "staff.parquet",
    "intervals.parquet",
    "tasks.parquet",
    "journeys.parquet",
    "backlog.parquet",
)
CSV_TABLES = ("kpis.csv", "summary.csv", "costs.csv")
TABLE_FILES = (*PARQUET_TABLES, *CSV_TABLES)


class RunError(Exception):
    """A run that cannot be written, or has nothing to write; the message is one line."""


def display_names(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Display names per kind (``services``, ``staff_groups``, ``shops``, ``departments``,
    ``segments``): name -> label, as ``run.json`` records them for the reports."""
    return {
        "services": {s.name: s.label for s in scenario.services},
        "staff_groups": {g.name: g.label for g in scenario.staff_groups},
        "shops": {shop.name: shop.label for shop in scenario.shops},
        "departments": {d.name: d.label for d in scenario.departments},
        "segments": {s.name: s.label for s in scenario.segments},
    }


def write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Write ``path`` through ``write(temporary_path)`` and rename it into place.

    The temporary file lies in the same folder (a rename within one file system is atomic) and
    is removed when writing fails, so ``path`` is either its old self or complete.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _why(error: OSError) -> str:
    """The reason of an OS error in words (``disk full``), without the file name repeated."""
    if error.errno == errno.ENOSPC:
        return "no space left on the disk"
    return error.strerror or str(error)


def write_tables(result: RunResult, scenario: Scenario, folder: Path) -> list[Path]:
    """Write the run's tables into ``folder`` and return the paths written.

    ``run.json`` comes last, with ``complete`` and the row count of every table written.

    Raises
    ------
    RunError
        If the folder cannot be created or a file cannot be written (a full disk, no
        permission): the message names the folder and the file. The files written before it are
        kept, and ``run.json`` records the failure if it can still be written.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunError(f"{folder}: cannot create the output folder ({_why(error)})") from None
    paths: list[Path] = []
    rows: dict[str, int] = {}
    tables: list[tuple[str, pd.DataFrame]] = []
    if result.replications:  # with no finished replication there are no tables, only run.json
        tables = [
            ("contacts.parquet", result.contacts),
            ("staff.parquet", result.staff),
            ("intervals.parquet", result.intervals),
            ("tasks.parquet", result.tasks),
            ("journeys.parquet", result.journeys),
            ("backlog.parquet", result.backlog),
            (
                "kpis.csv",
                with_segment_rows(
                    result.kpis if result.period_kpis is None else result.period_kpis,
                    result.segment_kpis,
                ),
            ),
            (
                "summary.csv",
                with_segment_rows(
                    result.summary if result.period_summary is None else result.period_summary,
                    result.segment_summary,
                ),
            ),
            ("costs.csv", result.costs),
        ]
    for name, table in tables:
        path = folder / name
        try:
            write_atomic(path, partial(_write_table, table))
        except OSError as error:
            message = f"{folder}: writing {name} failed ({_why(error)})"
            # Best effort: say in run.json what is there, so no reader takes the run as whole.
            with contextlib.suppress(OSError):
                _write_info(folder, run_info(result, scenario, rows, error=message))
            kept = ", ".join(rows) or "nothing"
            raise RunError(f"{message}; kept: {kept}") from None
        paths.append(path)
        rows[name] = len(table)
    path = folder / "run.json"
    try:
        _write_info(folder, run_info(result, scenario, rows))
    except OSError as error:
        raise RunError(
            f"{folder}: writing run.json failed ({_why(error)}); the tables before it are "
            "complete, but without run.json the run is not recognised"
        ) from None
    paths.append(path)
    return paths


def _write_table(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` as Parquet or CSV, by the extension of the final name it stands in for."""
    if path.name.split(".")[-3:-2] == ["parquet"]:  # .contacts.parquet.<pid>.tmp
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, index=False)


def _write_info(folder: Path, info: dict[str, Any]) -> None:
    text = json.dumps(info, indent=2) + "\n"
    write_atomic(folder / "run.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))


def run_info(
    result: RunResult, scenario: Scenario, rows: dict[str, int], *, error: str = ""
) -> dict[str, Any]:
    """The contents of ``run.json``: what ran, whether it completed, the rows of every table.

    ``error`` (a failure while writing) overrides the run's own: the run is then incomplete.
    """
    return {
        "name": scenario.run.name,
        "description": scenario.description,
        "seed": scenario.run.seed,
        "replications_requested": scenario.run.replications,
        "replications_completed": len(result.replications),
        "replications": result.replications,
        "complete": result.complete and not error,
        "error": error or result.error,
        # File name -> rows written; klantstroom-compare checks the files against it.
        "tables": rows,
        "horizon_days": scenario.run.horizon_days,
        "warmup_days": scenario.run.warmup_days,
        "start_date": scenario.calendar.start_date.isoformat(),
        "contacts": len(result.contacts),
        "wall_s_per_replication": [round(s, 3) for s in result.wall_s],
        "personas": {
            p.name: {"label": p.label, "household": p.household, "story": p.story}
            for p in scenario.personas
        },
        # What reports and klantstroom-compare need to name and order runs without the config.
        "label": scenario.run.display_name,
        "roadmap_step": scenario.run.roadmap_step,
        "language": scenario.report.language,
        "labels": display_names(scenario),
        "formulas": {s.name: s.formula for s in scenario.services if s.formula},
        "contract_hours_per_week": scenario.staffing.contract_hours_per_week,
        "shrinkage": scenario.staffing.shrinkage,  # how costs.csv turns hours into FTE
        # Every norm the summary judges (channel targets first), so reports list each one at
        # the level it names (a norm on one service shows on that service's row).
        "norms": [
            {
                "name": n.name,
                "kpi": n.kpi,
                "target": n.target,
                "at_least": n.at_least,
                "label": n.label,
                "channel": n.channel,
                "shop": n.shop,
                "department": n.department,
                "service": n.service,
            }
            for n in scenario.all_norms()
        ],
    }
