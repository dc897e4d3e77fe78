"""Figures for a run: how long citizens wait, and how the day goes per interval.

Four figures, each built as a stand-alone :class:`matplotlib.figure.Figure` with the look of
:mod:`klantstroom.report.figure_style` (Agg, no pyplot; about 11 x 6 inches for a projector).
The three interval figures draw profiles over the day from
:mod:`klantstroom.report.interval_profiles`.

``wait_distribution.png`` (:func:`~klantstroom.report.wait_figure.wait_distribution`)
    How long citizens waited per channel (its own module).

``service_level_by_interval.png`` (:func:`service_level_by_interval`)
    One panel per channel: service level (%) per interval of the day. For each replication the
    intervals at the same time of day are pooled over all simulated days (served within norm /
    (served + abandoned)); the line is the mean over replications and the shaded band the range
    (lowest to highest replication). The dashed line is the target. A low point means that the
    citizens who *arrived* in that interval waited too long.

``queue_length_by_interval.png`` (:func:`queue_length_by_interval`)
    One panel per channel: the time-average number of contacts waiting in each interval of the
    day (summed over shops), averaged over the days the channel was open and then over
    replications, with the range across replications shaded.

``occupancy_by_interval.png`` (:func:`occupancy_by_interval`)
    One row per staff group. Left: occupancy (%), busy time (service + wrap-up) over time on
    duty, per interval of the day. Right: staff on duty (bars, time-average number of people)
    and staff busy (line), so one sees whether a high occupancy comes from too few people or
    from much work.

Time of day is on the x axis of the last three figures, with ticks like ``08:00``; points sit
in the middle of their interval. Intervals in which nobody arrived in any replication (closed
hours, weekends) and intervals without staff on duty are left out rather than drawn as zeros,
so gaps in the lines are closing times. :func:`write_figures` writes all four as PNG files.

Labels are in English or Dutch (``language="en"`` or ``"nl"``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter
from pandas.api.typing import DataFrameGroupBy

from klantstroom.report.figure_style import (
    HEIGHT_IN,
    LABEL_PT,
    NORM_COLOUR,
    SUPTITLE_PT,
    TITLE_PT,
    WIDTH_IN,
    _bottom_labels,
    _channel_grid,
    _channel_name,
    _duration,
    _figure_legend,
    _names,
    _new_figure,
    _no_data,
    _percent,
    _style_axes,
    _text,
    with_unit_words,
)
from klantstroom.report.interval_profiles import (
    _days_text,
    _draw_profile,
    _interval_length,
    _interval_name,
    _on_duty_staff_rows,
    _open_queue_rows,
    _profile,
    _profile_handles,
    _time_axis,
    _time_limits,
)
from klantstroom.report.png import save_png
from klantstroom.report.wait_figure import wait_distribution

OCCUPANCY_GROUPS = 6

__all__ = [
    "FIGURE_NAMES",
    "occupancy_by_interval",
    "queue_length_by_interval",
    "service_level_by_interval",
    "wait_distribution",
    "write_figures",
]

FIGURE_NAMES: tuple[str, ...] = (
    "wait_distribution",
    "service_level_by_interval",
    "queue_length_by_interval",
    "occupancy_by_interval",
)

SCHEDULED_COLOUR = "#c9d6e8"

BUSY_COLOUR = "#b2182b"

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sl_title": "Service level per {interval} interval of the day (%)",
        "sl_axis": "Service level (%)",
        "target": "target",
        "panel_target": "{channel}: target {target} within {norm}",
        "panel_target_only": "{channel}: target {target}",
        "queue_title": "Mean queue length per {interval} interval of the day (contacts waiting)",
        "queue_axis": "Waiting (contacts)",
        "occ_title": "Occupancy and staffing per {interval} interval of the day",
        "occ_axis": "Occupancy (%)",
        "staff_axis": "Staff (persons)",
        "occ_panel": "{group}",
        "occ_largest": "the {shown} largest of {total} groups (by hours on duty); all in "
        "summary.csv",
        "scheduled": "on duty",
        "busy": "busy (serving + wrap-up)",
        "no_staff": "no staff on duty",
        "time_axis": "Time of day (hh:mm)",
        "mean": "mean of {n} replications, {days} pooled",
        "mean_one": "1 replication, {days} pooled",
        "range": "shaded: range across replications (lowest to highest)",
        "occ_mean": "occupancy, mean of {n} replications, {days} pooled",
        "occ_mean_one": "occupancy, 1 replication, {days} pooled",
    },
    "nl": {
        "sl_title": "Servicelevel per {interval}-interval van de dag (%)",
        "sl_axis": "Servicelevel (%)",
        "target": "doel",
        "panel_target": "{channel}: doel {target} binnen {norm}",
        "panel_target_only": "{channel}: doel {target}",
        "queue_title": (
            "Gemiddelde wachtrij per {interval}-interval van de dag (wachtende contacten)"
        ),
        "queue_axis": "Wachtend (contacten)",
        "occ_title": "Bezettingsgraad en bezetting per {interval}-interval van de dag",
        "occ_axis": "Bezettingsgraad (%)",
        "staff_axis": "Medewerkers (personen)",
        "occ_panel": "{group}",
        "occ_largest": "de {shown} grootste van {total} groepen (naar uren aanwezig); alle in "
        "summary.csv",
        "scheduled": "aanwezig",
        "busy": "bezig (gesprek + nawerk)",
        "no_staff": "geen medewerkers ingeroosterd",
        "time_axis": "Tijdstip (uu:mm)",
        "mean": "gemiddelde van {n} replicaties, {days} samengenomen",
        "mean_one": "1 replicatie, {days} samengenomen",
        "range": "vlak: spreiding over replicaties (laagste tot hoogste)",
        "occ_mean": "bezettingsgraad, gemiddelde van {n} replicaties, {days} samengenomen",
        "occ_mean_one": "bezettingsgraad, 1 replicatie, {days} samengenomen",
    },
}

# These figures' labels with the shared unit words.
_TEXT = with_unit_words(_LABELS)

# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _replications(frame: pd.DataFrame) -> int:
    return int(frame["replication"].nunique()) if "replication" in frame else 0


def _stacked_height(rows: int) -> float:
    """Figure height for ``rows`` stacked panels: 6 inches, more when there are many rows."""
    return max(HEIGHT_IN, 1.6 + 2.3 * rows)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


def service_level_by_interval(
    intervals: pd.DataFrame,
    targets_by_channel: Mapping[str, float],
    *,
    thresholds_min_by_channel: Mapping[str, float] | None = None,
    language: str = "en",
) -> Figure:
    """Draw the service level per interval of the day, one panel per channel.

    Parameters
    ----------
    intervals : pandas.DataFrame
        The interval table; its queue rows (``channel`` set) are used. Several shops of a
        channel are pooled.
    targets_by_channel : mapping of str to float
        Service-level target per channel as a share (0.8 = 80%), drawn as a dashed line.
        Channels listed here but absent from ``intervals`` get an empty panel.
    thresholds_min_by_channel : mapping of str to float, optional
        Service-level norm per channel in minutes; only used to say "within 20 s" in the titles.
    language : {"en", "nl"}, optional
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per channel (two side by side, three or four in a 2 x 2 grid), sharing the
        time-of-day axis. Per replication the
        service level at a time of day is served within norm / (served + abandoned) pooled over
        the days; the line is the mean over replications, the band their range. Intervals
        without arrivals are gaps.
    """
    t = _text(language, _TEXT)
    thresholds = thresholds_min_by_channel or {}
    channels = _names(intervals["channel"], targets_by_channel)
    length = _interval_length(intervals) if len(intervals) else 30.0
    rows = _open_queue_rows(intervals)

    def service_level(groups: DataFrameGroupBy) -> pd.Series:
        sums = groups[["within", "ended"]].sum()
        return sums["within"] / sums["ended"].where(sums["ended"] > 0)

    profiles = _profile(rows, "channel", service_level, length)
    n_reps = _replications(intervals)
    fig, axes = _channel_grid(channels, sharex=True, sharey=True)
    fig.suptitle(
        t["sl_title"].format(interval=_interval_name(length, language)), fontsize=SUPTITLE_PT
    )
    limits = _time_limits(profiles.values(), length)
    has_target = False
    for ax, channel in zip(axes, channels, strict=False):
        _style_axes(ax)
        target = targets_by_channel.get(channel)
        title = _channel_name(channel, language)
        if target is not None:
            has_target = True
            norm = thresholds.get(channel)
            key = "panel_target" if norm is not None else "panel_target_only"
            title = t[key].format(
                channel=title,
                target=_percent(target, language),
                norm=_duration(norm, language) if norm is not None else "",
            )
            ax.axhline(target, color=NORM_COLOUR, linestyle="--", linewidth=1.8)
        ax.set_title(title, fontsize=TITLE_PT, loc="left")
        stats = profiles.get(channel)
        if stats is None or stats["mean"].notna().sum() == 0:
            _no_data(ax, t["no_contacts"])
        else:
            _draw_profile(ax, stats, length, band=n_reps > 1)
        ax.set_ylabel(t["sl_axis"], fontsize=LABEL_PT)
    for ax in axes:
        ax.set_ylim(0.0, 1.05)
        ax.yaxis.set_major_locator(MultipleLocator(0.25))
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        _time_axis(ax, limits)
    if not channels:
        _style_axes(axes[0])
        _no_data(axes[0], t["no_data"])
    _bottom_labels(axes, t["time_axis"])
    entries = _profile_handles(t, n_reps, _days_text(intervals, language)) if channels else []
    if has_target:
        entries.append(
            (Line2D([], [], color=NORM_COLOUR, linestyle="--", linewidth=1.8), t["target"])
        )
    _figure_legend(fig, entries)
    return fig


def queue_length_by_interval(intervals: pd.DataFrame, *, language: str = "en") -> Figure:
    """Draw the mean number of contacts waiting per interval of the day, one panel per channel.

    Parameters
    ----------
    intervals : pandas.DataFrame
        The interval table; its queue rows (``channel`` set) are used. The queues of several
        shops of a channel are added up.
    language : {"en", "nl"}, optional
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per channel (two side by side, three or four in a 2 x 2 grid), sharing the
        time-of-day axis (each with its own y
        scale). Per replication the time-average queue length is averaged over the days the
        interval was open; the line is the mean over replications, the band their range.
    """
    t = _text(language, _TEXT)
    channels = _names(intervals["channel"])
    length = _interval_length(intervals) if len(intervals) else 30.0
    rows = _open_queue_rows(intervals)

    def mean_queue(groups: DataFrameGroupBy) -> pd.Series:
        return groups["queue"].mean()

    profiles = _profile(rows, "channel", mean_queue, length)
    n_reps = _replications(intervals)
    fig, axes = _channel_grid(channels, sharex=True)
    fig.suptitle(
        t["queue_title"].format(interval=_interval_name(length, language)), fontsize=SUPTITLE_PT
    )
    limits = _time_limits(profiles.values(), length)
    for ax, channel in zip(axes, channels, strict=False):
        _style_axes(ax)
        ax.set_title(_channel_name(channel, language), fontsize=TITLE_PT, loc="left")
        stats = profiles.get(channel)
        if stats is None or stats["mean"].notna().sum() == 0:
            _no_data(ax, t["no_contacts"])
            ax.set_ylim(0.0, 1.0)
        else:
            _draw_profile(ax, stats, length, band=n_reps > 1)
            top = float(np.nanmax(stats[["mean", "high"]].to_numpy(dtype=float)))
            ax.set_ylim(0.0, max(1.0, 1.1 * top))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        ax.set_ylabel(t["queue_axis"], fontsize=LABEL_PT)
    for ax in axes:
        _time_axis(ax, limits)
    if not channels:
        _style_axes(axes[0])
        _no_data(axes[0], t["no_data"])
    _bottom_labels(axes, t["time_axis"])
    if channels:
        _figure_legend(fig, _profile_handles(t, n_reps, _days_text(intervals, language)))
    return fig


def occupancy_by_interval(
    intervals: pd.DataFrame,
    *,
    language: str = "en",
    names: Mapping[str, str] | None = None,
    top: int = OCCUPANCY_GROUPS,
) -> Figure:
    """Draw occupancy, staff on duty and staff busy per interval of the day per staff group.

    Parameters
    ----------
    intervals : pandas.DataFrame
        The interval table; its staff rows (``staff_group`` set) are used.
    language : {"en", "nl"}, optional
        Language of the labels.
    names : mapping of str to str, optional
        Display names of the staff groups (default: their ids).
    top : int
        At most this many groups, the largest by hours on duty, in their own order: a slide
        holds six; the title says how many there are, and ``summary.csv`` has all of them.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels per staff group, two groups per row: occupancy (%) (busy time over time on
        duty, pooled over days per replication; mean line and range band), then staff on duty
        (bars) and busy (line), both time averages in persons. Intervals without anybody on
        duty are gaps.
    """
    t = _text(language, _TEXT)
    names = names or {}
    groups = _names(intervals["staff_group"])
    length = _interval_length(intervals) if len(intervals) else 30.0
    rows = _on_duty_staff_rows(intervals)
    all_groups = len(groups)
    if len(groups) > top:
        hours = rows.groupby(rows["staff_group"].astype(str))["scheduled"].sum()
        largest = set(hours.reindex(groups).fillna(0.0).nlargest(top).index)
        groups = [g for g in groups if g in largest]

    def occupancy(g: DataFrameGroupBy) -> pd.Series:
        sums = g[["busy", "scheduled"]].sum()
        return sums["busy"] / sums["scheduled"].where(sums["scheduled"] > 1e-9)

    def scheduled(g: DataFrameGroupBy) -> pd.Series:
        return g["scheduled"].mean()

    def busy(g: DataFrameGroupBy) -> pd.Series:
        return g["busy"].mean()

    occ = _profile(rows, "staff_group", occupancy, length)
    sched = _profile(rows, "staff_group", scheduled, length)
    work = _profile(rows, "staff_group", busy, length)
    n_reps = _replications(intervals)
    # Two groups a row (occupancy, staff; occupancy, staff): six groups fit a 16:9 slide.
    panels = max(1, len(groups))
    per_row = 2 if panels > 1 else 1
    n_rows = -(-panels // per_row)
    fig = _new_figure(
        width=WIDTH_IN * (1.25 if per_row > 1 else 1.0), height=max(HEIGHT_IN, 1.8 + 2.4 * n_rows)
    )
    grid = fig.subplots(n_rows, 2 * per_row, sharex=True, squeeze=False)
    cells = list(grid.ravel())
    pairs = [(cells[2 * k], cells[2 * k + 1]) for k in range(panels)]
    for spare in cells[2 * panels :]:
        spare.remove()
    title = t["occ_title"].format(interval=_interval_name(length, language))
    if all_groups > len(groups):
        title += "\n" + t["occ_largest"].format(shown=len(groups), total=all_groups)
    fig.suptitle(title, fontsize=SUPTITLE_PT)
    limits = _time_limits(sched.values(), length)
    band = n_reps > 1
    for (ax_occ, ax_staff), group in zip(pairs, groups, strict=False):
        for ax in (ax_occ, ax_staff):
            _style_axes(ax)
        # The group's name over its two panels (the staff panel's axis and the legend say
        # what it shows).
        name = textwrap.shorten(str(names.get(group, group)), width=44, placeholder="…")
        ax_occ.set_title(t["occ_panel"].format(group=name), fontsize=TITLE_PT, loc="left")
        ax_occ.set_ylabel(t["occ_axis"], fontsize=LABEL_PT)
        ax_staff.set_ylabel(t["staff_axis"], fontsize=LABEL_PT)
        ax_occ.set_ylim(0.0, 1.05)
        ax_occ.yaxis.set_major_locator(MultipleLocator(0.25))
        ax_occ.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax_staff.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        s_stats = sched.get(group)
        if s_stats is None or s_stats["mean"].notna().sum() == 0:
            _no_data(ax_occ, t["no_staff"])
            _no_data(ax_staff, t["no_staff"])
            ax_staff.set_ylim(0.0, 1.0)
            continue
        o_stats = occ[group]
        _draw_profile(ax_occ, o_stats, length, band=band)
        # Never above 100% (busy time lies within time on duty); the margin keeps 100% visible.
        o_top = np.nanmax(o_stats[["mean", "high"]].to_numpy(dtype=float), initial=0.0)
        ax_occ.set_ylim(0.0, max(1.05, 1.05 * float(o_top)))
        x = s_stats.index.to_numpy(dtype=float) + length / 2.0
        ax_staff.bar(
            x,
            s_stats["mean"].fillna(0.0).to_numpy(dtype=float),
            width=0.9 * length,
            color=SCHEDULED_COLOUR,
            edgecolor="#8da0bf",
            linewidth=0.6,
        )
        _draw_profile(
            ax_staff,
            work[group],
            length,
            band=band,
            colour=BUSY_COLOUR,
            band_colour=BUSY_COLOUR,
            band_alpha=0.25,
        )
        peak = float(np.nanmax(s_stats[["mean", "high"]].to_numpy(dtype=float)))
        ax_staff.set_ylim(0.0, max(1.0, 1.15 * peak))
    used = [ax for pair in pairs for ax in pair]
    for ax in used:
        _time_axis(ax, limits, narrow=per_row > 1)
    if not groups:
        for ax in pairs[0]:
            _style_axes(ax)
            _no_data(ax, t["no_data"])
    _bottom_labels(used, t["time_axis"])
    if groups:
        entries = _profile_handles(t, n_reps, _days_text(intervals, language), prefix="occ_")
        entries.append((Patch(facecolor=SCHEDULED_COLOUR, edgecolor="#8da0bf"), t["scheduled"]))
        busy_line = Line2D([], [], color=BUSY_COLOUR, linewidth=2.2, marker="o", markersize=4)
        entries.append((busy_line, t["busy"]))
        _figure_legend(fig, entries)
    return fig


def write_figures(
    contacts: pd.DataFrame,
    intervals: pd.DataFrame,
    folder: Path | str,
    *,
    thresholds_min: Mapping[str, float],
    targets: Mapping[str, float],
    language: str = "en",
    dpi: int = 120,
    group_names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the four standard figures as PNG files.

    Parameters
    ----------
    contacts : pandas.DataFrame
        The contact table.
    intervals : pandas.DataFrame
        The interval table.
    folder : pathlib.Path or str
        Output folder; created (with its parents) if missing.
    thresholds_min : mapping of str to float
        Service-level norm per channel, in minutes.
    targets : mapping of str to float
        Service-level target per channel, as a share (0.8 = 80%).
    language : {"en", "nl"}, optional
        Language of the labels.
    dpi : int, optional
        Resolution of the PNG files (120 gives 1320 x 720 pixels for an 11 x 6 inch figure).
    group_names : mapping of str to str, optional
        Display names of the staff groups (default: their ids).

    Returns
    -------
    list of pathlib.Path
        ``wait_distribution.png``, ``service_level_by_interval.png``,
        ``queue_length_by_interval.png`` and ``occupancy_by_interval.png`` in ``folder``.
    """
    _text(language, _TEXT)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    makers: dict[str, Callable[[], Figure]] = {
        "wait_distribution": lambda: wait_distribution(contacts, thresholds_min, language=language),
        "service_level_by_interval": lambda: service_level_by_interval(
            intervals, targets, thresholds_min_by_channel=thresholds_min, language=language
        ),
        "queue_length_by_interval": lambda: queue_length_by_interval(intervals, language=language),
        "occupancy_by_interval": lambda: occupancy_by_interval(
            intervals, language=language, names=group_names
        ),
    }
    paths = []
    for name in FIGURE_NAMES:
        path = folder / f"{name}.png"
        save_png(makers[name](), path, dpi=dpi)
        paths.append(path)
    return paths
