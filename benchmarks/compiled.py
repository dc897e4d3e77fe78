"""What a compiled simulation core would give: the model compiled with mypyc against Python.

Why
---
The simulation is pure Python and its profile is flat (no function above a tenth of the time):
a replication of the Grootstad year costs 17-20 s of CPU, above the goal of 15 s with tables
(issue "Fast enough for a workshop"). mypyc, the compiler that ships with mypy, turns
type-annotated modules into C extensions without rewriting them. This benchmark measures what
it gives on klantstroom's model as it stands, before anyone decides to ship a compiled build.

What is measured
----------------
1. **Build**: a copy of the installed ``klantstroom`` package in a temporary folder (``conf/``
   and ``scenarios/`` linked beside it) whose ``klantstroom.model`` modules are compiled with
   ``mypyc`` (its CPU and wall time are printed). Nothing in the checkout changes.
2. **Rounds** (``--rounds``, default 3): in each round the interpreted and the compiled model
   simulate the same replications (``--days`` of Grootstad; ``--mmc-days`` of the textbook
   M/M/10 at rho = 0.9), each in a new process, the order swapped every round. Only
   ``simulate()`` is timed (``time.process_time``), not composing or importing. The table
   gives the medians and contacts per CPU second.
3. **Identical results**: every compiled run's event log (every column of the contacts and the
   staff spells) must hash to the interpreted run's of the same replication; the script says
   so, or stops with exit code 1.

How to run
----------
Needs mypy (``pip install -e '.[test]'``) and a C compiler (``gcc``)::

    python benchmarks/compiled.py                  # 90 days of Grootstad, 3 rounds
    python benchmarks/compiled.py --days 365 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import klantstroom
from klantstroom.paths import conf_dir, scenarios_dir

# A child process: compose (not timed), simulate one replication (timed), print the CPU seconds,
# the number of contacts and a hash of the whole event log.
_CHILD = """
import hashlib, sys, time
from klantstroom import api
from klantstroom.model import simulation
from klantstroom.model.simulation import simulate
scenario = api.load_scenario(sys.argv[2:])
started = time.process_time()
log = simulate(scenario, int(sys.argv[1]))
cpu = time.process_time() - started
digest = hashlib.sha256()
for columns in (log.contacts, log.spells):
    for name in sorted(columns):
        digest.update(name.encode())
        digest.update(columns[name].tobytes())
compiled = not simulation.__file__.endswith(".py")
print(cpu, len(log.contacts["contact_id"]), digest.hexdigest(), compiled)
"""


def build(folder: Path) -> tuple[float, float]:
    """Copy the package into ``folder/src`` and compile its model there; (CPU s, wall s)."""
    package = Path(klantstroom.__file__).parent
    source = folder / "src"
    shutil.copytree(package, source / "klantstroom", ignore=shutil.ignore_patterns("__pycache__"))
    # The copy finds conf/ and scenarios/ beside src/, as a checkout does (klantstroom.paths).
    (folder / "conf").symlink_to(conf_dir())
    (folder / "scenarios").symlink_to(scenarios_dir())
    modules = sorted(
        str(path.relative_to(source))
        for path in (source / "klantstroom" / "model").glob("*.py")
        if path.name != "__init__.py"
    )
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mypyc", "--ignore-missing-imports", *modules],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        sys.exit(f"mypyc failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    compiled = list((source / "klantstroom" / "model").glob("*.so"))
    if len(compiled) != len(modules):
        sys.exit(f"mypyc built {len(compiled)} of {len(modules)} modules")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return cpu, wall


def simulate_in_child(
    replication: int, overrides: list[str], source: Path | None
) -> tuple[float, int, str, bool]:
    """Simulate one replication in a new process (``source``: the compiled copy's ``src``)."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(replication), *overrides],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the simulation failed ({'compiled' if source else 'Python'}):\n{done.stderr}")
    cpu, contacts, digest, compiled = done.stdout.split()[-4:]
    return float(cpu), int(contacts), digest, compiled == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--days", type=float, default=90, help="days of Grootstad (default 90)")
    parser.add_argument(
        "--mmc-days", type=float, default=20, help="days of the textbook M/M/10 (default 20)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    cases = {
        "Grootstad": [f"run.horizon_days={args.days:g}"],
        "M/M/10": ["scenarios=textbook/mmc", f"run.horizon_days={args.mmc_days:g}"],
    }
    with tempfile.TemporaryDirectory(prefix="klantstroom-mypyc-") as tmp:
        folder = Path(tmp)
        build_cpu, build_wall = build(folder)
        print(
            f"mypyc build of klantstroom.model: {build_cpu:.0f} s CPU, {build_wall:.0f} s wall; "
            f"Python {sys.version.split()[0]}, {os.cpu_count() or 1} cores"
        )
        source = folder / "src"
        times: dict[tuple[str, bool], list[float]] = {}
        contacts: dict[str, int] = {}
        for round_ in range(args.rounds):
            for case, overrides in cases.items():
                digests: dict[bool, str] = {}
                order = (False, True) if round_ % 2 == 0 else (True, False)
                for compiled in order:
                    cpu, n, digest, is_compiled = simulate_in_child(
                        round_, overrides, source if compiled else None
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
