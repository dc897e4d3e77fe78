"""Add klantstroom's project folder to Hydra's config search path.

Hydra finds config groups as sub-folders of the folders on its search path. The base config lives
in ``conf/``; the scenario overlays live beside it in ``scenarios/``, so the folder holding both is
appended here and ``klantstroom scenarios=<name>`` works from any working directory.
"""

from __future__ import annotations

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin


class KlantstroomSearchPathPlugin(SearchPathPlugin):
    """Append the folder that holds ``scenarios/``."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        """Append ``file://<project root>`` so that ``scenarios/`` is a config group."""
        from klantstroom.paths import project_root

        search_path.append(provider="klantstroom", path=f"file://{project_root()}")
