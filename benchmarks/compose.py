"""Composition: what Hydra's composition of a configuration costs, file parsing against OmegaConf's.

What is measured
----------------
The CPU time (``time.process_time``) of composing a configuration with Hydra's compose API, as
every command and the workshop page compose it (the schema registered, every file through
klantstroom's gate), for three cases: the default municipality (Grootstad, one 75 KB file),
``scenarios=eindbeeld`` (Grootstad and the road map's five overlays) and the textbook M/M/c queue.

Each case is composed twice per round, alternating which goes first:

* **libyaml** -- as klantstroom composes: the gate parses each file with OmegaConf's loader on
  PyYAML's C parser (:mod:`klantstroom.config.yaml_files`);
* **OmegaConf** -- the reference: each file parsed by OmegaConf's own pure-Python loader, as
  ``OmegaConf.load`` (and so Hydra's own file source) parses it.

The table gives the medians and their ratio; the two composed configurations must be identical
(the script stops otherwise). This machine's speed drifts by up to a fifth within an hour, which
is why the two are measured in the same rounds.

How to run
----------
::

    python benchmarks/compose.py               # 6 rounds
    python benchmarks/compose.py --rounds 10
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import yaml
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf._utils import get_yaml_loader

from klantstroom.config import gate, register_configs
from klantstroom.paths import conf_dir

CASES = {
    "Grootstad (the default)": [],
    "scenarios=eindbeeld": ["scenarios=eindbeeld"],
    "scenarios=textbook/mmc": ["scenarios=textbook/mmc"],
}


def omegaconf_load(text: str) -> DictConfig | ListConfig:
    """The reference: ``OmegaConf.load`` of a file holding ``text`` (its own YAML loader)."""
    data = yaml.load(text, Loader=get_yaml_loader())  # OmegaConf's SafeLoader subclass
    return OmegaConf.create() if data is None else OmegaConf.create(data)


PARSERS: dict[str, Callable[[str], DictConfig | ListConfig]] = {
    "libyaml": gate.load_config_text,
    "OmegaConf": omegaconf_load,
}


def composed(overrides: list[str]) -> DictConfig:
    """Hydra's compose API on ``conf/``, as ``klantstroom.api.compose`` composes."""
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def timed(parser: str, overrides: list[str]) -> tuple[float, Any]:
    """CPU seconds of one composition with ``parser`` reading the files, and its YAML."""
    gate.load_config_text = PARSERS[parser]
    try:
        started = time.process_time()
        cfg = composed(overrides)
        return time.process_time() - started, OmegaConf.to_yaml(cfg)
    finally:
        gate.load_config_text = PARSERS["libyaml"]


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="alternated rounds (default 6)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    gate.install()
    register_configs()
    composed([])  # the first composition imports Hydra's plugins: not measured
    print(f"CPU s per composition, medians of {args.rounds} alternated rounds")
    print(f"{'case':<26} {'libyaml':>8} {'OmegaConf':>10} {'ratio':>6}")
    for case, overrides in CASES.items():
        times: dict[str, list[float]] = {name: [] for name in PARSERS}
        results: dict[str, Any] = {}
        for round_ in range(args.rounds):
            order = list(PARSERS) if round_ % 2 == 0 else list(PARSERS)[::-1]
            for name in order:
                cpu, results[name] = timed(name, overrides)
                times[name].append(cpu)
        if results["libyaml"] != results["OmegaConf"]:
            print(f"{case}: the two compositions differ", file=sys.stderr)
            return 1
        ours, theirs = (statistics.median(times[name]) for name in PARSERS)
        print(f"{case:<26} {ours:>8.3f} {theirs:>10.3f} {ours / theirs:>6.2f}")
    print("the composed configurations are identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
