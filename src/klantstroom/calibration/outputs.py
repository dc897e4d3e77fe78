"""What ``klantstroom-calibrate`` writes: the tables (CSV), the figures and the report page.

:func:`write_outputs` takes the periods of a calibration (the fit in sample and, with a holdout,
the period validated out of sample), each with its validation, and writes the comparison per
hour and the targets, the per-class and stability tables, the fits, every figure and
``calibration_report.html``; then prints the targets and where everything is.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from klantstroom.calibration import report
from klantstroom.calibration.findings import behaviour_sections, findings_of
from klantstroom.calibration.logs import ImportReport
from klantstroom.calibration.pipeline import Calibration
from klantstroom.calibration.sensitivity import sensitivity_summary
from klantstroom.calibration.stability import drift_table, drift_warnings, weekly_estimates
from klantstroom.calibration.texts import display, texts
from klantstroom.calibration.validation import (
    ALL_TYPES,
    IN_SAMPLE,
    OUT_OF_SAMPLE,
    Period,
    side_by_side,
)
from klantstroom.paths import unique_safe_names


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
    main_type = _main_type(cal)  # the call type with most calls
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
            if label != IN_SAMPLE and group not in (ALL_TYPES, main_type):
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
        shown = [ALL_TYPES, main_type]
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
    findings = findings_of(cal, primary.config, first.per_class, language) + notes
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
