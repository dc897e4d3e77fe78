"""Specialists vs multi-skilled staff: variants, FTE comparison and pooling gain."""

from __future__ import annotations

from klantstroom.staffing.demand import interval_requirements
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
    gain = pooling_gain(interval_requirements(sc), sc)
    assert set(gain["service"]) == {"q", "b"}
    assert gain["saved_agent_hours"].sum() > 0
    assert len(gain.groupby("hour")) == 24
