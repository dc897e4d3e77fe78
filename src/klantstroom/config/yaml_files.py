"""Configuration files read as OmegaConf reads them, with libyaml's parser where PyYAML has it.

``OmegaConf.load`` (which Hydra's file config source calls for every file it composes) parses
YAML with a pure-Python loader: PyYAML's ``SafeLoader`` with OmegaConf's changes (a duplicate
key is an error, ``1e3`` is a float, a date stays a string). For Grootstad's 75 KB municipality
file that is 0.1 s of CPU, a tenth of its whole composition, and a road-map year's chain of
overlays doubles it. :func:`load_config_text` parses with the same loader class on libyaml's C
parser (``yaml.cyaml.CParser``, which PyYAML's wheels carry): the scanning and parsing run in C,
while the tags, OmegaConf's resolvers and its constructor (the duplicate-key check) stay the
Python ones, so the values are the same (``tests/unit/test_yaml_files.py`` checks every shipped
file), about seven times faster.

libyaml words its syntax errors differently from PyYAML's own parser ("did not find expected
key" for "expected <block end>, but found ..."). A file that does not parse is therefore parsed
again with OmegaConf's own loader, so that the message, line and column a user sees are the
ones OmegaConf gives everywhere else. Without libyaml (a PyYAML built without it) OmegaConf's
loader is used throughout.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf._utils import get_yaml_loader


@cache
def _loaders() -> tuple[type[Any], type[Any] | None]:
    """OmegaConf's loader class, and the same on libyaml's parser (None without libyaml)."""
    python = get_yaml_loader()
    try:
        from yaml.cyaml import CParser
    except ImportError:
        return python, None

    class LibyamlOmegaConfLoader(CParser, python):  # type: ignore[misc,valid-type]
        """OmegaConf's loader with libyaml's scanner and parser (as ``yaml.CSafeLoader``)."""

        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    return python, LibyamlOmegaConfLoader


def load_yaml_text(text: str) -> Any:
    """Parse ``text`` as ``OmegaConf.load`` does: the same values, the same errors.

    Raises
    ------
    yaml.YAMLError
        As OmegaConf's own loader raises it for ``text`` (its message, line and column).
    """
    python, libyaml = _loaders()
    if libyaml is None:
        return yaml.load(text, Loader=python)
    try:
        return yaml.load(text, Loader=libyaml)
    except yaml.YAMLError:
        # libyaml's wording differs: let OmegaConf's loader raise (or, should it read the text
        # after all, return) what it gives.
        return yaml.load(text, Loader=python)


def load_config_text(text: str) -> DictConfig | ListConfig:
    """``OmegaConf.load`` of a file whose content is ``text``."""
    data = load_yaml_text(text)
    if data is not None and not isinstance(data, list | dict | str):
        raise OSError(f"Invalid loaded object type: {type(data).__name__}")  # as OmegaConf
    return OmegaConf.create() if data is None else OmegaConf.create(data)
