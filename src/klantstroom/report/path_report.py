"""The road-map path's page (``path_report.html``) and its lines on the terminal.

The page answers the planner's question about a path (:mod:`klantstroom.path_runner`): month
by month over the four years, when are the norms met, how many people are on the floor and in
class, and how far the learning cohorts have come. It lists the stretches (each linking its own
``report.html``), shows the trajectory figure, counts per stretch the months each norm is met,
and gives the month table; the per-stretch comparison (norms, FTE, training, cost, segments)
is ``compare/report.html``, linked at the top. The HTML comes from the template
``path_report.html.j2``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from klantstroom.analysis.trajectory import (
    StretchTables,
    proficiency_totals,
    staff_totals,
    stretch_staff,
)
from klantstroom.outputs import write_atomic
from klantstroom.report.headline import KPI_NAMES, decimal, fmt
from klantstroom.report.html import STYLE
from klantstroom.report.path_figures import NORM_LINES
from klantstroom.report.templating import render

PAGE = "path_report.html"
_CHANNELS = {
    "en": {
        "phone": "phone",
        "digital": "e-mail",
        "counter": "counter",
        "chat": "chat",
        "all": "journeys",
    },
    "nl": {
        "phone": "telefoon",
        "digital": "e-mail",
        "counter": "balie",
        "chat": "chat",
        "all": "klantreizen",
    },
}
_STATUS_CLASS = {"met": "met", "not met": "notmet", "uncertain": "uncertain"}
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Road-map path",
        "intro": "The road map as one path over the calendar: each stretch is simulated with "
        "the organisation of its step, from the step's date, and the months of all stretches "
        "are lined up below. Each stretch starts from a warm-up under its own organisation, so "
        "the first weeks after a step show the new organisation settled in.",
        "stretches": "Stretches",
        "stretch_header": [
            "stretch",
            "from",
            "until",
            "days",
            "FTE on duty",
            "FTE in class or teaching",
        ],
        "comparison": "Each stretch's norms, staff, training, cost and segments side by side "
        "(klantstroom-compare)",
        "trajectory": "Month by month",
        "figure_alt": "Norms, staff and proficiency of the learning cohorts per month",
        "caption": "Top: each norm's KPI per month with its 95% interval and the norm dashed. "
        "Middle: FTE on the floor, with those in class or teaching on top. Bottom: the learning "
        "cohorts' speed and first-contact resolution on what they learn, as a share of full. "
        "Dotted lines mark the steps.",
        "norms": "Months meeting each norm",
        "norms_intro": "Per stretch, the months in which the norm is met, uncertain (the 95% "
        "interval straddles the norm) and not met.",
        "months": "The months",
        "months_intro": "Means over the replications; green: norm met, red: not met, amber: "
        "uncertain. A month two stretches share shows the stretch with more of its days "
        "(hours add up over both).",
        "month_header": [
            "month",
            "stretch",
            "FTE on duty",
            "FTE in class or teaching",
            "cohort speed",
            "cohort resolution",
        ],
        "files": "Tables: months.csv (every norm per month), staff_by_month.csv, "
        "proficiency_by_month.csv, path.json; each stretch's folder holds its own run.",
        "counts": "{met} met · {uncertain} uncertain · {not_met} not met",
        "norm": "norm",
        "summary": "Road-map path, {n} stretch(es) from {first} to {last}:",
        "line": "  {label:<28} {months:>3} months  phone SL norm met in {met:>2}  "
        "FTE on duty {fte:>6}  in class/teaching {train:>5}",
    },
    "nl": {
        "title": "Routekaart als pad",
        "intro": "De routekaart als één pad over de kalender: elk traject wordt gesimuleerd "
        "met de organisatie van zijn stap, vanaf de datum van die stap, en de maanden van alle "
        "trajecten staan hieronder op een rij. Elk traject begint met een inloopperiode onder "
        "zijn eigen organisatie, dus de eerste weken na een stap tonen de nieuwe organisatie "
        "ingewerkt.",
        "stretches": "Trajecten",
        "stretch_header": [
            "traject",
            "van",
            "tot",
            "dagen",
            "fte ingezet",
            "fte in opleiding of docent",
        ],
        "comparison": "Normen, medewerkers, opleiding, kosten en segmenten per traject naast "
        "elkaar (klantstroom-compare)",
        "trajectory": "Maand voor maand",
        "figure_alt": "Normen, medewerkers en vaardigheid van de lerende cohorten per maand",
        "caption": "Boven: de KPI van elke norm per maand met het 95%-interval en de norm "
        "gestreept. Midden: fte op de vloer, met wie in opleiding is of lesgeeft erbovenop. "
        "Onder: snelheid en eerstelijnsoplossing van de lerende cohorten op wat ze leren, als "
        "aandeel van volledig. Stippellijnen markeren de stappen.",
        "norms": "Maanden die de norm halen",
        "norms_intro": "Per traject de maanden waarin de norm gehaald wordt, onzeker is (het "
        "95%-interval omvat de norm) en niet gehaald wordt.",
        "months": "De maanden",
        "months_intro": "Gemiddelden over de replicaties; groen: norm gehaald, rood: niet "
        "gehaald, oranje: onzeker. Een maand die twee trajecten delen toont het traject met de "
        "meeste dagen (uren tellen over beide op).",
        "month_header": [
            "maand",
            "traject",
            "fte ingezet",
            "fte in opleiding of docent",
            "snelheid cohort",
            "oplossing cohort",
        ],
        "files": "Tabellen: months.csv (elke norm per maand), staff_by_month.csv, "
        "proficiency_by_month.csv, path.json; de map van elk traject bevat zijn eigen run.",
        "counts": "{met} gehaald · {uncertain} onzeker · {not_met} niet",
        "norm": "norm",
        "summary": "Routekaart als pad, {n} traject(en) van {first} tot {last}:",
        "line": "  {label:<28} {months:>3} maanden  telefoon-SL-norm gehaald in {met:>2}  "
        "fte ingezet {fte:>6}  in opleiding/docent {train:>5}",
    },
}


def _norm_name(channel: str, kpi: str, language: str) -> str:
    return f"{_CHANNELS[language].get(channel, channel)}: {KPI_NAMES[language].get(kpi, kpi)}"


def _target(rows: pd.DataFrame, language: str) -> str:
    first = rows.iloc[0]
    sign = "≥" if first["norm"] == ">=" else "≤"
    return f"{sign} {fmt(first['target'], 'share', language)}"


def _cell(value: float, unit: str, status: object, language: str) -> dict[str, str]:
    return {"text": fmt(value, unit, language), "cls": _STATUS_CLASS.get(str(status), "")}


def write_path_report(
    folder: Path,
    *,
    label: str,
    stretches: Sequence[StretchTables],
    norms: pd.DataFrame,
    staff: pd.DataFrame,
    proficiency: pd.DataFrame,
    figure: Path | None,
    comparison: Path | None,
    language: str = "en",
) -> Path:
    """Write ``folder / PAGE`` and return its path."""
    t = _TEXT[language]
    stretch_rows = []
    for stretch in stretches:
        fte, train = stretch_staff(stretch)
        end = stretch.start + dt.timedelta(days=stretch.days)
        stretch_rows.append(
            [
                {"text": stretch.label, "href": f"{stretch.name}/report.html", "cls": ""},
                stretch.start.isoformat(),
                end.isoformat(),
                str(stretch.days),
                decimal(fte, 1, language) if np.isfinite(fte) else "–",
                decimal(train, 1, language) if np.isfinite(train) else "–",
            ]
        )
    # Months meeting each norm, per stretch (the month's owner).
    keys = norms[["channel", "kpi"]].drop_duplicates().itertuples(index=False)
    norm_header = [t["norm"], "", *(s.label for s in stretches)]
    norm_rows = []
    for channel, kpi in keys:
        rows = norms[(norms["channel"] == channel) & (norms["kpi"] == kpi)]
        cells: list[object] = [
            _norm_name(str(channel), str(kpi), language),
            _target(rows, language),
        ]
        for stretch in stretches:
            own = rows[rows["stretch"] == stretch.name]["status"].value_counts()
            met, unsure, not_met = (int(own.get(s, 0)) for s in ("met", "uncertain", "not met"))
            if met + unsure + not_met == 0:
                cells.append("–")
                continue
            cls = (
                "met"
                if met >= max(unsure, not_met)
                else "notmet"
                if not_met > unsure
                else ("uncertain")
            )
            cells.append(
                {"text": t["counts"].format(met=met, uncertain=unsure, not_met=not_met), "cls": cls}
            )
        norm_rows.append(cells)
    # The month table: the headline norms, then staff and proficiency.
    lines = [(c, k) for c, k in NORM_LINES if ((norms["channel"] == c) & (norms["kpi"] == k)).any()]
    month_header = [
        *t["month_header"][:2],
        *(_norm_name(c, k, language) for c, k in lines),
        *t["month_header"][2:],
    ]
    fte_months = staff_totals(staff) if len(staff) else None
    prof = proficiency_totals(proficiency) if len(proficiency) else None
    labels = {s.name: s.label for s in stretches}
    month_rows = []
    for month in sorted(
        set(norms["month"]) | (set(fte_months.index) if fte_months is not None else set())
    ):
        at = norms[norms["month"] == month]
        owner = str(at["stretch"].iloc[0]) if len(at) else ""
        row: list[object] = [month, labels.get(owner, owner)]
        for channel, kpi in lines:
            hit = at[(at["channel"] == channel) & (at["kpi"] == kpi)]
            row.append(
                _cell(float(hit["mean"].iloc[0]), "share", hit["status"].iloc[0], language)
                if len(hit)
                else "–"
            )
        if fte_months is not None and month in fte_months.index:
            row += [
                decimal(fte_months.loc[month, "fte_on_duty"], 1, language),
                decimal(fte_months.loc[month, "fte_training"], 1, language),
            ]
        else:
            row += ["–", "–"]
        if prof is not None and month in prof.index:
            p = prof.loc[month]
            row += [
                fmt(p["proficiency_speed"], "share", language),
                fmt(p["proficiency_fcr"], "share", language),
            ]
        else:
            row += ["–", "–"]
        month_rows.append(row)
    text = render(
        "path_report.html.j2",
        title=label or t["title"],
        language=language,
        style=Markup(STYLE),
        t=t,
        stretch_rows=stretch_rows,
        comparison=comparison.relative_to(folder).as_posix() if comparison is not None else None,
        figure=figure,
        norm_header=norm_header,
        norm_rows=norm_rows,
        month_header=month_header,
        month_rows=month_rows,
    )
    page = folder / PAGE
    write_atomic(page, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return page


def path_summary_text(
    stretches: Sequence[StretchTables],
    norms: pd.DataFrame,
    staff: pd.DataFrame,
    proficiency: pd.DataFrame,
    *,
    language: str = "en",
) -> str:
    """A few lines for the terminal: per stretch, months, phone norm months met, FTE."""
    t = _TEXT[language]
    last = stretches[-1].start + dt.timedelta(days=stretches[-1].days)
    lines = [t["summary"].format(n=len(stretches), first=stretches[0].start, last=last)]
    phone = norms[(norms["channel"] == "phone") & (norms["kpi"] == "service_level")]
    for stretch in stretches:
        fte, train = stretch_staff(stretch)
        own = phone[phone["stretch"] == stretch.name]
        lines.append(
            t["line"].format(
                label=stretch.label[:28],
                months=len(own),
                met=int((own["status"] == "met").sum()),
                fte=decimal(fte, 1, language) if np.isfinite(fte) else "–",
                train=decimal(train, 1, language) if np.isfinite(train) else "–",
            )
        )
    return "\n".join(lines)
