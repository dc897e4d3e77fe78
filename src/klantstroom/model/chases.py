"""Failure demand: citizens who chase a matter that is late ("waar blijft mijn aanvraag?").

Every piece of deferred work a citizen waits for — a back-office task, an outbound callback, an
answer to an e-mail or web form — is watched. When it is still not done
``after_working_days`` working days after its due time, the citizen chases it with the
probability of its kind (a department's own for its tasks): a contact with ``origin = chase``
on a channel drawn from the chase mix, at a moment spread uniformly over the open hours of the
next day that channel is open. While the item stays late this is checked again every
``repeat_working_days`` working days, up to ``max_chases`` checks.

A chase is a contact like any other (it waits, is answered or abandoned, may be redialled) but
it resolves nothing and hands nothing off: the matter is still with the back office. So a slow
back office shows up as load in the KCC and at the counters, which is what municipalities see
("herhaalverkeer", Landgraaf: a quarter of calls, domain.md §5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from klantstroom.model.calendar import add_working_days, random_open_min
from klantstroom.model.distributions import Bernoulli
from klantstroom.model.events import schedule_at
from klantstroom.model.queues import DONE, Contact
from klantstroom.scenario.spec import CHASE, MINUTES_PER_DAY, TASK

if TYPE_CHECKING:
    from klantstroom.model.journeys import Journeys


def _day_starting_at(midnight_min: float) -> int:
    """The number of the day that starts at ``midnight_min``, a midnight in model minutes.

    A check's timer is set for a midnight from a time in the warm-up (negative minutes) and can
    fire a hair before it (``2879.9999999999927``): flooring would give the day before, whose
    open hours are over, and the citizen would call a closed line at midnight.
    """
    return round(midnight_min / MINUTES_PER_DAY)


class Chases:
    """Watches late deferred work and makes the chase contacts of one replication.

    Parameters
    ----------
    journeys : Journeys
        The replication's journeys; chases enter the system through :meth:`Journeys.plan`.
    """

    def __init__(self, journeys: Journeys) -> None:
        self.journeys = journeys
        sim = journeys.sim
        self.sim = sim
        scenario = sim.scenario
        spec = scenario.failure_demand
        self.spec = spec
        self.calendar = scenario.calendar
        streams = sim.streams
        self._task = [
            Bernoulli(spec.task_probability_of(d.name), streams.get(f"chase/task/{d.name}"))
            for d in scenario.departments
        ]
        self._callback = Bernoulli(spec.callback_probability, streams.get("chase/callback"))
        self._digital = Bernoulli(spec.digital_probability, streams.get("chase/digital"))
        self._channel_rng = streams.get("chase/channel")
        self._time_rng = streams.get("chase/time")
        channel_index = {c.name: i for i, c in enumerate(scenario.channels)}
        self._digital_channel = channel_index.get("digital", -2)
        mix = [(channel_index[c], share) for c, share in spec.channel_mix if share > 0]
        self._mix_channels = [c for c, _ in mix]
        self._mix_cumulative = np.cumsum([share for _, share in mix])
        service_index = journeys.service_index
        target = dict(spec.service_for)
        self._service_for = [service_index[target.get(s.name, s.name)] for s in scenario.services]
        self._cb_check = self._on_check
        # The checks due at each midnight (model minutes), in the order they were made; one
        # timer per midnight rather than one per piece of work: a Grootstad year has 350,000
        # checks, and waiting days ahead they were two thirds of the event heap.
        self._checks: dict[float, list[tuple[Contact, Bernoulli, int]]] = {}

    def watch(self, item: Contact) -> None:
        """Start watching new deferred work ``item`` (a task, callback or digital request)."""
        if item.chasing:
            return  # a chase by e-mail is not chased again
        queue = item.queue
        if queue.outbound:
            draw = self._callback
        elif item.origin == TASK:
            draw = self._task[queue.department]
        elif queue.channel == self._digital_channel:
            draw = self._digital
        else:
            return
        if draw.p <= 0.0:
            return
        self._schedule(item, draw, 1, item.due_min, self.spec.after_working_days)

    def _schedule(
        self, item: Contact, draw: Bernoulli, check: int, from_min: float, working_days: int
    ) -> None:
        """Check ``item`` at the end of the ``working_days``-th working day after the day that
        ends at ``from_min`` (a due time or an earlier check, both at midnight)."""
        day = _day_starting_at(from_min) - 1
        midnight = (add_working_days(self.calendar, day, working_days) + 1) * MINUTES_PER_DAY
        sim = self.sim
        if midnight >= sim.horizon_min:
            return  # nothing could come of it inside the run
        now = sim.env.now
        # When a timer set now for that midnight fires: rounding can put it a hair off, and it
        # is kept so, so that the checks run at the moments, and in the order, they always did.
        at = now + (midnight - now)
        due = self._checks.get(at)
        if due is None:
            due = self._checks[at] = []
            schedule_at(sim.env, at, self._cb_check, at)
        due.append((item, draw, check))

    def _on_check(self, at: float) -> None:
        for item, draw, check in self._checks.pop(at):
            if item.state == DONE or self.sim.at_horizon:
                continue
            if draw():
                self._chase(item, _day_starting_at(at))
            if check < self.spec.max_chases:
                self._schedule(item, draw, check + 1, at, self.spec.repeat_working_days)

    def _chase(self, item: Contact, day: int) -> None:
        """The citizen of late ``item`` contacts the municipality, from day ``day`` on, to ask
        where it is."""
        journeys = self.journeys
        service = self._service_for[item.queue.service]
        total = self._mix_cumulative[-1]
        u_channel = self._channel_rng.random() * total
        pick = min(
            int(np.searchsorted(self._mix_cumulative, u_channel, side="right")),
            len(self._mix_channels) - 1,
        )
        # The drawn channel first; where it has no demand for the service (or no shop takes
        # walk-ins for it), the next channel of the mix (checked at load: one of them has).
        order = self._mix_channels[pick:] + self._mix_channels[:pick]
        u = float(self._time_rng.random())
        for channel in order:
            place = self.sim.scenario.channels[channel]
            at = random_open_min(place, self.calendar, day, u)
            if at is None:
                continue
            if journeys.plan(service, channel, at, item, CHASE, appointment=False):
                return
