"""``klantstroom-calibrate`` as a user runs it, on the committed slice of the bank log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from subprocesses import HANG_GUARD_S

DATA = Path(__file__).parents[1] / "data"
CLI = [sys.executable, "-m", "klantstroom.calibration.command"]


def calibrate(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD_S
    )


def test_the_log_becomes_a_scenario_and_a_report(tmp_path: Path) -> None:
    out = tmp_path / "cal"
    done = calibrate(
        tmp_path,
        str(DATA / "anonymous-bank-slice.tsv"),
        "--format",
        "anonymous-bank",
        "--out",
        str(out),
        "--name",
        "bank_slice",
        "--replications",
        "2",
    )
    assert done.returncode == 0, done.stderr
    assert "phantom call (outcome PHANTOM)" in done.stdout  # the import report is printed
    assert (out / "scenarios" / "bank_slice.yaml").is_file()
    page = (out / "calibration_report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 5 and "Targets" in page
    assert "Where the model differs most" in page and "handling vs day (%)" in page
    targets = pd.read_csv(out / "targets.csv")
    assert {"abandonment_met", "mean_wait_met"} <= set(targets.columns)
    # The fitted scenario runs with the command the report prints.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "klantstroom.cli",
            "scenarios=bank_slice",
            f"hydra.searchpath=[file://{out}]",
            "run.replications=1",
            "output.figures=false",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "run" / "contacts.parquet").is_file()


def test_a_generic_counter_log_is_calibrated_too(tmp_path: Path) -> None:
    done = calibrate(
        tmp_path,
        str(DATA / "generic-counter-sample.csv"),
        "--format",
        "generic-counter",
        "--out",
        str(tmp_path / "c"),
        "--replications",
        "1",
    )
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "c" / "scenarios" / "generic_counter_sample.yaml").read_text()
    assert "counter:" in text


def test_bad_input_is_reported_without_a_traceback(tmp_path: Path) -> None:
    missing = calibrate(tmp_path, "nope.tsv", "--format", "anonymous-bank")
    assert missing.returncode == 2 and "nope.tsv" in missing.stderr
    assert "Traceback" not in missing.stderr
    wrong = calibrate(tmp_path, str(DATA / "anonymous-bank-slice.tsv"), "--format", "excel")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


def test_shift_options_out_of_range_are_named(tmp_path: Path) -> None:
    log = str(DATA / "anonymous-bank-slice.tsv")
    snap = calibrate(tmp_path, log, "--format", "anonymous-bank", "--shift-snap-min", "20")
    assert snap.returncode == 2 and "Traceback" not in snap.stderr
    assert "--shift-snap-min must be between 0 and 15" in snap.stderr
    grid = calibrate(tmp_path, log, "--format", "anonymous-bank", "--shift-grid-min", "7")
    assert grid.returncode == 2 and "--shift-grid-min must divide 1440" in grid.stderr
    assert not (tmp_path / "calibration").exists()  # refused before anything was written


HOSTILE = ("../../../../elsewhere/evil", "${oc.env:HOME}")


def hostile_log(path: Path) -> Path:
    """A generic-phone log whose call types are a path that climbs out and an interpolation."""
    rows = ["call_id,caller_id,service,priority,arrival,answered,abandoned,ended,agent"]
    start = pd.Timestamp("2024-03-04 09:00")
    for day in range(2):
        for k in range(90):
            arrival = start + pd.Timedelta(days=day, minutes=2 * k)
            service = HOSTILE[k % 2]
            if k % 9 == 4:  # some callers give up
                gone = arrival + pd.Timedelta(seconds=50)
                rows.append(f'c{day}-{k},,"{service}",0,{arrival.isoformat()},,{gone},,')
                continue
            answered = arrival + pd.Timedelta(seconds=10 + 7 * (k % 5))
            ended = answered + pd.Timedelta(seconds=200 + 23 * (k % 7))
            agent = f"agent{k % 3}"
            rows.append(
                f'c{day}-{k},,"{service}",0,{arrival.isoformat()},{answered},,{ended},{agent}'
            )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_hostile_service_names_stay_inside_out_and_stay_text(tmp_path: Path) -> None:
    from omegaconf import OmegaConf

    work = tmp_path / "a" / "b" / "c" / "d"
    work.mkdir(parents=True)
    log = hostile_log(work / "log.csv")
    out = work / "cal"
    done = calibrate(
        work, str(log), "--format", "generic-phone", "--out", str(out), "--replications", "1"
    )
    assert done.returncode == 0, done.stderr
    written = {p.resolve() for p in tmp_path.rglob("*") if p.is_file()}
    assert written - {log.resolve()} <= {p.resolve() for p in out.rglob("*")}
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "a" / "elsewhere").exists()
    figures = sorted(p.name for p in (out / "figures").glob("validation_*.png"))
    assert figures == [
        "validation_all_call_types.png",
        "validation_elsewhere_evil.png",
        "validation_oc.env_HOME.png",
    ]
    # The fitted scenario loads back with the names as text: no interpolation is resolved.
    scenario = out / "scenarios" / "log.yaml"
    loaded = OmegaConf.to_container(OmegaConf.load(scenario), resolve=True)
    assert isinstance(loaded, dict)
    assert set(loaded["services"]) == set(HOSTILE)
    assert str(Path.home()) not in str(loaded)
    # Keys are never interpolated; values carrying a name are escaped and read back as written.
    assert {loaded["services"][name]["label"] for name in HOSTILE} == set(HOSTILE)
    # And it passes the config-file gate: the run command works.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "klantstroom.cli",
            "scenarios=log",
            f"hydra.searchpath=[file://{out}]",
            "run.replications=1",
            "run.horizon_days=1",
            "output.figures=false",
            f"hydra.run.dir={work / 'run'}",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert run.returncode == 0, run.stderr
