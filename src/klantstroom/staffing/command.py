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
from typing import Any

import pandas as pd

from klantstroom.outputs import display_names
from klantstroom.report.numbers import grouped
from klantstroom.report.png import save_png
from klantstroom.report.staffing_figures import fte_by_year_figure, staffing_figure
from klantstroom.report.staffing_report import (
    roadmap_names,
    write_plan_report,
    write_roadmap_report,
)
from klantstroom.scenario.spec import Scenario
from klantstroom.scenario.year import staffing_scenario
from klantstroom.staffing.plan import NO_GROUP, StaffingPlan, plan_staffing
from klantstroom.staffing.roadmap import PLAN_INFO, fte_by_year, skill_mix_by_year
from klantstroom.staffing.skillmix import compare_skill_mixes, pooling_gain

# What the command prints, per report.language (the files keep their column names).
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "header": "Staffing plan ({method}, occupancy at most {occupancy}, shrinkage {shrinkage}, "
        "{hours} h contracts)",
        "total": "total FTE: {fte}",
        "cost": "cost per year: EUR {cost} (salaries as in costs.csv: scale, IKB, charges)",
        "not_sized": "  not sized: {name} ({note})",
        "orphans": "  no group at shop {shop} has the counter skill for its visitors: {hours} "
        "agent-hours left unplanned (give a group based or deployed there the skill)",
        "simulated": "simulated norms {state} ({runs} simulation runs)",
        "hold": "hold in every interval",
        "not_hold": "do NOT hold everywhere yet",
        "failing": "{n} interval(s) still fail (failing.csv); the worst:",
        "whole_run": "whole run",
        "unresponsive": "{n} interval(s) fail however many staff are added there "
        "(see unresponsive.csv):",
        "desks": "  {n} at a shop whose desks are all staffed: more desks (shops.<shop>.desks) or "
        "fewer visitors there",
        "no_response": "  {n} where added staff did not raise the service level: usually "
        "deferred work takes them at opening; try routing.deferred_max_share=0.5 (at most half "
        "a group on e-mail at once) or routing.deferred_reserve=1",
        "uncovered": "{n} interval(s) need staff no allowed shift covers: see uncovered.csv",
        "mail": "\nE-mail and web forms (per week; spare real-time hours first, the rest spread):",
        "back_office": "\nBack office (tasks counted in a simulation run, work spread over the "
        "week):",
        "mixes": "\nSpecialists or multi-skilled (same demand and norms; variants at speed 1):",
        "outputs": "Outputs",
        "report": "Report",
        "columns": {},
    },
    "nl": {
        "header": "Personeelsplan ({method}, bezettingsgraad hoogstens {occupancy}, shrinkage "
        "{shrinkage}, contracten van {hours} uur)",
        "total": "totaal fte: {fte}",
        "cost": "kosten per jaar: EUR {cost} (salarissen als in costs.csv: schaal, IKB, lasten)",
        "not_sized": "  niet berekend: {name} ({note})",
        "orphans": "  geen groep in stadswinkel {shop} heeft de balievaardigheid voor haar "
        "bezoekers: {hours} medewerkersuren niet gepland (geef een groep die daar werkt de "
        "vaardigheid)",
        "simulated": "de normen worden in de simulatie {state} ({runs} simulatieruns)",
        "hold": "in elk interval gehaald",
        "not_hold": "nog NIET overal gehaald",
        "failing": "{n} interval(len) halen de norm nog niet (failing.csv); de slechtste:",
        "whole_run": "hele run",
        "unresponsive": "{n} interval(len) halen de norm niet, hoeveel personeel er ook bijkomt "
        "(zie unresponsive.csv):",
        "desks": "  {n} bij een stadswinkel met alle balies bemand: meer balies "
        "(shops.<shop>.desks) of minder bezoekers daar",
        "no_response": "  {n} waar extra personeel het servicelevel niet verhoogde: meestal "
        "neemt uitgesteld werk hen bij opening; probeer routing.deferred_max_share=0.5 "
        "(hoogstens een halve groep tegelijk op e-mail) of routing.deferred_reserve=1",
        "uncovered": "{n} interval(len) vragen personeel dat geen toegestane dienst dekt: zie "
        "uncovered.csv",
        "mail": "\nE-mail en webformulieren (per week; eerst vrije real-time uren, de rest "
        "verdeeld):",
        "back_office": "\nBackoffice (taken geteld in een simulatierun, werk verdeeld over de "
        "week):",
        "mixes": "\nSpecialisten of breed inzetbaar (zelfde vraag en normen; varianten op "
        "snelheid 1):",
        "outputs": "Uitvoer",
        "report": "Rapport",
        "columns": {
            "staff_group": "medewerkersgroep",
            "paid_hours_per_week": "betaalde uren/week",
            "salary_per_fte_per_year": "salaris per fte/jaar",
            "cost_per_year": "kosten/jaar",
            "channel": "kanaal",
            "weekday": "weekdag",
            "time": "tijd",
            "service_level": "servicelevel",
            "lower_bound": "ondergrens",
            "target": "doel",
            "items_per_week": "stukken/week",
            "work_hours_per_week": "werkuren/week",
            "spare_hours_per_week": "vrije uren/week",
            "agents": "medewerkers",
            "tasks_per_week": "taken/week",
            "skill_mix": "bemensing",
            "fte_saved_vs_specialists": "fte bespaard",
            "norms_met": "normen gehaald",
        },
    },
}


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
    figure = staffing_figure(
        plan.headcount,
        plan.shifts,
        sized,
        scenario.calendar.interval_min,
        language=scenario.report.language,
        names={g.name: g.label for g in scenario.staff_groups},
    )
    (folder / "figures").mkdir(exist_ok=True)
    save_png(figure, folder / "figures" / "staffing_plan.png", dpi=110)
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
    t = _TEXT[scenario.report.language]

    def table(frame: pd.DataFrame) -> str:
        """A table for the terminal, its columns in the report's language."""
        return frame.rename(columns=t["columns"]).to_string(index=False)

    print(
        t["header"].format(
            method=spec.method,
            occupancy=f"{spec.max_occupancy:.0%}",
            shrinkage=f"{spec.shrinkage:.0%}",
            hours=f"{spec.contract_hours_per_week:g}",
        )
    )
    shown = plan.fte[plan.fte["note"] == ""].drop(columns="note")
    print(table(shown.round(2)))
    print(t["total"].format(fte=f"{shown['fte'].sum():.1f}"))
    cost = _total_cost(plan)
    if cost is not None:
        print(t["cost"].format(cost=grouped(cost, 0, scenario.report.language)))
    for name, note in zip(plan.fte["staff_group"], plan.fte["note"], strict=True):
        if note:
            print(t["not_sized"].format(name=name, note=note))
    orphans = plan.group_requirements[plan.group_requirements["staff_group"] == NO_GROUP]
    for shop, part in orphans.groupby("shop"):
        hours = part["agents"].sum() * scenario.calendar.interval_min / 60
        print(t["orphans"].format(shop=shop, hours=f"{hours:.0f}"))
    if plan.met is not None:
        state = t["hold"] if plan.met else t["not_hold"]
        print(t["simulated"].format(state=state, runs=plan.runs))
    if len(plan.failing):
        print(t["failing"].format(n=len(plan.failing)))
        worst = plan.failing.head(5).copy()
        worst["time"] = [
            t["whole_run"] if m < 0 else f"{m // 60:02d}:{m % 60:02d}"
            for m in worst["interval_start_min"].astype(int)
        ]
        columns = ["channel", "weekday", "time", "service_level", "lower_bound", "target"]
        print(table(worst[columns].round(3)))
    if len(plan.unresponsive):
        reasons = plan.unresponsive["reason"].value_counts()
        print(t["unresponsive"].format(n=len(plan.unresponsive)))
        if reasons.get("every desk staffed", 0):
            print(t["desks"].format(n=reasons["every desk staffed"]))
        if reasons.get("no response to added staff", 0):
            print(t["no_response"].format(n=reasons["no response to added staff"]))
    if len(plan.uncovered):
        print(t["uncovered"].format(n=len(plan.uncovered)))
    if len(plan.deferred):
        print(t["mail"])
        columns = [
            "staff_group",
            "channel",
            "items_per_week",
            "work_hours_per_week",
            "spare_hours_per_week",
            "agents",
        ]
        print(table(plan.deferred[columns].round(1)))
    if len(plan.departments):
        print(t["back_office"])
        columns = ["staff_group", "tasks_per_week", "work_hours_per_week", "agents"]
        print(table(plan.departments[columns].round(1)))
    if spec.compare_skill_mix:
        mixes = compare_skill_mixes(scenario, plan)
        mixes.to_csv(folder / "skill_mix.csv", index=False)
        pooling_gain(plan.requirements, scenario).to_csv(folder / "pooling_gain.csv", index=False)
        print(t["mixes"])
        columns = ["skill_mix", "fte", "fte_saved_vs_specialists", "norms_met"]
        print(table(mixes[columns].round(2)))
    report = write_plan_report(folder)
    print(f"\n{t['outputs']}: {folder.resolve()}")
    print(f"{t['report']}:  {report.resolve()}")
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
    language, groups = roadmap_names(folders)
    figure = fte_by_year_figure(fte, mixes, language=language, names=groups)
    save_png(figure, out / "figures" / "fte_by_year.png", dpi=110)
    return write_roadmap_report(out, fte, mixes, folders)
