"""Statistics per interval (15, 30 or 60 minutes): the day as a planner sees it.

Two kinds of rows share one table (``intervals.parquet``):

* queue rows, per replication x interval x channel x shop (``staff_group`` empty): contacts that
  *arrived* in the interval — ``arrivals``, ``served``, ``abandoned``, ``unserved``, ``asa_min``
  (mean wait of those served), ``service_level`` (served within the channel's threshold /
  (served + abandoned)) — and ``mean_queue_length``, the time-average number waiting during it;
* shop rows, per replication x interval x shop (``channel`` = counter): the queue columns of the
  shop's visitors, with ``mean_queue_length`` counting walk-ins only (appointment visitors wait
  for their slot, not in the ticket queue), and ``desks_open`` (time-average staffed desks: staff
  present, at most the shop's desks) and ``desks_busy`` (time-average desks in use);
* staff rows, per replication x interval x staff group (``channel`` and ``shop`` empty):
  ``staff_scheduled`` (time-average number rostered), ``staff_on_duty`` (also counting members
  who stay on to finish a contact), ``staff_busy`` (time-average number serving or in wrap-up) and
  ``occupancy`` = busy / on duty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import codes_of, is_value, string_array, text_values
from klantstroom.analysis.journeys import inbound_mask
from klantstroom.analysis.timeaverage import (
    mean_capped_count_per_interval,
    mean_count_per_interval,
)
from klantstroom.analysis.training import work_spells

QUEUE_COLUMNS = (
    "arrivals",
    "served",
    "abandoned",
    "unserved",
    "asa_min",
    "service_level",
    "mean_queue_length",
)
SHOP_COLUMNS = ("desks_open", "desks_busy")
STAFF_COLUMNS = ("staff_scheduled", "staff_on_duty", "staff_busy", "occupancy")
COUNT_COLUMNS = ("arrivals", "served", "abandoned", "unserved")


def interval_edges(horizon_min: float, interval_min: int) -> np.ndarray:
    """Return interval boundaries from 0 to the horizon (the last interval may be shorter)."""
    edges = np.arange(0.0, horizon_min, float(interval_min))
    return np.append(edges, horizon_min)


def intervals_table(
    contacts: pd.DataFrame,
    staff: pd.DataFrame,
    spans: pd.DataFrame,
    *,
    channels: Sequence[str],
    staff_groups: Sequence[str],
    thresholds_min: Mapping[str, float],
    interval_min: int,
    horizon_min: float,
    start_date: pd.Timestamp,
    replications: Sequence[int],
    shops: Mapping[str, tuple[int, float]] | None = None,
) -> pd.DataFrame:
    """Return the interval table (see the module docstring for its rows and columns).

    Parameters
    ----------
    contacts : pandas.DataFrame
        The contact table (:func:`klantstroom.tables.contacts_table`).
    staff : pandas.DataFrame
        The staff spell table (:func:`klantstroom.tables.staff_table`).
    spans : pandas.DataFrame
        Waiting and busy spans of all contacts (:func:`klantstroom.tables.spans_table`).
    channels, staff_groups : sequence of str
        Names, in scenario order (span codes index them).
    thresholds_min : mapping of str to float
        Service-level threshold per channel, in minutes.
    interval_min : int
        Interval length in minutes.
    horizon_min : float
        End of the reported period in minutes.
    start_date : pandas.Timestamp
        Calendar time of minute 0.
    replications : sequence of int
        Replication numbers to report (also those without any contact).
    shops : mapping of str to (int, float), optional
        Desks (and opening minutes) per shop, in scenario order; adds the shop rows.
    """
    edges = interval_edges(horizon_min, interval_min)
    n = len(edges) - 1
    starts = edges[:-1]
    staff = work_spells(staff)  # in class or teaching is not on duty for contacts
    # Every column is read once as an array, and each replication, channel, shop and group is
    # a mask of those: a boolean filter of the DataFrames copied every column of a year's
    # tables per replication and again per channel and staff group.
    inbound_rows = inbound_mask(contacts)  # as in kpis.csv
    contact_rep = contacts["replication"].to_numpy()
    arrival = contacts["arrival_min"].to_numpy(dtype=float)
    wait = contacts["wait_min"].to_numpy(dtype=float)
    served_all = is_value(contacts["outcome"], "served")
    abandoned_all = is_value(contacts["outcome"], "abandoned")
    unserved_all = is_value(contacts["outcome"], "unserved")
    span = {name: spans[name].to_numpy() for name in _SPAN_COLUMNS if name in spans}
    spell = {name: staff[name].to_numpy() for name in _SPELL_COLUMNS}
    group_code, group_names = codes_of(staff["staff_group"])
    code_of_group = {str(name): code for code, name in enumerate(group_names)}
    spell_shop = text_values(staff["shop"]) if "shop" in staff else np.full(len(staff), None)
    places: list[tuple[int, str, str | None, int]] = [
        (code, channel, None, -1) for code, channel in enumerate(channels)
    ]
    if shops and "counter" in channels:
        code = list(channels).index("counter")
        places += [(code, "counter", shop, k) for k, shop in enumerate(shops)]
    in_place = {
        (channel, shop): is_value(contacts["channel"], channel)
        & (True if shop is None else is_value(contacts["shop"], shop))
        for _, channel, shop, _ in places
    }
    built: dict[str, list[np.ndarray]] = {name: [] for name in _TABLE_COLUMNS}
    named: dict[str, dict[str, int]] = {name: {} for name in _NAME_COLUMNS}
    desks = {name: count for name, (count, _) in (shops or {}).items()}
    for rep in replications:
        # Positions and arrival bins as int32: a year's replication has a million
        # contacts, and these arrays are held while each place is counted.
        of_rep = np.flatnonzero(inbound_rows & (contact_rep == rep)).astype(np.int32)
        span_rep = (
            np.flatnonzero(span["replication"] == rep).astype(np.int32) if len(spans) else _NO_ROWS
        )
        spell_rep = spell["replication"] == rep
        for code, channel, shop, shop_code in places:
            rows = of_rep[in_place[(channel, shop)][of_rep]]
            bins = np.minimum(arrival[rows] // interval_min, n - 1).astype(np.int32)
            served = served_all[rows]
            waits = wait[rows]
            within = served & (waits <= thresholds_min[channel] + 1e-9)
            n_served = np.bincount(bins, weights=served, minlength=n)
            n_abandoned = np.bincount(bins, weights=abandoned_all[rows], minlength=n)
            wait_served = np.bincount(bins, weights=np.where(served, waits, 0.0), minlength=n)
            n_within = np.bincount(bins, weights=within, minlength=n)
            ended = n_served + n_abandoned
            desks_open = desks_busy = np.full(n, np.nan)
            if len(span_rep):
                chan = span_rep[span["channel"][span_rep] == code]
                if shop is not None:
                    chan = chan[span["shop"][chan] == shop_code]
                    in_use = chan[~np.isnan(span["busy_end"][chan])]
                    here = spell_rep & (spell_shop == shop)
                    desks_open = mean_capped_count_per_interval(
                        spell["on_min"][here], spell["off_min"][here], desks[shop], edges
                    )
                    desks_busy = mean_count_per_interval(
                        span["busy_start"][in_use], span["busy_end"][in_use], edges
                    )
                    chan = chan[~span["appointment"][chan].astype(bool)]
                queue_len = mean_count_per_interval(
                    span["wait_start"][chan], span["wait_end"][chan], edges
                )
            else:
                queue_len = np.zeros(n)
            with np.errstate(invalid="ignore", divide="ignore"):
                _add_rows(
                    built,
                    named,
                    n,
                    rep,
                    starts,
                    place=(channel, shop, None),
                    arrivals=np.bincount(bins, minlength=n).astype(float),
                    served=n_served,
                    abandoned=n_abandoned,
                    unserved=np.bincount(bins, weights=unserved_all[rows], minlength=n),
                    asa_min=np.where(n_served > 0, wait_served / n_served, np.nan),
                    service_level=np.where(ended > 0, n_within / ended, np.nan),
                    mean_queue_length=queue_len,
                    desks_open=desks_open,
                    desks_busy=desks_busy,
                )
        for code, group in enumerate(staff_groups):
            here = spell_rep & (group_code == code_of_group.get(group, -2))
            on = spell["on_min"][here]
            off = spell["off_min"][here]
            rostered_off = np.minimum(off, spell["scheduled_off_min"][here])
            scheduled = mean_count_per_interval(on, rostered_off, edges)
            on_duty = mean_count_per_interval(on, off, edges)
            if len(span_rep):
                work = span_rep[span["staff_group"][span_rep] == code]
                busy = mean_count_per_interval(
                    span["busy_start"][work], span["busy_end"][work], edges
                )
            else:
                busy = np.zeros(n)
            with np.errstate(invalid="ignore", divide="ignore"):
                occupancy = np.where(on_duty > 0, busy / on_duty, np.nan)
            _add_rows(
                built,
                named,
                n,
                rep,
                starts,
                place=(None, None, group),
                staff_scheduled=scheduled,
                staff_on_duty=on_duty,
                staff_busy=busy,
                occupancy=occupancy,
            )
    data = {
        name: np.concatenate(parts) if parts else np.array([], dtype=np.int64)
        for name, parts in built.items()
    }
    # The concatenated columns as they are: not copied again into a block per dtype.
    table = pd.DataFrame(data, copy=False)
    # The names were numbered as the rows were added: a column of the strings themselves
    # would be checked row by row, a million rows a year.
    for column in _NAME_COLUMNS:
        table[column] = string_array(data[column], list(named[column]))
    table["replication"] = table["replication"].astype(np.int32)
    stamps = start_date + pd.to_timedelta(table["interval_start_min"], unit="min")
    table.insert(2, "interval_start", stamps.astype("datetime64[ns]"))
    columns = [
        "replication",
        "interval_start_min",
        "interval_start",
        "channel",
        "shop",
        "staff_group",
        *QUEUE_COLUMNS,
        *SHOP_COLUMNS,
        *STAFF_COLUMNS,
    ]
    # Counts are whole numbers; staff rows have none, so the columns are nullable integers.
    for column in COUNT_COLUMNS:
        table[column] = table[column].astype("Int64")
    return table[columns]


# The span and staff-spell columns the rows read.
_SPAN_COLUMNS = (
    "replication",
    "channel",
    "shop",
    "staff_group",
    "appointment",
    "wait_start",
    "wait_end",
    "busy_start",
    "busy_end",
)
_SPELL_COLUMNS = ("replication", "on_min", "off_min", "scheduled_off_min")
_NO_ROWS = np.array([], dtype=np.int32)
_NAME_COLUMNS = ("channel", "shop", "staff_group")
# The columns of the table as it is built (interval_start is added from interval_start_min).
_TABLE_COLUMNS = (
    "replication",
    "interval_start_min",
    "channel",
    "shop",
    "staff_group",
    *QUEUE_COLUMNS,
    *SHOP_COLUMNS,
    *STAFF_COLUMNS,
)


def _add_rows(
    columns: dict[str, list[np.ndarray]],
    named: dict[str, dict[str, int]],
    n: int,
    rep: int,
    starts: np.ndarray,
    *,
    place: tuple[str | None, str | None, str | None],
    **values: np.ndarray,
) -> None:
    """Append the ``n`` interval rows of one replication x place (channel, shop, staff group):
    ``values`` per column, NaN in the columns not given; a name as its number in ``named``
    (-1: none)."""
    columns["replication"].append(np.full(n, rep, dtype=np.int64))
    columns["interval_start_min"].append(starts)
    for name, value in zip(_NAME_COLUMNS, place, strict=True):
        codes = named[name]
        code = -1 if value is None else codes.setdefault(value, len(codes))
        columns[name].append(np.full(n, code, dtype=np.int64))
    for name in (*QUEUE_COLUMNS, *SHOP_COLUMNS, *STAFF_COLUMNS):
        columns[name].append(values[name] if name in values else np.full(n, np.nan))
