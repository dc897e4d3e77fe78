"""Analytic sizing per interval: Erlang C and A requirements, caps, pooling, scenario demand."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from klantstroom.analysis.erlang import erlang_c_agents_for_service_level, mmc_metrics
from klantstroom.model.demand import Demand
from klantstroom.model.streams import Streams
from klantstroom.staffing.demand import (
    expected_arrivals,
    interval_requirements,
    pooled_requirements,
)
from klantstroom.staffing.optimise import service_owners
from klantstroom.staffing.plan import group_requirements, sizing_pools
from klantstroom.staffing.sizing import queue_metrics, required_agents

from factories import ALL_DAYS, queue_config, scenario, shop_config

THRESHOLD = 20 / 60


@pytest.mark.parametrize("rate", [0.3, 2.0, 9.0, 27.5, 80.0])
@pytest.mark.parametrize("target", [0.5, 0.8, 0.95])
def test_erlang_c_requirement_is_the_fewest_agents_meeting_the_target(
    rate: float, target: float
) -> None:
    need = required_agents(rate, 1.0, THRESHOLD, target)
    assert need.agents_int == erlang_c_agents_for_service_level(rate, 1.0, THRESHOLD, target)
    assert need.metrics is not None and need.metrics.service_level >= target
    below = need.agents_int - 1
    if below > rate:  # one fewer agent is stable but misses the target
        assert mmc_metrics(rate, 1.0, below, THRESHOLD).service_level < target
    assert max(below, rate) <= need.agents <= need.agents_int


def test_fractional_requirements_grow_with_demand() -> None:
    needs = [required_agents(rate, 1.0, THRESHOLD, 0.8).agents for rate in np.linspace(1, 20, 40)]
    assert np.all(np.diff(needs) > 0)


def test_the_occupancy_cap_can_bind() -> None:
    need = required_agents(9.0, 1.0, THRESHOLD, 0.5, max_occupancy=0.8)
    assert need.binding == "occupancy"
    assert need.agents == pytest.approx(9.0 / 0.8)
    assert need.agents_int == 12


def test_erlang_a_needs_no_more_agents_than_erlang_c() -> None:
    for rate in (2.0, 9.0, 30.0):
        c = required_agents(rate, 1.0, THRESHOLD, 0.8)
        a = required_agents(rate, 1.0, THRESHOLD, 0.8, mean_patience_min=2.0)
        assert a.agents_int <= c.agents_int
        assert a.metrics is not None and a.metrics.service_level >= 0.8


def test_an_abandonment_cap_can_bind() -> None:
    loose = required_agents(9.0, 1.0, THRESHOLD, 0.1, mean_patience_min=0.5)
    capped = required_agents(9.0, 1.0, THRESHOLD, 0.1, mean_patience_min=0.5, max_abandonment=0.01)
    assert capped.binding == "abandonment"
    assert capped.agents_int > loose.agents_int
    assert capped.metrics is not None and capped.metrics.p_abandon <= 0.01


def test_no_demand_needs_nobody_and_bad_targets_are_refused() -> None:
    assert required_agents(0.0, 1.0, THRESHOLD, 0.8).agents_int == 0
    with pytest.raises(ValueError, match="max_occupancy"):
        required_agents(1.0, 1.0, THRESHOLD, 0.8, max_occupancy=0.0)
    with pytest.raises(ValueError, match="target_service_level"):
        required_agents(1.0, 1.0, THRESHOLD, 1.0)


def test_reverse_mode_reports_the_performance_of_given_agents() -> None:
    metrics = queue_metrics(9.0, 1.0, 10, THRESHOLD)
    assert metrics == mmc_metrics(9.0, 1.0, 10, THRESHOLD)
    assert queue_metrics(9.0, 1.0, 8, THRESHOLD, mean_patience_min=2.0).p_abandon > 0


def office_config() -> dict:
    hours = {day: ["08:00-18:00"] for day in ALL_DAYS[:5]} | {"sat": [], "sun": []}
    return queue_config(
        rate_per_hour=None,
        agents=4,
        horizon_days=7.0,
        channels={
            "phone": {
                "opening_hours": hours,
                "open_on_holidays": False,
                "patience": {"kind": "exponential", "mean_min": 2.0},
            }
        },
        services={"q": {"rate_per_hour": None, "volume_per_year": 60_000}},
        handling={"kind": "exponential", "mean_min": 4.0},
    )


def test_expected_arrivals_follow_the_simulations_demand_model() -> None:
    sc = scenario(office_config())
    table = expected_arrivals(sc)
    demand = Demand(sc, Streams(1, 0))
    for day in range(7):
        expected_day = demand.pieces(demand.streams[0], day)[2].sum()
        got = table.loc[table["date"] == sc.calendar.date_of_day(day), "expected_arrivals"].sum()
        assert got == pytest.approx(expected_day)
    assert set(table["interval_start_min"]) == set(range(480, 1080, 30))


def test_interval_requirements_and_pooling() -> None:
    config = office_config()
    config["services"]["tax"] = dict(config["services"]["q"], volume_per_year=20_000)
    config["staff_groups"]["agents"]["skills"]["tax"] = {"phone": {"rank": 1}}
    sc = scenario(config)
    needs = interval_requirements(sc, max_occupancy=0.9)
    assert (needs["agents_int"] >= np.ceil(needs["agents"] - 1e-9)).all()
    assert (needs["service_level"] >= 0.8).all()
    pooled = pooled_requirements(needs)
    assert (pooled["agents_int"] <= pooled["agents_per_service"]).all()
    erlang_c = interval_requirements(sc, with_patience=False)
    assert erlang_c["agents_int"].sum() >= needs["agents_int"].sum()


def test_a_skill_learnt_in_a_course_counts_for_the_wrap_up() -> None:
    """A road-map year's multi-skilled team learns the other teams' questions in its courses;
    the analytic sizing takes its wrap-up into the handling time as if configured."""
    config = office_config()
    config["staff_groups"]["agents"]["wrapup"] = {"kind": "deterministic", "mean_min": 2.0}
    config["staff_groups"]["learners"] = copy.deepcopy(config["staff_groups"]["agents"])
    config["staff_groups"]["learners"]["wrapup"]["mean_min"] = 1.0
    config["staff_groups"]["learners"]["skills"] = {"b": {"phone": {"rank": 1}}}
    config["services"]["b"] = copy.deepcopy(config["services"]["q"])
    direct = copy.deepcopy(config)
    direct["staff_groups"]["learners"]["skills"]["q"] = {"phone": {"rank": 2}}
    config["staff_groups"]["learners"]["training"] = [
        {"skills": {"q": {"phone": {"rank": 2}}}, "share": 1.0, "start_date": "2026-01-05"}
    ]
    for sc in (scenario(direct), scenario(config)):
        needs = interval_requirements(sc)
        q = needs.loc[needs["service"] == "q", "handling_min"]
        assert len(q) and (q == 4.0 + 1.5).all()  # the mean of the two groups' wrap-up


def test_a_chat_agent_counts_as_several_chat_places() -> None:
    config = office_config()
    hours = config["channels"]["phone"]["opening_hours"]
    config["channels"]["chat"] = {
        "opening_hours": hours,
        "open_on_holidays": False,
        "concurrency": 3,
        "service_level_threshold_s": 60,
        "patience": {"kind": "exponential", "mean_min": 3.0},
    }
    config["services"]["q"]["channel_mix"] = {"phone": 0.5, "chat": 0.5}
    config["services"]["q"]["handling"]["chat"] = {"kind": "exponential", "mean_min": 9.0}
    config["staff_groups"]["agents"]["skills"]["q"]["chat"] = {"rank": 1}
    config["staff_groups"]["agents"]["wrapup"] = {"kind": "deterministic", "mean_min": 1.0}
    sc = scenario(config)
    needs = interval_requirements(sc, max_occupancy=0.85)
    chat = needs[needs["channel"] == "chat"]
    assert len(chat) == len(needs[needs["channel"] == "phone"]) > 0
    assert (chat["handling_min"] == 9.0).all()  # a chat ends without wrap-up
    assert (needs.loc[needs["channel"] == "phone", "handling_min"] == 5.0).all()
    row = chat.iloc[len(chat) // 2]
    places = required_agents(
        row["arrival_rate_per_min"],
        9.0,
        1.0,
        0.8,
        mean_patience_min=3.0,
        max_occupancy=0.85,
    )
    assert row["agents"] == pytest.approx(places.agents / 3)
    assert row["agents_int"] == int(np.ceil(places.agents / 3 - 1e-9))
    assert "3 chats per agent" in row["binding"]
    by_group = group_requirements(sc, needs)
    pooled = by_group[(by_group["channel"] == "chat")]
    assert (pooled["agents"] <= pooled["agents_separate"] + 1e-9).all()
    assert len(pooled) == len(chat)


def test_groups_tied_at_the_best_rank_share_a_service_by_their_hours() -> None:
    config = office_config()
    shift = {"days": ALL_DAYS[:5], "start": "08:00", "end": "18:00"}
    config["services"]["tax"] = dict(config["services"]["q"], volume_per_year=20_000)
    config["staff_groups"] = {
        "specialists": {
            "skills": {"q": {"phone": {"rank": 1}}},
            "roster": {"works_holidays": True, "shifts": [shift | {"headcount": 5}]},
        },
        "breed": {
            "skills": {"q": {"phone": {"rank": 1}}, "tax": {"phone": {"rank": 1}}},
            "roster": {"works_holidays": True, "shifts": [shift | {"headcount": 2}]},
        },
        "reserve": {  # ranks q lower: no share of it
            "skills": {"q": {"phone": {"rank": 2}}},
            "roster": {"works_holidays": True, "shifts": [shift | {"headcount": 9}]},
        },
    }
    sc = scenario(config)
    shares = {g.name: share for g, share in service_owners(sc, "phone", "q")}
    assert shares == {"specialists": pytest.approx(5 / 7), "breed": pytest.approx(2 / 7)}
    assert [(g.name, s) for g, s in service_owners(sc, "phone", "tax")] == [("breed", 1.0)]
    assert service_owners(sc, "chat", "q") == []
    needs = interval_requirements(sc)
    pool_of, members = sizing_pools(sc, needs[["channel", "service", "shop"]].drop_duplicates())
    # The two share q, so they are one pool for q and for tax, which one of them takes.
    assert pool_of[("phone", "q", "")] == pool_of[("phone", "tax", "")] == "breed+specialists"
    assert dict(members["breed+specialists"]) == {
        "breed": pytest.approx(2 / 7),
        "specialists": pytest.approx(5 / 7),
    }
    by_group = group_requirements(sc, needs)
    total = needs["arrival_rate_per_min"].sum()
    rate = by_group.groupby("staff_group")["arrival_rate_per_min"].sum()
    assert rate["specialists"] == pytest.approx(total * 5 / 7)
    assert rate["breed"] == pytest.approx(total * 2 / 7)
    assert "reserve" not in rate.index
    # One queue of both services, its need shared 5 : 2.
    assert set(by_group["services"]) == {2}
    agents = by_group.pivot_table(
        index=["date", "interval_start_min"], columns="staff_group", values="agents"
    )
    assert (agents["specialists"] / agents["breed"]).to_numpy() == pytest.approx(2.5)
    # Per interval the pool's groups share its queues' rate and separate needs, whatever the
    # order of the table's rows (the groups are the sorted keys, as a groupby gives them).
    keys = ["date", "interval_start_min"]
    shared = by_group.groupby(keys)[["arrival_rate_per_min", "agents_separate"]].sum()
    own = needs.groupby(keys)[["arrival_rate_per_min", "agents"]].sum()
    assert shared.to_numpy() == pytest.approx(own.to_numpy())
    shuffled = group_requirements(sc, needs.sample(frac=1.0, random_state=7))
    pd.testing.assert_frame_equal(shuffled, by_group)


def test_pooling_rounds_once_after_adding_fractional_needs() -> None:
    needs = pd.DataFrame(
        {
            "date": ["d", "d"],
            "interval_start_min": [480, 480],
            "channel": ["phone", "phone"],
            "agents": [2.3, 1.4],
            "agents_int": [3, 2],
        }
    )
    pooled = pooled_requirements(needs)
    assert pooled["agents"].item() == pytest.approx(3.7)
    assert pooled["agents_int"].item() == 4
    assert pooled["agents_per_service"].item() == 5


def test_shop_visitors_walk_in_in_opening_hours_and_come_at_appointment_desks() -> None:
    sc = scenario(
        shop_config(
            rate_per_hour=12.0,
            hours="09:00-13:00",
            staff=4,
            desks=4,
            appointment_desks=1,
            appointment_share=0.5,
            horizon_days=2.0,
            counter={"no_show_probability": 0.1},
        )
    )
    table = expected_arrivals(sc)
    walk_ins = table[table["kind"] == "walk_in"]
    assert set(walk_ins["shop"]) == {"winkel"}
    assert set(walk_ins["interval_start_min"]) == set(range(540, 780, 30))  # doors open only
    assert walk_ins["expected_arrivals"].to_numpy() == pytest.approx(3.0)  # 6 an hour
    # Bookings come in all day (the counter channel is always open): 6 an hour x 24 h x 2 days,
    # less 10% no-shows, spread evenly over the 16 half-hours of the one appointment desk.
    booked = table[table["kind"] == "appointment"]
    assert len(booked) == 16 and set(booked["interval_start_min"]) == set(range(540, 780, 30))
    assert booked["expected_arrivals"].to_numpy() == pytest.approx(6 * 24 * 2 * 0.9 / 16)

    needs = interval_requirements(sc, max_occupancy=0.8)
    visits = needs[needs["kind"] == "appointment"]
    # No queueing margin for appointments: their load over the occupancy cap.
    assert visits["agents"].to_numpy() == pytest.approx(16.2 / 30 * 10 / 0.8)
    assert (visits["binding"] == "appointments").all()
    walking = needs[needs["kind"] == "walk_in"]
    assert (walking["service_level"] >= 0.8).all()

    sc = dataclasses.replace(sc, staffing=dataclasses.replace(sc.staffing, max_occupancy=0.8))
    by_group = group_requirements(sc, needs)
    assert set(by_group["staff_group"]) == {"balie"} and set(by_group["shop"]) == {"winkel"}
    first = by_group.iloc[0]
    # The shop's group serves walk-ins (an Erlang queue) and appointments (their load).
    assert first["agents"] == pytest.approx(walking["agents"].iloc[0] + visits["agents"].iloc[0])
    assert first["services"] == 1
