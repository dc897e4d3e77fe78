"""Journeys: what follows a contact, from the first contact of a matter until it is done.

A *journey* is one matter of one citizen: every contact and back-office task it takes carries the
same ``journey_id`` (the id of its first contact) and names the contact it came from
(``parent_contact_id``). :class:`Journeys` decides, when a contact ends, what happens next:

* **Served.** The matter is resolved with the first-contact-resolution probability of the
  service on that channel, or the serving group's own (``skills...fcr_probability``). Resolved:
  the journey ends ``resolved``, unless a counter follow-up visit (a passport pick-up) is due.
  Not resolved: the citizen may switch channel (below, with the switch probability of that
  channel); if not, the contact is handed off to the back-office department that handles the
  service (a *task*); without one, the journey ends ``given_up``.
* **A task done.** With the department's callback probability an outbound call follows, by the
  department or by the KCC: it reaches the citizen with ``reach_probability`` (the journey ends
  ``resolved``) or takes ``attempt_min`` of staff time and is tried again after ``retry_delay``,
  up to ``max_attempts`` (then ``given_up``). Without a callback the journey ends ``resolved``
  (the decision goes by post or in the citizen's online account).
* **Failed** (abandoned and not redialled, or served but not resolved). With the
  service's switch probability for that channel (or the citizen's segment's own switch, see
  :mod:`klantstroom.model.segments`), the citizen tries the next channel after a delay, when it
  is open (a failed web form -> phone -> counter); else the journey ends ``given_up``.

Personas are scripted citizens whose matters start at given times; they then go through the same
model as everyone else, so a workshop can follow them.

Deferred work (digital requests, tasks, callbacks) is due by the end of a number of working days
(:func:`klantstroom.model.calendar.due_min`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from klantstroom.model.calendar import HasOpening, add_working_days, next_open_min
from klantstroom.model.chases import Chases
from klantstroom.model.demand import BOOKING, DIRECT, WALK_IN, shop_shares
from klantstroom.model.distributions import Bernoulli, Sampler, make_sampler
from klantstroom.model.events import schedule, schedule_ahead
from klantstroom.model.queues import Contact, DeferredQueue, Queue
from klantstroom.model.segments import segment_switches
from klantstroom.scenario.spec import (
    CALLBACK,
    GIVEN_UP,
    MINUTES_PER_DAY,
    NEW,
    NOT_REACHED,
    RESOLVED,
    SERVED,
    SWITCH,
    TASK,
    UNSERVED,
    CallbackSpec,
    SwitchSpec,
)

if TYPE_CHECKING:
    from klantstroom.model.simulation import Simulation
    from klantstroom.model.staff import Member

# An entry into the system: (kind, queue or None, service, shop) as for arrival streams.
Entry = tuple[int, Queue | None, int, int]


class Journeys:
    """Hand-offs, callbacks, channel switches and personas of one replication.

    Parameters
    ----------
    sim : Simulation
        The simulation; its front-office queues exist already, the back-office queues are added.
    """

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        scenario = sim.scenario
        streams = sim.streams
        self.calendar = scenario.calendar
        self.service_index = {s.name: i for i, s in enumerate(scenario.services)}
        self.channel_index = {c.name: i for i, c in enumerate(scenario.channels)}
        self._fcr = [Bernoulli(1.0, streams.get(f"fcr/{s.name}")) for s in scenario.services]
        # Back office: task queue per service, callback queue per (department, service).
        self.task_queue: dict[int, DeferredQueue] = {}
        self.callback_queue: dict[tuple[int, int], DeferredQueue] = {}
        self._callback: list[tuple[CallbackSpec, Bernoulli, Bernoulli, Sampler] | None] = []
        phone = self.channel_index.get("phone", -1)
        # Elapsed process time (working days) per task type, where it has one.
        self._process: dict[int, Sampler] = {}
        for d, dept in enumerate(scenario.departments):
            for name, processing in dept.tasks:
                s_index = self.service_index[name]
                queue = DeferredQueue(
                    len(sim.queues),
                    s_index,
                    -1,
                    -1,
                    0.0,
                    department=d,
                    due_working_days=dept.term_for(name),
                    edd=dept.discipline == "edd",
                )
                sim.network.add_queue(queue, processing, f"task/{dept.name}/{name}")
                self.task_queue[s_index] = queue
                process = dept.process_for(name)
                if process is not None:
                    self._process[s_index] = make_sampler(
                        process, streams.get(f"process/{dept.name}/{name}")
                    )
            spec = dept.callback
            if spec is None:
                self._callback.append(None)
                continue
            self._callback.append(
                (
                    spec,
                    Bernoulli(spec.probability, streams.get(f"callback/{dept.name}")),
                    Bernoulli(spec.reach_probability, streams.get(f"callback_reach/{dept.name}")),
                    make_sampler(spec.retry_delay, streams.get(f"callback_retry/{dept.name}")),
                )
            )
            for name, _ in dept.tasks:
                s_index = self.service_index[name]
                queue = DeferredQueue(
                    len(sim.queues),
                    s_index,
                    phone,
                    -1,
                    0.0,
                    department=d if spec.by == "department" else -1,
                    due_working_days=spec.due_working_days,
                    outbound=True,
                    # A department's staff compare its callbacks with its tasks: same order.
                    edd=spec.by == "kcc" or dept.discipline == "edd",
                )
                sim.network.add_queue(queue, spec.handling, f"callback/{dept.name}/{name}/handling")
                self.callback_queue[(d, s_index)] = queue
        # Channel switches per (service, channel index).
        self._switch: dict[tuple[int, int], tuple[SwitchSpec, Bernoulli, Sampler]] = {}
        for s_index, service in enumerate(scenario.services):
            for switch in service.switches:
                c_index = self.channel_index[switch.from_channel]
                key = f"{service.name}/{switch.from_channel}"
                self._switch[(s_index, c_index)] = (
                    switch,
                    Bernoulli(switch.probability, streams.get(f"switch/{key}")),
                    make_sampler(switch.delay, streams.get(f"switch_delay/{key}")),
                )
        # A segment's own switches replace the service's (empty without segments).
        self._segment_switch = segment_switches(scenario, streams, self.channel_index)
        self._shop_rng = streams.get("journeys/shop_choice")
        self._cb_enter = self._on_enter
        self._cb_retry = self._on_retry
        self._cb_ready = self._on_ready
        # Tasks in their elapsed process time (not in a queue yet), for the horizon.
        self.processing: dict[int, Contact] = {}
        self._chases = Chases(self) if scenario.failure_demand.enabled else None
        # Called with every new piece of deferred work, to chase it when it is late (or None).
        self.watch_late = None if self._chases is None else self._chases.watch
        # Personas: (name, citizen id), filled in by start_personas().
        self.persona_citizens: list[tuple[str, int]] = []

    # -- deferred work ------------------------------------------------------------------------

    def deferred_work(
        self, department: int, phone_skills: dict[int, int]
    ) -> list[tuple[int, Queue]]:
        """Deferred back-office work of a group: its department's tasks and callbacks, or the
        KCC callbacks of the services it has a phone skill for (``service -> rank``)."""
        work: list[tuple[int, Queue]] = []
        if department >= 0:
            work += [(1, q) for q in self.task_queue.values() if q.department == department]
            work += [(1, q) for q in self.callback_queue.values() if q.department == department]
            return work
        for (_, service), queue in self.callback_queue.items():
            if queue.department < 0 and service in phone_skills:
                work.append((phone_skills[service], queue))
        return work

    # -- what follows a contact ---------------------------------------------------------------

    def served(self, contact: Contact, member: Member) -> tuple[int, int]:
        """``contact`` was served by ``member``: decide what follows; return (outcome, resolved)."""
        origin = contact.origin
        if origin == TASK:
            callback = self._callback[contact.department]
            if callback is not None and callback[1]():
                if not self.sim.at_horizon:
                    self._make_callback(contact, 1)
            else:
                contact.journey_end = RESOLVED
            return SERVED, 1
        if origin == CALLBACK:
            if contact.handling_min != contact.handling_min:  # NaN: drawn talk time, reached
                contact.journey_end = RESOLVED
                return SERVED, 1
            spec, _, _, retry = self._callback[contact.department]  # type: ignore[misc]
            if contact.attempt < spec.max_attempts:
                if not self.sim.at_horizon:
                    schedule(self.sim.env, retry(), self._cb_retry, contact)
            else:
                contact.journey_end = GIVEN_UP
            return NOT_REACHED, 0
        if contact.chasing:
            return SERVED, 0  # the status is given; the matter stays with the back office
        queue = contact.queue
        p = member.fcr.get(queue.index)
        if p is None:
            p = self.sim.fcr_default[queue.index]
        if self._fcr[queue.service].draw(p):
            counters = self.sim.counters
            if queue.shop < 0 or counters is None or not counters.after_served(contact):
                contact.journey_end = RESOLVED
            return SERVED, 1
        # Not resolved: the citizen may try another channel first (a web form that could not be
        # completed is followed by a call, not by back-office work); else the department takes
        # it over; else the matter is given up.
        if self.switch(contact):
            return SERVED, 0
        task_queue = self.task_queue.get(queue.service)
        if task_queue is not None:
            contact.department = task_queue.department
            if not self.sim.at_horizon:
                self._new_task(task_queue, contact)
        else:
            contact.journey_end = GIVEN_UP
        return SERVED, 0

    def failed(self, contact: Contact) -> None:
        """``contact`` failed (abandoned, not redialled): switch channel or give up."""
        if contact.chasing:
            return  # a chase that got nowhere: the matter is still with the back office
        if not self.switch(contact):
            contact.journey_end = GIVEN_UP

    def _new_task(self, queue: DeferredQueue, contact: Contact) -> None:
        """Hand ``contact`` off as a task: it waits its elapsed process time, then for staff."""
        sim = self.sim
        task = sim.new_contact(queue, contact, TASK)
        process = self._process.get(queue.service)
        if process is None:
            sim.offer(task)
            return
        now = sim.env.now
        today = int(now // MINUTES_PER_DAY)
        # Whole working days (rounded), ready at the same time of day: a file that waits for
        # documents over a weekend waits for working days, not calendar days.
        days = add_working_days(self.calendar, today, int(process() + 0.5)) - today
        task.slot_min = now + days * MINUTES_PER_DAY
        if days == 0:
            sim.offer(task)
            return
        self.processing[task.id] = task
        schedule_ahead(sim.env, task.slot_min - now, self._cb_ready, task)

    def _on_ready(self, task: Contact) -> None:
        del self.processing[task.id]
        self.sim.offer(task)

    def chasing(self, contact: Contact, previous: Contact) -> None:
        """Mark ``contact`` as failure demand: it chases ``previous``'s late matter, or follows
        on from a chase (a redial, a return after balking)."""
        contact.chasing = True
        if not previous.chasing:  # the chase itself: it is about the late item's department
            contact.department = previous.department

    def finish_at_horizon(self, horizon_min: float) -> None:
        """Log tasks still in their elapsed process time as open (``unserved``) at the horizon."""
        for task in self.processing.values():
            self.sim.log_unanswered(task, horizon_min, UNSERVED)
        self.processing.clear()

    def switch(self, contact: Contact) -> bool:
        """Let the citizen of failed ``contact`` try another channel; return whether they will."""
        queue = contact.queue
        found = self._switch.get((queue.service, queue.channel))
        if self._segment_switch:
            found = self._segment_switch.get((contact.segment, queue.service, queue.channel), found)
        if found is None or self.sim.at_horizon:
            return False
        switch, draw, delay = found
        if not draw():
            return False
        at = self.sim.env.now + delay()
        return self.plan(queue.service, self.channel_index[switch.to_channel], at, contact, SWITCH)

    def _make_callback(self, task: Contact, attempt: int, previous: Contact | None = None) -> None:
        callback = self._callback[task.department]
        assert callback is not None
        spec, _, reach, _ = callback
        queue = self.callback_queue[(task.department, task.queue.service)]
        contact = self.sim.new_contact(queue, previous or task, CALLBACK, attempt)
        contact.department = task.department
        if not reach():
            contact.handling_min = spec.attempt_min  # a given time marks "not reached"
        self.sim.offer(contact)

    def _on_retry(self, previous: Contact) -> None:
        self._make_callback(previous, previous.attempt + 1, previous)

    # -- entering the system at a channel -----------------------------------------------------

    def plan(
        self,
        service: int,
        channel: int,
        at_min: float,
        previous: Contact | None,
        origin: int,
        citizen_id: int = -1,
        shop: int = -1,
        appointment: bool | None = None,
    ) -> bool:
        """Schedule a contact for ``service`` on ``channel`` at ``at_min`` or when it opens.

        At the counter with shops, ``shop`` (-1: drawn by catchment) and ``appointment``
        (None: drawn by the shop's walk-in and booking shares) say how the citizen comes.
        Returns False when there is nowhere to go (no demand there, or it never opens).
        """
        entry = self._entry(service, channel, shop, appointment)
        if entry is None:
            return False
        sim = self.sim
        place: HasOpening = sim.scenario.channels[channel]
        if entry[0] == WALK_IN:
            place = sim.scenario.shops[entry[3]]
        at = next_open_min(place, self.calendar, at_min)
        if at is None or at >= sim.horizon_min:
            return at is not None  # after the horizon: the journey stays open
        now = sim.env.now
        schedule(sim.env, max(at - now, 0.0), self._cb_enter, (entry, previous, origin, citizen_id))
        return True

    def _entry(
        self, service: int, channel: int, shop: int, appointment: bool | None
    ) -> Entry | None:
        sim = self.sim
        if sim.counters is None or channel != sim.counters.counter_channel:
            queue = sim.queue_of(service, channel)
            return None if queue is None else (DIRECT, queue, service, -1)
        spec = sim.scenario.services[service]
        shares = [(k, w, b) for k, w, b in shop_shares(sim.scenario, spec) if shop < 0 or k == shop]
        options: list[tuple[int, int, float]] = []
        for k, walk_in, booking in shares:
            if appointment is not True and walk_in > 0:
                options.append((WALK_IN, k, walk_in))
            if appointment is not False and booking > 0:
                options.append((BOOKING, k, booking))
        if not options:
            return None
        weights = np.array([w for _, _, w in options])
        pick = 0
        if len(options) > 1:
            pick = int(np.searchsorted(np.cumsum(weights / weights.sum()), self._shop_rng.random()))
            pick = min(pick, len(options) - 1)
        kind, k, _ = options[pick]
        queue = sim.counters.shops[k].queues.get((service, False)) if kind == WALK_IN else None
        return (kind, queue, service, k)

    def _on_enter(self, payload: tuple[Entry, Contact | None, int, int]) -> None:
        (kind, queue, service, shop), previous, origin, citizen = payload
        sim = self.sim
        counters = sim.counters
        if kind == BOOKING:
            assert counters is not None
            counters.request_booking(service, shop, previous, origin, 1, citizen)
            return
        assert queue is not None  # a direct or walk-in entry names its queue (_entry)
        if kind == DIRECT:
            sim.arrive(queue, previous, origin, 1, citizen)
            return
        assert counters is not None
        counters.walk_in(queue, previous, origin, 1, citizen)

    # -- personas -----------------------------------------------------------------------------

    def start_personas(self) -> None:
        """Give every persona a citizen id and schedule the first contact of each matter."""
        sim = self.sim
        shop_index = {shop.name: k for k, shop in enumerate(sim.scenario.shops)}
        for persona in sim.scenario.personas:
            citizen = sim.reserve_id()
            self.persona_citizens.append((persona.name, citizen))
            for matter in persona.matters:
                at = matter.day * MINUTES_PER_DAY + matter.time_min
                appointment = None if matter.mode is None else matter.mode == "appointment"
                self.plan(
                    self.service_index[matter.service],
                    self.channel_index[matter.channel],
                    at,
                    None,
                    NEW,
                    citizen,
                    -1 if matter.shop is None else shop_index[matter.shop],
                    appointment,
                )
