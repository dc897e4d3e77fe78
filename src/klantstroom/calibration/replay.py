"""Replay a log through the model: trace-driven, day by day.

Each date of the log becomes a one-day scenario: one phone channel, a service per call type (with
priority customers as a separate, higher-priority service), one group of agents with every skill
and the headcount inferred for that date, and the ``priority`` routing policy. The logged calls
are then fed in at their logged arrival times with their logged service times:

* a call that was served keeps its service time; its patience is unknown beyond its wait (it was
  still willing to wait when answered), so it is drawn from the fitted patience distribution
  *conditional on exceeding the logged wait*;
* a call that abandoned keeps its patience (its logged wait); its service time, never observed,
  is drawn from the fitted service-time distribution of its type.

If the model matched reality exactly, every call would get its logged wait back. What remains is
the effect of the assumptions: staffing inferred from agent activity, a single skill pool,
priority routing, and no voice-menu or agent-break effects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from klantstroom.model.distributions import weibull_shape
from klantstroom.model.simulation import Simulation
from klantstroom.model.streams import stream_seed
from klantstroom.scenario.build import build_scenario
from klantstroom.tables import contacts_table

PRIORITY_SUFFIX = "_priority"
ALL_DAY = ["00:00-24:00"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def service_key(service: str, priority: int, priority_threshold: int) -> str:
    """The model service of a call: its type, or type + suffix for priority customers."""
    return f"{service}{PRIORITY_SUFFIX}" if priority >= priority_threshold else service


def base_service(name: str) -> str:
    """The call type of a model service (drops the priority suffix)."""
    return name.removesuffix(PRIORITY_SUFFIX)


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
    if kind == "lognormal":
        sigma2 = np.log1p(float(patience["cv"]) ** 2)
        dist = stats.lognorm(s=np.sqrt(sigma2), scale=mean * np.exp(-sigma2 / 2))
    elif kind == "weibull":
        shape = weibull_shape(float(patience["cv"]))
        dist = stats.weibull_min(shape, scale=mean / math.gamma(1 + 1 / shape))
    else:
        raise ValueError(
            f"patience kind {kind!r} cannot be replayed; use exponential, lognormal or weibull"
        )
    # Inverse transform restricted to (F(waited), 1): the draw exceeds the wait survived.
    low = dist.cdf(waited_min)
    u = low + (1.0 - low) * rng.random(len(waited_min))
    return np.maximum(dist.ppf(np.minimum(u, 1 - 1e-12)), waited_min)


def day_scenario(
    date: pd.Timestamp,
    services: Mapping[str, dict[str, Any]],
    headcount: list[int],
    seed: int,
    wrapup: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Config of a one-day replay: no generated demand, the date's headcount every interval."""
    weekday = WEEKDAYS[date.weekday()]
    return {
        "run": {
            "name": f"replay-{date.date()}",
            "seed": seed,
            "replications": 1,
            "horizon_days": 1.0,
            "warmup_days": 0.0,
            "progress": False,
        },
        "calendar": {"start_date": str(date.date()), "interval_min": 30},
        "channels": {
            "phone": {"opening_hours": dict.fromkeys(WEEKDAYS, ALL_DAY), "open_on_holidays": True}
        },
        "services": {
            name: {
                "rate_per_hour": 0.0,
                "channel_mix": {"phone": 1.0},
                "handling": {"phone": spec["handling"]},
                "priority": spec["priority"],
            }
            for name, spec in services.items()
        },
        "staff_groups": {
            "agents": {
                "skills": {name: {"phone": {"rank": 1}} for name in services},
                "wrapup": None if wrapup is None else dict(wrapup),
                "roster": {"works_holidays": True, "headcount": {weekday: headcount}},
            }
        },
        "routing": {"policy": "priority"},
    }


def trace_replay(
    calls: pd.DataFrame,
    staffing: pd.DataFrame,
    handling: Mapping[str, dict[str, Any]],
    patience: Mapping[str, Any],
    *,
    wrapup: Mapping[str, Any] | None = None,
    seed: int = 1,
    replications: int = 5,
    priority_threshold: int = 2,
) -> pd.DataFrame:
    """Replay every date of ``calls`` through the model; return the simulated contacts.

    Parameters
    ----------
    calls : pandas.DataFrame
        An imported call log (:mod:`klantstroom.calibration.logs`).
    staffing : pandas.DataFrame
        Agents on duty per date (index) x interval start minute (columns, 30-minute steps).
    handling : mapping of str to dict
        Fitted handling-time distribution per call type (klantstroom distribution blocks),
        used for calls whose service time was never observed (they abandoned).
    patience : mapping
        Fitted patience distribution (exponential or lognormal).
    wrapup : mapping, optional
        Fitted time an agent is unavailable after a call (after-call work, short breaks).
    seed, replications : int
        Each replication redraws the unobserved times (patience of served calls, service of
        abandoned calls).
    priority_threshold : int
        Calls with ``priority`` at or above this are served first.

    Returns
    -------
    pandas.DataFrame
        Contacts of all dates and replications, ``arrival_min`` counted from 00:00 of the first
        date (as in the log comparison), with the call type in ``service``.
    """
    origin = calls["arrival"].min().normalize()
    keys = [
        service_key(s, int(p), priority_threshold)
        for s, p in zip(calls["service"], calls["priority"], strict=True)
    ]
    calls = calls.assign(model_service=keys)
    services = {
        key: {
            "handling": dict(handling[base_service(key)]),
            "priority": 1.0 if key.endswith(PRIORITY_SUFFIX) else 0.0,
        }
        for key in sorted(set(keys))
    }
    frames = []
    for date, day_calls in calls.groupby(calls["arrival"].dt.normalize()):
        day = int((date - origin).days)
        counts = staffing.loc[date].to_numpy(dtype=float) if date in staffing.index else None
        headcount = [0] * 48 if counts is None else [int(np.floor(c + 0.5)) for c in counts]
        if max(headcount) == 0:
            headcount = [1] * 48  # no agent activity logged: keep the scenario valid
        config = day_scenario(pd.Timestamp(date), services, headcount, seed, wrapup)
        scenario = build_scenario(config)
        arrival_min = (day_calls["arrival"] - date).dt.total_seconds().to_numpy() / 60.0
        served = day_calls["outcome"].to_numpy() == "served"
        waited_min = day_calls["wait_s"].to_numpy(dtype=float) / 60.0
        for rep in range(replications):
            rng = np.random.default_rng(stream_seed(seed, rep, f"replay/patience/{date.date()}"))
            patience_min = waited_min.copy()  # abandoned: the logged patience
            patience_min[served] = conditional_patience_min(patience, waited_min[served], rng)
            handling_min = np.where(served, day_calls["service_s"].to_numpy() / 60.0, np.nan)
            sim = Simulation(scenario, rep)
            for key, index in day_calls.groupby("model_service").indices.items():
                sim.add_arrivals(
                    arrival_min[index],
                    str(key),
                    "phone",
                    handling_min=handling_min[index],
                    patience_min=patience_min[index],
                )
            log = sim.run()
            contacts = contacts_table(scenario, [log])
            contacts["service"] = contacts["service"].astype(str).map(base_service)
            contacts["arrival_min"] = contacts["arrival_min"] + day * 1440.0
            contacts["replication"] = rep
            frames.append(contacts)
    return pd.concat(frames, ignore_index=True)
