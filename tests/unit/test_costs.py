"""Cost (issue 20, point 4): hand-calculated euros from rosters, desks and contacts; the yearly
scaling; per-channel and per-contact cost; one salary for the run and the staffing plan; config
errors that name their key."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from klantstroom.analysis.costs import cost_table, mean_rows
from klantstroom.experiment import run_experiment, shop_facts
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.costs import group_salaries
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.staffing.plan import plan_staffing

from factories import deep_update, queue_config, shop_config

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
MONTHLY = 3000.0
# Contract hours and shrinkage chosen so that hours map to FTE by hand: 40 h = 1 FTE.
HAND = {"staffing": {"contract_hours_per_week": 40.0, "shrinkage": 0.0}}


def office(agents: int = 2, horizon_days: float = 7.0, **overrides: Any) -> dict[str, Any]:
    """A phone queue worked by ``agents`` from 09:00 to 17:00 on weekdays, priced by hand."""
    config = queue_config(rate_per_hour=0.0, horizon_days=horizon_days)
    config["staff_groups"]["agents"]["roster"]["shifts"] = [
        {"days": WEEKDAYS, "start": "09:00", "end": "17:00", "headcount": agents}
    ]
    prices = {
        "costs": {
            "salary_eur_per_month": {"7": MONTHLY},
            "ikb_share": 0.0,
            "employer_charges_share": 0.0,
            "scales": {"agents": 7},
        }
    }
    return deep_update(deep_update(deep_update(config, HAND), prices), overrides)


def means(costs: pd.DataFrame, item: str, **keys: str) -> pd.Series:
    rows = mean_rows(costs)
    rows = rows[rows["item"] == item]
    for key, value in keys.items():
        rows = rows[rows[key] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_two_agents_eight_hours_five_days_cost_exactly() -> None:
    # 2 agents x 8 h x 5 days = 80 h in a 7-day week = 2 FTE of 40 h; a year's salary is
    # 12 x 3,000 = 36,000, so 72,000 a year, and the run's week 72,000 x 7 / 365.
    costs = run_experiment(build_scenario(office())).costs
    staff = means(costs, "staff", staff_group="agents")
    assert staff["hours"] == 80.0
    assert staff["fte"] == 2.0
    assert staff["rate_eur"] == 36_000.0
    assert staff["eur_per_year"] == pytest.approx(72_000.0)
    assert staff["eur_in_run"] == pytest.approx(72_000.0 * 7 / 365)
    assert means(costs, "total")["eur_per_year"] == pytest.approx(72_000.0)


def test_ikb_and_employer_charges_multiply_the_salary() -> None:
    config = office(costs={"ikb_share": 0.1705, "employer_charges_share": 0.32})
    scenario = build_scenario(config)
    per_fte = 12 * MONTHLY * 1.1705 * 1.32  # 55,616.28
    assert group_salaries(scenario)["agents"] == pytest.approx(per_fte)
    staff = means(run_experiment(scenario).costs, "staff", staff_group="agents")
    assert staff["eur_per_year"] == pytest.approx(2 * per_fte)


def test_shrinkage_and_contract_hours_make_the_fte_as_in_the_staffing_plan() -> None:
    config = office(staffing={"contract_hours_per_week": 36.0, "shrinkage": 0.15})
    staff = means(run_experiment(build_scenario(config)).costs, "staff", staff_group="agents")
    assert staff["fte"] == pytest.approx(80 / 36 / 0.85)


@pytest.mark.parametrize("days", [7.0, 14.0, 28.0])
def test_whole_weeks_give_the_same_cost_per_year(days: float) -> None:
    costs = run_experiment(build_scenario(office(horizon_days=days))).costs
    staff = means(costs, "staff", staff_group="agents")
    assert staff["eur_per_year"] == pytest.approx(72_000.0)
    assert staff["eur_in_run"] == pytest.approx(72_000.0 * days / 365)


def test_a_run_shorter_than_a_week_is_scaled_by_its_calendar_days() -> None:
    # Monday 00:00 to Thursday 12:00: three whole days and Thursday morning (09:00-12:00) are
    # 2 x (3 x 8 + 3) = 54 hours in 3.5 days, i.e. 108 hours a week: 2.7 FTE. The scaling is by
    # calendar days, so a run that stops mid-week counts its weekdays, not a whole week.
    costs = run_experiment(build_scenario(office(horizon_days=3.5))).costs
    staff = means(costs, "staff", staff_group="agents")
    assert staff["hours"] == pytest.approx(54.0)
    assert staff["fte"] == pytest.approx(2.7)
    assert staff["eur_in_run"] * 365 / 3.5 == pytest.approx(staff["eur_per_year"])


def test_leave_is_paid_though_the_staff_spells_leave_it_out() -> None:
    # Half the staff away in January: staff.parquet holds half the hours, the cost is the
    # roster's (leave is paid time; shrinkage covers it in the FTE, as in the staffing plan).
    config = office(calendar={"staff_leave_by_month": {"jan": 0.5}})
    staff = means(run_experiment(build_scenario(config)).costs, "staff", staff_group="agents")
    assert staff["hours"] == 80.0
    assert staff["hours_on_duty"] == pytest.approx(40.0)
    assert staff["eur_per_year"] == pytest.approx(72_000.0)


def test_desks_are_priced_per_opening_hour() -> None:
    # A shop with 3 desks open 09:00-17:00 every day for a week: 3 x 8 x 7 = 168 desk-hours.
    config = shop_config(desks=3, horizon_days=7.0)
    config["staff_groups"] = {
        name: deep_update(group, {"roster": {"works_holidays": True}})
        for name, group in config["staff_groups"].items()
    }
    config = deep_update(config, {"costs": {"desk_eur_per_hour": 2.5}})
    scenario = build_scenario(config)
    assert all(minutes == 7 * 8 * 60 for _, minutes in shop_facts(scenario).values())
    costs = run_experiment(scenario).costs
    desks = means(costs, "desks", shop=scenario.shops[0].name)
    assert desks["hours"] == 168.0 and desks["eur_in_run"] == pytest.approx(420.0)
    assert desks["eur_per_year"] == pytest.approx(420.0 * 365 / 7)
    # No salary scales: the staff cost is unknown, and so is the total (never a partial sum).
    assert math.isnan(means(costs, "total")["eur_per_year"])


def contacts(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    """Contacts of replication 0: (channel, outcome, handling minutes), served by ``agents``."""
    return pd.DataFrame(
        {
            "replication": 0,
            "channel": [r[0] for r in rows],
            "outcome": [r[1] for r in rows],
            "service_min": [r[2] for r in rows],
            "wrapup_min": 0.0,
            "staff_group": ["agents" if r[1] == "served" else None for r in rows],
        }
    )


def test_cost_per_channel_and_per_contact_by_hand() -> None:
    # The group spends 30 min on phone and 10 min on e-mail: 3/4 and 1/4 of its 72,000 a year.
    # Per contact: 6 calls and 4 served e-mails (of 5 arrived: one still open at the horizon).
    config = office(
        channels={"digital": {"opening_hours": {d: ["00:00-24:00"] for d in WEEKDAYS}}},
        services={
            "q": {
                "channel_mix": {"phone": 0.5, "digital": 0.5},
                "handling": {"digital": {"kind": "deterministic", "mean_min": 2.5}},
            }
        },
        staff_groups={"agents": {"skills": {"q": {"digital": {"rank": 1}}}}},
        costs={"eur_per_contact": {"digital": 0.5}},
    )
    scenario = build_scenario(config)
    table = contacts(
        [("phone", "served", 5.0)] * 6
        + [("digital", "served", 2.5)] * 4
        + [("digital", "unserved", math.nan)]
    )
    staff = pd.DataFrame(columns=["replication", "staff_group", "staff_id", "on_min", "off_min"])
    costs = cost_table(scenario, table, staff, pd.DataFrame(), replications=[0], shops={})
    to_run = 7 / 365
    transactions = means(costs, "transactions", channel="digital")
    assert transactions["count"] == 5 and transactions["eur_in_run"] == pytest.approx(2.5)
    phone = means(costs, "by_channel", channel="phone")
    assert phone["eur_per_year"] == pytest.approx(0.75 * 72_000.0)
    assert phone["count"] == 6
    assert phone["eur_per_contact"] == pytest.approx(0.75 * 72_000.0 * to_run / 6)
    digital = means(costs, "by_channel", channel="digital")
    assert digital["eur_in_run"] == pytest.approx(0.25 * 72_000.0 * to_run + 2.5)
    assert digital["eur_per_contact"] == pytest.approx((0.25 * 72_000.0 * to_run + 2.5) / 4)
    total = means(costs, "total")
    assert total["eur_in_run"] == pytest.approx(72_000.0 * to_run + 2.5)
    assert total["eur_per_contact"] == pytest.approx(total["eur_in_run"] / 10)


def test_training_spells_are_priced_when_the_staff_table_has_an_activity() -> None:
    scenario = build_scenario(
        office(costs={"training_eur_per_hour": 40.0, "training_eur_per_trainee": 500.0})
    )
    staff = pd.DataFrame(
        {
            "replication": 0,
            "staff_group": "agents",
            "staff_id": [0, 0, 1, 2],
            # Monday and Tuesday 09:00, member 1 at work on Monday; member 2 in class in the
            # warm-up only (its course ended before the run: not a trainee of this run).
            "on_min": [540.0, 1980.0, 540.0, -900.0],
            "off_min": [780.0, 2220.0, 1020.0, -660.0],
            "activity": ["training", "training", "work", "training"],
        }
    )
    costs = cost_table(scenario, contacts([]), staff, pd.DataFrame(), replications=[0], shops={})
    training = means(costs, "training", staff_group="agents")
    assert training["hours"] == 8.0 and training["count"] == 1  # 2 x 4 h, one trainee
    assert training["eur_in_run"] == pytest.approx(8 * 40.0 + 500.0)
    assert means(costs, "total")["eur_per_year"] == pytest.approx(72_000.0 + 820.0 * 365 / 7)


def test_the_staffing_plan_and_the_run_share_one_salary() -> None:
    config = deep_update(office(), {"services": {"q": {"rate_per_hour": 20.0}}})
    config = deep_update(config, {"staffing": {"optimise": False, "compare_skill_mix": False}})
    scenario = build_scenario(config)
    plan = plan_staffing(scenario).fte.set_index("staff_group")
    assert plan.loc["agents", "salary_per_fte_per_year"] == 36_000.0
    assert plan.loc["agents", "cost_per_year"] == pytest.approx(
        36_000.0 * plan.loc["agents", "fte"]
    )
    # A group's own yearly figure overrides its scale, in both.
    own = build_scenario(
        deep_update(config, {"staffing": {"salary_per_fte_per_year": {"agents": 50_000.0}}})
    )
    assert group_salaries(own)["agents"] == 50_000.0
    assert means(run_experiment(own).costs, "staff", staff_group="agents")[
        "eur_per_year"
    ] == pytest.approx(100_000.0)


def errors_of(config: dict[str, Any]) -> str:
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(config)
    return str(info.value)


@pytest.mark.parametrize(
    ("costs", "expected"),
    [
        ({"salary_eur_per_month": {"7": -1.0}}, "costs.salary_eur_per_month.7: must be >= 0.0"),
        ({"scales": {"agents": 12}}, "costs.scales.agents: unknown salary scale '12'; allowed: 7"),
        ({"default_scale": "9"}, "costs.default_scale: unknown salary scale '9'; allowed: 7"),
        ({"scales": {"nobody": 7}}, "costs.scales.nobody: unknown value 'nobody'; allowed: agents"),
        (
            {"eur_per_contact": {"fax": 1.0}},
            "costs.eur_per_contact.fax: unknown value 'fax'; allowed: phone",
        ),
        ({"desk_eur_per_hour": -5.0}, "costs.desk_eur_per_hour: must be >= 0.0"),
        ({"employer_charges_share": 3.0}, "costs.employer_charges_share: must be <= 2.0"),
        (
            {"salary_eur_per_month": {"7 a": 1.0}},
            "costs.salary_eur_per_month.7 a: '7 a' is not a scale name",
        ),
    ],
)
def test_cost_errors_name_their_key_and_what_is_allowed(
    costs: dict[str, Any], expected: str
) -> None:
    assert expected in errors_of(office(costs=costs))


def test_every_group_needs_a_salary_once_scales_are_given() -> None:
    config = office()
    del config["costs"]["scales"]
    message = errors_of(config)
    assert (
        "costs.scales.agents: staff group 'agents' has no salary scale; give it one of 7" in message
    )
    assert (
        build_scenario(deep_update(config, {"costs": {"default_scale": 7}})).costs.scale_of(
            "agents"
        )
        == "7"
    )
