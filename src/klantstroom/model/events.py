"""Light SimPy events: a timer that calls one callback with a payload.

SimPy's ``Environment.step`` pops ``(time, priority, id, event)`` from its heap and calls each of
``event.callbacks`` with the event. A :class:`Timer` is the smallest object that satisfies that
contract: four slots and no generator, so the model schedules millions of them without the cost
of a process per customer. A timer is scheduled with SimPy's own ``Environment.schedule`` and runs
in the same event loop as any ordinary SimPy process, so the two styles can be mixed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.core import NORMAL, EventPriority


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
    env.schedule(timer, priority, delay)  # type: ignore[arg-type]
    return timer
