"""Validation of the ``costs`` section, and the one place a staff group's salary is looked up.

The ``costs`` section prices a scenario: salary scales (CAO Gemeenten) with the IKB and the
employer's charges on top, each staff group's scale, training, shop desks per opening hour and a
non-staff cost per contact (a digital transaction). :func:`build_costs` checks it once, naming
every key and what is allowed; :func:`group_salaries` gives each group's yearly cost per FTE to
both the run's cost table (:mod:`klantstroom.analysis.costs`) and the staffing plan
(:mod:`klantstroom.staffing.plan`), so the two never disagree on what a person costs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from klantstroom.scenario.checks import Checker
from klantstroom.scenario.cost_spec import CostsSpec
from klantstroom.scenario.spec import Scenario, StaffingSpec

# Typing guards, as the other bounds in scenario.checks: a monthly salary of a million is a
# yearly figure or an extra zero, not a salary (the CAO's highest scale is about 10,000).
MAX_SALARY_EUR_PER_MONTH = 100_000.0
MAX_PRICE_EUR = 1_000_000.0
MAX_CHARGES_SHARE = 2.0
SCALE_PATTERN = re.compile(r"^[0-9A-Za-z_]+$")


def _scale_name(value: Any) -> str:
    """A scale as text: 7, 7.0 and "7" are the same scale; "10A" stays "10A"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def build_costs(
    check: Checker,
    raw: Mapping[str, Any],
    groups: Sequence[str],
    channels: Sequence[str],
    staffing: StaffingSpec,
) -> CostsSpec:
    """Return the scenario's prices (``costs``), checked.

    Every staff group needs a salary: its scale (``costs.scales.<group>``, else
    ``costs.default_scale``) or its own yearly figure (``staffing.salary_per_fte_per_year``),
    once any salary scale is given. Without salary scales the run's staff cost is left empty
    (NaN), not zero.
    """
    key = "costs"
    salaries: dict[str, float] = {}
    for name, value in (raw.get("salary_eur_per_month") or {}).items():
        scale = _scale_name(name)
        skey = f"{key}.salary_eur_per_month.{scale}"
        if not SCALE_PATTERN.match(scale):
            check.fail(skey, f"{scale!r} is not a scale name: letters, digits or _ (7, 10A)")
        # A later key wins: "7" from the command line after 7 from a file.
        salaries[scale] = check.number(skey, value, low=0.0, high=MAX_SALARY_EUR_PER_MONTH)
    known = sorted(salaries, key=lambda s: (len(s), s))
    allowed = ", ".join(known) or "none yet (set costs.salary_eur_per_month first)"

    def scale_of(skey: str, value: Any) -> str:
        scale = _scale_name(value)
        if scale not in salaries:
            check.fail(skey, f"unknown salary scale {scale!r}; allowed: {allowed}")
        return scale

    scales: list[tuple[str, str]] = []
    for group, value in (raw.get("scales") or {}).items():
        gkey = f"{key}.scales.{group}"
        check.choice(gkey, group, groups)
        scales.append((str(group), scale_of(gkey, value)))
    default = raw.get("default_scale")
    default_scale = None if default is None else scale_of(f"{key}.default_scale", default)
    if salaries and default_scale is None:
        overridden = {group for group, _ in staffing.salary_per_fte_per_year}
        named = {group for group, _ in scales}
        for group in groups:
            if group not in named and group not in overridden:
                check.fail(
                    f"{key}.scales.{group}",
                    f"staff group {group!r} has no salary scale; give it one of {allowed}, set "
                    "costs.default_scale, or give its yearly cost in "
                    f"staffing.salary_per_fte_per_year.{group}",
                )
    prices: list[tuple[str, float]] = []
    for channel, value in (raw.get("eur_per_contact") or {}).items():
        ckey = f"{key}.eur_per_contact.{channel}"
        check.choice(ckey, channel, channels)
        prices.append((str(channel), check.number(ckey, value, low=0.0, high=MAX_PRICE_EUR)))

    def price(name: str) -> float:
        return check.number(f"{key}.{name}", raw.get(name, 0.0), low=0.0, high=MAX_PRICE_EUR)

    return CostsSpec(
        salary_eur_per_month=tuple(salaries.items()),
        ikb_share=check.number(f"{key}.ikb_share", raw.get("ikb_share", 0.1705), low=0.0, high=1.0),
        employer_charges_share=check.number(
            f"{key}.employer_charges_share",
            raw.get("employer_charges_share", 0.32),
            low=0.0,
            high=MAX_CHARGES_SHARE,
        ),
        scales=tuple(scales),
        default_scale=default_scale,
        training_eur_per_hour=price("training_eur_per_hour"),
        training_eur_per_trainee=price("training_eur_per_trainee"),
        desk_eur_per_hour=price("desk_eur_per_hour"),
        eur_per_contact=tuple(prices),
    )


def group_salaries(scenario: Scenario) -> dict[str, float]:
    """Employer's cost of one FTE per year of every staff group, in EUR (NaN: not priced).

    A group's own figure in ``staffing.salary_per_fte_per_year`` wins (a temporary agency
    worker's rate, say); otherwise its scale's salary with IKB and employer's charges
    (:meth:`~klantstroom.scenario.cost_spec.CostsSpec.salary_per_fte_per_year`).
    """
    own = dict(scenario.staffing.salary_per_fte_per_year)
    costs = scenario.costs
    return {
        g.name: own[g.name]
        if g.name in own
        else costs.salary_per_fte_per_year(costs.scale_of(g.name))
        for g in scenario.staff_groups
    }


def salary_source(scenario: Scenario, group: str) -> str:
    """Where ``group``'s salary comes from, for tables: ``schaal 7``, ``own figure`` or ``""``."""
    if group in dict(scenario.staffing.salary_per_fte_per_year):
        return "staffing.salary_per_fte_per_year"
    scale = scenario.costs.scale_of(group)
    if scale is None or math.isnan(scenario.costs.salary_per_fte_per_year(scale)):
        return ""
    return f"scale {scale}"
