"""Figure of a staffing plan: staff needed and staff on shift per interval of the week.

One panel per staff group; the x axis runs Monday 00:00 to Sunday 24:00, so a planner sees at
a glance where shifts cover more than needed (the shaded gap) and where nothing is needed.
"""

from __future__ import annotations

import matplotlib
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


MIX_STYLE = {
    "scenario": ("road-map mix", "#08519c", "o"),
    "specialists": ("specialists only", "#a50f15", "s"),
    "multi_skilled": ("multi-skilled only", "#238b45", "^"),
}


def fte_by_year_figure(fte: pd.DataFrame, mixes: pd.DataFrame) -> Figure:
    """FTE per staff group per road-map year (stacked), and per skill mix when compared.

    Parameters
    ----------
    fte : pandas.DataFrame
        :func:`klantstroom.staffing.roadmap.fte_by_year` (groups not sized have NaN FTE and are
        left out).
    mixes : pandas.DataFrame
        :func:`klantstroom.staffing.roadmap.skill_mix_by_year`; may be empty.
    """
    panels = 2 if len(mixes) else 1
    fig = Figure(figsize=(7.5 * panels, 5.5), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(1, panels, squeeze=False)[0])
    years = list(dict.fromkeys(fte["label"]))
    sized = fte[fte["fte"].notna()]
    table = sized.pivot_table(index="label", columns="staff_group", values="fte", aggfunc="sum")
    table = table.reindex(years).fillna(0.0)
    # The configuration's group order (specialist teams, then multi-skilled, ...), so a group
    # keeps its colour and place in the stack from year to year.
    table = table[list(dict.fromkeys(sized["staff_group"]))]
    ax = axes[0]
    bottom = np.zeros(len(years))
    colours = [matplotlib.colormaps["tab20"](i / 20) for i in range(20)]
    x = np.arange(len(years))
    for i, group in enumerate(table.columns):
        values = table[group].to_numpy(dtype=float)
        ax.bar(x, values, bottom=bottom, color=colours[i % len(colours)], label=str(group))
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        ax.annotate(f"{total:.1f}", (xi, total), ha="center", va="bottom", fontsize=12)
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.12)
    ax.set_xticks(x, years, rotation=20, ha="right", fontsize=12)
    ax.set_ylabel("FTE", fontsize=12)
    ax.set_title("FTE per staff group", loc="left", fontsize=13)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    if panels == 2:
        ax = axes[1]
        for mix, (label, colour, marker) in MIX_STYLE.items():
            part = mixes[mixes["skill_mix"] == mix].set_index("label").reindex(years)
            ax.plot(x, part["fte"], color=colour, marker=marker, linewidth=2, label=label)
        ax.set_xticks(x, years, rotation=20, ha="right", fontsize=12)
        ax.set_ylabel("FTE (all sized groups)", fontsize=12)
        ax.set_ylim(bottom=0)
        ax.set_title("Same demand and norms, three ways to staff it", loc="left", fontsize=13)
        ax.legend(fontsize=11)
        ax.grid(alpha=0.3)
    fig.suptitle("Staffing per road-map year", fontsize=15)
    return fig


def pooling_gain_figure(gain: pd.DataFrame) -> Figure:
    """Agent-hours pooling saves per hour of the day, stacked by service (``pooling_gain.csv``)."""
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    table = gain.pivot_table(
        index="hour", columns="service", values="saved_agent_hours", aggfunc="sum"
    )
    table = table.loc[:, table.sum().sort_values(ascending=False).index].fillna(0.0)
    bottom = np.zeros(len(table))
    for service in table.columns:
        values = table[service].to_numpy(dtype=float)
        ax.bar(table.index, values, bottom=bottom, label=str(service))
        bottom += values
    ax.set_xlabel("Hour of the day", fontsize=12)
    ax.set_ylabel("Agent-hours saved (whole horizon)", fontsize=12)
    ax.set_title(
        "Where pooling saves: agents the services need apart minus their share of the pooled need",
        loc="left",
        fontsize=12,
    )
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    return fig
