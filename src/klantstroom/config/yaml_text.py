"""YAML documents parsed once per process and text: the same documents, without parsing again.

PyYAML's ``SafeLoader``, and OmegaConf's loader built on it, scan and parse in pure Python:
0.18 s for ``grootstad.yaml``, 0.33 s of the 2.65 s a road-map year's composition takes (13
files), 0.29 s for a run's 3,800-line saved configuration. A process that composes more than
once parsed the same texts again every time: a multirun's pre-check, Hydra's validation and
each job, the workshop's page, a comparison or road-map path reading the saved configurations,
a test worker. The documents are kept per loader and text (``functools.lru_cache``, at most
:data:`MAX_KEPT`) and every caller gets its own deep copy (2 ms for Grootstad's). A
text that does not parse is not kept: each load raises the parser's error as before.

libyaml's C parser parses nine times as fast but accepts YAML that PyYAML's parser refuses (a
tab after a colon, ``>#``): a file refused everywhere else would load, so it is not used.
"""

from __future__ import annotations

import copy
from functools import cache, lru_cache
from typing import Any

import yaml

MAX_KEPT = 64  # documents kept (Grootstad's configuration files are 21)


@cache
def _omegaconf_loader() -> type:
    """OmegaConf's loader class (OmegaConf makes a new class per load: made once here)."""
    from omegaconf._utils import get_yaml_loader  # here: safe_load needs no OmegaConf

    loader: type = get_yaml_loader()
    return loader


@lru_cache(maxsize=MAX_KEPT)  # an error is raised, never kept
def _parsed(kind: str, text: str) -> Any:
    loader = yaml.SafeLoader if kind == "safe" else _omegaconf_loader()
    return yaml.load(text, Loader=loader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed once per process."""
    return copy.deepcopy(_parsed("safe", text))


def omegaconf_document(text: str) -> Any:
    """What ``OmegaConf.load`` reads from a file holding ``text`` (before it creates the config),
    parsed once per process."""
    return copy.deepcopy(_parsed("omegaconf", text))
