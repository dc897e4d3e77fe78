"""Key performance indicators per replication, and their summary across replications.

``kpis.csv`` has one row per replication x channel x shop x service, plus a row per channel with
``service = "all"``, plus a row per staff group with ``channel = service = "all"``. With shops,
the counter channel also has a row per shop x service and per shop (``service = "all"``). Rows of
the digital channel, first-contact resolution per channel x staff group, back-office departments
(key ``department``) and journeys are described in :mod:`klantstroom.analysis.journeys`. Queue
KPIs of the phone channel count inbound calls only (outbound callbacks have department rows).
Definitions (waits in minutes; the service-level convention is the package's, see
:mod:`klantstroom.analysis.erlang`):

* ``offered`` — contacts that arrived (redials included); ``served``, ``abandoned``, ``unserved``
  (still waiting at the horizon);
* ``abandonment_rate`` — abandoned / (served + abandoned);
* ``asa_min`` — average speed of answer: mean wait of served contacts;
* ``mean_wait_min`` and ``p90_wait_min`` — mean and 90th percentile of the wait of served and
  abandoned contacts (an abandoned caller's wait is the time until hanging up);
* ``service_level`` — served within the channel's threshold / (served + abandoned);
* ``fcr_rate`` — resolved at first contact / served; ``redials`` — contacts that are a redial;
* ``mean_handling_min`` — mean service time of served contacts;
* ``chases`` — contacts that chase a late matter (failure demand, ``origin = chase``) and
  ``chase_share`` — chases / offered;
* counter rows only: ``walk_ins`` and ``appointments`` (visits booked, no-shows included);
  ``walk_in_wait_min`` and ``walk_in_within_norm`` (mean wait of served walk-ins and the share
  within ``counter.walk_in_wait_norm_min``); ``appointment_wait_min`` and
  ``appointment_within_norm`` (wait from the later of arrival and slot time, norm
  ``appointment_wait_norm_min``); ``access_days_mean``, ``access_days_p90`` and
  ``access_within_norm`` (working days from request to slot, norm ``access_norm_working_days``);
  ``no_show_rate`` (no-shows / appointments), ``no_slot_rate`` (booking requests that found no
  free slot within the booking horizon / booking requests), ``balk_rate`` (balked / walk-ins),
  ``turned_away`` (unserved before the horizon: turned away at closing);
  ``urgent_requests`` (urgent booking requests: booked + no slot), ``urgent_access_days_mean``
  (mean access time of the booked ones) and ``urgent_within_max`` (booked within
  ``counter.urgent_max_access_working_days`` / urgent requests);
  ``desk_utilisation`` (shop rows: desk time in use, wrap-up included / desks x opening time);
* ``occupancy`` — (staff group rows) busy time (service + wrap-up) / time on duty, both clipped
  to the reported period; ``staff_hours`` and ``busy_hours`` are those two times in hours (time
  on the floor: hours in class or teaching are ``training_hours`` and ``trainer_hours``, and
  proficiency rows per staff group x skill learnt come from :mod:`klantstroom.analysis.training`).

``summary.csv`` gives, per key and KPI, the mean over replications with a 95% confidence interval
(Student t), and for the service level the channel's target and whether the mean meets it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from klantstroom.analysis.journeys import (
    BACKOFFICE_KPIS,
    DIGITAL_KPIS,
    JOURNEY_KPI_COLUMNS,
    JOURNEY_KPIS,
    digital_kpis,
    journey_kpi_rows,
)
from klantstroom.analysis.periods import PERIOD, WHOLE_RUN
from klantstroom.analysis.sortedrows import (
    CALLBACKS,
    JourneyRows,
    Rows,
    SortedRows,
    contact_rows,
    journey_rows,
    per_group,
    share,
    task_rows,
)
from klantstroom.analysis.stafftime import StaffTime, staff_time
from klantstroom.analysis.stats import grouped_mean_ci
from klantstroom.analysis.training import (
    TRAINING_KPIS,
    proficiency_rows,
    training_hours,
    training_spells,
    work_spells,
)
from klantstroom.scenario.spec import NormSpec

KEYS = ("channel", "shop", "department", "service", "staff_group")
ALL = "all"
QUEUE_KPIS = (
    "offered",
    "served",
    "abandoned",
    "unserved",
    "abandonment_rate",
    "asa_min",
    "mean_wait_min",
    "p90_wait_min",
    "service_level",
    "fcr_rate",
    "redials",
    "mean_handling_min",
    "chases",
    "chase_share",
)
COUNTER_KPIS = (
    "walk_ins",
    "appointments",
    "walk_in_wait_min",
    "walk_in_within_norm",
    "appointment_wait_min",
    "appointment_within_norm",
    "access_days_mean",
    "access_days_p90",
    "access_within_norm",
    "no_show_rate",
    "no_slot_rate",
    "balk_rate",
    "turned_away",
    "desk_utilisation",
    "urgent_requests",
    "urgent_access_days_mean",
    "urgent_within_max",
)
# The contact columns the KPIs read: the tables are grouped by key, which copies the rows, so
# only these are carried (a year has a million contacts and the table 33 columns).
KPI_CONTACT_COLUMNS = (
    "replication",
    "channel",
    "service",
    "shop",
    "staff_group",
    "department",
    "outcome",
    "wait_min",
    "resolved",
    "origin",
    "attempt",
    "service_min",
    "appointment",
    "access_days",
    "end_min",
    "urgent",
    "late",
)
# The task columns the department KPIs read.
TASK_KPI_COLUMNS = (
    "replication",
    "department",
    "service",
    "created_min",
    "status",
    "lead_time_days",
    "lead_time_working_days",
    "late",
)
# The column of a citizen's segment (:mod:`klantstroom.analysis.segments`).
SEGMENT = "segment"
STAFF_KPIS = ("occupancy", "staff_hours", "busy_hours")
# Channel and department rows share the failure-demand KPIs: each name is one column.
ALL_KPIS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *QUEUE_KPIS,
            *COUNTER_KPIS,
            *DIGITAL_KPIS,
            *BACKOFFICE_KPIS,
            *JOURNEY_KPIS,
            *STAFF_KPIS,
            *TRAINING_KPIS,
        )
    )
)
# KPIs that are shares (0 to 1): their confidence intervals end at 1 (summary_table).
SHARE_KPIS: frozenset[str] = frozenset(
    kpi
    for kpi in ALL_KPIS
    if kpi.endswith(("_rate", "_share", "_norm"))
    or kpi in ("service_level", "occupancy", "desk_utilisation", "urgent_within_max")
)


def _queue_kpis(sub: Rows, threshold_min: float) -> dict[str, np.ndarray]:
    """The queue KPIs of each group of ``sub`` (see the module docstring)."""
    wait = sub["wait_min"]
    served = sub.is_value("outcome", "served")
    abandoned = sub.is_value("outcome", "abandoned")
    ended = served | abandoned
    n_served, n_abandoned = sub.count(served), sub.count(abandoned)
    n_ended = n_served + n_abandoned
    offered = sub.count()
    resolved = sub["resolved"].astype(float)  # NaN: not known (the contact was not served)
    known = served & ~np.isnan(resolved)
    if "origin" in sub:
        n_chases = sub.count(sub.is_value("origin", "chase"))
    else:
        n_chases = np.zeros(sub.n_groups)
    return {
        "offered": offered,
        "served": n_served,
        "abandoned": n_abandoned,
        "unserved": sub.count(sub.is_value("outcome", "unserved")),
        "abandonment_rate": share(n_abandoned, n_ended),
        "asa_min": sub.mean(wait, served),
        "mean_wait_min": sub.mean(wait, ended),
        "p90_wait_min": sub.quantile(wait, ended, 0.9),
        "service_level": share(sub.count(served & (wait <= threshold_min + 1e-9)), n_ended),
        # resolved is 1 or 0 where known: numpy.nanmean's sum is the count of ones.
        "fcr_rate": share(sub.count(known & (resolved == 1.0)), sub.count(known)),
        "redials": sub.count(sub["attempt"] > 1),
        "mean_handling_min": sub.mean(sub["service_min"], served),
        "chases": n_chases,
        "chase_share": share(n_chases, offered),
    }


def _counter_kpis(sub: Rows, norms: CounterNorms, horizon_min: float) -> dict[str, np.ndarray]:
    """The counter KPIs of each group of ``sub`` (see the module docstring)."""
    wait = sub["wait_min"]
    appointment = sub["appointment"].astype(bool)
    served = sub.is_value("outcome", "served")
    no_slot = sub.is_value("outcome", "no_slot")
    walk_in = ~appointment
    access = sub["access_days"]
    booked = appointment & ~np.isnan(access)
    n_walk_in, n_booked = sub.count(walk_in), sub.count(booked)
    n_no_slot = sub.count(no_slot)
    walk_served = walk_in & served
    appointment_served = appointment & served
    return {
        "walk_ins": n_walk_in,
        "appointments": n_booked,
        "walk_in_wait_min": sub.mean(wait, walk_served),
        "walk_in_within_norm": share(
            sub.count(walk_served & (wait <= norms.walk_in_wait_min + 1e-9)),
            sub.count(walk_served),
        ),
        "appointment_wait_min": sub.mean(wait, appointment_served),
        "appointment_within_norm": share(
            sub.count(appointment_served & (wait <= norms.appointment_wait_min + 1e-9)),
            sub.count(appointment_served),
        ),
        "access_days_mean": sub.mean(access, booked),
        "access_days_p90": sub.quantile(access, booked, 0.9),
        "access_within_norm": share(
            sub.count(booked & (access <= norms.access_working_days)), n_booked
        ),
        "no_show_rate": share(sub.count(sub.is_value("outcome", "no_show") & booked), n_booked),
        "no_slot_rate": share(n_no_slot, n_booked + n_no_slot),
        "balk_rate": share(sub.count(sub.is_value("outcome", "balked") & walk_in), n_walk_in),
        "turned_away": sub.count(
            sub.is_value("outcome", "unserved") & (sub["end_min"] < horizon_min - 1e-9)
        ),
        **_urgent_kpis(sub, booked, no_slot, norms),
    }


def _urgent_kpis(
    sub: Rows, booked: np.ndarray, no_slot: np.ndarray, norms: CounterNorms
) -> dict[str, np.ndarray]:
    """Urgent booking requests (booked or no slot), their access time and the share booked
    within ``counter.urgent_max_access_working_days``, per group of ``sub``."""
    if "urgent" not in sub:  # a table from before urgent requests were logged
        missing = np.full(sub.n_groups, np.nan)
        return {
            "urgent_requests": missing,
            "urgent_access_days_mean": missing,
            "urgent_within_max": missing,
        }
    urgent = sub["urgent"].astype(bool)
    access = sub["access_days"]
    urgent_booked = urgent & booked
    n_requests = sub.count(urgent & (booked | no_slot))
    within = sub.count(urgent_booked & (access <= norms.urgent_max_access_working_days))
    return {
        "urgent_requests": n_requests,
        "urgent_access_days_mean": sub.mean(access, urgent_booked),
        "urgent_within_max": share(within, n_requests),
    }


@dataclass(frozen=True)
class CounterNorms:
    """Counter norms and shop facts the counter KPIs need."""

    walk_in_wait_min: float = 15.0
    appointment_wait_min: float = 5.0
    access_working_days: float = 5.0
    urgent_max_access_working_days: float = 1.0
    # Per shop: (desks, opening minutes within the reported period).
    shops: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    # Per shop: the services it offers.
    services: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _shop_rows(
    rep: int,
    contacts: SortedRows,
    time: StaffTime,
    norms: CounterNorms,
    window: np.ndarray,
    period_min: tuple[float, float] | None,
    threshold_min: float,
) -> list[dict[str, object]]:
    """KPI rows of the counter channel per shop x service and per shop.

    ``window`` is the period in minutes (staff time and desk use are clipped to it),
    ``period_min`` the arrival window of its contacts in ``contacts`` (None: all). Every
    counter contact counts, callbacks included (a shop has none).
    """
    rows: list[dict[str, object]] = []
    horizon_min = float(window[1])
    counter = contacts.select(rep, ("counter",), window_min=period_min)
    shops = list(norms.shops)
    pairs = [(shop, service) for shop in shops for service in norms.services.get(shop, ())]
    by_pair = counter.grouped(("shop", "service"), pairs)
    by_shop = counter.grouped(("shop",), [(shop,) for shop in shops])
    kpis_of: dict[tuple[str, str], dict[str, float]] = {}
    for sub, keys in ((by_pair, pairs), (by_shop, [(shop, ALL) for shop in shops])):
        values = _queue_kpis(sub, threshold_min) | _counter_kpis(sub, norms, horizon_min)
        kpis_of.update(zip(keys, per_group(values), strict=True))
    for shop, (desks, open_min) in norms.shops.items():
        for service in [*norms.services.get(shop, ()), ALL]:
            row: dict[str, object] = {
                "replication": rep,
                "channel": "counter",
                "shop": shop,
                "department": ALL,
                "service": service,
                "staff_group": ALL,
                **kpis_of[(shop, service)],
            }
            if service == ALL and time.busy is not None:
                used = time.desk_min(shop, window)
                capacity = desks * open_min
                row["desk_utilisation"] = used / capacity if capacity > 0 else np.nan
            rows.append(row)
    return rows


def kpi_table(
    contacts: pd.DataFrame,
    staff: pd.DataFrame,
    spans: pd.DataFrame,
    *,
    channels: Sequence[str],
    services: Sequence[str],
    staff_groups: Sequence[str],
    demand: Sequence[tuple[str, str]],
    thresholds_min: Mapping[str, float],
    horizon_min: float,
    replications: Sequence[int],
    counter_norms: CounterNorms | None = None,
    tasks: pd.DataFrame | None = None,
    journeys: pd.DataFrame | None = None,
    backlog: pd.DataFrame | None = None,
    departments: Sequence[tuple[str, Sequence[str]]] = (),
    start_min: float = 0.0,
    period: str = WHOLE_RUN,
    proficiency: pd.DataFrame | None = None,
    staff_times: Mapping[int, StaffTime] | None = None,
    prepared: RunRows | None = None,
) -> pd.DataFrame:
    """Return KPIs per replication (see the module docstring for rows and definitions).

    Parameters
    ----------
    contacts, staff, spans : pandas.DataFrame
        Contact, staff-spell and span tables of the run.
    channels, services, staff_groups : sequence of str
        Names in scenario order.
    demand : sequence of (str, str)
        The (channel, service) pairs with demand: each gets a row in every replication, also
        when no contact arrived (offered 0), so that means over replications are not biased.
    thresholds_min : mapping of str to float
        Service-level threshold per channel in minutes.
    horizon_min : float
        End of the reported period in minutes.
    replications : sequence of int
        Replication numbers.
    counter_norms : CounterNorms, optional
        Counter norms and shops; without it there are no shop rows and no counter KPIs.
    tasks, journeys, backlog : pandas.DataFrame, optional
        Task, journey and backlog tables; with them come the department, first-contact
        resolution per group and journey rows, and the digital backlog.
    departments : sequence of (str, sequence of str)
        The back-office departments with their task types.
    start_min : float
        Start of the reported period in minutes (0: the whole run; a period of the run starts
        later, and the tables are then those of the period, see
        :mod:`klantstroom.analysis.periods`).
    period : str
        The ``period`` column of the rows (``run`` = the whole run).
    proficiency : pandas.DataFrame, optional
        The cohorts' daily proficiency (:func:`klantstroom.analysis.training.proficiency_table`).
    staff_times : mapping of int to StaffTime, optional
        ``staff`` and ``spans`` per replication, as
        :func:`klantstroom.analysis.stafftime.staff_time` prepares them once for all the
        periods of a run; without it they are prepared here.
    prepared : RunRows, optional
        The contacts, tasks and journeys of the whole run, sorted once for all its periods
        (:func:`prepare_rows`): the KPIs read the rows that arrived, were created or started
        in [``start_min``, ``horizon_min``) from them, and ``contacts``, ``tasks`` and
        ``journeys`` are not read. Without it they are prepared here from those tables, which
        are then the period's.
    """
    rows: list[dict[str, object]] = []
    period_min: tuple[float, float] | None = (start_min, horizon_min)
    if prepared is None:
        prepared = prepare_rows(contacts, tasks, journeys)
        period_min = None  # the tables are the period's already
    contact_rows = prepared.contacts
    away = training_spells(staff)
    if staff_times is None:
        staff_times = staff_time(
            work_spells(staff),  # staff hours and occupancy: time on the floor
            spans,
            replications=replications,
            staff_groups=staff_groups,
            shops=list(counter_norms.shops) if counter_norms else (),
            counter_code=list(channels).index("counter") if "counter" in channels else -1,
        )
    window = np.array([start_min, horizon_min])
    for rep in replications:
        rep_backlog = None if backlog is None else backlog[backlog["replication"] == rep]
        for channel in channels:
            offered = [service for service in services if (channel, service) in demand]
            if not offered:
                continue
            threshold = thresholds_min[channel]
            counter = channel == "counter" and counter_norms is not None
            # Outbound callbacks are reported with their department, not in the queue KPIs.
            made = contact_rows.select(rep, (channel,), window_min=period_min, drop=CALLBACKS)
            by_service = made.grouped(("service",), [(service,) for service in offered])
            for sub, names in ((by_service, offered), (made, [ALL])):
                values = _queue_kpis(sub, threshold)
                if counter:
                    values |= _counter_kpis(sub, counter_norms, horizon_min)  # type: ignore[arg-type]
                elif channel == "digital" and "late" in sub:
                    values |= digital_kpis(sub, rep_backlog if names == [ALL] else None)
                for service, kpis in zip(names, per_group(values), strict=True):
                    rows.append(
                        {
                            "replication": rep,
                            "channel": channel,
                            "shop": ALL,
                            "department": ALL,
                            "service": service,
                            "staff_group": ALL,
                            **kpis,
                        }
                    )
            if counter and counter_norms.shops:  # type: ignore[union-attr]
                rows.extend(
                    _shop_rows(
                        rep,
                        contact_rows,
                        staff_times[rep],
                        counter_norms,  # type: ignore[arg-type]
                        window,
                        period_min,
                        threshold,
                    )
                )
        rep_away = None if away is None else away[(away["replication"] == rep).to_numpy()]
        time = staff_times[rep]
        for group in staff_groups:
            on = time.floor_min(group, window)
            busy = time.busy_min(group, window)
            rows.append(
                {
                    "replication": rep,
                    "channel": ALL,
                    "shop": ALL,
                    "department": ALL,
                    "service": ALL,
                    "staff_group": group,
                    "occupancy": busy / on if on > 0 else np.nan,
                    "staff_hours": on / 60.0,
                    "busy_hours": busy / 60.0,
                    **training_hours(rep_away, group, window),
                }
            )
        rows.extend(proficiency_rows(rep, proficiency, window))
        if prepared.tasks is not None and prepared.journeys is not None and rep_backlog is not None:
            rows.extend(
                journey_kpi_rows(
                    rep,
                    contact_rows,
                    prepared.tasks,
                    prepared.journeys,
                    rep_backlog,
                    channels=channels,
                    departments=departments,
                    services=services,
                    staff_groups=staff_groups,
                    window_min=period_min,
                )
            )
    table = pd.DataFrame(rows, columns=["replication", *KEYS, *ALL_KPIS])
    table["replication"] = table["replication"].astype(np.int32)
    table.insert(1, PERIOD, period)
    return table


@dataclass(frozen=True)
class RunRows:
    """A run's contacts, tasks and journeys, each sorted once for the KPIs of all its periods."""

    contacts: SortedRows
    tasks: SortedRows | None
    journeys: JourneyRows | None


def prepare_rows(
    contacts: pd.DataFrame, tasks: pd.DataFrame | None, journeys: pd.DataFrame | None
) -> RunRows:
    """The columns the KPIs read of a run's tables, sorted once (:mod:`~.sortedrows`)."""

    def kept(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        return table[[c for c in columns if c in table]]

    return RunRows(
        contact_rows(kept(contacts, (*KPI_CONTACT_COLUMNS, "arrival_min", SEGMENT))),
        None if tasks is None else task_rows(kept(tasks, TASK_KPI_COLUMNS)),
        None if journeys is None else journey_rows(kept(journeys, (*JOURNEY_KPI_COLUMNS, SEGMENT))),
    )


def summary_table(
    kpis: pd.DataFrame, norms: Sequence[NormSpec] = (), confidence: float = 0.95
) -> pd.DataFrame:
    """Return the mean and confidence interval across replications of every KPI.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`kpi_table`.
    norms : sequence of NormSpec
        The norms to judge the means against (:meth:`Scenario.all_norms`); a row covered by
        several takes the last, so a configured norm overrides a channel's target.
    confidence : float
        Confidence level of the interval, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns: ``period``, the keys, ``kpi``, ``mean``, ``ci_low``, ``ci_high``,
        ``n_replications``, ``target``, ``norm`` (``>=`` or ``<=``) and ``meets_target`` (empty
        without a norm).
    """
    if PERIOD not in kpis:
        kpis = kpis.assign(**{PERIOD: WHOLE_RUN})
    columns = [PERIOD, *KEYS]
    present = [kpi for kpi in ALL_KPIS if kpi in kpis]
    if kpis.empty or not present:
        return pd.DataFrame()
    # All groups x KPIs at once: rows sorted by group (numbered in order of appearance), one
    # reduction per statistic. Per group and KPI it was 20,000 DataFrame lookups a run.
    codes = kpis.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    n, mean, low, high = grouped_mean_ci(
        kpis[present].to_numpy(dtype=float)[order], starts, confidence
    )
    # Every KPI is at least 0 and a share at most 1: the part of a t-interval outside that
    # cannot hold the true value, so cutting it off keeps the interval's coverage (with few
    # replications the normal interval of a service level near 100% reaches past it).
    share = np.array([kpi in SHARE_KPIS for kpi in present], dtype=bool)
    low = np.maximum(low, 0.0)  # NaN (one replication) stays NaN
    high[:, share] = np.minimum(high[:, share], 1.0)
    group, which = np.nonzero(n > 0)  # a KPI without a value in any replication is left out
    table = kpis[columns].iloc[order[starts][group]].reset_index(drop=True)
    kpi = np.asarray(present, dtype=object)[which]
    table["kpi"] = kpi
    table["mean"] = mean[group, which]
    table["ci_low"] = low[group, which]
    table["ci_high"] = high[group, which]
    table["n_replications"] = n[group, which].astype(int)
    target = np.full(len(table), np.nan)
    at_least = np.zeros(len(table), dtype=bool)
    judged = np.zeros(len(table), dtype=bool)
    for norm in norms:  # a row covered by several takes the last
        covers = kpi == norm.kpi
        for key in ("channel", "shop", "department", "service"):
            wanted = getattr(norm, key)
            if wanted is not None:
                covers &= (table[key] == wanted).to_numpy(dtype=bool)
        target[covers] = norm.target
        at_least[covers] = norm.at_least
        judged |= covers
    values = table["mean"].to_numpy()
    table["target"] = target
    norm_signs = np.full(len(table), None, dtype=object)
    norm_signs[judged & at_least] = ">="
    norm_signs[judged & ~at_least] = "<="
    table["norm"] = norm_signs
    met = np.where(at_least, values >= target, values <= target)
    table["meets_target"] = pd.array(np.where(judged, met, False), dtype="boolean")
    table.loc[~judged, "meets_target"] = pd.NA
    return table
