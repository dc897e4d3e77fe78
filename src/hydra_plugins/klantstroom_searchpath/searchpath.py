"""Make klantstroom's ``scenarios/`` folder the config group ``scenarios``, and nothing else.

Hydra finds config groups as sub-folders of the folders on its search path. The base config lives
in ``conf/``; the scenario overlays live beside it in ``scenarios/``, so that
``klantstroom scenarios=<name>`` works from any working directory. Appending the folder that
holds both as a plain ``file://`` source would also make every other folder in it a config group:
in a checkout ``.venv``, ``outputs``, ``multirun`` and ``.git``, which ``--help`` and tab
completion then walk (minutes, thousands of lines). :class:`ScenariosConfigSource` is that folder
with only its ``scenarios`` group visible, read through whatever Hydra's ``file`` source is at
the time (klantstroom's gate, :mod:`klantstroom.config.gate`, once installed).
"""

from __future__ import annotations

from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.object_type import ObjectType
from hydra.plugins.config_source import ConfigLoadError, ConfigResult, ConfigSource
from hydra.plugins.search_path_plugin import SearchPathPlugin

GROUP = "scenarios"


def _inside(config_path: str) -> bool:
    path = config_path.strip("/")
    return path == GROUP or path.startswith(GROUP + "/")


class ScenariosConfigSource(ConfigSource):
    """The project folder (``klantstroom://<folder>``) showing only its ``scenarios`` group."""

    def __init__(self, provider: str, path: str) -> None:
        from hydra._internal.sources_registry import SourcesRegistry

        super().__init__(provider=provider, path=path)
        # Hydra's file source, or the gate that stands in for it: every file passes through it.
        self._files = SourcesRegistry.instance().resolve("file")(provider, f"file://{self.path}")

    @staticmethod
    def scheme() -> str:
        """``klantstroom://``."""
        return "klantstroom"

    def load_config(self, config_path: str) -> ConfigResult:
        """Load a scenario overlay (nothing outside ``scenarios/``)."""
        if not _inside(config_path):
            raise ConfigLoadError(f"Config not found : {config_path}")
        return self._files.load_config(config_path)

    def available(self) -> bool:
        """Whether the folder holds ``scenarios/``."""
        return self._files.is_group(GROUP)

    def is_group(self, config_path: str) -> bool:
        """The root and ``scenarios`` (with its sub-folders) are groups."""
        if config_path.strip("/") == "":
            return True
        return _inside(config_path) and self._files.is_group(config_path)

    def is_config(self, config_path: str) -> bool:
        """Only overlays in ``scenarios/`` are configs."""
        return _inside(config_path) and self._files.is_config(config_path)

    def list(self, config_path: str, results_filter: ObjectType | None) -> list[str]:
        """``scenarios`` at the root; inside it, what the folder holds."""
        if config_path.strip("/") == "":
            wanted = results_filter in (None, ObjectType.GROUP)
            return [GROUP] if wanted and self.available() else []
        if not _inside(config_path):
            return []
        return list(self._files.list(config_path, results_filter))


class KlantstroomSearchPathPlugin(SearchPathPlugin):
    """Append the project folder's ``scenarios`` group to the search path."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        """Append ``klantstroom://<project folder>`` (only its ``scenarios/`` is visible)."""
        from klantstroom.paths import project_root

        search_path.append(provider="klantstroom", path=f"klantstroom://{project_root()}")
