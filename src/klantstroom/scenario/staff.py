"""Staff groups (skills, rosters, leave), routing and the staffing plan's settings.

Builds ``staff_groups``, ``routing`` and ``staffing`` of the configuration into their frozen
specs: skills per service and channel, rosters summed into staff present per weekday x interval
(shifts, explicit headcounts, per date, per shop), and checks that every service with demand has
staff who can serve it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from klantstroom.scenario.checks import (
    MAX_HEADCOUNT,
    WEEKDAYS,
    Checker,
    build_distribution,
)
from klantstroom.scenario.spec import (
    CHANNELS,
    MINUTES_PER_DAY,
    ROUTING_POLICIES,
    RoutingSpec,
    RunSpec,
    ServiceSpec,
    SkillSpec,
    StaffGroupSpec,
    StaffingSpec,
)
from klantstroom.scenario.year import (
    MAX_HORIZON_DAYS,
    MAX_REPLICATIONS,
    MAX_WARMUP_DAYS,
    leave_by_month,
    staffing_period,
)


def build_group(
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
    check.name(key, name, "staff group")
    service_names = [s.name for s in services]
    skills = []
    for service, per_channel in (raw.get("skills") or {}).items():
        check.choice(f"{key}.skills.{service}", service, service_names)
        for channel, skill in (per_channel or {}).items():
            if skill is None:
                continue
            skills.append(
                build_skill(check, f"{key}.skills.{service}.{channel}", service, channel, skill)
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
    factor = check.number(
        f"{key}.roster.headcount_factor", roster.get("headcount_factor", 1.0), low=0.0, high=10.0
    )

    def scaled(grid: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
        return tuple(scale_row(row, factor) for row in grid)

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
            (
                place,
                scaled(_build_headcount(check, f"{key}.roster", roster, interval_min, place, home)),
            )
            for place in places
        ),
        headcount=scaled(
            _build_headcount(check, f"{key}.roster", roster, interval_min, home, home)
        ),
        works_holidays=bool(roster.get("works_holidays", False)),
        unavailable_share=_unavailable_share(
            check, f"{key}.roster.unavailable_share", roster.get("unavailable_share"), interval_min
        ),
        headcount_by_date=tuple(
            (
                check.date(f"{key}.roster.headcount_by_date.{day}", day),
                scale_row(
                    _headcount_row(
                        check, f"{key}.roster.headcount_by_date.{day}", counts, interval_min
                    ),
                    factor,
                ),
            )
            for day, counts in (roster.get("headcount_by_date") or {}).items()
        ),
    )


def scale_row(row: Sequence[int], factor: float) -> tuple[int, ...]:
    """``row`` times ``factor``, each interval rounded half up (1.5 staff -> 2).

    Rounded per interval rather than per shift, so that 10% more on a group of 4 adds a person
    where the group is largest and none where it is 1 or 2: what a planner does by hand.
    """
    if factor == 1.0:
        return tuple(row)
    return tuple(math.floor(count * factor + 0.5) for count in row)


def build_skill(
    check: Checker, key: str, service: str, channel: str, skill: Mapping[str, Any]
) -> SkillSpec:
    """One skill (``{rank, speed, fcr_probability}``) of a group, or of a training course."""
    fcr = skill.get("fcr_probability")
    return SkillSpec(
        service=service,
        channel=channel,
        rank=check.integer(f"{key}.rank", skill.get("rank", 1), low=1),
        speed=check.number(f"{key}.speed", skill.get("speed", 1.0), low=0.0, low_open=True),
        fcr_probability=None
        if fcr is None
        else check.number(f"{key}.fcr_probability", fcr, low=0.0, high=1.0),
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
            for row in sum_blocks(Checker(), key, [s for _, s in shifts], interval_min, "headcount")
        )
    grid = [
        list(row)
        for row in sum_blocks(
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


def sum_blocks(
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
        count = check.integer(
            f"{bkey}.{count_key}", block.get(count_key, 1), low=0, high=MAX_HEADCOUNT
        )
        if end <= start:
            check.fail(f"{bkey}.end", f"must be after start ({block.get('start')})")
        if start % interval_min or end % interval_min:
            check.fail(
                bkey,
                f"start and end must be on the {interval_min}-minute grid (calendar.interval_min)",
            )
        for day in check.days(f"{bkey}.days", block.get("days")):
            row = grid[WEEKDAYS.index(day)]
            for slot in range(start // interval_min, end // interval_min):
                row[slot] += count
    return tuple(tuple(row) for row in grid)


def _headcount_row(
    check: Checker, key: str, counts: Sequence[Any], interval_min: int
) -> tuple[int, ...]:
    """A headcount per interval of one day: one whole number >= 0 per interval from 00:00."""
    n_intervals = MINUTES_PER_DAY // interval_min
    per = f"one per {interval_min} min from 00:00"
    if check.fixed_list(key, counts, n_intervals, "whole numbers", per) is None:
        return (0,) * n_intervals
    return tuple(
        check.integer(f"{key}[{slot}]", count, low=0, high=MAX_HEADCOUNT)
        for slot, count in enumerate(counts)
    )


def _unavailable_share(
    check: Checker, key: str, given: Any, interval_min: int
) -> tuple[tuple[float, ...], ...]:
    """Share of the rostered staff off the queue per weekday x interval, or ``()`` if none.

    A weekday left out has none. Each share is at most 0.9, as for leave: a whole group off the
    queue is a roster change (a shift that ends), not a break.
    """
    if not given:
        return ()
    if not isinstance(given, Mapping):
        check.fail(key, f"must map weekdays (mon..sun) to lists of shares 0-0.9, got {given!r}")
        return ()
    n_intervals = MINUTES_PER_DAY // interval_min
    grid = [(0.0,) * n_intervals for _ in WEEKDAYS]
    for day, shares in given.items():
        dkey = f"{key}.{day}"
        check.choice(dkey, day, WEEKDAYS)
        per = f"one per {interval_min} min from 00:00"
        if check.fixed_list(dkey, shares, n_intervals, "shares", per) is None:
            continue
        row = tuple(
            check.number(f"{dkey}[{slot}]", share, low=0.0, high=0.9)
            for slot, share in enumerate(shares)
        )
        if day in WEEKDAYS:
            grid[WEEKDAYS.index(day)] = row
    # All zero (a list of zeros) is no share: the model then skips the lookup.
    return tuple(grid) if any(any(row) for row in grid) else ()


def build_routing(check: Checker, raw: Mapping[str, Any]) -> RoutingSpec:
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


def build_staffing(
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
        replications=check.integer(
            f"{key}.replications", raw.get("replications", 5), low=2, high=MAX_REPLICATIONS
        ),
        confidence=check.number(
            f"{key}.confidence", raw.get("confidence", 0.95), low=0.5, high=0.999
        ),
        search_horizon_days=None
        if raw.get("search_horizon_days") is None
        else check.number(
            f"{key}.search_horizon_days",
            raw["search_horizon_days"],
            low=0.0,
            high=MAX_HORIZON_DAYS,
            low_open=True,
        ),
        search_warmup_days=None
        if raw.get("search_warmup_days") is None
        else check.number(
            f"{key}.search_warmup_days", raw["search_warmup_days"], low=0.0, high=MAX_WARMUP_DAYS
        ),
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


def check_coverage(
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
