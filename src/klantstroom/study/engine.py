"""A study's points run on the executor, streamed to disk, retried once, resumable.

:func:`run_points` sends every point to :func:`klantstroom.study.evaluation.evaluate` on the
run's executor (``run.executor``: this machine's cores, or a Dask cluster, see
:mod:`klantstroom.executors`), and

* **streams** each finished evaluation to ``<folder>/evaluations.jsonl`` as one JSON line,
  written and flushed as it arrives, so nothing finished is lost when the study stops;
* **resumes**: points whose line is already in the file are not evaluated again (a line cut off
  by a hard stop is ignored and its point evaluated again). ``study.json`` holds the study's
  fingerprint (its configurations, parameters and points); a folder that holds another study is
  refused rather than mixed;
* **retries** a point that failed once, after the others, and records it in the file with
  ``"status": "failed"``, its attempts and the error: never silently dropped. A resumed study
  does not try a recorded failure again (delete its line to have it tried);
* shows **progress** with an estimate of the time left (tqdm), counting the points done before.

An interrupt (Ctrl-C) stops the workers and returns what is done; the same command resumes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from klantstroom.executors import results
from klantstroom.outputs import write_atomic
from klantstroom.study.evaluation import Point, StudyBase, evaluate

log = logging.getLogger(__name__)

STREAM_FILE = "evaluations.jsonl"
STUDY_FILE = "study.json"


class StudyFolderError(RuntimeError):
    """The output folder holds another study (the message names the folder)."""


@dataclass(frozen=True)
class Executor:
    """Where the evaluations run (``run.executor``, ``run.cluster_address``, ``run.n_jobs``)."""

    kind: str = "local"
    address: str | None = None
    n_jobs: int = 1


@dataclass
class Outcome:
    """The records of a study's points (finished and failed), and whether every point is in."""

    done: dict[str, dict[str, Any]]
    failed: dict[str, dict[str, Any]]
    complete: bool
    stopped: str = ""


def fingerprint(base: StudyBase, points: Sequence[Point], extra: Any = None) -> str:
    """A hash of what decides the study's results (configurations, parameters, points)."""
    payload = json.dumps(
        {
            "configs": base.configs,
            "parameters": [asdict(p) for p in base.parameters],
            "replications": base.replications,
            "points": [asdict(p) for p in points],
            "extra": extra,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def read_stream(folder: Path) -> dict[str, dict[str, Any]]:
    """The records already in ``evaluations.jsonl`` by key (a cut-off last line is skipped)."""
    path = folder / STREAM_FILE
    records: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return records
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s line %d: cut off (the study stopped while writing it)", path, number)
            continue
        if isinstance(record, dict) and "key" in record:
            records[str(record["key"])] = record
    return records


def _claim(folder: Path, print_: str, overwrite: bool) -> None:
    """Keep a folder of the same study (to resume); refuse one of another."""
    folder.mkdir(parents=True, exist_ok=True)
    study = folder / STUDY_FILE
    if study.exists():
        try:
            earlier = json.loads(study.read_text(encoding="utf-8")).get("fingerprint")
        except json.JSONDecodeError:
            earlier = None
        if earlier != print_:
            if not overwrite:
                raise StudyFolderError(
                    f"{folder}: holds the results of another study (other scenario, parameters "
                    "or design); choose another --output folder, or --overwrite to replace them"
                )
            (folder / STREAM_FILE).unlink(missing_ok=True)
    elif overwrite:
        (folder / STREAM_FILE).unlink(missing_ok=True)
    text = json.dumps({"fingerprint": print_}) + "\n"
    write_atomic(study, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def attempt(base: StudyBase, point: Point) -> dict[str, Any]:
    """:func:`evaluate`, with a failure returned as a record instead of raised (in a worker)."""
    try:
        record = evaluate(base, point)
    except Exception as error:  # recorded and retried by the caller, never dropped
        lines = traceback.format_exception(error)
        return {
            "key": point.key,
            "status": "failed",
            "error": f"{type(error).__name__}: {error}",
            "traceback": "".join(lines[-6:]),
        }
    record["status"] = "done"
    return record


def run_points(
    base: StudyBase,
    points: Sequence[Point],
    folder: Path,
    *,
    executor: Executor,
    progress: bool = True,
    overwrite: bool = False,
    extra: Any = None,
    evaluate_fn: Callable[[StudyBase, Point], dict[str, Any]] = attempt,
    description: str = "evaluations",
) -> Outcome:
    """Evaluate ``points`` into ``folder`` (see the module docstring); return their records.

    Parameters
    ----------
    base : StudyBase
        The configurations and parameters every point shares.
    points : sequence of Point
        Unique keys.
    folder : Path
        Where ``evaluations.jsonl`` and ``study.json`` go.
    executor : Executor
        Local cores or a Dask cluster.
    progress : bool
        Show a progress bar with the time left.
    overwrite : bool
        Replace another study's results in ``folder`` (and start this one afresh).
    extra : object
        More of what decides the results, for the fingerprint (the study's design).
    evaluate_fn : callable
        The evaluation (tests put a failing one in; it must return failures as records).
    description : str
        The progress bar's label.

    Raises
    ------
    StudyFolderError
        When ``folder`` holds another study and ``overwrite`` is false.
    """
    keys = [point.key for point in points]
    if len(set(keys)) != len(keys):
        raise ValueError("a study's points need unique keys")
    _claim(folder, fingerprint(base, points, extra), overwrite)
    earlier = read_stream(folder)
    ours = set(keys)
    done = {k: r for k, r in earlier.items() if r.get("status") == "done" and k in ours}
    failed = {k: r for k, r in earlier.items() if r.get("status") == "failed" and k in ours}
    pending = [p for p in points if p.key not in done and p.key not in failed]
    bar = _bar(len(points), len(done) + len(failed), progress, description)
    stopped = ""
    with (folder / STREAM_FILE).open("a", encoding="utf-8") as stream:
        try:
            retry: list[Point] = []
            by_key = {p.key: p for p in pending}
            for round_number, todo in enumerate((pending, retry), start=1):
                if not todo:  # (a local Dask cluster is not started for nothing)
                    continue
                jobs = results(
                    evaluate_fn,
                    base,
                    todo,
                    executor=executor.kind,
                    address=executor.address,
                    n_jobs=executor.n_jobs,
                )
                try:
                    for record in jobs:
                        if record["status"] == "failed" and round_number == 1:
                            log.warning(
                                "%s failed (%s); tried again later", record["key"], record["error"]
                            )
                            retry.append(by_key[record["key"]])
                            continue
                        record["attempts"] = round_number
                        stream.write(json.dumps(record, default=float) + "\n")
                        stream.flush()
                        (done if record["status"] == "done" else failed)[record["key"]] = record
                        if bar is not None:
                            bar.update(1)
                finally:
                    jobs.close()  # stops the workers still running (an interrupt, an error)
        except KeyboardInterrupt as stop:  # Ctrl-C, SIGTERM: what is done is on disk
            stopped = str(stop) or "interrupted"
        finally:
            if bar is not None:
                bar.close()
    complete = len(done) + len(failed) == len(points)
    for key, record in failed.items():
        log.error("%s failed twice: %s", key, record.get("error"))
    return Outcome(done=done, failed=failed, complete=complete, stopped=stopped)


def _bar(total: int, initial: int, show: bool, description: str) -> Any:
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=description, unit="run", smoothing=0.1)
