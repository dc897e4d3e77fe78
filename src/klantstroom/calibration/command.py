"""``klantstroom-calibrate``: turn a log into a runnable scenario and a validation report.

    klantstroom-calibrate ../shared/data/anonymous-bank-1999-01.tsv --format anonymous-bank

imports the log (reporting every row left out, per reason), fits the scenario, writes it as
``<out>/scenarios/<name>.yaml``, replays the log through the model trace-driven and model-driven,
and writes ``<out>/calibration_report.html`` with the comparison against the targets, plus the
tables (CSV) and figures (PNG) behind it. The fitted scenario then runs like any other:

    klantstroom scenarios=<name> 'hydra.searchpath=[file://<out>]'
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from klantstroom.calibration import report
from klantstroom.calibration.compare import (
    by_class,
    comparison_table,
    largest_differences,
    measure,
    queued_calls_from_contacts,
    queued_calls_from_log,
)
from klantstroom.calibration.importers import read_log
from klantstroom.calibration.pipeline import (
    BREAK_GAP_MIN,
    SHIFT_GRID_MIN,
    SHIFT_SNAP_MIN,
    Calibration,
    calibrate,
    scenario_config,
    write_scenario,
)
from klantstroom.calibration.replay import trace_replay
from klantstroom.calibration.staffing_inference import staffing_follows_calls
from klantstroom.experiment import run_experiment
from klantstroom.paths import safe_name, unique_safe_names
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
        "model and write a validation report.",
    )
    parser.add_argument("log", type=Path, help="the log file")
    parser.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        dest="log_format",
        help="the log's format (see docs/calibration.md)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: calibration/<log name>)"
    )
    parser.add_argument("--name", default=None, help="scenario name (default: from the log name)")
    parser.add_argument(
        "--replications", type=int, default=5, help="replications of each replay (default 5)"
    )
    parser.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
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
    return parser.parse_args(argv)


def option_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the numeric options, or None."""
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
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the calibration; return the exit code (0 done, 2 bad input)."""
    args = parse_args(argv)
    problem = option_problem(args)
    if problem:
        print(f"klantstroom-calibrate: {problem}", file=sys.stderr)
        return 2
    try:
        table, import_report = read_log(args.log, args.log_format)
    except (FileNotFoundError, ValueError) as error:
        print(f"klantstroom-calibrate: {error}", file=sys.stderr)
        return 2
    print(import_report.text())
    channel = "counter" if args.log_format == "generic-counter" else "phone"
    calls = counter_as_calls(table) if channel == "counter" else table
    if len(calls) == 0 or (calls["outcome"] == "served").sum() < 2:
        print("klantstroom-calibrate: too few usable rows to fit anything", file=sys.stderr)
        return 2
    # The name becomes a file name and a config name (scenarios=<name>): nothing that leaves
    # --out or needs quoting on a command line.
    name = safe_name((args.name or args.log.stem).replace(".", "_").replace("-", "_"), "fitted")
    out = args.out or Path("calibration") / name
    out.mkdir(parents=True, exist_ok=True)
    (out / "import_report.txt").write_text(import_report.text() + "\n", encoding="utf-8")

    cal = calibrate(
        calls, import_report, shift_grid_min=args.shift_grid_min, shift_snap_min=args.shift_snap_min
    )
    config = scenario_config(
        cal, name=name, seed=args.seed, replications=args.replications, channel=channel
    )
    scenario_path = write_scenario(config, out / "scenarios" / f"{name}.yaml", args.log)
    try:
        scenario = build_scenario(config)
    except ScenarioErrors as errors:  # a fit the schema rejects is a bug worth reporting
        print(f"klantstroom-calibrate: the fitted scenario is invalid:\n{errors}", file=sys.stderr)
        return 1

    print(
        f"replaying {calls['arrival'].dt.normalize().nunique()} days, "
        f"{args.replications} replications each ..."
    )
    traced = trace_replay(cal.calls, cal.staffing, config, replications=args.replications)
    modelled = run_experiment(scenario).contacts
    origin = calls["arrival"].min().normalize()
    log_table = queued_calls_from_log(calls)
    days = int((calls["arrival"].max().normalize() - origin).days) + 1
    log_days = set(log_table["day"].unique().tolist())
    trace_table = queued_calls_from_contacts(traced)
    model_table = queued_calls_from_contacts(modelled)
    model_table = model_table[model_table["day"].isin(log_days)]  # dates the log covers

    groups: dict[str, list[str] | None] = {"all call types": None}
    for service in args.services or sorted(calls["service"].astype(str).unique()):
        groups[service] = [service]
    # Service names come from the log: `../../x` or `a/b` must not steer a figure out of --out.
    slugs = unique_safe_names(list(groups))
    targets, overall, hourly_frames, figures = {}, {}, [], []
    differences = {}
    served = calls[calls["outcome"] == "served"]
    served = pd.DataFrame(
        {
            "service": served["service"].astype(str),
            "hour": served["arrival"].dt.hour,
            "service_s": served["service_s"].astype(float),
        }
    )
    for label, services in groups.items():
        hourly = {
            "log": measure(log_table, days, services),
            "trace": measure(trace_table, days, services),
            "model": measure(model_table, days, services),
        }
        few = float(hourly["log"]["offered"].to_numpy(dtype=float)[-1]) < 30  # the "all" row
        if few and services is not None:
            continue  # too few calls of this type for a meaningful comparison
        overall[label] = comparison_table(hourly)
        targets[label] = report.targets_table(overall[label])
        own = served if services is None else served[served["service"].isin(services)]
        differences[label] = largest_differences(hourly, own)
        for source, frame in hourly.items():
            hourly_frames.append(frame.assign(source=source, services=label))
        figures.append(
            report.save(
                report.validation_figure(hourly, f"Log and replays, {label}"),
                out / "figures" / f"validation_{slugs[label]}.png",
            )
        )
    pd.concat(hourly_frames).to_csv(out / "comparison_hourly.csv")
    pd.concat({k: v for k, v in targets.items()}).to_csv(out / "targets.csv")
    per_class = by_class(
        {
            "log": cal.calls,
            "trace": traced.assign(wait_s=traced["wait_min"] * 60),
            "model": modelled.assign(
                model_service=modelled["service"].astype(str), wait_s=modelled["wait_min"] * 60
            )[modelled["arrival_min"] // 1440 < days],
        }
    )
    per_class.to_csv(out / "by_class.csv")
    if cal.class_load:
        pd.concat(cal.class_load, names=["class"]).to_csv(out / "class_load.csv")
    fits = report.fits_table(cal, config)
    fits.to_csv(out / "fits.csv")
    main_type = str(calls["service"].value_counts().index[0])
    figures += [
        report.save(report.arrivals_figure(cal), out / "figures" / "arrivals.png"),
        report.save(report.service_figure(cal, main_type), out / "figures" / "service_times.png"),
        report.save(report.staffing_figure(cal), out / "figures" / "staffing.png"),
    ]
    patience = config["channels"][channel]["patience"]
    if patience is not None:
        figures.append(
            report.save(report.patience_figure(cal, patience), out / "figures" / "patience.png")
        )
    run_command = f"klantstroom scenarios={name} 'hydra.searchpath=[file://{out.resolve()}]'"
    findings = _findings(cal, config, per_class)
    page = report.write_html(
        out / "calibration_report.html",
        title=f"Calibration of {args.log.name}",
        import_text=import_report.text(),
        fits=fits,
        scenario_path=scenario_path,
        run_command=run_command,
        targets=targets,
        overall=overall,
        figures=figures,
        findings=findings,
        differences=differences,
        class_load=cal.class_load,
    )
    print()
    for label, table in targets.items():
        print(f"{label}:")
        print(
            table[
                [
                    "abandonment_log_%",
                    "abandonment_replay_%",
                    "abandonment_met",
                    "mean_wait_log_s",
                    "mean_wait_replay_s",
                    "mean_wait_met",
                ]
            ]
            .round(2)
            .to_string()
        )
    print(f"\nScenario: {scenario_path}\nReport:   {page}\nRun it:   {run_command}")
    return 0


def _findings(cal: Calibration, config: dict[str, object], per_class: pd.DataFrame) -> list[str]:
    """Plain-language notes on what the fit found (routing classes, after-call time, ...)."""
    notes = []
    first = [key for key, value in cal.served_first.items() if value]
    if first:
        notes.append(
            "Answered ahead of the queue (fewer than a tenth as likely to queue as other calls): "
            + ", ".join(first)
            + ". They get routing priority in the scenario."
        )
    for key in first:
        present = set(per_class.index.get_level_values("service"))
        table = per_class.xs(key, level="service") if key in present else None
        if table is None or not {"log", "model"} <= set(table.index):
            continue
        wait = table["mean_wait_served_s"].astype(float)
        abandoned = table["abandonment_%"].astype(float)
        load = cal.class_load.get(key)
        shares = ""
        if load is not None and len(load) >= 2:
            quiet, busy = load.iloc[0], load.iloc[-1]
            shares = (
                f" Their share of the type's calls is {100 * quiet['class_share']:.0f}% in "
                f"half-hours when other callers waited {load.index[0]} of the time and "
                f"{100 * busy['class_share']:.0f}% when they waited {load.index[-1]} of it: "
                "they are not an independent stream of callers but mostly the callers who found "
                "an agent free (table 'Answered ahead of the queue, by load' below)."
            )
        notes.append(
            f"{key}: in the log these calls waited {wait['log']:.1f} s on average and "
            f"{abandoned['log']:.1f}% hung up; in the model, an independent stream answered "
            f"first but still behind busy agents, they wait {wait['model']:.1f} s and "
            f"{abandoned['model']:.1f}% hang up.{shares} The model's priority class stands in "
            "for that; at busy hours and shift edges it lets them take agents that queued "
            "callers would have had, which is part of the model's extra abandonment."
        )
    notes.append(_shift_edge_note(cal))
    gaps = cal.unavailability
    notes.append(
        f"Agents were unavailable for {gaps.mean_s:.0f} s on average after a call while callers "
        f"were waiting ({len(gaps.gaps_s)} gaps measured): modelled as wrap-up."
    )
    notes.append(
        f"Redials: {100 * cal.redials.probability:.0f}% of abandoning callers with a known id "
        f"called again within {cal.redials.window_min:.0f} min (mean delay "
        f"{cal.redials.mean_delay_min:.1f} min); {cal.redials.n_anonymous} calls were anonymous."
    )
    daily, intraday = staffing_follows_calls(cal.calls, cal.staffing)
    notes.append(
        f"Day-to-day volume varies beyond Poisson with cv {cal.fresh_profile.daily_cv:.2f}; the "
        "scenario fixes each logged date's volume and agent hours instead (date_factors, "
        f"headcount_by_date), because staffing followed the daily volume (correlation "
        f"{daily:.2f} between daily agent hours and daily calls)."
    )
    notes.append(
        "Within the day a date's inferred staffing also followed that date's own calls: per "
        "half hour, its deviation from the weekday's shape correlates "
        f"{intraday:.2f} with the calls' deviation (staffing is read off the calls, and "
        "planners move staff to a day's peaks). The model draws a date's calls from the "
        "weekday's profile, so headcount_by_date spreads each date's agent hours in the "
        "weekday's shape too; the trace-driven replay, which replays each date's own calls, "
        "keeps each date's own staffing."
    )
    return notes


def _shift_edge_note(cal: Calibration) -> str:
    """How the agents' first answers sit against the shift grid, and what snapping added."""
    served = cal.calls[(cal.calls["outcome"] == "served") & cal.calls["agent"].notna()]
    first = served.groupby([served["agent"], served["answered"].dt.normalize()])["answered"].min()
    minute = (first.dt.hour * 60 + first.dt.minute) % cal.shift_grid_min
    near = float((minute < cal.shift_snap_min).mean()) if len(first) else float("nan")
    even = cal.shift_snap_min / cal.shift_grid_min
    added = float(cal.staffing.to_numpy().sum() / cal.staffing_as_logged.to_numpy().sum() - 1)
    return (
        f"{100 * near:.0f}% of the agents' first answers of the day came within "
        f"{cal.shift_snap_min:g} min after a shift boundary (every {cal.shift_grid_min} min; "
        f"{100 * even:.0f}% if spread evenly): agents were on duty before their first call. "
        f"An agent's day that starts (ends) that close after (before) a boundary was extended to "
        f"it, which adds {100 * added:.1f}% to the inferred agent hours."
    )


if __name__ == "__main__":
    sys.exit(main())
