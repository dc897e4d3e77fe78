"""Staff: skills, staff groups with their rosters, deployments and training, the staff at a shop
per interval, and the routing policy's parameters. Re-exported by
:mod:`klantstroom.scenario.spec`."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from klantstroom.scenario.basic_spec import DistributionSpec

if TYPE_CHECKING:  # training.py builds on the spec modules; the field only names the type
    from klantstroom.scenario.training import TrainingSpec


@dataclass(frozen=True, slots=True)
class SkillSpec:
    """A staff group can handle ``service`` on ``channel``; lower rank = preferred work.

    ``fcr_probability`` replaces the service's resolution probability on that channel for this
    group (a generalist may resolve less than a specialist); None keeps the service's.
    """

    service: str
    channel: str
    rank: int
    speed: float
    fcr_probability: float | None = None


def roster_row(
    headcount: tuple[tuple[int, ...], ...],
    by_date: tuple[tuple[dt.date, tuple[int, ...]], ...],
    date: dt.date,
    weekday: int,
) -> tuple[int, ...]:
    """Staff present per interval on ``date``: its own row in ``by_date``, or its weekday's."""
    for day, row in by_date:
        if day == date:
            return row
    return headcount[weekday]


@dataclass(frozen=True, slots=True)
class StaffGroupSpec:
    """Staff with the same skills, wrap-up and roster.

    Attributes
    ----------
    headcount : tuple of tuple of int
        Staff present at ``shop`` (the group's home) per weekday (7 rows) per interval of the
        calendar's ``interval_min``.
    headcount_by_date : tuple of (datetime.date, tuple of int)
        Staff present per interval on particular dates, instead of their weekday's row.
    works_holidays : bool
        Whether the roster also applies on public holidays (else nobody is present).
    shop : str or None
        Where the group works by default: a shop, or None (the contact centre / back office).
    blend : bool
        At a shop, whether the group also takes its phone and digital work when no counter
        visitor it can serve waits or no desk is free (the counter always comes first).
    deployments : tuple of (str, tuple of tuple of int)
        Staff present at other shops than ``shop`` per weekday per interval (flexible
        deployment: shifts with their own ``shop``).
    department : str or None
        The back-office department the group works in: it processes that department's tasks
        (and its callbacks), and has no front-office skills.
    leave_by_month : tuple of float
        Share of the rostered staff away on leave per calendar month (12 values, January
        first; empty = none): the group's own ``leave_by_month``, else the calendar's
        ``staff_leave_by_month``.
    unavailable_share : tuple of tuple of float
        Share of the rostered staff present but off the queue (breaks, short meetings) per
        weekday (7 rows) per interval of the calendar's ``interval_min``; empty = none.
    training : tuple of TrainingSpec
        Courses that teach cohorts of the group new skills (:mod:`klantstroom.scenario.training`).
    """

    name: str
    label: str
    skills: tuple[SkillSpec, ...]
    wrapup: DistributionSpec | None
    headcount: tuple[tuple[int, ...], ...]
    works_holidays: bool
    headcount_by_date: tuple[tuple[dt.date, tuple[int, ...]], ...] = ()
    shop: str | None = None
    blend: bool = False
    deployments: tuple[tuple[str, tuple[tuple[int, ...], ...]], ...] = ()
    department: str | None = None
    leave_by_month: tuple[float, ...] = ()
    unavailable_share: tuple[tuple[float, ...], ...] = ()
    training: tuple[TrainingSpec, ...] = ()

    def present_share(self, date: dt.date) -> float:
        """Share of the rostered staff not on leave on ``date`` (1.0 without leave)."""
        return 1.0 - self.leave_by_month[date.month - 1] if self.leave_by_month else 1.0

    def on_queue_share(self, date: dt.date, weekday: int, slot: int) -> float:
        """Share of the rostered staff working the queue in interval ``slot`` of ``date``.

        Parameters
        ----------
        date : datetime.date
            The day (its month sets the leave).
        weekday : int
            Its weekday, 0 = Monday (sets the share off the queue; given, not derived, because
            the model knows it already).
        slot : int
            The interval of the day, in steps of the calendar's ``interval_min`` from 00:00.

        Returns
        -------
        float
            Not on leave, times not off the queue: ``present_share(date) x (1 - unavailable)``.
        """
        share = self.present_share(date)
        if self.unavailable_share:
            share *= 1.0 - self.unavailable_share[weekday][slot]
        return share

    @property
    def home_max_headcount(self) -> int:
        """The largest number of staff present at the group's home location at any time."""
        rows = [*self.headcount, *(row for _, row in self.headcount_by_date)]
        return max((max(row) for row in rows if row), default=0)

    @property
    def max_headcount(self) -> int:
        """The size of the group: the most present at home plus at each other shop."""
        extra = sum(
            max((max(row) for row in grid if row), default=0) for _, grid in self.deployments
        )
        return self.home_max_headcount + extra

    def headcount_on(self, date: dt.date, weekday: int) -> tuple[int, ...]:
        """Return the headcount per interval at home on ``date`` (its own row, or its weekday's)."""
        return roster_row(self.headcount, self.headcount_by_date, date, weekday)


def staff_at_shop(
    groups: tuple[StaffGroupSpec, ...],
    shop: str,
    weekday: int,
    length: int,
    date: dt.date | None = None,
) -> list[int]:
    """Staff rostered at ``shop`` per interval (the first ``length``) on ``weekday``.

    Sums the groups based at the shop (on ``date``, their own row for that date where they have
    one) and the groups deployed there. With a ``date``, staff on leave that month
    (``leave_by_month``) and staff off the queue in an interval (``unavailable_share``) are not
    present, as in the simulation's rosters: the sum is rounded to whole staff.
    """
    present = [0.0] * length
    for group in groups:
        rows = [grid[weekday] for place, grid in group.deployments if place == shop]
        if group.shop == shop:
            rows.append(
                group.headcount[weekday] if date is None else group.headcount_on(date, weekday)
            )
        share = 1.0 if date is None else group.present_share(date)
        off = None
        if date is not None and group.unavailable_share:
            off = group.unavailable_share[weekday]
        for row in rows:
            for k, staff in enumerate(row[:length]):
                on_queue = share if off is None else share * (1.0 - off[k])
                present[k] += staff * on_queue
    return [math.floor(n + 0.5 + 1e-9) for n in present]


@dataclass(frozen=True, slots=True)
class RoutingSpec:
    """The dispatcher's policy name and its parameters."""

    policy: str
    channel_priority: tuple[tuple[str, float], ...]
    ageing_per_min: float
    deferred_reserve: int = 0  # idle members kept free for real-time work (call blending)
    deferred_max_share: float = 1.0  # of a group's members on duty, at most this on deferred work
