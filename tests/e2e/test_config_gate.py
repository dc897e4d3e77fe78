"""Config files are data: a shared scenario file cannot make Hydra act, as a user would meet it.

Each test writes a scenario into a folder of its own (as a colleague's shared file would be) and
selects it with Hydra's search path from the command line, in a subprocess run from a temporary
working directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from subprocesses import HANG_GUARD_S

CLI = [sys.executable, "-m", "klantstroom.cli"]
QUICK = ["run.replications=1", "run.horizon_days=0.1", "output.figures=false"]


def klantstroom(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=HANG_GUARD_S, env=env
    )


def shared_scenario(tmp_path: Path, body: str, name: str = "shared") -> Path:
    """Write ``scenarios/<name>.yaml`` into ``tmp_path/shared`` and return that folder."""
    folder = tmp_path / "shared"
    (folder / "scenarios").mkdir(parents=True, exist_ok=True)
    text = "# @package _global_\ndefaults:\n  - /scenarios/textbook/mmc\n  - _self_\n" + body
    (folder / "scenarios" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def assert_refused(done: subprocess.CompletedProcess[str], key: str, cwd: Path) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "HYDRA_FULL_ERROR" not in done.stderr
    assert f"shared/scenarios/shared.yaml: {key}:" in done.stderr, done.stderr
    assert not (cwd / "outputs").exists() and not (cwd / "multirun").exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (
            "hydra:\n  callbacks:\n    x:\n      _target_: builtins.open\n"
            "      file: {pwned}\n      mode: w\n",
            "hydra.callbacks",
        ),
        (
            "hydra:\n  job_logging:\n    version: 1\n    handlers:\n      x:\n"
            "        '()': builtins.open\n        file: {pwned}\n        mode: w\n"
            "    root: {{handlers: [x]}}\n",
            "hydra.job_logging",
        ),
        ("hydra:\n  run:\n    dir: {pwned}\n", "hydra.run"),
        ("params:\n  x:\n    _target_: builtins.open\n    file: {pwned}\n", "params.x._target_"),
        ("run:\n  label: '${{oc.env:HOME}}'\n", "run.label"),
        ("run:\n  label: '${{oc.decode:\"[1]\"}}'\n", "run.label"),
    ],
    ids=["callback", "logging-factory", "run-dir", "target", "oc-env", "oc-decode"],
)
def test_a_scenario_file_that_would_act_is_refused_and_nothing_is_written(
    tmp_path: Path, body: str, key: str
) -> None:
    pwned = tmp_path / "pwned"
    shared = shared_scenario(tmp_path, body.format(pwned=pwned))
    done = klantstroom(tmp_path, "scenarios=shared", f"hydra.searchpath=[file://{shared}]", *QUICK)
    assert_refused(done, key, tmp_path)
    assert not pwned.exists()
    assert str(Path.home()) not in done.stderr


def test_the_gate_holds_for_config_dir_and_for_a_sweep(tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    body = f"hydra:\n  callbacks:\n    x:\n      _target_: builtins.open\n      file: {pwned}\n"
    shared = shared_scenario(tmp_path, body + "      mode: w\n")
    by_dir = klantstroom(tmp_path, "--config-dir", str(shared), "scenarios=shared", *QUICK)
    assert_refused(by_dir, "hydra.callbacks", tmp_path)
    # A sweep composes each job only when it starts; the gate looks at them all first.
    sweep = klantstroom(
        tmp_path,
        "-m",
        "scenarios=textbook/mmc,shared",
        f"hydra.searchpath=[file://{shared}]",
        *QUICK,
    )
    assert_refused(sweep, "hydra.callbacks", tmp_path)
    # ... and the files each job's overlay names in its own defaults list.
    (shared / "scenarios" / "outer.yaml").write_text(
        "# @package _global_\ndefaults:\n  - shared\n  - _self_\n", encoding="utf-8"
    )
    nested = klantstroom(
        tmp_path,
        "-m",
        "scenarios=textbook/mmc,outer",
        f"hydra.searchpath=[file://{shared}]",
        *QUICK,
    )
    assert_refused(nested, "hydra.callbacks", tmp_path)
    assert not pwned.exists()


def test_a_municipality_file_is_checked_like_a_scenario(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    (folder / "municipality").mkdir(parents=True)
    (folder / "municipality" / "evil.yaml").write_text(
        "# @package _global_\nhydra:\n  run:\n    dir: elsewhere\n", encoding="utf-8"
    )
    done = klantstroom(tmp_path, "municipality=evil", f"hydra.searchpath=[file://{folder}]")
    assert done.returncode == 2 and "shared/municipality/evil.yaml: hydra.run:" in done.stderr
    assert not (tmp_path / "elsewhere").exists() and not (tmp_path / "outputs").exists()


def test_references_and_the_users_own_hydra_overrides_still_work(tmp_path: Path) -> None:
    shared = shared_scenario(
        tmp_path,
        "params:\n  servers: 11\nrun:\n  label: 'M/M/${params.servers} (seed ${run.seed})'\n",
    )
    out = tmp_path / "mine"
    done = klantstroom(
        tmp_path,
        "scenarios=shared",
        f"hydra.searchpath=[file://{shared}]",
        f"hydra.run.dir={out}",  # typed by the user: theirs to choose
        *QUICK,
    )
    assert done.returncode == 0, done.stderr
    assert (out / "run.json").is_file()
    assert "M/M/11 (seed" in (out / "run.json").read_text(encoding="utf-8")


def test_oc_env_is_switched_off_on_the_command_line_too(tmp_path: Path) -> None:
    out = tmp_path / "x"
    done = klantstroom(
        tmp_path,
        "scenarios=textbook/mmc",
        "run.label=${oc.env:HOME}",
        f"hydra.run.dir={out}",
        *QUICK,
    )
    assert (
        done.returncode == 2
        and "run.label" in done.stderr
        and "oc.env is switched off" in done.stderr
    )
    assert "Traceback" not in done.stderr and str(Path.home()) not in done.stderr
    assert not (out / "run.json").exists()


def test_a_replay_of_a_doctored_output_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    (folder / ".hydra").mkdir(parents=True)
    pwned = tmp_path / "pwned"
    (folder / ".hydra" / "config.yaml").write_text(
        f"hydra:\n  callbacks:\n    x: {{_target_: builtins.open, file: {pwned}, mode: w}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from klantstroom.cli import replay_main; replay_main()",
            str(folder),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode == 2 and "config.yaml: hydra.callbacks:" in done.stderr
    assert not pwned.exists() and not (tmp_path / "outputs").exists()
