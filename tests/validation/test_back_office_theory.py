"""The back office against queueing theory: an M/M/c queue fed by unresolved calls.

Calls arrive as a Poisson process and a fixed share is not resolved; by Burke's theorem the
departures of a stable M/M/c front office are Poisson, and thinning keeps them Poisson, so the
department sees Poisson tasks at rate lambda x (1 - FCR). With exponential processing times it is
an M/M/c queue whose mean wait Erlang C gives exactly.

With an elapsed process time (waiting for documents, an advice, a term) before staff decide,
the lead time is mostly elapsed time, and the work in progress follows Little's law; with every
task late, the chases are the configured share of the tasks.
"""

from __future__ import annotations

import numpy as np

from klantstroom.analysis.erlang import mmc_metrics
from klantstroom.analysis.stats import mean_ci
from klantstroom.experiment import run_experiment

from factories import ALL_DAYS, deep_update, queue_config, scenario


def test_department_fed_by_unresolved_calls_is_an_mmc_queue() -> None:
    calls_per_hour, fcr, processing_min, staff = 60.0, 0.5, 6.0, 4  # load 3 of 4: rho 0.75
    always = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": staff}]
    config = queue_config(
        rate_per_hour=calls_per_hour,
        handling={"kind": "exponential", "mean_min": 5.0},
        agents=12,  # a front office far from saturation: calls are answered at once
        horizon_days=3.0,
        warmup_days=0.5,
        replications=10,
        seed=11,
        services={"q": {"fcr_probability": fcr}},
        departments={"bo": {"tasks": {"q": {"kind": "exponential", "mean_min": processing_min}}}},
        staff_groups={
            "bo_staff": {"department": "bo", "roster": {"works_holidays": True, "shifts": always}}
        },
    )
    result = run_experiment(scenario(config))
    tasks = result.tasks
    assert (tasks["parent_contact_id"] >= 0).all() and len(tasks) > 3000
    theory = mmc_metrics(calls_per_hour * (1 - fcr) / 60, processing_min, staff, 0.0)
    started = tasks[tasks["start_min"].notna()]
    waits = started.groupby("replication")["wait_min"].mean().to_numpy()
    _, low, high = mean_ci(waits, confidence=0.99)
    assert low <= theory.mean_wait_min <= high, (theory.mean_wait_min, low, high)
    # The task rate is the unresolved share of the calls.
    per_day = len(tasks) / (3.0 * len(result.replications))
    assert abs(per_day - calls_per_hour * 24 * (1 - fcr)) < 0.05 * calls_per_hour * 24 * (1 - fcr)


def _department_with_process_time(**overrides: object) -> dict[str, object]:
    """Poisson tasks (120 a day) that wait 1-5 working days, then 6 min with ample staff."""
    always = [{"days": ALL_DAYS, "start": "00:00", "end": "24:00", "headcount": 3}]
    config = queue_config(
        rate_per_hour=10.0,
        handling={"kind": "exponential", "mean_min": 2.0},
        agents=4,
        horizon_days=28.0,
        warmup_days=14.0,
        replications=6,
        seed=23,
        services={"q": {"fcr_probability": 0.5}},
        departments={
            "bo": {
                "tasks": {"q": {"kind": "exponential", "mean_min": 6.0}},
                "process_time": {
                    "q": {"kind": "uniform", "low_working_days": 1, "high_working_days": 5}
                },
            }
        },
        staff_groups={
            "bo_staff": {"department": "bo", "roster": {"works_holidays": True, "shifts": always}}
        },
    )
    return deep_update(config, overrides)


def test_work_in_progress_follows_littles_law_with_elapsed_process_time() -> None:
    """Open tasks (WIP) = task arrival rate x mean lead time, lead time mostly process time."""
    result = run_experiment(scenario(_department_with_process_time()))
    gaps = []
    for rep, tasks in result.tasks.groupby("replication"):
        # Tasks of the first 14 days are all done by the horizon (at most 5 working days, about
        # 7 calendar days, plus minutes of staff time): their mean lead time is not censored.
        early = tasks[tasks["created_min"] < 14 * 1440]
        assert (early["status"] == "done").all()
        arrivals_per_day = len(early) / 14.0
        lead_days = early["lead_time_days"].mean()
        assert 1.4 < lead_days < 7.0  # mostly elapsed time: 1-5 working days, weekends between
        backlog = result.backlog
        wip = backlog[(backlog["replication"] == rep) & (backlog["queue"] == "bo")]
        gaps.append(wip["open_end_of_day"].mean() - arrivals_per_day * lead_days)
    _, low, high = mean_ci(np.array(gaps), confidence=0.99)
    assert low <= 0.0 <= high, (low, high)


def test_every_late_task_is_chased_at_the_configured_rate() -> None:
    """Every task is late (term 0 working days, 1-5 days of process time): chases are the
    configured share of the tasks checked inside the run."""
    rate = 0.3
    config = _department_with_process_time(
        departments={"bo": {"terms_working_days": {"q": 0}}},
        failure_demand={"task_probability": rate, "channel_mix": {"phone": 1.0}},
    )
    result = run_experiment(scenario(config))
    contacts = result.contacts
    chases = contacts[contacts["origin"] == "chase"]
    shares = []
    for rep, tasks in result.tasks.groupby("replication"):
        # Checked at the end of the creation day (due then), so every task of the first 26 days
        # has its check, and its chase call, inside the run.
        checked = tasks[tasks["created_min"] < 26 * 1440]
        mine = chases[chases["replication"] == rep]
        chased = checked["task_id"].isin(mine["parent_contact_id"])
        shares.append(chased.mean())
        assert (mine["department"] == "bo").all()
        assert not mine["resolved"].astype(bool).any()
    mean, low, high = mean_ci(np.array(shares), confidence=0.99)
    assert low <= rate <= high, (mean, low, high)
