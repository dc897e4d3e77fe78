"""Replications on a Dask cluster give the tables of the local run with the same seed.

The cluster is real: a scheduler and two worker processes started by the test
(``distributed.LocalCluster``), reached by its address as a remote cluster would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from klantstroom import api
from klantstroom.experiment import RunResult, run_experiment
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import Scenario

distributed = pytest.importorskip("distributed")

SMALL = ["municipality=kleinstad", "run.horizon_days=4", "run.replications=3", "run.n_jobs=1"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a local Dask cluster: a scheduler and two worker processes."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield str(local.scheduler_address)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return api.load_scenario(SMALL)


@pytest.fixture(scope="module")
def local(scenario: Scenario) -> RunResult:
    return run_experiment(scenario)


def assert_same_tables(one: RunResult, other: RunResult) -> None:
    assert sorted(other.replications) == sorted(one.replications)
    for name in ("contacts", "tasks", "journeys", "intervals", "kpis", "summary"):
        a, b = getattr(one, name), getattr(other, name)
        keys = [c for c in ("replication", "contact_id", "task_id", "journey_id") if c in a]
        if keys:  # the cluster hands replications back in the order they end
            a = a.sort_values(keys, kind="stable").reset_index(drop=True)
            b = b.sort_values(keys, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_like=True)


def test_a_run_on_a_cluster_equals_the_local_run(
    scenario: Scenario, local: RunResult, cluster: str
) -> None:
    on_cluster = replace(
        scenario, run=replace(scenario.run, executor="dask", cluster_address=cluster)
    )
    ticks: list[int] = []
    result = run_experiment(on_cluster, progress=ticks.append)
    assert result.complete and result.error == ""
    assert ticks == [1, 1, 1]
    assert_same_tables(local, result)


def test_without_an_address_a_local_cluster_is_started_and_stopped(
    scenario: Scenario, local: RunResult
) -> None:
    own = replace(scenario, run=replace(scenario.run, executor="dask", n_jobs=2))
    assert_same_tables(local, run_experiment(own))


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ("run.executor=spark", "run.executor: unknown value 'spark'; allowed: local, dask"),
        ("run.cluster_address=10.0.0.5", "run.cluster_address: must be a Dask scheduler address"),
    ],
)
def test_a_bad_executor_setting_names_its_key(override: str, named: str) -> None:
    with pytest.raises(ScenarioErrors, match=named.replace(".", r"\.")):
        api.load_scenario([*SMALL, override])


def test_the_executor_is_chosen_in_the_configuration() -> None:
    run = api.load_scenario(
        [*SMALL, "run.executor=dask", "run.cluster_address=tcp://10.0.0.5:8786"]
    ).run
    assert (run.executor, run.cluster_address) == ("dask", "tcp://10.0.0.5:8786")
    assert api.load_scenario(SMALL).run.executor == "local"


def test_a_study_runs_its_evaluations_on_the_cluster(cluster: str, tmp_path: Path) -> None:
    """klantstroom-sensitivity and klantstroom-fan send their points to the same executor."""
    from klantstroom.study.changes import Parameter, split_key
    from klantstroom.study.engine import Executor, run_points
    from klantstroom.study.evaluation import Point, StudyBase
    from klantstroom.study.setup import Window, study_base

    config, _, _ = study_base(["municipality=kleinstad"], Window(days=4, warmup_days=0))
    key = "services.algemeen.volume_per_year"
    base = StudyBase(
        configs={"": config}, parameters=[Parameter(key, (split_key(key),), 18000, 9000, 27000)]
    )
    points = [Point(f"v{v}", values={key: v}) for v in (9000, 18000, 27000)]
    local = run_points(
        base, points, tmp_path / "local", executor=Executor("local", None, 2), progress=False
    )
    remote = run_points(
        base, points, tmp_path / "dask", executor=Executor("dask", cluster, 2), progress=False
    )
    assert local.complete and remote.complete and not remote.failed
    for key_ in local.done:
        assert remote.done[key_]["norms"] == local.done[key_]["norms"]
