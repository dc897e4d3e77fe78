"""The scenario comparison: tables, figures and ``report.html`` for a set of runs.

:func:`write_comparison` takes finished runs (see :mod:`klantstroom.results`), computes the
comparison (:mod:`klantstroom.analysis.compare`) and writes, into one folder:

* ``comparison.csv``: every KPI of every scenario with its 95% interval and norm status;
* ``differences.csv``: every KPI's difference against the baseline with its 95% interval;
* ``staff.csv``: staff on duty per group per scenario;
* ``costs.csv`` and ``budget.csv``: cost per year per scenario, and against the baseline
  (:mod:`klantstroom.report.compare_costs`);
* ``segments.csv``: per scenario and citizen segment how they made contact and what they got
  (:mod:`klantstroom.report.compare_segments`);
* ``training.csv``: hours in class and teaching and the learning cohorts' proficiency per group
  per scenario (:mod:`klantstroom.report.compare_training`);
* ``figures/trajectory.png``, ``figures/scenarios.png``, ``figures/staff.png``;
* ``report.html``: all of it on one self-contained page, in English or Dutch
  (:mod:`klantstroom.report.compare_page`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from klantstroom.analysis.compare import (
    ScenarioTables,
    comparison_table,
    differences_table,
    staff_table,
)
from klantstroom.report.compare_config import write_config_comparison
from klantstroom.report.compare_costs import write_cost_comparison
from klantstroom.report.compare_figures import scenarios_figure, staff_figure, trajectory_figure
from klantstroom.report.compare_page import page_html
from klantstroom.report.compare_segments import write_segment_comparison
from klantstroom.report.compare_training import write_training_comparison
from klantstroom.report.headline import (
    headline_rows,
)
from klantstroom.report.months import month_table
from klantstroom.report.png import save_png
from klantstroom.results import RunOutput, unique_labels


@dataclass(frozen=True)
class Comparison:
    """What :func:`write_comparison` produced."""

    folder: Path
    comparison: pd.DataFrame
    differences: pd.DataFrame
    staff: pd.DataFrame
    report: Path
    baseline: str


class BaselineError(ValueError):
    """The requested baseline matches none of the runs (the message lists them)."""


def choose_baseline(runs: Sequence[RunOutput], labels: Sequence[str], wanted: str | None) -> int:
    """Index of the baseline: the run named ``wanted``, else road-map step 0, else the first.

    ``wanted`` may be a run's label, scenario id or ``run.name``.
    """
    if wanted:
        for k, run in enumerate(runs):
            if wanted in (labels[k], run.scenario_id, run.name, run.label):
                return k
        raise BaselineError(
            f"baseline {wanted!r} is none of the compared runs; choose one of: " + ", ".join(labels)
        )
    for k, run in enumerate(runs):
        if run.roadmap_step == 0:
            return k
    return 0


def write_comparison(
    runs: Sequence[RunOutput],
    folder: Path,
    *,
    baseline: str | None = None,
    language: str | None = None,
    labels: Sequence[str] | None = None,
    skipped: Sequence[tuple[Path, str]] = (),
) -> Comparison:
    """Compare ``runs`` and write the tables, figures and ``report.html`` into ``folder``.

    Parameters
    ----------
    runs : sequence of RunOutput
        The runs, in the order they should appear (road-map order from
        :func:`klantstroom.results.find_runs`).
    folder : Path
        Output folder (created).
    baseline : str, optional
        Label, scenario id or name of the baseline run (default: the nulmeting, else the first).
    language : {"en", "nl"}, optional
        Language of the report (default: the runs' ``report.language`` when they agree, else
        English).
    labels : sequence of str, optional
        Names of the runs in the tables and figures, one per run and unique (default: from the
        scenario overlays and the overrides in which the runs differ).
    skipped : sequence of (Path, str)
        Run folders left out of the comparison and why (:func:`klantstroom.results.scan_runs`),
        listed in the report so nothing is left out unseen.

    Raises
    ------
    BaselineError
        If ``baseline`` names none of the runs.
    """
    if not runs:
        raise ValueError("no runs to compare")
    if labels is None:
        labels = unique_labels(runs)
    elif len(labels) != len(runs) or len(set(labels)) != len(labels):
        raise ValueError(f"give one unique label per run ({len(runs)} runs), got {list(labels)}")
    base = choose_baseline(runs, labels, baseline)
    if language is None:
        languages = {run.language for run in runs}
        language = languages.pop() if len(languages) == 1 else "en"
    tables = [
        ScenarioTables(
            label=label,
            summary=run.summary,
            kpis=run.kpis,
            seed=run.info.get("seed"),
            roadmap_step=run.roadmap_step,
            horizon_days=float(run.info.get("horizon_days", 7.0)),
            contract_hours_per_week=float(run.info.get("contract_hours_per_week", 36.0)),
        )
        for run, label in zip(runs, labels, strict=True)
    ]
    comparison = comparison_table(tables)
    differences = differences_table(tables, base)
    staff = staff_table(tables)
    folder.mkdir(parents=True, exist_ok=True)
    comparison.to_csv(folder / "comparison.csv", index=False)
    differences.to_csv(folder / "differences.csv", index=False)
    staff.to_csv(folder / "staff.csv", index=False)
    months = [
        month_table(run.period_summary).assign(scenario=label)
        for run, label in zip(runs, labels, strict=True)
    ]
    pd.concat(months, ignore_index=True).to_csv(folder / "months.csv", index=False)

    departments: dict[str, str] = {}
    groups: dict[str, str] = {}
    # Names as the first run (in road-map order) gives them: a what-if may relabel a group.
    for run in runs:
        for key, value in run.labels("departments").items():
            departments.setdefault(key, value)
        for key, value in run.labels("staff_groups").items():
            groups.setdefault(key, value)
    training = write_training_comparison(tables, folder, groups, language)[1]
    segments = write_segment_comparison(runs, labels, folder, language)
    rows = headline_rows(sorted({d for d in comparison["department"].unique() if d != "all"}))
    figures = folder / "figures"
    figures.mkdir(exist_ok=True)
    has_roadmap = comparison["roadmap_step"].notna().any()
    trajectory = (
        trajectory_figure(comparison, rows, language=language, departments=departments, staff=staff)
        if has_roadmap
        else None
    )
    overview, back_office = (
        scenarios_figure(
            comparison,
            rows,
            baseline=labels[base],
            language=language,
            departments=departments,
            back_office=part,
        )
        for part in (False, True)
    )
    staffing = staff_figure(staff, language=language, groups=groups)
    saved: dict[str, Path | None] = {}
    figures_made = (
        (trajectory, "trajectory"),
        (overview, "scenarios"),
        (back_office, "scenarios_back_office"),
        (staffing, "staff"),
    )
    for fig, file in figures_made:
        saved[file] = None
        if fig is not None:
            path = figures / f"{file}.png"
            save_png(fig, path, dpi=110)
            saved[file] = path

    page = page_html(
        runs,
        labels,
        base,
        comparison,
        differences,
        staff,
        rows,
        costs=write_cost_comparison(runs, labels, base, folder, language),
        training=training,
        segments=segments,
        changes=write_config_comparison(runs, labels, base, folder, language),
        figures=saved,
        language=language,
        departments=departments,
        groups=groups,
        skipped=skipped,
    )
    report = folder / "report.html"
    report.write_text(page, encoding="utf-8")
    return Comparison(folder, comparison, differences, staff, report, labels[base])
