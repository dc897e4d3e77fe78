"""Command-line overrides as text: the key an override sets.

An override is ``key=value``, ``+key=value`` (add a key), ``++key=value`` (add or set) or
``~key`` (delete). Several places ask only which key an override names (the CLI's municipality,
Hydra's mode, a path's own keys, a study's ``run.n_jobs``, a run's scenario overrides when it is
read back); they share :func:`override_key`. This module imports nothing heavy, so a reader of
a finished run does not load Hydra for it.
"""

from __future__ import annotations


def override_key(override: str) -> str:
    """The dotted key of a command-line override, without its ``+``, ``++`` or ``~``."""
    return override.split("=", 1)[0].lstrip("+~")
