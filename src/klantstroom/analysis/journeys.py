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
  and ``all``): ``journeys`` that started, the shares ``resolved_share``, ``given_up_share`` and
  ``open_share``, ``journey_lead_time_days_mean`` and ``_p90`` (resolved journeys, first contact
  to resolution, in days), ``journey_within_norm`` (resolved by the service's norm / resolved),
  ``repeat_contact_rate`` (contacts that repeat an attempt: redials, returns after balking,
  channel switches, rebookings / all contacts of those journeys), ``channel_switches`` and
  ``contacts_per_journey``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ALL = "all"

DIGITAL_KPIS = ("answered_within_norm", "backlog_mean", "backlog_max")
BACKOFFICE_KPIS = (
    "tasks",
    "tasks_done",
    "tasks_open",
    "task_lead_time_days_mean",
    "task_lead_time_days_p90",
    "task_within_norm",
    "callbacks",
    "callback_reach_rate",
)
JOURNEY_KPIS = (
    "journeys",
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
    if "origin" not in contacts:
        return contacts
    return contacts[contacts["origin"] != "callback"]


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else np.nan


def _p90(values: np.ndarray) -> float:
    return float(np.quantile(values, 0.9)) if len(values) else np.nan


def _within(late: pd.Series) -> float:
    """Share not late among items whose lateness is known (answered, or open past due)."""
    known = late.dropna()
    return float((~known.astype(bool)).mean()) if len(known) else np.nan


def _backlog(backlog: pd.DataFrame, queue: str) -> dict[str, float]:
    days = backlog[backlog["queue"] == queue]["open_end_of_day"].to_numpy(dtype=float)
    return {"backlog_mean": _mean(days), "backlog_max": float(days.max()) if len(days) else np.nan}


def _reach(outcome: pd.Series) -> float:
    """Attempts that reached the citizen / attempts made (still waiting ones not counted)."""
    reached = int((outcome == "served").sum())
    made = reached + int((outcome == "not_reached").sum())
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


def digital_kpis(contacts: pd.DataFrame, backlog: pd.DataFrame | None) -> dict[str, float]:
    """The deferred-work KPIs of digital contacts (one channel x service selection)."""
    values: dict[str, float] = {"answered_within_norm": _within(contacts["late"])}
    if backlog is not None:
        values.update(_backlog(backlog, "digital"))
    return values


def journey_kpi_rows(
    rep: int,
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    journeys: pd.DataFrame,
    backlog: pd.DataFrame,
    *,
    channels: Sequence[str],
    departments: Sequence[tuple[str, Sequence[str]]],
    services: Sequence[str],
    staff_groups: Sequence[str],
) -> list[dict[str, object]]:
    """Return the FCR-per-group, department and journey KPI rows of one replication.

    Parameters
    ----------
    rep : int
        The replication; the tables are already restricted to it.
    contacts, tasks, journeys, backlog : pandas.DataFrame
        The replication's rows of the contact, task, journey and backlog tables.
    channels, services, staff_groups : sequence of str
        Names in scenario order.
    departments : sequence of (str, sequence of str)
        Each department with its task types.
    """
    rows: list[dict[str, object]] = []
    made = inbound(contacts)
    served = made[made["outcome"] == "served"]
    for channel in channels:
        chan = served[served["channel"] == channel]
        for group in staff_groups:
            sub = chan[chan["staff_group"] == group]
            if len(sub):
                resolved = sub["resolved"].to_numpy(dtype=float, na_value=np.nan)
                rows.append(
                    _row(rep, channel=channel, staff_group=group)
                    | {"served": float(len(sub)), "fcr_rate": float(np.nanmean(resolved))}
                )
    callbacks = contacts[contacts["origin"] == "callback"]
    for name, task_types in departments:
        at = tasks[tasks["department"] == name]
        calls = callbacks[callbacks["department"] == name]
        for service in [*task_types, ALL]:
            sub = at if service == ALL else at[at["service"] == service]
            cb = calls if service == ALL else calls[calls["service"] == service]
            lead = sub["lead_time_days"].dropna().to_numpy(dtype=float)
            done = (sub["status"] == "done").to_numpy()
            row = _row(rep, department=name, service=service) | {
                "tasks": float(len(sub)),
                "tasks_done": float(done.sum()),
                "tasks_open": float((~done).sum()),
                "task_lead_time_days_mean": _mean(lead),
                "task_lead_time_days_p90": _p90(lead),
                "task_within_norm": _within(sub["late"]),
                "callbacks": float(len(cb)),
                "callback_reach_rate": _reach(cb["outcome"]),
            }
            if service == ALL:
                row.update(_backlog(backlog, name))
            rows.append(row)
    for service in [*services, ALL]:
        sub = journeys if service == ALL else journeys[journeys["service"] == service]
        if not len(sub) and service != ALL:
            continue
        n = len(sub)
        status = sub["status"].to_numpy()
        resolved = status == "resolved"
        lead = sub["lead_time_days"].to_numpy(dtype=float)[resolved]
        n_contacts = float(sub["contacts"].sum())
        rows.append(
            _row(rep, service=service)
            | {
                "journeys": float(n),
                "resolved_share": float(resolved.mean()) if n else np.nan,
                "given_up_share": float((status == "given_up").mean()) if n else np.nan,
                "open_share": float((status == "open").mean()) if n else np.nan,
                "journey_lead_time_days_mean": _mean(lead),
                "journey_lead_time_days_p90": _p90(lead),
                "journey_within_norm": _within(~sub["within_norm"].astype("boolean")),
                "repeat_contact_rate": float(sub["repeat_contacts"].sum()) / n_contacts
                if n_contacts
                else np.nan,
                "channel_switches": float(sub["switches"].sum()),
                "contacts_per_journey": n_contacts / n if n else np.nan,
            }
        )
    return rows
