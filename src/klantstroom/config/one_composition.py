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

Both hooks are Hydra internals, checked by name and signature when installed: with another
Hydra, :func:`install` returns False and the command composes first as before (three times,
correct, only slower).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from klantstroom.config.composing import explain_composed
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


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


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
    get_mode = getattr(Hydra, "get_mode", None)
    compose_config = getattr(Hydra, "compose_config", None)
    if get_mode is None or compose_config is None:
        return False
    # Installed before: the originals are kept on the hooks.
    get_mode = getattr(get_mode, "__wrapped__", get_mode)
    compose_config = getattr(compose_config, "__wrapped__", compose_config)
    if _parameters(get_mode) != _GET_MODE or _parameters(compose_config) != _COMPOSE_CONFIG:
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

    mode_from_overrides.__wrapped__ = get_mode  # type: ignore[attr-defined]
    explained_compose_config.__wrapped__ = compose_config  # type: ignore[attr-defined]
    Hydra.get_mode = mode_from_overrides  # type: ignore[method-assign]
    Hydra.compose_config = explained_compose_config  # type: ignore[method-assign]
    return True
