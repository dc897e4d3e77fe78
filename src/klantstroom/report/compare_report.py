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
* ``report.html``: all of it on one self-contained page, in English or Dutch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd

from klantstroom.analysis.compare import (
    ScenarioTables,
    comparison_table,
    differences_table,
    staff_table,
)
from klantstroom.report import html
from klantstroom.report.compare_config import write_config_comparison
from klantstroom.report.compare_costs import write_cost_comparison
from klantstroom.report.compare_figures import scenarios_figure, staff_figure, trajectory_figure
from klantstroom.report.compare_segments import write_segment_comparison
from klantstroom.report.compare_training import write_training_comparison
from klantstroom.report.headline import (
    Headline,
    at_level,
    decimal,
    fmt,
    fmt_ci,
    fmt_difference,
    headline_rows,
    name,
    norm_rows,
    select,
)
from klantstroom.report.months import month_table, months_section
from klantstroom.results import RunOutput, unique_labels

_TEXT = {
    "en": {
        "title": "Scenario comparison",
        "lead": "{n} scenarios compared against the baseline {baseline}. Means over "
        "replications with their 95% confidence interval.",
        "norms": "Norms",
        "norms_intro": "A norm is met when the whole 95% confidence interval lies on the right "
        "side of it; 'uncertain' means the interval straddles the norm (more replications "
        "would tell).",
        "kpis": "Headline KPIs",
        "differences": "Difference against the baseline",
        "differences_intro": "Scenario minus {baseline}, with the 95% confidence interval of the "
        "difference; bold where the interval excludes zero. Paired (common random numbers) "
        "where both runs used the same seed and replications.",
        "trajectory": "Road map",
        "trajectory_intro": "Headline KPIs per road-map year, nulmeting to eindbeeld.",
        "no_roadmap": "None of these runs is a road-map year (run.roadmap_step), so there is "
        "no trajectory; run the road map with klantstroom -m "
        "scenarios=nulmeting,jaar1,jaar2,jaar3,eindbeeld.",
        "scenarios_fig": "All scenarios side by side",
        "staff": "Staff per group",
        "training": "Training",
        "segments": "Per segment",
        "changes": "What each scenario changes",
        "staff_intro": "FTE present: hours on duty per week / {hours} h contract week, before "
        "shrinkage; occupancy in brackets. Hours per week are in staff.csv.",
        "runs": "Runs compared",
        "months": "Month by month",
        "all_kpis": "Every KPI per channel, department and staff group (all services)",
        "kpi": "KPI",
        "norm": "norm",
        "group": "staff group",
        "total": "total",
        "met": "met",
        "not met": "not met",
        "uncertain": "uncertain",
        "scenario": "scenario",
        "folder": "folder",
        "skipped": "Runs left out",
        "skipped_intro": "These folders hold runs that are not compared: the run failed, or "
        "its tables are damaged or incomplete (also in skipped.csv).",
        "reason": "reason",
        "composed": "scenarios and overrides",
        "seed": "seed",
        "reps": "replications",
        "period": "period",
        "days": "{start}, {days:g} days",
        "csv": "The tables behind this page: comparison.csv, differences.csv, staff.csv, "
        "training.csv and months.csv next to it. Made by klantstroom-compare on {when}.",
        "no_baseline": "one scenario only: no differences",
        "formula": "service formula",
        "formulas": "Service formulas",
        "formulas_intro": "How each service is delivered in each scenario (a change is marked "
        "with ▶).",
        "service": "service",
    },
    "nl": {
        "title": "Scenariovergelijking",
        "lead": "{n} scenario's vergeleken met de basis {baseline}. Gemiddelden over "
        "replicaties met hun 95%-betrouwbaarheidsinterval.",
        "norms": "Normen",
        "norms_intro": "Een norm is gehaald als het hele 95%-betrouwbaarheidsinterval aan de "
        "goede kant ligt; 'onzeker' betekent dat het interval de norm omvat (meer replicaties "
        "geven uitsluitsel).",
        "kpis": "Kern-KPI's",
        "differences": "Verschil met de basis",
        "differences_intro": "Scenario min {baseline}, met het 95%-betrouwbaarheidsinterval van "
        "het verschil; vet waar het interval nul uitsluit. Gepaard (gemeenschappelijke "
        "toevalsgetallen) als beide runs dezelfde seed en replicaties hadden.",
        "trajectory": "Routekaart",
        "trajectory_intro": "Kern-KPI's per jaar van de routekaart, van nulmeting tot eindbeeld.",
        "no_roadmap": "Geen van deze runs is een jaar van de routekaart (run.roadmap_step), dus "
        "er is geen traject; draai de routekaart met klantstroom -m "
        "scenarios=nulmeting,jaar1,jaar2,jaar3,eindbeeld.",
        "scenarios_fig": "Alle scenario's naast elkaar",
        "staff": "Medewerkers per groep",
        "training": "Opleiding",
        "segments": "Per segment",
        "changes": "Wat elk scenario verandert",
        "staff_intro": "Fte aanwezig: uren aanwezig per week / contractweek van {hours} uur, "
        "vóór uitval; bezettingsgraad tussen haakjes. De uren per week staan in staff.csv.",
        "runs": "Vergeleken runs",
        "months": "Maand voor maand",
        "all_kpis": "Alle KPI's per kanaal, afdeling en medewerkersgroep (alle diensten)",
        "kpi": "KPI",
        "norm": "norm",
        "group": "medewerkersgroep",
        "total": "totaal",
        "met": "gehaald",
        "not met": "niet gehaald",
        "uncertain": "onzeker",
        "scenario": "scenario",
        "folder": "map",
        "skipped": "Niet vergeleken runs",
        "skipped_intro": "Deze mappen bevatten runs die niet zijn vergeleken: de run is "
        "mislukt, of de tabellen zijn beschadigd of onvolledig (ook in skipped.csv).",
        "reason": "reden",
        "composed": "scenario's en overrides",
        "seed": "seed",
        "reps": "replicaties",
        "period": "periode",
        "days": "{start}, {days:g} dagen",
        "csv": "De tabellen achter deze pagina: comparison.csv, differences.csv, staff.csv, "
        "training.csv en months.csv ernaast. Gemaakt door klantstroom-compare op {when}.",
        "no_baseline": "één scenario: geen verschillen",
        "formula": "dienstverleningsformule",
        "formulas": "Dienstverleningsformules",
        "formulas_intro": "Hoe elke dienst per scenario wordt geleverd (een wijziging is "
        "gemarkeerd met ▶).",
        "service": "dienst",
    },
}
_STATUS_CSS = {"met": "met", "not met": "miss", "uncertain": "unsure"}


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
    overview = scenarios_figure(
        comparison, rows, baseline=labels[base], language=language, departments=departments
    )
    staffing = staff_figure(staff, language=language, groups=groups)
    saved: dict[str, Path | None] = {}
    for fig, file in ((trajectory, "trajectory"), (overview, "scenarios"), (staffing, "staff")):
        saved[file] = None
        if fig is not None:
            path = figures / f"{file}.png"
            fig.savefig(path, dpi=110)
            saved[file] = path

    page = _page(
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


def _page(
    runs: Sequence[RunOutput],
    labels: Sequence[str],
    base: int,
    comparison: pd.DataFrame,
    differences: pd.DataFrame,
    staff: pd.DataFrame,
    rows: Sequence[Headline],
    *,
    costs: str = "",
    training: str = "",
    segments: str = "",
    changes: str = "",
    figures: dict[str, Path | None],
    language: str,
    departments: dict[str, str],
    groups: dict[str, str],
    skipped: Sequence[tuple[Path, str]] = (),
) -> str:
    t = _TEXT[language]
    baseline = labels[base]
    present = [row for row in rows if len(select(comparison, row).dropna(subset=["mean"]))]
    names = {"departments": departments}
    body = [
        f"<h1>{html.escape(t['title'])}</h1>",
        f"<p class='lead'>{html.escape(t['lead'].format(n=len(runs), baseline=baseline))}</p>",
        "<nav>"
        + "".join(
            f"<a href='#{anchor}'>{html.escape(t[anchor])}</a>"
            for anchor in ("norms", "kpis", "differences", "months", "trajectory", "staff")
            + (("training",) if training else ())
            + (("segments",) if segments else ())
            + (("changes",) if changes else ())
            + ("runs",)
        )
        + "</nav>",
    ]
    # Norms: every norm the runs declare, at its own level (runs written before run.json
    # listed its norms: the headline KPIs that carry a target).
    body.append(f"<h2 id='norms'>{html.escape(t['norms'])}</h2>")
    body.append(f"<p class='note'>{html.escape(t['norms_intro'])}</p>")
    declared = [norm for run in runs for norm in run.info.get("norms") or []]
    table_rows = []
    candidates = at_level(norm_rows(declared), comparison, departments) if declared else present
    for row in candidates:
        data = select(comparison, row).set_index("scenario")
        with_norm = data.dropna(subset=["target"])
        if with_norm.empty:
            continue
        first = with_norm.iloc[0]
        norm = f"{first['norm']} {fmt(first['target'], row.unit, language)}".replace(">=", "≥")
        cells: list[str | tuple[str, str]] = [
            name(row, language, names["departments"]),
            norm.replace("<=", "≤"),
        ]
        for label in labels:
            if label not in data.index:
                cells.append("–")
                continue
            r = data.loc[label]
            status = r["status"] if isinstance(r["status"], str) else None
            text = fmt(r["mean"], row.unit, language)
            if status:
                cells.append((f"{text} · {t[status]}", _STATUS_CSS[status]))
            else:
                cells.append(text)
        table_rows.append(cells)
    body.append(html.table([t["kpi"], t["norm"], *labels], table_rows))
    body.append(costs)  # beside the norms: what meeting them costs (rendered from a template)
    # Headline KPIs with confidence intervals.
    body.append(f"<h2 id='kpis'>{html.escape(t['kpis'])}</h2>")
    kpi_rows = []
    for row in present:
        data = select(comparison, row).set_index("scenario")
        cells = [name(row, language, departments)]
        for label in labels:
            if label in data.index:
                r = data.loc[label]
                cells.append(fmt_ci(r["mean"], r["ci_low"], r["ci_high"], row.unit, language))
            else:
                cells.append("–")
        kpi_rows.append(cells)
    body.append(html.table([t["kpi"], *labels], kpi_rows))
    # Differences against the baseline.
    body.append(f"<h2 id='differences'>{html.escape(t['differences'])}</h2>")
    others = [label for k, label in enumerate(labels) if k != base]
    if not others:
        body.append(f"<p>{html.escape(t['no_baseline'])}</p>")
    else:
        body.append(
            f"<p class='note'>{html.escape(t['differences_intro'].format(baseline=baseline))}</p>"
        )
        diff_rows = []
        for row in present:
            data = select(differences, row).set_index("scenario")
            base_value = select(comparison, row).set_index("scenario")
            base_text = (
                fmt(base_value.loc[baseline, "mean"], row.unit, language)
                if baseline in base_value.index
                else "–"
            )
            diff_cells: list[str | tuple[str, str]] = [
                name(row, language, departments),
                base_text,
            ]
            for label in others:
                if label not in data.index:
                    diff_cells.append("–")
                    continue
                r = data.loc[label]
                text = (
                    f"{fmt_difference(r['difference'], row.unit, language)} "
                    f"({fmt_difference(r['ci_low'], row.unit, language)} – "
                    f"{fmt_difference(r['ci_high'], row.unit, language)})"
                )
                diff_cells.append((text, "sig") if bool(r["significant"]) else text)
            diff_rows.append(diff_cells)
        body.append(html.table([t["kpi"], baseline, *others], diff_rows))
    body += months_section(
        [(label, run.period_summary) for run, label in zip(runs, labels, strict=True)], language
    )
    # Figures.
    trajectory = figures["trajectory"]
    body.append(f"<h2 id='trajectory'>{html.escape(t['trajectory'])}</h2>")
    if trajectory is None:
        body.append(f"<p class='note'>{html.escape(t['no_roadmap'])}</p>")
    else:
        body.append(f"<p class='note'>{html.escape(t['trajectory_intro'])}</p>")
        body.append(html.figure_block(html.file_img(trajectory)))
    body.append(f"<h3>{html.escape(t['scenarios_fig'])}</h3>")
    body.append(_embed(figures["scenarios"]))
    # Staff.
    hours = float(runs[0].info.get("contract_hours_per_week", 36.0))
    body.append(f"<h2 id='staff'>{html.escape(t['staff'])}</h2>")
    body.append(f"<p class='note'>{html.escape(t['staff_intro'].format(hours=f'{hours:g}'))}</p>")
    body.append(_staff_html(staff, labels, groups, language, t))
    body.append(_embed(figures["staff"]))
    body.append(training)  # what the training plan takes off the floor (from a template)
    body.append(segments)  # who bears the cost of the channel shift (from a template)
    body.append(changes)  # what each scenario changes in the configuration (from a template)
    body.append(_formulas_html(runs, labels, language, t))
    # Runs.
    body.append(f"<h2 id='runs'>{html.escape(t['runs'])}</h2>")
    run_rows = []
    for run, label in zip(runs, labels, strict=True):
        composed = (
            ", ".join(
                [*(["+".join(run.scenarios)] if run.scenarios else []), *run.scenario_overrides]
            )
            or "–"
        )
        period = t["days"].format(
            start=run.info.get("start_date", "?"), days=float(run.info.get("horizon_days", 0))
        )
        run_rows.append(
            [
                label,
                composed,
                str(run.info.get("seed", "?")),
                str(run.info.get("replications_completed", "?")),
                period,
                str(run.folder),
            ]
        )
    body.append(
        html.table(
            [t["scenario"], t["composed"], t["seed"], t["reps"], t["period"], t["folder"]], run_rows
        )
    )
    if skipped:
        body.append(f"<h2 id='skipped'>{html.escape(t['skipped'])}</h2>")
        body.append(f"<p class='note'>{html.escape(t['skipped_intro'])}</p>")
        body.append(
            html.table(
                [t["folder"], t["reason"]], [[str(path), reason] for path, reason in skipped]
            )
        )
    body.append(_all_kpis_html(comparison, labels, t))
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    body.append(f"<p class='note'>{html.escape(t['csv'].format(when=when))}</p>")
    return html.page(f"{t['title']}: {', '.join(labels)}", body, language=language)


def _embed(path: Path | None) -> str:
    """The saved figure as an embedded image (empty when it was not drawn)."""
    return "" if path is None else html.figure_block(html.file_img(path))


def _staff_html(
    staff: pd.DataFrame,
    labels: Sequence[str],
    groups: dict[str, str],
    language: str,
    t: dict[str, str],
) -> str:
    names = list(dict.fromkeys(staff["staff_group"]))
    rows = []
    for group in names:
        part = staff[staff["staff_group"] == group].set_index("scenario")
        cells = [groups.get(group, group)]
        for label in labels:
            if label not in part.index:
                cells.append("–")
                continue
            r = part.loc[label]
            occ = fmt(r["occupancy"], "share", language)
            cells.append(f"{decimal(r['fte_on_duty'], 1, language)} ({occ})")
        rows.append(cells)
    totals = staff.groupby("scenario", sort=False)[["fte_on_duty"]].sum()
    rows.append(
        [t["total"]]
        + [
            decimal(totals.loc[label, "fte_on_duty"], 1, language) if label in totals.index else "–"
            for label in labels
        ]
    )
    return html.table([t["group"], *labels], rows)


def _all_kpis_html(comparison: pd.DataFrame, labels: Sequence[str], t: dict[str, str]) -> str:
    """Every KPI at channel / department / staff-group level, in a collapsed section."""
    level = comparison[(comparison["service"] == "all") & (comparison["shop"] == "all")]
    wide = level.pivot_table(
        index=["channel", "department", "staff_group", "kpi"],
        columns="scenario",
        values="mean",
        aggfunc="first",
        sort=False,
    )
    wide = wide.reindex(columns=[label for label in labels if label in wide.columns])
    rows = []
    for index, values in wide.iterrows():
        channel, department, group, kpi = cast(tuple[str, str, str, str], index)
        where = " / ".join(v for v in (channel, department, group) if v != "all") or "all"
        rows.append([where, kpi, *(f"{v:.4g}" if pd.notna(v) else "–" for v in values)])
    return (
        f"<details><summary>{html.escape(t['all_kpis'])}</summary>"
        + html.table(["", t["kpi"], *wide.columns], rows)
        + "</details>"
    )


_FORMULA_NAMES = {
    "en": {
        "self_service": "self-service online",
        "appointment": "counter, by appointment",
        "walk_in": "counter, walk-in",
        "kcc": "resolved by the KCC",
        "case_managed": "case-managed by a department",
    },
    "nl": {
        "self_service": "zelf online",
        "appointment": "balie, op afspraak",
        "walk_in": "balie, vrije inloop",
        "kcc": "afgehandeld door het KCC",
        "case_managed": "zaakgericht door een afdeling",
    },
}


def _formulas_html(
    runs: Sequence[RunOutput], labels: Sequence[str], language: str, t: dict[str, str]
) -> str:
    """Service x scenario table of service formulas (empty when no run states any)."""
    formulas = [dict(run.info.get("formulas") or {}) for run in runs]
    services: dict[str, str] = {}
    for run in runs:
        services.update(run.labels("services"))
    names = [name for name in services if any(name in f for f in formulas)]
    if not names:
        return ""
    words = _FORMULA_NAMES[language]
    rows = []
    for service in names:
        cells: list[str | tuple[str, str]] = [services[service]]
        previous = None
        for k, per_run in enumerate(formulas):
            value = per_run.get(service)
            text = words.get(str(value), str(value)) if value else "–"
            changed = k > 0 and value != previous
            cells.append((f"▶ {text}", "sig") if changed else text)
            previous = value
        rows.append(cells)
    return (
        f"<h2 id='formulas'>{html.escape(t['formulas'])}</h2>"
        f"<p class='note'>{html.escape(t['formulas_intro'])}</p>"
        + html.table([t["service"], *labels], rows)
    )
