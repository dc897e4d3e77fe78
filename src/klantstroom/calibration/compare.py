"""The yardsticks of a validation: the same measures computed on a log and on a simulation.

Both sides are reduced to one table of queued calls with ``hour`` (hour of the day of arrival),
``outcome`` ("served" / "abandoned"), ``wait_s`` and the waiting span, so the measures cannot
differ by definition:

* ``abandonment_rate`` — abandoned / (served + abandoned);
* ``mean_wait_served_s`` — mean wait of served calls;
* ``within_30s`` and ``within_60s`` — served within 30 (60) s / (served + abandoned), the package's
  service-level convention;
* ``offered`` — calls that ended (served or abandoned), per replication;
* ``mean_queue_length`` — the time-average number of calls waiting, per hour of the day (averaged
  over the days of the period and over replications), from the waiting spans.

Rates pool the calls of all replications of a simulation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.timeaverage import mean_count_per_interval

_CLASS = re.compile(r"_p\d+$")


def base_service(name: str) -> str:
    """The call type of a model service (drops a priority class suffix such as ``_p2``)."""
    return _CLASS.sub("", name)


MEASURES: tuple[str, ...] = (
    "offered",
    "abandonment_rate",
    "mean_wait_served_s",
    "within_30s",
    "within_60s",
    "mean_queue_length",
)


def queued_calls_from_log(calls: pd.DataFrame) -> pd.DataFrame:
    """Reduce an imported call log to the comparison table (times in seconds since day 0)."""
    origin = calls["arrival"].min().normalize()
    arrival_s = (calls["arrival"] - origin).dt.total_seconds().to_numpy()
    wait = calls["wait_s"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "replication": 0,
            "day": (arrival_s // 86400).astype(int),
            "hour": ((arrival_s % 86400) // 3600).astype(int),
            "service": calls["service"].astype(str).to_numpy(),
            "outcome": calls["outcome"].astype(str).to_numpy(),
            "wait_s": wait,
            "wait_start_s": arrival_s,
            "wait_end_s": arrival_s + wait,
        }
    )


def queued_calls_from_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Reduce a simulated contact table (``contacts.parquet``) to the comparison table.

    Contacts still waiting at the horizon are left out, as a log holds only calls that ended.
    """
    ended = contacts[contacts["outcome"].isin(["served", "abandoned"])]
    arrival_s = ended["arrival_min"].to_numpy(dtype=float) * 60.0
    wait = ended["wait_min"].to_numpy(dtype=float) * 60.0
    return pd.DataFrame(
        {
            "replication": ended["replication"].to_numpy(),
            "day": (arrival_s // 86400).astype(int),
            "hour": ((arrival_s % 86400) // 3600).astype(int),
            "service": ended["service"].astype(str).map(base_service).to_numpy(),
            "outcome": ended["outcome"].astype(str).to_numpy(),
            "wait_s": wait,
            "wait_start_s": arrival_s,
            "wait_end_s": arrival_s + wait,
        }
    )


def _measures(table: pd.DataFrame) -> dict[str, float]:
    served = table["outcome"].to_numpy() == "served"
    wait = table["wait_s"].to_numpy(dtype=float)
    n = len(table)
    if n == 0:
        return {m: np.nan for m in MEASURES if m != "mean_queue_length"} | {"offered": 0.0}
    return {
        "offered": float(n),
        "abandonment_rate": float((~served).sum() / n),
        "mean_wait_served_s": float(wait[served].mean()) if served.any() else np.nan,
        "within_30s": float((served & (wait <= 30.0)).sum() / n),
        "within_60s": float((served & (wait <= 60.0)).sum() / n),
    }


def hourly_queue_length(table: pd.DataFrame, days: int) -> np.ndarray:
    """Mean number waiting per hour of the day (24 values), over ``days`` days and replications."""
    edges = np.arange(0.0, days * 86400.0 + 1.0, 3600.0)
    per_hour = mean_count_per_interval(
        table["wait_start_s"].to_numpy(), table["wait_end_s"].to_numpy(), edges
    )
    replications = max(int(table["replication"].nunique()), 1)
    return per_hour.reshape(days, 24).mean(axis=0) / replications


def measure(table: pd.DataFrame, days: int, services: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the measures per hour of the day (rows 0..23) and overall (row "all").

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`queued_calls_from_log` or :func:`queued_calls_from_contacts`.
    days : int
        Days in the period (for the hourly queue length).
    services : sequence of str, optional
        Only these services (e.g. ``["PS"]``); all when None.
    """
    if services is not None:
        table = table[table["service"].isin(list(services))]
    rows = {hour: _measures(table[table["hour"] == hour]) for hour in range(24)}
    rows["all"] = _measures(table)  # type: ignore[index]
    result = pd.DataFrame.from_dict(rows, orient="index")
    # Offered calls per replication, so a log and a replay of the same period compare directly.
    result["offered"] = result["offered"] / max(int(table["replication"].nunique()), 1)
    queue = hourly_queue_length(table, days)
    result["mean_queue_length"] = [*queue.tolist(), float(queue.mean())]
    result.index.name = "hour"
    return result


def by_class(sources: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Abandonment and mean wait of served calls per model service (type x class) and source.

    Each source is a table with ``model_service``, ``outcome`` and ``wait_s`` columns.
    """
    rows = {}
    for name, table in sources.items():
        for key, group in table.groupby("model_service"):
            served = group["outcome"].astype(str) == "served"
            ended = served | (group["outcome"].astype(str) == "abandoned")
            rows[(str(key), name)] = {
                "calls": int(ended.sum()),
                "abandonment_%": 100 * float((~served & ended).sum() / max(ended.sum(), 1)),
                "mean_wait_served_s": float(group.loc[served, "wait_s"].mean()),
            }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=["service", "source"])
    return frame.sort_index()


def comparison_table(measures: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Overall measures side by side, one row per source (log, trace replay, model replay)."""
    return pd.DataFrame({name: table.loc["all"] for name, table in measures.items()}).T


def largest_differences(
    hourly: dict[str, pd.DataFrame],
    served: pd.DataFrame,
    hours: int = 5,
    min_share: float = 0.01,
) -> pd.DataFrame:
    """The hours of the day where the model-driven replay misses the log's abandonment most.

    Parameters
    ----------
    hourly : dict of str to pandas.DataFrame
        :func:`measure` of ``"log"``, ``"trace"`` and ``"model"``.
    served : pandas.DataFrame
        The log's served calls of the same call types: ``hour`` (of arrival) and ``service_s``,
        to show whether the calls of an hour are unlike the day's (the scenario has one
        handling-time distribution for all hours).
    hours : int
        How many hours to list.
    min_share : float
        Hours with less than this share of the log's calls are left out (a handful of night
        calls abandon at any rate).

    Returns
    -------
    pandas.DataFrame
        Index ``hour``, sorted by the size of the model's surplus (or deficit) of abandoned
        calls, ``abandoned_extra`` = model abandoned - log abandoned (per replication); with
        the log's offered calls, abandonment (%) and mean wait of served calls (s) of the log
        and both replays, and the hour's handling time against the day's mean (%).
    """
    log, trace, model = (hourly[name].drop(index="all") for name in ("log", "trace", "model"))
    offered = log["offered"].astype(float)
    busy = offered >= min_share * float(offered.sum())
    extra = (
        model["offered"] * model["abandonment_rate"].fillna(0.0)
        - offered * log["abandonment_rate"].fillna(0.0)
    )[busy]
    top = extra.abs().sort_values(ascending=False).index[:hours]
    handling_s = served.groupby("hour")["service_s"].mean()
    day_mean_s = float(served["service_s"].mean())
    table = pd.DataFrame(
        {
            "offered_log": offered.round().astype(int),  # a log's calls are whole
            "abandoned_extra": extra,
            "abandonment_log_%": 100 * log["abandonment_rate"],
            "abandonment_trace_%": 100 * trace["abandonment_rate"],
            "abandonment_model_%": 100 * model["abandonment_rate"],
            "mean_wait_log_s": log["mean_wait_served_s"],
            "mean_wait_trace_s": trace["mean_wait_served_s"],
            "mean_wait_model_s": model["mean_wait_served_s"],
            "handling_vs_day_%": 100 * (handling_s.reindex(log.index) / day_mean_s - 1),
        }
    ).loc[top]
    table.index.name = "hour"
    return table
