"""A study's evaluations: streamed to disk as they finish, a failure retried once and recorded,
an interrupted study resumed where it stopped, another study's folder refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from klantstroom import api
from klantstroom.study.changes import Parameter, split_key
from klantstroom.study.engine import (
    STREAM_FILE,
    Executor,
    StudyFolderError,
    attempt,
    read_stream,
    run_points,
)
from klantstroom.study.evaluation import Point, StudyBase, evaluate

BASE = StudyBase(configs={"": {"x": 1}})
POINTS = [Point(key=f"p{i}", values={}) for i in range(6)]
SERIAL = Executor("local", None, 1)


def fake(calls: list[str], fail: dict[str, int] | None = None, stop_at: str | None = None):
    """An evaluation that records its calls, fails ``fail[key]`` times, or is interrupted."""
    fail = dict(fail or {})

    def evaluate_fn(base: StudyBase, point: Point) -> dict[str, Any]:
        calls.append(point.key)
        if point.key == stop_at:
            raise KeyboardInterrupt("interrupted")
        if fail.get(point.key, 0) > 0:
            fail[point.key] -= 1
            return {"key": point.key, "status": "failed", "error": "RuntimeError: boom"}
        return {"key": point.key, "status": "done", "value": int(point.key[1:]) ** 2}

    return evaluate_fn


def test_every_evaluation_is_streamed_as_a_line(tmp_path: Path) -> None:
    calls: list[str] = []
    outcome = run_points(
        BASE, POINTS, tmp_path, executor=SERIAL, progress=False, evaluate_fn=fake(calls)
    )
    assert outcome.complete and not outcome.failed
    lines = (tmp_path / STREAM_FILE).read_text().splitlines()
    assert sorted(json.loads(line)["key"] for line in lines) == [p.key for p in POINTS]
    assert outcome.done["p3"]["value"] == 9 and outcome.done["p3"]["attempts"] == 1


def test_a_failure_is_retried_once_then_recorded_never_dropped(tmp_path: Path) -> None:
    calls: list[str] = []
    outcome = run_points(
        BASE,
        POINTS,
        tmp_path,
        executor=SERIAL,
        progress=False,
        evaluate_fn=fake(calls, fail={"p1": 1, "p4": 5}),
    )
    assert calls.count("p1") == 2 and calls.count("p4") == 2  # once more, not more
    assert outcome.done["p1"]["attempts"] == 2
    assert set(outcome.failed) == {"p4"}
    assert outcome.failed["p4"]["attempts"] == 2
    assert "boom" in outcome.failed["p4"]["error"]
    assert outcome.complete  # every point is accounted for
    recorded = read_stream(tmp_path)
    assert recorded["p4"]["status"] == "failed"
    # A resumed study does not try a recorded failure again.
    again: list[str] = []
    run_points(BASE, POINTS, tmp_path, executor=SERIAL, progress=False, evaluate_fn=fake(again))
    assert again == []


def test_an_interrupted_study_resumes_where_it_stopped(tmp_path: Path) -> None:
    calls: list[str] = []
    outcome = run_points(
        BASE,
        POINTS,
        tmp_path,
        executor=SERIAL,
        progress=False,
        evaluate_fn=fake(calls, stop_at="p3"),
    )
    assert not outcome.complete and outcome.stopped == "interrupted"
    assert set(outcome.done) == {"p0", "p1", "p2"}  # on disk before the stop
    # A hard stop may cut the last line off: that point is evaluated again.
    stream = tmp_path / STREAM_FILE
    stream.write_text(stream.read_text() + '{"key": "p3", "sta')
    resumed: list[str] = []
    outcome = run_points(
        BASE, POINTS, tmp_path, executor=SERIAL, progress=False, evaluate_fn=fake(resumed)
    )
    assert resumed == ["p3", "p4", "p5"]
    assert outcome.complete and len(outcome.done) == 6


def test_a_folder_of_another_study_is_refused(tmp_path: Path) -> None:
    run_points(BASE, POINTS[:2], tmp_path, executor=SERIAL, progress=False, evaluate_fn=fake([]))
    with pytest.raises(StudyFolderError, match="another study"):
        run_points(BASE, POINTS, tmp_path, executor=SERIAL, progress=False, evaluate_fn=fake([]))
    calls: list[str] = []
    outcome = run_points(
        BASE,
        POINTS,
        tmp_path,
        executor=SERIAL,
        progress=False,
        overwrite=True,
        evaluate_fn=fake(calls),
    )
    assert len(calls) == 6 and outcome.complete


@pytest.fixture(scope="module")
def kleinstad() -> StudyBase:
    from klantstroom.study.setup import Window, study_base

    config, _, _ = study_base(["municipality=kleinstad"], Window(days=7, warmup_days=1))
    volume = Parameter(
        "services.algemeen.volume_per_year",
        (split_key("services.algemeen.volume_per_year"),),
        18000,
        9000,
        36000,
    )
    return StudyBase(configs={"": config}, parameters=[volume], replications=2)


def test_an_evaluation_reads_every_norm_with_common_random_numbers(kleinstad: StudyBase) -> None:
    base = evaluate(kleinstad, Point("base"))
    again = evaluate(kleinstad, Point("again"))
    busy = evaluate(kleinstad, Point("busy", values={"services.algemeen.volume_per_year": 36000}))

    def phone(record: dict[str, Any]) -> list[float]:
        return [n["value"] for n in record["norms"] if n["norm"] == "phone_service_level"]

    assert len(phone(base)) == 2  # one per replication
    assert phone(base) == phone(again)  # the same seed: the same runs
    assert max(phone(busy)) < min(phone(base))  # twice the general questions: worse
    norms = {n["norm"] for n in base["norms"]}
    assert norms == {n.name for n in api.load_scenario(["municipality=kleinstad"]).all_norms()}
    assert all(n["met"] == (n["value"] >= n["target"]) for n in base["norms"] if n["at_least"])
    staff = base["staff"][0]
    assert staff["fte_of_work"] > 0 and staff["fte_on_duty"] > 0


def test_a_failing_evaluation_comes_back_as_a_record(kleinstad: StudyBase) -> None:
    record = attempt(kleinstad, Point("broken", replace=((("run", "horizon_days"), -1.0),)))
    assert record["status"] == "failed" and record["key"] == "broken"
    assert "run.horizon_days" in record["error"]
