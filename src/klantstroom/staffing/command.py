"""``klantstroom-staff``: write a scenario's staffing plan into the run's output folder.

Files: ``requirements.parquet`` (analytic need per date x interval x channel x service),
``group_requirements.parquet`` (the same per staff group, each group's services pooled),
``headcount.parquet`` (staff needed per group x weekday x interval), ``shifts.csv``, ``fte.csv``,
``uncovered.csv`` (only if some need cannot be covered by the allowed shifts),
``unresponsive.csv`` (only if the simulation search found intervals where more staff did not
raise the service level), ``failing.csv`` (only if some norm still fails when the search stops),
``back_office.csv`` (tasks and work per week of each department's group, counted by simulation),
``deferred_work.csv`` (e-mails and their work per week of each group that handles them),
``figures/staffing_plan.png``, and with ``staffing.compare_skill_mix`` ``skill_mix.csv`` (FTE
with the configured groups, specialists only and multi-skilled only) and ``pooling_gain.csv``
(agent-hours pooling saves per service and hour), ``staffing_plan.json`` (what was planned,
for the road-map summary) and ``staffing_report.html``. The settings are the ``staffing``
section of the configuration. In a multirun over the road-map years the sweep folder also gets
the year-by-year summary (:mod:`klantstroom.staffing.roadmap`).
"""

from __future__ import annotations

import json
from pathlib import Path

from klantstroom.outputs import display_names
from klantstroom.report.staffing_figures import fte_by_year_figure, staffing_figure
from klantstroom.report.staffing_report import write_plan_report, write_roadmap_report
from klantstroom.scenario.spec import Scenario
from klantstroom.scenario.year import staffing_scenario
from klantstroom.staffing.plan import NO_GROUP, StaffingPlan, plan_staffing
from klantstroom.staffing.roadmap import PLAN_INFO, fte_by_year, skill_mix_by_year
from klantstroom.staffing.skillmix import compare_skill_mixes, pooling_gain


def write_staffing(scenario: Scenario, folder: Path) -> StaffingPlan:
    """Plan the staffing of ``scenario``, write the tables and figure, print a summary."""
    scenario = staffing_scenario(scenario)  # staffing.period: the period the plan is for
    plan = plan_staffing(scenario)
    folder.mkdir(parents=True, exist_ok=True)
    plan.requirements.to_parquet(folder / "requirements.parquet", index=False)
    plan.group_requirements.to_parquet(folder / "group_requirements.parquet", index=False)
    plan.headcount.to_parquet(folder / "headcount.parquet", index=False)
    plan.shifts.to_csv(folder / "shifts.csv", index=False)
    plan.fte.to_csv(folder / "fte.csv", index=False)
    if len(plan.departments):
        plan.departments.to_csv(folder / "back_office.csv", index=False)
    if len(plan.deferred):
        plan.deferred.to_csv(folder / "deferred_work.csv", index=False)
    if len(plan.uncovered):
        plan.uncovered.to_csv(folder / "uncovered.csv", index=False)
    if len(plan.unresponsive):
        plan.unresponsive.to_csv(folder / "unresponsive.csv", index=False)
    if len(plan.failing):
        plan.failing.to_csv(folder / "failing.csv", index=False)
    sized = plan.fte.loc[plan.fte["note"] == "", "staff_group"].tolist()
    figure = staffing_figure(plan.headcount, plan.shifts, sized, scenario.calendar.interval_min)
    (folder / "figures").mkdir(exist_ok=True)
    figure.savefig(folder / "figures" / "staffing_plan.png", dpi=110)
    spec = scenario.staffing
    info = {
        "scenario": scenario.run.name,
        "label": scenario.run.display_name,
        "roadmap_step": scenario.run.roadmap_step,
        "start_date": scenario.calendar.start_date.isoformat(),
        "horizon_days": scenario.run.horizon_days,
        "method": spec.method,
        "max_occupancy": spec.max_occupancy,
        "shrinkage": spec.shrinkage,
        "contract_hours_per_week": spec.contract_hours_per_week,
        "optimised": spec.optimise,
        "simulation_runs": plan.runs,
        "norms_met": plan.met,
        "total_fte": float(plan.fte["fte"].sum()),
        # null when a sized group has no salary: a partial sum would look like a saving.
        "total_cost_per_year": _total_cost(plan),
        # The report's language and display names (older plans: English, the ids).
        "language": scenario.report.language,
        "labels": display_names(scenario),
    }
    (folder / PLAN_INFO).write_text(json.dumps(info, indent=2), encoding="utf-8")
    print(
        f"Staffing plan ({spec.method}, occupancy at most {spec.max_occupancy:.0%}, "
        f"shrinkage {spec.shrinkage:.0%}, {spec.contract_hours_per_week:g} h contracts)"
    )
    shown = plan.fte[plan.fte["note"] == ""].drop(columns="note")
    print(shown.round(2).to_string(index=False))
    print(f"total FTE: {shown['fte'].sum():.1f}")
    cost = _total_cost(plan)
    if cost is not None:
        print(f"cost per year: EUR {cost:,.0f} (salaries as in costs.csv: scale, IKB, charges)")
    for name, note in zip(plan.fte["staff_group"], plan.fte["note"], strict=True):
        if note:
            print(f"  not sized: {name} ({note})")
    orphans = plan.group_requirements[plan.group_requirements["staff_group"] == NO_GROUP]
    for shop, part in orphans.groupby("shop"):
        print(
            f"  no group at shop {shop} has the counter skill for its visitors: "
            f"{part['agents'].sum() * scenario.calendar.interval_min / 60:.0f} agent-hours "
            "left unplanned (give a group based or deployed there the skill)"
        )
    if plan.met is not None:
        state = "hold in every interval" if plan.met else "do NOT hold everywhere yet"
        print(f"simulated norms {state} ({plan.runs} simulation runs)")
    if len(plan.failing):
        print(f"{len(plan.failing)} interval(s) still fail (failing.csv); the worst:")
        worst = plan.failing.head(5).copy()
        worst["time"] = [
            "whole run" if m < 0 else f"{m // 60:02d}:{m % 60:02d}"
            for m in worst["interval_start_min"].astype(int)
        ]
        columns = ["channel", "weekday", "time", "service_level", "lower_bound", "target"]
        print(worst[columns].round(3).to_string(index=False))
    if len(plan.unresponsive):
        reasons = plan.unresponsive["reason"].value_counts()
        print(
            f"{len(plan.unresponsive)} interval(s) fail however many staff are added there "
            "(see unresponsive.csv):"
        )
        if reasons.get("every desk staffed", 0):
            print(
                f"  {reasons['every desk staffed']} at a shop whose desks are all staffed: "
                "more desks (shops.<shop>.desks) or fewer visitors there"
            )
        if reasons.get("no response to added staff", 0):
            print(
                f"  {reasons['no response to added staff']} where added staff did not raise the "
                "service level: usually deferred work takes them at opening; try "
                "routing.deferred_max_share=0.5 (at most half a group on e-mail at once) or "
                "routing.deferred_reserve=1"
            )
    if len(plan.uncovered):
        print(
            f"{len(plan.uncovered)} interval(s) need staff no allowed shift covers: "
            "see uncovered.csv"
        )
    if len(plan.deferred):
        print("\nE-mail and web forms (per week; spare real-time hours first, the rest spread):")
        columns = [
            "staff_group",
            "channel",
            "items_per_week",
            "work_hours_per_week",
            "spare_hours_per_week",
            "agents",
        ]
        print(plan.deferred[columns].round(1).to_string(index=False))
    if len(plan.departments):
        print("\nBack office (tasks counted in a simulation run, work spread over the week):")
        columns = ["staff_group", "tasks_per_week", "work_hours_per_week", "agents"]
        print(plan.departments[columns].round(1).to_string(index=False))
    if spec.compare_skill_mix:
        mixes = compare_skill_mixes(scenario, plan)
        mixes.to_csv(folder / "skill_mix.csv", index=False)
        pooling_gain(plan.requirements, scenario).to_csv(folder / "pooling_gain.csv", index=False)
        print("\nSpecialists or multi-skilled (same demand and norms; variants at speed 1):")
        columns = ["skill_mix", "fte", "fte_saved_vs_specialists", "norms_met"]
        print(mixes[columns].round(2).to_string(index=False))
    report = write_plan_report(folder)
    print(f"\nOutputs: {folder.resolve()}")
    print(f"Report:  {report.resolve()}")
    return plan


def _total_cost(plan: StaffingPlan) -> float | None:
    """The plan's cost per year in EUR, or None when a group it sizes has no salary."""
    sized = plan.fte[plan.fte["note"] == ""]
    costs = sized["cost_per_year"].astype(float)
    return None if costs.isna().any() or sized.empty else float(costs.sum())


def write_roadmap(folders: list[Path], out: Path) -> Path | None:
    """Write the year-by-year tables, figure and report for ``folders`` into ``out``.

    Returns the report's path, or None when there are no plans.
    """
    if not folders:
        return None
    fte = fte_by_year(folders)
    mixes = skill_mix_by_year(folders)
    out.mkdir(parents=True, exist_ok=True)
    fte.to_csv(out / "fte_by_year.csv", index=False)
    if len(mixes):
        mixes.to_csv(out / "skill_mix_by_year.csv", index=False)
    (out / "figures").mkdir(exist_ok=True)
    figure = fte_by_year_figure(fte, mixes)
    figure.savefig(out / "figures" / "fte_by_year.png", dpi=110)
    return write_roadmap_report(out, fte, mixes, folders)
