"""Experiments: replications of a scenario, in parallel, turned into tables.

:func:`run_experiment` runs ``run.replications`` independent replications (each with its own
random streams, see :mod:`klantstroom.model.streams`), with joblib across ``run.n_jobs`` processes,
and returns a :class:`RunResult` of DataFrames. The same seed gives identical tables whatever
``n_jobs`` is, because a replication's numbers depend only on (seed, replication number).

If the run is interrupted (Ctrl-C, or SIGTERM under :func:`klantstroom.signals.stop_raises`) or a
replication fails, the replications already finished are kept and returned with
``complete = False``, so the caller can still write them; the loky workers still running are
terminated.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from klantstroom import signals
from klantstroom.analysis.costs import cost_table
from klantstroom.analysis.intervals import intervals_table
from klantstroom.analysis.kpis import CounterNorms, kpi_table, prepare_rows, summary_table
from klantstroom.analysis.periods import (
    JUDGED,
    WHOLE_RUN,
    judged_view,
    mark_judged,
    period_backlog,
)
from klantstroom.analysis.segments import (
    SegmentKeys,
    segment_kpi_table,
    segment_summary_table,
)
from klantstroom.analysis.stafftime import staff_time
from klantstroom.analysis.training import proficiency_table, work_spells
from klantstroom.executors import results
from klantstroom.model.calendar import open_periods
from klantstroom.model.simulation import ReplicationLog, simulate
from klantstroom.scenario.segments import segment_demand
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario
from klantstroom.tables import (
    backlog_table,
    contacts_table,
    journeys_table,
    spans_table,
    staff_table,
    tasks_table,
)

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """The tables of one run.

    Attributes
    ----------
    contacts : pandas.DataFrame
        One row per contact (``contacts.parquet``).
    staff : pandas.DataFrame
        One row per on-duty spell of a staff member (``staff.parquet``).
    intervals : pandas.DataFrame
        Per replication x interval x channel, and per staff group (``intervals.parquet``).
    kpis : pandas.DataFrame
        KPIs per replication, the rows the norms are judged on (one per key; ``period`` says
        which period each comes from, see :mod:`klantstroom.analysis.periods`).
    summary : pandas.DataFrame
        Mean and 95% confidence interval of every KPI, the judged rows.
    period_kpis, period_summary : pandas.DataFrame
        The same for the whole run and every period, with the ``judged`` column
        (``kpis.csv`` and ``summary.csv``).
    segment_kpis, segment_summary : pandas.DataFrame or None
        With segments: their rows of ``kpis.csv`` and ``summary.csv``, per period, with the
        ``segment`` and ``judged`` columns (:mod:`klantstroom.analysis.segments`); None
        without segments. They are kept apart from the rows of all citizens above.
    tasks : pandas.DataFrame
        One row per back-office task (``tasks.parquet``).
    journeys : pandas.DataFrame
        One row per journey (``journeys.parquet``).
    backlog : pandas.DataFrame
        Deferred-work backlog per day and queue (``backlog.parquet``).
    complete : bool
        False when the run was interrupted or failed; the tables hold the finished replications.
    error : str
        What stopped the run, if anything.
    """

    contacts: pd.DataFrame
    staff: pd.DataFrame
    intervals: pd.DataFrame
    kpis: pd.DataFrame
    summary: pd.DataFrame
    replications: list[int]
    wall_s: list[float]
    complete: bool = True
    error: str = ""
    tasks: pd.DataFrame = field(default_factory=pd.DataFrame)
    journeys: pd.DataFrame = field(default_factory=pd.DataFrame)
    backlog: pd.DataFrame = field(default_factory=pd.DataFrame)
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    period_kpis: pd.DataFrame | None = None
    period_summary: pd.DataFrame | None = None
    costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    segment_kpis: pd.DataFrame | None = None
    segment_summary: pd.DataFrame | None = None


# Test-only: with this variable naming a folder, replications other than 0 wait until
# ``<folder>/release`` exists, each worker leaves ``worker-<pid>`` there and the parent leaves
# ``finished-<n>`` when replication n is in. Fault tests use it to stop a run at a known point
# (after replication 0, with workers busy) without racing a clock.
HOLD_ENV = "KLANTSTROOM_TEST_HOLD"


def _replicate(scenario: Scenario, replication: int) -> ReplicationLog:
    """One replication (``simulate``), held back when :data:`HOLD_ENV` is set."""
    hold = os.environ.get(HOLD_ENV)
    if hold:
        (Path(hold) / f"worker-{os.getpid()}").touch()
        while replication > 0 and not (Path(hold) / "release").exists():
            time.sleep(0.05)
    return simulate(scenario, replication)


def _replication_logs(
    scenario: Scenario, progress: Callable[[int], None] | None
) -> tuple[list[ReplicationLog], str]:
    """Run all replications; return the finished logs and an error message if any."""
    run = scenario.run
    hold = os.environ.get(HOLD_ENV)
    logs: list[ReplicationLog] = []
    jobs: Generator[ReplicationLog, None, None] | None = None
    try:
        jobs = results(
            _replicate,
            scenario,
            range(run.replications),
            executor=run.executor,
            address=run.cluster_address,
            n_jobs=run.n_jobs,
        )
        for result in jobs:
            logs.append(result)
            if hold:
                (Path(hold) / f"finished-{result.replication}").touch()
            if progress is not None:
                progress(1)
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM via klantstroom.signals
        how = str(stop) or "interrupted"
        return logs, f"{how} after {len(logs)} of {run.replications} replications"
    except Exception as exc:  # keep finished replications; the caller reports the failure
        log.exception("a replication failed")
        return logs, f"replication failed: {exc!r}"
    finally:
        # Closing joblib's generator aborts the tasks still running and terminates the loky
        # workers now, not whenever the generator is garbage-collected (the interrupt may have
        # arrived in this loop's body rather than inside the generator).
        if jobs is not None:
            jobs.close()
    return logs, ""


def shop_facts(
    scenario: Scenario, window_min: tuple[float, float] | None = None
) -> dict[str, tuple[int, float]]:
    """Per shop: (desks, opening minutes within the reported period, or within ``window_min``)."""
    calendar = scenario.calendar
    start, end = window_min if window_min is not None else (0.0, scenario.run.horizon_min)
    facts = {}
    for shop in scenario.shops:
        total = 0.0
        for day in range(math.floor(start / MINUTES_PER_DAY), math.ceil(end / MINUTES_PER_DAY)):
            base = day * MINUTES_PER_DAY
            for period in open_periods(shop, calendar, day):
                total += max(
                    0.0, min(base + period.end_min, end) - max(base + period.start_min, start)
                )
        facts[shop.name] = (shop.desks, total)
    return facts


def counter_norms(scenario: Scenario) -> CounterNorms | None:
    """The counter norms and shop facts of ``scenario`` (None without a counter channel)."""
    if "counter" not in [c.name for c in scenario.channels]:
        return None
    spec = scenario.counter
    return CounterNorms(
        walk_in_wait_min=spec.walk_in_wait_norm_min,
        appointment_wait_min=spec.appointment_wait_norm_min,
        access_working_days=spec.access_norm_working_days,
        urgent_max_access_working_days=spec.urgent_max_access_working_days,
        shops=shop_facts(scenario),
        services={shop.name: shop.services for shop in scenario.shops},
    )


def tables_from_logs(
    scenario: Scenario, logs: list[ReplicationLog], *, lean: bool = False
) -> RunResult:
    """Build every table of a run from its replication logs.

    With ``lean`` only the contact and task tables are built (the others are empty): what an
    inner loop such as the staffing search reads, at a fraction of the cost of every KPI.
    """
    logs = sorted(logs, key=lambda item: item.replication)
    replications = [item.replication for item in logs]
    if lean:
        empty = pd.DataFrame()
        return RunResult(
            contacts_table(scenario, logs),
            empty,
            empty,
            empty,
            empty,
            replications,
            [item.wall_s for item in logs],
            tasks=tasks_table(scenario, logs),
        )
    channels = [c.name for c in scenario.channels]
    groups = [g.name for g in scenario.staff_groups]
    thresholds = {c.name: c.service_level_threshold_min for c in scenario.channels}
    contacts = contacts_table(scenario, logs)
    tasks = tasks_table(scenario, logs)
    journeys = journeys_table(scenario, logs)
    backlog = backlog_table(scenario, logs)
    staff = staff_table(scenario, logs)
    spans = spans_table(scenario, logs)
    proficiency = proficiency_table(scenario, logs)
    intervals = intervals_table(
        contacts,
        staff,
        spans,
        channels=channels,
        staff_groups=groups,
        thresholds_min=thresholds,
        interval_min=scenario.calendar.interval_min,
        horizon_min=scenario.run.horizon_min,
        start_date=pd.Timestamp(scenario.calendar.start_date),
        replications=replications,
        shops=shop_facts(scenario),
    )
    common = {
        "channels": channels,
        "services": [s.name for s in scenario.services],
        "staff_groups": groups,
        "demand": [
            (channel, s.name)
            for s in scenario.services
            for channel, share in s.channel_mix
            if share > 0
        ],
        "thresholds_min": thresholds,
        "replications": replications,
        "departments": [(d.name, d.services) for d in scenario.departments],
    }
    norms = counter_norms(scenario)
    horizon = scenario.run.horizon_min
    # The whole run is the first period; the others see only the rows that arrived in them.
    windows = [(WHOLE_RUN, 0.0, horizon)] + [
        (p.name, p.window_min[0], min(p.window_min[1], horizon)) for p in scenario.run.periods
    ]
    frames = []
    segment_frames = []
    segments = [
        SegmentKeys(s.name, segment_demand(s), [name for name, share in s.shares if share > 0])
        for s in scenario.segments
    ]
    # Staff spells and busy spans are the same in every period: grouped and sorted once.
    staff_times = staff_time(
        work_spells(staff),
        spans,
        replications=replications,
        staff_groups=groups,
        shops=[shop.name for shop in scenario.shops],
        counter_code=channels.index("counter") if "counter" in channels else -1,
    )
    # The KPIs of every period are cut from one sorted copy of the contacts, tasks and
    # journeys: no filtered copy of a year's tables per period.
    prepared = prepare_rows(contacts, tasks, journeys)
    for name, start, end in windows:
        frames.append(
            kpi_table(
                contacts,
                staff,
                spans,
                horizon_min=end,
                start_min=start,
                period=name,
                counter_norms=None
                if norms is None
                else replace(norms, shops=shop_facts(scenario, (start, end))),
                tasks=tasks,
                journeys=journeys,
                backlog=backlog if name == WHOLE_RUN else period_backlog(backlog, start, end),
                proficiency=proficiency,
                staff_times=staff_times,
                prepared=prepared,
                **common,  # type: ignore[arg-type]
            )
        )
        if segments:
            segment_frames.append(
                segment_kpi_table(
                    contacts,
                    journeys,
                    segments=segments,
                    channels=channels,
                    thresholds_min=thresholds,
                    replications=replications,
                    horizon_min=end,
                    counter_norms=norms,
                    period=name,
                    prepared=prepared,
                    start_min=start,
                )
            )
    judge_on = dict(scenario.run.judge_on)
    period_kpis = mark_judged(pd.concat(frames, ignore_index=True), judge_on)
    period_summary = mark_judged(
        summary_table(period_kpis.drop(columns=[JUDGED]), norms=scenario.all_norms()), judge_on
    )
    segment_kpis = segment_summary = None
    if segment_frames:
        segment_kpis = mark_judged(pd.concat(segment_frames, ignore_index=True), judge_on)
        segment_summary = mark_judged(
            segment_summary_table(segment_kpis.drop(columns=[JUDGED]), norms=scenario.all_norms()),
            judge_on,
        )
    return RunResult(
        contacts=contacts,
        staff=staff,
        intervals=intervals,
        kpis=judged_view(period_kpis),
        summary=judged_view(period_summary),
        period_kpis=period_kpis,
        period_summary=period_summary,
        replications=replications,
        wall_s=[item.wall_s for item in logs],
        tasks=tasks,
        journeys=journeys,
        backlog=backlog,
        extra={"proficiency": proficiency} if len(proficiency) else {},
        costs=cost_table(
            scenario, contacts, staff, tasks, replications=replications, shops=shop_facts(scenario)
        ),
        segment_kpis=segment_kpis,
        segment_summary=segment_summary,
    )


def run_experiment(
    scenario: Scenario, progress: Callable[[int], None] | None = None, *, lean: bool = False
) -> RunResult:
    """Run the scenario's replications and return all tables.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (``run.replications``, ``run.n_jobs`` and ``run.seed`` apply).
    progress : callable, optional
        Called with 1 after each finished replication (e.g. ``tqdm.update``).
    lean : bool
        Build only the contact and task tables (:func:`tables_from_logs`), for inner loops.

    Returns
    -------
    RunResult
        The run's tables; ``complete`` is False if it was interrupted or a replication failed.
        With no finished replication at all, every table is empty and ``replications`` is [].
    """
    logs, error = _replication_logs(scenario, progress)
    if not logs:  # nothing to tabulate; the caller says so (klantstroom.runner.execute)
        empty = pd.DataFrame()
        return RunResult(empty, empty, empty, empty, empty, [], [], complete=False, error=error)
    # Every replication in `logs` is simulated: a stop signal now must not lose them. It is
    # recorded, and the caller writes the tables and then stops (klantstroom.runner.execute).
    with signals.stop_deferred():
        result = tables_from_logs(scenario, logs, lean=lean)
    # Complete means every replication is in the tables, also when a signal came afterwards.
    result.complete = not error
    stopped = signals.received()
    if stopped is not None and not error:
        error = f"stopped by {signal.Signals(stopped).name} while the tables were built"
    result.error = error
    return result
