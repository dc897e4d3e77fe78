"""One replication of a scenario: demand, queues, staff and dispatcher in one SimPy environment.

The flow of a contact:

1. it arrives (a generated arrival, or a redial) at the queue of its service and channel;
2. the routing policy looks for an idle member with the skill; if there is one, service starts,
   otherwise the contact waits, and a patience timer is set when the channel has patience;
3. at the end of service the contact is logged (first-contact resolution drawn per service), the
   member does wrap-up work, then either leaves (if their shift has ended) or asks the policy for
   the next contact;
4. a contact whose patience runs out first is logged as abandoned and may redial later.

Counter visits at city shops (walk-ins, appointments, desks, doors) are handled by
:class:`~klantstroom.model.counter.Counters`, which uses the same queues, staff and dispatcher.
What follows a contact (resolution, hand-off to a back-office department, callbacks, channel
switches, personas) is decided by :class:`~klantstroom.model.journeys.Journeys`.

Work comes in three kinds. Real-time work (phone, counter, chat) is taken first; a member who
finds none takes deferred work (digital requests, back-office tasks, callbacks), earliest due
first. A chat agent holds up to ``concurrency`` chats at once and takes other work only when the
last one ends.

Every event is a light :class:`~klantstroom.model.events.Timer` in SimPy's event queue rather
than a process per contact; patience timers are never cancelled, they just find their contact
served and do nothing. At the horizon, contacts still waiting are logged as ``unserved`` and
contacts in service are logged with their (already known) end time.

Time is minutes since 00:00 of the first reported day; the warm-up runs before 0.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heappush
from typing import Any

import numpy as np
import simpy
from numpy.typing import ArrayLike
from simpy.core import NORMAL, URGENT

from klantstroom.model.calendar import due_min, next_open_min
from klantstroom.model.counter import Counters
from klantstroom.model.demand import DIRECT, WALK_IN, Demand
from klantstroom.model.distributions import Bernoulli, Sampler, make_sampler
from klantstroom.model.eventlog import ContactLog, SpellLog
from klantstroom.model.events import Timer, run_until, schedule
from klantstroom.model.journeys import Journeys
from klantstroom.model.policies import POLICIES, pick_deferred
from klantstroom.model.queues import DONE, IN_SERVICE, WAITING, Contact, DeferredQueue, Queue
from klantstroom.model.segments import Segments
from klantstroom.model.shops import pick_counter
from klantstroom.model.staff import Group, Member
from klantstroom.model.streams import Streams
from klantstroom.model.training import Training, home_places
from klantstroom.scenario.spec import (
    ABANDONED,
    CHASE,
    MINUTES_PER_DAY,
    NEW,
    REDIAL,
    UNSERVED,
    DistributionSpec,
    Scenario,
    SkillSpec,
    roster_row,
)

NAN = float("nan")


@dataclass
class ReplicationLog:
    """What one replication produced: the raw event-log columns and run facts.

    Attributes
    ----------
    contacts : dict of str to numpy.ndarray
        Contact log columns (:data:`~klantstroom.model.eventlog.CONTACT_COLUMNS`), warm-up
        contacts included (their ``arrival_min`` is negative).
    spells : dict of str to numpy.ndarray
        On-duty spells of staff members (:data:`~klantstroom.model.eventlog.SPELL_COLUMNS`).
    personas : tuple of (str, int)
        The citizen id of each persona of the scenario.
    proficiency : dict of str to numpy.ndarray
        Daily proficiency of training cohorts on their new skills
        (:data:`~klantstroom.model.training.PROFICIENCY_COLUMNS`); empty without training.
    """

    replication: int
    contacts: dict[str, np.ndarray]
    spells: dict[str, np.ndarray]
    horizon_min: float
    warmup_min: float
    wall_s: float
    personas: tuple[tuple[str, int], ...] = ()
    proficiency: dict[str, np.ndarray] = field(default_factory=dict)


class Simulation:
    """A scenario wired into a SimPy environment for one replication.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    replication : int
        Replication number; selects the random streams.
    """

    def __init__(self, scenario: Scenario, replication: int) -> None:
        self.scenario = scenario
        self.replication = replication
        run = scenario.run
        self.horizon_min = run.horizon_min
        self.warmup_min = run.warmup_min
        self.env = simpy.Environment(initial_time=-self.warmup_min)
        self.streams = Streams(run.seed, replication)
        self.log = ContactLog()
        self.spells = SpellLog()
        self.policy = POLICIES[scenario.routing.policy](scenario.routing.ageing_per_min)
        self._next_contact_id = 0
        self.at_horizon = False  # set when the horizon is reached: nothing new is scheduled
        self._build_queues()
        self.counters = Counters(self) if scenario.shops else None
        self.shops = self.counters.shops if self.counters is not None else []
        self.journeys = Journeys(self)
        # Built once every queue exists; None without segments (nothing is drawn or multiplied).
        self.segments = Segments(scenario, self.streams, self.queues) if scenario.segments else None
        self._build_groups()
        self.demand = Demand(scenario, self.streams)
        # Per arrival stream: (kind, queue, service, shop) of what an arrival starts.
        self._stream_target: list[tuple[int, Queue | None, int, int]] = []
        for stream in self.demand.streams:
            queue: Queue | None = None
            if stream.kind == DIRECT:
                queue = self._queue_of[(stream.service, stream.channel)]
            elif stream.kind == WALK_IN:
                queue = self.shops[stream.shop].queues[(stream.service, False)]
            self._stream_target.append((stream.kind, queue, stream.service, stream.shop))
        # Arrivals of the current day, walked through by one re-used timer.
        self._day_times: list[float] = []
        self._day_queues: list[int] = []
        self._day_pos = 0
        self._arrival_timer = Timer([], None)
        # Bound methods looked up once; they are called once or more per contact.
        # One list for every arrival, never mutated: no list is built per arrival.
        self._arrival_callbacks: list[Callable[[Any], None]] = [self._on_arrival]
        self._cb_end = self._on_end
        self._cb_release = self._on_release
        self._cb_abandon = self._on_abandon
        self._cb_chat_end = self._on_chat_end

    # -- construction -------------------------------------------------------------------------

    def _build_queues(self) -> None:
        scenario = self.scenario
        streams = self.streams
        priorities = dict(scenario.routing.channel_priority)
        self.queues: list[Queue] = []
        self._queue_of: dict[tuple[int, int], Queue] = {}
        self._handling: list[Sampler] = []
        # Per queue: the handling time's multipliers per hour of the week (weekday x 24 + hour,
        # Monday first), or None when they are all 1 (most queues: no multiplication at all).
        self._handling_factors: list[tuple[float, ...] | None] = []
        # Minutes from Monday 00:00 to minute 0, so that the hour of the week is a modulo of the
        # model time, with no date built per contact.
        self._week_offset_min = scenario.calendar.start_date.weekday() * MINUTES_PER_DAY
        # Per queue: the service's resolution probability on its channel (staff may replace it).
        self.fcr_default: list[float] = []
        self._queue_patience: list[Sampler | None] = []
        channel_index = {c.name: i for i, c in enumerate(scenario.channels)}
        pending_patience = []
        for s_index, service in enumerate(scenario.services):
            for channel, share in service.channel_mix:
                if share <= 0 or (channel == "counter" and scenario.shops):
                    continue  # with shops, counter queues are per shop (Counters)
                c_index = channel_index[channel]
                spec = scenario.channels[c_index]
                priority = priorities.get(channel, 0.0) + service.priority
                queue: Queue
                if spec.deferred:
                    due = service.due_working_days
                    queue = DeferredQueue(
                        len(self.queues),
                        s_index,
                        c_index,
                        -1,
                        priority,
                        due_working_days=spec.due_working_days if due is None else due,
                    )
                else:
                    queue = Queue(
                        len(self.queues),
                        s_index,
                        c_index,
                        -1,
                        priority,
                        concurrency=spec.concurrency,
                    )
                self.queues.append(queue)
                self._queue_of[(s_index, c_index)] = queue
                self._handling.append(
                    make_sampler(
                        service.handling_for(channel),
                        streams.get(f"handling/{service.name}/{channel}"),
                    )
                )
                self._handling_factors.append(service.handling_factors(channel))
                self.fcr_default.append(service.fcr_on(channel))
                pending_patience.append(queue)
        self._patience: list[Sampler | None] = []
        self._redial: list[Bernoulli] = []
        self._redial_delay: list[Sampler] = []
        for channel_spec in scenario.channels:
            name = channel_spec.name
            patience = channel_spec.patience
            self._patience.append(
                None
                if patience is None
                else make_sampler(patience, streams.get(f"patience/{name}"))
            )
            self._redial.append(
                Bernoulli(channel_spec.redial.probability, streams.get(f"redial/{name}"))
            )
            self._redial_delay.append(
                make_sampler(channel_spec.redial.delay, streams.get(f"redial_delay/{name}"))
            )
        for queue in pending_patience:
            self._queue_patience.append(self.patience_of(queue))

    def patience_of(self, queue: Queue) -> Sampler | None:
        """Patience at ``queue``: the service's own (its own stream) or else the channel's.

        Deferred work (digital requests, tasks, callbacks) and appointments have none.
        """
        if queue.deferred or queue.appointment:
            return None
        service = self.scenario.services[queue.service]
        channel_name = self.scenario.channels[queue.channel].name
        own = service.patience
        if own is None:
            return self._patience[queue.channel]
        name = f"patience/{service.name}/{channel_name}"
        if queue.shop >= 0:
            name += f"/{self.scenario.shops[queue.shop].name}"
        return make_sampler(own, self.streams.get(name))

    def add_queue(self, queue: Queue, handling: DistributionSpec, stream: str) -> None:
        """Register a queue built elsewhere (a shop's, a department's) with its handling stream.

        A shop's counter queue draws the service's counter handling, so the service's
        ``handling_by_hour`` and ``handling_by_weekday`` of the counter apply to it; a task's
        processing and a callback's talk time are the department's, and have none.
        """
        self.queues.append(queue)
        self._handling.append(make_sampler(handling, self.streams.get(stream)))
        self._queue_patience.append(self.patience_of(queue))
        fcr = 1.0  # tasks and callbacks: resolution is decided by the journey
        factors = None
        if queue.channel >= 0 and not queue.outbound:
            channel = self.scenario.channels[queue.channel].name
            service = self.scenario.services[queue.service]
            fcr = service.fcr_on(channel)
            factors = service.handling_factors(channel)
        self.fcr_default.append(fcr)
        self._handling_factors.append(factors)

    def reserve_id(self) -> int:
        """Return a fresh id that no contact will get (a persona's citizen id)."""
        self._next_contact_id += 1
        return self._next_contact_id - 1

    def _build_groups(self) -> None:
        """One run-time group per configured group and place it works (home, other shops)."""
        scenario = self.scenario
        shop_index = {shop.name: k for k, shop in enumerate(scenario.shops)}
        self.groups: list[Group] = []
        # Per run-time group: its roster (headcount per weekday, and per date).
        self._rosters: list[
            tuple[tuple[tuple[int, ...], ...], tuple[tuple[dt.date, tuple[int, ...]], ...], bool]
        ] = []
        first_id = 0
        department_index = {d.name: k for k, d in enumerate(scenario.departments)}
        # Per run-time group: the share of rostered hours available for contact-caused work
        # (a department spends the rest on work no contact caused), and the fraction of a member
        # carried over between roster intervals so that the hours add up exactly.
        self._available: list[float] = []
        self._available_carry: list[float] = []
        for g_index, spec in enumerate(scenario.staff_groups):
            home = -1 if spec.shop is None else shop_index[spec.shop]
            # At home: one run-time group, or with training one per cohort besides the rest.
            places = [(home, *place) for place in home_places(spec)]
            for name, grid in spec.deployments:
                size = max((max(row) for row in grid if row), default=0)
                places.append((shop_index[name], grid, (), size, None))
            wrapup = (
                None
                if spec.wrapup is None
                else make_sampler(spec.wrapup, self.streams.get(f"wrapup/{spec.name}"))
            )
            for shop, grid, by_date, size, cohort in places:
                group = Group(len(self.groups), spec.name, size, first_id, g_index, shop)
                group.cohort = cohort
                first_id += size
                group.wrapup = wrapup
                self.add_skills(group, spec.skills)
                department = -1 if spec.department is None else department_index[spec.department]
                self.add_deferred_work(group, department)
                self.groups.append(group)
                self._rosters.append((grid, by_date, spec.works_holidays))
                share = 0.0 if department < 0 else scenario.departments[department].other_work_share
                self._available.append(1.0 - share)
                self._available_carry.append(0.0)
                if shop >= 0:
                    self.shops[shop].deployments.append(group)
        for queue in self.queues:
            queue.groups.sort(key=lambda item: (item[0], item[1].index))
        self.training = Training.of(self, self._rosters)

    def add_deferred_work(self, group: Group, department: int) -> None:
        """Give ``group`` its back-office work: its ``department``'s tasks and callbacks, or,
        for a contact-centre group (or one blending at a shop), the KCC callbacks of the
        services it has a phone skill for. Queues it has already are left as they are."""
        spec = self.scenario.staff_groups[group.spec_index]
        if not (department >= 0 or group.shop < 0 or spec.blend):
            return
        channel_names = [c.name for c in self.scenario.channels]
        phone_channel = channel_names.index("phone") if "phone" in channel_names else -2
        phone = {q.service: rank for rank, q in group.work if q.channel == phone_channel}
        held = {queue.index for _, queue in group.deferred}
        for rank, queue in self.journeys.deferred_work(department, phone):
            if queue.index in held:
                continue
            group.deferred.append((rank, queue))
            group.speed[queue.index] = 1.0
            queue.groups.append((rank, group))
        group.deferred.sort(key=lambda item: (item[0], item[1].index))

    def add_skills(self, group: Group, skills: tuple[SkillSpec, ...]) -> None:
        """Give ``group`` the queues its skills cover at its place.

        Called while the groups are built, and by :mod:`klantstroom.model.training` when a
        cohort gains a course's skills on its start date (which then sorts the queues' groups).
        """
        scenario = self.scenario
        blend = scenario.staff_groups[group.spec_index].blend
        service_index = {s.name: i for i, s in enumerate(scenario.services)}
        channel_index = {c.name: i for i, c in enumerate(scenario.channels)}
        for skill in skills:
            s_index = service_index[skill.service]
            if skill.channel == "counter" and self.shops:
                if group.shop < 0:
                    continue  # counter work is done at a shop
                shop = self.shops[group.shop]
                for appointment in (True, False):
                    queue = shop.queues.get((s_index, appointment))
                    if queue is not None:
                        group.counter_work.append((skill.rank, queue))
                        group.speed[queue.index] = skill.speed
                        if skill.fcr_probability is not None:
                            group.fcr[queue.index] = skill.fcr_probability
                        queue.groups.append((skill.rank, group))
                continue
            if group.shop >= 0 and not blend:
                continue  # at a shop without blending: counter work only
            queue = self._queue_of.get((s_index, channel_index.get(skill.channel, -1)))
            if queue is None:  # a skill for which the scenario has no demand
                continue
            if queue.deferred:
                group.deferred.append((skill.rank, queue))
            else:
                group.work.append((skill.rank, queue))
            if queue.concurrency > 1:
                group.chat_work.append(queue)
            group.speed[queue.index] = skill.speed
            if skill.fcr_probability is not None:
                group.fcr[queue.index] = skill.fcr_probability
            queue.groups.append((skill.rank, group))
        group.work.sort(key=lambda item: (item[0], item[1].index))
        group.counter_work.sort(
            key=lambda item: (not item[1].appointment, item[0], -item[1].priority, item[1].index)
        )

    # -- running ------------------------------------------------------------------------------

    def add_arrivals(
        self,
        times_min: ArrayLike,
        service: str,
        channel: str,
        handling_min: ArrayLike | None = None,
        patience_min: ArrayLike | None = None,
    ) -> None:
        """Add arrivals at given times (trace-driven demand), on top of any generated demand.

        Parameters
        ----------
        times_min : sequence of float
            Arrival times in model minutes (at or after the start of the warm-up).
        service, channel : str
            Where the contacts arrive; the service must have demand on that channel.
        handling_min, patience_min : sequence of float, optional
            Each contact's own handling time and patience (for replaying a log), aligned with
            ``times_min``; NaN or omitted = drawn from the scenario's distributions. A given
            handling time is used as is (staff speed factors do not apply to it).
        """
        s_index = [s.name for s in self.scenario.services].index(service)
        c_index = [c.name for c in self.scenario.channels].index(channel)
        queue = self._queue_of.get((s_index, c_index))
        if queue is None:
            raise ValueError(f"service {service!r} has no demand on channel {channel!r}")
        start = self.env.now
        times = np.asarray(times_min, dtype=float)
        handling = np.full(len(times), NAN) if handling_min is None else np.asarray(handling_min)
        patience = np.full(len(times), NAN) if patience_min is None else np.asarray(patience_min)
        if not len(times) == len(handling) == len(patience):
            raise ValueError("times_min, handling_min and patience_min must have equal lengths")
        if len(times) and times.min() < start:
            raise ValueError(f"an arrival at {times.min()} min is before the start ({start})")
        for i in np.argsort(times, kind="stable").tolist():
            payload = (queue, float(handling[i]), float(patience[i]))
            schedule(self.env, float(times[i]) - start, self._on_traced_arrival, payload)

    def queue_of(self, service: int, channel: int) -> Queue | None:
        """Return the queue of ``service`` on ``channel`` (not at a shop), or None."""
        return self._queue_of.get((service, channel))

    def arrive(
        self,
        queue: Queue,
        previous: Contact | None,
        origin: int,
        attempt: int = 1,
        citizen_id: int = -1,
    ) -> None:
        """A contact following ``previous`` (None: a new matter) arrives now at ``queue``."""
        self._arrive(queue, previous, origin, attempt, citizen_id)

    def start(self, contact: Contact, member: Member, now: float) -> None:
        """``member`` starts serving ``contact`` now (public for :class:`Counters`)."""
        self._start(contact, member, now)

    def _on_traced_arrival(self, timer: Timer) -> None:
        queue, handling, patience = timer.payload
        self._arrive(queue, None, NEW, 1, -1, handling, patience)

    def run(self) -> ReplicationLog:
        """Simulate from the start of the warm-up to the horizon and return the event log."""
        started = time.perf_counter()
        env = self.env
        start = env.now
        # Roster changes come first among events at the same minute, so nobody starts a new
        # contact at the moment their shift ends.
        schedule(env, 0.0, self._on_roster, priority=URGENT)
        first_day = math.floor(start / MINUTES_PER_DAY)
        schedule(env, 0.0, self._on_day, first_day)
        self.journeys.start_personas()
        run_until(env, self.horizon_min)
        self.at_horizon = True
        self._finish_at_horizon()
        return ReplicationLog(
            replication=self.replication,
            contacts=self.log.to_numpy(),
            spells=self.spells.to_numpy(),
            horizon_min=self.horizon_min,
            warmup_min=self.warmup_min,
            wall_s=time.perf_counter() - started,
            personas=tuple(self.journeys.persona_citizens),
            proficiency={} if self.training is None else self.training.log.to_numpy(),
        )

    def _on_day(self, timer: Timer) -> None:
        """Generate the day's arrivals and start walking through them."""
        day = timer.payload
        env = self.env
        now = env.now
        times, stream_ids = self.demand.day_arrivals(day)
        keep = times >= now  # the warm-up may start in the middle of a day
        self._day_times = times[keep].tolist()
        self._day_queues = stream_ids[keep].tolist()
        self._day_pos = 0
        if self._day_times:
            self._reschedule_arrival(self._day_times[0] - now)
        if self.counters is not None:
            self.counters.on_day(day)
        schedule(env, (day + 1) * MINUTES_PER_DAY - now, self._on_day, day + 1)

    def _reschedule_arrival(self, delay: float) -> None:
        timer = self._arrival_timer
        timer.callbacks = self._arrival_callbacks  # step() sets it to None: put it back
        env = self.env
        heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), timer))  # type: ignore[misc]

    def _on_arrival(self, timer: Timer) -> None:
        pos = self._day_pos
        kind, queue, service, shop = self._stream_target[self._day_queues[pos]]
        # A new citizen with a new matter: both ids are the id of the first contact.
        if kind == DIRECT:
            self.offer(self.new_contact(queue, None, NEW))  # type: ignore[arg-type]
        elif kind == WALK_IN:
            self.counters.walk_in(queue, None, NEW)  # type: ignore[union-attr,arg-type]
        else:
            self.counters.request_booking(service, shop, None, NEW)  # type: ignore[union-attr]
        pos += 1
        self._day_pos = pos
        if pos < len(self._day_times):
            # _reschedule_arrival, inlined: this runs once per arrival.
            timer.callbacks = self._arrival_callbacks
            env = self.env
            now = env._now
            delay = self._day_times[pos] - now
            heappush(env._queue, (now + delay, NORMAL, next(env._eid), timer))  # type: ignore[misc]

    def _arrive(
        self,
        queue: Queue,
        previous: Contact | None,
        origin: int,
        attempt: int = 1,
        citizen_id: int = -1,
        handling_min: float = NAN,
        patience_min: float = NAN,
    ) -> None:
        """A contact arrives at ``queue``: serve it at once or let it wait."""
        self.offer(
            self.new_contact(
                queue, previous, origin, attempt, citizen_id, handling_min, patience_min
            )
        )

    def new_contact(
        self,
        queue: Queue,
        previous: Contact | None = None,
        origin: int = NEW,
        attempt: int = 1,
        citizen_id: int = -1,
        handling_min: float = NAN,
        patience_min: float = NAN,
    ) -> Contact:
        """Create a contact arriving now at ``queue`` with the next contact id.

        It follows on from ``previous`` (same citizen and journey, ``previous`` as its parent),
        or starts a new journey of ``citizen_id`` (-1: a new citizen, whose id is this contact's).
        """
        contact_id = self._next_contact_id
        self._next_contact_id = contact_id + 1
        now = self.env.now
        if previous is None:
            contact = Contact(
                contact_id,
                contact_id if citizen_id < 0 else citizen_id,
                -1,
                attempt,
                queue,
                now,
                handling_min,
                patience_min,
                -1,
                origin,
            )
            if self.segments is not None:
                contact.segment = self.segments.new_citizen(queue)
        else:
            contact = Contact(
                contact_id,
                previous.citizen_id,
                previous.id,
                attempt,
                queue,
                now,
                handling_min,
                patience_min,
                previous.journey_id,
                origin,
            )
            contact.segment = previous.segment  # the same citizen
            if previous.chasing or origin == CHASE:
                self.journeys.chasing(contact, previous)
        if queue.deferred:
            contact.due_min = due_min(self.scenario.calendar, now, queue.due_working_days)
            if self.journeys.watch_late is not None:
                self.journeys.watch_late(contact)
        return contact

    def offer(self, contact: Contact) -> None:
        """``contact`` is ready to be served at its queue: serve it at once or let it wait."""
        now = self.env.now
        queue = contact.queue
        # With contacts already waiting, no idle member can serve this queue: a member who
        # becomes idle first looks at every queue it may serve. At a shop, a desk must be free.
        member = None
        if not queue.waiting and (queue.shop < 0 or self.shops[queue.shop].desks_free > 0):
            if queue.concurrency > 1:
                member = self._chat_member(queue)
                if member is not None:
                    self._start(contact, member, now)
                    return
            member = self.policy.pick_member(queue, now)
            if (
                member is not None
                and queue.deferred
                and not self._may_take_deferred(member.group, member)
            ):
                member = None  # kept free for calls and visitors
        if member is not None:
            member.idle = False
            self._start(contact, member, now)
            return
        queue.push(contact)
        patience_min = contact.patience_min
        if patience_min == patience_min:  # given (not NaN): a replayed caller's own patience
            schedule(self.env, patience_min, self._cb_abandon, contact)
            return
        patience = self._queue_patience[queue.index]
        if patience is not None:
            wait_min = patience()
            if self.segments is not None:
                wait_min *= self.segments.patience[contact.segment]
            schedule(self.env, wait_min, self._cb_abandon, contact)

    def _may_take_deferred(self, group: Group, member: Member) -> bool:
        """Whether ``member`` may start deferred work: its group keeps ``deferred_reserve``
        other members idle for real-time work first (call blending with a threshold; Bhulai &
        Koole 2003), and has fewer than ``ceil(deferred_max_share x on duty)`` members on
        deferred work already. Without real-time work (a back-office department) there is
        nothing to keep them for."""
        routing = self.scenario.routing
        if not (group.work or group.chat_work):
            return True
        if routing.deferred_reserve > 0:
            others = sum(1 for m in group.members if m.idle and m is not member and not m.leaving)
            if others < routing.deferred_reserve:
                return False
        if routing.deferred_max_share < 1.0:
            on_duty = sum(1 for m in group.members if m.on_duty and not m.leaving)
            deferred = sum(
                1
                for m in group.members
                if m is not member and m.contact is not None and m.contact.queue.deferred
            )
            # A small tolerance so that 0.5 x 4 members allows 2, not 3 by rounding noise.
            if deferred >= math.ceil(routing.deferred_max_share * on_duty - 1e-9):
                return False
        return True

    def _chat_member(self, queue: Queue) -> Member | None:
        """A member already chatting with room for another chat (the least loaded), or None."""
        best: Member | None = None
        cap = queue.concurrency
        for _rank, group in queue.groups:
            for member in group.members:
                chats = len(member.chats)
                if (
                    0 < chats < cap
                    and not member.leaving
                    and (best is None or chats < len(best.chats))
                ):
                    best = member
        return best

    def _next_chat(self, member: Member) -> Queue | None:
        """The chat queue of ``member``'s group with the longest-waiting chat, or None."""
        best: Queue | None = None
        best_arrival = 0.0
        for queue in member.group.chat_work:
            if queue.waiting:
                head = queue.head()
                if head is not None and (best is None or head.arrival_min < best_arrival):
                    best, best_arrival = queue, head.arrival_min
        return best

    def _start(self, contact: Contact, member: Member, now: float) -> None:
        contact.state = IN_SERVICE
        contact.start_min = now
        queue = contact.queue
        index = queue.index
        if queue.concurrency > 1:
            self._start_chat(contact, member, now)
            return
        member.contact = contact
        if queue.shop >= 0:
            self.shops[queue.shop].desks_free -= 1
            member.desk = True
        if member.learning is not None:  # a trainee: its level on this contact's skill
            member.learning.advance(member, index, now)
        duration = contact.handling_min
        if duration != duration:  # NaN: draw it (a replayed contact brings its own, as logged)
            if self._handling_factors[index] is None and self.segments is None:
                # The common case, inlined: this runs once per contact.
                duration = self._handling[index]() / member.speed[index]
            else:
                duration = self._draw_handling(contact, member, index, now)
        contact.end_min = now + duration
        schedule(self.env, duration, self._cb_end, member)

    def _draw_handling(self, contact: Contact, member: Member, index: int, now: float) -> float:
        """A handling time for ``contact`` by ``member`` starting at ``now`` (minutes).

        The queue's draw, divided by the member's speed on it, times the hour-of-week factor
        and the citizen's segment factor where configured.
        """
        duration = self._handling[index]() / member.speed[index]
        factors = self._handling_factors[index]
        if factors is not None:
            duration *= factors[self._hour_of_week(now)]
        if self.segments is not None:
            duration *= self.segments.handling[index][contact.segment]
        return duration

    def _hour_of_week(self, now: float) -> int:
        """The hour of the week (weekday x 24 + hour, Monday 00:00 = 0) of model minute ``now``.

        Integer hours are taken before the modulo, so a time a rounding error before Monday
        00:00 gives hour 167, never 168.
        """
        return int((now + self._week_offset_min) // 60.0) % 168

    def _start_chat(self, contact: Contact, member: Member, now: float) -> None:
        """``member`` takes ``contact`` as one of its chats, then more while it has room."""
        while True:
            index = contact.queue.index
            if member.learning is not None:
                member.learning.advance(member, index, now)
            duration = contact.handling_min
            if duration != duration:  # NaN: draw it; a replayed chat brings its own, as logged
                duration = self._draw_handling(contact, member, index, now)
            contact.end_min = now + duration
            member.chats.append(contact)
            schedule(self.env, duration, self._cb_chat_end, (member, contact))
            if len(member.chats) >= contact.queue.concurrency:
                return
            queue = self._next_chat(member)
            if queue is None:
                return
            contact = queue.pop()
            contact.state = IN_SERVICE
            contact.start_min = now

    def _on_chat_end(self, timer: Timer) -> None:
        member, contact = timer.payload
        member.chats.remove(contact)
        self._log_served(contact, member, 0.0)
        if member.leaving:
            if not member.chats:
                self._go_off_duty(member)
            return
        queue = self._next_chat(member)
        if queue is not None:
            self._start(queue.pop(), member, self.env.now)
        elif not member.chats:
            self._free(member)

    def _on_end(self, timer: Timer) -> None:
        member: Member = timer.payload
        contact = member.contact
        assert contact is not None
        member.contact = None
        wrapup = member.group.wrapup
        wrapup_min = wrapup() if wrapup is not None else 0.0
        self._log_served(contact, member, wrapup_min)
        if wrapup_min > 0.0:
            schedule(self.env, wrapup_min, self._cb_release, member)
        else:
            self._release(member)

    def _log_served(self, contact: Contact, member: Member, wrapup_min: float) -> None:
        outcome, resolved = self.journeys.served(contact, member)
        contact.state = DONE
        end_min = contact.end_min
        self.log.record_contact(
            contact,
            outcome,
            contact.start_min,
            end_min,
            end_min + wrapup_min,
            member.group.spec_index,
            member.id,
            resolved,
        )

    def log_unanswered(self, contact: Contact, end_min: float, outcome: int) -> None:
        """Log a contact that ended without service (abandoned, balked, no-show, unserved...)."""
        contact.state = DONE
        self.log.record_contact(contact, outcome, NAN, end_min, NAN, -1, -1, -1)

    def _on_release(self, timer: Timer) -> None:
        self._release(timer.payload)

    def _release(self, member: Member) -> None:
        """``member`` finished a contact and its wrap-up."""
        if not member.desk:
            if member.leaving:
                self._go_off_duty(member)
            else:
                self._free(member)
            return
        member.desk = False
        group = member.group
        shop = self.shops[group.shop]
        shop.desks_free += 1
        if not member.leaving:
            self._free(member)
        elif not shop.is_open and (queue := pick_counter(group, self.env.now)) is not None:
            # The doors are closed: whoever is inside is still served, staff stay on for them.
            self._start(queue.pop(), member, self.env.now)
        else:
            self._go_off_duty(member)
        if shop.desks_free > 0:
            self.counters.dispatch(shop)  # type: ignore[union-attr]

    def _free(self, member: Member) -> None:
        """``member`` is available: take the next contact, or become idle."""
        now = self.env.now
        group = member.group
        if group.shop >= 0 and self.shops[group.shop].desks_free > 0:
            # The counter comes first; phone and digital work only when no visitor waits.
            counter = pick_counter(group, now)
            if counter is not None:
                self._start(counter.pop(), member, now)
                return
        queue = self.policy.pick_queue(member, now)
        if queue is None and group.deferred and self._may_take_deferred(group, member):
            queue = pick_deferred(member)  # real-time work first, then the earliest due
        if queue is None:
            group.make_idle(member, now)
        else:
            self._start(queue.pop(), member, now)

    def wake(self, group: Group) -> None:
        """Let ``group``'s idle members take work their new skills opened (a training's cohort
        on its start date), longest idle first, as :meth:`_free` would; those who find none
        stay idle with their idle time."""
        now = self.env.now
        if group.shop >= 0:
            self.counters.dispatch(self.shops[group.shop])  # type: ignore[union-attr]
        for token, member in list(group.idle_line):
            if not (member.idle and member.idle_token == token):
                continue
            queue = self.policy.pick_queue(member, now)
            if queue is None and group.deferred and self._may_take_deferred(group, member):
                queue = pick_deferred(member)
            if queue is not None:
                group.take(member)
                self._start(queue.pop(), member, now)

    def _on_abandon(self, timer: Timer) -> None:
        contact: Contact = timer.payload
        if contact.state != WAITING:
            return  # served in time: the timer is simply ignored
        now = self.env.now
        queue = contact.queue
        queue.waiting -= 1
        channel = queue.channel
        redial = self.scenario.channels[channel].redial
        at_open = None
        if contact.attempt < redial.max_attempts and self._redial[channel]():
            at = now + self._redial_delay[channel]()
            # A caller who would call back while the line is closed calls when it opens.
            at_open = next_open_min(self.scenario.channels[channel], self.scenario.calendar, at)
            if at_open is not None:
                schedule(self.env, at_open - now, self._on_redial, contact)
        if at_open is None:
            self.journeys.failed(contact)
        self.log_unanswered(contact, now, ABANDONED)

    def _on_redial(self, timer: Timer) -> None:
        previous: Contact = timer.payload
        self._arrive(previous.queue, previous, REDIAL, previous.attempt + 1)

    # -- staff on and off duty ----------------------------------------------------------------

    def _on_roster(self, timer: Timer) -> None:
        """Bring every group to its rostered headcount; repeat at the next interval boundary."""
        env = self.env
        now = env.now
        calendar = self.scenario.calendar
        interval = calendar.interval_min
        day = math.floor(now / MINUTES_PER_DAY)
        slot = int((now - day * MINUTES_PER_DAY) // interval)
        weekday = calendar.weekday_of_day(day)
        date = calendar.date_of_day(day)
        holiday = calendar.is_holiday(day)
        available = self._available
        specs = self.scenario.staff_groups
        training = self.training
        for index, (group, (grid, by_date, works_holidays)) in enumerate(
            zip(self.groups, self._rosters, strict=True)
        ):
            if holiday and not works_holidays:
                target = 0
            else:
                target = roster_row(grid, by_date, date, weekday)[slot]
            if training is not None:
                # Members in class (or teaching) are off the floor before leave and breaks.
                target -= training.release(group, day, slot, now)
            share = available[index] * specs[group.spec_index].on_queue_share(date, weekday, slot)
            if share < 1.0 and target:
                # Error diffusion: members on leave, off the queue (breaks), or off the task
                # work for other work, so that over the intervals the hours are exactly the
                # present share of the roster.
                carry = self._available_carry[index] + target * share
                target = int(carry + 1e-9)
                self._available_carry[index] = carry - target
            self._set_headcount(group, target, now)
            if training is not None:
                training.seat(group, now)
        next_boundary = day * MINUTES_PER_DAY + (slot + 1) * interval
        schedule(env, next_boundary - now, self._on_roster, priority=URGENT)

    def _set_headcount(self, group: Group, target: int, now: float) -> None:
        change = target - group.active
        if change > 0:
            # Members about to leave after their contact stay on before anyone is called in.
            for member in group.members:
                if change == 0:
                    break
                if member.on_duty and member.leaving:
                    member.leaving = False
                    member.scheduled_off_min = NAN
                    group.active += 1
                    change -= 1
            while change > 0 and group.off_duty:
                member = group.off_duty.pop()
                member.on_duty = True
                member.spell_start_min = now
                member.scheduled_off_min = NAN
                group.active += 1
                change -= 1
                self._free(member)
        elif change < 0:
            # Last on, first off, so spells follow the rostered shifts where they can; idle
            # members go at once, busy ones after the contact in hand.
            on_duty = sorted(
                (m for m in group.members if m.on_duty and not m.leaving),
                key=lambda m: (not m.idle, -m.spell_start_min),
            )
            for member in on_duty[:-change]:
                member.scheduled_off_min = now
                group.active -= 1
                if member.idle:
                    member.idle = False
                    self._go_off_duty(member)
                else:
                    member.leaving = True

    def _go_off_duty(self, member: Member) -> None:
        now = self.env.now
        scheduled = member.scheduled_off_min
        group = member.group
        self.spells.record(
            member.id,
            group.spec_index,
            group.shop,
            member.spell_start_min,
            now,
            now if math.isnan(scheduled) else scheduled,
        )
        member.on_duty = False
        member.leaving = False
        member.idle = False
        group.off_duty.append(member)
        if self.training is not None:
            self.training.went_off_duty(member, now)  # into class, if a seat waits for it
        if group.shop >= 0 and not self.shops[group.shop].is_open:
            self.counters.sweep(self.shops[group.shop])  # type: ignore[union-attr]

    # -- horizon ------------------------------------------------------------------------------

    def _finish_at_horizon(self) -> None:
        """Log what is still open when the horizon is reached."""
        horizon = self.horizon_min
        if self.counters is not None:
            self.counters.finish_at_horizon(horizon)
        self.journeys.finish_at_horizon(horizon)
        if self.training is not None:
            self.training.finish_at_horizon(horizon)
        for queue in self.queues:
            for contact in queue.waiting_contacts():
                self.log_unanswered(contact, horizon, UNSERVED)
        for group in self.groups:
            for member in group.members:
                in_hand = member.contact
                if in_hand is not None and in_hand.state == IN_SERVICE:
                    wrapup = group.wrapup() if group.wrapup is not None else 0.0
                    self._log_served(in_hand, member, wrapup)
                for chat in member.chats:
                    self._log_served(chat, member, 0.0)
                if member.on_duty:
                    scheduled = member.scheduled_off_min
                    self.spells.record(
                        member.id,
                        group.spec_index,
                        group.shop,
                        member.spell_start_min,
                        horizon,
                        horizon if math.isnan(scheduled) else scheduled,
                    )


def simulate(scenario: Scenario, replication: int = 0) -> ReplicationLog:
    """Run one replication of ``scenario`` and return its event log.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    replication : int, optional
        Replication number (selects independent random streams), default 0.

    Returns
    -------
    ReplicationLog
        The contact and staff-spell logs of the replication.
    """
    return Simulation(scenario, replication).run()


__all__ = ["ReplicationLog", "Simulation", "simulate"]
