"""Shared fixtures: Hydra's compose API on the project's own conf/ and scenarios/.

Hypothesis runs without its per-example deadline (200 ms of wall time by default): a busy
machine must not fail a property test because an example ran slowly.

Tests marked ``long`` (ten seconds or more each) run first on each worker. pytest-xdist's
``--dist worksteal`` hands each worker an equal, contiguous share of the collection, and a worker
that runs out takes queued tests from the end of another's share, never one that is running.
Left in place, a long test near the end kept one of CI's two workers busy alone for half a
minute (the workshop in Chromium, 40 s before the end); all of them first, in the first share,
kept one worker on the long tests alone for the last 28 s. Dealt out to the heads of the shares,
they leave short tests for the end, and both workers finish within seconds of each other.

The garbage collector is paused while the tests are collected and what lives after it is then
frozen (``gc.freeze``), as the commands freeze what lives before their jobs: the collection
builds the syntax trees of pytest's assertion rewriting among the objects of every library the
tests import, and every full collection walked them all again (1.3 of 8 s of collecting, each
worker); the tests' own garbage is collected as before, without walking what never goes.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Generator

import pytest
from hydra import compose, initialize_config_dir
from hypothesis import settings
from omegaconf import DictConfig

from klantstroom.config import register_configs
from klantstroom.paths import conf_dir

settings.register_profile("klantstroom", deadline=None)
settings.load_profile("klantstroom")


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    gc.disable()
    try:
        return (yield)
    finally:
        gc.collect()  # the collection's own cycles, before the rest is frozen
        gc.freeze()
        gc.enable()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Deal the ``long`` tests to the heads of the workers' shares, in turn.

    Every worker orders its own collection, and xdist runs only if they agree: the order
    depends on nothing but the collection and the number of workers.
    """
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    # A parametrised test's cases stay together: they may share a module's fixture.
    groups: dict[tuple[str, str], list[pytest.Item]] = {}
    for item in items:
        if item.get_closest_marker("long") is not None:
            function = getattr(item, "originalname", item.name)
            groups.setdefault((item.nodeid.split("::")[0], function), []).append(item)
    dealt = list(groups.values())
    short = [item for item in items if item.get_closest_marker("long") is None]
    ordered: list[pytest.Item] = []
    for worker in range(workers):
        # xdist's first distribution: the k-th worker gets len(pending) // (workers - k).
        share = (len(items) - len(ordered)) // (workers - worker)
        heads = [item for group in dealt[worker::workers] for item in group]
        take = max(0, share - len(heads))
        ordered += heads + short[:take]
        short = short[take:]
    items[:] = ordered + short


@pytest.fixture(scope="session")
def compose_config() -> Callable[..., DictConfig]:
    """Compose ``conf/config.yaml`` with overrides, as ``klantstroom <overrides>`` would."""
    register_configs()

    def _compose(*overrides: str) -> DictConfig:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides))

    return _compose
