"""One composition per command: Hydra's own composition of a run, with klantstroom's messages.

A plain ``klantstroom`` run composed its configuration three times (0.8 s of CPU each for
Grootstad; hydra-core 1.3, ``hydra/_internal/utils.py`` and ``hydra.py``):

1. the command composed it with the compose API first, only to turn what Hydra cannot compose
   into a message that names the key (:func:`klantstroom.config.composing.compose_checked`);
2. Hydra's mode detection (``Hydra.get_mode``) composes it to read one setting, ``hydra.mode``;
3. ``Hydra.run`` composes it for the run.

:func:`install` leaves only the third:

* **Mode detection without composing.** In klantstroom ``hydra.mode`` can only come from the
  command line: the gate refuses Hydra settings in config files (:mod:`klantstroom.config.gate`)
  and klantstroom's own primary configs (``conf/config.yaml``, ``conf/staff.yaml``, a replay's)
  set none. Without a ``hydra.mode`` override the detection's answer is therefore "not set"
  (``None``, after which ``-m`` decides, as before); with one, Hydra composes as it always did.
* **The run's composition explained.** The composition that ``Hydra.run`` and ``Hydra.multirun``
  make for the run itself (the one that configures logging; the compose API and the mode
  detection do not) goes through
  :func:`klantstroom.config.composing.explain_composed`, so what it cannot compose, or an
  override that changes nothing (``services={}``), stops the command with the same message and
  exit code 2 as the compose-first check gave, before Hydra configures logging or creates the
  output folder. It is composed as from Python rather than from the shell (``from_shell=False``),
  which only changes how one of Hydra's own messages quotes its example, as the check did.

A sweep (``-m``) composed every job twice more: Hydra's sweeper composes each job first to
catch a bad one before any runs (``Sweeper.validate_batch_is_legal``), then the basic launcher
composes it again to run it (``BasicLauncher.launch``), both with
``ConfigLoaderImpl.load_sweep_config`` and the same arguments; a road-map year is 2.3 s. With
the basic launcher, which runs the jobs in this process, the validation's composition of each
of the first :data:`KEPT_JOBS` jobs is kept and handed to the launcher, once: nothing reads or
changes it in between, so it is the configuration the launcher would compose, taken from the
files as they were when the sweep was checked. Other launchers compose their jobs in other
processes, and nothing is kept for them.

All hooks are Hydra internals, checked by name and signature when installed: with another
Hydra, :func:`install` returns False and the command composes first as before (three times,
correct, only slower).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

from klantstroom.config.composing import explain_composed
from klantstroom.config.hydra_methods import original
from klantstroom.config.overrides import override_key
from klantstroom.scenario.errors import ScenarioErrors

# The parameters of the two Hydra methods the hooks stand in for (hydra-core 1.3).
_GET_MODE = ["self", "config_name", "overrides"]
_COMPOSE_CONFIG = [
    "self",
    "config_name",
    "overrides",
    "run_mode",
    "with_log_configuration",
    "from_shell",
    "validate_sweep_overrides",
]


# The parameters of the two Hydra methods a sweep composes its jobs with (hydra-core 1.3).
_VALIDATE_BATCH = ["self", "batch"]
_LOAD_SWEEP_CONFIG = ["self", "master_config", "sweep_overrides"]
# A road-map year's composition takes about 3 MB: at most this many wait for their launch.
KEPT_JOBS = 16


def _sets_mode(override: str) -> bool:
    """Whether a command-line override sets ``hydra.mode`` (or Hydra's whole section)."""
    return override_key(override) in ("hydra", "hydra.mode")


def install(command: str, config_dir: Path) -> bool:
    """Make Hydra compose this command's configuration once, explaining what it cannot compose.

    Parameters
    ----------
    command : str
        The command's name, which starts each error line (``klantstroom-staff``).
    config_dir : Path
        The folder of the primary config (``conf/``, or a replay's temporary folder): where a
        config source named in an error is looked for.

    Returns
    -------
    bool
        Whether the hooks are in place; False with a Hydra whose methods differ from 1.3's.
    """
    try:
        from hydra._internal.hydra import Hydra
    except ImportError:
        return False
    get_mode = original(Hydra, "get_mode", _GET_MODE)
    compose_config = original(Hydra, "compose_config", _COMPOSE_CONFIG)
    if get_mode is None or compose_config is None:
        return False

    def mode_from_overrides(self: Any, config_name: str | None, overrides: list[str]) -> Any:
        if any(_sets_mode(override) for override in overrides):
            return get_mode(self, config_name, overrides)
        return None

    def explained_compose_config(
        self: Any,
        config_name: str | None,
        overrides: list[str],
        run_mode: Any,
        with_log_configuration: bool = False,
        from_shell: bool = True,
        validate_sweep_overrides: bool = True,
    ) -> Any:
        compose = functools.partial(
            compose_config,
            self,
            config_name,
            run_mode=run_mode,
            with_log_configuration=with_log_configuration,
            validate_sweep_overrides=validate_sweep_overrides,
        )
        if not with_log_configuration:
            # Not the run's own composition (Hydra's mode detection, the compose API inside the
            # app, a road-map path's stretches): as Hydra composes it, errors raised as they are.
            return compose(overrides, from_shell=from_shell)

        def composed(overrides: list[str]) -> Any:
            return compose(overrides, from_shell=False)

        try:
            return explain_composed(composed, list(overrides), config_dir)
        except ScenarioErrors as errors:
            # SystemExit passes through Hydra's run_and_report, which would print a stack hint.
            print(f"{command}: {errors}", file=sys.stderr)
            raise SystemExit(2) from None

    _install_sweep_hooks()  # without them (another Hydra) a sweep composes its jobs twice
    mode_from_overrides.__wrapped__ = get_mode  # type: ignore[attr-defined]
    explained_compose_config.__wrapped__ = compose_config  # type: ignore[attr-defined]
    Hydra.get_mode = mode_from_overrides  # type: ignore[method-assign]
    Hydra.compose_config = explained_compose_config  # type: ignore[method-assign]
    return True


def _install_sweep_hooks() -> bool:
    """Hand the sweeper's validated compositions to the basic launcher (see the module);
    return whether the hooks are in place (False with a Hydra whose methods differ)."""
    try:
        from hydra._internal.config_loader_impl import ConfigLoaderImpl
        from hydra._internal.core_plugins.basic_launcher import BasicLauncher
        from hydra.plugins.sweeper import Sweeper
    except ImportError:
        return False
    validate = original(Sweeper, "validate_batch_is_legal", _VALIDATE_BATCH)
    load = original(ConfigLoaderImpl, "load_sweep_config", _LOAD_SWEEP_CONFIG)
    if validate is None or load is None:
        return False
    # Per job (the master configuration and the job's overrides), its compositions in order:
    # a sweep may hold the same job twice, and each launch takes its own.
    kept: dict[tuple[int, tuple[str, ...]], list[Any]] = {}
    keeping = False

    def validate_and_keep(self: Any, batch: Any) -> None:
        nonlocal keeping
        kept.clear()  # a batch's jobs are launched before the next batch is validated
        keeping = isinstance(getattr(self, "launcher", None), BasicLauncher)
        try:
            validate(self, batch)
        finally:
            keeping = False

    def load_or_take(self: Any, master_config: Any, sweep_overrides: list[str]) -> Any:
        key = (id(master_config), tuple(sweep_overrides))
        if keeping:
            config = load(self, master_config, sweep_overrides)
            if sum(len(configs) for configs in kept.values()) < KEPT_JOBS:
                kept.setdefault(key, []).append(config)
            return config
        waiting = kept.get(key)
        if not waiting:
            return load(self, master_config, sweep_overrides)
        config = waiting.pop(0)
        if not waiting:
            del kept[key]
        return config

    validate_and_keep.__wrapped__ = validate  # type: ignore[attr-defined]
    load_or_take.__wrapped__ = load  # type: ignore[attr-defined]
    Sweeper.validate_batch_is_legal = validate_and_keep  # type: ignore[method-assign]
    ConfigLoaderImpl.load_sweep_config = load_or_take  # type: ignore[method-assign]
    return True
