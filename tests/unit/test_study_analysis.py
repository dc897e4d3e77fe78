"""The sensitivity indices against functions whose answer is known, and the fan's arithmetic
(growth, the passport wave, channel-shift adoption, probabilities) by hand; the figures fit a
slide in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from klantstroom.report.study_figures import fan_figure, probability_figure, tornado_figure
from klantstroom.study.changes import Parameter
from klantstroom.study.fan import (
    DEFAULT_UNCERTAINTY,
    draw_values,
    fan_table,
    mix_after_adoption,
    probability_table,
    read_uncertainty,
    wilson,
    year_changes,
)
from klantstroom.study.sensitivity import (
    Design,
    morris_design,
    morris_table,
    most_important,
    sobol_design,
    sobol_table,
    tornado_choice,
    tornado_design,
    tornado_table,
)
from klantstroom.study.setup import StudyInputError
from slides import slide_problems

matplotlib.use("Agg")
PARAMETERS = [Parameter(name, ((name,),), 1.0, 0.0, 2.0) for name in ("a", "b", "c", "d")]


def records(points: list, f: Any) -> dict[str, dict[str, Any]]:
    """What the evaluations would return for a KPI ``f`` of the points' values."""
    result = {}
    for point in points:
        x = {p.name: point.values.get(p.name, p.base) for p in PARAMETERS}
        result[point.key] = {
            "norms": [
                {
                    "norm": "phone_service_level",
                    "channel": "phone",
                    "kpi": "service_level",
                    "label": "",
                    "target": 0.8,
                    "at_least": True,
                    "value": f(x),
                }
            ]
        }
    return result


def linear(x: dict[str, float]) -> float:
    return 0.5 + 0.10 * x["a"] + 0.02 * x["b"] + 0.0 * x["c"] + 0.05 * x["d"] * x["a"]


def test_morris_ranks_a_known_function_and_finds_the_null_parameter() -> None:
    design = Design(trajectories=10, levels=4)
    x, points = morris_design(PARAMETERS, design)
    table = morris_table(PARAMETERS, x, points, records(points, linear), design)
    mu = table.set_index("parameter")["mu_star"]
    # Over the range 0-2: a moves the KPI by 0.2 (+0.1 x d), d by 0.1 x a, b by 0.04, c not.
    assert list(table.sort_values("rank")["parameter"]) == ["a", "d", "b", "c"]
    assert mu["b"] == pytest.approx(0.04, rel=1e-6)  # linear: every effect is exact
    assert mu["c"] == 0.0
    assert table.set_index("parameter")["sigma"]["b"] == pytest.approx(0.0, abs=1e-9)
    assert table.set_index("parameter")["sigma"]["a"] > 0  # a interacts with d
    assert most_important(table, 2) == ["a", "d"]
    assert most_important(table, 4) == ["a", "d", "b"]  # c has no effect: never chosen


def test_a_failed_evaluation_leaves_its_trajectory_out() -> None:
    design = Design(trajectories=6, levels=4)
    x, points = morris_design(PARAMETERS, design)
    done = records(points, linear)
    del done[points[7].key]  # in the second trajectory (5 points each)
    table = morris_table(PARAMETERS, x, points, done, design)
    assert set(table["n_used"]) == {5}


def test_sobol_splits_the_variance_of_an_additive_function() -> None:
    design = Design(samples=512)
    chosen = PARAMETERS[:2]
    _, points = sobol_design(chosen, design)
    # y = a + 2 b on uniform [0, 2]: Var = (1 + 4) Var(U), so S1 = ST = 0.2 and 0.8.
    table = sobol_table(chosen, points, records(points, lambda v: v["a"] + 2 * v["b"]), design)
    indices = table.set_index("parameter")
    assert indices.loc["a", "s1"] == pytest.approx(0.2, abs=0.05)
    assert indices.loc["b", "st"] == pytest.approx(0.8, abs=0.05)
    assert list(table["parameter"]) == ["b", "a"]


def test_the_tornado_reads_each_end_alone() -> None:
    choice = {"phone_service_level": ["a", "b"]}
    chosen = [p for p in PARAMETERS if p.name in ("a", "b")]
    table = tornado_table(PARAMETERS, choice, records(tornado_design(chosen), linear))
    a = table.set_index("parameter").loc["a"]
    # a at 0 and at 2, the others at 1: 0.5 + 0.02 + 0 and 0.5 + 0.2 + 0.02 + 0.1.
    assert (a["kpi_at_low"], a["kpi_at_high"]) == pytest.approx((0.52, 0.82))
    assert a["kpi_at_base"] == pytest.approx(0.5 + 0.1 + 0.02 + 0.05)
    assert list(table["parameter"]) == ["a", "b"]
    assert tornado_choice(
        pd.DataFrame(
            {"norm": ["n", "n", "n"], "parameter": ["a", "b", "c"], "mu_star": [0.1, 0.3, 0.0]}
        ),
        5,
    ) == {"n": ["b", "a"]}


def config(year: int, mix: dict[str, float], factors: dict[int, float]) -> dict[str, Any]:
    return {
        "calendar": {"start_date": f"{year}-05-03"},
        "services": {
            "paspoort": {
                "volume_per_year": 1000.0,
                "year_factors": factors,
                "channel_mix": {"counter": 1.0},
            },
            "algemeen": {"volume_per_year": 5000.0, "channel_mix": mix},
        },
    }


def test_a_draw_changes_growth_the_wave_and_the_channel_shift_by_hand(tmp_path: Path) -> None:
    uncertainty = read_uncertainty(DEFAULT_UNCERTAINTY)
    uncertainty = type(uncertainty)(**{**uncertainty.__dict__, "wave_services": ("paspoort",)})
    factors = {2027: 1.8, 2028: 1.814, 2029: 1.016}  # the wave x growth, as grootstad.yaml
    first = config(2027, {"phone": 0.8, "digital": 0.2}, factors)
    later = config(2029, {"phone": 0.72, "digital": 0.28}, factors)
    draw = {
        "growth_per_year": 0.018,
        "wave_amplitude": 0.5,
        "wave_shift_years": 1,
        "adoption_rate": 0.5,
    }
    changes = dict(year_changes(later, first, draw, uncertainty))
    growth = (1.018 / 1.008) ** 2
    assert changes[("services", "algemeen", "volume_per_year")] == pytest.approx(5000 * growth)
    # A year later and half as high: 2029 gets 2028's wave at half its height, 1 + 0.5 x 0.8.
    wave = changes[("services", "paspoort", "year_factors")]
    assert wave[2029] == pytest.approx(1.016 * 1.4, abs=1e-6)
    assert wave[2028] == pytest.approx(1.814 / 1.8 * 1.4, abs=1e-6)
    # Half of the planned 8 points from phone to digital.
    assert changes[("services", "algemeen", "channel_mix")] == pytest.approx(
        {"phone": 0.76, "digital": 0.24}
    )
    assert ("services", "paspoort", "channel_mix") not in changes  # no shift planned
    as_planned = {
        "growth_per_year": 0.008,
        "wave_amplitude": 1.0,
        "wave_shift_years": 0,
        "adoption_rate": 1.0,
    }
    planned = dict(year_changes(later, first, as_planned, uncertainty))
    assert planned[("services", "algemeen", "volume_per_year")] == pytest.approx(5000)
    assert planned[("services", "paspoort", "year_factors")] == pytest.approx(factors)
    assert planned[("services", "algemeen", "channel_mix")] == pytest.approx(
        {"phone": 0.72, "digital": 0.28}
    )


@given(st.floats(0.0, 3.0), st.floats(0.05, 0.95), st.floats(0.0, 0.5))
def test_an_adopted_mix_stays_whole(rate: float, phone: float, chat: float) -> None:
    first = {"phone": phone, "digital": 1 - phone}
    planned = {"phone": phone * 0.5, "digital": (1 - phone) * (1 - chat), "chat": chat}
    planned = {c: s / sum(planned.values()) for c, s in planned.items()}
    mix = mix_after_adoption(first, planned, rate)
    assert sum(mix.values()) == pytest.approx(1.0)
    assert all(share > 0 for share in mix.values())
    assert set(mix) <= set(planned)


def test_draws_are_reproducible_and_follow_their_distributions() -> None:
    uncertainty = read_uncertainty(DEFAULT_UNCERTAINTY)
    draws = draw_values(uncertainty, 4000, seed=1)
    assert draws.equals(draw_values(uncertainty, 4000, seed=1))
    assert not draws.equals(draw_values(uncertainty, 4000, seed=2))
    assert draws["growth_per_year"].between(0.0, 0.016).all()
    assert draws["growth_per_year"].mean() == pytest.approx(0.008, abs=0.0005)  # triangular
    assert set(draws["wave_shift_years"]) == {-1, 0, 1}
    assert (draws["wave_shift_years"] == 0).mean() == pytest.approx(0.6, abs=0.03)


def test_a_bad_uncertainty_file_names_its_key(tmp_path: Path) -> None:
    good = (DEFAULT_UNCERTAINTY).read_text()
    cases = [
        (
            good.replace("growth_per_year: {kind: triangular", "growth_per_year: {kind: trianglar"),
            "growth_per_year: needs kind: one of",
        ),
        (
            good.replace("mode: 0.008, high: 0.016", "mode: 0.02, high: 0.016"),
            "low <= mode <= high",
        ),
        (good + "\nextra: 1\n", r"unknown key\(s\) \['extra'\]"),
        (good.replace("weights: [0.2, 0.6, 0.2]", "weights: [0.2, 0.6]"), "one weight"),
    ]
    for text, message in cases:
        path = tmp_path / "u.yaml"
        path.write_text(text)
        with pytest.raises(StudyInputError, match=message) as error:
            read_uncertainty(path)
        assert "u.yaml" in str(error.value)


def test_wilson_interval_by_hand() -> None:
    assert wilson(0, 20) == pytest.approx((0.0, 0.1611), abs=1e-4)
    assert wilson(20, 20) == pytest.approx((0.8389, 1.0), abs=1e-4)
    low, high = wilson(10, 20)
    assert (low, high) == pytest.approx((0.2993, 0.7007), abs=1e-4)


def runs() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = []
    for step, mean in (("nulmeting", 0.70), ("eindbeeld", 0.82)):
        for draw in range(40):
            level = rng.normal(mean, 0.03)
            for replication in range(2):
                common = {"draw": draw, "step": step, "replication": replication}
                rows.append(
                    {
                        **common,
                        "norm": "phone_service_level",
                        "kpi": "service_level",
                        "channel": "phone",
                        "label": "",
                        "target": 0.8,
                        "at_least": True,
                        "value": level + (0.01 if replication else -0.01),
                    }
                )
                rows.append(
                    {
                        **common,
                        "norm": "fte_of_work",
                        "kpi": "fte_of_work",
                        "channel": "",
                        "label": "",
                        "target": np.nan,
                        "at_least": True,
                        "value": 50 + 10 * level,
                    }
                )
    return pd.DataFrame(rows)


def test_the_probability_of_a_norm_is_the_share_of_draws_that_meet_it() -> None:
    table = runs()
    labels = {"nulmeting": "Nulmeting 2027", "eindbeeld": "Eindbeeld 2031"}
    probability = probability_table(table, labels).set_index("year")
    per_draw = table[table["norm"] == "phone_service_level"].groupby(["step", "draw"])["value"]
    expected = (per_draw.mean() >= 0.8).groupby("step").mean()
    assert probability.loc["Eindbeeld 2031", "probability"] == expected["eindbeeld"]
    assert probability.loc["Nulmeting 2027", "probability"] == 0.0
    assert probability.loc["Nulmeting 2027", "ci_high"] == pytest.approx(wilson(0, 40)[1])
    fan = fan_table(table, labels)
    fte = fan[(fan["metric"] == "fte_of_work") & (fan["year"] == "Eindbeeld 2031")].iloc[0]
    assert fte["p05"] < fte["p50"] < fte["p95"] and fte["kind"] == "fte"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_study_figures_fit_a_slide(language: str) -> None:
    labels = {"nulmeting": "Nulmeting 2027", "eindbeeld": "Eindbeeld 2031"}
    years = list(labels.values())
    probability = probability_table(runs(), labels)
    assert slide_problems(probability_figure(probability, years, language)) == []
    assert slide_problems(fan_figure(fan_table(runs(), labels), years, language)) == []
    choice = {"phone_service_level": ["a", "b", "d"]}
    chosen = [p for p in PARAMETERS if p.name in ("a", "b", "d")]
    tornado = tornado_table(PARAMETERS, choice, records(tornado_design(chosen), linear))
    tornado = tornado.assign(kpi="service_level", label="", target=0.8)
    assert slide_problems(tornado_figure(tornado, language)) == []
