"""What ``klantstroom-compile`` gives: the model compiled with mypyc against the interpreted one.

Why
---
The simulation is pure Python and its profile is flat (no function above a tenth of the time):
a replication of the Grootstad year costs 17-20 s of CPU, above the goal of 15 s with tables
(issue "Fast enough for a workshop"). mypyc, the compiler that ships with mypy, turns
type-annotated modules into C extensions without rewriting them; ``klantstroom-compile``
(:mod:`klantstroom.compile_command`) compiles the model so. This benchmark measures the gain on
longer runs than the command's own check.

What is measured
----------------
1. **Build**: two copies of the installed ``klantstroom`` package in a temporary folder
   (``conf/`` and ``scenarios/`` linked beside them); the modules of one copy's
   ``klantstroom.model`` are compiled as ``klantstroom-compile`` compiles them
   (:func:`klantstroom.compile_command.compile_model`; its CPU and wall time are printed).
   Nothing in the checkout changes, whether it is compiled or not.
2. **Rounds** (``--rounds``, default 3): in each round the interpreted and the compiled model
   simulate the same replications (``--days`` of Grootstad; ``--mmc-days`` of the textbook
   M/M/10 at rho = 0.9), each in a new process, the order swapped every round. Only
   ``simulate()`` is timed (``time.process_time``), not composing or importing. The table
   gives the contacts and the median CPU seconds.
3. **Identical results**: every compiled run's event log (every column of the contacts and the
   staff spells) must hash to the interpreted run's of the same replication; the script says
   so, or stops with exit code 1.

How to run
----------
Needs mypy and setuptools (``pip install -e '.[compile]'``), a C compiler and Python's
headers, as ``klantstroom-compile`` does::

    python benchmarks/compiled.py                  # 90 days of Grootstad, 3 rounds
    python benchmarks/compiled.py --days 365 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Not klantstroom.api: it imports the model, which refuses an out-of-date compiled build in the
# checkout, and measuring a model just edited is what this script is for (it builds copies).
from klantstroom import compile_command
from klantstroom.config import scenario_from_config
from klantstroom.config.composing import compose_project
from klantstroom.scenario.errors import ScenarioErrors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--days", type=float, default=90, help="days of Grootstad (default 90)")
    parser.add_argument(
        "--mmc-days", type=float, default=20, help="days of the textbook M/M/10 (default 20)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    for option, value in (("--days", args.days), ("--mmc-days", args.mmc_days)):
        if not value > 0:
            parser.error(f"{option} must be positive, got {value:g}")
    cases = {
        "Grootstad": [f"run.horizon_days={args.days:g}"],
        "M/M/10": ["scenarios=textbook/mmc", f"run.horizon_days={args.mmc_days:g}"],
    }
    # Each case is checked before the build, which takes a minute: a value a scenario refuses
    # (too few days for its personas, say) stops here with the key named.
    for name, overrides in cases.items():
        try:
            scenario_from_config(compose_project(overrides))
        except ScenarioErrors as errors:
            sys.exit(f"compiled.py: {name}: {errors}")
    problems = compile_command.missing_prerequisites()
    if problems:
        sys.exit("cannot compile here: " + "; ".join(problems))
    with tempfile.TemporaryDirectory(prefix="klantstroom-mypyc-") as tmp:
        # Two copies: the interpreted model, and the one compiled (klantstroom-compile's build).
        models = {
            compiled: compile_command.copy_package(Path(tmp) / ("c" if compiled else "python"))
            for compiled in (False, True)
        }
        started = time.perf_counter()
        build_cpu = compile_command.compile_model(models[True])
        print(
            f"mypyc build of klantstroom.model: {build_cpu:.0f} s CPU, "
            f"{time.perf_counter() - started:.0f} s wall; "
            f"Python {sys.version.split()[0]}, {os.cpu_count() or 1} cores"
        )
        times: dict[tuple[str, bool], list[float]] = {}
        contacts: dict[str, int] = {}
        for round_ in range(args.rounds):
            for case, overrides in cases.items():
                digests: dict[bool, str] = {}
                order = (False, True) if round_ % 2 == 0 else (True, False)
                for compiled in order:
                    cpu, n, digest, is_compiled = compile_command.simulate_check(
                        models[compiled], tuple(overrides), round_
                    )
                    if is_compiled != compiled:
                        sys.exit(f"expected the {'compiled' if compiled else 'Python'} model")
                    times.setdefault((case, compiled), []).append(cpu)
                    contacts[case] = n
                    digests[compiled] = digest
                if digests[True] != digests[False]:
                    sys.exit(f"{case}, replication {round_}: the event logs differ")
        print(f"{args.rounds} rounds, medians of simulate() CPU s; the event logs are identical")
        print(f"{'case':<11}{'contacts':>10}{'Python s':>10}{'mypyc s':>10}{'speed-up':>10}")
        for case in cases:
            python_s = statistics.median(times[(case, False)])
            compiled_s = statistics.median(times[(case, True)])
            print(
                f"{case:<11}{contacts[case]:>10,}{python_s:>10.2f}{compiled_s:>10.2f}"
                f"{python_s / compiled_s:>9.2f}x"
            )


if __name__ == "__main__":
    main()
