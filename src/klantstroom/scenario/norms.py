"""Norms and report settings: what a run is judged against and how reports speak.

A *norm* is a target on one KPI of ``kpis.csv`` (abandonment at most 7%, walk-in visitors
helped within 15 minutes at least 80% of the time, back-office tasks within their lead-time norm
at least 90%). Channels carry their own service-level targets; ``norms`` adds the rest, each
restricted to a channel, shop, department or service where it names one. Summaries and
comparisons mark every norm as met or not (:meth:`Scenario.all_norms`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from klantstroom.scenario.checks import Checker
from klantstroom.scenario.spec import (
    FORMULAS,
    LANGUAGES,
    NORM_KPIS,
    DepartmentSpec,
    NormSpec,
    ReportSpec,
    ServiceSpec,
    ShopSpec,
)

# KPIs that are shares: their targets must lie in [0, 1].
_SHARE_KPIS = {kpi for kpi in NORM_KPIS if kpi.endswith(("_rate", "_share", "_norm"))} | {
    "service_level",
    "occupancy",
}


def build_norm(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    known: Mapping[str, Sequence[str]],
) -> NormSpec:
    """Validate ``norms.<name>``.

    ``known`` gives the allowed names of ``channel``, ``shop``, ``department`` and ``service``.
    """
    key = f"norms.{name}"
    kpi = check.choice(f"{key}.kpi", raw.get("kpi") or "", NORM_KPIS)
    low, high = raw.get("min"), raw.get("max")
    if (low is None) == (high is None):
        check.fail(key, "set exactly one of min (at least) and max (at most)")
    bound = "min" if low is not None else "max"
    upper = 1.0 if kpi in _SHARE_KPIS else None
    target = check.number(f"{key}.{bound}", low if low is not None else high, low=0.0, high=upper)
    selectors: dict[str, str | None] = {}
    for field in ("channel", "shop", "department", "service"):
        value = raw.get(field)
        selectors[field] = (
            None if value is None else check.choice(f"{key}.{field}", value, known[field])
        )
    return NormSpec(
        name=name,
        kpi=kpi,
        target=target,
        at_least=low is not None,
        label=str(raw.get("label") or ""),
        **selectors,
    )


def build_report(check: Checker, raw: Mapping[str, Any]) -> ReportSpec:
    """Validate ``report``."""
    return ReportSpec(
        language=check.choice("report.language", raw.get("language", "en"), LANGUAGES)
    )


def check_formulas(
    check: Checker,
    services: Sequence[ServiceSpec],
    shops: Sequence[ShopSpec],
    departments: Sequence[DepartmentSpec],
) -> None:
    """Check that each service's ``formula`` is how its channels and departments deliver it.

    A formula is a claim a planner reads in the report; a scenario that moves a service (say, to
    the shops) but forgets its formula would otherwise report it under the old one.
    """
    handled = {service for dept in departments for service in dept.services}
    for service in services:
        if service.formula is None:
            continue
        key = f"services.{service.name}.formula"
        formula = check.choice(key, service.formula, FORMULAS)
        counter = service.share("counter") > 0
        offered_by = [shop for shop in shops if service.name in shop.services]
        by_appointment = counter and (
            (service.counter.appointment_share > 0 and any(s.appointments for s in offered_by))
            or any(s.appointments and not s.walk_in for s in offered_by)
            or (not shops and service.counter.appointment_share > 0)
        )
        walk_in = counter and (not shops or any(s.walk_in for s in offered_by))
        problem = {
            "self_service": None if service.share("digital") > 0 else "it has no digital share",
            "appointment": None if by_appointment else "no shop takes appointments for it",
            "walk_in": None if walk_in else "no shop takes walk-ins for it",
            "kcc": None
            if service.share("phone") + service.share("chat") > 0
            else "it has no phone or chat share",
            "case_managed": None if service.name in handled else "no department has tasks for it",
        }.get(formula)
        if problem is not None:
            check.fail(key, f"{formula!r} does not fit: {problem}")
