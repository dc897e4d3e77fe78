"""YAML documents parsed once per process and text: the same documents, without parsing again.

PyYAML's ``SafeLoader``, and OmegaConf's loader built on it, scan and parse in pure Python:
0.18 s for ``grootstad.yaml``, 0.33 s of the 2.65 s a road-map year's composition takes (13
files), 0.29 s for a run's 3,800-line saved configuration. A process that composes more than
once parsed the same texts again every time: a multirun's pre-check, Hydra's validation and
each job, the workshop's page, a comparison or road-map path reading the saved configurations,
a test worker. The documents are kept per loader and text (at most :data:`MAX_KEPT`, the least
recently used going first) and every caller gets its own deep copy (2 ms for Grootstad's). A
text that does not parse is not kept: each load raises the parser's error as before.

libyaml's C parser parses nine times as fast but accepts YAML that PyYAML's parser refuses (a
tab after a colon, ``>#``): a file refused everywhere else would load, so it is not used.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import yaml

MAX_KEPT = 64  # documents kept (Grootstad's configuration files are 21)
_KEPT: dict[tuple[str, str], Any] = {}


@cache
def _omegaconf_loader() -> type:
    """OmegaConf's loader class (OmegaConf makes a new class per load: made once here)."""
    from omegaconf._utils import get_yaml_loader  # here: safe_load needs no OmegaConf

    loader: type = get_yaml_loader()
    return loader


def _kept(kind: str, text: str, loader: type) -> Any:
    key = (kind, text)
    document = _KEPT.pop(key, _KEPT)  # put back last: the most recently used
    if document is _KEPT:
        document = yaml.load(text, Loader=loader)
    _KEPT[key] = document
    while len(_KEPT) > MAX_KEPT:
        del _KEPT[next(iter(_KEPT))]
    return copy.deepcopy(document)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed once per process."""
    return _kept("safe", text, yaml.SafeLoader)


def omegaconf_document(text: str) -> Any:
    """What ``OmegaConf.load`` reads from a file holding ``text`` (before it creates the config),
    parsed once per process."""
    return _kept("omegaconf", text, _omegaconf_loader())
