"""The values a municipality file marks "assumption", as a study's parameters with ranges.

The municipality files cite a source for each figure (``dm#N`` rows of domain.md, source keys)
and mark a guess with the word "assumption" in the line's comment. :func:`assumptions` reads the
file as YAML nodes, which keep their line numbers, and takes every number on a line whose comment
says "assumption":

* a number a YAML anchor shares (``&groei``, used by twelve services) is *one* parameter, written
  at every place its aliases put it (:class:`klantstroom.study.changes.Parameter`);
* its base value is the one in the composed configuration (a scenario may have changed it); a
  value the scenario removed is left out;
* its default range is the base value ± ``relative_range`` (25% unless the command says
  otherwise). For a factor (``year_factors``, ``month_factors``, ``weekday_factors``, a
  segment's ``handling_factor``) it is its distance from 1 ± ``relative_range``: the assumption
  is the growth or the peak (+0.8%, +35%), not the unit, so a factor of 1 has no range. A share
  or probability is kept within [0, 1] (one share of a mix that sums to one, such as a channel
  mix, at most halfway to 1: the others give way, none is emptied); a whole number (a headcount,
  a number of attempts) is rounded outward and kept at least 1; a value whose range rounds to a
  single number, or is 0, has no range and is left out.

Left out, because they do not describe how the municipality or its citizens behave:

* sections that do not change the simulation: ``run``, ``output``, ``report``, ``staffing``
  (the staffing search's settings), ``costs`` and ``norms``;
* the norms' own definitions: keys ending in ``_target``, ``_threshold_s`` or holding ``norm``
  (a norm is what is measured, not what happens);
* calendar factors of years and months the study's runs do not simulate
  (``year_factors.<year>``, ``month_factors.<mon>``), which cannot change their KPIs;
* a value that makes the scenario invalid at an end of its range, alone (a segment's share of a
  service, which must sum to one with the other segments'; a probability whose sum with another
  must stay below one): :func:`check_ranges` builds the scenario at both ends and says why.

:func:`assumptions` returns the parameters and, for every number it left out, why (the
command prints how many of each).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import yaml

from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.study.changes import (
    ChangeError,
    Parameter,
    Path,
    apply,
    is_share,
    lookup,
    number_at,
)

DEFAULT_RELATIVE_RANGE = 0.25
MARK = re.compile(r"\bassumption", re.IGNORECASE)
NOT_SIMULATED_SECTIONS = ("run", "output", "report", "staffing", "costs", "norms")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_SHARE_WORDS = ("probability", "share", "fcr", "_rate")


@dataclass(frozen=True)
class LeftOut:
    """A number marked "assumption" that is not a parameter, and why."""

    key: str
    line: int
    reason: str


def _comment(line: str) -> str:
    """The comment of a YAML line (after a ``#`` that follows a space or starts the line)."""
    match = re.search(r"(^|\s)#(.*)$", line)
    return match.group(2) if match else ""


def _walk(node: yaml.Node, path: Path, seen: dict[int, list[Path]], nodes: dict[int, Any]) -> None:
    """Record every scalar node's paths (a node reached through aliases gets several)."""
    if isinstance(node, yaml.ScalarNode):
        seen.setdefault(id(node), []).append(path)
        nodes[id(node)] = node
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, str(index)), seen, nodes)
        return
    if isinstance(node, yaml.MappingNode):
        explicit = {str(key.value) for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge"}
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":  # <<: *anchor — its keys, unless set here
                merged = value.value if isinstance(value, yaml.SequenceNode) else [value]
                for source in merged:
                    for inner_key, inner_value in source.value:
                        if str(inner_key.value) not in explicit:
                            _walk(inner_value, (*path, str(inner_key.value)), seen, nodes)
            else:
                _walk(value, (*path, str(key.value)), seen, nodes)


def _why_left_out(path: Path, years: set[int], months: set[str]) -> str | None:
    if path[0] in NOT_SIMULATED_SECTIONS:
        return f"the {path[0]} section does not change what is simulated"
    last = path[-1]
    if any("norm" in part for part in path) or last.endswith(("_target", "_threshold_s")):
        return "a norm's definition: what is measured, not what happens"
    if len(path) >= 2 and path[-2] == "year_factors" and last.isdigit() and int(last) not in years:
        return f"the year {last} is not simulated"
    if len(path) >= 2 and path[-2] == "month_factors" and last in MONTHS and last not in months:
        return f"the month {last} is not simulated"
    return None


def simulated_calendar(start: dt.date, days: float) -> tuple[set[int], set[str]]:
    """The years and months (``jan`` ...) of ``days`` days from ``start``."""
    dates = [start + dt.timedelta(days=d) for d in range(max(1, int(days + 0.999)))]
    return {d.year for d in dates}, {MONTHS[d.month - 1] for d in dates}


def is_factor(path: Path) -> bool:
    """A multiplier around 1: a year, month, weekday or date factor, a segment's handling or
    patience factor (``..._factors.<key>``, ``..._factor``)."""
    return path[-1].endswith("_factor") or (len(path) >= 2 and path[-2].endswith("_factors"))


def default_range(
    config: Mapping[str, Any], path: Path, base: float, integer: bool, relative: float
) -> tuple[float, float] | None:
    """The documented default range of a value: ± ``relative``; for a factor, its distance from 1
    ± ``relative``; probabilities and shares in [0, 1], a share of a mix at most halfway to 1;
    whole numbers rounded outward and at least 1; None when it has no width."""
    low, high = base * (1.0 - relative), base * (1.0 + relative)
    if base < 0:
        low, high = high, low
    if is_factor(path):
        # A factor's assumption is how far it is from 1 (+0.8% growth, the May peak's +35%):
        # that deviation varies, and a factor of 1 is the unit the volumes are given in.
        low, high = 1.0 + (base - 1.0) * (1.0 - relative), 1.0 + (base - 1.0) * (1.0 + relative)
        low, high = min(low, high), max(low, high)
    elif is_share(config, path):
        # One share of a mix that sums to one (a channel mix): the others give way, but none
        # is emptied (a channel at 0 would drop out, and its switches and skills with it).
        low, high = max(low, 0.0), min(high, (1.0 + base) / 2.0)
    elif 0.0 <= base <= 1.0 and any(w in part for part in path for w in _SHARE_WORDS):
        low, high = max(low, 0.0), min(high, 1.0)
    if integer:  # outward, so that a small count still moves (2 -> 1 to 3)
        low, high = float(max(1, math.floor(low))), float(max(1, math.ceil(high)))
    if not high > low:
        return None
    return round(low, 9), round(high, 9)


def check_ranges(
    parameters: Sequence[Parameter], config: Mapping[str, Any]
) -> tuple[list[Parameter], list[tuple[Parameter, str]]]:
    """The parameters whose scenario is valid at both ends of the range, and the others with the
    first error. Building a scenario from data takes milliseconds (the schema was checked once,
    on the composed configuration, and a point changes only numbers that are there)."""
    kept: list[Parameter] = []
    invalid: list[tuple[Parameter, str]] = []
    for parameter in parameters:
        problem = None
        for end, value in (("low", parameter.low), ("high", parameter.high)):
            try:
                build_scenario(apply(config, [parameter], {parameter.name: value}))
            except ScenarioErrors as errors:
                first = errors.errors[0]
                problem = f"at its {end} end ({value:g}) the scenario is invalid: {first}"
                break
        if problem is None:
            kept.append(parameter)
        else:
            invalid.append((parameter, problem))
    return kept, invalid


@dataclass(frozen=True)
class Marked:
    """A number on a line whose comment says "assumption": every place it is used (an anchored
    value's aliases too) and its line (from 1)."""

    paths: tuple[Path, ...]
    line: int
    anchor: str = ""  # "&groei" when the line defines the anchor the aliases repeat


def marked_numbers(text: str) -> list[Marked]:
    """The numbers of a YAML text that sit on a line whose comment says "assumption"."""
    lines = text.splitlines()
    marked = {number for number, line in enumerate(lines) if MARK.search(_comment(line))}
    seen: dict[int, list[Path]] = {}
    nodes: dict[int, Any] = {}
    _walk(yaml.compose(text, Loader=yaml.SafeLoader), (), seen, nodes)
    result = []
    for node_id, paths in seen.items():
        node = nodes[node_id]
        if node.start_mark.line in marked and node.tag in _NUMBER_TAGS:
            anchor = re.search(r"&[\w-]+", lines[node.start_mark.line])
            result.append(
                Marked(tuple(paths), node.start_mark.line + 1, anchor.group(0) if anchor else "")
            )
    return result


def assumptions(
    municipality_file: FilePath,
    config: Mapping[str, Any],
    *,
    years: Iterable[int],
    months: Iterable[str],
    relative_range: float = DEFAULT_RELATIVE_RANGE,
) -> tuple[list[Parameter], list[LeftOut]]:
    """Every number marked "assumption" in ``municipality_file`` as a parameter of ``config``.

    Parameters
    ----------
    municipality_file : Path
        ``conf/municipality/<name>.yaml`` (a ``# @package _global_`` file: its keys are the
        configuration's).
    config : mapping
        The composed configuration (plain containers), which gives each value its base.
    years, months : iterable
        The calendar years and months (``jan`` ...) the study's runs simulate.
    relative_range : float
        The default range, a share of the base value either side.

    Returns
    -------
    (list of Parameter, list of LeftOut)
        In the file's order.
    """
    year_set, month_set = set(years), set(months)
    parameters: list[Parameter] = []
    left_out: list[LeftOut] = []
    lines: dict[str, int] = {}
    for marked_number in marked_numbers(municipality_file.read_text(encoding="utf-8")):
        paths, line = marked_number.paths, marked_number.line
        key = ".".join(paths[0])
        reasons = [_why_left_out(path, year_set, month_set) for path in paths]
        if all(reasons):
            left_out.append(LeftOut(key, line, str(reasons[0])))
            continue
        live = [path for path, reason in zip(paths, reasons, strict=True) if reason is None]
        try:
            base = number_at(config, live[0])
        except ChangeError:
            left_out.append(LeftOut(key, line, "not in the composed configuration"))
            continue
        # Whole where the schema says so (a headcount), not where the file happens to write 480.
        integer = isinstance(lookup(config, live[0]), int)
        bounds = default_range(config, live[0], base, integer, relative_range)
        if bounds is None:
            left_out.append(LeftOut(key, line, f"{base:g} has no range to vary"))
            continue
        parameters.append(
            Parameter(
                name=".".join(live[0]),
                paths=tuple(live),
                base=base,
                low=bounds[0],
                high=bounds[1],
                integer=integer,
                source=f"{municipality_file.name}:{line}"
                + (f" ({marked_number.anchor}, {len(live)} places)" if len(live) > 1 else ""),
            )
        )
        lines[parameters[-1].name] = line
    kept, invalid = check_ranges(parameters, config)
    return kept, left_out + [LeftOut(p.name, lines[p.name], why) for p, why in invalid]
