"""Specialists vs multi-skilled staff: variants, FTE comparison and pooling gain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from klantstroom.staffing.demand import interval_requirements, pooled_need
from klantstroom.staffing.plan import group_requirements, plan_staffing
from klantstroom.staffing.sizing import required_agents
from klantstroom.staffing.skillmix import compare_skill_mixes, pooling_gain, skill_mix_variants

from factories import queue_config, scenario


def two_services() -> dict:
    config = queue_config(
        rate_per_hour=60.0,
        handling={"kind": "exponential", "mean_min": 2.0},
        horizon_days=1.0,
        calendar={"interval_min": 60},
        staffing={"replications": 2},
    )
    config["services"]["b"] = dict(config["services"]["q"], rate_per_hour=40.0)
    config["staff_groups"]["agents"]["skills"]["b"] = {"phone": {"rank": 1}}
    return config


def test_variants_have_the_expected_groups() -> None:
    variants = skill_mix_variants(scenario(two_services()))
    assert [g.name for g in variants["specialists"].staff_groups] == [
        "specialist_q",
        "specialist_b",
    ]
    (multi,) = variants["multi_skilled"].staff_groups
    assert {s.service for s in multi.skills} == {"q", "b"}


def test_pooling_needs_fewer_staff_than_specialists() -> None:
    sc = scenario(two_services())
    table = compare_skill_mixes(sc).set_index("skill_mix")
    assert table.loc["multi_skilled", "fte"] < table.loc["specialists", "fte"]
    assert table["norms_met"].all()
    # The scenario's own plan, when made already, is its row: the same numbers, no new search.
    reused = compare_skill_mixes(sc, plan_staffing(sc)).set_index("skill_mix")
    pd.testing.assert_frame_equal(reused, table)
    gain = pooling_gain(interval_requirements(sc), sc)
    assert set(gain["service"]) == {"q", "b"}
    assert gain["saved_agent_hours"].sum() > 0
    assert len(gain.groupby("hour")) == 24


def test_a_multi_skilled_group_is_sized_as_one_pooled_queue() -> None:
    sc = scenario(two_services())  # one group "agents" with both services
    needs = interval_requirements(sc)
    by_group = group_requirements(sc, needs)
    assert set(by_group["staff_group"]) == {"agents"}
    assert (by_group["services"] == 2).all()
    # Pooling two queues needs fewer agents than the two need apart, in every interval.
    assert (by_group["agents"] < by_group["agents_separate"] - 0.1).all()
    # The pooled queue is one Erlang C queue (no patience given) with the added rate: equal
    # handling times here, so it is exact.
    assert needs["patience_min"].isna().all()
    row = by_group.iloc[0]
    phone = sc.channel("phone")
    alone = required_agents(
        row["arrival_rate_per_min"],
        row["handling_min"],
        phone.service_level_threshold_min,
        phone.service_level_target,
        max_occupancy=sc.staffing.max_occupancy,
    )
    assert row["agents"] == pytest.approx(alone.agents)
    assert row["agents_int"] == alone.agents_int
    # Specialists: each group gets its own service, and its need is that service's own.
    specialists = skill_mix_variants(sc)["specialists"]
    apart = group_requirements(specialists, interval_requirements(specialists))
    assert set(apart["staff_group"]) == {"specialist_q", "specialist_b"}
    assert apart["agents"].to_numpy() == pytest.approx(apart["agents_separate"].to_numpy())


def test_pooled_need_weights_handling_by_load_and_patience_by_rate() -> None:
    need = pooled_need(
        np.array([1.0, 3.0]),
        np.array([4.0, 2.0]),
        np.array([2.0, np.nan]),  # the second queue's callers never hang up
        1 / 3,
        0.8,
        max_occupancy=1.0,
    )
    # 4 calls a minute at 2.5 min each (10 Erlang), patience 2 min from the one queue with it.
    direct = required_agents(4.0, 2.5, 1 / 3, 0.8, mean_patience_min=2.0)
    assert need == direct
    erlang_c = pooled_need(
        np.array([1.0]), np.array([4.0]), np.array([np.nan]), 1 / 3, 0.8, max_occupancy=1.0
    )
    assert erlang_c == required_agents(1.0, 4.0, 1 / 3, 0.8)
    nobody = pooled_need(np.zeros(2), np.ones(2), np.ones(2), 1 / 3, 0.8, max_occupancy=0.9)
    assert (nobody.agents, nobody.agents_int, nobody.binding) == (0.0, 0, "none")
