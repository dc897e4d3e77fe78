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

import pytest

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


# A command whose jobs are replaced by a report of how often the collector was frozen by then
# and how many objects it skips.
_FREEZE_PROBE = """
import gc, sys
from klantstroom import cli
from klantstroom.staffing import command as staffing
freeze, calls = gc.freeze, []
def counted():
    calls.append(1)
    freeze()
gc.freeze = counted
def report():
    print("job", len(calls), gc.get_freeze_count(), flush=True)
cli._run_job = lambda cfg, output_dir: report() or (0, "")
staffing.write_staffing = lambda scenario, output_dir: report()
entry, sys.argv = sys.argv[1], ["klantstroom", *sys.argv[2:]]
getattr(cli, entry)()
"""


@pytest.mark.parametrize(
    ("entry", "args"),
    [
        # Two jobs of one multirun in one process (the basic launcher).
        ("main", ["-m", "scenarios=textbook/mmc", "run.seed=1,2"]),
        ("staff_main", ["scenarios=textbook/mmc"]),
    ],
)
def test_a_command_freezes_what_lives_before_its_jobs_once(
    tmp_path: Path, entry: str, args: list[str]
) -> None:
    # The libraries and Hydra are frozen before the first job and never again, so that the
    # jobs' configurations and results stay collectable.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _FREEZE_PROBE,
            entry,
            *args,
            f"hydra.run.dir={tmp_path / 'run'}",
            f"hydra.sweep.dir={tmp_path / 'multirun'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    jobs = [line.split()[1:] for line in done.stdout.splitlines() if line.startswith("job ")]
    assert len(jobs) == (2 if "-m" in args else 1)
    assert {freezes for freezes, _ in jobs} == {"1"}  # frozen once, before the first job
    assert int(jobs[0][1]) > 10_000  # the imported libraries alone are tens of thousands
