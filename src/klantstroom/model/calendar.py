"""Opening hours and working days on the simulated calendar.

Model time is minutes since 00:00 of ``calendar.start_date`` (day 0); the warm-up runs at negative
times. A channel or a shop is open on a day when that weekday has opening periods and the day is
not a public holiday (unless it opens on holidays). A *working day* is Monday to Friday and not a
public holiday: the unit of the access-time norm ("an appointment within 5 working days") and of
production times ("the passport is ready after 5 working days").
"""

from __future__ import annotations

from typing import Protocol

from klantstroom.scenario.spec import MINUTES_PER_DAY, CalendarSpec, Period


class HasOpening(Protocol):
    """Anything with opening hours: a channel or a shop."""

    @property
    def opening(self) -> tuple[tuple[Period, ...], ...]: ...

    @property
    def open_on_holidays(self) -> bool: ...


def open_periods(place: HasOpening, calendar: CalendarSpec, day: int) -> tuple[Period, ...]:
    """Return the opening periods of ``place`` on day number ``day`` (minutes since midnight)."""
    if calendar.is_holiday(day) and not place.open_on_holidays:
        return ()
    return place.opening[calendar.weekday_of_day(day)]


def next_open_min(place: HasOpening, calendar: CalendarSpec, t_min: float) -> float | None:
    """Return the first moment at or after ``t_min`` when ``place`` is open.

    Looks up to two weeks ahead (past any run of holidays); returns None if it never opens in
    that time.
    """
    day = int(t_min // MINUTES_PER_DAY)
    for offset in range(15):
        base = (day + offset) * MINUTES_PER_DAY
        for period in open_periods(place, calendar, day + offset):
            start, end = base + period.start_min, base + period.end_min
            if t_min < end:
                return max(t_min, start)
    return None


def random_open_min(place: HasOpening, calendar: CalendarSpec, day: int, u: float) -> float | None:
    """Return a moment spread uniformly over the open time of the first open day from ``day``.

    ``u`` is a uniform draw in [0, 1) (the caller owns the stream). Looks up to two weeks
    ahead; returns None if ``place`` never opens in that time.
    """
    for offset in range(15):
        periods = open_periods(place, calendar, day + offset)
        total = sum(p.end_min - p.start_min for p in periods)
        if total <= 0:
            continue
        at = u * total
        for period in periods:
            length = period.end_min - period.start_min
            if at < length:
                return (day + offset) * MINUTES_PER_DAY + period.start_min + at
            at -= length
    return None


def is_working_day(calendar: CalendarSpec, day: int) -> bool:
    """Return whether day number ``day`` is a working day (Mon-Fri, not a public holiday)."""
    return calendar.weekday_of_day(day) < 5 and not calendar.is_holiday(day)


def add_working_days(calendar: CalendarSpec, day: int, n: int) -> int:
    """Return the day number ``n`` working days after day ``day`` (``n`` = 0: ``day`` itself)."""
    # Every deferred contact asks this of its arrival day: remembered per (day, n).
    key = ("add_working_days", day, n)
    found = calendar.memo.get(key)
    if found is None:
        found, left = day, n
        while left > 0:
            found += 1
            if is_working_day(calendar, found):
                left -= 1
        calendar.memo[key] = found
    return found  # type: ignore[return-value]


def working_days_between(calendar: CalendarSpec, first_day: int, last_day: int) -> int:
    """Return the number of working days after ``first_day`` up to and including ``last_day``.

    An appointment asked for on a Friday for the Monday after is 1 working day away; one on the
    same day is 0.
    """
    # Every appointment asks this of its request and slot days: remembered per pair.
    key = ("working_days_between", first_day, last_day)
    found = calendar.memo.get(key)
    if found is None:
        found = sum(is_working_day(calendar, d) for d in range(first_day + 1, last_day + 1))
        calendar.memo[key] = found
    return found  # type: ignore[return-value]


def due_min(calendar: CalendarSpec, t_min: float, working_days: int) -> float:
    """Return when work arriving at ``t_min`` with a norm of ``working_days`` is due.

    Due is the end (midnight) of the ``working_days``-th working day after the day of arrival:
    a web form sent on Friday 16:00 with a norm of 2 working days is due at the end of Tuesday,
    and so is one sent on Saturday. A norm of 0 means the end of the day of arrival.
    """
    day = int(t_min // MINUTES_PER_DAY)
    return float((add_working_days(calendar, day, working_days) + 1) * MINUTES_PER_DAY)
