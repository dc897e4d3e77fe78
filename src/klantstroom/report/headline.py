"""The headline KPIs of a report: which rows of the KPI table, their names and how to print them.

A planner reads a handful of numbers per scenario: the phone service level and abandonment, the
share of e-mail answered in time, the counter waits and appointment access time, the
back-office lead times and how many journeys end resolved. :data:`HEADLINE` lists them with the
row of ``summary.csv`` they come from (channel, department), and :func:`headline_rows` adds one
row per department present. Names are in English and Dutch; values are printed in the unit a
person expects (%, seconds, minutes, days) with a decimal comma in Dutch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.report.numbers import compact_number as _number


@dataclass(frozen=True)
class Headline:
    """One KPI row of a report: ``kpi`` on the summary row with these keys.

    ``unit`` is how it is printed: ``share`` (%), ``seconds`` (a value in minutes shown in s),
    ``minutes``, ``days`` or ``count``. ``label`` replaces the generated name (a norm's label).
    """

    kpi: str
    channel: str = "all"
    department: str = "all"
    unit: str = "share"
    service: str = "all"
    shop: str = "all"
    label: str = ""


HEADLINE: tuple[Headline, ...] = (
    Headline("service_level", "phone"),
    Headline("abandonment_rate", "phone"),
    Headline("asa_min", "phone", unit="seconds"),
    Headline("service_level", "chat"),
    Headline("answered_within_norm", "digital"),
    Headline("backlog_mean", "digital", unit="count"),
    Headline("walk_in_within_norm", "counter"),
    Headline("walk_in_wait_min", "counter", unit="minutes"),
    Headline("appointment_within_norm", "counter"),
    Headline("access_days_mean", "counter", unit="days"),
    Headline("access_within_norm", "counter"),
    Headline("resolved_share"),
    Headline("journey_lead_time_days_mean", unit="days"),
    Headline("repeat_contact_rate"),
)
# Per department, added for every department present.
DEPARTMENT_KPIS: tuple[tuple[str, str], ...] = (
    ("task_within_norm", "share"),
    ("task_lead_time_days_mean", "days"),
)

KPI_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "service_level": "service level",
        "abandonment_rate": "abandoned",
        "asa_min": "mean wait before answer (ASA)",
        "answered_within_norm": "answered within norm",
        "backlog_mean": "backlog (mean open requests)",
        "walk_in_within_norm": "walk-ins helped within norm",
        "walk_in_wait_min": "mean wait of walk-ins",
        "appointment_within_norm": "appointments helped within norm",
        "access_days_mean": "days until an appointment",
        "access_within_norm": "appointments within access norm",
        "resolved_share": "journeys resolved",
        "journey_lead_time_days_mean": "journey lead time",
        "repeat_contact_rate": "repeat contacts",
        "task_within_norm": "tasks within lead-time norm",
        "task_lead_time_days_mean": "task lead time",
        "occupancy": "occupancy",
        "staff_hours": "staff hours",
        "fcr_rate": "resolved at first contact",
        "chases": "chases (failure demand)",
        "no_slot_rate": "booking requests without a free slot",
        "offered": "offered",
        "served": "served",
        "abandoned": "abandoned (count)",
        "unserved": "not served",
        "mean_wait_min": "mean wait (minutes)",
        "p90_wait_min": "90th percentile of the wait (minutes)",
        "redials": "redials",
        "mean_handling_min": "mean handling time (minutes)",
        "chase_share": "share of chases",
        "walk_ins": "walk-ins",
        "appointments": "appointments",
        "appointment_wait_min": "mean wait of appointments",
        "access_days_p90": "90th percentile of days until an appointment",
        "no_show_rate": "no-shows",
        "balk_rate": "walk-ins who left without waiting",
        "turned_away": "turned away at closing",
        "desk_utilisation": "desk utilisation",
        "urgent_requests": "urgent booking requests",
        "urgent_access_days_mean": "days until an urgent appointment",
        "urgent_within_max": "urgent requests booked in time",
        "backlog_max": "backlog (most open requests)",
        "tasks": "tasks",
        "tasks_done": "tasks done",
        "tasks_open": "tasks open",
        "task_lead_time_days_p90": "90th percentile of task lead time",
        "task_lead_time_working_days_mean": "task lead time (working days)",
        "callbacks": "callbacks",
        "callback_reach_rate": "callbacks that reached the citizen",
        "journeys": "journeys",
        "journeys_censored": "journeys not judged (still within norm at the end)",
        "given_up_share": "journeys given up",
        "open_share": "journeys still open",
        "journey_lead_time_days_p90": "90th percentile of journey lead time",
        "journey_within_norm": "journeys within norm",
        "channel_switches": "channel switches",
        "contacts_per_journey": "contacts per journey",
        "busy_hours": "busy hours",
        "training_hours": "hours in class",
        "trainer_hours": "hours teaching",
        "proficiency_speed": "proficiency: speed",
        "proficiency_fcr": "proficiency: resolution",
    },
    "nl": {
        "service_level": "servicelevel",
        "abandonment_rate": "afgehaakt",
        "asa_min": "gemiddelde wachttijd (ASA)",
        "answered_within_norm": "binnen norm beantwoord",
        "backlog_mean": "werkvoorraad (gemiddeld open)",
        "walk_in_within_norm": "vrije inloop binnen norm geholpen",
        "walk_in_wait_min": "gemiddelde wachttijd vrije inloop",
        "appointment_within_norm": "afspraken binnen norm geholpen",
        "access_days_mean": "dagen tot een afspraak",
        "access_within_norm": "afspraken binnen toegangsnorm",
        "resolved_share": "klantreizen opgelost",
        "journey_lead_time_days_mean": "doorlooptijd klantreis",
        "repeat_contact_rate": "herhaalcontacten",
        "task_within_norm": "taken binnen doorlooptijdnorm",
        "task_lead_time_days_mean": "doorlooptijd taken",
        "occupancy": "bezettingsgraad",
        "staff_hours": "uren ingeroosterd",
        "fcr_rate": "in één keer opgelost",
        "chases": "navragen (faalvraag)",
        "no_slot_rate": "afspraakverzoeken zonder vrij tijdslot",
        "offered": "aangeboden",
        "served": "geholpen",
        "abandoned": "afgehaakt (aantal)",
        "unserved": "niet geholpen",
        "mean_wait_min": "gemiddelde wachttijd (minuten)",
        "p90_wait_min": "90e percentiel wachttijd (minuten)",
        "redials": "herhaalde pogingen",
        "mean_handling_min": "gemiddelde afhandeltijd (minuten)",
        "chase_share": "aandeel navragen",
        "walk_ins": "vrije inloop",
        "appointments": "afspraken",
        "appointment_wait_min": "gemiddelde wachttijd afspraken",
        "access_days_p90": "90e percentiel dagen tot een afspraak",
        "no_show_rate": "niet verschenen",
        "balk_rate": "vrije inloop zonder te wachten vertrokken",
        "turned_away": "bij sluiting weggestuurd",
        "desk_utilisation": "bezetting balies",
        "urgent_requests": "spoedverzoeken afspraak",
        "urgent_access_days_mean": "dagen tot een spoedafspraak",
        "urgent_within_max": "spoedverzoeken op tijd ingepland",
        "backlog_max": "werkvoorraad (meest open)",
        "tasks": "taken",
        "tasks_done": "taken afgerond",
        "tasks_open": "taken open",
        "task_lead_time_days_p90": "90e percentiel doorlooptijd taken",
        "task_lead_time_working_days_mean": "doorlooptijd taken (werkdagen)",
        "callbacks": "terugbelverzoeken",
        "callback_reach_rate": "terugbellen bereikt",
        "journeys": "klantreizen",
        "journeys_censored": "klantreizen niet beoordeeld (bij einde nog binnen norm)",
        "given_up_share": "klantreizen opgegeven",
        "open_share": "klantreizen nog open",
        "journey_lead_time_days_p90": "90e percentiel doorlooptijd klantreis",
        "journey_within_norm": "klantreizen binnen norm",
        "channel_switches": "kanaalwisselingen",
        "contacts_per_journey": "contacten per klantreis",
        "busy_hours": "uren bezig",
        "training_hours": "uren in opleiding",
        "trainer_hours": "uren als docent",
        "proficiency_speed": "vaardigheid: snelheid",
        "proficiency_fcr": "vaardigheid: oplossen",
    },
}
CHANNEL_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "phone": "phone",
        "chat": "chat",
        "digital": "e-mail and forms",
        "counter": "counter",
    },
    "nl": {
        "phone": "telefoon",
        "chat": "chat",
        "digital": "e-mail en formulieren",
        "counter": "balie",
    },
}


def headline_rows(departments: Iterable[str]) -> list[Headline]:
    """The headline KPIs plus the department KPIs for each of ``departments``."""
    rows = list(HEADLINE)
    for department in departments:
        for kpi, unit in DEPARTMENT_KPIS:
            rows.append(Headline(kpi, "all", department, unit))
    return rows


def unit_of(kpi: str) -> str:
    """How a KPI of ``kpis.csv`` is printed, from its name's unit."""
    if kpi == "asa_min" or kpi.endswith("wait_min"):
        return "seconds" if kpi == "asa_min" else "minutes"
    if "_days" in kpi:
        return "days"
    if kpi.endswith(("_rate", "_share", "_norm", "service_level", "occupancy")):
        return "share"
    return "count"


def norm_rows(norms: Iterable[Mapping[str, Any]]) -> list[Headline]:
    """One row per norm (as ``run.json`` lists them), at the level the norm names.

    A norm without a service or shop is shown on the rows over all services and shops; one
    that names a service (or shop) on that service's (or shop's) row.
    """
    rows: list[Headline] = []
    for norm in norms:
        row = Headline(
            kpi=str(norm["kpi"]),
            channel=str(norm.get("channel") or "all"),
            department=str(norm.get("department") or "all"),
            unit=unit_of(str(norm["kpi"])),
            service=str(norm.get("service") or "all"),
            shop=str(norm.get("shop") or "all"),
            label=str(norm.get("label") or ""),
        )
        if row not in rows:
            rows.append(row)
    return rows


def at_level(
    rows: Iterable[Headline], table: pd.DataFrame, departments: Mapping[str, str] | None = None
) -> list[Headline]:
    """The rows that have data in ``table``; a department KPI over all departments (a norm on
    ``task_within_norm`` without a department) becomes one row per department present."""
    result = []
    for row in rows:
        if len(select(table, row)):
            result.append(row)
            continue
        if row.department != "all":
            continue
        present = table[
            (table["kpi"] == row.kpi)
            & (table["department"] != "all")
            & (table["service"] == row.service)
            & (table["shop"] == row.shop)
            & (table["staff_group"] == "all")
        ]["department"]
        for department in dict.fromkeys(present):
            name_ = (departments or {}).get(department, department)
            label = f"{row.label} ({name_})" if row.label else ""
            result.append(replace(row, department=department, label=label))
    return result


def select(table: pd.DataFrame, row: Headline) -> pd.DataFrame:
    """The rows of a summary or comparison table that hold ``row`` (all services, all shops)."""
    mask = (
        (table["kpi"] == row.kpi)
        & (table["channel"] == row.channel)
        & (table["department"] == row.department)
        & (table["service"] == row.service)
        & (table["shop"] == row.shop)
        & (table["staff_group"] == "all")
    )
    return table[mask]


def name(row: Headline, language: str, departments: dict[str, str] | None = None) -> str:
    """The headline's name: ``phone: service level``, ``Burgerzaken: task lead time``."""
    if row.label:
        return row.label
    kpi = KPI_NAMES[language].get(row.kpi, row.kpi.replace("_", " "))
    parts = []
    if row.department != "all":
        parts.append((departments or {}).get(row.department, row.department))
    elif row.channel != "all":
        parts.append(CHANNEL_NAMES[language].get(row.channel, row.channel))
    parts += [value for value in (row.shop, row.service) if value != "all"]
    return f"{', '.join(parts)}: {kpi}" if parts else kpi


def decimal(value: Any, digits: int, language: str) -> str:
    """``value`` with ``digits`` decimals, a decimal comma in Dutch."""
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if language == "nl" else text


def fmt(value: Any, unit: str, language: str) -> str:
    """Print a value of the headline's unit (``79.5%``, ``12 s``, ``3.2 min``, ``1.4 d``)."""
    if value is None or not np.isfinite(float(value)):
        return "–"
    value = float(value)
    if unit == "share":
        return decimal(100.0 * value, 1, language) + "%"
    if unit == "seconds":
        return f"{_number(round(value * 60.0, 1), language)} s"
    if unit == "minutes":
        return f"{_number(round(value, 2), language)} min"
    if unit == "days":
        return f"{_number(round(value, 2), language)} {'dg' if language == 'nl' else 'd'}"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return text.replace(",", "\u2009").replace(".", ",") if language == "nl" else text


def fmt_ci(mean: Any, low: Any, high: Any, unit: str, language: str) -> str:
    """``79.5% (77.9–81.1%)``: the mean and its confidence interval, or the mean alone."""
    text = fmt(mean, unit, language)
    if low is None or high is None or not (np.isfinite(float(low)) and np.isfinite(float(high))):
        return text
    return f"{text} ({fmt(low, unit, language)} – {fmt(high, unit, language)})"


def fmt_difference(value: Any, unit: str, language: str) -> str:
    """A difference with its sign, in percentage points for shares: ``+4.2 pp``, ``-12 s``."""
    if value is None or not np.isfinite(float(value)):
        return "–"
    value = float(value)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    if unit == "share":
        points = "%-punt" if language == "nl" else "pp"
        return f"{sign}{decimal(abs(value) * 100, 1, language)} {points}"
    return sign + fmt(abs(value), unit, language)
