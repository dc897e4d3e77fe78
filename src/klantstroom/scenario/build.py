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
    build_urgent_share,
)
from klantstroom.scenario.checks import (
    INTERVALS_MIN,
    MAX_HANDLING_FACTOR,
    MAX_RATE_PER_HOUR,
    MAX_VOLUME_PER_YEAR,
    MONTHS,
    WEEKDAYS,
    Checker,
    build_distribution,
    parse_periods,
)
from klantstroom.scenario.costs import build_costs
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.failure import build_failure_demand
from klantstroom.scenario.journeys import (
    build_department,
    build_persona,
    build_switches,
    check_back_office,
)
from klantstroom.scenario.norms import build_norm, build_report, check_formulas
from klantstroom.scenario.segments import build_segments
from klantstroom.scenario.shops import build_counter, build_shop, check_shops
from klantstroom.scenario.spec import (
    CHANNELS,
    HOURS_PER_DAY,
    MINUTES_PER_DAY,
    VISIT_MODES,
    CalendarSpec,
    ChannelSpec,
    CounterServiceSpec,
    FollowUpSpec,
    IntradayProfile,
    Period,
    RedialSpec,
    Scenario,
    ServiceSpec,
)
from klantstroom.scenario.staff import build_group, build_routing, build_staffing, check_coverage
from klantstroom.scenario.training import build_training
from klantstroom.scenario.year import (
    after_holiday_dates,
    build_calendar,
    build_run,
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
    # Segments replace each service's mix by the mix its citizens use, before any check of
    # the channels with demand (opening hours, staff, shops).
    segments, services = build_segments(
        check, config.get("segments") or {}, services, channels, base
    )
    _check_open_with_demand(check, channels, services)
    shops = tuple(
        build_shop(check, name, raw, services, calendar.interval_min)
        for name, raw in (config.get("shops") or {}).items()
    )
    shop_names = [shop.name for shop in shops]
    departments = tuple(
        build_department(check, name, raw, services, base)
        for name, raw in (config.get("departments") or {}).items()
    )
    groups = tuple(
        build_group(
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
    routing = build_routing(check, config.get("routing", {}))
    staffing = build_staffing(
        check, config.get("staffing") or {}, [g.name for g in groups], run, config.get("run") or {}
    )
    groups = build_training(
        check, config.get("staff_groups") or {}, groups, services, staffing, calendar, run
    )
    counter = build_counter(check, config.get("counter") or {}, base)
    if shops:
        check_shops(check, channels, services, shops, groups)
    else:
        check_coverage(check, services, groups)
    check_back_office(check, channels, services, departments, groups)
    check_formulas(check, services, shops, departments)
    language = str((config.get("report") or {}).get("language") or "en")
    personas = tuple(
        build_persona(check, name, raw, services, shops, run.horizon_days, language)
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
    costs = build_costs(
        check,
        config.get("costs") or {},
        [g.name for g in groups],
        [c.name for c in channels],
        staffing,
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
        costs=costs,
        segments=segments,
    )


def _check_open_with_demand(
    check: Checker, channels: Sequence[ChannelSpec], services: Sequence[ServiceSpec]
) -> None:
    """A channel that services send contacts to must be open on a day that has demand.

    The demand model spreads a year's volume over the open days in proportion to their weekday
    factors; with no such day it has nowhere to put it, and those contacts would silently never
    arrive. That is an error, not a warning: the run's KPIs would describe a smaller municipality.
    """
    for channel in channels:
        senders = [s for s in services if s.share(channel.name) > 0]
        if not senders:
            continue
        by_volume = [s.name for s in senders if s.rate_per_hour is None]
        open_days = [day for day, periods in enumerate(channel.opening) if periods]
        key = f"channels.{channel.name}.opening_hours"
        if not open_days:
            check.fail(
                key,
                f"the channel is never open, but {', '.join(s.name for s in senders)} send "
                "contacts to it (channel_mix): open it on at least one day, or set their share "
                "to 0",
            )
        elif by_volume and all(channel.weekday_factors[day] <= 0 for day in open_days):
            check.fail(
                f"channels.{channel.name}.weekday_factors",
                f"is 0 on every day the channel is open, so the volume of "
                f"{', '.join(by_volume)} would be lost: give an open day a factor above 0",
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
    check.name(key, name, "service", from_data=True)
    channels = [c.name for c in channel_specs]
    volume, rate = raw.get("volume_per_year"), raw.get("rate_per_hour")
    if (volume is None) == (rate is None):
        check.fail(key, "set exactly one of volume_per_year and rate_per_hour")
    if volume is not None:
        volume = check.number(f"{key}.volume_per_year", volume, low=0.0, high=MAX_VOLUME_PER_YEAR)
    if rate is not None:
        rate = check.number(f"{key}.rate_per_hour", rate, low=0.0, high=MAX_RATE_PER_HOUR)
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
    handled = [channel for channel in handling_raw if channel in channels]
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
        handling_by_hour=_build_handling_by_hour(
            check, f"{key}.handling_by_hour", raw.get("handling_by_hour"), handled
        ),
        handling_by_weekday=_build_handling_by_weekday(
            check, f"{key}.handling_by_weekday", raw.get("handling_by_weekday"), handled
        ),
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


def _handling_factor(check: Checker, key: str, value: Any) -> float:
    """One multiplier of a handling time: above 0 (a service takes time) and at most 10."""
    return check.number(key, value, low=0.0, high=MAX_HANDLING_FACTOR, low_open=True)


def _handling_channels(
    check: Checker, key: str, given: Any, handled: Sequence[str], what: str
) -> list[tuple[str, Any]]:
    """(channel, value) of a per-channel factor setting, for the channels with handling times.

    A channel without a handling time has nothing to multiply: naming it is a mistake (a
    misspelt channel, or factors for a channel the service does not use), not a no-op.
    """
    if not given:
        return []
    if not isinstance(given, Mapping):
        check.fail(key, f"must map channels to {what}, got {given!r}")
        return []
    found = []
    for channel, value in given.items():
        if channel in handled:
            found.append((str(channel), value))
        else:
            allowed = ", ".join(handled) or "none (the service has no handling times)"
            check.fail(
                f"{key}.{channel}",
                f"the service has no handling time on {channel!r} to multiply; allowed: {allowed}",
            )
    return found


def _build_handling_by_hour(
    check: Checker, key: str, given: Any, handled: Sequence[str]
) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """``handling_by_hour``: per channel, a factor for each hour 00..23 in which service starts."""
    result = []
    for channel, factors in _handling_channels(check, key, given, handled, "24 factors"):
        ckey = f"{key}.{channel}"
        per = "one factor per hour from 00:00"
        if check.fixed_list(ckey, factors, HOURS_PER_DAY, "factors", per) is None:
            continue
        values = tuple(
            _handling_factor(check, f"{ckey}[{hour}]", value) for hour, value in enumerate(factors)
        )
        result.append((channel, values))
    return tuple(result)


def _build_handling_by_weekday(
    check: Checker, key: str, given: Any, handled: Sequence[str]
) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """``handling_by_weekday``: per channel, 7 factors (Monday first); a day left out is 1."""
    result = []
    for channel, days in _handling_channels(check, key, given, handled, "weekday factors"):
        ckey = f"{key}.{channel}"
        if not isinstance(days, Mapping):
            check.fail(ckey, f"must map weekdays (mon..sun) to factors, got {days!r}")
            continue
        for day in days:
            check.choice(f"{ckey}.{day}", day, WEEKDAYS)
        values = tuple(
            _handling_factor(check, f"{ckey}.{day}", days.get(day, 1.0)) for day in WEEKDAYS
        )
        result.append((channel, values))
    return tuple(result)


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
