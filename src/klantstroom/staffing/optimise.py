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
   than :data:`MIN_CONTACTS_FOR_BOUND` contacts in all, or whose bound lies more than
   :data:`MAX_HALF_WIDTH` below its mean, is judged on its mean: its data cannot show the norm
   with confidence however many staff it gets);
4. where the lower bound is below the channel's target, adds one member to the group that
   ranks highest (ties to the larger group) the service with the lowest service level in the
   interval and each service below the target (each group once), and repeats.

It counts the simulation runs it used. Staff are only ever added, so the search ends; it stops
early (``met = False``) after ``max_iterations``. An interval that has had
:data:`UNRESPONSIVE_AFTER` members added without its mean service level rising by
:data:`RESPONSE_MIN` is *unresponsive*: more staff there does not help (typically the morning's
deferred work takes every member who comes on duty, see ``routing.deferred_max_share``), so it
gets no more and is reported; the search stops when only such intervals fail.

A shop's counter is judged per shop (channel ``counter@<shop>``), walk-ins and appointment
visitors together, and staff are added to the group that serves the service there
(:func:`shop_group`) *at that shop*: a shop group's headcount is kept per place
(:func:`place_key`, its home shop and the shops it is deployed at), so a group that works at
two shops gets its staff where they are missing. More staff than desks does not help; such an
interval becomes unresponsive. Back-office departments keep their configured rosters (their
work waits days; :mod:`klantstroom.staffing.back_office` sizes them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.analysis.journeys import inbound
from klantstroom.analysis.stats import t_quantiles
from klantstroom.experiment import run_experiment
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario, StaffGroupSpec

# An interval's norm is judged on the lower confidence bound of its service level only when it
# had at least this many contacts over all samples; below it, on the mean.
MIN_CONTACTS_FOR_BOUND = 30
# ... and only when the bound lies at most this far below the mean (in service-level points).
MAX_HALF_WIDTH = 0.10
# An interval given this many extra members whose mean service level rose by less than
# RESPONSE_MIN since it first failed does not respond to staff.
UNRESPONSIVE_AFTER = 4
RESPONSE_MIN = 0.02
FAILING_COLUMNS = ["channel", "weekday", "slot", "service_level", "lower_bound", "target"]
UNRESPONSIVE_COLUMNS = [
    "channel",
    "weekday",
    "slot",
    "staff_added",
    "service_level_first",
    "service_level",
    "lower_bound",
    "reason",
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
        lower bound now, and why (``every desk staffed`` at a shop, else ``no response to added
        staff``).
    failing : pandas.DataFrame
        The intervals still failing when the search stopped (:data:`FAILING_COLUMNS`): mean
        service level, lower bound and target, worst first; empty when the norms hold.
    """

    headcount: dict[str, np.ndarray]
    scenario: Scenario
    runs: int
    met: bool
    history: pd.DataFrame
    unresponsive: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=UNRESPONSIVE_COLUMNS)
    )
    failing: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=FAILING_COLUMNS)
    )


def place_key(group: str, shop: str | None) -> str:
    """The headcount key of ``group`` at ``shop``: the group's name outside shops, else
    ``<group>@<shop>`` (a shop group works at its home shop and the shops it is deployed at)."""
    return group if shop is None else f"{group}@{shop}"


def _grid(rows: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(x) for x in row) for row in rows)


def start_places(scenario: Scenario) -> dict[str, np.ndarray]:
    """The scenario's own rosters as headcount per :func:`place_key` (departments left out)."""
    places: dict[str, np.ndarray] = {}
    for group in scenario.staff_groups:
        if group.department is not None:
            continue
        places[place_key(group.name, group.shop)] = np.array(group.headcount, dtype=int)
        for shop, grid in group.deployments:
            places[place_key(group.name, shop)] = np.array(grid, dtype=int)
    return places


def with_headcount(scenario: Scenario, headcount: dict[str, np.ndarray]) -> Scenario:
    """``scenario`` with its groups' weekday rosters replaced (dated rosters dropped).

    ``headcount`` is keyed by :func:`place_key`: a shop group's home roster is its key at its
    home shop, each other shop with a key becomes a deployment. A shop group without any key
    keeps its configured roster, and so do back-office department groups.
    """
    groups = []
    for group in scenario.staff_groups:
        if group.department is not None:
            groups.append(group)
            continue
        if group.shop is None:
            groups.append(
                dataclasses.replace(
                    group, headcount=_grid(headcount[group.name]), headcount_by_date=()
                )
            )
            continue
        places = {
            key.split("@", 1)[1]: grid
            for key, grid in headcount.items()
            if "@" in key and key.split("@", 1)[0] == group.name
        }
        if not places:
            groups.append(group)
            continue
        home = places.pop(group.shop, np.zeros_like(next(iter(places.values()))))
        groups.append(
            dataclasses.replace(
                group,
                headcount=_grid(home),
                headcount_by_date=(),
                deployments=tuple((shop, _grid(grid)) for shop, grid in sorted(places.items())),
            )
        )
    return dataclasses.replace(scenario, staff_groups=tuple(groups))


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
    if "shop" in ended:  # a shop's counter is judged on its own: counter@<shop>
        shop = ended["shop"].astype("string").fillna("").to_numpy(dtype=str)
        at_shop = (ended["channel"].to_numpy(dtype=str) == "counter") & (shop != "")
        ended.loc[at_shop, "channel"] = [f"counter@{name}" for name in shop[at_shop]]
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


def shop_group(scenario: Scenario, shop: str, service: str) -> StaffGroupSpec | None:
    """The group that serves ``service`` at ``shop``: one based there, else one deployed there.

    Among several, the one ranking the service highest, then the larger.
    """

    def ranks(group: StaffGroupSpec) -> list[int]:
        return [s.rank for s in group.skills if s.channel == "counter" and s.service == service]

    for candidates in (
        [g for g in scenario.staff_groups if g.shop == shop and ranks(g)],
        [g for g in scenario.staff_groups if ranks(g) and any(s == shop for s, _ in g.deployments)],
    ):
        if candidates:
            return min(candidates, key=lambda g: (min(ranks(g)), -g.max_headcount))
    return None


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
    horizon_days: float | None = None,
    warmup_days: float | None = None,
) -> OptimisedStaffing:
    """Add staff where the simulated service level fails its target with confidence.

    Parameters
    ----------
    scenario : Scenario
        What is simulated (its seed fixes the random numbers of every iteration).
    start : dict of str to numpy.ndarray, optional
        Starting headcount (7 x intervals) per :func:`place_key`: per group outside shops, per
        group and shop for shop groups (a shop group left out keeps its configured roster);
        default the scenario's own rosters.
    replications : int
        Replications per iteration (at least 2, for a confidence interval).
    confidence : float
        Confidence level of the lower bound that must reach the target.
    max_iterations : int
        Iterations at most.
    horizon_days, warmup_days : float, optional
        Days each iteration simulates, and their warm-up; default the scenario's own.
    """
    if replications < 2:
        raise ValueError("replications must be at least 2 to bound the service level")
    headcount = {
        key: np.array(grid, dtype=int).copy()
        for key, grid in (start_places(scenario) if start is None else start).items()
    }
    for group in scenario.staff_groups:  # a plan that leaves a contact-centre group out
        if group.shop is None and group.department is None and group.name not in headcount:
            headcount[group.name] = np.array(group.headcount, dtype=int)
    targets = {c.name: c.service_level_target for c in scenario.channels}
    run = scenario.run
    base = dataclasses.replace(
        scenario,
        run=dataclasses.replace(
            run,
            replications=replications,
            horizon_days=run.horizon_days if horizon_days is None else horizon_days,
            warmup_days=run.warmup_days if warmup_days is None else warmup_days,
        ),
    )
    runs = 0
    history = []
    added: dict[tuple[str, int, int], int] = {}
    first_level: dict[tuple[str, int, int], float] = {}
    stuck: dict[tuple[str, int, int], dict[str, float | str]] = {}
    blocked: set[tuple[str, int, int]] = set()  # nobody left to add there (desks full)
    still = pd.DataFrame(columns=FAILING_COLUMNS)
    current = with_headcount(base, headcount)
    for iteration in range(max_iterations):
        current = with_headcount(base, headcount)
        result = run_experiment(current, lean=True)  # it reads the contacts only
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
        stuck = {}
        means = summary["mean"].astype(float)
        for channel, weekday, slot in failing:
            key = (str(channel), int(weekday), int(slot))
            mean = float(means.loc[(channel, weekday, slot)])
            first_level.setdefault(key, mean)
            no_response = mean - first_level[key] < RESPONSE_MIN
            if key in blocked or (added.get(key, 0) >= UNRESPONSIVE_AFTER and no_response):
                stuck[key] = {
                    "staff_added": added.get(key, 0),
                    "service_level_first": first_level[key],
                    "service_level": mean,
                    "lower_bound": float(lower.loc[(channel, weekday, slot)]),
                    "reason": "every desk staffed"
                    if key in blocked
                    else "no response to added staff",
                }
        history.append(
            {
                "iteration": iteration,
                "runs": runs,
                "failing_intervals": len(failing),
                "unresponsive_intervals": len(stuck),
            }
        )
        still = (
            summary.loc[failing, ["mean", "lower", "target"]]
            .rename(columns={"mean": "service_level", "lower": "lower_bound"})
            .reset_index()
            .sort_values("lower_bound")[FAILING_COLUMNS]
        )
        if len(failing) == len(stuck):
            return OptimisedStaffing(
                headcount, current, runs, not stuck, pd.DataFrame(history), _table(stuck), still
            )
        for channel, weekday, slot in failing:
            key = (str(channel), int(weekday), int(slot))
            if key in stuck:
                continue
            levels_here = service_level.loc[(channel, weekday, slot)]
            channel_name, _, shop = str(channel).partition("@")
            target = float(targets[channel_name])
            # Every service below the target gets its group a member (each group once), the
            # worst always: with specialists, one group at a time would take many iterations.
            below = [str(levels_here.idxmin())]
            below += [str(name) for name, value in levels_here.items() if value < target]
            at = (int(weekday), int(slot))
            places = dict.fromkeys(
                place
                for name in below
                if (place := _place_for(scenario, channel_name, shop, name, headcount, at))
                is not None
            )
            if not places:  # nobody to add (every desk staffed): more staff cannot help
                blocked.add(key)
            for place in places:
                grid = headcount[place]
                if weekday >= 0:
                    grid[int(weekday), int(slot)] += 1
                else:  # a deferred norm: one more member wherever the group works
                    grid[grid > 0] += 1
            added[key] = added.get(key, 0) + 1
    return OptimisedStaffing(
        headcount, current, runs, False, pd.DataFrame(history), _table(stuck), still
    )


def _place_for(
    scenario: Scenario,
    channel: str,
    shop: str,
    service: str,
    headcount: dict[str, np.ndarray],
    at: tuple[int, int],
) -> str | None:
    """The headcount key that gets a member when ``service`` fails on ``channel`` (at
    ``shop`` for a counter) at ``at`` (weekday, slot): the serving group at that place, or None
    when nobody can serve it there, the group is not searched (a shop group kept at its
    configured roster) or the shop's desks are all staffed already."""
    if shop:
        group = shop_group(scenario, shop, service)
        key = None if group is None else place_key(group.name, shop)
        desks = next(s.desks for s in scenario.shops if s.name == shop)
        staffed = sum(
            int(grid[at]) for name, grid in headcount.items() if name.endswith(f"@{shop}")
        )
        if staffed >= desks:
            return None
    else:
        found = best_group(scenario, channel, service)
        key = place_key(found.name, found.shop)
    if key is None or key not in headcount:
        return None
    return key


def _judge(samples: pd.DataFrame, targets: dict[str, float], confidence: float) -> pd.DataFrame:
    """Mean, lower confidence bound and target of the service level per channel x weekday x
    slot, from one row per sample (``within`` and ``ended`` contacts)."""
    keys = ["channel", "weekday", "slot"]
    frame = samples.copy()
    frame["level"] = frame["within"] / frame["ended"]
    summary = frame.groupby(keys)["level"].agg(["mean", "std", "count"])
    contacts = frame.groupby(keys)["ended"].sum().reindex(summary.index)
    quantiles = t_quantiles(confidence, np.maximum(summary["count"].to_numpy() - 1, 1))
    lower = summary["mean"] - quantiles * summary["std"].fillna(0) / np.sqrt(summary["count"])
    # With a handful of contacts in an interval no bound is informative (one late chat in three
    # makes the service level 0.67), nor when the samples scatter so widely that the bound lies
    # far below the mean (a small shop's quarter hours, each served all in time or not): more
    # staff cannot narrow it, so such intervals are judged on their mean.
    half_width = (summary["mean"] - lower).to_numpy()
    few = (contacts.to_numpy() < MIN_CONTACTS_FOR_BOUND) | (half_width > MAX_HALF_WIDTH)
    summary["lower"] = lower.where(~few, summary["mean"])
    summary["target"] = [
        float(targets[str(c).partition("@")[0]]) for c in summary.index.get_level_values("channel")
    ]
    return summary


def _table(stuck: dict[tuple[str, int, int], dict[str, float | str]]) -> pd.DataFrame:
    rows = [
        {"channel": c, "weekday": w, "slot": s, **values} for (c, w, s), values in stuck.items()
    ]
    return pd.DataFrame(rows, columns=UNRESPONSIVE_COLUMNS)
