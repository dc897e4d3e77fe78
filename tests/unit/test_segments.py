"""Citizen segments: exact timelines of their factors and switches, their shares, the tables
without segments unchanged, their KPI rows and report section, and config errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from omegaconf import DictConfig
from scipy import stats

from klantstroom.config import scenario_from_config
from klantstroom.experiment import run_experiment
from klantstroom.outputs import write_tables
from klantstroom.report.compare_segments import (
    segment_comparison_table,
    write_segment_comparison,
)
from klantstroom.report.run_report import write_run_report
from klantstroom.results import check_run, load_run
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import ABANDONED, GIVEN_UP, SERVED, SWITCH

from factories import always_open, deep_update, queue_config, scenario, simulation

FIVE = {"kind": "deterministic", "mean_min": 5.0}


def rows(log_columns: dict[str, np.ndarray]) -> list[dict[str, float]]:
    order = np.argsort(log_columns["contact_id"])
    return [{k: v[i].item() for k, v in log_columns.items()} for i in order]


def two_services(**overrides: Any) -> dict[str, Any]:
    """Services q and r on the phone; every q caller is ``slow``, every r caller ``plain``.

    With one possible segment per service nothing is drawn, so the timelines are exact.
    """
    config = queue_config(
        patience={"kind": "deterministic", "mean_min": 1.0},
        services={"r": {"rate_per_hour": 0.0, "channel_mix": {"phone": 1.0}}},
        staff_groups={"agents": {"skills": {"r": {"phone": {"rank": 1}}}}},
        segments={
            "slow": {"share_by_service": {"q": 1.0}, "handling_factor": 2.0, "patience_factor": 3},
            "plain": {"share_by_service": {"r": 1.0}},
        },
    )
    config["services"]["r"]["handling"] = {"phone": FIVE}
    return deep_update(config, overrides)


def test_a_segment_handling_factor_gives_exactly_its_handling_time() -> None:
    sim = simulation(two_services())
    sim.add_arrivals([0.0], "q", "phone")
    sim.add_arrivals([20.0], "r", "phone")
    slow, plain = rows(sim.run().contacts)
    assert (slow["start_min"], slow["end_min"], slow["segment"]) == (0.0, 10.0, 0)  # 5 x 2
    assert (plain["start_min"], plain["end_min"], plain["segment"]) == (20.0, 25.0, 1)


def test_a_segment_patience_factor_gives_exactly_its_patience() -> None:
    sim = simulation(two_services())
    sim.add_arrivals([0.0, 1.0], "q", "phone")  # the first takes the agent until 10.0
    sim.add_arrivals([1.0], "r", "phone")
    first, slow, plain = rows(sim.run().contacts)
    assert first["outcome"] == SERVED
    assert slow["outcome"] == ABANDONED and slow["end_min"] == 1.0 + 3.0  # patience 1 x 3
    assert plain["outcome"] == ABANDONED and plain["end_min"] == 1.0 + 1.0


def test_later_contacts_belong_to_the_same_segment() -> None:
    redial = {
        "probability": 1.0,
        "delay": {"kind": "deterministic", "mean_min": 10.0},
        "max_attempts": 2,
    }
    sim = simulation(two_services(channels={"phone": {"redial": redial}}))
    sim.add_arrivals([0.0, 1.0], "q", "phone")
    first, abandoned, again = rows(sim.run().contacts)
    assert first["end_min"] == 10.0 and abandoned["end_min"] == 1.0 + 3.0
    assert again["parent_contact_id"] == abandoned["contact_id"] and again["attempt"] == 2
    assert again["arrival_min"] == 4.0 + 10.0
    # The redial is the slow citizen's: served at twice the handling time.
    assert again["segment"] == 0 and again["end_min"] - again["start_min"] == 10.0


def switch_config() -> dict[str, Any]:
    """q and r by web form and phone; web forms never resolve; q's citizens are ``phoners``."""
    never = {"digital": 0.0}
    mix = {"phone": 0.5, "digital": 0.5}
    config = queue_config(
        channels={"digital": {"opening_hours": always_open(), "open_on_holidays": True}},
        services={
            "q": {"channel_mix": mix, "handling": {"digital": FIVE}, "fcr_by_channel": never},
            "r": {
                "rate_per_hour": 0.0,
                "channel_mix": mix,
                "handling": {"phone": FIVE, "digital": FIVE},
                "fcr_by_channel": never,
            },
        },
        staff_groups={
            "agents": {
                "skills": {
                    "q": {"phone": {"rank": 1}, "digital": {"rank": 1}},
                    "r": {"phone": {"rank": 1}, "digital": {"rank": 1}},
                }
            }
        },
        segments={
            "phoners": {
                "share_by_service": {"q": 1.0},
                "channel_switch": {
                    "default": {
                        "digital": {
                            "to": "phone",
                            "probability": 1.0,
                            "delay": {"kind": "deterministic", "mean_min": 30.0},
                        }
                    }
                },
            },
            "others": {"share_by_service": {"r": 1.0}},
        },
    )
    return config


def test_a_segment_switches_channel_where_the_service_does_not() -> None:
    sim = simulation(switch_config())
    sim.add_arrivals([60.0], "q", "digital")
    sim.add_arrivals([600.0], "r", "digital")
    form, call, other = rows(sim.run().contacts)
    assert call["origin"] == SWITCH and call["parent_contact_id"] == form["contact_id"]
    assert call["arrival_min"] == 60.0 + 5.0 + 30.0 and call["segment"] == form["segment"] == 0
    assert other["segment"] == 1 and other["journey_end"] == GIVEN_UP  # no switch: given up


def mixed_config(seed: int = 7) -> dict[str, Any]:
    """One service, three segments; two keep to the phone, one splits phone and e-mail."""
    config = queue_config(
        rate_per_hour=200.0,
        agents=30,
        seed=seed,
        horizon_days=1.0,
        channels={"digital": {"opening_hours": always_open(), "open_on_holidays": True}},
        services={"q": {"channel_mix": {"phone": 0.5, "digital": 0.5}, "handling": {}}},
        staff_groups={"agents": {"skills": {"q": {"digital": {"rank": 1}}}}},
        segments={
            "a": {"share": 0.5, "channel_mix": {"q": {"phone": 1.0}}},
            "b": {"share": 0.3, "channel_mix": {"default": {"phone": 0.5, "digital": 0.5}}},
            "c": {"share": 0.2, "channel_mix": {"q": {"phone": 1.0}}},
        },
    )
    config["services"]["q"]["handling"] = {"phone": FIVE, "digital": FIVE}
    return config


def test_the_service_mix_becomes_the_segment_weighted_mix() -> None:
    mix = dict(scenario(mixed_config()).services[0].channel_mix)
    assert mix["phone"] == pytest.approx(0.5 + 0.15 + 0.2)
    assert mix["digital"] == pytest.approx(0.15)


def test_new_citizens_come_in_their_segments_shares() -> None:
    """Chi-square on (segment, channel) of the first contacts of a seeded day: 4,800 matters."""
    contacts = run_experiment(scenario(mixed_config())).contacts
    new = contacts[contacts["origin"] == "new"]
    counts = new.groupby(["segment", "channel"], observed=True).size()
    cells = [("a", "phone"), ("b", "phone"), ("b", "digital"), ("c", "phone")]
    observed = np.array([counts.get(cell, 0) for cell in cells], dtype=float)
    assert observed.sum() == len(new) > 4000  # no other combination occurs
    expected = np.array([0.5, 0.15, 0.15, 0.2]) * observed.sum()
    assert stats.chisquare(observed, expected).pvalue > 0.001


def test_without_segments_every_citizen_is_all_and_kpis_have_no_segment_key() -> None:
    result = run_experiment(scenario(queue_config(rate_per_hour=30.0, agents=3)))
    assert set(result.contacts["segment"]) == {"all"}
    assert set(result.journeys["segment"]) == {"all"}
    assert "segment" not in result.kpis and result.segment_kpis is None


def test_one_segment_of_everyone_gives_the_tables_of_no_segments() -> None:
    """Nothing is drawn and every factor is 1: the same seed gives the same tables."""
    base = queue_config(
        rate_per_hour=40.0,
        agents=3,
        handling={"kind": "lognormal", "mean_min": 4.0, "cv": 0.8},
        patience={"kind": "exponential", "mean_min": 2.0},
        replications=2,
        channels={"phone": {"redial": {"probability": 0.5}}},
    )
    plain = run_experiment(scenario(base))
    one = run_experiment(scenario(deep_update(base, {"segments": {"iedereen": {"share": 1.0}}})))
    for name in ("contacts", "journeys"):
        left = getattr(plain, name).drop(columns=["segment"])
        right = getattr(one, name).drop(columns=["segment"])
        pd.testing.assert_frame_equal(left, right, obj=name)
    pd.testing.assert_frame_equal(plain.kpis, one.kpis)
    assert set(one.contacts["segment"]) == {"iedereen"}
    # The segment's own rows repeat those of all citizens.
    mine = one.segment_summary
    assert mine is not None
    for kpi in ("offered", "asa_min", "abandonment_rate"):
        ours = mine[(mine.kpi == kpi) & (mine.channel == "phone") & (mine.service == "all")]
        everyone = one.summary[
            (one.summary.kpi == kpi)
            & (one.summary.channel == "phone")
            & (one.summary.service == "all")
        ]
        assert ours["mean"].iloc[0] == pytest.approx(everyone["mean"].iloc[0])


def test_segment_rows_are_written_read_back_and_reported(tmp_path: Path) -> None:
    config = deep_update(mixed_config(), {"run": {"replications": 2, "horizon_days": 0.25}})
    config["segments"]["a"]["label"] = "Altijd bellers"
    sc = scenario(config)
    write_tables(run_experiment(sc), sc, tmp_path)
    kpis = pd.read_csv(tmp_path / "kpis.csv")
    columns = list(kpis.columns)
    assert columns[columns.index("staff_group") + 1] == "segment"
    assert set(kpis["segment"]) == {"all", "a", "b", "c"}
    run = load_run(tmp_path)
    assert check_run(run) is None  # the rows counted in run.json are the file's
    assert "segment" not in run.summary and len(run.summary) > 0
    assert set(run.segment_summary["segment"]) == {"a", "b", "c"}
    b_digital = run.segment_kpis[
        (run.segment_kpis.segment == "b")
        & (run.segment_kpis.channel == "digital")
        & (run.segment_kpis.service == "all")
    ]
    assert len(b_digital) == 2 and (b_digital["offered"] > 0).all()
    # a and c never use e-mail: they have no digital rows.
    assert not ((run.segment_kpis.segment != "b") & (run.segment_kpis.channel == "digital")).any()
    page = write_run_report(tmp_path).read_text(encoding="utf-8")
    assert "Per segment" in page and "Altijd bellers" in page and "all citizens" in page


def test_the_comparison_shows_each_segment_per_scenario(tmp_path: Path) -> None:
    config = deep_update(mixed_config(), {"run": {"replications": 2, "horizon_days": 0.25}})
    config["segments"]["a"]["label"] = "Altijd bellers"
    sc = scenario(config)
    write_tables(run_experiment(sc), sc, tmp_path)
    run = load_run(tmp_path)
    table = segment_comparison_table([run, run], ["x", "y"])
    assert list(table["segment"]) == ["all", "a", "b", "c"] * 2
    one = table[table["scenario"] == "x"].set_index("segment")
    # a and c only phone; b splits phone and e-mail half and half (with sampling noise).
    assert one.loc["a", "share_phone"] == 1.0 and one.loc["c", "share_phone"] == 1.0
    assert 0.35 < one.loc["b", "share_phone"] < 0.65
    assert one.loc["b", "share_phone"] + one.loc["b", "share_digital"] == pytest.approx(1.0)
    # The segments' phone calls are every citizen's: their shares add up to one.
    assert one.loc[["a", "b", "c"], "share_of_phone_calls"].sum() == pytest.approx(1.0)
    # a is half the citizens, all on the phone, of 0.5 + 0.3 * 0.5 + 0.2 = 0.85 phoning.
    assert one.loc["a", "share_of_phone_calls"] == pytest.approx(0.5 / 0.85, abs=0.06)
    section = write_segment_comparison([run, run], ["x", "y"], tmp_path, "nl")
    assert "Altijd bellers: telefoon (aandeel van zijn contacten)" in section
    assert (tmp_path / "segments.csv").is_file()


def errors_of(config: dict[str, Any]) -> str:
    with pytest.raises(ScenarioErrors) as info:
        scenario(config)
    return str(info.value)


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        (
            {"a": {"share": 0.7}, "b": {"share": 0.2}},
            "segments: the shares of service 'q' sum to 0.9000 over the segments (a 0.7, b 0.2)",
        ),
        (
            {"a": {"share": 1.0, "share_by_service": {"paspoort": 0.5}}},
            "segments.a.share_by_service.paspoort: unknown value 'paspoort'; allowed: q",
        ),
        (
            {"a": {"share": 1.0, "channel_mix": {"q": {"phone": 0.5, "balie": 0.5}}}},
            "segments.a.channel_mix.q.balie: unknown value 'balie'; allowed: phone",
        ),
        (
            {"a": {"share": 1.0, "channel_mix": {"q": {"phone": 0.5}}}},
            "segments.a.channel_mix.q: shares must sum to 1, they sum to 0.5000",
        ),
        (
            {"a": {"share": 1.0, "channel_mix": {"belasting": {"phone": 1.0}}}},
            "segments.a.channel_mix.belasting: unknown value 'belasting'; allowed: default, q",
        ),
        (
            {"a": {"share": 1.0, "channel_switch": {"q": {"phone": {"to": "digital"}}}}},
            "segments.a.channel_switch.q.phone.to: unknown value 'digital'; allowed: phone",
        ),
        (
            {"a": {"share": 1.0, "handling_factor": 0}},
            "segments.a.handling_factor: must be > 0.0 and <= 10.0, got 0",
        ),
        (
            {"all": {"share": 1.0}},
            "segments.all: 'all' is reserved",
        ),
        (
            {"a": 1.0},
            "segments.a: must be a segment (label, share, ...), got 1.0",
        ),
    ],
)
def test_bad_segments_name_the_key(segments: dict[str, Any], expected: str) -> None:
    assert expected in errors_of(queue_config(segments=segments))


def test_a_segment_channel_without_a_handling_time_names_the_service() -> None:
    config = queue_config(
        channels={"digital": {"opening_hours": always_open()}},
        segments={"a": {"share": 1.0, "channel_mix": {"default": {"digital": 1.0}}}},
    )
    message = errors_of(config)
    assert (
        "segments.a.channel_mix.default.digital: service 'q' has no handling time on "
        "'digital' (services.q.handling)" in message
    )


Compose = Callable[..., DictConfig]


def test_grootstad_s_vulnerable_keep_the_nulmeting_channels_on_the_road_map(
    compose_config: Compose,
) -> None:
    nulmeting = scenario_from_config(compose_config())
    eindbeeld = scenario_from_config(compose_config("scenarios=eindbeeld"))
    names = [s.name for s in nulmeting.segments]
    assert names == ["digitaal_vaardig", "digitaal_kwetsbaar", "ondernemer", "ketenpartner"]
    for year in (nulmeting, eindbeeld):
        vulnerable = year.segments[1]
        assert dict(vulnerable.mix("algemeen")) == {"phone": 0.75, "digital": 0.1, "chat": 0.15}
    # The nulmeting's volume per channel is that of the services' own mixes.
    algemeen = {s.name: dict(s.channel_mix) for s in nulmeting.services}["algemeen"]
    assert algemeen["phone"] == pytest.approx(0.75)
    # The road map shifts the others online, so the phone keeps more than the services' mix.
    phone_then = {s.name: s.share("phone") for s in eindbeeld.services}["algemeen"]
    skilled = dict(eindbeeld.segments[0].mix("algemeen"))["phone"]
    assert phone_then == pytest.approx(0.8 * skilled + 0.2 * 0.75)
    assert not math.isclose(phone_then, skilled)
