"""What a scenario changes: the keys whose values differ between two configurations.

A scenario overlay is a diff on the configuration it is applied to, but the overlay file does not
show what it changes in the end: it may pull in another municipality, set a parameter that many
keys interpolate, or repeat a value that is already there. This module composes both sides as the
``klantstroom`` command does, resolves every interpolation, flattens them to dotted keys (items of a
list of mappings by position, ``staff_groups.balie.roster.shifts.0.headcount``, the form an
override on the command line takes) and lists the keys that differ, with the value on each side.

A side is given as

* a scenario overlay by name (``extra_avond``, ``scenarios=extra_avond`` or
  ``scenarios/extra_avond.yaml``), composed on the default configuration;
* ``default``: the default configuration (what ``klantstroom`` runs without arguments);
* a run's output folder: the configuration it recorded (``.hydra/config.yaml``), which passes the
  same gate as any config file (:mod:`klantstroom.config.gate`) before it is read.

The ``klantstroom-diff`` command (:mod:`klantstroom.diff_command`) prints and writes the list;
``klantstroom-compare`` shows each run's changes against its baseline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from klantstroom.config.file_rules import config_file_problems
from klantstroom.config.gate import ConfigFileRefused, refusal_message
from klantstroom.config.yaml_text import safe_load

DEFAULT = "default"
# Shown for a key that one side does not have.
NOT_SET = "(not set)"


class DiffInputError(ValueError):
    """A side of the comparison cannot be read; the message names the file or scenario."""


@dataclass(frozen=True)
class Change:
    """One key whose value differs: its value in the base and in the scenario (``NOT_SET``
    where a side does not have the key)."""

    key: str
    base: Any
    scenario: Any


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The leaves of a nested mapping as (dotted key, value).

    A list of mappings (shifts, training courses) is entered item by item, by position; a list
    of plain values (opening hours, a headcount per hour) is one value, shown whole. An empty
    mapping is a leaf of its own (a group with no skills differs from one with some).
    """
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and any(isinstance(item, Mapping | list) for item in value):
        for index, item in enumerate(value):
            yield from flatten(item, f"{prefix}.{index}")
    else:
        yield prefix, value


def config_diff(base: Mapping[str, Any], scenario: Mapping[str, Any]) -> list[Change]:
    """The keys whose values differ, in the scenario's order, then the keys it no longer has."""
    old = dict(flatten(base))
    new = dict(flatten(scenario))
    changes = [
        Change(key, old.get(key, NOT_SET), value)
        for key, value in new.items()
        if key not in old or not _same(old[key], value)
    ]
    changes += [Change(key, value, NOT_SET) for key, value in old.items() if key not in new]
    # An empty mapping on one side that the other fills in is told by the keys filled in.
    filled = {key.rsplit(".", 1)[0] for key in (*old, *new) if "." in key}
    return [
        change
        for change in changes
        if not (change.key in filled and NOT_SET in (change.base, change.scenario))
    ]


def _same(a: Any, b: Any) -> bool:
    # 1 and 1.0 are the same setting; True and 1 are not (a flag is not a count).
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def shown(value: Any) -> str:
    """A value as one line of text: numbers and text as they are, the rest as JSON."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def saved_config(folder: Path) -> dict[str, Any]:
    """The resolved configuration a run recorded in ``folder/.hydra/config.yaml``.

    Raises
    ------
    DiffInputError
        The folder has no recorded configuration, or it is not valid YAML, not a mapping, or an
        interpolation in it cannot be resolved.
    klantstroom.config.gate.ConfigFileRefused
        The file holds something that would act instead of being data (a resolver reading the
        environment, ``_target_``, Hydra settings).
    """
    saved = folder / ".hydra" / "config.yaml"
    if not saved.is_file():
        raise DiffInputError(
            f"{saved}: not found; give a scenario name or the output folder of a klantstroom "
            "run (it holds .hydra/config.yaml)"
        )
    try:
        content = safe_load(saved.read_text(encoding="utf-8", errors="replace"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise DiffInputError(f"{saved}{where}: not valid YAML") from None
    if not isinstance(content, dict):
        raise DiffInputError(f"{saved}: not a configuration (a mapping)")
    problems = config_file_problems(content, {"package": "_global_"})
    if problems:
        raise ConfigFileRefused(refusal_message(str(saved), problems))
    return _resolved(OmegaConf.create(content), str(saved))


def _resolved(config: Any, source: str) -> dict[str, Any]:
    try:
        container = OmegaConf.to_container(config, resolve=True)
    except OmegaConfBaseException as error:
        key = getattr(error, "full_key", "") or "?"
        raise DiffInputError(f"{source}: {key}: cannot be resolved ({error.msg})") from None
    assert isinstance(container, dict)
    return {str(key): value for key, value in container.items()}


def scenario_name(spec: str) -> str:
    """The overlay name of ``extra_avond``, ``scenarios=extra_avond`` or a path to its file."""
    name = spec.removeprefix("scenarios=")
    if name.endswith((".yaml", ".yml")):
        name = name.rsplit(".", 1)[0]
    for prefix in ("./", "scenarios/"):
        name = name.removeprefix(prefix)
    return name


def composed(overrides: Sequence[str]) -> dict[str, Any]:
    """The resolved configuration ``klantstroom <overrides>`` runs with.

    Raises
    ------
    klantstroom.scenario.errors.ScenarioErrors
        For an unknown scenario or key (the message names it and what is allowed).
    klantstroom.config.gate.ConfigFileRefused
        For a scenario file that is not plain data.
    """
    from klantstroom.config.composing import compose_project

    return _resolved(compose_project(list(overrides)), " ".join(overrides) or DEFAULT)


def load_side(spec: str) -> tuple[str, dict[str, Any]]:
    """A side of the comparison: (its name, its resolved configuration); see the module
    docstring for what ``spec`` may be."""
    path = Path(spec)
    if spec == DEFAULT:
        return DEFAULT, composed([])
    if path.is_dir():
        return str(path), saved_config(path)
    name = scenario_name(spec)
    return name, composed([f"scenarios={name}"])
