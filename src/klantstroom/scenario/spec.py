"""Frozen domain objects: a validated, unit-converted scenario.

The simulation model receives only these objects, never a config dict. They are built once, by
:func:`klantstroom.scenario.build.build_scenario`, after every value has been checked. Times of
day are minutes since midnight, durations are minutes, weekdays are numbered 0 (Monday) to 6
(Sunday), and channels and outcomes use the fixed vocabularies below.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from klantstroom.scenario.cost_spec import CostsSpec

if (
    TYPE_CHECKING
):  # segments.py and training.py build on this module; the fields only name the types
    from klantstroom.scenario.segments import SegmentSpec
    from klantstroom.scenario.training import TrainingSpec

# Channels are a fixed vocabulary: the model treats each differently (real-time or deferred work,
# a shop or not), so a new channel is a code change, not a config entry.
# ``digital`` is deferred work (web forms, e-mail) with a due time; ``chat`` is real-time digital.
CHANNELS: tuple[str, ...] = ("phone", "counter", "digital", "chat")

# Service formulas: done online by the citizen (a web form, checked by staff), at the counter by
# appointment or by walk-in, resolved by the KCC, or case-managed by a back-office department.
FORMULAS = ("self_service", "appointment", "walk_in", "kcc", "case_managed")

# Outcomes of a contact, as stored in the event log (index = code). ``unserved``: still waiting
# at the horizon, turned away at a shop's closing time, or no appointment slot within the booking
# horizon; ``balked``: left a shop on seeing the queue; ``no_show``: did not come to an
# appointment; ``rebooked``: came too late for an appointment and booked a new one;
# ``not_reached``: an outbound callback attempt that did not reach the citizen; ``no_slot``: a
# booking request that found no free slot within the booking horizon.
OUTCOMES: tuple[str, ...] = (
    "served",
    "abandoned",
    "unserved",
    "balked",
    "no_show",
    "rebooked",
    "not_reached",
    "no_slot",
)
SERVED, ABANDONED, UNSERVED, BALKED, NO_SHOW, REBOOKED, NOT_REACHED, NO_SLOT = range(8)

# Why a contact (or back-office task) exists: a citizen's new matter, calling again after
# abandoning, returning to a shop after balking, switching channel, a follow-up visit, a new
# booking after coming too late, a back-office task handed off by the front office, an
# outbound callback when a task is done, or a citizen chasing a matter that is late (failure
# demand: a task past due, a callback or an e-mail answer that did not come), or a new attempt
# after a booking request found no free slot (a later request, or a walk-in instead).
ORIGINS: tuple[str, ...] = (
    "new",
    "redial",
    "return",
    "switch",
    "follow_up",
    "rebook",
    "task",
    "callback",
    "chase",
    "retry",
)
NEW, REDIAL, RETURN, SWITCH, FOLLOW_UP, REBOOK, TASK, CALLBACK, CHASE, RETRY = range(10)

# How a journey (one matter of one citizen) ends; a contact carries the end of its journey when
# the journey ends with it (0 = the journey goes on, or is still open at the horizon).
JOURNEY_ENDS: tuple[str, ...] = ("open", "resolved", "given_up")
OPEN, RESOLVED, GIVEN_UP = 0, 1, 2

# Order in which a back-office department works its tasks.
DISCIPLINES: tuple[str, ...] = ("fifo", "edd")
# Who makes a callback when a back-office task is done.
CALLBACK_BY: tuple[str, ...] = ("department", "kcc")

# How a visitor comes to a shop counter; what a visitor who is too late for an appointment does.
VISIT_MODES: tuple[str, ...] = ("walk_in", "appointment")
LATE_POLICIES: tuple[str, ...] = ("walk_in", "rebook")

# How a citizen chooses among the offered appointment slots (index = code): the earliest free
# slot at the own shop; the earliest on a preferred weekday; the earliest in a preferred part of
# the day; the earliest at any shop offering the service.
SLOT_CHOICES: tuple[str, ...] = (
    "earliest",
    "preferred_weekday",
    "preferred_part_of_day",
    "any_shop",
)
EARLIEST, PREFERRED_WEEKDAY, PREFERRED_PART_OF_DAY, ANY_SHOP = range(4)
# Parts of the day a slot belongs to by its start: (name, from, until) in minutes since midnight.
PARTS_OF_DAY: tuple[tuple[str, int, int], ...] = (
    ("morning", 0, 12 * 60),
    ("afternoon", 12 * 60, 17 * 60),
    ("evening", 17 * 60, 24 * 60),
)

DISTRIBUTION_KINDS: tuple[str, ...] = (
    "exponential",
    "lognormal",
    "gamma",
    "weibull",
    "deterministic",
    "uniform",
    "empirical",
    "normal",
)

# Routing policies by name; klantstroom.model.policies.POLICIES implements exactly these.
ROUTING_POLICIES: tuple[str, ...] = ("longest_idle", "priority", "specialist_first")

MINUTES_PER_DAY = 1440
HOURS_PER_DAY = 24


@dataclass(frozen=True, slots=True)
class DistributionSpec:
    """A duration distribution in minutes, with its parameters resolved.

    Attributes
    ----------
    kind : str
        One of :data:`DISTRIBUTION_KINDS`.
    mean_min : float
        Mean duration in minutes (for uniform: the midpoint; for empirical: the sample mean).
    cv : float
        Coefficient of variation (standard deviation / mean); used by lognormal and gamma.
    low_min, high_min : float
        Bounds of the uniform distribution.
    sd_min : float
        Standard deviation of the normal distribution (only for signed times: punctuality).
    samples_min : tuple of float
        The samples an empirical distribution resamples from, in minutes.
    """

    kind: str
    mean_min: float = 0.0
    cv: float = 0.0
    low_min: float = 0.0
    high_min: float = 0.0
    samples_min: tuple[float, ...] = ()
    sd_min: float = 0.0


@dataclass(frozen=True, slots=True)
class Period:
    """An opening period within one day, in minutes since midnight (end exclusive)."""

    start_min: int
    end_min: int


@dataclass(frozen=True, slots=True)
class IntradayProfile:
    """Share of a day's demand per interval, starting at ``start_min`` (minutes since midnight)."""

    start_min: int
    interval_min: int
    shares: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class RedialSpec:
    """Probability and delay of calling again after abandoning, and the cap on attempts."""

    probability: float
    delay: DistributionSpec
    max_attempts: int


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A channel's opening hours, demand shape, patience and norms.

    Attributes
    ----------
    opening : tuple of tuple of Period
        Opening periods per weekday (index 0 = Monday).
    weekday_factors : tuple of float
        Relative demand per weekday (7 values).
    intraday : tuple of (IntradayProfile or None)
        The shape of demand within the day, per weekday (7 values); None = flat while open.
    daily_volume_cv : float
        Coefficient of variation of a day's volume beyond Poisson variation (0 = none).
    date_factors : tuple of (datetime.date, float)
        Volume multipliers for particular dates (a known peak, a quiet day).
    patience : DistributionSpec or None
        Time a citizen is willing to wait; None means infinite patience.
    service_level_threshold_min : float
        Waits up to this many minutes count as "within norm" for the service level.
    due_working_days : int
        Deferred work (``digital``): the norm for answering, in working days; a request is due
        at the end of that many working days after the day it arrives.
    concurrency : int
        Real-time ``chat``: how many chats one agent handles at once.
    """

    name: str
    opening: tuple[tuple[Period, ...], ...]
    open_on_holidays: bool
    weekday_factors: tuple[float, ...]
    intraday: tuple[IntradayProfile | None, ...]
    daily_volume_cv: float

    patience: DistributionSpec | None
    redial: RedialSpec
    service_level_threshold_min: float
    service_level_target: float
    date_factors: tuple[tuple[dt.date, float], ...] = ()
    due_working_days: int = 2
    concurrency: int = 1

    @property
    def deferred(self) -> bool:
        """Whether the channel's work waits for staff without patience, due in working days."""
        return self.name == "digital"

    def date_factor(self, date: dt.date) -> float:
        """Return the volume multiplier of ``date`` (1.0 unless configured)."""
        for day, factor in self.date_factors:
            if day == date:
                return factor
        return 1.0


@dataclass(frozen=True, slots=True)
class FollowUpSpec:
    """A visit that a served counter contact leads to (a passport is picked up when it is made).

    Attributes
    ----------
    service : str
        The service of the follow-up visit (with counter handling, offered where the first is).
    after_working_days : int
        Working days (Monday to Friday, not a holiday) between the contact and the follow-up.
    probability : float
        Share of served contacts that lead to a follow-up.
    mode : str
        ``walk_in`` (a visit at a random open time that day) or ``appointment`` (a booking request
        on that day); one of :data:`VISIT_MODES`.
    """

    service: str
    after_working_days: int
    probability: float
    mode: str


@dataclass(frozen=True, slots=True)
class CounterServiceSpec:
    """How a service is delivered at the shop counters.

    Attributes
    ----------
    appointment_share : float
        Share of the service's counter demand that books an appointment at shops that offer both
        walk-in and appointments (appointment-only and walk-in-only shops take all of it their way).
    slot_min : float
        Length of an appointment slot in minutes.
    follow_up : FollowUpSpec or None
        The follow-up visit a served counter contact leads to.
    urgent_share : float
        Share of the service's booking requests that are urgent (spoedaanvraag): they may take
        slots kept for urgent requests and need a slot within
        ``CounterSpec.urgent_max_access_working_days``.
    """

    appointment_share: float = 0.0
    slot_min: float = 15.0
    follow_up: FollowUpSpec | None = None
    urgent_share: float = 0.0


@dataclass(frozen=True, slots=True)
class SwitchSpec:
    """A citizen whose contact on ``from_channel`` failed tries ``to_channel`` next.

    A contact *fails* when it is abandoned and not redialled, or served without being resolved.
    A served, unresolved contact that does not switch goes to the service's back-office
    department, if any; an abandoned one that does not switch ends the journey ``given_up``.
    """

    from_channel: str
    to_channel: str
    probability: float
    delay: DistributionSpec


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """A service (product) with its demand, channel mix and handling times.

    Attributes
    ----------
    volume_per_year : float or None
        Contacts per year over all channels; None when ``rate_per_hour`` is given.
    rate_per_hour : float or None
        Constant arrival rate while a channel is open (all channels together), per hour.
    channel_mix : tuple of (str, float)
        Share of the contacts per channel (sums to 1).
    handling : tuple of (str, DistributionSpec)
        Handling (talk or desk) time per channel.
    handling_by_hour : tuple of (str, tuple of float)
        Per channel, 24 multipliers of the drawn handling time by the hour of day (00..23) in
        which service starts; a channel not listed has 1 every hour.
    handling_by_weekday : tuple of (str, tuple of float)
        Per channel, 7 multipliers (Monday first) by the weekday on which service starts; a
        channel not listed has 1 every day.
    patience : DistributionSpec or None
        Patience of this service's callers, replacing the channel's (None = the channel's).
    intraday : tuple of (IntradayProfile or None)
        The service's own intraday profile per weekday, replacing the channel's where given
        (empty: the channel's every day).
    fcr_probability : float
        Probability a served contact resolves the matter (first-contact resolution).
    fcr_by_channel : tuple of (str, float)
        Per channel, replacing ``fcr_probability`` there (staff groups may replace it again).
    due_working_days : int or None
        Digital requests of this service are due after this many working days (None: the
        digital channel's ``due_working_days``).
    switches : tuple of SwitchSpec
        Where citizens go after a failed contact, per channel.
    journey_norm_working_days : int
        Norm for a journey's lead time: resolved by the end of this many working days after the
        day of its first contact.
    month_factors : tuple of float
        Relative volume per calendar month (12 values, January first); ``volume_per_year`` is
        spread over a year in proportion to them, so they shape the year without changing its
        total. Empty = flat.
    year_factors : tuple of (int, float)
        Volume multipliers per calendar year on top of ``volume_per_year`` (the 2024-2028
        passport peak); years not listed have factor 1.
    formula : str or None
        The service formula (dienstverleningsconcept) it is delivered by, one of
        :data:`FORMULAS`; None when not stated. Checked against the channel mix and departments.
    """

    name: str
    label: str
    volume_per_year: float | None
    rate_per_hour: float | None
    channel_mix: tuple[tuple[str, float], ...]
    handling: tuple[tuple[str, DistributionSpec], ...]
    fcr_probability: float
    priority: float
    patience: DistributionSpec | None = None
    intraday: tuple[IntradayProfile | None, ...] = ()
    counter: CounterServiceSpec = CounterServiceSpec()
    fcr_by_channel: tuple[tuple[str, float], ...] = ()
    due_working_days: int | None = None
    switches: tuple[SwitchSpec, ...] = ()
    journey_norm_working_days: int = 10
    month_factors: tuple[float, ...] = ()
    year_factors: tuple[tuple[int, float], ...] = ()
    formula: str | None = None
    handling_by_hour: tuple[tuple[str, tuple[float, ...]], ...] = ()
    handling_by_weekday: tuple[tuple[str, tuple[float, ...]], ...] = ()

    def handling_factors(self, channel: str) -> tuple[float, ...] | None:
        """Multipliers of the handling time on ``channel`` per hour of the week, or None.

        Returns
        -------
        tuple of float or None
            168 factors, index ``weekday * 24 + hour`` (Monday 00:00-01:00 first): the hour
            factor times the weekday factor of a service starting in that hour. None when every
            factor is 1, so that the model does no multiplication at all.
        """
        hours = dict(self.handling_by_hour).get(channel, (1.0,) * HOURS_PER_DAY)
        days = dict(self.handling_by_weekday).get(channel, (1.0,) * 7)
        factors = tuple(day * hour for day in days for hour in hours)
        return None if all(f == 1.0 for f in factors) else factors

    def month_factor(self, date: dt.date) -> float:
        """Return the relative volume of ``date``'s month (1.0 without month factors)."""
        return self.month_factors[date.month - 1] if self.month_factors else 1.0

    def year_factor(self, date: dt.date) -> float:
        """Return the volume multiplier of ``date``'s calendar year (1.0 unless configured)."""
        for year, factor in self.year_factors:
            if year == date.year:
                return factor
        return 1.0

    def fcr_on(self, channel: str) -> float:
        """Return the probability a contact on ``channel`` is resolved (before staff overrides)."""
        return dict(self.fcr_by_channel).get(channel, self.fcr_probability)

    def switch_from(self, channel: str) -> SwitchSpec | None:
        """Return where a citizen goes after a failed contact on ``channel``, or None."""
        for switch in self.switches:
            if switch.from_channel == channel:
                return switch
        return None

    def share(self, channel: str) -> float:
        """Return the share of this service's demand that uses ``channel``."""
        return dict(self.channel_mix).get(channel, 0.0)

    def handling_for(self, channel: str) -> DistributionSpec:
        """Return the handling-time distribution on ``channel``."""
        return dict(self.handling)[channel]


@dataclass(frozen=True, slots=True)
class SkillSpec:
    """A staff group can handle ``service`` on ``channel``; lower rank = preferred work.

    ``fcr_probability`` replaces the service's resolution probability on that channel for this
    group (a generalist may resolve less than a specialist); None keeps the service's.
    """

    service: str
    channel: str
    rank: int
    speed: float
    fcr_probability: float | None = None


@dataclass(frozen=True, slots=True)
class ShopSpec:
    """A city shop (stadswinkel): opening hours, desks, services, catchment and appointment book.

    Attributes
    ----------
    desks : int
        Desks (balies): at most this many counter visitors are served at once.
    catchment : float
        Share of the counter demand that comes to this shop (renormalised over the shops that
        offer a service).
    opening : tuple of tuple of Period
        Opening periods per weekday (index 0 = Monday); doors close at the end of each period.
    services : tuple of str
        The counter services the shop offers.
    walk_in : bool
        Whether visitors may walk in (take a ticket without appointment).
    appointment_desks : tuple of tuple of int
        Desks reserved for appointments per weekday (7 rows) per calendar interval: the capacity
        of the appointment book. All zero = no appointments at this shop.
    """

    name: str
    label: str
    desks: int
    catchment: float
    opening: tuple[tuple[Period, ...], ...]
    open_on_holidays: bool
    services: tuple[str, ...]
    walk_in: bool
    appointment_desks: tuple[tuple[int, ...], ...]

    @property
    def appointments(self) -> bool:
        """Whether the shop has an appointment book."""
        return any(any(row) for row in self.appointment_desks)


@dataclass(frozen=True, slots=True)
class CounterSpec:
    """Norms and visitor behaviour at the shop counters (see ``docs/configuration.md``)."""

    walk_in_wait_norm_min: float = 15.0
    appointment_wait_norm_min: float = 5.0
    access_norm_working_days: int = 5
    booking_horizon_days: int = 42
    booking_lead_min: float = 60.0
    # Shares of the SLOT_CHOICES, in that order (summing to 1).
    slot_choice: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0)
    punctuality: DistributionSpec = DistributionSpec("deterministic", mean_min=0.0)
    no_show_probability: float = 0.05
    late_tolerance_min: float = 10.0
    late_policy: str = "walk_in"
    balk_queue_length: int | None = None
    balk_expected_wait_min: float | None = None
    balk_probability: float = 1.0
    balk_return_probability: float = 0.0
    balk_switch_probability: float = 0.0
    no_slot_retry_probability: float = 0.0
    no_slot_retry_after_days: float = 7.0
    no_slot_max_retries: int = 3
    no_slot_walk_in_probability: float = 0.0
    overbooking_share: float = 0.0
    # Share of each shop's daily appointment desk time kept for urgent requests until its day.
    urgent_reserved_share: float = 0.0
    urgent_max_access_working_days: int = 1


@dataclass(frozen=True, slots=True)
class CallbackSpec:
    """An outbound phone call to the citizen when a back-office task is done.

    Attributes
    ----------
    probability : float
        Share of finished tasks that end with a callback.
    by : str
        Who calls: the ``department``'s own staff, or the ``kcc`` (staff with the service's phone
        skill, as deferred work after waiting calls); one of :data:`CALLBACK_BY`.
    reach_probability : float
        Probability that an attempt reaches the citizen.
    max_attempts : int
        Attempts before the department gives up calling (the journey ends ``given_up``).
    retry_delay : DistributionSpec
        Time between a failed attempt and the next.
    handling : DistributionSpec
        Talk time of a call that reaches the citizen.
    attempt_min : float
        Staff time of an attempt that does not reach the citizen (minutes).
    due_working_days : int
        A callback is due by the end of this many working days after it is made ready.
    """

    probability: float
    by: str
    reach_probability: float
    max_attempts: int
    retry_delay: DistributionSpec
    handling: DistributionSpec
    attempt_min: float
    due_working_days: int


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    """A back-office department (vakafdeling): the tasks it processes and its lead-time norm.

    Attributes
    ----------
    tasks : tuple of (str, DistributionSpec)
        Processing time per task type (the service of the contact that handed it off). Front
        office contacts of these services that are not resolved become tasks here.
    discipline : str
        ``fifo`` (oldest task first) or ``edd`` (earliest due first); one of :data:`DISCIPLINES`.
    lead_time_norm_working_days : int
        A task is due by the end of this many working days after the day it is created.
    callback : CallbackSpec or None
        The callback that may follow a finished task.
    process_working_days : tuple of (str, DistributionSpec)
        Per task type, the elapsed time in *working days* a task spends outside the staff's
        hands before it can be decided (waiting for the citizen's documents, an external advice,
        a statutory term). The distribution's ``mean_min``/``low_min``/``high_min`` fields hold
        working days here. Task types not listed have none.
    terms_working_days : tuple of (str, int)
        Per task type, its legal or service term in working days, replacing
        ``lead_time_norm_working_days`` for that type.
    other_work_share : float
        Share of the department's rostered hours spent on work no contact caused (policy,
        projects, consultation, own-initiative checks): those hours are not available for tasks.
    """

    name: str
    label: str
    tasks: tuple[tuple[str, DistributionSpec], ...]
    discipline: str
    lead_time_norm_working_days: int
    callback: CallbackSpec | None = None
    process_working_days: tuple[tuple[str, DistributionSpec], ...] = ()
    terms_working_days: tuple[tuple[str, int], ...] = ()
    other_work_share: float = 0.0

    @property
    def services(self) -> tuple[str, ...]:
        """The task types (services) the department handles."""
        return tuple(name for name, _ in self.tasks)

    def term_for(self, service: str) -> int:
        """Return the term in working days of a task of type ``service``."""
        return dict(self.terms_working_days).get(service, self.lead_time_norm_working_days)

    def process_for(self, service: str) -> DistributionSpec | None:
        """Return the elapsed process time (working days) of task type ``service``, or None."""
        return dict(self.process_working_days).get(service)


@dataclass(frozen=True, slots=True)
class FailureDemandSpec:
    """Citizens chasing matters that are late (failure demand, "waar blijft mijn ...?").

    A matter is *late* when a back-office task, a callback or a digital request (e-mail, web
    form) is still not done ``after_working_days`` working days after its due time. Then, with
    the probability of its kind, the citizen contacts the municipality to chase it, on a
    channel drawn from ``channel_mix``, at a random open moment of the next day the channel is
    open; while the matter stays late this repeats every ``repeat_working_days`` working days,
    up to ``max_chases`` times. A chase is answered (or not) but resolves nothing: the matter is
    still with the back office.

    Attributes
    ----------
    task_probability, callback_probability, digital_probability : float
        Probability that a late task, callback or digital request is chased (per check).
    after_working_days : int
        Working days past the due time before the citizen chases.
    repeat_working_days : int
        Working days between chases of a matter that stays late.
    max_chases : int
        Chases per late item at most.
    channel_mix : tuple of (str, float)
        Share of chases per channel (sums to 1).
    service_for : tuple of (str, str)
        The service a chase asks about, per service of the late item (a late passport task is
        chased as a question about travel documents); not listed: the same service. A chase
        goes to the first channel of the mix with demand for that service if the drawn one has
        none.
    by_department : tuple of (str, float)
        Per department, the probability that its late tasks are chased, replacing
        ``task_probability``.
    """

    task_probability: float = 0.0
    callback_probability: float = 0.0
    digital_probability: float = 0.0
    after_working_days: int = 0
    repeat_working_days: int = 5
    max_chases: int = 1
    channel_mix: tuple[tuple[str, float], ...] = (("phone", 1.0),)
    service_for: tuple[tuple[str, str], ...] = ()
    by_department: tuple[tuple[str, float], ...] = ()

    @property
    def enabled(self) -> bool:
        """Whether any late item may be chased."""
        return (
            self.task_probability > 0
            or self.callback_probability > 0
            or self.digital_probability > 0
            or any(p > 0 for _, p in self.by_department)
        )

    def task_probability_of(self, department: str) -> float:
        """Return the probability that a late task of ``department`` is chased."""
        return dict(self.by_department).get(department, self.task_probability)


@dataclass(frozen=True, slots=True)
class MatterSpec:
    """One scripted matter of a persona: the first contact of a journey.

    ``day`` is the day number within the reported period (0 = ``calendar.start_date``) and
    ``time_min`` the time of day in minutes; a closed channel or shop is tried when it opens.
    At the counter with shops, ``shop`` (None: drawn by catchment) and ``mode`` (``walk_in`` or
    ``appointment``; None: drawn by the service's shares) say how the persona comes.
    """

    service: str
    channel: str
    day: int
    time_min: int
    shop: str | None = None
    mode: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PersonaSpec:
    """A named citizen followed through the simulation (a workshop follows people, not means)."""

    name: str
    label: str
    household: str
    story: str
    matters: tuple[MatterSpec, ...]


def roster_row(
    headcount: tuple[tuple[int, ...], ...],
    by_date: tuple[tuple[dt.date, tuple[int, ...]], ...],
    date: dt.date,
    weekday: int,
) -> tuple[int, ...]:
    """Staff present per interval on ``date``: its own row in ``by_date``, or its weekday's."""
    for day, row in by_date:
        if day == date:
            return row
    return headcount[weekday]


@dataclass(frozen=True, slots=True)
class StaffGroupSpec:
    """Staff with the same skills, wrap-up and roster.

    Attributes
    ----------
    headcount : tuple of tuple of int
        Staff present at ``shop`` (the group's home) per weekday (7 rows) per interval of the
        calendar's ``interval_min``.
    headcount_by_date : tuple of (datetime.date, tuple of int)
        Staff present per interval on particular dates, instead of their weekday's row.
    works_holidays : bool
        Whether the roster also applies on public holidays (else nobody is present).
    shop : str or None
        Where the group works by default: a shop, or None (the contact centre / back office).
    blend : bool
        At a shop, whether the group also takes its phone and digital work when no counter
        visitor it can serve waits or no desk is free (the counter always comes first).
    deployments : tuple of (str, tuple of tuple of int)
        Staff present at other shops than ``shop`` per weekday per interval (flexible
        deployment: shifts with their own ``shop``).
    department : str or None
        The back-office department the group works in: it processes that department's tasks
        (and its callbacks), and has no front-office skills.
    leave_by_month : tuple of float
        Share of the rostered staff away on leave per calendar month (12 values, January
        first; empty = none): the group's own ``leave_by_month``, else the calendar's
        ``staff_leave_by_month``.
    unavailable_share : tuple of tuple of float
        Share of the rostered staff present but off the queue (breaks, short meetings) per
        weekday (7 rows) per interval of the calendar's ``interval_min``; empty = none.
    training : tuple of TrainingSpec
        Courses that teach cohorts of the group new skills (:mod:`klantstroom.scenario.training`).
    """

    name: str
    label: str
    skills: tuple[SkillSpec, ...]
    wrapup: DistributionSpec | None
    headcount: tuple[tuple[int, ...], ...]
    works_holidays: bool
    headcount_by_date: tuple[tuple[dt.date, tuple[int, ...]], ...] = ()
    shop: str | None = None
    blend: bool = False
    deployments: tuple[tuple[str, tuple[tuple[int, ...], ...]], ...] = ()
    department: str | None = None
    leave_by_month: tuple[float, ...] = ()
    unavailable_share: tuple[tuple[float, ...], ...] = ()
    training: tuple[TrainingSpec, ...] = ()

    def present_share(self, date: dt.date) -> float:
        """Share of the rostered staff not on leave on ``date`` (1.0 without leave)."""
        return 1.0 - self.leave_by_month[date.month - 1] if self.leave_by_month else 1.0

    def on_queue_share(self, date: dt.date, weekday: int, slot: int) -> float:
        """Share of the rostered staff working the queue in interval ``slot`` of ``date``.

        Parameters
        ----------
        date : datetime.date
            The day (its month sets the leave).
        weekday : int
            Its weekday, 0 = Monday (sets the share off the queue; given, not derived, because
            the model knows it already).
        slot : int
            The interval of the day, in steps of the calendar's ``interval_min`` from 00:00.

        Returns
        -------
        float
            Not on leave, times not off the queue: ``present_share(date) x (1 - unavailable)``.
        """
        share = self.present_share(date)
        if self.unavailable_share:
            share *= 1.0 - self.unavailable_share[weekday][slot]
        return share

    @property
    def home_max_headcount(self) -> int:
        """The largest number of staff present at the group's home location at any time."""
        rows = [*self.headcount, *(row for _, row in self.headcount_by_date)]
        return max((max(row) for row in rows if row), default=0)

    @property
    def max_headcount(self) -> int:
        """The size of the group: the most present at home plus at each other shop."""
        extra = sum(
            max((max(row) for row in grid if row), default=0) for _, grid in self.deployments
        )
        return self.home_max_headcount + extra

    def headcount_on(self, date: dt.date, weekday: int) -> tuple[int, ...]:
        """Return the headcount per interval at home on ``date`` (its own row, or its weekday's)."""
        return roster_row(self.headcount, self.headcount_by_date, date, weekday)


def staff_at_shop(
    groups: tuple[StaffGroupSpec, ...],
    shop: str,
    weekday: int,
    length: int,
    date: dt.date | None = None,
) -> list[int]:
    """Staff rostered at ``shop`` per interval (the first ``length``) on ``weekday``.

    Sums the groups based at the shop (on ``date``, their own row for that date where they have
    one) and the groups deployed there. With a ``date``, staff on leave that month
    (``leave_by_month``) and staff off the queue in an interval (``unavailable_share``) are not
    present, as in the simulation's rosters: the sum is rounded to whole staff.
    """
    present = [0.0] * length
    for group in groups:
        rows = [grid[weekday] for place, grid in group.deployments if place == shop]
        if group.shop == shop:
            rows.append(
                group.headcount[weekday] if date is None else group.headcount_on(date, weekday)
            )
        share = 1.0 if date is None else group.present_share(date)
        off = None
        if date is not None and group.unavailable_share:
            off = group.unavailable_share[weekday]
        for row in rows:
            for k, staff in enumerate(row[:length]):
                on_queue = share if off is None else share * (1.0 - off[k])
                present[k] += staff * on_queue
    return [math.floor(n + 0.5 + 1e-9) for n in present]


@dataclass(frozen=True, slots=True)
class RoutingSpec:
    """The dispatcher's policy name and its parameters."""

    policy: str
    channel_priority: tuple[tuple[str, float], ...]
    ageing_per_min: float
    deferred_reserve: int = 0  # idle members kept free for real-time work (call blending)
    deferred_max_share: float = 1.0  # of a group's members on duty, at most this on deferred work


@dataclass(frozen=True, slots=True)
class RunSpec:
    """Seed, replications, horizon and parallelism."""

    name: str
    seed: int
    replications: int
    n_jobs: int
    warmup_days: float
    horizon_days: float
    progress: bool
    label: str = ""
    roadmap_step: int | None = None
    periods: tuple[PeriodSpec, ...] = ()
    judge_on: tuple[tuple[str, str], ...] = ()
    executor: str = "local"  # where replications run (klantstroom.executors)
    cluster_address: str | None = None  # the Dask scheduler; None: a local cluster

    @property
    def display_name(self) -> str:
        """How reports name the run: its label, else its name."""
        return self.label or self.name

    @property
    def horizon_min(self) -> float:
        """End of the simulation in minutes since the start of the first reported day."""
        return self.horizon_days * MINUTES_PER_DAY

    @property
    def warmup_min(self) -> float:
        """Length of the warm-up before minute 0, in minutes."""
        return self.warmup_days * MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """A part of the reported period whose KPIs are reported on their own.

    Attributes
    ----------
    name : str
        The ``period`` key in ``kpis.csv`` and ``summary.csv``: a calendar month ``YYYY-MM`` or
        a name from ``run.periods``.
    start_day, end_day : int
        Day numbers (0 = ``calendar.start_date``) of its first day and of the day after its last.
    """

    name: str
    start_day: int
    end_day: int

    @property
    def window_min(self) -> tuple[float, float]:
        """Start and end in model minutes."""
        return self.start_day * MINUTES_PER_DAY, self.end_day * MINUTES_PER_DAY


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """The first reported day, the interval length, public holidays and staff leave.

    ``staff_leave_by_month`` is the share of rostered staff away on leave per calendar month
    (12 values, January first; empty = none), for every staff group without its own.
    """

    start_date: dt.date
    interval_min: int
    holidays: frozenset[dt.date]
    staff_leave_by_month: tuple[float, ...] = ()
    # Day number -> (date, weekday, holiday): the model asks these of the same few hundred days
    # millions of times (every opening-hours and working-day question), and building a date
    # each time was an eighth of a run. A cache, not data: not compared, shown or passed in.
    _days: dict[int, tuple[dt.date, int, bool]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: A cache for the model's calendar arithmetic (:mod:`klantstroom.model.calendar`), keyed
    #: by that module; like ``_days`` it is derived from the fields, never data.
    memo: dict[object, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _day(self, day: int) -> tuple[dt.date, int, bool]:
        facts = self._days.get(day)
        if facts is None:
            date = self.start_date + dt.timedelta(days=day)
            facts = (date, date.weekday(), date in self.holidays)
            self._days[day] = facts
        return facts

    def date_of_day(self, day: int) -> dt.date:
        """Return the date of day number ``day`` (0 = start_date; negative in the warm-up)."""
        return self._day(day)[0]

    def weekday_of_day(self, day: int) -> int:
        """Return the weekday (0 = Monday) of day number ``day``."""
        return self._day(day)[1]

    def is_holiday(self, day: int) -> bool:
        """Return whether day number ``day`` is a public holiday."""
        return self._day(day)[2]


@dataclass(frozen=True, slots=True)
class StaffingSpec:
    """Norms and shift rules for sizing staff (see ``docs/configuration.md``, ``staffing``)."""

    method: str = "erlang_a"
    max_occupancy: float = 0.85
    max_abandonment: float | None = None
    optimise: bool = True
    replications: int = 5
    confidence: float = 0.95
    search_horizon_days: float | None = None  # None: the run's horizon
    search_warmup_days: float | None = None  # None: the run's warm-up
    shift_starts_min: tuple[int, ...] = tuple(range(420, 841, 30))
    shift_lengths_min: tuple[int, ...] = (240, 360, 480)
    break_min: int = 30
    break_from_length_min: int = 330
    contract_hours_per_week: float = 36.0
    shrinkage: float = 0.15
    salary_per_fte_per_year: tuple[tuple[str, float], ...] = ()
    compare_skill_mix: bool = True
    period: str | None = None  # a period of run.periods the plan sizes; None: the whole run


# KPIs a norm can be set on (columns of kpis.csv that are rates, shares or times).
NORM_KPIS = (
    "abandonment_rate",
    "asa_min",
    "mean_wait_min",
    "p90_wait_min",
    "service_level",
    "fcr_rate",
    "answered_within_norm",
    "walk_in_wait_min",
    "walk_in_within_norm",
    "appointment_wait_min",
    "appointment_within_norm",
    "access_days_mean",
    "access_within_norm",
    "no_show_rate",
    "no_slot_rate",
    "balk_rate",
    "chase_share",
    "occupancy",
    "task_lead_time_days_mean",
    "task_within_norm",
    "callback_reach_rate",
    "resolved_share",
    "given_up_share",
    "journey_lead_time_days_mean",
    "journey_within_norm",
    "repeat_contact_rate",
)
LANGUAGES = ("en", "nl")


@dataclass(frozen=True, slots=True)
class NormSpec:
    """A norm on a KPI: the mean must be at least (``at_least``) or at most ``target``.

    ``channel``, ``shop``, ``department`` and ``service`` select the rows of the KPI table it
    applies to; None matches every row.
    """

    name: str
    kpi: str
    target: float
    at_least: bool
    label: str = ""
    channel: str | None = None
    shop: str | None = None
    department: str | None = None
    service: str | None = None

    def applies_to(self, row: dict[str, object]) -> bool:
        """Return whether the norm covers a KPI row (a mapping with the KPI table's keys)."""
        if row.get("kpi") != self.kpi:
            return False
        for key in ("channel", "shop", "department", "service"):
            wanted = getattr(self, key)
            if wanted is not None and row.get(key) != wanted:
                return False
        return True

    def met(self, value: float) -> bool:
        """Return whether ``value`` meets the norm."""
        return value >= self.target if self.at_least else value <= self.target


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """How reports are written: ``language`` is one of :data:`LANGUAGES`."""

    language: str = "en"


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything one run simulates, validated and frozen."""

    run: RunSpec
    calendar: CalendarSpec
    channels: tuple[ChannelSpec, ...]
    services: tuple[ServiceSpec, ...]
    staff_groups: tuple[StaffGroupSpec, ...]
    routing: RoutingSpec
    description: str = ""
    staffing: StaffingSpec = StaffingSpec()
    shops: tuple[ShopSpec, ...] = ()
    counter: CounterSpec = CounterSpec()
    departments: tuple[DepartmentSpec, ...] = ()
    personas: tuple[PersonaSpec, ...] = ()
    norms: tuple[NormSpec, ...] = ()
    report: ReportSpec = ReportSpec()
    failure_demand: FailureDemandSpec = FailureDemandSpec()
    costs: CostsSpec = field(default_factory=CostsSpec)
    # Citizen segments (scenario/segments.py); empty: every citizen alike.
    segments: tuple[SegmentSpec, ...] = ()

    def all_norms(self) -> tuple[NormSpec, ...]:
        """The configured norms plus each channel's service-level target.

        For deferred work (``digital``) the target applies to ``answered_within_norm``, the
        share answered within its due time in working days, which is how its norm is stated
        (domain.md row 38), and not to the calendar-time service level.
        """
        implied = [
            NormSpec(f"{c.name}_{kpi}", kpi, c.service_level_target, True, channel=c.name)
            for c in self.channels
            for kpi in (("answered_within_norm",) if c.deferred else ("service_level",))
        ]
        return (*implied, *self.norms)

    def channel(self, name: str) -> ChannelSpec:
        """Return the channel called ``name``."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)
