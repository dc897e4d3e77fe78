"""Key performance indicators per replication, and their summary across replications.

``kpis.csv`` has one row per replication x channel x shop x service, plus a row per channel with
``service = "all"``, plus a row per staff group with ``channel = service = "all"``. Definitions
(waits in minutes; the service-level convention is the package's, see
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
* ``occupancy`` — (staff group rows) busy time (service + wrap-up) / time on duty, both clipped
  to the reported period; ``staff_hours`` and ``busy_hours`` are those two times in hours.

``summary.csv`` gives, per key and KPI, the mean over replications with a 95% confidence interval
(Student t), and for the service level the channel's target and whether the mean meets it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.stats import mean_ci
from klantstroom.analysis.timeaverage import cumulative_presence

KEYS = ("channel", "shop", "service", "staff_group")
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
)
STAFF_KPIS = ("occupancy", "staff_hours", "busy_hours")


def _queue_kpis(sub: pd.DataFrame, threshold_min: float) -> dict[str, float]:
    outcome = sub["outcome"].to_numpy()
    wait = sub["wait_min"].to_numpy()
    served = outcome == "served"
    abandoned = outcome == "abandoned"
    ended = served | abandoned
    n_served, n_abandoned = int(served.sum()), int(abandoned.sum())
    n_ended = n_served + n_abandoned
    resolved = sub["resolved"].to_numpy(dtype=float, na_value=np.nan)
    return {
        "offered": float(len(sub)),
        "served": float(n_served),
        "abandoned": float(n_abandoned),
        "unserved": float(len(sub) - n_ended),
        "abandonment_rate": n_abandoned / n_ended if n_ended else np.nan,
        "asa_min": float(wait[served].mean()) if n_served else np.nan,
        "mean_wait_min": float(wait[ended].mean()) if n_ended else np.nan,
        "p90_wait_min": float(np.quantile(wait[ended], 0.9)) if n_ended else np.nan,
        "service_level": (
            float((served & (wait <= threshold_min + 1e-9)).sum()) / n_ended if n_ended else np.nan
        ),
        "fcr_rate": float(np.nanmean(resolved[served])) if n_served else np.nan,
        "redials": float((sub["attempt"].to_numpy() > 1).sum()),
        "mean_handling_min": float(sub["service_min"].to_numpy()[served].mean())
        if n_served
        else np.nan,
    }


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
        End of the reported period in minutes (it starts at 0).
    replications : sequence of int
        Replication numbers.
    """
    rows = []
    window = np.array([0.0, horizon_min])
    for rep in replications:
        rep_contacts = contacts[contacts["replication"] == rep]
        for channel in channels:
            offered = [service for service in services if (channel, service) in demand]
            if not offered:
                continue
            chan = rep_contacts[rep_contacts["channel"] == channel]
            threshold = thresholds_min[channel]
            for service in offered:
                rows.append(
                    {
                        "replication": rep,
                        "channel": channel,
                        "shop": ALL,
                        "service": service,
                        "staff_group": ALL,
                        **_queue_kpis(chan[chan["service"] == service], threshold),
                    }
                )
            rows.append(
                {
                    "replication": rep,
                    "channel": channel,
                    "shop": ALL,
                    "service": ALL,
                    "staff_group": ALL,
                    **_queue_kpis(chan, threshold),
                }
            )
        rep_staff = staff[staff["replication"] == rep]
        rep_spans = spans[spans["replication"] == rep] if len(spans) else spans
        for code, group in enumerate(staff_groups):
            spells = rep_staff[rep_staff["staff_group"] == group]
            on = np.diff(
                cumulative_presence(
                    spells["on_min"].to_numpy(), spells["off_min"].to_numpy(), window
                )
            )[0]
            busy = 0.0
            if len(rep_spans):
                work = rep_spans[(rep_spans["staff_group"] == code) & rep_spans["busy_end"].notna()]
                busy = np.diff(
                    cumulative_presence(
                        work["busy_start"].to_numpy(), work["busy_end"].to_numpy(), window
                    )
                )[0]
            rows.append(
                {
                    "replication": rep,
                    "channel": ALL,
                    "shop": ALL,
                    "service": ALL,
                    "staff_group": group,
                    "occupancy": busy / on if on > 0 else np.nan,
                    "staff_hours": on / 60.0,
                    "busy_hours": busy / 60.0,
                }
            )
    table = pd.DataFrame(rows, columns=["replication", *KEYS, *QUEUE_KPIS, *STAFF_KPIS])
    table["replication"] = table["replication"].astype(np.int32)
    return table


def summary_table(
    kpis: pd.DataFrame, targets: Mapping[str, float] | None = None, confidence: float = 0.95
) -> pd.DataFrame:
    """Return the mean and confidence interval across replications of every KPI.

    Parameters
    ----------
    kpis : pandas.DataFrame
        Output of :func:`kpi_table`.
    targets : mapping of str to float, optional
        Service-level target per channel; adds ``target`` and ``meets_target`` for
        ``service_level`` rows (met when the mean is at or above the target).
    confidence : float
        Confidence level of the interval, default 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns: the keys, ``kpi``, ``mean``, ``ci_low``, ``ci_high``, ``n_replications``,
        ``target``, ``meets_target``.
    """
    targets = targets or {}
    rows = []
    for key, group in kpis.groupby(list(KEYS), sort=False, dropna=False):
        for kpi in (*QUEUE_KPIS, *STAFF_KPIS):
            values = group[kpi].to_numpy(dtype=float)
            if np.all(np.isnan(values)):
                continue
            mean, low, high = mean_ci(values, confidence)
            target = targets.get(str(key[0])) if kpi == "service_level" else None
            rows.append(
                {
                    **dict(zip(KEYS, key, strict=True)),
                    "kpi": kpi,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n_replications": int((~np.isnan(values)).sum()),
                    "target": np.nan if target is None else target,
                    "meets_target": pd.NA if target is None else bool(mean >= target),
                }
            )
    table = pd.DataFrame(rows)
    if len(table):
        table["meets_target"] = table["meets_target"].astype("boolean")
    return table
