"""Patience and redials: a waiting contact that gives up, and the caller who tries again.

A contact that has to wait gets a patience timer when its queue has patience (the service's own
or its channel's distribution, times the citizen's segment factor; a replayed caller brings the
patience the log recorded). Timers are never cancelled: one that finds its contact served does
nothing. A contact whose patience runs out first is logged as abandoned; on a channel with
redials the caller tries again after a drawn delay, up to the channel's ``max_attempts``, and a
redial that would fall while the line is closed comes when it opens. A caller who does not
try again leaves the matter unresolved (:meth:`klantstroom.model.journeys.Journeys.failed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klantstroom.model.calendar import next_open_min
from klantstroom.model.events import schedule
from klantstroom.model.queues import WAITING, Contact
from klantstroom.scenario.spec import ABANDONED, REDIAL

if TYPE_CHECKING:
    from klantstroom.model.simulation import Simulation


class Patience:
    """The patience timers and redials of one replication.

    Parameters
    ----------
    sim : Simulation
        The replication; its network holds the samplers of patience per queue and of redials
        per channel.
    """

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        network = sim.network
        self._queue_patience = network.queue_patience
        self._redial = network.redial
        self._redial_delay = network.redial_delay
        self._cb_abandon = self._on_abandon

    def start(self, contact: Contact) -> None:
        """``contact`` starts waiting now: set its patience timer if it has patience."""
        sim = self.sim
        patience_min = contact.patience_min
        if patience_min == patience_min:  # given (not NaN): a replayed caller's own patience
            schedule(sim.env, patience_min, self._cb_abandon, contact)
            return
        patience = self._queue_patience[contact.queue.index]
        if patience is not None:
            wait_min = patience()
            if sim.segments is not None:
                wait_min *= sim.segments.patience[contact.segment]
            schedule(sim.env, wait_min, self._cb_abandon, contact)

    def _on_abandon(self, contact: Contact) -> None:
        if contact.state != WAITING:
            return  # served in time: the timer is simply ignored
        sim = self.sim
        now = sim.env._now
        queue = contact.queue
        queue.waiting -= 1
        channel = queue.channel
        channel_spec = sim.scenario.channels[channel]
        at_open = None
        if contact.attempt < channel_spec.redial.max_attempts and self._redial[channel]():
            at = now + self._redial_delay[channel]()
            # A caller who would call back while the line is closed calls when it opens.
            at_open = next_open_min(channel_spec, sim.scenario.calendar, at)
            if at_open is not None:
                schedule(sim.env, at_open - now, self._on_redial, contact)
        if at_open is None:
            sim.journeys.failed(contact)
        sim.log_unanswered(contact, now, ABANDONED)

    def _on_redial(self, previous: Contact) -> None:
        sim = self.sim
        sim.offer(sim.new_contact(previous.queue, previous, REDIAL, previous.attempt + 1))
