"""The path's months: norms from the stretch with most of a month's days, hours from both."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from klantstroom.analysis.trajectory import (
    StretchTables,
    month_days,
    norm_months,
    proficiency_months,
    staff_months,
    stretch_staff,
)

KEYS = dict(shop="all", department="all", segment="all")


def row(
    period: str,
    kpi: str,
    mean: float,
    *,
    channel: str = "all",
    service: str = "all",
    group: str = "all",
    target: float = np.nan,
    norm: str = "",
) -> dict:
    return dict(
        period=period,
        channel=channel,
        service=service,
        staff_group=group,
        kpi=kpi,
        mean=mean,
        ci_low=mean - 0.01,
        ci_high=mean + 0.01,
        target=target,
        norm=norm,
        **KEYS,
    )


def stretch(name: str, start: dt.date, days: int, rows: list[dict]) -> StretchTables:
    return StretchTables(
        name=name,
        label=name.title(),
        start=start,
        days=days,
        summary=pd.DataFrame(rows),
        contract_hours_per_week=36.0,
    )


# Two stretches that share May 2028: the first has 10 of its days, the second 21.
FIRST = stretch(
    "0-a",
    dt.date(2028, 4, 1),
    40,
    [
        row("2028-04", "service_level", 0.70, channel="phone", target=0.8, norm=">="),
        row("2028-05", "service_level", 0.50, channel="phone", target=0.8, norm=">="),
        row("2028-04", "staff_hours", 36.0 * 30 / 7 * 10, group="kcc"),
        row("2028-05", "staff_hours", 36.0 * 10 / 7 * 10, group="kcc"),
        row("run", "staff_hours", 36.0 * 40 / 7 * 10, group="kcc"),
    ],
)
SECOND = stretch(
    "1-b",
    dt.date(2028, 5, 11),
    51,
    [
        row("2028-05", "service_level", 0.85, channel="phone", target=0.8, norm=">="),
        row("2028-06", "service_level", 0.90, channel="phone", target=0.8, norm=">="),
        # 12 people in May's 21 days, 12 in June; two of them in class 4 h a week.
        row("2028-05", "staff_hours", 36.0 * 21 / 7 * 12, group="kcc"),
        row("2028-06", "staff_hours", 36.0 * 30 / 7 * 12, group="kcc"),
        row("2028-05", "training_hours", 4.0 * 21 / 7 * 2, group="kcc"),
        row("2028-06", "training_hours", 4.0 * 30 / 7 * 2, group="kcc"),
        row("2028-05", "proficiency_speed", 0.6, channel="phone", service="x", group="kcc"),
        row("2028-05", "proficiency_fcr", 0.7, channel="phone", service="x", group="kcc"),
        row("2028-06", "proficiency_speed", 0.7, channel="phone", service="x", group="kcc"),
        row("2028-06", "proficiency_speed", 0.9, channel="phone", service="y", group="kcc"),
        row("2028-06", "proficiency_fcr", 0.8, channel="phone", service="x", group="kcc"),
        row("2028-06", "proficiency_fcr", 1.0, channel="phone", service="y", group="kcc"),
    ],
)


def test_month_days_counts_each_calendar_month() -> None:
    assert month_days(dt.date(2028, 4, 1), 40) == {"2028-04": 30, "2028-05": 10}
    assert month_days(dt.date(2028, 5, 11), 51) == {"2028-05": 21, "2028-06": 30}


def test_a_shared_months_ratios_come_from_the_stretch_with_most_of_its_days() -> None:
    norms = norm_months([FIRST, SECOND])
    assert list(norms["month"]) == ["2028-04", "2028-05", "2028-06"]
    may = norms[norms["month"] == "2028-05"].iloc[0]
    assert may["stretch"] == "1-b" and may["mean"] == pytest.approx(0.85)
    assert list(norms["status"]) == ["not met", "met", "met"]


def test_a_shared_months_hours_add_up_over_both_stretches() -> None:
    staff = staff_months([FIRST, SECOND]).set_index("month")
    # April: 10 people; May: 10 people for 10 days and 12 for 21 days; June: 12.
    assert staff.loc["2028-04", "fte_on_duty"] == pytest.approx(10.0)
    assert staff.loc["2028-05", "days"] == 31
    assert staff.loc["2028-05", "fte_on_duty"] == pytest.approx((10 * 10 + 12 * 21) / 31)
    assert staff.loc["2028-06", "fte_on_duty"] == pytest.approx(12.0)
    # Two people in class four hours of a 36-hour week.
    assert staff.loc["2028-06", "fte_training"] == pytest.approx(2 * 4 / 36)
    assert staff.loc["2028-05", "fte_training"] == pytest.approx(2 * 4 / 36 * 21 / 31)


def test_proficiency_is_the_mean_over_the_skills_being_learnt() -> None:
    prof = proficiency_months([FIRST, SECOND]).set_index("month")
    assert prof.loc["2028-05", "proficiency_speed"] == pytest.approx(0.6)
    assert prof.loc["2028-06", "proficiency_speed"] == pytest.approx(0.8)
    assert prof.loc["2028-06", "proficiency_fcr"] == pytest.approx(0.9)
    assert prof.loc["2028-06", "skills"] == 2
    assert "2028-04" not in prof.index  # nobody learning in the first stretch


def test_a_stretchs_fte_is_its_hours_over_its_weeks() -> None:
    fte, training = stretch_staff(FIRST)
    assert fte == pytest.approx(10.0)
    assert np.isnan(training) or training == 0.0


def test_a_sliver_of_a_month_at_the_paths_end_is_left_out() -> None:
    sliver = stretch(
        "2-c",
        dt.date(2028, 7, 1),
        4,
        [
            row("2028-07", "service_level", 0.4, channel="phone", target=0.8, norm=">="),
            row("2028-07", "staff_hours", 36.0 * 4 / 7 * 3, group="kcc"),
        ],
    )
    stretches = [FIRST, SECOND, sliver]
    assert "2028-07" not in set(norm_months(stretches)["month"])
    assert "2028-07" not in set(staff_months(stretches)["month"])
    # Inside the path a shared month is whole: May keeps both stretches' days.
    assert staff_months(stretches).set_index("month").loc["2028-05", "days"] == 31
