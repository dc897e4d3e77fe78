"""Configuration schema: what a user may write in ``conf/`` and ``scenarios/``.

Every key a user can set is a field of one of the dataclasses below. They are registered in
Hydra's ConfigStore as ``klantstroom_schema``, and ``conf/config.yaml`` extends that schema, so
OmegaConf checks types and rejects misspelt keys while Hydra composes the config: before any
simulation starts. Range checks and cross-field checks (a service without a staff group that can
serve it, shares that do not sum to one, ...) happen once more, in :mod:`klantstroom.scenario`,
which turns the composed config into frozen domain objects.

Units are part of the names (``mean_min``, ``per_year``, ``threshold_s``). Every key is documented
in ``docs/configuration.md``.

Nothing in this schema instantiates callables (no ``_target_``): distributions and routing policies
are chosen by *name* from fixed registries, so a config file cannot run arbitrary code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class DistributionConfig:
    """A named probability distribution of a duration in minutes.

    Which fields apply depends on ``kind``: exponential (mean_min), lognormal, gamma and weibull
    (mean_min, cv), deterministic (mean_min), uniform (low_min, high_min), empirical (file,
    column, samples_unit), normal (mean_min, sd_min; only for signed times such as punctuality).
    """

    kind: str = "exponential"
    mean_min: float | None = None
    cv: float | None = None
    low_min: float | None = None
    high_min: float | None = None
    file: str | None = None
    column: str | None = None
    samples_unit: str = "min"
    sd_min: float | None = None


@dataclass
class WeekHoursConfig:
    """Opening hours per weekday as lists of ``"HH:MM-HH:MM"`` periods; ``[]`` means closed."""

    mon: list[str] = field(default_factory=lambda: ["08:00-18:00"])
    tue: list[str] = field(default_factory=lambda: ["08:00-18:00"])
    wed: list[str] = field(default_factory=lambda: ["08:00-18:00"])
    thu: list[str] = field(default_factory=lambda: ["08:00-18:00"])
    fri: list[str] = field(default_factory=lambda: ["08:00-18:00"])
    sat: list[str] = field(default_factory=list)
    sun: list[str] = field(default_factory=list)


@dataclass
class WeekFactorsConfig:
    """Relative demand per weekday (1.0 = an average open day)."""

    mon: float = 1.0
    tue: float = 1.0
    wed: float = 1.0
    thu: float = 1.0
    fri: float = 1.0
    sat: float = 1.0
    sun: float = 1.0


@dataclass
class IntradayProfileConfig:
    """Share of a day's demand per interval, from ``start`` on, in steps of ``interval_min``."""

    start: str = "00:00"
    interval_min: int = 30
    shares: list[float] = field(default_factory=list)


@dataclass
class RedialConfig:
    """Callers who abandon may call again after a delay."""

    probability: float = 0.0
    delay: DistributionConfig = field(
        default_factory=lambda: DistributionConfig(kind="exponential", mean_min=15.0)
    )
    max_attempts: int = 3


@dataclass
class ChannelConfig:
    """A way citizens reach the municipality: ``phone``, ``counter``, ``digital`` or ``chat``."""

    opening_hours: WeekHoursConfig = field(default_factory=WeekHoursConfig)
    open_on_holidays: bool = False
    weekday_factors: WeekFactorsConfig = field(default_factory=WeekFactorsConfig)
    intraday_profile: IntradayProfileConfig | None = None
    intraday_profile_by_day: dict[str, IntradayProfileConfig] = field(default_factory=dict)
    daily_volume_cv: float = 0.0
    date_factors: dict[str, float] = field(default_factory=dict)
    # Volume multiplier of the first working day after a public holiday (x2 after holidays, dm#47).
    after_holiday_factor: float = 1.0
    patience: DistributionConfig | None = None
    redial: RedialConfig = field(default_factory=RedialConfig)
    service_level_threshold_s: float = 20.0
    service_level_target: float = 0.8
    due_working_days: int = 2  # digital: answered by the end of this many working days
    concurrency: int = 1  # chat: chats one agent handles at once


@dataclass
class FollowUpConfig:
    """A follow-up visit a served counter contact leads to (e.g. collecting a passport)."""

    service: str = ""
    after_working_days: int = 5
    probability: float = 1.0
    mode: str = "walk_in"


@dataclass
class CounterServiceConfig:
    """How a service is delivered at the shop counters."""

    appointment_share: float = 0.0
    slot_min: float = 15.0
    follow_up: FollowUpConfig | None = None
    urgent_share: float = 0.0  # share of the service's booking requests that are urgent (spoed)


@dataclass
class ChannelSwitchConfig:
    """After a failed contact on a channel, the citizen tries channel ``to``."""

    to: str = "phone"
    probability: float = 0.0
    delay: DistributionConfig = field(
        default_factory=lambda: DistributionConfig(kind="exponential", mean_min=240.0)
    )


@dataclass
class ServiceConfig:
    """A product or matter citizens contact the municipality about."""

    label: str = ""
    volume_per_year: float | None = None
    rate_per_hour: float | None = None
    channel_mix: dict[str, float] = field(default_factory=dict)
    handling: dict[str, DistributionConfig] = field(default_factory=dict)
    # Multipliers of the drawn handling time by the hour (24 factors, 00..23) and the weekday
    # (mon..sun, missing = 1) in which service starts, per channel: calls take longer in the
    # evening, counter visits on Monday. Empty = 1 everywhere; not renormalised.
    handling_by_hour: dict[str, list[float]] = field(default_factory=dict)
    handling_by_weekday: dict[str, dict[str, float]] = field(default_factory=dict)
    fcr_probability: float = 1.0
    priority: float = 0.0
    patience: DistributionConfig | None = None  # replaces the channel's patience for this service
    # The service's own intraday shape, replacing the channel's (e.g. waste reports come early).
    intraday_profile: IntradayProfileConfig | None = None
    intraday_profile_by_day: dict[str, IntradayProfileConfig] = field(default_factory=dict)
    counter: CounterServiceConfig = field(default_factory=CounterServiceConfig)
    fcr_by_channel: dict[str, float] = field(default_factory=dict)  # replaces fcr_probability
    due_working_days: int | None = None  # digital requests; null = channels.digital's
    channel_switch: dict[str, ChannelSwitchConfig] = field(default_factory=dict)
    journey_norm_working_days: int = 10
    # Seasonality: relative volume per month (jan..dec; the year's total stays volume_per_year)
    # and multipliers per calendar year on top (the 2024-2028 passport peak). Year keys may be
    # written 2027 or "2027", so the key type is Any; the scenario builder checks them.
    month_factors: dict[str, float] = field(default_factory=dict)
    year_factors: dict[Any, float] = field(default_factory=dict)
    # How the municipality delivers it: self_service, appointment, walk_in, kcc or case_managed.
    formula: str | None = None


@dataclass
class SegmentConfig:
    """Citizens who reach the municipality in their own way (``segments.<name>``).

    ``share`` is the segment's share of every service's new matters, ``share_by_service``
    replaces it per service; ``channel_mix`` and ``channel_switch`` are keyed by a service or
    ``default`` and replace the service's own; the factors multiply drawn patience and
    handling times.
    """

    label: str = ""
    share: float = 0.0
    share_by_service: dict[str, float] = field(default_factory=dict)
    channel_mix: dict[str, dict[str, float]] = field(default_factory=dict)
    channel_switch: dict[str, dict[str, ChannelSwitchConfig]] = field(default_factory=dict)
    patience_factor: float = 1.0
    handling_factor: float = 1.0


@dataclass
class SkillConfig:
    """One skill (service x channel) of a staff group."""

    rank: int = 1
    speed: float = 1.0
    fcr_probability: float | None = None  # replaces the service's for this group


@dataclass
class ServiceSkillsConfig:
    """The channels on which a staff group handles one service; ``null`` = not on that channel."""

    phone: SkillConfig | None = None
    counter: SkillConfig | None = None
    digital: SkillConfig | None = None
    chat: SkillConfig | None = None


@dataclass
class ShiftConfig:
    """``headcount`` staff present from ``start`` to ``end`` on each of ``days``."""

    days: list[str] = field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    start: str = "08:00"
    end: str = "17:00"
    headcount: int = 1
    shop: str | None = None  # where; null = the group's own ``shop``


@dataclass
class RosterConfig:
    """Who is present: shifts, or a headcount per weekday per interval (both are summed)."""

    shifts: list[ShiftConfig] = field(default_factory=list)
    headcount: dict[str, list[int]] = field(default_factory=dict)
    headcount_by_date: dict[str, list[int]] = field(default_factory=dict)
    works_holidays: bool = False
    # Multiplies the whole roster (shifts, headcount, headcount_by_date, every shop), rounded
    # per interval: a what-if of "10% more staff" without rewriting the shift list.
    headcount_factor: float = 1.0
    # Per weekday, the share (0-0.9) of the rostered staff present but off the queue in each
    # interval (breaks, short meetings): one value per calendar.interval_min from 00:00.
    unavailable_share: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class TrainerConfig:
    """Teaching hours per week taken from ``group`` while a course runs."""

    group: str = ""
    hours_per_week: float = 0.0


@dataclass
class LearningCurveConfig:
    """Speed and resolution on a new skill, as shares of full, rising linearly to 1."""

    start_speed: float = 1.0
    start_fcr: float = 1.0
    full_after_weeks: float | None = None  # from the course's start_date, or
    full_after_contacts: int | None = None  # each member's contacts of the skill


@dataclass
class TrainingConfig:
    """A course: a cohort of the group's members learns ``skills`` from ``start_date`` on."""

    skills: dict[str, ServiceSkillsConfig] = field(default_factory=dict)
    cohort: str | None = None  # courses with the same cohort train the same members
    members: int | None = None  # exactly one of members and share
    share: float | None = None
    start_date: str = ""  # YYYY-MM-DD
    weeks: int = 0
    hours_per_week: float = 0.0  # in class, per member of the cohort
    days: list[str] = field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    class_start: str | None = None  # HH:MM: classes from this time of day (null: day's start)
    trainer: TrainerConfig | None = None
    curve: LearningCurveConfig = field(default_factory=LearningCurveConfig)


@dataclass
class StaffGroupConfig:
    """Staff with the same skills, speed and roster (specialists or multi-skilled)."""

    label: str = ""
    skills: dict[str, ServiceSkillsConfig] = field(default_factory=dict)
    wrapup: DistributionConfig | None = None
    roster: RosterConfig = field(default_factory=RosterConfig)
    shop: str | None = None  # the shop the group works at; null = contact centre / back office
    blend: bool = False  # at a shop, also take phone and digital work when no visitor waits
    department: str | None = None  # a back-office department: works its tasks, no skills
    # Share of the rostered staff on leave per month (jan..dec, 0-0.9); empty = the calendar's.
    leave_by_month: dict[str, float] = field(default_factory=dict)
    # Courses that teach cohorts of the group new skills (scenario/training.py).
    training: list[TrainingConfig] = field(default_factory=list)


@dataclass
class AppointmentDesksConfig:
    """``desks`` desks reserved for appointments from ``start`` to ``end`` on each of ``days``."""

    days: list[str] = field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    start: str = "09:00"
    end: str = "17:00"
    desks: int = 1


@dataclass
class ShopConfig:
    """A city shop (stadswinkel) with desks, opening hours and an appointment book."""

    label: str = ""
    desks: int = 1
    catchment: float = 1.0
    opening_hours: WeekHoursConfig = field(default_factory=WeekHoursConfig)
    open_on_holidays: bool = False
    services: list[str] = field(default_factory=list)  # empty = every counter service
    walk_in: bool = True
    appointment_desks: list[AppointmentDesksConfig] = field(default_factory=list)


@dataclass
class CounterConfig:
    """Norms and visitor behaviour at the shop counters."""

    walk_in_wait_norm_min: float = 15.0
    appointment_wait_norm_min: float = 5.0
    access_norm_working_days: int = 5
    booking_horizon_days: int = 42
    booking_lead_min: float = 60.0
    any_shop: bool = False  # shorthand for slot_choice {any_shop: 1.0}
    # Shares (summing to 1) of how citizens choose a slot: earliest, preferred_weekday,
    # preferred_part_of_day, any_shop. Empty = {earliest: 1.0}.
    slot_choice: dict[str, float] = field(default_factory=dict)
    punctuality: DistributionConfig = field(
        default_factory=lambda: DistributionConfig(kind="deterministic", mean_min=0.0)
    )
    no_show_probability: float = 0.05
    late_tolerance_min: float = 10.0
    late_policy: str = "walk_in"
    balk_queue_length: int | None = None
    balk_expected_wait_min: float | None = None
    balk_probability: float = 1.0
    balk_return_probability: float = 0.0
    balk_switch_probability: float = 0.0
    # A booking request that finds no free slot within the horizon: asks again after some days,
    # walks in instead (where the shop takes walk-ins), or is lost (the rest).
    no_slot_retry_probability: float = 0.0
    no_slot_retry_after_days: float = 7.0
    no_slot_max_retries: int = 3
    no_slot_walk_in_probability: float = 0.0
    overbooking_share: float = 0.0  # book this much more than the slots, against no-shows
    urgent_reserved_share: float = 0.0  # share of daily appointment desk time kept for urgent
    urgent_max_access_working_days: int = 1  # working days: an urgent request's longest access


@dataclass
class CallbackConfig:
    """An outbound call to the citizen when a back-office task is done."""

    probability: float = 0.0
    by: str = "department"
    reach_probability: float = 0.7
    max_attempts: int = 3
    retry_delay: DistributionConfig = field(
        default_factory=lambda: DistributionConfig(kind="deterministic", mean_min=120.0)
    )
    handling: DistributionConfig = field(
        default_factory=lambda: DistributionConfig(kind="lognormal", mean_min=6.0, cv=0.6)
    )
    attempt_min: float = 1.0
    due_working_days: int = 1


@dataclass
class ProcessTimeConfig:
    """Elapsed process time of a task type in working days (not staff time).

    ``kind`` is deterministic (mean_working_days), exponential (mean_working_days), lognormal
    or gamma (mean_working_days, cv) or uniform (low_working_days, high_working_days).
    """

    kind: str = "lognormal"
    mean_working_days: float | None = None
    cv: float | None = None
    low_working_days: float | None = None
    high_working_days: float | None = None


@dataclass
class DepartmentConfig:
    """A back-office department (vakafdeling) and the tasks it processes."""

    label: str = ""
    discipline: str = "fifo"
    lead_time_norm_working_days: int = 10
    tasks: dict[str, DistributionConfig] = field(default_factory=dict)
    callback: CallbackConfig | None = None
    # Per task type: elapsed working days waiting for documents, advice or a statutory term.
    process_time: dict[str, ProcessTimeConfig] = field(default_factory=dict)
    # Per task type: its legal or service term, replacing lead_time_norm_working_days.
    terms_working_days: dict[str, int] = field(default_factory=dict)
    other_work_share: float = 0.0  # share of rostered hours on work no contact caused


@dataclass
class FailureDemandConfig:
    """Citizens chasing late matters: tasks past due, callbacks and e-mails that did not come."""

    task_probability: float = 0.0
    callback_probability: float = 0.0
    digital_probability: float = 0.0
    after_working_days: int = 0
    repeat_working_days: int = 5
    max_chases: int = 1
    channel_mix: dict[str, float] = field(default_factory=lambda: {"phone": 1.0})
    service_for: dict[str, str] = field(default_factory=dict)
    by_department: dict[str, float] = field(default_factory=dict)


@dataclass
class MatterConfig:
    """A persona's scripted matter: its first contact."""

    service: str = ""
    channel: str = "phone"
    day: int = 0
    time: str = "09:00"
    shop: str | None = None
    mode: str | None = None
    note: str = ""


@dataclass
class PersonaConfig:
    """A named citizen a workshop follows through the simulation."""

    label: str = ""
    household: str = ""
    story: str = ""
    # The story in a report language ({nl: ...}); ``story`` where a language has none.
    story_by_language: dict[str, str] = field(default_factory=dict)
    matters: list[MatterConfig] = field(default_factory=list)


@dataclass
class RoutingConfig:
    """How the dispatcher matches waiting contacts and idle staff."""

    policy: str = "specialist_first"
    channel_priority: dict[str, float] = field(
        default_factory=lambda: {"counter": 2.0, "phone": 1.0, "chat": 1.0, "digital": 0.0}
    )
    ageing_per_min: float = 0.0
    # Idle members a group with real-time work keeps free before one takes deferred work.
    deferred_reserve: int = 0
    # Share of a group's members on duty that may be on deferred work at once (1: no cap).
    deferred_max_share: float = 1.0


@dataclass
class CalendarConfig:
    """Simulated dates and the reporting interval."""

    start_date: str = "2027-01-04"
    interval_min: int = 30
    holidays: list[str] = field(default_factory=list)
    # Share of every group's rostered staff on leave per month (jan..dec, 0-0.9; summer leave).
    staff_leave_by_month: dict[str, float] = field(default_factory=dict)


@dataclass
class RunConfig:
    """Horizon, replications, seeds and parallelism of one run."""

    name: str = "klantstroom"
    seed: int = 20261123
    replications: int = 5
    n_jobs: int = 1
    # Where replications run: local (joblib, n_jobs cores) or dask (a cluster at
    # cluster_address; without one a local Dask cluster of n_jobs workers). klantstroom.executors
    executor: str = "local"
    cluster_address: str | None = None
    warmup_days: float = 0.0
    horizon_days: float = 7.0
    progress: bool = True
    label: str = ""  # how reports name the run ("Jaar 1 (2028)"); empty = name
    roadmap_step: int | None = None  # 0 = nulmeting ... n = eindbeeld; null = not a road-map year
    # KPIs per calendar month as well (period YYYY-MM) when the run spans more than one month.
    kpis_by_month: bool = True
    # Every month, also a single one or a few days at either end (a road-map path's stretches,
    # whose months the path pools with the next stretch's: klantstroom.analysis.trajectory).
    every_month: bool = False
    # Named periods with KPIs of their own: {month: may}, {weeks: [18, 21]} or {start:, end:}.
    periods: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The period each channel's norms are judged on (default: the whole run, "run").
    judge_on: dict[str, str] = field(default_factory=dict)


@dataclass
class OutputConfig:
    """What is written into the run's output folder."""

    figures: bool = True
    print_summary: bool = True
    # Also plan the staffing that meets the norms (klantstroom-staff) into the run's folder,
    # with a section in report.html.
    staffing_plan: bool = False
    # Replace an earlier run in the output folder (hydra.run.dir / hydra.sweep.dir reused); a
    # folder that holds a run is refused otherwise, so two runs' files are never mixed.
    overwrite: bool = False


@dataclass
class StaffingConfig:
    """Norms and rules for sizing staff (``klantstroom-staff``)."""

    method: str = "erlang_a"
    max_occupancy: float = 0.85
    max_abandonment: float | None = None
    optimise: bool = True
    replications: int = 5
    confidence: float = 0.95
    # Days simulated per search iteration, and their warm-up (null: the run's own).
    search_horizon_days: float | None = None
    search_warmup_days: float | None = None
    shift_start_earliest: str = "07:00"
    shift_start_latest: str = "14:00"
    shift_start_step_min: int = 30
    shift_lengths_h: list[float] = field(default_factory=lambda: [4.0, 6.0, 8.0])
    break_min: int = 30
    break_from_length_h: float = 5.5
    contract_hours_per_week: float = 36.0
    shrinkage: float = 0.15
    salary_per_fte_per_year: dict[str, float] = field(default_factory=dict)
    compare_skill_mix: bool = True
    # The period of the run the plan sizes (a key of run.periods or a month YYYY-MM); null: all.
    period: str | None = None


@dataclass
class CostsConfig:
    """Prices that turn a run's staff, shops and contacts into euros (``costs.csv``).

    Checked and documented in :mod:`klantstroom.scenario.costs`; scale keys may be written
    7 or "7", so their key type is Any.
    """

    salary_eur_per_month: dict[Any, float] = field(default_factory=dict)
    ikb_share: float = 0.1705
    employer_charges_share: float = 0.32
    scales: dict[str, Any] = field(default_factory=dict)
    default_scale: Any = None
    training_eur_per_hour: float = 0.0
    training_eur_per_trainee: float = 0.0
    desk_eur_per_hour: float = 0.0
    eur_per_contact: dict[str, float] = field(default_factory=dict)


@dataclass
class NormConfig:
    """A service norm on one KPI (``kpis.csv``): at least ``min`` or at most ``max``.

    The keys (channel, shop, department, service) restrict the summary rows it applies to; a key
    left null matches every row. Service-level targets stay on the channels.
    """

    kpi: str = ""
    min: float | None = None
    max: float | None = None
    channel: str | None = None
    shop: str | None = None
    department: str | None = None
    service: str | None = None
    label: str = ""


@dataclass
class ReportConfig:
    """How reports (``report.html``, figures, comparisons) are written."""

    language: str = "en"  # en or nl


@dataclass
class PathStepConfig:
    """From ``from_date`` on, the organisation of the scenario overlay(s) ``scenarios``."""

    scenarios: Any = None  # a scenario name (scenarios/<name>.yaml) or a list of them
    from_date: str = ""  # YYYY-MM-DD


@dataclass
class PathConfig:
    """A road-map path: consecutive stretches, each simulated with its step's organisation.

    Empty ``steps`` (the default) is a plain run. With steps, ``klantstroom`` runs each stretch
    (a step's date to the next step's, clipped to ``from_date`` and ``until_date``) as a run of
    its own and stitches their months into one trajectory (``klantstroom.path_runner``).
    """

    steps: list[PathStepConfig] = field(default_factory=list)
    from_date: str | None = None  # the first day simulated (default: the first step's date)
    until_date: str = ""  # the day after the last day simulated (YYYY-MM-DD)
    label: str = ""  # how reports name the path


@dataclass
class KlantstroomConfig:
    """The whole configuration of a run."""

    run: RunConfig = field(default_factory=RunConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    channels: dict[str, ChannelConfig] = field(default_factory=dict)
    services: dict[str, ServiceConfig] = field(default_factory=dict)
    staff_groups: dict[str, StaffGroupConfig] = field(default_factory=dict)
    shops: dict[str, ShopConfig] = field(default_factory=dict)
    counter: CounterConfig = field(default_factory=CounterConfig)
    departments: dict[str, DepartmentConfig] = field(default_factory=dict)
    personas: dict[str, PersonaConfig] = field(default_factory=dict)
    segments: dict[str, SegmentConfig] = field(default_factory=dict)
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)
    norms: dict[str, NormConfig] = field(default_factory=dict)
    report: ReportConfig = field(default_factory=ReportConfig)
    failure_demand: FailureDemandConfig = field(default_factory=FailureDemandConfig)
    costs: CostsConfig = field(default_factory=CostsConfig)
    path: PathConfig = field(default_factory=PathConfig)
    # Named values a scenario refers to as ${params.<name>}, so that a textbook case exposes its
    # few parameters (rates, servers) for command-line overrides.
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""


def register_configs() -> None:
    """Register the schema in Hydra's ConfigStore as ``klantstroom_schema``."""
    ConfigStore.instance().store(name="klantstroom_schema", node=KlantstroomConfig)
