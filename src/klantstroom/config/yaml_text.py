"""YAML text parsed by libyaml where PyYAML has it: the same documents, several times faster.

PyYAML's ``SafeLoader``, and OmegaConf's loader built on it, scan and parse in pure Python.
Grootstad's configuration (1,200 lines) takes 0.18 s that way and 0.02 s on libyaml's parser,
a run's saved configuration (3,800 lines) 0.29 s and 0.04 s; a road-map year's composition
reads 13 files, a comparison or a replay reads the saved configurations again. Only the parser
changes: which scalar becomes a number, a date or a string is decided by the same resolver and
constructor classes as before (OmegaConf's for configuration files: its float syntax, no
timestamps, duplicate keys refused).

A document libyaml refuses is parsed again by the pure-Python parser, which reports the error
as before (its message, line and column) or, should it accept the text, gives the document.
Without libyaml (a PyYAML built without it) the pure-Python loaders are used.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml


@cache
def _omegaconf_loader() -> type:
    """OmegaConf's loader class (a new class per call in OmegaConf: built once here)."""
    from omegaconf._utils import get_yaml_loader  # here: safe_load needs no OmegaConf

    loader: type = get_yaml_loader()
    return loader


@cache
def _fast_omegaconf_loader() -> type | None:
    """OmegaConf's loader on libyaml's parser, or None without libyaml."""
    if not getattr(yaml, "__with_libyaml__", False):
        return None
    from yaml.constructor import SafeConstructor
    from yaml.cyaml import CParser
    from yaml.resolver import Resolver

    base = _omegaconf_loader()

    # CParser first: it composes the nodes (in place of the pure-Python reader, scanner, parser
    # and composer); resolving and constructing are OmegaConf's loader's, by inheritance.
    class FastOmegaConfLoader(CParser, base):  # type: ignore[valid-type,misc]
        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return FastOmegaConfLoader


def _load(text: str, fast: type | None, slow: type) -> Any:
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)
        except yaml.YAMLError:
            pass  # the pure-Python parser says why, as it always has
    return yaml.load(text, Loader=slow)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, on libyaml's parser where PyYAML has it."""
    fast = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else None
    return _load(text, fast, yaml.SafeLoader)


def omegaconf_document(text: str) -> Any:
    """What ``OmegaConf.load`` reads from a file holding ``text`` (before it creates the config),
    on libyaml's parser where PyYAML has it."""
    return _load(text, _fast_omegaconf_loader(), _omegaconf_loader())
