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

from klantstroom.analysis.groups import is_value
from klantstroom.analysis.journeys import inbound
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
# The contact columns the queue rows read.
_CONTACT_COLUMNS = (
    "replication",
    "channel",
    "shop",
    "origin",
    "arrival_min",
    "outcome",
    "wait_min",
)
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
    # The columns read below: a filter copies these, not the table's 33.
    contacts = contacts[[c for c in _CONTACT_COLUMNS if c in contacts]]
    frames = []
    for rep in replications:
        rep_contacts = inbound(contacts[contacts["replication"] == rep])  # as in kpis.csv
        rep_staff = staff[staff["replication"] == rep]
        rep_spans = spans[spans["replication"] == rep] if len(spans) else spans
        places: list[tuple[int, str, str | None, int]] = [
            (code, channel, None, -1) for code, channel in enumerate(channels)
        ]
        if shops and "counter" in channels:
            code = list(channels).index("counter")
            places += [(code, "counter", shop, k) for k, shop in enumerate(shops)]
        for code, channel, shop, shop_code in places:
            place = is_value(rep_contacts["channel"], channel)
            if shop is not None:
                place &= is_value(rep_contacts["shop"], shop)
            sub = rep_contacts[place]
            bins = np.minimum((sub["arrival_min"].to_numpy() // interval_min).astype(int), n - 1)
            outcome = sub["outcome"]
            wait = sub["wait_min"].to_numpy()
            served = is_value(outcome, "served")
            abandoned = is_value(outcome, "abandoned")
            unserved = is_value(outcome, "unserved")
            within = served & (wait <= thresholds_min[channel] + 1e-9)
            count = np.bincount(bins, minlength=n)
            n_served = np.bincount(bins, weights=served, minlength=n)
            n_abandoned = np.bincount(bins, weights=abandoned, minlength=n)
            wait_served = np.bincount(bins, weights=np.where(served, wait, 0.0), minlength=n)
            n_within = np.bincount(bins, weights=within, minlength=n)
            ended = n_served + n_abandoned
            extra = {}
            if len(rep_spans):
                chan = rep_spans[rep_spans["channel"] == code]
                if shop is not None:
                    chan = chan[chan["shop"] == shop_code]
                    in_use = chan[chan["busy_end"].notna()]
                    desks = shops[shop][0]  # type: ignore[index]
                    here = rep_staff[rep_staff["shop"] == shop]
                    extra = {
                        "desks_open": mean_capped_count_per_interval(
                            here["on_min"].to_numpy(), here["off_min"].to_numpy(), desks, edges
                        ),
                        "desks_busy": mean_count_per_interval(
                            in_use["busy_start"].to_numpy(), in_use["busy_end"].to_numpy(), edges
                        ),
                    }
                    chan = chan[~chan["appointment"]]
                queue_len = mean_count_per_interval(
                    chan["wait_start"].to_numpy(), chan["wait_end"].to_numpy(), edges
                )
            else:
                queue_len = np.zeros(n)
            with np.errstate(invalid="ignore", divide="ignore"):
                frames.append(
                    pd.DataFrame(
                        {
                            "replication": rep,
                            "interval_start_min": starts,
                            "channel": channel,
                            "shop": shop,
                            "staff_group": None,
                            "arrivals": count,
                            "served": n_served.astype(np.int64),
                            "abandoned": n_abandoned.astype(np.int64),
                            "unserved": np.bincount(bins, weights=unserved, minlength=n).astype(
                                np.int64
                            ),
                            "asa_min": np.where(n_served > 0, wait_served / n_served, np.nan),
                            "service_level": np.where(ended > 0, n_within / ended, np.nan),
                            "mean_queue_length": queue_len,
                            **extra,
                        }
                    )
                )
        for code, group in enumerate(staff_groups):
            spells = rep_staff[rep_staff["staff_group"] == group]
            on = spells["on_min"].to_numpy()
            off = spells["off_min"].to_numpy()
            rostered_off = np.minimum(off, spells["scheduled_off_min"].to_numpy())
            scheduled = mean_count_per_interval(on, rostered_off, edges)
            on_duty = mean_count_per_interval(on, off, edges)
            if len(rep_spans):
                work = rep_spans[rep_spans["staff_group"] == code]
                busy = mean_count_per_interval(
                    work["busy_start"].to_numpy(), work["busy_end"].to_numpy(), edges
                )
            else:
                busy = np.zeros(n)
            with np.errstate(invalid="ignore", divide="ignore"):
                occupancy = np.where(on_duty > 0, busy / on_duty, np.nan)
            frames.append(
                pd.DataFrame(
                    {
                        "replication": rep,
                        "interval_start_min": starts,
                        "channel": None,
                        "shop": None,
                        "staff_group": group,
                        "staff_scheduled": scheduled,
                        "staff_on_duty": on_duty,
                        "staff_busy": busy,
                        "occupancy": occupancy,
                    }
                )
            )
    table = pd.concat(frames, ignore_index=True)
    table["replication"] = table["replication"].astype(np.int32)
    stamps = start_date + pd.to_timedelta(table["interval_start_min"], unit="min")
    table.insert(2, "interval_start", stamps.astype("datetime64[ns]"))
    for column in ("channel", "shop", "staff_group"):
        table[column] = table[column].astype("string")
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
    for column in columns:
        if column not in table:
            table[column] = np.nan
    # Counts are whole numbers; staff rows have none, so the columns are nullable integers.
    for column in COUNT_COLUMNS:
        table[column] = table[column].astype("Int64")
    return table[columns]
