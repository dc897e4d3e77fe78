"""Norms, service formulas and report settings: validated at the boundary, applied in summaries."""

from __future__ import annotations

import pandas as pd
import pytest

from klantstroom.analysis.kpis import ALL_KPIS, KEYS, summary_table
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import NORM_KPIS

from factories import ALL_DAYS, deep_update, queue_config, scenario


def test_every_norm_kpi_is_a_kpi_column() -> None:
    assert set(NORM_KPIS) <= set(ALL_KPIS)


def test_channel_targets_and_configured_norms_are_all_norms() -> None:
    config = queue_config(
        norms={"abandon": {"kpi": "abandonment_rate", "max": 0.07, "channel": "phone"}},
        channels={"phone": {"service_level_target": 0.75}},
    )
    norms = scenario(config).all_norms()
    assert [(n.kpi, n.target, n.at_least) for n in norms] == [
        ("service_level", 0.75, True),
        ("abandonment_rate", 0.07, False),
    ]


@pytest.mark.parametrize(
    ("norm", "key", "message"),
    [
        ({"kpi": "wait", "max": 1.0}, "norms.n.kpi", "allowed: abandonment_rate"),
        ({"kpi": "abandonment_rate"}, "norms.n", "exactly one of min"),
        ({"kpi": "abandonment_rate", "max": 7}, "norms.n.max", "must be <= 1.0"),
        ({"kpi": "asa_min", "max": 1, "channel": "fone"}, "norms.n.channel", "allowed: phone"),
    ],
)
def test_norm_errors_name_their_key(norm: dict, key: str, message: str) -> None:
    with pytest.raises(ScenarioErrors) as error:
        scenario(queue_config(norms={"n": norm}))
    assert key in str(error.value) and message in str(error.value)


def test_report_language_is_checked() -> None:
    assert scenario(queue_config(report={"language": "nl"})).report.language == "nl"
    with pytest.raises(ScenarioErrors, match=r"report.language.*allowed: en, nl"):
        scenario(queue_config(report={"language": "de"}))


@pytest.mark.parametrize(
    ("formula", "ok"),
    [("kcc", True), ("self_service", False), ("case_managed", False), ("balie", False)],
)
def test_a_service_formula_must_fit_its_channels(formula: str, ok: bool) -> None:
    config = deep_update(queue_config(), {"services": {"q": {"formula": formula}}})
    if ok:
        assert scenario(config).services[0].formula == formula
    else:
        with pytest.raises(ScenarioErrors, match=r"services\.q\.formula"):
            scenario(config)


def test_summary_marks_norms_met_on_the_mean_and_the_last_norm_wins() -> None:
    kpis = pd.DataFrame(
        {
            "replication": [0, 1],
            **{key: ["phone", "phone"] if key == "channel" else ["all", "all"] for key in KEYS},
            "abandonment_rate": [0.06, 0.09],
            "service_level": [0.7, 0.8],
        }
    )
    config = queue_config(
        norms={
            "loose": {"kpi": "abandonment_rate", "max": 0.05},
            "tight": {"kpi": "abandonment_rate", "max": 0.08, "channel": "phone"},
        }
    )
    summary = summary_table(kpis, norms=scenario(config).all_norms()).set_index("kpi")
    assert summary.loc["abandonment_rate", "mean"] == pytest.approx(0.075)
    assert summary.loc["abandonment_rate", "target"] == 0.08
    assert summary.loc["abandonment_rate", "norm"] == "<="
    assert bool(summary.loc["abandonment_rate", "meets_target"])
    assert summary.loc["service_level", "norm"] == ">="
    assert not bool(summary.loc["service_level", "meets_target"])  # 0.75 < 0.8
    # Two replications: the interval is the Student-t one around the mean.
    assert summary.loc["service_level", "ci_low"] == pytest.approx(0.75 - 12.706 * 0.05, abs=1e-3)


def test_digital_work_is_judged_on_its_working_day_norm() -> None:
    config = queue_config(
        channels={
            "digital": {
                "opening_hours": {d: ["00:00-24:00"] for d in ALL_DAYS},
                "service_level_target": 0.85,
            }
        },
        services={"q": {"channel_mix": {"phone": 0.5, "digital": 0.5}}},
    )
    config["services"]["q"]["handling"]["digital"] = {"kind": "deterministic", "mean_min": 5.0}
    config["staff_groups"]["agents"]["skills"]["q"]["digital"] = {"rank": 1}
    norms = {(n.kpi, n.channel) for n in scenario(config).all_norms()}
    assert norms == {("service_level", "phone"), ("answered_within_norm", "digital")}


def test_intervals_of_shares_stay_within_0_and_1_and_counts_above_0() -> None:
    kpis = pd.DataFrame(
        {
            "replication": [0, 1, 2],
            **{key: ["phone"] * 3 if key == "channel" else ["all"] * 3 for key in KEYS},
            "service_level": [1.0, 0.98, 0.9],
            "abandonment_rate": [0.0, 0.01, 0.05],
            "redials": [0.0, 1.0, 5.0],
        }
    )
    summary = summary_table(kpis).set_index("kpi")
    # The normal intervals reach past 100% and below 0%; the true share cannot lie there.
    assert summary.loc["service_level", "ci_high"] == 1.0
    assert 0.0 < summary.loc["service_level", "ci_low"] < summary.loc["service_level", "mean"]
    assert summary.loc["abandonment_rate", "ci_low"] == 0.0
    assert summary.loc["redials", "ci_low"] == 0.0  # a count is not negative either
    assert summary.loc["redials", "ci_high"] > 5.0  # nor bounded by 1
