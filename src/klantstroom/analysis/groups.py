"""The rows of a table per key, as slices of one sorted copy.

Staff time is summed per staff group and per shop: filtering the whole table once per key
costs keys x rows; sorting it once by the keys and slicing costs rows once, and the slices of
one copy share its memory. :func:`nested_groups` gives the groups of every prefix of the key
columns at once: (channel), then (channel, service). The KPIs of the contacts, tasks and
journeys go one step further, to NumPy columns sorted once for all periods
(:mod:`klantstroom.analysis.sortedrows`), whose selections come in the order of these groups.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def codes_of(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``column``'s values (-1: missing) and the value of each code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), np.asarray(column.cat.categories, dtype=object)
    codes, names = pd.factorize(column)
    return codes, np.asarray(names, dtype=object)


def text_values(column: pd.Series) -> np.ndarray:
    """A text (categorical or string) column as an object array of str, None where missing.

    By category code: ``astype(str)`` turns each of a year's million contacts into a new
    string (and a missing value into ``"nan"``); a take from the categories' names does not.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = [*column.cat.categories.astype("string").tolist(), None]  # code -1: None
        return np.asarray(names, dtype=object)[column.cat.codes.to_numpy()]
    values = column.astype("string").to_numpy(dtype=object)
    values[pd.isna(values)] = None
    return values


def string_array(
    codes: np.ndarray, names: Sequence[str], *, as_inferred: bool = False
) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """``names[code]`` per code as a text array, missing where the code is -1.

    By default pandas' nullable ``string`` array, as ``pd.array(values, dtype="string")``
    gives it; with ``as_inferred`` what a DataFrame infers from a column of Python strings
    (pandas 3: ``str``; before: the object array itself). Either without checking a million
    Python strings one by one: with pyarrow storage it is a take from the few names.
    """
    dtype = pd.Series(["x"]).dtype if as_inferred else pd.StringDtype()
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa

        names_array = pa.array(list(names), type=pa.large_string())
        taken = names_array.take(pa.array(codes, mask=codes < 0))
        try:  # pandas 3 (its stubs do not know the dtype argument yet)
            return pd.arrays.ArrowStringArray(taken, dtype=dtype)  # type: ignore[call-arg]
        except TypeError:  # an older pandas: by value below
            pass
    values = np.asarray([*names, None], dtype=object)[codes]
    return values if dtype == np.dtype(object) else pd.array(values, dtype=dtype)


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
