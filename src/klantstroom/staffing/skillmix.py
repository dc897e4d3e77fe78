"""Specialists or multi-skilled staff: what pooling saves, and where.

For the same demand and norms, :func:`compare_skill_mixes` plans the staffing three ways:

* ``scenario`` — the groups as configured (the road-map mix);
* ``specialists`` — one group per service, each with only that service's skills;
* ``multi_skilled`` — one group with every skill.

The variants replace the contact centre's groups only: shop counter staff are the same in all
three, so the difference is the contact centre's; the back office is left out of the comparison
(its work hardly depends on the mix, and counting it takes a simulation run per variant).

Skills are at speed 1 and every group's wrap-up is the mean of the configured groups', so the
comparison isolates pooling: more staff can take each call, so queues share capacity
(the economies of scale of Erlang's formulas; Gans, Koole & Mandelbaum 2003, section 4.2).

:func:`pooling_gain` says where the gain comes from, analytically: per date x interval, the
agents each service needs on its own (rounded up) against the agents the pooled queue needs;
the difference is attributed to services in proportion to their load and summed per hour.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from klantstroom.scenario.spec import (
    DistributionSpec,
    Scenario,
    SkillSpec,
    StaffGroupSpec,
)
from klantstroom.staffing.demand import pooled_need
from klantstroom.staffing.plan import StaffingPlan, plan_staffing


def _wrapup(groups: list[StaffGroupSpec]) -> DistributionSpec | None:
    means = [g.wrapup.mean_min if g.wrapup else 0.0 for g in groups]
    mean = float(np.mean(means)) if means else 0.0
    return DistributionSpec("deterministic", mean_min=mean) if mean > 0 else None


def skill_mix_variants(scenario: Scenario) -> dict[str, Scenario]:
    """The scenario with its own groups, with specialists only, and with multi-skilled only."""
    slots = 1440 // scenario.calendar.interval_min
    empty = tuple(tuple([0] * slots) for _ in range(7))
    # The comparison is about the contact centre's groups; shop counter staff and back-office
    # departments stay as configured in every variant, so the totals compare like with like.
    kept = tuple(g for g in scenario.staff_groups if g.shop is not None or g.department)
    contact_centre = [g for g in scenario.staff_groups if g not in kept]
    wrapup = _wrapup(contact_centre or list(scenario.staff_groups))
    at_shops = bool(scenario.shops)
    pairs = [
        (s.name, c)
        for s in scenario.services
        for c, share in s.channel_mix
        if share > 0 and not (c == "counter" and at_shops)
    ]

    def group(name: str, skills: list[tuple[str, str]]) -> StaffGroupSpec:
        return StaffGroupSpec(
            name=name,
            label=name,
            skills=tuple(SkillSpec(service, channel, 1, 1.0) for service, channel in skills),
            wrapup=wrapup,
            headcount=empty,
            works_holidays=True,
        )

    specialists = tuple(
        group(f"specialist_{name}", [(s, c) for s, c in pairs if s == name])
        for name in dict.fromkeys(s for s, _ in pairs)
    )
    return {
        "scenario": scenario,
        "specialists": dataclasses.replace(scenario, staff_groups=(*specialists, *kept)),
        "multi_skilled": dataclasses.replace(
            scenario, staff_groups=(group("multi_skilled", pairs), *kept)
        ),
    }


def compare_skill_mixes(scenario: Scenario, own: StaffingPlan | None = None) -> pd.DataFrame:
    """FTE, paid hours and simulation runs of each skill mix (see the module docstring).

    ``own`` is the scenario's plan when it has been made already: its contact centre and shop
    groups are the ``scenario`` row (planning them again, with a simulation search, would give
    the same numbers at the same cost).
    """
    back_office = {g.name for g in scenario.staff_groups if g.department is not None}
    rows = []
    for name, variant in skill_mix_variants(scenario).items():
        if name == "scenario" and own is not None:
            plan = own
        else:
            plan = plan_staffing(variant, back_office=False)  # the same in every variant
        fte = plan.fte[~plan.fte["staff_group"].isin(back_office)]
        rows.append(
            {
                "skill_mix": name,
                "fte": float(fte["fte"].sum()),
                "paid_hours_per_week": float(fte["paid_hours_per_week"].sum()),
                "groups": len(variant.staff_groups),
                "simulation_runs": plan.runs,
                "norms_met": plan.met,
            }
        )
    table = pd.DataFrame(rows)
    specialists = table.loc[table["skill_mix"] == "specialists", "fte"].iloc[0]
    table["fte_saved_vs_specialists"] = specialists - table["fte"]
    return table


def pooling_gain(requirements: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Agent-hours saved by pooling each channel's services, per service and hour of the day.

    Only the contact centre's queues (phone, and a counter without shops) are pooled.

    Parameters
    ----------
    requirements : pandas.DataFrame
        :func:`klantstroom.staffing.demand.interval_requirements` of ``scenario``.

    Returns
    -------
    pandas.DataFrame
        Columns ``channel``, ``service``, ``hour``, ``separate_agent_hours`` (each service on its
        own, rounded up per interval), ``pooled_agent_hours`` (its load share of the pooled
        need) and ``saved_agent_hours``.
    """
    spec = scenario.staffing
    interval_h = scenario.calendar.interval_min / 60
    rows = []
    # The contact centre's queues: a shop's visitors are served at that shop only.
    queues = requirements[requirements["kind"] == "direct"]
    for (_date, start, channel), group in queues.groupby(["date", "interval_start_min", "channel"]):
        rate = group["arrival_rate_per_min"].to_numpy(dtype=float)
        aht = group["handling_min"].to_numpy(dtype=float)
        channel_spec = scenario.channel(str(channel))
        pooled = pooled_need(
            rate,
            aht,
            group["patience_min"].to_numpy(dtype=float),
            channel_spec.service_level_threshold_min,
            channel_spec.service_level_target,
            max_occupancy=spec.max_occupancy,
            max_abandonment=spec.max_abandonment,
        )
        load = rate * aht
        share = load / load.sum()
        for service, separate, part in zip(
            group["service"], group["agents_int"], share, strict=True
        ):
            rows.append(
                {
                    "channel": channel,
                    "service": service,
                    "hour": int(str(start)) // 60,
                    "separate_agent_hours": float(separate) * interval_h,
                    "pooled_agent_hours": float(pooled.agents_int) * float(part) * interval_h,
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table = table.groupby(["channel", "service", "hour"], as_index=False).sum()
    table["saved_agent_hours"] = table["separate_agent_hours"] - table["pooled_agent_hours"]
    return table
