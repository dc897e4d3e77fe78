"""Time on the floor, time busy and desk time per replication, prepared once for every period.

The staff group rows of :func:`klantstroom.analysis.kpis.kpi_table` (staff hours, busy hours,
occupancy) and the desk utilisation of its shop rows read a replication's staff spells and busy
spans, clipped to the reported period. The spells and spans are the same for every period: a
year has 16 of them, and grouping and sorting a million busy spans for each one was a sixth of
the year's tables. :func:`staff_time` groups and sorts them once
(:class:`~klantstroom.analysis.timeaverage.Presence`); a period only looks up its window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import nested_groups
from klantstroom.analysis.timeaverage import Presence

_NONE = Presence(np.empty(0), np.empty(0))


@dataclass(frozen=True)
class StaffTime:
    """The staff spells and busy spans of one replication, ready for any window.

    Attributes
    ----------
    on_floor : mapping of str to Presence
        Per staff group name: its spells on the floor (not in class).
    busy : mapping of str to Presence, or None
        Per staff group name: its busy spans (service and wrap-up); None when the replication
        logged no spans at all (its busy time is then 0 and shops have no desk utilisation).
    desks : mapping of str to Presence
        Per shop name: the busy spans of counter work at the shop.
    """

    on_floor: Mapping[str, Presence]
    busy: Mapping[str, Presence] | None
    desks: Mapping[str, Presence]

    def floor_min(self, group: str, window: np.ndarray) -> float:
        """Minutes ``group``'s members spent on the floor within ``window``."""
        return self.on_floor.get(group, _NONE).within(window)

    def busy_min(self, group: str, window: np.ndarray) -> float:
        """Minutes ``group``'s members spent busy within ``window`` (0 without spans)."""
        return 0.0 if self.busy is None else self.busy.get(group, _NONE).within(window)

    def desk_min(self, shop: str, window: np.ndarray) -> float:
        """Minutes the desks of ``shop`` were in use within ``window``."""
        return self.desks.get(shop, _NONE).within(window)


def staff_time(
    spells: pd.DataFrame,
    spans: pd.DataFrame,
    *,
    replications: Sequence[int],
    staff_groups: Sequence[str],
    shops: Sequence[str] = (),
    counter_code: int = -1,
) -> dict[int, StaffTime]:
    """Group and sort the spells on the floor and the busy spans per replication.

    Parameters
    ----------
    spells : pandas.DataFrame
        Staff spells on the floor (:func:`klantstroom.analysis.training.work_spells`), with
        ``replication``, ``staff_group`` (name), ``on_min`` and ``off_min``.
    spans : pandas.DataFrame
        The span table (``replication``, ``staff_group`` and ``channel`` and ``shop`` as codes,
        ``busy_start``, ``busy_end``); may be empty.
    replications : sequence of int
        Replication numbers.
    staff_groups : sequence of str
        Staff group names in scenario order (the span table's codes index them).
    shops : sequence of str
        Shop names in the order of the span table's shop codes.
    counter_code : int
        The counter channel's code (-1: no counter channel).

    Returns
    -------
    dict of int to StaffTime
        Per replication.
    """
    on_floor = _presences(spells, ["replication", "staff_group"], "on_min", "off_min")
    busy: dict[tuple[str, ...], Presence] = {}
    desks: dict[tuple[str, ...], Presence] = {}
    with_spans: set[str] = set()
    if len(spans):
        with_spans = {str(rep) for rep in pd.unique(spans["replication"])}
        done = spans.loc[spans["busy_end"].notna().to_numpy(), list(_SPAN_COLUMNS)]
        busy = _presences(done, ["replication", "staff_group"], "busy_start", "busy_end")
        counter = done[(done["channel"] == counter_code).to_numpy()]
        desks = _presences(counter, ["replication", "shop"], "busy_start", "busy_end")
    result = {}
    for rep in replications:
        key = str(rep)
        result[rep] = StaffTime(
            on_floor={
                group: on_floor[(key, group)] for group in staff_groups if (key, group) in on_floor
            },
            busy=None
            if key not in with_spans
            else {
                group: busy[(key, str(code))]
                for code, group in enumerate(staff_groups)
                if (key, str(code)) in busy
            },
            desks={
                shop: desks[(key, str(code))]
                for code, shop in enumerate(shops)
                if (key, str(code)) in desks
            },
        )
    return result


_SPAN_COLUMNS = ("replication", "staff_group", "channel", "shop", "busy_start", "busy_end")


def _presences(
    table: pd.DataFrame, by: list[str], start: str, end: str
) -> dict[tuple[str, ...], Presence]:
    """A :class:`Presence` of the ``start``-``end`` spans per value of the ``by`` columns."""
    if not len(table):
        return {}
    groups = nested_groups(table[[*by, start, end]], by)[-1]
    return {
        key: Presence(rows[start].to_numpy(), rows[end].to_numpy()) for key, rows in groups.items()
    }
