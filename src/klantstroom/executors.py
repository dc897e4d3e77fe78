"""Where a run's replications, and a study's evaluations, run: this machine's cores, or a Dask
cluster.

``run.executor`` chooses:

* ``local`` (the default): joblib's process pool on this machine, ``run.n_jobs`` workers;
* ``dask``: a Dask cluster (``distributed``, the optional extra ``klantstroom[dask]``). With
  ``run.cluster_address`` (``tcp://10.0.0.5:8786``) the replications go to that cluster's
  workers, on as many machines as it spans; without it a local cluster of ``run.n_jobs`` worker
  processes is started for the run and stopped after it.

Each replication draws from its own random streams (:mod:`klantstroom.model.streams`), so where
and in which order the replications run changes nothing in the tables: a run on a cluster gives
the tables of the local run with the same seed. Dask was chosen over Ray because it is pure
Python, installs from PyPI in seconds on any machine (Ray ships large platform wheels and its
own object store), starts a cluster with one command per machine (``dask scheduler``,
``dask worker <address>``), and its futures interface is the one joblib already gives this
module: submit, then take results as they finish.

:func:`results` runs any function over any items on either: a run's replications
(:mod:`klantstroom.experiment`) and a study's points (:mod:`klantstroom.study.engine`) share it.

The workers must be able to import klantstroom (the same version): install the project on every
machine of the cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

EXECUTORS = ("local", "dask")
R = TypeVar("R")
T = TypeVar("T")


class ExecutorError(RuntimeError):
    """The executor cannot run: Dask missing, or the cluster unreachable (names the address)."""


def dask_results(
    fn: Callable[[Any, T], R],
    shared: Any,
    items: Iterable[T],
    *,
    address: str | None,
    n_workers: int,
) -> Generator[R, None, None]:
    """``fn(shared, item)`` for every item on a Dask cluster, in the order they end.

    Parameters
    ----------
    fn : callable
        The work (``klantstroom.experiment._replicate``, a study's evaluation): picklable,
        importable on the workers.
    shared : object
        What every call needs (a scenario, a study's base configuration): sent to the workers
        once (scattered), not once per item.
    items : iterable
        The replication numbers, or a study's points.
    address : str or None
        The scheduler's address; None starts a local cluster of ``n_workers`` processes.
    n_workers : int
        Worker processes of the local cluster (one thread each: a simulation holds the GIL).

    Yields
    ------
    The replications' results as they finish. Closing the generator (an interrupt, a failure)
    cancels the replications still running and stops a local cluster.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as missing:
        raise ExecutorError(
            "run.executor=dask needs Dask's distributed package: pip install 'klantstroom[dask]'"
        ) from missing
    cluster = None
    try:
        if address is None:
            cluster = LocalCluster(
                n_workers=n_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            )
            client = Client(cluster)
        else:
            client = Client(address, timeout="30s")
    except OSError as error:
        if cluster is not None:
            cluster.close()
        raise ExecutorError(
            f"run.cluster_address: cannot reach the Dask scheduler at {address} ({error})"
        ) from error
    futures = []
    try:
        on_workers = client.scatter(shared, broadcast=True)
        futures = [client.submit(fn, on_workers, item, pure=False) for item in items]
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


def local_results(
    fn: Callable[[Any, T], R], shared: Any, items: Iterable[T], *, n_jobs: int
) -> Generator[R, None, None]:
    """``fn(shared, item)`` for every item on this machine's cores (joblib), as they end.

    ``n_jobs`` as joblib counts it (-1: every core; 0 is taken as every core too). With one job
    (or one item) the calls run in this process, in order. Closing the generator aborts the
    calls still running and terminates joblib's workers.
    """
    items = list(items)
    if n_jobs == 0:
        n_jobs = os.cpu_count() or 1
    if n_jobs == 1 or len(items) <= 1:
        return (fn(shared, item) for item in items)
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    generator: Generator[R, None, None] = parallel(delayed(fn)(shared, item) for item in items)
    return generator


def results(
    fn: Callable[[Any, T], R],
    shared: Any,
    items: Iterable[T],
    *,
    executor: str,
    address: str | None,
    n_jobs: int,
) -> Generator[R, None, None]:
    """``fn(shared, item)`` for every item on ``executor`` (``local`` or ``dask``), as they end.

    Closing the generator (an interrupt, a failure) stops the calls still running.

    ``n_jobs`` is the local pool's size, or the local Dask cluster's workers (0 or less: every
    core); ``address`` is the Dask scheduler's (None: a local cluster).
    """
    workers = n_jobs if n_jobs > 0 else (os.cpu_count() or 1)
    if executor == "dask":
        return dask_results(fn, shared, items, address=address, n_workers=workers)
    return local_results(fn, shared, items, n_jobs=n_jobs)
