"""Reading the event log's columns into table columns: rows taken from many columns in one pass,
codes as named categories, working days between two times, lateness of deferred work; and the
replications' tables put together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from klantstroom.scenario.spec import Scenario


def take_rows(
    columns: Mapping[str, np.ndarray], rows: np.ndarray, names: Iterable[str]
) -> dict[str, np.ndarray]:
    """The columns ``names`` at ``rows`` (indices in that order, or a boolean mask), each a new
    array: ``columns[name][rows]`` for every name, the mask turned into indices once."""
    rows = np.asarray(rows)
    if rows.dtype == bool:
        rows = np.flatnonzero(rows)
    return {name: columns[name][rows] for name in names}


def categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical[str]:
    """Codes (-1 = missing) into a categorical with all ``names`` as categories."""
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(list(names)))


def concat_replications(
    frames: Sequence[pd.DataFrame | dict[str, Any]],
    columns: Sequence[str],
    categories: Sequence[str],
) -> pd.DataFrame:
    """The tables of the replications one under the other; with none, an empty table with
    ``columns``. The ``categories`` columns keep the first replication's categorical dtype.

    A replication's table may come as its columns (a dict of name to array, in the table's
    column order): they are joined column by column into one frame, so that a year's million
    rows are not first put into a frame per replication and then copied again by
    ``pd.concat``. The dicts are emptied as their columns are joined, so that a column's
    pieces are freed once joined: at most the pieces and the joined columns are held at once.

    The joined columns become the frame's columns as they are (``copy=False``): pandas would
    otherwise copy the columns of each dtype into one two-dimensional block, which for a year's
    contacts was half a second of fresh memory being touched for the first time, and the copy
    held twice the table for a moment. So each array in a dict must be that column's own: made
    for it, not another column's array or one of the event log's (checked for the first).
    """
    if not frames:
        return pd.DataFrame(columns=list(columns))
    if not isinstance(frames[0], pd.DataFrame):
        parts = cast("Sequence[dict[str, Any]]", frames)
        for part in parts:
            if len({id(values) for values in part.values()}) < len(part):
                raise ValueError("two columns of a replication's table share one array")
        names = list(parts[0])
        joined = {name: _joined([part.pop(name) for part in parts]) for name in names}
        return pd.DataFrame(joined, copy=False)
    table = pd.concat(cast("Sequence[pd.DataFrame]", frames), ignore_index=True)
    for column in categories:
        table[column] = table[column].astype(frames[0][column].dtype)
    return table


def _joined(pieces: list[Any]) -> Any:
    """One column of several replications: NumPy arrays (a datetime index as its values)
    joined by ``numpy.concatenate``, pandas' arrays (categorical, nullable) by their own
    ``_concat_same_type``, which keeps the dtype as ``pd.concat`` does for equal dtypes."""
    if isinstance(pieces[0], pd.Index):
        pieces = [piece.to_numpy() for piece in pieces]
    if len(pieces) == 1:  # one replication: its column as it is, not a copy ...
        piece = pieces[0]
        if isinstance(piece, np.ndarray) and not (piece.flags.owndata and piece.flags.writeable):
            # ... unless it is a view: a datetime index's values are a read-only view of it,
            # which would make the table's column read-only (the frame takes it as it is).
            return piece.copy()
        return piece
    if isinstance(pieces[0], np.ndarray):
        return np.concatenate(pieces)
    return type(pieces[0])._concat_same_type(pieces)


def late_flags(due: np.ndarray, end: np.ndarray, served: np.ndarray, horizon_min: float) -> object:
    """Deferred work finished after its due time; still open and already past it; else False.

    Empty (NA) for real-time work and for open work that is not due yet at the horizon.
    """
    deferred = ~np.isnan(due)
    finished_late = served & (end > due + 1e-9)
    open_late = ~served & (horizon_min > due + 1e-9)
    known = deferred & (served | open_late)
    return pd.arrays.BooleanArray(finished_late | open_late, ~known)


def working_days(scenario: Scenario, from_min: np.ndarray, to_min: np.ndarray) -> np.ndarray:
    """Working days after the day of ``from_min`` up to and including the day of ``to_min``.

    The convention of access times (:func:`klantstroom.model.calendar.working_days_between`):
    done the same day is 0, done on the next working day is 1; weekends and the calendar's
    holidays are skipped.
    """
    start = np.datetime64(scenario.calendar.start_date, "D")
    first = start + (np.floor(from_min / 1440.0).astype(np.int64) + 1)
    last = start + (np.floor(to_min / 1440.0).astype(np.int64) + 1)
    holidays = np.array(sorted(scenario.calendar.holidays), dtype="datetime64[D]")
    return np.busday_count(first, last, holidays=holidays).astype(float)
