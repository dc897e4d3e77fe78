"""Figure of a staffing plan: staff needed and staff on shift per interval of the week.

One panel per staff group; the x axis runs Monday 00:00 to Sunday 24:00, so a planner sees at
a glance where shifts cover more than needed (the shaded gap) and where nothing is needed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _week_series(table: pd.DataFrame, column: str, interval_min: int) -> np.ndarray:
    slots = 1440 // interval_min
    series = np.zeros(7 * slots)
    for weekday, start, value in zip(
        table["weekday"], table["interval_start_min"], table[column], strict=True
    ):
        series[WEEKDAYS.index(str(weekday)) * slots + int(start) // interval_min] += float(value)
    return series


def _shift_coverage(shifts: pd.DataFrame, interval_min: int) -> np.ndarray:
    """Staff on shift per interval of the week (breaks counted as on shift: a plan view)."""
    slots = 1440 // interval_min
    series = np.zeros(7 * slots)
    for weekday, start, length, staff in zip(
        shifts["weekday"], shifts["start_min"], shifts["length_min"], shifts["staff"], strict=True
    ):
        first = WEEKDAYS.index(str(weekday)) * slots + int(start) // interval_min
        series[first : first + int(length) // interval_min] += int(staff)
    return series


def staffing_figure(
    headcount: pd.DataFrame, shifts: pd.DataFrame, groups: list[str], interval_min: int
) -> Figure:
    """Needed vs on-shift staff per interval of the week, one panel per group."""
    fig = Figure(figsize=(11, 2.8 * max(len(groups), 1) + 1), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(max(len(groups), 1), 1, squeeze=False)[:, 0])
    hours = np.arange(7 * (1440 // interval_min)) * interval_min / 60
    for ax, group in zip(axes, groups, strict=False):
        needed = _week_series(
            headcount[headcount["staff_group"] == group], "staff_needed", interval_min
        )
        on_shift = _shift_coverage(shifts[shifts["staff_group"] == group], interval_min)
        ax.fill_between(hours, on_shift, step="post", color="#c6dbef", label="on shift")
        ax.step(hours, needed, where="post", color="#08519c", linewidth=1.8, label="needed")
        ax.set_title(f"{group}: staff needed and on shift (persons)", loc="left", fontsize=13)
        ax.set_xticks(np.arange(0, 7 * 24 + 1, 24), [*LABELS, ""], fontsize=12)
        ax.set_xlim(0, 7 * 24)
        ax.set_ylabel("Staff (persons)", fontsize=12)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=12)
    if groups:
        axes[0].legend(fontsize=12, loc="upper right")
    fig.suptitle("Staffing plan per half hour of the week", fontsize=15)
    return fig
