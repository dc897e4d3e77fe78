"""A road-map path month by month: the norms, the staff and the learning, across its stretches.

A path (:mod:`klantstroom.config.path_plan`) is run as consecutive stretches, each a run of its
own with calendar-month KPIs (``period = YYYY-MM`` rows of its ``summary.csv``). This module
lines their months up into one trajectory:

* :func:`norm_months` — every KPI with a norm, for the municipality as a whole (all keys
  ``all``) per month, with the norm and its verdict (met, not met, uncertain);
* :func:`staff_months` — FTE on duty per staff group per month (staff hours on the floor over
  the month's weeks and the contract week), and the FTE in class or teaching;
* :func:`proficiency_months` — the learning cohorts' speed and resolution per group per month.

A month that two stretches share (a step in the middle of a month, or a year that starts on its
first Monday) takes its hours from both, since hours add up; its ratios (service level, access)
come from the stretch with more of its days, named in the ``stretch`` column, since a ratio of
one stretch cannot be pooled with another's without their counts. A month of which the path
has fewer than seven days (at either end) is left out, as a single run leaves it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from klantstroom.analysis.compare import norm_statuses
from klantstroom.scenario.year import MIN_MONTH_DAYS

PERIOD = "period"
HOURS = ("staff_hours", "training_hours", "trainer_hours")


@dataclass(frozen=True)
class StretchTables:
    """What the trajectory needs of one stretch of a path.

    Attributes
    ----------
    name : str
        Its run folder's name (``1-jaar1``).
    label : str
        How reports name it (``run.label``: "Jaar 1 (2028)").
    start : datetime.date
        Its first day.
    days : int
        Days simulated.
    summary : pandas.DataFrame
        Its whole ``summary.csv`` (every period).
    contract_hours_per_week : float
        Hours of a full-time contract, to express hours as FTE.
    """

    name: str
    label: str
    start: dt.date
    days: int
    summary: pd.DataFrame = field(repr=False)
    contract_hours_per_week: float = 36.0


def month_days(start: dt.date, days: int) -> dict[str, int]:
    """Days per calendar month (``YYYY-MM``) of the ``days`` days from ``start``."""
    counts: dict[str, int] = {}
    for k in range(days):
        day = start + dt.timedelta(days=k)
        key = f"{day.year:04d}-{day.month:02d}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _month_rows(stretch: StretchTables) -> pd.DataFrame:
    summary = stretch.summary
    if PERIOD not in summary:
        return summary.iloc[0:0]
    periods = summary[PERIOD].astype(str)
    rows = summary[periods.str.fullmatch(r"\d{4}-\d{2}").to_numpy(dtype=bool)]
    if "segment" in rows:
        rows = rows[rows["segment"].astype(str) == "all"]
    return rows


def _group_hours(rows: pd.DataFrame) -> pd.DataFrame:
    """The staff groups' own hour rows (``channel = service = all``) of summary rows."""
    return rows[
        (rows["staff_group"].astype(str) != "all")
        & (rows["channel"].astype(str) == "all")
        & (rows["service"].astype(str) == "all")
        & rows["kpi"].isin(HOURS)
    ]


def covered_months(stretches: Sequence[StretchTables]) -> set[str]:
    """The months the path shows: those with at least :data:`MIN_MONTH_DAYS` of its days.

    Inside a path every month is whole (the stretches are contiguous); at either end a sliver
    of a few days (the four days of January after a year of 52 weeks, New Year among them)
    would show a month by its holiday, as a single run leaves it out too.
    """
    total: dict[str, int] = {}
    for stretch in stretches:
        for month, count in month_days(stretch.start, stretch.days).items():
            total[month] = total.get(month, 0) + count
    return {month for month, count in total.items() if count >= MIN_MONTH_DAYS}


def _owner(stretches: Sequence[StretchTables]) -> dict[str, StretchTables]:
    """Per month shown, the stretch with most of its days (the first on a tie)."""
    shown = covered_months(stretches)
    best: dict[str, tuple[int, StretchTables]] = {}
    for stretch in stretches:
        for month, count in month_days(stretch.start, stretch.days).items():
            if month in shown and (month not in best or count > best[month][0]):
                best[month] = (count, stretch)
    return {month: stretch for month, (_, stretch) in sorted(best.items())}


NORM_COLUMNS = (
    "month",
    "stretch",
    "label",
    "channel",
    "kpi",
    "mean",
    "ci_low",
    "ci_high",
    "target",
    "norm",
    "status",
)


def norm_months(stretches: Sequence[StretchTables]) -> pd.DataFrame:
    """Every KPI with a norm, for the whole municipality, per month of the path.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NORM_COLUMNS`, one row per month x channel x KPI with a norm; ``status``
        is ``met``, ``not met`` or ``uncertain`` (the 95% interval straddles the norm).
    """
    frames = []
    for month, stretch in _owner(stretches).items():
        rows = _month_rows(stretch)
        rows = rows[rows[PERIOD].astype(str) == month]
        rows = rows[rows["target"].notna()] if "target" in rows else rows.iloc[0:0]
        for key in ("shop", "department", "service", "staff_group"):
            rows = rows[rows[key].astype(str) == "all"]
        if rows.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "month": month,
                    "stretch": stretch.name,
                    "label": stretch.label,
                    "channel": rows["channel"].astype(str).to_numpy(),
                    "kpi": rows["kpi"].astype(str).to_numpy(),
                    "mean": rows["mean"].to_numpy(dtype=float),
                    "ci_low": rows["ci_low"].to_numpy(dtype=float),
                    "ci_high": rows["ci_high"].to_numpy(dtype=float),
                    "target": rows["target"].to_numpy(dtype=float),
                    "norm": rows["norm"].astype(str).to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=list(NORM_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    table["status"] = norm_statuses(table)
    return table[list(NORM_COLUMNS)]


STAFF_COLUMNS = (
    "month",
    "staff_group",
    "days",
    "staff_hours",
    "training_hours",
    "trainer_hours",
    "fte_on_duty",
    "fte_training",
)


def staff_months(stretches: Sequence[StretchTables]) -> pd.DataFrame:
    """FTE on duty and in training per staff group per month, summed over the stretches.

    ``fte_on_duty`` is the group's hours on the floor in the month (the mean over the
    replications) over its weeks (days / 7) and the contract week: people present, before
    shrinkage, as ``staff.csv`` of ``klantstroom-compare``. ``fte_training`` is the same for the
    hours in class and teaching (off the floor).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STAFF_COLUMNS`, one row per month x staff group that had hours.
    """
    records: dict[tuple[str, str], dict[str, float]] = {}
    shown = covered_months(stretches)
    for stretch in stretches:
        days = month_days(stretch.start, stretch.days)
        rows = _group_hours(_month_rows(stretch))
        for (month, group), part in rows.groupby([PERIOD, "staff_group"], sort=False):
            if str(month) not in shown:
                continue
            record = records.setdefault(
                (str(month), str(group)),
                {
                    "days": 0.0,
                    "staff_hours": 0.0,
                    "training_hours": 0.0,
                    "trainer_hours": 0.0,
                    "contract": stretch.contract_hours_per_week,
                },
            )
            record["days"] += days.get(str(month), 0)
            for kpi, value in zip(part["kpi"], part["mean"], strict=True):
                if not np.isnan(float(value)):
                    record[str(kpi)] += float(value)
    rows_out = []
    for (month, group), r in sorted(records.items()):
        weeks = r["days"] / 7.0
        per_fte = weeks * r["contract"]
        rows_out.append(
            {
                "month": month,
                "staff_group": group,
                "days": int(r["days"]),
                "staff_hours": r["staff_hours"],
                "training_hours": r["training_hours"],
                "trainer_hours": r["trainer_hours"],
                "fte_on_duty": r["staff_hours"] / per_fte if per_fte > 0 else np.nan,
                "fte_training": (r["training_hours"] + r["trainer_hours"]) / per_fte
                if per_fte > 0
                else np.nan,
            }
        )
    return pd.DataFrame(rows_out, columns=list(STAFF_COLUMNS))


PROFICIENCY_COLUMNS = (
    "month",
    "stretch",
    "staff_group",
    "proficiency_speed",
    "proficiency_fcr",
    "skills",
)


def proficiency_months(stretches: Sequence[StretchTables]) -> pd.DataFrame:
    """The learning cohorts' mean proficiency per staff group per month.

    The mean over the skills (channel x service) the group's cohorts were learning that month,
    of the speed and resolution as shares of full (``proficiency_speed``, ``proficiency_fcr``
    rows of the stretch's summary); a month shared by two stretches takes the stretch with more
    of its days. Groups with no cohort learning in a month have no row.
    """
    frames = []
    for month, stretch in _owner(stretches).items():
        rows = _month_rows(stretch)
        rows = rows[(rows[PERIOD].astype(str) == month) & (rows["staff_group"] != "all")]
        rows = rows[rows["kpi"].isin(["proficiency_speed", "proficiency_fcr"])]
        if rows.empty:
            continue
        for group, part in rows.groupby("staff_group", sort=False):
            speed = part.loc[part["kpi"] == "proficiency_speed", "mean"].astype(float)
            fcr = part.loc[part["kpi"] == "proficiency_fcr", "mean"].astype(float)
            frames.append(
                {
                    "month": month,
                    "stretch": stretch.name,
                    "staff_group": str(group),
                    "proficiency_speed": float(speed.mean()) if len(speed) else np.nan,
                    "proficiency_fcr": float(fcr.mean()) if len(fcr) else np.nan,
                    "skills": len(speed),
                }
            )
    return pd.DataFrame(frames, columns=list(PROFICIENCY_COLUMNS))


def stretch_staff(stretch: StretchTables) -> tuple[float, float]:
    """FTE on duty and FTE in class or teaching over the whole stretch (its ``run`` rows)."""
    summary = stretch.summary
    rows = summary[(summary[PERIOD].astype(str) == "run")] if PERIOD in summary else summary
    if "segment" in rows:
        rows = rows[rows["segment"].astype(str) == "all"]
    rows = _group_hours(rows)
    per_fte = stretch.days / 7.0 * stretch.contract_hours_per_week
    if rows.empty or per_fte <= 0:
        return np.nan, np.nan
    hours = {kpi: float(rows.loc[rows["kpi"] == kpi, "mean"].sum(min_count=1)) for kpi in HOURS}
    away = np.nansum([hours["training_hours"], hours["trainer_hours"]])
    return hours["staff_hours"] / per_fte, float(away) / per_fte


def staff_totals(staff: pd.DataFrame) -> pd.DataFrame:
    """FTE on duty and in training per month over all groups (:func:`staff_months`' rows)."""
    return staff.groupby("month", sort=True)[["fte_on_duty", "fte_training"]].sum()


def proficiency_totals(proficiency: pd.DataFrame) -> pd.DataFrame:
    """Per month, the learning cohorts' speed and resolution over all groups.

    The mean of :func:`proficiency_months`' group rows weighted by the skills each group's
    cohorts learn, columns ``proficiency_speed`` and ``proficiency_fcr``.
    """
    weights = proficiency["skills"].clip(lower=1)
    sums = (
        proficiency.assign(
            speed=proficiency["proficiency_speed"] * weights,
            fcr=proficiency["proficiency_fcr"] * weights,
            weight=weights,
        )
        .groupby("month", sort=True)[["speed", "fcr", "weight"]]
        .sum()
    )
    return pd.DataFrame(
        {
            "proficiency_speed": sums["speed"] / sums["weight"],
            "proficiency_fcr": sums["fcr"] / sums["weight"],
        }
    )
