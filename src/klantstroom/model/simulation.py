"""One replication of a scenario: demand, queues, staff and dispatcher in one SimPy environment.

The flow of a contact:

1. it arrives (a generated arrival, or a redial) at the queue of its service and channel;
2. the routing policy looks for an idle member with the skill; if there is one, service starts,
   otherwise the contact waits, and a patience timer is set when the channel has patience;
3. at the end of service the contact is logged (first-contact resolution drawn per service), the
   member does wrap-up work, then either leaves (if their shift has ended) or asks the policy for
   the next contact;
4. a contact whose patience runs out first is logged as abandoned and may redial later.

What the replication runs on (the queues with their samplers, the staff groups with their
skills) is built by :class:`~klantstroom.model.network.Network`; who is on duty when, by
:class:`~klantstroom.model.duty.Duty`; which member takes which contact, by the routing rules of
:mod:`klantstroom.model.policies`. This module is the flow itself.

Counter visits at city shops (walk-ins, appointments, desks, doors) are handled by
:class:`~klantstroom.model.counter.Counters`, which uses the same queues, staff and dispatcher.
What follows a contact (resolution, hand-off to a back-office department, callbacks, channel
switches, personas) is decided by :class:`~klantstroom.model.journeys.Journeys`. Patience
timers and redials are :class:`~klantstroom.model.patience.Patience`'s, arrivals at given times
(a replayed log) :class:`~klantstroom.model.traces.TracedArrivals`', and the replication's output
is a :class:`~klantstroom.model.replication_log.ReplicationLog`.

Work comes in three kinds. Real-time work (phone, counter, chat) is taken first; a member who
finds none takes deferred work (digital requests, back-office tasks, callbacks), earliest due
first. A chat agent holds up to ``concurrency`` chats at once and takes other work only when the
last one ends.

Every event is a light timer in SimPy's event queue (:func:`~klantstroom.model.events.schedule`:
a heap entry that calls a callback with a payload) rather than a process per contact; patience
timers are never cancelled, they just find their contact served and do nothing. At the horizon,
contacts still waiting are logged as ``unserved`` and contacts in service are logged with their
(already known) end time.

Time is minutes since 00:00 of the first reported day; the warm-up runs before 0.
"""

from __future__ import annotations

import gc
import math
import time
from typing import Final

import simpy
from numpy.typing import ArrayLike

from klantstroom.model.calendar import due_min
from klantstroom.model.counter import Counters
from klantstroom.model.demand import DIRECT, WALK_IN, Demand
from klantstroom.model.duty import Duty
from klantstroom.model.eventlog import ContactLog, SpellLog
from klantstroom.model.events import NORMAL, heappush, run_until, schedule
from klantstroom.model.journeys import Journeys
from klantstroom.model.network import Network
from klantstroom.model.patience import Patience
from klantstroom.model.policies import (
    POLICIES,
    chat_member,
    may_take_deferred,
    next_chat,
    pick_deferred,
)
from klantstroom.model.queues import DONE, IN_SERVICE, Contact, Queue
from klantstroom.model.replication_log import ReplicationLog
from klantstroom.model.segments import Segments
from klantstroom.model.shops import pick_counter
from klantstroom.model.staff import Group, Member
from klantstroom.model.streams import Streams
from klantstroom.model.traces import TracedArrivals
from klantstroom.model.training import Training
from klantstroom.scenario.spec import (
    CHASE,
    MINUTES_PER_DAY,
    NEW,
    UNSERVED,
    Scenario,
)

NAN: Final = float("nan")


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
        network = Network(scenario, self.streams)
        self.network = network
        # The network's lists, read once or more per contact: looked up here, not through it.
        # Shops and departments append their queues to the same lists while they are built.
        self.queues = network.queues
        self.fcr_default = network.fcr_default
        self._handling = network.handling
        self._handling_factors = network.handling_factors
        # Minutes from Monday 00:00 to minute 0, so that the hour of the week is a modulo of the
        # model time, with no date built per contact.
        self._week_offset_min = scenario.calendar.start_date.weekday() * MINUTES_PER_DAY
        self.counters = Counters(self) if scenario.shops else None
        self.shops = self.counters.shops if self.counters is not None else []
        self.journeys = Journeys(self)
        # Built once every queue exists; None without segments (nothing is drawn or multiplied).
        self.segments = Segments(scenario, self.streams, self.queues) if scenario.segments else None
        rosters, available = network.build_groups(self.shops, self.journeys)
        self.groups = network.groups
        self.duty = Duty(self, rosters, available)
        self.training = Training.of(self, rosters)
        self.demand = Demand(scenario, self.streams)
        self.patience = Patience(self)
        self.traces = TracedArrivals(self)
        # Per arrival stream: (kind, queue, service, shop) of what an arrival starts.
        self._stream_target: list[tuple[int, Queue | None, int, int]] = []
        for stream in self.demand.streams:
            queue: Queue | None = None
            if stream.kind == DIRECT:
                queue = network.queue_of(stream.service, stream.channel)
                assert queue is not None, "demand on a channel has its queue there"
            elif stream.kind == WALK_IN:
                queue = self.shops[stream.shop].queues[(stream.service, False)]
            self._stream_target.append((stream.kind, queue, stream.service, stream.shop))
        # Arrivals of the current day, walked through one timer at a time (each arrival
        # schedules the next).
        self._day_times: list[float] = []
        self._day_queues: list[int] = []
        self._day_pos = 0
        # Bound methods looked up once; they are called once or more per contact.
        self._cb_arrival = self._on_arrival
        self._cb_end = self._on_end
        self._cb_release = self._release
        self._cb_chat_end = self._on_chat_end

    # -- construction -------------------------------------------------------------------------

    def reserve_id(self) -> int:
        """Return a fresh id that no contact will get (a persona's citizen id)."""
        self._next_contact_id += 1
        return self._next_contact_id - 1

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
        queue = self.network.queue_of(s_index, c_index)
        if queue is None:
            raise ValueError(f"service {service!r} has no demand on channel {channel!r}")
        self.traces.add(queue, times_min, handling_min, patience_min)

    def queue_of(self, service: int, channel: int) -> Queue | None:
        """Return the queue of ``service`` on ``channel`` (not at a shop), or None."""
        return self.network.queue_of(service, channel)

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

    def run(self) -> ReplicationLog:
        """Simulate from the start of the warm-up to the horizon and return the event log."""
        started = time.perf_counter()
        env = self.env
        start = env.now
        self.duty.start()
        first_day = math.floor(start / MINUTES_PER_DAY)
        schedule(env, 0.0, self._on_day, first_day)
        self.journeys.start_personas()
        # The loop allocates a tuple per event and an object per contact, and the live ones
        # (waiting work, rosters) run to hundreds of thousands: CPython's cyclic garbage
        # collector would scan them again and again for cycles the model hardly makes (about
        # 20,000 objects in 120 days of Grootstad, collected once it runs again). Paused, a
        # compiled model (klantstroom-compile) simulates a tenth faster; the interpreted one
        # about the same.
        collecting = gc.isenabled()
        gc.disable()
        try:
            run_until(env, self.horizon_min)
        finally:
            if collecting:
                gc.enable()
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

    def _on_day(self, day: int) -> None:
        """Generate the day's arrivals and start walking through them."""
        env = self.env
        now = env.now
        self.log.new_chunk()  # the log is made into columns a day at a time (eventlog)
        times, stream_ids = self.demand.day_arrivals(day)
        keep = times >= now  # the warm-up may start in the middle of a day
        self._day_times = times[keep].tolist()
        self._day_queues = stream_ids[keep].tolist()
        self._day_pos = 0
        if self._day_times:
            schedule(env, self._day_times[0] - now, self._cb_arrival)
        if self.counters is not None:
            self.counters.on_day(day)
        schedule(env, (day + 1) * MINUTES_PER_DAY - now, self._on_day, day + 1)

    def _on_arrival(self, _: object) -> None:
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
            # schedule(), inlined: this runs once per arrival.
            env = self.env
            now = env._now
            delay = self._day_times[pos] - now
            heappush(env._queue, (now + delay, NORMAL, next(env._eid), self._cb_arrival, None))  # type: ignore[misc]

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
        now = self.env._now
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
        now = self.env._now
        queue = contact.queue
        # With contacts already waiting, no idle member can serve this queue: a member who
        # becomes idle first looks at every queue it may serve. At a shop, a desk must be free.
        member = None
        if not queue.waiting and (queue.shop < 0 or self.shops[queue.shop].desks_free > 0):
            if queue.concurrency > 1:
                member = chat_member(queue)
                if member is not None:
                    self._start(contact, member, now)
                    return
            member = self.policy.pick_member(queue, now)
            if (
                member is not None
                and queue.deferred
                and not may_take_deferred(self.scenario.routing, member.group, member)
            ):
                member = None  # kept free for calls and visitors
        if member is not None:
            member.idle = False
            self._start(contact, member, now)
            return
        queue.push(contact)
        self.patience.start(contact)

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
            queue = next_chat(member)
            if queue is None:
                return
            contact = queue.pop()
            contact.state = IN_SERVICE
            contact.start_min = now

    def _on_chat_end(self, payload: tuple[Member, Contact]) -> None:
        member, contact = payload
        member.chats.remove(contact)
        self._log_served(contact, member, 0.0)
        if member.leaving:
            if not member.chats:
                self.duty.go_off_duty(member)
            return
        queue = next_chat(member)
        if queue is not None:
            self._start(queue.pop(), member, self.env.now)
        elif not member.chats:
            self.free(member)

    def _on_end(self, member: Member) -> None:
        contact = member.contact
        assert contact is not None
        member.contact = None
        wrapup = member.group.wrapup
        wrapup_min = wrapup() if wrapup is not None else 0.0
        self._log_served(contact, member, wrapup_min)
        if wrapup_min > 0.0:
            schedule(self.env, wrapup_min, self._cb_release, member)
        elif member.desk or member.leaving:
            self._release(member)
        else:
            self.free(member)  # _release's common case, inlined: this runs once per contact

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

    def _release(self, member: Member) -> None:
        """``member`` finished a contact and its wrap-up."""
        if not member.desk:
            if member.leaving:
                self.duty.go_off_duty(member)
            else:
                self.free(member)
            return
        member.desk = False
        group = member.group
        shop = self.shops[group.shop]
        shop.desks_free += 1
        if not member.leaving:
            self.free(member)
        elif not shop.is_open and (queue := pick_counter(group, self.env.now)) is not None:
            # The doors are closed: whoever is inside is still served, staff stay on for them.
            self._start(queue.pop(), member, self.env.now)
        else:
            self.duty.go_off_duty(member)
        if shop.desks_free > 0:
            self.counters.dispatch(shop)  # type: ignore[union-attr]

    def free(self, member: Member) -> None:
        """``member`` is available: take the next contact, or become idle."""
        now = self.env._now
        group = member.group
        if group.shop >= 0 and self.shops[group.shop].desks_free > 0:
            # The counter comes first; phone and digital work only when no visitor waits.
            counter = pick_counter(group, now)
            if counter is not None:
                self._start(counter.pop(), member, now)
                return
        queue = self.policy.pick_queue(member, now)
        if (
            queue is None
            and group.deferred
            and may_take_deferred(self.scenario.routing, group, member)
        ):
            queue = pick_deferred(member)  # real-time work first, then the earliest due
        if queue is None:
            group.make_idle(member, now)
        else:
            self._start(queue.pop(), member, now)

    def wake(self, group: Group) -> None:
        """Let ``group``'s idle members take work their new skills opened (a training's cohort
        on its start date), longest idle first, as :meth:`free` would; those who find none
        stay idle with their idle time."""
        now = self.env.now
        if group.shop >= 0:
            self.counters.dispatch(self.shops[group.shop])  # type: ignore[union-attr]
        for token, member in list(group.idle_line):
            if not (member.idle and member.idle_token == token):
                continue
            queue = self.policy.pick_queue(member, now)
            if (
                queue is None
                and group.deferred
                and may_take_deferred(self.scenario.routing, group, member)
            ):
                queue = pick_deferred(member)
            if queue is not None:
                group.take(member)
                self._start(queue.pop(), member, now)

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
        self.duty.close_spells(horizon)


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
