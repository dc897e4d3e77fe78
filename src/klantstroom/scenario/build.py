"""Turn a composed configuration (a plain dict) into a validated, frozen :class:`Scenario`.

This is the one place where configuration values are checked. Every problem becomes a
:class:`ScenarioError` that names the dotted config key and what is allowed; all problems found
are reported together (:class:`ScenarioErrors`) so a user fixes a config in one pass. The input is
a plain ``dict`` (``OmegaConf.to_container`` of the composed config), so this module needs no
Hydra or OmegaConf and can be tested with literal dicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from klantstroom.scenario.appointments import (
    build_slot_choice,
    build_urgent_max_access,
    build_urgent_reserved_share,
    build_urgent_share,
)
from klantstroom.scenario.checks import (
    INTERVALS_MIN,
    MONTHS,
    WEEKDAYS,
    Checker,
    build_distribution,
    parse_periods,
)
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.failure import build_failure_demand
from klantstroom.scenario.journeys import (
    build_department,
    build_persona,
    build_switches,
    check_back_office,
)
from klantstroom.scenario.norms import build_norm, build_report, check_formulas
from klantstroom.scenario.spec import (
    CHANNELS,
    LATE_POLICIES,
    MINUTES_PER_DAY,
    ROUTING_POLICIES,
    VISIT_MODES,
    CalendarSpec,
    ChannelSpec,
    CounterServiceSpec,
    CounterSpec,
    FollowUpSpec,
    IntradayProfile,
    Period,
    RedialSpec,
    RoutingSpec,
    RunSpec,
    Scenario,
    ServiceSpec,
    ShopSpec,
    SkillSpec,
    StaffGroupSpec,
    StaffingSpec,
    staff_at_shop,
)
from klantstroom.scenario.year import (
    after_holiday_dates,
    build_calendar,
    build_run,
    leave_by_month,
    staffing_period,
)


def build_scenario(config: Mapping[str, Any], base_dir: Path | None = None) -> Scenario:
    """Validate a composed configuration and convert it into a frozen :class:`Scenario`.

    Parameters
    ----------
    config : Mapping
        The composed configuration as plain containers (``OmegaConf.to_container(cfg)``).
    base_dir : Path, optional
        Folder that relative file names (empirical distributions) are resolved against;
        defaults to the current working directory.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioErrors
        Listing every invalid value, each with its config key and what is allowed.
    """
    check = Checker()
    base = base_dir if base_dir is not None else Path.cwd()
    calendar = build_calendar(check, config.get("calendar", {}))
    channels = tuple(
        _build_channel(check, name, raw, base, calendar)
        for name, raw in (config.get("channels") or {}).items()
    )
    run = build_run(check, config.get("run", {}), calendar, [c.name for c in channels])
    if not channels:
        check.fail("channels", f"define at least one channel; allowed: {', '.join(CHANNELS)}")
    services = tuple(
        _build_service(check, name, raw, channels, base)
        for name, raw in (config.get("services") or {}).items()
    )
    if not services:
        check.fail("services", "define at least one service")
    shops = tuple(
        _build_shop(check, name, raw, services, calendar.interval_min)
        for name, raw in (config.get("shops") or {}).items()
    )
    shop_names = [shop.name for shop in shops]
    departments = tuple(
        build_department(check, name, raw, services, base)
        for name, raw in (config.get("departments") or {}).items()
    )
    groups = tuple(
        _build_group(
            check,
            name,
            raw,
            services,
            calendar.interval_min,
            base,
            shop_names,
            [d.name for d in departments],
            calendar.staff_leave_by_month,
        )
        for name, raw in (config.get("staff_groups") or {}).items()
    )
    routing = _build_routing(check, config.get("routing", {}))
    staffing = _build_staffing(
        check, config.get("staffing") or {}, [g.name for g in groups], run, config.get("run") or {}
    )
    counter = _build_counter(check, config.get("counter") or {}, base)
    if shops:
        _check_shops(check, channels, services, shops, groups)
    else:
        _check_coverage(check, services, groups)
    check_back_office(check, channels, services, departments, groups)
    check_formulas(check, services, shops, departments)
    personas = tuple(
        build_persona(check, name, raw, services, shops, run.horizon_days)
        for name, raw in (config.get("personas") or {}).items()
    )
    known = {
        "channel": [c.name for c in channels],
        "shop": shop_names,
        "department": [d.name for d in departments],
        "service": [s.name for s in services],
    }
    norms = tuple(
        build_norm(check, name, raw or {}, known)
        for name, raw in (config.get("norms") or {}).items()
    )
    report = build_report(check, config.get("report") or {})
    failure_demand = build_failure_demand(
        check, config.get("failure_demand") or {}, channels, services, departments
    )
    if check.errors:
        raise ScenarioErrors(check.errors)
    return Scenario(
        run=run,
        calendar=calendar,
        channels=channels,
        services=services,
        staff_groups=groups,
        routing=routing,
        description=str(config.get("description") or ""),
        staffing=staffing,
        shops=shops,
        counter=counter,
        departments=departments,
        personas=personas,
        norms=norms,
        report=report,
        failure_demand=failure_demand,
    )


def _date_factors(
    check: Checker, key: str, raw: Mapping[str, Any], calendar: CalendarSpec
) -> tuple[tuple[dt.date, float], ...]:
    """``date_factors``, times ``after_holiday_factor`` on the first working day after a holiday."""
    factors = {
        check.date(f"{key}.date_factors.{day}", day): check.number(
            f"{key}.date_factors.{day}", factor, low=0.0
        )
        for day, factor in (raw.get("date_factors") or {}).items()
    }
    surge = check.number(
        f"{key}.after_holiday_factor", raw.get("after_holiday_factor", 1.0), low=0.0, high=5.0
    )
    if surge != 1.0:
        for date in after_holiday_dates(calendar):
            factors[date] = factors.get(date, 1.0) * surge
    return tuple(sorted(factors.items()))


def _build_channel(
    check: Checker, name: str, raw: Mapping[str, Any], base: Path, calendar: CalendarSpec
) -> ChannelSpec:
    key = f"channels.{name}"
    check.choice(f"channels.{name}", name, CHANNELS)
    hours = raw.get("opening_hours") or {}
    opening = tuple(
        parse_periods(check, f"{key}.opening_hours.{d}", hours.get(d)) for d in WEEKDAYS
    )
    factors_raw = raw.get("weekday_factors") or {}
    factors = tuple(
        check.number(f"{key}.weekday_factors.{d}", factors_raw.get(d, 1.0), low=0.0)
        for d in WEEKDAYS
    )
    intraday = _build_weekly_profiles(check, key, raw, [(opening, factors)])
    patience = None
    if raw.get("patience") is not None:
        patience = build_distribution(check, f"{key}.patience", raw["patience"], base)
    redial_raw = raw.get("redial") or {}
    redial = RedialSpec(
        probability=check.number(
            f"{key}.redial.probability", redial_raw.get("probability", 0.0), low=0.0, high=1.0
        ),
        delay=build_distribution(
            check,
            f"{key}.redial.delay",
            redial_raw.get("delay") or {"kind": "exponential", "mean_min": 15.0},
            base,
        ),
        max_attempts=check.integer(
            f"{key}.redial.max_attempts", redial_raw.get("max_attempts", 3), low=1
        ),
    )
    return ChannelSpec(
        name=name,
        opening=opening,
        open_on_holidays=bool(raw.get("open_on_holidays", False)),
        weekday_factors=factors,
        intraday=intraday,
        daily_volume_cv=check.number(
            f"{key}.daily_volume_cv", raw.get("daily_volume_cv", 0.0), low=0.0
        ),
        date_factors=_date_factors(check, key, raw, calendar),
        patience=patience,
        redial=redial,
        service_level_threshold_min=check.number(
            f"{key}.service_level_threshold_s", raw.get("service_level_threshold_s", 20.0), low=0.0
        )
        / 60.0,
        service_level_target=check.number(
            f"{key}.service_level_target", raw.get("service_level_target", 0.8), low=0.0, high=1.0
        ),
        due_working_days=_only_for(check, name, raw, "due_working_days", 2, 0, "digital"),
        concurrency=_only_for(check, name, raw, "concurrency", 1, 1, "chat"),
    )


def _only_for(
    check: Checker,
    channel: str,
    raw: Mapping[str, Any],
    setting: str,
    default: int,
    low: int,
    only: str,
) -> int:
    """A whole-number setting of ``channel`` that only means something on channel ``only``."""
    key = f"channels.{channel}.{setting}"
    value = check.integer(key, raw.get(setting, default), low=low)
    if value != default and channel != only:
        check.fail(key, f"applies to the {only} channel only; leave it at {default}")
    return value


def _build_profile(check: Checker, key: str, raw: Mapping[str, Any]) -> IntradayProfile:
    start = check.time_of_day(f"{key}.start", raw.get("start", "00:00"))
    interval = check.integer(f"{key}.interval_min", raw.get("interval_min", 30))
    if interval not in INTERVALS_MIN:
        check.fail(f"{key}.interval_min", f"must be one of {INTERVALS_MIN}, got {interval}")
        interval = 30
    shares = tuple(
        check.number(f"{key}.shares[{i}]", value, low=0.0)
        for i, value in enumerate(raw.get("shares") or [])
    )
    if not shares:
        check.fail(f"{key}.shares", "must list at least one share")
    else:
        check.shares(f"{key}.shares", shares)
    if start + len(shares) * interval > MINUTES_PER_DAY:
        check.fail(
            f"{key}.shares",
            f"{len(shares)} intervals of {interval} min from {raw.get('start')} run past midnight",
        )
    return IntradayProfile(start_min=start, interval_min=interval, shares=shares)


def _build_weekly_profiles(
    check: Checker,
    key: str,
    raw: Mapping[str, Any],
    open_days: Sequence[tuple[tuple[tuple[Period, ...], ...], tuple[float, ...]]],
) -> tuple[IntradayProfile | None, ...]:
    """The intraday profile per weekday from ``intraday_profile`` and ``intraday_profile_by_day``.

    ``open_days`` holds (opening periods per weekday, weekday factors) of each channel the
    profiles apply to: a day with opening hours and demand needs a positive share in them.
    """
    default = None
    if raw.get("intraday_profile") is not None:
        default = _build_profile(check, f"{key}.intraday_profile", raw["intraday_profile"])
    by_day = raw.get("intraday_profile_by_day") or {}
    for day in by_day:
        check.choice(f"{key}.intraday_profile_by_day.{day}", day, WEEKDAYS)
    profiles = []
    for index, day in enumerate(WEEKDAYS):
        profile, pkey = default, f"{key}.intraday_profile"
        if by_day.get(day) is not None:
            pkey = f"{key}.intraday_profile_by_day.{day}"
            profile = _build_profile(check, pkey, by_day[day])
        for opening, factors in open_days:
            if profile is not None and opening[index] and factors[index] > 0:
                _check_profile_covers_opening(check, pkey, profile, day, opening[index])
        profiles.append(profile)
    return tuple(profiles)


def _check_profile_covers_opening(
    check: Checker, key: str, profile: IntradayProfile, day: str, periods: tuple[Period, ...]
) -> None:
    """A day with opening hours and demand needs a positive share within those hours."""
    covered = any(
        share > 0
        and min(period.end_min, profile.start_min + (k + 1) * profile.interval_min)
        > max(period.start_min, profile.start_min + k * profile.interval_min)
        for k, share in enumerate(profile.shares)
        for period in periods
    )
    if not covered:
        check.fail(
            key,
            f"has no positive share within the opening hours of {day}: that day's demand "
            "would be lost (set its weekday factor to 0 if it has no demand)",
        )


def _build_service(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    channel_specs: Sequence[ChannelSpec],
    base: Path,
) -> ServiceSpec:
    key = f"services.{name}"
    channels = [c.name for c in channel_specs]
    volume, rate = raw.get("volume_per_year"), raw.get("rate_per_hour")
    if (volume is None) == (rate is None):
        check.fail(key, "set exactly one of volume_per_year and rate_per_hour")
    if volume is not None:
        volume = check.number(f"{key}.volume_per_year", volume, low=0.0)
    if rate is not None:
        rate = check.number(f"{key}.rate_per_hour", rate, low=0.0)
    mix_raw = raw.get("channel_mix") or {}
    if not mix_raw:
        check.fail(
            f"{key}.channel_mix", f"give a share per channel; channels: {', '.join(channels)}"
        )
    mix = []
    for channel, share in mix_raw.items():
        check.choice(f"{key}.channel_mix.{channel}", channel, channels)
        mix.append(
            (channel, check.number(f"{key}.channel_mix.{channel}", share, low=0.0, high=1.0))
        )
    if mix_raw:
        check.shares(f"{key}.channel_mix", mix_raw)
    handling_raw = raw.get("handling") or {}
    handling = []
    for channel, dist in handling_raw.items():
        check.choice(f"{key}.handling.{channel}", channel, channels)
        handling.append(
            (channel, build_distribution(check, f"{key}.handling.{channel}", dist, base))
        )
    for channel, share in mix:
        if share > 0 and channel not in handling_raw:
            check.fail(f"{key}.handling.{channel}", "missing: the channel mix sends contacts there")
    with_demand = {channel for channel, share in mix if share > 0}
    intraday = _build_weekly_profiles(
        check,
        key,
        raw,
        [(c.opening, c.weekday_factors) for c in channel_specs if c.name in with_demand],
    )
    return ServiceSpec(
        name=name,
        label=str(raw.get("label") or name),
        volume_per_year=volume,
        rate_per_hour=rate,
        channel_mix=tuple(mix),
        handling=tuple(handling),
        fcr_probability=check.number(
            f"{key}.fcr_probability", raw.get("fcr_probability", 1.0), low=0.0, high=1.0
        ),
        priority=check.number(f"{key}.priority", raw.get("priority", 0.0)),
        patience=None
        if raw.get("patience") is None
        else build_distribution(check, f"{key}.patience", raw["patience"], base),
        intraday=intraday if any(p is not None for p in intraday) else (),
        counter=_build_counter_service(check, f"{key}.counter", raw.get("counter") or {}),
        fcr_by_channel=tuple(
            (
                check.choice(f"{key}.fcr_by_channel.{channel}", channel, sorted(with_demand)),
                check.number(f"{key}.fcr_by_channel.{channel}", p, low=0.0, high=1.0),
            )
            for channel, p in (raw.get("fcr_by_channel") or {}).items()
        ),
        due_working_days=None
        if raw.get("due_working_days") is None
        else check.integer(f"{key}.due_working_days", raw["due_working_days"], low=0),
        switches=build_switches(check, key, raw.get("channel_switch") or {}, with_demand, base),
        journey_norm_working_days=check.integer(
            f"{key}.journey_norm_working_days", raw.get("journey_norm_working_days", 10), low=0
        ),
        formula=None if raw.get("formula") is None else str(raw["formula"]),
        month_factors=_build_month_factors(check, f"{key}.month_factors", raw),
        year_factors=_build_year_factors(check, f"{key}.year_factors", raw),
    )


def _build_month_factors(check: Checker, key: str, raw: Mapping[str, Any]) -> tuple[float, ...]:
    given = raw.get("month_factors") or {}
    if not given:
        return ()
    if raw.get("rate_per_hour") is not None:
        check.fail(key, "shapes volume_per_year; a service with rate_per_hour cannot have it")
    for month in given:
        check.choice(f"{key}.{month}", month, MONTHS)
    # A month left out keeps factor 1, so a peak can be written as {may: 1.4, jun: 1.4}.
    factors = tuple(
        check.number(f"{key}.{month}", given.get(month, 1.0), low=0.0) for month in MONTHS
    )
    if sum(factors) <= 0:
        check.fail(key, "at least one month must have a factor above 0")
    return factors


def _build_year_factors(
    check: Checker, key: str, raw: Mapping[str, Any]
) -> tuple[tuple[int, float], ...]:
    result = []
    if raw.get("year_factors") and raw.get("rate_per_hour") is not None:
        check.fail(key, "scales volume_per_year; a service with rate_per_hour cannot have it")
    for year, factor in (raw.get("year_factors") or {}).items():
        text = str(year)
        if not (text.isdigit() and 1900 <= int(text) <= 2200):
            check.fail(f"{key}.{year}", f"must be a calendar year such as 2027, got {year!r}")
            continue
        result.append((int(text), check.number(f"{key}.{year}", factor, low=0.0)))
    return tuple(sorted(result))


def _build_counter_service(check: Checker, key: str, raw: Mapping[str, Any]) -> CounterServiceSpec:
    follow = None
    if raw.get("follow_up") is not None:
        f = raw["follow_up"]
        fkey = f"{key}.follow_up"
        follow = FollowUpSpec(
            service=str(f.get("service") or ""),
            after_working_days=check.integer(
                f"{fkey}.after_working_days", f.get("after_working_days", 5), low=0
            ),
            probability=check.number(
                f"{fkey}.probability", f.get("probability", 1.0), low=0.0, high=1.0
            ),
            mode=check.choice(f"{fkey}.mode", f.get("mode", "walk_in"), VISIT_MODES),
        )
    return CounterServiceSpec(
        appointment_share=check.number(
            f"{key}.appointment_share", raw.get("appointment_share", 0.0), low=0.0, high=1.0
        ),
        slot_min=check.number(f"{key}.slot_min", raw.get("slot_min", 15.0), low=0.0, low_open=True),
        follow_up=follow,
        urgent_share=build_urgent_share(check, key, raw),
    )


def _build_shop(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    services: tuple[ServiceSpec, ...],
    interval_min: int,
) -> ShopSpec:
    key = f"shops.{name}"
    hours = raw.get("opening_hours") or {}
    opening = tuple(
        parse_periods(check, f"{key}.opening_hours.{d}", hours.get(d)) for d in WEEKDAYS
    )
    counter_services = [s.name for s in services if s.share("counter") > 0]
    offered = [str(s) for s in (raw.get("services") or [])] or counter_services
    for i, service in enumerate(raw.get("services") or []):
        if service not in counter_services:
            check.fail(
                f"{key}.services[{i}]",
                f"{service!r} is not a service with counter demand; allowed: "
                f"{', '.join(counter_services) or '(none: give a service a counter share)'}",
            )
    desks = check.integer(f"{key}.desks", raw.get("desks", 1), low=1)
    reserved = _sum_blocks(
        check, f"{key}.appointment_desks", raw.get("appointment_desks") or [], interval_min, "desks"
    )
    for day, (row, periods) in enumerate(zip(reserved, opening, strict=True)):
        if any(count > desks for count in row):
            check.fail(
                f"{key}.appointment_desks",
                f"reserves {max(row)} desks on {WEEKDAYS[day]}, more than the shop's {desks}",
            )
        for slot, count in enumerate(row):
            lo, hi = slot * interval_min, (slot + 1) * interval_min
            if count and not any(p.start_min <= lo and hi <= p.end_min for p in periods):
                check.fail(
                    f"{key}.appointment_desks",
                    f"reserves desks on {WEEKDAYS[day]} at {lo // 60:02d}:{lo % 60:02d}, "
                    "outside the shop's opening hours",
                )
                break
    walk_in = bool(raw.get("walk_in", True))
    if not walk_in and not any(any(row) for row in reserved):
        check.fail(
            f"{key}.walk_in",
            "the shop takes no walk-ins and has no appointment_desks: nobody could come",
        )
    return ShopSpec(
        name=name,
        label=str(raw.get("label") or name),
        desks=desks,
        catchment=check.number(f"{key}.catchment", raw.get("catchment", 1.0), low=0.0),
        opening=opening,
        open_on_holidays=bool(raw.get("open_on_holidays", False)),
        services=tuple(s for s in offered if s in counter_services),
        walk_in=walk_in,
        appointment_desks=reserved,
    )


def _build_counter(check: Checker, raw: Mapping[str, Any], base: Path) -> CounterSpec:
    key = "counter"
    d = CounterSpec()

    def optional_number(name: str, default: float | None, *, whole: bool = False) -> Any:
        value = raw.get(name, default)
        if value is None:
            return None
        if whole:
            return check.integer(f"{key}.{name}", value, low=1)
        return check.number(f"{key}.{name}", value, low=0.0)

    def probability(name: str, default: float) -> float:
        return check.number(f"{key}.{name}", raw.get(name, default), low=0.0, high=1.0)

    def non_negative(name: str) -> float:
        return check.number(f"{key}.{name}", raw.get(name, getattr(d, name)), low=0.0)

    def whole(name: str, low: int) -> int:
        return check.integer(f"{key}.{name}", raw.get(name, getattr(d, name)), low=low)

    def bounded(name: str, low: float, high: float, *, low_open: bool = False) -> float:
        value = raw.get(name, getattr(d, name))
        return check.number(f"{key}.{name}", value, low=low, high=high, low_open=low_open)

    spec = CounterSpec(
        walk_in_wait_norm_min=non_negative("walk_in_wait_norm_min"),
        appointment_wait_norm_min=non_negative("appointment_wait_norm_min"),
        access_norm_working_days=whole("access_norm_working_days", 0),
        booking_horizon_days=whole("booking_horizon_days", 1),
        booking_lead_min=non_negative("booking_lead_min"),
        slot_choice=build_slot_choice(check, key, raw),
        punctuality=build_distribution(
            check,
            f"{key}.punctuality",
            raw.get("punctuality") or {"kind": "deterministic", "mean_min": 0.0},
            base,
            signed=True,
        ),
        no_show_probability=probability("no_show_probability", d.no_show_probability),
        late_tolerance_min=non_negative("late_tolerance_min"),
        late_policy=check.choice(
            f"{key}.late_policy", raw.get("late_policy", d.late_policy), LATE_POLICIES
        ),
        balk_queue_length=optional_number("balk_queue_length", None, whole=True),
        balk_expected_wait_min=optional_number("balk_expected_wait_min", None),
        balk_probability=probability("balk_probability", d.balk_probability),
        balk_return_probability=probability("balk_return_probability", d.balk_return_probability),
        balk_switch_probability=probability("balk_switch_probability", d.balk_switch_probability),
        no_slot_retry_probability=probability(
            "no_slot_retry_probability", d.no_slot_retry_probability
        ),
        no_slot_retry_after_days=bounded("no_slot_retry_after_days", 0.0, 365.0, low_open=True),
        no_slot_max_retries=whole("no_slot_max_retries", 0),
        no_slot_walk_in_probability=probability(
            "no_slot_walk_in_probability", d.no_slot_walk_in_probability
        ),
        # Above one half the book would hold more than twice its slots: a unit mistake, not a
        # policy (no-show rates reach 30-40% only without reminders, domain.md row 21).
        overbooking_share=bounded("overbooking_share", 0.0, 0.5),
        urgent_reserved_share=build_urgent_reserved_share(check, key, raw),
        urgent_max_access_working_days=build_urgent_max_access(check, key, raw),
    )
    # Choices after one event (no slot; balking) whose probabilities share one draw.
    for first, second in (
        ("no_slot_retry_probability", "no_slot_walk_in_probability"),
        ("balk_return_probability", "balk_switch_probability"),
    ):
        total = getattr(spec, first) + getattr(spec, second)
        if total > 1.0 + 1e-9:
            check.fail(f"{key}.{second}", f"{first} + {second} must be <= 1, got {total:.3f}")
    return spec


def _build_group(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    services: tuple[ServiceSpec, ...],
    interval_min: int,
    base: Path,
    shops: Sequence[str] = (),
    departments: Sequence[str] = (),
    leave: tuple[float, ...] = (),
) -> StaffGroupSpec:
    key = f"staff_groups.{name}"
    service_names = [s.name for s in services]
    skills = []
    for service, per_channel in (raw.get("skills") or {}).items():
        check.choice(f"{key}.skills.{service}", service, service_names)
        for channel, skill in (per_channel or {}).items():
            if skill is None:
                continue
            skey = f"{key}.skills.{service}.{channel}"
            fcr = skill.get("fcr_probability")
            skills.append(
                SkillSpec(
                    service=service,
                    channel=channel,
                    rank=check.integer(f"{skey}.rank", skill.get("rank", 1), low=1),
                    speed=check.number(
                        f"{skey}.speed", skill.get("speed", 1.0), low=0.0, low_open=True
                    ),
                    fcr_probability=None
                    if fcr is None
                    else check.number(f"{skey}.fcr_probability", fcr, low=0.0, high=1.0),
                )
            )
    department = raw.get("department")
    if department is not None:
        department = check.choice(f"{key}.department", department, departments)
        if skills:
            check.fail(
                f"{key}.skills",
                "a department's group works the department's tasks and callbacks; give it no "
                "front-office skills (make a separate group for those)",
            )
        if raw.get("shop") is not None:
            check.fail(f"{key}.shop", "a department's group works in the back office, not a shop")
    elif not skills:
        check.fail(
            f"{key}.skills",
            "give the group at least one skill (service x channel), or a department",
        )
    if raw.get("shop") is not None and any(k.channel == "chat" for k in skills):
        check.fail(
            f"{key}.skills",
            "chat is handled by contact-centre groups: a group at a shop cannot have chat skills",
        )
    wrapup = None
    if raw.get("wrapup") is not None:
        wrapup = build_distribution(check, f"{key}.wrapup", raw["wrapup"], base)
    roster = raw.get("roster") or {}
    home = raw.get("shop")
    if home is not None:
        home = check.choice(f"{key}.shop", home, shops)
    places = []
    for i, shift in enumerate(roster.get("shifts") or []):
        place = shift.get("shop")
        if place is not None:
            place = check.choice(f"{key}.roster.shifts[{i}].shop", place, shops)
        if place is not None and place != home and place not in places:
            places.append(place)
    own_leave = leave_by_month(check, f"{key}.leave_by_month", raw.get("leave_by_month"))
    return StaffGroupSpec(
        name=name,
        label=str(raw.get("label") or name),
        leave_by_month=own_leave or leave,
        department=department,
        skills=tuple(skills),
        wrapup=wrapup,
        shop=home,
        blend=bool(raw.get("blend", False)),
        deployments=tuple(
            (place, _build_headcount(check, f"{key}.roster", roster, interval_min, place, home))
            for place in places
        ),
        headcount=_build_headcount(check, f"{key}.roster", roster, interval_min, home, home),
        works_holidays=bool(roster.get("works_holidays", False)),
        headcount_by_date=tuple(
            (
                check.date(f"{key}.roster.headcount_by_date.{day}", day),
                _headcount_row(
                    check, f"{key}.roster.headcount_by_date.{day}", counts, interval_min
                ),
            )
            for day, counts in (roster.get("headcount_by_date") or {}).items()
        ),
    )


def _build_headcount(
    check: Checker,
    key: str,
    roster: Mapping[str, Any],
    interval_min: int,
    place: str | None = None,
    home: str | None = None,
) -> tuple[tuple[int, ...], ...]:
    """Sum shifts and explicit headcounts into staff present per weekday x interval at ``place``.

    A shift without its own ``shop`` is at the group's ``home``; explicit headcounts are always at
    home. Each shift is validated once: with the home location.
    """
    shifts = [
        (i, shift)
        for i, shift in enumerate(roster.get("shifts") or [])
        if (shift.get("shop") or home) == place
    ]
    if place != home:
        return tuple(
            tuple(row)
            for row in _sum_blocks(
                Checker(), key, [s for _, s in shifts], interval_min, "headcount"
            )
        )
    grid = [
        list(row)
        for row in _sum_blocks(
            check,
            f"{key}.shifts",
            [s for _, s in shifts],
            interval_min,
            "headcount",
            [i for i, _ in shifts],
        )
    ]
    for day, counts in (roster.get("headcount") or {}).items():
        hkey = f"{key}.headcount.{day}"
        check.choice(hkey, day, WEEKDAYS)
        if day in WEEKDAYS:
            row = grid[WEEKDAYS.index(day)]
            for slot, count in enumerate(_headcount_row(check, hkey, counts, interval_min)):
                row[slot] += count
    return tuple(tuple(row) for row in grid)


def _sum_blocks(
    check: Checker,
    key: str,
    blocks: Sequence[Mapping[str, Any]],
    interval_min: int,
    count_key: str,
    numbers: Sequence[int] | None = None,
) -> tuple[tuple[int, ...], ...]:
    """Sum blocks ``{days, start, end, <count_key>}`` into a count per weekday x interval.

    Used for shifts (headcount) and for desks reserved for appointments. ``numbers`` are the
    blocks' positions in the config list, for error keys (default 0, 1, ...).
    """
    n_intervals = MINUTES_PER_DAY // interval_min
    grid = [[0] * n_intervals for _ in WEEKDAYS]
    for j, block in enumerate(blocks):
        bkey = f"{key}[{numbers[j] if numbers is not None else j}]"
        start = check.time_of_day(f"{bkey}.start", block.get("start", "08:00"))
        end = check.time_of_day(f"{bkey}.end", block.get("end", "17:00"))
        count = check.integer(f"{bkey}.{count_key}", block.get(count_key, 1), low=0)
        if end <= start:
            check.fail(f"{bkey}.end", f"must be after start ({block.get('start')})")
        if start % interval_min or end % interval_min:
            check.fail(
                bkey,
                f"start and end must be on the {interval_min}-minute grid (calendar.interval_min)",
            )
        for day in block.get("days") or []:
            check.choice(f"{bkey}.days", day, WEEKDAYS)
            if day in WEEKDAYS:
                row = grid[WEEKDAYS.index(day)]
                for slot in range(start // interval_min, end // interval_min):
                    row[slot] += count
    return tuple(tuple(row) for row in grid)


def _headcount_row(
    check: Checker, key: str, counts: Sequence[Any], interval_min: int
) -> tuple[int, ...]:
    """A headcount per interval of one day: one whole number >= 0 per interval from 00:00."""
    n_intervals = MINUTES_PER_DAY // interval_min
    if len(counts) != n_intervals:
        check.fail(
            key,
            f"needs {n_intervals} values (one per {interval_min} min from 00:00), "
            f"got {len(counts)}",
        )
        return (0,) * n_intervals
    return tuple(check.integer(f"{key}[{slot}]", count, low=0) for slot, count in enumerate(counts))


def _build_routing(check: Checker, raw: Mapping[str, Any]) -> RoutingSpec:
    policy = check.choice("routing.policy", raw.get("policy", "specialist_first"), ROUTING_POLICIES)
    priorities = []
    for channel, value in (raw.get("channel_priority") or {}).items():
        check.choice(f"routing.channel_priority.{channel}", channel, CHANNELS)
        priorities.append((channel, check.number(f"routing.channel_priority.{channel}", value)))
    return RoutingSpec(
        policy=policy,
        channel_priority=tuple(priorities),
        ageing_per_min=check.number(
            "routing.ageing_per_min", raw.get("ageing_per_min", 0.0), low=0.0
        ),
        deferred_reserve=check.integer(
            "routing.deferred_reserve", raw.get("deferred_reserve", 0), low=0
        ),
        deferred_max_share=check.number(
            "routing.deferred_max_share",
            raw.get("deferred_max_share", 1.0),
            low=0.0,
            high=1.0,
            low_open=True,
        ),
    )


def _build_staffing(
    check: Checker,
    raw: Mapping[str, Any],
    groups: list[str],
    run: RunSpec,
    run_raw: Mapping[str, Any],
) -> StaffingSpec:
    key = "staffing"
    method = check.choice(f"{key}.method", raw.get("method", "erlang_a"), ("erlang_a", "erlang_c"))
    earliest = check.time_of_day(
        f"{key}.shift_start_earliest", raw.get("shift_start_earliest", "07:00")
    )
    latest = check.time_of_day(f"{key}.shift_start_latest", raw.get("shift_start_latest", "14:00"))
    step = check.integer(f"{key}.shift_start_step_min", raw.get("shift_start_step_min", 30), low=1)
    if latest < earliest:
        check.fail(f"{key}.shift_start_latest", "must not be before shift_start_earliest")
    lengths = [
        check.number(f"{key}.shift_lengths_h[{i}]", h, low=0.0, high=24.0, low_open=True)
        for i, h in enumerate(raw.get("shift_lengths_h") or [4.0, 6.0, 8.0])
    ]
    abandonment = raw.get("max_abandonment")
    salaries = []
    for group, salary in (raw.get("salary_per_fte_per_year") or {}).items():
        check.choice(f"{key}.salary_per_fte_per_year.{group}", group, groups)
        salaries.append(
            (str(group), check.number(f"{key}.salary_per_fte_per_year.{group}", salary, low=0.0))
        )
    return StaffingSpec(
        period=staffing_period(check, raw.get("period"), run, run_raw),
        method=method,
        max_occupancy=check.number(
            f"{key}.max_occupancy", raw.get("max_occupancy", 0.85), low=0.0, high=1.0, low_open=True
        ),
        max_abandonment=None
        if abandonment is None
        else check.number(f"{key}.max_abandonment", abandonment, low=0.0, high=1.0),
        optimise=bool(raw.get("optimise", True)),
        replications=check.integer(f"{key}.replications", raw.get("replications", 5), low=2),
        confidence=check.number(
            f"{key}.confidence", raw.get("confidence", 0.95), low=0.5, high=0.999
        ),
        search_horizon_days=None
        if raw.get("search_horizon_days") is None
        else check.number(
            f"{key}.search_horizon_days", raw["search_horizon_days"], low=0.0, low_open=True
        ),
        search_warmup_days=None
        if raw.get("search_warmup_days") is None
        else check.number(f"{key}.search_warmup_days", raw["search_warmup_days"], low=0.0),
        shift_starts_min=tuple(range(earliest, latest + 1, max(step, 1))),
        shift_lengths_min=tuple(round(h * 60) for h in lengths),
        break_min=check.integer(f"{key}.break_min", raw.get("break_min", 30), low=0),
        break_from_length_min=round(
            60
            * check.number(
                f"{key}.break_from_length_h", raw.get("break_from_length_h", 5.5), low=0.0
            )
        ),
        contract_hours_per_week=check.number(
            f"{key}.contract_hours_per_week",
            raw.get("contract_hours_per_week", 36.0),
            low=0.0,
            low_open=True,
        ),
        shrinkage=check.number(f"{key}.shrinkage", raw.get("shrinkage", 0.15), low=0.0, high=0.95),
        salary_per_fte_per_year=tuple(salaries),
        compare_skill_mix=bool(raw.get("compare_skill_mix", True)),
    )


def _check_coverage(
    check: Checker,
    services: tuple[ServiceSpec, ...],
    groups: tuple[StaffGroupSpec, ...],
    skip_channel: str | None = None,
) -> None:
    """Every service x channel with demand needs a staff group with that skill and some staff.

    ``skip_channel`` is checked elsewhere (the counter with shops: per shop).
    """
    for service in services:
        for channel, share in service.channel_mix:
            if share <= 0 or channel == skip_channel:
                continue
            able = [
                g.name
                for g in groups
                if any(s.service == service.name and s.channel == channel for s in g.skills)
            ]
            if not able:
                check.fail(
                    f"services.{service.name}.channel_mix.{channel}",
                    f"no staff group has the skill {service.name} on {channel}; add it under "
                    f"staff_groups.<group>.skills.{service.name}.{channel}",
                )
            elif all(g.max_headcount == 0 for g in groups if g.name in able):
                check.fail(
                    f"services.{service.name}.channel_mix.{channel}",
                    f"the groups with this skill ({', '.join(able)}) have no staff in their roster",
                )


def _check_shops(
    check: Checker,
    channels: tuple[ChannelSpec, ...],
    services: tuple[ServiceSpec, ...],
    shops: tuple[ShopSpec, ...],
    groups: tuple[StaffGroupSpec, ...],
) -> None:
    """With shops: counter demand goes to shops, and every shop needs staff with the skills."""
    if "counter" not in [c.name for c in channels]:
        check.fail("shops", "shops need a counter channel: add channels.counter")
    if sum(shop.catchment for shop in shops) <= 0:
        check.fail("shops", "the catchment shares of the shops are all 0")
    # Phone and digital demand: as without shops (groups at the contact centre or blending).
    _check_coverage(check, services, groups, skip_channel="counter")
    service_of = {s.name: s for s in services}
    for service in services:
        if service.share("counter") <= 0:
            continue
        key = f"services.{service.name}.channel_mix.counter"
        offering = [shop for shop in shops if service.name in shop.services]
        if not offering:
            check.fail(key, "no shop offers this service; add it to shops.<shop>.services")
        for shop in offering:
            staffed = [
                g.name
                for g in groups
                if any(k.service == service.name and k.channel == "counter" for k in g.skills)
                and _headcount_at(g, shop.name) > 0
            ]
            if not staffed:
                check.fail(
                    f"shops.{shop.name}.services",
                    f"nobody at this shop can serve {service.name!r}: give a staff group "
                    f"working here (staff_groups.<group>.shop or a shift's shop) the skill "
                    f"skills.{service.name}.counter",
                )
        follow = service.counter.follow_up
        if follow is None:
            continue
        fkey = f"services.{service.name}.counter.follow_up"
        target = service_of.get(follow.service)
        if target is None or target.share("counter") <= 0:
            allowed = [s.name for s in services if s.share("counter") > 0]
            check.fail(
                f"{fkey}.service",
                f"must be a service with counter demand (channel_mix.counter > 0; its "
                f"volume_per_year may be 0), got {follow.service!r}; allowed: {', '.join(allowed)}",
            )
            continue
        for shop in offering:
            if follow.service not in shop.services:
                check.fail(
                    f"{fkey}.service",
                    f"shop {shop.name!r} offers {service.name!r} but not its follow-up "
                    f"{follow.service!r}; add it to shops.{shop.name}.services",
                )
            elif follow.mode == "appointment" and not shop.appointments:
                check.fail(
                    f"{fkey}.mode",
                    f"shop {shop.name!r} has no appointment_desks for appointment follow-ups",
                )
    for shop in shops:
        _check_appointment_staff(check, shop, groups)
    for group in groups:
        counter_skills = [k for k in group.skills if k.channel == "counter"]
        if counter_skills and group.shop is None and not group.deployments:
            check.fail(
                f"staff_groups.{group.name}.shop",
                "the group has counter skills but works at no shop; set its shop "
                f"(one of {', '.join(s.name for s in shops)}) or a shift's shop",
            )


def _check_appointment_staff(
    check: Checker, shop: ShopSpec, groups: tuple[StaffGroupSpec, ...]
) -> None:
    """Reserved appointment desks need staff rostered at the shop at that time.

    Slots are booked per reserved desk; where fewer staff are rostered than desks reserved,
    booked visitors would wait for people who are not there, and the run would look like an
    appointment problem rather than the roster mistake it is.
    """
    present = [
        staff_at_shop(groups, shop.name, day, len(row))
        for day, row in enumerate(shop.appointment_desks)
    ]
    short = [
        (day, k, desks, present[day][k])
        for day, row in enumerate(shop.appointment_desks)
        for k, desks in enumerate(row)
        if desks > present[day][k]
    ]
    if short:
        day, k, desks, staff = short[0]
        minutes = k * 24 * 60 // len(shop.appointment_desks[day])
        more = f" (and {len(short) - 1} more interval(s))" if len(short) > 1 else ""
        check.fail(
            f"shops.{shop.name}.appointment_desks",
            f"reserves {desks} desk(s) on {WEEKDAYS[day]} at {minutes // 60:02d}:{minutes % 60:02d}"
            f" but only {staff} staff are rostered at the shop then{more}; booked visitors would"
            " wait for nobody: reserve fewer desks or roster more staff there",
        )


def _headcount_at(group: StaffGroupSpec, shop: str) -> int:
    """The most staff of ``group`` present at ``shop`` at any time."""
    if group.shop == shop:
        return group.home_max_headcount
    return sum(
        max((max(row) for row in grid if row), default=0)
        for place, grid in group.deployments
        if place == shop
    )
