"""The appointment book of a shop: desks reserved for appointments, filled slot by slot.

Each weekday has a number of desks reserved for appointments per calendar interval (the book's
capacity). Reserved desk ``d`` is bookable in the intervals where more than ``d`` desks are
reserved; its consecutive bookable intervals form *windows*. Bookings are packed per desk in the
order they are made: a desk keeps a pointer to the end of its last slot, and a new slot starts at
the pointer (or at the start of the next window where it fits, or at the earliest time the
citizen may come). The citizen gets the earliest such start over all desks, day by day, up to the
booking horizon.

Slots in the past are never handed out again, and a no-show frees the desk at the slot time for
walk-ins rather than reopening the slot for booking, so the pointers only move forward and a
search is cheap. A gap that a long slot skips at the end of a window stays unused, as it would
with a booking system that fills the day in order.
"""

from __future__ import annotations

from collections.abc import Callable

from klantstroom.scenario.spec import MINUTES_PER_DAY


class _Desk:
    """Bookable windows of one reserved desk on one day, and where the next slot may start."""

    __slots__ = ("pointer", "position", "windows")

    def __init__(self, windows: list[tuple[float, float]]) -> None:
        self.windows = windows
        self.position = 0
        self.pointer = windows[0][0] if windows else 0.0

    def fit(self, length_min: float, from_min: float) -> tuple[float, int] | None:
        """Return (start, window index) of the first slot of ``length_min`` at or after
        ``from_min``, or None."""
        for index in range(self.position, len(self.windows)):
            start_w, end_w = self.windows[index]
            start = max(self.pointer, start_w, from_min)
            if start + length_min <= end_w + 1e-9:
                return start, index
        return None


class _Day:
    __slots__ = ("desks", "no_room_for_min")

    def __init__(self, desks: list[_Desk]) -> None:
        self.desks = desks
        # The shortest slot known not to fit anywhere any more this day (pointers only move on).
        self.no_room_for_min = float("inf")


class AppointmentBook:
    """Slots of one shop.

    Parameters
    ----------
    reserved_on_day : callable
        Day number -> desks reserved for appointments per calendar interval of that day (an
        empty tuple on a day the shop is closed).
    interval_min : int
        Length of the calendar interval in minutes.
    """

    def __init__(self, reserved_on_day: Callable[[int], tuple[int, ...]], interval_min: int):
        self._reserved_on_day = reserved_on_day
        self._interval_min = interval_min
        self._days: dict[int, _Day] = {}
        self._first_day: int | None = None

    def _day(self, day: int) -> _Day:
        state = self._days.get(day)
        if state is None:
            row = self._reserved_on_day(day)
            base = day * MINUTES_PER_DAY
            step = self._interval_min
            desks = []
            for desk in range(max(row, default=0)):
                windows: list[tuple[float, float]] = []
                for slot, count in enumerate(row):
                    if count > desk:
                        lo, hi = base + slot * step, base + (slot + 1) * step
                        if windows and windows[-1][1] == lo:
                            windows[-1] = (windows[-1][0], hi)
                        else:
                            windows.append((lo, hi))
                desks.append(_Desk(windows))
            state = _Day(desks)
            self._days[day] = state
        return state

    def earliest(
        self, length_min: float, from_min: float, until_min: float
    ) -> tuple[float, int, int, int] | None:
        """Find the earliest free slot of ``length_min`` starting in [from_min, until_min].

        Returns
        -------
        tuple or None
            (slot start in minutes, day, desk, window index) to pass to :meth:`book`, or None
            when the book is full until ``until_min``.
        """
        first = int(from_min // MINUTES_PER_DAY)
        self._forget_before(first)
        for day in range(first, int(until_min // MINUTES_PER_DAY) + 1):
            state = self._day(day)
            if length_min >= state.no_room_for_min:
                continue
            best: tuple[float, int, int, int] | None = None
            for index, desk in enumerate(state.desks):
                found = desk.fit(length_min, from_min)
                if found is not None and (best is None or found[0] < best[0]):
                    best = (found[0], day, index, found[1])
            if best is not None:
                return best if best[0] <= until_min else None
            if from_min <= day * MINUTES_PER_DAY:
                state.no_room_for_min = length_min
        return None

    def book(self, slot: tuple[float, int, int, int], length_min: float) -> None:
        """Take the slot that :meth:`earliest` returned."""
        start, day, desk_index, window = slot
        desk = self._days[day].desks[desk_index]
        desk.position = window
        desk.pointer = start + length_min

    def _forget_before(self, day: int) -> None:
        if self._first_day is None or day > self._first_day:
            for old in [d for d in self._days if d < day]:
                del self._days[old]
            self._first_day = day
