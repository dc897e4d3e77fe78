"""Hydra callbacks of the command-line tools.

:class:`RunFolderGuard` (``conf/config.yaml``, so every command composed from it) refuses an
output folder that already holds a run before Hydra writes the new run's ``.hydra/`` into it
(else the folder would pair the old tables with the new config), unless ``output.overwrite`` is
set; after a multirun it lists the jobs that failed and exits 1.

:class:`StaffingRoadmap` runs after ``klantstroom-staff -m ...`` (a multirun, typically over the
road-map years): it reads every job's staffing plan back and writes the year-by-year summary
into the sweep folder (:func:`klantstroom.staffing.command.write_roadmap`). It is registered in
``conf/staff.yaml`` only, so the ``klantstroom`` command is not affected.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from klantstroom.results import failure_reason
from klantstroom.run_folder import (
    OVERWRITE_HINT,
    failed_jobs,
    run_files,
    sweep_runs,
    used_folder_message,
)


class StaffingRoadmap(Callback):
    """After a multirun of ``klantstroom-staff``: FTE per group per year, in the sweep folder."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        # Imported here, not at the top: Hydra loads this module for every command (the
        # run-folder guard), and the staffing modules cost half a second to import.
        from klantstroom.staffing.command import write_roadmap
        from klantstroom.staffing.roadmap import find_plans

        sweep = Path(str(config.hydra.sweep.dir))
        folders = find_plans([sweep])
        if not folders:
            return  # every job failed: nothing to summarise (their errors were printed)
        report = write_roadmap(folders, sweep)
        print(f"\nStaffing per road-map year ({len(folders)} plans): {sweep.resolve()}")
        print(f"Report: {report.resolve() if report else '-'}")


def _folder(config: DictConfig, key: str) -> Path | None:
    """``hydra.run.dir`` or ``hydra.sweep.dir``, or None if it cannot be resolved here."""
    try:
        value = OmegaConf.select(config, key, throw_on_missing=True)
    except Exception:  # an interpolation only the job can resolve: execute() checks instead
        return None
    return None if value is None else Path(str(value))


def _overwrite(config: DictConfig) -> bool:
    return bool(OmegaConf.select(config, "output.overwrite", default=False))


class RunFolderGuard(Callback):
    """Refuse an output folder that holds a run; make a multirun with a failed job exit 1."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        folder = _folder(config, "hydra.run.dir")
        if folder is None or _overwrite(config):
            return  # with overwrite, execute() clears the earlier run's files
        found = run_files(folder)
        if found:
            print(f"{_command(config)}: {used_folder_message(folder, found)}", file=sys.stderr)
            sys.exit(2)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep = _folder(config, "hydra.sweep.dir")
        if sweep is None or _overwrite(config):
            return
        used = sweep_runs(sweep)
        if used:
            print(
                f"{_command(config)}: {sweep}: already holds the runs of a multirun "
                f"({', '.join(p.name for p in used[:5])}{', ...' if len(used) > 5 else ''}); "
                f"choose another hydra.sweep.dir, or add {OVERWRITE_HINT} to replace them",
                file=sys.stderr,
            )
            sys.exit(2)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep = _folder(config, "hydra.sweep.dir")
        failed = failed_jobs(sweep) if sweep is not None else []
        if not failed:
            return
        command = _command(config)
        print(f"\n{command}: {len(failed)} job(s) of the multirun failed:", file=sys.stderr)
        for job in failed:
            print(f"  {job}: {failure_reason(job)}", file=sys.stderr)
        sys.exit(1)


def _command(config: DictConfig) -> str:
    return str(OmegaConf.select(config, "hydra.job.name", default="klantstroom"))
