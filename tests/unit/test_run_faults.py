"""What survives a fault, in-process: a full disk, no finished replication, a used folder."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pandas as pd
import pytest

from klantstroom.outputs import RunError
from klantstroom.results import check_run, load_run, scan_runs
from klantstroom.runner import execute
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.spec import Scenario

from factories import queue_config


def small() -> Scenario:
    """Two short replications of one queue: a whole run in well under a second."""
    return build_scenario(
        queue_config(
            rate_per_hour=30.0,
            handling={"kind": "exponential", "mean_min": 3.0},
            agents=2,
            replications=2,
            horizon_days=0.25,
        )
    )


def run_into(folder: Path, **options: bool) -> None:
    execute(small(), folder, figures=False, print_summary=False, **options)


def test_run_json_is_written_last_with_the_rows_of_every_table(tmp_path: Path) -> None:
    run_into(tmp_path)
    info = json.loads((tmp_path / "run.json").read_text())
    assert info["complete"] is True
    assert info["tables"]["contacts.parquet"] == len(pd.read_parquet(tmp_path / "contacts.parquet"))
    assert info["tables"]["summary.csv"] == len(pd.read_csv(tmp_path / "summary.csv"))
    assert info["tables"]["costs.csv"] == len(pd.read_csv(tmp_path / "costs.csv"))
    assert len(info["tables"]) == 9
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
    assert check_run(load_run(tmp_path)) is None


def test_a_full_disk_is_one_line_naming_the_folder_and_keeps_earlier_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pd.DataFrame.to_csv

    def disk_full(self: pd.DataFrame, path: object = None, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if path is not None and "summary.csv" in str(path):
            Path(str(path)).write_text("kpi,mean\nhalf")  # a partial write, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    with pytest.raises(RunError) as caught:
        run_into(tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(tmp_path) in message and "summary.csv" in message
    assert "no space left on the disk" in message
    # The tables written before it are whole; nothing half-written under a final name.
    assert len(pd.read_parquet(tmp_path / "contacts.parquet")) > 0
    assert len(pd.read_csv(tmp_path / "kpis.csv")) > 0
    assert not (tmp_path / "summary.csv").exists()
    assert not list(tmp_path.glob(".*.tmp"))
    info = json.loads((tmp_path / "run.json").read_text())
    assert info["complete"] is False and "summary.csv" in info["error"]
    assert "summary.csv" not in info["tables"] and "kpis.csv" in info["tables"]
    # A comparison sets it aside rather than reading a run without its summary.
    runs, skipped = scan_runs([tmp_path])
    assert runs == [] and skipped[0].reason == "summary.csv: missing (was the run interrupted?)"


def test_no_finished_replication_says_so_and_records_the_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import klantstroom.experiment as experiment

    def interrupted(scenario, replication):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(experiment, "simulate", interrupted)
    with pytest.raises(RunError, match="no replication finished"):
        run_into(tmp_path)
    info = json.loads((tmp_path / "run.json").read_text())
    assert info["complete"] is False and info["replications_completed"] == 0
    assert info["tables"] == {} and "interrupted after 0 of 2" in info["error"]
    assert not (tmp_path / "contacts.parquet").exists()


def test_a_folder_that_holds_a_run_is_refused_unless_overwritten(tmp_path: Path) -> None:
    run_into(tmp_path)
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "old.png").write_bytes(b"old")
    before = (tmp_path / "run.json").read_text()
    with pytest.raises(RunError, match=r"already holds a run .*output\.overwrite=true"):
        run_into(tmp_path)
    assert (tmp_path / "run.json").read_text() == before  # untouched
    run_into(tmp_path, overwrite=True)
    assert not (tmp_path / "figures").exists()  # the earlier run's figures are gone
    assert json.loads((tmp_path / "run.json").read_text())["complete"] is True


def test_compare_checks_row_counts_and_parquet_files(tmp_path: Path) -> None:
    good, cut, broken = tmp_path / "good", tmp_path / "cut", tmp_path / "broken"
    for folder in (good, cut, broken):
        run_into(folder)
    lines = (cut / "summary.csv").read_text().splitlines(keepends=True)
    (cut / "summary.csv").write_text("".join(lines[: len(lines) // 2]))
    data = (broken / "staff.parquet").read_bytes()
    (broken / "staff.parquet").write_bytes(data[: len(data) // 2])
    runs, skipped = scan_runs([tmp_path])
    assert [run.folder for run in runs] == [good]
    reasons = {item.folder.name: item.reason for item in skipped}
    assert reasons["cut"].startswith("summary.csv:") and "run.json recorded" in reasons["cut"]
    assert reasons["broken"].startswith("staff.parquet: not a readable Parquet table")


def test_a_stop_signal_while_the_tables_are_built_keeps_every_replication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SIGTERM arrives after the last replication, while its tables are built (seen by hand on a
    # 90-day Grootstad run): the replications must be written, not lost.
    import os
    import signal

    from klantstroom import experiment, signals

    build = experiment.tables_from_logs

    def interrupted(*args: object, **kwargs: object) -> object:
        os.kill(os.getpid(), signal.SIGTERM)
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(experiment, "tables_from_logs", interrupted)
    with signals.stop_raises():
        result = execute(small(), tmp_path, figures=False, print_summary=False)
        assert signals.received() == signal.SIGTERM
    assert result.complete and result.replications == [0, 1]
    assert "while the tables were built" in result.error
    info = json.loads((tmp_path / "run.json").read_text())
    assert info["replications"] == [0, 1]
    assert len(pd.read_parquet(tmp_path / "contacts.parquet")) > 0


def test_the_journeys_command_names_a_table_cut_short(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from klantstroom.report.personas import main

    run_into(tmp_path)
    journeys = tmp_path / "journeys.parquet"
    journeys.write_bytes(journeys.read_bytes()[:200])
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("klantstroom-journeys: ") and "not readable" in err
    assert "Traceback" not in err


def test_a_signal_of_an_earlier_run_does_not_cut_the_next_one_short(tmp_path: Path) -> None:
    import signal

    from klantstroom import signals

    signals._received = signal.SIGTERM  # as an earlier, stopped run in this process leaves it
    result = execute(small(), tmp_path, figures=False, print_summary=False)
    assert result.complete and signals.received() is None
    assert (tmp_path / "report.html").is_file()  # written, not skipped as after a stop
