"""The training section of ``report.html``: who is in class, who teaches, how fast they learn.

A training plan costs hours on the floor before it brings anything: the section shows, per staff
group, the hours its members spent in class (``training_hours``) and teaching another group's
cohort (``trainer_hours``), and per skill learnt the cohort's proficiency (handling speed and
first-contact resolution as shares of full proficiency), for the whole run and for each month
when the run spans several (the ``period`` rows of ``summary.csv``,
:mod:`klantstroom.analysis.training`). A run without training has no such rows and no section.
"""

from __future__ import annotations

import pandas as pd

from klantstroom.analysis.periods import PERIOD, WHOLE_RUN, is_month_name
from klantstroom.report.headline import decimal, fmt
from klantstroom.report.templating import render

_TEXT = {
    "en": {
        "title": "Training",
        "lead": "Hours spent in class (learning new skills) and teaching another group's "
        "cohort, per staff group; these hours are not on the floor and not in the staff hours "
        "above. Means over the replications.",
        "group": "staff group",
        "period": "period",
        "run": "whole run",
        "training": "in class (h)",
        "teaching": "teaching (h)",
        "proficiency": "Proficiency on the skills learnt",
        "note": "The cohort's handling speed / first-contact resolution as a share of full "
        "proficiency, mean over the days of the period from the course's start.",
        "skill": "skill",
    },
    "nl": {
        "title": "Opleiding",
        "lead": "Uren in opleiding (nieuwe vaardigheden leren) en uren les geven aan een andere "
        "groep, per medewerkersgroep; deze uren zijn niet op de vloer en tellen niet mee in de "
        "uren hierboven. Gemiddelden over de replicaties.",
        "group": "medewerkersgroep",
        "period": "periode",
        "run": "hele run",
        "training": "in opleiding (uur)",
        "teaching": "les geven (uur)",
        "proficiency": "Vaardigheid in wat geleerd wordt",
        "note": "Snelheid / oplossing in het eerste contact van het cohort als deel van de "
        "volle vaardigheid, gemiddeld over de dagen van de periode vanaf de start.",
        "skill": "vaardigheid",
    },
}


def _periods(summary: pd.DataFrame) -> list[str]:
    """The whole run, then the calendar months in order."""
    names = [str(p) for p in dict.fromkeys(summary[PERIOD])]
    return [WHOLE_RUN, *sorted(p for p in names if is_month_name(p))]


def training_section(
    summary: pd.DataFrame, groups: dict[str, str], language: str = "en"
) -> list[str]:
    """The section's HTML (one item), or nothing when the run has no training.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``summary.csv`` with every period (``RunOutput.period_summary``).
    groups : dict of str to str
        Display names of the staff groups.
    language : str
        ``en`` or ``nl``.
    """
    if PERIOD not in summary:
        summary = summary.assign(**{PERIOD: WHOLE_RUN})
    t = _TEXT[language]
    mean = summary.set_index([PERIOD, "staff_group", "channel", "service", "kpi"])["mean"]
    periods = _periods(summary)
    hours_rows = []
    busy = summary[summary["kpi"].isin(["training_hours", "trainer_hours"]) & (summary["mean"] > 0)]
    for group in dict.fromkeys(busy["staff_group"]):
        for period in periods:
            values = [
                mean.get((period, group, "all", "all", kpi))
                for kpi in ("training_hours", "trainer_hours")
            ]
            if all(v is None for v in values):
                continue
            hours_rows.append(
                [
                    groups.get(str(group), str(group)),
                    t["run"] if period == WHOLE_RUN else period,
                    *("–" if v is None else decimal(v, 1, language) for v in values),
                ]
            )
    learnt = summary[summary["kpi"] == "proficiency_speed"]
    proficiency_rows = []
    for group, channel, service in dict.fromkeys(
        zip(learnt["staff_group"], learnt["channel"], learnt["service"], strict=True)
    ):
        cells = []
        for period in periods:
            speed = mean.get((period, group, channel, service, "proficiency_speed"))
            fcr = mean.get((period, group, channel, service, "proficiency_fcr"))
            cells.append(
                "–"
                if speed is None
                else f"{fmt(speed, 'share', language)} / {fmt(fcr, 'share', language)}"
            )
        proficiency_rows.append(
            [groups.get(str(group), str(group)), f"{service} ({channel})", *cells]
        )
    if not hours_rows and not proficiency_rows:
        return []
    period_names = [t["run"] if p == WHOLE_RUN else p for p in periods]
    return [
        render(
            "training_section.html.j2",
            title=t["title"],
            lead=t["lead"],
            hours_header=[t["group"], t["period"], t["training"], t["teaching"]],
            hours=hours_rows,
            proficiency_title=t["proficiency"],
            proficiency_note=t["note"],
            proficiency_header=[t["group"], t["skill"], *period_names],
            proficiency=proficiency_rows,
        )
    ]
