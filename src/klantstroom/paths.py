"""Where the YAML lives: ``conf/`` (the base config) and ``scenarios/`` (overlays).

In an editable install (the usual set-up, ``pip install -e .``) they are read from the checkout,
so edits take effect at once from any working directory. A regular install carries copies inside
the package (``klantstroom/_data``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the folder that holds ``conf/`` and ``scenarios/``."""
    checkout = _PACKAGE.parents[1]  # src/klantstroom -> repository root
    if (checkout / "conf" / "config.yaml").is_file() and (checkout / "scenarios").is_dir():
        return checkout
    return _PACKAGE / "_data"


def conf_dir() -> Path:
    """Return the folder of the base configuration (``config.yaml``)."""
    return project_root() / "conf"


def scenarios_dir() -> Path:
    """Return the folder of the scenario overlays."""
    return project_root() / "scenarios"
