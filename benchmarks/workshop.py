"""The workshop page's "Doorrekenen en bewaren": what a what-if costs, and how much is composing.

What is measured
----------------
The page's own steps for a what-if, without Streamlit (``klantstroom.workshop.app`` calls the
same functions): save the what-if as a scenario file (:func:`~klantstroom.workshop.whatif.
save_whatif`), run it (:func:`~klantstroom.workshop.whatif.run_cached`), save its baseline (the
same year without levers) and run that, into a temporary output folder. Two what-ifs in a row,
demand +5% and +10% on the chosen year and what-ifs with the page's default levers (four weeks
after two of warm-up, two replications): the first runs its baseline too, the second finds it
cached, as in a workshop after its first what-if.

For each it prints the CPU seconds (``time.process_time``), how many configurations Hydra
composed and their CPU seconds. The saved what-ifs are removed from ``scenarios/workshop/``
afterwards.

How to run
----------
::

    python benchmarks/workshop.py                          # jaar2 + extra_avond
    python benchmarks/workshop.py --year nulmeting --whatifs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import hydra._internal.config_loader_impl as config_loader

from klantstroom.config import gate
from klantstroom.paths import scenarios_dir
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.workshop.levers import Levers, overlays
from klantstroom.workshop.whatif import run_cached, save_whatif, slug, workshop_dir

COMPOSED: Counter[str] = Counter()


def count_compositions() -> None:
    """Count Hydra's compositions and their CPU seconds in :data:`COMPOSED`."""
    load = config_loader.ConfigLoaderImpl.load_configuration

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return load(self, *args, **kwargs)
        finally:
            COMPOSED["n"] += 1
            COMPOSED["cpu_ms"] += round(1000 * (time.process_time() - started))

    config_loader.ConfigLoaderImpl.load_configuration = counted  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    """Measure and print two what-ifs; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", default="jaar2", help="road-map year (default jaar2)")
    parser.add_argument(
        "--whatifs", nargs="*", default=["extra_avond"], help="what-ifs (default extra_avond)"
    )
    args = parser.parse_args(argv)
    years, whatifs = overlays(scenarios_dir())
    for option, names, known in (
        ("--year", [args.year], [y.name for y in years]),
        ("--whatifs", args.whatifs, [w.name for w in whatifs]),
    ):
        for name in names:
            if name not in known:
                parser.error(f"{option}: {name!r} is not one of {', '.join(known)}")
    gate.install()
    count_compositions()
    title = f"benchmark {uuid.uuid4().hex[:8]}"
    try:
        with tempfile.TemporaryDirectory(prefix="klantstroom-workshop-") as tmp:
            for factor, baseline in ((1.05, "run"), (1.10, "cached")):
                levers = Levers(year=args.year, whatifs=tuple(args.whatifs), demand_factor=factor)
                COMPOSED.clear()
                started = time.process_time()
                saved = save_whatif(levers, title=f"{title} {factor}")
                run_cached(saved.overrides, Path(tmp))
                base = save_whatif(levers.baseline(), title=f"{title} baseline")
                run_cached(base.overrides, Path(tmp))
                cpu = time.process_time() - started
                print(
                    f"what-if demand x{factor:.2f} (baseline {baseline}): {cpu:.1f} s of CPU, "
                    f"{COMPOSED['n']} compositions taking {COMPOSED['cpu_ms'] / 1000:.1f} s"
                )
    except ScenarioErrors as errors:
        print(f"workshop.py: {errors}", file=sys.stderr)
        return 2
    finally:
        for path in workshop_dir().glob(f"{slug(title)}*.yaml"):
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
