"""The staffing report: one self-contained HTML page per plan, and one for the road map.

Both pages are built from the files ``klantstroom-staff`` wrote (``staffing_plan.json``,
``fte.csv``, ``skill_mix.csv``, ``pooling_gain.csv``, ``uncovered.csv`` and the figures), so
the page always shows what the tables say:

* a plan's page: the settings, FTE per group (and the groups the plan does not size, with the
  reason), specialists against multi-skilled staff with where pooling saves, the week's staff
  needed and on shift, and intervals no allowed shift covers;
* the road map's page: FTE per group per year, the three skill mixes per year, and a link to
  each year's page.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from klantstroom.report.html import escape, figure_block, figure_img, file_img, page, table
from klantstroom.report.staffing_figures import pooling_gain_figure
from klantstroom.staffing.roadmap import read_fte, read_info

REPORT = "staffing_report.html"
METHODS = {"erlang_a": "Erlang A", "erlang_c": "Erlang C"}
MIX_LABELS = {
    "scenario": "road-map mix (groups as configured)",
    "specialists": "specialists only (one group per service)",
    "multi_skilled": "multi-skilled only (one group with every skill)",
}


def _number(value: object, digits: int = 1) -> str:
    number = float(value)  # type: ignore[arg-type]
    return "–" if math.isnan(number) else f"{number:,.{digits}f}"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _fte_rows(fte: pd.DataFrame) -> list[list[str]]:
    rows = []
    for row in fte[fte["fte"].notna()].itertuples(index=False):
        rows.append(
            [
                str(row.staff_group),
                _number(row.paid_hours_per_week),
                _number(row.fte, 2),
                _number(row.cost_per_year, 0),
            ]
        )
    return rows


def _mix_table(mixes: pd.DataFrame) -> str:
    rows = []
    for row in mixes.itertuples(index=False):
        met = {"True": "met", "False": "not met"}.get(str(getattr(row, "norms_met", "")))
        rows.append(
            [
                MIX_LABELS.get(str(row.skill_mix), str(row.skill_mix)),
                _number(row.fte, 1),
                _number(row.fte_saved_vs_specialists, 1),
                met or "not simulated",
            ]
        )
    return table(["staffing", "FTE", "FTE saved vs specialists", "simulated norms"], rows)


def _cost_text(cost: object) -> str:
    """``, EUR 1,234,567 per year`` (the plan's cost), or a hint when it is unknown."""
    if cost is None or (isinstance(cost, float) and math.isnan(cost)):
        return " (cost per year unknown: give every group a salary scale under costs:)"
    return (
        f", <strong>EUR {_number(cost, 0)} per year</strong> "
        "(salary scale, IKB and employer's charges)"
    )


def write_plan_report(folder: Path) -> Path:
    """Write ``staffing_report.html`` for the plan in ``folder``; return its path."""
    info = read_info(folder)
    fte = read_fte(folder)
    method = METHODS.get(info["method"], info["method"])
    body = [
        f"<h1>Staffing plan: {escape(info['label'])}</h1>",
        "<p class='lead'>"
        + escape(
            f"Scenario {info['scenario']}, {info['horizon_days']:g} days from "
            f"{info['start_date']}. Analytic sizing with {method} "
            f"(occupancy at most {info['max_occupancy']:.0%})"
            + (
                f", refined by simulation ({info['simulation_runs']} runs; norms "
                f"{'hold' if info['norms_met'] else 'do NOT hold'} everywhere)"
                if info["optimised"]
                else ", not refined by simulation"
            )
            + f". Shrinkage {info['shrinkage']:.0%}, {info['contract_hours_per_week']:g} h "
            "contracts."
        )
        + "</p>",
        "<h2>FTE per staff group</h2>",
        table(["staff group", "paid hours per week", "FTE", "cost per year (EUR)"], _fte_rows(fte)),
        f"<p><strong>Total: {_number(fte['fte'].sum(), 1)} FTE</strong> for the groups sized"
        + _cost_text(info.get("total_cost_per_year"))
        + ".</p>",
    ]
    unsized = fte[fte["note"] != ""]
    if len(unsized):
        body.append("<h3>Groups this plan does not size</h3>")
        body.append(
            table(
                ["staff group", "why"],
                [
                    [str(g), str(n)]
                    for g, n in zip(unsized["staff_group"], unsized["note"], strict=True)
                ],
            )
        )
    deferred_path = folder / "deferred_work.csv"
    if deferred_path.is_file():
        mail = pd.read_csv(deferred_path)
        body += [
            "<h2>E-mail and web forms</h2>",
            "<p>Due in working days, not seconds: the week's expected items times their mean "
            "handling time. A group that also answers the phone or chats does them first in the "
            "time that leaves (its planned hours at the occupancy cap, less its real-time "
            "load); the rest is spread over the hours it works, on top of its real-time need. "
            "A group with e-mail only works its roster's hours.</p>",
            table(
                [
                    "staff group",
                    "channel",
                    "items per week",
                    "work hours per week",
                    "of which in spare time",
                    "working hours per week",
                    "extra staff while working",
                ],
                [
                    [
                        str(r.staff_group),
                        str(r.channel),
                        _number(r.items_per_week, 0),
                        _number(r.work_hours_per_week, 0),
                        _number(r.spare_hours_per_week, 0),
                        _number(r.working_hours_per_week, 0),
                        _number(r.agents, 1),
                    ]
                    for r in mail.itertuples(index=False)
                ],
            ),
        ]
    back_office = folder / "back_office.csv"
    if back_office.is_file():
        work = pd.read_csv(back_office)
        body += [
            "<h2>Back office</h2>",
            "<p>Tasks are the contacts the front office did not resolve, counted in a "
            "simulation run of the scenario; a task's work is its mean processing time plus the "
            "department's own callback. Tasks may wait days, so the week's work is spread over "
            "the hours the group's roster works.</p>",
            table(
                [
                    "staff group",
                    "tasks per week",
                    "work hours per week",
                    "working hours per week",
                    "staff needed while working",
                ],
                [
                    [
                        str(r.staff_group),
                        _number(r.tasks_per_week, 0),
                        _number(r.work_hours_per_week, 0),
                        _number(r.working_hours_per_week, 0),
                        _number(r.agents, 1),
                    ]
                    for r in work.itertuples(index=False)
                ],
            ),
        ]
    mix_path = folder / "skill_mix.csv"
    if mix_path.is_file():
        mixes = pd.read_csv(mix_path)
        body += [
            "<h2>Specialists or multi-skilled staff</h2>",
            "<p>The same demand and norms, the contact centre staffed three ways (skills at speed "
            "1, the groups' mean wrap-up; shop counters as planned, back office left out): what "
            "pooling the queues saves.</p>",
            _mix_table(mixes),
        ]
        gain_path = folder / "pooling_gain.csv"
        if gain_path.is_file():
            gain = pd.read_csv(gain_path)
            if len(gain):
                by_service = (
                    gain.groupby("service")[["separate_agent_hours", "pooled_agent_hours"]]
                    .sum()
                    .assign(saved=lambda t: t["separate_agent_hours"] - t["pooled_agent_hours"])
                    .sort_values("saved", ascending=False)
                )
                body.append("<h3>Where the gain comes from, per service</h3>")
                body.append(
                    table(
                        ["service", "agent-hours apart", "agent-hours pooled", "saved"],
                        [
                            [
                                str(s),
                                _number(r.separate_agent_hours, 0),
                                _number(r.pooled_agent_hours, 0),
                                _number(r.saved, 0),
                            ]
                            for s, r in by_service.iterrows()
                        ],
                    )
                )
                body.append(
                    figure_block(
                        figure_img(pooling_gain_figure(gain), "pooling gain per hour"),
                        "Small queues gain most: apart, each needs spare agents of its own.",
                    )
                )
    plan_figure = folder / "figures" / "staffing_plan.png"
    if plan_figure.is_file():
        body += [
            "<h2>Staff needed and on shift</h2>",
            figure_block(file_img(plan_figure, "staff needed and on shift per half hour")),
        ]
    uncovered_path = folder / "uncovered.csv"
    if uncovered_path.is_file():
        uncovered = pd.read_csv(uncovered_path)
        body += [
            "<h2>Needs no allowed shift covers</h2>",
            "<p>These intervals need staff outside every allowed shift; widen "
            "<code>staffing.shift_start_earliest</code> / <code>shift_start_latest</code> or the "
            "shift lengths.</p>",
            table(
                ["staff group", "weekday", "interval", "staff uncovered"],
                [
                    [
                        str(r.staff_group),
                        str(r.weekday),
                        _clock(int(str(r.interval_start_min))),
                        _number(r.staff_uncovered, 1),
                    ]
                    for r in uncovered.itertuples(index=False)
                ],
            ),
        ]
    failing_path = folder / "failing.csv"
    if failing_path.is_file():
        still = pd.read_csv(failing_path)
        body += [
            "<h2>Norms that still fail</h2>",
            f"<p>The simulation search stopped with {len(still)} interval(s) below their norm "
            "(worst first; e-mail is judged over the whole run). The full list is in "
            "<code>failing.csv</code>.</p>",
            table(
                ["channel", "weekday", "interval", "service level", "lower bound", "target"],
                [
                    [
                        str(r.channel),
                        str(r.weekday),
                        "whole run"
                        if int(str(r.interval_start_min)) < 0
                        else _clock(int(str(r.interval_start_min))),
                        _number(100 * float(str(r.service_level)), 0) + "%",
                        _number(100 * float(str(r.lower_bound)), 0) + "%",
                        _number(100 * float(str(r.target)), 0) + "%",
                    ]
                    for r in still.head(20).itertuples(index=False)
                ],
            ),
        ]
    unresponsive_path = folder / "unresponsive.csv"
    if unresponsive_path.is_file():
        stuck = pd.read_csv(unresponsive_path)
        body += [
            "<h2>Norms more staff does not reach</h2>",
            "<p>In these intervals more staff cannot make the norm hold, so the simulation search "
            "stopped adding there. At a shop whose desks are all staffed, more desks or fewer "
            "visitors would; where added staff did not raise the service level, usually deferred "
            "work (e-mail, tasks) takes every member who comes on duty at opening: limit it with "
            "<code>routing.deferred_max_share</code> or <code>routing.deferred_reserve</code>.</p>",
            table(
                [
                    "channel",
                    "weekday",
                    "interval",
                    "staff added",
                    "service level then",
                    "now",
                    "why",
                ],
                [
                    [
                        str(r.channel),
                        str(r.weekday),
                        _clock(int(str(r.interval_start_min))),
                        str(r.staff_added),
                        _number(100 * float(str(r.service_level_first)), 0) + "%",
                        _number(100 * float(str(r.service_level)), 0) + "%",
                        str(r.reason),
                    ]
                    for r in stuck.itertuples(index=False)
                ],
            ),
        ]
    path = folder / REPORT
    path.write_text(page(f"Staffing plan: {info['label']}", body), encoding="utf-8")
    return path


def write_roadmap_report(
    out: Path, fte: pd.DataFrame, mixes: pd.DataFrame, folders: list[Path]
) -> Path:
    """Write the road map's ``staffing_report.html`` into ``out``; return its path."""
    years = list(dict.fromkeys(fte["label"]))
    sized = fte[fte["fte"].notna()]
    wide = sized.pivot_table(index="staff_group", columns="label", values="fte", aggfunc="sum")
    wide = wide.reindex(columns=years)
    order = list(dict.fromkeys(sized["staff_group"]))
    wide = wide.reindex(order)
    rows = [[str(g), *(_number(v, 1) for v in wide.loc[g])] for g in wide.index]
    rows.append(["total", *(_number(wide[y].sum(), 1) for y in years)])
    costs = sized.pivot_table(
        index="staff_group", columns="label", values="cost_per_year", aggfunc="first", dropna=False
    ).reindex(index=order, columns=years)
    body = [
        "<h1>Staffing per road-map year</h1>",
        "<p class='lead'>FTE per staff group from each year's staffing plan, with shrinkage and "
        "contract hours; '–' where a group does not exist or is not sized that year.</p>",
        "<h2>FTE per staff group</h2>",
        table(["staff group", *years], rows),
        figure_block(file_img(out / "figures" / "fte_by_year.png", "FTE per road-map year")),
        *_roadmap_costs(costs, years),
    ]
    if len(mixes):
        mix_wide = mixes.pivot_table(index="skill_mix", columns="label", values="fte")
        mix_wide = mix_wide.reindex(columns=years)
        mix_wide = mix_wide.reindex([m for m in MIX_LABELS if m in mix_wide.index])
        body += [
            "<h2>Specialists or multi-skilled, per year</h2>",
            table(
                ["staffing", *years],
                [
                    [MIX_LABELS.get(str(m), str(m)), *(_number(v, 1) for v in mix_wide.loc[m])]
                    for m in mix_wide.index
                ],
            ),
        ]
    unsized = fte[fte["note"] != ""]
    if len(unsized):
        grouped = unsized.groupby(["staff_group", "note"], sort=False)["label"].agg(", ".join)
        body += [
            "<h3>Groups not sized</h3>",
            table(
                ["staff group", "in", "why"],
                [
                    [str(group), str(years_), str(note)]
                    for (group, note), years_ in zip(grouped.index, grouped, strict=True)
                ],
            ),
        ]
    links = []
    for folder in folders:
        info = read_info(folder)
        href = Path(os.path.relpath(folder / REPORT, out)).as_posix()
        links.append(f"<li><a href='{escape(href)}'>{escape(info['label'])}</a></li>")
    body += ["<h2>Each year's plan</h2>", "<ul>", *links, "</ul>"]
    path = out / REPORT
    path.write_text(page("Staffing per road-map year", body), encoding="utf-8")
    return path


def _roadmap_costs(costs: pd.DataFrame, years: list[str]) -> list[str]:
    """The plans' cost per year per group and in total, and the last year against the first.

    A year with a sized group without salary has no total ('–'): a partial sum would look
    like a saving.
    """
    if costs.isna().all().all():
        return []
    totals = [costs[y].sum(min_count=1) if costs[y].notna().all() else math.nan for y in years]
    rows = [[str(g), *(_number(v, 0) for v in costs.loc[g])] for g in costs.index]
    rows.append(["total", *(_number(v, 0) for v in totals)])
    parts = [
        "<h2>Cost per year (EUR)</h2>",
        "<p>Each plan's FTE times its groups' salary cost per FTE per year (scale, IKB and "
        "employer's charges: <code>costs</code>), the same salaries as the runs' "
        "<code>costs.csv</code>. Staff only: desks, transactions and training are in the runs.</p>",
        table(["staff group", *years], rows),
    ]
    first, last = totals[0], totals[-1]
    if len(years) > 1 and math.isfinite(first) and math.isfinite(last) and first > 0:
        change = last - first
        verdict = "budget-neutral" if change <= 0 else "not budget-neutral"
        parts.append(
            f"<p><strong>{escape(years[-1])} against {escape(years[0])}: "
            f"{'+' if change > 0 else '−'}EUR {_number(abs(change), 0)} per year "
            f"({'+' if change > 0 else '−'}{_number(100 * abs(change) / first, 1)}%), "
            f"{verdict}.</strong></p>"
        )
    return parts
