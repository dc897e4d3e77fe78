"""A run's contacts as NumPy columns, sorted once, from which every KPI selection is cut.

The queue KPIs of ``kpis.csv`` are computed per replication x period x channel x service, per
shop x service and per segment x channel x service: a year of Grootstad makes about 7,600
such selections from a million contacts. Cut from a DataFrame, every selection costs a copy of
its rows (a boolean filter per period, per replication, for the inbound contacts, and a sort
per grouping) and every column read costs pandas' overhead (about 35 microseconds), which made
the KPIs a third of the time of a year's run.

:class:`ContactRows` sorts the contacts once, stably, by replication, channel and service,
and keeps the columns the KPIs read as plain arrays (a category as its integer codes, a
nullable boolean as floats with NaN). A replication x channel x service group is then one
slice, and a replication x channel the slices of its services one after the other.
:meth:`ContactRows.select` cuts a selection: the slice, masked by the period's arrival window,
the inbound contacts (callbacks left out) and a shop or segment when asked. The rows come in
exactly the order :func:`klantstroom.analysis.groups.nested_groups` gave them (the table's
order within a service, the services in category order within a channel), so every mean sums
the same numbers in the same order and the KPIs are identical to the last bit.

A selection is a :class:`Rows`: the KPI functions read its columns as arrays, taken from the
sorted columns only when first read.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import codes_of


class Rows:
    """Some rows of a table as NumPy columns: what a KPI function reads of a selection.

    Parameters
    ----------
    columns : mapping of str to numpy.ndarray
        The columns of the whole table: numbers, booleans, floats with NaN for a nullable
        boolean, integer codes (-1: missing) for a text column.
    categories : mapping of str to mapping of str to int
        The code of each value, per text column.
    index : slice or numpy.ndarray, optional
        The selected rows of ``columns`` (default all).
    """

    __slots__ = ("_cache", "_categories", "_columns", "_index", "_length")

    def __init__(
        self,
        columns: Mapping[str, np.ndarray],
        categories: Mapping[str, Mapping[str, int]],
        index: slice | np.ndarray | None = None,
    ) -> None:
        self._columns = columns
        self._categories = categories
        self._index = index
        self._cache: dict[str, np.ndarray] = {}
        total = len(next(iter(columns.values()))) if columns else 0
        if index is None:
            self._length = total
        elif isinstance(index, slice):
            self._length = len(range(*index.indices(total)))
        else:
            self._length = len(index)

    @classmethod
    def of(cls, table: pd.DataFrame) -> Rows:
        """All rows of ``table`` (a caller that has a DataFrame, not a :class:`ContactRows`)."""
        columns, categories = _arrays(table)
        return cls(columns, categories)

    def __len__(self) -> int:
        return self._length

    def __contains__(self, name: object) -> bool:
        return name in self._columns

    def __getitem__(self, name: str) -> np.ndarray:
        """The column ``name`` of the selected rows (codes for a text column)."""
        values = self._cache.get(name)
        if values is None:
            values = self._columns[name]
            if self._index is not None:
                values = values[self._index]
            self._cache[name] = values
        return values

    def is_value(self, name: str, value: str) -> np.ndarray:
        """``column == value`` as a boolean mask of the selected rows (missing: False)."""
        # A column without text (an empty table's) holds no value either.
        code = self._categories.get(name, {}).get(value)
        if code is None:
            return np.zeros(self._length, dtype=bool)
        return self[name] == code


class ContactRows:
    """The contacts of a run sorted by replication, channel and service (see module docstring).

    Parameters
    ----------
    contacts : pandas.DataFrame
        Rows of the contact table: ``replication``, ``channel`` and ``service`` are needed
        (``arrival_min`` to select periods); every column is kept.
    """

    def __init__(self, contacts: pd.DataFrame) -> None:
        reps = contacts["replication"].to_numpy(dtype=np.int64)
        columns, categories = _arrays(contacts)
        channel, service = columns["channel"], columns["service"]
        order = np.lexsort((service, channel, reps))  # stable: the table's order in a group
        self._columns = {name: values[order] for name, values in columns.items()}
        self._categories = categories
        callback = categories.get("origin", {}).get("callback")
        self._inbound: np.ndarray | None = None
        if callback is not None:
            self._inbound = self._columns["origin"] != callback
        # Where each replication x channel and replication x channel x service starts and ends.
        keys = np.stack([reps[order], channel[order], service[order]])
        self._spans: dict[tuple[int, ...], tuple[int, int]] = {}
        for depth in (2, 3):
            change = np.ones(len(order), dtype=bool)
            change[1:] = (keys[:depth, 1:] != keys[:depth, :-1]).any(axis=0)
            starts = np.flatnonzero(change)
            ends = [*starts[1:].tolist(), len(order)] if len(order) else []
            for start, end in zip(starts.tolist(), ends, strict=True):
                self._spans[tuple(int(k) for k in keys[:depth, start])] = (start, end)

    def select(
        self,
        replication: int,
        channel: str,
        service: str | None = None,
        *,
        window_min: tuple[float, float] | None,
        inbound: bool = True,
        where: tuple[str, str] | None = None,
    ) -> Rows:
        """The contacts of one replication and channel (and service) in a period.

        Parameters
        ----------
        replication : int
            The replication.
        channel : str
            The channel.
        service : str, optional
            The service; None for all the channel's services (and contacts without one).
        window_min : (float, float) or None
            The period: contacts that arrived in [start, end) minutes; None: all.
        inbound : bool
            Leave out the outbound callbacks (the queue KPIs count the contacts citizens made).
        where : (str, str), optional
            Only the rows whose text column (``shop``, ``segment``) has this value.
        """
        # -2, a code no row has, for a name no row has.
        key: tuple[int, ...] = (replication, self._categories["channel"].get(channel, -2))
        if service is not None:
            key += (self._categories["service"].get(service, -2),)
        start, end = self._spans.get(key, (0, 0))
        keep = np.ones(end - start, dtype=bool)
        if window_min is not None:
            arrival = self._columns["arrival_min"][start:end]
            keep &= (arrival >= window_min[0]) & (arrival < window_min[1])
        if inbound and self._inbound is not None:
            keep &= self._inbound[start:end]
        if where is not None:
            column, value = where
            code = self._categories.get(column, {}).get(value, -2)
            keep &= self._columns[column][start:end] == code
        if keep.all():
            return Rows(self._columns, self._categories, slice(start, end))
        return Rows(self._columns, self._categories, start + np.flatnonzero(keep))


def _arrays(table: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, dict[str, int]]]:
    """The columns of ``table`` as the arrays :class:`Rows` holds, and the text columns' values."""
    columns: dict[str, np.ndarray] = {}
    categories: dict[str, dict[str, int]] = {}
    for name in table.columns:
        column = table[name]
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
            codes, values = codes_of(column)
            columns[name] = codes
            categories[name] = {str(value): code for code, value in enumerate(values)}
        elif isinstance(dtype, pd.BooleanDtype) or (
            pd.api.types.is_extension_array_dtype(dtype) and column.hasnans
        ):
            columns[name] = column.to_numpy(dtype=float, na_value=np.nan)  # NaN: unknown
        else:
            columns[name] = column.to_numpy()
    return columns, categories
