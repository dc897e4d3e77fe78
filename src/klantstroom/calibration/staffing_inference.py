"""Staffing inference: how many agents were on duty, read from which agent answered which call.

The functions here take a call log as described in :mod:`klantstroom.calibration.logs` (one row
per call that reached the queue) and return staffing per date or weekday and interval of the
day, labelled by the interval's start in minutes after midnight. They are pure functions: no
files, no plots, no global state.

The estimator, in plain words
-----------------------------
Staffing (:func:`infer_staffing`)
    Logs rarely hold the roster, but every answered call says which agent was working when. An
    agent's working spell runs from their first answered call to the end of their last one,
    broken wherever they were off calls for longer than a break; the number of spells covering
    an interval (time-averaged) is the number of agents on duty. An agent's day that starts just
    after (ends just before) a shift boundary is extended to it: the agent was waiting for a
    call. For the fitted scenario each date keeps its agent hours but spreads them in its
    weekday's mean shape (:func:`staffing_on_weekday_shape`), exactly as its calls are spread:
    the half-hourly staffing of a single date follows that date's own calls, which calls drawn
    from the weekday profile cannot do (:func:`staffing_follows_calls`).

Class share by load (:func:`class_share_by_load`)
    How the share of a served-first class among its call type changes with how busy the
    type's other classes were: the check that such a class is an outcome of the queue's state
    rather than a stream of callers of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from klantstroom.calibration.arrivals import (
    MINUTES_PER_DAY,
    NS_PER_S,
    WEEKDAYS,
    _timestamps,
    interval_starts_min,
)
from klantstroom.calibration.availability import waiting_at

# A weekday seen on fewer dates takes the shape of the weekdays alike (shape_groups).
MIN_DATES_FOR_OWN_SHAPE = 2
SPAN_TOLERANCE_MIN = 60.0


def infer_staffing(
    calls: pd.DataFrame,
    interval_min: int = 30,
    break_gap_min: float = 30.0,
    shift_grid_min: int = 60,
    snap_min: float = 0.0,
) -> pd.DataFrame:
    """Agents on duty per date and interval, inferred from which agent answered which call.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses served calls' ``agent``, ``answered`` and ``ended`` (and ``arrival``
        for the list of dates).
    interval_min : int
        Interval length in minutes; must divide 1440.
    break_gap_min : float
        Per agent and date, calls are grouped into working spells from the first answer to the
        end of the last call; a spell is split where the agent was off calls (from the end of
        one call to the answer of the next) for *more* than this many minutes: a break or the
        end of a shift.
    shift_grid_min : int
        Shifts and breaks start and end on multiples of this many minutes after midnight (60:
        on the hour); must divide 1440.
    snap_min : float
        An agent's first spell of the day that starts at most this many minutes after a grid
        point is taken to start at that point, and the day's last spell that ends at most this
        many minutes before a grid point to end there: the agent was on duty but not yet (or no
        longer) on a call. Spells around breaks keep their logged times. 0 keeps every spell as
        logged. At most half of ``break_gap_min`` (a day's first and last spell are then never
        moved onto each other).

    Returns
    -------
    pandas.DataFrame
        Index ``date`` (midnight timestamps: every date with a call in the log), columns the
        interval start in minutes after midnight; values are the time-averaged number of agents
        in a working spell during the interval (a float: one agent starting halfway counts 0.5).

    Notes
    -----
    This estimates staff *present and working on calls*. Without snapping it misses agents who
    were logged in but idle before their first call or after their last one (in the Anonymous
    Bank log, first answers of the day pile up in the ten minutes after the hour and last call
    ends in the twenty minutes before it: shifts run on the hour). It counts a short idle
    stretch within a spell as working; on quiet days or with a large ``break_gap_min`` both
    errors grow. Agents doing other work between calls (mail, back office) look like breaks
    when the gap exceeds ``break_gap_min``. A spell is credited to the date its first call was
    answered and cut off at midnight.
    """
    starts = interval_starts_min(interval_min)
    if shift_grid_min <= 0 or MINUTES_PER_DAY % shift_grid_min:
        raise ValueError(f"shift_grid_min must divide 1440 minutes; got {shift_grid_min}")
    if not 0.0 <= snap_min <= break_gap_min / 2:
        raise ValueError(
            f"snap_min must be between 0 and half of break_gap_min ({break_gap_min / 2:g}); "
            f"got {snap_min}"
        )
    dates = pd.DatetimeIndex(sorted(_timestamps(calls["arrival"]).dt.normalize().dropna().unique()))
    served = calls[
        (calls["outcome"] == "served")
        & calls["agent"].notna()
        & calls["answered"].notna()
        & calls["ended"].notna()
    ]
    frame = pd.DataFrame(
        {
            "agent": served["agent"].to_numpy(),
            "answered": _timestamps(served["answered"]).to_numpy(),
            "ended": _timestamps(served["ended"]).to_numpy(),
        }
    )
    frame["date"] = frame["answered"].dt.normalize()
    frame = frame.sort_values(["agent", "date", "answered"], kind="stable").reset_index(drop=True)

    group = frame.groupby(["agent", "date"], sort=False)
    # The latest end so far, not just the previous call's end: a short call that overlaps a
    # long one (a consult, a data glitch) must not open a fake gap.
    busy_until = group["ended"].cummax()
    previous_end = busy_until.groupby([frame["agent"], frame["date"]]).shift(1)
    gap_min = (frame["answered"] - previous_end).dt.total_seconds() / 60.0
    new_spell = previous_end.isna() | (gap_min > break_gap_min)
    frame["spell"] = new_spell.cumsum()
    spells = frame.groupby("spell").agg(
        agent=("agent", "first"),
        date=("date", "first"),
        start=("answered", "min"),
        end=("ended", "max"),
    )
    agent_day = spells.groupby(["agent", "date"], sort=False)
    first_of_day = (agent_day.cumcount() == 0).to_numpy()
    last_of_day = (agent_day.cumcount(ascending=False) == 0).to_numpy()

    headcount = np.zeros((len(dates), len(starts)))
    if not spells.empty:
        start_min = ((spells["start"] - spells["date"]).dt.total_seconds() / 60.0).to_numpy()
        end_min = ((spells["end"] - spells["date"]).dt.total_seconds() / 60.0).to_numpy()
        if snap_min > 0:  # only shift edges: a break may well end at 13:05
            snapped_start = snap_down(start_min, shift_grid_min, snap_min)
            start_min = np.where(first_of_day, snapped_start, start_min)
            end_min = np.where(last_of_day, snap_up(end_min, shift_grid_min, snap_min), end_min)
        end_min = np.minimum(end_min, MINUTES_PER_DAY)
        lower = np.asarray(starts, dtype=float)
        upper = lower + interval_min
        # Minutes of each spell inside each interval, as a fraction of the interval.
        overlap = np.clip(
            np.minimum(end_min[:, None], upper) - np.maximum(start_min[:, None], lower), 0.0, None
        )
        row = dates.get_indexer(pd.DatetimeIndex(spells["date"]))
        np.add.at(headcount, row, overlap / interval_min)

    result = pd.DataFrame(headcount, index=dates, columns=pd.Index(starts))
    result.index.name = "date"
    result.columns.name = "interval_start_min"
    return result


def snap_down(minute: np.ndarray, grid_min: int, within_min: float) -> np.ndarray:
    """``minute`` moved back to the grid point before it when at most ``within_min`` after it."""
    below = np.floor(minute / grid_min) * grid_min
    return np.where(minute - below <= within_min, below, minute)


def snap_up(minute: np.ndarray, grid_min: int, within_min: float) -> np.ndarray:
    """``minute`` moved on to the grid point after it when at most ``within_min`` before it."""
    above = np.ceil(minute / grid_min) * grid_min
    return np.where(above - minute <= within_min, above, minute)


def staffing_by_weekday(staffing: pd.DataFrame) -> pd.DataFrame:
    """Mean agents on duty per weekday and interval, from :func:`infer_staffing`.

    Returns
    -------
    pandas.DataFrame
        Index ``weekday`` 0..6 (0 = Monday), same columns; weekdays without any date in the log
        get 0.
    """
    weekday = pd.Index(pd.DatetimeIndex(staffing.index).day_of_week, name="weekday")
    mean = staffing.groupby(weekday).mean().reindex(index=list(WEEKDAYS), fill_value=0.0)
    mean.index.name = "weekday"
    return mean.astype(float)


def shape_groups(staffing: pd.DataFrame) -> dict[int, list[int]]:
    """The weekdays (0 = Monday) whose mean shape each weekday of the log takes.

    A weekday seen on :data:`MIN_DATES_FOR_OWN_SHAPE` dates or more takes its own. One seen on a
    single date would take that date's own calls and staff per half hour as its "expected"
    shape, and the model's calls drawn around it meet staff that followed the realised calls:
    where the draw exceeds them nobody is spare (on the Anonymous Bank's week of 24 January,
    fitted on itself: 6.0% abandoned in the model against 4.0%; pooled, 4.7%). So it takes the
    mean shape of every weekday whose opening (first and last half hour with at least half an
    agent on duty on average) lies within :data:`SPAN_TOLERANCE_MIN` of its own: Sunday to
    Thursday together, but not a Friday that closes at 14:00.
    """
    weekday = pd.Index(pd.DatetimeIndex(staffing.index).day_of_week)
    dates = weekday.value_counts()
    mean = staffing.groupby(weekday).mean()
    minutes = np.asarray(staffing.columns, dtype=float)
    spans: dict[int, tuple[float, float] | None] = {}
    for day in mean.index:
        on = np.flatnonzero(mean.loc[day].to_numpy(dtype=float) >= 0.5)
        spans[int(day)] = (minutes[on[0]], minutes[on[-1]]) if len(on) else None
    groups = {}
    for day, span in spans.items():
        if dates.get(day, 0) >= MIN_DATES_FOR_OWN_SHAPE or span is None:
            groups[day] = [day]
            continue
        groups[day] = [
            other
            for other, near in spans.items()
            if near is not None
            and abs(near[0] - span[0]) <= SPAN_TOLERANCE_MIN
            and abs(near[1] - span[1]) <= SPAN_TOLERANCE_MIN
        ]
    return groups


def staffing_on_weekday_shape(
    staffing: pd.DataFrame, groups: Mapping[int, Sequence[int]] | None = None
) -> pd.DataFrame:
    """Each date's staff hours spread over the day in its weekday's mean shape.

    The model draws a date's calls from its weekday's intraday profile scaled by the date's
    volume (``date_factors``); this puts the staffing on the same footing: the date keeps its
    own total agent hours but they follow the weekday's mean staffing per interval.

    Parameters
    ----------
    staffing : pandas.DataFrame
        From :func:`infer_staffing`: agents on duty per date (rows) and interval (columns).
    groups : mapping of int to sequence of int, optional
        Per weekday, the weekdays whose dates make its shape (:func:`shape_groups`); default:
        each weekday its own.

    Returns
    -------
    pandas.DataFrame
        Same index and columns; row ``d`` is the mean row of the dates of ``d``'s weekday (its
        group) times ``sum(staffing[d]) / sum(mean row)``, so every row keeps its sum. A date
        whose weekday had no staff at all stays 0.

    Notes
    -----
    Why not each date's own half-hourly staffing: inferred from the calls themselves, it dips
    where that date's calls dipped (an agent with nothing to answer for half an hour looks off
    duty) and a real planner also shifted staff to that date's own peaks. Paired with calls
    drawn from the weekday's profile, those dips become intervals where the model's calls meet
    staff who were not needed on the day, which inflates the model's abandonment (see
    :func:`staffing_follows_calls`).
    """
    weekday = np.asarray(pd.DatetimeIndex(staffing.index).day_of_week)
    values = staffing.to_numpy(dtype=float)
    shape = np.empty_like(values)
    for day in np.unique(weekday):
        members = list(groups.get(int(day), [int(day)])) if groups else [int(day)]
        shape[weekday == day] = values[np.isin(weekday, members)].mean(axis=0)
    shape_hours = shape.sum(axis=1)
    own_hours = values.sum(axis=1)
    ratio = np.divide(own_hours, shape_hours, out=np.zeros_like(own_hours), where=shape_hours > 0)
    return pd.DataFrame(shape * ratio[:, None], index=staffing.index, columns=staffing.columns)


def staffing_follows_calls(calls: pd.DataFrame, staffing: pd.DataFrame) -> tuple[float, float]:
    """How closely the inferred staffing followed the calls: per date and within the day.

    Parameters
    ----------
    calls : pandas.DataFrame
        The call log the staffing was inferred from (uses ``arrival``).
    staffing : pandas.DataFrame
        From :func:`infer_staffing`, with intervals of equal length as columns.

    Returns
    -------
    tuple of float
        ``(daily, intraday)``: the correlation of daily agent hours with daily calls; and,
        over the staffed intervals, the correlation of the staffing's deviation from
        :func:`staffing_on_weekday_shape` with the calls' deviation from the same construction
        (the date's calls in its weekday's mean shape). NaN when there is too little to
        correlate.
    """
    columns = np.asarray(staffing.columns, dtype=float)
    interval_min = float(columns[1] - columns[0]) if len(columns) > 1 else float(MINUTES_PER_DAY)
    arrival = _timestamps(calls["arrival"])
    minute = arrival.dt.hour * 60 + arrival.dt.minute
    start_min = ((minute // interval_min) * interval_min).astype(int)
    counts = (
        pd.crosstab(arrival.dt.normalize(), start_min)
        .reindex(index=staffing.index, columns=staffing.columns, fill_value=0)
        .astype(float)
    )
    staff = staffing.to_numpy(dtype=float)
    called = counts.to_numpy()
    staff_shape = staffing_on_weekday_shape(staffing).to_numpy()
    calls_shape = staffing_on_weekday_shape(counts).to_numpy()
    staffed = staff_shape > 0

    def correlation(x: np.ndarray, y: np.ndarray) -> float:
        # Deviations within rounding error are none: correlating float noise means nothing.
        if len(x) < 3 or np.std(x) < 1e-9 or np.std(y) < 1e-9:
            return float("nan")
        return float(np.corrcoef(x, y)[0, 1])

    daily = correlation(staff.sum(axis=1), called.sum(axis=1))
    intraday = correlation((staff - staff_shape)[staffed], (called - calls_shape)[staffed])
    return daily, intraday


def round_headcount(staffing: pd.DataFrame) -> pd.DataFrame:
    """Round mean headcounts to whole agents for a roster, halves upwards.

    Round half up (1.5 -> 2, 2.5 -> 3), unlike numpy's round-half-to-even (2.5 -> 2), which
    would understaff every other tie. A tolerance of 1e-9 absorbs floating-point noise from the
    time arithmetic, so a computed 1.4999999999 still counts as the half it is.

    Returns
    -------
    pandas.DataFrame
        Same shape, int64.
    """
    rounded = np.floor(staffing.to_numpy(dtype=float) + 0.5 + 1e-9)
    return pd.DataFrame(rounded.astype(np.int64), index=staffing.index, columns=staffing.columns)


LOAD_BANDS = (0.0, 0.05, 0.2, 0.4, 0.6, 1.0)


def class_share_by_load(
    calls: pd.DataFrame, key: str, interval_min: int = 30, step_s: float = 10.0
) -> pd.DataFrame:
    """How the share of one class among its call type depends on how busy the queue was.

    For every date x interval with calls of the type, the *load* is the fraction of the interval
    during which at least one call of the type's other classes was waiting (sampled every
    ``step_s`` seconds). If the class is an independent stream of callers, its share of the
    type's calls is about the same at every load; if it falls as the load rises, the class is
    (partly) an outcome of the queue's state: in the Anonymous Bank log the unidentified callers
    (priority 0) are the ones who found an agent free.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log with ``service``, ``model_service``, ``arrival`` and ``wait_s`` columns.
    key : str
        The class (a ``model_service`` value); its type is ``calls.service`` of its calls.

    Returns
    -------
    pandas.DataFrame
        One row per load band (index: its label) with ``intervals`` (date x intervals in it),
        ``calls`` (of the type) and ``class_share`` (share of those calls in the class).
    """
    own = calls["model_service"].astype(str) == key
    if not own.any():
        raise ValueError(f"no calls of class {key!r}")
    service = calls.loc[own, "service"].iloc[0]
    of_type = calls[calls["service"] == service]
    others = of_type[of_type["model_service"].astype(str) != key]
    width_s = interval_min * 60.0
    arrival_s = _timestamps(of_type["arrival"]).to_numpy().astype(np.int64) / NS_PER_S
    slot = (arrival_s // width_s).astype(np.int64)
    slots = np.unique(slot)
    offsets = np.arange(0.0, width_s, step_s)
    times = (slots[:, None] * width_s + offsets[None, :]).ravel()
    waiting = waiting_at(others, times)
    load = (waiting.reshape(len(slots), len(offsets)) > 0).mean(axis=1)
    per_slot = (
        pd.DataFrame(
            {
                "slot": slot,
                "own": own[of_type.index].to_numpy(),
            }
        )
        .groupby("slot")["own"]
        .agg(["size", "sum"])
    )
    per_slot["load"] = pd.Series(load, index=slots).reindex(per_slot.index)
    bands = pd.cut(per_slot["load"], LOAD_BANDS, include_lowest=True)
    table = per_slot.groupby(bands, observed=True).agg(
        intervals=("size", "size"), calls=("size", "sum"), own=("sum", "sum")
    )
    table["class_share"] = table["own"] / table["calls"]
    labels = {
        band: f"{100 * lo:.0f}-{100 * hi:.0f}%"
        for band, lo, hi in zip(bands.cat.categories, LOAD_BANDS[:-1], LOAD_BANDS[1:], strict=True)
    }
    table.index = [labels[band] for band in table.index]
    table.index.name = "others_waiting"
    return table.drop(columns="own")
