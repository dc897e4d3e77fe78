"""The back office against queueing theory: an M/M/c queue fed by unresolved calls.

Calls arrive as a Poisson process and a fixed share is not resolved; by Burke's theorem the
departures of a stable M/M/c front office are Poisson, and thinning keeps them Poisson, so the
department sees Poisson tasks at rate lambda x (1 - FCR). With exponential processing times it is
an M/M/c queue whose mean wait Erlang C gives exactly.
"""

from __future__ import annotations

from klantstroom.analysis.erlang import mmc_metrics
from klantstroom.analysis.stats import mean_ci
from klantstroom.experiment import run_experiment

from factories import ALL_DAYS, queue_config, scenario


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
