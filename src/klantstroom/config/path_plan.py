"""A road-map path: which organisation is simulated over which dates, as plain data.

A road map is a series of organisations, each in force from its date: the nulmeting from
2027-01-04, jaar 1 from 2028-01-03, and so on (``scenarios/routekaart.yaml``). A *path* runs them
one after the other over the calendar, so that a planner sees the four years month by month,
with each step on its date (also in the middle of a year) and the training plan's cohorts
learning across the years, rather than five separate snapshot years.

The path is given in a scenario overlay's ``path`` block::

    path:
      label: "Routekaart 2027-2031"
      steps:
        - {scenarios: nulmeting, from_date: "2027-01-04"}
        - {scenarios: jaar1, from_date: "2028-01-03"}
      until_date: "2029-01-01"     # the day after the last day simulated
      from_date: null              # or a later first day: a chosen stretch of the path

:func:`plan_path` turns it into :class:`Stretch` es: for each step in force between
``from_date`` and ``until_date``, the overrides that compose that step's configuration (its
scenario overlays in place of the path's own, the command line's other overrides, and the
stretch's ``calendar.start_date`` and ``run.horizon_days``). Nothing here composes or simulates;
:mod:`klantstroom.path_runner` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from klantstroom.config.overrides import override_key
from klantstroom.scenario.errors import ScenarioError, ScenarioErrors

# Set per stretch by the path; on the command line they would contradict it.
PATH_SET_KEYS = ("calendar.start_date", "run.horizon_days", "run.every_month")


@dataclass(frozen=True)
class Stretch:
    """One step of the path over the days it is in force.

    Attributes
    ----------
    number : int
        Its place on the path (0 first).
    scenarios : tuple of str
        The scenario overlays of its configuration, in order (the step's, then the command
        line's other overlays, such as a what-if).
    start : datetime.date
        Its first day.
    days : int
        Days simulated (to the next step's date or the path's end).
    overrides : tuple of str
        Everything that composes its configuration, as on the command line.
    recorded : tuple of str
        The overrides its run folder records (``.hydra/overrides.yaml``): ``overrides`` without
        the dates the path sets (its ``run.json`` has those).
    """

    number: int
    scenarios: tuple[str, ...]
    start: dt.date
    days: int
    overrides: tuple[str, ...]
    recorded: tuple[str, ...]

    @property
    def end(self) -> dt.date:
        """The day after its last day."""
        return self.start + dt.timedelta(days=self.days)

    @property
    def folder_name(self) -> str:
        """Its run folder inside the path's: ``1-jaar1`` (stretches sort by number)."""
        return f"{self.number}-{'+'.join(self.scenarios).replace('/', '_')}"


def _date(value: Any, key: str, errors: list[ScenarioError]) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.append(ScenarioError(key, f"must be a date YYYY-MM-DD, got {value!r}"))
        return None


def _names(value: Any) -> list[str] | None:
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    if isinstance(value, Sequence) and value and all(isinstance(v, str) and v for v in value):
        return [str(v).strip() for v in value]
    return None


def _overlay(name: str, scenarios_dir: Path) -> dict[str, Any]:
    """The top level of ``scenarios/<name>.yaml`` (empty when it cannot be read: composing
    reads it too, and reports what is wrong with it)."""
    try:
        data = yaml.safe_load((scenarios_dir / f"{name}.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def overlay_has_path(name: str, scenarios_dir: Path) -> bool:
    """Whether ``scenarios/<name>.yaml`` defines a path (a ``path`` block with steps)."""
    path = _overlay(name, scenarios_dir).get("path")
    return isinstance(path, dict) and bool(path.get("steps"))


def path_file_problems(name: str, scenarios_dir: Path) -> list[ScenarioError]:
    """Keys of a path's file that its stretches would not take: only ``path`` and defaults.

    The stretches are composed from their steps' overlays, not from the path's file, so any
    other key there would be silently ignored; the command line's overrides do reach them.
    """
    file = scenarios_dir / f"{name}.yaml"
    extra = sorted(str(k) for k in _overlay(name, scenarios_dir) if k not in ("path", "defaults"))
    if not extra:
        return []
    return [
        ScenarioError(
            f"{file.name}: {key}",
            "a path's file holds only its path (and defaults): each stretch is composed from "
            "its step's scenario and the command line, so set this in a step's scenario file "
            f"or on the command line ({key}=...)",
        )
        for key in extra
    ]


def _scenarios_override(overrides: Sequence[str]) -> tuple[int, list[str]]:
    """Where the ``scenarios=`` override is and the overlays it names."""
    for index, override in enumerate(overrides):
        key, _, value = override.partition("=")
        if key.lstrip("+") == "scenarios":
            value = value.strip()
            if value.startswith("[") and value.endswith("]"):
                value = value[1:-1]
            return index, [v.strip() for v in value.split(",") if v.strip()]
    return -1, []


def plan_path(
    path: Mapping[str, Any],
    overrides: Sequence[str],
    scenarios_dir: Path,
) -> list[Stretch]:
    """The stretches of ``path``, each with the overrides that compose its configuration.

    Parameters
    ----------
    path : mapping
        The composed ``path`` block (:class:`~klantstroom.config.schema.PathConfig`).
    overrides : sequence of str
        The command line's overrides (Hydra's task overrides), ``scenarios=`` among them.
    scenarios_dir : Path
        The folder of the scenario overlays, to check the steps' names.

    Raises
    ------
    ScenarioErrors
        Naming ``path.steps[i].<key>``, ``path.from_date``, ``path.until_date`` or the override
        that cannot be combined with a path, and what is allowed.
    """
    errors: list[ScenarioError] = []
    steps = list(path.get("steps") or [])
    parsed: list[tuple[list[str], dt.date]] = []
    for i, step in enumerate(steps):
        key = f"path.steps[{i}]"
        if not isinstance(step, Mapping):
            errors.append(ScenarioError(key, "must be a mapping {scenarios: ..., from_date: ...}"))
            continue
        names = _names(step.get("scenarios"))
        if names is None:
            errors.append(
                ScenarioError(
                    f"{key}.scenarios",
                    "must name a scenario overlay or a list of them (scenarios/<name>.yaml), "
                    f"got {step.get('scenarios')!r}",
                )
            )
        else:
            for name in names:
                if not (scenarios_dir / f"{name}.yaml").is_file():
                    available = sorted(
                        p.relative_to(scenarios_dir).with_suffix("").as_posix()
                        for p in scenarios_dir.rglob("*.yaml")
                        if not overlay_has_path(
                            p.relative_to(scenarios_dir).with_suffix("").as_posix(),
                            scenarios_dir,
                        )
                    )
                    errors.append(
                        ScenarioError(
                            f"{key}.scenarios",
                            f"no scenario {name!r} in {scenarios_dir}; available: "
                            + ", ".join(available),
                        )
                    )
                elif overlay_has_path(name, scenarios_dir):
                    errors.append(
                        ScenarioError(f"{key}.scenarios", f"{name!r} is a path itself, not a step")
                    )
        start = _date(step.get("from_date"), f"{key}.from_date", errors)
        if names is not None and start is not None:
            parsed.append((names, start))
    if not steps:
        errors.append(ScenarioError("path.steps", "a path needs at least one step"))
    for (_, before), (_, after), i in zip(parsed, parsed[1:], range(1, len(parsed)), strict=False):
        if after <= before:
            errors.append(
                ScenarioError(
                    f"path.steps[{i}].from_date",
                    f"steps must be in date order: {after} is not after {before}",
                )
            )
    until = (
        _date(path.get("until_date"), "path.until_date", errors) if path.get("until_date") else None
    )
    if until is None and not any(e.key == "path.until_date" for e in errors):
        errors.append(
            ScenarioError("path.until_date", "set the day after the path's last day (YYYY-MM-DD)")
        )
    first = None
    if path.get("from_date") not in (None, ""):
        first = _date(path.get("from_date"), "path.from_date", errors)
    for override in overrides:
        key = override_key(override)
        if key in PATH_SET_KEYS:
            errors.append(
                ScenarioError(
                    key,
                    "a path sets each stretch's dates from its steps: choose the stretch with "
                    "path.from_date and path.until_date instead",
                )
            )
    if errors:
        raise ScenarioErrors(errors)
    assert until is not None
    first = first or parsed[0][1]
    if not parsed[0][1] <= first < until:
        raise ScenarioErrors(
            [
                ScenarioError(
                    "path.from_date" if path.get("from_date") else "path.until_date",
                    f"the path runs from {first} to {until}: the first day must be on or after "
                    f"the first step ({parsed[0][1]}) and before path.until_date",
                )
            ]
        )
    where, given = _scenarios_override(overrides)
    others = [name for name in given if not overlay_has_path(name, scenarios_dir)]
    problems = [
        problem
        for name in given
        if overlay_has_path(name, scenarios_dir)
        for problem in path_file_problems(name, scenarios_dir)
    ]
    if problems:
        raise ScenarioErrors(problems)
    base = [
        o
        for k, o in enumerate(overrides)
        if k != where and not override_key(o).startswith("path.") and override_key(o) != "path"
    ]
    stretches: list[Stretch] = []
    bounds = [start for _, start in parsed[1:]] + [until]
    for (names, start), end in zip(parsed, bounds, strict=True):
        start, end = max(start, first), min(end, until)
        if end <= start:
            continue  # before the chosen first day, or after the end
        scenarios = tuple(names + others)
        chosen = f"scenarios=[{','.join(scenarios)}]"
        dates = (
            f"calendar.start_date={start.isoformat()}",
            f"run.horizon_days={(end - start).days}",
        )
        every = "run.every_month=true"  # its slivers of months pool with the next stretch's
        stretches.append(
            Stretch(
                number=len(stretches),
                scenarios=scenarios,
                start=start,
                days=(end - start).days,
                overrides=(chosen, *base, *dates, every),
                recorded=(chosen, *base),
            )
        )
    return stretches
