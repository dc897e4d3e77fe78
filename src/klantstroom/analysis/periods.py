"""KPIs per period of the run, and the period each channel is judged on.

A run of a whole year answers two questions at once: how the year went (the phone's service
level over the year, the figure a municipality publishes, domain.md row 31) and how its worst
month went (the appointment access time in the passport peak of May, row 18). So every KPI of
``kpis.csv`` is reported for the whole run (``period = "run"``) and for each period of
``run.periods``: the calendar months the run touches (``YYYY-MM``) and the named periods of the
configuration (``piekmaand``, ``zomer``, ...).

A period's KPIs are those of the run's tables restricted to it, with the same definitions:
contacts that *arrived* in the period (an appointment arrives at its slot, so its access time
counts in the period of the visit; a booking request that found no slot at the request), tasks
created and journeys started in it, the backlog at the end of its days, and staff time and desk
use clipped to it. Work that arrived in the period counts there also when it was handled later.

``run.judge_on`` says which period each channel's norms are judged on (default: the whole
run). ``summary.csv`` and ``kpis.csv`` mark the rows used for the verdicts with ``judged``: for a
channel the rows of its judged period, for everything else (staff groups, departments, journeys)
the whole run. Reports and comparisons read the judged rows (:attr:`RunOutput.summary`), so a
road-map year whose counters are judged on their peak month shows the peak month's access time
next to the whole year's phone service level.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from klantstroom.scenario.year import WHOLE_RUN, is_month_name

PERIOD = "period"
JUDGED = "judged"


def period_backlog(
    backlog: pd.DataFrame | None, start_min: float, end_min: float
) -> pd.DataFrame | None:
    """The backlog rows of the days in [start_min, end_min) (a day's end belongs to it)."""
    if backlog is None or "day" not in backlog:
        return backlog
    days = backlog["day"].to_numpy(dtype=float) * 1440.0
    return backlog[(days >= start_min) & (days < end_min)]


def mark_judged(table: pd.DataFrame, judge_on: Mapping[str, str]) -> pd.DataFrame:
    """Add the ``judged`` column: the rows the run's norms are judged on.

    A row of a channel is judged when its period is the channel's ``run.judge_on`` period (the
    whole run by default); rows of no channel (``channel = all``) are judged on the whole run.
    """
    table = table.copy()
    wanted = table["channel"].map(lambda channel: judge_on.get(str(channel), WHOLE_RUN))
    table[JUDGED] = (table[PERIOD] == wanted).to_numpy(dtype=bool)
    return table


def judged_view(table: pd.DataFrame) -> pd.DataFrame:
    """The judged rows of a ``kpis``/``summary`` table, one per key (the ``judged`` column dropped).

    Tables written before periods existed have neither column: all their rows are the whole run.
    """
    if JUDGED not in table:
        if PERIOD not in table:
            table = table.copy()
            table.insert(0, PERIOD, WHOLE_RUN)
        return table
    kept = table[table[JUDGED].astype(bool).to_numpy()]
    return kept.drop(columns=[JUDGED]).reset_index(drop=True)


__all__ = [
    "JUDGED",
    "PERIOD",
    "WHOLE_RUN",
    "is_month_name",
    "judged_view",
    "mark_judged",
    "period_backlog",
]
