"""The road-map path's trajectory month by month: norms, staff on duty and proficiency.

One 16:9 figure (``figures/trajectory_by_month.png``) of three panels sharing the months of the
path on the x axis, each step marked on its date:

* the headline norms' KPIs per month (phone service level and abandonment, e-mail answered
  within norm, counter walk-ins and appointment access), each with its norm as a dashed line in
  its own colour;
* FTE on duty (on the floor) per month, with the FTE in class or teaching on top;
* the learning cohorts' speed and resolution on what they learn, as shares of full.

Colours are the Okabe-Ito palette, which colour-blind readers can tell apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from klantstroom.analysis.trajectory import StretchTables, proficiency_totals, staff_totals
from klantstroom.report.figure_style import (
    LABEL_PT,
    LEGEND_PT,
    TICK_PT,
    TITLE_PT,
    _no_data,
    _style_axes,
)
from klantstroom.report.headline import KPI_NAMES
from klantstroom.report.months import MONTH_NAMES
from klantstroom.report.palette import OKABE_ITO
from klantstroom.report.png import save_png

FIGURE_FILE = "trajectory_by_month.png"
# The norms worth a line of their own: (channel, kpi).
NORM_LINES = (
    ("phone", "service_level"),
    ("phone", "abandonment_rate"),
    ("digital", "answered_within_norm"),
    ("counter", "walk_in_within_norm"),
    ("counter", "access_within_norm"),
)
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "The road map month by month",
        "norms": "Norms per month (dashed: the norm)",
        "share": "share (%)",
        "staff": "Staff per month",
        "fte": "FTE",
        "on_duty": "on duty (on the floor)",
        "training": "in class or teaching",
        "proficiency": "Learning cohorts on what they learn",
        "of_full": "% of full",
        "speed": "speed",
        "fcr": "first-contact resolution",
        "none": "no cohort learning",
        "no_months": "no month with a norm's KPI",
        "channels": {"phone": "phone", "digital": "e-mail", "counter": "counter", "chat": "chat"},
    },
    "nl": {
        "title": "De routekaart maand voor maand",
        "norms": "Normen per maand (gestreept: de norm)",
        "share": "aandeel (%)",
        "staff": "Medewerkers per maand",
        "fte": "fte",
        "on_duty": "ingezet (op de vloer)",
        "training": "in opleiding of docent",
        "proficiency": "Lerende cohorten op wat ze leren",
        "of_full": "% van volledig",
        "speed": "snelheid",
        "fcr": "eerstelijnsoplossing",
        "none": "geen cohort in opleiding",
        "no_months": "geen maand met een KPI met norm",
        "channels": {"phone": "telefoon", "digital": "e-mail", "counter": "balie", "chat": "chat"},
    },
}


def _month_start(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def _x(months: pd.Series) -> np.ndarray:
    """Mid-month dates, so a month's point sits in the middle of its stretch of axis."""
    return np.array([_month_start(str(m)) + dt.timedelta(days=14) for m in months])


def _legend_right(ax: Axes) -> None:
    """The legend to the right of the panel, where it hides no month."""
    ax.legend(fontsize=LEGEND_PT - 2, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)


def _month_ticks(ax: Axes, first: dt.date, last: dt.date, language: str) -> None:
    """Months on the x axis in the report's language: every month of a path up to two years
    (its name, with the year at January and at the start), else every January (the year)."""
    names = MONTH_NAMES[language]
    if (last - first).days <= 731:
        ax.xaxis.set_major_locator(mdates.MonthLocator())

        def label(value: float, _: int) -> str:
            day = mdates.num2date(value).date()
            year = f"\n{day.year}" if day.month == 1 or day <= first + dt.timedelta(days=31) else ""
            return names[day.month - 1] + year

        ax.xaxis.set_major_formatter(FuncFormatter(label))
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def trajectory_figure(
    norms: pd.DataFrame,
    staff: pd.DataFrame,
    proficiency: pd.DataFrame,
    stretches: Sequence[StretchTables],
    folder: Path,
    *,
    language: str = "en",
) -> Path:
    """Draw the path's trajectory into ``folder / FIGURE_FILE`` and return its path.

    Parameters
    ----------
    norms, staff, proficiency : pandas.DataFrame
        :func:`~klantstroom.analysis.trajectory.norm_months`, ``staff_months`` and
        ``proficiency_months``.
    stretches : sequence of StretchTables
        The stretches, to mark each step on its date.
    folder : Path
        Where the PNG goes (created).
    language : {"en", "nl"}
        Language of the labels.
    """
    t = _TEXT[language]
    names = KPI_NAMES[language]
    fig = Figure(figsize=(16, 9), layout="constrained")
    FigureCanvasAgg(fig)
    ax_norm, ax_staff, ax_prof = fig.subplots(3, 1, sharex=True, height_ratios=[1.6, 1.0, 1.0])
    fig.suptitle(t["title"], fontsize=TITLE_PT + 2)

    for colour, (channel, kpi) in zip(OKABE_ITO, NORM_LINES, strict=False):
        rows = norms[(norms["channel"] == channel) & (norms["kpi"] == kpi)].sort_values("month")
        if rows.empty:
            continue
        x = _x(rows["month"])
        label = f"{t['channels'].get(channel, channel)}: {names.get(kpi, kpi)}"
        ax_norm.plot(
            x, 100 * rows["mean"], color=colour, linewidth=2, marker="o", markersize=3, label=label
        )
        ax_norm.fill_between(
            x, 100 * rows["ci_low"], 100 * rows["ci_high"], color=colour, alpha=0.15, linewidth=0
        )
        ax_norm.step(
            x, 100 * rows["target"], where="mid", color=colour, linestyle="--", linewidth=1.2
        )
    ax_norm.set_title(t["norms"], fontsize=TITLE_PT, loc="left")
    ax_norm.set_ylabel(t["share"], fontsize=LABEL_PT)
    ax_norm.set_ylim(0, 112)  # the band above 100% holds the steps' names
    ax_norm.set_yticks(range(0, 101, 20))
    if ax_norm.get_legend_handles_labels()[0]:
        _legend_right(ax_norm)
    else:
        _no_data(ax_norm, t["no_months"])

    if len(staff):
        totals = staff_totals(staff)
        x = _x(totals.index.to_series())
        ax_staff.fill_between(
            x,
            0,
            totals["fte_on_duty"],
            color=OKABE_ITO[0],
            alpha=0.55,
            step="mid",
            label=t["on_duty"],
        )
        ax_staff.fill_between(
            x,
            totals["fte_on_duty"],
            totals["fte_on_duty"] + totals["fte_training"],
            step="mid",
            color=OKABE_ITO[1],
            alpha=0.8,
            label=t["training"],
        )
        top = float((totals["fte_on_duty"] + totals["fte_training"]).max())
        ax_staff.set_ylim(0, top * 1.1 if top > 0 else 1)
        _legend_right(ax_staff)
    ax_staff.set_title(t["staff"], fontsize=TITLE_PT, loc="left")
    ax_staff.set_ylabel(t["fte"], fontsize=LABEL_PT)

    if len(proficiency):
        weighted = proficiency_totals(proficiency)
        x = _x(weighted.index.to_series())
        ax_prof.plot(
            x,
            100 * weighted["proficiency_speed"],
            color=OKABE_ITO[2],
            linewidth=2,
            marker="o",
            markersize=3,
            label=t["speed"],
        )
        ax_prof.plot(
            x,
            100 * weighted["proficiency_fcr"],
            color=OKABE_ITO[3],
            linewidth=2,
            marker="s",
            markersize=3,
            label=t["fcr"],
        )
        _legend_right(ax_prof)
    else:
        _no_data(ax_prof, t["none"])
    ax_prof.set_ylim(0, 105)
    ax_prof.set_title(t["proficiency"], fontsize=TITLE_PT, loc="left")
    ax_prof.set_ylabel(t["of_full"], fontsize=LABEL_PT)

    for ax in (ax_norm, ax_staff, ax_prof):
        _style_axes(ax)
        for stretch in stretches[1:]:
            ax.axvline(stretch.start, color="#555555", linewidth=1, linestyle=":")
    for stretch in stretches:
        ax_norm.annotate(
            stretch.label,
            xy=(stretch.start, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            fontsize=TICK_PT - 1,
            va="top",
            color="#333333",
        )
    first = stretches[0].start
    last = stretches[-1].start + dt.timedelta(days=stretches[-1].days)
    ax_prof.set_xlim(first, last)
    _month_ticks(ax_prof, first, last, language)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIGURE_FILE
    save_png(fig, path, dpi=100)
    return path
