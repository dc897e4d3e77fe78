"""Figures of a staffing plan: staff needed and on shift per interval, FTE per road-map year.

* :func:`staffing_figure` -- per staff group, the staff needed and on shift per half hour of the
  week (Monday 00:00 to Sunday 24:00), so a planner sees where shifts cover more than needed
  (the shaded gap) and where nothing is needed. A slide holds the six groups with the most
  hours needed; every group is in the plan's tables.
* :func:`fte_by_year_figure` -- FTE per group per road-map year (stacked; the six largest groups
  in colours, the rest grey) and per skill mix.
* :func:`pooling_gain_figure` -- agent-hours pooling saves per hour of the day, per service.

Each takes the report's language and the display names of groups and services.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from klantstroom.report.palette import OKABE_ITO, OTHER, SERIES, largest

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Groups on one slide of the plan figure: three rows of two.
PLAN_PANELS = 6

_TEXT: dict[str, dict[str, object]] = {
    "en": {
        "days": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "on_shift": "on shift",
        "needed": "needed",
        "staff": "Staff (persons)",
        "plan": "Staffing plan per half hour of the week: staff needed and on shift",
        "plan_more": "Staffing plan per half hour of the week: the {n} groups with most hours "
        "needed (all {total} in the tables)",
        "fte_title": "FTE per staff group",
        "mix_title": "Same demand and norms, three ways to staff it",
        "mix_axis": "FTE (all sized groups)",
        "roadmap": "Staffing per road-map year",
        "other": "other groups",
        "mixes": {
            "scenario": "road-map mix",
            "specialists": "specialists only",
            "multi_skilled": "multi-skilled only",
        },
        "hour": "Hour of the day",
        "saved": "Agent-hours saved (whole horizon)",
        "gain": "Where pooling saves: agents the services need apart minus their share of the "
        "pooled need",
        "other_services": "other services",
    },
    "nl": {
        "days": ("ma", "di", "wo", "do", "vr", "za", "zo"),
        "on_shift": "ingeroosterd",
        "needed": "nodig",
        "staff": "Medewerkers (personen)",
        "plan": "Personeelsplan per half uur van de week: medewerkers nodig en ingeroosterd",
        "plan_more": "Personeelsplan per half uur van de week: de {n} groepen met de meeste "
        "uren nodig (alle {total} in de tabellen)",
        "fte_title": "Fte per medewerkersgroep",
        "mix_title": "Dezelfde vraag en normen, drie manieren van bemensen",
        "mix_axis": "Fte (alle berekende groepen)",
        "roadmap": "Bezetting per jaar van de routekaart",
        "other": "overige groepen",
        "mixes": {
            "scenario": "mix van de routekaart",
            "specialists": "alleen specialisten",
            "multi_skilled": "alleen breed inzetbaar",
        },
        "hour": "Uur van de dag",
        "saved": "Bespaarde medewerkersuren (hele periode)",
        "gain": "Waar samenvoegen bespaart: medewerkers die de diensten apart nodig hebben min "
        "hun deel van de gezamenlijke behoefte",
        "other_services": "overige diensten",
    },
}


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


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
    headcount: pd.DataFrame,
    shifts: pd.DataFrame,
    groups: list[str],
    interval_min: int,
    *,
    language: str = "en",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Needed vs on-shift staff per interval of the week: the six groups with most hours needed.

    Parameters
    ----------
    headcount, shifts : pandas.DataFrame
        The plan's staff needed per interval and its shifts.
    groups : list of str
        The sized groups, in the plan's order.
    interval_min : int
        The calendar's interval.
    language : str
        ``en`` or ``nl``.
    names : mapping, optional
        Display names of the groups.
    """
    t = _TEXT[language]
    needed = {
        g: _week_series(headcount[headcount["staff_group"] == g], "staff_needed", interval_min)
        for g in groups
    }
    shown = largest({g: float(v.sum()) for g, v in needed.items()}, PLAN_PANELS)
    rows = max(1, (len(shown) + 1) // 2)
    cols = 2 if len(shown) > 1 else 1
    fig = _figure(16.0, min(9.0, 1.2 + 2.6 * rows))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    hours = np.arange(7 * (1440 // interval_min)) * interval_min / 60
    days = list(t["days"])  # type: ignore[call-overload]
    for ax, group in zip(axes, shown, strict=False):
        on_shift = _shift_coverage(shifts[shifts["staff_group"] == group], interval_min)
        ax.fill_between(hours, on_shift, step="post", color="#c6dbef", label=t["on_shift"])
        ax.step(
            hours, needed[group], where="post", color=OKABE_ITO[0], linewidth=1.8, label=t["needed"]
        )
        ax.set_title((names or {}).get(group, group), loc="left", fontsize=13)
        ax.set_xticks(np.arange(0, 7 * 24 + 1, 24), [*days, ""], fontsize=12)
        ax.set_xlim(0, 7 * 24)
        ax.set_ylabel(str(t["staff"]), fontsize=11)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=11)
    for ax in axes[len(shown) :]:
        ax.set_axis_off()
    if shown:
        axes[0].legend(fontsize=11, loc="upper right")
    title = t["plan"] if len(shown) == len(groups) else t["plan_more"]
    fig.suptitle(str(title).format(n=len(shown), total=len(groups)), fontsize=15)
    return fig


def fte_by_year_figure(
    fte: pd.DataFrame,
    mixes: pd.DataFrame,
    *,
    language: str = "en",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """FTE per staff group per road-map year (stacked), and per skill mix when compared.

    Parameters
    ----------
    fte : pandas.DataFrame
        :func:`klantstroom.staffing.roadmap.fte_by_year` (groups not sized have NaN FTE and are
        left out).
    mixes : pandas.DataFrame
        :func:`klantstroom.staffing.roadmap.skill_mix_by_year`; may be empty.
    language : str
        ``en`` or ``nl``.
    names : mapping, optional
        Display names of the groups.
    """
    t = _TEXT[language]
    panels = 2 if len(mixes) else 1
    fig = _figure(16.0 if panels == 2 else 12.0, 7.5)
    axes = np.atleast_1d(fig.subplots(1, panels, squeeze=False)[0])
    years = list(dict.fromkeys(fte["label"]))
    sized = fte[fte["fte"].notna()]
    # Plans that share a label (a sweep over seeds of one scenario) are averaged, not stacked.
    table = sized.pivot_table(index="label", columns="staff_group", values="fte", aggfunc="mean")
    table = table.reindex(years).fillna(0.0)
    # The configuration's group order (specialist teams, then multi-skilled, ...), so a group
    # keeps its colour and place in the stack from year to year.
    order = [str(g) for g in dict.fromkeys(sized["staff_group"])]
    table = table[order]
    shown = largest({g: float(table[g].sum()) for g in order})
    series = [((names or {}).get(g, g), table[g], SERIES[k]) for k, g in enumerate(shown)]
    rest = [g for g in order if g not in shown]
    if rest:
        series.append((str(t["other"]), table[rest].sum(axis=1), OTHER))
    ax = axes[0]
    bottom = np.zeros(len(years))
    x = np.arange(len(years))
    for label, column, colour in series:
        values = column.to_numpy(dtype=float)
        ax.bar(x, values, bottom=bottom, color=colour, label=label, edgecolor="white")
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        text = f"{total:.1f}"
        ax.annotate(
            text.replace(".", ",") if language == "nl" else text,
            (xi, total),
            ha="center",
            va="bottom",
            fontsize=12,
        )
    ax.set_ylim(0, max(float(bottom.max()) if len(bottom) else 1.0, 1.0) * 1.12)
    ax.set_xticks(x, years, rotation=20, ha="right", fontsize=12)
    ax.set_ylabel("fte" if language == "nl" else "FTE", fontsize=12)
    ax.set_title(str(t["fte_title"]), loc="left", fontsize=13)
    ax.grid(axis="y", alpha=0.3)
    if panels == 2:
        ax = axes[1]
        mix_names: dict[str, str] = t["mixes"]  # type: ignore[assignment]
        for k, (mix, marker) in enumerate(zip(mix_names, "os^", strict=True)):
            part = mixes[mixes["skill_mix"] == mix].groupby("label")["fte"].mean().reindex(years)
            ax.plot(
                x,
                part.to_numpy(dtype=float),
                color=OKABE_ITO[k],
                marker=marker,
                linewidth=2,
                label=mix_names[mix],
            )
        ax.set_xticks(x, years, rotation=20, ha="right", fontsize=12)
        ax.set_ylabel(str(t["mix_axis"]), fontsize=12)
        ax.set_ylim(bottom=0)
        ax.set_title(str(t["mix_title"]), loc="left", fontsize=13)
        ax.legend(fontsize=11)
        ax.grid(alpha=0.3)
    axes[0].legend(
        fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2, frameon=False
    )
    fig.suptitle(str(t["roadmap"]), fontsize=15)
    return fig


def pooling_gain_figure(
    gain: pd.DataFrame, *, language: str = "en", names: Mapping[str, str] | None = None
) -> Figure:
    """Agent-hours pooling saves per hour of the day, stacked by service (``pooling_gain.csv``).

    The six services that save most are named; the rest are one grey series.
    """
    t = _TEXT[language]
    fig = _figure(14.0, 6.0)
    ax = fig.subplots()
    table = gain.pivot_table(
        index="hour", columns="service", values="saved_agent_hours", aggfunc="sum"
    ).fillna(0.0)
    totals = {str(c): float(table[c].sum()) for c in table.columns}
    shown = sorted(largest(totals), key=lambda c: -totals[c])
    series: list[tuple[str, pd.Series, str]] = [
        ((names or {}).get(c, c), table[c], SERIES[k]) for k, c in enumerate(shown)
    ]
    rest = [c for c in table.columns if str(c) not in shown]
    if rest:
        series.append((str(t["other_services"]), table[rest].sum(axis=1), OTHER))
    bottom = np.zeros(len(table))
    for label, column, colour in series:
        values = column.to_numpy(dtype=float)
        ax.bar(table.index, values, bottom=bottom, label=label, color=colour)
        bottom += values
    ax.set_xlabel(str(t["hour"]), fontsize=12)
    ax.set_ylabel(str(t["saved"]), fontsize=12)
    ax.set_title(str(t["gain"]), loc="left", fontsize=12, wrap=True)
    fig.legend(loc="outside lower center", ncols=4, fontsize=10, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
