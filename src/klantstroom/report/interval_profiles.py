"""Profiles over the day: a figure's line per interval of the day, pooled over days.

The interval figures (service level, queue length, occupancy) show one line per channel or
staff group against the time of day. For each replication the intervals at the same time of
day are pooled over all simulated days; the line is the mean over replications and the band
the range (lowest to highest replication). Intervals in which nobody arrived in any
replication (closed hours, weekends) and intervals without staff on duty are left out rather
than drawn as zeros, so gaps in the lines are closing times. Points sit in the middle of their
interval; the x axis has ticks like ``08:00``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator
from pandas.api.typing import DataFrameGroupBy

from klantstroom.report.figure_style import (
    BAND_COLOUR,
    LINE_COLOUR,
    MINUTES_PER_DAY,
    _number,
    _text,
)


def _interval_length(intervals: pd.DataFrame) -> float:
    """Infer the interval length in minutes from the distinct interval starts (default 30)."""
    starts = np.unique(intervals["interval_start_min"].to_numpy(dtype=float))
    steps = np.diff(starts)
    steps = steps[steps > 1e-9]
    return float(steps.min()) if steps.size else 30.0


def _interval_name(length_min: float, language: str) -> str:
    """Describe the interval length: ``30-minute``/``half-hour``, ``hour``, in the language."""
    if language == "nl":
        return {30.0: "halfuur", 60.0: "uur", 15.0: "kwartier"}.get(
            length_min, f"{_number(length_min, language)}-minuten"
        )
    return {30.0: "half-hour", 60.0: "hourly", 15.0: "15-minute"}.get(
        length_min, f"{_number(length_min, language)}-minute"
    )


def _days_text(intervals: pd.DataFrame, language: str) -> str:
    """``'3 days'``: the number of calendar days the interval table covers."""
    t = _text(language)
    minutes = intervals["interval_start_min"].to_numpy(dtype=float)
    n = int(np.unique(np.floor(minutes / MINUTES_PER_DAY)).size) if minutes.size else 0
    return t["day"] if n == 1 else t["days"].format(n=n)


def _time_of_day(minutes: pd.Series) -> pd.Series:
    """Minutes since midnight of the interval starts (minute 0 is midnight of day 0)."""
    return minutes.astype(float) % MINUTES_PER_DAY


def _profile(
    rows: pd.DataFrame,
    key: str,
    value: Callable[[DataFrameGroupBy], pd.Series],
    length_min: float,
) -> dict[str, pd.DataFrame]:
    """Profile over the day per ``key`` value: mean, lowest and highest across replications.

    ``rows`` holds one row per replication x day x interval (already restricted to open
    intervals) with a ``tod`` column; ``value`` turns the rows of one replication x time of day
    into a single number. Returns, per key value, a frame indexed by time of day (all intervals
    of the day, NaN where nothing was open) with columns ``mean``, ``low``, ``high`` and ``n``.
    """
    grid = np.arange(0.0, MINUTES_PER_DAY, length_min)
    out: dict[str, pd.DataFrame] = {}
    if rows.empty:
        return out
    per_rep = value(rows.groupby([key, "replication", "tod"], sort=True, observed=True))
    per_rep = per_rep.replace([np.inf, -np.inf], np.nan)
    for name, series in per_rep.groupby(level=0, sort=False, observed=True):
        wide = series.droplevel(0).unstack("replication")
        stats = pd.DataFrame(
            {
                "mean": wide.mean(axis=1, skipna=True),
                "low": wide.min(axis=1, skipna=True),
                "high": wide.max(axis=1, skipna=True),
                "n": wide.notna().sum(axis=1),
            }
        )
        stats.index = np.round(stats.index.to_numpy(dtype=float), 6)
        out[str(name)] = stats.reindex(np.round(grid, 6))
    return out


def _open_queue_rows(intervals: pd.DataFrame) -> pd.DataFrame:
    """Queue rows of each channel as a whole, restricted to intervals in which anybody arrived.

    An interval (of the calendar, per channel) counts as open when at least one contact arrived
    in it in at least one replication; the others (closed hours, closed days) are dropped so
    that they are not averaged in as zeros.
    """
    # Channel rows only: a channel's row already counts every shop (shop rows break it down).
    queue = intervals[intervals["channel"].notna() & intervals["shop"].isna()]
    if queue.empty:
        return pd.DataFrame(
            columns=[
                "replication",
                "interval_start_min",
                "channel",
                "arrivals",
                "ended",
                "within",
                "queue",
                "tod",
            ]
        )
    ended = queue["served"].fillna(0.0) + queue["abandoned"].fillna(0.0)
    frame = pd.DataFrame(
        {
            "replication": queue["replication"].to_numpy(),
            "interval_start_min": queue["interval_start_min"].to_numpy(dtype=float),
            "channel": queue["channel"].astype(str).to_numpy(),
            "arrivals": queue["arrivals"].fillna(0.0).to_numpy(dtype=float),
            "ended": ended.to_numpy(dtype=float),
            "within": (queue["service_level"].fillna(0.0) * ended).to_numpy(dtype=float),
            "queue": queue["mean_queue_length"].fillna(0.0).to_numpy(dtype=float),
        }
    )
    frame = frame.groupby(
        ["replication", "interval_start_min", "channel"], as_index=False, sort=False
    ).sum()
    is_open = frame.groupby(["interval_start_min", "channel"])["arrivals"].transform("sum") > 0
    frame = frame[is_open].copy()
    frame["tod"] = _time_of_day(frame["interval_start_min"])
    return frame


def _on_duty_staff_rows(intervals: pd.DataFrame) -> pd.DataFrame:
    """Staff rows restricted to intervals with somebody rostered in at least one replication.

    Intervals where the only time on duty is a member staying on to finish a contact are left
    out: their occupancy is 100% by construction and would read as a peak.
    """
    staff = intervals[intervals["staff_group"].notna() & intervals["channel"].isna()]
    frame = pd.DataFrame(
        {
            "replication": staff["replication"].to_numpy(),
            "interval_start_min": staff["interval_start_min"].to_numpy(dtype=float),
            "staff_group": staff["staff_group"].astype(str).to_numpy(),
            "scheduled": staff["staff_on_duty"].fillna(0.0).to_numpy(dtype=float),
            "rostered": staff["staff_scheduled"].fillna(0.0).to_numpy(dtype=float),
            "busy": staff["staff_busy"].fillna(0.0).to_numpy(dtype=float),
        }
    )
    if frame.empty:
        frame["tod"] = pd.Series(dtype=float)
        return frame
    on_duty = (
        frame.groupby(["interval_start_min", "staff_group"])["rostered"].transform("sum") > 1e-9
    )
    frame = frame[on_duty].copy()
    frame["tod"] = _time_of_day(frame["interval_start_min"])
    return frame


def _time_limits(profiles: Iterable[pd.DataFrame], length_min: float) -> tuple[float, float]:
    """The stretch of the day with data in any profile, widened to whole hours."""
    lows, highs = [], []
    for stats in profiles:
        present = stats.index[stats["mean"].notna()].to_numpy(dtype=float)
        if present.size:
            lows.append(present.min())
            highs.append(present.max() + length_min)
    if not lows:
        return 0.0, float(MINUTES_PER_DAY)
    low = math.floor(min(lows) / 60.0) * 60.0
    high = min(math.ceil(max(highs) / 60.0) * 60.0, float(MINUTES_PER_DAY))
    if high - low < 120.0:
        low, high = max(0.0, low - 60.0), min(float(MINUTES_PER_DAY), high + 60.0)
    return low, high


def _hhmm(minutes: float, _pos: object = None) -> str:
    """Minutes since midnight as ``HH:MM`` (``24:00`` for the end of the day)."""
    total = round(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"


def _time_axis(ax: Axes, limits: tuple[float, float], *, narrow: bool = False) -> None:
    """Time-of-day ticks (``08:00``) every 1, 2, 3 or 4 hours depending on the span; twice
    that on a ``narrow`` panel (a quarter of a slide's width), so the labels do not touch."""
    low, high = limits
    span_h = (high - low) / 60.0
    step_h = 1 if span_h <= 7 else 2 if span_h <= 14 else 3 if span_h <= 20 else 4
    step_h *= 2 if narrow else 1
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(MultipleLocator(60.0 * step_h))
    ax.xaxis.set_major_formatter(FuncFormatter(_hhmm))
    if step_h > 1:
        ax.xaxis.set_minor_locator(MultipleLocator(60.0))


def _draw_profile(
    ax: Axes,
    stats: pd.DataFrame,
    length_min: float,
    band: bool,
    colour: str = LINE_COLOUR,
    band_colour: str = BAND_COLOUR,
    band_alpha: float = 0.6,
) -> None:
    """Mean line with markers at interval midpoints, and the replication range as a band."""
    x = stats.index.to_numpy(dtype=float) + length_min / 2.0
    mean = stats["mean"].to_numpy(dtype=float)
    if band:
        ax.fill_between(
            x,
            stats["low"].to_numpy(dtype=float),
            stats["high"].to_numpy(dtype=float),
            color=band_colour,
            alpha=band_alpha,
            linewidth=0,
        )
    ax.plot(x, mean, color=colour, linewidth=2.2, marker="o", markersize=4)


def _profile_handles(
    t: dict[str, str], n_reps: int, days: str, prefix: str = ""
) -> list[tuple[object, str]]:
    """Legend entries for a mean line (and, with several replications, the range band)."""
    line = Line2D([], [], color=LINE_COLOUR, linewidth=2.2, marker="o", markersize=4)
    if n_reps <= 1:
        return [(line, t[f"{prefix}mean_one"].format(days=days))]
    return [
        (line, t[f"{prefix}mean"].format(n=n_reps, days=days)),
        (Patch(facecolor=BAND_COLOUR, alpha=0.6), t["range"]),
    ]
