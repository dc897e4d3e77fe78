"""Figures of citizens' journeys: back-office backlog, lead times, flow between steps, personas.

A *journey* is one matter of one citizen, from the first contact until it is resolved, given up,
or still open at the end of the run. Along the way the citizen may call again, switch channel,
be called back, or wait for a back-office department to finish a task. The journey table has
one row per journey with its ``path`` (the steps in order, e.g.
``digital>phone>task:burgerzaken>callback``) and ``status``; the contact and task tables hold
the steps themselves, linked by ``journey_id`` (within a replication).

``backlog.png`` (:func:`backlog_by_day`)
    Work that is not done yet, per queue (digital requests and each back-office department),
    at the end of each day of the period. Top panel: all open items; bottom panel: the open
    items already past their due time. The line is the mean over replications, the shaded band
    the range (lowest to highest replication). Weekends are shaded grey when the table has
    dates.

``journey_lead_time.png`` (:func:`journey_lead_time`)
    One horizontal box per service: the lead time of *resolved* journeys, from the first
    contact's arrival to the end of the step that resolved it (box: quartiles, whiskers: 5th
    to 95th percentile, all replications pooled). The dashed mark is the service's journey
    norm (the median over its journeys of the time from arrival to the due time, in calendar
    time, so it includes weekends), and the label gives the share of resolved journeys that
    ended by their due time. Given-up and open journeys have no lead time; the label counts
    them.

``journey_flow.png`` (:func:`journey_flow`)
    An alluvial (Sankey) diagram: columns are step 1, 2, 3 and 4 of the journeys (later steps
    are left out; the footnote counts those journeys) and a last column with the status. Each
    node is a channel (``phone``, ``digital``, ...), a back-office task (``task:<department>``)
    or ``callback``; band width is the number of journeys, and the colour of a band is the
    status the journey ended with. A journey that has no more steps goes to its status node and
    stays there in the following columns, so every column holds all journeys: in the step 2
    column, the ``resolved`` node is the journeys resolved at their first step. Replications
    are summed.

``persona_journeys.png`` (:func:`persona_journeys`)
    A swimlane chart of the personas (scripted example citizens) of one replication: one panel
    per persona, one lane per channel or department the persona met (``phone``, ``digital``,
    ``chat``, ``counter``, ``task:<department>``, ``callback``), time on the x axis. Each
    contact or task is a bar from arrival to end: light while waiting, dark while being
    served or processed; a marker shows the outcome. A solid vertical line marks the end of the
    journey (coloured by status), a dashed grey one its due time when that falls in view.

:func:`write_journey_figures` writes the four files and skips a figure whose input is empty.
It also skips the lead-time and flow figures when no journey went past its first step (a
textbook queue: every journey is one contact), because they would only repeat the wait
distribution, with step columns that hold nothing but the first step's outcome.
Times in the tables are minutes since the start of day 0 of the reported period
(``*_min``); figures show days (``*_days``) or hours. Labels are in English or Dutch
(``language="en"`` or ``"nl"``). Like :mod:`klantstroom.report.figures`, every figure is a
stand-alone :class:`matplotlib.figure.Figure` with its own Agg canvas (no pyplot).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from klantstroom.report.figures import (
    BAND_COLOUR,
    HEIGHT_IN,
    LABEL_PT,
    LEGEND_PT,
    LINE_COLOUR,
    MINUTES_PER_DAY,
    NORM_COLOUR,
    SUPTITLE_PT,
    TICK_PT,
    TITLE_PT,
    WIDTH_IN,
    _count,
    _duration,
    _names,
    _new_figure,
    _number,
    _percent,
    _style_axes,
)
from klantstroom.report.figures import (
    _text as _labels,
)
from klantstroom.report.headline import CHANNEL_NAMES

__all__ = [
    "JOURNEY_FIGURE_NAMES",
    "backlog_by_day",
    "journey_flow",
    "journey_lead_time",
    "persona_journeys",
    "write_journey_figures",
]

JOURNEY_FIGURE_NAMES: tuple[str, ...] = (
    "backlog",
    "journey_lead_time",
    "journey_flow",
    "persona_journeys",
)

CHANNEL_LANES = ("phone", "digital", "chat", "counter")
CALLBACK_LANE = "callback"
TASK_PREFIX = "task:"
STATUSES = ("resolved", "given_up", "open")
STATUS_COLOURS = {"resolved": "#1b9e77", "given_up": "#d95f02", "open": "#8c8c8c"}
NORM_IN_VIEW = 3.0  # the lead-time axis stretches to a norm up to this many times the data
FLOW_STEPS = 4  # step columns of the flow diagram; later steps are left out
FLOW_LABEL_SHARE = 0.025  # nodes smaller than this share of the journeys get no label
WEEKEND_COLOUR = "#eeeeee"
BOX_COLOUR = "#c6dbef"
CONTACT_WAIT_COLOUR = "#a6cee3"
CONTACT_SERVICE_COLOUR = "#1f78b4"
TASK_WAIT_COLOUR = "#cab2d6"
TASK_SERVICE_COLOUR = "#6a3d9a"
QUEUE_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
# Outcome of a contact or task: (marker, colour) for the persona swimlanes.
OUTCOME_MARKERS: dict[str, tuple[str, str]] = {
    "served": ("o", "#1b9e77"),
    "done": ("o", "#1b9e77"),
    "abandoned": ("X", "#d62728"),
    "balked": ("v", "#ff7f0e"),
    "unserved": ("s", "#7f7f7f"),
    "no_show": ("D", "#9467bd"),
    "rebooked": (">", "#1f77b4"),
    "not_reached": ("x", "#8c564b"),
    "no_slot": ("P", "#e377c2"),
    "open": ("s", "#7f7f7f"),
}
# Tick spacings (minutes) for a time axis in days; the first giving at most 7 ticks is used.
_TIME_STEPS_MIN = (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 7 * 1440, 14 * 1440)

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "backlog_title": "Backlog per queue at the end of each day",
        "open_panel": "Open at the end of the day (items)",
        "late_panel": "Of which past their due time (items)",
        "items_axis": "Items",
        "day_axis": "Day of the period",
        "day_axis_date": "Day of the period (day 0 = {date})",
        "mean": "line: mean of {n} replications",
        "mean_one": "1 replication",
        "range": "shaded: range across replications",
        "weekend": "weekend",
        "lead_title": "Lead time of resolved journeys per service (first contact to resolution)",
        "lead_axis": "Lead time ({unit})",
        "lead_label": "{service}\n{n} resolved, {share} within norm",
        "lead_others": "; {given_up} given up, {open} open",
        "norm": "norm: median time to the due time (calendar time)",
        "norm_beyond": "norm {norm} {unit} →",
        "box": "box: quartiles, line: median, whiskers: 5th-95th percentile",
        "pooled": "{n} replications pooled",
        "pooled_one": "1 replication",
        "hours": "hours",
        "days": "days",
        "flow_title": "Journeys step by step: channel or task at each step, and the outcome",
        "flow_note": (
            "{n} journeys ({reps}); band width = number of journeys, colour = how the journey "
            "ended. A journey without further steps moves to its status node."
        ),
        "flow_more": " {n} journeys had more than {k} steps (later steps not shown).",
        "flow_reps": "{n} replications summed",
        "flow_reps_one": "1 replication",
        "step": "Step {k}",
        "step_last": "Step {k}+",
        "status": "Status",
        "resolved": "resolved",
        "given_up": "given up",
        "open": "open",
        "contact_node": "contact or callback",
        "task_node": "back-office task",
        "persona_title": "Persona journeys, replication {r}: contacts and tasks over time",
        "time_axis": "Time since the start of the period (day, hh:mm)",
        "time_axis_date": "Time since the start of the period (day, hh:mm; day 0 = {date})",
        "day_tick": "day {d}",
        "journey_open": "{service}: still open after {lead}",
        "journey_done": "{service}: {status} after {lead}{norm}",
        "within": ", within norm",
        "late": ", past norm",
        "contact_wait": "contact: waiting",
        "contact_service": "contact: being served",
        "task_wait": "task: waiting",
        "task_service": "task: processing",
        "journey_end": "end of journey",
        "due": "due time (norm)",
        "served": "served / task done",
        "abandoned": "abandoned",
        "balked": "balked",
        "unserved": "unserved",
        "no_show": "no show",
        "rebooked": "rebooked",
        "not_reached": "not reached",
        "no_slot": "no free slot",
        "open_item": "still open",
    },
    "nl": {
        "backlog_title": "Werkvoorraad per wachtrij aan het eind van elke dag",
        "open_panel": "Open aan het eind van de dag (stuks)",
        "late_panel": "Waarvan over de termijn (stuks)",
        "items_axis": "Stuks",
        "day_axis": "Dag van de periode",
        "day_axis_date": "Dag van de periode (dag 0 = {date})",
        "mean": "lijn: gemiddelde van {n} replicaties",
        "mean_one": "1 replicatie",
        "range": "vlak: spreiding over replicaties",
        "weekend": "weekend",
        "lead_title": (
            "Doorlooptijd van opgeloste klantreizen per dienst (eerste contact tot opgelost)"
        ),
        "lead_axis": "Doorlooptijd ({unit})",
        "lead_label": "{service}\n{n} opgelost, {share} binnen norm",
        "lead_others": "; {given_up} afgehaakt, {open} open",
        "norm": "norm: mediane tijd tot de termijn (kalendertijd)",
        "norm_beyond": "norm {norm} {unit} →",
        "box": "doos: kwartielen, lijn: mediaan, snorharen: 5e-95e percentiel",
        "pooled": "{n} replicaties samengenomen",
        "pooled_one": "1 replicatie",
        "hours": "uur",
        "days": "dagen",
        "flow_title": "Klantreizen stap voor stap: kanaal of taak per stap, en de afloop",
        "flow_note": (
            "{n} klantreizen ({reps}); bandbreedte = aantal reizen, kleur = afloop van de reis. "
            "Een reis zonder verdere stappen gaat naar zijn status."
        ),
        "flow_more": " {n} reizen hadden meer dan {k} stappen (latere stappen niet getoond).",
        "flow_reps": "{n} replicaties opgeteld",
        "flow_reps_one": "1 replicatie",
        "step": "Stap {k}",
        "step_last": "Stap {k}+",
        "status": "Status",
        "resolved": "opgelost",
        "given_up": "afgehaakt",
        "open": "open",
        "contact_node": "contact of terugbelverzoek",
        "task_node": "backofficetaak",
        "persona_title": "Klantreizen van persona's, replicatie {r}: contacten en taken in de tijd",
        "time_axis": "Tijd sinds het begin van de periode (dag, uu:mm)",
        "time_axis_date": "Tijd sinds het begin van de periode (dag, uu:mm; dag 0 = {date})",
        "day_tick": "dag {d}",
        "journey_open": "{service}: nog open na {lead}",
        "journey_done": "{service}: {status} na {lead}{norm}",
        "within": ", binnen norm",
        "late": ", over de norm",
        "contact_wait": "contact: wachtend",
        "contact_service": "contact: in behandeling",
        "task_wait": "taak: wachtend",
        "task_service": "taak: in behandeling",
        "journey_end": "einde klantreis",
        "due": "termijn (norm)",
        "served": "geholpen / taak klaar",
        "abandoned": "afgehaakt",
        "balked": "weggelopen",
        "unserved": "niet geholpen",
        "no_show": "niet verschenen",
        "rebooked": "omgeboekt",
        "not_reached": "niet bereikt",
        "no_slot": "geen plek in de agenda",
        "open_item": "nog open",
    },
}


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _text(language: str) -> dict[str, str]:
    """Return the label set for ``language``; raise ``ValueError`` for an unknown one."""
    return _labels(language, _TEXT)


def _legend_below(fig: Figure, entries: Sequence[tuple[object, str]], ncols: int = 3) -> None:
    """One legend for the whole figure, below the panels so it never covers data."""
    if not entries:
        return
    handles, labels = zip(*entries, strict=True)
    fig.legend(
        list(handles),
        list(labels),
        loc="outside lower center",
        ncols=min(len(entries), ncols),
        fontsize=LEGEND_PT,
        frameon=False,
    )


def _has_later_steps(journeys: pd.DataFrame) -> bool:
    """Whether some journey went on after its first step (``path`` ``a>b``: a redial, a
    switch of channel, a back-office task or a callback)."""
    if not len(journeys):
        return False
    return bool(journeys["path"].astype("string").str.contains(">", regex=False).any())


def _floats(series: pd.Series) -> np.ndarray:
    """A numeric column as a float array (missing values become NaN)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _strings(series: pd.Series) -> np.ndarray:
    """A (categorical or string) column as an object array of str, with None for missing."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        # By code: a year's million contacts are not turned into text one by one.
        names = [*series.cat.categories.astype("string").tolist(), None]  # code -1: None
        return np.asarray(names, dtype=object)[series.cat.codes.to_numpy()]
    values = series.astype("string").to_numpy(dtype=object)
    values[pd.isna(values)] = None
    return values


def _replication_count(frame: pd.DataFrame) -> int:
    return int(frame["replication"].nunique()) if "replication" in frame else 1


def _first_date(frame: pd.DataFrame, column: str, minutes: np.ndarray | None) -> str | None:
    """The date of day 0 as ``YYYY-MM-DD``, from a datetime column (and its minutes)."""
    if column not in frame or frame.empty:
        return None
    stamps = pd.to_datetime(frame[column], errors="coerce")
    if minutes is not None:
        stamps = stamps - pd.to_timedelta(minutes, unit="min")
    stamps = stamps.dropna()
    if stamps.empty:
        return None
    return str(stamps.min().normalize().date())


def _lane_label(lane: str, language: str, names: Mapping[str, Mapping[str, str]] | None) -> str:
    """A lane as readers know it: the channel's name, the department of a task lane.

    Without display names and in English a lane keeps its id (``phone``, ``task:burgerzaken``).
    """
    if names is None and language == "en":
        return lane
    if lane.startswith(TASK_PREFIX):
        department = lane.removeprefix(TASK_PREFIX)
        word = "taak" if language == "nl" else "task"
        return f"{word}: {(names or {}).get('departments', {}).get(department, department)}"
    if lane == CALLBACK_LANE:
        return "terugbellen" if language == "nl" else lane
    return CHANNEL_NAMES.get(language, CHANNEL_NAMES["en"]).get(lane, lane)


def _queue_label(queue: str, language: str, names: Mapping[str, Mapping[str, str]] | None) -> str:
    """A backlog queue by name: the channel (``digital``) or the department it holds tasks of."""
    channels = CHANNEL_NAMES.get(language, CHANNEL_NAMES["en"])
    if queue in channels:
        return channels[queue]
    return (names or {}).get("departments", {}).get(queue, queue)


def _lane_order(lanes: set[str]) -> list[str]:
    """Lanes in the order phone, digital, chat, counter, tasks (by name), callback, others."""
    first = [lane for lane in CHANNEL_LANES if lane in lanes]
    tasks = sorted(lane for lane in lanes if lane.startswith(TASK_PREFIX))
    last = [CALLBACK_LANE] if CALLBACK_LANE in lanes else []
    known = {*first, *tasks, *last}
    return [*first, *tasks, *last, *sorted(lanes - known)]


def _status_label(status: str, t: dict[str, str]) -> str:
    return t.get(status, status) if status in STATUSES else status


# --------------------------------------------------------------------------------------------
# Backlog
# --------------------------------------------------------------------------------------------


def _backlog_stats(backlog: pd.DataFrame, column: str, days: np.ndarray) -> dict[str, pd.DataFrame]:
    """Per queue, a frame indexed by day with the mean, lowest and highest over replications."""
    values = backlog.assign(
        queue=_strings(backlog["queue"]), value=_floats(backlog[column])
    ).dropna(subset=["queue"])
    sums = values.groupby(["queue", "day", "replication"], sort=True)["value"].sum()
    wide = sums.unstack("replication")
    out: dict[str, pd.DataFrame] = {}
    for queue in pd.unique(wide.index.get_level_values("queue")):
        per_rep = wide.xs(queue, level="queue").reindex(days).fillna(0.0).to_numpy(dtype=float)
        out[str(queue)] = pd.DataFrame(
            {
                "mean": per_rep.mean(axis=1),
                "low": per_rep.min(axis=1),
                "high": per_rep.max(axis=1),
            },
            index=days,
        )
    return out


def backlog_by_day(
    backlog: pd.DataFrame,
    *,
    language: str = "en",
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Figure:
    """Draw the open items per queue at the end of each day, and those past their due time.

    Parameters
    ----------
    backlog : pandas.DataFrame
        The backlog table: one row per replication x day x queue with ``open_end_of_day`` and
        ``open_late_end_of_day`` (items); ``date`` is used, when present, to shade weekends and
        name day 0.
    language : {"en", "nl"}, optional
        Language of the labels.
    labels : mapping, optional
        Display names of the departments (a task queue by its department's name).

    Returns
    -------
    matplotlib.figure.Figure
        Two stacked panels sharing the day axis, one line per queue (``digital`` first, then
        the departments): mean over replications, shaded band from the lowest to the highest
        replication.
    """
    t = _text(language)
    names = _names(backlog["queue"].astype("string").dropna()) if len(backlog) else []
    queues = [q for q in names if q == "digital"] + [q for q in names if q != "digital"]
    days = (
        np.unique(backlog["day"].dropna().to_numpy(dtype=np.int64))
        if len(backlog)
        else np.array([], dtype=np.int64)
    )
    n_reps = _replication_count(backlog)
    fig = _new_figure(height=HEIGHT_IN + 1.5)
    axes = fig.subplots(2, 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(t["backlog_title"], fontsize=SUPTITLE_PT)
    colours = {q: QUEUE_COLOURS[i % len(QUEUE_COLOURS)] for i, q in enumerate(queues)}
    weekend_days: list[int] = []
    if "date" in backlog and len(backlog):
        dates = pd.to_datetime(backlog.groupby("day")["date"].first(), errors="coerce")
        weekday = dates.dt.day_of_week.to_numpy(dtype=float, na_value=np.nan)
        weekend_days = [int(d) for d in dates.index.to_numpy(dtype=np.int64)[weekday >= 5]]
    markers = len(days) <= 31
    for ax, column, title in (
        (axes[0], "open_end_of_day", t["open_panel"]),
        (axes[1], "open_late_end_of_day", t["late_panel"]),
    ):
        _style_axes(ax)
        ax.set_title(title, fontsize=TITLE_PT, loc="left")
        for day in weekend_days:
            ax.axvspan(day - 0.5, day + 0.5, color=WEEKEND_COLOUR, linewidth=0, zorder=0)
        stats = _backlog_stats(backlog, column, days) if column in backlog else {}
        top = 0.0
        for queue in queues:
            if queue not in stats:
                continue
            s = stats[queue]
            x = s.index.to_numpy(dtype=float)
            if n_reps > 1:
                ax.fill_between(
                    x,
                    s["low"].to_numpy(dtype=float),
                    s["high"].to_numpy(dtype=float),
                    color=colours[queue],
                    alpha=0.18,
                    linewidth=0,
                )
            ax.plot(
                x,
                s["mean"].to_numpy(dtype=float),
                color=colours[queue],
                linewidth=2.2,
                marker="o" if markers else None,
                markersize=4,
            )
            top = max(top, float(np.nanmax(s[["mean", "high"]].to_numpy(dtype=float))))
        ax.set_ylim(0.0, max(1.0, 1.1 * top))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_ylabel(t["items_axis"], fontsize=LABEL_PT)
    if len(days):
        axes[-1].set_xlim(float(days.min()) - 0.5, float(days.max()) + 0.5)
    axes[-1].xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    day0 = (
        _first_date(backlog, "date", _floats(backlog["day"]) * MINUTES_PER_DAY)
        if len(backlog)
        else None
    )
    axes[-1].set_xlabel(
        t["day_axis_date"].format(date=day0) if day0 else t["day_axis"], fontsize=LABEL_PT
    )
    entries: list[tuple[object, str]] = [
        (Line2D([], [], color=colours[q], linewidth=2.2), _queue_label(q, language, labels))
        for q in queues
    ]
    entries.append(
        (
            Line2D([], [], linestyle="none"),
            t["mean"].format(n=n_reps) if n_reps > 1 else t["mean_one"],
        )
    )
    if n_reps > 1:
        entries.append((Patch(facecolor=BAND_COLOUR, alpha=0.6), t["range"]))
    if weekend_days:
        entries.append((Patch(facecolor=WEEKEND_COLOUR), t["weekend"]))
    _legend_below(fig, entries, ncols=3)
    return fig


# --------------------------------------------------------------------------------------------
# Lead time
# --------------------------------------------------------------------------------------------


def journey_lead_time(
    journeys: pd.DataFrame, *, language: str = "en", names: Mapping[str, str] | None = None
) -> Figure:
    """Draw the lead time of resolved journeys per service as horizontal boxes with the norm.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journey table (``service``, ``status``, ``lead_time_days``, ``start_min``,
        ``due_min``, ``within_norm`` are used), all replications pooled.
    language : {"en", "nl"}, optional
        Language of the labels.
    names : mapping of str to str, optional
        Display names of the services (default: their ids).

    Returns
    -------
    matplotlib.figure.Figure
        One box per service with resolved journeys, in the order of the service categories
        (top to bottom). The x axis is in hours when 95% of the lead times are under two days,
        else in days.
    """
    t = _text(language)
    status = _strings(journeys["status"]) if len(journeys) else np.array([], dtype=object)
    service = _strings(journeys["service"]) if len(journeys) else np.array([], dtype=object)
    lead_days = _floats(journeys["lead_time_days"]) if len(journeys) else np.array([])
    resolved = (status == "resolved") & np.isfinite(lead_days)
    services = [s for s in _names(journeys["service"]) if np.any(resolved & (service == s))]
    if len(journeys):
        norm_days = (
            _floats(journeys["due_min"]) - _floats(journeys["start_min"])
        ) / MINUTES_PER_DAY
        within = journeys["within_norm"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    else:
        norm_days = np.array([])
        within = np.array([])
    reference = float(np.quantile(lead_days[resolved], 0.95)) if resolved.any() else 0.0
    unit, per_day = ("hours", 24.0) if reference < 2.0 else ("days", 1.0)

    # A row of about half an inch per service (its two-line label) on a slide-wide figure:
    # sixteen services fit, never taller than wide.
    width = WIDTH_IN * 1.25
    fig = _new_figure(width=width, height=min(width, max(4.5, 2.2 + 0.55 * len(services))))
    ax = fig.subplots()
    _style_axes(ax)
    ax.grid(False, axis="y")
    fig.suptitle(t["lead_title"], fontsize=SUPTITLE_PT)
    data, labels, norms = [], [], []
    for name in services:
        mine = service == name
        rows = resolved & mine
        data.append(lead_days[rows] * per_day)
        known = within[rows][np.isfinite(within[rows])]
        share = float(known.mean()) if known.size else float("nan")
        label = t["lead_label"].format(
            service=(names or {}).get(name, name),
            n=_count(int(rows.sum()), language),
            share=_percent(share, language) if np.isfinite(share) else "-",
        )
        given_up = int(np.sum(mine & (status == "given_up")))
        still_open = int(np.sum(mine & (status == "open")))
        if given_up or still_open:
            label += t["lead_others"].format(
                given_up=_count(given_up, language), open=_count(still_open, language)
            )
        labels.append(label)
        finite = norm_days[rows][np.isfinite(norm_days[rows])]
        norms.append(float(np.median(finite)) * per_day if finite.size else float("nan"))
    positions = np.arange(len(services), 0, -1, dtype=float)  # first service on top
    if services:
        ax.boxplot(
            data,
            positions=positions,
            orientation="horizontal",
            whis=(5.0, 95.0),
            showfliers=False,
            patch_artist=True,
            widths=0.55,
            boxprops={"facecolor": BOX_COLOUR, "edgecolor": LINE_COLOUR, "linewidth": 1.4},
            medianprops={"color": LINE_COLOUR, "linewidth": 2.4},
            whiskerprops={"color": LINE_COLOUR, "linewidth": 1.4},
            capprops={"color": LINE_COLOUR, "linewidth": 1.4},
        )
        # The axis reaches the norms unless they are far beyond the lead times (a journey
        # resolved within hours against a norm of days): then the norm is written at the edge.
        upper_data = max(float(np.quantile(d, 0.95)) for d in data)
        finite_norms = [n for n in norms if np.isfinite(n)]
        upper = upper_data
        if finite_norms and max(finite_norms) <= NORM_IN_VIEW * upper_data:
            upper = max(upper_data, max(finite_norms))
        upper = max(upper * 1.08, 1e-3)
        ax.set_xlim(0.0, upper)
        for y, norm in zip(positions, norms, strict=True):
            if not np.isfinite(norm):
                continue
            if norm <= upper:
                ax.vlines(norm, y - 0.38, y + 0.38, color=NORM_COLOUR, linestyle="--", linewidth=2)
            else:
                ax.text(
                    upper,
                    y + 0.3,
                    t["norm_beyond"].format(norm=_number(norm, language), unit=t[unit]),
                    ha="right",
                    va="bottom",
                    fontsize=TICK_PT - 1,
                    color=NORM_COLOUR,
                )
        ax.set_yticks(positions, labels, fontsize=TICK_PT)
        ax.set_ylim(0.4, len(services) + 0.6)
    ax.set_xlabel(t["lead_axis"].format(unit=t[unit]), fontsize=LABEL_PT)
    n_reps = _replication_count(journeys)
    entries: list[tuple[object, str]] = [
        (Patch(facecolor=BOX_COLOUR, edgecolor=LINE_COLOUR), t["box"]),
        (Line2D([], [], color=NORM_COLOUR, linestyle="--", linewidth=2), t["norm"]),
        (
            Line2D([], [], linestyle="none"),
            t["pooled"].format(n=n_reps) if n_reps > 1 else t["pooled_one"],
        ),
    ]
    _legend_below(fig, entries, ncols=2)
    return fig


# --------------------------------------------------------------------------------------------
# Flow (alluvial diagram)
# --------------------------------------------------------------------------------------------


def _flow_nodes(journeys: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Per journey, the node of each column: ``("step", name)`` or ``("status", status)``.

    Returns a frame with columns ``c0`` .. ``c<FLOW_STEPS>`` (node keys as ``"step:<name>"`` or
    ``"status:<status>"``) and ``status``, and the number of journeys with more steps than
    shown.
    """
    # A year has a million journeys but a few hundred distinct (path, status) pairs: the nodes
    # are worked out once per pair and handed to every journey that has it.
    path_code, paths = pd.factorize(journeys["path"].astype("string").fillna(""))
    status = pd.Series(_strings(journeys["status"])).fillna("open").to_numpy(dtype=object)
    status_code, statuses = pd.factorize(status)
    pair_code, pairs = pd.factorize(path_code * max(len(statuses), 1) + status_code)
    table: list[list[str]] = []
    more = np.zeros(len(pairs), dtype=bool)
    for index, pair in enumerate(pairs.tolist()):
        path, end = str(paths[pair // max(len(statuses), 1)]), str(statuses[pair % len(statuses)])
        steps = path.split(">") if path else []
        more[index] = len(steps) > FLOW_STEPS
        nodes = [
            f"step:{steps[k]}" if k < len(steps) else f"status:{end}" for k in range(FLOW_STEPS)
        ]
        table.append([*nodes, f"status:{end}"])
    nodes_of = np.array(table, dtype=object).reshape(len(pairs), FLOW_STEPS + 1)
    frame = pd.DataFrame({f"c{k}": nodes_of[pair_code, k] for k in range(FLOW_STEPS + 1)})
    frame["status"] = status
    return frame, int(more[pair_code].sum())


def _node_order(keys: set[str]) -> list[str]:
    """Step nodes in lane order (channels, tasks, callback, others), then status nodes."""
    steps = {k.removeprefix("step:") for k in keys if k.startswith("step:")}
    statuses = [f"status:{s}" for s in STATUSES if f"status:{s}" in keys]
    other = sorted(k for k in keys if k.startswith("status:") and k not in statuses)
    return [*(f"step:{s}" for s in _lane_order(steps)), *statuses, *other]


def _band(x0: float, x1: float, top0: float, top1: float, width: float) -> MplPath:
    """A band from (x0, top0) to (x1, top1), ``width`` thick, with cubic Bezier edges."""
    xm = (x0 + x1) / 2.0
    vertices = [
        (x0, top0),
        (xm, top0),
        (xm, top1),
        (x1, top1),
        (x1, top1 + width),
        (xm, top1 + width),
        (xm, top0 + width),
        (x0, top0 + width),
        (x0, top0),
    ]
    codes = [
        MplPath.MOVETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.LINETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CLOSEPOLY,
    ]
    return MplPath(vertices, codes)


def _node_colour(key: str) -> str:
    kind, name = key.split(":", 1)
    if kind == "status":
        return STATUS_COLOURS.get(name, "#555555")
    if name.startswith(TASK_PREFIX):
        return TASK_SERVICE_COLOUR
    return CONTACT_SERVICE_COLOUR


def journey_flow(
    journeys: pd.DataFrame,
    *,
    language: str = "en",
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> Figure:
    """Draw how journeys move from step to step and how they end, as an alluvial diagram.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journey table (``path`` and ``status`` are used), all replications summed.
    language : {"en", "nl"}, optional
        Language of the labels.
    names : mapping, optional
        Display names of the departments (a task node by its department's name).

    Returns
    -------
    matplotlib.figure.Figure
        Columns step 1 .. step 4 and status; nodes are labelled with their number of journeys
        (nodes under 2.5% of the journeys are left unlabelled to keep the labels readable).
    """
    t = _text(language)
    fig = _new_figure(width=WIDTH_IN + 2.0, height=HEIGHT_IN + 1.5)
    ax = fig.subplots()
    ax.set_axis_off()
    fig.suptitle(t["flow_title"], fontsize=SUPTITLE_PT)
    nodes, more = _flow_nodes(journeys) if len(journeys) else (pd.DataFrame(), 0)
    total = len(nodes)
    if total == 0:
        return fig
    n_cols = FLOW_STEPS + 1
    node_w = 0.14
    gap = 0.035 * total
    status_rank = {s: i for i, s in enumerate(STATUSES)}

    # Node positions (top, height) per column, stacked from the top with gaps.
    order: list[list[str]] = []
    place: list[dict[str, tuple[float, float]]] = []
    height = 0.0
    for k in range(n_cols):
        counts = nodes[f"c{k}"].value_counts()
        keys = _node_order(set(counts.index))
        order.append(keys)
        tops, y = {}, 0.0
        for key in keys:
            tops[key] = (y, float(counts[key]))
            y += float(counts[key]) + gap
        place.append(tops)
        height = max(height, y - gap)
    for k in range(n_cols):  # centre each column vertically
        col_h = sum(h for _, h in place[k].values()) + gap * (len(place[k]) - 1)
        shift = (height - col_h) / 2.0
        place[k] = {key: (top + shift, h) for key, (top, h) in place[k].items()}

    # Bands between neighbouring columns, one per (source, target, final status).
    for k in range(n_cols - 1):
        src, dst = f"c{k}", f"c{k + 1}"
        links = nodes.groupby([src, dst, "status"], sort=False).size().reset_index(name="n")
        rank_src = {key: i for i, key in enumerate(order[k])}
        rank_dst = {key: i for i, key in enumerate(order[k + 1])}
        links["rs"] = links[src].map(rank_src)
        links["rd"] = links[dst].map(rank_dst)
        links["st"] = links["status"].map(lambda s: status_rank.get(s, len(STATUSES)))
        source = links[src].to_numpy(dtype=object)
        target = links[dst].to_numpy(dtype=object)
        status = links["status"].to_numpy(dtype=object)
        width = links["n"].to_numpy(dtype=float)
        out_next = {key: place[k][key][0] for key in order[k]}
        in_next = {key: place[k + 1][key][0] for key in order[k + 1]}
        tops_out = np.zeros(len(links))
        for i in np.lexsort((links["st"], links["rd"], links["rs"])):
            tops_out[i] = out_next[source[i]]
            out_next[source[i]] += width[i]
        for i in np.lexsort((links["st"], links["rs"], links["rd"])):
            top_in = in_next[target[i]]
            in_next[target[i]] += width[i]
            patch = PathPatch(
                _band(k + node_w, k + 1.0, float(tops_out[i]), top_in, float(width[i])),
                facecolor=STATUS_COLOURS.get(str(status[i]), "#555555"),
                edgecolor="none",
                alpha=0.38,
                zorder=1,
            )
            ax.add_patch(patch)

    # Nodes, their labels and the column headers.
    for k in range(n_cols):
        for key in order[k]:
            top, h = place[k][key]
            ax.add_patch(
                Rectangle(
                    (k, top), node_w, h, facecolor=_node_colour(key), edgecolor="none", zorder=2
                )
            )
            if h < FLOW_LABEL_SHARE * total:
                continue
            kind, name = key.split(":", 1)
            label = (
                _status_label(name, t) if kind == "status" else _lane_label(name, language, names)
            )
            ax.text(
                k + node_w + 0.03,
                top + h / 2.0,
                f"{label}\n{_count(int(h), language)}",
                ha="left",
                va="center",
                fontsize=11,
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.5},
            )
        header = (
            t["status"]
            if k == FLOW_STEPS
            else t["step_last" if k == FLOW_STEPS - 1 else "step"].format(k=k + 1)
        )
        ax.text(
            k + node_w / 2.0,
            -0.03 * height,
            header,
            ha="center",
            va="bottom",
            fontsize=LABEL_PT,
            fontweight="bold",
        )
    ax.set_xlim(-0.1, n_cols - 1 + node_w + 0.75)
    ax.set_ylim(height * 1.02, -0.1 * height)  # top of the data at the top of the axes
    n_reps = _replication_count(journeys)
    reps = t["flow_reps"].format(n=n_reps) if n_reps > 1 else t["flow_reps_one"]
    note = t["flow_note"].format(n=_count(total, language), reps=reps)
    if more:
        note += t["flow_more"].format(n=_count(more, language), k=FLOW_STEPS)
    ax.set_title(note, fontsize=11, loc="left", wrap=True, color="#333333")
    entries: list[tuple[object, str]] = [
        (Patch(facecolor=STATUS_COLOURS[s], alpha=0.6), _status_label(s, t)) for s in STATUSES
    ]
    entries.append((Patch(facecolor=CONTACT_SERVICE_COLOUR), t["contact_node"]))
    entries.append((Patch(facecolor=TASK_SERVICE_COLOUR), t["task_node"]))
    _legend_below(fig, entries, ncols=5)
    return fig


# --------------------------------------------------------------------------------------------
# Persona swimlanes
# --------------------------------------------------------------------------------------------


def _persona_table(
    journeys: pd.DataFrame, personas: Sequence[str], replication: int
) -> pd.DataFrame:
    """The journeys of the personas of one replication, in persona order."""
    if journeys.empty or "persona" not in journeys:
        return journeys.iloc[0:0]
    rows = journeys[
        (journeys["replication"].astype(int) == replication) & journeys["persona"].notna()
    ].copy()
    rows["persona"] = rows["persona"].astype(str)
    rows = rows.sort_values("start_min", kind="stable")
    if personas:
        rank = {name: i for i, name in enumerate(personas)}
        rows = rows[rows["persona"].isin(rank)]
        rows = rows.assign(_rank=rows["persona"].map(rank)).sort_values(
            ["_rank", "start_min"], kind="stable"
        )
    return rows


def _segments(
    frame: pd.DataFrame,
    lane: np.ndarray,
    begin_min: np.ndarray,
    start_min: np.ndarray,
    end_min: np.ndarray,
    wait_min: np.ndarray,
    outcome: np.ndarray,
    horizon_min: float,
    is_task: bool,
) -> pd.DataFrame:
    """Bars of contacts or tasks: lane, wait (begin..wait end), service (start..end), outcome."""
    wait_end = np.where(
        np.isfinite(start_min),
        start_min,
        np.where(np.isfinite(wait_min), begin_min + wait_min, end_min),
    )
    still_open = ~np.isfinite(wait_end)
    wait_end = np.where(still_open, horizon_min, wait_end)
    service_end = np.where(np.isfinite(start_min) & ~np.isfinite(end_min), horizon_min, end_min)
    mark_at = np.where(np.isfinite(end_min), end_min, wait_end)
    return pd.DataFrame(
        {
            "lane": lane,
            "begin_min": begin_min,
            "wait_end_min": wait_end,
            "start_min": start_min,
            "end_min": service_end,
            "mark_min": mark_at,
            "outcome": np.where(still_open | (outcome == None), "open", outcome),  # noqa: E711
            "task": is_task,
        },
        index=frame.index,
    )


def _persona_segments(
    contacts: pd.DataFrame, tasks: pd.DataFrame, horizon_min: float
) -> pd.DataFrame:
    """All bars of the given contacts and tasks (already restricted to one persona)."""
    parts = []
    if len(contacts):
        origin = (
            _strings(contacts["origin"])
            if "origin" in contacts
            else np.full(len(contacts), None, dtype=object)
        )
        channel = _strings(contacts["channel"])
        lane = np.where(origin == CALLBACK_LANE, CALLBACK_LANE, channel).astype(object)
        parts.append(
            _segments(
                contacts,
                lane,
                _floats(contacts["arrival_min"]),
                _floats(contacts["start_min"]),
                _floats(contacts["end_min"]),
                _floats(contacts["wait_min"]),
                _strings(contacts["outcome"]),
                horizon_min,
                is_task=False,
            )
        )
    if len(tasks):
        department = _strings(tasks["department"])
        lane = np.array([f"{TASK_PREFIX}{d}" for d in department], dtype=object)
        status = _strings(tasks["status"])
        parts.append(
            _segments(
                tasks,
                lane,
                _floats(tasks["created_min"]),
                _floats(tasks["start_min"]),
                _floats(tasks["end_min"]),
                np.full(len(tasks), np.nan),
                np.where(status == "done", "done", "open").astype(object),
                horizon_min,
                is_task=True,
            )
        )
    if not parts:
        return pd.DataFrame(
            columns=["lane", "begin_min", "wait_end_min", "start_min", "end_min", "mark_min"]
        )
    return pd.concat(parts, ignore_index=True)


def _time_formatter(step_min: float, t: dict[str, str]) -> Callable[[float, object], str]:
    """Tick labels for a time axis in days: ``day 2`` and, below whole days, ``09:30``."""

    def label(x_days: float, _pos: object = None) -> str:
        total = round(x_days * MINUTES_PER_DAY)
        day, minute = divmod(total, MINUTES_PER_DAY)
        text = t["day_tick"].format(d=day)
        if step_min < MINUTES_PER_DAY:
            text += f"\n{minute // 60:02d}:{minute % 60:02d}"
        return text

    return label


def _time_axis_days(ax: Axes, low_days: float, high_days: float, t: dict[str, str]) -> None:
    """Ticks every 5 min .. 2 weeks (at most 7), labelled with day and clock time."""
    span_min = (high_days - low_days) * MINUTES_PER_DAY
    step_min = next((s for s in _TIME_STEPS_MIN if span_min / s <= 7), _TIME_STEPS_MIN[-1])
    ax.set_xlim(low_days, high_days)
    ax.xaxis.set_major_locator(MultipleLocator(step_min / MINUTES_PER_DAY))
    ax.xaxis.set_major_formatter(FuncFormatter(_time_formatter(step_min, t)))


def _horizon_min(contacts: pd.DataFrame, tasks: pd.DataFrame, journeys: pd.DataFrame) -> float:
    """The latest time any table of the replication mentions (stand-in for the run's end)."""
    latest = [0.0]
    for frame, columns in (
        (contacts, ("arrival_min", "start_min", "end_min")),
        (tasks, ("created_min", "start_min", "end_min")),
        (journeys, ("start_min", "end_min")),
    ):
        for column in columns:
            if column in frame and len(frame):
                values = _floats(frame[column])
                if np.isfinite(values).any():
                    latest.append(float(np.nanmax(values)))
    return max(latest)


def persona_journeys(
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    journeys: pd.DataFrame,
    *,
    personas: Sequence[str] = (),
    replication: int = 0,
    language: str = "en",
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Figure:
    """Draw a swimlane chart of the personas' contacts and tasks in one replication.

    Parameters
    ----------
    contacts, tasks, journeys : pandas.DataFrame
        The contact, task and journey tables. A persona's journeys are the rows of
        ``journeys`` with that ``persona``; its contacts and tasks are those with one of these
        ``journey_id`` values in the same replication.
    personas : sequence of str, optional
        Personas to draw, in this order; empty (the default) draws every persona of the
        replication, in the order their first journey started.
    replication : int, optional
        The replication to draw.
    language : {"en", "nl"}, optional
        Language of the labels.
    labels : mapping, optional
        Display names per kind: ``personas`` (name -> label, e.g. "Sanne de Vries (41)") and
        ``departments`` (for the task lanes); without them, the ids.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per persona, titled with the persona's name and, per journey, the service,
        outcome and lead time. Each panel has its own time range so that short journeys stay
        readable; very short bars are widened to stay visible.
    """
    t = _text(language)
    table = _persona_table(journeys, personas, replication)
    names = list(dict.fromkeys(table["persona"])) if len(table) else []
    same_rep_c = (
        contacts[contacts["replication"].astype(int) == replication] if len(contacts) else contacts
    )
    same_rep_t = tasks[tasks["replication"].astype(int) == replication] if len(tasks) else tasks
    same_rep_j = (
        journeys[journeys["replication"].astype(int) == replication] if len(journeys) else journeys
    )
    horizon = _horizon_min(same_rep_c, same_rep_t, same_rep_j)
    lanes_of: dict[str, list[str]] = {}
    segments_of: dict[str, pd.DataFrame] = {}
    for name in names:
        ids = set(table.loc[table["persona"] == name, "journey_id"].astype(int))
        mine_c = (
            same_rep_c[same_rep_c["journey_id"].astype(int).isin(ids)]
            if len(same_rep_c)
            else same_rep_c
        )
        mine_t = (
            same_rep_t[same_rep_t["journey_id"].astype(int).isin(ids)]
            if len(same_rep_t)
            else same_rep_t
        )
        segments_of[name] = _persona_segments(mine_c, mine_t, horizon)
        lanes_of[name] = _lane_order({str(x) for x in segments_of[name]["lane"].dropna()})

    heights = [0.5 * max(1, len(lanes_of[n])) + 1.3 for n in names]
    fig = _new_figure(height=max(HEIGHT_IN - 1.0, sum(heights) + 2.2))
    fig.suptitle(t["persona_title"].format(r=replication), fontsize=SUPTITLE_PT)
    if not names:
        return fig
    axes = fig.subplots(len(names), 1, squeeze=False, height_ratios=heights)[:, 0]
    outcomes_seen: list[str] = []
    statuses_seen: list[str] = []
    has_due = False
    for ax, name in zip(axes, names, strict=True):
        _style_axes(ax)
        ax.grid(False, axis="y")
        seg = segments_of[name]
        lanes = lanes_of[name]
        mine = table[table["persona"] == name]
        starts = _floats(mine["start_min"])
        ends = _floats(mine["end_min"])
        times = np.concatenate(
            [
                starts,
                ends,
                _floats(seg["begin_min"]),
                _floats(seg["wait_end_min"]),
                _floats(seg["end_min"]),
            ]
        )
        times = times[np.isfinite(times)]
        low = float(times.min()) if times.size else 0.0
        high = float(times.max()) if times.size else low + 60.0
        span = max(high - low, 30.0)
        low, high = low - 0.04 * span, high + 0.04 * span
        min_width = 0.004 * (high - low) / MINUTES_PER_DAY
        y_of = {lane: i for i, lane in enumerate(lanes)}
        bars = zip(
            _strings(seg["lane"]),
            seg["task"].to_numpy(dtype=bool),
            _floats(seg["begin_min"]) / MINUTES_PER_DAY,
            _floats(seg["wait_end_min"]) / MINUTES_PER_DAY,
            _floats(seg["start_min"]) / MINUTES_PER_DAY,
            _floats(seg["end_min"]) / MINUTES_PER_DAY,
            _floats(seg["mark_min"]) / MINUTES_PER_DAY,
            _strings(seg["outcome"]),
            strict=True,
        )
        for lane, is_task, begin, wait_end, start, end, mark, outcome in bars:
            y = y_of.get(str(lane))
            if y is None:
                continue
            wait_colour = TASK_WAIT_COLOUR if is_task else CONTACT_WAIT_COLOUR
            serve_colour = TASK_SERVICE_COLOUR if is_task else CONTACT_SERVICE_COLOUR
            if np.isfinite(begin) and np.isfinite(wait_end) and wait_end > begin:
                ax.barh(y, wait_end - begin, left=begin, height=0.5, color=wait_colour, zorder=2)
            if np.isfinite(start) and np.isfinite(end):
                width = max(end - start, min_width)
                ax.barh(y, width, left=start, height=0.5, color=serve_colour, zorder=3)
            marker, colour = OUTCOME_MARKERS.get(str(outcome), ("o", "#555555"))
            if np.isfinite(mark):
                ax.plot(
                    mark,
                    y,
                    marker=marker,
                    color=colour,
                    markeredgecolor="white",
                    markersize=10,
                    linestyle="none",
                    zorder=4,
                )
                key = {"open": "open_item", "done": "served"}.get(str(outcome), str(outcome))
                if key not in outcomes_seen:
                    outcomes_seen.append(key)
        summaries = []
        within = mine["within_norm"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
        stories = zip(
            _strings(mine["status"]),
            _strings(mine["service"]),
            starts,
            ends,
            within,
            _floats(mine["due_min"]),
            strict=True,
        )
        for status, service, start, end, in_norm, due in stories:
            if np.isfinite(end):
                ax.axvline(
                    end / MINUTES_PER_DAY,
                    color=STATUS_COLOURS.get(status, "#555555"),
                    linewidth=2.2,
                    zorder=1,
                )
                if status not in statuses_seen:
                    statuses_seen.append(status)
                norm = ""
                if status == "resolved" and np.isfinite(in_norm):
                    norm = t["within"] if in_norm > 0.5 else t["late"]
                summaries.append(
                    t["journey_done"].format(
                        service=service,
                        status=_status_label(status, t),
                        lead=_duration(float(end - start), language),
                        norm=norm,
                    )
                )
            else:
                summaries.append(
                    t["journey_open"].format(
                        service=service, lead=_duration(max(horizon - float(start), 0.0), language)
                    )
                )
            if np.isfinite(due) and low <= due <= high:
                ax.axvline(
                    due / MINUTES_PER_DAY,
                    color=NORM_COLOUR,
                    linestyle="--",
                    linewidth=1.4,
                    zorder=1,
                )
                has_due = True
        label = (labels or {}).get("personas", {}).get(name, name)
        ax.set_title(
            f"{label} – " + "; ".join(summaries), fontsize=TITLE_PT, loc="left", fontweight="bold"
        )
        ax.set_yticks(
            range(len(lanes)),
            [_lane_label(lane, language, labels) for lane in lanes],
            fontsize=TICK_PT,
        )
        ax.set_ylim(len(lanes) - 0.4, -0.6)
        _time_axis_days(ax, low / MINUTES_PER_DAY, high / MINUTES_PER_DAY, t)
    day0 = _first_date(
        same_rep_c, "arrival_at", _floats(same_rep_c["arrival_min"]) if len(same_rep_c) else None
    )
    axes[-1].set_xlabel(
        t["time_axis_date"].format(date=day0) if day0 else t["time_axis"], fontsize=LABEL_PT
    )
    entries: list[tuple[object, str]] = [
        (Patch(facecolor=CONTACT_WAIT_COLOUR), t["contact_wait"]),
        (Patch(facecolor=CONTACT_SERVICE_COLOUR), t["contact_service"]),
        (Patch(facecolor=TASK_WAIT_COLOUR), t["task_wait"]),
        (Patch(facecolor=TASK_SERVICE_COLOUR), t["task_service"]),
    ]
    for key in outcomes_seen:
        marker, colour = OUTCOME_MARKERS.get("open" if key == "open_item" else key, ("o", "#555"))
        handle = Line2D([], [], marker=marker, color=colour, linestyle="none", markersize=10)
        entries.append((handle, t.get(key, key)))
    for status in statuses_seen:
        handle = Line2D([], [], color=STATUS_COLOURS.get(status, "#555555"), linewidth=2.2)
        entries.append((handle, f"{t['journey_end']}: {_status_label(status, t)}"))
    if has_due:
        entries.append((Line2D([], [], color=NORM_COLOUR, linestyle="--"), t["due"]))
    _legend_below(fig, entries, ncols=4)
    return fig


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_journey_figures(
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    journeys: pd.DataFrame,
    backlog: pd.DataFrame,
    folder: Path | str,
    *,
    personas: Sequence[str] = (),
    replication: int = 0,
    language: str = "en",
    dpi: int = 120,
    service_names: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Path]:
    """Write the journey figures (:data:`JOURNEY_FIGURE_NAMES`) as PNG files into ``folder``.

    Parameters
    ----------
    contacts, tasks, journeys, backlog : pandas.DataFrame
        The contact, task, journey and backlog tables of a run (all replications).
    folder : pathlib.Path or str
        Output folder; created (with its parents) if missing.
    personas : sequence of str, optional
        Personas for ``persona_journeys.png``, in this order; empty means all of them.
    replication : int, optional
        The replication whose personas are drawn.
    language : {"en", "nl"}, optional
        Language of the labels.
    dpi : int, optional
        Resolution of the PNG files.
    service_names : mapping of str to str, optional
        Display names of the services (default: their ids).
    labels : mapping, optional
        Display names of the personas and departments (see :func:`persona_journeys`).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`JOURNEY_FIGURE_NAMES`. A figure is skipped
        when it has nothing to show: ``backlog.png`` without backlog rows,
        ``journey_lead_time.png`` without resolved journeys, ``journey_flow.png`` without
        journeys, ``persona_journeys.png`` without persona journeys in ``replication``; the
        lead-time and flow figures also when no journey has a second step.
    """
    _text(language)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    later_steps = _has_later_steps(journeys)
    has_resolved = bool(
        later_steps
        and np.any(
            (_strings(journeys["status"]) == "resolved")
            & np.isfinite(_floats(journeys["lead_time_days"]))
        )
    )
    makers: dict[str, tuple[bool, Callable[[], Figure]]] = {
        "backlog": (
            len(backlog) > 0,
            lambda: backlog_by_day(backlog, language=language, labels=labels),
        ),
        "journey_lead_time": (
            has_resolved,
            lambda: journey_lead_time(journeys, language=language, names=service_names),
        ),
        "journey_flow": (
            later_steps,
            lambda: journey_flow(journeys, language=language, names=labels),
        ),
        "persona_journeys": (
            len(_persona_table(journeys, personas, replication)) > 0,
            lambda: persona_journeys(
                contacts,
                tasks,
                journeys,
                personas=personas,
                replication=replication,
                language=language,
                labels=labels,
            ),
        ),
    }
    paths = []
    for name in JOURNEY_FIGURE_NAMES:
        wanted, make = makers[name]
        if not wanted:
            continue
        path = folder / f"{name}.png"
        make().savefig(path, dpi=dpi)
        paths.append(path)
    return paths
