"""Synthetic call-centre logs whose hidden truth is known: after-call work, breaks, handling.

A real call log records when each call arrived, was answered and ended, but not what agents did
between calls: after-call work and short breaks are invisible. Calibration estimators have to
infer them from the gaps between an agent's calls while callers wait. To test such estimators
this module simulates a small call centre and returns its log, in the normalised call-log
schema of :mod:`klantstroom.calibration.logs`, together with the truth that produced it.

The model, per day (each day starts afresh):

* Calls arrive as a Poisson process at ``calls_per_hour`` during the open hours ``[open, close)``
  and join one first-come-first-served queue (priority 0, a service drawn uniformly).
* ``agents`` agents are on duty from opening. An arriving call goes to the agent idle longest.
  Handling is lognormal with mean ``handling_mean_s * hour_factors[h]`` (``h`` = hour of day the
  service starts) and coefficient of variation ``handling_cv``.
* After each call the agent does after-call work (exponential, mean ``after_call_mean_s``);
  then, if the work ends before closing, with probability ``break_probability`` takes a break
  (lognormal, mean ``break_mean_s``, cv 0.5); then takes the next waiting caller or goes idle.
  Neither shows in the log.
* An agent who becomes free at or after closing goes home: on duty from opening until
  ``max(close, end of the last after-call work)``; a break running past closing ends there.
  Callers still queued at closing are not answered any more: they wait until their patience
  runs out.
* Callers abandon after an exponential patience with mean ``patience_mean_s``.

Timestamps are cut to whole seconds, as a real log writes them, and the durations are computed
from the written timestamps (``wait_s = answered - arrival`` etc.), so every row is consistent.
Abandoned calls look as the importers make them: ``answered``/``ended`` NaT, ``agent`` NA,
``service_s`` NaN. ``caller_id`` is unique per call (no redials); ``source_row`` numbers the
rows as lines of a file with a header (2, 3, ...), in order of arrival.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.calibration.logs import CALL_LOG_DTYPES

BREAK_CV = 0.5
INTERVAL_S = 1800
INTERVALS_PER_DAY = 48
DAY_S = 86400

# Event kinds; at equal times an agent's release is handled before an abandonment before an
# arrival (ties have probability zero with continuous draws, but the order must be defined).
_FREE, _ABANDON, _ARRIVE = 0, 1, 2


@dataclass(frozen=True)
class SyntheticTruth:
    """What produced a synthetic log (and cannot be read from it directly).

    Attributes
    ----------
    after_call_mean_s : float
        Mean after-call work after each call (the parameter of its exponential distribution).
    break_share : float
        Realised share of on-duty agent time spent on breaks.
    break_share_by_interval : numpy.ndarray
        The same per 30-minute interval of the day (48 values; NaN where nobody was on duty).
    handling_mean_s : float
        Mean handling time before the hour-of-day factors.
    hour_factors : numpy.ndarray
        The 24 factors on the handling mean by the hour a service starts.
    """

    after_call_mean_s: float
    break_share: float
    break_share_by_interval: np.ndarray
    handling_mean_s: float
    hour_factors: np.ndarray


def _lognormal_parameters(mean: float, cv: float) -> tuple[float, float]:
    """``(mu, sigma)`` of the lognormal distribution with this mean and cv."""
    sigma2 = float(np.log1p(cv * cv))
    return float(np.log(mean)) - sigma2 / 2.0, float(np.sqrt(sigma2))


def _overlap_by_interval(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Seconds of the spans ``[starts, ends)`` (seconds after midnight) per 30-min interval."""
    edges = np.arange(INTERVALS_PER_DAY + 1) * INTERVAL_S
    lo = np.maximum(starts[:, None], edges[None, :-1])
    hi = np.minimum(ends[:, None], edges[None, 1:])
    return np.clip(hi - lo, 0.0, None).sum(axis=0)


@dataclass
class _Day:
    """One simulated day: per call times in seconds after that day's midnight."""

    arrival: np.ndarray
    answered: np.ndarray  # NaN if abandoned
    ended: np.ndarray  # NaN if abandoned
    abandoned: np.ndarray  # NaN if served
    agent: np.ndarray  # index of the agent who served, -1 if abandoned
    on_duty_s: np.ndarray  # agent-seconds on duty per 30-min interval
    on_break_s: np.ndarray  # agent-seconds on break per 30-min interval


def _simulate_day(
    rng: np.random.Generator,
    *,
    agents: int,
    opening: float,
    closing: float,
    calls_per_hour: float,
    mu_by_hour: np.ndarray,
    sigma_handling: float,
    after_call_mean_s: float,
    break_probability: float,
    mu_break: float,
    sigma_break: float,
    patience_mean_s: float,
) -> _Day:
    """Simulate one day with a heap of events (see the module docstring for the model)."""
    n = int(rng.poisson(calls_per_hour * (closing - opening) / 3600.0))
    arrival = np.sort(rng.uniform(opening, closing, n))
    # Everything a call may need is drawn up front, per call, so the random stream does not
    # depend on the order in which events are handled.
    patience = rng.exponential(patience_mean_s, n)
    handling_z = rng.standard_normal(n)
    after_call = rng.exponential(after_call_mean_s, n) if after_call_mean_s > 0 else np.zeros(n)
    takes_break = rng.random(n) < break_probability
    break_s = rng.lognormal(mu_break, sigma_break, n)

    answered = np.full(n, np.nan)
    ended = np.full(n, np.nan)
    served_by = np.full(n, -1)
    last_work_end = np.full(agents, opening)
    breaks: list[tuple[int, float, float]] = []  # (agent, start, end)
    waiting: deque[int] = deque()
    gone = np.zeros(n, dtype=bool)  # answered or abandoned: no longer waiting
    idle: deque[int] = deque(range(agents))  # longest idle first
    events = [(float(t), _ARRIVE, i) for i, t in enumerate(arrival)]
    events += [
        (float(t + p), _ABANDON, i) for i, (t, p) in enumerate(zip(arrival, patience, strict=True))
    ]
    heapq.heapify(events)

    def serve(agent: int, call: int, now: float) -> None:
        gone[call] = True
        answered[call] = now
        served_by[call] = agent
        hour = int(now // 3600) % 24
        end = now + float(np.exp(mu_by_hour[hour] + sigma_handling * handling_z[call]))
        ended[call] = end
        free = end + float(after_call[call])
        last_work_end[agent] = free
        if free < closing and takes_break[call]:
            breaks.append((agent, free, free + float(break_s[call])))
            free += float(break_s[call])
        heapq.heappush(events, (free, _FREE, agent))

    while events:
        now, kind, who = heapq.heappop(events)
        if kind == _ARRIVE:
            if idle:
                serve(idle.popleft(), who, now)
            else:
                waiting.append(who)
        elif kind == _ABANDON:
            gone[who] = True  # nothing changes for a call already answered
        elif now < closing:  # an agent free before closing takes the next caller
            while waiting and gone[waiting[0]]:
                waiting.popleft()
            if waiting:
                serve(who, waiting.popleft(), now)
            else:
                idle.append(who)
        # An agent free at or after closing goes home.

    off = np.maximum(last_work_end, closing)
    on_duty_s = _overlap_by_interval(np.full(agents, opening), off)
    on_break_s = np.zeros(INTERVALS_PER_DAY)
    if breaks:
        agent_of, break_start, break_end = (
            np.array(column) for column in zip(*breaks, strict=True)
        )
        on_break_s = _overlap_by_interval(break_start, np.minimum(break_end, off[agent_of]))
    served = served_by >= 0
    return _Day(
        arrival=arrival,
        answered=answered,
        ended=ended,
        abandoned=np.where(served, np.nan, arrival + patience),
        agent=served_by,
        on_duty_s=on_duty_s,
        on_break_s=on_break_s,
    )


def synthetic_call_log(
    *,
    seed: int = 1,
    days: int = 5,
    start: str = "1999-01-03",
    agents: int = 12,
    open_hours: tuple[int, int] = (8, 18),
    calls_per_hour: float = 110.0,
    handling_mean_s: float = 180.0,
    handling_cv: float = 1.0,
    hour_factors: Sequence[float] | None = None,
    after_call_mean_s: float = 20.0,
    break_probability: float = 0.04,
    break_mean_s: float = 480.0,
    patience_mean_s: float = 300.0,
    services: Sequence[str] = ("PS",),
) -> tuple[pd.DataFrame, SyntheticTruth]:
    """Simulate ``days`` days of a call centre; return its log and the truth behind it.

    See the module docstring for the model. Deterministic given ``seed``.

    Returns
    -------
    calls : pandas.DataFrame
        The call log, with the columns and dtypes of
        :data:`~klantstroom.calibration.logs.CALL_LOG_DTYPES`, ordered by arrival.
    truth : SyntheticTruth
        The after-call, break and handling parameters, with the realised break shares.
    """
    factors = np.ones(24) if hour_factors is None else np.array(hour_factors, dtype=float)
    open_h, close_h = open_hours
    if factors.shape != (24,) or np.any(factors <= 0):
        raise ValueError("hour_factors must be 24 positive numbers")
    if not 0 <= open_h < close_h <= 24 or agents < 1 or days < 1 or not services:
        raise ValueError("need 0 <= open < close <= 24, agents >= 1, days >= 1, a service")
    rng = np.random.default_rng(seed)
    mu_handling, sigma_handling = _lognormal_parameters(handling_mean_s, handling_cv)
    mu_break, sigma_break = _lognormal_parameters(break_mean_s, BREAK_CV)
    simulated = [
        _simulate_day(
            rng,
            agents=agents,
            opening=open_h * 3600.0,
            closing=close_h * 3600.0,
            calls_per_hour=calls_per_hour,
            mu_by_hour=mu_handling + np.log(factors),
            sigma_handling=sigma_handling,
            after_call_mean_s=after_call_mean_s,
            break_probability=break_probability,
            mu_break=mu_break,
            sigma_break=sigma_break,
            patience_mean_s=patience_mean_s,
        )
        for _ in range(days)
    ]

    def seconds(name: str) -> np.ndarray:
        """That time of every call in whole seconds after ``start`` (NaN stays NaN)."""
        times = [getattr(day, name) + d * DAY_S for d, day in enumerate(simulated)]
        return np.floor(np.concatenate(times))

    arrival, answered, abandoned, ended = (
        seconds(name) for name in ("arrival", "answered", "abandoned", "ended")
    )
    agent = np.concatenate([day.agent for day in simulated])
    n = len(arrival)
    served = agent >= 0
    origin = pd.Timestamp(start)

    def stamps(values: np.ndarray) -> pd.Series:
        return pd.Series(origin + pd.to_timedelta(values, unit="s"), dtype="datetime64[ns]")

    width = len(str(agents))
    service_of = rng.integers(len(services), size=n)
    columns = {
        "call_id": [f"S{i + 1:07d}" for i in range(n)],
        "caller_id": [f"K{i + 1:07d}" for i in range(n)],
        "service": np.asarray(services, dtype=object)[service_of],
        "priority": np.zeros(n, dtype=np.int64),
        "arrival": stamps(arrival),
        "answered": stamps(answered),
        "abandoned": stamps(abandoned),
        "ended": stamps(ended),
        "agent": [f"agent{a + 1:0{width}d}" if a >= 0 else None for a in agent],
        "outcome": np.where(served, "served", "abandoned"),
        "wait_s": np.where(served, answered, abandoned) - arrival,
        "service_s": ended - answered,
        "source_row": np.arange(2, n + 2, dtype=np.int64),
    }
    calls = pd.DataFrame(
        {name: pd.Series(columns[name], dtype=dtype) for name, dtype in CALL_LOG_DTYPES.items()}
    )

    on_duty = np.sum([day.on_duty_s for day in simulated], axis=0)
    on_break = np.sum([day.on_break_s for day in simulated], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_interval = np.where(on_duty > 0, on_break / on_duty, np.nan)
    truth = SyntheticTruth(
        after_call_mean_s=float(after_call_mean_s),
        break_share=float(on_break.sum() / on_duty.sum()),
        break_share_by_interval=by_interval,
        handling_mean_s=float(handling_mean_s),
        hour_factors=factors,
    )
    return calls, truth
