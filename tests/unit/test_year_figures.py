"""Tests of the weekly tables (klantstroom.analysis.weekly) and the figures over the year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from omegaconf import DictConfig, OmegaConf

from klantstroom.analysis.weekly import (
    daily_work_in_progress,
    norm_lost_and_regained,
    request_dates,
    week_start,
    weekly_access,
    weekly_failure_demand,
    weekly_lead_time,
)
from klantstroom.experiment import RunResult, run_experiment
from klantstroom.report.year_figures import (
    YEAR_FIGURE_NAMES,
    access_by_week,
    back_office_by_week,
    failure_demand_by_week,
    write_year_figures,
)
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.spec import Scenario

START = "2027-01-04"  # a Monday
HOLIDAY = "2027-01-08"  # a Friday, made a holiday in some tests
DAY = 1440.0


def _week(date: str) -> pd.Timestamp:
    return pd.Timestamp(date)


# --------------------------------------------------------------------------------------------
# Request day and ISO week
# --------------------------------------------------------------------------------------------


def test_week_start_is_the_monday_on_or_before() -> None:
    dates = np.array(["2027-01-04", "2027-01-10", "2027-01-11", "2026-12-31"], "datetime64[D]")
    assert week_start(dates).astype(str).tolist() == [
        "2027-01-04",
        "2027-01-04",
        "2027-01-11",
        "2026-12-28",
    ]


def test_request_day_goes_back_over_weekends_and_holidays() -> None:
    # Slot day (day number from Monday 4 Jan) and access time in working days.
    slot_min = np.array([8, 7, 7, 12, 2]) * DAY + 600.0
    access = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    plain = request_dates(slot_min[:2], access[:2], start_date=START)
    # Tue 12 Jan, 1 working day: Mon 11; Mon 11 Jan, 1 working day: back over the weekend to Fri 8.
    assert plain.astype(str).tolist() == ["2027-01-11", "2027-01-08"]
    # With Friday 8 Jan a holiday the Monday slot's request was on Thursday 7.
    with_holiday = request_dates(slot_min[2:], access[2:], start_date=START, holidays=[HOLIDAY])
    # Saturday 16 Jan, 0 working days: the working day before (Fri 15); Wed 6 same day.
    assert with_holiday.astype(str).tolist() == ["2027-01-07", "2027-01-15", "2027-01-06"]
    # The derivation inverts access_days: working days after the request up to the slot day.
    slot_day = np.datetime64(START) + (slot_min[2:] // DAY).astype(int)
    counted = np.busday_count(with_holiday + 1, slot_day + 1, holidays=[HOLIDAY])
    assert counted.tolist() == access[2:].tolist()


# --------------------------------------------------------------------------------------------
# Weekly access
# --------------------------------------------------------------------------------------------


def _contact(
    replication: int,
    shop: str | None,
    *,
    slot_day: float | None = None,
    access: float | None = None,
    outcome: str = "served",
    arrival_min: float | None = None,
    channel: str = "counter",
    origin: str = "new",
) -> dict[str, Any]:
    slot = np.nan if slot_day is None else slot_day * DAY + 600.0
    return {
        "replication": replication,
        "shop": shop,
        "channel": channel,
        "origin": origin,
        "appointment": slot_day is not None or outcome == "no_slot",
        "slot_min": slot,
        "access_days": np.nan if access is None else access,
        "outcome": outcome,
        "arrival_min": slot if arrival_min is None else arrival_min,
    }


def _access_contacts() -> pd.DataFrame:
    rows = [
        # Replication 0, shop A. Wed 6 Jan, 1 wd: requested Tue 5 -> week of 4 Jan.
        _contact(0, "A", slot_day=2, access=1.0),
        # Mon 11 Jan, 3 wd back over the weekend and the holiday Fri 8: Tue 5 -> week of 4 Jan.
        _contact(0, "A", slot_day=7, access=3.0),
        # Mon 11 Jan, same day -> week of 11 Jan.
        _contact(0, "A", slot_day=7, access=0.0),
        # A request on Tue 12 Jan that found no slot -> week of 11 Jan.
        _contact(0, "A", outcome="no_slot", arrival_min=8 * DAY + 540.0),
        # Replication 1: Thu 7 Jan, 2 wd -> Tue 5.
        _contact(1, "A", slot_day=3, access=2.0),
        # Tue 5 Jan, 4 wd: requested in the warm-up, left out.
        _contact(1, "A", slot_day=1, access=4.0),
        # A walk-in: not a booking.
        _contact(1, "A", arrival_min=600.0),
    ]
    contacts = pd.DataFrame(rows)
    contacts.loc[6, "appointment"] = False
    contacts["shop"] = pd.Categorical(contacts["shop"], categories=["A", "B"])
    return contacts


def test_weekly_access_hand_computed() -> None:
    weekly = weekly_access(
        _access_contacts(),
        start_date=START,
        horizon_days=21,
        norm_working_days=2,
        holidays=[HOLIDAY],
        booking_horizon_days=7,
    )
    # Shop B has no request; shop A and the pooled row, three weeks each.
    assert weekly["shop"].tolist() == ["A"] * 3 + ["all"] * 3
    a = weekly[weekly["shop"] == "A"].set_index("week")
    first, second, third = _week("2027-01-04"), _week("2027-01-11"), _week("2027-01-18")
    # Week 1: replication 0 access 1 and 3 (mean 2, p90 2.8, half within 2), replication 1
    # access 2 (within); counts are means over the two replications.
    assert a.loc[first, "requests"] == pytest.approx(1.5)
    assert a.loc[first, "access_working_days_mean"] == pytest.approx(2.0)
    assert a.loc[first, "access_working_days_p90"] == pytest.approx((2.8 + 2.0) / 2)
    assert a.loc[first, "within_norm"] == pytest.approx(0.75)
    # Week 2: replication 0 booked one (access 0) and found no slot once; replication 1 none.
    assert a.loc[second, "requests"] == pytest.approx(1.0)
    assert a.loc[second, "no_slot"] == pytest.approx(0.5)
    assert a.loc[second, "booked"] == pytest.approx(0.5)
    assert a.loc[second, "access_working_days_mean"] == pytest.approx(0.0)
    assert a.loc[third, "requests"] == 0.0
    assert np.isnan(a.loc[third, "access_working_days_mean"])
    # A booking of the last week could lie up to 7 days after its Sunday (day 20): beyond day 21.
    assert a["complete"].tolist() == [True, True, False]
    pooled = weekly[weekly["shop"] == "all"].set_index("week")
    assert pooled.loc[first, "access_working_days_mean"] == pytest.approx(2.0)


def test_weekly_access_without_appointments_is_empty() -> None:
    contacts = _access_contacts().iloc[[6]]
    weekly = weekly_access(contacts, start_date=START, horizon_days=21, norm_working_days=2)
    assert weekly.empty
    assert "access_working_days_mean" in weekly.columns


def _weekly(means: dict[str, list[float]], complete: list[bool] | None = None) -> pd.DataFrame:
    rows = []
    for shop, values in means.items():
        for k, value in enumerate(values):
            rows.append(
                {
                    "shop": shop,
                    "week": _week("2027-01-04") + pd.Timedelta(weeks=k),
                    "access_working_days_mean": value,
                    "complete": True if complete is None else complete[k],
                }
            )
    return pd.DataFrame(rows)


def test_norm_lost_in_week_3_and_regained_in_week_5() -> None:
    weekly = _weekly(
        {
            "A": [1.0, 2.0, 3.0, 4.0, 1.5, 2.5, 9.0],
            "B": [1.0, 1.0, np.nan, 2.0, 1.0, 1.0, 1.0],
            "C": [1.0, 3.0, 3.0, 3.0, 3.0, 3.0, 1.0],
        },
        complete=[True] * 6 + [False],
    )
    result = norm_lost_and_regained(weekly, 2.0).set_index("shop")
    week = [_week("2027-01-04") + pd.Timedelta(weeks=k) for k in range(7)]
    # Norm 2: "at most 2" is within, so A is lost in week 3, back in week 5, worst in week 4;
    # the incomplete week 7 (9.0) is not judged.
    assert result.loc["A", "lost_week"] == week[2]
    assert result.loc["A", "regained_week"] == week[4]
    assert result.loc["A", "peak_week"] == week[3]
    assert result.loc["A", "peak_working_days"] == pytest.approx(4.0)
    # B never exceeds it (the week without bookings is skipped).
    assert pd.isna(result.loc["B", "lost_week"])
    assert pd.isna(result.loc["B", "regained_week"])
    assert result.loc["B", "peak_week"] == week[3]
    # C loses it in week 2 and is not back within it in the judged weeks.
    assert result.loc["C", "lost_week"] == week[1]
    assert pd.isna(result.loc["C", "regained_week"])
    # Judging every week, A's worst week is the last one and C is back within norm there.
    everything = norm_lost_and_regained(weekly, 2.0, complete_only=False).set_index("shop")
    assert everything.loc["A", "peak_week"] == week[6]
    assert everything.loc["C", "regained_week"] == week[6]


# --------------------------------------------------------------------------------------------
# Back office
# --------------------------------------------------------------------------------------------


def test_work_in_progress_is_the_mean_open_tasks_at_day_end_per_department() -> None:
    backlog = pd.DataFrame(
        {
            "replication": [0, 0, 0, 1, 1, 1],
            "day": [0, 0, 1, 0, 0, 1],
            "date": pd.to_datetime(["2027-01-04", "2027-01-04", "2027-01-05"] * 2),
            "queue": ["digital", "bz", "bz", "digital", "bz", "bz"],
            "open_end_of_day": [50, 3, 5, 60, 1, 2],
        }
    )
    wip = daily_work_in_progress(backlog)
    assert wip["department"].tolist() == ["bz", "bz"]
    assert wip["work_in_progress"].tolist() == [2.0, 3.5]


def test_weekly_lead_time_and_terms_over_a_weekend_and_holiday() -> None:
    def task(rep: int, created_day: float, due_day: int, end_day: float | None, lead: float):
        return {
            "replication": rep,
            "department": "bz",
            "created_min": created_day * DAY,
            "due_min": (due_day + 1) * DAY,  # midnight at the end of the due day
            "end_min": np.nan if end_day is None else end_day * DAY,
            "status": "open" if end_day is None else "done",
            "lead_time_working_days": np.nan if end_day is None else lead,
        }

    tasks = pd.DataFrame(
        [
            # Created Thu 7 Jan, due Tue 12: Mon 11 and Tue 12 count, Fri 8 (holiday) does not.
            task(0, 3.4, 8, 4.5 + 3, 1.0),  # done Mon 11 -> week of 11 Jan, term 2
            # Created Mon 4, due Fri 15 (term 8 with the holiday), done Tue 5 -> week of 4 Jan.
            task(0, 0.4, 11, 1.5, 1.0),
            task(1, 0.4, 11, 2.5, 2.0),  # replication 1, done Wed 6
            task(1, 0.5, 11, None, 0.0),  # still open: not in the lead times
        ]
    )
    tasks["department"] = pd.Categorical(tasks["department"])
    table = weekly_lead_time(tasks, start_date=START, horizon_days=14, holidays=[HOLIDAY])
    rows = table.set_index("week")
    first, second = _week("2027-01-04"), _week("2027-01-11")
    assert rows.loc[first, "done"] == pytest.approx(1.0)  # one per replication
    assert rows.loc[first, "lead_time_working_days_mean"] == pytest.approx(1.5)
    assert rows.loc[first, "term_working_days_mean"] == pytest.approx(8.0)
    assert rows.loc[second, "done"] == pytest.approx(0.5)
    assert rows.loc[second, "term_working_days_mean"] == pytest.approx(2.0)
    # The longest lead time is 2 working days: week 1 starts on day 0 (incomplete), week 2
    # has 4 working days (Fri 8 a holiday) before its Monday: complete.
    assert rows["complete"].tolist() == [False, True]


# --------------------------------------------------------------------------------------------
# Failure demand
# --------------------------------------------------------------------------------------------


def test_failure_demand_share_of_kcc_inbound_without_callbacks() -> None:
    rows = [
        _contact(0, None, channel="phone", arrival_min=600.0),
        _contact(0, None, channel="phone", arrival_min=700.0, origin="redial"),
        _contact(0, None, channel="phone", arrival_min=800.0, origin="chase"),
        _contact(0, None, channel="phone", arrival_min=900.0, origin="callback"),
        _contact(0, None, channel="digital", arrival_min=900.0),
        _contact(0, None, channel="digital", arrival_min=950.0, origin="chase"),
        _contact(0, "A", channel="counter", arrival_min=9 * DAY, origin="chase"),
        _contact(1, None, channel="phone", arrival_min=600.0),
    ]
    contacts = pd.DataFrame(rows)
    contacts["channel"] = pd.Categorical(
        contacts["channel"], categories=["phone", "counter", "digital", "chat"]
    )
    table = weekly_failure_demand(contacts, start_date=START, horizon_days=10)
    first = _week("2027-01-04")
    rows_1 = table[table["week"] == first].set_index("channel")
    # Channels with a chase, in category order, then the contact centre pooled.
    assert table["channel"].unique().tolist() == ["phone", "counter", "digital", "kcc"]
    # Replication 0: phone 1 chase of 3 inbound (the callback is not inbound); replication 1:
    # 0 of 1. Means over the two replications.
    assert rows_1.loc["phone", "chases"] == pytest.approx(0.5)
    assert rows_1.loc["phone", "inbound"] == pytest.approx(2.0)
    assert rows_1.loc["phone", "chase_share"] == pytest.approx((1 / 3 + 0.0) / 2)
    # The contact centre: replication 0 has 2 chases in 5 inbound, replication 1 0 in 1.
    assert rows_1.loc["kcc", "chase_share"] == pytest.approx((2 / 5 + 0.0) / 2)
    assert rows_1.loc["counter", "chases"] == 0.0
    second = table[table["week"] == _week("2027-01-11")].set_index("channel")
    assert second.loc["counter", "chases"] == pytest.approx(0.5)
    assert second.loc["counter", "days_in_run"] == 3  # Mon 11 to Wed 13 of a 10-day run
    assert rows_1.loc["kcc", "days_in_run"] == 7


def test_no_chases_give_an_empty_table() -> None:
    contacts = pd.DataFrame([_contact(0, None, channel="phone", arrival_min=60.0)])
    assert weekly_failure_demand(contacts, start_date=START, horizon_days=14).empty


# --------------------------------------------------------------------------------------------
# Figures on a small real run
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run(compose_config: Callable[..., DictConfig]) -> tuple[Scenario, RunResult]:
    """Grootstad for two weeks after one week of warm-up: shops, tasks and chases."""
    config = compose_config(
        "run.horizon_days=14", "run.warmup_days=7", "run.replications=1", "run.n_jobs=1"
    )
    scenario = build_scenario(OmegaConf.to_container(config, resolve=True))
    return scenario, run_experiment(scenario)


def _write(
    scenario: Scenario, result: RunResult, folder: Path, language: str = "en", **changes: Any
) -> list[Path]:
    arguments: dict[str, Any] = {
        "start_date": scenario.calendar.start_date,
        "horizon_days": scenario.run.horizon_days,
        "holidays": scenario.calendar.holidays,
        "access_norm_working_days": scenario.counter.access_norm_working_days,
        "booking_horizon_days": scenario.counter.booking_horizon_days,
        "language": language,
        "dpi": 40,
    }
    arguments.update(changes)
    tables = {"contacts": result.contacts, "tasks": result.tasks, "backlog": result.backlog}
    tables.update({k: v for k, v in changes.items() if k in tables})
    for name in tables:
        arguments.pop(name, None)
    return write_year_figures(
        tables["contacts"], tables["tasks"], tables["backlog"], folder, **arguments
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_draws_the_three_figures_on_a_small_run(
    small_run: tuple[Scenario, RunResult], tmp_path: Path, language: str
) -> None:
    scenario, result = small_run
    assert (result.contacts["origin"] == "chase").any(), "the smoke run needs chases"
    paths = _write(scenario, result, tmp_path, language)
    assert [p.stem for p in paths] == list(YEAR_FIGURE_NAMES)
    for path in paths:
        assert mpimg.imread(path).shape[0] > 100


def test_figures_without_data_are_skipped_or_say_so(
    small_run: tuple[Scenario, RunResult], tmp_path: Path
) -> None:
    scenario, result = small_run
    contacts = result.contacts
    no_shop_no_chase = contacts[~contacts["appointment"] & (contacts["origin"] != "chase")]
    paths = _write(
        scenario,
        result,
        tmp_path,
        contacts=no_shop_no_chase,
        tasks=result.tasks.iloc[:0],
        backlog=result.backlog.iloc[:0],
    )
    assert paths == []
    assert _write(scenario, result, tmp_path / "short", horizon_days=6.0) == []
    # Drawn directly, an empty table gives the "no data" panel rather than an error.
    empty = pd.DataFrame(columns=["shop", "week", "booked", "access_working_days_mean", "complete"])
    texts = [t.get_text() for t in access_by_week(empty, 5.0).axes[0].texts]
    assert "no data" in texts
    wip = pd.DataFrame(columns=["department", "date", "work_in_progress"])
    lead = pd.DataFrame(
        columns=[
            "department",
            "week",
            "done",
            "lead_time_working_days_mean",
            "term_working_days_mean",
            "complete",
        ]
    )
    fig = back_office_by_week(wip, lead, language="nl")
    assert all("geen gegevens" in [t.get_text() for t in ax.texts] for ax in fig.axes)
    failure = pd.DataFrame(
        columns=["channel", "week", "days_in_run", "chases", "inbound", "chase_share"]
    )
    fig = failure_demand_by_week(failure)
    assert all("no data" in [t.get_text() for t in ax.texts] for ax in fig.axes)


def test_unknown_language_is_refused(small_run: tuple[Scenario, RunResult], tmp_path: Path) -> None:
    scenario, result = small_run
    with pytest.raises(ValueError, match="unknown language"):
        _write(scenario, result, tmp_path, language="de")
