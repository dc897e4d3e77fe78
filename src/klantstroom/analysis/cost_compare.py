"""Cost per scenario side by side, and whether a scenario is budget-neutral against another.

The inputs are each run's ``costs.csv`` (:mod:`klantstroom.analysis.costs`), so this is pure
pandas. *Budget-neutral* means the scenario costs at most what the baseline costs per year: the
difference of the yearly totals (scenario minus baseline) is at most 0. As with the norms
(:func:`klantstroom.analysis.compare.norm_status`), the 95% confidence interval of that
difference decides: ``budget-neutral`` when it lies wholly at or below 0, ``not budget-neutral``
when wholly above, ``uncertain`` when it straddles 0. The interval is paired (common random
numbers) when both runs used the same seed and replications, else Welch's
(:func:`klantstroom.analysis.compare.differences_table`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from klantstroom.analysis.compare import ScenarioTables, differences_table, norm_status
from klantstroom.analysis.costs import MEAN, mean_rows
from klantstroom.analysis.kpis import KEYS

TOTAL = "total_eur_per_year"
VERDICTS = {"met": "budget-neutral", "not met": "not budget-neutral", "uncertain": "uncertain"}
BUDGET_COLUMNS = [
    "scenario",
    "baseline",
    "roadmap_step",
    "baseline_eur_per_year",
    "eur_per_year",
    "difference_eur_per_year",
    "difference_share",
    "ci_low",
    "ci_high",
    "paired",
    "verdict",
]


@dataclass(frozen=True)
class RunCosts:
    """One run's ``costs.csv`` (None: a run written before costs existed) and its identity."""

    label: str
    costs: pd.DataFrame | None
    seed: int | None = None
    roadmap_step: int | None = None


def cost_comparison(runs: Sequence[RunCosts]) -> pd.DataFrame:
    """The ``mean`` rows of every run's ``costs.csv``, with ``scenario`` and ``roadmap_step``."""
    frames = [
        mean_rows(run.costs).assign(scenario=run.label, roadmap_step=run.roadmap_step)
        for run in runs
        if run.costs is not None and len(run.costs)
    ]
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    first = ["scenario", "roadmap_step"]
    return table[first + [c for c in table.columns if c not in first]]


def _totals(run: RunCosts) -> ScenarioTables:
    """The run's yearly total per replication, as the one KPI of a comparison's KPI table."""
    costs = run.costs if run.costs is not None else pd.DataFrame(columns=["replication", "item"])
    rows = costs[(costs["item"] == "total") & (costs["replication"].astype(str) != MEAN)]
    kpis = pd.DataFrame(
        {
            "replication": rows["replication"].astype(int).to_numpy(),
            **{key: "all" for key in KEYS},
            TOTAL: rows["eur_per_year"].astype(float).to_numpy(),
        }
    )
    return ScenarioTables(
        label=run.label,
        summary=pd.DataFrame(),
        kpis=kpis,
        seed=run.seed,
        roadmap_step=run.roadmap_step,
    )


def budget_table(runs: Sequence[RunCosts], baseline: int, confidence: float = 0.95) -> pd.DataFrame:
    """Each run's yearly cost against ``runs[baseline]``: difference in EUR and share, verdict.

    Runs without a known total (no ``costs.csv``, or a staff group without salary) are left
    out.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BUDGET_COLUMNS`; ``difference_share`` is the difference over the
        baseline's cost, ``verdict`` one of ``budget-neutral``, ``not budget-neutral``,
        ``uncertain``.
    """
    priced = [k for k, run in enumerate(runs) if run.costs is not None and _known_total(run.costs)]
    if baseline not in priced:
        return pd.DataFrame(columns=BUDGET_COLUMNS)
    tables = [_totals(runs[k]) for k in priced]
    differences = differences_table(tables, priced.index(baseline), confidence)
    differences = differences[differences["kpi"] == TOTAL]
    steps = {run.label: run.roadmap_step for run in runs}
    rows = []
    records: list[dict[Any, Any]] = differences.to_dict("records")
    for row in records:
        base = float(row["baseline_mean"])
        difference, low, high = (float(row[k]) for k in ("difference", "ci_low", "ci_high"))
        status = norm_status(difference, low, high, 0.0, "<=")
        rows.append(
            {
                "scenario": row["scenario"],
                "baseline": row["baseline"],
                "roadmap_step": steps.get(str(row["scenario"])),
                "baseline_eur_per_year": base,
                "eur_per_year": float(row["mean"]),
                "difference_eur_per_year": difference,
                "difference_share": difference / base if base else math.nan,
                "ci_low": low,
                "ci_high": high,
                "paired": bool(row["paired"]),
                "verdict": VERDICTS.get(str(status), ""),
            }
        )
    return pd.DataFrame(rows, columns=BUDGET_COLUMNS)


def _known_total(costs: pd.DataFrame) -> bool:
    means = mean_rows(costs)
    totals = means.loc[means["item"] == "total", "eur_per_year"].astype(float)
    return len(totals) > 0 and bool(totals.notna().all())


def roadmap_budget(runs: Sequence[RunCosts], confidence: float = 0.95) -> pd.Series | None:
    """The end state (highest ``roadmap_step``) against the nulmeting (step 0), or None.

    None when the runs hold no nulmeting and later road-map year, or either has no known cost.
    """
    steps = [(run.roadmap_step, k) for k, run in enumerate(runs) if run.roadmap_step is not None]
    if not steps:
        return None
    start = [k for step, k in steps if step == 0]
    end_step, end = max(steps)
    if not start or end_step == 0:
        return None
    table = budget_table([runs[start[0]], runs[end]], 0, confidence)
    return None if table.empty else table.iloc[0]
