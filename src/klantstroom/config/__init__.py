"""The configuration boundary: Hydra/OmegaConf config in, validated scenario out.

Besides the CLI, this is the only package that imports Hydra or OmegaConf.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from klantstroom.config.errors import find_unknown_key
from klantstroom.config.schema import KlantstroomConfig, register_configs
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioError, ScenarioErrors
from klantstroom.scenario.spec import Scenario

__all__ = [
    "KlantstroomConfig",
    "register_configs",
    "scenario_from_config",
    "scenario_from_container",
]


def scenario_from_config(cfg: DictConfig, base_dir: Path | None = None) -> Scenario:
    """Resolve a composed config and validate it into a :class:`Scenario`.

    Parameters
    ----------
    cfg : DictConfig
        The composed configuration (from ``@hydra.main`` or the compose API).
    base_dir : Path, optional
        Folder relative file names are resolved against (default: working directory).

    Raises
    ------
    klantstroom.scenario.errors.ScenarioErrors
        If any value is invalid; each error names its key.
    """
    try:
        container = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    except OmegaConfBaseException as error:
        # A reference to a missing key, an interpolation that does not parse, a referenced value
        # of the wrong type, or a resolver (oc.env is switched off by the gate): name the key
        # instead of showing OmegaConf's stack.
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        key = str(getattr(error, "full_key", "") or "config")
        raise ScenarioErrors([ScenarioError(key, message)]) from None
    assert isinstance(container, dict)
    return scenario_from_container({str(k): v for k, v in container.items()}, base_dir)


def scenario_from_container(container: dict[str, Any], base_dir: Path | None = None) -> Scenario:
    """Validate a resolved configuration (plain dicts and lists) into a :class:`Scenario`.

    What :func:`scenario_from_config` does after resolving: a study writes its values into the
    composed configuration as data and builds each point's scenario from it
    (:mod:`klantstroom.study.evaluation`). Raises ``ScenarioErrors`` naming the bad keys.
    """
    # Keys added with Hydra's `+key=value` bypass the schema while composing; a walk along the
    # schema rejects them, so a misspelt key can never be silently ignored. (Merging into the
    # schema once more did the same at 1-1.5 s of CPU for a municipality; the walk takes ms.)
    unknown = find_unknown_key(container)
    if unknown is not None:
        raise ScenarioErrors([ScenarioError(*unknown)])
    path = container.get("path") or {}
    if isinstance(path, dict) and path.get("steps"):
        # A path is several scenarios, one per stretch: only the klantstroom command runs it
        # (klantstroom.path_runner); a command or script that wants one scenario gets a step.
        raise ScenarioErrors(
            [
                ScenarioError(
                    "path.steps",
                    "this configuration is a road-map path (several scenarios on their dates); "
                    "run it with the klantstroom command, or give one of its steps "
                    "(scenarios=<step>) to a command that takes one scenario",
                )
            ]
        )
    return build_scenario({str(key): value for key, value in container.items()}, base_dir=base_dir)
