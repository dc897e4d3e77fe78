"""``report.html`` of one run: its norms, headline KPIs, staff and figures on one page.

Every run writes it next to its tables, so a run can be shown in a workshop without opening a
notebook: the norms met or not (with the 95% confidence interval deciding), the headline KPIs,
staff on duty per group, every figure of ``figures/`` embedded, and the personas' journeys.
Comparisons of several runs are :mod:`klantstroom.report.compare_report`.
"""

from __future__ import annotations

from pathlib import Path

from klantstroom.analysis.compare import ScenarioTables, comparison_table, staff_table
from klantstroom.report import html
from klantstroom.report.headline import (
    at_level,
    decimal,
    fmt,
    fmt_ci,
    headline_rows,
    name,
    norm_rows,
    select,
)
from klantstroom.results import load_run

_TEXT = {
    "en": {
        "title": "Run report",
        "lead": "{label}: {days:g} days from {start} after {warmup:g} days of warm-up, "
        "{reps} replication(s), seed {seed}. Means with their 95% confidence interval.",
        "kpi": "KPI",
        "value": "mean (95% interval)",
        "norm": "norm",
        "status": "norm met?",
        "met": "met",
        "not met": "not met",
        "uncertain": "uncertain",
        "staff": "Staff on duty",
        "group": "staff group",
        "hours": "hours per week",
        "fte": "FTE present",
        "occupancy": "occupancy",
        "figures": "Figures",
        "personas": "Personas",
        "tables": "Tables behind this page: summary.csv, kpis.csv and the Parquet files in this "
        "folder (docs/data-products.md).",
        "incomplete": "This run was interrupted: {n} replication(s) finished.",
    },
    "nl": {
        "title": "Rapport van de run",
        "lead": "{label}: {days:g} dagen vanaf {start} na {warmup:g} dagen inloop, "
        "{reps} replicatie(s), seed {seed}. Gemiddelden met hun 95%-betrouwbaarheidsinterval.",
        "kpi": "KPI",
        "value": "gemiddelde (95%-interval)",
        "norm": "norm",
        "status": "norm gehaald?",
        "met": "gehaald",
        "not met": "niet gehaald",
        "uncertain": "onzeker",
        "staff": "Medewerkers aanwezig",
        "group": "medewerkersgroep",
        "hours": "uren per week",
        "fte": "fte aanwezig",
        "occupancy": "bezettingsgraad",
        "figures": "Figuren",
        "personas": "Persona's",
        "tables": "De tabellen achter deze pagina: summary.csv, kpis.csv en de Parquet-bestanden "
        "in deze map (docs/data-products.md).",
        "incomplete": "Deze run is afgebroken: {n} replicatie(s) zijn klaar.",
    },
}
_CSS = {"met": "met", "not met": "miss", "uncertain": "unsure"}


def write_run_report(folder: Path, language: str = "en") -> Path:
    """Write ``report.html`` into a run's output folder (after its tables and figures)."""
    run = load_run(folder)
    t = _TEXT[language]
    info = run.info
    tables = ScenarioTables(
        label=run.label,
        summary=run.summary,
        kpis=run.kpis,
        horizon_days=float(info.get("horizon_days", 7.0)),
        contract_hours_per_week=float(info.get("contract_hours_per_week", 36.0)),
    )
    comparison = comparison_table([tables])
    departments = run.labels("departments")
    groups = run.labels("staff_groups")
    rows = headline_rows(sorted(d for d in comparison["department"].unique() if d != "all"))
    # Norms on KPIs or levels the headline does not show (a norm on one service, on FCR).
    shown = {(r.kpi, r.channel, r.department, r.service, r.shop) for r in rows}
    rows += [
        r
        for r in at_level(norm_rows(info.get("norms") or []), comparison, departments)
        if (r.kpi, r.channel, r.department, r.service, r.shop) not in shown
    ]
    body = [
        f"<h1>{html.escape(t['title'])}: {html.escape(str(info.get('label') or run.name))}</h1>",
        "<p class='lead'>"
        + html.escape(
            t["lead"].format(
                label=info.get("label") or run.name,
                days=float(info.get("horizon_days", 0)),
                start=info.get("start_date", "?"),
                warmup=float(info.get("warmup_days", 0)),
                reps=info.get("replications_completed", "?"),
                seed=info.get("seed", "?"),
            )
        )
        + "</p>",
    ]
    if info.get("description"):
        body.append(f"<p>{html.escape(info['description'])}</p>")
    if not info.get("complete", True):
        body.append(
            f"<p><strong>{html.escape(t['incomplete'].format(n=info.get('replications_completed')))}"
            "</strong></p>"
        )
    kpi_rows = []
    for row in rows:
        data = select(comparison, row)
        if data.empty or data["mean"].isna().all():
            continue
        r = data.iloc[0]
        status = r["status"] if isinstance(r["status"], str) else None
        norm = (
            f"{'≥' if r['norm'] == '>=' else '≤'} {fmt(r['target'], row.unit, language)}"
            if status
            else ""
        )
        kpi_rows.append(
            [
                name(row, language, departments),
                fmt_ci(r["mean"], r["ci_low"], r["ci_high"], row.unit, language),
                norm,
                (t[status], _CSS[status]) if status else "",
            ]
        )
    body.append(html.table([t["kpi"], t["value"], t["norm"], t["status"]], kpi_rows))
    staff = staff_table([tables])
    if len(staff):
        body.append(f"<h2>{html.escape(t['staff'])}</h2>")
        body.append(
            html.table(
                [t["group"], t["hours"], t["fte"], t["occupancy"]],
                [
                    [
                        groups.get(str(r.staff_group), str(r.staff_group)),
                        f"{r.staff_hours_per_week:.0f}",
                        decimal(r.fte_on_duty, 1, language),
                        fmt(r.occupancy, "share", language),
                    ]
                    for r in staff.itertuples()
                ],
            )
        )
    pictures = sorted((folder / "figures").glob("*.png"))
    if pictures:
        body.append(f"<h2>{html.escape(t['figures'])}</h2>")
        body += [html.figure_block(html.file_img(p)) for p in pictures]
    personas = folder / "personas.txt"
    if personas.exists():
        body.append(f"<h2>{html.escape(t['personas'])}</h2>")
        body.append(f"<pre>{html.escape(personas.read_text(encoding='utf-8'))}</pre>")
    body.append(f"<p class='note'>{html.escape(t['tables'])}</p>")
    path = folder / "report.html"
    path.write_text(
        html.page(f"{t['title']}: {run.name}", body, language=language), encoding="utf-8"
    )
    return path
