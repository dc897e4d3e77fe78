"""Where the YAML lives: ``conf/`` (the base config) and ``scenarios/`` (overlays).

In an editable install (the usual set-up, ``pip install -e .``) they are read from the checkout,
so edits take effect at once from any working directory. A regular install carries copies inside
the package (``klantstroom/_data``).
"""

from __future__ import annotations

import re
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


def data_roots(base: Path) -> tuple[Path, ...]:
    """The folders a config file may read data from: ``base`` and the project folder.

    ``base`` is the folder relative names are resolved against: the working directory of the
    command, or the ``base_dir`` a script passes. The project folder (the checkout, or the
    package's data) holds the shipped examples.
    """
    return (base.resolve(), project_root().resolve())


def data_file(name: str, base: Path) -> Path:
    """Resolve the data file ``name`` that a config file asks to read.

    Parameters
    ----------
    name : str
        The file name as written in the config: relative to ``base``, or absolute.
    base : Path
        The folder relative names are resolved against (see :func:`data_roots`).

    Returns
    -------
    Path
        The file, with ``..`` and symbolic links resolved.

    Raises
    ------
    ValueError
        If the file lies outside every folder of :func:`data_roots`: a config file is data
        and may not read ``/etc/passwd``, ``~/.ssh/...`` or a folder ``..`` climbs out to.
    """
    path = (base / name).resolve()  # an absolute name replaces base
    roots = data_roots(base)
    if not any(path.is_relative_to(root) for root in roots):
        allowed = " or ".join(str(root) for root in roots)
        raise ValueError(
            f"{name}: outside the folders a config may read data from ({allowed}); "
            "copy the file into the working directory"
        )
    return path


# Characters that stay in a file name made from data; everything else becomes "_".
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(text: str, fallback: str = "unnamed") -> str:
    """Turn a name from data (a service, group, shop, label) into one safe file-name part.

    Letters, digits, ``_``, ``-`` and single inner dots are kept; every other run of characters
    (``/``, ``\\``, spaces, ``$``, ``{``, control characters, non-ASCII) becomes ``_``. Leading
    dots and dashes are dropped, so the result is never ``..``, a hidden file or an option, and
    never contains a path separator: ``folder / safe_name(x)`` stays inside ``folder``. Names are
    cut to 100 characters. Two names may map to the same result; callers that write one file per
    name make them unique (:func:`unique_safe_names`).

    Examples
    --------
    >>> safe_name("../../../../elsewhere/evil")
    'elsewhere_evil'
    >>> safe_name("${oc.env:HOME}")
    'oc.env_HOME'
    """
    cleaned = _UNSAFE.sub("_", re.sub(r"\.{2,}", "_", text))
    cleaned = re.sub("_{2,}", "_", cleaned).strip("_").lstrip(".-").strip("_")
    return cleaned[:100] or fallback


def unique_safe_names(names: list[str], fallback: str = "unnamed") -> dict[str, str]:
    """:func:`safe_name` of each name, with ``_2``, ``_3``, ... added where two would collide."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        candidate = base = safe_name(name, fallback)
        number = 2
        while candidate.lower() in used:  # case-insensitive file systems
            candidate, number = f"{base}_{number}", number + 1
        used.add(candidate.lower())
        result[name] = candidate
    return result
