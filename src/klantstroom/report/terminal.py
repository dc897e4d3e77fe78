"""The summary a run prints in the terminal: channels with their norm met or not, staff groups.

What a facilitator reads aloud when a run ends. Per channel: contacts offered and served, those
not served (explained on the lines below the table: abandoned, still waiting at the end,
no-shows, walked away, no free slot, rebooked), the share abandoned, the mean wait of those
served in a unit that suits it (seconds for the phone, hours for e-mail), the service level
against its norm and whether the norm is met on the channel's judged period. Then every other
norm on the whole channel or department, and per staff group (by its display name) occupancy
and staff hours. In Dutch with ``report.language=nl``, with a decimal comma.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from klantstroom.analysis.journeys import inbound
from klantstroom.analysis.kpis import SHARE_KPIS
from klantstroom.analysis.periods import WHOLE_RUN
from klantstroom.experiment import RunResult
from klantstroom.report.headline import CHANNEL_NAMES, KPI_NAMES
from klantstroom.report.numbers import grouped
from klantstroom.scenario.spec import Scenario

_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "empty": "No contacts were simulated.",
        "channel": "channel",
        "offered": "offered",
        "served": "served",
        "not_served": "not served",
        "abandoned": "abandoned %",
        "wait": "mean wait",
        "level": "SL %",
        "norm": "norm",
        "met": "met",
        "not met": "not met",
        "none": "–",
        "period": "period",
        "why": "Not served",
        "outcomes": {
            "abandoned": "abandoned",
            "unserved": "still waiting at the end or turned away at closing",
            "balked": "walked away",
            "no_show": "no-shows",
            "rebooked": "came late and rebooked",
            "no_slot": "no free slot",
            "not_reached": "not reached",
        },
        "norms": "Other norms",
        "everyone": "all journeys",
        "group": "staff group",
        "occupancy": "occupancy %",
        "hours": "staff hours",
        "means": "Means over {n} replication(s) of {days} day(s); 95% confidence intervals in "
        "summary.csv.",
        "periods": "Period 'run' is the whole run; each channel is judged on its period "
        "(run.judge_on). KPIs per period: {periods} (summary.csv, column period).",
        "units": {"s": "s", "min": "min", "h": "h", "d": "d", "wd": "wd"},
    },
    "nl": {
        "empty": "Er zijn geen contacten gesimuleerd.",
        "channel": "kanaal",
        "offered": "aangeboden",
        "served": "geholpen",
        "not_served": "niet geholpen",
        "abandoned": "afgehaakt %",
        "wait": "gem. wachttijd",
        "level": "SL %",
        "norm": "norm",
        "met": "gehaald",
        "not met": "niet gehaald",
        "none": "–",
        "period": "periode",
        "why": "Niet geholpen",
        "outcomes": {
            "abandoned": "afgehaakt",
            "unserved": "nog wachtend aan het eind of bij sluiting weggestuurd",
            "balked": "zonder wachten weggelopen",
            "no_show": "niet verschenen",
            "rebooked": "te laat en omgeboekt",
            "no_slot": "geen vrij tijdslot",
            "not_reached": "niet bereikt",
        },
        "norms": "Andere normen",
        "everyone": "alle klantreizen",
        "group": "medewerkersgroep",
        "occupancy": "bezetting %",
        "hours": "uren",
        "means": "Gemiddelden over {n} replicatie(s) van {days} dag(en); 95%-betrouwbaarheids"
        "intervallen in summary.csv.",
        "periods": "Periode 'run' is de hele run; elk kanaal wordt beoordeeld op zijn periode "
        "(run.judge_on). KPI's per periode: {periods} (summary.csv, kolom period).",
        "units": {"s": "s", "min": "min", "h": "u", "d": "d", "wd": "wd"},
    },
}


def _number(value: float, digits: int, language: str) -> str:
    return grouped(value, digits, language, missing="-")


def _wait(minutes: float, language: str) -> str:
    """A mean wait in the unit that suits it: 21 s, 4,1 min, 18,5 h, 2,3 d."""
    units = _TEXT[language]["units"]
    if minutes is None or not np.isfinite(minutes):
        return "-"
    if minutes < 2.0:
        return f"{_number(minutes * 60.0, 0, language)} {units['s']}"
    if minutes < 120.0:
        return f"{_number(minutes, 1, language)} {units['min']}"
    if minutes < 48 * 60.0:
        return f"{_number(minutes / 60.0, 1, language)} {units['h']}"
    return f"{_number(minutes / 1440.0, 1, language)} {units['d']}"


def _threshold(seconds: float, language: str) -> str:
    """A service-level threshold in the unit people use for it: 20s, 15min, 48h."""
    units = _TEXT[language]["units"]
    if seconds < 120:
        return f"{seconds:.0f}{units['s']}"
    if seconds < 7200:
        return f"{seconds / 60:.0f}{units['min']}"
    return f"{seconds / 3600:.0f}{units['h']}"


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def not_served(
    result: RunResult, scenario: Scenario, channel: str, period: str
) -> dict[str, float]:
    """Per outcome other than served, the mean count per replication of ``channel``'s contacts
    that arrived in ``period`` (callbacks left out, as the KPIs count them)."""
    contacts = result.contacts
    if not len(contacts):
        return {}
    start, end = 0.0, scenario.run.horizon_min
    for spec in scenario.run.periods:
        if spec.name == period:
            start, end = spec.window_min[0], min(spec.window_min[1], end)
    arrival = contacts["arrival_min"].to_numpy(dtype=float)
    chosen = contacts[
        (contacts["channel"].astype(str) == channel).to_numpy()
        & (arrival >= start)
        & (arrival < end)
    ]
    counts = inbound(chosen)["outcome"].astype(str).value_counts()
    n = max(len(result.replications), 1)
    return {str(k): float(v) / n for k, v in counts.items() if k != "served" and v > 0}


def summary_text(result: RunResult, scenario: Scenario) -> str:
    """The run's terminal summary (see the module docstring), in ``report.language``."""
    language = scenario.report.language
    t = _TEXT[language]
    summary = result.summary
    if summary.empty:
        return t["empty"]
    channel_names = CHANNEL_NAMES[language]
    kpi_names = KPI_NAMES[language]
    overall = summary[(summary["service"] == "all") & (summary["shop"] == "all")]

    def row(channel: str, kpi: str, group: str = "all", department: str = "all") -> pd.Series:
        rows = overall[
            (overall["channel"] == channel)
            & (overall["staff_group"] == group)
            & (overall["department"] == department)
            & (overall["kpi"] == kpi)
        ]
        return rows.iloc[0] if len(rows) else pd.Series(dtype=object)

    def value(channel: str, kpi: str, group: str = "all") -> float:
        found = row(channel, kpi, group)
        return float(found["mean"]) if "mean" in found else float("nan")

    judged = dict(scenario.run.judge_on)
    rows = [
        [
            t["channel"],
            t["offered"],
            t["served"],
            t["not_served"],
            t["abandoned"],
            t["wait"],
            t["level"],
            t["norm"],
            "",
            t["period"],
        ]
    ]
    why = []
    shown_norms: set[tuple[str, str]] = set()
    for channel in scenario.channels:
        name = channel.name
        level_kpi = "answered_within_norm" if channel.deferred else "service_level"
        norm = (
            f"{channel.due_working_days}{t['units']['wd']}"
            if channel.deferred
            else _threshold(channel.service_level_threshold_min * 60, language)
        )
        level = row(name, level_kpi)
        met = level.get("meets_target") if len(level) else None
        verdict = t["none"] if met is None or pd.isna(met) else t["met" if met else "not met"]
        shown_norms.add((name, level_kpi))
        offered, served = value(name, "offered"), value(name, "served")
        rows.append(
            [
                channel_names.get(name, name),
                _number(offered, 0, language),
                _number(served, 0, language),
                _number(offered - served, 0, language),
                _number(value(name, "abandonment_rate") * 100, 1, language),
                _wait(value(name, "asa_min"), language),
                _number(level.get("mean", np.nan) * 100, 1, language),
                f"{channel.service_level_target:.0%}/{norm}",
                verdict,
                judged.get(name, WHOLE_RUN),
            ]
        )
        parts = not_served(result, scenario, name, judged.get(name, WHOLE_RUN))
        if parts:
            total = sum(parts.values())
            why.append(
                f"  {channel_names.get(name, name)} {_number(total, 0, language)} = "
                + " + ".join(
                    f"{_number(count, 0, language)} {t['outcomes'].get(outcome, outcome)}"
                    for outcome, count in sorted(parts.items(), key=lambda item: -item[1])
                )
            )
    lines = _table(rows, right={1, 2, 3, 4, 5, 6})
    if why:
        lines += ["", f"{t['why']}:", *why]
    others = overall[overall["target"].notna()]
    norm_lines = []
    for _, norm_row in others.iterrows():
        key = (str(norm_row["channel"]), str(norm_row["kpi"]))
        if key in shown_norms or norm_row["staff_group"] != "all":
            continue
        shown_norms.add(key)
        department = str(norm_row["department"])
        where = (
            channel_names.get(key[0], key[0])
            if key[0] != "all"
            else (department if department != "all" else t["everyone"])
        )
        scale, unit = (100.0, "%") if norm_row["kpi"] in SHARE_KPIS else (1.0, "")
        sign = "≥" if norm_row["norm"] == ">=" else "≤"
        met = norm_row["meets_target"]
        norm_lines.append(
            f"  {where}: {kpi_names.get(key[1], key[1])} {sign} "
            f"{_number(norm_row['target'] * scale, 1, language)}{unit}: "
            f"{_number(norm_row['mean'] * scale, 1, language)}{unit}, "
            + (t["none"] if pd.isna(met) else t["met" if bool(met) else "not met"])
        )
    if norm_lines:
        lines += ["", f"{t['norms']}:", *norm_lines]
    group_rows = [[t["group"], t["occupancy"], t["hours"]]]
    for group in scenario.staff_groups:
        group_rows.append(
            [
                group.label or group.name,
                _number(value("all", "occupancy", group.name) * 100, 1, language),
                _number(value("all", "staff_hours", group.name), 0, language),
            ]
        )
    lines += ["", *_table(group_rows, right={1, 2})]
    lines += [
        "",
        t["means"].format(n=len(result.replications), days=f"{scenario.run.horizon_days:g}"),
    ]
    if scenario.run.periods:
        lines.append(t["periods"].format(periods=", ".join(p.name for p in scenario.run.periods)))
    return "\n".join(lines)
