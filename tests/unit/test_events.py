"""The model's event loop: timers and SimPy processes in exactly the order SimPy's own runs them."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest
import simpy
from simpy.core import NORMAL, URGENT, EventPriority

from klantstroom.model.events import run_until, schedule, schedule_ahead, schedule_at


def _simpy_schedule(
    env: simpy.Environment,
    delay: float,
    callback: Callable[[Any], None],
    payload: Any = None,
    priority: EventPriority = NORMAL,
) -> None:
    """:func:`schedule` made of an ordinary SimPy event, for SimPy's own ``run``."""
    event = simpy.Event(env)
    event._ok, event._value = True, None
    event.callbacks.append(lambda _: callback(payload))
    env.schedule(event, priority, delay)


def _scripted(
    env: simpy.Environment, schedule: Callable[..., None] = schedule
) -> list[tuple[float, str]]:
    """Timers and processes at shared times, both priorities, one exactly at the stop time."""
    seen: list[tuple[float, str]] = []

    def note(name: str) -> None:
        seen.append((env.now, name))
        if name == "a":  # a timer scheduling others, at the same time too
            schedule(env, 0.0, note, "a+0")
            schedule(env, 1.5, note, "a+1.5")

    def process(name: str) -> Generator[simpy.Event, Any, None]:
        for step in (1.0, 0.5, 2.0, 6.5):
            yield env.timeout(step)
            seen.append((env.now, name))

    start = env.now
    schedule(env, 1.0 - start, note, "a")
    schedule(env, 1.0 - start, note, "b", priority=URGENT)
    schedule(env, 10.0 - start, note, "at the stop, normal")
    schedule(env, 10.0 - start, note, "at the stop, urgent", priority=URGENT)
    schedule(env, 12.0 - start, note, "after the stop")
    env.process(process("p"))
    env.process(process("q"))
    return seen


@pytest.mark.parametrize("start", [0.0, -3.0])
def test_the_loop_runs_events_in_simpy_s_order_and_stops_where_simpy_stops(start: float) -> None:
    by_simpy, by_us = simpy.Environment(start), simpy.Environment(start)
    expected, seen = _scripted(by_simpy, _simpy_schedule), _scripted(by_us)
    by_simpy.run(until=10.0)
    run_until(by_us, 10.0)
    assert seen == expected
    # The urgent timer scheduled before the run sorts before SimPy's stop event; the normal
    # one after it, so it is left for a later run, as in SimPy.
    assert (10.0, "at the stop, urgent") in seen
    assert (10.0, "at the stop, normal") not in seen
    assert by_us.now == by_simpy.now == 10.0
    by_simpy.run(until=20.0)
    run_until(by_us, 20.0)
    assert seen == expected
    assert (10.0, "at the stop, normal") in seen
    assert (12.0, "after the stop") in seen


def test_the_loop_raises_a_failed_event_and_refuses_a_stop_in_the_past() -> None:
    env = simpy.Environment()

    def fail() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.0)
        raise KeyError("no such queue")

    env.process(fail())
    with pytest.raises(KeyError, match="no such queue"):
        run_until(env, 5.0)
    with pytest.raises(ValueError, match="greater than the current simulation time"):
        run_until(simpy.Environment(7.0), 7.0)


def test_timers_fire_in_time_then_priority_then_scheduling_order() -> None:
    env = simpy.Environment()
    seen: list[str] = []
    record: Callable[[str], None] = seen.append
    schedule(env, 2.0, record, "late")
    schedule(env, 1.0, record, "first normal")
    schedule(env, 1.0, record, "urgent", priority=URGENT)
    schedule(env, 1.0, record, "second normal", priority=NORMAL)
    run_until(env, 3.0)
    assert seen == ["urgent", "first normal", "second normal", "late"]


def test_a_timer_at_a_given_time_fires_at_exactly_that_time() -> None:
    env = simpy.Environment(-65_159.297)  # in a warm-up: now + (t - now) rounds off t
    at = 1440.0
    assert env.now + (at - env.now) != at
    fired: list[float] = []
    schedule_at(env, at, lambda _: fired.append(env.now))
    run_until(env, 2000.0)
    assert fired == [at]
    with pytest.raises(ValueError, match="before the current time"):
        schedule_at(env, 1999.0, lambda _: None)


def _days_script(env: simpy.Environment, later: Callable[..., None]) -> list[tuple[float, str]]:
    """Timers over several days (``later`` for those due on a later day), at shared times,
    exactly at midnights and at the stop, both priorities, and a SimPy process among them."""
    seen: list[tuple[float, str]] = []

    def note(name: str) -> None:
        seen.append((env.now, name))
        if name.startswith("chain"):  # a timer that schedules days ahead again, from a timer
            step = int(name.split()[1])
            if step < 5:
                later(env, 1440.0 * step + 0.5, note, f"chain {step + 1}")
                later(env, 2880.0 - env.now % 1440.0, note, f"midnight after {step}")

    def process() -> Generator[simpy.Event, Any, None]:
        for step in (1439.0, 1.0, 1440.0, 3000.0):
            yield env.timeout(step)
            seen.append((env.now, "process"))

    schedule(env, 1.0, note, "chain 1")
    schedule(env, 1440.0, note, "midnight, scheduled first")
    later(env, 1440.0, note, "midnight, ahead")
    later(env, 1440.0, note, "midnight, urgent", priority=URGENT)
    later(env, 1440.0 - 1e-9, note, "a hair before midnight")
    later(env, 3 * 1440.0 + 7.25, note, "three days on")
    later(env, 10_000.0, note, "at the stop, normal")
    later(env, 10_000.0, note, "at the stop, urgent", priority=URGENT)
    later(env, 30 * 1440.0, note, "after the stop")
    env.process(process())
    return seen


def test_timers_waiting_for_their_day_fire_as_if_they_were_on_the_heap() -> None:
    on_heap, ahead = simpy.Environment(), simpy.Environment()
    expected = _days_script(on_heap, schedule)
    seen = _days_script(ahead, schedule_ahead)
    run_until(on_heap, 10_000.0)
    run_until(ahead, 10_000.0)
    assert seen == expected
    # Only the coming day's timers are on the heap: the month ahead waits in its day's list.
    assert any(entry[0] == 30 * 1440.0 for entry in on_heap._queue)
    assert not any(entry[0] >= 2 * 1440.0 + 10_000.0 for entry in ahead._queue)
    run_until(on_heap, 50_000.0)
    run_until(ahead, 50_000.0)
    assert seen == expected
    before_midnight = seen.index((1440.0 - 1e-9, "a hair before midnight"))
    assert seen[before_midnight + 1] == (1440.0, "midnight, urgent")
    assert (10_000.0, "at the stop, urgent") in seen
    assert (30 * 1440.0, "after the stop") in seen
    chain = [name for _, name in seen if name.startswith("chain")]
    assert chain == [f"chain {k}" for k in range(1, 6)]
