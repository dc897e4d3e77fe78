"""KPIs per citizen segment: who bears the waits when a service moves online.

A run with ``segments`` adds rows to ``kpis.csv`` and ``summary.csv`` with one more key column,
``segment``: per replication, period and segment, a row per channel x service the segment uses
and per channel (``service = all``) with the queue KPIs of :mod:`klantstroom.analysis.kpis`
(wait, abandonment, service level, resolution; on the counter the walk-in and appointment
KPIs, on ``digital`` the share answered within its due time), and journey rows
(``channel = all``) per service and for all services with the journey KPIs of
:mod:`klantstroom.analysis.journeys` (lead time, within norm, resolved and given up). The
definitions are those of the rows without a segment, restricted to the segment's contacts and
journeys. Every other row of the tables has ``segment = all``.

A run without segments has no ``segment`` column at all, so its tables are exactly those of
before; :func:`split_segment_rows` separates the two kinds of rows again when a run is read
back, so that readers of the ``all`` rows never meet a segment's row by accident.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.analysis.journeys import ALL, digital_kpis, service_journey_rows
from klantstroom.analysis.kpis import (
    ALL_KPIS,
    KEYS,
    SEGMENT,
    CounterNorms,
    RunRows,
    _counter_kpis,
    _queue_kpis,
    prepare_rows,
    summary_table,
)
from klantstroom.analysis.periods import PERIOD, WHOLE_RUN
from klantstroom.analysis.sortedrows import CALLBACKS, Rows, per_group
from klantstroom.scenario.spec import NormSpec

# Where the segment key goes among the key columns: after the other keys.
_AFTER = KEYS[-1]


@dataclass(frozen=True)
class SegmentKeys:
    """Which rows a segment gets: its (channel, service) pairs with demand, and its services."""

    name: str
    demand: Sequence[tuple[str, str]]
    services: Sequence[str]


def segment_kpi_table(
    contacts: pd.DataFrame,
    journeys: pd.DataFrame,
    *,
    segments: Sequence[SegmentKeys],
    channels: Sequence[str],
    thresholds_min: Mapping[str, float],
    replications: Sequence[int],
    horizon_min: float,
    counter_norms: CounterNorms | None = None,
    period: str = WHOLE_RUN,
    prepared: RunRows | None = None,
    start_min: float = 0.0,
) -> pd.DataFrame:
    """Return the KPI rows per replication x segment (see the module docstring).

    Parameters
    ----------
    contacts, journeys : pandas.DataFrame
        The contact and journey tables (of the period), with their ``segment`` column.
    segments : sequence of SegmentKeys
        The segments in scenario order. Each gets its rows in every replication, also when
        none of its citizens came (offered 0), so that means over replications are unbiased.
    channels : sequence of str
        Channel names in scenario order.
    thresholds_min : mapping of str to float
        Service-level threshold per channel in minutes.
    replications : sequence of int
        Replication numbers.
    horizon_min : float
        End of the period in minutes (turned-away visitors are those unserved before it).
    counter_norms : CounterNorms, optional
        Counter norms: with them the counter rows have the counter KPIs.
    period : str
        The ``period`` column of the rows.
    prepared : RunRows, optional
        The contacts and journeys of the whole run, sorted once for all its periods
        (:func:`klantstroom.analysis.kpis.prepare_rows`): those that arrived or started in
        [``start_min``, ``horizon_min``) count, and ``contacts`` and ``journeys`` are not
        read. Without it they are prepared here from those tables, then the period's.
    start_min : float
        Start of the period in minutes.
    """
    rows: list[dict[str, object]] = []
    period_min: tuple[float, float] | None = (start_min, horizon_min)
    if prepared is None:
        prepared = prepare_rows(contacts, None, journeys)
        period_min = None  # the tables are the period's already
    contact_rows = prepared.contacts
    assert prepared.journeys is not None
    by_service = prepared.journeys.by_service
    for rep in replications:
        # Every segment's contacts of a channel at once, in groups per segment x service.
        kpis_of: dict[tuple[str, str, str], dict[str, float]] = {}
        for channel in channels:
            pairs = [(seg.name, s) for seg in segments for c, s in seg.demand if c == channel]
            if not pairs:
                continue
            names = list(dict.fromkeys(name for name, _ in pairs))
            made = contact_rows.select(rep, (channel,), window_min=period_min, drop=CALLBACKS)
            for sub, keys in (
                (made.grouped((SEGMENT, "service"), pairs), pairs),
                (made.grouped((SEGMENT,), [(name,) for name in names]), [(n, ALL) for n in names]),
            ):
                values = _queue_kpis(sub, thresholds_min[channel]) | _channel_kpis(
                    channel, sub, counter_norms, horizon_min
                )
                for (name, service), kpis in zip(keys, per_group(values), strict=True):
                    kpis_of[(name, channel, service)] = kpis
        for segment in segments:
            for channel in channels:
                offered = [s for c, s in segment.demand if c == channel]
                for service in [*offered, ALL] if offered else []:
                    rows.append(
                        _row(rep, segment.name, channel=channel, service=service)
                        | kpis_of[(segment.name, channel, service)]
                    )
            # A segment's journeys of all services sum in service order, as their grouping did.
            started = by_service.select(rep, window_min=period_min, where=(SEGMENT, segment.name))
            rows.extend(
                service_journey_rows(
                    rep, started, started, segment.services, **{SEGMENT: segment.name}
                )
            )
    table = pd.DataFrame(rows, columns=["replication", *KEYS, SEGMENT, *ALL_KPIS])
    table["replication"] = table["replication"].astype(np.int32)
    table.insert(1, PERIOD, period)
    return table


def _channel_kpis(
    channel: str, sub: Rows, norms: CounterNorms | None, horizon_min: float
) -> dict[str, np.ndarray]:
    """The counter KPIs on the counter, the deferred-work norm on ``digital``; else none."""
    if channel == "counter" and norms is not None:
        return _counter_kpis(sub, norms, horizon_min)
    if channel == "digital" and "late" in sub:
        return digital_kpis(sub, None)
    return {}


def _row(rep: int, segment: str, **keys: str) -> dict[str, object]:
    row: dict[str, object] = {"replication": rep, **dict.fromkeys(KEYS, ALL)}
    row.update(keys)
    row[SEGMENT] = segment
    return row


def segment_summary_table(kpis: pd.DataFrame, norms: Sequence[NormSpec] = ()) -> pd.DataFrame:
    """The mean and 95% interval per segment row, as :func:`summary_table` gives per key.

    A segment's rows are judged against the same norms as the rows of all citizens (the
    phone's abandonment norm holds for every caller).
    """
    frames = []
    for segment, rows in kpis.groupby(SEGMENT, sort=False):
        summary = summary_table(rows.drop(columns=[SEGMENT]), norms=norms)
        if len(summary):
            summary.insert(list(summary.columns).index(_AFTER) + 1, SEGMENT, segment)
            frames.append(summary)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def with_segment_rows(table: pd.DataFrame, segment_rows: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` (the rows of all citizens) and the segment rows as one table to write.

    Without segment rows (``None``: a scenario without segments) the table is returned as it
    is, without a ``segment`` column.
    """
    if segment_rows is None:
        return table
    table = table.copy()
    table.insert(list(table.columns).index(_AFTER) + 1, SEGMENT, ALL)
    if not len(segment_rows):
        return table
    return pd.concat([table, segment_rows[table.columns]], ignore_index=True)


def split_segment_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a written ``kpis.csv`` or ``summary.csv`` into the rows of all citizens (without
    the ``segment`` column, as a run without segments writes them) and the segment rows."""
    if SEGMENT not in table:
        return table, table.iloc[:0].assign(**{SEGMENT: pd.Series(dtype=str)})
    mine = (table[SEGMENT].astype(str) != ALL).to_numpy()
    everyone = table[~mine].drop(columns=[SEGMENT]).reset_index(drop=True)
    return everyone, table[mine].reset_index(drop=True)
