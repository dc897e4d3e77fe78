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
4. where the lower bound is below the channel's target, adds one member to the group that
   ranks highest (ties to the larger group) the service with the lowest service level in the
   interval and each service below the target (each group once), and repeats.

It counts the simulation runs it used. Staff are only ever added, so the search ends; it stops
early (``met = False``) after ``max_iterations``. An interval that has had
:data:`UNRESPONSIVE_AFTER` members added without its mean service level rising by
:data:`RESPONSE_MIN` is *unresponsive*: more staff there does not help (typically the morning's
deferred work takes every member who comes on duty, see ``routing.deferred_max_share``), so it
gets no more and is reported; the search stops when only such intervals fail. Shop counter
groups and back-office departments keep their configured rosters in the simulation, and the shop
counters' norms are left out of the search: their plan is the analytic one.
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
# An interval given this many extra members whose mean service level rose by less than
# RESPONSE_MIN since it first failed does not respond to staff.
UNRESPONSIVE_AFTER = 4
RESPONSE_MIN = 0.02
UNRESPONSIVE_COLUMNS = [
    "channel",
    "weekday",
    "slot",
    "staff_added",
    "service_level_first",
    "service_level",
    "lower_bound",
]


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
        Per iteration: runs so far, intervals failing, unresponsive intervals among them.
    unresponsive : pandas.DataFrame
        Intervals still failing where added staff did not raise the service level
        (:data:`UNRESPONSIVE_COLUMNS`; ``weekday`` 0 = Monday, ``slot`` the interval of the
        day): the members added, the mean service level when it first failed and now, and the
        lower bound now.
    """

    headcount: dict[str, np.ndarray]
    scenario: Scenario
    runs: int
    met: bool
    history: pd.DataFrame
    unresponsive: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=UNRESPONSIVE_COLUMNS)
    )


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
    """Served within threshold and ended contacts per replication x real-time channel x service
    x weekday x interval of arrival (deferred channels: :func:`deferred_on_time`).

    A contact still waiting at the end of the run counts as ended (and late) once it has waited
    longer than the threshold: it missed the norm whatever happens next. Without that, a queue
    nobody serves (every member busy with e-mail, callers without patience) would have no
    ended contacts and pass.
    """
    interval = scenario.calendar.interval_min
    made = inbound(contacts)
    real_time = [c.name for c in scenario.channels if not c.deferred]
    made = made[made["channel"].astype(str).isin(real_time)]
    thresholds = {c.name: c.service_level_threshold_min for c in scenario.channels}
    waited_out = (made["outcome"] == "unserved") & (
        made["wait_min"].to_numpy(dtype=float)
        > made["channel"].astype(str).map(thresholds).to_numpy(dtype=float) + 1e-9
    )
    ended = made[made["outcome"].isin(["served", "abandoned"]) | waited_out].copy()
    if ended.empty:
        return pd.DataFrame(
            columns=[
                "replication", "day", "channel", "service", "weekday", "slot", "within", "ended"
            ]
        )  # fmt: skip
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


def deferred_on_time(scenario: Scenario, contacts: pd.DataFrame) -> pd.DataFrame:
    """Deferred contacts answered by their due time, and those whose outcome is known, per
    replication x deferred channel x service over the whole run.

    Known: answered, or still open after their due time (late whatever happens next); contacts
    still open before their due time are left out. An e-mail's norm is days, so the interval it
    arrived in says nothing about where staff are missing: it is judged over the run.
    """
    deferred = [c.name for c in scenario.channels if c.deferred]
    made = inbound(contacts)
    made = made[made["channel"].astype(str).isin(deferred)]
    late = made["late"].astype("boolean")
    known = made[late.notna().to_numpy()].assign(
        on_time=~late.dropna().to_numpy(dtype=bool),
        channel=lambda t: t["channel"].astype(str),
        service=lambda t: t["service"].astype(str),
    )
    table = known.groupby(["replication", "channel", "service"], observed=True).agg(
        within=("on_time", "sum"), ended=("on_time", "size")
    )
    return table.reset_index()


def best_group(scenario: Scenario, channel: str, service: str) -> StaffGroupSpec:
    """The group that ranks ``service`` on ``channel`` highest (ties: the larger group)."""

    def has(group: StaffGroupSpec) -> list[int]:
        return [s.rank for s in group.skills if s.channel == channel and s.service == service]

    able = [g for g in scenario.staff_groups if has(g)]
    return min(able, key=lambda g: (min(has(g)), -g.max_headcount))


def service_owners(
    scenario: Scenario, channel: str, service: str
) -> list[tuple[StaffGroupSpec, float]]:
    """The groups that rank ``service`` on ``channel`` highest, each with its share of the work.

    Several groups at the same best rank share the work in proportion to their configured staff
    hours (a road-map year with a specialist team and a multi-skilled team both at rank 1 for a
    service); groups without hours share equally. The dispatcher gives a contact to whichever
    of them is free, so over a week each does about its share.
    """

    def rank(group: StaffGroupSpec) -> int | None:
        ranks = [s.rank for s in group.skills if s.channel == channel and s.service == service]
        return min(ranks) if ranks else None

    able = [(g, r) for g in scenario.staff_groups if (r := rank(g)) is not None]
    if not able:
        return []
    best = min(r for _, r in able)
    tied = [g for g, r in able if r == best]
    hours = [
        float(np.sum(g.headcount)) + sum(float(np.sum(grid)) for _, grid in g.deployments)
        for g in tied
    ]
    total = sum(hours)
    return [
        (g, h / total if total > 0 else 1 / len(tied)) for g, h in zip(tied, hours, strict=True)
    ]


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
    added: dict[tuple[str, int, int], int] = {}
    first_level: dict[tuple[str, int, int], float] = {}
    stuck: dict[tuple[str, int, int], dict[str, float]] = {}
    current = with_headcount(base, headcount)
    for iteration in range(max_iterations):
        current = with_headcount(base, headcount)
        result = run_experiment(current)
        runs += replications
        levels = interval_service_levels(current, result.contacts)
        # One sample per replication and date: on a horizon of several weeks each weekday's
        # interval has replications x weeks samples, not just replications.
        columns = ["within", "ended"]
        on_time = deferred_on_time(current, result.contacts).assign(weekday=-1, slot=-1)
        # One sample per replication and date: on a horizon of several weeks each weekday's
        # interval has replications x weeks samples, not just replications. Deferred channels
        # are judged over the whole run (weekday and slot -1).
        samples = pd.concat(
            [
                levels.groupby(["replication", "day", "channel", "weekday", "slot"])[columns]
                .sum()
                .reset_index(),
                on_time.groupby(["replication", "channel", "weekday", "slot"])[columns]
                .sum()
                .reset_index(),
            ],
            ignore_index=True,
        )
        by_service = pd.concat(
            [
                levels.groupby(["channel", "weekday", "slot", "service"])[columns].sum(),
                on_time.groupby(["channel", "weekday", "slot", "service"])[columns].sum(),
            ]
        )
        service_level = (by_service["within"] / by_service["ended"]).sort_index()
        summary = _judge(samples, targets, confidence)
        lower = summary["lower"]
        failing = summary.index[(summary["lower"] < summary["target"] - 1e-12).to_numpy()]
        if scenario.shops:  # shop counters keep their rosters here (see with_headcount)
            failing = failing[failing.get_level_values("channel") != "counter"]
        stuck = {}
        means = summary["mean"].astype(float)
        for channel, weekday, slot in failing:
            key = (str(channel), int(weekday), int(slot))
            mean = float(means.loc[(channel, weekday, slot)])
            first_level.setdefault(key, mean)
            if added.get(key, 0) >= UNRESPONSIVE_AFTER and mean - first_level[key] < RESPONSE_MIN:
                stuck[key] = {
                    "staff_added": added[key],
                    "service_level_first": first_level[key],
                    "service_level": mean,
                    "lower_bound": float(lower.loc[(channel, weekday, slot)]),
                }
        history.append(
            {
                "iteration": iteration,
                "runs": runs,
                "failing_intervals": len(failing),
                "unresponsive_intervals": len(stuck),
            }
        )
        if len(failing) == len(stuck):
            return OptimisedStaffing(
                headcount, current, runs, not stuck, pd.DataFrame(history), _table(stuck)
            )
        for channel, weekday, slot in failing:
            key = (str(channel), int(weekday), int(slot))
            if key in stuck:
                continue
            levels_here = service_level.loc[(channel, weekday, slot)]
            target = float(targets[str(channel)])
            # Every service below the target gets its group a member (each group once), the
            # worst always: with specialists, one group at a time would take many iterations.
            below = [str(levels_here.idxmin())]
            below += [str(name) for name, value in levels_here.items() if value < target]
            groups = dict.fromkeys(best_group(scenario, str(channel), name).name for name in below)
            for name in groups:
                grid = headcount[name]
                if weekday >= 0:
                    grid[int(weekday), int(slot)] += 1
                else:  # a deferred norm: one more member wherever the group works
                    grid[grid > 0] += 1
            added[key] = added.get(key, 0) + 1
    return OptimisedStaffing(headcount, current, runs, False, pd.DataFrame(history), _table(stuck))


def _judge(samples: pd.DataFrame, targets: dict[str, float], confidence: float) -> pd.DataFrame:
    """Mean, lower confidence bound and target of the service level per channel x weekday x
    slot, from one row per sample (``within`` and ``ended`` contacts)."""
    keys = ["channel", "weekday", "slot"]
    frame = samples.copy()
    frame["level"] = frame["within"] / frame["ended"]
    summary = frame.groupby(keys)["level"].agg(["mean", "std", "count"])
    contacts = frame.groupby(keys)["ended"].sum().reindex(summary.index)
    quantiles = stats.t.ppf(0.5 + confidence / 2, np.maximum(summary["count"] - 1, 1))
    lower = summary["mean"] - quantiles * summary["std"].fillna(0) / np.sqrt(summary["count"])
    # With a handful of contacts in an interval no bound is informative (one late chat in three
    # makes the service level 0.67); such intervals are judged on their mean.
    few = contacts.to_numpy() < MIN_CONTACTS_FOR_BOUND
    summary["lower"] = lower.where(~few, summary["mean"])
    summary["target"] = summary.index.get_level_values("channel").map(targets).astype(float)
    return summary


def _table(stuck: dict[tuple[str, int, int], dict[str, float]]) -> pd.DataFrame:
    rows = [
        {"channel": c, "weekday": w, "slot": s, **values} for (c, w, s), values in stuck.items()
    ]
    return pd.DataFrame(rows, columns=UNRESPONSIVE_COLUMNS)
