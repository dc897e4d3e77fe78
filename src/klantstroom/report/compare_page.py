"""The page of ``klantstroom-compare``: its words in English and Dutch, and its rows.

:func:`page_html` turns the comparison's tables (:mod:`klantstroom.report.compare_report`
computes and writes them) into the self-contained ``report.html``, rendered from the Jinja2
template ``compare_report.html.j2``: the norms with each scenario's verdict, the headline KPIs
with intervals, the differences against the baseline, month by month, the trajectory, staff,
training, segments, what each scenario changes, service formulas, the runs and every KPI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pandas as pd
from markupsafe import Markup

from klantstroom.report import html
from klantstroom.report.headline import (
    Headline,
    at_level,
    decimal,
    fmt,
    fmt_ci,
    fmt_difference,
    name,
    norm_rows,
    select,
)
from klantstroom.report.months import months_section
from klantstroom.report.templating import render
from klantstroom.results import RunOutput

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
        "scenarios_back_fig": "The back office in every scenario",
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
        "scenarios_back_fig": "De backoffice in elk scenario",
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


def page_html(
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
    """The comparison page, rendered from ``compare_report.html.j2``."""
    t = _TEXT[language]
    baseline = labels[base]
    present = [row for row in rows if len(select(comparison, row).dropna(subset=["mean"]))]
    others = [label for k, label in enumerate(labels) if k != base]
    anchors = ["norms", "kpis", "differences", "months", "trajectory", "staff"]
    anchors += [key for key, block in (("training", training), ("segments", segments)) if block]
    anchors += ["changes"] if changes else []
    hours = float(runs[0].info.get("contract_hours_per_week", 36.0))
    formulas = _formula_rows(runs, language)
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    trajectory = figures["trajectory"]
    return render(
        "compare_report.html.j2",
        language=language,
        style=Markup(html.STYLE),
        t=t,
        title=f"{t['title']}: {', '.join(labels)}",
        heading=t["title"],
        lead=t["lead"].format(n=len(runs), baseline=baseline),
        nav=[(anchor, t[anchor]) for anchor in [*anchors, "runs"]],
        labels=list(labels),
        baseline=baseline,
        others=others,
        norm_rows=_cells(_norm_rows(runs, labels, comparison, present, language, departments, t)),
        costs=Markup(costs),
        kpi_rows=_kpi_rows(labels, comparison, present, language, departments),
        differences_intro=t["differences_intro"].format(baseline=baseline),
        difference_rows=_cells(
            _difference_rows(
                labels, baseline, others, comparison, differences, present, language, departments
            )
        )
        if others
        else [],
        months=Markup(
            "\n".join(
                months_section(
                    [(label, run.period_summary) for run, label in zip(runs, labels, strict=True)],
                    language,
                )
            )
        ),
        trajectory=Markup(html.file_img(trajectory, t["trajectory"])) if trajectory else "",
        scenarios_figure=_embed(figures["scenarios"], t["scenarios_fig"])
        + _embed(figures.get("scenarios_back_office"), t["scenarios_back_fig"]),
        staff_intro=t["staff_intro"].format(hours=f"{hours:g}"),
        staff_rows=_staff_rows(staff, labels, groups, language, t),
        staff_figure=_embed(figures["staff"], t["staff"]),
        training=Markup(training),
        segments=Markup(segments),
        changes=Markup(changes),
        formula_rows=_cells(formulas),
        run_rows=_run_rows(runs, labels, t),
        skipped_rows=[[str(path), reason] for path, reason in skipped],
        all_kpis=_all_kpi_rows(comparison, labels),
        csv_note=t["csv"].format(when=when),
    )


def _cells(rows: Sequence[Sequence[str | tuple[str, str]]]) -> list[list[object]]:
    """Rows for the template: a (text, css class) cell becomes a mapping, text stays text."""
    return [
        [{"text": c[0], "cls": c[1]} if isinstance(c, tuple) else c for c in row] for row in rows
    ]


def _norm_rows(
    runs: Sequence[RunOutput],
    labels: Sequence[str],
    comparison: pd.DataFrame,
    present: Sequence[Headline],
    language: str,
    departments: dict[str, str],
    t: dict[str, str],
) -> list[list[str | tuple[str, str]]]:
    """Every norm the runs declare, at its own level, with each scenario's mean and verdict.

    Runs written before run.json listed their norms: the headline KPIs that carry a target.
    """
    declared = [norm for run in runs for norm in run.info.get("norms") or []]
    candidates = at_level(norm_rows(declared), comparison, departments) if declared else present
    table_rows = []
    for row in candidates:
        data = select(comparison, row).set_index("scenario")
        with_norm = data.dropna(subset=["target"])
        if with_norm.empty:
            continue
        first = with_norm.iloc[0]
        norm = f"{first['norm']} {fmt(first['target'], row.unit, language)}".replace(">=", "≥")
        cells: list[str | tuple[str, str]] = [
            name(row, language, departments),
            norm.replace("<=", "≤"),
        ]
        for label in labels:
            if label not in data.index:
                cells.append("–")
                continue
            r = data.loc[label]
            status = r["status"] if isinstance(r["status"], str) else None
            text = fmt(r["mean"], row.unit, language)
            cells.append((f"{text} · {t[status]}", _STATUS_CSS[status]) if status else text)
        table_rows.append(cells)
    return table_rows


def _kpi_rows(
    labels: Sequence[str],
    comparison: pd.DataFrame,
    present: Sequence[Headline],
    language: str,
    departments: dict[str, str],
) -> list[list[str]]:
    """The headline KPIs with their confidence intervals, per scenario."""
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
    return kpi_rows


def _difference_rows(
    labels: Sequence[str],
    baseline: str,
    others: Sequence[str],
    comparison: pd.DataFrame,
    differences: pd.DataFrame,
    present: Sequence[Headline],
    language: str,
    departments: dict[str, str],
) -> list[list[str | tuple[str, str]]]:
    """Each scenario's difference against the baseline with its interval (significant: bold)."""
    diff_rows = []
    for row in present:
        data = select(differences, row).set_index("scenario")
        base_value = select(comparison, row).set_index("scenario")
        base_text = (
            fmt(base_value.loc[baseline, "mean"], row.unit, language)
            if baseline in base_value.index
            else "–"
        )
        diff_cells: list[str | tuple[str, str]] = [name(row, language, departments), base_text]
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
    return diff_rows


def _run_rows(
    runs: Sequence[RunOutput], labels: Sequence[str], t: dict[str, str]
) -> list[list[str]]:
    """Per run: how it was composed, its seed, replications, period and folder."""
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
    return run_rows


def _embed(path: Path | None, alt: str) -> Markup:
    """The saved figure as an embedded image (empty when it was not drawn)."""
    return Markup("" if path is None else html.figure_block(html.file_img(path, alt)))


def _staff_rows(
    staff: pd.DataFrame,
    labels: Sequence[str],
    groups: dict[str, str],
    language: str,
    t: dict[str, str],
) -> list[list[str]]:
    """FTE on duty (occupancy) per group and scenario, and the total."""
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
    return rows


def _all_kpi_rows(comparison: pd.DataFrame, labels: Sequence[str]) -> dict[str, object]:
    """Every KPI at channel / department / staff-group level (shown in a collapsed section)."""
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
    return {"columns": list(wide.columns), "rows": rows}


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


def _formula_rows(runs: Sequence[RunOutput], language: str) -> list[list[str | tuple[str, str]]]:
    """Service x scenario rows of service formulas (none when no run states any); a formula
    that changes from the scenario before is marked."""
    formulas = [dict(run.info.get("formulas") or {}) for run in runs]
    services: dict[str, str] = {}
    for run in runs:
        services.update(run.labels("services"))
    names = [name for name in services if any(name in f for f in formulas)]
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
    return rows
