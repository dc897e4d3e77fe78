"""Launch a sweep's jobs on a Dask cluster: ``klantstroom -m hydra/launcher=dask ...``.

The same engine as ``run.executor=dask`` (:mod:`klantstroom.executors`), one level up: each job
of a multirun (a scenario, a seed, a staffing variant) runs on a worker of the cluster at
``hydra.launcher.address`` (``tcp://host:8786``), or of a local cluster of
``hydra.launcher.n_workers`` processes started for the sweep. Hydra's own launchers do not cover
Dask (the joblib launcher fixes its backend to loky); this one follows their pattern: each job
gets Hydra's global state (the config gate of :mod:`klantstroom.config.gate` included), loads
its sweep config and runs the task as Hydra's basic launcher would, so a job's tables are those
of the basic launcher.

The workers must have klantstroom (the same version) installed.
"""

# No "from __future__ import annotations": Hydra imports plugin modules in a way that leaves them
# out of sys.modules while the dataclass below is made, and string annotations need them there.
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, configure_log, filter_overrides, run_job, setup_globals
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, open_dict

log = logging.getLogger(__name__)


@dataclass
class DaskLauncherConf:
    """``hydra/launcher=dask``: the scheduler's address, or the local cluster's workers."""

    _target_: str = "hydra_plugins.klantstroom_dask_launcher.dask_launcher.DaskLauncher"
    address: str | None = None  # tcp://host:8786; null: a local cluster for the sweep
    n_workers: int = 2  # worker processes of the local cluster (one thread each)


ConfigStore.instance().store(
    group="hydra/launcher", name="dask", node=DaskLauncherConf, provider="klantstroom"
)


def execute_job(
    idx: int,
    overrides: Sequence[str],
    hydra_context: HydraContext,
    config: DictConfig,
    task_function: TaskFunction,
    singleton_state: dict[Any, Any],
) -> JobReturn:
    """Run one job on a worker: Hydra's state restored, its sweep config loaded, the task run."""
    setup_globals()
    Singleton.set_state(singleton_state)
    sweep_config = hydra_context.config_loader.load_sweep_config(config, list(overrides))
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
        sweep_config.hydra.job.num = idx
    HydraConfig.instance().set_config(sweep_config)
    return run_job(
        hydra_context=hydra_context,
        config=sweep_config,
        task_function=task_function,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


class DaskLauncher(Launcher):
    """Hydra launcher sending each job of a sweep to a Dask cluster."""

    def __init__(self, address: str | None = None, n_workers: int = 2) -> None:
        self.address = address
        self.n_workers = n_workers
        self.config: DictConfig | None = None
        self.task_function: TaskFunction | None = None
        self.hydra_context: HydraContext | None = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        """Keep what every job needs."""
        self.config = config
        self.task_function = task_function
        self.hydra_context = hydra_context

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        """Submit every job, wait for all, and return their results in job order."""
        try:
            from distributed import Client, LocalCluster
        except ImportError as missing:
            raise RuntimeError(
                "hydra/launcher=dask needs Dask's distributed: pip install 'klantstroom[dask]'"
            ) from missing
        setup_globals()
        assert self.config is not None and self.hydra_context is not None
        assert self.task_function is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        logging.getLogger("distributed").setLevel(logging.WARNING)  # not every connection
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        where = self.address or f"a local cluster of {self.n_workers} workers"
        log.info(f"Dask launcher: {len(job_overrides)} jobs on {where}; sweep dir {sweep_dir}")
        for idx, overrides in enumerate(job_overrides):
            log.info(f"\t#{initial_job_idx + idx} : {' '.join(filter_overrides(overrides))}")
        state = Singleton.get_state()
        cluster = None
        if self.address is None:
            cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            )
        client = Client(cluster if cluster is not None else self.address)
        try:
            futures = [
                client.submit(
                    execute_job,
                    initial_job_idx + idx,
                    list(overrides),
                    self.hydra_context,
                    self.config,
                    self.task_function,
                    state,
                    pure=False,
                )
                for idx, overrides in enumerate(job_overrides)
            ]
            runs: list[JobReturn] = client.gather(futures)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return runs
