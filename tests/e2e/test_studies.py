"""The study commands as a user runs them: ``klantstroom-sensitivity`` and ``klantstroom-fan`` in a
subprocess writing to a temporary folder, resumed, and refusing bad input with a clear message."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from subprocesses import HANG_GUARD_S, run_code

PARAMETERS = """\
parameters:
  - {key: services.algemeen.volume_per_year, low: 9000, high: 36000}   # strong: half to double
  - {key: channels.phone.patience.mean_min, range: 0.3}
  - {key: services.algemeen.handling.digital.mean_min, range: 0.3}     # e-mail, not the phone
"""


def command(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_code(f"import sys; from {module} import main; sys.exit(main())", *args, cwd=cwd)


def sensitivity(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return command("klantstroom.study.sensitivity_command", *args, cwd=cwd)


@pytest.mark.long
def test_sensitivity_ranks_the_parameters_and_resumes(tmp_path: Path) -> None:
    (tmp_path / "parameters.yaml").write_text(PARAMETERS)
    args = [
        "municipality=kleinstad",
        "--parameters", "parameters.yaml",
        "--trajectories", "3", "--top", "2", "--samples", "4", "--tornado", "2",
        "--days", "7", "--warmup-days", "1", "--output", "study", "--no-progress",
    ]  # fmt: skip
    done = sensitivity(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = tmp_path / "study"
    table = pd.read_csv(folder / "sensitivity.csv")
    assert set(table["stage"]) == {"morris", "sobol", "tornado"}
    phone = table[(table["stage"] == "morris") & (table["norm"] == "phone_service_level")]
    ranked = list(phone.sort_values("rank")["parameter"])
    assert ranked[0] == "services.algemeen.volume_per_year"  # doubling the questions
    assert ranked[-1] == "services.algemeen.handling.digital.mean_min"  # e-mail time: least
    assert "1. services.algemeen.volume_per_year" in done.stdout
    tornado = table[(table["stage"] == "tornado") & (table["norm"] == "phone_service_level")]
    volume = tornado.set_index("parameter").loc["services.algemeen.volume_per_year"]
    assert volume["kpi_at_high"] < volume["kpi_at_base"] < volume["kpi_at_low"]
    assert (folder / "figures" / "tornado.png").stat().st_size > 10_000
    used = pd.read_csv(folder / "parameters.csv")
    assert list(used["source"]) == ["parameters.yaml:0", "parameters.yaml:1", "parameters.yaml:2"]
    # The same command again: every evaluation is read back, none is run again.
    streams = {p: p.read_text() for p in folder.glob("*/evaluations.jsonl")}
    again = sensitivity(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert {p: p.read_text() for p in folder.glob("*/evaluations.jsonl")} == streams
    assert pd.read_csv(folder / "sensitivity.csv").equals(table)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trajectories", "1"], "--trajectories: must be 2 to 1000; got 1"),
        (["--samples", "6"], "--samples: must be a power of two"),
        (["--start", "mei"], "--start: 'mei' is neither a date"),
        (["--parameters", "missing.yaml"], "missing.yaml: no such file"),
        (["run.horizon_dayz=3"], "run.horizon_dayz"),
    ],
)
def test_sensitivity_refuses_bad_input_by_name(
    tmp_path: Path,
    args: list,
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from klantstroom.study.sensitivity_command import main

    monkeypatch.chdir(tmp_path)
    assert main(["municipality=kleinstad", *args, "--output", "out"]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.long
def test_the_fan_gives_each_years_probability_of_each_norm(tmp_path: Path) -> None:
    args = ["--draws", "2", "--start", "may", "--days", "7", "--warmup-days", "0",
            "--output", "fan", "--no-progress", "--language", "nl"]  # fmt: skip
    done = command("klantstroom.study.fan_command", *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    folder = tmp_path / "fan"
    probability = pd.read_csv(folder / "fan_probability.csv")
    years = ["Nulmeting 2027", "Jaar 1 (2028)", "Jaar 2 (2029)", "Jaar 3 (2030)",
             "Eindbeeld 2031"]  # fmt: skip
    assert list(dict.fromkeys(probability["year"])) == years
    assert {"phone_service_level", "walk_in_wait", "appointment_access"} <= set(probability["norm"])
    assert probability["draws"].eq(2).all()
    assert (probability["ci_low"] <= probability["probability"]).all()
    assert (probability["probability"] <= probability["ci_high"]).all()
    fan = pd.read_csv(folder / "fan.csv")
    fte = fan[fan["metric"] == "fte_on_duty"]
    assert len(fte) == 5 and (fte["p50"] > 20).all()
    draws = pd.read_csv(folder / "fan_draws.csv")
    assert len(draws) == 2 and set(draws.columns) >= {"growth_per_year", "adoption_rate"}
    for name in ("fan.png", "fan_probability.png"):
        assert (folder / "figures" / name).stat().st_size > 10_000
    assert "phone_service_level" in done.stdout and "Eindbeeld 2031" in done.stdout


def test_a_stopped_study_keeps_its_evaluations_and_resumes(tmp_path: Path) -> None:
    """kill (SIGTERM, as a cluster's scheduler stops a job) stops the study in order: what is
    done stays on disk, and the same command runs only what is missing."""
    (tmp_path / "parameters.yaml").write_text(PARAMETERS)
    args = [
        "municipality=kleinstad", "--parameters", "parameters.yaml", "--trajectories", "8",
        "--top", "0", "--tornado", "0", "--days", "7", "--warmup-days", "1",
        "--output", "study", "--no-progress", "run.n_jobs=1",
    ]  # fmt: skip
    code = "import sys; from klantstroom.study.sensitivity_command import main; sys.exit(main())"
    stream = tmp_path / "study" / "morris" / "evaluations.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    # Waits for an event (the first evaluation on disk), not for a time.
    while process.poll() is None and not (stream.exists() and stream.read_text().count("\n")):
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=HANG_GUARD_S)
    assert process.returncode == 130, stderr[-2000:]
    assert "run the same command to resume" in stderr
    kept = stream.read_text().splitlines()
    assert 1 <= len(kept) < 32
    done = sensitivity(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = stream.read_text().splitlines()
    assert lines[: len(kept)] == kept  # the earlier evaluations are kept, not run again
    keys = [json.loads(line)["key"] for line in lines if line.strip().endswith("}")]
    assert len(keys) == len(set(keys)) == 32  # 8 trajectories x 4 points, each once
