"""Write a run's tables into its output folder, and print the terminal summary.

Files (the data contract, see ``docs/data-products.md``): ``contacts.parquet``,
``staff.parquet``, ``intervals.parquet``, ``tasks.parquet``, ``journeys.parquet``,
``backlog.parquet``, ``kpis.csv``, ``summary.csv`` and ``run.json`` (what
ran, how long, whether it completed). Tables are written before figures are drawn, so a failing
figure never costs the tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from klantstroom.experiment import RunResult
from klantstroom.scenario.spec import Scenario


def write_tables(result: RunResult, scenario: Scenario, folder: Path) -> list[Path]:
    """Write the run's tables into ``folder`` and return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in (
        ("contacts.parquet", result.contacts),
        ("staff.parquet", result.staff),
        ("intervals.parquet", result.intervals),
        ("tasks.parquet", result.tasks),
        ("journeys.parquet", result.journeys),
        ("backlog.parquet", result.backlog),
    ):
        path = folder / name
        table.to_parquet(path, index=False)
        paths.append(path)
    for name, table in (
        ("kpis.csv", result.kpis if result.period_kpis is None else result.period_kpis),
        ("summary.csv", result.summary if result.period_summary is None else result.period_summary),
    ):
        path = folder / name
        table.to_csv(path, index=False)
        paths.append(path)
    info = {
        "name": scenario.run.name,
        "description": scenario.description,
        "seed": scenario.run.seed,
        "replications_requested": scenario.run.replications,
        "replications_completed": len(result.replications),
        "replications": result.replications,
        "complete": result.complete,
        "error": result.error,
        "horizon_days": scenario.run.horizon_days,
        "warmup_days": scenario.run.warmup_days,
        "start_date": scenario.calendar.start_date.isoformat(),
        "contacts": len(result.contacts),
        "wall_s_per_replication": [round(s, 3) for s in result.wall_s],
        "personas": {
            p.name: {"label": p.label, "household": p.household, "story": p.story}
            for p in scenario.personas
        },
        # What reports and klantstroom-compare need to name and order runs without the config.
        "label": scenario.run.display_name,
        "roadmap_step": scenario.run.roadmap_step,
        "language": scenario.report.language,
        "labels": {
            "services": {s.name: s.label for s in scenario.services},
            "staff_groups": {g.name: g.label for g in scenario.staff_groups},
            "shops": {shop.name: shop.label for shop in scenario.shops},
            "departments": {d.name: d.label for d in scenario.departments},
        },
        "formulas": {s.name: s.formula for s in scenario.services if s.formula},
        "contract_hours_per_week": scenario.staffing.contract_hours_per_week,
        # Every norm the summary judges (channel targets first), so reports list each one at
        # the level it names (a norm on one service shows on that service's row).
        "norms": [
            {
                "name": n.name,
                "kpi": n.kpi,
                "target": n.target,
                "at_least": n.at_least,
                "label": n.label,
                "channel": n.channel,
                "shop": n.shop,
                "department": n.department,
                "service": n.service,
            }
            for n in scenario.all_norms()
        ],
    }
    path = folder / "run.json"
    path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    paths.append(path)
    return paths


def _fmt(value: float, scale: float = 1.0, digits: int = 1) -> str:
    return "-" if value is None or np.isnan(value) else f"{value * scale:.{digits}f}"


def _threshold(seconds: float) -> str:
    """A service-level threshold in the unit people use for it: 20s, 15min, 48h."""
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}min"
    return f"{seconds / 3600:.0f}h"


def summary_text(result: RunResult, scenario: Scenario) -> str:
    """Return a short, human-readable summary of the run: channels and staff groups."""
    summary = result.summary
    if summary.empty:
        return "No contacts were simulated."

    def value(channel: str, group: str, kpi: str) -> float:
        rows = summary[
            (summary["channel"] == channel)
            & (summary["service"] == "all")
            & (summary["staff_group"] == group)
            & (summary["kpi"] == kpi)
        ]
        return float(rows["mean"].iloc[0]) if len(rows) else float("nan")

    lines = []
    header = (
        f"{'channel':<10}{'offered':>10}{'served':>10}{'abandoned %':>13}"
        f"{'ASA s':>8}{'SL %':>7}  target     period"
    )
    judged = dict(scenario.run.judge_on)
    lines.append(header)
    for channel in scenario.channels:
        name = channel.name
        target = channel.service_level_target
        threshold_s = channel.service_level_threshold_min * 60
        level = value(name, "all", "service_level")
        norm = _threshold(threshold_s)
        if channel.deferred:  # e-mail: answered by its due time, in working days
            level = value(name, "all", "answered_within_norm")
            norm = f"{channel.due_working_days}wd"
        lines.append(
            f"{name:<10}{_fmt(value(name, 'all', 'offered'), digits=0):>10}"
            f"{_fmt(value(name, 'all', 'served'), digits=0):>10}"
            f"{_fmt(value(name, 'all', 'abandonment_rate'), 100):>13}"
            f"{_fmt(value(name, 'all', 'asa_min'), 60, 0):>8}"
            f"{_fmt(level, 100):>7}"
            f"  {f'{target:.0%}/{norm}':<11}{judged.get(name, 'run')}"
        )
    lines.append("")
    lines.append(f"{'staff group':<26}{'occupancy %':>12}{'staff hours':>13}")
    for group in scenario.staff_groups:
        lines.append(
            f"{group.name:<26}{_fmt(value('all', group.name, 'occupancy'), 100):>12}"
            f"{_fmt(value('all', group.name, 'staff_hours'), digits=0):>13}"
        )
    n = len(result.replications)
    lines.append("")
    lines.append(
        f"Means over {n} replication(s) of {scenario.run.horizon_days:g} day(s); "
        "95% confidence intervals in summary.csv."
    )
    if scenario.run.periods:
        lines.append(
            "Period 'run' is the whole run; each channel is judged on its period "
            "(run.judge_on). KPIs per period: "
            + ", ".join(p.name for p in scenario.run.periods)
            + " (summary.csv, column period)."
        )
    return "\n".join(lines)
