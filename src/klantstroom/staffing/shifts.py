"""From staff needed per interval to shifts, and from shifts to FTE.

**Shifts.** Given the agents needed per interval of a day and the shifts that may be worked
(start times, lengths, an unpaid break at one of several allowed positions), choose how many of
each shift to roster so that every interval is covered at the fewest paid hours. This is the
classic set-covering formulation of shift scheduling (Dantzig 1954), solved as an integer
program with SciPy's ``milp`` (HiGHS):

    minimise  sum_j paid_j x_j + penalty * sum_i u_i
    subject to sum_j covers_ij x_j + u_i >= need_i   for every interval i
               x_j >= 0 integer, u_i >= 0

The slack ``u_i`` is there so that an interval no allowed shift can cover (a need at 23:00 when
shifts end at 20:00) is *reported* as uncovered instead of making the problem infeasible; its
penalty is larger than any shift's paid hours, so slack is only used where no shift helps.

**FTE.** Paid hours per week divided by the contract hours of one full-time employee, grossed up
for shrinkage (leave, sickness, training: the share of paid time not available for the queue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ShiftTemplate:
    """One way to work a shift: when it starts, how long it lasts, and where its break is.

    Attributes
    ----------
    start_min : int
        Start, minutes since midnight.
    length_min : int
        Length including the break, minutes.
    break_start_min : int or None
        Start of the unpaid break, minutes since midnight; None for no break.
    break_min : int
        Length of the break, minutes.
    """

    start_min: int
    length_min: int
    break_start_min: int | None = None
    break_min: int = 0

    @property
    def paid_hours(self) -> float:
        """Paid hours: the length without the (unpaid) break."""
        return (self.length_min - (self.break_min if self.break_start_min is not None else 0)) / 60

    @property
    def label(self) -> str:
        """``HH:MM-HH:MM`` (break ``HH:MM``)."""
        end = self.start_min + self.length_min
        text = f"{_hhmm(self.start_min)}-{_hhmm(end)}"
        if self.break_start_min is not None:
            text += f" (break {_hhmm(self.break_start_min)})"
        return text

    def covers(self, interval_start_min: int, interval_min: int) -> bool:
        """Whether the shift works during the whole interval (not on break)."""
        begin, end = interval_start_min, interval_start_min + interval_min
        if begin < self.start_min or end > self.start_min + self.length_min:
            return False
        if self.break_start_min is None:
            return True
        return end <= self.break_start_min or begin >= self.break_start_min + self.break_min


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shift_templates(
    starts_min: Sequence[int],
    lengths_min: Sequence[int],
    *,
    break_min: int = 30,
    break_from_length_min: int = 330,
    break_window_min: tuple[int, int] = (150, 300),
    step_min: int = 30,
) -> list[ShiftTemplate]:
    """All shifts from the allowed starts and lengths, with every allowed break position.

    Parameters
    ----------
    starts_min, lengths_min : sequence of int
        Allowed start times (minutes since midnight) and lengths (minutes).
    break_min : int
        Length of the unpaid break, minutes.
    break_from_length_min : int
        Shifts at least this long get a break (Dutch labour law: 30 min beyond 5.5 hours).
    break_window_min : (int, int)
        Earliest and latest start of the break, minutes after the start of the shift.
    step_min : int
        Step between allowed break positions.
    """
    templates = []
    for start in starts_min:
        for length in lengths_min:
            if length < break_from_length_min:
                templates.append(ShiftTemplate(start, length))
                continue
            earliest, latest = break_window_min
            latest = min(latest, length - break_min)
            for offset in range(earliest, latest + 1, step_min):
                templates.append(ShiftTemplate(start, length, start + offset, break_min))
    return templates


@dataclass(frozen=True)
class ShiftPlan:
    """The chosen shifts for one day.

    Attributes
    ----------
    counts : dict of ShiftTemplate to int
        How many staff work each shift (only those used).
    covered : numpy.ndarray
        Staff working per interval.
    uncovered : numpy.ndarray
        Staff needed but not covered per interval (only where no shift can cover it).
    paid_hours : float
        Paid hours of all shifts.
    """

    counts: dict[ShiftTemplate, int]
    covered: np.ndarray
    uncovered: np.ndarray
    paid_hours: float


def schedule_shifts(
    need: Sequence[int], interval_min: int, templates: Sequence[ShiftTemplate]
) -> ShiftPlan:
    """Shifts that cover ``need`` (staff per interval from 00:00) at the fewest paid hours.

    Raises
    ------
    RuntimeError
        If the solver fails (it should not: the slack keeps the problem feasible).
    """
    need_arr = np.asarray(need, dtype=float)
    n_intervals = len(need_arr)
    if not templates:
        return ShiftPlan({}, np.zeros(n_intervals), need_arr.copy(), 0.0)
    covers = np.array(
        [[t.covers(i * interval_min, interval_min) for t in templates] for i in range(n_intervals)],
        dtype=float,
    )
    paid = np.array([t.paid_hours for t in templates])
    penalty = 10.0 * (paid.max() + 1.0) * n_intervals
    cost = np.concatenate([paid, np.full(n_intervals, penalty)])
    matrix = np.hstack([covers, np.eye(n_intervals)])
    from scipy.optimize import Bounds, LinearConstraint, milp  # on first use: slow to import

    result = milp(
        cost,
        constraints=LinearConstraint(matrix, lb=need_arr, ub=np.inf),
        integrality=np.concatenate([np.ones(len(templates)), np.zeros(n_intervals)]),
        bounds=Bounds(0, np.inf),
    )
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"shift scheduling failed: {result.message}")
    x = np.round(result.x[: len(templates)]).astype(int)
    covered = covers @ x
    uncovered = np.maximum(need_arr - covered, 0.0)
    counts = {t: int(k) for t, k in zip(templates, x, strict=True) if k > 0}
    return ShiftPlan(counts, covered, uncovered, float(paid @ x))


def fte(
    paid_hours_per_week: float, contract_hours_per_week: float = 36.0, shrinkage: float = 0.0
) -> float:
    """Full-time equivalents for ``paid_hours_per_week`` of rostered work.

    Parameters
    ----------
    paid_hours_per_week : float
        Rostered paid hours in a week.
    contract_hours_per_week : float
        Hours of one full-time contract (36 in Dutch municipalities' collective agreement).
    shrinkage : float
        Share of paid time not available for rostering (leave, sickness, training), 0 to 1.
    """
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage}")
    if contract_hours_per_week <= 0:
        raise ValueError(f"contract_hours_per_week must be > 0, got {contract_hours_per_week}")
    return paid_hours_per_week / contract_hours_per_week / (1.0 - shrinkage)
