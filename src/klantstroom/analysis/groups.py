"""The rows of a table per key, as slices of one sorted copy.

KPIs are computed per replication x channel x service, per shop x service, per staff group,
per department x task type... Filtering the whole table once per key costs keys x rows (the
default run made 16,812 such filters); sorting it once by the keys and slicing costs rows once,
and the slices of one copy share its memory. :func:`nested_groups` gives the groups of every
prefix of the key columns at once: (channel), then (channel, service).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def nested_groups(table: pd.DataFrame, by: list[str]) -> list[dict[tuple[str, ...], pd.DataFrame]]:
    """The rows of ``table`` per value of the first 1, 2, ... columns of ``by``.

    Parameters
    ----------
    table : pandas.DataFrame
        The rows to group.
    by : list of str
        Key columns, outermost first.

    Returns
    -------
    list of dict
        One dict per prefix of ``by``: key tuple (the values as text) -> its rows, in the
        table's order within each group. Rows with a missing key value are in no group at the
        levels from that column on, as a filter ``table[column] == value`` would leave them out.
    """
    if not len(table):
        return [{} for _ in by]
    coded = [codes_of(table[column]) for column in by]
    order = np.lexsort(tuple(codes for codes, _ in reversed(coded)))  # stable: keeps row order
    ordered = table.iloc[order]
    sorted_codes = [codes[order] for codes, _ in coded]
    levels = []
    change = np.zeros(len(table), dtype=bool)
    change[0] = True
    missing = np.zeros(len(table), dtype=bool)
    for k in range(len(by)):
        change[1:] |= sorted_codes[k][1:] != sorted_codes[k][:-1]
        missing |= sorted_codes[k] < 0
        starts = np.flatnonzero(change).tolist()
        groups = {}
        for start, end in zip(starts, [*starts[1:], len(table)], strict=True):
            if missing[start]:
                continue
            key = tuple(str(coded[j][1][sorted_codes[j][start]]) for j in range(k + 1))
            groups[key] = ordered.iloc[start:end]
        levels.append(groups)
    return levels


def groups_of(table: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    """The rows of ``table`` per value (as text) of one column; see :func:`nested_groups`."""
    return {key[0]: rows for key, rows in nested_groups(table, [column])[0].items()}


def codes_of(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``column``'s values (-1: missing) and the value of each code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), np.asarray(column.cat.categories, dtype=object)
    codes, names = pd.factorize(column)
    return codes, np.asarray(names, dtype=object)


def is_value(column: pd.Series, value: str) -> np.ndarray:
    """``column == value`` as a NumPy mask (missing values False), by category code.

    The tables' name columns (outcome, status, origin, channel) are categorical: comparing
    their codes costs an integer comparison per row, where ``to_numpy() == value`` first
    builds an array of Python strings. KPIs make thousands of such comparisons a run.
    """
    array = column.array
    if isinstance(array, pd.Categorical):  # .array: no accessor object per call
        categories = array.categories
        if value not in categories:
            return np.zeros(len(array), dtype=bool)
        return array.codes == categories.get_loc(value)
    return (column == value).to_numpy(dtype=bool, na_value=False)
