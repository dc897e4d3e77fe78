"""Building and checking the back office, channel switches and personas of a scenario.

Part of turning a composed config into a :class:`~klantstroom.scenario.spec.Scenario` (see
:mod:`klantstroom.scenario.build`): every value is checked and each problem names its config key.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from klantstroom.scenario.checks import Checker, build_distribution, check_fields
from klantstroom.scenario.spec import (
    CALLBACK_BY,
    CHANNELS,
    DISCIPLINES,
    LANGUAGES,
    VISIT_MODES,
    CallbackSpec,
    ChannelSpec,
    DepartmentSpec,
    DistributionSpec,
    MatterSpec,
    PersonaSpec,
    ServiceSpec,
    ShopSpec,
    StaffGroupSpec,
    SwitchSpec,
)


def build_switches(
    check: Checker,
    key: str,
    raw: Mapping[str, Any],
    with_demand: Collection[str],
    base: Path,
    section: str = "channel_switch",
) -> tuple[SwitchSpec, ...]:
    """Return a service's channel switches (``services.<name>.channel_switch``).

    Errors name ``<key>.<section>.<channel>``; a segment's switches per service (under
    ``segments.<name>.channel_switch.<service>``) pass ``section=""``.
    """
    switches = []
    demand = sorted(with_demand)
    for source, item in raw.items():
        skey = f"{key}.{section}.{source}" if section else f"{key}.{source}"
        check.choice(skey, source, demand)
        item = item or {}
        target = str(item.get("to", "phone"))
        check.choice(f"{skey}.to", target, demand)
        switches.append(
            SwitchSpec(
                from_channel=str(source),
                to_channel=target,
                probability=check.number(
                    f"{skey}.probability", item.get("probability", 0.0), low=0.0, high=1.0
                ),
                delay=build_distribution(
                    check,
                    f"{skey}.delay",
                    item.get("delay") or {"kind": "exponential", "mean_min": 240.0},
                    base,
                ),
            )
        )
    return tuple(switches)


def build_department(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    services: Sequence[ServiceSpec],
    base: Path,
) -> DepartmentSpec:
    """Return a back-office department (``departments.<name>``)."""
    key = f"departments.{name}"
    check.name(key, name, "department")
    service_names = [s.name for s in services]
    tasks = []
    for service, dist in (raw.get("tasks") or {}).items():
        check.choice(f"{key}.tasks.{service}", service, service_names)
        tasks.append(
            (str(service), build_distribution(check, f"{key}.tasks.{service}", dist, base))
        )
    if not tasks:
        check.fail(
            f"{key}.tasks",
            "give the processing time of at least one task type (a service), e.g. "
            f"tasks.{service_names[0] if service_names else '<service>'}: "
            "{kind: lognormal, mean_min: 30, cv: 0.8}",
        )
    callback = None
    cb = raw.get("callback")
    if cb is not None:
        ckey = f"{key}.callback"
        callback = CallbackSpec(
            probability=check.number(
                f"{ckey}.probability", cb.get("probability", 0.0), low=0.0, high=1.0
            ),
            by=check.choice(f"{ckey}.by", cb.get("by", "department"), CALLBACK_BY),
            reach_probability=check.number(
                f"{ckey}.reach_probability", cb.get("reach_probability", 0.7), low=0.0, high=1.0
            ),
            max_attempts=check.integer(f"{ckey}.max_attempts", cb.get("max_attempts", 3), low=1),
            retry_delay=build_distribution(
                check,
                f"{ckey}.retry_delay",
                cb.get("retry_delay") or {"kind": "deterministic", "mean_min": 120.0},
                base,
            ),
            handling=build_distribution(
                check,
                f"{ckey}.handling",
                cb.get("handling") or {"kind": "lognormal", "mean_min": 6.0, "cv": 0.6},
                base,
            ),
            attempt_min=check.number(
                f"{ckey}.attempt_min", cb.get("attempt_min", 1.0), low=0.0, low_open=True
            ),
            due_working_days=check.integer(
                f"{ckey}.due_working_days", cb.get("due_working_days", 1), low=0
            ),
        )
    task_types = [service for service, _ in tasks]
    process = []
    for service, item in (raw.get("process_time") or {}).items():
        pkey = f"{key}.process_time.{service}"
        check.choice(pkey, service, task_types)
        process.append((str(service), build_process_time(check, pkey, item or {})))
    terms = []
    for service, days in (raw.get("terms_working_days") or {}).items():
        tkey = f"{key}.terms_working_days.{service}"
        check.choice(tkey, service, task_types)
        terms.append((str(service), check.integer(tkey, days, low=0)))
    return DepartmentSpec(
        name=name,
        label=str(raw.get("label") or name),
        tasks=tuple(tasks),
        discipline=check.choice(f"{key}.discipline", raw.get("discipline", "fifo"), DISCIPLINES),
        lead_time_norm_working_days=check.integer(
            f"{key}.lead_time_norm_working_days",
            raw.get("lead_time_norm_working_days", 10),
            low=0,
        ),
        callback=callback,
        process_working_days=tuple(process),
        terms_working_days=tuple(terms),
        # Below 1: a department whose every hour goes to other work could never finish a task.
        other_work_share=check.number(
            f"{key}.other_work_share", raw.get("other_work_share", 0.0), low=0.0, high=0.95
        ),
    )


# Process-time kinds and the fields each takes (in working days).
_PROCESS_FIELDS: dict[str, tuple[str, ...]] = {
    "deterministic": ("mean_working_days",),
    "exponential": ("mean_working_days",),
    "lognormal": ("mean_working_days", "cv"),
    "gamma": ("mean_working_days", "cv"),
    "uniform": ("low_working_days", "high_working_days"),
}


def build_process_time(check: Checker, key: str, raw: Mapping[str, Any]) -> DistributionSpec:
    """Return an elapsed process time in working days (``...process_time.<task type>``).

    The returned distribution's ``mean_min``, ``low_min`` and ``high_min`` hold working days:
    the model draws from it like any duration and counts the result in working days.
    """
    kind = check.choice(f"{key}.kind", raw.get("kind", "lognormal"), tuple(_PROCESS_FIELDS))
    needed = _PROCESS_FIELDS.get(kind)
    if needed is None:
        return DistributionSpec("deterministic", mean_min=0.0)
    fields = ("mean_working_days", "cv", "low_working_days", "high_working_days")
    if not check_fields(check, key, raw, fields, needed, f"{kind} process time"):
        return DistributionSpec("deterministic", mean_min=0.0)
    # A year is the longest a municipal matter waits outside the staff's hands in any source
    # we know; a larger value is almost surely a unit mistake (minutes or calendar days).
    most = 260.0
    if kind == "uniform":
        low = check.number(f"{key}.low_working_days", raw["low_working_days"], low=0.0, high=most)
        high = check.number(
            f"{key}.high_working_days", raw["high_working_days"], low=0.0, high=most
        )
        if high < low:
            check.fail(f"{key}.high_working_days", f"must be >= low_working_days ({low})")
        return DistributionSpec(kind, mean_min=(low + high) / 2, low_min=low, high_min=high)
    mean = check.number(
        f"{key}.mean_working_days",
        raw["mean_working_days"],
        low=0.0,
        low_open=kind != "deterministic",
        high=most,
    )
    cv = 1.0 if kind == "exponential" else 0.0
    if kind in ("lognormal", "gamma"):
        cv = check.number(f"{key}.cv", raw["cv"], low=0.0, low_open=True, high=10.0)
    return DistributionSpec(kind, mean_min=mean, cv=cv)


def check_back_office(
    check: Checker,
    channels: Sequence[ChannelSpec],
    services: Sequence[ServiceSpec],
    departments: Sequence[DepartmentSpec],
    groups: Sequence[StaffGroupSpec],
) -> None:
    """Each service goes to one department; every department and callback has staff."""
    owner: dict[str, str] = {}
    channel_names = [c.name for c in channels]
    for dept in departments:
        key = f"departments.{dept.name}"
        for service in dept.services:
            if service in owner:
                check.fail(
                    f"{key}.tasks.{service}",
                    f"already handled by department {owner[service]!r}: a service's "
                    "unresolved contacts go to one department",
                )
            owner[service] = dept.name
        staff = [g for g in groups if g.department == dept.name]
        if not staff or all(g.max_headcount == 0 for g in staff):
            check.fail(
                key,
                "the department has no staff: add a staff group with "
                f"department: {dept.name} and a roster",
            )
        callback = dept.callback
        if callback is None or callback.probability <= 0:
            continue
        if "phone" not in channel_names:
            check.fail(f"{key}.callback", "callbacks are phone calls: add channels.phone")
        if callback.by != "kcc":
            continue
        for service in dept.services:
            able = [
                g.name
                for g in groups
                if (g.shop is None or g.blend)
                and g.max_headcount > 0
                and any(k.service == service and k.channel == "phone" for k in g.skills)
            ]
            if not able:
                check.fail(
                    f"{key}.callback.by",
                    f"the KCC makes the callbacks, but no contact-centre group has the skill "
                    f"skills.{service}.phone (or set by: department)",
                )


def build_persona(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    services: Sequence[ServiceSpec],
    shops: Sequence[ShopSpec],
    horizon_days: float,
    language: str = "en",
) -> PersonaSpec:
    """Return a persona (``personas.<name>``) whose matters can happen in the scenario.

    Its story is the one of ``story_by_language`` in the report's ``language``, else ``story``.
    """
    key = f"personas.{name}"
    check.name(key, name, "persona")
    by_name = {s.name: s for s in services}
    matters = []
    for i, item in enumerate(raw.get("matters") or []):
        mkey = f"{key}.matters[{i}]"
        service = check.choice(f"{mkey}.service", item.get("service"), list(by_name))
        spec = by_name.get(service)
        demand = [c for c, share in spec.channel_mix if share > 0] if spec else list(CHANNELS)
        channel = check.choice(f"{mkey}.channel", item.get("channel", "phone"), demand)
        day = check.integer(f"{mkey}.day", item.get("day", 0), low=0)
        if day >= horizon_days:
            check.fail(
                f"{mkey}.day",
                f"must be a day of the reported period, 0 to {max(math.ceil(horizon_days) - 1, 0)} "
                f"(run.horizon_days is {horizon_days:g}), got {day}",
            )
        shop, mode = item.get("shop"), item.get("mode")
        if channel == "counter" and shops:
            offering = [s.name for s in shops if s.name and service in s.services]
            if shop is not None:
                check.choice(f"{mkey}.shop", shop, offering)
            if mode is not None:
                check.choice(f"{mkey}.mode", mode, VISIT_MODES)
                able = [
                    s.name
                    for s in shops
                    if service in s.services
                    and (s.appointments if mode == "appointment" else s.walk_in)
                    and (shop is None or s.name == shop)
                ]
                if not able:
                    check.fail(
                        f"{mkey}.mode",
                        f"no shop{f' {shop!r}' if shop else ''} offering {service!r} takes "
                        f"{mode.replace('_', '-')} visits",
                    )
        elif shop is not None or mode is not None:
            check.fail(
                f"{mkey}.shop" if shop is not None else f"{mkey}.mode",
                "applies only to a counter matter in a scenario with shops",
            )
        matters.append(
            MatterSpec(
                service=str(service),
                channel=str(channel),
                day=day,
                time_min=check.time_of_day(f"{mkey}.time", item.get("time", "09:00")),
                shop=None if shop is None else str(shop),
                mode=None if mode is None else str(mode),
                note=str(item.get("note") or ""),
            )
        )
    if not matters:
        check.fail(f"{key}.matters", "give the persona at least one matter")
    return PersonaSpec(
        name=name,
        label=str(raw.get("label") or name),
        household=str(raw.get("household") or ""),
        story=_story(check, key, raw, language),
        matters=tuple(matters),
    )


def _story(check: Checker, key: str, raw: Mapping[str, Any], language: str) -> str:
    """The persona's story in ``language`` (``story_by_language``), or its ``story``."""
    stories = raw.get("story_by_language") or {}
    for lang in stories:
        check.choice(f"{key}.story_by_language.{lang}", lang, LANGUAGES)
    return str(stories.get(language) or raw.get("story") or "")
