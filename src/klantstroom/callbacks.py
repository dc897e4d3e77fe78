"""Hydra callbacks of the command-line tools.

:class:`StaffingRoadmap` runs after ``klantstroom-staff -m ...`` (a multirun, typically over the
road-map years): it reads every job's staffing plan back and writes the year-by-year summary
into the sweep folder (:func:`klantstroom.staffing.command.write_roadmap`). It is registered in
``conf/staff.yaml`` only, so the ``klantstroom`` command is not affected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from klantstroom.staffing.command import write_roadmap
from klantstroom.staffing.roadmap import find_plans


class StaffingRoadmap(Callback):
    """After a multirun of ``klantstroom-staff``: FTE per group per year, in the sweep folder."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep = Path(str(config.hydra.sweep.dir))
        folders = find_plans([sweep])
        if not folders:
            return  # every job failed: nothing to summarise (their errors were printed)
        report = write_roadmap(folders, sweep)
        print(f"\nStaffing per road-map year ({len(folders)} plans): {sweep.resolve()}")
        print(f"Report: {report.resolve() if report else '-'}")
