"""``klantstroom-calibrate``: turn a log into a runnable scenario and a validation report.

    klantstroom-calibrate ../shared/data/anonymous-bank-1999-01.tsv --format anonymous-bank

imports the log (reporting every row left out, per reason), fits the scenario, writes it as
``<out>/scenarios/<name>.yaml``, replays the log through the model trace-driven and model-driven,
and writes ``<out>/calibration_report.html`` with the comparison against the targets, plus the
tables (CSV) and figures (PNG) behind it. The fitted scenario then runs like any other:

    klantstroom scenarios=<name> 'hydra.searchpath=[file://<out>]'

Out of sample (:mod:`klantstroom.calibration.holdout`):

    klantstroom-calibrate LOG --format F --holdout-from 1999-01-16
        fits on the log before the date and validates on the log from it, side by side;
    klantstroom-calibrate --validate-on OTHER_LOG --format F --scenario FITTED.yaml
        replays a fitted scenario's behaviour against another log's demand and staffing.

This module reads the options and the log, fits and replays each period; what is written is
:mod:`klantstroom.calibration.outputs` (with :mod:`~klantstroom.calibration.findings` and
:mod:`~klantstroom.calibration.sensitivity`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from klantstroom.calibration.availability import MAX_GAP_S
from klantstroom.calibration.holdout import (
    read_fitted,
    split_at,
    transfer_behaviour,
)
from klantstroom.calibration.importers import read_log
from klantstroom.calibration.logs import ImportReport
from klantstroom.calibration.outputs import write_outputs
from klantstroom.calibration.pipeline import (
    BREAK_GAP_MIN,
    SHIFT_GRID_MIN,
    SHIFT_SNAP_MIN,
    calibrate,
    scenario_config,
    write_scenario,
)
from klantstroom.calibration.sensitivity import sensitivity_table
from klantstroom.calibration.texts import LANGUAGES
from klantstroom.calibration.validation import IN_SAMPLE, OUT_OF_SAMPLE, Period, validate
from klantstroom.paths import safe_name
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

FORMATS = ("anonymous-bank", "generic-phone", "generic-counter")


def counter_as_calls(tickets: pd.DataFrame) -> pd.DataFrame:
    """A counter log as a call log: a ticket is a call, a desk an agent, leaving abandoning."""
    left = tickets["outcome"] == "left"
    return pd.DataFrame(
        {
            "call_id": tickets["ticket_id"],
            "caller_id": pd.array([pd.NA] * len(tickets), dtype="string"),
            "service": tickets["service"],
            "priority": tickets["appointment"].fillna(False).astype(int),
            "arrival": tickets["arrival"],
            "answered": tickets["called"],
            "abandoned": tickets["arrival"].where(~left)
            + pd.to_timedelta(tickets["wait_s"].where(left), unit="s"),
            "ended": tickets["finished"],
            "agent": tickets["desk"],
            "outcome": tickets["outcome"].map({"served": "served", "left": "abandoned"}),
            "wait_s": tickets["wait_s"],
            "service_s": tickets["service_s"],
            "source_row": tickets["source_row"],
        }
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="klantstroom-calibrate",
        description="Fit a scenario from a phone or counter log, replay the log through the "
        "model and write a validation report; or validate a fitted scenario out of sample "
        "(--holdout-from, --validate-on).",
    )
    parser.add_argument("log", type=Path, nargs="?", help="the log file to fit")
    parser.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        dest="log_format",
        help="the log's format (see docs/calibration.md)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: calibration/<name>)"
    )
    parser.add_argument("--name", default=None, help="scenario name (default: from the log name)")
    parser.add_argument(
        "--replications", type=int, default=5, help="replications of each replay (default 5)"
    )
    parser.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="the report's language (default en; nl: Dutch)",
    )
    parser.add_argument(
        "--services",
        nargs="*",
        default=None,
        help="call types to validate on (default: all; the report adds each)",
    )
    parser.add_argument(
        "--shift-grid-min",
        type=int,
        default=SHIFT_GRID_MIN,
        help=f"shifts start and end on multiples of this many minutes (default {SHIFT_GRID_MIN})",
    )
    parser.add_argument(
        "--shift-snap-min",
        type=float,
        default=SHIFT_SNAP_MIN,
        help="an agent's first call this many minutes after a shift boundary (last call end "
        f"before one) counts from (to) it; 0 turns this off (default {SHIFT_SNAP_MIN:g})",
    )
    parser.add_argument(
        "--break-threshold-s",
        type=float,
        default=None,
        help="gaps between an agent's calls longer than this are breaks, shorter ones after-call "
        f"work (default: where the gap mixture puts it; {MAX_GAP_S:g}: no breaks)",
    )
    parser.add_argument(
        "--holdout-from",
        type=dt.date.fromisoformat,
        default=None,
        metavar="DATE",
        help="fit on the log before DATE (YYYY-MM-DD) and validate on the log from DATE on",
    )
    parser.add_argument(
        "--validate-on",
        type=Path,
        default=None,
        metavar="OTHER_LOG",
        help="validate the fitted scenario given with --scenario on this log (no fit)",
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=None,
        metavar="FITTED",
        help="a scenario written by klantstroom-calibrate (with --validate-on)",
    )
    parser.add_argument(
        "--no-sensitivity",
        action="store_true",
        help="skip the replays under other after-call/break estimates (faster)",
    )
    return parser.parse_args(argv)


def option_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the options, or None."""
    if args.validate_on is None and args.log is None:
        return "give the log to fit, or --validate-on OTHER_LOG --scenario FITTED"
    if args.validate_on is not None:
        if args.log is not None:
            return "give either a log to fit or --validate-on OTHER_LOG, not both"
        if args.scenario is None:
            return "--validate-on needs --scenario FITTED (a scenario klantstroom-calibrate wrote)"
        if args.holdout_from is not None:
            return "--holdout-from splits the log to fit; it does not go with --validate-on"
    elif args.scenario is not None:
        return "--scenario goes with --validate-on OTHER_LOG (to fit a log, leave it out)"
    if args.replications < 1:
        return f"--replications must be >= 1; got {args.replications}"
    if args.shift_grid_min <= 0 or 1440 % args.shift_grid_min:
        return f"--shift-grid-min must divide 1440 (e.g. 15, 30, 60); got {args.shift_grid_min}"
    if not 0 <= args.shift_snap_min <= BREAK_GAP_MIN / 2:
        # More would let a spell before a break and the one after it snap onto each other.
        return (
            f"--shift-snap-min must be between 0 and {BREAK_GAP_MIN / 2:g} (half the break "
            f"that splits working spells); got {args.shift_snap_min:g}"
        )
    if args.break_threshold_s is not None and not 0 < args.break_threshold_s <= MAX_GAP_S:
        return (
            f"--break-threshold-s must be above 0 and at most {MAX_GAP_S:g} (a longer gap ends "
            f"a working spell); got {args.break_threshold_s:g}"
        )
    return None


def load(path: Path, log_format: str) -> tuple[pd.DataFrame, ImportReport]:
    """Import a log as calls (a counter log's tickets as calls); ValueError when unusable."""
    table, import_report = read_log(path, log_format)
    print(import_report.text())
    calls = counter_as_calls(table) if log_format == "generic-counter" else table
    if len(calls) == 0 or (calls["outcome"] == "served").sum() < 2:
        raise ValueError(f"{path}: too few usable rows to fit anything")
    return calls, import_report


def main(argv: list[str] | None = None) -> int:
    """Run the calibration; return the exit code (0 done, 2 bad input)."""
    args = parse_args(argv)
    problem = option_problem(args)
    if problem:
        print(f"klantstroom-calibrate: {problem}", file=sys.stderr)
        return 2
    channel = "counter" if args.log_format == "generic-counter" else "phone"
    fit_options = {
        "shift_grid_min": args.shift_grid_min,
        "shift_snap_min": args.shift_snap_min,
        "break_threshold_s": args.break_threshold_s,
    }
    try:
        if args.validate_on is not None:
            fitted = read_fitted(args.scenario)
            calls, import_report = load(args.validate_on, args.log_format)
            fit_calls, holdout_calls = None, calls
            stem = f"{args.scenario.stem}_on_{args.validate_on.stem}"
        else:
            fitted = None
            calls, import_report = load(args.log, args.log_format)
            fit_calls, holdout_calls = calls, None
            if args.holdout_from is not None:
                fit_calls, holdout_calls = split_at(calls, args.holdout_from)
            stem = args.log.stem
    except (FileNotFoundError, ValueError) as error:  # FittedScenarioError is a ValueError
        print(f"klantstroom-calibrate: {error}", file=sys.stderr)
        return 2
    # The name becomes a file name and a config name (scenarios=<name>): nothing that leaves
    # --out or needs quoting on a command line.
    name = safe_name((args.name or stem).replace(".", "_").replace("-", "_"), "fitted")
    out = args.out or Path("calibration") / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "import_report.txt").write_text(import_report.text() + "\n", encoding="utf-8")
    scenario_options = {"name": name, "seed": args.seed, "replications": args.replications}

    periods: dict[str, Period] = {}
    scenario_path: Path | None = None
    notes: list[str] = []
    if fit_calls is not None:
        cal = calibrate(fit_calls, import_report, **fit_options)
        config = scenario_config(cal, channel=channel, **scenario_options)
        scenario_path = write_scenario(config, out / "scenarios" / f"{name}.yaml", args.log)
        try:
            build_scenario(config)
        except ScenarioErrors as errors:  # a fit the schema rejects is a bug worth reporting
            print(
                f"klantstroom-calibrate: the fitted scenario is invalid:\n{errors}", file=sys.stderr
            )
            return 1
        periods[IN_SAMPLE] = Period(IN_SAMPLE, cal, config)
        fitted = config
    assert fitted is not None
    if holdout_calls is not None:
        other = calibrate(holdout_calls, import_report, **fit_options)
        own = scenario_config(other, channel=channel, **scenario_options)
        combined, notes = transfer_behaviour(own, fitted, args.language)
        try:
            build_scenario(combined)
        except ScenarioErrors as errors:
            source = args.scenario if args.scenario is not None else "the fit"
            print(
                f"klantstroom-calibrate: {source} does not fit the log to validate on:\n{errors}",
                file=sys.stderr,
            )
            return 2
        periods[OUT_OF_SAMPLE] = Period(OUT_OF_SAMPLE, other, combined)

    for period in periods.values():
        days = period.cal.calls["arrival"].dt.normalize().nunique()
        print(f"replaying {period.label}: {days} days, {args.replications} replications each ...")
        period.validation = validate(
            period.cal.calls,
            period.cal.staffing,
            period.config,
            replications=args.replications,
            services=args.services,
        )
    sensitivity = None
    if IN_SAMPLE in periods and not args.no_sensitivity:
        print("replaying under other after-call and break estimates ...")
        sensitivity = sensitivity_table(periods, args)
    write_outputs(out, args, periods, sensitivity, scenario_path, notes, import_report, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
