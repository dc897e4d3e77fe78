"""Training in ``klantstroom-compare``: per scenario the hours off the floor and the proficiency.

A road-map year trains the colleagues who become multi-skilled that year: they spend hours in
class, a specialist teaches them, and they work their new skills below full speed and
resolution until their learning curve is done. :func:`write_training_comparison` writes
``training.csv`` (:func:`klantstroom.analysis.compare.training_table`: per scenario and staff
group the hours in class and teaching per year, the FTE they take off the floor and the mean
proficiency of the cohorts still learning) into the comparison folder and returns the report's
"Training" section, rendered from ``compare_training.html.j2``. When no run has any training the
section is left out (the CSV is written with its header).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.analysis.compare import ScenarioTables, training_table
from klantstroom.report.cost_report import whole
from klantstroom.report.headline import decimal, fmt
from klantstroom.report.templating import render

_TEXT = {
    "en": {
        "title": "Training",
        "intro": "What each scenario's training plan takes off the floor: hours per year in "
        "class (the cohort learning new skills) / teaching (a trainer of another group), per "
        "staff group; a run shorter than a year is scaled by 365 / its days. These hours are "
        "not in the staff on duty above.",
        "group": "staff group",
        "total": "total (in class / teaching)",
        "fte": "FTE off the floor",
        "proficiency": "Proficiency of the cohorts learning",
        "proficiency_intro": "Handling speed / first-contact resolution on the skills learnt, "
        "as a share of full proficiency, mean over the run's days from each course's start "
        "and over the skills (service x channel) the group's cohorts learn; cohorts fully "
        "proficient by the run's first day are not counted. '–': nobody learns.",
        "all": "all skills learnt",
    },
    "nl": {
        "title": "Opleiding",
        "intro": "Wat het opleidingsplan van elk scenario van de vloer haalt: uren per jaar in "
        "opleiding (het cohort dat nieuwe vaardigheden leert) / les geven (een opleider uit "
        "een andere groep), per medewerkersgroep; een run korter dan een jaar is omgerekend "
        "met 365 / het aantal dagen. Deze uren tellen niet mee in de aanwezige medewerkers "
        "hierboven.",
        "group": "medewerkersgroep",
        "total": "totaal (in opleiding / les geven)",
        "fte": "fte van de vloer",
        "proficiency": "Vaardigheid van de cohorten die leren",
        "proficiency_intro": "Snelheid / oplossing in het eerste contact in wat geleerd wordt, "
        "als deel van de volle vaardigheid, gemiddeld over de dagen van de run vanaf de start "
        "van elke cursus en over de vaardigheden (dienst x kanaal) die de cohorten van de "
        "groep leren; cohorten die op de eerste dag van de run volleerd zijn, tellen niet "
        "mee. '–': niemand leert.",
        "all": "alles wat geleerd wordt",
    },
}


def _hours(value: Any, language: str) -> str:
    value = float(value)
    return "–" if not math.isfinite(value) or value <= 0 else whole(value, language)


def _pair(training: Any, teaching: Any, language: str) -> str:
    """``in class / teaching`` hours; ``–`` when neither."""
    text = f"{_hours(training, language)} / {_hours(teaching, language)}"
    return "–" if text == "– / –" else text


def _share_pair(speed: Any, fcr: Any, language: str) -> str:
    if not math.isfinite(float(speed)):
        return "–"
    return f"{fmt(speed, 'share', language)} / {fmt(fcr, 'share', language)}"


def training_rows(
    table: pd.DataFrame, labels: Sequence[str], groups: dict[str, str], language: str
) -> tuple[list[list[str]], list[list[str]]]:
    """The section's two tables: hours off the floor, and proficiency (rows of cells)."""
    t = _TEXT[language]
    by_scenario = {label: table[table["scenario"] == label] for label in labels}
    names = list(dict.fromkeys(table["staff_group"]))

    def group_row(group: str, cell: Callable[[pd.Series], str]) -> list[str]:
        """The group's name, then ``cell`` of its row in each scenario ('–' where it has none)."""
        cells = [groups.get(group, group)]
        for label in labels:
            row = by_scenario[label][by_scenario[label]["staff_group"] == group]
            cells.append("–" if row.empty else cell(row.iloc[0]))
        return cells

    hours_rows = []
    for group in names:
        away = table[(table["staff_group"] == group)]
        if not (away[["training_hours_per_year", "trainer_hours_per_year"]].fillna(0) > 0).any(
            axis=None
        ):
            continue
        hours_rows.append(
            group_row(
                group,
                lambda r: _pair(
                    r["training_hours_per_year"], r["trainer_hours_per_year"], language
                ),
            )
        )
    if hours_rows:
        total = [t["total"]]
        fte = [t["fte"]]
        for label in labels:
            part = by_scenario[label]
            total.append(
                _pair(
                    part["training_hours_per_year"].sum(),
                    part["trainer_hours_per_year"].sum(),
                    language,
                )
            )
            fte.append(decimal(part["fte_off_the_floor"].sum(), 1, language) if len(part) else "–")
        hours_rows += [total, fte]
    proficiency_rows = []
    learning = table[table["skills_learning"] > 0]
    for group in dict.fromkeys(learning["staff_group"]):
        proficiency_rows.append(
            group_row(
                group, lambda r: _share_pair(r["proficiency_speed"], r["proficiency_fcr"], language)
            )
        )
    if proficiency_rows:
        cells = [t["all"]]
        for label in labels:
            part = by_scenario[label]
            part = part[part["skills_learning"] > 0]
            weight = part["skills_learning"].to_numpy(dtype=float)
            cells.append(
                "–"
                if not len(part)
                else _share_pair(
                    np.average(part["proficiency_speed"], weights=weight),
                    np.average(part["proficiency_fcr"], weights=weight),
                    language,
                )
            )
        proficiency_rows.append(cells)
    return hours_rows, proficiency_rows


def write_training_comparison(
    tables: Sequence[ScenarioTables],
    folder: Path,
    groups: dict[str, str],
    language: str,
) -> tuple[pd.DataFrame, str]:
    """Write ``training.csv`` into ``folder``; return the table and the report's section.

    The section is empty when no run trains anyone.
    """
    table = training_table(tables)
    table.to_csv(folder / "training.csv", index=False)
    labels = [sc.label for sc in tables]
    hours, proficiency = training_rows(table, labels, groups, language)
    if not hours and not proficiency:
        return table, ""
    t = _TEXT[language]
    section = render(
        "compare_training.html.j2",
        t=t,
        header=[t["group"], *labels],
        hours=hours,
        proficiency=proficiency,
    )
    return table, section
