"""Cost in ``klantstroom-compare``: each scenario's cost per year beside its norms, and the budget.

:func:`write_cost_comparison` reads every run's ``costs.csv``, writes ``costs.csv`` (the mean
cost rows of every scenario) and ``budget.csv`` (each scenario's yearly cost against the
baseline, with the verdict budget-neutral or not, :mod:`klantstroom.analysis.cost_compare`) into
the comparison folder, and returns the report's "Cost per year" section, rendered from
``compare_costs.html.j2``. For a road map it adds the line that matters to a council: the end
state against the nulmeting, in EUR per year and percent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.analysis.cost_compare import (
    BUDGET_COLUMNS,
    RunCosts,
    budget_table,
    cost_comparison,
    roadmap_budget,
)
from klantstroom.report.cost_report import channel_name, euro, read_cost_table, whole
from klantstroom.report.headline import decimal
from klantstroom.report.templating import render
from klantstroom.results import RunOutput
from klantstroom.scenario.cost_spec import DAYS_PER_YEAR

_TEXT = {
    "en": {
        "title": "Cost per year",
        "intro": "Means over replications from each run's costs.csv: staff (the rostered hours "
        "as FTE, at each group's salary scale with IKB and employer's charges), training, shop "
        "desks per opening hour and transactions per contact; a run shorter than a year is "
        "scaled to a year by 365 / its days. '–': the run has no costs.csv or a group without "
        "salary.",
        "item": "cost",
        "staff": "staff",
        "training": "training",
        "desks": "shop desks",
        "transactions": "transactions",
        "total": "total per year (95% interval)",
        "fte": "FTE employed",
        "served": "contacts served per year",
        "per_contact": "per contact served",
        "channel_contact": "per contact: {channel}",
        "budget": "Against the baseline",
        "budget_intro": "Scenario minus {baseline}, per year, with the 95% interval of the "
        "difference; budget-neutral when the whole interval lies at or below zero.",
        "scenario": "scenario",
        "cost": "cost per year",
        "difference": "difference (95% interval)",
        "share": "difference %",
        "verdict": "verdict",
        "budget-neutral": "budget-neutral",
        "not budget-neutral": "not budget-neutral",
        "uncertain": "uncertain",
        "roadmap": "The end state ({end}) against the nulmeting ({start}): {difference} per "
        "year ({share}; 95% interval {low} to {high}): {verdict}.",
    },
    "nl": {
        "title": "Kosten per jaar",
        "intro": "Gemiddelden over replicaties uit de costs.csv van elke run: personeel (de "
        "ingeroosterde uren als fte, tegen de salarisschaal van elke groep met IKB en "
        "werkgeverslasten), opleiding, balies per openingsuur en transacties per contact; een "
        "run korter dan een jaar is naar een jaar omgerekend met 365 / het aantal dagen. '–': "
        "de run heeft geen costs.csv of een groep zonder salaris.",
        "item": "kosten",
        "staff": "personeel",
        "training": "opleiding",
        "desks": "balies",
        "transactions": "transacties",
        "total": "totaal per jaar (95%-interval)",
        "fte": "fte in dienst",
        "served": "geholpen contacten per jaar",
        "per_contact": "per geholpen contact",
        "channel_contact": "per contact: {channel}",
        "budget": "Ten opzichte van de basis",
        "budget_intro": "Scenario min {baseline}, per jaar, met het 95%-interval van het "
        "verschil; budgetneutraal als het hele interval op of onder nul ligt.",
        "scenario": "scenario",
        "cost": "kosten per jaar",
        "difference": "verschil (95%-interval)",
        "share": "verschil %",
        "verdict": "oordeel",
        "budget-neutral": "budgetneutraal",
        "not budget-neutral": "niet budgetneutraal",
        "uncertain": "onzeker",
        "roadmap": "Het eindbeeld ({end}) ten opzichte van de nulmeting ({start}): {difference} "
        "per jaar ({share}; 95%-interval {low} tot {high}): {verdict}.",
    },
}
_CSS = {"budget-neutral": "met", "not budget-neutral": "miss", "uncertain": "unsure"}
_DIFFERENCE_DIGITS = 1


def _signed_euro(value: Any, language: str) -> str:
    value = float(value)
    if not math.isfinite(value):
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + euro(abs(value), language)


def _signed_share(value: Any, language: str) -> str:
    value = float(value)
    if not math.isfinite(value):
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{decimal(100 * abs(value), _DIFFERENCE_DIGITS, language)}%"


def run_costs(runs: Sequence[RunOutput], labels: Sequence[str]) -> list[RunCosts]:
    """Each run's ``costs.csv`` with its label, seed and road-map step."""
    return [
        RunCosts(
            label=label,
            costs=read_cost_table(run.folder),
            seed=run.info.get("seed"),
            roadmap_step=run.roadmap_step,
        )
        for run, label in zip(runs, labels, strict=True)
    ]


def write_cost_comparison(
    runs: Sequence[RunOutput], labels: Sequence[str], base: int, folder: Path, language: str
) -> str:
    """Write ``costs.csv`` and ``budget.csv`` into ``folder``; return the report's section.

    The section is empty when no run has a ``costs.csv`` (runs written before it existed).
    """
    priced = run_costs(runs, labels)
    comparison = cost_comparison(priced)
    budget = budget_table(priced, base)
    comparison.to_csv(folder / "costs.csv", index=False)
    budget.to_csv(folder / "budget.csv", index=False, columns=BUDGET_COLUMNS)
    if comparison.empty:
        return ""
    t = _TEXT[language]
    days = {
        label: float(run.info.get("horizon_days") or DAYS_PER_YEAR)
        for run, label in zip(runs, labels, strict=True)
    }
    rows = _cost_rows(comparison, labels, days, language, t)
    budget_rows = [
        [
            (str(r["scenario"]), ""),
            (euro(r["eur_per_year"], language), ""),
            (
                f"{_signed_euro(r['difference_eur_per_year'], language)} "
                f"({_signed_euro(r['ci_low'], language)} – {_signed_euro(r['ci_high'], language)})",
                "",
            ),
            (_signed_share(r["difference_share"], language), ""),
            (t.get(r["verdict"], r["verdict"]), _CSS.get(r["verdict"], "")),
        ]
        for r in budget.to_dict("records")
    ]
    line = roadmap_budget(priced)
    roadmap = ""
    if line is not None:
        roadmap = t["roadmap"].format(
            end=line["scenario"],
            start=line["baseline"],
            difference=_signed_euro(line["difference_eur_per_year"], language),
            share=_signed_share(line["difference_share"], language),
            low=_signed_euro(line["ci_low"], language),
            high=_signed_euro(line["ci_high"], language),
            verdict=t.get(line["verdict"], line["verdict"]),
        )
    return render(
        "compare_costs.html.j2",
        t=t,
        intro=t["intro"],
        roadmap=roadmap,
        header=[t["item"], *labels],
        rows=rows,
        budget=budget_rows,
        budget_intro=t["budget_intro"].format(baseline=labels[base]),
        budget_header=[t["scenario"], t["cost"], t["difference"], t["share"], t["verdict"]],
    )


def _cost_rows(
    comparison: pd.DataFrame,
    labels: Sequence[str],
    days: dict[str, float],
    language: str,
    t: dict[str, str],
) -> list[list[tuple[str, str]]]:
    """Per cost item one row, a cell per scenario (``–`` where a run has no costs)."""
    by_scenario = {label: comparison[comparison["scenario"] == label] for label in labels}

    def row(name: str, text: Any, css: str = "") -> list[tuple[str, str]]:
        cells = [(name, css)]
        for label in labels:
            part = by_scenario[label]
            cells.append((text(label, part) if len(part) else "–", ""))
        return cells

    def total_of(part: pd.DataFrame) -> pd.Series:
        return part[part["item"] == "total"].iloc[0]

    rows = []
    for item in ("staff", "training", "desks", "transactions"):
        if (comparison["item"] == item).any():
            rows.append(
                row(
                    t[item],
                    lambda _, p, item=item: euro(
                        p.loc[p["item"] == item, "eur_per_year"].sum(min_count=1), language
                    ),
                )
            )
    rows.append(
        row(
            t["total"],
            lambda _, p: (
                f"{euro(total_of(p)['eur_per_year'], language)} "
                f"({euro(total_of(p)['ci_low'], language)} – "
                f"{euro(total_of(p)['ci_high'], language)})"
            ),
            "sig",
        )
    )
    rows.append(row(t["fte"], lambda _, p: decimal(total_of(p)["fte"], 1, language)))
    rows.append(
        row(
            t["served"],
            # A run of d days served count contacts: count x 365 / d a year.
            lambda label, p: whole(total_of(p)["count"] * DAYS_PER_YEAR / days[label], language),
        )
    )
    rows.append(
        row(t["per_contact"], lambda _, p: euro(total_of(p)["eur_per_contact"], language, 2))
    )
    for channel in comparison.loc[comparison["item"] == "by_channel", "channel"].unique():

        def per_contact(_: str, p: pd.DataFrame, channel: str = str(channel)) -> str:
            found = p[(p["item"] == "by_channel") & (p["channel"] == channel)]
            return euro(found["eur_per_contact"].iloc[0], language, 2) if len(found) else "–"

        name = t["channel_contact"].format(channel=channel_name(str(channel), language))
        rows.append(row(name, per_contact))
    return rows
