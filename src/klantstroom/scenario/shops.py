"""City shops and the counter: opening hours, desks, appointment desks and their staff.

Builds ``shops`` and ``counter`` into their frozen specs and checks that each shop has staff
for the services it offers and for the desks it keeps for appointments.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from klantstroom.scenario.appointments import (
    build_slot_choice,
    build_urgent_max_access,
    build_urgent_reserved_share,
)
from klantstroom.scenario.checks import (
    MAX_HEADCOUNT,
    WEEKDAYS,
    Checker,
    build_distribution,
    parse_periods,
)
from klantstroom.scenario.spec import (
    LATE_POLICIES,
    ChannelSpec,
    CounterSpec,
    ServiceSpec,
    ShopSpec,
    StaffGroupSpec,
    staff_at_shop,
)
from klantstroom.scenario.staff import check_coverage, sum_blocks
from klantstroom.scenario.year import MAX_HORIZON_DAYS


def build_shop(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    services: tuple[ServiceSpec, ...],
    interval_min: int,
) -> ShopSpec:
    key = f"shops.{name}"
    check.name(key, name, "shop")
    hours = raw.get("opening_hours") or {}
    opening = tuple(
        parse_periods(check, f"{key}.opening_hours.{d}", hours.get(d)) for d in WEEKDAYS
    )
    counter_services = [s.name for s in services if s.share("counter") > 0]
    offered = [str(s) for s in (raw.get("services") or [])] or counter_services
    for i, service in enumerate(raw.get("services") or []):
        if service in offered[:i]:
            check.fail(
                f"{key}.services[{i}]",
                f"{service!r} is listed twice; list each service the shop offers once",
            )
        elif service not in counter_services:
            check.fail(
                f"{key}.services[{i}]",
                f"{service!r} is not a service with counter demand; allowed: "
                f"{', '.join(counter_services) or '(none: give a service a counter share)'}",
            )
    desks = check.integer(f"{key}.desks", raw.get("desks", 1), low=1, high=MAX_HEADCOUNT)
    reserved = sum_blocks(
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


def build_counter(check: Checker, raw: Mapping[str, Any], base: Path) -> CounterSpec:
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
        booking_horizon_days=check.integer(
            f"{key}.booking_horizon_days",
            raw.get("booking_horizon_days", d.booking_horizon_days),
            low=1,
            high=int(MAX_HORIZON_DAYS),
        ),
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


def check_shops(
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
    check_coverage(check, services, groups, skip_channel="counter")
    service_of = {s.name: s for s in services}
    for shop in shops:
        # Its walk-ins and appointments would never come: demand lost without a word.
        if shop.services and not any(shop.opening) and shop.catchment > 0:
            check.fail(
                f"shops.{shop.name}.opening_hours",
                f"the shop is never open, but offers {', '.join(shop.services)}: open it on at "
                "least one day, or set its catchment to 0",
            )
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
