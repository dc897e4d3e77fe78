"""The year month by month: headline KPIs per calendar month, for the run and comparison pages.

A year's mean hides its worst months: the phone's service level of a year can meet a norm that
July (summer leave) misses by 30 points, and appointment access can be one day in March and
two weeks in August. This section shows the headline KPIs of every calendar month in the run
(``period = YYYY-MM`` rows of ``summary.csv``, :mod:`klantstroom.analysis.periods`), and says
which period each channel is judged on. Road-map years lie in different calendar years, so
comparisons line months up by month (January to December), not by date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.periods import PERIOD, WHOLE_RUN, is_month_name
from klantstroom.report.headline import CHANNEL_NAMES, Headline, fmt, name, select
from klantstroom.report.templating import render

# The KPIs worth a month-by-month look: those that move with the seasons, leave and the wave.
MONTH_ROWS: tuple[Headline, ...] = (
    Headline("service_level", "phone"),
    Headline("abandonment_rate", "phone"),
    Headline("chases", "phone", unit="count"),
    Headline("answered_within_norm", "digital"),
    Headline("walk_in_within_norm", "counter"),
    Headline("access_days_mean", "counter", unit="days"),
    Headline("access_within_norm", "counter"),
    Headline("no_slot_rate", "counter"),
)

MONTH_NAMES = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}
_TEXT = {
    "en": {
        "title": "Month by month",
        "intro": "Means over the replications per calendar month of the run. Each channel is "
        "judged on one period: {judged}.",
        "whole": "the whole run",
        "kpi": "KPI",
        "run": "run",
    },
    "nl": {
        "title": "Maand voor maand",
        "intro": "Gemiddelden over de replicaties per kalendermaand van de run. Elk kanaal wordt "
        "beoordeeld op één periode: {judged}.",
        "whole": "de hele run",
        "kpi": "KPI",
        "run": "run",
    },
}


def month_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The calendar-month rows of a whole ``summary.csv``, with ``month`` (1-12) added."""
    if PERIOD not in summary:
        return summary.iloc[0:0].assign(month=pd.Series(dtype=int))
    periods = summary[PERIOD].astype(str)
    months = summary[periods.map(is_month_name).to_numpy(dtype=bool)]
    return months.assign(month=months[PERIOD].astype(str).str[5:].astype(int))


def judged_periods(summary: pd.DataFrame) -> dict[str, str]:
    """Per channel, the period its norms are judged on (from the ``judged`` rows)."""
    if "judged" not in summary or PERIOD not in summary:
        return {}
    judged = summary[summary["judged"].astype(bool).to_numpy() & (summary["channel"] != "all")]
    return {
        str(channel): str(group[PERIOD].iloc[0])
        for channel, group in judged.groupby("channel", sort=False)
    }


def _cell(months: pd.DataFrame, row: Headline, month: int, language: str) -> str:
    data = select(months[months["month"] == month], row)
    if data.empty or np.isnan(float(data["mean"].iloc[0])):
        return "–"
    return fmt(float(data["mean"].iloc[0]), row.unit, language)


def months_section(runs: Sequence[tuple[str, pd.DataFrame]], language: str = "en") -> list[str]:
    """HTML parts of the month-by-month section; empty when no run has calendar months.

    Parameters
    ----------
    runs : sequence of (str, pandas.DataFrame)
        Each run's label and its whole ``summary.csv`` (:attr:`RunOutput.period_summary`).
    language : {"en", "nl"}
        Language of the text.
    """
    t = _TEXT[language]
    tables = [(label, month_table(summary)) for label, summary in runs]
    tables = [(label, months) for label, months in tables if len(months)]
    if not tables:
        return []
    present = sorted({int(m) for _, months in tables for m in months["month"]})
    headers = [MONTH_NAMES[language][m - 1] for m in present]
    judged: Mapping[str, str] = judged_periods(runs[0][1])
    judged_text = ", ".join(
        f"{CHANNEL_NAMES[language].get(channel, channel)}: "
        f"{t['whole'] if period == WHOLE_RUN else period}"
        for channel, period in judged.items()
    )
    rows = [
        row
        for row in MONTH_ROWS
        if any(len(select(months, row).dropna(subset=["mean"])) for _, months in tables)
    ]
    if len(tables) == 1:  # one run: the KPIs by month
        months = tables[0][1]
        body = [
            [name(row, language, {}), *(_cell(months, row, m, language) for m in present)]
            for row in rows
        ]
        blocks = [("", [t["kpi"], *headers], body)]
    else:  # several: per KPI the runs by month
        blocks = [
            (
                name(row, language, {}),
                [t["run"], *headers],
                [
                    [label, *(_cell(months, row, m, language) for m in present)]
                    for label, months in tables
                ],
            )
            for row in rows
        ]
    return [
        render(
            "months_section.html.j2",
            title=t["title"],
            intro=t["intro"].format(judged=judged_text or t["whole"]),
            tables=blocks,
        )
    ]
