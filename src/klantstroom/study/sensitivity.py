"""Which assumptions matter for the norms: Morris screening, Sobol indices, a tornado.

Three stages, each a set of evaluations (:mod:`klantstroom.study.engine`, in its own subfolder,
so each resumes on its own):

1. **Screening** (Morris elementary effects, SALib): ``trajectories`` × (k + 1) runs for k
   parameters on a grid of ``levels`` levels. Per norm KPI, ``mu_star`` (the mean absolute
   effect of moving a parameter over its range, in the KPI's units) ranks the parameters;
   ``sigma`` says how much that effect depends on the others (interactions, curvature).
2. **Variance** (Sobol indices, SALib's Saltelli sampling): the ``top`` parameters that matter
   most for the norms in focus (the phone's and the counter's by default; per parameter the sum
   over those norms of ``mu_star`` as a share of the norm's largest) in ``samples`` × (top + 2)
   runs. ``S1`` is the share of the KPI's variance a parameter explains alone, ``ST`` with its
   interactions; both with 95% bootstrap intervals.
3. **Tornado**: per norm in focus, its ``tornado`` most important parameters one at a time at
   the low and the high end of their range, the others at their base: what an analyst reads off
   a bar chart ("the phone's service level goes from 55% to 72% over the handling time's range").

Every evaluation uses the same seed (common random numbers, :mod:`klantstroom.study.evaluation`):
the effects are differences between runs with the same random draws. A failed evaluation leaves
its Morris trajectory (or Sobol block) out of that norm's indices; ``n_used`` says how many were
used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.study.changes import Parameter
from klantstroom.study.evaluation import Point

COLUMNS = [
    "stage",
    "norm",
    "channel",
    "parameter",
    "source",
    "base",
    "low",
    "high",
    "rank",
    "mu_star",
    "mu_star_conf",
    "sigma",
    "s1",
    "s1_conf",
    "st",
    "st_conf",
    "kpi_at_base",
    "kpi_at_low",
    "kpi_at_high",
    "swing",
    "n_used",
]


@dataclass(frozen=True)
class Design:
    """The settings of a sensitivity analysis (the command's options)."""

    trajectories: int = 4
    levels: int = 4
    top: int = 6
    samples: int = 32
    tornado: int = 8
    seed: int = 20270301


def problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    """SALib's problem definition."""
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [[p.low, p.high] for p in parameters],
    }


def _points(prefix: str, parameters: Sequence[Parameter], x: np.ndarray) -> list[Point]:
    width = len(str(len(x)))
    return [
        Point(
            key=f"{prefix}-{i:0{width}d}",
            values={p.name: float(row[j]) for j, p in enumerate(parameters)},
        )
        for i, row in enumerate(x)
    ]


def morris_design(
    parameters: Sequence[Parameter], design: Design
) -> tuple[np.ndarray, list[Point]]:
    """The Morris trajectories (rows of parameter values) and their points."""
    from SALib.sample import morris

    x = morris.sample(
        problem(parameters), design.trajectories, num_levels=design.levels, seed=design.seed
    )
    return x, _points("morris", parameters, x)


def sobol_design(parameters: Sequence[Parameter], design: Design) -> tuple[np.ndarray, list[Point]]:
    """Saltelli's sample for first- and total-order indices (no second order)."""
    from SALib.sample import sobol

    x = sobol.sample(problem(parameters), design.samples, calc_second_order=False, seed=design.seed)
    return x, _points("sobol", parameters, x)


def tornado_design(parameters: Sequence[Parameter]) -> list[Point]:
    """The base point, and each parameter alone at its low and its high end."""
    points = [Point(key="tornado-base")]
    for p in parameters:
        points.append(Point(key=f"tornado-low-{p.name}", values={p.name: p.low}))
        points.append(Point(key=f"tornado-high-{p.name}", values={p.name: p.high}))
    return points


NORM_KEYS = ["norm", "channel", "kpi", "label", "target", "at_least"]


def norm_means(records: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Per evaluation (``key``) and norm: the KPI's mean over the replications, with the norm's
    channel, KPI, label, target and direction."""
    rows = [
        {"key": key, **{k: n.get(k, "") for k in NORM_KEYS}, "value": n["value"]}
        for key, record in records.items()
        for n in record.get("norms", [])
    ]
    if not rows:
        return pd.DataFrame(columns=["key", *NORM_KEYS, "value"])
    frame = pd.DataFrame(rows)
    means: pd.DataFrame = frame.groupby(["key", *NORM_KEYS], as_index=False, sort=False)[
        ["value"]
    ].mean()
    return means


def _outputs(points: Sequence[Point], means: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Per (norm, channel): the KPI of every point in design order (NaN where it is missing)."""
    order = {point.key: i for i, point in enumerate(points)}
    result = {}
    for (norm, channel), group in means.groupby(["norm", "channel"], sort=False):
        y = np.full(len(points), np.nan)
        for key, value in zip(group["key"], group["value"], strict=True):
            if key in order:
                y[order[key]] = value
        result[(str(norm), str(channel))] = y
    return result


def _complete_blocks(y: np.ndarray, size: int) -> np.ndarray:
    """Indices of the rows of the blocks of ``size`` rows that have no NaN."""
    blocks = y.reshape(-1, size)
    keep = ~np.isnan(blocks).any(axis=1)
    return np.flatnonzero(np.repeat(keep, size))


def _usable(
    points: Sequence[Point], records: Mapping[str, Mapping[str, Any]], size: int
) -> Iterator[tuple[str, str, np.ndarray, np.ndarray]]:
    """Per norm: its channel, the rows of the whole blocks of ``size`` (a Morris trajectory, a
    Sobol block) and the KPIs; norms with fewer than two whole blocks, or that nothing moves,
    are skipped."""
    for (norm, channel), y in _outputs(points, norm_means(records)).items():
        used = _complete_blocks(y, size)
        if len(used) >= 2 * size and np.nanstd(y[used]) > 0.0:
            yield norm, channel, used, y


def _source(parameters: Sequence[Parameter]) -> dict[str, Parameter]:
    return {p.name: p for p in parameters}


def _row(stage: str, norm: str, channel: str, p: Parameter, **values: Any) -> dict[str, Any]:
    return {
        "stage": stage,
        "norm": norm,
        "channel": channel,
        "parameter": p.name,
        "source": p.source,
        "base": p.base,
        "low": p.low,
        "high": p.high,
        **values,
    }


def _ranked(rows: list[dict[str, Any]], by: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        return frame
    frame["rank"] = frame.groupby("norm")[by].rank(ascending=False, method="first").astype("Int64")
    return frame.sort_values(["norm", "rank"], kind="stable").reset_index(drop=True)


def morris_table(
    parameters: Sequence[Parameter],
    x: np.ndarray,
    points: Sequence[Point],
    records: Mapping[str, Mapping[str, Any]],
    design: Design,
) -> pd.DataFrame:
    """Per norm and parameter: mu_star with its 95% interval, sigma, and the rank by mu_star."""
    from SALib.analyze import morris

    rows: list[dict[str, Any]] = []
    size = len(parameters) + 1
    for norm, channel, used, y in _usable(points, records, size):
        indices = morris.analyze(
            problem(parameters), x[used], y[used], num_levels=design.levels, seed=design.seed
        )
        for j, p in enumerate(parameters):
            rows.append(
                _row(
                    "morris",
                    norm,
                    channel,
                    p,
                    mu_star=float(indices["mu_star"][j]),
                    mu_star_conf=float(indices["mu_star_conf"][j]),
                    sigma=float(indices["sigma"][j]),
                    n_used=len(used) // size,
                )
            )
    return _ranked(rows, "mu_star")


def most_important(screening: pd.DataFrame, top: int, norms: Sequence[str] = ()) -> list[str]:
    """The ``top`` parameters that matter most over ``norms`` (default every norm): the sum over
    the norms of a parameter's mu_star as a share of that norm's largest, so that norms in
    different units weigh alike and a parameter that moves several norms comes first."""
    frame = screening if not norms else screening[screening["norm"].isin(norms)]
    if frame.empty:
        return []
    largest = frame.groupby("norm")["mu_star"].transform("max").replace(0.0, np.nan)
    share = (frame["mu_star"] / largest).fillna(0.0)
    total = share.groupby(frame["parameter"]).sum().sort_values(ascending=False, kind="stable")
    return [str(name) for name in total.index[:top] if total[name] > 0.0]


def focus(screening: pd.DataFrame, spec: str) -> list[str]:
    """The norms ``spec`` names: ``all``, or a comma list of channels and norm names
    (``phone,counter``, the default, or ``phone_service_level,walk_in_wait``)."""
    wanted = {part.strip() for part in spec.split(",") if part.strip()}
    norms = screening.drop_duplicates("norm")
    if "all" in wanted:
        return [str(n) for n in norms["norm"]]
    chosen = norms[norms["norm"].isin(wanted) | norms["channel"].isin(wanted)]
    return [str(n) for n in chosen["norm"]]


def sobol_table(
    parameters: Sequence[Parameter],
    points: Sequence[Point],
    records: Mapping[str, Mapping[str, Any]],
    design: Design,
) -> pd.DataFrame:
    """Per norm and parameter: first-order (S1) and total (ST) indices with 95% intervals."""
    from SALib.analyze import sobol

    rows: list[dict[str, Any]] = []
    size = len(parameters) + 2
    for norm, channel, used, y in _usable(points, records, size):
        indices = sobol.analyze(
            problem(parameters), y[used], calc_second_order=False, seed=design.seed
        )
        for j, p in enumerate(parameters):
            rows.append(
                _row(
                    "sobol",
                    norm,
                    channel,
                    p,
                    s1=float(indices["S1"][j]),
                    s1_conf=float(indices["S1_conf"][j]),
                    st=float(indices["ST"][j]),
                    st_conf=float(indices["ST_conf"][j]),
                    n_used=len(used) // size,
                )
            )
    return _ranked(rows, "st")


def tornado_choice(screening: pd.DataFrame, per_norm: int) -> dict[str, list[str]]:
    """Per norm, its ``per_norm`` parameters with the largest mu_star (above zero)."""
    choice: dict[str, list[str]] = {}
    for norm, group in screening.groupby("norm", sort=False):
        best = group[group["mu_star"] > 0].nlargest(per_norm, "mu_star")
        choice[str(norm)] = [str(name) for name in best["parameter"]]
    return choice


def tornado_table(
    parameters: Sequence[Parameter],
    choice: Mapping[str, Sequence[str]],
    records: Mapping[str, Mapping[str, Any]],
) -> pd.DataFrame:
    """Per norm and its chosen parameters: the KPI at base, at the low and at the high end."""
    means = norm_means(records)
    values = {
        (k, n): v for k, n, v in zip(means["key"], means["norm"], means["value"], strict=True)
    }
    channels = dict(zip(means["norm"], means["channel"], strict=False))
    by_name = _source(parameters)
    rows: list[dict[str, Any]] = []
    for norm, names in choice.items():
        base = values.get(("tornado-base", norm), np.nan)
        for name in names:
            low = values.get((f"tornado-low-{name}", norm), np.nan)
            high = values.get((f"tornado-high-{name}", norm), np.nan)
            rows.append(
                _row(
                    "tornado",
                    norm,
                    channels.get(norm, ""),
                    by_name[name],
                    kpi_at_base=base,
                    kpi_at_low=low,
                    kpi_at_high=high,
                    swing=abs(high - low),
                    n_used=int(not np.isnan(low)) + int(not np.isnan(high)),
                )
            )
    return _ranked(rows, "swing")
