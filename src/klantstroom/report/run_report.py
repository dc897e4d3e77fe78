"""``report.html`` of one run: its norms, headline KPIs, staff and figures on one page.

Every run writes it next to its tables, so a run can be shown in a workshop without opening a
notebook: the norms met or not (with the 95% confidence interval deciding), the headline KPIs,
with segments who bears the waits (:mod:`klantstroom.report.segment_report`), staff on duty
per group, every figure of ``figures/`` embedded, and the personas' journeys.
Comparisons of several runs are :mod:`klantstroom.report.compare_report`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from klantstroom.analysis.compare import staff_table
from klantstroom.outputs import write_atomic
from klantstroom.report import html
from klantstroom.report.cost_report import cost_section
from klantstroom.report.figure_captions import figure_sections
from klantstroom.report.headline import decimal, fmt
from klantstroom.report.months import months_section
from klantstroom.report.overview import overview_rows, run_tables
from klantstroom.report.segment_report import segment_section
from klantstroom.report.templating import render
from klantstroom.report.training_section import training_section
from klantstroom.report.year_report import ACCESS_FIGURE, access_section
from klantstroom.results import load_run

_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Run report",
        "lead": "{label}: {days:g} days from {start} after {warmup:g} days of warm-up, "
        "{reps} replication(s), seed {seed}. Means with their 95% confidence interval.",
        "norm": "norm",
        "met": "met",
        "not met": "not met",
        "uncertain": "uncertain",
        "norms": "Norms and headline KPIs",
        "norms_intro": "Each KPI's mean over the replications with its 95% confidence "
        "interval; a norm is met or not when the whole interval lies on one side of it, else "
        "uncertain. Each channel is judged on its own period (run.judge_on).",
        "norms_header": ["KPI", "mean (95% interval)", "norm", "norm met?"],
        "staff": "Staff on duty",
        "staff_header": ["staff group", "hours per week", "FTE present", "occupancy"],
        "group": "staff group",
        "personas": "Personas",
        "tables": "Tables behind this page: summary.csv, kpis.csv and the Parquet files in this "
        "folder (docs/data-products.md).",
        "incomplete": "This run was interrupted: {n} replication(s) finished.",
        "plan": "Staffing plan",
        "plan_lead": "The staff per group that meets the norms for this scenario's demand "
        "({method}, occupancy at most {occupancy}, shrinkage {shrinkage}, {hours:g} h "
        "contracts): {total} FTE.",
        "plan_met": "In the simulation every norm holds with 95% confidence in every interval "
        "({runs} simulation runs).",
        "plan_not_met": "In the simulation not every norm holds yet ({runs} simulation runs).",
        "plan_analytic": "Sized by formula, not checked by simulation (staffing.optimise=false).",
        "plan_more": "Shifts, requirements per interval, e-mail, back office and the skill-mix "
        "comparison: {link}.",
        "plan_fte": "FTE",
        "plan_paid": "paid hours per week",
        "plan_note": "note",
    },
    "nl": {
        "title": "Rapport van de run",
        "lead": "{label}: {days:g} dagen vanaf {start} na {warmup:g} dagen inloop, "
        "{reps} replicatie(s), seed {seed}. Gemiddelden met hun 95%-betrouwbaarheidsinterval.",
        "norm": "norm",
        "met": "gehaald",
        "not met": "niet gehaald",
        "uncertain": "onzeker",
        "norms": "Normen en kerncijfers",
        "norms_intro": "Per KPI het gemiddelde over de replicaties met zijn "
        "95%-betrouwbaarheidsinterval; een norm is gehaald of niet als het hele interval aan "
        "één kant ervan ligt, anders onzeker. Elk kanaal wordt beoordeeld op zijn eigen periode "
        "(run.judge_on).",
        "norms_header": ["KPI", "gemiddelde (95%-interval)", "norm", "norm gehaald?"],
        "staff": "Medewerkers aanwezig",
        "staff_header": ["medewerkersgroep", "uren per week", "fte aanwezig", "bezettingsgraad"],
        "group": "medewerkersgroep",
        "personas": "Persona's",
        "tables": "De tabellen achter deze pagina: summary.csv, kpis.csv en de Parquet-bestanden "
        "in deze map (docs/data-products.md).",
        "incomplete": "Deze run is afgebroken: {n} replicatie(s) zijn klaar.",
        "plan": "Personeelsplan",
        "plan_lead": "De bezetting per groep die de normen haalt bij de vraag van dit scenario "
        "({method}, bezettingsgraad hoogstens {occupancy}, shrinkage {shrinkage}, contracten "
        "van {hours:g} uur): {total} fte.",
        "plan_met": "In de simulatie haalt elke norm in elk interval met 95% betrouwbaarheid "
        "zijn doel ({runs} simulatieruns).",
        "plan_not_met": "In de simulatie haalt nog niet elke norm zijn doel ({runs} "
        "simulatieruns).",
        "plan_analytic": "Berekend met formules, niet door simulatie gecontroleerd "
        "(staffing.optimise=false).",
        "plan_more": "Diensten, behoefte per interval, e-mail, backoffice en de vergelijking "
        "specialisten - breed inzetbaar: {link}.",
        "plan_fte": "fte",
        "plan_paid": "betaalde uren per week",
        "plan_note": "opmerking",
    },
}
_CSS = {"met": "met", "not met": "miss", "uncertain": "unsure"}
STAFFING_FIGURE = "staffing_plan.png"  # shown in the staffing section, not among the figures


def _staffing_section(
    folder: Path, t: dict[str, Any], groups: dict[str, str], language: str
) -> list[str]:
    """The staffing plan written into the run's folder (``output.staffing_plan``), if any."""
    info_path, fte_path = folder / "staffing_plan.json", folder / "fte.csv"
    if not (info_path.is_file() and fte_path.is_file()):
        return []
    info = json.loads(info_path.read_text(encoding="utf-8"))
    fte = pd.read_csv(fte_path, keep_default_na=False, na_values={"fte": [""]})
    rows = [
        [
            groups.get(str(group), str(group)),
            "" if np.isnan(value) else decimal(value, 1, language),
            "" if np.isnan(value) else f"{paid:.0f}",
            str(note),
        ]
        for group, value, paid, note in zip(
            fte["staff_group"],
            fte["fte"].to_numpy(dtype=float),
            fte["paid_hours_per_week"].to_numpy(dtype=float),
            fte["note"],
            strict=True,
        )
    ]
    figure = folder / "figures" / STAFFING_FIGURE
    more_before, _, more_after = t["plan_more"].partition("{link}")
    return [
        render(
            "run_staffing_section.html.j2",
            t=t,
            lead=t["plan_lead"].format(
                method=info.get("method", "?"),
                occupancy=fmt(float(info.get("max_occupancy", 0.0)), "share", language),
                shrinkage=fmt(float(info.get("shrinkage", 0.0)), "share", language),
                hours=float(info.get("contract_hours_per_week", 0.0)),
                total=decimal(float(info.get("total_fte", 0.0)), 1, language),
            ),
            verdict=t["plan_analytic"]
            if not info.get("optimised")
            else t["plan_met" if info.get("norms_met") else "plan_not_met"].format(
                runs=info.get("simulation_runs", 0)
            ),
            rows=rows,
            figure=Markup(html.file_img(figure, t["plan"])) if figure.is_file() else "",
            link=(folder / "staffing_report.html").is_file(),
            more_before=more_before,
            more_after=more_after,
        )
    ]


def write_run_report(folder: Path, language: str = "en") -> Path:
    """Write ``report.html`` into a run's output folder (after its tables and figures)."""
    run = load_run(folder)
    t = _TEXT[language]
    info = run.info
    tables = run_tables(run)
    groups = run.labels("staff_groups")
    kpi_rows: list[list[object]] = [
        [
            row.name,
            row.value,
            row.norm,
            {"text": t[row.status], "cls": _CSS[row.status]} if row.status else "",
        ]
        for row in overview_rows(run, language)
    ]
    staff = staff_table([tables])
    staff_rows = [
        [
            groups.get(str(r.staff_group), str(r.staff_group)),
            f"{r.staff_hours_per_week:.0f}",
            decimal(r.fte_on_duty, 1, language),
            fmt(r.occupancy, "share", language),
        ]
        for r in staff.itertuples()
    ]
    before_staff = [
        *months_section([(str(info.get("label") or run.name), run.period_summary)], language),
        *segment_section(run, language),
    ]
    after_staff = [
        *training_section(run.period_summary, groups, language),
        *cost_section(
            folder, language, info, {"staff_groups": groups, "shops": run.labels("shops")}
        ),
        *_staffing_section(folder, t, groups, language),
        *access_section(run, language),
    ]
    # Figures shown in their own sections are not repeated among the others.
    own_section = {STAFFING_FIGURE, ACCESS_FIGURE}
    pictures = {p.stem: p for p in (folder / "figures").glob("*.png") if p.name not in own_section}
    sections = [
        (heading, [(pictures[stem], title, caption) for stem, title, caption in figures])
        for heading, figures in figure_sections(sorted(pictures), language)
    ]
    personas = folder / "personas.txt"
    nav = [("norms", t["norms"])]
    nav += [("staff", t["staff"])] if staff_rows else []
    nav += [(f"figures-{k}", heading) for k, (heading, _) in enumerate(sections, start=1)]
    nav += [("personas", t["personas"])] if personas.exists() else []
    label = str(info.get("label") or run.name)
    page = render(
        "run_report.html.j2",
        language=language,
        style=Markup(html.STYLE),
        title=f"{t['title']}: {label}",
        lead=t["lead"].format(
            label=label,
            days=float(info.get("horizon_days", 0)),
            start=info.get("start_date", "?"),
            warmup=float(info.get("warmup_days", 0)),
            reps=info.get("replications_completed", "?"),
            seed=info.get("seed", "?"),
        ),
        description=info.get("description") or "",
        incomplete=""
        if info.get("complete", True)
        else t["incomplete"].format(n=info.get("replications_completed")),
        nav=nav,
        t=t,
        kpi_rows=kpi_rows,
        # The section modules render their own blocks (escaped there).
        before_staff=Markup("\n".join(before_staff)),
        staff_rows=staff_rows,
        after_staff=Markup("\n".join(after_staff)),
        figure_sections=sections,
        personas=personas.read_text(encoding="utf-8") if personas.exists() else "",
    )
    path = folder / "report.html"
    # Atomic, as the tables: a full disk leaves the earlier report or none, never half a page.
    write_atomic(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return path
