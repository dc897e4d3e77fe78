"""Start-up: a short run imports only what it uses (issue "Fast enough for a workshop").

``scipy.stats`` and ``scipy.special`` cost a quarter to a whole second of CPU to import and
matplotlib over a second; a one-day run must stay under 2.5 s as a whole process
(``benchmarks/startup.py`` measures that). Timings cannot be tests, but what a process imports
can: Python's ``-X importtime`` lists every module a run loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from subprocesses import HANG_GUARD_S


def _imported(tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages a ``klantstroom`` run with ``args`` imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "klantstroom.cli", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "no import log: -X importtime did not run"
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines}


def test_a_run_of_one_replication_without_figures_imports_neither_scipy_nor_matplotlib(
    tmp_path: Path,
) -> None:
    # One replication has no confidence interval, so no t quantile; no figures, no drawing.
    packages = _imported(
        tmp_path,
        "scenarios=textbook/mmc",
        "run.replications=1",
        "output.figures=false",
        f"hydra.run.dir={tmp_path / 'run'}",
    )
    assert {"klantstroom", "simpy", "numpy", "pandas"} <= packages  # it did run
    assert "scipy" not in packages
    assert "matplotlib" not in packages
    assert (tmp_path / "run" / "kpis.csv").is_file()
