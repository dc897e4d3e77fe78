"""Shared fixtures: Hydra's compose API on the project's own conf/ and scenarios/.

Hypothesis runs without its per-example deadline (200 ms of wall time by default): a busy
machine must not fail a property test because an example ran slowly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hydra import compose, initialize_config_dir
from hypothesis import settings
from omegaconf import DictConfig

from klantstroom.config import register_configs
from klantstroom.paths import conf_dir

settings.register_profile("klantstroom", deadline=None)
settings.load_profile("klantstroom")


@pytest.fixture(scope="session")
def compose_config() -> Callable[..., DictConfig]:
    """Compose ``conf/config.yaml`` with overrides, as ``klantstroom <overrides>`` would."""
    register_configs()

    def _compose(*overrides: str) -> DictConfig:
        with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
            return compose(config_name="config", overrides=list(overrides))

    return _compose
