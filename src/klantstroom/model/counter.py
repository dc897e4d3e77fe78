"""Visitors at the city shops: walking in, balking, booking, arriving, not showing up.

:class:`Counters` builds the shops of a scenario (their queues and appointment books) and plays
the visitors' side of every counter contact; serving them is the simulation's ordinary dispatch
with desks (see :mod:`klantstroom.model.shops`).

* **Walk-in.** A visitor who enters an open shop takes a ticket. If the walk-in queue is at least
  ``balk_queue_length`` long, or the expected wait (waiting walk-ins x mean desk time / desks
  staffed) is over ``balk_expected_wait_min``, the visitor balks with ``balk_probability``: the
  contact ends ``balked``, and the citizen returns to the same shop on its next open day (at the
  same time of day, or at opening) with ``balk_return_probability``, or phones instead with
  ``balk_switch_probability`` (when the service has phone demand and as soon as the line is
  open). The new contact names the balked one as its parent.
* **Appointments.** A booking request gets a slot at least ``booking_lead_min`` ahead and
  within ``booking_horizon_days``, as the citizen's ``slot_choice`` says (the earliest at the
  own shop, on a preferred weekday or part of the day, or at any shop), and an urgent request
  (spoed) one within ``urgent_max_access_working_days``, kept slots included: which slot is
  :mod:`klantstroom.model.slot_choice`; the books are :mod:`klantstroom.model.appointments`.
  The contact is booked at and logged with the shop of its slot.
* **No slot.** The contact ends ``no_slot`` at the request, and the citizen asks again later,
  walks in, or gives up (``no_slot_*``).
* **Booked visits.** With ``no_show_probability`` nobody comes (the contact ends ``no_show``
  at the slot time and the desk serves walk-ins); otherwise the visitor arrives at slot +
  punctuality (negative = early) and is called from the slot time on, ahead of walk-ins. A
  visitor later than ``late_tolerance_min`` joins the walk-in queue (``late_policy: walk_in``)
  or books again (``rebook``; the contact ends ``rebooked``).
* **Follow-up visits.** A served counter contact of a service with a follow-up leads, with its
  probability, to a visit for the follow-up service at the same shop after the given number of
  working days: a walk-in at a uniformly random open time of that day, or a booking request at
  the same time of day (always a booking at a shop without walk-in).
* **Doors.** Arrivals while the shop is closed (late visitors after closing) are turned away
  (``unserved``); visitors still waiting when the last member able to serve them leaves a closed
  shop are turned away too.

Access time is recorded in working days from the request to the slot (see
:func:`klantstroom.model.calendar.working_days_between`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from klantstroom.model.appointments import AppointmentBook
from klantstroom.model.calendar import (
    add_working_days,
    next_open_min,
    open_periods,
    random_open_min,
    working_days_between,
)
from klantstroom.model.demand import shop_shares
from klantstroom.model.distributions import Bernoulli, Sampler, make_sampler
from klantstroom.model.events import URGENT, schedule, schedule_ahead
from klantstroom.model.queues import Contact, Queue
from klantstroom.model.shops import Shop, pick_counter
from klantstroom.model.slot_choice import SlotChoice
from klantstroom.scenario.spec import (
    BALKED,
    FOLLOW_UP,
    GIVEN_UP,
    MINUTES_PER_DAY,
    NO_SHOW,
    NO_SLOT,
    REBOOK,
    REBOOKED,
    RETRY,
    RETURN,
    SWITCH,
    UNSERVED,
    Scenario,
    staff_at_shop,
)

if TYPE_CHECKING:
    from klantstroom.model.simulation import Simulation


class Counters:
    """The shops of one replication and the behaviour of their visitors.

    Parameters
    ----------
    sim : Simulation
        The simulation the shops belong to; its queues are extended with the shops' queues.
    """

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        scenario = sim.scenario
        self.spec = scenario.counter
        self.calendar = scenario.calendar
        streams = sim.streams
        channel_index = {c.name: i for i, c in enumerate(scenario.channels)}
        self.counter_channel = channel_index["counter"]
        self.phone_channel = channel_index.get("phone", -1)
        service_index = {s.name: i for i, s in enumerate(scenario.services)}
        priority = dict(scenario.routing.channel_priority).get("counter", 0.0)
        self.shops: list[Shop] = []
        for k, spec in enumerate(scenario.shops):
            shop = Shop(k, spec)
            for name in spec.services:
                s_index = service_index[name]
                service = scenario.services[s_index]
                for appointment in (False, True):
                    if appointment and not spec.appointments:
                        continue
                    queue = Queue(
                        len(sim.queues),
                        s_index,
                        self.counter_channel,
                        k,
                        priority + service.priority,
                        appointment,
                    )
                    label = "appointment" if appointment else "walk_in"
                    sim.network.add_queue(
                        queue,
                        service.handling_for("counter"),
                        f"handling/{name}/counter/{spec.name}/{label}",
                    )
                    shop.queues[(s_index, appointment)] = queue
            if spec.appointments:
                shop.book = AppointmentBook(
                    self._reserved_desks(k),
                    self.calendar.interval_min,
                    self.spec.urgent_reserved_share,
                )
            self.shops.append(shop)
        self._mean_handling(scenario)
        self._service_index = service_index
        self._slot_min = [s.counter.slot_min for s in scenario.services]
        self._punctuality = make_sampler(self.spec.punctuality, streams.get("counter/punctuality"))
        self._no_show = Bernoulli(self.spec.no_show_probability, streams.get("counter/no_show"))
        self._balk = Bernoulli(self.spec.balk_probability, streams.get("counter/balk"))
        choice_rng = streams.get("counter/balk_choice")
        self._balk_choice = Sampler(choice_rng.random, 0.5)
        self._follow_up = [
            None
            if s.counter.follow_up is None
            else Bernoulli(s.counter.follow_up.probability, streams.get(f"follow_up/{s.name}"))
            for s in scenario.services
        ]
        self._follow_up_rng = streams.get("counter/follow_up_time")
        no_slot_rng = streams.get("counter/no_slot")
        self._no_slot_choice = Sampler(no_slot_rng.random, 0.5)
        self._no_slot_time = Sampler(streams.get("counter/no_slot_time").random, 0.5)
        # Which slot a request gets: the citizen's slot choice, urgent requests.
        self.slots = SlotChoice(scenario, self.shops, streams)
        # Booked visits that have not reached their queue yet (for the horizon).
        self.pending: dict[int, Contact] = {}
        self._cb_open = self._on_open
        self._cb_close = self._on_close

    def _reserved_desks(self, k: int) -> Callable[[int], tuple[int, ...]]:
        """Day -> bookable desks per interval: the desks reserved for appointments, but never
        more than the staff rostered at the shop that date (a date's own roster rows, leave)."""
        scenario = self.sim.scenario
        spec = scenario.shops[k]
        calendar = self.calendar

        def reserved(day: int) -> tuple[int, ...]:
            if not open_periods(spec, calendar, day):
                return ()
            weekday = calendar.weekday_of_day(day)
            desks = spec.appointment_desks[weekday]
            staff = staff_at_shop(
                scenario.staff_groups, spec.name, weekday, len(desks), calendar.date_of_day(day)
            )
            return tuple(min(d, n) for d, n in zip(desks, staff, strict=True))

        return reserved

    def _mean_handling(self, scenario: Scenario) -> None:
        """Demand-weighted mean desk time per shop (for the expected wait on entering)."""
        totals = np.zeros(len(self.shops))
        weights = np.zeros(len(self.shops))
        for service in scenario.services:
            if service.share("counter") <= 0:
                continue
            volume = service.volume_per_year or service.rate_per_hour or 0.0
            mean = service.handling_for("counter").mean_min
            for k, walk_in, booking in shop_shares(scenario, service):
                weight = volume * (walk_in + booking)
                totals[k] += weight * mean
                weights[k] += weight
        for k, shop in enumerate(self.shops):
            shop.mean_handling_min = float(totals[k] / weights[k]) if weights[k] > 0 else 0.0

    # -- doors --------------------------------------------------------------------------------

    def on_day(self, day: int) -> None:
        """Schedule the openings and closings of every shop on day ``day``."""
        env = self.sim.env
        now = env.now
        base = day * MINUTES_PER_DAY
        for shop in self.shops:
            for period in open_periods(shop.spec, self.calendar, day):
                start, end = base + period.start_min, base + period.end_min
                if end <= now:
                    continue
                # Opening comes first among events at the same minute, so a visitor arriving
                # at opening time finds the doors open.
                schedule(env, max(start - now, 0.0), self._cb_open, shop, priority=URGENT)
                schedule(env, end - now, self._cb_close, shop)

    def _on_open(self, shop: Shop) -> None:
        shop.is_open = True

    def _on_close(self, shop: Shop) -> None:
        shop.is_open = False
        self.sweep(shop)

    def sweep(self, shop: Shop) -> None:
        """Turn away the visitors of a closed shop whom nobody left on duty there can serve."""
        now = self.sim.env.now
        for queue in shop.queues.values():
            if not queue.waiting:
                continue
            able = any(
                member.on_duty
                for _, group in queue.groups
                if group.shop == shop.index
                for member in group.members
            )
            if able:
                continue
            for contact in queue.waiting_contacts():
                contact.journey_end = GIVEN_UP
                self.sim.log_unanswered(contact, now, UNSERVED)
            queue.contacts.clear()
            queue.waiting = 0

    def dispatch(self, shop: Shop) -> None:
        """A desk came free: let idle members at the shop call waiting visitors."""
        now = self.sim.env.now
        for group in shop.deployments:
            while shop.desks_free > 0:
                member = group.longest_idle()
                if member is None:
                    break
                queue = pick_counter(group, now)
                if queue is None:
                    break
                member.idle = False
                self.sim.start(queue.pop(), member, now)
            if shop.desks_free == 0:
                return

    # -- walk-in ------------------------------------------------------------------------------

    def walk_in(
        self,
        queue: Queue,
        previous: Contact | None,
        origin: int,
        attempt: int = 1,
        citizen_id: int = -1,
    ) -> None:
        """A visitor enters the shop of ``queue`` without an appointment.

        The visit follows on from ``previous`` (None: a new matter of ``citizen_id``, or of a
        new citizen); ``origin`` says why it happens (an ORIGINS code).
        """
        sim = self.sim
        shop = self.shops[queue.shop]
        contact = sim.new_contact(queue, previous, origin, attempt, citizen_id)
        if not shop.is_open:
            contact.journey_end = GIVEN_UP
            sim.log_unanswered(contact, sim.env.now, UNSERVED)
            return
        if self._balks(shop):
            if not self._after_balk(contact):
                contact.journey_end = GIVEN_UP
            sim.log_unanswered(contact, sim.env.now, BALKED)
            return
        sim.offer(contact)

    def _balks(self, shop: Shop) -> bool:
        spec = self.spec
        if spec.balk_queue_length is None and spec.balk_expected_wait_min is None:
            return False
        waiting = shop.walk_ins_waiting()
        over = spec.balk_queue_length is not None and waiting >= spec.balk_queue_length
        if not over and spec.balk_expected_wait_min is not None and waiting > 0:
            servers = min(shop.spec.desks, shop.staff_present())
            expected = math.inf if servers == 0 else waiting * shop.mean_handling_min / servers
            over = expected > spec.balk_expected_wait_min
        return over and self._balk()

    def _after_balk(self, contact: Contact) -> bool:
        """Decide whether a balked visitor comes back or phones; return whether they will."""
        spec = self.spec
        now = self.sim.env.now
        draw = self._balk_choice()
        queue = contact.queue
        if draw < spec.balk_return_probability:
            shop = self.shops[queue.shop]
            at = next_open_min(shop.spec, self.calendar, now + MINUTES_PER_DAY)
            if at is not None:
                schedule(self.sim.env, at - now, self._on_return, contact)
                return True
        elif draw < spec.balk_return_probability + spec.balk_switch_probability:
            phone = self.sim.queue_of(queue.service, self.phone_channel)
            if phone is None:
                return False
            channel = self.sim.scenario.channels[self.phone_channel]
            at = next_open_min(channel, self.calendar, now)
            if at is not None:
                schedule(self.sim.env, at - now, self._on_switch, (phone, contact))
                return True
        return False

    def _on_return(self, previous: Contact) -> None:
        self.walk_in(previous.queue, previous, RETURN, previous.attempt + 1)

    def _on_switch(self, payload: tuple[Queue, Contact]) -> None:
        phone, previous = payload
        self.sim.arrive(phone, previous, SWITCH, previous.attempt + 1)

    # -- appointments -------------------------------------------------------------------------

    def request_booking(
        self,
        service: int,
        shop_index: int,
        previous: Contact | None,
        origin: int,
        attempt: int = 1,
        citizen_id: int = -1,
    ) -> None:
        """A citizen asks for an appointment for ``service``, preferring shop ``shop_index``.

        ``previous``, ``origin``, ``attempt`` and ``citizen_id`` are as for :meth:`walk_in`.
        """
        sim = self.sim
        spec = self.spec
        now = sim.env.now
        # Overbooking books shorter slots in the book than the visit is given: the book holds
        # 1 / (1 - share) times as many bookings as slots, against the expected no-shows.
        length = self._slot_min[service] * (1.0 - spec.overbooking_share)
        start = now + spec.booking_lead_min
        until = now + spec.booking_horizon_days * MINUTES_PER_DAY
        best_shop, best, urgent = self.slots.find(
            service, shop_index, previous, origin, length, start, until, now
        )
        shop = self.shops[best_shop]
        contact = sim.new_contact(
            shop.queues[(service, True)], previous, origin, attempt, citizen_id
        )
        contact.appointment = True
        contact.urgent = urgent
        if best is None:
            if not self._after_no_slot(contact, service, shop_index):
                contact.journey_end = GIVEN_UP
            sim.log_unanswered(contact, now, NO_SLOT)  # no slot within the booking horizon
            return
        assert shop.book is not None
        shop.book.book(best, length)
        slot_min = best.start_min
        contact.slot_min = slot_min
        contact.access_days = float(
            working_days_between(
                self.calendar, int(now // MINUTES_PER_DAY), int(slot_min // MINUTES_PER_DAY)
            )
        )
        self.pending[contact.id] = contact
        env = sim.env
        if self._no_show():
            contact.arrival_min = slot_min
            schedule_ahead(env, slot_min - now, self._on_no_show, contact)
            return
        punctuality = self._punctuality()
        arrival = max(slot_min + punctuality, now)
        contact.punctuality_min = arrival - slot_min
        contact.arrival_min = arrival
        schedule_ahead(env, arrival - now, self._on_visit, contact)

    def _after_no_slot(self, contact: Contact, service: int, shop_index: int) -> bool:
        """A booking request found no free slot: decide whether the citizen asks again later or
        walks in instead; return whether they will (else the matter is lost)."""
        spec = self.spec
        sim = self.sim
        if sim.at_horizon:
            return False
        draw = self._no_slot_choice()
        now = sim.env.now
        if draw < spec.no_slot_retry_probability:
            if contact.attempt > spec.no_slot_max_retries:
                return False
            channel = sim.scenario.channels[self.counter_channel]  # the booking hours
            later = now + spec.no_slot_retry_after_days * MINUTES_PER_DAY
            at = next_open_min(channel, self.calendar, later)
            if at is None:
                return False
            schedule(sim.env, at - now, self._on_retry_booking, (service, shop_index, contact))
            return True
        if draw < spec.no_slot_retry_probability + spec.no_slot_walk_in_probability:
            queue = self.shops[shop_index].queues.get((service, False))
            if queue is None or not self.shops[shop_index].spec.walk_in:
                return False  # the shop takes no walk-ins: the matter is lost
            day = int(now // MINUTES_PER_DAY) + 1
            at_walk_in = random_open_min(
                self.shops[shop_index].spec, self.calendar, day, float(self._no_slot_time())
            )
            if at_walk_in is None:
                return False
            schedule(sim.env, at_walk_in - now, self._on_no_slot_walk_in, (queue, contact))
            return True
        return False

    def _on_retry_booking(self, payload: tuple[int, int, Contact]) -> None:
        service, shop_index, previous = payload
        self.request_booking(service, shop_index, previous, RETRY, previous.attempt + 1)

    def _on_no_slot_walk_in(self, payload: tuple[Queue, Contact]) -> None:
        queue, previous = payload
        self.walk_in(queue, previous, RETRY, previous.attempt + 1)

    def _on_no_show(self, contact: Contact) -> None:
        del self.pending[contact.id]
        contact.journey_end = GIVEN_UP
        self.sim.log_unanswered(contact, self.sim.env.now, NO_SHOW)

    def _on_visit(self, contact: Contact) -> None:
        sim = self.sim
        now = sim.env.now
        if now < contact.slot_min:  # early: called from the slot time on
            schedule(sim.env, contact.slot_min - now, self._on_slot, contact)
            return
        del self.pending[contact.id]
        shop = self.shops[contact.queue.shop]
        if not shop.is_open:
            contact.journey_end = GIVEN_UP
            sim.log_unanswered(contact, now, UNSERVED)  # came after closing: turned away
            return
        if contact.punctuality_min > self.spec.late_tolerance_min:
            service = contact.queue.service
            if self.spec.late_policy == "walk_in":
                contact.queue = shop.queues[(service, False)]
                sim.offer(contact)
            else:
                sim.log_unanswered(contact, now, REBOOKED)
                self.request_booking(service, shop.index, contact, REBOOK, contact.attempt + 1)
            return
        sim.offer(contact)

    def _on_slot(self, contact: Contact) -> None:
        del self.pending[contact.id]
        self.sim.offer(contact)

    # -- follow-up visits ---------------------------------------------------------------------

    def after_served(self, contact: Contact) -> bool:
        """A counter contact was served: schedule its follow-up visit, if the service has one.

        Returns whether a follow-up visit follows (then the journey goes on).
        """
        service = contact.queue.service
        draw = self._follow_up[service]
        if draw is None or not draw():
            return False
        follow = self.sim.scenario.services[service].counter.follow_up
        assert follow is not None
        target = self._service_index[follow.service]
        shop = self.shops[contact.queue.shop]
        now = self.sim.env.now
        today = int(now // MINUTES_PER_DAY)
        day = add_working_days(self.calendar, today, follow.after_working_days)
        payload = (target, shop, contact)
        # A shop without walk-in (appointments only) gives the follow-up an appointment too.
        if follow.mode == "appointment" or not shop.spec.walk_in:
            at = day * MINUTES_PER_DAY + (now - today * MINUTES_PER_DAY)
            schedule_ahead(self.sim.env, at - now, self._on_follow_up_booking, payload)
            return True
        at_walk_in = random_open_min(
            shop.spec, self.calendar, day, float(self._follow_up_rng.random())
        )
        if at_walk_in is None:
            return False
        schedule_ahead(self.sim.env, at_walk_in - now, self._on_follow_up_walk_in, payload)
        return True

    def _on_follow_up_walk_in(self, payload: tuple[int, Shop, Contact]) -> None:
        target, shop, previous = payload
        queue = shop.queues[(target, False)]
        self.walk_in(queue, previous, FOLLOW_UP)

    def _on_follow_up_booking(self, payload: tuple[int, Shop, Contact]) -> None:
        target, shop, previous = payload
        self.request_booking(target, shop.index, previous, FOLLOW_UP)

    # -- horizon ------------------------------------------------------------------------------

    def finish_at_horizon(self, horizon_min: float) -> None:
        """Log booked visits that have not come yet as ``unserved`` at the horizon."""
        for contact in self.pending.values():
            self.sim.log_unanswered(contact, horizon_min, UNSERVED)
        self.pending.clear()
