"""Figures over the year: access time per shop, the back office, and failure demand per week.

A run of up to a year shows *when* the organisation loses its grip: the weeks the appointment
book is full, the back office's pile of work, citizens chasing late work. Each figure draws a
weekly (or daily) table of :mod:`klantstroom.analysis.weekly` against calendar dates.

``access_by_week.png`` (:func:`access_by_week`)
    One line per shop: the mean access time (working days from the request to the slot) of the
    appointments requested that week, mean over replications; the dashed line is the norm.
    The last weeks before the end of the run miss the bookings whose slot lies after it, so
    their mean is too low: they are drawn dotted.

``back_office_by_week.png`` (:func:`back_office_by_week`)
    Top: tasks open at the end of each day per department (mean over replications). Bottom:
    mean lead time (working days) of the tasks done each week per department, with the mean
    term of those tasks dashed in the same colour. The first weeks miss the tasks created in
    the warm-up (the slow ones) and are drawn dotted.

``failure_demand_by_week.png`` (:func:`failure_demand_by_week`)
    Top: chases per week per channel (only weeks wholly inside the run, so a partial week does
    not look like a dip). Bottom: chases as a share of the inbound contacts of the contact
    centre's channels (phone, digital, chat; callbacks not counted), pooled and per channel.

:func:`write_year_figures` writes them into ``figures/``, skipping a figure with nothing to
show (no appointments, no tasks, no chases) and all three when the run is shorter than a week.
Labels are in English or Dutch (``language="en"`` or ``"nl"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from klantstroom.analysis.weekly import (
    ALL_SHOPS,
    KCC,
    KCC_CHANNELS,
    DateLike,
    daily_work_in_progress,
    weekly_access,
    weekly_failure_demand,
    weekly_lead_time,
)
from klantstroom.report.figure_style import (
    HEIGHT_IN,
    LABEL_PT,
    LEGEND_PT,
    NORM_COLOUR,
    SUPTITLE_PT,
    TITLE_PT,
    WIDTH_IN,
    _new_figure,
    _no_data,
    _number,
    _style_axes,
)
from klantstroom.report.figure_style import _text as _labels
from klantstroom.report.headline import CHANNEL_NAMES
from klantstroom.report.png import save_png

__all__ = [
    "YEAR_FIGURE_NAMES",
    "access_by_week",
    "back_office_by_week",
    "failure_demand_by_week",
    "write_year_figures",
]

YEAR_FIGURE_NAMES: tuple[str, ...] = (
    "access_by_week",
    "back_office_by_week",
    "failure_demand_by_week",
)
DAYS_PER_WEEK = 7
# A qualitative palette that stays apart on a projector (ColorBrewer Dark2 + Set1 extras).
PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#377eb8",
    "#666666",
)

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "access_title": "Appointment access time per week of request, per shop",
        "access_axis": "Mean access time (working days)",
        "norm": "norm: {days} working days",
        "incomplete": "dotted: weeks whose later bookings fall after the end of the run "
        "(mean too low)",
        "week_axis": "Week (Monday)",
        "date_axis": "Date",
        "bo_title": "Back office over the run, per department",
        "wip_panel": "Tasks open at the end of each day",
        "wip_axis": "Open tasks",
        "lead_panel": "Mean lead time of the tasks done each week (dashed: their mean term)",
        "lead_axis": "Lead time (working days)",
        "warmup": "dotted: first weeks without the warm-up's slow tasks (mean too low)",
        "fd_title": "Failure demand: citizens chasing late work, per week",
        "chases_panel": "Chases per week per channel (whole weeks only)",
        "chases_axis": "Chases per week",
        "share_panel": "Chases as a share of the contact centre's inbound contacts",
        "share_axis": "Share of inbound (%)",
        "kcc": "contact centre (phone, digital, chat)",
        "mean": "mean of {n} replications",
        "mean_one": "1 replication",
        "no_data": "no data",
    },
    "nl": {
        "access_title": "Toegangstijd van afspraken per week van aanvraag, per stadswinkel",
        "access_axis": "Gemiddelde toegangstijd (werkdagen)",
        "norm": "norm: {days} werkdagen",
        "incomplete": "stippel: weken waarvan latere afspraken na het eind van de run vallen "
        "(gemiddelde te laag)",
        "week_axis": "Week (maandag)",
        "date_axis": "Datum",
        "bo_title": "Backoffice over de run, per afdeling",
        "wip_panel": "Openstaande taken aan het eind van elke dag",
        "wip_axis": "Open taken",
        "lead_panel": "Gemiddelde doorlooptijd van de taken die per week klaar zijn "
        "(streep: hun gemiddelde termijn)",
        "lead_axis": "Doorlooptijd (werkdagen)",
        "warmup": "stippel: eerste weken zonder de trage taken uit de inloop (gemiddelde te laag)",
        "fd_title": "Faalvraag: burgers die navragen waar hun zaak blijft, per week",
        "chases_panel": "Navragen per week per kanaal (alleen hele weken)",
        "chases_axis": "Navragen per week",
        "share_panel": "Navragen als aandeel van de inkomende contacten van het KCC",
        "share_axis": "Aandeel inkomend (%)",
        "kcc": "KCC (telefoon, digitaal, chat)",
        "mean": "gemiddelde van {n} replicaties",
        "mean_one": "1 replicatie",
        "no_data": "geen gegevens",
    },
}


def _text(language: str) -> dict[str, str]:
    """Labels of these figures in ``language``; ``ValueError`` for an unknown one."""
    return _labels(language, _TEXT)


def _date_axis(ax: Axes) -> None:
    """Calendar dates on the x axis, as short as the span allows (``Mar``, ``15``, ``2027``)."""
    locator = AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _replication_note(n: int, t: dict[str, str]) -> str:
    return t["mean"].format(n=n) if n > 1 else t["mean_one"]


def _split_line(
    ax: Axes,
    x: pd.Series,
    y: pd.Series,
    complete: pd.Series,
    *,
    colour: str,
    label: str,
) -> None:
    """Draw ``y`` solid where ``complete``, dotted (thin) where not, joined where they meet."""
    x_values = pd.to_datetime(x).to_numpy()
    y_values = y.to_numpy(dtype=float)
    ok = complete.to_numpy(dtype=bool)
    solid = np.where(ok, y_values, np.nan)
    # The dotted part includes the neighbours of each incomplete week so the line is unbroken.
    near = ~ok | np.r_[~ok[1:], False] | np.r_[False, ~ok[:-1]]
    dotted = np.where(near, y_values, np.nan)
    ax.plot(x_values, solid, color=colour, linewidth=2.2, marker="o", markersize=3.5, label=label)
    if (~ok).any():
        ax.plot(x_values, dotted, color=colour, linewidth=1.4, linestyle=":")


def _caption(ax: Axes, notes: Iterable[str]) -> None:
    """Notes under the bottom panel's axis label (how to read the figure), small and grey.

    An annotation of the axes rather than a figure text, so the constrained layout makes room
    for it instead of letting it run over the axis label.
    """
    text = "  ·  ".join(n for n in notes if n)
    if text:
        ax.annotate(
            text,
            xy=(0.0, 0.0),
            xycoords="axes fraction",
            xytext=(0.0, -52.0),
            textcoords="offset points",
            fontsize=LEGEND_PT - 1,
            color="#555555",
            va="top",
        )


def access_by_week(
    weekly: pd.DataFrame,
    norm_working_days: float,
    *,
    replications: int = 1,
    language: str = "en",
) -> Figure:
    """Mean access time per week of request, one line per shop, with the norm.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The table of :func:`klantstroom.analysis.weekly.weekly_access`.
    norm_working_days : float
        ``counter.access_norm_working_days``: the dashed line.
    replications : int, optional
        How many replications the means are over (for the caption).
    language : {"en", "nl"}, optional
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        One panel; "no data" when no shop has a booking.
    """
    t = _text(language)
    fig = _new_figure(WIDTH_IN, HEIGHT_IN + 0.5)
    ax = fig.subplots()
    _style_axes(ax)
    rows = weekly[weekly["shop"] != ALL_SHOPS] if len(weekly) else weekly
    shops = [
        s for s in pd.unique(rows["shop"]) if rows.loc[rows["shop"] == s, "booked"].gt(0).any()
    ]
    for k, shop in enumerate(shops):
        sub = rows[rows["shop"] == shop].sort_values("week")
        _split_line(
            ax,
            sub["week"],
            sub["access_working_days_mean"],
            sub["complete"],
            colour=PALETTE[k % len(PALETTE)],
            label=str(shop),
        )
    ax.axhline(
        norm_working_days,
        color=NORM_COLOUR,
        linestyle="--",
        linewidth=1.6,
        label=t["norm"].format(days=_number(norm_working_days, language)),
    )
    # Head room above the norm and the highest week, so the legend never sits on the norm line.
    highest = rows["access_working_days_mean"].max() if len(rows) else 0.0
    top = max(float(norm_working_days), float(highest) if pd.notna(highest) else 0.0)
    ax.set_ylim(bottom=0, top=top * 1.3 if top > 0 else None)
    ax.set_ylabel(t["access_axis"], fontsize=LABEL_PT)
    ax.set_xlabel(t["week_axis"], fontsize=LABEL_PT)
    if shops:
        _date_axis(ax)
        ax.legend(fontsize=LEGEND_PT, loc="upper left", ncols=min(len(shops) + 1, 4))
        incomplete = not rows["complete"].astype(bool).all()
        _caption(ax, [_replication_note(replications, t), t["incomplete"] if incomplete else ""])
    else:
        _no_data(ax, t["no_data"])
    fig.suptitle(t["access_title"], fontsize=SUPTITLE_PT)
    return fig


def _two_panels(
    top_text: tuple[str, str], bottom_text: tuple[str, str], x_axis: str
) -> tuple[Figure, Axes, Axes]:
    """A figure of two styled panels sharing the date axis: (title, y-axis label) of each."""
    fig = _new_figure(WIDTH_IN, 2 * HEIGHT_IN - 1.0)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for ax, (title, y_axis) in ((top, top_text), (bottom, bottom_text)):
        _style_axes(ax)
        ax.set_title(title, loc="left", fontsize=TITLE_PT)
        ax.set_ylabel(y_axis, fontsize=LABEL_PT)
    bottom.set_xlabel(x_axis, fontsize=LABEL_PT)
    return fig, top, bottom


def back_office_by_week(
    work_in_progress: pd.DataFrame,
    lead_times: pd.DataFrame,
    *,
    replications: int = 1,
    language: str = "en",
) -> Figure:
    """Work in progress per day and lead time per week, one line per department.

    Parameters
    ----------
    work_in_progress : pandas.DataFrame
        The table of :func:`klantstroom.analysis.weekly.daily_work_in_progress`.
    lead_times : pandas.DataFrame
        The table of :func:`klantstroom.analysis.weekly.weekly_lead_time`.
    replications : int, optional
        How many replications the means are over (for the caption).
    language : {"en", "nl"}, optional
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels; a panel without rows says "no data".
    """
    t = _text(language)
    fig, top, bottom = _two_panels(
        (t["wip_panel"], t["wip_axis"]), (t["lead_panel"], t["lead_axis"]), t["date_axis"]
    )
    departments = list(
        dict.fromkeys(
            [*pd.unique(work_in_progress["department"]), *pd.unique(lead_times["department"])]
        )
    )
    colours = {d: PALETTE[k % len(PALETTE)] for k, d in enumerate(departments)}
    for department, sub in work_in_progress.groupby("department", sort=False):
        top.plot(
            pd.to_datetime(sub["date"]).to_numpy(),
            sub["work_in_progress"].to_numpy(dtype=float),
            color=colours[department],
            linewidth=2.0,
            label=str(department),
        )
    for department, sub in lead_times.groupby("department", sort=False):
        if not sub["done"].gt(0).any():
            continue
        sub = sub.sort_values("week")
        _split_line(
            bottom,
            sub["week"],
            sub["lead_time_working_days_mean"],
            sub["complete"],
            colour=colours[department],
            label=str(department),
        )
        bottom.plot(
            pd.to_datetime(sub["week"]).to_numpy(),
            sub["term_working_days_mean"].to_numpy(dtype=float),
            color=colours[department],
            linestyle="--",
            linewidth=1.3,
        )
    for ax, rows in ((top, work_in_progress), (bottom, lead_times)):
        ax.set_ylim(bottom=0)
        if len(rows) == 0:
            _no_data(ax, t["no_data"])
    if departments:
        _date_axis(bottom)
        top.legend(fontsize=LEGEND_PT, loc="best", ncols=min(len(departments), 3))
    incomplete = len(lead_times) > 0 and not lead_times["complete"].astype(bool).all()
    _caption(bottom, [_replication_note(replications, t), t["warmup"] if incomplete else ""])
    fig.suptitle(t["bo_title"], fontsize=SUPTITLE_PT)
    return fig


def failure_demand_by_week(
    failure: pd.DataFrame, *, replications: int = 1, language: str = "en"
) -> Figure:
    """Chases per week per channel, and their share of the contact centre's inbound contacts.

    Parameters
    ----------
    failure : pandas.DataFrame
        The table of :func:`klantstroom.analysis.weekly.weekly_failure_demand`.
    replications : int, optional
        How many replications the means are over (for the caption).
    language : {"en", "nl"}, optional
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels; "no data" without chases or without a whole week.
    """
    t = _text(language)
    fig, top, bottom = _two_panels(
        (t["chases_panel"], t["chases_axis"]), (t["share_panel"], t["share_axis"]), t["week_axis"]
    )
    channels = [c for c in pd.unique(failure["channel"]) if c != KCC] if len(failure) else []
    colours = {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(channels)}
    whole = failure[failure["days_in_run"] == DAYS_PER_WEEK] if len(failure) else failure
    for channel in channels:
        sub = whole[whole["channel"] == channel].sort_values("week")
        top.plot(
            pd.to_datetime(sub["week"]).to_numpy(),
            sub["chases"].to_numpy(dtype=float),
            color=colours[channel],
            linewidth=2.0,
            marker="o",
            markersize=3.5,
            label=CHANNEL_NAMES[language].get(channel, channel),
        )
    # The share is of the contact centre's inbound contacts: its channels, then pooled.
    for channel in [*[c for c in channels if c in KCC_CHANNELS], KCC]:
        sub = failure[failure["channel"] == channel].sort_values("week")
        pooled = channel == KCC
        bottom.plot(
            pd.to_datetime(sub["week"]).to_numpy(),
            sub["chase_share"].to_numpy(dtype=float),
            color=NORM_COLOUR if pooled else colours[channel],
            linewidth=2.6 if pooled else 1.3,
            linestyle="-" if pooled else "--",
            label=t["kcc"] if pooled else CHANNEL_NAMES[language].get(channel, channel),
        )
    bottom.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    for ax in (top, bottom):
        ax.set_ylim(bottom=0)
    if len(whole) == 0:
        _no_data(top, t["no_data"])
    if len(failure) == 0:
        _no_data(bottom, t["no_data"])
    else:
        _date_axis(bottom)
        top.legend(fontsize=LEGEND_PT, loc="upper left", ncols=min(len(channels), 4))
        bottom.legend(fontsize=LEGEND_PT, loc="upper left", ncols=2)
        _caption(bottom, [_replication_note(replications, t)])
    fig.suptitle(t["fd_title"], fontsize=SUPTITLE_PT)
    return fig


def write_year_figures(
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    backlog: pd.DataFrame,
    folder: Path | str,
    *,
    start_date: DateLike,
    horizon_days: float,
    holidays: Iterable[DateLike] = (),
    access_norm_working_days: float = 5.0,
    booking_horizon_days: float | None = None,
    language: str = "en",
    dpi: int = 120,
) -> list[Path]:
    """Write the figures over the year (:data:`YEAR_FIGURE_NAMES`) as PNG files into ``folder``.

    Parameters
    ----------
    contacts, tasks, backlog : pandas.DataFrame
        ``contacts.parquet``, ``tasks.parquet`` and ``backlog.parquet`` of a run.
    folder : pathlib.Path or str
        Output folder; created (with its parents) if missing.
    start_date : date-like
        ``calendar.start_date``.
    horizon_days : float
        ``run.horizon_days``.
    holidays : iterable of date-like, optional
        ``calendar.holidays``.
    access_norm_working_days : float, optional
        ``counter.access_norm_working_days``.
    booking_horizon_days : float, optional
        ``counter.booking_horizon_days`` (marks the last weeks as incomplete).
    language : {"en", "nl"}, optional
        Language of the labels.
    dpi : int, optional
        Resolution of the PNG files.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`YEAR_FIGURE_NAMES`. None when the run is
        shorter than a week; ``access_by_week.png`` is skipped without an appointment,
        ``back_office_by_week.png`` without a task or department backlog,
        ``failure_demand_by_week.png`` without a chase.
    """
    _text(language)
    if horizon_days < DAYS_PER_WEEK:
        return []
    holidays = list(holidays)
    replications = int(contacts["replication"].nunique()) if len(contacts) else 1
    access = weekly_access(
        contacts,
        norm_working_days=access_norm_working_days,
        holidays=holidays,
        booking_horizon_days=booking_horizon_days,
        start_date=start_date,
        horizon_days=horizon_days,
    )
    work = daily_work_in_progress(backlog)
    lead = weekly_lead_time(
        tasks, start_date=start_date, horizon_days=horizon_days, holidays=holidays
    )
    failure = weekly_failure_demand(contacts, start_date=start_date, horizon_days=horizon_days)
    makers: dict[str, tuple[bool, Callable[[], Figure]]] = {
        "access_by_week": (
            bool(len(access)) and bool(access["booked"].gt(0).any()),
            lambda: access_by_week(
                access, access_norm_working_days, replications=replications, language=language
            ),
        ),
        "back_office_by_week": (
            bool(len(work) or len(lead)),
            lambda: back_office_by_week(work, lead, replications=replications, language=language),
        ),
        "failure_demand_by_week": (
            bool(len(failure)),
            lambda: failure_demand_by_week(failure, replications=replications, language=language),
        ),
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in YEAR_FIGURE_NAMES:
        wanted, make = makers[name]
        if not wanted:
            continue
        path = folder / f"{name}.png"
        save_png(make(), path, dpi=dpi)
        paths.append(path)
    return paths
