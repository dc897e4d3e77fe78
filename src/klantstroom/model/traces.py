"""Trace-driven demand: contacts that arrive at given times, as a log recorded them.

Replaying a call-centre log (:mod:`klantstroom.calibration.replay`) and the tests that assert
exact timelines put arrivals at chosen minutes instead of drawing them. Each may bring its own
handling time and patience, as logged; a missing one (NaN) is drawn from the scenario's
distributions. The arrivals are timers in the replication's event loop, on top of any generated
demand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import ArrayLike

from klantstroom.model.events import schedule
from klantstroom.model.queues import Queue
from klantstroom.scenario.spec import NEW

if TYPE_CHECKING:
    from klantstroom.model.simulation import Simulation

NAN: Final = float("nan")


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
        self, queue: Queue, times: ArrayLike, handling: ArrayLike | None, patience: ArrayLike | None
    ) -> None:
        """Add arrivals at ``queue`` (see :meth:`Simulation.add_arrivals`, which finds it)."""
        sim = self.sim
        start = sim.env.now
        at = np.asarray(times, dtype=float)
        own_handling = np.full(len(at), NAN) if handling is None else np.asarray(handling)
        own_patience = np.full(len(at), NAN) if patience is None else np.asarray(patience)
        if not len(at) == len(own_handling) == len(own_patience):
            raise ValueError("times_min, handling_min and patience_min must have equal lengths")
        if len(at) and at.min() < start:
            raise ValueError(f"an arrival at {at.min()} min is before the start ({start})")
        for i in np.argsort(at, kind="stable").tolist():
            payload = (queue, float(own_handling[i]), float(own_patience[i]))
            schedule(sim.env, float(at[i]) - start, self._on_arrival, payload)

    def _on_arrival(self, payload: tuple[Queue, float, float]) -> None:
        queue, handling, patience = payload
        sim = self.sim
        sim.offer(sim.new_contact(queue, None, NEW, 1, -1, handling, patience))
