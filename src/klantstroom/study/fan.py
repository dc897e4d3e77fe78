"""The scenario fan: the road map's years under uncertain demand, and the chance of each norm.

The road map (``scenarios/routekaart.yaml``: nulmeting, jaar1 ... eindbeeld) is planned for one
demand forecast. The fan draws ``draws`` demand futures from the distributions of an
uncertainty file (``klantstroom/study/fan.yaml`` by default, :func:`read_uncertainty`) and runs
every road-map year under each of them:

* **volume growth** ``g`` a year: every service's volume times ((1 + g) / (1 + g0))^(year - first
  year), where g0 is the growth the municipality file's year factors already hold;
* **the passport wave**: its height ``amplitude`` (1 = as planned, the wave's extra demand scaled)
  and its timing ``shift_years`` (+1: a year later). The wave services' year factor of a year
  becomes ``factor × (1 + amplitude × (wave(year - shift) - 1)) / wave(year)``, with ``wave`` the
  planned wave of the uncertainty file (1.8 in 2024-2028, dm#5);
* **channel-shift adoption** ``rate``: each year's channel mix becomes the first year's plus
  ``rate`` times the planned shift (1 = as planned, 0.5 = half of it happens), kept summing to 1.

A draw is one future: the same values in every year, and each year's points use the same seed
(common random numbers), so the years differ by the road map and the draw, not by noise.
:func:`probability_table` gives per year and norm the share of draws in which the norm is met
(on the mean of the draw's replications), with a 95% Wilson interval over the draws;
:func:`fan_table` the quantiles of each norm's KPI and of the FTE (on duty, and what the work
asks for at the plan's occupancy).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.study.changes import Path
from klantstroom.study.evaluation import Point
from klantstroom.study.setup import StudyInputError, read_yaml

KINDS = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "choice": ("values", "weights"),
}
DRAWN = ("growth_per_year", "wave_amplitude", "wave_shift_years", "adoption_rate")
QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
DEFAULT_UNCERTAINTY = FilePath(__file__).with_name("fan.yaml")
# The fan's own random stream, apart from the simulation's (SeedSequence per purpose).
FAN_STREAM = 7_2031


@dataclass(frozen=True)
class Distribution:
    """One uncertain value: ``kind`` (uniform, triangular, normal, choice) and its numbers."""

    kind: str
    numbers: Mapping[str, Any]

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` values."""
        v = self.numbers
        if self.kind == "uniform":
            return rng.uniform(v["low"], v["high"], n)
        if self.kind == "triangular":
            return rng.triangular(v["low"], v["mode"], v["high"], n)
        if self.kind == "normal":
            return rng.normal(v["mean"], v["sd"], n)
        weights = np.asarray(v.get("weights") or [1.0] * len(v["values"]), dtype=float)
        return rng.choice(np.asarray(v["values"], dtype=float), n, p=weights / weights.sum())


@dataclass(frozen=True)
class Uncertainty:
    """An uncertainty file: the demand distributions of the fan."""

    assumed_growth_per_year: float
    growth_per_year: Distribution
    wave_services: tuple[str, ...]
    wave_factors: Mapping[int, float]
    wave_amplitude: Distribution
    wave_shift_years: Distribution
    adoption_rate: Distribution


def _distribution(where: str, raw: Any) -> Distribution:
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise StudyInputError(f"{where}: needs kind: one of {sorted(KINDS)}")
    kind = str(raw["kind"])
    names = KINDS[kind]
    numbers = {k: v for k, v in raw.items() if k != "kind"}
    unknown = sorted(set(numbers) - set(names))
    if unknown:
        raise StudyInputError(f"{where}: unknown key(s) {unknown}; {kind} takes {list(names)}")
    needed = [n for n in names if n != "weights"]
    missing = [n for n in needed if n not in numbers]
    if missing:
        raise StudyInputError(f"{where}: {kind} needs {missing}")
    if kind == "choice":
        values = numbers["values"]
        weights = numbers.get("weights")
        if not isinstance(values, list) or not values:
            raise StudyInputError(f"{where}.values: a non-empty list of numbers")
        if weights is not None and (
            not isinstance(weights, list)
            or len(weights) != len(values)
            or any(not isinstance(w, int | float) or w < 0 for w in weights)
            or sum(weights) <= 0
        ):
            raise StudyInputError(f"{where}.weights: one weight >= 0 per value, not all 0")
        return Distribution(kind, numbers)
    for name in needed:
        if not isinstance(numbers[name], int | float) or isinstance(numbers[name], bool):
            raise StudyInputError(f"{where}.{name}: must be a number; got {numbers[name]!r}")
    if kind == "uniform" and not numbers["low"] < numbers["high"]:
        raise StudyInputError(f"{where}: low must be below high")
    if kind == "triangular" and not numbers["low"] <= numbers["mode"] <= numbers["high"]:
        raise StudyInputError(f"{where}: needs low <= mode <= high")
    if kind == "normal" and not numbers["sd"] > 0:
        raise StudyInputError(f"{where}.sd: must be above 0")
    return Distribution(kind, numbers)


def read_uncertainty(path: FilePath) -> Uncertainty:
    """Read and check an uncertainty file (errors name the file and key, and what is allowed)."""
    raw = read_yaml(path, "--uncertainty")
    allowed = {"assumed_growth_per_year", "growth_per_year", "wave", "adoption_rate"}
    if not isinstance(raw, dict):
        raise StudyInputError(f"{path}: needs the keys {sorted(allowed)}")
    unknown = sorted(set(raw) - allowed)
    missing = sorted(allowed - set(raw))
    if unknown or missing:
        raise StudyInputError(
            f"{path}: unknown key(s) {unknown}, missing {missing}; the keys are {sorted(allowed)}"
        )
    wave = raw["wave"]
    wave_keys = {"services", "factors", "amplitude", "shift_years"}
    if not isinstance(wave, dict) or set(wave) != wave_keys:
        raise StudyInputError(f"{path}: wave needs exactly the keys {sorted(wave_keys)}")
    factors = wave["factors"]
    if not isinstance(factors, dict) or not all(
        isinstance(k, int) and isinstance(v, int | float) and v > 0 for k, v in factors.items()
    ):
        raise StudyInputError(f"{path}: wave.factors: year: factor above 0 ({{2024: 1.8, ...}})")
    services = wave["services"]
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        raise StudyInputError(f"{path}: wave.services: a list of service names")
    growth = raw["assumed_growth_per_year"]
    if not isinstance(growth, int | float) or not -0.5 < growth < 0.5:
        raise StudyInputError(f"{path}: assumed_growth_per_year: a share a year (0.008 = 0.8%)")
    return Uncertainty(
        assumed_growth_per_year=float(growth),
        growth_per_year=_distribution(f"{path}: growth_per_year", raw["growth_per_year"]),
        wave_services=tuple(services),
        wave_factors={int(k): float(v) for k, v in factors.items()},
        wave_amplitude=_distribution(f"{path}: wave.amplitude", wave["amplitude"]),
        wave_shift_years=_distribution(f"{path}: wave.shift_years", wave["shift_years"]),
        adoption_rate=_distribution(f"{path}: adoption_rate", raw["adoption_rate"]),
    )


def draw_values(uncertainty: Uncertainty, draws: int, seed: int) -> pd.DataFrame:
    """The demand futures: one row per draw with its four values (reproducible from ``seed``)."""
    streams = np.random.SeedSequence([seed, FAN_STREAM]).spawn(len(DRAWN))
    distributions = (
        uncertainty.growth_per_year,
        uncertainty.wave_amplitude,
        uncertainty.wave_shift_years,
        uncertainty.adoption_rate,
    )
    columns = {
        name: distribution.draw(np.random.default_rng(stream), draws)
        for name, distribution, stream in zip(DRAWN, distributions, streams, strict=True)
    }
    frame = pd.DataFrame({"draw": np.arange(draws), **columns})
    frame["wave_shift_years"] = frame["wave_shift_years"].round().astype(int)
    frame["adoption_rate"] = frame["adoption_rate"].clip(lower=0.0)
    frame["wave_amplitude"] = frame["wave_amplitude"].clip(lower=0.0)
    return frame


def _year(config: Mapping[str, Any]) -> int:
    return int(str(config["calendar"]["start_date"])[:4])


def _wave(factors: Mapping[int, float], year: int) -> float:
    return float(factors.get(year, 1.0))


def mix_after_adoption(
    first: Mapping[str, float], planned: Mapping[str, float], rate: float
) -> dict[str, float]:
    """The channel mix when ``rate`` of the planned shift from ``first`` happens (sums to 1)."""
    channels = list(dict.fromkeys([*planned, *first]))
    mix = {
        c: float(first.get(c, 0.0)) + rate * (planned.get(c, 0.0) - first.get(c, 0.0))
        for c in channels
    }
    mix = {c: max(0.0, share) for c, share in mix.items()}
    # A channel the plan keeps stays (its handling is configured); one it drops may come back
    # only if the plan still has it.
    mix = {c: share for c, share in mix.items() if c in planned and share > 0.0}
    total = sum(mix.values())
    rounded = {c: round(share / total, 9) for c, share in mix.items()}
    return {c: share for c, share in rounded.items() if share > 0.0}


def year_changes(
    config: Mapping[str, Any],
    first: Mapping[str, Any],
    draw: Mapping[str, Any],
    uncertainty: Uncertainty,
) -> tuple[tuple[Path, Any], ...]:
    """What a draw changes in one road-map year's configuration (paths and whole values)."""
    year, first_year = _year(config), _year(first)
    growth = (
        (1.0 + float(draw["growth_per_year"])) / (1.0 + uncertainty.assumed_growth_per_year)
    ) ** (year - first_year)
    changes: list[tuple[Path, Any]] = []
    first_services = first.get("services") or {}
    for name, service in (config.get("services") or {}).items():
        for key in ("volume_per_year", "rate_per_hour"):
            if service.get(key):
                changes.append((("services", name, key), float(service[key]) * growth))
        factors = service.get("year_factors") or {}
        if name in uncertainty.wave_services and factors:
            shift = int(draw["wave_shift_years"])
            amplitude = float(draw["wave_amplitude"])
            new = {}
            for y, factor in factors.items():
                planned = _wave(uncertainty.wave_factors, int(y))
                drawn = 1.0 + amplitude * (_wave(uncertainty.wave_factors, int(y) - shift) - 1.0)
                new[y] = round(float(factor) * drawn / planned, 6)
            changes.append((("services", name, "year_factors"), new))
        mix = service.get("channel_mix")
        start = (first_services.get(name) or {}).get("channel_mix")
        if mix and start and mix != start:
            changes.append(
                (
                    ("services", name, "channel_mix"),
                    mix_after_adoption(start, mix, float(draw["adoption_rate"])),
                )
            )
    return tuple(changes)


def fan_points(
    configs: Mapping[str, Mapping[str, Any]],
    steps: Sequence[str],
    draws: pd.DataFrame,
    uncertainty: Uncertainty,
) -> list[Point]:
    """Every draw × road-map year as a point (key ``d<draw>-<step>``)."""
    first = configs[steps[0]]
    width = len(str(len(draws)))
    return [
        Point(
            key=f"d{int(row['draw']):0{width}d}-{step}",
            base=step,
            replace=year_changes(
                configs[step], first, {str(k): v for k, v in row.items()}, uncertainty
            ),
        )
        for row in draws.to_dict("records")
        for step in steps
    ]


def runs_table(records: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per draw, year, replication and norm (``fan_runs.csv``); FTE as two more
    'norms' without a target."""
    rows = []
    for key, record in records.items():
        draw, step = key[1:].split("-", 1)
        for n in record.get("norms", []):
            rows.append({"draw": int(draw), "step": step, **n})
        for s in record.get("staff", []):
            for metric in ("fte_on_duty", "fte_of_work"):
                rows.append(
                    {
                        "draw": int(draw),
                        "step": step,
                        "norm": metric,
                        "kpi": metric,
                        "channel": "",
                        "label": "",
                        "replication": s["replication"],
                        "value": s[metric],
                        "target": math.nan,
                        "at_least": True,
                        "met": None,
                    }
                )
    return pd.DataFrame(rows)


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion (sound at 0 and at n successes)."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _per_draw(runs: pd.DataFrame) -> pd.DataFrame:
    keys = ["step", "norm", "kpi", "channel", "label", "target", "at_least", "draw"]
    frame = runs.copy()
    frame["label"] = frame["label"].fillna("")
    frame["target"] = frame["target"].astype(float)
    means: pd.DataFrame = frame.groupby(keys, dropna=False, sort=False, as_index=False)[
        ["value"]
    ].mean()
    return means


def probability_table(runs: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Per road-map year and norm: the share of draws that meet it, with its Wilson interval."""
    per = _per_draw(runs[runs["target"].notna()])
    per["met"] = np.where(
        per["at_least"], per["value"] >= per["target"], per["value"] <= per["target"]
    )
    rows = []
    for (step, norm), group in per.groupby(["step", "norm"], sort=False):
        met, n = int(group["met"].sum()), len(group)
        low, high = wilson(met, n)
        first = group.iloc[0]
        rows.append(
            {
                "year": labels.get(str(step), str(step)),
                "step": step,
                "norm": norm,
                "kpi": first["kpi"],
                "channel": first["channel"],
                "label": first["label"],
                "target": first["target"],
                "at_least": bool(first["at_least"]),
                "draws": n,
                "draws_met": met,
                "probability": met / n,
                "ci_low": low,
                "ci_high": high,
                "kpi_median": float(group["value"].median()),
            }
        )
    return _in_road_map_order(pd.DataFrame(rows), labels)


def _in_road_map_order(table: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Rows by road-map year (``labels`` is in the path's order), evaluations end in any order."""
    order = {step: i for i, step in enumerate(labels)}
    return table.sort_values("step", key=lambda steps: steps.map(order), kind="stable").reset_index(
        drop=True
    )


def fan_table(runs: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Per road-map year and metric (each norm's KPI, the FTE): the quantiles over the draws."""
    per = _per_draw(runs)
    rows = []
    for (step, norm), group in per.groupby(["step", "norm"], sort=False):
        first = group.iloc[0]
        values = group["value"].to_numpy(float)
        rows.append(
            {
                "year": labels.get(str(step), str(step)),
                "step": step,
                "metric": norm,
                "kind": "fte" if str(norm).startswith("fte_") else "norm",
                "kpi": first["kpi"],
                "channel": first["channel"],
                "label": first["label"],
                "target": first["target"],
                "draws": len(values),
                "mean": float(values.mean()),
                **{name: float(np.quantile(values, q)) for name, q in QUANTILES.items()},
            }
        )
    return _in_road_map_order(pd.DataFrame(rows), labels)
