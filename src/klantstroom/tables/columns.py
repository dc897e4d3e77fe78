"""Reading the event log's columns into table columns: codes as named categories, working days
between two times, lateness of deferred work (shared by the contact and task tables)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.scenario.spec import Scenario


def categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical[str]:
    """Codes (-1 = missing) into a categorical with all ``names`` as categories."""
    return pd.Categorical.from_codes(codes.astype(np.int64), categories=pd.Index(list(names)))


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
