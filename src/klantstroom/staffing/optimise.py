"""Simulation-based staffing: the headcount per group and interval at which the norms hold.

Erlang formulas are exact only for a single skill, a stationary interval and exponential times;
multi-skill pools, blending and appointments need the simulation itself (Atlason, Epelman &
Henderson 2004; Cezik & L'Ecuyer 2008 use the same idea: simulate, find where the norm fails,
add staff there). The search here:

1. starts from a given headcount (typically the analytic requirement minus one, so the result
   can come out below Erlang's where the simulation allows it);
2. simulates ``replications`` replications with fixed seeds (common random numbers: every
   iteration sees the same callers, so the result is deterministic for a seed);
3. per channel and (weekday, interval) with demand, computes the service level of each
   replication and date and the lower bound of its confidence interval (an interval with fewer
   than :data:`MIN_CONTACTS_FOR_BOUND` contacts in all is judged on its mean);
4. where the lower bound is below the channel's target, finds the service of that channel with
   the lowest service level in the interval and adds one member to the group that ranks that
   service highest (ties to the larger group), and repeats.

It counts the simulation runs it used. Staff are only ever added, so the search ends; it stops
early (``met = False``) after ``max_iterations``. Shop counter groups and back-office departments
keep their configured rosters in the simulation, and the shop counters' norms are left out of
the search: their plan is the analytic one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from klantstroom.analysis.journeys import inbound
from klantstroom.experiment import run_experiment
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario, StaffGroupSpec

# An interval's norm is judged on the lower confidence bound of its service level only when it
# had at least this many contacts over all samples; below it, on the mean.
MIN_CONTACTS_FOR_BOUND = 30


@dataclass
class OptimisedStaffing:
    """The result of :func:`optimise_headcount`.

    Attributes
    ----------
    headcount : dict of str to numpy.ndarray
        Per staff group, staff per weekday (7 rows) x interval.
    scenario : Scenario
        The scenario with that headcount as its rosters.
    runs : int
        Replications simulated in total.
    met : bool
        Whether every interval's norm holds at the end.
    history : pandas.DataFrame
        Per iteration: runs so far, intervals failing, staff added.
    """

    headcount: dict[str, np.ndarray]
    scenario: Scenario
    runs: int
    met: bool
    history: pd.DataFrame


def with_headcount(scenario: Scenario, headcount: dict[str, np.ndarray]) -> Scenario:
    """``scenario`` with its groups' weekday rosters replaced (dated rosters dropped).

    Back-office department groups and shop counter groups are not sized here: they keep their
    configured rosters (a shop group's planned headcount counts its members at every shop it
    works at, which a roster at its home shop cannot express).
    """
    groups = tuple(
        group
        if group.department is not None or group.shop is not None
        else dataclasses.replace(
            group,
            headcount=tuple(tuple(int(x) for x in row) for row in headcount[group.name]),
            headcount_by_date=(),
        )
        for group in scenario.staff_groups
    )
    return dataclasses.replace(scenario, staff_groups=groups)


def interval_service_levels(scenario: Scenario, contacts: pd.DataFrame) -> pd.DataFrame:
    """Served within threshold and ended contacts per replication x channel x service x weekday
    x interval of arrival."""
    interval = scenario.calendar.interval_min
    made = inbound(contacts)
    ended = made[made["outcome"].isin(["served", "abandoned"])].copy()
    if ended.empty:
        return pd.DataFrame(
            columns=[
                "replication", "day", "channel", "service", "weekday", "slot", "within", "ended"
            ]
        )  # fmt: skip
    thresholds = {c.name: c.service_level_threshold_min for c in scenario.channels}
    day = (ended["arrival_min"] // MINUTES_PER_DAY).astype(int)
    ended["day"] = day
    ended["weekday"] = [scenario.calendar.weekday_of_day(int(d)) for d in day]
    ended["slot"] = ((ended["arrival_min"] % MINUTES_PER_DAY) // interval).astype(int)
    limit = ended["channel"].astype(str).map(thresholds).to_numpy(dtype=float)
    ended["within"] = (ended["outcome"] == "served") & (ended["wait_min"] <= limit + 1e-9)
    ended["channel"] = ended["channel"].astype(str)
    ended["service"] = ended["service"].astype(str)
    table = ended.groupby(
        ["replication", "day", "channel", "service", "weekday", "slot"], observed=True
    ).agg(within=("within", "sum"), ended=("within", "size"))
    return table.reset_index()


def best_group(scenario: Scenario, channel: str, service: str) -> StaffGroupSpec:
    """The group that ranks ``service`` on ``channel`` highest (ties: the larger group)."""

    def has(group: StaffGroupSpec) -> list[int]:
        return [s.rank for s in group.skills if s.channel == channel and s.service == service]

    able = [g for g in scenario.staff_groups if has(g)]
    return min(able, key=lambda g: (min(has(g)), -g.max_headcount))


def optimise_headcount(
    scenario: Scenario,
    start: dict[str, np.ndarray] | None = None,
    *,
    replications: int = 10,
    confidence: float = 0.95,
    max_iterations: int = 30,
) -> OptimisedStaffing:
    """Add staff where the simulated service level fails its target with confidence.

    Parameters
    ----------
    scenario : Scenario
        What is simulated (its seed fixes the random numbers of every iteration).
    start : dict of str to numpy.ndarray, optional
        Starting headcount per group (7 x intervals); default the scenario's own rosters.
    replications : int
        Replications per iteration (at least 2, for a confidence interval).
    confidence : float
        Confidence level of the lower bound that must reach the target.
    max_iterations : int
        Iterations at most.
    """
    if replications < 2:
        raise ValueError("replications must be at least 2 to bound the service level")
    headcount = {
        g.name: np.array(start[g.name] if start else g.headcount, dtype=int).copy()
        for g in scenario.staff_groups
    }
    targets = {c.name: c.service_level_target for c in scenario.channels}
    base = dataclasses.replace(
        scenario, run=dataclasses.replace(scenario.run, replications=replications)
    )
    runs = 0
    history = []
    current = with_headcount(base, headcount)
    for iteration in range(max_iterations):
        current = with_headcount(base, headcount)
        result = run_experiment(current)
        runs += replications
        levels = interval_service_levels(current, result.contacts)
        # One sample per replication and date: on a horizon of several weeks each weekday's
        # interval has replications x weeks samples, not just replications.
        per_channel = levels.groupby(["replication", "day", "channel", "weekday", "slot"])[
            ["within", "ended"]
        ].sum()
        per_channel["service_level"] = per_channel["within"] / per_channel["ended"]
        summary = per_channel.groupby(["channel", "weekday", "slot"])["service_level"].agg(
            ["mean", "std", "count"]
        )
        contacts = per_channel.groupby(["channel", "weekday", "slot"])["ended"].sum()
        by_service = levels.groupby(["channel", "weekday", "slot", "service"])[
            ["within", "ended"]
        ].sum()
        service_level = by_service["within"] / by_service["ended"]
        quantiles = stats.t.ppf(0.5 + confidence / 2, np.maximum(summary["count"] - 1, 1))
        lower = summary["mean"] - quantiles * summary["std"].fillna(0) / np.sqrt(summary["count"])
        # With a handful of contacts in an interval no bound is informative (one late chat in
        # three makes the service level 0.67); such intervals are judged on their mean.
        few = contacts.reindex(summary.index).to_numpy() < MIN_CONTACTS_FOR_BOUND
        lower = lower.where(~few, summary["mean"])
        target = summary.index.get_level_values("channel").map(targets).to_numpy(dtype=float)
        failing = summary.index[lower.to_numpy() < target - 1e-12]
        if scenario.shops:  # shop counters keep their rosters here (see with_headcount)
            failing = failing[failing.get_level_values("channel") != "counter"]
        history.append({"iteration": iteration, "runs": runs, "failing_intervals": len(failing)})
        if len(failing) == 0:
            return OptimisedStaffing(headcount, current, runs, True, pd.DataFrame(history))
        for channel, weekday, slot in failing:
            worst = str(service_level.loc[(channel, weekday, slot)].idxmin())
            group = best_group(scenario, str(channel), worst)
            headcount[group.name][int(weekday), int(slot)] += 1
    return OptimisedStaffing(headcount, current, runs, False, pd.DataFrame(history))
