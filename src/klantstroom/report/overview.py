"""A run's norms and headline KPIs as rows: the table ``report.html`` and the workshop open with.

Each row is one headline KPI (:mod:`klantstroom.report.headline`) or one norm of ``run.json``
that the headline does not show, with its mean over the replications, its 95% confidence
interval, the norm and whether it is met: ``met`` or ``not met`` when the whole interval lies on
one side of the norm, ``uncertain`` when the norm lies inside it (a traffic light's green, red and
amber). :func:`overview_rows` reads them off a finished run; the run report prints them and the
workshop sets a what-if's beside its baseline's, with the difference and its interval
(:func:`beside`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from klantstroom.analysis.compare import ScenarioTables, comparison_table, differences_table
from klantstroom.analysis.periods import WHOLE_RUN
from klantstroom.report.headline import (
    Headline,
    at_level,
    fmt,
    fmt_ci,
    fmt_difference,
    headline_rows,
    name,
    norm_rows,
    select,
)
from klantstroom.results import RunOutput


@dataclass(frozen=True)
class OverviewRow:
    """One KPI of a run: its name, value with interval, norm and status.

    ``status`` is ``met``, ``not met``, ``uncertain`` or None (no norm); ``value`` and ``norm``
    are printed in the report's language.
    """

    headline: Headline
    name: str
    mean: float
    value: str
    norm: str
    status: str | None


def run_tables(run: RunOutput) -> ScenarioTables:
    """The run's summary and KPIs as :class:`ScenarioTables` (for the comparison helpers)."""
    info = run.info
    return ScenarioTables(
        label=run.label,
        summary=run.summary,
        kpis=run.kpis,
        seed=info.get("seed"),
        roadmap_step=run.roadmap_step,
        horizon_days=float(info.get("horizon_days", 7.0)),
        contract_hours_per_week=float(info.get("contract_hours_per_week", 36.0)),
    )


def overview_rows(run: RunOutput, language: str) -> list[OverviewRow]:
    """The headline KPIs and the norms of ``run``, in the order the report shows them."""
    comparison = comparison_table([run_tables(run)])
    departments = run.labels("departments")
    rows = headline_rows(sorted(d for d in comparison["department"].unique() if d != "all"))
    # Norms on KPIs or levels the headline does not show (a norm on one service, on FCR).
    shown = {(r.kpi, r.channel, r.department, r.service, r.shop) for r in rows}
    rows += [
        r
        for r in at_level(norm_rows(run.info.get("norms") or []), comparison, departments)
        if (r.kpi, r.channel, r.department, r.service, r.shop) not in shown
    ]
    result = []
    for row in rows:
        data = select(comparison, row)
        if data.empty or data["mean"].isna().all():
            continue
        r = data.iloc[0]
        status = r["status"] if isinstance(r["status"], str) else None
        norm = (
            f"{'≥' if r['norm'] == '>=' else '≤'} {fmt(r['target'], row.unit, language)}"
            if status
            else ""
        )
        period = str(r.get("period", WHOLE_RUN))
        result.append(
            OverviewRow(
                headline=row,
                name=name(row, language, departments)
                + ("" if period in (WHOLE_RUN, "nan") else f" ({period})"),
                mean=float(r["mean"]),
                value=fmt_ci(r["mean"], r["ci_low"], r["ci_high"], row.unit, language),
                norm=norm,
                status=status,
            )
        )
    return result


@dataclass(frozen=True)
class BesideRow:
    """A what-if's KPI beside its baseline's, with the difference and its 95% interval.

    ``significant`` is True when the interval of the difference excludes 0. With the same seed
    the replications are paired (common random numbers), which narrows the interval.
    """

    row: OverviewRow
    baseline: str
    baseline_status: str | None
    difference: str
    significant: bool


def beside(whatif: RunOutput, baseline: RunOutput, language: str) -> list[BesideRow]:
    """The what-if's overview rows with the baseline's value of each and the difference."""
    base = {r.headline: r for r in overview_rows(baseline, language)}
    differences = differences_table([run_tables(baseline), run_tables(whatif)], baseline=0)
    result = []
    for row in overview_rows(whatif, language):
        other = base.get(row.headline)
        found = select(differences, row.headline) if len(differences) else differences
        text, significant = "–", False
        if len(found) and np.isfinite(float(found["difference"].iloc[0])):
            d = found.iloc[0]
            unit = row.headline.unit
            text = fmt_difference(d["difference"], unit, language)
            if np.isfinite(float(d["ci_low"])) and np.isfinite(float(d["ci_high"])):
                low = fmt_difference(d["ci_low"], unit, language)
                high = fmt_difference(d["ci_high"], unit, language)
                text += f" ({low} – {high})"
            significant = bool(d["significant"])
        result.append(
            BesideRow(
                row=row,
                baseline=other.value if other is not None else "–",
                baseline_status=other.status if other is not None else None,
                difference=text,
                significant=significant,
            )
        )
    return result
