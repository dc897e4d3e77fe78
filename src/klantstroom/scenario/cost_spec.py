"""The prices of a scenario, validated and frozen: what a run's staff, shops and contacts cost.

A staff group's salary cost comes from its salary scale (schaal) in the municipal collective
agreement: the gross salary of a full-time job per month, twelve times a year, plus the
Individueel Keuzebudget (IKB: holiday pay, year-end bonus) on top, plus the employer's charges
(pension, social premiums) on both. Built by :func:`klantstroom.scenario.costs.build_costs`;
kept apart from that builder so that :mod:`klantstroom.scenario.spec` can hold it without an
import cycle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MONTHS_PER_YEAR = 12
# A run's cost is scaled to a year by its calendar days (a year of 365 days).
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True)
class CostsSpec:
    """Prices of staff, training, shop desks and contacts (see ``docs/configuration.md``).

    Attributes
    ----------
    salary_eur_per_month : tuple of (str, float)
        Gross salary of a full-time job per month, per salary scale.
    ikb_share : float
        Individueel Keuzebudget on top of the salary (share of the salary).
    employer_charges_share : float
        Employer's charges (pension, social premiums) on salary plus IKB (share).
    scales : tuple of (str, str)
        The salary scale of each staff group that names one.
    default_scale : str or None
        The scale of the groups without one.
    training_eur_per_hour, training_eur_per_trainee : float
        Cost of a training hour (trainer, material; not the trainee's salary) and a one-off
        cost per member trained in the run.
    desk_eur_per_hour : float
        Building and facility cost of one desk per hour its shop is open.
    eur_per_contact : tuple of (str, float)
        Non-staff cost per contact on a channel (a digital transaction: platform, payment).
    """

    salary_eur_per_month: tuple[tuple[str, float], ...] = ()
    ikb_share: float = 0.1705
    employer_charges_share: float = 0.32
    scales: tuple[tuple[str, str], ...] = ()
    default_scale: str | None = None
    training_eur_per_hour: float = 0.0
    training_eur_per_trainee: float = 0.0
    desk_eur_per_hour: float = 0.0
    eur_per_contact: tuple[tuple[str, float], ...] = ()

    def scale_of(self, group: str) -> str | None:
        """The salary scale of staff group ``group`` (its own, else the default; None: none)."""
        return dict(self.scales).get(group, self.default_scale)

    def salary_per_fte_per_year(self, scale: str | None) -> float:
        """Employer's cost of one full-time employee in ``scale`` per year (NaN: unknown scale).

        ``12 x monthly salary x (1 + ikb_share) x (1 + employer_charges_share)``.
        """
        monthly = dict(self.salary_eur_per_month).get(scale) if scale is not None else None
        if monthly is None:
            return math.nan
        return (
            MONTHS_PER_YEAR * monthly * (1.0 + self.ikb_share) * (1.0 + self.employer_charges_share)
        )

    def contact_price(self, channel: str) -> float:
        """Non-staff cost of one contact on ``channel`` (0 when none is set)."""
        return dict(self.eur_per_contact).get(channel, 0.0)
