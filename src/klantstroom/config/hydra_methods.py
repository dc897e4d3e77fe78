"""Hydra's internal methods that klantstroom hooks, found by name and checked by signature.

The hooks (:mod:`klantstroom.config.one_composition`, :mod:`klantstroom.config.group_listing`)
stand in for methods of hydra-core 1.3's internals. Each is looked up with :func:`original`,
which gives None when the method is missing or takes other parameters (another Hydra): the
hook is then not installed and Hydra runs as it is, correct, only slower. A hook keeps the
method it wraps as ``__wrapped__``, so looking it up again finds Hydra's own.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def parameters(function: Callable[..., Any]) -> list[str]:
    """The names of ``function``'s parameters, in order."""
    return list(inspect.signature(function).parameters)


def original(owner: type, name: str, expected: list[str]) -> Callable[..., Any] | None:
    """Hydra's ``owner.name`` (the original when hooked before), or None when it is missing or
    its parameters are not ``expected`` (another Hydra)."""
    method = getattr(owner, name, None)
    method = getattr(method, "__wrapped__", method)
    if method is None or parameters(method) != expected:
        return None
    return method
