"""The ``klantstroom-compare`` command: compare finished runs in one report.

::

    klantstroom -m scenarios=nulmeting,jaar1,jaar2,jaar3,eindbeeld     # the road map
    klantstroom-compare multirun/2026-11-23/10-00-00                    # -> .../compare/
    klantstroom-compare outputs/a outputs/b --baseline nulmeting --language nl --out cmp

Any mix of run folders and folders holding runs (a multirun, a date folder of ``outputs/``).
Every run's tables are checked first (:func:`klantstroom.results.scan_runs`): a failed job, a
damaged or cut-off table is skipped, and each skipped run is printed with the reason and listed
in ``skipped.csv`` and the report. Exit code 2 with a message naming the folder or the baseline
when the input is unusable (no usable run at all).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from klantstroom.report.compare_report import BaselineError, write_comparison
from klantstroom.results import RunFolderError, scan_runs, unique_labels
from klantstroom.scenario.spec import LANGUAGES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klantstroom-compare",
        description="Compare klantstroom runs: every KPI per scenario with 95%% confidence "
        "intervals and norms, differences against a baseline, the road-map trajectory, staff "
        "per group, and a self-contained report.html.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        help="run folders or folders holding runs (a multirun folder); 'report.language=nl' "
        "is accepted as in the klantstroom command",
    )
    parser.add_argument(
        "--baseline",
        help="label, scenario or run name of the baseline (default: the nulmeting, else the "
        "first run)",
    )
    parser.add_argument(
        "--language", choices=LANGUAGES, help="report language (default: the runs' own)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="output folder (default: <path>/compare for one path, else compare/<date>/<time>)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    paths = []
    for item in args.paths:
        key, eq, value = item.partition("=")
        if not eq:
            paths.append(Path(item))
        elif key == "report.language":
            if value not in LANGUAGES:
                parser.error(f"report.language: unknown value {value!r}; allowed: en, nl")
            args.language = value
        else:
            parser.error(f"unknown setting {key!r}; allowed: report.language")
    if not paths:
        parser.error("give at least one run folder or multirun folder")
    try:
        runs, skipped = scan_runs(paths)
    except RunFolderError as error:
        print(f"klantstroom-compare: {error}", file=sys.stderr)
        return 2
    for item in skipped:
        print(f"klantstroom-compare: skipped {item.folder}: {item.reason}", file=sys.stderr)
    if not runs:
        print(
            f"klantstroom-compare: no usable run to compare ({len(skipped)} skipped, see above)",
            file=sys.stderr,
        )
        return 2
    for run in runs:
        if not run.info.get("complete", True):
            print(
                f"klantstroom-compare: warning: {run.folder} was interrupted; "
                f"{run.info.get('replications_completed')} replication(s) are compared",
                file=sys.stderr,
            )
    if args.out is not None:
        out = args.out
    elif len(paths) == 1:
        out = paths[0] / "compare"
    else:
        out = Path("compare") / dt.datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
    try:
        result = write_comparison(
            runs,
            out,
            baseline=args.baseline,
            language=args.language,
            skipped=[(item.folder, item.reason) for item in skipped],
        )
    except (BaselineError, RunFolderError) as error:
        print(f"klantstroom-compare: {error}", file=sys.stderr)
        return 2
    # Always written (empty when nothing was skipped), so a script can rely on the file.
    pd.DataFrame(
        [(str(item.folder), item.reason) for item in skipped], columns=["folder", "reason"]
    ).to_csv(out / "skipped.csv", index=False)
    print(f"Compared {len(runs)} runs (baseline: {result.baseline}):")
    for run, label in zip(runs, unique_labels(runs), strict=True):
        print(f"  {label:<32} {run.folder}")
    if skipped:
        print(f"Skipped {len(skipped)} run(s), listed in {out / 'skipped.csv'} and the report.")
    print(f"Report: {result.report.resolve()}")
    return 0


def entry() -> None:
    """``klantstroom-compare`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
