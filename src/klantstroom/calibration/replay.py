"""Replay a log through the model: trace-driven, day by day.

Each date of the log becomes a one-day scenario built from the fitted scenario (its services with
their handling times, patience and routing priorities, its agents' wrap-up) but with no generated
demand, no redials (the log holds them already) and the headcount inferred for that date. The
logged calls are then fed in at their logged arrival times with their logged service times:

* a call that was served keeps its service time; its patience is unknown beyond its wait (it was
  still willing to wait when answered), so it is drawn from the fitted patience distribution
  *conditional on exceeding the logged wait*;
* a call that abandoned keeps its patience (its logged wait); its service time, never observed,
  is drawn from the fitted service-time distribution of its type.

If the model matched reality exactly, every call would get its logged wait back. What remains is
the effect of the assumptions: staffing inferred from agent activity, a single skill pool, the
fitted routing priorities, patience and after-call time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from klantstroom.calibration.compare import base_service
from klantstroom.model.distributions import weibull_shape
from klantstroom.model.simulation import Simulation
from klantstroom.model.streams import stream_seed
from klantstroom.scenario.build import build_scenario
from klantstroom.tables import contacts_table

ALL_DAY = ["00:00-24:00"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def service_key(service: str, priority: int, split: bool) -> str:
    """The model service of a call: its type, and its priority class when classes differ."""
    return f"{service}_p{priority}" if split else service


def conditional_patience_min(
    patience: Mapping[str, Any], waited_min: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draw patience (minutes) from ``patience`` conditional on exceeding ``waited_min``.

    Parameters
    ----------
    patience : mapping
        ``{"kind": "exponential" | "lognormal" | "weibull", "mean_min": ..., "cv": ...}``.
    waited_min : numpy.ndarray
        The waits the callers survived (served callers were still waiting when answered).
    rng : numpy.random.Generator
        Random stream.
    """
    kind, mean = patience["kind"], float(patience["mean_min"])
    if kind == "exponential":
        return waited_min + rng.exponential(mean, len(waited_min))  # memoryless
    if kind == "deterministic":
        return np.maximum(waited_min, mean)  # they did survive their wait
    if kind == "lognormal":
        sigma2 = np.log1p(float(patience["cv"]) ** 2)
        dist = stats.lognorm(s=np.sqrt(sigma2), scale=mean * np.exp(-sigma2 / 2))
    elif kind == "weibull":
        shape = weibull_shape(float(patience["cv"]))
        dist = stats.weibull_min(shape, scale=mean / math.gamma(1 + 1 / shape))
    else:
        raise ValueError(
            f"patience kind {kind!r} cannot be replayed; "
            "use exponential, lognormal, weibull or deterministic"
        )
    # Inverse transform restricted to (F(waited), 1): the draw exceeds the wait survived.
    low = dist.cdf(waited_min)
    u = low + (1.0 - low) * rng.random(len(waited_min))
    return np.maximum(dist.ppf(np.minimum(u, 1 - 1e-12)), waited_min)


def day_config(
    fitted: Mapping[str, Any], date: pd.Timestamp, headcount: list[int]
) -> dict[str, Any]:
    """A one-day replay of ``date``: the fitted services and agents, no generated demand."""
    channel, settings = next(iter(fitted["channels"].items()))
    agents = fitted["staff_groups"]["agents"]
    weekday = WEEKDAYS[date.weekday()]
    breaks = agents.get("roster", {}).get("unavailable_share") or {}
    return {
        "run": {
            "name": f"replay-{date.date()}",
            "seed": fitted["run"]["seed"],
            "replications": 1,
            "horizon_days": 1.0,
            "warmup_days": 0.0,
            "progress": False,
        },
        "calendar": {"start_date": str(date.date()), "interval_min": 30},
        "channels": {
            channel: {
                "opening_hours": dict.fromkeys(WEEKDAYS, ALL_DAY),
                "open_on_holidays": True,
                "patience": settings.get("patience"),
            }
        },
        "services": {
            name: {
                **{k: v for k, v in spec.items() if k != "volume_per_year"},
                "rate_per_hour": 0.0,
            }
            for name, spec in fitted["services"].items()
        },
        "staff_groups": {
            "agents": {
                "skills": agents["skills"],
                "wrapup": agents.get("wrapup"),
                "roster": {
                    "works_holidays": True,
                    "headcount": {weekday: headcount},
                    # Breaks are behaviour: the fitted share of agents away, on the date's staff.
                    **(
                        {"unavailable_share": {weekday: breaks[weekday]}}
                        if weekday in breaks
                        else {}
                    ),
                },
            }
        },
        "routing": dict(fitted["routing"]),
    }


def trace_replay(
    calls: pd.DataFrame,
    staffing: pd.DataFrame,
    fitted: Mapping[str, Any],
    *,
    replications: int = 5,
) -> pd.DataFrame:
    """Replay every date of ``calls`` through the model; return the simulated contacts.

    Parameters
    ----------
    calls : pandas.DataFrame
        An imported call log with a ``model_service`` column naming each call's service in
        ``fitted`` (:func:`klantstroom.calibration.pipeline.model_services`).
    staffing : pandas.DataFrame
        Agents on duty per date (index) x interval start minute (columns, 30-minute steps).
    fitted : mapping
        The fitted scenario configuration (``pipeline.scenario_config``): handling times
        for calls never served, patience for calls served (conditional on their
        wait), routing priorities and wrap-up.
    replications : int
        Each replication redraws what the log does not show (patience of served calls, service
        time of abandoned calls).

    Returns
    -------
    pandas.DataFrame
        Contacts of all dates and replications, ``arrival_min`` counted from 00:00 of the first
        date (as in the log comparison), with the call type in ``service`` and the fitted
        scenario's service (type and class) in ``model_service``.
    """
    origin = calls["arrival"].min().normalize()
    seed = int(fitted["run"]["seed"])
    channel, settings = next(iter(fitted["channels"].items()))
    channel_patience = settings.get("patience")
    frames = []
    for date, day_calls in calls.groupby(calls["arrival"].dt.normalize()):
        day = int((date - origin).days)
        counts = staffing.loc[date].to_numpy(dtype=float) if date in staffing.index else None
        headcount = [0] * 48 if counts is None else [int(np.floor(c + 0.5)) for c in counts]
        if max(headcount) == 0:
            headcount = [1] * 48  # no agent activity logged: keep the scenario valid
        scenario = build_scenario(day_config(fitted, pd.Timestamp(date), headcount))
        arrival_min = (day_calls["arrival"] - date).dt.total_seconds().to_numpy() / 60.0
        served = day_calls["outcome"].to_numpy() == "served"
        waited_min = day_calls["wait_s"].to_numpy(dtype=float) / 60.0
        handling_min = np.where(served, day_calls["service_s"].to_numpy() / 60.0, np.nan)
        for rep in range(replications):
            rng = np.random.default_rng(stream_seed(seed, rep, f"replay/patience/{date.date()}"))
            sim = Simulation(scenario, rep)
            for key, index in day_calls.groupby("model_service").indices.items():
                spec = fitted["services"][str(key)]
                patience = spec.get("patience") or channel_patience
                patience_min = waited_min[index].copy()  # abandoned: the logged patience
                mask = served[index]
                if patience is not None:
                    patience_min[mask] = conditional_patience_min(
                        patience, waited_min[index][mask], rng
                    )
                else:  # infinite patience
                    patience_min[mask] = np.inf
                sim.add_arrivals(
                    arrival_min[index],
                    str(key),
                    channel,
                    handling_min=handling_min[index],
                    patience_min=patience_min,
                )
            contacts = contacts_table(scenario, [sim.run()])
            contacts["model_service"] = contacts["service"].astype(str)
            contacts["service"] = contacts["model_service"].map(base_service)
            contacts["arrival_min"] = contacts["arrival_min"] + day * 1440.0
            contacts["replication"] = rep
            frames.append(contacts)
    return pd.concat(frames, ignore_index=True)
