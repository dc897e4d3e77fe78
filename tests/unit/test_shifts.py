"""Shift scheduling (integer program) on small hand-checked cases, and FTE."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from klantstroom.staffing.shifts import ShiftTemplate, fte, schedule_shifts, shift_templates

HOUR = 60


def need_from(hours: dict[tuple[int, int], int]) -> list[int]:
    """Staff needed per 30-minute interval from {(from_hour, to_hour): staff}."""
    need = [0] * 48
    for (lo, hi), staff in hours.items():
        for slot in range(lo * 2, hi * 2):
            need[slot] = max(need[slot], staff)
    return need


def test_a_flat_need_is_covered_by_that_many_shifts() -> None:
    templates = shift_templates(range(6 * HOUR, 12 * HOUR + 1, 30), [4 * HOUR])
    plan = schedule_shifts(need_from({(8, 12): 2}), 30, templates)
    assert plan.counts == {ShiftTemplate(8 * HOUR, 4 * HOUR): 2}
    assert plan.paid_hours == 8.0
    assert not plan.uncovered.any()


def test_the_fewest_paid_hours_matches_brute_force() -> None:
    # A morning peak on a base load; shifts of 2 or 4 hours starting every other hour.
    need = np.array(need_from({(8, 16): 1, (9, 11): 3}))
    templates = shift_templates(range(8 * HOUR, 15 * HOUR, 2 * HOUR), [2 * HOUR, 4 * HOUR])
    plan = schedule_shifts(need, 30, templates)
    assert not plan.uncovered.any()
    assert np.all(plan.covered >= need)
    covers = np.array([[t.covers(i * 30, 30) for i in range(48)] for t in templates], dtype=int)
    paid = np.array([t.paid_hours for t in templates])
    counts = np.array(list(itertools.product(range(4), repeat=len(templates))))  # 4^8 plans
    feasible = np.all(counts @ covers >= need, axis=1)
    assert plan.paid_hours == pytest.approx((counts[feasible] @ paid).min())


def test_breaks_are_unpaid_and_not_covered() -> None:
    long_shift = ShiftTemplate(8 * HOUR, 9 * HOUR, 12 * HOUR, 30)
    assert long_shift.paid_hours == 8.5
    assert long_shift.covers(11 * HOUR + 30, 30)
    assert not long_shift.covers(12 * HOUR, 30)
    templates = shift_templates([8 * HOUR], [9 * HOUR])
    assert len(templates) > 1 and all(t.break_start_min is not None for t in templates)
    # Covering 08:00-17:00 with 9-hour shifts takes two: one covers the other's break.
    plan = schedule_shifts(need_from({(8, 17): 1}), 30, templates)
    assert sum(plan.counts.values()) == 2


def test_intervals_no_shift_can_cover_are_reported_not_fatal() -> None:
    templates = shift_templates([8 * HOUR], [8 * HOUR], break_from_length_min=10_000)
    plan = schedule_shifts(need_from({(8, 16): 1, (20, 21): 2}), 30, templates)
    assert plan.uncovered[40:42].tolist() == [2.0, 2.0]  # 20:00-21:00
    assert plan.uncovered[:40].sum() == 0
    assert plan.counts == {ShiftTemplate(8 * HOUR, 8 * HOUR): 1}


def test_fte_from_paid_hours_with_shrinkage() -> None:
    assert fte(36.0) == 1.0
    assert fte(360.0, 36.0, shrinkage=0.2) == pytest.approx(12.5)
    with pytest.raises(ValueError, match="shrinkage"):
        fte(36.0, shrinkage=1.0)
