"""Light SimPy events: a timer that calls one callback with a payload, and the loop that runs them.

SimPy's ``Environment.step`` pops ``(time, priority, id, event)`` from its heap and calls each of
``event.callbacks`` with the event. A :class:`Timer` is the smallest object that satisfies that
contract: four slots and no generator, so the model schedules millions of them without the cost
of a process per customer. A timer goes onto SimPy's own heap, in the entry SimPy's
``Environment.schedule`` makes, so it runs in the same event loop as any ordinary SimPy process
and the two styles can be mixed.

:func:`run_until` is ``Environment.run(until=...)`` without a method call per event: the same
heap, the same order (SimPy's stop event sorts before the ordinary events at ``until``, which
therefore stay unprocessed), the same failure check. A year of Grootstad processes about four
million events, and the loop's own overhead was a sixth of the simulation's time.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import NORMAL, URGENT, EventPriority


class Timer:
    """An event that fires ``callback(payload)`` after a delay.

    The attributes are those ``simpy.Environment.step`` reads (``callbacks``, ``_ok``); timers are
    always successful events.
    """

    __slots__ = ("_ok", "_value", "callbacks", "payload")

    def __init__(self, callbacks: list[Callable[[Any], None]], payload: Any) -> None:
        self.callbacks: list[Callable[[Any], None]] | None = callbacks
        self._ok = True
        self._value = None
        self.payload = payload


def schedule(
    env: simpy.Environment,
    delay: float,
    callback: Callable[[Any], None],
    payload: Any = None,
    priority: EventPriority = NORMAL,
) -> Timer:
    """Call ``callback(timer)`` ``delay`` minutes from now; the timer carries ``payload``.

    Events at the same time fire in order of ``priority`` (``URGENT`` before ``NORMAL``), then in
    the order they were scheduled.
    """
    timer = Timer([callback], payload)
    # Environment.schedule's own heap entry, pushed here: one call less per event.
    heappush(env._queue, (env._now + delay, priority, next(env._eid), timer))  # type: ignore[misc]
    return timer


def schedule_at(
    env: simpy.Environment,
    at_min: float,
    callback: Callable[[Any], None],
    payload: Any = None,
    priority: EventPriority = NORMAL,
) -> Timer:
    """Call ``callback(timer)`` at exactly ``at_min`` (not before now), as :func:`schedule`.

    ``schedule(env, at_min - env.now, ...)`` fires at ``env.now + (at_min - env.now)``, which
    rounding can put a hair off ``at_min``; a time shared by many things (a list of work due at
    the same moment) needs the time itself.
    """
    if at_min < env.now:
        raise ValueError(f"at_min ({at_min}) lies before the current time {env.now}")
    timer = Timer([callback], payload)
    heappush(env._queue, (at_min, priority, next(env._eid), timer))  # type: ignore[misc]
    return timer


def run_until(env: simpy.Environment, until: float) -> None:
    """Process ``env``'s events before ``until``, as ``env.run(until=until)`` does.

    Parameters
    ----------
    env : simpy.Environment
        The environment; timers and SimPy processes alike.
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
    queue = env._queue
    # Where SimPy's stop event would sort: before the ordinary events at ``until``.
    stop = (until, URGENT, next(env._eid))
    while queue and (queue[0][0] < until or queue[0] < stop):
        env._now, _, _, event = heappop(queue)
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            failure = event._value
            error = type(failure)(*failure.args)
            error.__cause__ = failure
            raise error
    env._now = until
