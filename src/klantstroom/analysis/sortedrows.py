"""A run's table as NumPy columns, sorted once, from which every KPI selection is cut.

The KPIs of ``kpis.csv`` are computed per replication x period x channel x service, per shop
x service, per segment x channel x service and per service of the journeys: a year of
Grootstad makes about 10,000 such selections from a million contacts and as many journeys.
Cut from a DataFrame, every selection costs a copy of its rows (a boolean filter per period,
per replication, for the inbound contacts, and a sort per grouping) and every column read
costs pandas' overhead (about 35 microseconds), which made the KPIs a third of the time of a
year's run.

:class:`SortedRows` sorts a table once, stably, by replication and key columns (the contacts
by channel and service: :func:`contact_rows`), and keeps its columns as plain arrays (a
category as its integer codes, a nullable boolean as floats with NaN). A replication x channel
x service group is then one slice, and a replication x channel the slices of its services one
after the other. :meth:`SortedRows.select` cuts a selection: the slice, masked by the period's
window, the inbound contacts (callbacks left out) and a shop or segment when asked. The rows
come in exactly the order :func:`klantstroom.analysis.groups.nested_groups` gave them (the
table's order within a service, the services in category order within a channel), so every
mean sums the same numbers in the same order and the KPIs are identical to the last bit.

A selection is a :class:`Rows`: the KPI functions read its columns as arrays, taken from the
sorted columns only when first read. :meth:`Rows.grouped` splits a selection into groups (the
services of a channel, the shop x service pairs of the counter, a segment's services) so that
one call of a KPI function computes every group's value at once, as arrays with one value per
group: counts by ``bincount``, and means and percentiles over each group's rows in the order
they had, so that each equals what the group's own selection gave, to the last bit
(:meth:`Rows.mean`, :meth:`Rows.quantile`). Cutting a selection per group cost about a third
of a millisecond each, ten thousand times a year.

The tables' key columns (channel, service, department, segment) are categorical, so codes and
their order are those of the categories in every period. A text key column would be coded in
the order its values first appear in the whole run, where the grouping coded each period's
rows: the groups are the same, but a row of all services could add its services in another
order (a difference in the last bit of a mean).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import codes_of

# The outbound callbacks: work for staff, not contacts citizens made (see
# :func:`klantstroom.analysis.journeys.inbound`).
CALLBACKS = ("origin", "callback")

# The sum that ndarray.sum and ndarray.mean reduce with (numpy's pairwise summation).
_sum = np.add.reduce


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
    group : numpy.ndarray, optional
        The group (0 .. ``n_groups`` - 1) of each selected row, in non-decreasing order
        (:meth:`grouped` makes them); None: the rows are one group.
    n_groups : int
        The number of groups; the KPI functions give one value per group.
    """

    __slots__ = (
        "_cache",
        "_categories",
        "_columns",
        "_edges",
        "_group",
        "_index",
        "_length",
        "n_groups",
    )

    def __init__(
        self,
        columns: Mapping[str, np.ndarray],
        categories: Mapping[str, Mapping[str, int]],
        index: slice | np.ndarray | None = None,
        group: np.ndarray | None = None,
        n_groups: int = 1,
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
        # The group (0 .. n_groups - 1) of each selected row, non-decreasing; None: one group.
        self._group = group
        self.n_groups = n_groups
        self._edges: np.ndarray | None = None  # where each group starts; made when first needed

    @classmethod
    def of(cls, table: pd.DataFrame) -> Rows:
        """All rows of ``table`` (for a caller that has a DataFrame, not a :class:`SortedRows`)."""
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

    def code(self, name: str, value: str) -> int:
        """The code of ``value`` in the text column ``name`` (-2, which no row has, if none)."""
        return _code(self._categories, name, value)

    def is_value(self, name: str, value: str) -> np.ndarray:
        """``column == value`` as a boolean mask of the selected rows (missing: False)."""
        code = self.code(name, value)
        if code == -2:
            return np.zeros(self._length, dtype=bool)
        return self[name] == code

    def grouped(self, columns: Sequence[str], keys: Sequence[tuple[str, ...]]) -> Rows:
        """These rows in groups: group ``k`` holds the rows whose text ``columns`` have the
        values ``keys[k]``; rows of no key are left out. A group's rows keep their order.
        The keys must be distinct (a row is in one group)."""
        if len(set(keys)) < len(keys):
            raise ValueError(f"the keys of the groups repeat: {list(keys)}")
        n_codes = [len(self._categories.get(column, {})) + 1 for column in columns]
        combined = np.zeros(self._length, dtype=np.int64)
        for column, size in zip(columns, n_codes, strict=True):
            combined = combined * size + (self[column].astype(np.int64) + 1)  # missing: 0
        lookup = np.full(int(np.prod(n_codes)), -1, dtype=np.int64)
        for k, key in enumerate(keys):
            codes = [self.code(column, value) for column, value in zip(columns, key, strict=True)]
            if min(codes) >= 0:
                flat = 0
                for code, size in zip(codes, n_codes, strict=True):
                    flat = flat * size + code + 1
                lookup[flat] = k
        group = lookup[combined]
        if len(group) and group.min() >= 0 and (group[1:] >= group[:-1]).all():
            # Every row in a group and the groups already in order (a channel's services in
            # code order): the same rows, read as views of the sorted columns, not copies.
            return Rows(self._columns, self._categories, self._index, group, len(keys))
        kept = np.flatnonzero(group >= 0)
        order = kept[np.argsort(group[kept], kind="stable")]
        return Rows(self._columns, self._categories, self._rows()[order], group[order], len(keys))

    def _rows(self) -> np.ndarray:
        """The positions of the selected rows in the whole table's columns."""
        if self._index is None:
            return np.arange(self._length)
        if isinstance(self._index, slice):
            total = len(next(iter(self._columns.values())))
            return np.arange(*self._index.indices(total))
        return np.asarray(self._index)

    def count(self, mask: np.ndarray | None = None) -> np.ndarray:
        """The number of rows (where ``mask``, a boolean array) of each group, as floats."""
        if self._group is None:
            return np.array([float(self._length if mask is None else np.count_nonzero(mask))])
        edges = self._group_edges()
        if mask is None:
            return np.diff(edges).astype(float)
        # The groups are runs of rows, so a group's count is the sum of the mask over its run:
        # one pass over the mask, where selecting the masked rows' groups to count them
        # copied them first (7-15 times as long; the KPIs count some 6,000 masks a year).
        counts = np.zeros(self.n_groups)
        starts = edges[:-1]
        filled = edges[1:] > starts
        if filled.any():
            # reduceat sums from each start to the next; an empty group would get one row.
            counts[filled] = np.add.reduceat(mask, starts[filled], dtype=np.int64)
        return counts

    def _group_edges(self) -> np.ndarray:
        """Where each group's rows start among these rows, and their end: ``n_groups + 1``
        positions (the groups are non-decreasing)."""
        if self._edges is None:
            assert self._group is not None
            self._edges = np.searchsorted(self._group, np.arange(self.n_groups + 1))
        return self._edges

    def mean(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """The mean of ``values`` (a column of these rows) where ``mask``, per group; NaN for a
        group without rows. Each is ``values[mask & group].mean()``, summed in the same order."""
        picked = values if mask is None else values[mask]
        means = np.full(self.n_groups, np.nan)
        for k, (start, end) in enumerate(self.bounds(mask)):
            if end > start:
                # ndarray.mean's own steps (its pairwise sum, then one division) without the
                # Python layer it adds to each call.
                means[k] = _sum(picked[start:end]) / (end - start)
        return means

    def total(self, values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """The sum of ``values`` where ``mask``, per group (0 for a group without rows), each
        ``values[mask & group].sum()`` in the same order."""
        picked = values if mask is None else values[mask]
        return np.array([float(_sum(picked[start:end])) for start, end in self.bounds(mask)])

    def quantile(self, values: np.ndarray, mask: np.ndarray | None, q: float) -> np.ndarray:
        """The ``q`` quantile of ``values`` where ``mask``, per group (:func:`quantile_of`);
        NaN for a group without rows."""
        picked = values if mask is None else values[mask]
        result = np.full(self.n_groups, np.nan)
        for k, (start, end) in enumerate(self.bounds(mask)):
            if end > start:
                result[k] = quantile_of(picked[start:end], q)
        return result

    def bounds(self, mask: np.ndarray | None = None) -> list[tuple[int, int]]:
        """Where each group's rows start and end among the rows where ``mask`` (as in
        ``values[mask]``: a KPI taken per group from those rows)."""
        if self._group is None:
            return [(0, self._length if mask is None else int(np.count_nonzero(mask)))]
        ends = np.cumsum(self.count(mask).astype(np.int64)).tolist()
        return list(zip([0, *ends][: len(ends)], ends, strict=True))


def share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole`` per group; NaN where ``whole`` is not positive."""
    return np.divide(part, whole, out=np.full(len(whole), np.nan), where=whole > 0)


def per_group(values: Mapping[str, np.ndarray]) -> list[dict[str, float]]:
    """The KPIs of each group (KPI functions give an array per KPI, a value per group)."""
    names = list(values)
    columns = [values[name].tolist() for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def quantile_of(values: np.ndarray, q: float) -> float:
    """``numpy.quantile(values, q)`` (linear method) to the last bit, without its overhead.

    numpy's steps for one quantile of a non-empty 1-d array: the virtual index (n - 1) q, its
    neighbours (both the last value from n - 1 on), the values there by a partial sort, and
    its interpolation (from the upper value when the weight is 0.5 or more); NaN when a value
    is NaN. ``numpy.quantile`` costs about 60 microseconds a call in checks and dispatch, and
    the KPIs of a year take some 4,000 percentiles.
    """
    n = len(values)
    virtual = (n - 1) * q
    if virtual >= n - 1:
        low = high = n - 1
        gamma = virtual + 1.0  # numpy's weight against index -1; no effect: both values equal
    elif virtual < 0:
        low = high = 0
        gamma = virtual
    else:
        low = math.floor(virtual)
        high = low + 1
        gamma = virtual - low
    part = np.partition(values, sorted({low, high, n - 1}))
    if math.isnan(part[n - 1]):  # a NaN sorts last
        return math.nan
    a, b = float(part[low]), float(part[high])
    diff = b - a
    if gamma >= 0.5:
        return b - diff * (1 - gamma)
    return a + diff * gamma


class SortedRows:
    """The rows of a table sorted once, stably, by replication and key columns.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows: ``replication``, the key columns and ``time`` are needed; every column is
        kept (as :class:`Rows` holds them).
    keys : sequence of str
        Key columns (text), outermost first: a selection names the values of the first 0, 1,
        ... of them.
    time : str
        The column a period selects on (minutes: a contact's arrival, a journey's start).
    """

    def __init__(self, table: pd.DataFrame, keys: Sequence[str], time: str) -> None:
        reps = table["replication"].to_numpy(dtype=np.int64)
        columns, categories = _arrays(table)
        key_codes = [reps, *(columns[key] for key in keys)]
        order = np.lexsort(key_codes[::-1])  # stable: the table's order within a group
        if not (np.diff(order) == 1).all():  # a table already in order is not copied
            columns = {name: values[order] for name, values in columns.items()}
        self._columns = columns
        self._categories = categories
        self._keys = list(keys)
        self._time = time
        # Where each group of every depth (replication, replication x first key, ...) starts
        # and ends.
        sorted_keys = np.stack([codes[order] for codes in key_codes])
        self._spans: dict[tuple[int, ...], tuple[int, int]] = {}
        for depth in range(1, len(key_codes) + 1):
            change = np.ones(len(order), dtype=bool)
            change[1:] = (sorted_keys[:depth, 1:] != sorted_keys[:depth, :-1]).any(axis=0)
            starts = np.flatnonzero(change)
            ends = [*starts[1:].tolist(), len(order)] if len(order) else []
            for start, end in zip(starts.tolist(), ends, strict=True):
                self._spans[tuple(int(k) for k in sorted_keys[:depth, start])] = (start, end)

    def select(
        self,
        replication: int,
        values: Sequence[str] = (),
        *,
        window_min: tuple[float, float] | None,
        drop: tuple[str, str] | None = None,
        where: tuple[str, str] | None = None,
    ) -> Rows:
        """The rows of one replication and the first ``len(values)`` keys in a period.

        Parameters
        ----------
        replication : int
            The replication.
        values : sequence of str
            The values of the first key columns (empty: the whole replication). The rows of
            a shorter prefix are those of its groups one after the other, in code order, as
            :func:`klantstroom.analysis.groups.nested_groups` gives them.
        window_min : (float, float) or None
            The period: rows whose ``time`` is in [start, end) minutes; None: all.
        drop : (str, str), optional
            Leave out the rows whose text column has this value (the outbound callbacks,
            which the queue KPIs do not count: :data:`CALLBACKS`).
        where : (str, str), optional
            Only the rows whose text column (``shop``, ``segment``) has this value.
        """
        codes = [
            _code(self._categories, column, value)
            for column, value in zip(self._keys[: len(values)], values, strict=True)
        ]
        key = (replication, *codes)
        start, end = self._spans.get(key, (0, 0))
        keep = np.ones(end - start, dtype=bool)
        if window_min is not None:
            time = self._columns[self._time][start:end]
            keep &= (time >= window_min[0]) & (time < window_min[1])
        if drop is not None:
            keep &= ~self._equal(drop, start, end)
        if where is not None:
            keep &= self._equal(where, start, end)
        if keep.all():
            return Rows(self._columns, self._categories, slice(start, end))
        return Rows(self._columns, self._categories, start + np.flatnonzero(keep))

    def _equal(self, test: tuple[str, str], start: int, end: int) -> np.ndarray:
        column, value = test
        if column not in self._columns:  # a table without the column (no ``origin``: no
            return np.zeros(end - start, dtype=bool)  # callbacks) has no row with the value
        return self._columns[column][start:end] == _code(self._categories, column, value)


def _code(categories: Mapping[str, Mapping[str, int]], column: str, value: str) -> int:
    """The code of ``value`` in ``column``: -2, a code no row has, for a value no row has (and
    for a column without text, an empty table's)."""
    return categories.get(column, {}).get(value, -2)


def contact_rows(contacts: pd.DataFrame) -> SortedRows:
    """The contacts by replication, channel and service, periods by arrival (module docstring)."""
    return SortedRows(contacts, ["channel", "service"], "arrival_min")


def task_rows(tasks: pd.DataFrame) -> SortedRows:
    """The back-office tasks by replication, department and task type, periods by creation."""
    return SortedRows(tasks, ["department", "service"], "created_min")


@dataclass(frozen=True)
class JourneyRows:
    """The journeys of a run, periods by their start (:func:`journey_rows`).

    ``by_service`` groups them by replication and service; ``in_order`` by replication alone,
    in the table's order, which the row of all services sums in.
    """

    by_service: SortedRows
    in_order: SortedRows


def journey_rows(journeys: pd.DataFrame) -> JourneyRows:
    """The journeys by replication and service, and by replication in the table's order."""
    return JourneyRows(
        SortedRows(journeys, ["service"], "start_min"), SortedRows(journeys, [], "start_min")
    )


def _arrays(table: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, dict[str, int]]]:
    """The columns of ``table`` as the arrays :class:`Rows` holds, and the text columns' values."""
    columns: dict[str, np.ndarray] = {}
    categories: dict[str, dict[str, int]] = {}
    for name in table.columns:
        column = table[name]
        dtype = column.dtype
        kind = ""
        if pd.api.types.is_object_dtype(dtype):
            kind = pd.api.types.infer_dtype(column, skipna=True)
        if kind == "boolean":  # True/False/None as Python objects (a table read back)
            columns[name] = column.astype("boolean").to_numpy(dtype=float, na_value=np.nan)
        elif isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
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
