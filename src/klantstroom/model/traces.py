"""Trace-driven demand: contacts that arrive at given times, as a log recorded them.

Replaying a call-centre log (:mod:`klantstroom.calibration.replay`) and the tests that assert
exact timelines put arrivals at chosen minutes instead of drawing them. Each may bring its own
handling time and patience, as logged; a missing one (NaN) is drawn from the scenario's
distributions. The arrivals are timers in the replication's event loop, on top of any generated
demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from klantstroom.model.events import schedule
from klantstroom.model.queues import Queue
from klantstroom.scenario.spec import NEW

if TYPE_CHECKING:
    from klantstroom.model.simulation import Simulation

NAN = float("nan")


class TracedArrivals:
    """Puts a trace's arrivals into one replication.

    Parameters
    ----------
    sim : Simulation
        The replication.
    """

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim

    def add(
        self,
        times_min: ArrayLike,
        service: str,
        channel: str,
        handling_min: ArrayLike | None = None,
        patience_min: ArrayLike | None = None,
    ) -> None:
        """Add arrivals at given times (see :meth:`Simulation.add_arrivals`)."""
        sim = self.sim
        s_index = [s.name for s in sim.scenario.services].index(service)
        c_index = [c.name for c in sim.scenario.channels].index(channel)
        queue = sim.network.queue_of(s_index, c_index)
        if queue is None:
            raise ValueError(f"service {service!r} has no demand on channel {channel!r}")
        start = sim.env.now
        times = np.asarray(times_min, dtype=float)
        handling = np.full(len(times), NAN) if handling_min is None else np.asarray(handling_min)
        patience = np.full(len(times), NAN) if patience_min is None else np.asarray(patience_min)
        if not len(times) == len(handling) == len(patience):
            raise ValueError("times_min, handling_min and patience_min must have equal lengths")
        if len(times) and times.min() < start:
            raise ValueError(f"an arrival at {times.min()} min is before the start ({start})")
        for i in np.argsort(times, kind="stable").tolist():
            payload = (queue, float(handling[i]), float(patience[i]))
            schedule(sim.env, float(times[i]) - start, self._on_arrival, payload)

    def _on_arrival(self, payload: tuple[Queue, float, float]) -> None:
        queue, handling, patience = payload
        sim = self.sim
        sim.offer(sim.new_contact(queue, None, NEW, 1, -1, handling, patience))
