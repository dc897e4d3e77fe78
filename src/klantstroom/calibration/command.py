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
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.calibration import behaviour_figures, report
from klantstroom.calibration.availability import MAX_GAP_S
from klantstroom.calibration.holdout import (
    read_fitted,
    split_at,
    transfer_behaviour,
)
from klantstroom.calibration.importers import read_log
from klantstroom.calibration.logs import ImportReport
from klantstroom.calibration.pipeline import (
    BREAK_GAP_MIN,
    SHIFT_GRID_MIN,
    SHIFT_SNAP_MIN,
    Calibration,
    calibrate,
    scenario_config,
    with_break_threshold,
    write_scenario,
)
from klantstroom.calibration.stability import drift_table, drift_warnings, weekly_estimates
from klantstroom.calibration.staffing_inference import staffing_follows_calls
from klantstroom.calibration.texts import LANGUAGES, display, number, texts
from klantstroom.calibration.validation import ALL_TYPES, Validation, side_by_side, validate
from klantstroom.paths import safe_name, unique_safe_names
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

FORMATS = ("anonymous-bank", "generic-phone", "generic-counter")
IN_SAMPLE = "in sample"
OUT_OF_SAMPLE = "out of sample"
# The alternatives the sensitivity table tries beside the chosen split of the gaps (seconds).
ALTERNATIVE_THRESHOLDS = (("5-minute threshold", 300.0), ("all gaps (no breaks)", MAX_GAP_S))


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


@dataclass
class Period:
    """One period of a log: its fit (demand, staffing, behaviour) and the scenario to replay."""

    label: str
    cal: Calibration
    config: dict[str, Any]
    validation: Validation | None = None


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


def sensitivity_table(periods: dict[str, Period], args: argparse.Namespace) -> pd.DataFrame:
    """Targets met (or missed) under each split of the gaps into after-call work and breaks.

    The chosen split and the alternatives (:data:`ALTERNATIVE_THRESHOLDS`, and the gap mixture
    when a threshold was given), each replayed in sample and, with a holdout, out of sample.
    Returns a long table: ``estimate``, ``threshold_s``, ``after_call_s``, ``break_share_%``,
    ``period``, ``services``, ``replay`` and the targets columns.
    """
    fit = periods[IN_SAMPLE]
    chosen = fit.cal.after_call
    label = "gap mixture" if chosen.method == "mixture" else f"{chosen.method} (chosen)"
    estimates: list[tuple[str, float | None]] = [(label, chosen.threshold_s)]
    if chosen.method != "mixture":
        estimates.append(("gap mixture", None))
    for alternative, seconds in ALTERNATIVE_THRESHOLDS:
        if all(abs((t or -1.0) - seconds) > 1.0 for _, t in estimates):
            estimates.append((alternative, seconds))
    channel = next(iter(fit.config["channels"]))
    rows = []
    for estimate, threshold in estimates:
        cal = (
            fit.cal if threshold == chosen.threshold_s else with_break_threshold(fit.cal, threshold)
        )
        config = scenario_config(
            cal, name="sensitivity", seed=args.seed, replications=args.replications, channel=channel
        )
        results = {IN_SAMPLE: fit.validation}
        if threshold != chosen.threshold_s:
            results[IN_SAMPLE] = validate(
                cal.calls,
                cal.staffing,
                config,
                replications=args.replications,
                services=args.services,
            )
        if OUT_OF_SAMPLE in periods:
            holdout = periods[OUT_OF_SAMPLE]
            results[OUT_OF_SAMPLE] = holdout.validation
            if threshold != chosen.threshold_s:
                own = scenario_config(
                    holdout.cal,
                    name="sensitivity",
                    seed=args.seed,
                    replications=args.replications,
                    channel=channel,
                )
                combined, _ = transfer_behaviour(own, config)
                results[OUT_OF_SAMPLE] = validate(
                    holdout.cal.calls,
                    holdout.cal.staffing,
                    combined,
                    replications=args.replications,
                    services=args.services,
                )
        breaks = cal.breaks
        share = 0.0
        if cal.after_call.breaks and len(breaks):
            per_call = breaks["break_s"].sum() / max(breaks["measured"].sum(), 1)
            share = float(per_call * breaks["calls"].sum() / max(breaks["on_duty_s"].sum(), 1e-9))
        for period, validation in results.items():
            assert validation is not None
            for group, table in validation.targets.items():
                for replay, row in table.iterrows():
                    rows.append(
                        {
                            "estimate": estimate,
                            "threshold_s": round(cal.after_call.threshold_s, 1),
                            "after_call_s": round(cal.after_call.mean_s, 1),
                            "break_share_%": round(100 * share, 1),
                            "period": period,
                            "services": group,
                            "replay": replay,
                            **row.to_dict(),
                        }
                    )
    return pd.DataFrame(rows)


def sensitivity_summary(
    table: pd.DataFrame, groups: list[str], language: str = "en"
) -> pd.DataFrame:
    """One row per estimate; per period and group of call types, what is met (report table)."""
    t = texts(language)

    def verdict(rows: pd.DataFrame) -> str:
        misses = []
        for _, row in rows.iterrows():
            replay = t["sources"].get(row["replay"], row["replay"])
            if not row["abandonment_met"]:
                diff = number(row["abandonment_diff_pp"], "+.1f", language)
                misses.append(t["miss_abandonment"].format(replay=replay, diff=diff))
            if not row["mean_wait_met"]:
                diff = number(row["mean_wait_diff_%"], "+.0f", language)
                misses.append(t["miss_wait"].format(replay=replay, diff=diff))
        return t["met"] if not misses else "; ".join(misses)

    summary: dict[str, dict[str, Any]] = {}
    for (estimate, period, group), rows in table.groupby(
        ["estimate", "period", "services"], sort=False
    ):
        if group not in groups:
            continue
        first = rows.iloc[0]
        entry = summary.setdefault(
            str(estimate),
            {
                "threshold (s)": first["threshold_s"],
                "after-call (s)": first["after_call_s"],
                "breaks (% of agents)": first["break_share_%"],
            },
        )
        entry[f"{period}: {group}"] = verdict(rows)
    frame = pd.DataFrame.from_dict(summary, orient="index")
    frame.index.name = "estimate"  # the page translates heads and estimates (texts.localise)
    return frame


def write_outputs(
    out: Path,
    args: argparse.Namespace,
    periods: dict[str, Period],
    sensitivity: pd.DataFrame | None,
    scenario_path: Path | None,
    notes: list[str],
    import_report: ImportReport,
    name: str,
) -> None:
    """Write the CSVs, figures and the report page; print the targets."""
    language = args.language
    t = texts(language)
    figures_dir = out / "figures"
    primary = periods.get(IN_SAMPLE) or periods[OUT_OF_SAMPLE]
    cal = primary.cal
    validations = {label: p.validation for label, p in periods.items() if p.validation}
    groups = list(dict.fromkeys(g for v in validations.values() for g in v.targets))
    slugs = unique_safe_names(groups)
    figures = []
    hourly_frames = []
    for label, validation in validations.items():
        suffix = "" if label == IN_SAMPLE else "_out_of_sample"
        for group, hourly in validation.hourly.items():
            for source, frame in hourly.items():
                hourly_frames.append(frame.assign(source=source, services=group, period=label))
            if label != IN_SAMPLE and group not in (ALL_TYPES, _main_type(cal)):
                continue  # out of sample: the whole and the main type are enough to look at
            figures.append(
                report.save(
                    report.validation_figure(
                        hourly,
                        t["validation_title"].format(
                            group=display(group, language), period=display(label, language)
                        ),
                        language,
                    ),
                    figures_dir / f"validation_{slugs[group]}{suffix}.png",
                )
            )
    pd.concat(hourly_frames).to_csv(out / "comparison_hourly.csv")
    targets = {
        (label, group): table
        for label, v in validations.items()
        for group, table in v.targets.items()
    }
    pd.concat(targets, names=["period", "services", "replay"]).to_csv(out / "targets.csv")
    pd.concat({label: v.per_class for label, v in validations.items()}, names=["period"]).to_csv(
        out / "by_class.csv"
    )
    if cal.class_load:
        pd.concat(cal.class_load, names=["class"]).to_csv(out / "class_load.csv")
    weekly = weekly_estimates(cal)
    drift = drift_table(weekly)
    weekly.to_csv(out / "stability.csv", index=False)
    drift.to_csv(out / "drift.csv")
    warnings = drift_warnings(drift, language)
    cal.unavailable_share.to_csv(out / "unavailable_share.csv")
    if cal.handling_profiles:
        factors = {
            (service, by): profile.table
            for service, profiles in cal.handling_profiles.items()
            for by, profile in profiles.items()
        }
        pd.concat(factors, names=["service", "by", "group"]).to_csv(out / "handling_factors.csv")
    sections = behaviour_sections(cal, weekly, drift, figures_dir, language)
    if sensitivity is not None:
        sensitivity.to_csv(out / "sensitivity.csv", index=False)
        shown = [ALL_TYPES, _main_type(cal)]
        sections.insert(
            0,
            report.ReportSection(
                heading=t["sensitivity_h"],
                text=t["sensitivity_p"],
                table=sensitivity_summary(sensitivity, shown, language),
                digits=1,
            ),
        )
    in_sample = periods.get(IN_SAMPLE)
    fitted_config = in_sample.config if in_sample else None
    if fitted_config is not None:
        report.fits_table(cal, fitted_config).to_csv(out / "fits.csv")  # English, as every CSV
        fits = report.fits_table(cal, fitted_config, language)
    else:
        fits = pd.DataFrame()
    main_type = _main_type(cal)
    figures += [
        report.save(report.arrivals_figure(cal, language), figures_dir / "arrivals.png"),
        report.save(
            report.service_figure(cal, main_type, language), figures_dir / "service_times.png"
        ),
        report.save(report.staffing_figure(cal, language), figures_dir / "staffing.png"),
    ]
    channel_config = next(iter(primary.config["channels"].values()))
    patience = channel_config["patience"]
    if patience is not None and cal.patience is not None:
        figures.append(
            report.save(
                report.patience_figure(cal, patience, language), figures_dir / "patience.png"
            )
        )
    run_command = (
        f"klantstroom scenarios={name} 'hydra.searchpath=[file://{out.resolve()}]'"
        if scenario_path
        else ""
    )
    first = validations.get(IN_SAMPLE) or validations[OUT_OF_SAMPLE]
    findings = _findings(cal, primary.config, first.per_class, language) + notes
    lead = _lead(args, periods)

    def local(tables: Mapping[str, pd.DataFrame] | None) -> dict[str, pd.DataFrame]:
        """Tables per group of call types, the groups named in the report's language."""
        return {display(name, language): table for name, table in (tables or {}).items()}

    page = report.write_html(
        out / "calibration_report.html",
        title=t["title_calibration"].format(log=args.log.name)
        if args.log is not None
        else t["title_validation"].format(scenario=args.scenario.name, log=args.validate_on.name),
        import_text=import_report.text(language),
        fits=fits,
        scenario_path=scenario_path or args.scenario,
        run_command=run_command or t["validated"].format(scenario=args.scenario),
        targets=local(first.targets),
        overall=local(first.overall),
        figures=figures,
        findings=findings,
        differences=local(first.differences),
        class_load=cal.class_load,
        lead=lead,
        holdout=local(side_by_side(validations))
        if len(validations) > 1 or IN_SAMPLE not in validations
        else None,
        sections=sections,
        warnings=warnings,
        language=language,
    )
    print()
    columns = [
        "abandonment_log_%",
        "abandonment_replay_%",
        "abandonment_met",
        "mean_wait_log_s",
        "mean_wait_replay_s",
        "mean_wait_met",
    ]
    for group, table in side_by_side(validations).items():
        print(f"{group}:")
        print(table[columns].round(2).to_string())
    for warning in warnings:
        print(f"{t['warning']}: {warning}")
    lines = [f"Report:   {page}"]
    if scenario_path is not None:
        lines.insert(0, f"Scenario: {scenario_path}")
        lines.append(f"Run it:   {run_command}")
    print()
    print("\n".join(lines))


def _main_type(cal: Calibration) -> str:
    return str(cal.calls["service"].value_counts().index[0])


def _lead(args: argparse.Namespace, periods: dict[str, Period]) -> str:
    """What was fitted on what, and what was validated on what (one paragraph)."""

    t = texts(args.language)

    def span(period: Period) -> str:
        day = period.cal.calls["arrival"].dt.normalize()
        return t["span"].format(first=day.min().date(), last=day.max().date(), days=day.nunique())

    parts = []
    if IN_SAMPLE in periods:
        parts.append(t["fitted_on"].format(span=span(periods[IN_SAMPLE])))
    if OUT_OF_SAMPLE in periods:
        source = (
            t["fitted_scenario"].format(scenario=args.scenario)
            if args.validate_on is not None
            else t["the_fit"]
        )
        parts.append(t["validated_on"].format(span=span(periods[OUT_OF_SAMPLE]), source=source))
    return " ".join(parts)


def behaviour_sections(
    cal: Calibration,
    weekly: pd.DataFrame,
    drift: pd.DataFrame,
    figures_dir: Path,
    language: str = "en",
) -> list[report.ReportSection]:
    """Report sections on after-call work and breaks, handling by hour and weekly stability."""
    t = texts(language)

    def num(value: float, spec: str) -> str:
        return number(value, spec, language)

    work = cal.after_call
    mixture = work.mixture
    if mixture is not None:
        components = pd.DataFrame(
            {
                "component": [
                    *(f"after-call {k + 1}" for k in range(len(mixture.weights) - 1)),
                    "break",
                ],
                "share_%": 100 * mixture.weights,
                "median_s": mixture.medians_s,
                "sigma_log": mixture.sigmas,
            }
        ).set_index("component")
        components = components[components["share_%"] > 0]
    else:
        components = None
    text = t["gaps_text"].format(
        n=len(cal.unavailability.gaps_s),
        threshold=f"{work.threshold_s:.0f}",
        method=display(work.method, language),
        mean=num(work.mean_s, ".1f"),
    )
    if work.breaks:
        text += t["breaks_text"].format(n=work.n_breaks, mean=num(cal.unavailability.mean_s, ".1f"))
    else:
        text += t["no_breaks_text"]
    sections = [
        report.ReportSection(
            heading=t["after_call_h"],
            text=text,
            table=components,
            digits=2,
            figures=[
                *(
                    [
                        report.save(
                            behaviour_figures.gaps_figure(cal, language), figures_dir / "gaps.png"
                        )
                    ]
                    if len(cal.unavailability.gaps_s)
                    else []
                ),
                *(
                    [
                        report.save(
                            behaviour_figures.break_share_figure(cal, language),
                            figures_dir / "break_share.png",
                        )
                    ]
                    if work.breaks
                    else []
                ),
            ],
        )
    ]
    rows = []
    for service, profiles in sorted(cal.handling_profiles.items()):
        for by, profile in profiles.items():
            factors = profile.table["factor"][profile.table["calls"] >= 30]
            rows.append(
                {
                    "call type": service,
                    "by": by,
                    "p-value": profile.pvalue,
                    "in the scenario": "yes" if profile.used else "no (within chance)",
                    "lowest factor": float(factors.min()) if len(factors) else float("nan"),
                    "highest factor": float(factors.max()) if len(factors) else float("nan"),
                }
            )
    if rows:
        sections.append(
            report.ReportSection(
                heading=t["handling_h"],
                text=t["handling_p"],
                table=pd.DataFrame(rows).set_index(["call type", "by"]),
                digits=3,
                figures=[
                    report.save(
                        behaviour_figures.handling_by_hour_figure(cal, language),
                        figures_dir / "handling_by_hour.png",
                    )
                ],
            )
        )
    sections.append(
        report.ReportSection(
            heading=t["stability_h"],
            text=t["stability_p"],
            table=drift,
            digits=3,
            figures=[
                report.save(
                    behaviour_figures.stability_figure(weekly, drift, language),
                    figures_dir / "stability.png",
                )
            ],
        )
    )
    return sections


def _findings(
    cal: Calibration, config: dict[str, object], per_class: pd.DataFrame, language: str = "en"
) -> list[str]:
    """Plain-language notes on what the fit found (routing classes, after-call time, ...)."""
    t = texts(language)

    def num(value: float, spec: str) -> str:
        return number(value, spec, language)

    notes = []
    first = [key for key, value in cal.served_first.items() if value]
    if first:
        notes.append(t["first_found"].format(keys=", ".join(first)))
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
            shares = t["class_shares"].format(
                quiet=f"{100 * quiet['class_share']:.0f}",
                quiet_load=load.index[0],
                busy=f"{100 * busy['class_share']:.0f}",
                busy_load=load.index[-1],
            )
        notes.append(
            t["class_note"].format(
                key=key,
                wait_log=num(wait["log"], ".1f"),
                aband_log=num(abandoned["log"], ".1f"),
                wait_model=num(wait["model"], ".1f"),
                aband_model=num(abandoned["model"], ".1f"),
                shares=shares,
            )
        )
    notes.append(_shift_edge_note(cal, language))
    work = cal.after_call
    notes.append(
        t["after_call_note"].format(mean=f"{work.mean_s:.0f}", threshold=f"{work.threshold_s:.0f}")
        + (t["breaks_note"].format(n=work.n_breaks) if work.breaks else t["no_breaks_note"])
    )
    notes.append(
        t["redials_note"].format(
            share=f"{100 * cal.redials.probability:.0f}",
            window=f"{cal.redials.window_min:.0f}",
            delay=num(cal.redials.mean_delay_min, ".1f"),
            anonymous=cal.redials.n_anonymous,
        )
    )
    daily, intraday = staffing_follows_calls(cal.calls, cal.staffing)
    notes.append(
        t["volume_note"].format(cv=num(cal.fresh_profile.daily_cv, ".2f"), daily=num(daily, ".2f"))
    )
    notes.append(t["intraday_note"].format(intraday=num(intraday, ".2f")))
    return notes


def _shift_edge_note(cal: Calibration, language: str = "en") -> str:
    """How the agents' first answers sit against the shift grid, and what snapping added."""
    served = cal.calls[(cal.calls["outcome"] == "served") & cal.calls["agent"].notna()]
    first = served.groupby([served["agent"], served["answered"].dt.normalize()])["answered"].min()
    minute = (first.dt.hour * 60 + first.dt.minute) % cal.shift_grid_min
    near = float((minute < cal.shift_snap_min).mean()) if len(first) else float("nan")
    even = cal.shift_snap_min / cal.shift_grid_min
    added = float(cal.staffing.to_numpy().sum() / cal.staffing_as_logged.to_numpy().sum() - 1)
    return texts(language)["shift_edge_note"].format(
        near=f"{100 * near:.0f}",
        snap=f"{cal.shift_snap_min:g}",
        grid=cal.shift_grid_min,
        even=f"{100 * even:.0f}",
        added=number(100 * added, ".1f", language),
    )


if __name__ == "__main__":
    sys.exit(main())
