"""A study's values written into a composed configuration.

A study varies *parameters*: numbers of the configuration, each at one or more places (a value
a YAML anchor shares, such as Grootstad's population growth, is one parameter at every place it
is used). :func:`apply` writes a point's values into a copy of the composed configuration (a
plain dict, as :func:`omegaconf.OmegaConf.to_container` gives it), so each evaluation is built
from data and composed once, not once per point.

Shares that sum to one stay summing to one: when a parameter is one of a mapping's shares (a
channel mix), the mapping's other shares are scaled so that the whole stays 1.0. A study of the
phone's share then moves citizens to the other channels, as a channel shift would, instead of
making a mix that the scenario's checks refuse.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str, ...]
_SUM_TOLERANCE = 1e-6


class ChangeError(ValueError):
    """A key that is not a number of the configuration (the message names it)."""


@dataclass(frozen=True)
class Parameter:
    """A number a study varies, with its range.

    Attributes
    ----------
    name : str
        Its dotted key (the first place it is used): ``services.algemeen.handling.phone.mean_min``.
    paths : tuple of tuple of str
        Every place it is written (the first is ``name``'s); more than one for a YAML alias.
    base : float
        Its value in the composed configuration.
    low, high : float
        The range a study draws from.
    integer : bool
        Written as a whole number (a headcount, a number of attempts).
    source : str
        Where it and its range come from (a line of the municipality file, a parameters file).
    """

    name: str
    paths: tuple[Path, ...]
    base: float
    low: float
    high: float
    integer: bool = False
    source: str = ""

    def value(self, x: float) -> float:
        """The value written for ``x`` (rounded for a whole number)."""
        return float(round(x)) if self.integer else float(x)


def split_key(key: str) -> Path:
    """``"a.b.c"`` as a path (list positions are numbers: ``shifts.0.headcount``)."""
    return tuple(part for part in key.split(".") if part != "")


def _child(node: Any, part: str) -> tuple[bool, Any]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if str(key) == part:
                return True, value
        return False, None
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return True, node[int(part)]
    return False, None


def lookup(config: Mapping[str, Any], path: Path) -> Any:
    """The value at ``path``; raises :class:`ChangeError` naming the key when there is none."""
    node: Any = config
    for depth, part in enumerate(path):
        found, node = _child(node, part)
        if not found:
            raise ChangeError(f"{'.'.join(path[: depth + 1])}: no such key in the configuration")
    return node


def number_at(config: Mapping[str, Any], path: Path) -> float:
    """The number at ``path`` (raises :class:`ChangeError` for another kind of value)."""
    value = lookup(config, path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ChangeError(f"{'.'.join(path)}: {value!r} is not a number; a study varies numbers")
    return float(value)


def put(config: dict[str, Any], path: Path, value: Any) -> None:
    """Put ``value`` at ``path`` in place, as it is (a whole channel mix, a year's factors)."""
    _set(lookup(config, path[:-1]) if len(path) > 1 else config, path[-1], value)


def _set(node: Any, part: str, value: Any) -> None:
    if isinstance(node, list):
        node[int(part)] = value
        return
    for key in list(node):
        if str(key) == part:
            node[key] = value
            return
    raise ChangeError(f"{part}: no such key")


def _is_shares(mapping: Mapping[Any, Any]) -> bool:
    """True for a mapping of two or more shares in [0, 1] that sum to one (a channel mix)."""
    values = list(mapping.values())
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    return (
        len(numbers) == len(values) >= 2
        and all(0.0 <= float(v) <= 1.0 for v in numbers)
        and abs(sum(float(v) for v in numbers) - 1.0) < _SUM_TOLERANCE
    )


def is_share(config: Mapping[str, Any], path: Path) -> bool:
    """True when the value at ``path`` is one of a mapping's shares that sum to one."""
    try:
        parent = lookup(config, path[:-1]) if len(path) > 1 else config
    except ChangeError:
        return False
    return isinstance(parent, Mapping) and _is_shares(parent)


def write(config: dict[str, Any], path: Path, value: float) -> None:
    """Write ``value`` at ``path`` in place; a share's siblings are scaled to keep the sum 1."""
    parent: Any = lookup(config, path[:-1]) if len(path) > 1 else config
    old = number_at(config, path)
    if isinstance(parent, dict) and _is_shares(parent):
        value = min(max(value, 0.0), 1.0)
        rest = 1.0 - old
        others = [k for k in parent if str(k) != path[-1]]
        if rest > _SUM_TOLERANCE:
            scale = (1.0 - value) / rest
            for key in others:
                parent[key] = round(float(parent[key]) * scale, 9)
        else:  # the share was the whole mapping: the rest is split evenly
            for key in others:
                parent[key] = round((1.0 - value) / len(others), 9)
    _set(parent, path[-1], value)


def apply(
    config: Mapping[str, Any],
    parameters: Sequence[Parameter],
    values: Mapping[str, float],
) -> dict[str, Any]:
    """A copy of ``config`` with each parameter named in ``values`` set, at all its places.

    Raises
    ------
    ChangeError
        For a name that is not one of ``parameters``, or a value that is not finite.
    """
    by_name = {p.name: p for p in parameters}
    result = copy.deepcopy(dict(config))
    for name, x in values.items():
        parameter = by_name.get(name)
        if parameter is None:
            raise ChangeError(f"{name}: not a parameter of this study")
        if not math.isfinite(float(x)):
            raise ChangeError(f"{name}: {x!r} is not a finite number")
        value = parameter.value(float(x))
        for path in parameter.paths:
            written: float | int = int(value) if parameter.integer else value
            write(result, path, written)
    return result
