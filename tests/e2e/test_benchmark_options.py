"""The benchmark scripts refuse options that cannot make a meaningful run, naming the option.

A benchmark that crashes with a traceback after a minute's build, or prints a waiting share
above one for an overloaded queue, misleads whoever reads it; each case below stops at once with
a usage error instead (exit code 2, or 1 with the scenario's own message).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from subprocesses import HANG_GUARD_S

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.parametrize(
    ("script", "args", "message"),
    [
        ("throughput.py", ["--servers", "5"], "M/M/c needs rho = rate x mean service / servers"),
        ("throughput.py", ["--contacts", "5"], "--contacts must be at least 1,000"),
        ("year.py", ["--replications", "0"], "--replications must be at least 1, got 0"),
        ("year.py", ["--overrides", "scenarios=nope"], "scenarios: 'scenarios/nope' not found"),
        ("compiled.py", ["--rounds", "0"], "--rounds must be at least 1, got 0"),
        ("workshop.py", ["--year", "nope"], "--year: 'nope' is not one of nulmeting, jaar1"),
        ("workshop.py", ["--whatifs", "nope"], "--whatifs: 'nope' is not one of "),
    ],
)
def test_a_meaningless_option_is_refused_at_once(
    tmp_path: Path, script: str, args: list[str], message: str
) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode in (1, 2), done.stdout[-500:]
    assert message in done.stderr
    assert "Traceback" not in done.stderr
