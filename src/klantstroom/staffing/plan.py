"""A staffing plan for a scenario: requirements, headcount per group, shifts and FTE.

The steps, each in its own module:

1. analytic requirements per date x interval x channel x service (:mod:`.demand`, Erlang A or
   C per ``staffing.method``, with the occupancy and abandonment caps);
2. a starting headcount per staff group x weekday x interval: each service goes to the group
   that ranks it highest, and a group's services on a channel are sized as one pooled queue
   (:func:`group_requirements`), the busiest date of each weekday counting; one agent below it
   when the simulation refines it (so it can also go down);
3. with ``staffing.optimise``, the simulation-based search (:mod:`.optimise`) for the contact
   centre's groups (shop counter groups keep the analytic plan);
4. the back-office departments' groups from the work of the tasks a run of the scenario
   counts (:mod:`.back_office`), in the hours their rosters work;
5. shifts per group and weekday covering that headcount at the fewest paid hours
   (:mod:`.shifts`), intervals no allowed shift can cover reported as uncovered;
6. FTE per group from a week's paid hours, contract hours and shrinkage, and its cost per year
   at the group's salary (:func:`klantstroom.scenario.costs.group_salaries`, the same as the
   run's ``costs.csv``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from klantstroom.scenario.costs import group_salaries
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario, StaffGroupSpec
from klantstroom.scenario.year import staffing_scenario
from klantstroom.staffing.back_office import (
    DEPARTMENT_COLUMNS,
    counted_tasks,
    department_headcount,
    department_requirements,
    spread_headcount,
)
from klantstroom.staffing.deferred import (
    DEFERRED_COLUMNS,
    deferred_requirements,
    expected_deferred,
)
from klantstroom.staffing.demand import interval_requirements, per_agent, pooled_need
from klantstroom.staffing.optimise import (
    optimise_headcount,
    place_key,
    service_owners,
    shop_group,
)
from klantstroom.staffing.shifts import fte, schedule_shifts, shift_templates

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class StaffingPlan:
    """Everything ``klantstroom-staff`` writes.

    Attributes
    ----------
    requirements : pandas.DataFrame
        Analytic need per date x interval x channel x service (``requirements.parquet``).
    group_requirements : pandas.DataFrame
        Analytic need per staff group x date x interval x channel, each group's services pooled
        (:func:`group_requirements`; ``group_requirements.parquet``).
    departments : pandas.DataFrame
        Per back-office group: tasks and work per week counted by simulation, working hours,
        and the staff needed in each working interval (``back_office.csv``; see
        :mod:`.back_office`).
    headcount : pandas.DataFrame
        Staff needed per group x weekday x interval (``headcount.parquet``).
    shifts : pandas.DataFrame
        Shifts per group and weekday with counts and paid hours (``shifts.csv``).
    fte : pandas.DataFrame
        Paid hours per week, FTE, salary cost per FTE per year and cost per year (EUR) per group
        (``fte.csv``); every staff group has a row, and a group the plan does not size has NaN
        figures and says why in ``note``.
    uncovered : pandas.DataFrame
        Intervals with staff needed that no allowed shift covers.
    runs : int
        Simulation runs used (0 without optimisation).
    met : bool or None
        Whether the simulated norms hold everywhere (None without optimisation).
    deferred : pandas.DataFrame
        Per group and deferred channel: e-mails per week, their work, the group's working hours
        and the staff needed in each working interval (``deferred_work.csv``; see
        :mod:`.deferred`).
    failing : pandas.DataFrame
        Intervals whose norm still fails when the search stopped (channel, weekday name,
        ``interval_start_min``, service level, lower bound, target), worst first.
    unresponsive : pandas.DataFrame
        Intervals where the simulation search added staff without raising the service level
        (:data:`~klantstroom.staffing.optimise.UNRESPONSIVE_COLUMNS`, weekday as a name and the
        interval's start in minutes); empty without optimisation.
    """

    requirements: pd.DataFrame
    group_requirements: pd.DataFrame
    departments: pd.DataFrame
    headcount: pd.DataFrame
    shifts: pd.DataFrame
    fte: pd.DataFrame
    uncovered: pd.DataFrame
    runs: int
    met: bool | None
    deferred: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DEFERRED_COLUMNS))
    unresponsive: pd.DataFrame = field(default_factory=pd.DataFrame)
    failing: pd.DataFrame = field(default_factory=pd.DataFrame)


GROUP_REQUIREMENT_COLUMNS = [
    "staff_group",
    "date",
    "interval_start_min",
    "channel",
    "shop",
    "services",
    "arrival_rate_per_min",
    "handling_min",
    "agents_separate",
    "agents",
    "agents_int",
    "binding",
]
NO_GROUP = "-"  # a shop's visitors no group there can serve


def group_requirements(scenario: Scenario, requirements: pd.DataFrame) -> pd.DataFrame:
    """Analytic need per staff group x date x interval x channel (x shop), services pooled.

    Each queue is sized in a pool of groups (:func:`sizing_pools`): a shop's visitors at the
    group based at the shop; phone calls and chats with the groups that rank the service highest,
    joined with the groups they share such services with. The queued arrivals of a pool in one
    place are one queue (:func:`~klantstroom.staffing.demand.pooled_need`) with the staffing
    section's method and caps, its booked appointments add their load, and the pool's need is
    shared by its groups' configured hours. A multi-skilled group thus needs fewer agents than its
    services would on their own, which summing the services' needs would miss.

    Parameters
    ----------
    requirements : pandas.DataFrame
        :func:`~klantstroom.staffing.demand.interval_requirements` of ``scenario``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GROUP_REQUIREMENT_COLUMNS`: ``services`` the number of services pooled,
        ``agents_separate`` the sum of their own fractional needs, ``agents`` the pooled
        fractional need and ``agents_int`` its whole number, ``binding`` what decided it.
        Visitors of a shop where no group has the skill get ``staff_group`` ``"-"``.
    """
    if requirements.empty:
        return pd.DataFrame(columns=GROUP_REQUIREMENT_COLUMNS)
    spec = scenario.staffing
    pool_of, members = sizing_pools(
        scenario, requirements[["channel", "service", "shop"]].drop_duplicates()
    )
    table = requirements.assign(
        pool=[
            pool_of[(str(c), str(s), str(p))]
            for c, s, p in zip(
                requirements["channel"], requirements["service"], requirements["shop"], strict=True
            )
        ]
    )
    keys = ["pool", "date", "interval_start_min", "channel", "shop"]
    # Each group's rows as positions into plain arrays: a DataFrame per group and its column
    # lookups cost about a millisecond, 4.8 s of a month of Grootstad (5,400 groups) per call,
    # and a staffing run calls this once per skill mix. Group order and the rows' order within
    # a group are those of iterating the groupby; sums are NaN-skipping, as pandas' are.
    group_of = table.groupby(keys, sort=True).ngroup().to_numpy()
    order = np.argsort(group_of, kind="stable")
    order = order[group_of[order] >= 0]  # a key with NaN is in no group, as in the groupby
    starts = np.flatnonzero(np.diff(group_of[order], prepend=-1))
    key_columns = [table[key].to_numpy() for key in keys]
    appointment = (table["kind"] == "appointment").to_numpy(dtype=bool, na_value=False)
    rates = table["arrival_rate_per_min"].to_numpy(dtype=float)
    handling = table["handling_min"].to_numpy(dtype=float)
    patience = table["patience_min"].to_numpy(dtype=float)
    agents_each = table["agents"].to_numpy(dtype=float)
    service_codes = pd.factorize(table["service"])[0]  # NaN is -1: not a service (nunique)
    ends = [*starts[1:], len(order)] if len(starts) else []  # none: every key had a NaN
    rows = []
    for first, end in zip(starts, ends, strict=True):
        rows_of = order[first:end]
        pool, date, start, channel, shop = (column[rows_of[0]] for column in key_columns)
        channel_spec = scenario.channel(str(channel))
        queued = rows_of[~appointment[rows_of]]
        need = pooled_need(
            rates[queued],
            handling[queued],
            patience[queued],
            channel_spec.service_level_threshold_min,
            channel_spec.service_level_target,
            max_occupancy=spec.max_occupancy,
            max_abandonment=spec.max_abandonment,
        )
        queued_agents, _, queued_binding = per_agent(need, channel_spec.concurrency)
        agents = queued_agents + float(np.nansum(agents_each[rows_of[appointment[rows_of]]]))
        binding = queued_binding if len(queued) else "appointments"
        rate = float(np.nansum(rates[rows_of]))
        load = float(np.nansum(rates[rows_of] * handling[rows_of]))
        codes = service_codes[rows_of]
        services = len(np.unique(codes[codes >= 0]))
        agents_separate = float(np.nansum(agents_each[rows_of]))
        for group, share in members[str(pool)]:
            rows.append(
                {
                    "staff_group": group,
                    "date": date,
                    "interval_start_min": int(start),
                    "channel": channel,
                    "shop": shop,
                    "services": services,
                    "arrival_rate_per_min": rate * share,
                    "handling_min": load / rate if rate > 0 else 0.0,
                    "agents_separate": agents_separate * share,
                    "agents": agents * share,
                    "agents_int": math.ceil(agents * share - 1e-9),
                    "binding": binding,
                }
            )
    return pd.DataFrame(rows, columns=GROUP_REQUIREMENT_COLUMNS)


def sizing_pools(
    scenario: Scenario, queues: pd.DataFrame
) -> tuple[dict[tuple[str, str, str], str], dict[str, list[tuple[str, float]]]]:
    """Which pool of groups each queue is sized in, and each pool's groups with their shares.

    A shop's visitors go to the group at the shop (:func:`shop_group`; ``"-"`` when none has the
    skill). Phone calls and chats go to the groups that rank the service highest
    (:func:`~klantstroom.staffing.optimise.service_owners`); groups that share such a service
    form one pool on that channel, with every service any of them ranks highest, since the
    dispatcher gives a call to whichever of them is free. The pool's need is shared by the
    groups' configured hours. Where a group of the pool cannot take some of its services this
    is optimistic; the simulation search (``staffing.optimise``) adds staff where it is.

    Parameters
    ----------
    queues : pandas.DataFrame
        Distinct ``channel``, ``service``, ``shop`` ("" outside shops) of the requirements.

    Returns
    -------
    pool_of : dict
        (channel, service, shop) to the pool's name (its groups joined by ``+``).
    members : dict
        Pool name to its (group, share) pairs; shares sum to 1.
    """
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    owners: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    hours: dict[str, float] = {}
    for channel, service, shop in queues.itertuples(index=False):
        key = (str(channel), str(service), str(shop))
        if shop:
            at_shop = shop_group(scenario, str(shop), str(service))
            owners[key] = [(at_shop.name if at_shop else NO_GROUP, 1.0)]
            continue
        shares = service_owners(scenario, str(channel), str(service))
        owners[key] = [(g.name, share) for g, share in shares] or [(NO_GROUP, 1.0)]
        for g, _ in shares:
            hours[g.name] = float(np.sum(g.headcount)) + sum(
                float(np.sum(grid)) for _, grid in g.deployments
            )
        first = (str(channel), owners[key][0][0])
        for name, _ in owners[key][1:]:
            parent[root((str(channel), name))] = root(first)
    groups_of: dict[tuple[str, str], list[str]] = {}
    for (channel, _service, shop), pairs in owners.items():
        if not shop:
            for name, _share in pairs:
                members_here = groups_of.setdefault(root((channel, name)), [])
                if name not in members_here:
                    members_here.append(name)
    pool_of: dict[tuple[str, str, str], str] = {}
    members: dict[str, list[tuple[str, float]]] = {}
    for key, pairs in owners.items():
        channel, _, shop = key
        if shop:
            name = f"{pairs[0][0]}@{shop}"
            pool_of[key] = name
            members[name] = pairs
            continue
        names = sorted(groups_of[root((channel, pairs[0][0]))])
        name = "+".join(names)
        pool_of[key] = name
        total = sum(hours.get(n, 0.0) for n in names)
        members[name] = [
            (n, hours.get(n, 0.0) / total if total > 0 else 1 / len(names)) for n in names
        ]
    return pool_of, members


def start_headcount(
    scenario: Scenario, by_group: pd.DataFrame, *, per_place: bool = False
) -> dict[str, np.ndarray]:
    """Staff per group x weekday x interval: the pooled need of the busiest date of each weekday.

    A group's channels and places (its home shop and shops it is deployed at) are added as
    fractions and rounded up once: the group's size, wherever its members work. With
    ``per_place`` a shop group gets a grid per shop instead, keyed by
    :func:`~klantstroom.staffing.optimise.place_key` (its phone and chat need at its home
    shop), each rounded up: what the simulation search starts from.
    """
    interval = scenario.calendar.interval_min
    slots = MINUTES_PER_DAY // interval
    home = {g.name: g.shop for g in scenario.staff_groups}
    per_date: dict[tuple[str, object], np.ndarray] = {}
    for group, shop, date, start, agents in zip(
        by_group["staff_group"],
        by_group["shop"],
        by_group["date"],
        by_group["interval_start_min"],
        by_group["agents"],
        strict=True,
    ):
        if group == NO_GROUP:
            continue  # reported by the command, nobody to give them to
        key = str(group)
        if per_place and home[key] is not None:
            key = place_key(key, str(shop) or home[key])
        row = per_date.setdefault((key, date), np.zeros(slots))
        row[int(start) // interval] += float(agents)
    result = {g.name: np.zeros((7, slots)) for g in scenario.staff_groups}
    if per_place:
        result = {
            key: np.zeros((7, slots))
            for key in [*(k for k, _ in per_date), *(g.name for g in scenario.staff_groups)]
            if "@" in key or home[key] is None
        }
    for (key, date), row in per_date.items():
        weekday = pd.Timestamp(date).weekday()  # type: ignore[arg-type]
        result[key][weekday] = np.maximum(result[key][weekday], row)
    return {name: np.ceil(grid - 1e-9).astype(int) for name, grid in result.items()}


def spare_hours(
    scenario: Scenario,
    headcount: dict[str, np.ndarray],
    by_group: pd.DataFrame,
    max_occupancy: float,
) -> dict[str, float]:
    """Hours per week each group's planned staff are free of real-time work.

    Planned staff hours (``headcount``, a week) times ``max_occupancy``, less the group's mean
    real-time load per week (arrivals x handling time in ``by_group``); never below 0.
    """
    interval_h = scenario.calendar.interval_min / 60
    weeks = scenario.run.horizon_days / 7
    load = by_group.assign(
        hours=by_group["arrival_rate_per_min"] * by_group["handling_min"] * interval_h
    )
    load_per_week = load.groupby("staff_group")["hours"].sum() / weeks
    return {
        name: max(
            float(grid.sum()) * interval_h * max_occupancy - float(load_per_week.get(name, 0.0)),
            0.0,
        )
        for name, grid in headcount.items()
    }


def not_sized_reason(
    group: StaffGroupSpec, has_need: bool, sized_queues: set[tuple[str, str]]
) -> str | None:
    """Why the plan gives ``group`` no FTE, or None when it is sized.

    A group left out must say so: an FTE of 0 would read as "nobody needed". ``sized_queues``
    are the (channel, service) pairs the plan sizes.
    """
    if has_need:
        return None
    if group.department is not None:
        return "back office: not sized (no working hours in its roster, or no tasks counted)"
    if group.shop is not None:
        return "no visitors at its shops go to it (another group there ranks them higher)"
    if not {(s.channel, s.service) for s in group.skills} & sized_queues:
        return "none of its skills has demand in the scenario"
    return "each of its services goes to a group that ranks it higher or is larger"


def plan_staffing(scenario: Scenario, *, back_office: bool = True) -> StaffingPlan:
    """Size, optimise, schedule and count the staff of ``scenario`` (see the module docstring).

    With ``back_office`` False the departments' groups are left out (the skill-mix comparison,
    whose variants differ in the contact centre only, saves the simulation run that way).
    """
    # Size the period the plan is for (Grootstad: the passport peak month), not the year.
    scenario = staffing_scenario(scenario)
    spec = scenario.staffing
    interval = scenario.calendar.interval_min
    requirements = interval_requirements(
        scenario,
        max_occupancy=spec.max_occupancy,
        max_abandonment=spec.max_abandonment,
        with_patience=spec.method == "erlang_a",
    )
    by_group = group_requirements(scenario, requirements)
    headcount = start_headcount(scenario, by_group)
    # E-mail first in the time the real-time need leaves, the rest on top, where each group
    # works: its planned hours; without real-time need (a midoffice) its configured roster's,
    # and without a roster either (a skill-mix variant) the hours anyone is planned.
    office = np.logical_or.reduce([grid > 0 for grid in headcount.values()])
    working = {
        g.name: headcount[g.name] > 0
        if headcount[g.name].any()
        else (np.array(g.headcount, dtype=int) > 0 if np.any(g.headcount) else office)
        for g in scenario.staff_groups
    }
    deferred = deferred_requirements(
        scenario,
        working,
        max_occupancy=spec.max_occupancy,
        spare_hours=spare_hours(scenario, headcount, by_group, spec.max_occupancy),
    )
    mail: dict[str, np.ndarray] = {}
    for name, agents in zip(deferred["staff_group"], deferred["agents"], strict=True):
        if math.isfinite(agents) and agents > 0:
            mail[name] = spread_headcount(working[name], agents)
            headcount[name] = headcount[name] + mail[name]
    runs, met = 0, None
    unresponsive, failing = pd.DataFrame(), pd.DataFrame()
    if spec.optimise and len(requirements):
        # The search keeps a shop group's staff per shop; it starts one agent below the
        # analytic need everywhere, so it can also end lower.
        places = start_headcount(scenario, by_group, per_place=True)
        shops = {g.name: g.shop for g in scenario.staff_groups}
        for name, grid in mail.items():  # e-mail is done at home
            key = place_key(name, shops[name])
            places[key] = places.get(key, np.zeros_like(grid)) + grid
        start = {key: np.maximum(grid - 1, 0) * (grid > 0) for key, grid in places.items()}
        result = optimise_headcount(
            scenario,
            start,
            replications=spec.replications,
            confidence=spec.confidence,
            horizon_days=spec.search_horizon_days,
            warmup_days=spec.search_warmup_days,
        )
        runs, met = result.runs, result.met
        headcount = {g.name: np.zeros_like(headcount[g.name]) for g in scenario.staff_groups}
        for key, grid in result.headcount.items():  # a group's size, wherever it works
            headcount[key.split("@", 1)[0]] += grid
        failing = result.failing.assign(
            weekday=[WEEKDAY_NAMES[int(w)] if w >= 0 else "all" for w in result.failing["weekday"]],
            slot=[int(s) * interval if s >= 0 else -1 for s in result.failing["slot"]],
        ).rename(columns={"slot": "interval_start_min"})
        unresponsive = result.unresponsive.assign(
            weekday=[WEEKDAY_NAMES[int(w)] for w in result.unresponsive["weekday"]],
            slot=result.unresponsive["slot"].astype(int) * interval,
        ).rename(columns={"slot": "interval_start_min"})
    departments = pd.DataFrame(columns=DEPARTMENT_COLUMNS)
    dept_groups = {g.name: g for g in scenario.staff_groups if g.department is not None}
    if back_office and dept_groups:
        departments = department_requirements(
            scenario,
            counted_tasks(scenario, spec.replications),
            max_occupancy=spec.max_occupancy,
            replications=spec.replications,
        )
        for name, agents in zip(departments["staff_group"], departments["agents"], strict=True):
            if math.isfinite(agents) and agents > 0:
                headcount[name] = department_headcount(dept_groups[name], agents)
    templates = shift_templates(
        spec.shift_starts_min,
        spec.shift_lengths_min,
        break_min=spec.break_min,
        break_from_length_min=spec.break_from_length_min,
        step_min=interval,
    )
    shift_rows, uncovered_rows, head_rows = [], [], []
    paid: dict[str, float] = {g.name: 0.0 for g in scenario.staff_groups}
    for group in scenario.staff_groups:
        grid = headcount[group.name]
        for weekday in range(7):
            need = grid[weekday]
            for slot in np.flatnonzero(need).tolist():
                head_rows.append(
                    {
                        "staff_group": group.name,
                        "weekday": WEEKDAY_NAMES[weekday],
                        "interval_start_min": slot * interval,
                        "staff_needed": int(need[slot]),
                    }
                )
            if not need.any():
                continue
            plan = schedule_shifts(need, interval, templates)
            paid[group.name] += plan.paid_hours
            for template, count in sorted(plan.counts.items(), key=lambda kv: kv[0].start_min):
                shift_rows.append(
                    {
                        "staff_group": group.name,
                        "weekday": WEEKDAY_NAMES[weekday],
                        "shift": template.label,
                        "start_min": template.start_min,
                        "length_min": template.length_min,
                        "staff": count,
                        "paid_hours": count * template.paid_hours,
                    }
                )
            for slot in np.flatnonzero(plan.uncovered).tolist():
                uncovered_rows.append(
                    {
                        "staff_group": group.name,
                        "weekday": WEEKDAY_NAMES[weekday],
                        "interval_start_min": slot * interval,
                        "staff_uncovered": float(plan.uncovered[slot]),
                    }
                )
    salaries = group_salaries(scenario)
    owners = set(by_group["staff_group"])
    queues = set(zip(requirements["channel"], requirements["service"], strict=True))
    deferred_queues = expected_deferred(scenario)
    queues |= set(zip(deferred_queues["channel"], deferred_queues["service"], strict=True))
    fte_rows = []
    for group in scenario.staff_groups:
        needed = group.name in owners or bool(headcount[group.name].any())
        reason = not_sized_reason(group, needed, queues)
        if reason is not None:
            fte_rows.append(
                {
                    "staff_group": group.name,
                    "paid_hours_per_week": math.nan,
                    "fte": math.nan,
                    "salary_per_fte_per_year": salaries[group.name],
                    "cost_per_year": math.nan,
                    "note": reason,
                }
            )
            continue
        hours = paid[group.name]
        full_time = fte(hours, spec.contract_hours_per_week, spec.shrinkage)
        salary = salaries[group.name]  # NaN when the group has no salary: so is its cost
        fte_rows.append(
            {
                "staff_group": group.name,
                "paid_hours_per_week": hours,
                "fte": full_time,
                "salary_per_fte_per_year": salary,
                "cost_per_year": full_time * salary,
                "note": "",
            }
        )
    return StaffingPlan(
        requirements=requirements,
        group_requirements=by_group,
        departments=departments,
        headcount=pd.DataFrame(
            head_rows, columns=["staff_group", "weekday", "interval_start_min", "staff_needed"]
        ),
        shifts=pd.DataFrame(
            shift_rows,
            columns=[
                "staff_group",
                "weekday",
                "shift",
                "start_min",
                "length_min",
                "staff",
                "paid_hours",
            ],
        ),
        fte=pd.DataFrame(fte_rows),
        uncovered=pd.DataFrame(
            uncovered_rows,
            columns=["staff_group", "weekday", "interval_start_min", "staff_uncovered"],
        ),
        runs=runs,
        met=met,
        deferred=deferred,
        unresponsive=unresponsive,
        failing=failing,
    )
