"""The appointment book of a shop: desks reserved for appointments, filled slot by slot.

Each weekday has a number of desks reserved for appointments per calendar interval (the book's
capacity). Reserved desk ``d`` is bookable in the intervals where more than ``d`` desks are
reserved. Each desk keeps its free time of a day as sorted segments; a booking cuts its slot out
of them.

* **In order.** A request for the earliest slot (on any day, or on a preferred weekday) gets the
  earliest start over all desks, day by day up to the booking horizon, and the desk's free time
  before that start is given up: the book fills a desk's day in order, as a booking system does,
  so a gap that a long slot skips at the end of a window stays unused. Slots in the past are
  never handed out again, and a no-show frees the desk at the slot time for walk-ins rather than
  reopening the slot for booking.
* **Out of order.** A request for a part of the day (afternoon, say) takes the earliest slot
  that starts in that part and cuts only its own slot out: the morning before it stays free.
* **Kept for urgent requests.** With a reserved share, that share of a day's desk intervals
  (rounded, spread evenly over the day and the desks) is *held*: only urgent requests may book
  it until the day begins (:math:`t \\ge` the day's midnight); from then on it is free for all.
  A slot may run across held and free time only for those allowed to book both.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final, NamedTuple

from klantstroom.scenario.spec import MINUTES_PER_DAY

_EPS: Final = 1e-9
# A desk is passed over when the slot is longer than its longest free stretch by more than this:
# well above _EPS, so that rounding never skips a desk on which the slot fits.
_ROOM_SLACK_MIN: Final = 1e-6
# Free time of a desk: (start, end, held for urgent requests), in model minutes.
_Segment = tuple[float, float, bool]


class Slot(NamedTuple):
    """A free slot that :meth:`AppointmentBook.earliest` found, to pass to ``book``."""

    start_min: float
    day: int
    desk: int
    in_order: bool  # give up the desk's free time before the slot (see the module docstring)
    held_ok: bool  # the request may use time held for urgent requests


class _Desk:
    """Free time of one reserved desk on one day: sorted ``(start, end, held)`` segments.

    ``longest`` is the longest stretch of touching free segments, without (index 0) and with
    (index 1) the held time: a request for a longer slot need not look at the desk.
    """

    __slots__ = ("free", "longest")

    def __init__(self, free: list[_Segment]) -> None:
        self.free = free
        self.longest = (_longest_run(free, False), _longest_run(free, True))

    def fit(
        self, length_min: float, from_min: float, part_end_min: float, held_ok: bool
    ) -> float | None:
        """Return the first start >= ``from_min`` and < ``part_end_min`` of a slot of
        ``length_min`` in the free time this request may use, or None."""
        run_start = run_end = -math.inf
        for lo, hi, held in self.free:
            if held and not held_ok:
                continue  # breaks the run: the next usable segment does not touch it
            if lo > run_end + _EPS:  # a new run of touching segments
                start = max(run_start, from_min)
                if start < part_end_min and start + length_min <= run_end + _EPS:
                    return start
                run_start = lo
            run_end = hi
        start = max(run_start, from_min)
        if start < part_end_min and start + length_min <= run_end + _EPS:
            return start
        return None

    def take(self, start_min: float, length_min: float, in_order: bool, held_ok: bool) -> None:
        """Cut the slot out of the free time (and with ``in_order`` all usable time before)."""
        end_min = start_min + length_min
        kept: list[_Segment] = []
        for segment in self.free:
            lo, hi, held = segment
            usable = held_ok or not held
            if hi <= start_min + _EPS or lo >= end_min - _EPS:  # does not overlap the slot
                if not (in_order and usable and hi <= start_min + _EPS):
                    kept.append(segment)
                continue
            if lo < start_min - _EPS and not (in_order and usable):
                kept.append((lo, start_min, held))
            if hi > end_min + _EPS:
                kept.append((end_min, hi, held))
        self.free = kept
        self.longest = (_longest_run(kept, False), _longest_run(kept, True))


def _longest_run(free: list[_Segment], held_ok: bool) -> float:
    """The longest stretch of touching segments that a request may use (as :meth:`_Desk.fit`
    joins them), in minutes."""
    longest = 0.0
    run_start = run_end = -math.inf
    for lo, hi, held in free:
        if held and not held_ok:
            continue
        if lo > run_end + _EPS:
            run_start = lo
        run_end = hi
        longest = max(longest, run_end - run_start)
    return longest


class _Day:
    __slots__ = ("desks", "no_room_for_min", "no_room_in_part_min")

    def __init__(self, desks: list[_Desk]) -> None:
        self.desks = desks
        # The shortest slot known not to fit anywhere any more this day, for requests without
        # (index 0) and with (index 1) the held time: free time only shrinks.
        self.no_room_for_min = [math.inf, math.inf]
        # The same per part of the day: (index, part) -> the shortest slot that does not start
        # in that part any more. A preference that finds nothing looks at every day up to the
        # booking horizon, and then again without the preference.
        self.no_room_in_part_min: dict[tuple[int, tuple[float, float]], float] = {}


class AppointmentBook:
    """Slots of one shop.

    Parameters
    ----------
    reserved_on_day : callable
        Day number -> desks reserved for appointments per calendar interval of that day (an
        empty tuple on a day the shop is closed).
    interval_min : int
        Length of the calendar interval in minutes.
    held_share : float
        Share of each day's desk intervals kept for urgent requests until the day begins.
    """

    def __init__(
        self,
        reserved_on_day: Callable[[int], tuple[int, ...]],
        interval_min: int,
        held_share: float = 0.0,
    ):
        self._reserved_on_day = reserved_on_day
        self._interval_min = interval_min
        self._held_share = held_share
        self._days: dict[int, _Day] = {}
        self._first_day: int | None = None

    def _day(self, day: int) -> _Day:
        state = self._days.get(day)
        if state is None:
            row = self._reserved_on_day(day)
            held = self._held(row)
            base = day * MINUTES_PER_DAY
            step = self._interval_min
            desks = []
            for desk in range(max(row, default=0)):
                free: list[_Segment] = []
                for slot, count in enumerate(row):
                    if count <= desk:
                        continue
                    lo, hi = float(base + slot * step), float(base + (slot + 1) * step)
                    kept = (slot, desk) in held
                    if free and free[-1][1] == lo and free[-1][2] == kept:
                        free[-1] = (free[-1][0], hi, kept)
                    else:
                        free.append((lo, hi, kept))
                desks.append(_Desk(free))
            state = _Day(desks)
            self._days[day] = state
        return state

    def _held(self, row: tuple[int, ...]) -> set[tuple[int, int]]:
        """The (interval, desk) pairs of a day kept for urgent requests.

        Desk intervals are counted in time order (the highest desk first within an interval, so
        the lowest desks keep their days whole); the k-th is held when the running share
        ``k x share`` passes a half-integer, which holds round(n x share) of n spread evenly.
        """
        share = self._held_share
        held: set[tuple[int, int]] = set()
        if share <= 0.0:
            return held
        k = 0
        for slot, count in enumerate(row):
            for desk in range(count - 1, -1, -1):
                if math.floor((k + 1) * share + 0.5) > math.floor(k * share + 0.5):
                    held.add((slot, desk))
                k += 1
        return held

    def earliest(
        self,
        length_min: float,
        from_min: float,
        until_min: float,
        *,
        now_min: float = math.inf,
        urgent: bool = False,
        days_ahead: int = 0,
        day_step: int = 1,
        part: tuple[float, float] | None = None,
    ) -> Slot | None:
        """Find the earliest free slot of ``length_min`` starting in [from_min, until_min].

        Parameters
        ----------
        length_min : float
            Length of the slot in the book.
        from_min, until_min : float
            Earliest and latest start (model minutes).
        now_min : float
            When the request is made: time held for urgent requests is free for all on days
            that have begun.
        urgent : bool
            Whether the request may use time held for urgent requests.
        days_ahead, day_step : int
            Look only on the day ``days_ahead`` days after that of ``from_min`` and on every
            ``day_step``-th day after it: a preferred weekday is the first day with that
            weekday and a step of 7.
        part : (float, float), optional
            Minutes since midnight the slot must start in (a preferred part of the day); such
            a booking leaves the desk's earlier free time free.

        Returns
        -------
        Slot or None
            The slot to pass to :meth:`book`, or None when there is none until ``until_min``.
        """
        first = int(from_min // MINUTES_PER_DAY)
        self._forget_before(first)
        last = int(until_min // MINUTES_PER_DAY)
        for day in range(first + days_ahead, last + 1, day_step):
            state = self._day(day)
            base = day * MINUTES_PER_DAY
            held_ok = urgent or now_min >= base
            room = 1 if held_ok else 0
            if length_min >= state.no_room_for_min[room]:
                continue
            start_min, end_min = from_min, math.inf
            if part is not None:
                if length_min >= state.no_room_in_part_min.get((room, part), math.inf):
                    continue
                start_min, end_min = max(from_min, base + part[0]), base + part[1]
            best_min, best_desk = math.inf, -1
            for index, desk in enumerate(state.desks):
                free = desk.free
                # Desks passed over without a search: no free stretch long enough, none left
                # after ``start_min``, or none that could start before the best so far (a slot
                # starts at or after the desk's first free minute; a tie keeps the lower desk,
                # as the search in desk order does).
                if (
                    not free
                    or length_min > desk.longest[room] + _ROOM_SLACK_MIN
                    or start_min + length_min > free[-1][1] + _ROOM_SLACK_MIN
                    or max(free[0][0], start_min) >= best_min
                ):
                    continue
                found = desk.fit(length_min, start_min, end_min, held_ok)
                if found is not None and found < best_min:
                    best_min, best_desk = found, index
            if best_desk >= 0:
                if best_min > until_min:
                    return None
                return Slot(best_min, day, best_desk, part is None, held_ok)
            if part is None:
                if from_min <= base:
                    state.no_room_for_min[room] = length_min
            elif from_min <= base + part[0]:
                state.no_room_in_part_min[(room, part)] = length_min
        return None

    def book(self, slot: Slot, length_min: float) -> None:
        """Take the slot that :meth:`earliest` returned."""
        desk = self._days[slot.day].desks[slot.desk]
        desk.take(slot.start_min, length_min, slot.in_order, slot.held_ok)

    def _forget_before(self, day: int) -> None:
        if self._first_day is None or day > self._first_day:
            for old in [d for d in self._days if d < day]:
                del self._days[old]
            self._first_day = day
