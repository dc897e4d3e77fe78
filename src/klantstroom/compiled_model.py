"""The record of a compiled model, and the check that it still matches its source.

``klantstroom-compile`` (:mod:`klantstroom.compile_command`) may compile the modules of
:mod:`klantstroom.model` with mypyc: the C extensions sit beside the sources, and Python imports
an extension before the source of the same name. ``compiled.json`` in the model's folder
records the SHA-256 of every source they were compiled from. Importing :mod:`klantstroom.model`
calls :func:`check_compiled`: when a source has changed since (an edit, a ``git pull``), the
import fails with a message naming the files, instead of running compiled code that no longer
matches its source. Without ``compiled.json`` nothing is checked.

Standard library only: the model imports it, and ``klantstroom-compile`` must work when the model
cannot be imported.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MANIFEST = "compiled.json"


class StaleCompiledModel(ImportError):
    """The compiled model cannot be used: its record is unreadable or a source changed since.

    An :class:`ImportError`, as it stops the import of :mod:`klantstroom.model`; the commands
    (:mod:`klantstroom.launch`) print its message alone, without the traceback of the import.
    """


def source_digest(path: Path) -> str | None:
    """The SHA-256 of a source file (hex), or None when it is missing."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def changed_sources(folder: Path) -> list[str] | None:
    """The sources in ``folder`` that differ from those its compiled modules were built from;
    None when the folder has no compiled model (no ``compiled.json``).

    Raises
    ------
    StaleCompiledModel
        When ``compiled.json`` cannot be read as such a record.
    """
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return None
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))["sources"]
        return sorted(
            name for name, digest in recorded.items() if source_digest(folder / name) != digest
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise StaleCompiledModel(
            f"{manifest}: not a record of a compiled model ({error!r}); run klantstroom-compile "
            "to compile the model again, or klantstroom-compile --remove to run its source"
        ) from None


def check_compiled(folder: Path) -> None:
    """Raise :class:`StaleCompiledModel` when ``folder``'s compiled model is out of date."""
    changed = changed_sources(folder)
    if changed:
        raise StaleCompiledModel(
            f"klantstroom.model: the compiled model is older than its source ({', '.join(changed)} "
            "changed since klantstroom-compile); run klantstroom-compile to compile it again, or "
            "klantstroom-compile --remove to run the source"
        )
