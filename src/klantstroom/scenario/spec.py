"""Frozen domain objects: a validated, unit-converted scenario.

The simulation model receives only these objects, never a config dict. They are built once, by
:func:`klantstroom.scenario.build.build_scenario`, after every value has been checked. Times of
day are minutes since midnight, durations are minutes, weekdays are numbered 0 (Monday) to 6
(Sunday), and channels and outcomes use the fixed vocabularies of
:mod:`klantstroom.scenario.vocabulary`.

This module holds the channels, services and shops and the :class:`Scenario` that gathers
everything; the rest lives by area and is re-exported here, so every spec object is imported
from this one place: :mod:`.basic_spec` (a distribution, an opening period, a profile over the
day), :mod:`.staff_spec` (skills, staff groups, routing), :mod:`.office_spec` (the back office,
failure demand, personas), :mod:`.run_spec` (run, calendar, periods, staffing, norms, reports)
and :mod:`.cost_spec`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from klantstroom.scenario.basic_spec import DistributionSpec, IntradayProfile, Period
from klantstroom.scenario.cost_spec import CostsSpec
from klantstroom.scenario.office_spec import (
    CallbackSpec,
    DepartmentSpec,
    FailureDemandSpec,
    MatterSpec,
    PersonaSpec,
)
from klantstroom.scenario.run_spec import (
    LANGUAGES,
    NORM_KPIS,
    CalendarSpec,
    NormSpec,
    PeriodSpec,
    ReportSpec,
    RunSpec,
    StaffingSpec,
)
from klantstroom.scenario.staff_spec import (
    RoutingSpec,
    SkillSpec,
    StaffGroupSpec,
    roster_row,
    staff_at_shop,
)
from klantstroom.scenario.vocabulary import (
    ABANDONED,
    ANY_SHOP,
    BALKED,
    CALLBACK,
    CALLBACK_BY,
    CHANNELS,
    CHASE,
    DISCIPLINES,
    DISTRIBUTION_KINDS,
    EARLIEST,
    FOLLOW_UP,
    FORMULAS,
    GIVEN_UP,
    HOURS_PER_DAY,
    JOURNEY_ENDS,
    LATE_POLICIES,
    MINUTES_PER_DAY,
    NEW,
    NO_SHOW,
    NO_SLOT,
    NOT_REACHED,
    OPEN,
    ORIGINS,
    OUTCOMES,
    PARTS_OF_DAY,
    PREFERRED_PART_OF_DAY,
    PREFERRED_WEEKDAY,
    REBOOK,
    REBOOKED,
    REDIAL,
    RESOLVED,
    RETRY,
    RETURN,
    ROUTING_POLICIES,
    SERVED,
    SLOT_CHOICES,
    SWITCH,
    TASK,
    UNSERVED,
    VISIT_MODES,
)

if (
    TYPE_CHECKING
):  # segments.py and training.py build on this module; the fields only name the types
    from klantstroom.scenario.segments import SegmentSpec


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


__all__ = [
    "ABANDONED",
    "ANY_SHOP",
    "BALKED",
    "CALLBACK",
    "CALLBACK_BY",
    "CHANNELS",
    "CHASE",
    "DISCIPLINES",
    "DISTRIBUTION_KINDS",
    "EARLIEST",
    "FOLLOW_UP",
    "FORMULAS",
    "GIVEN_UP",
    "HOURS_PER_DAY",
    "JOURNEY_ENDS",
    "LANGUAGES",
    "LATE_POLICIES",
    "MINUTES_PER_DAY",
    "NEW",
    "NORM_KPIS",
    "NOT_REACHED",
    "NO_SHOW",
    "NO_SLOT",
    "OPEN",
    "ORIGINS",
    "OUTCOMES",
    "PARTS_OF_DAY",
    "PREFERRED_PART_OF_DAY",
    "PREFERRED_WEEKDAY",
    "REBOOK",
    "REBOOKED",
    "REDIAL",
    "RESOLVED",
    "RETRY",
    "RETURN",
    "ROUTING_POLICIES",
    "SERVED",
    "SLOT_CHOICES",
    "SWITCH",
    "TASK",
    "UNSERVED",
    "VISIT_MODES",
    "CalendarSpec",
    "CallbackSpec",
    "ChannelSpec",
    "CostsSpec",
    "CounterServiceSpec",
    "CounterSpec",
    "DepartmentSpec",
    "DistributionSpec",
    "FailureDemandSpec",
    "FollowUpSpec",
    "IntradayProfile",
    "MatterSpec",
    "NormSpec",
    "Period",
    "PeriodSpec",
    "PersonaSpec",
    "RedialSpec",
    "ReportSpec",
    "RoutingSpec",
    "RunSpec",
    "Scenario",
    "ServiceSpec",
    "ShopSpec",
    "SkillSpec",
    "StaffGroupSpec",
    "StaffingSpec",
    "SwitchSpec",
    "roster_row",
    "staff_at_shop",
]
