"""The reference models of ``benchmarks/throughput.py``: the same textbook queue in SimPy and Ciw.

* :func:`idiomatic_simpy` -- a process per customer requesting a ``simpy.Resource``;
* :func:`callbacks_simpy` -- hand-tuned SimPy without processes: slotted timers with callbacks,
  a deque of waiting callers, a free-agent list and block draws;
* :func:`store_simpy` -- hand-tuned SimPy with long-lived agent processes and a ``simpy.Store``;
* :func:`ciw_run` -- Ciw (optional dependency, ``pip install -e '.[bench]'``);
* :func:`theory` -- the birth-death chain of M/M/c(+M), to check that they all simulate the same
  queue.

Each returns (or is tallied into) a :class:`Tally` of the contacts that finished before the
horizon. The models keep counters only; klantstroom writes a full row per contact.

The hand-tuned models repeat a few lines on purpose: each refills its block of random numbers
inline and has a callback with and one without patience, because a helper call per draw or a
branch per event would slow the reference the ratios are measured against.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL

try:
    import ciw
except ImportError:  # optional benchmark dependency: pip install -e '.[bench]'
    ciw = None

BLOCK = 512  # random numbers per NumPy draw in the hand-tuned models (klantstroom draws 512 too)


# -- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One textbook queue: M/M/c, or M/M/c+M when ``mean_patience_min`` is given.

    Attributes
    ----------
    name : str
        ``"mmc"`` or ``"erlang_a"``.
    rate_per_min : float
        Arrival rate lambda per minute.
    mean_service_min : float
        Mean handling time 1/mu in minutes.
    servers : int
        Number of agents c.
    mean_patience_min : float or None
        Mean patience 1/theta in minutes; None for M/M/c (nobody abandons).
    horizon_min : float
        Simulated minutes (from an empty system, no warm-up).
    """

    name: str
    rate_per_min: float
    mean_service_min: float
    servers: int
    mean_patience_min: float | None
    horizon_min: float

    @property
    def label(self) -> str:
        """A one-line description of the queue."""
        rho = self.rate_per_min * self.mean_service_min / self.servers
        text = (
            f"M/M/{self.servers} at rho = {rho:.2f} (lambda {self.rate_per_min:g}/min, "
            f"mu {1 / self.mean_service_min:g}/min)"
        )
        if self.mean_patience_min is not None:
            text = (
                f"Erlang A, M/M/{self.servers}+M at rho = {rho:.2f} (lambda "
                f"{self.rate_per_min:g}/min, mu {1 / self.mean_service_min:g}/min, mean "
                f"patience {self.mean_patience_min:g} min)"
            )
        return text


@dataclass
class Tally:
    """What a run produced: counts of finished contacts and of their waiting.

    Attributes
    ----------
    finished : int
        Contacts that ended before the horizon: served plus abandoned.
    waited : int
        Of those, the contacts that had to queue (all abandoned ones did).
    wait_sum : float
        Their total time in queue, minutes (an abandoned contact queued until it hung up).
    abandoned : int
        Contacts that hung up before being served.
    """

    finished: int = 0
    waited: int = 0
    wait_sum: float = 0.0
    abandoned: int = 0

    def add(self, other: Tally) -> None:
        """Add ``other``'s counts to these."""
        self.finished += other.finished
        self.waited += other.waited
        self.wait_sum += other.wait_sum
        self.abandoned += other.abandoned


def theory(case: Case) -> tuple[float, float, float]:
    """P(wait), mean time in queue (min) and P(abandon) of ``case`` in steady state.

    The birth-death chain of M/M/c+M, summed until its tail is negligible; without patience it is
    M/M/c and gives the Erlang C values.

    Parameters
    ----------
    case : Case
        The queue.

    Returns
    -------
    tuple of float
        P(an arrival waits) (by PASTA, P(all agents busy)), mean time in queue of all arrivals
        (E[Q] / lambda by Little's law) and P(abandon) (theta E[Q] / lambda).
    """
    lam, mu, c = case.rate_per_min, 1.0 / case.mean_service_min, case.servers
    theta = 0.0 if case.mean_patience_min is None else 1.0 / case.mean_patience_min
    p, total, busy, queued = 1.0, 0.0, 0.0, 0.0
    for n in range(1_000_000):
        total += p
        if n >= c:
            busy += p
            queued += (n - c) * p
        p *= lam / (min(n + 1, c) * mu + max(n + 1 - c, 0) * theta)
        if n > c and p < 1e-18 * total:
            break
    mean_queue = queued / total
    return busy / total, mean_queue / lam, theta * mean_queue / lam


# -- reference models -----------------------------------------------------------------------


def idiomatic_simpy(case: Case, seed: int) -> Tally:
    """Idiomatic SimPy: a process per customer requesting a ``simpy.Resource``.

    Parameters
    ----------
    case : Case
        The queue (with patience: ``yield request | env.timeout(patience)``).
    seed : int
        Seed of the NumPy generator.

    Returns
    -------
    Tally
        Finished contacts before ``case.horizon_min``.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=case.servers)
    tally = Tally()
    patience = case.mean_patience_min

    def customer(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        arrival = env.now
        with agents.request() as request:
            if patience is None:
                yield request
            else:
                results = yield request | env.timeout(rng.exponential(patience))
                if request not in results:
                    tally.finished += 1
                    tally.abandoned += 1
                    tally.waited += 1
                    tally.wait_sum += env.now - arrival
                    return
            if env.now > arrival:
                tally.waited += 1
                tally.wait_sum += env.now - arrival
            yield env.timeout(rng.exponential(case.mean_service_min))
            tally.finished += 1

    def source(env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.exponential(1.0 / case.rate_per_min))
            env.process(customer(env))

    env.process(source(env))
    env.run(until=case.horizon_min)
    return tally


class Timer:
    """A bare event for ``simpy.Environment.step``: always successful, fires its callbacks.

    ``at`` is the due time, kept by the model so callbacks need not read ``env.now``;
    ``arrival`` is the arrival time of the caller a patience timer stands for.
    """

    __slots__ = ("_ok", "_value", "arrival", "at", "callbacks")

    def __init__(self) -> None:
        self._ok = True
        self._value = None
        self.callbacks: Any = None
        self.at = 0.0
        self.arrival = 0.0


def callbacks_simpy(case: Case, seed: int) -> Tally:
    """Hand-tuned SimPy, callback style: no processes, re-used timers, a deque and a free list.

    Parameters
    ----------
    case : Case
        The queue; with patience each waiting caller is a patience timer, cancelled lazily
        (its callbacks replaced by an empty tuple) when an agent takes it and skipped in the
        deque once it has fired.
    seed : int
        Seed of the NumPy generator.

    Returns
    -------
    Tally
        Finished contacts before ``case.horizon_min``.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    schedule = env.schedule
    exponential = rng.exponential
    mean_gap, mean_service = 1.0 / case.rate_per_min, case.mean_service_min
    patient = case.mean_patience_min is not None
    mean_patience = case.mean_patience_min or 0.0
    gaps: list[float] = []
    services: list[float] = []
    patiences: list[float] = []
    free = [Timer() for _ in range(case.servers)]  # one re-used timer per idle agent
    waiting: deque[Any] = deque()
    finished = waited = abandoned = 0
    wait_sum = 0.0

    def on_arrival(timer: Timer) -> None:
        nonlocal waited
        now = timer.at
        if free:
            agent = free.pop()
            agent.callbacks = END
            if not services:
                services.extend(exponential(mean_service, BLOCK).tolist())
            delay = services.pop()
            agent.at = now + delay
            schedule(agent, NORMAL, delay)  # type: ignore[arg-type]
        else:
            waited += 1
            waiting.append(now)
        timer.callbacks = ARRIVAL
        if not gaps:
            gaps.extend(exponential(mean_gap, BLOCK).tolist())
        delay = gaps.pop()
        timer.at = now + delay
        schedule(timer, NORMAL, delay)  # type: ignore[arg-type]

    def on_end(agent: Timer) -> None:
        nonlocal finished, wait_sum
        finished += 1
        if waiting:
            now = agent.at
            wait_sum += now - waiting.popleft()
            agent.callbacks = END
            if not services:
                services.extend(exponential(mean_service, BLOCK).tolist())
            delay = services.pop()
            agent.at = now + delay
            schedule(agent, NORMAL, delay)  # type: ignore[arg-type]
        else:
            free.append(agent)

    def on_arrival_patient(timer: Timer) -> None:
        nonlocal waited
        now = timer.at
        if free:
            agent = free.pop()
            agent.callbacks = END
            if not services:
                services.extend(exponential(mean_service, BLOCK).tolist())
            delay = services.pop()
            agent.at = now + delay
            schedule(agent, NORMAL, delay)  # type: ignore[arg-type]
        else:
            waited += 1
            caller = Timer()
            caller.callbacks = ABANDON
            caller.arrival = now
            if not patiences:
                patiences.extend(exponential(mean_patience, BLOCK).tolist())
            delay = patiences.pop()
            caller.at = now + delay
            schedule(caller, NORMAL, delay)  # type: ignore[arg-type]
            waiting.append(caller)
        timer.callbacks = ARRIVAL
        if not gaps:
            gaps.extend(exponential(mean_gap, BLOCK).tolist())
        delay = gaps.pop()
        timer.at = now + delay
        schedule(timer, NORMAL, delay)  # type: ignore[arg-type]

    def on_end_patient(agent: Timer) -> None:
        nonlocal finished, wait_sum
        finished += 1
        now = agent.at
        while waiting:
            caller = waiting.popleft()
            if caller.callbacks is None:
                continue  # fired: the caller has hung up
            caller.callbacks = ()  # lazy cancellation: the timer fires into nothing
            wait_sum += now - caller.arrival
            agent.callbacks = END
            if not services:
                services.extend(exponential(mean_service, BLOCK).tolist())
            delay = services.pop()
            agent.at = now + delay
            schedule(agent, NORMAL, delay)  # type: ignore[arg-type]
            return
        free.append(agent)

    def on_abandon(caller: Timer) -> None:
        nonlocal finished, abandoned, wait_sum
        finished += 1
        abandoned += 1
        wait_sum += caller.at - caller.arrival

    # Shared, never mutated callback lists: no list is built per event.
    if not patient:
        ARRIVAL, END = [on_arrival], [on_end]
    else:
        ARRIVAL, END = [on_arrival_patient], [on_end_patient]
    ABANDON = [on_abandon]
    first = Timer()
    first.callbacks = ARRIVAL
    first.at = float(exponential(mean_gap))
    schedule(first, NORMAL, first.at)  # type: ignore[arg-type]
    env.run(until=case.horizon_min)
    return Tally(finished, waited, wait_sum, abandoned)


def store_simpy(case: Case, seed: int) -> Tally:
    """Hand-tuned SimPy, Store style: ``c`` agent processes pulling callers from a Store.

    An arrival process puts each caller into a ``simpy.Store`` (without waiting for the put);
    each agent is a process looping ``get`` / ``timeout``. Random numbers come in NumPy blocks.
    With patience, a caller who finds no idle agent (no pending ``get``) is put in as a patience
    timer, lazily cancelled as in :func:`callbacks_simpy`; agents skip callers who hung up.

    Parameters
    ----------
    case : Case
        The queue.
    seed : int
        Seed of the NumPy generator.

    Returns
    -------
    Tally
        Finished contacts before ``case.horizon_min``.
    """
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    schedule = env.schedule
    timeout = env.timeout
    exponential = rng.exponential
    mean_gap, mean_service = 1.0 / case.rate_per_min, case.mean_service_min
    mean_patience = case.mean_patience_min
    gaps: list[float] = []
    services: list[float] = []
    patiences: list[float] = []
    callers = simpy.Store(env)
    idle = callers.get_queue  # pending gets: agents waiting for a caller
    put = callers.put
    tally = Tally()

    def on_abandon(caller: Timer) -> None:
        tally.finished += 1
        tally.abandoned += 1
        tally.wait_sum += caller.at - caller.arrival

    abandon = [on_abandon]

    def source() -> Generator[simpy.Event, Any, None]:
        while True:
            if not gaps:
                gaps.extend(exponential(mean_gap, BLOCK).tolist())
            yield timeout(gaps.pop())
            now = env.now
            if idle:
                put(now)
                continue
            tally.waited += 1
            if mean_patience is None:
                put(now)
                continue
            caller = Timer()
            caller.callbacks = abandon
            caller.arrival = now
            if not patiences:
                patiences.extend(exponential(mean_patience, BLOCK).tolist())
            delay = patiences.pop()
            caller.at = now + delay
            schedule(caller, NORMAL, delay)  # type: ignore[arg-type]
            put(caller)

    def agent() -> Generator[simpy.Event, Any, None]:
        get = callers.get
        while True:
            caller = yield get()
            if caller.__class__ is float:
                tally.wait_sum += env.now - caller
            else:
                if caller.callbacks is None:
                    continue  # hung up while queued
                caller.callbacks = ()
                tally.wait_sum += env.now - caller.arrival
            if not services:
                services.extend(exponential(mean_service, BLOCK).tolist())
            yield timeout(services.pop())
            tally.finished += 1

    for _ in range(case.servers):
        env.process(agent())
    env.process(source())
    env.run(until=case.horizon_min)
    return tally


def ciw_run(case: Case, seed: int) -> Any:
    """Ciw's simulation of ``case``, run to ``case.horizon_min`` (returns the Simulation)."""
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=case.rate_per_min)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / case.mean_service_min)],
        number_of_servers=[case.servers],
        reneging_time_distributions=(
            None
            if case.mean_patience_min is None
            else [ciw.dists.Exponential(rate=1.0 / case.mean_patience_min)]
        ),
    )
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(case.horizon_min)
    return simulation


def ciw_tally(simulation: Any) -> Tally:
    """Count the finished contacts (``service`` and ``renege`` records) of a Ciw run."""
    tally = Tally()
    for record in simulation.get_all_records(only=["service", "renege"]):
        tally.finished += 1
        if record.waiting_time > 0:
            tally.waited += 1
            tally.wait_sum += record.waiting_time
        if record.record_type == "renege":
            tally.abandoned += 1
    return tally
