"""Whose output folder is it: refuse one that holds a run, clear it on overwrite, record failures.

Hydra gives every run a fresh timestamped folder, but ``hydra.run.dir=<folder>`` (and
``hydra.sweep.dir``) can point a run at a folder an earlier run wrote; its tables would then be
mixed with the new run's ``.hydra/`` config and its figures embedded in the new report. A run
therefore refuses a folder that holds a run (:func:`run_files`) unless ``output.overwrite`` is
set; with it, the earlier run's files are removed first (:func:`clear_run`), ``run.json`` before
anything else so a reader never takes a half-cleared folder for a run.

A job of a multirun that fails leaves ``error.txt`` in its folder (:func:`record_failure`);
``klantstroom-compare`` lists such folders as skipped, and the multirun exits non-zero.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from klantstroom.outputs import TABLE_FILES, RunError, write_atomic

ERROR_FILE = "error.txt"
# The files that mark a folder as holding a run.
RUN_FILES = ("run.json", *TABLE_FILES, "report.html", "personas.txt")
# What else a run writes, removed on overwrite so nothing of the earlier run remains (the
# staffing plan of ``output.staffing_plan``: see klantstroom.staffing.command).
_OTHER_FILES = (
    ERROR_FILE,
    "requirements.parquet",
    "group_requirements.parquet",
    "headcount.parquet",
    "shifts.csv",
    "fte.csv",
    "uncovered.csv",
    "unresponsive.csv",
    "failing.csv",
    "back_office.csv",
    "deferred_work.csv",
    "skill_mix.csv",
    "pooling_gain.csv",
    "staffing_plan.json",
    "staffing_report.html",
)
_OTHER_FOLDERS = ("figures",)
OVERWRITE_HINT = "output.overwrite=true"


def run_files(folder: Path) -> list[str]:
    """The files of an earlier run in ``folder`` (empty when it holds none)."""
    return [name for name in RUN_FILES if (folder / name).is_file()]


def used_folder_message(folder: Path, found: list[str]) -> str:
    """The one-line refusal for ``folder``, which holds the run files ``found``."""
    shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
    return (
        f"{folder}: already holds a run ({shown}); choose another folder, or add "
        f"{OVERWRITE_HINT} to replace it"
    )


def claim(folder: Path, *, overwrite: bool) -> None:
    """Make ``folder`` ready for a new run: refuse it if it holds one, or clear it.

    Parameters
    ----------
    folder : Path
        The run's output folder (it may not exist yet; ``.hydra/`` in it is left alone).
    overwrite : bool
        Remove an earlier run's files instead of refusing the folder.

    Raises
    ------
    RunError
        If ``folder`` holds a run and ``overwrite`` is False, or the earlier run cannot be
        removed.
    """
    found = run_files(folder)
    if found and not overwrite:
        raise RunError(used_folder_message(folder, found))
    if found:
        clear_run(folder)
    else:  # a stale error.txt of an earlier failed attempt is not this run's
        with contextlib.suppress(OSError):
            (folder / ERROR_FILE).unlink(missing_ok=True)


def clear_run(folder: Path) -> None:
    """Remove the files an earlier run wrote into ``folder`` (``run.json`` first)."""
    try:
        for name in (*RUN_FILES, *_OTHER_FILES):
            (folder / name).unlink(missing_ok=True)
        for name in _OTHER_FOLDERS:
            if (folder / name).is_dir():
                shutil.rmtree(folder / name)
    except OSError as error:
        raise RunError(
            f"{folder}: cannot remove the earlier run ({error.strerror or error})"
        ) from None


def sweep_runs(sweep: Path) -> list[Path]:
    """The job folders directly in the multirun folder ``sweep`` that hold a run."""
    if not sweep.is_dir():
        return []
    return sorted(p for p in sweep.iterdir() if p.is_dir() and run_files(p))


def record_failure(folder: Path, message: str, details: str = "") -> None:
    """Write ``error.txt`` into a failed job's folder: the message, a blank line, ``details``.

    Best effort: a folder that cannot take the file (a full disk) keeps what it has.
    """
    # The message must hold no blank line: readers take the text before the first one.
    message = "\n".join(line for line in message.strip().splitlines() if line.strip())
    text = message + "\n" + (f"\n{details.rstrip()}\n" if details else "")
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / ERROR_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def failed_jobs(sweep: Path) -> list[Path]:
    """The job folders directly in ``sweep`` that recorded a failure (``error.txt``)."""
    if not sweep.is_dir():
        return []
    jobs = [p for p in sweep.iterdir() if (p / ERROR_FILE).is_file()]
    # Job folders 0, 1, ... 10 in numeric order.
    return sorted(jobs, key=lambda p: (not p.name.isdigit(), len(p.name), p.name))


__all__ = [
    "ERROR_FILE",
    "RUN_FILES",
    "RunError",
    "claim",
    "clear_run",
    "failed_jobs",
    "record_failure",
    "run_files",
    "sweep_runs",
    "used_folder_message",
]
