"""The run-time network: the scenario's queues and staff groups, before anything happens.

What a replication runs on, built once from the scenario and kept apart from the behaviour
(:mod:`klantstroom.model.simulation`):

* a :class:`~klantstroom.model.queues.Queue` per service and channel (a
  :class:`~klantstroom.model.queues.DeferredQueue` for digital requests, with its due time in
  working days), each with the samplers it draws from on its own random stream: handling time
  (with the service's multipliers per hour of the week), patience (the service's own or the
  channel's) and, per channel, whether and when a caller who hung up calls again; a shop's
  counter queues, a department's tasks and callbacks are added by their builders
  (:meth:`Network.add_queue`);
* a run-time :class:`~klantstroom.model.staff.Group` per configured group and place it works
  (its home, the shops it is deployed to, and with training one per cohort), with the queues its
  skills cover (ranked), its speed and resolution per queue, and its back-office work.

Queues and groups point at each other: a queue lists the groups that serve it by rank, so the
routing policy finds a member for a contact, and a free member finds the next contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klantstroom.model.distributions import Bernoulli, Sampler, make_sampler
from klantstroom.model.duty import Roster
from klantstroom.model.queues import DeferredQueue, Queue
from klantstroom.model.staff import Group
from klantstroom.model.streams import Streams
from klantstroom.model.training import home_places
from klantstroom.scenario.spec import DistributionSpec, Scenario, SkillSpec

if TYPE_CHECKING:
    from klantstroom.model.journeys import Journeys
    from klantstroom.model.shops import Shop


class Network:
    """The queues and staff groups of one replication, with their samplers.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    streams : Streams
        The replication's random streams; every sampler draws from its own.

    Attributes
    ----------
    queues : list of Queue
        Every queue, its position its ``index``; the lists below are per queue, in that order.
    handling : list of Sampler
        Handling time (minutes) before the member's speed.
    handling_factors : list of tuple of float or None
        Multipliers of the handling time per hour of the week, None when all are 1.
    queue_patience : list of Sampler or None
        Patience (minutes) of a contact that waits; None where nobody hangs up.
    fcr_default : list of float
        The service's first-contact resolution on the queue's channel.
    redial, redial_delay : list
        Per channel: whether a caller who hung up calls again, and after how long (minutes).
    groups : list of Group
        The run-time staff groups, after :meth:`build_groups`.
    """

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.scenario = scenario
        self.streams = streams
        # The shops and departments' work: known once their builders ran (build_groups).
        self.shops: list[Shop] = []
        self.journeys: Journeys | None = None
        self.groups: list[Group] = []
        priorities = dict(scenario.routing.channel_priority)
        self.queues: list[Queue] = []
        self._queue_of: dict[tuple[int, int], Queue] = {}
        self.handling: list[Sampler] = []
        # Per queue: the handling time's multipliers per hour of the week (weekday x 24 + hour,
        # Monday first), or None when they are all 1 (most queues: no multiplication at all).
        self.handling_factors: list[tuple[float, ...] | None] = []
        # Per queue: the service's resolution probability on its channel (staff may replace it).
        self.fcr_default: list[float] = []
        self.queue_patience: list[Sampler | None] = []
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
                self.handling.append(
                    make_sampler(
                        service.handling_for(channel),
                        streams.get(f"handling/{service.name}/{channel}"),
                    )
                )
                self.handling_factors.append(service.handling_factors(channel))
                self.fcr_default.append(service.fcr_on(channel))
                pending_patience.append(queue)
        self._patience: list[Sampler | None] = []
        self.redial: list[Bernoulli] = []
        self.redial_delay: list[Sampler] = []
        for channel_spec in scenario.channels:
            name = channel_spec.name
            patience = channel_spec.patience
            self._patience.append(
                None
                if patience is None
                else make_sampler(patience, streams.get(f"patience/{name}"))
            )
            self.redial.append(
                Bernoulli(channel_spec.redial.probability, streams.get(f"redial/{name}"))
            )
            self.redial_delay.append(
                make_sampler(channel_spec.redial.delay, streams.get(f"redial_delay/{name}"))
            )
        for queue in pending_patience:
            self.queue_patience.append(self.patience_of(queue))

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
        self.handling.append(make_sampler(handling, self.streams.get(stream)))
        self.queue_patience.append(self.patience_of(queue))
        fcr = 1.0  # tasks and callbacks: resolution is decided by the journey
        factors = None
        if queue.channel >= 0 and not queue.outbound:
            channel = self.scenario.channels[queue.channel].name
            service = self.scenario.services[queue.service]
            fcr = service.fcr_on(channel)
            factors = service.handling_factors(channel)
        self.fcr_default.append(fcr)
        self.handling_factors.append(factors)

    def queue_of(self, service: int, channel: int) -> Queue | None:
        """Return the queue of ``service`` on ``channel`` (not at a shop), or None."""
        return self._queue_of.get((service, channel))

    def build_groups(
        self, shops: list[Shop], journeys: Journeys
    ) -> tuple[list[Roster], list[float]]:
        """One run-time group per configured group and place it works (home, other shops).

        Returns, per run-time group, its roster and the share of its rostered hours available
        for contact-caused work (a department spends the rest on work no contact caused).
        """
        self.shops = shops
        self.journeys = journeys
        scenario = self.scenario
        shop_index = {shop.name: k for k, shop in enumerate(scenario.shops)}
        # Per run-time group: its roster (headcount per weekday, and per date).
        rosters: list[Roster] = []
        first_id = 0
        department_index = {d.name: k for k, d in enumerate(scenario.departments)}
        available: list[float] = []
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
                rosters.append((grid, by_date, spec.works_holidays))
                share = 0.0 if department < 0 else scenario.departments[department].other_work_share
                available.append(1.0 - share)
                if shop >= 0:
                    self.shops[shop].deployments.append(group)
        for queue in self.queues:
            queue.groups.sort(key=lambda item: (item[0], item[1].index))
        return rosters, available

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
        assert self.journeys is not None, "build_groups sets the journeys"
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
