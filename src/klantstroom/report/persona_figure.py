"""``persona_journeys.png``: the personas' journeys as swimlanes (see
:mod:`klantstroom.report.journey_figures`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from klantstroom.analysis.groups import text_values
from klantstroom.report.figure_style import (
    HEIGHT_IN,
    LABEL_PT,
    MINUTES_PER_DAY,
    NORM_COLOUR,
    SUPTITLE_PT,
    TICK_PT,
    TITLE_PT,
    _duration,
    _figure_legend,
    _new_figure,
    _style_axes,
)
from klantstroom.report.journey_common import (
    _TIME_STEPS_MIN,
    CALLBACK_LANE,
    CONTACT_SERVICE_COLOUR,
    CONTACT_WAIT_COLOUR,
    OUTCOME_MARKERS,
    STATUS_COLOURS,
    TASK_PREFIX,
    TASK_SERVICE_COLOUR,
    TASK_WAIT_COLOUR,
    _first_date,
    _floats,
    _lane_label,
    _lane_order,
    _status_label,
    _text,
)

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
            text_values(contacts["origin"])
            if "origin" in contacts
            else np.full(len(contacts), None, dtype=object)
        )
        channel = text_values(contacts["channel"])
        lane = np.where(origin == CALLBACK_LANE, CALLBACK_LANE, channel).astype(object)
        parts.append(
            _segments(
                contacts,
                lane,
                _floats(contacts["arrival_min"]),
                _floats(contacts["start_min"]),
                _floats(contacts["end_min"]),
                _floats(contacts["wait_min"]),
                text_values(contacts["outcome"]),
                horizon_min,
                is_task=False,
            )
        )
    if len(tasks):
        department = text_values(tasks["department"])
        lane = np.array([f"{TASK_PREFIX}{d}" for d in department], dtype=object)
        status = text_values(tasks["status"])
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
            text_values(seg["lane"]),
            seg["task"].to_numpy(dtype=bool),
            _floats(seg["begin_min"]) / MINUTES_PER_DAY,
            _floats(seg["wait_end_min"]) / MINUTES_PER_DAY,
            _floats(seg["start_min"]) / MINUTES_PER_DAY,
            _floats(seg["end_min"]) / MINUTES_PER_DAY,
            _floats(seg["mark_min"]) / MINUTES_PER_DAY,
            text_values(seg["outcome"]),
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
            text_values(mine["status"]),
            text_values(mine["service"]),
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
    _figure_legend(fig, entries, ncols=4)
    return fig
