"""Light SimPy events: a timer that calls one callback with a payload, and the loop that runs them.

SimPy's ``Environment.step`` pops ``(time, priority, id, event)`` from its heap and calls each of
``event.callbacks`` with the event. A timer needs none of that: it is the heap entry
``(time, priority, id, callback, payload)`` itself, pushed onto SimPy's own heap, so no event
object and no callback list is made per event and the loop calls ``callback(payload)`` straight
from the entry. Timers sort among SimPy's events by the same first three fields, so they run in
the same event loop as any ordinary SimPy process and the two styles can be mixed.

:func:`run_until` is ``Environment.run(until=...)`` for both kinds of entry: the same heap, the
same order (SimPy's stop event sorts before the ordinary events at ``until``, which therefore
stay unprocessed), the same failure check for SimPy's events. SimPy's own ``run`` and ``step``
know only its events: an environment with timers is run with :func:`run_until`. A year of
Grootstad processes about four million events; making an event object per timer was about two
fifths of the loop's cost per event (a loop of trivial timers: 620-870 ns per event with one,
380-500 ns without, in two measurements).

Timers due on a later day (a task ready after its processing days, a booked visit, a citizen
coming back next week) are most of the heap: about 3,700 of 4,700 entries in Grootstad, where a
day holds some 600. :func:`schedule_ahead` keeps such a timer in a list of its day instead, and
:func:`run_until` moves a day's list onto the heap before it runs anything at or after that
day's midnight. The heap then holds about a day's timers, every pop sifts through three levels
fewer, and the order is the same: an entry keeps the key it was given when it was scheduled,
and enters the heap before anything that sorts after it is run.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import Any, Final

import simpy
import simpy.core
from simpy.core import EventPriority

# SimPy's priorities and heapq's functions, as constants of this module: the compiled model
# (mypyc) keeps a Final name in a C variable, where it would look an imported name up in the
# module's dictionary on every use (several times per event). The model imports them from here.
NORMAL: Final = simpy.core.NORMAL
URGENT: Final = simpy.core.URGENT
heappop: Final = heapq.heappop
heappush: Final = heapq.heappush

# The length of the days timers wait in (minutes; the model's day).
DAY_MIN: Final = 1440.0
# The attribute of an environment that holds its timers due on later days.
_AHEAD: Final = "_klantstroom_ahead"


class Ahead:
    """Timers due on later days, per day, off the heap (see the module docstring).

    ``from_min`` is the first moment whose timers may wait here: every timer due before it is
    on the heap. It is a midnight, and moves on a day each time a day's list joins the heap.
    """

    __slots__ = ("days", "from_min")

    def __init__(self, from_min: float) -> None:
        self.days: dict[int, list[Any]] = {}
        self.from_min = from_min


def schedule(
    env: simpy.Environment,
    delay: float,
    callback: Callable[[Any], None],
    payload: Any = None,
    priority: EventPriority = NORMAL,
) -> None:
    """Call ``callback(payload)`` ``delay`` minutes from now.

    Events at the same time fire in order of ``priority`` (``URGENT`` before ``NORMAL``), then in
    the order they were scheduled.
    """
    heappush(env._queue, (env._now + delay, priority, next(env._eid), callback, payload))  # type: ignore[misc]


def schedule_at(
    env: simpy.Environment,
    at_min: float,
    callback: Callable[[Any], None],
    payload: Any = None,
    priority: EventPriority = NORMAL,
) -> None:
    """Call ``callback(payload)`` at exactly ``at_min`` (not before now), as :func:`schedule`.

    ``schedule(env, at_min - env.now, ...)`` fires at ``env.now + (at_min - env.now)``, which
    rounding can put a hair off ``at_min``; a time shared by many things (a list of work due at
    the same moment) needs the time itself.
    """
    if at_min < env.now:
        raise ValueError(f"at_min ({at_min}) lies before the current time {env.now}")
    heappush(env._queue, (at_min, priority, next(env._eid), callback, payload))  # type: ignore[misc]


def schedule_ahead(
    env: simpy.Environment,
    delay: float,
    callback: Callable[[Any], None],
    payload: Any = None,
    priority: EventPriority = NORMAL,
) -> None:
    """:func:`schedule` for a timer usually due on a later day: it waits in its day's list.

    It fires exactly when and in the order :func:`schedule` would have (same time, priority and
    id); only the heap stays small (:func:`run_until` moves a day's list onto it).
    """
    at_min = env._now + delay
    entry = (at_min, priority, next(env._eid), callback, payload)
    ahead = _ahead(env)
    if at_min < ahead.from_min:
        heappush(env._queue, entry)  # type: ignore[misc]
        return
    day = math.floor(at_min / DAY_MIN)
    waiting = ahead.days.get(day)
    if waiting is None:
        ahead.days[day] = [entry]
    else:
        waiting.append(entry)


def _ahead(env: simpy.Environment) -> Ahead:
    """The timers of ``env`` waiting for later days (none yet: from the next midnight on)."""
    ahead: Ahead | None = getattr(env, _AHEAD, None)
    if ahead is None:
        ahead = Ahead(math.floor(env.now / DAY_MIN) * DAY_MIN + DAY_MIN)
        setattr(env, _AHEAD, ahead)
    return ahead


def run_until(env: simpy.Environment, until: float) -> None:
    """Process ``env``'s events before ``until``, as ``env.run(until=until)`` does.

    Parameters
    ----------
    env : simpy.Environment
        The environment; timers and SimPy events (processes) alike.
    until : float
        The time to stop at; ``env.now`` is ``until`` afterwards.

    Raises
    ------
    ValueError
        When ``until`` is not after ``env.now``, as SimPy raises.
    Exception
        A failed event that nothing defused, re-raised as SimPy re-raises it.
    """
    if until <= env.now:
        raise ValueError(f"until ({until}) must be greater than the current simulation time")
    # Any: SimPy types its heap as 4-tuples of an event, which compiled code (mypyc) would
    # check at run time; a timer is a 5-tuple.
    queue: Any = env._queue
    ahead = _ahead(env)
    # Where SimPy's stop event would sort: before the ordinary events at ``until``.
    stop = (until, URGENT, next(env._eid))
    while True:
        # Up to the next day whose timers still wait off the heap, or to the end.
        at_end = ahead.from_min > until
        limit = until if at_end else ahead.from_min
        while queue:
            # Popped, then put back if it is due too late: one look at the entry per event
            # rather than two at the heap's head, and a push back only once a day.
            entry: Any = heappop(queue)
            if entry[0] >= limit and not (at_end and entry < stop):
                heappush(queue, entry)
                break
            env._now = entry[0]
            if len(entry) == 5:  # a timer: (time, priority, id, callback, payload)
                entry[3](entry[4])
                continue
            event = entry[3]
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                failure = event._value
                error = type(failure)(*failure.args)
                error.__cause__ = failure
                raise error
        if at_end:
            break
        # The next day's timers join the heap before anything at or after its midnight runs.
        for waiting in ahead.days.pop(math.floor(ahead.from_min / DAY_MIN), ()):
            heappush(queue, waiting)
        ahead.from_min += DAY_MIN
    env._now = until
