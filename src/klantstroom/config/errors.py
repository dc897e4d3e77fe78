"""Readable messages for configuration keys that do not exist.

OmegaConf rejects a misspelt key while Hydra composes the config, naming the key; this module adds
where it came from (a YAML file or the command line), the keys that *are* allowed at that place in
the schema, and the closest match.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import types
import typing
from typing import Any

from klantstroom.config import schema

_KEY = re.compile(r"Key '([^']+)' (?:not in|is not in struct) '([^']+)'")
_FULL_KEY = re.compile(r"full_key: (\S+)")
_SOURCE = re.compile(r"In '([^']+)'")


def _schema_class(name: str) -> type | None:
    candidate = getattr(schema, name, None)
    return candidate if dataclasses.is_dataclass(candidate) else None  # type: ignore[return-value]


def explain_unknown_key(error: BaseException) -> str | None:
    """Return a message for an unknown-key error raised while composing, or None.

    Parameters
    ----------
    error : BaseException
        What Hydra's compose raised (``ConfigCompositionException``), with or without an
        OmegaConf error as its cause.
    """
    cause = error.__cause__
    if cause is not None and type(cause).__name__ not in ("ConfigKeyError", "ConfigAttributeError"):
        return None  # a wrong type or value: Hydra's own message says what is wrong
    full_key = getattr(cause, "full_key", None)
    object_type = getattr(cause, "object_type", None)
    key = getattr(cause, "key", None)
    text = str(error)
    if full_key is None:
        match, full = _KEY.search(text), _FULL_KEY.search(text)
        if match is None or full is None:
            return None
        key, object_type, full_key = match.group(1), _schema_class(match.group(2)), full.group(1)
    if (
        key is None
        or not isinstance(object_type, type)
        or not dataclasses.is_dataclass(object_type)
    ):
        return None
    source = _SOURCE.search(text)
    where = f"in {source.group(1)}.yaml" if source else "on the command line"
    return unknown_key_message(str(full_key), str(key), object_type, where)


def unknown_key_message(full_key: str, key: str, object_type: type, where: str) -> str:
    """The message for ``full_key`` (last part ``key``), which dataclass ``object_type`` of the
    schema does not have: where it came from, the allowed keys there and the closest match."""
    allowed = [f.name for f in dataclasses.fields(object_type)]
    parent = full_key.rsplit(".", 1)[0] if "." in full_key else ""
    lines = [
        f"unknown config key '{full_key}' ({where})",
        f"  allowed keys{f' under {parent!r}' if parent else ''}: {', '.join(allowed)}",
    ]
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        lines.append(f"  did you mean '{parent + '.' if parent else ''}{close[0]}'?")
    lines.append("  every key is documented in docs/configuration.md")
    return "\n".join(lines)


def _mapping_type(hint: Any) -> Any:
    """The dataclass or ``dict[...]`` type ``hint`` requires, without ``| None``; else None."""
    hint = _without_none(hint)
    if dataclasses.is_dataclass(hint) or typing.get_origin(hint) is dict:
        return hint
    return None


def _without_none(hint: Any) -> Any:
    """``X`` for ``X | None``; the hint itself otherwise (``Any`` for a union of several)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return options[0] if len(options) == 1 else Any
    return hint


def find_shape_mismatch(content: Any, hint: Any = None, path: str = "") -> tuple[str, str] | None:
    """The first key of a config file's ``content`` whose value is not the mapping the schema
    requires there, with the schema's name for it; None if there is none.

    OmegaConf reports such a file (``services: [a, b]``) without the key (``full_key`` is
    empty): this walks the file and the schema's dataclasses together to find it.
    """
    hint = schema.KlantstroomConfig if hint is None else hint
    if not isinstance(content, dict):
        return None
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        children = {key: hints.get(str(key)) for key in content}
    else:  # dict[str, X]: every entry is an X
        element = typing.get_args(hint)[1] if typing.get_args(hint) else None
        children = dict.fromkeys(content, element)
    for key, child in children.items():
        if not path and key in ("defaults", "hydra"):
            continue
        required = _mapping_type(child)
        if required is None:
            continue
        value = content[key]
        where = f"{path}.{key}" if path else str(key)
        if value is not None and not isinstance(value, dict):
            name = (
                getattr(required, "__name__", "mapping")
                if dataclasses.is_dataclass(required)
                else "mapping"
            )
            return where, f"{name} (key: value)"
        found = find_shape_mismatch(value, required, where)
        if found is not None:
            return found
    return None


@functools.cache
def _field_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def find_unknown_key(content: Any, hint: Any = None, path: str = "") -> tuple[str, str] | None:
    """The first key of a resolved configuration (plain dicts and lists) that the schema has no
    place for, and the message for it (:func:`unknown_key_message`); None if every key is known.

    Hydra's ``+key=value`` adds a key even where the schema has none, and a study writes its
    values into a configuration as data: this walks the values and the schema's dataclasses,
    ``dict[str, X]`` and ``list[X]`` together, as merging into the schema would, without building
    the schema's typed nodes (merging a municipality's configuration costs over a second).
    """
    hint = _without_none(schema.KlantstroomConfig if hint is None else hint)
    if isinstance(content, dict) and dataclasses.is_dataclass(hint):
        hints = _field_hints(hint)  # type: ignore[arg-type]
        for key, value in content.items():
            where = f"{path}.{key}" if path else str(key)
            if str(key) not in hints:
                return where, unknown_key_message(where, str(key), hint, "on the command line")  # type: ignore[arg-type]
            found = find_unknown_key(value, hints[str(key)], where)
            if found is not None:
                return found
    elif isinstance(content, dict) and typing.get_origin(hint) is dict:
        element = typing.get_args(hint)[1]
        for key, value in content.items():
            found = find_unknown_key(value, element, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    elif isinstance(content, list) and typing.get_origin(hint) is list:
        (element,) = typing.get_args(hint)
        for number, value in enumerate(content):
            found = find_unknown_key(value, element, f"{path}[{number}]")
            if found is not None:
                return found
    return None
