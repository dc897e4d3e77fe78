"""The run: seed, replications and horizon, the calendar, periods, staffing, norms and reports.
Re-exported by :mod:`klantstroom.scenario.spec`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from klantstroom.scenario.vocabulary import MINUTES_PER_DAY


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
