"""Opening hours on the simulated calendar.

Model time is minutes since 00:00 of ``calendar.start_date`` (day 0); the warm-up runs at negative
times. A channel is open on a day when that weekday has opening periods and the day is not a
public holiday (unless the channel opens on holidays).
"""

from __future__ import annotations

from klantstroom.scenario.spec import MINUTES_PER_DAY, CalendarSpec, ChannelSpec, Period


def open_periods(channel: ChannelSpec, calendar: CalendarSpec, day: int) -> tuple[Period, ...]:
    """Return the channel's opening periods on day number ``day`` (minutes since midnight)."""
    if calendar.is_holiday(day) and not channel.open_on_holidays:
        return ()
    return channel.opening[calendar.weekday_of_day(day)]


def next_open_min(channel: ChannelSpec, calendar: CalendarSpec, t_min: float) -> float | None:
    """Return the first moment at or after ``t_min`` when ``channel`` is open.

    Looks up to two weeks ahead (past any run of holidays); returns None if the channel never
    opens in that time.
    """
    day = int(t_min // MINUTES_PER_DAY)
    for offset in range(15):
        base = (day + offset) * MINUTES_PER_DAY
        for period in open_periods(channel, calendar, day + offset):
            start, end = base + period.start_min, base + period.end_min
            if t_min < end:
                return max(t_min, start)
    return None
