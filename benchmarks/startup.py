"""Start-up: what a short command costs as a whole process, against the libraries it needs.

What is measured
----------------
Each command runs as a new Python process, as a user starts it; its CPU time (user + system,
``resource.getrusage`` of the finished child) and wall time are taken:

1. **one-day run** -- ``klantstroom scenarios=textbook/mmc run.replications=1`` (one day of an
   M/M/10 queue: compose, simulate, tables, the four queue figures, ``report.html``), in a fresh
   temporary folder. Goal (issue "Fast enough for a workshop"): at most 2.5 s of CPU.
2. **help** -- ``klantstroom --help``. Goal: an answer in seconds.
3. **import** -- ``python -c "import klantstroom.cli"``: what every command pays before it reads
   its arguments.

and two references, which no code of klantstroom's can make cheaper:

* **python** -- ``python -c pass``, the interpreter itself;
* **libraries** -- ``python -c "import numpy, pandas, simpy, hydra, matplotlib.figure"``, the
  libraries a run with figures cannot do without.

This machine's speed can drift by a fifth within an hour, so an absolute time alone says little:
the ratio of the run to the libraries' import, measured in the same rounds, does not drift with it.

The commands alternate round by round (``--rounds``, default 5), their order rotated by one each
round; the table gives medians. A first, unmeasured round lets Python cache the compiled modules,
as it does on a user's machine after the first command (the child processes may write bytecode
even where ``PYTHONDONTWRITEBYTECODE`` is set for this one).

How to run
----------
::

    python benchmarks/startup.py               # 5 rounds
    python benchmarks/startup.py --rounds 9
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RUN_CPU_S = 2.5

LIBRARIES = "import numpy, pandas, simpy, hydra, matplotlib.figure"


def _commands(folder: Path) -> dict[str, list[str]]:
    """The measured commands and the references, as argument lists."""
    python = sys.executable
    return {
        "one-day run": [
            python,
            "-m",
            "klantstroom.cli",
            "scenarios=textbook/mmc",
            "run.replications=1",
            f"hydra.run.dir={folder}/run",
        ],
        "help": [python, "-m", "klantstroom.cli", "--help"],
        "import": [python, "-c", "import klantstroom.cli"],
        "python": [python, "-c", "pass"],
        "libraries": [python, "-c", LIBRARIES],
    }


def _measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system of the child) and wall seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: compiled modules cached
    with tempfile.TemporaryDirectory(prefix="klantstroom-startup-") as tmp:
        names = list(_commands(Path(tmp)))
        cpu: dict[str, list[float]] = {name: [] for name in names}
        wall: dict[str, list[float]] = {name: [] for name in names}
        for round_number in range(args.rounds + 1):
            order = names[round_number % len(names) :] + names[: round_number % len(names)]
            for name in order:
                folder = Path(tempfile.mkdtemp(dir=tmp))
                seconds = _measure(_commands(folder)[name], folder, env)
                if round_number > 0:  # round 0 warms the bytecode cache
                    cpu[name].append(seconds[0])
                    wall[name].append(seconds[1])

    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    median_wall = {name: statistics.median(values) for name, values in wall.items()}
    print(
        f"Start-up, {args.rounds} rounds, medians ({os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]})"
    )
    print(f"{'command':<14}{'CPU s':>8}{'wall s':>8}{'min-max CPU s':>16}")
    for name in names:
        low, high = min(cpu[name]), max(cpu[name])
        print(f"{name:<14}{median_cpu[name]:>8.2f}{median_wall[name]:>8.2f}{low:>9.2f}-{high:.2f}")
    run = median_cpu["one-day run"]
    verdict = "met" if run <= GOAL_RUN_CPU_S else "NOT met"
    print(f"one-day run: {run:.2f} s of CPU, goal at most {GOAL_RUN_CPU_S} s: {verdict}")
    print(
        f"one-day run / libraries' import: {run / median_cpu['libraries']:.2f}x; "
        f"klantstroom's own share: {run - median_cpu['libraries']:.2f} s"
    )
    print(f"help: {median_wall['help']:.2f} s wall")


if __name__ == "__main__":
    main()
