"""What survives a fault, as a user meets it: SIGTERM, a reused folder, a failing sweep job.

The SIGTERM test does not race a clock: with ``KLANTSTROOM_TEST_HOLD`` every replication but the
first waits for a file that never comes, and the runner leaves ``finished-0`` once replication 0
is in, so the signal always arrives with one replication finished and the workers busy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil

import klantstroom
from klantstroom.experiment import HOLD_ENV
from subprocesses import HANG_GUARD_S, run_code

SRC = str(Path(klantstroom.__file__).resolve().parents[1])
MMC = [
    "scenarios=textbook/mmc",
    "run.horizon_days=0.25",
    "output.figures=false",
    "output.print_summary=false",
]


def env(**extra: str) -> dict[str, str]:
    """This checkout's code in the subprocess, whatever is installed."""
    path = os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "HYDRA_FULL_ERROR": "0", "PYTHONPATH": path, **extra}


def klantstroom_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "klantstroom.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env=env(),
    )


def compare(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from klantstroom.report.compare_command import main; sys.exit(main())"
    return run_code(code, *args, cwd=cwd, env=env())


def gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its new parent to reap it has ended too)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_sigterm_keeps_the_finished_replications_and_stops_the_workers(tmp_path: Path) -> None:
    hold, out = tmp_path / "hold", tmp_path / "run"
    hold.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "klantstroom.cli",
            *MMC,
            "run.replications=3",
            "run.n_jobs=2",
            f"hydra.run.dir={out}",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(**{HOLD_ENV: str(hold)}),
    )
    try:
        # Replication 0 is in and the others wait on the hold; a safety deadline only.
        deadline = time.monotonic() + 240
        while not (hold / "finished-0").exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "replication 0 never finished"
            time.sleep(0.05)
        # Listed before the children, so every worker that left its file is among them.
        held = {int(path.name.removeprefix("worker-")) for path in hold.glob("worker-*")}
        # loky's worker processes: killed and joined before the run exits (its resource
        # trackers, also children, end on their own once the run is gone, so not checked).
        workers = [
            child.pid
            for child in psutil.Process(process.pid).children(recursive=True)
            if any("LokyProcess" in part for part in child.cmdline())
        ]
        assert workers and held <= set(workers)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=HANG_GUARD_S)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert "stopped by SIGTERM after 1 of 3 replications" in stderr
    info = json.loads((out / "run.json").read_text())
    assert info["complete"] is False and info["replications"] == [0]
    assert "SIGTERM" in info["error"]
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert set(contacts["replication"]) == {0}
    assert info["tables"]["contacts.parquet"] == len(contacts)
    assert all(gone(pid) for pid in workers), [p for p in workers if not gone(p)]


def test_a_folder_that_holds_a_run_is_refused_before_its_config_is_touched(
    tmp_path: Path,
) -> None:
    out = tmp_path / "run"
    first = klantstroom_cli(tmp_path, *MMC, "run.replications=1", f"hydra.run.dir={out}")
    assert first.returncode == 0, first.stderr
    overrides = (out / ".hydra" / "overrides.yaml").read_text()
    again = klantstroom_cli(tmp_path, *MMC, "run.replications=2", f"hydra.run.dir={out}")
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        f"klantstroom: {out}: already holds a run (run.json, contacts.parquet, staff.parquet, "
        "...); choose another folder, or add output.overwrite=true to replace it"
    ]
    # The earlier run's config stays with its tables.
    assert (out / ".hydra" / "overrides.yaml").read_text() == overrides
    assert json.loads((out / "run.json").read_text())["replications"] == [0]
    replaced = klantstroom_cli(
        tmp_path, *MMC, "run.replications=2", "output.overwrite=true", f"hydra.run.dir={out}"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads((out / "run.json").read_text())["replications"] == [0, 1]
    assert "run.replications=2" in (out / ".hydra" / "overrides.yaml").read_text()


def test_a_failing_sweep_job_is_recorded_and_the_others_run_and_are_compared(
    tmp_path: Path,
) -> None:
    sweep = tmp_path / "multirun"
    done = klantstroom_cli(
        tmp_path, "-m", *MMC, "run.replications=2,0,2", f"hydra.sweep.dir={sweep}"
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "1 job(s) of the multirun failed" in done.stderr
    for job in ("0", "2"):  # the jobs before and after the bad value both ran
        assert json.loads((sweep / job / "run.json").read_text())["complete"] is True
    error = (sweep / "1" / "error.txt").read_text()
    assert "run.replications: must be >= 1 and <= 1000, got 0" in error
    assert not (sweep / "1" / "run.json").exists()
    # A second sweep into the same folder is refused, not mixed with the first.
    again = klantstroom_cli(tmp_path, "-m", *MMC, "run.seed=1,2", f"hydra.sweep.dir={sweep}")
    assert again.returncode == 2 and "already holds the runs of a multirun" in again.stderr

    compared = compare(tmp_path, str(sweep))
    assert compared.returncode == 0, compared.stderr
    assert f"skipped {sweep / '1'}: the run failed:" in compared.stderr
    skipped = pd.read_csv(sweep / "compare" / "skipped.csv")
    assert skipped["folder"].tolist() == [str(sweep / "1")]
    assert "must be >= 1" in skipped["reason"].iloc[0]
    page = (sweep / "compare" / "report.html").read_text(encoding="utf-8")
    assert "Runs left out" in page and "must be &gt;= 1" in page
    assert len(pd.read_csv(sweep / "compare" / "comparison.csv")["scenario"].unique()) == 2
