"""Comparing scenarios: every KPI per scenario, norms met or not, differences against a baseline.

The inputs are the tables every run writes (``summary.csv`` and ``kpis.csv``), one pair per
scenario, so this module is pure pandas and can be tested without running a simulation.

*Norm status.* A scenario meets a norm when the whole 95% confidence interval of the KPI's mean
lies on the good side of the target (``met``), misses it when the whole interval lies on the bad
side (``not met``), and is ``uncertain`` when the interval straddles the target: more
replications would tell. With one replication there is no interval and the mean decides.

*Differences against the baseline.* For each scenario, KPI and key, the difference of means
(scenario minus baseline) with its 95% confidence interval. When both runs used the same seed
and the same replications, replication *r* of both saw the same random numbers for every purpose
the scenarios share (common random numbers: one named stream per purpose), so the interval is
the paired one, from the per-replication differences; it is much narrower than comparing two
independent samples. Otherwise it is Welch's interval for two independent means.

*Staff and training.* :func:`staff_table` gives the staff on duty per group, and
:func:`training_table` what a road-map year's training plan takes off the floor (hours in class
and teaching) and how proficient the cohorts still learning are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.analysis.kpis import KEYS
from klantstroom.analysis.periods import JUDGED, PERIOD
from klantstroom.analysis.stats import t_quantiles
from klantstroom.scenario.cost_spec import DAYS_PER_YEAR


@dataclass(frozen=True)
class ScenarioTables:
    """What the comparison needs of one run.

    Attributes
    ----------
    label : str
        The scenario's name in tables and figures (unique among the compared runs).
    summary : pandas.DataFrame
        Its ``summary.csv``.
    kpis : pandas.DataFrame
        Its ``kpis.csv``.
    seed : int or None
        The root seed, to decide whether replications can be paired.
    roadmap_step : int or None
        Place on the road map (0 = nulmeting); None for a what-if.
    horizon_days : float
        Length of the reported period, to express staff hours per week.
    contract_hours_per_week : float
        Hours of a full-time contract (``staffing.contract_hours_per_week``), for FTE on duty.
    """

    label: str
    summary: pd.DataFrame
    kpis: pd.DataFrame
    seed: int | None = None
    roadmap_step: int | None = None
    horizon_days: float = 7.0
    contract_hours_per_week: float = 36.0


def norm_status(mean: float, low: float, high: float, target: float, norm: str) -> str | None:
    """Return ``met``, ``not met`` or ``uncertain`` for a KPI with a norm (None without one).

    Parameters
    ----------
    mean, low, high : float
        The mean and its confidence interval (NaN bounds: one replication).
    target : float
        The norm's target (NaN: no norm).
    norm : str
        ``>=`` (at least the target) or ``<=`` (at most).
    """
    if norm not in (">=", "<=") or np.isnan(target):
        return None
    if np.isnan(low) or np.isnan(high):
        low = high = mean
    if norm == ">=":
        good, bad = low >= target, high < target
    else:
        good, bad = high <= target, low > target
    return "met" if good else "not met" if bad else "uncertain"


def norm_statuses(table: pd.DataFrame) -> list[str | None]:
    """:func:`norm_status` of every row of a table with ``mean``, ``ci_low``, ``ci_high``,
    ``target`` and ``norm``."""
    return [
        norm_status(m, lo, hi, t, n if isinstance(n, str) else "")
        for m, lo, hi, t, n in zip(
            table["mean"],
            table["ci_low"],
            table["ci_high"],
            table["target"],
            table["norm"],
            strict=True,
        )
    ]


def comparison_table(scenarios: Sequence[ScenarioTables]) -> pd.DataFrame:
    """Return every KPI of every scenario in one long table, with its norm status.

    Returns
    -------
    pandas.DataFrame
        Columns: ``scenario``, ``roadmap_step``, ``period`` (the period the row is judged on),
        the keys, ``kpi``, ``mean``, ``ci_low``,
        ``ci_high``, ``n_replications``, ``target``, ``norm``, ``status`` (``met``,
        ``not met``, ``uncertain`` or empty without a norm).
    """
    frames = []
    for sc in scenarios:
        table = sc.summary.copy()
        if "target" not in table:
            table["target"] = np.nan
        if "norm" not in table:
            # Summaries written before norms had a direction held service-level targets only,
            # which are minimums.
            table["norm"] = table["target"].notna().map({True: ">=", False: None})
        table.insert(0, "scenario", sc.label)
        table.insert(1, "roadmap_step", sc.roadmap_step)
        frames.append(table)
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    table["status"] = norm_statuses(table)
    columns = [
        "scenario",
        "roadmap_step",
        *KEYS,
        "kpi",
        "mean",
        "ci_low",
        "ci_high",
        "n_replications",
        "target",
        "norm",
        "status",
    ]
    if PERIOD in table:  # the period each row is judged on (summaries written before: none)
        columns.insert(2, PERIOD)
    return table[columns]


def _long(kpis: pd.DataFrame) -> pd.DataFrame:
    """KPI table (one column per KPI) to one row per replication x key x KPI."""
    values = [c for c in kpis.columns if c not in ("replication", PERIOD, JUDGED, *KEYS)]
    long = kpis.melt(id_vars=["replication", *KEYS], value_vars=values, var_name="kpi")
    return long.dropna(subset=["value"])


def differences_table(
    scenarios: Sequence[ScenarioTables], baseline: int, confidence: float = 0.95
) -> pd.DataFrame:
    """Return each scenario's KPIs minus the baseline's, with confidence intervals.

    Parameters
    ----------
    scenarios : sequence of ScenarioTables
        The compared scenarios.
    baseline : int
        Index of the baseline in ``scenarios``.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns: ``scenario``, ``baseline``, the keys, ``kpi``, ``baseline_mean``, ``mean``,
        ``difference``, ``ci_low``, ``ci_high``, ``paired`` (common random numbers used) and
        ``significant`` (the interval excludes 0). Key x KPI combinations present in only one
        of the two runs are left out.
    """
    base = scenarios[baseline]
    base_long = _long(base.kpis)
    frames = []
    for k, sc in enumerate(scenarios):
        if k == baseline:
            continue
        other = _long(sc.kpis)
        paired = (
            sc.seed is not None
            and sc.seed == base.seed
            and set(other["replication"]) == set(base_long["replication"])
        )
        result = (
            _paired(base_long, other, confidence)
            if paired
            else _welch(base_long, other, confidence)
        )
        if result.empty:
            continue
        result.insert(0, "scenario", sc.label)
        result.insert(1, "baseline", base.label)
        result["paired"] = paired
        frames.append(result)
    if not frames:
        return pd.DataFrame(
            columns=[
                "scenario",
                "baseline",
                *KEYS,
                "kpi",
                "baseline_mean",
                "mean",
                "difference",
                "ci_low",
                "ci_high",
                "paired",
                "significant",
            ]
        )
    table = pd.concat(frames, ignore_index=True)
    table["significant"] = (table["ci_low"] > 0) | (table["ci_high"] < 0)
    return table


def _paired(base: pd.DataFrame, other: pd.DataFrame, confidence: float) -> pd.DataFrame:
    on = ["replication", *KEYS, "kpi"]
    both = base.merge(other, on=on, suffixes=("_base", "_other"))
    both["d"] = both["value_other"] - both["value_base"]
    grouped = both.groupby([*KEYS, "kpi"], sort=False)
    table = grouped.agg(
        difference=("d", "mean"),
        sd=("d", "std"),
        n=("d", "size"),
    ).reset_index()
    # Each run's own mean over all its replications (a KPI undefined in one replication of one
    # run leaves that replication out of the pairs, not out of the run's mean).
    for column, frame in (("baseline_mean", base), ("mean", other)):
        means = frame.groupby([*KEYS, "kpi"], sort=False)["value"].mean().rename(column)
        table = table.merge(means.reset_index(), on=[*KEYS, "kpi"], how="left")
    half = _t(table["n"] - 1, confidence) * table["sd"] / np.sqrt(table["n"])
    table["ci_low"] = table["difference"] - half
    table["ci_high"] = table["difference"] + half
    columns = [*KEYS, "kpi", "baseline_mean", "mean", "difference", "ci_low", "ci_high"]
    return table[columns]


def _welch(base: pd.DataFrame, other: pd.DataFrame, confidence: float) -> pd.DataFrame:
    def moments(frame: pd.DataFrame) -> pd.DataFrame:
        return (
            frame.groupby([*KEYS, "kpi"], sort=False)["value"]
            .agg(["mean", "var", "size"])
            .reset_index()
        )

    both = moments(base).merge(moments(other), on=[*KEYS, "kpi"], suffixes=("_b", "_o"))
    se2_b = both["var_b"] / both["size_b"]
    se2_o = both["var_o"] / both["size_o"]
    se = np.sqrt(se2_b + se2_o)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (se2_b + se2_o) ** 2 / (
            se2_b**2 / (both["size_b"] - 1) + se2_o**2 / (both["size_o"] - 1)
        )
    difference = both["mean_o"] - both["mean_b"]
    # No spread in either run (fixed staff hours, say): the difference is certain.
    half = np.where(se == 0, 0.0, _t(df, confidence) * se)
    table = both[[*KEYS, "kpi"]].copy()
    table["baseline_mean"] = both["mean_b"]
    table["mean"] = both["mean_o"]
    table["difference"] = difference
    table["ci_low"] = difference - half
    table["ci_high"] = difference + half
    return table


def _t(df: pd.Series | np.ndarray, confidence: float) -> np.ndarray:
    """Student-t quantile for a two-sided interval; NaN where there are too few replications."""
    return t_quantiles(confidence, np.asarray(df, dtype=float))


def staff_table(scenarios: Sequence[ScenarioTables]) -> pd.DataFrame:
    """Return staff per group per scenario: hours on duty per week and occupancy.

    Returns
    -------
    pandas.DataFrame
        Columns: ``scenario``, ``roadmap_step``, ``staff_group``, ``staff_hours_per_week`` with
        ``_low``/``_high`` (95% interval), ``occupancy`` and ``fte_on_duty`` (hours per week
        over the contract week: people present, before shrinkage, which klantstroom-staff adds).
    """
    rows = []
    for sc in scenarios:
        summary = sc.summary
        groups = summary[(summary["staff_group"] != "all")]
        weeks = sc.horizon_days / 7.0
        for group, part in groups.groupby("staff_group", sort=False):
            hours = part[part["kpi"] == "staff_hours"]
            occupancy = part[part["kpi"] == "occupancy"]
            if hours.empty:
                continue
            h = hours.iloc[0]
            rows.append(
                {
                    "scenario": sc.label,
                    "roadmap_step": sc.roadmap_step,
                    "staff_group": group,
                    "staff_hours_per_week": h["mean"] / weeks,
                    "staff_hours_per_week_low": h["ci_low"] / weeks,
                    "staff_hours_per_week_high": h["ci_high"] / weeks,
                    "occupancy": occupancy.iloc[0]["mean"] if len(occupancy) else np.nan,
                    "fte_on_duty": h["mean"] / weeks / sc.contract_hours_per_week,
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "scenario",
            "roadmap_step",
            "staff_group",
            "staff_hours_per_week",
            "staff_hours_per_week_low",
            "staff_hours_per_week_high",
            "occupancy",
            "fte_on_duty",
        ],
    )
    return table


TRAINING_COLUMNS = (
    "scenario",
    "roadmap_step",
    "staff_group",
    "training_hours_per_year",
    "trainer_hours_per_year",
    "fte_off_the_floor",
    "proficiency_speed",
    "proficiency_fcr",
    "skills_learning",
)


def training_table(scenarios: Sequence[ScenarioTables]) -> pd.DataFrame:
    """Return the training per group per scenario: hours in class and teaching, proficiency.

    A road-map year trains its cohort (``staff_groups.<g>.training``): its members are in class
    (``training_hours``) and a trainer's group teaches (``trainer_hours``), both off the floor,
    and the cohorts still learning work their new skills at a level below full
    (``proficiency_speed``, ``proficiency_fcr`` per skill learnt). Groups with none of these in
    a scenario have no row; a run without training has none at all.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TRAINING_COLUMNS`: hours per year (a run shorter than a year scaled by
        365 / its days, as its cost), ``fte_off_the_floor`` (both hours per week over the
        contract week, as ``fte_on_duty`` in :func:`staff_table`), the mean proficiency over the
        skills the group's learning cohorts learn (NaN when none learns during the run), and
        how many skills (service x channel) that mean is over.
    """
    rows = []
    for sc in scenarios:
        summary = sc.summary
        groups = summary[summary["staff_group"] != "all"]
        weeks = sc.horizon_days / 7.0
        to_year = DAYS_PER_YEAR / sc.horizon_days if sc.horizon_days > 0 else np.nan
        for group, part in groups.groupby("staff_group", sort=False):
            # The group's own rows (channel = service = all) hold its hours; the proficiency
            # rows are one per skill learnt (channel x service).
            own = part[(part["channel"] == "all") & (part["service"] == "all")]
            hours = {
                kpi: float(own.loc[own["kpi"] == kpi, "mean"].sum(min_count=1))
                for kpi in ("training_hours", "trainer_hours")
            }
            speed = part.loc[part["kpi"] == "proficiency_speed", "mean"]
            fcr = part.loc[part["kpi"] == "proficiency_fcr", "mean"]
            away = float(np.nansum(list(hours.values())))
            if away <= 0 and speed.empty:
                continue
            rows.append(
                {
                    "scenario": sc.label,
                    "roadmap_step": sc.roadmap_step,
                    "staff_group": group,
                    "training_hours_per_year": hours["training_hours"] * to_year,
                    "trainer_hours_per_year": hours["trainer_hours"] * to_year,
                    "fte_off_the_floor": away / weeks / sc.contract_hours_per_week,
                    "proficiency_speed": float(speed.mean()) if len(speed) else np.nan,
                    "proficiency_fcr": float(fcr.mean()) if len(fcr) else np.nan,
                    "skills_learning": len(speed),
                }
            )
    return pd.DataFrame(rows, columns=list(TRAINING_COLUMNS))
