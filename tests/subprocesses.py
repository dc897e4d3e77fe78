"""The package's commands in a subprocess, as a user runs them, and how long to wait for them.

``HANG_GUARD_S`` is how long a test waits for a child process, a server or a browser before
calling it hung. It is a guard against a hang, not a speed check: no test may fail because a
busy machine ran it slowly (the suite once took 31 minutes on two loaded cores, and a 300 s
limit failed a test that does a minute's work). Half an hour is far above any test's work and
still well inside CI's own limit of 90 minutes, which ends a real hang with the test named.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

HANG_GUARD_S = 1800


def run_code(
    code: str, *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -c code args`` in ``cwd``: its output captured as text, under the hang guard."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env=env,
    )
