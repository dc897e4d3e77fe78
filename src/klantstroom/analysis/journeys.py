"""KPIs of deferred work, the back office and journeys, per replication.

Rows for ``kpis.csv`` (keys as in :mod:`klantstroom.analysis.kpis`; ``department`` is the new key):

* digital channel rows (per service and ``all``): ``answered_within_norm`` — requests answered by
  their due time / (answered + still open past due at the horizon); ``backlog_mean`` and
  ``backlog_max`` — open requests at the end of each reported day (``all`` rows only);
* first-contact resolution per channel x staff group (``service = all``): ``fcr_rate`` and
  ``served`` of the inbound contacts the group served;
* department rows (``channel = all``, per task type and ``all``): ``tasks`` created, ``tasks_done``
  and ``tasks_open`` at the horizon, ``task_lead_time_days_mean`` and ``_p90`` (creation to done,
  in days), ``task_within_norm`` (done by their due time / (done + open past due)),
  ``backlog_mean`` and ``backlog_max`` (open tasks at the end of each day), ``callbacks``
  (attempts) and ``callback_reach_rate`` (attempts that reached the citizen / attempts made);
* journey rows (``channel = department = staff_group = all``, per service of the first contact
  and ``all``): ``journeys`` that started, ``journeys_censored`` (not ``judged``: the norm
  deadline lies beyond the horizon) and ``channel_switches`` count every journey that started;
  the other KPIs count the judged journeys only (:func:`journey_kpis`): the shares
  ``resolved_share``, ``given_up_share`` and ``open_share`` (status at the horizon),
  ``journey_within_norm`` (resolved by the norm deadline / judged),
  ``journey_lead_time_days_mean`` and ``_p90`` (resolved journeys, first contact to
  resolution, in days), ``repeat_contact_rate`` (contacts that repeat an attempt: redials,
  returns after balking, channel switches, rebookings / all contacts of those journeys) and
  ``contacts_per_journey``.

Why only judged journeys: a journey still open at the horizon has not failed, and counting it as
failed makes the journey KPIs depend on the run length. Leaving out only the *open* journeys of
the last days would not do either: those that ended before the horizon are the quick ones (a
caller who hangs up and gives up, not a passport that must be picked up a week later), so what
is judged is chosen by start day and norm alone (``judged`` in ``journeys.parquet``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import is_value
from klantstroom.analysis.sortedrows import (
    CALLBACKS,
    JourneyRows,
    Rows,
    SortedRows,
    per_group,
    quantile_of,
    share,
)

ALL = "all"

DIGITAL_KPIS = ("answered_within_norm", "backlog_mean", "backlog_max")
BACKOFFICE_KPIS = (
    "tasks",
    "tasks_done",
    "tasks_open",
    "task_lead_time_days_mean",
    "task_lead_time_days_p90",
    "task_lead_time_working_days_mean",
    "task_within_norm",
    "callbacks",
    "callback_reach_rate",
    "chases",
    "chase_share",
)
# The journey columns the journey KPIs read (and select a period on: ``start_min``).
JOURNEY_KPI_COLUMNS = (
    "replication",
    "service",
    "start_min",
    "judged",
    "status",
    "within_norm",
    "lead_time_days",
    "contacts",
    "repeat_contacts",
    "switches",
)
JOURNEY_KPIS = (
    "journeys",
    "journeys_censored",
    "resolved_share",
    "given_up_share",
    "open_share",
    "journey_lead_time_days_mean",
    "journey_lead_time_days_p90",
    "journey_within_norm",
    "repeat_contact_rate",
    "channel_switches",
    "contacts_per_journey",
)


def inbound(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contacts citizens made: outbound callbacks left out.

    Callbacks are work for staff, not contacts waiting to be answered, so queue KPIs, interval
    rows and the service level staffing sizes for count inbound contacts only. A table without
    an ``origin`` column (no journeys) is returned as it is.
    """
    column, _ = CALLBACKS
    if column not in contacts:
        return contacts
    return contacts[inbound_mask(contacts)]


def inbound_mask(contacts: pd.DataFrame) -> np.ndarray:
    """Which rows of ``contacts`` :func:`inbound` keeps, as a NumPy mask: for a reader of a few
    columns, which then need not copy the whole table."""
    column, value = CALLBACKS  # the same test the sorted KPI selections drop
    if column not in contacts:
        return np.ones(len(contacts), dtype=bool)
    return ~is_value(contacts[column], value)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else np.nan


def _p90(values: np.ndarray) -> float:
    return quantile_of(values, 0.9) if len(values) else np.nan


def _weighted_p90(values: np.ndarray, weights: np.ndarray) -> float:
    """The 90th percentile of ``values`` with ``weights``; equal weights give ``_p90``.

    Each value sits at (weight below it) / (total weight less the last value's weight) on the
    0-1 scale and the quantile is interpolated linearly between them: with equal weights these
    are numpy's positions ``k / (n - 1)``, so the service rows (equal weights) agree with
    ``numpy.quantile``.
    """
    if not len(values):
        return np.nan
    # The default sort takes half the time of a stable one and gives the same order when no two
    # values tie; tied values keep their weights in row order, as the stable sort does, and so do
    # NaNs (sorted last, never equal to each other).
    order = np.argsort(values)
    x = values[order]
    if np.isnan(x[-1]) or (x[1:] == x[:-1]).any():
        order = np.argsort(values, kind="stable")
        x = values[order]
    w = weights[order]
    below = np.cumsum(w) - w
    span = below[-1]
    if span <= 0.0:
        return float(x[-1])
    return float(np.interp(0.9, below / span, x))


def _equal_weights_p90(values: np.ndarray) -> float:
    """``_weighted_p90(values, ones)`` to the last bit, from a partial sort.

    With weights of 1 the positions are k / (n - 1) exactly, so the two values around 0.9 are
    order statistics that ``numpy.partition`` finds without sorting every value, and the
    interpolation is ``numpy.interp``'s: the slope between them times the distance from the
    lower position. The journeys of one service all weigh 1; sorting each service's lead times
    per period was the largest cost of the journey KPIs.
    """
    n = len(values)
    if n == 0:
        return np.nan
    if n == 1:
        return float(values[0])
    span = float(n - 1)
    # numpy.interp's interval: the last position at or below 0.9 (the top one, 1.0, never is).
    j = min(int(0.9 * span), n - 2)
    while j + 1 <= n - 2 and (j + 1) / span <= 0.9:
        j += 1
    while j > 0 and j / span > 0.9:
        j -= 1
    part = np.partition(values, (j, j + 1))
    low, high = float(part[j]), float(part[j + 1])
    at = j / span
    if at == 0.9:
        return low
    slope = (high - low) / ((j + 1) / span - at)
    value = slope * (0.9 - at) + low
    if math.isnan(value):  # numpy.interp tries from the other side
        value = slope * (0.9 - (j + 1) / span) + high
        if math.isnan(value) and low == high:
            value = low
    return value


def journey_kpis(journeys: Rows, weights: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Return the journey KPIs of each group of a selection of journeys (one replication).

    Parameters
    ----------
    journeys : Rows
        Rows of the journey table (``status``, ``judged``, ``within_norm``,
        ``lead_time_days``, ``contacts``, ``repeat_contacts``, ``switches`` are used), in
        groups (:meth:`~klantstroom.analysis.sortedrows.Rows.grouped`: a service each) or one.
    weights : numpy.ndarray, optional
        How many journeys each judged journey stands for in the shares, means and the
        percentile (ignored for journeys not judged). Default 1 each; the ``all`` row gives a
        service's judged journeys the weight (its journeys / its judged journeys), see
        :func:`journey_kpi_rows`.

    Returns
    -------
    dict of str to numpy.ndarray
        Every name of :data:`JOURNEY_KPIS`, a value per group. ``journeys``,
        ``journeys_censored`` and ``channel_switches`` count all journeys that started; the
        others are over judged journeys only and NaN without any.
    """
    judged = journeys["judged"].astype(bool)
    w = np.ones(len(journeys)) if weights is None else np.asarray(weights, dtype=float)
    w = np.where(judged, w, 0.0)
    total = journeys.total(w)
    resolved = journeys.is_value("status", "resolved")
    within = journeys["within_norm"] == 1.0  # not known (NaN): not within
    lead = journeys["lead_time_days"].astype(float)
    counted = resolved & judged & np.isfinite(lead)
    contacts = journeys["contacts"].astype(float)
    repeats = journeys["repeat_contacts"].astype(float)
    counted_lead, counted_w = lead[counted], w[counted]
    p90 = np.array(
        [
            _equal_weights_p90(counted_lead[start:end])
            if weights is None
            else _weighted_p90(counted_lead[start:end], counted_w[start:end])
            for start, end in journeys.bounds(counted)
        ]
    )
    weighted_contacts = journeys.total(w * contacts)
    return {
        "journeys": journeys.count(),
        "journeys_censored": journeys.count(~judged),
        "resolved_share": share(journeys.total(w, resolved), total),
        "given_up_share": share(journeys.total(w, journeys.is_value("status", "given_up")), total),
        "open_share": share(journeys.total(w, journeys.is_value("status", "open")), total),
        "journey_lead_time_days_mean": share(
            journeys.total(w * lead, counted), journeys.total(w, counted)
        ),
        "journey_lead_time_days_p90": p90,
        "journey_within_norm": share(journeys.total(w, within), total),
        "repeat_contact_rate": share(journeys.total(w * repeats), weighted_contacts),
        "channel_switches": journeys.total(journeys["switches"]),
        "contacts_per_journey": share(weighted_contacts, total),
    }


def service_weights(journeys: Rows) -> np.ndarray:
    """Weights that give each service its share of the journeys that *started*.

    Judged journeys are a different mix than the journeys that started: a service with a norm of
    10 working days has fewer of them in a short run than one with 5. Each judged journey of a
    service stands for (journeys of the service / its judged journeys). When a service has
    journeys but none of them judged (a run shorter than its norm), the mix cannot be restored
    and every weight is 0: the ``all`` row's shares are then empty rather than the shares of
    the other services passed off as all of them.

    Parameters
    ----------
    journeys : Rows
        One replication's rows of the journey table (``service``, ``judged`` are used).

    Returns
    -------
    numpy.ndarray
        One weight per row; 0 for journeys not judged, and everywhere when a service has no
        judged journey.
    """
    judged = journeys["judged"].astype(bool)
    code = journeys["service"]
    started = np.bincount(code)
    kept = np.bincount(code, weights=judged.astype(float), minlength=len(started))
    if ((kept == 0) & (started > 0)).any():
        return np.zeros(len(journeys))
    return np.where(judged, (started / np.maximum(kept, 1.0))[code], 0.0)


def _within(late: np.ndarray) -> float:
    """Share not late among items whose lateness is known (answered, or open past due).

    ``late`` holds 1 (late), 0 (not late) or NaN (not known yet).
    """
    known = late[~np.isnan(late)]
    return float((known == 0).mean()) if len(known) else np.nan


def _backlog(backlog: pd.DataFrame, queue: str) -> dict[str, float]:
    days = backlog[backlog["queue"] == queue]["open_end_of_day"].to_numpy(dtype=float)
    return {"backlog_mean": _mean(days), "backlog_max": float(days.max()) if len(days) else np.nan}


def _reach(reached: int, not_reached: int) -> float:
    """Attempts that reached the citizen / attempts made (still waiting ones not counted)."""
    made = reached + not_reached
    return reached / made if made else np.nan


def _row(rep: int, **keys: str) -> dict[str, object]:
    row: dict[str, object] = {
        "replication": rep,
        "channel": ALL,
        "shop": ALL,
        "department": ALL,
        "service": ALL,
        "staff_group": ALL,
    }
    row.update(keys)
    return row


def digital_kpis(contacts: Rows, backlog: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """The deferred-work KPIs of digital contacts, per group of ``contacts``: the share
    answered within the norm of those whose lateness is known (as :func:`_within`), and with
    ``backlog`` the digital backlog's mean and maximum (the same for every group)."""
    late = contacts["late"].astype(float)
    known = ~np.isnan(late)
    values = {
        "answered_within_norm": share(contacts.count(known & (late == 0)), contacts.count(known))
    }
    if backlog is not None:
        for name, value in _backlog(backlog, "digital").items():
            values[name] = np.full(contacts.n_groups, value)
    return values


def _fcr_rows(
    rep: int, made: Rows, channels: Sequence[str], staff_groups: Sequence[str]
) -> list[dict[str, object]]:
    """First-contact resolution of the served inbound contacts per channel x staff group.

    Counted with ``bincount`` over all pairs at once: ``resolved`` is 1, 0 or NaN (not known),
    so its sums are whole numbers, exact in any order, and equal to ``numpy.nanmean``'s.
    """
    served = made.is_value("outcome", "served")
    channel, group = made["channel"][served], made["staff_group"][served]
    resolved = made["resolved"][served].astype(float)
    n_groups = int(group.max()) + 1 if len(group) else 0
    pair = channel.astype(np.int64) * n_groups + group
    pair = np.where((channel >= 0) & (group >= 0), pair, -1)
    counted, known = pair >= 0, (pair >= 0) & ~np.isnan(resolved)
    size = int(pair.max()) + 1 if counted.any() else 0
    n_served = np.bincount(pair[counted], minlength=size)
    n_known = np.bincount(pair[known], minlength=size)
    n_resolved = np.bincount(pair[known], weights=resolved[known], minlength=size)
    rows: list[dict[str, object]] = []
    for name in channels:
        for staff_group in staff_groups:
            c, g = made.code("channel", name), made.code("staff_group", staff_group)
            k = c * n_groups + g if c >= 0 and 0 <= g < n_groups else size
            if k < size and n_served[k]:
                fcr = n_resolved[k] / n_known[k] if n_known[k] else np.nan
                rows.append(
                    _row(rep, channel=name, staff_group=staff_group)
                    | {"served": float(n_served[k]), "fcr_rate": float(fcr)}
                )
    return rows


def journey_kpi_rows(
    rep: int,
    contacts: SortedRows,
    tasks: SortedRows,
    journeys: JourneyRows,
    backlog: pd.DataFrame,
    *,
    channels: Sequence[str],
    departments: Sequence[tuple[str, Sequence[str]]],
    services: Sequence[str],
    staff_groups: Sequence[str],
    window_min: tuple[float, float] | None = None,
) -> list[dict[str, object]]:
    """Return the FCR-per-group, department and journey KPI rows of one replication.

    Parameters
    ----------
    rep : int
        The replication.
    contacts, tasks : SortedRows
        The contacts (:func:`klantstroom.analysis.sortedrows.contact_rows`) and tasks
        (:func:`~klantstroom.analysis.sortedrows.task_rows`) of the run; those of ``rep`` that
        arrived or were created in ``window_min`` count.
    journeys : JourneyRows
        The journeys (:func:`klantstroom.analysis.sortedrows.journey_rows`); those of ``rep``
        that started in ``window_min`` count.
    backlog : pandas.DataFrame
        The replication's rows of the backlog table in the period.
    channels, services, staff_groups : sequence of str
        Names in scenario order.
    departments : sequence of (str, sequence of str)
        Each department with its task types.
    window_min : (float, float), optional
        The period in minutes (None: every row of ``rep``).
    """
    rows: list[dict[str, object]] = []
    made = contacts.select(rep, window_min=window_min, drop=CALLBACKS)
    rows.extend(_fcr_rows(rep, made, channels, staff_groups))
    calls = contacts.select(rep, window_min=window_min, where=CALLBACKS)
    call_department, call_service = calls["department"], calls["service"]
    reached = calls.is_value("outcome", "served")
    not_reached = calls.is_value("outcome", "not_reached")
    chase_department = made["department"][made.is_value("origin", "chase")]
    for name, task_types in departments:
        in_department = call_department == calls.code("department", name)
        for service in [*task_types, ALL]:
            keys = (name,) if service == ALL else (name, service)
            sub = tasks.select(rep, keys, window_min=window_min)
            cb = in_department
            if service != ALL:
                cb = in_department & (call_service == calls.code("service", service))
            lead = sub["lead_time_days"].astype(float)
            lead = lead[~np.isnan(lead)]
            working = sub["lead_time_working_days"].astype(float)
            done = sub.is_value("status", "done")
            row = _row(rep, department=name, service=service) | {
                "tasks": float(len(sub)),
                "tasks_done": float(done.sum()),
                "tasks_open": float((~done).sum()),
                "task_lead_time_days_mean": _mean(lead),
                "task_lead_time_days_p90": _p90(lead),
                "task_lead_time_working_days_mean": _mean(working[~np.isnan(working)]),
                "task_within_norm": _within(sub["late"].astype(float)),
                "callbacks": float(cb.sum()),
                "callback_reach_rate": _reach(
                    int((reached & cb).sum()), int((not_reached & cb).sum())
                ),
            }
            if service == ALL:
                row.update(_backlog(backlog, name))
                # A chase asks about the matter, often as another service (a KCC question): it
                # is counted per department, not per task type.
                n_chases = float((chase_department == made.code("department", name)).sum())
                row["chases"] = n_chases
                row["chase_share"] = n_chases / len(made) if len(made) else np.nan
            rows.append(row)
    rows.extend(
        service_journey_rows(
            rep,
            journeys.by_service.select(rep, window_min=window_min),
            journeys.in_order.select(rep, window_min=window_min),
            services,
        )
    )
    return rows


def service_journey_rows(
    rep: int, by_service: Rows, in_order: Rows, services: Sequence[str], **keys: str
) -> list[dict[str, object]]:
    """The journey KPI rows of each service with journeys and of all services.

    ``by_service`` holds the journeys of the replication (and period, segment) in service
    order, ``in_order`` the same in the table's order, which the row of all services sums in
    (:func:`service_weights` gives each service its share of the journeys). ``keys`` are
    further key columns of the rows (a segment).
    """
    grouped = by_service.grouped(("service",), [(service,) for service in services])
    started = grouped.count()
    rows: list[dict[str, object]] = []
    for k, kpis in enumerate(per_group(journey_kpis(grouped))):
        if started[k]:  # a service without journeys has no row
            rows.append(_row(rep, service=services[k]) | keys | kpis)
    (all_services,) = per_group(journey_kpis(in_order, service_weights(in_order)))
    rows.append(_row(rep, service=ALL) | keys | all_services)
    return rows
