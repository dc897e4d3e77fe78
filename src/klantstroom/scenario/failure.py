"""Building and checking failure demand: citizens chasing matters that are late.

Part of turning a composed config into a :class:`~klantstroom.scenario.spec.Scenario` (see
:mod:`klantstroom.scenario.build`). The ``failure_demand`` block says how often a citizen whose
back-office task, callback or e-mail answer is late contacts the municipality again to ask
where it is, and on which channel; every chased service must have somewhere to go, or the
chase would vanish silently, so that is checked here and named by its key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from klantstroom.scenario.checks import Checker
from klantstroom.scenario.spec import (
    CHANNELS,
    ChannelSpec,
    DepartmentSpec,
    FailureDemandSpec,
    ServiceSpec,
)


def build_failure_demand(
    check: Checker,
    raw: Mapping[str, Any],
    channels: Sequence[ChannelSpec],
    services: Sequence[ServiceSpec],
    departments: Sequence[DepartmentSpec],
) -> FailureDemandSpec:
    """Return the scenario's failure demand (``failure_demand``), checked."""
    key = "failure_demand"
    channel_names = [c.name for c in channels]
    service_names = [s.name for s in services]
    department_names = [d.name for d in departments]

    def probability(name: str) -> float:
        return check.number(f"{key}.{name}", raw.get(name, 0.0), low=0.0, high=1.0)

    service_for = []
    for source, target in (raw.get("service_for") or {}).items():
        check.choice(f"{key}.service_for.{source}", source, service_names)
        check.choice(f"{key}.service_for.{source}", target, service_names)
        service_for.append((str(source), str(target)))
    by_department = []
    for name, value in (raw.get("by_department") or {}).items():
        dkey = f"{key}.by_department.{name}"
        check.choice(dkey, name, department_names)
        by_department.append((str(name), check.number(dkey, value, low=0.0, high=1.0)))
    spec = FailureDemandSpec(
        task_probability=probability("task_probability"),
        callback_probability=probability("callback_probability"),
        digital_probability=probability("digital_probability"),
        after_working_days=check.integer(
            f"{key}.after_working_days", raw.get("after_working_days", 0), low=0
        ),
        repeat_working_days=check.integer(
            f"{key}.repeat_working_days", raw.get("repeat_working_days", 5), low=1
        ),
        max_chases=check.integer(f"{key}.max_chases", raw.get("max_chases", 1), low=1),
        service_for=tuple(service_for),
        by_department=tuple(by_department),
    )
    mix_raw = raw.get("channel_mix") or {"phone": 1.0}
    spec = dataclasses.replace(
        spec,
        channel_mix=tuple(
            (str(c), float(v) if isinstance(v, int | float) else 0.0) for c, v in mix_raw.items()
        ),
    )
    # The schema's default mix names the phone, which a scenario without failure demand (a
    # counter-only textbook case) need not have: the mix is checked only where it is used.
    # Its values are checked always: a share is a number in [0, 1] whether it is used or not.
    for channel, share in mix_raw.items():
        check.number(f"{key}.channel_mix.{channel}", share, low=0.0, high=1.0)
    if spec.enabled:
        for channel in mix_raw:
            check.choice(f"{key}.channel_mix.{channel}", channel, channel_names or CHANNELS)
        check.shares(f"{key}.channel_mix", mix_raw)
        _check_destinations(check, spec, services, departments)
    return spec


def chased_services(
    spec: FailureDemandSpec,
    services: Sequence[ServiceSpec],
    departments: Sequence[DepartmentSpec],
) -> list[str]:
    """Return the services whose late items may be chased, in scenario order."""
    chased: set[str] = set()
    for dept in departments:
        if spec.task_probability_of(dept.name) > 0:
            chased.update(dept.services)
        if dept.callback is not None and spec.callback_probability > 0:
            chased.update(dept.services)
    if spec.digital_probability > 0:
        chased.update(s.name for s in services if s.share("digital") > 0)
    return [s.name for s in services if s.name in chased]


def _check_destinations(
    check: Checker,
    spec: FailureDemandSpec,
    services: Sequence[ServiceSpec],
    departments: Sequence[DepartmentSpec],
) -> None:
    """Every chased service must have demand on a channel of the chase mix."""
    by_name = {s.name: s for s in services}
    channels = [c for c, share in spec.channel_mix if share > 0]
    targets = dict(spec.service_for)
    for name in chased_services(spec, services, departments):
        target = targets.get(name, name)
        service = by_name.get(target)
        if service is None:
            continue  # already reported as an unknown service
        if not any(service.share(c) > 0 for c in channels):
            check.fail(
                f"failure_demand.service_for.{name}",
                f"late {name!r} matters are chased as {target!r}, which has no demand on any "
                f"channel of failure_demand.channel_mix ({', '.join(channels)}); name a service "
                "that has (e.g. the KCC's questions about it)",
            )
