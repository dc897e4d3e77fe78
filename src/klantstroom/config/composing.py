"""Compose a configuration, turning every way that can fail into messages that name the key.

Hydra and OmegaConf report a bad override or config file with their own exception types and a
stack trace: an override value with spaces (``run.label=Jaar 1 (2028)``), a key that is a date
(``channels.phone.date_factors.2027-05-01=2``), a string where a number belongs, a list where a
mapping belongs, a scenario that does not exist, a key under a block that is not set. This module
composes the way the ``klantstroom`` command does and turns each of those into a
:class:`~klantstroom.scenario.errors.ScenarioErrors` with the dotted key and what is allowed, so the
command line, the Python interface and the tests report configuration errors one way.

It also catches an override that would silently change nothing: OmegaConf *merges* a mapping
into the configured one, so ``services={}`` leaves every service in place.

A config file that is refused (Hydra settings, ``_target_``, resolvers, not valid YAML) is
:class:`~klantstroom.config.gate.ConfigFileRefused`, raised by the gate while Hydra loads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml
from hydra.errors import (
    ConfigCompositionException,
    MissingConfigException,
    OverrideParseException,
)
from omegaconf import DictConfig, OmegaConf, open_dict

from klantstroom.config.errors import explain_unknown_key, find_shape_mismatch
from klantstroom.config.overrides import override_key
from klantstroom.scenario.errors import ScenarioError, ScenarioErrors

# A key part Hydra's override grammar cannot read: a date, or anything starting with a digit.
_UNREADABLE_KEY_PART = re.compile(r"^\d")
_DATE_KEYS_HELP = (
    "a key that is a date or a year (channels.<channel>.date_factors.<YYYY-MM-DD>, "
    "services.<service>.year_factors.<year>) cannot be set on the command line: set it in a "
    "scenario file (scenarios/<name>.yaml) and run with scenarios=<name>; see "
    "docs/configuration.md, 'Date-keyed settings'"
)


def compose_project(
    overrides: Sequence[str] = (), *, choices: dict[str, str] | None = None
) -> DictConfig:
    """Compose the project's configuration (``conf/``, the scenarios) with ``overrides``, as
    the ``klantstroom`` command does: the schema registered and every config file through the
    gate (:mod:`klantstroom.config.gate`). Raises as :func:`compose_checked`.

    With ``choices`` (a dict), it is filled with Hydra's choice per config group
    (``{"municipality": "grootstad", ...}``): which municipality file a scenario builds on."""
    from klantstroom.config import gate
    from klantstroom.config.schema import register_configs
    from klantstroom.paths import conf_dir

    register_configs()
    gate.install()  # shared scenario files are data here too (raises ConfigFileRefused)
    return compose_checked(overrides, config_dir=conf_dir(), choices=choices)


def compose_checked(
    overrides: Sequence[str],
    *,
    config_dir: Path,
    config_name: str = "config",
    choices: dict[str, str] | None = None,
) -> DictConfig:
    """Compose ``config_name`` in ``config_dir`` with ``overrides`` (Hydra's compose API).

    Parameters
    ----------
    overrides : sequence of str
        As on the command line: ``["scenarios=eindbeeld", "run.horizon_days=7"]``.
    config_dir : Path
        The folder of the primary config (``conf/``, or a replay's temporary folder).
    config_name : str, default "config"
        The primary config.
    choices : dict, optional
        Filled with Hydra's choice per config group (the configuration itself is returned
        without Hydra's own node).

    Raises
    ------
    ScenarioErrors
        For an override or config file Hydra cannot compose, or an override that changes nothing;
        each error names the key and what is allowed.
    klantstroom.config.gate.ConfigFileRefused
        For a config file that is not plain data or not valid YAML (when the gate is installed).
    """
    from hydra import compose, initialize_config_dir

    def composed(overrides: list[str]) -> DictConfig:
        with initialize_config_dir(config_dir=str(config_dir), version_base="1.3"):
            cfg = compose(
                config_name=config_name,
                overrides=overrides,
                return_hydra_config=choices is not None,
            )
        if choices is not None:
            choices.update(
                {str(k): str(v) for k, v in cfg.hydra.runtime.choices.items() if v is not None}
            )
            with open_dict(cfg):
                del cfg["hydra"]
        return cfg

    return explain_composed(composed, list(overrides), config_dir)


def compose_in_app(overrides: Sequence[str], *, config_name: str = "config") -> DictConfig:
    """Compose ``config_name`` with ``overrides`` inside a running ``@hydra.main`` application.

    Hydra's compose API uses the application's own search path there (``conf/``, the
    ``scenarios/`` overlays, a replay's folder), so a road-map path composes each of its
    stretches as the command line would (:mod:`klantstroom.config.path_plan`). Errors are
    those of :func:`compose_checked`.
    """
    from hydra import compose
    from hydra.core.hydra_config import HydraConfig

    def composed(overrides: list[str]) -> DictConfig:
        return compose(config_name=config_name, overrides=overrides)

    runtime = HydraConfig.get().runtime
    config_dir = next(
        (Path(source.path) for source in runtime.config_sources if source.provider == "main"),
        Path("."),
    )
    return explain_composed(composed, list(overrides), config_dir)


def explain_composed(
    composed: Callable[[list[str]], DictConfig], overrides: list[str], config_dir: Path
) -> DictConfig:
    """``composed(overrides)``, with every way it fails turned into :class:`ScenarioErrors`.

    ``composed`` is any of Hydra's ways to compose (the compose API, or the run's own
    composition, :mod:`klantstroom.config.one_composition`); ``config_dir`` is the folder of
    the primary config, where a config source named in an error is looked for.
    """
    syntax = override_syntax_errors(overrides)
    if syntax:
        raise ScenarioErrors(syntax)
    try:
        cfg = composed(overrides)
    except MissingConfigException as error:
        raise ScenarioErrors([_missing_config(error)]) from None
    except OverrideParseException as error:
        raise ScenarioErrors([ScenarioError("overrides", _first_line(error))]) from None
    except ConfigCompositionException as error:
        raise ScenarioErrors([explain_composition_error(error, config_dir, overrides)]) from None
    unchanged = _empty_mappings(overrides, cfg)
    if unchanged:
        raise ScenarioErrors(unchanged)
    return cfg


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def override_syntax_errors(overrides: Sequence[str]) -> list[ScenarioError]:
    """One error per override Hydra's grammar cannot read, saying how to write it instead."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    errors = []
    for override in overrides:
        try:
            parser.parse_overrides([override])
        except OverrideParseException:
            key = override_key(override)
            if "=" not in override:
                message = f"{override!r} is not an override: write key=value"
            elif "[" in key:
                # `shifts[0].headcount`: Hydra's grammar has no brackets in keys.
                dotted = re.sub(r"\[(\d+)\]", r".\1", key)
                message = (
                    f"a list item is named by its number after a dot: {dotted}=... (not {key}=...)"
                )
            elif any(_UNREADABLE_KEY_PART.match(part) for part in key.split(".")):
                message = _DATE_KEYS_HELP
            else:
                value = override.split("=", 1)[1]
                message = (
                    f"cannot read the value {value!r}: a value with spaces, brackets, commas, "
                    "quotes or ${...} needs quotes around it inside the shell's quotes, e.g. "
                    f"'{key}=\"{value}\"' (docs/configuration.md, 'Command-line overrides')"
                )
            errors.append(ScenarioError(key or override, message))
    return errors


def _missing_config(error: MissingConfigException) -> ScenarioError:
    """An unknown scenario or municipality: name the group and its options."""
    text = _first_line(error)
    match = re.search(r"Could not find '([^']+)'", text)
    name = match.group(1) if match else text
    group = name.split("/", 1)[0] if match and "/" in name else ""
    options = list(error.options or [])
    allowed = f"; available: {', '.join(sorted(options))}" if options else ""
    return ScenarioError(group or "defaults", f"{name!r} not found{allowed}")


def _source_file(source: str, config_dir: Path, overrides: Sequence[str]) -> Path | None:
    """The file of a config source such as ``scenarios/fuzz``, on klantstroom's search path."""
    from klantstroom.paths import project_root

    roots = [config_dir, project_root()]
    for override in overrides:
        if override.startswith("hydra.searchpath="):
            roots += [Path(p) for p in re.findall(r"file://([^,\]]+)", override)]
    for root in roots:
        path = root / f"{source}.yaml"
        if path.is_file():
            return path
    return None


def explain_composition_error(
    error: ConfigCompositionException,
    config_dir: Path | None = None,
    overrides: Sequence[str] = (),
) -> ScenarioError:
    """The key and a readable message for what Hydra could not merge.

    Hydra reports a config file's error as text (``In 'scenarios/x': ... full_key: ...``)
    without the OmegaConf error as its cause; an override's error has the cause.
    """
    cause = error.__cause__
    unknown = explain_unknown_key(error)
    if unknown is not None:
        match = re.search(r"unknown config key '([^']+)'", unknown)
        return ScenarioError(match.group(1) if match else "config", unknown)
    text = str(cause) if cause is not None else str(error)
    lines = [line for line in text.splitlines() if line.strip()]
    source = re.search(r"^In '([^']+)'", str(error))
    if cause is None and source and len(lines) > 1:
        lines = lines[1:]  # the first line only says which file
    first = lines[0].strip() if lines else type(error).__name__
    full_key = re.search(r"full_key: (\S+)", text)
    key = str(getattr(cause, "full_key", "") or "") or (full_key.group(1) if full_key else "")
    where = f" (in {source.group(1)}.yaml)" if source else ""
    if not key and source is not None:
        # OmegaConf lost the key of a list or value where a mapping belongs: find it in the file.
        path = _source_file(source.group(1), config_dir or Path("."), overrides)
        found = None
        if path is not None:
            with suppress(OSError, yaml.YAMLError):
                found = find_shape_mismatch(yaml.safe_load(path.read_text(encoding="utf-8")))
        if found is not None:
            return ScenarioError(found[0], f"must be a {found[1]}, not a list or value{where}")
        return ScenarioError(f"{source.group(1)}.yaml", f"{first}")
    key = key or "config"
    if "is not in struct" in text and any(_UNREADABLE_KEY_PART.match(p) for p in key.split(".")):
        return ScenarioError(key, _DATE_KEYS_HELP)
    if "is not in struct" in text:
        # A key under a block that has no entry of that name yet (run.periods.peak.month=may).
        parent, _, name = key.rpartition(".")
        return ScenarioError(
            key,
            f"{parent or 'the config'} has no entry {name!r} to set a key in: add the entry with "
            f"a leading + (e.g. +{key}.<key>=<value>), or set it whole ({key}={{<key>: <value>}})",
        )
    if "Cannot merge" in text:
        return ScenarioError(key, f"must be a mapping (key: value), not a list or value{where}")
    if "is not a subclass of" in first:
        return ScenarioError(key, f"must be a mapping of its keys (key: value), not a value{where}")
    if "could not be converted to" in first:
        return ScenarioError(key, f"wrong type: {first}{where}")
    return ScenarioError(key, f"{first}{where}")


def _empty_mappings(overrides: Sequence[str], cfg: DictConfig) -> list[ScenarioError]:
    """``key={}`` merges nothing into a configured mapping: say so rather than run unchanged."""
    errors = []
    for override in overrides:
        if override.startswith("~") or "=" not in override:
            continue
        key, value = override.split("=", 1)
        key = key.lstrip("+")
        if value.strip().replace(" ", "") != "{}" or key.startswith("hydra."):
            continue
        node: Any = OmegaConf.select(cfg, key, default=None)
        if isinstance(node, Mapping | DictConfig) and len(node) > 0:
            errors.append(
                ScenarioError(
                    key,
                    f"{{}} changes nothing: on the command line a mapping is merged into the "
                    f"configured one, so every entry of {key} stays; remove one entry with "
                    f"~{key}.<name>, or use a scenario file that sets {key} whole",
                )
            )
    return errors
