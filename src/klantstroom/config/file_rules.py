"""What a configuration *file* may contain: data for klantstroom's schema, nothing that acts.

A scenario or municipality file is often shared (by e-mail, in a workshop folder, written by
``klantstroom-calibrate`` from someone's log). Hydra would otherwise act on parts of it before
klantstroom sees a single value: it instantiates ``hydra.callbacks`` (any ``_target_``), runs
logging handler factories (``()``), moves the output folder (``hydra.run.dir``) and resolves
``${oc.env:...}`` and other resolvers. The rules here find those parts in a loaded YAML file; the
gate in :mod:`klantstroom.config.gate` applies them to every file Hydra loads, before it merges it.

Allowed: any key and value of klantstroom's schema (the schema itself is enforced when Hydra
merges), comments, a ``defaults`` list choosing klantstroom's own config groups, and
interpolations that refer to another key of the configuration (``${params.servers}``,
``${..label}``). Refused, each with the key where it stands:

* a ``hydra`` section (Hydra's own settings: callbacks, logging, output folders, search path),
  a file in the ``hydra/`` config group, a ``defaults`` entry that selects a Hydra group or puts
  a config into the ``hydra`` package;
* ``_target_`` and the other keys of ``hydra.utils.instantiate`` (``_args_``, ``_partial_``,
  ``_recursive_``, ``_convert_``), and logging's factory key ``()``;
* interpolations that call a resolver (``${oc.env:HOME}``, ``${oc.decode:...}``, ``${now:...}``,
  ``${hydra:...}``, any ``${name:...}``) or refer into Hydra's settings (``${hydra.runtime...}``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from omegaconf.errors import GrammarParseError
from omegaconf.grammar.gen.OmegaConfGrammarParser import OmegaConfGrammarParser
from omegaconf.grammar_parser import parse

# The keys hydra.utils.instantiate acts on, and the factory key of logging.config.dictConfig.
ACTING_KEYS = ("_target_", "_args_", "_partial_", "_recursive_", "_convert_", "()")

_HINT_HYDRA = (
    "a config file cannot set Hydra's own settings (callbacks, logging, output folders, search "
    "path); give them on the command line, e.g. hydra.run.dir=..."
)


def _global_prefix(package: str) -> list[str]:
    """The key path a config's keys end up under, from its (final) package."""
    parts = [part for part in package.split(".") if part]
    if parts and parts[0] == "_global_":
        parts = parts[1:]
    return parts


def _default_package(config_path: str) -> str:
    """Hydra's default package: the config's group, dotted (``a/b/name`` -> ``a.b``)."""
    group = config_path.rsplit("/", 1)[0] if "/" in config_path else ""
    return group.replace("/", ".")


def _dotted(path: list[str]) -> str:
    return ".".join(path) or "<top level>"


def _interpolation_problems(value: str) -> Iterator[str]:
    """Why the interpolations in ``value`` are not plain references, if they are not."""
    try:
        tree = parse(value)
    except GrammarParseError:
        yield "not a valid interpolation (write \\${ for a literal ${)"
        return
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, OmegaConfGrammarParser.InterpolationResolverContext):
            name = node.resolverName().getText()
            yield (
                f"the resolver ${{{name}:...}} is not allowed in a config file: only references "
                "to other keys (${a.b}) are; a config file never reads the environment or runs code"
            )
        elif isinstance(node, OmegaConfGrammarParser.InterpolationNodeContext):
            target = node.getText()[2:-1].lstrip(".")
            if target.split(".", 1)[0].split("[", 1)[0] == "hydra":
                yield f"{node.getText()} refers to Hydra's settings; refer to klantstroom's keys"
        stack.extend(getattr(node, "children", None) or ())  # terminals have none


def _defaults_problems(entries: Any, key: list[str]) -> Iterator[tuple[str, str]]:
    """Entries of a ``defaults`` list that reach into Hydra's own config groups or package."""
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        names = [str(k) for k in entry] if isinstance(entry, Mapping) else [str(entry)]
        for name in names:
            words = name.split()
            target = words[-1] if words else ""
            group, _, package = target.partition("@")
            group = group.lstrip("/")
            where = f"{_dotted(key)}[{index}]"
            if group == "hydra" or group.startswith("hydra/"):
                yield where, f"selects Hydra's config group {group!r}; {_HINT_HYDRA}"
            elif package and _global_prefix(package)[:1] == ["hydra"]:
                yield where, f"puts a config into Hydra's package {package!r}; {_HINT_HYDRA}"


def config_file_problems(
    content: Any, header: Mapping[str, Any] | None = None, config_path: str = ""
) -> list[tuple[str, str]]:
    """List what a loaded config file may not contain, as (key, reason) pairs.

    Parameters
    ----------
    content : object
        The file's content as plain containers (``OmegaConf.to_container(cfg, resolve=False)``
        or ``yaml.safe_load``).
    header : mapping, optional
        The file's header (``# @package ...``), as Hydra parses it.
    config_path : str, optional
        The config's path in Hydra's search path (``scenarios/x``, ``municipality/y``): its
        group decides the default package and whether it is one of Hydra's own groups.

    Returns
    -------
    list of (str, str)
        The full key (as it would appear in the composed config) and what is wrong; empty if
        the file is plain data.
    """
    problems: list[tuple[str, str]] = []
    if config_path == "hydra" or config_path.startswith("hydra/"):
        problems.append((config_path, f"a file in Hydra's config group; {_HINT_HYDRA}"))
    package = (header or {}).get("package") or _default_package(config_path)
    prefix = _global_prefix(str(package))
    if prefix[:1] == ["hydra"]:
        problems.append((_dotted(prefix), f"a file in Hydra's package; {_HINT_HYDRA}"))
        return problems

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, Mapping):
            for raw_key, value in node.items():
                name = str(raw_key)
                here = [*path, name]
                if here[:1] == ["hydra"]:
                    # Name what it tries to set (hydra.callbacks, hydra.run, ...), not just hydra.
                    inner = [[*here, str(k)] for k in value] if isinstance(value, Mapping) else []
                    problems.extend((_dotted(key), _HINT_HYDRA) for key in inner or [here])
                    continue
                if name in ACTING_KEYS:
                    problems.append(
                        (
                            _dotted(here),
                            f"{name!r} would make Hydra import and run code; a config file holds "
                            "data only",
                        )
                    )
                    continue
                walk(value, here)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, [*path[:-1], f"{path[-1]}[{index}]"] if path else [f"[{index}]"])
        elif isinstance(node, str) and "${" in node:
            problems.extend((_dotted(path), reason) for reason in _interpolation_problems(node))

    if isinstance(content, Mapping) and "defaults" in content:
        problems.extend(_defaults_problems(content["defaults"], ["defaults"]))
        content = {k: v for k, v in content.items() if k != "defaults"}
    walk(content, prefix)
    return problems
