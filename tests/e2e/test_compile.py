"""``klantstroom-compile``: the model compiled with mypyc gives the same event log, and a compiled
model whose source has changed refuses to run.

The compiling test works on a copy of the package in a temporary folder, never on the checkout.
It needs mypy, setuptools, a C compiler and Python's headers; where they are missing it is
skipped with the reason, and where ``KLANTSTROOM_REQUIRE_COMPILER=1`` (CI) it fails instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from klantstroom import compile_command
from klantstroom.compiled_model import MANIFEST, changed_sources, check_compiled, source_digest
from subprocesses import run_code


def record(folder: Path, **sources: str | None) -> None:
    """Write ``compiled.json`` for ``folder`` with the given digests per source file."""
    (folder / MANIFEST).write_text(json.dumps({"sources": sources}), encoding="utf-8")


def test_a_model_without_a_record_is_not_checked(tmp_path: Path) -> None:
    (tmp_path / "staff.py").write_text("x = 1\n", encoding="utf-8")
    assert changed_sources(tmp_path) is None
    check_compiled(tmp_path)  # no error


def test_a_source_changed_since_compiling_stops_the_import(tmp_path: Path) -> None:
    for name in ("staff.py", "queues.py"):
        (tmp_path / name).write_text("x = 1\n", encoding="utf-8")
    record(
        tmp_path,
        **{"staff.py": source_digest(tmp_path / "staff.py"), "queues.py": "0" * 64},
        **{"gone.py": "1" * 64},
    )
    assert changed_sources(tmp_path) == ["gone.py", "queues.py"]
    with pytest.raises(ImportError, match=r"\(gone\.py, queues\.py changed since klantstroom-co"):
        check_compiled(tmp_path)
    assert "out of date: gone.py, queues.py changed" in compile_command.status(tmp_path)


def test_an_unreadable_record_is_named(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportError, match=r"compiled\.json: not a record of a compiled model"):
        check_compiled(tmp_path)


@pytest.mark.parametrize(
    ("function", "command"), [("klantstroom", "klantstroom"), ("staff", "klantstroom-staff")]
)
def test_a_command_reports_a_stale_compiled_model_in_one_line(
    tmp_path: Path, function: str, command: str
) -> None:
    # A copy of the package whose record says simulation.py was compiled from other source.
    model = compile_command.copy_package(tmp_path)
    record(model, **{"simulation.py": "0" * 64})
    done = run_code(
        f"from klantstroom.launch import {function}; {function}()",
        "scenarios=textbook/mmc",
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{command}: klantstroom.model: the compiled model is older than its source "
        "(simulation.py changed since klantstroom-compile); run klantstroom-compile to compile "
        "it again, or klantstroom-compile --remove to run the source"
    ]


def test_what_the_build_lacks_is_named_and_nothing_is_built(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CC", "no-such-compiler --flag")
    before = compile_command.compiled_files(compile_command.model_folder())
    assert compile_command.main([]) == 2
    err = capsys.readouterr().err
    assert "no C compiler: 'no-such-compiler'" in err
    assert "the model runs from its source as before" in err
    assert compile_command.compiled_files(compile_command.model_folder()) == before


@pytest.mark.long
def test_the_compiled_model_gives_the_same_event_log(tmp_path: Path) -> None:
    problems = compile_command.missing_prerequisites()
    if problems:
        if os.environ.get("KLANTSTROOM_REQUIRE_COMPILER") == "1":
            pytest.fail(f"klantstroom-compile must work here (CI): {problems}")
        pytest.skip(f"klantstroom-compile cannot build here: {problems}")
    folder = compile_command.copy_package(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    command = "from klantstroom.compile_command import entry; entry()"
    # Optimisation level 0 builds fastest; what the model computes does not depend on it.
    done = run_code(command, "--opt-level", "0", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    # The command's own check: the compiled model simulated the check run, its event log the
    # interpreted model's.
    assert "the same event log of" in done.stdout
    assert "compiled with mypyc" in run_code(command, "--status", cwd=tmp_path, env=env).stdout
    imported = "import klantstroom.model.simulation as s; print(s.__file__)"
    shown = run_code(imported, cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().endswith(".so"), shown.stdout
    # A replication of the textbook queue, besides the command's check run.
    mmc = ("scenarios=textbook/erlang_a", "run.horizon_days=3")
    compiled = compile_command.simulate_check(folder, mmc, replication=2)
    assert compiled[3]
    # An edited source: the stale compiled model refuses to be imported.
    with (folder / "staff.py").open("a", encoding="utf-8") as source:
        source.write("\n# edited after compiling\n")
    stale = run_code(imported, cwd=tmp_path, env=env)
    assert stale.returncode != 0
    assert "the compiled model is older than its source (staff.py changed" in stale.stderr
    # An extension per module and the shared runtime, and the record of the sources.
    built = len(compile_command.compiled_files(folder))
    assert built == len(compile_command.sources(folder)) + 2
    removed = run_code(command, "--remove", cwd=tmp_path, env=env)
    assert removed.returncode == 0 and f"removed {built} compiled file(s)" in removed.stdout
    assert run_code(imported, cwd=tmp_path, env=env).stdout.strip().endswith("simulation.py")
    assert compile_command.compiled_files(folder) == []
    interpreted = compile_command.simulate_check(folder, mmc, replication=2)
    assert not interpreted[3]
    assert interpreted[1:3] == compiled[1:3]  # the same contacts, the same event log


def test_a_folder_it_may_not_write_to_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(folder: Path) -> list[Path]:
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(compile_command, "remove", refused)
    assert compile_command.main(["--remove"]) == 2
    err = capsys.readouterr().err
    assert f"klantstroom-compile: {compile_command.model_folder()}: Permission denied" in err
    assert "Traceback" not in err


def test_the_help_shows_the_three_commands_one_per_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        compile_command.main(["--help"])
    assert done.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    for command in (
        "klantstroom-compile ",
        "klantstroom-compile --status",
        "klantstroom-compile --remove",
    ):
        assert any(line.startswith(command) and "#" in line for line in lines), command
