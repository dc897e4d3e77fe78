"""The staffing report: one self-contained HTML page per plan, and one for the road map.

Both pages are built from the files ``klantstroom-staff`` wrote (``staffing_plan.json``,
``fte.csv``, ``skill_mix.csv``, ``pooling_gain.csv``, ``uncovered.csv`` and the figures), so
the page always shows what the tables say:

* a plan's page: the settings, FTE per group (and the groups the plan does not size, with the
  reason), specialists against multi-skilled staff with where pooling saves, the week's staff
  needed and on shift, and intervals no allowed shift covers;
* the road map's page: FTE per group per year, the three skill mixes per year, and a link to
  each year's page.

Both come from the Jinja2 template ``staffing_report.html.j2``, in the plan's
``report.language`` (``staffing_plan.json`` records it; English for plans written before), with
staff groups and services by their display names.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from klantstroom.outputs import write_atomic
from klantstroom.report.html import STYLE, figure_img, file_img
from klantstroom.report.numbers import grouped
from klantstroom.report.staffing_figures import pooling_gain_figure
from klantstroom.report.templating import render
from klantstroom.staffing.roadmap import read_fte, read_info

REPORT = "staffing_report.html"
METHODS = {"erlang_a": "Erlang A", "erlang_c": "Erlang C"}
_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Staffing plan: {label}",
        "lead": "Scenario {scenario}, {days:g} days from {start}. Analytic sizing with {method} "
        "(occupancy at most {occupancy}){refined}. Shrinkage {shrinkage}, {hours:g} h contracts.",
        "refined": ", refined by simulation ({runs} runs; norms {hold} everywhere)",
        "hold": "hold",
        "not_hold": "do NOT hold",
        "not_refined": ", not refined by simulation",
        "fte_title": "FTE per staff group",
        "fte_header": ["staff group", "paid hours per week", "FTE", "cost per year (EUR)"],
        "total": "Total: {fte} FTE",
        "for_sized": " for the groups sized",
        "cost": ", EUR {cost} per year (salary scale, IKB and employer's charges).",
        "cost_unknown": " (cost per year unknown: give every group a salary scale under costs:).",
        "unsized_title": "Groups this plan does not size",
        "unsized_header": ["staff group", "why"],
        "mail_title": "E-mail and web forms",
        "mail_text": "Due in working days, not seconds: the week's expected items times their "
        "mean handling time. A group that also answers the phone or chats does them first in "
        "the time that leaves (its planned hours at the occupancy cap, less its real-time "
        "load); the rest is spread over the hours it works, on top of its real-time need. A "
        "group with e-mail only works its roster's hours.",
        "mail_header": [
            "staff group",
            "channel",
            "items per week",
            "work hours per week",
            "of which in spare time",
            "working hours per week",
            "extra staff while working",
        ],
        "bo_title": "Back office",
        "bo_text": "Tasks are the contacts the front office did not resolve, counted in a "
        "simulation run of the scenario; a task's work is its mean processing time plus the "
        "department's own callback. Tasks may wait days, so the week's work is spread over the "
        "hours the group's roster works.",
        "bo_header": [
            "staff group",
            "tasks per week",
            "work hours per week",
            "working hours per week",
            "staff needed while working",
        ],
        "mix_title": "Specialists or multi-skilled staff",
        "mix_text": "The same demand and norms, the contact centre staffed three ways (skills at "
        "speed 1, the groups' mean wrap-up; shop counters as planned, back office left out): "
        "what pooling the queues saves.",
        "mix_header": ["staffing", "FTE", "FTE saved vs specialists", "simulated norms"],
        "mixes": {
            "scenario": "road-map mix (groups as configured)",
            "specialists": "specialists only (one group per service)",
            "multi_skilled": "multi-skilled only (one group with every skill)",
        },
        "met": "met",
        "not_met": "not met",
        "not_simulated": "not simulated",
        "gain_title": "Where the gain comes from, per service",
        "gain_header": ["service", "agent-hours apart", "agent-hours pooled", "saved"],
        "gain_alt": "pooling gain per hour",
        "gain_caption": "Small queues gain most: apart, each needs spare agents of its own.",
        "plan_title": "Staff needed and on shift",
        "plan_alt": "staff needed and on shift per half hour",
        "uncovered_title": "Needs no allowed shift covers",
        "uncovered_text": "These intervals need staff outside every allowed shift; widen the "
        "shift lengths or",
        "uncovered_header": ["staff group", "weekday", "interval", "staff uncovered"],
        "failing_title": "Norms that still fail",
        "failing_text": "The simulation search stopped with {n} interval(s) below their norm "
        "(worst first; e-mail is judged over the whole run). The full list is in",
        "failing_header": [
            "channel",
            "weekday",
            "interval",
            "service level",
            "lower bound",
            "target",
        ],
        "whole_run": "whole run",
        "stuck_title": "Norms more staff does not reach",
        "stuck_text": "In these intervals more staff cannot make the norm hold, so the "
        "simulation search stopped adding there. At a shop whose desks are all staffed, more "
        "desks or fewer visitors would; where added staff did not raise the service level, "
        "usually deferred work (e-mail, tasks) takes every member who comes on duty at "
        "opening: limit it with",
        "stuck_header": [
            "channel",
            "weekday",
            "interval",
            "staff added",
            "service level then",
            "now",
            "why",
        ],
        "roadmap_title": "Staffing per road-map year",
        "roadmap_lead": "FTE per staff group from each year's staffing plan, with shrinkage and "
        "contract hours; '–' where a group does not exist or is not sized that year.",
        "group": "staff group",
        "staffing": "staffing",
        "total_row": "total",
        "fte_alt": "FTE per road-map year",
        "cost_title": "Cost per year (EUR)",
        "cost_text": "Each plan's FTE times its groups' salary cost per FTE per year (scale, "
        "IKB and employer's charges: costs), the same salaries as the runs' costs.csv. Staff "
        "only: desks, transactions and training are in the runs.",
        "verdict": "{last} against {first}: {sign}EUR {change} per year ({sign}{share}%), "
        "{verdict}.",
        "neutral": "budget-neutral",
        "not_neutral": "not budget-neutral",
        "mix_years_title": "Specialists or multi-skilled, per year",
        "unsized_years_title": "Groups not sized",
        "unsized_years_header": ["staff group", "in", "why"],
        "plans_title": "Each year's plan",
    },
    "nl": {
        "title": "Personeelsplan: {label}",
        "lead": "Scenario {scenario}, {days:g} dagen vanaf {start}. Berekend met {method} "
        "(bezettingsgraad hoogstens {occupancy}){refined}. Shrinkage {shrinkage}, contracten "
        "van {hours:g} uur.",
        "refined": ", verfijnd met simulatie ({runs} runs; de normen worden {hold})",
        "hold": "overal gehaald",
        "not_hold": "NIET overal gehaald",
        "not_refined": ", niet met simulatie verfijnd",
        "fte_title": "Fte per medewerkersgroep",
        "fte_header": [
            "medewerkersgroep",
            "betaalde uren per week",
            "fte",
            "kosten per jaar (EUR)",
        ],
        "total": "Totaal: {fte} fte",
        "for_sized": " voor de berekende groepen",
        "cost": ", EUR {cost} per jaar (salarisschaal, IKB en werkgeverslasten).",
        "cost_unknown": " (kosten per jaar onbekend: geef elke groep een salarisschaal onder "
        "costs:).",
        "unsized_title": "Groepen die dit plan niet berekent",
        "unsized_header": ["medewerkersgroep", "waarom"],
        "mail_title": "E-mail en webformulieren",
        "mail_text": "Afgehandeld binnen werkdagen, niet seconden: de verwachte stukken van de "
        "week maal hun gemiddelde afhandeltijd. Een groep die ook telefoon of chat doet, doet "
        "ze eerst in de tijd die overblijft (de geplande uren bij de bezettingsgrens, min de "
        "real-time belasting); de rest wordt verdeeld over de uren die ze werkt, bovenop de "
        "real-time behoefte. Een groep met alleen e-mail werkt de uren van haar rooster.",
        "mail_header": [
            "medewerkersgroep",
            "kanaal",
            "stukken per week",
            "werkuren per week",
            "waarvan in vrije tijd",
            "gewerkte uren per week",
            "extra medewerkers tijdens werk",
        ],
        "bo_title": "Backoffice",
        "bo_text": "Taken zijn de contacten die de frontoffice niet oploste, geteld in een "
        "simulatierun van het scenario; het werk van een taak is de gemiddelde behandeltijd plus "
        "het eigen terugbellen van de afdeling. Taken kunnen dagen wachten, dus het werk van de "
        "week wordt verdeeld over de uren dat het rooster van de groep werkt.",
        "bo_header": [
            "medewerkersgroep",
            "taken per week",
            "werkuren per week",
            "gewerkte uren per week",
            "medewerkers nodig tijdens werk",
        ],
        "mix_title": "Specialisten of breed inzetbare medewerkers",
        "mix_text": "Dezelfde vraag en normen, het klantcontactcentrum op drie manieren bemand "
        "(vaardigheden op snelheid 1, de gemiddelde nawerktijd van de groepen; balies zoals "
        "gepland, backoffice buiten beschouwing): wat het samenvoegen van wachtrijen bespaart.",
        "mix_header": [
            "bemensing",
            "fte",
            "fte bespaard t.o.v. specialisten",
            "normen in simulatie",
        ],
        "mixes": {
            "scenario": "mix van de routekaart (groepen zoals geconfigureerd)",
            "specialists": "alleen specialisten (één groep per dienst)",
            "multi_skilled": "alleen breed inzetbaar (één groep met alle vaardigheden)",
        },
        "met": "gehaald",
        "not_met": "niet gehaald",
        "not_simulated": "niet gesimuleerd",
        "gain_title": "Waar de winst vandaan komt, per dienst",
        "gain_header": ["dienst", "medewerkersuren apart", "medewerkersuren samen", "bespaard"],
        "gain_alt": "winst van samenvoegen per uur",
        "gain_caption": "Kleine wachtrijen winnen het meest: apart heeft elk eigen reserve nodig.",
        "plan_title": "Benodigd en ingeroosterd personeel",
        "plan_alt": "benodigd en ingeroosterd personeel per half uur",
        "uncovered_title": "Behoefte die geen toegestane dienst dekt",
        "uncovered_text": "Deze intervallen vragen personeel buiten elke toegestane dienst; "
        "verleng de diensten of verruim",
        "uncovered_header": ["medewerkersgroep", "weekdag", "interval", "niet gedekt"],
        "failing_title": "Normen die nog niet gehaald worden",
        "failing_text": "Het zoeken met simulatie stopte met {n} interval(len) onder hun norm "
        "(slechtste eerst; e-mail wordt over de hele run beoordeeld). De volledige lijst staat "
        "in",
        "failing_header": [
            "kanaal",
            "weekdag",
            "interval",
            "servicelevel",
            "ondergrens",
            "doel",
        ],
        "whole_run": "hele run",
        "stuck_title": "Normen die meer personeel niet haalt",
        "stuck_text": "In deze intervallen haalt meer personeel de norm niet, dus het zoeken "
        "stopte daar met toevoegen. Bij een stadswinkel met alle balies bemand helpen meer "
        "balies of minder bezoekers; waar extra personeel het servicelevel niet verhoogde, neemt "
        "meestal uitgesteld werk (e-mail, taken) iedereen die bij opening begint: beperk het met",
        "stuck_header": [
            "kanaal",
            "weekdag",
            "interval",
            "personeel toegevoegd",
            "servicelevel toen",
            "nu",
            "waarom",
        ],
        "roadmap_title": "Personeel per jaar van de routekaart",
        "roadmap_lead": "Fte per medewerkersgroep uit het personeelsplan van elk jaar, met "
        "shrinkage en contracturen; '–' waar een groep dat jaar niet bestaat of niet wordt "
        "berekend.",
        "group": "medewerkersgroep",
        "staffing": "bemensing",
        "total_row": "totaal",
        "fte_alt": "fte per jaar van de routekaart",
        "cost_title": "Kosten per jaar (EUR)",
        "cost_text": "De fte van elk plan maal de salariskosten per fte per jaar van de groepen "
        "(schaal, IKB en werkgeverslasten: costs), dezelfde salarissen als in costs.csv van de "
        "runs. Alleen personeel: balies, transacties en opleiding staan in de runs.",
        "verdict": "{last} tegenover {first}: {sign}EUR {change} per jaar ({sign}{share}%), "
        "{verdict}.",
        "neutral": "budgetneutraal",
        "not_neutral": "niet budgetneutraal",
        "mix_years_title": "Specialisten of breed inzetbaar, per jaar",
        "unsized_years_title": "Groepen die niet berekend zijn",
        "unsized_years_header": ["medewerkersgroep", "in", "waarom"],
        "plans_title": "Het plan van elk jaar",
    },
}


def _number(value: object, digits: int = 1, language: str = "en") -> str:
    return grouped(value, digits, language)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _language(info: dict[str, Any]) -> str:
    language = str(info.get("language", "en"))
    return language if language in _TEXT else "en"


def _names(info: dict[str, Any], kind: str) -> dict[str, str]:
    return dict((info.get("labels") or {}).get(kind, {}))


def write_plan_report(folder: Path) -> Path:
    """Write ``staffing_report.html`` for the plan in ``folder``; return its path."""
    info = read_info(folder)
    fte = read_fte(folder)
    language = _language(info)
    t = _TEXT[language]
    groups, services = _names(info, "staff_groups"), _names(info, "services")

    def n(value: object, digits: int = 1) -> str:
        return _number(value, digits, language)

    def group(name: object) -> str:
        return groups.get(str(name), str(name))

    def percent(value: object) -> str:
        return n(100 * float(str(value)), 0) + "%"

    refined = (
        t["refined"].format(
            runs=info["simulation_runs"], hold=t["hold"] if info["norms_met"] else t["not_hold"]
        )
        if info["optimised"]
        else t["not_refined"]
    )
    cost = info.get("total_cost_per_year")
    context: dict[str, Any] = {
        "roadmap": False,
        "title": t["title"].format(label=info["label"]),
        "lead": t["lead"].format(
            scenario=info["scenario"],
            days=info["horizon_days"],
            start=info["start_date"],
            method=METHODS.get(info["method"], info["method"]),
            occupancy=f"{info['max_occupancy']:.0%}",
            refined=refined,
            shrinkage=f"{info['shrinkage']:.0%}",
            hours=info["contract_hours_per_week"],
        ),
        "fte_rows": [
            [group(r.staff_group), n(r.paid_hours_per_week), n(r.fte, 2), n(r.cost_per_year, 0)]
            for r in fte[fte["fte"].notna()].itertuples(index=False)
        ],
        "total": t["total"].format(fte=n(fte["fte"].sum(), 1)),
        "cost": t["for_sized"]
        + (
            t["cost_unknown"]
            if cost is None or (isinstance(cost, float) and math.isnan(cost))
            else t["cost"].format(cost=n(cost, 0))
        ),
        "unsized_rows": [
            [group(g), str(note)]
            for g, note in zip(fte["staff_group"], fte["note"], strict=True)
            if note != ""
        ],
        "figures": {},
    }
    mail = _read(folder / "deferred_work.csv")
    context["mail_rows"] = [
        [
            group(r.staff_group),
            str(r.channel),
            n(r.items_per_week, 0),
            n(r.work_hours_per_week, 0),
            n(r.spare_hours_per_week, 0),
            n(r.working_hours_per_week, 0),
            n(r.agents, 1),
        ]
        for r in mail.itertuples(index=False)
    ]
    work = _read(folder / "back_office.csv")
    context["back_office_rows"] = [
        [
            group(r.staff_group),
            n(r.tasks_per_week, 0),
            n(r.work_hours_per_week, 0),
            n(r.working_hours_per_week, 0),
            n(r.agents, 1),
        ]
        for r in work.itertuples(index=False)
    ]
    mixes = _read(folder / "skill_mix.csv")
    context["mix_rows"] = [
        [
            t["mixes"].get(str(r.skill_mix), str(r.skill_mix)),
            n(r.fte, 1),
            n(r.fte_saved_vs_specialists, 1),
            {"True": t["met"], "False": t["not_met"]}.get(
                str(getattr(r, "norms_met", "")), t["not_simulated"]
            ),
        ]
        for r in mixes.itertuples(index=False)
    ]
    gain = _read(folder / "pooling_gain.csv") if len(mixes) else pd.DataFrame()
    context["gain_rows"] = []
    if len(gain):
        by_service = (
            gain.groupby("service")[["separate_agent_hours", "pooled_agent_hours"]]
            .sum()
            .assign(saved=lambda s: s["separate_agent_hours"] - s["pooled_agent_hours"])
            .sort_values("saved", ascending=False)
        )
        context["gain_rows"] = [
            [
                services.get(str(s), str(s)),
                n(r.separate_agent_hours, 0),
                n(r.pooled_agent_hours, 0),
                n(r.saved, 0),
            ]
            for s, r in by_service.iterrows()
        ]
        context["figures"]["gain"] = Markup(
            figure_img(pooling_gain_figure(gain, language=language, names=services), t["gain_alt"])
        )
    plan_figure = folder / "figures" / "staffing_plan.png"
    if plan_figure.is_file():
        context["figures"]["plan"] = Markup(file_img(plan_figure, t["plan_alt"]))
    uncovered = _read(folder / "uncovered.csv")
    context["uncovered_rows"] = [
        [
            group(r.staff_group),
            str(r.weekday),
            _clock(int(str(r.interval_start_min))),
            n(r.staff_uncovered, 1),
        ]
        for r in uncovered.itertuples(index=False)
    ]
    still = _read(folder / "failing.csv")
    context["failing_text"] = t["failing_text"].format(n=len(still))
    context["failing_rows"] = [
        [
            str(r.channel),
            str(r.weekday),
            t["whole_run"]
            if int(str(r.interval_start_min)) < 0
            else _clock(int(str(r.interval_start_min))),
            percent(r.service_level),
            percent(r.lower_bound),
            percent(r.target),
        ]
        for r in still.head(20).itertuples(index=False)
    ]
    stuck = _read(folder / "unresponsive.csv")
    context["stuck_rows"] = [
        [
            str(r.channel),
            str(r.weekday),
            _clock(int(str(r.interval_start_min))),
            str(r.staff_added),
            percent(r.service_level_first),
            percent(r.service_level),
            str(r.reason),
        ]
        for r in stuck.itertuples(index=False)
    ]
    path = folder / REPORT
    page = render("staffing_report.html.j2", language=language, style=Markup(STYLE), t=t, **context)
    # Atomic, as the tables: a full disk leaves the earlier page or none, never half a page.
    write_atomic(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return path


def _read(path: Path) -> pd.DataFrame:
    """A table the plan wrote, or an empty one when it did not (nothing of that kind)."""
    return pd.read_csv(path) if path.is_file() else pd.DataFrame()


def roadmap_names(folders: list[Path]) -> tuple[str, dict[str, str]]:
    """The language of the road map's plans (the first's) and their staff groups' names."""
    infos = [read_info(folder) for folder in folders]
    language = _language(infos[0]) if infos else "en"
    groups: dict[str, str] = {}
    for info in infos:
        for name, label in _names(info, "staff_groups").items():
            groups.setdefault(name, label)
    return language, groups


def write_roadmap_report(
    out: Path, fte: pd.DataFrame, mixes: pd.DataFrame, folders: list[Path]
) -> Path:
    """Write the road map's ``staffing_report.html`` into ``out``; return its path."""
    language, groups = roadmap_names(folders)
    t = _TEXT[language]

    def n(value: object, digits: int = 1) -> str:
        return _number(value, digits, language)

    years = list(dict.fromkeys(fte["label"]))
    sized = fte[fte["fte"].notna()]
    order = list(dict.fromkeys(sized["staff_group"]))
    wide = sized.pivot_table(index="staff_group", columns="label", values="fte", aggfunc="sum")
    wide = wide.reindex(columns=years).reindex(order)
    fte_rows = [[groups.get(str(g), str(g)), *(n(v, 1) for v in wide.loc[g])] for g in wide.index]
    fte_rows.append([t["total_row"], *(n(wide[y].sum(), 1) for y in years)])
    costs = sized.pivot_table(
        index="staff_group", columns="label", values="cost_per_year", aggfunc="first", dropna=False
    ).reindex(index=order, columns=years)
    cost_rows: list[list[str]] = []
    verdict = ""
    if not costs.isna().all().all():
        # A year with a sized group without salary has no total ('–'): a partial sum would
        # look like a saving.
        totals = [costs[y].sum(min_count=1) if costs[y].notna().all() else math.nan for y in years]
        cost_rows = [
            [groups.get(str(g), str(g)), *(n(v, 0) for v in costs.loc[g])] for g in costs.index
        ]
        cost_rows.append([t["total_row"], *(n(v, 0) for v in totals)])
        first, last = totals[0], totals[-1]
        if len(years) > 1 and math.isfinite(first) and math.isfinite(last) and first > 0:
            change = last - first
            verdict = t["verdict"].format(
                last=years[-1],
                first=years[0],
                sign="+" if change > 0 else "−",
                change=n(abs(change), 0),
                share=n(100 * abs(change) / first, 1),
                verdict=t["neutral"] if change <= 0 else t["not_neutral"],
            )
    mix_rows: list[list[str]] = []
    if len(mixes):
        mix_wide = mixes.pivot_table(index="skill_mix", columns="label", values="fte")
        mix_wide = mix_wide.reindex(columns=years)
        mix_wide = mix_wide.reindex([m for m in t["mixes"] if m in mix_wide.index])
        mix_rows = [
            [t["mixes"].get(str(m), str(m)), *(n(v, 1) for v in mix_wide.loc[m])]
            for m in mix_wide.index
        ]
    unsized = fte[fte["note"] != ""]
    unsized_rows: list[list[str]] = []
    if len(unsized):
        grouped = unsized.groupby(["staff_group", "note"], sort=False)["label"].agg(", ".join)
        unsized_rows = [
            [groups.get(str(g), str(g)), str(in_years), str(note)]
            for (g, note), in_years in zip(grouped.index, grouped, strict=True)
        ]
    links = [
        (Path(os.path.relpath(folder / REPORT, out)).as_posix(), str(info["label"]))
        for folder, info in zip(folders, map(read_info, folders), strict=True)
    ]
    page = render(
        "staffing_report.html.j2",
        language=language,
        style=Markup(STYLE),
        t=t,
        roadmap=True,
        title=t["roadmap_title"],
        lead=t["roadmap_lead"],
        years=years,
        fte_rows=fte_rows,
        figures={"fte": Markup(file_img(out / "figures" / "fte_by_year.png", t["fte_alt"]))},
        cost_rows=cost_rows,
        verdict=verdict,
        mix_rows=mix_rows,
        unsized_rows=unsized_rows,
        links=links,
    )
    path = out / REPORT
    # Atomic, as the tables: a full disk leaves the earlier page or none, never half a page.
    write_atomic(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return path
