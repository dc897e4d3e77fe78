"""Sweeps through Hydra's launchers give the tables of the basic launcher, and compare alike.

``klantstroom -m`` runs a sweep's jobs one after the other (Hydra's basic launcher), or with
``hydra/launcher=joblib`` on this machine's cores, with ``hydra/launcher=submitit_local`` as
submitit jobs (``submitit_slurm`` sends the same jobs to a Slurm cluster), or with klantstroom's
own ``hydra/launcher=dask`` on a Dask cluster (here a local one it starts). A launcher's worker
restores Hydra's state, the config gate included (klantstroom.config.gate); each job's tables
must equal the basic launcher's, and ``klantstroom-compare`` must read the multirun.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from subprocesses import HANG_GUARD_S

SWEEP = [
    "municipality=kleinstad",
    "run.horizon_days=4",
    "run.replications=1",
    "output.figures=false",
    "output.print_summary=false",
    "run.seed=1,2",
]


def sweep(tmp_path: Path, folder: str, *launcher: str) -> Path:
    code = "import sys; from klantstroom.cli import main; sys.argv[0] = 'klantstroom'; main()"
    out = tmp_path / folder
    done = subprocess.run(
        [sys.executable, "-c", code, "-m", *launcher, *SWEEP, f"hydra.sweep.dir={out}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sweep(tmp_path_factory.mktemp("basic"), "basic")


NEEDS = {
    "joblib": "hydra_plugins.hydra_joblib_launcher",
    "submitit_local": "hydra_plugins.hydra_submitit_launcher",
    "dask": "distributed",  # klantstroom's own launcher (hydra_plugins.klantstroom_dask_launcher)
}


@pytest.mark.long
@pytest.mark.parametrize("launcher", list(NEEDS))
def test_a_launcher_gives_the_basic_launchers_tables(
    launcher: str, basic: Path, tmp_path: Path
) -> None:
    pytest.importorskip(NEEDS[launcher])
    extra = ["hydra.launcher.n_workers=2"] if launcher == "dask" else []
    other = sweep(tmp_path, launcher, f"hydra/launcher={launcher}", *extra)
    for job in ("0", "1"):
        for table in ("contacts", "tasks", "journeys"):
            pd.testing.assert_frame_equal(
                pd.read_parquet(basic / job / f"{table}.parquet"),
                pd.read_parquet(other / job / f"{table}.parquet"),
            )
        pd.testing.assert_frame_equal(
            pd.read_csv(basic / job / "kpis.csv"), pd.read_csv(other / job / "kpis.csv")
        )
    # klantstroom-compare reads a multirun whatever launched it.
    code = "import sys; from klantstroom.report.compare_command import entry; entry()"
    done = subprocess.run(
        [sys.executable, "-c", code, str(other), "--out", str(tmp_path / "compare")],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "compare" / "report.html").is_file()
    assert len(pd.read_csv(tmp_path / "compare" / "comparison.csv")["scenario"].unique()) == 2
