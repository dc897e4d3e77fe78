"""The cost of a run in words: the "Cost" section of ``report.html`` and the terminal line.

Both read ``costs.csv`` (:mod:`klantstroom.analysis.costs`), its ``mean`` rows: the cost per
year of each staff group, of training, of each shop's desks and of the contacts' transactions,
their total with its 95% interval, and the cost per contact served on each channel. The HTML
comes from the template ``cost_section.html.j2``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.analysis.costs import BACK_OFFICE, NUMBER_COLUMNS, UNATTRIBUTED, mean_rows
from klantstroom.report.headline import CHANNEL_NAMES, decimal
from klantstroom.report.numbers import grouped
from klantstroom.report.templating import render
from klantstroom.scenario.cost_spec import DAYS_PER_YEAR

COSTS_FILE = "costs.csv"
_KEYS = ("replication", "item", "channel", "shop", "staff_group")

_TEXT = {
    "en": {
        "title": "Cost",
        "lead": "What this organisation costs per year: {total} (95% interval {low} – {high}); "
        "{per_contact} per contact served ({contacts} contacts served in {days:g} days). The run "
        "of {days:g} days is scaled to a year by {year:g}/{days:g}.",
        "item": "cost item",
        "quantity": "quantity",
        "price": "price",
        "per_year": "EUR per year",
        "share": "share",
        "staff": "staff: {name}",
        "training": "training: {name}",
        "desks": "desks: {name}",
        "transactions": "transactions: {name}",
        "total": "total",
        "fte": "{fte} FTE ({hours} h rostered, {on_duty} h on duty)",
        "trained": "{hours} training hours, {count} trainee(s)",
        "desk_hours": "{count} desks, {hours} desk-hours open",
        "contacts": "{count} contacts",
        "per_fte": "{eur} per FTE per year",
        "per_hour": "{eur} per hour",
        "per_contact": "{eur} per contact",
        "channels": "Per channel",
        "channel": "channel",
        "served": "contacts served",
        "eur_per_contact": "EUR per contact",
        "back_office": "back office (tasks)",
        "unattributed": "not attributed (handled nothing)",
        "how": "Staff: the hours each group's roster puts on duty in the run (public holidays, "
        "leave, breaks and a department's other work included, since they are paid; 'on duty' "
        "is what staff.parquet holds) per week, over a {contract:g} h contract and "
        "(1 - shrinkage {shrinkage}), are the FTE employed; FTE x the salary cost per FTE per "
        "year (the scale's monthly salary x 12 x (1 + IKB) x (1 + employer's charges)). A "
        "group's cost goes to the channels in proportion to its handling time on each. "
        "Figures: means over the replications, in costs.csv.",
        "none": "No salary is configured (costs.salary_eur_per_month and costs.scales), so "
        "the staff cost is unknown; see docs/configuration.md, costs.",
    },
    "nl": {
        "title": "Kosten",
        "lead": "Wat deze organisatie per jaar kost: {total} (95%-interval {low} – {high}); "
        "{per_contact} per geholpen contact ({contacts} contacten geholpen in {days:g} dagen). "
        "De run van {days:g} dagen is naar een jaar omgerekend met {year:g}/{days:g}.",
        "item": "kostenpost",
        "quantity": "hoeveelheid",
        "price": "prijs",
        "per_year": "euro per jaar",
        "share": "aandeel",
        "staff": "personeel: {name}",
        "training": "opleiding: {name}",
        "desks": "balies: {name}",
        "transactions": "transacties: {name}",
        "total": "totaal",
        "fte": "{fte} fte ({hours} uur ingeroosterd, {on_duty} uur aanwezig)",
        "trained": "{hours} opleidingsuren, {count} cursist(en)",
        "desk_hours": "{count} balies, {hours} balie-uren open",
        "contacts": "{count} contacten",
        "per_fte": "{eur} per fte per jaar",
        "per_hour": "{eur} per uur",
        "per_contact": "{eur} per contact",
        "channels": "Per kanaal",
        "channel": "kanaal",
        "served": "contacten geholpen",
        "eur_per_contact": "euro per contact",
        "back_office": "backoffice (taken)",
        "unattributed": "niet toegerekend (niets afgehandeld)",
        "how": "Personeel: de uren die het rooster van elke groep in de run inroostert "
        "(feestdagen, verlof, pauzes en ander werk van een afdeling tellen mee, want die worden "
        "betaald; 'aanwezig' is wat staff.parquet bevat) per week, gedeeld door een contract "
        "van {contract:g} uur en (1 - uitval {shrinkage}), zijn de fte in dienst; fte x de "
        "loonkosten per fte per jaar (maandsalaris van de schaal x 12 x (1 + IKB) x (1 + "
        "werkgeverslasten)). De kosten van een groep gaan naar de kanalen naar rato van haar "
        "afhandeltijd op elk kanaal. Cijfers: gemiddelden over de replicaties, in costs.csv.",
        "none": "Er is geen salaris ingesteld (costs.salary_eur_per_month en costs.scales), "
        "dus de personeelskosten zijn onbekend; zie docs/configuration.md, costs.",
    },
}


def euro(value: Any, language: str, digits: int = 0) -> str:
    """``€ 1,234,567`` (Dutch: ``€ 1.234.567``); ``–`` for an unknown amount."""
    text = grouped(value, digits, language)
    return text if text == "–" else f"€ {text}"


def whole(value: Any, language: str) -> str:
    """A count or hours with thousands separators (Dutch: points)."""
    return euro(value, language).removeprefix("€ ")


def read_costs(folder: Path) -> pd.DataFrame | None:
    """The ``mean`` rows of a run's ``costs.csv`` (None for a run written before it existed)."""
    table = read_cost_table(folder)
    return None if table is None else mean_rows(table)


def read_cost_table(folder: Path) -> pd.DataFrame | None:
    """A run's whole ``costs.csv``, replications and means (None when the run has none)."""
    path = folder / COSTS_FILE
    if not path.is_file():
        return None
    # Keys stay text (a shop named "NA" is a shop); empty figures are NaN.
    numbers = (*NUMBER_COLUMNS, "ci_low", "ci_high")
    table = pd.read_csv(
        path,
        dtype={key: str for key in _KEYS},
        keep_default_na=False,
        na_values={column: [""] for column in numbers},
    )
    return table


def channel_name(channel: str, language: str) -> str:
    """A channel, the back office or the unattributed rest in the report's words."""
    t = _TEXT[language]
    if channel == BACK_OFFICE:
        return t["back_office"]
    if channel == UNATTRIBUTED:
        return t["unattributed"]
    return CHANNEL_NAMES[language].get(channel, channel)


def cost_section(
    folder: Path, language: str, info: dict[str, Any], labels: dict[str, dict[str, str]]
) -> list[str]:
    """The "Cost" section of a run's ``report.html`` (empty without ``costs.csv``).

    Parameters
    ----------
    folder : Path
        The run's folder.
    language : {"en", "nl"}
        Language of the text.
    info : dict
        The run's ``run.json`` (horizon, contract hours, shrinkage).
    labels : dict
        Display names: ``staff_groups`` and ``shops`` to their labels.
    """
    costs = read_costs(folder)
    if costs is None or costs.empty:
        return []
    t = _TEXT[language]
    groups, shops = labels.get("staff_groups", {}), labels.get("shops", {})
    items = []
    records: list[dict[Any, Any]] = costs.to_dict("records")
    for row in records:
        item, group = row["item"], row["staff_group"]
        if item == "staff":
            name = t["staff"].format(name=groups.get(group, group))
            quantity = t["fte"].format(
                fte=decimal(row["fte"], 1, language),
                hours=whole(row["hours"], language),
                on_duty=whole(row["hours_on_duty"], language),
            )
            price = t["per_fte"].format(eur=euro(row["rate_eur"], language))
        elif item == "training":
            name = t["training"].format(name=groups.get(group, group))
            quantity = t["trained"].format(
                hours=whole(row["hours"], language), count=whole(row["count"], language)
            )
            price = t["per_hour"].format(eur=euro(row["rate_eur"], language, 2))
        elif item == "desks":
            name = t["desks"].format(name=shops.get(row["shop"], row["shop"]))
            quantity = t["desk_hours"].format(
                count=whole(row["count"], language), hours=whole(row["hours"], language)
            )
            price = t["per_hour"].format(eur=euro(row["rate_eur"], language, 2))
        elif item == "transactions":
            name = t["transactions"].format(name=channel_name(row["channel"], language))
            quantity = t["contacts"].format(count=whole(row["count"], language))
            price = t["per_contact"].format(eur=euro(row["rate_eur"], language, 2))
        else:
            continue
        items.append([name, quantity, price, euro(row["eur_per_year"], language)])
    total = next(row for row in records if row["item"] == "total")
    year_total = float(total["eur_per_year"])
    items.append([t["total"], "", "", euro(year_total, language)])
    channels = [
        [
            channel_name(row["channel"], language),
            euro(row["eur_per_year"], language),
            decimal(100.0 * row["eur_per_year"] / year_total, 1, language) + "%"
            if year_total and math.isfinite(year_total)
            else "–",
            whole(row["count"], language),
            euro(row["eur_per_contact"], language, 2),
        ]
        for row in records
        if row["item"] == "by_channel" and (row["eur_per_year"] or row["count"])
    ]
    days = float(info.get("horizon_days", 0.0)) or DAYS_PER_YEAR
    lead = t["none"]
    if math.isfinite(year_total):
        lead = t["lead"].format(
            total=euro(total["eur_per_year"], language),
            low=euro(total["ci_low"], language),
            high=euro(total["ci_high"], language),
            per_contact=euro(total["eur_per_contact"], language, 2),
            contacts=whole(total["count"], language),
            days=days,
            year=DAYS_PER_YEAR,
        )
    how = t["how"].format(
        contract=float(info.get("contract_hours_per_week", 36.0)),
        shrinkage=decimal(100.0 * float(info.get("shrinkage", math.nan)), 0, language) + "%"
        if "shrinkage" in info
        else "?",
    )
    page = render(
        "cost_section.html.j2",
        t=t,
        lead=lead,
        items_header=[t["item"], t["quantity"], t["price"], t["per_year"]],
        items=items,
        channels_header=[
            t["channel"],
            t["per_year"],
            t["share"],
            t["served"],
            t["eur_per_contact"],
        ],
        channels=channels,
        how=how,
    )
    return [page]


_SUMMARY_TEXT = {
    "en": {
        "unknown": "Cost per year: unknown (no salary scales under costs:, see costs.csv).",
        "line": "Cost per year: {total} ({parts}); {per_contact} per contact served (costs.csv).",
        "staff": "staff",
        "training": "training",
        "desks": "desks",
        "transactions": "transactions",
    },
    "nl": {
        "unknown": "Kosten per jaar: onbekend (geen salarisschalen onder costs:, zie costs.csv).",
        "line": "Kosten per jaar: {total} ({parts}); {per_contact} per geholpen contact "
        "(costs.csv).",
        "staff": "personeel",
        "training": "opleiding",
        "desks": "balies",
        "transactions": "transacties",
    },
}


def cost_summary_text(costs: pd.DataFrame, language: str = "en") -> str:
    """One line for the terminal: the cost per year, its parts and the cost per contact."""
    t = _SUMMARY_TEXT[language]
    means = mean_rows(costs)
    if means.empty:
        return ""
    total = means[means["item"] == "total"].iloc[0]
    if not math.isfinite(float(total["eur_per_year"])):
        return t["unknown"]
    parts = []
    for item in ("staff", "training", "desks", "transactions"):
        value = means.loc[means["item"] == item, "eur_per_year"].sum()
        if value:
            parts.append(f"{t[item]} {euro(value, language)}")
    return t["line"].format(
        total=euro(total["eur_per_year"], language),
        parts=", ".join(parts),
        per_contact=euro(total["eur_per_contact"], language, 2),
    )
