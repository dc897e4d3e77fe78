"""The gate every configuration file passes before Hydra uses it: config files are data.

Hydra composes a run in this order (hydra-core 1.3, ``hydra/_internal/hydra.py``): it loads the
primary config and every file of its defaults list (municipality, scenario overlays, the files
*their* defaults lists name) through the config source of the file's search-path entry, merges
them, and only then configures logging, instantiates ``hydra.callbacks``, creates the output folder
and calls klantstroom. The earliest point that sees every file, whichever way it was found
(``conf/``, ``scenarios/``, ``--config-dir``, ``hydra.searchpath=...``), is therefore the config
source of the ``file://`` scheme: :class:`GatedFileConfigSource` replaces Hydra's own and checks
each file with :func:`~klantstroom.config.file_rules.config_file_problems` right after it is read
as YAML. A refused file stops the composition, so nothing runs and nothing is written.

Only files are data: what the user types on the command line (``hydra.run.dir=...``, ``-m``,
``hydra.searchpath=[...]``) is theirs to decide and passes. klantstroom's own primary configs
(``conf/config.yaml``, ``conf/staff.yaml``), which set Hydra's output folders and the road-map
callback, are trusted; so is the temporary primary config ``klantstroom-replay`` writes after
checking the saved configuration it wraps (:func:`trust`).

The gate also replaces OmegaConf's ``oc.env`` resolver with one that refuses: klantstroom never
reads environment variables from its configuration, so their values cannot reach ``run.json`` or a
report by way of a command-line override either.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml
from hydra._internal.core_plugins.file_config_source import FileConfigSource
from hydra.errors import CompactHydraException
from hydra.plugins.config_source import ConfigLoadError, ConfigResult, ConfigSource
from omegaconf import OmegaConf

from klantstroom.config.file_rules import config_file_problems
from klantstroom.config.yaml_text import omegaconf_document
from klantstroom.paths import conf_dir

_TRUSTED: set[str] = set()
_EXIT_ON_REFUSAL = False


class ConfigFileRefused(CompactHydraException):
    """A configuration file holds something that would act instead of being data."""


def _shown(path: str) -> str:
    """The file as the user knows it: relative to the working directory when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def refusal_message(path: str, problems: list[tuple[str, str]]) -> str:
    """One line per problem: ``<file>: <key>: <reason>``."""
    return "\n".join(f"{_shown(path)}: {key}: {reason}" for key, reason in problems)


def refuse(path: str, problems: list[tuple[str, str]], command: str = "klantstroom") -> NoReturn:
    """Stop: exit 2 with the message (the command line) or raise :class:`ConfigFileRefused`."""
    message = refusal_message(path, problems)
    if _EXIT_ON_REFUSAL:
        # Hydra would print any exception with a stack-trace hint and exit 1; a configuration
        # error in klantstroom is one line per problem and exit code 2. SystemExit also passes
        # through Hydra's `except Exception` around a composition (its run_and_report).
        print("\n".join(f"{command}: {line}" for line in message.splitlines()), file=sys.stderr)
        raise SystemExit(2)
    raise ConfigFileRefused(message)


class GatedFileConfigSource(FileConfigSource):
    """Hydra's ``file://`` config source, refusing files that are not plain data."""

    def load_config(self, config_path: str) -> ConfigResult:
        """Load the file as YAML (as Hydra does), then check it before Hydra may use it."""
        full_path = os.path.realpath(
            os.path.join(self.path, self._normalize_file_name(config_path))
        )
        try:
            result = self._read(full_path)
        except yaml.YAMLError as error:
            # Hydra would show the YAML parser's stack; the user needs the file, line and column.
            refuse(full_path, [yaml_problem(error)])
        except UnicodeDecodeError:
            refuse(full_path, [("file", "not UTF-8 text")])
        if full_path not in _TRUSTED and full_path not in _own_files():
            content: Any = OmegaConf.to_container(result.config, resolve=False)
            problems = config_file_problems(content, result.header, config_path)
            if problems:
                refuse(full_path, problems)
        return result

    def _read(self, full_path: str) -> ConfigResult:
        """Hydra's ``FileConfigSource.load_config`` (hydra-core 1.3), the text parsed once per
        process (:mod:`klantstroom.config.yaml_text`): the same config, the header from the
        first 512 characters."""
        if not os.path.exists(full_path):
            raise ConfigLoadError(f"Config not found : {full_path}")
        with open(full_path, encoding="utf-8") as f:
            text = f.read()
        header = ConfigSource._get_header_dict(text[:512])
        document = omegaconf_document(text)
        if document is not None and not isinstance(document, (list, dict, str)):
            raise OSError(f"Invalid loaded object type: {type(document).__name__}")
        config = OmegaConf.create() if document is None else OmegaConf.create(document)
        return ConfigResult(
            config=config,
            path=f"{self.scheme()}://{self.path}",
            provider=self.provider,
            header=header,
        )


def yaml_problem(error: yaml.YAMLError) -> tuple[str, str]:
    """Where a YAML file fails to parse (line and column, from 1) and why, as a problem."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "YAML"
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    return where, f"not valid YAML: {problem}" + (f" ({context})" if context else "")


@cache
def _own_files() -> frozenset[str]:
    """klantstroom's own primary configs, trusted wherever the gate runs (a launcher's worker
    gets the gate with Hydra's state, not the parent's calls to :func:`trust`)."""
    return frozenset(os.path.realpath(conf_dir() / name) for name in ("config.yaml", "staff.yaml"))


def trust(path: Path) -> None:
    """Let the primary config at ``path`` set Hydra's settings (it is klantstroom's own)."""
    _TRUSTED.add(os.path.realpath(path))


def _no_environment(*_args: Any) -> Any:
    raise ValueError(
        "oc.env is switched off: klantstroom's configuration never reads environment variables; "
        "write the value itself"
    )


# Hydra's SourcesRegistry tells sources apart by class *name*: re-registering a class of the same
# name keeps the one registered. A launcher's worker (hydra/launcher=joblib, submitit) restores
# the parent's registry, with the gate in it, and then runs plugin discovery again, which
# registers Hydra's FileConfigSource once more; under its own name the gate would make that an
# error ("file is already registered with a different class") and every job would fail. Named
# like Hydra's class, the gate stays in place in the worker too. Pickling finds the class by its
# __qualname__, which keeps the gate's own name.
GatedFileConfigSource.__name__ = FileConfigSource.__name__


def install(exit_on_refusal: bool = False) -> None:
    """Put the gate in front of Hydra's file loading and switch ``oc.env`` off.

    Parameters
    ----------
    exit_on_refusal : bool, default False
        True for the command line: a refused file prints its problems and exits with code 2.
        False (notebooks, the compose API): :class:`ConfigFileRefused` is raised.
    """
    global _EXIT_ON_REFUSAL
    from hydra._internal.sources_registry import SourcesRegistry
    from hydra.core.plugins import Plugins

    _EXIT_ON_REFUSAL = exit_on_refusal
    # Hydra registers its FileConfigSource while discovering plugins and will not let another
    # class register the same scheme, so the gate takes its place once discovery has run.
    Plugins.instance()
    SourcesRegistry.instance().types[FileConfigSource.scheme()] = GatedFileConfigSource
    OmegaConf.register_new_resolver("oc.env", _no_environment, replace=True)


def check_sweep_files(argv: list[str], config_name: str) -> None:
    """Load the files of every job of a multirun once, so a refused file stops it before it
    starts.

    A sweep over scenarios (``-m scenarios=a,b``) loads each overlay only when its job is
    composed, after Hydra has made the sweep folder and written ``multirun.yaml`` into it. Going
    through the jobs' overrides here first, the way Hydra's basic sweeper splits them, makes the
    gate refuse before anything is written. Each job's defaults list is enough: building it
    loads every file the job's composition would (each file's own defaults list is read from
    it) without merging them, the larger part of a composition's cost (a sweep over two
    road-map years: 1.4 s here against 4.0 s composing them); Hydra composes every job again
    before launching, and then to run it. Anything else that goes wrong is left to Hydra, whose
    own composition reports it as usual (and the gate still stands in front of every file).

    Parameters
    ----------
    argv : list of str
        The command-line arguments (without the program name).
    config_name : str
        The primary config's name when ``--config-name`` is not given.
    """
    from hydra._internal.config_loader_impl import ConfigLoaderImpl
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra._internal.utils import create_config_search_path, get_args_parser
    from hydra.core.config_search_path import SearchPathQuery
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.types import RunMode

    try:
        args = get_args_parser().parse_args(argv)
        if not args.multirun:
            return
        search_path = create_config_search_path(str(conf_dir()))
        if args.config_dir is not None:
            search_path.prepend(
                provider="command-line",
                path=f"file://{os.path.abspath(args.config_dir)}",
                anchor=SearchPathQuery(provider="schema"),
            )
        loader = ConfigLoaderImpl(config_search_path=search_path)
        parsed = OverridesParser.create().parse_overrides(args.overrides)
        jobs = [job for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]
    except (Exception, SystemExit):  # argparse exits on bad flags; Hydra will say why
        return
    for job in jobs:
        try:
            loader.compute_defaults_list(args.config_name or config_name, job, RunMode.RUN)
        except ConfigFileRefused:
            raise
        except Exception:
            return
