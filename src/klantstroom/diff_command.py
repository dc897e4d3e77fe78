"""The ``klantstroom-diff`` command: what a scenario or a run changes against a base.

::

    klantstroom-diff extra_avond                          # against the default configuration
    klantstroom-diff eindbeeld --against jaar3 --language nl
    klantstroom-diff outputs/2026-12-05/10-00-00 --against default --output changes.csv

Prints the keys whose values differ, with the value in the base and in the scenario, and writes
them to a CSV file (``diff.csv`` by default; columns ``key``, ``base``, ``scenario``). Both sides
are composed and resolved as the ``klantstroom`` command composes them
(:mod:`klantstroom.config.diff`). Exit code 2 with a message naming the scenario, key or file when
a side cannot be read.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from klantstroom.config.diff import (
    DEFAULT,
    Change,
    DiffInputError,
    config_diff,
    load_side,
    shown,
)
from klantstroom.config.gate import ConfigFileRefused
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import LANGUAGES

WIDTH = 40  # characters of a value in the terminal (the CSV has it whole)
_TEXT = {
    "en": {
        "title": "{scenario} against {base}: {n} key(s) differ",
        "same": "{scenario} against {base}: no key differs",
        "key": "key",
        "written": "Written: {path}",
    },
    "nl": {
        "title": "{scenario} tegenover {base}: {n} sleutel(s) anders",
        "same": "{scenario} tegenover {base}: geen sleutel anders",
        "key": "sleutel",
        "written": "Geschreven: {path}",
    },
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klantstroom-diff",
        description="What a scenario overlay or a run changes: the configuration keys whose "
        "values differ from a base, with both values.",
    )
    parser.add_argument(
        "scenario",
        help="a scenario overlay (extra_avond, scenarios=extra_avond or scenarios/extra_avond"
        ".yaml), 'default', or the output folder of a klantstroom run",
    )
    parser.add_argument(
        "--against",
        default=DEFAULT,
        help="the base, given the same way (default: the default configuration)",
    )
    parser.add_argument(
        "--output", type=Path, default=Path("diff.csv"), help="CSV file to write (diff.csv)"
    )
    parser.add_argument("--language", choices=LANGUAGES, default="en", help="en (default) or nl")
    return parser


def _cut(text: str) -> str:
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def diff_text(changes: list[Change], scenario: str, base: str, language: str = "en") -> str:
    """The changes as an aligned table for the terminal, under a title line."""
    t = _TEXT[language]
    if not changes:
        return t["same"].format(scenario=scenario, base=base)
    rows = [(t["key"], _cut(base), _cut(scenario))] + [
        (change.key, _cut(shown(change.base)), _cut(shown(change.scenario))) for change in changes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [t["title"].format(scenario=scenario, base=base, n=len(changes)), ""]
    lines += [f"{k:<{widths[0]}}  {b:<{widths[1]}}  {s}".rstrip() for k, b, s in rows]
    return "\n".join(lines)


def write_diff_csv(changes: list[Change], path: Path) -> None:
    """Write ``key``, ``base`` and ``scenario`` (values as text) to ``path``, atomically."""
    import pandas as pd

    from klantstroom.outputs import write_atomic

    table = pd.DataFrame(
        [(c.key, shown(c.base), shown(c.scenario)) for c in changes],
        columns=["key", "base", "scenario"],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda tmp: table.to_csv(tmp, index=False))


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code (0, or 2 for input that cannot be read)."""
    args = _parser().parse_args(argv)
    try:
        base_name, base = load_side(args.against)
        name, scenario = load_side(args.scenario)
    except ScenarioErrors as error:
        for problem in error.errors:
            print(f"klantstroom-diff: {problem}", file=sys.stderr)
        return 2
    except (ConfigFileRefused, DiffInputError) as error:
        for line in str(error).splitlines():
            print(f"klantstroom-diff: {line}", file=sys.stderr)
        return 2
    changes = config_diff(base, scenario)
    try:  # the file first: a terminal that stops reading (| head) must not lose it
        write_diff_csv(changes, args.output)
    except OSError as error:
        print(f"klantstroom-diff: {args.output}: cannot be written ({error})", file=sys.stderr)
        return 2
    print(diff_text(changes, name, base_name, args.language))
    print("\n" + _TEXT[args.language]["written"].format(path=args.output))
    return 0


def entry() -> None:
    """Console-script entry point."""
    try:
        code = main()
    except BrokenPipeError:  # the output was piped into a command that stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
