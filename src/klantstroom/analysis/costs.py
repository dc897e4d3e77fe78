"""What a run's organisation costs per year: staff, training, shop desks and contacts.

``costs.csv`` prices the run from its tables and the scenario's ``costs`` section
(:class:`~klantstroom.scenario.cost_spec.CostsSpec`), per replication and as the mean over them:

* **staff** per group: the hours the group's roster puts on duty at full strength in the
  reported period (``hours``; public holidays, the calendar's leave, breaks off the queue and a
  department's other work included, since the municipality pays those hours too: the spells in
  ``staff.parquet`` leave them out, ``hours_on_duty`` shows what they hold) become FTE as in the
  staffing plan (:func:`klantstroom.staffing.shifts.fte`: hours per week / contract hours /
  (1 - shrinkage)), and FTE times the group's yearly salary cost
  (:func:`klantstroom.scenario.costs.group_salaries`) is the cost per year;
* **training** per group: hours of spells with ``activity == "training"`` in ``staff.parquet``
  (none without that column) times ``training_eur_per_hour``, plus the members in class in the
  reported period times ``training_eur_per_trainee``; the trainees' own hours are already in
  their group's salary;
* **desks** per shop: desks x opening hours in the period x ``desk_eur_per_hour``;
* **transactions** per channel: contacts that arrived on it x ``eur_per_contact``.

A run shorter (or longer) than a year is scaled to a year by its calendar days:
``eur_per_year = eur_in_run x 365 / horizon_days`` (staff: FTE x salary, the same thing).

``by_channel`` rows share the cost out over the channels: a group's staff and training cost in
proportion to the time it spent handling each channel (served contacts' handling and wrap-up;
a chat counts for 1/concurrency of its time; back-office tasks as ``back_office``), desks to the
counter, transactions to their channel; a group that handled nothing goes to ``unattributed``.
``eur_per_contact`` divides a channel's cost by the contacts it served (back office: the tasks
done); the ``total`` row by every contact served.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.stats import mean_ci
from klantstroom.analysis.timeaverage import cumulative_presence
from klantstroom.scenario.cost_spec import DAYS_PER_YEAR
from klantstroom.scenario.costs import group_salaries
from klantstroom.scenario.spec import MINUTES_PER_DAY, Scenario, roster_row
from klantstroom.staffing.shifts import fte

ALL = "all"
MEAN = "mean"
BACK_OFFICE = "back_office"
UNATTRIBUTED = "unattributed"
TRAINING = "training"
ITEMS = ("staff", "training", "desks", "transactions", "by_channel", "total")
COST_COLUMNS = (
    "replication",
    "item",
    "channel",
    "shop",
    "staff_group",
    "hours",
    "hours_on_duty",
    "fte",
    "count",
    "rate_eur",
    "eur_in_run",
    "eur_per_year",
    "eur_per_contact",
    "ci_low",
    "ci_high",
)
KEY_COLUMNS = ("item", "channel", "shop", "staff_group")
NUMBER_COLUMNS = COST_COLUMNS[5:13]


def rostered_hours(scenario: Scenario, start_min: float, end_min: float) -> dict[str, float]:
    """Hours each group's roster puts on duty between ``start_min`` and ``end_min``.

    The roster at full strength, the way the model reads it (a date's own row, else its
    weekday's; deployments at other shops added), on every day, public holidays included:
    leave, breaks and holidays are paid time the model takes off the floor, not fewer people.
    """
    calendar = scenario.calendar
    interval = calendar.interval_min
    first, last = math.floor(start_min / MINUTES_PER_DAY), math.ceil(end_min / MINUTES_PER_DAY)
    hours = {}
    for group in scenario.staff_groups:
        places = [(group.headcount, group.headcount_by_date)]
        places += [(grid, ()) for _, grid in group.deployments]
        minutes = 0.0
        for day in range(first, last):
            date, weekday = calendar.date_of_day(day), calendar.weekday_of_day(day)
            base = day * MINUTES_PER_DAY
            whole = start_min <= base and base + MINUTES_PER_DAY <= end_min
            for grid, by_date in places:
                row = roster_row(grid, by_date, date, weekday)
                if whole:  # the common case, a year of days: no interval-by-interval clipping
                    minutes += sum(row) * interval
                    continue
                for slot, count in enumerate(row):
                    if count:
                        begin = base + slot * interval
                        overlap = min(begin + interval, end_min) - max(begin, start_min)
                        minutes += count * max(overlap, 0.0)
        hours[group.name] = minutes / 60.0
    return hours


def _handling_shares(
    scenario: Scenario, contacts: pd.DataFrame, tasks: pd.DataFrame
) -> dict[str, dict[str, float]]:
    """Per staff group, the share of its handling time spent on each channel (and tasks)."""
    time: dict[str, dict[str, float]] = {g.name: {} for g in scenario.staff_groups}
    concurrency = {c.name: max(c.concurrency, 1) for c in scenario.channels}
    if len(contacts):
        served = contacts[(contacts["outcome"] == "served") & contacts["staff_group"].notna()]
        minutes = served["service_min"].fillna(0.0) + served["wrapup_min"].fillna(0.0)
        # A chat agent's minutes are shared by its chats at once (mapped per category, not
        # per contact; astype keeps an empty table's dtype numeric).
        sharing = served["channel"].map(concurrency).astype(float).fillna(1.0)
        minutes = minutes / sharing.to_numpy(dtype=float)
        # Grouped by the category codes: text per contact would cost a year a second.
        by = minutes.groupby(
            [served["staff_group"], served["channel"]], sort=False, observed=True
        ).sum()
        for (group, channel), value in zip(by.index.tolist(), by.tolist(), strict=True):
            time.setdefault(str(group), {})[str(channel)] = float(value)
    if len(tasks):
        done = tasks[tasks["processing_min"].notna() & tasks["staff_group"].notna()]
        for group, value in (
            done.groupby(done["staff_group"].astype(str))["processing_min"].sum().items()
        ):
            time.setdefault(str(group), {})[BACK_OFFICE] = float(value)
    shares = {}
    for group, per_channel in time.items():
        total = sum(per_channel.values())
        shares[group] = (
            {channel: value / total for channel, value in per_channel.items()}
            if total > 0
            else {UNATTRIBUTED: 1.0}
        )
    return shares


# The contact columns the costs read.
_CONTACT_COLUMNS = ("replication", "channel", "outcome", "staff_group", "service_min", "wrapup_min")


def _row(replication: object, item: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {column: math.nan for column in COST_COLUMNS}
    row.update(replication=replication, item=item, channel=ALL, shop=ALL, staff_group=ALL)
    row.update(values)
    return row


def cost_table(
    scenario: Scenario,
    contacts: pd.DataFrame,
    staff: pd.DataFrame,
    tasks: pd.DataFrame,
    *,
    replications: Sequence[int],
    shops: Mapping[str, tuple[int, float]],
) -> pd.DataFrame:
    """Return the run's cost per replication and its mean (``costs.csv``; module docstring).

    Parameters
    ----------
    scenario : Scenario
        The scenario run: its prices (``costs``), rosters, contract hours and shrinkage.
    contacts, staff, tasks : pandas.DataFrame
        The run's contact, staff-spell and task tables.
    replications : sequence of int
        Replication numbers.
    shops : mapping of str to (int, float)
        Per shop: desks and opening minutes in the reported period
        (:func:`klantstroom.experiment.shop_facts`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COST_COLUMNS`; ``replication`` is the replication number, or ``mean``
        for the mean over replications (with the 95% interval of ``eur_per_year``).
    """
    prices = scenario.costs
    staffing = scenario.staffing
    days = scenario.run.horizon_days
    horizon = scenario.run.horizon_min
    to_year = DAYS_PER_YEAR / days
    window = np.array([0.0, horizon])
    roster = rostered_hours(scenario, 0.0, horizon)
    salaries = group_salaries(scenario)
    has_activity = "activity" in staff.columns
    # The columns read below: a replication's rows copy these, not the table's 33.
    contacts = contacts[[c for c in _CONTACT_COLUMNS if c in contacts]]
    rows: list[dict[str, object]] = []
    for rep in replications:
        rep_contacts = contacts[contacts["replication"] == rep] if len(contacts) else contacts
        rep_tasks = tasks[tasks["replication"] == rep] if len(tasks) else tasks
        rep_staff = staff[staff["replication"] == rep] if len(staff) else staff
        shares = _handling_shares(scenario, rep_contacts, rep_tasks)
        by_channel: dict[str, float] = {}
        total = 0.0
        total_fte = 0.0
        for group in scenario.staff_groups:
            spells = rep_staff[rep_staff["staff_group"] == group.name] if len(rep_staff) else None
            on_duty = 0.0
            if spells is not None and len(spells):
                presence = cumulative_presence(
                    spells["on_min"].to_numpy(float), spells["off_min"].to_numpy(float), window
                )
                on_duty = float(np.diff(presence)[0]) / 60.0
            hours = roster[group.name]
            full_time = fte(
                hours * 7.0 / days, staffing.contract_hours_per_week, staffing.shrinkage
            )
            salary = salaries[group.name]
            per_year = full_time * salary
            rows.append(
                _row(
                    rep,
                    "staff",
                    staff_group=group.name,
                    shop=group.shop or ALL,
                    hours=hours,
                    hours_on_duty=on_duty,
                    fte=full_time,
                    rate_eur=salary,
                    eur_in_run=per_year / to_year,
                    eur_per_year=per_year,
                )
            )
            group_cost = per_year
            if has_activity and spells is not None:
                learning = spells[spells["activity"].astype(str) == TRAINING]
                presence = cumulative_presence(
                    learning["on_min"].to_numpy(float), learning["off_min"].to_numpy(float), window
                )
                trained = float(np.diff(presence)[0]) / 60.0
                # Members in class in the reported period: a cohort whose course ran in the
                # warm-up only (a road-map year's earlier cohort) was paid for in its own year.
                in_period = (learning["off_min"] > window[0]) & (learning["on_min"] < window[1])
                trainees = int(learning.loc[in_period, "staff_id"].nunique())
                in_run = (
                    trained * prices.training_eur_per_hour
                    + trainees * prices.training_eur_per_trainee
                )
                rows.append(
                    _row(
                        rep,
                        "training",
                        staff_group=group.name,
                        hours=trained,
                        count=trainees,
                        rate_eur=prices.training_eur_per_hour,
                        eur_in_run=in_run,
                        eur_per_year=in_run * to_year,
                    )
                )
                group_cost += in_run * to_year
            for channel, share in shares[group.name].items():
                by_channel[channel] = by_channel.get(channel, 0.0) + group_cost * share
            total += group_cost
            total_fte += full_time
        for shop in scenario.shops:
            desks, open_min = shops.get(shop.name, (shop.desks, 0.0))
            desk_hours = desks * open_min / 60.0
            in_run = desk_hours * prices.desk_eur_per_hour
            rows.append(
                _row(
                    rep,
                    "desks",
                    channel="counter",
                    shop=shop.name,
                    hours=desk_hours,
                    count=desks,
                    rate_eur=prices.desk_eur_per_hour,
                    eur_in_run=in_run,
                    eur_per_year=in_run * to_year,
                )
            )
            by_channel["counter"] = by_channel.get("counter", 0.0) + in_run * to_year
            total += in_run * to_year
        arrived = rep_contacts["channel"].value_counts() if len(rep_contacts) else pd.Series()
        for channel, price in prices.eur_per_contact:
            count = int(arrived.get(channel, 0))
            in_run = count * price
            rows.append(
                _row(
                    rep,
                    "transactions",
                    channel=channel,
                    count=count,
                    rate_eur=price,
                    eur_in_run=in_run,
                    eur_per_year=in_run * to_year,
                )
            )
            by_channel[channel] = by_channel.get(channel, 0.0) + in_run * to_year
            total += in_run * to_year
        served = (
            rep_contacts.loc[rep_contacts["outcome"] == "served", "channel"].value_counts()
            if len(rep_contacts)
            else pd.Series()
        )
        handled = {c.name: int(served.get(c.name, 0)) for c in scenario.channels}
        if scenario.departments:
            handled[BACK_OFFICE] = (
                int((rep_tasks["status"] == "done").sum()) if len(rep_tasks) else 0
            )
        for channel in [*handled, *(c for c in by_channel if c not in handled)]:
            per_year = by_channel.get(channel, 0.0)
            count = handled.get(channel, 0)
            rows.append(
                _row(
                    rep,
                    "by_channel",
                    channel=channel,
                    count=count,
                    eur_in_run=per_year / to_year,
                    eur_per_year=per_year,
                    eur_per_contact=per_year / to_year / count if count else math.nan,
                )
            )
        contacts_served = sum(v for k, v in handled.items() if k != BACK_OFFICE)
        rows.append(
            _row(
                rep,
                "total",
                fte=total_fte,
                count=contacts_served,
                eur_in_run=total / to_year,
                eur_per_year=total,
                eur_per_contact=total / to_year / contacts_served if contacts_served else math.nan,
            )
        )
    table = pd.DataFrame(rows, columns=list(COST_COLUMNS))
    return pd.concat([table, _means(table)], ignore_index=True) if len(table) else table


def _means(table: pd.DataFrame) -> pd.DataFrame:
    """One ``mean`` row per key: the mean of every figure, the 95% interval of the yearly cost."""
    rows = []
    for key, part in table.groupby(list(KEY_COLUMNS), sort=False):
        row: dict[str, object] = dict(zip(KEY_COLUMNS, key, strict=True))
        row["replication"] = MEAN
        for column in NUMBER_COLUMNS:
            values = part[column].to_numpy(dtype=float)
            row[column] = float(np.mean(values)) if not np.all(np.isnan(values)) else math.nan
        _, low, high = mean_ci(part["eur_per_year"].to_numpy(dtype=float))
        row["ci_low"], row["ci_high"] = low, high
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COST_COLUMNS))


def mean_rows(costs: pd.DataFrame) -> pd.DataFrame:
    """The ``mean`` rows of a ``costs.csv`` (as read back: ``replication`` as text)."""
    return costs[costs["replication"].astype(str) == MEAN]
