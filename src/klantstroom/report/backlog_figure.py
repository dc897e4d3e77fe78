"""``backlog.png``: work not done yet per queue at the end of each day (see
:mod:`klantstroom.report.journey_figures`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from klantstroom.analysis.groups import text_values
from klantstroom.report.figure_style import (
    BAND_COLOUR,
    HEIGHT_IN,
    LABEL_PT,
    MINUTES_PER_DAY,
    SUPTITLE_PT,
    TITLE_PT,
    _figure_legend,
    _names,
    _new_figure,
    _style_axes,
)
from klantstroom.report.journey_common import (
    QUEUE_COLOURS,
    WEEKEND_COLOUR,
    _first_date,
    _floats,
    _queue_label,
    _replication_count,
    _text,
)

# --------------------------------------------------------------------------------------------
# Backlog
# --------------------------------------------------------------------------------------------


def _backlog_stats(backlog: pd.DataFrame, column: str, days: np.ndarray) -> dict[str, pd.DataFrame]:
    """Per queue, a frame indexed by day with the mean, lowest and highest over replications."""
    values = backlog.assign(
        queue=text_values(backlog["queue"]), value=_floats(backlog[column])
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
    _figure_legend(fig, entries, ncols=3)
    return fig
