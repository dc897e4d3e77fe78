"""A study's values written into a configuration: aliases, shares kept whole, whole numbers, and
the numbers marked "assumption" in a municipality file."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from omegaconf import OmegaConf

from klantstroom import api
from klantstroom.paths import conf_dir
from klantstroom.study.assumptions import (
    assumptions,
    default_range,
    marked_numbers,
    simulated_calendar,
)
from klantstroom.study.changes import ChangeError, Parameter, apply, lookup, split_key


def config() -> dict:
    return {
        "services": {
            "a": {"channel_mix": {"phone": 0.6, "digital": 0.3, "chat": 0.1}, "volume": 100},
            "b": {"year_factors": {2027: 1.0, 2028: 1.01}},
            "c": {"year_factors": {2027: 1.0, 2028: 1.01}},
        },
        "shifts": [{"headcount": 4}, {"headcount": 2}],
    }


def test_a_value_shared_by_an_anchor_is_written_at_every_place() -> None:
    growth = Parameter(
        "services.b.year_factors.2027",
        (("services", "b", "year_factors", "2027"), ("services", "c", "year_factors", "2027")),
        1.0,
        0.9,
        1.1,
    )
    changed = apply(config(), [growth], {growth.name: 1.05})
    assert changed["services"]["b"]["year_factors"][2027] == 1.05
    assert changed["services"]["c"]["year_factors"][2027] == 1.05
    assert config()["services"]["b"]["year_factors"][2027] == 1.0  # the base is not touched


def test_a_share_moves_the_others_in_proportion() -> None:
    phone = Parameter(
        "services.a.channel_mix.phone", (split_key("services.a.channel_mix.phone"),), 0.6, 0.4, 0.8
    )
    mix = apply(config(), [phone], {phone.name: 0.8})["services"]["a"]["channel_mix"]
    assert mix["phone"] == 0.8
    assert mix["digital"] == pytest.approx(0.15)  # 0.3 x 0.2 / 0.4
    assert mix["chat"] == pytest.approx(0.05)
    assert sum(mix.values()) == pytest.approx(1.0)


@given(st.floats(0.0, 1.0))
def test_every_share_keeps_the_mix_whole(value: float) -> None:
    chat = Parameter(
        "services.a.channel_mix.chat", (split_key("services.a.channel_mix.chat"),), 0.1, 0.0, 1.0
    )
    mix = apply(config(), [chat], {chat.name: value})["services"]["a"]["channel_mix"]
    assert sum(mix.values()) == pytest.approx(1.0)
    assert all(share >= 0 for share in mix.values())


def test_a_whole_number_stays_whole_and_a_list_position_is_a_key() -> None:
    headcount = Parameter(
        "shifts.1.headcount", (split_key("shifts.1.headcount"),), 2, 1, 3, integer=True
    )
    changed = apply(config(), [headcount], {headcount.name: 2.6})
    assert changed["shifts"][1]["headcount"] == 3
    assert isinstance(changed["shifts"][1]["headcount"], int)


def test_a_key_that_is_not_there_is_named() -> None:
    with pytest.raises(ChangeError, match=r"services\.x: no such key"):
        lookup(config(), split_key("services.x.volume"))
    with pytest.raises(ChangeError, match="not a parameter of this study"):
        apply(config(), [], {"services.a.volume": 3})


YAML = textwrap.dedent(
    """\
    services:
      a:
        volume: 100              # assumption
        factors: &growth {2027: 1.0, 2028: 1.01}   # +1%/yr (assumption)
        handling: {mean_min: 4.0, cv: 0.5}   # 4 min (dm#27); cv assumption
        fcr: 0.9                 # dm#35
      b:
        factors: *growth
        base: &course
          weeks: 52              # a year (assumption)
          hours: 4               # dm#7
      c:
        base: {<<: *course, hours: 6}   # assumption
    """
)


def test_the_numbers_marked_assumption_with_every_place_their_anchor_puts_them() -> None:
    found = {".".join(m.paths[0]): m for m in marked_numbers(YAML)}
    assert set(found) == {
        "services.a.volume",
        "services.a.factors.2027",
        "services.a.factors.2028",
        "services.a.handling.mean_min",  # on a marked line, as its cv
        "services.a.handling.cv",
        "services.b.base.weeks",
        "services.c.base.hours",
    }
    assert found["services.a.factors.2028"].paths == (
        ("services", "a", "factors", "2028"),
        ("services", "b", "factors", "2028"),
    )
    # A merge key (<<) brings the anchor's weeks into c as well; c's own hours is its own line.
    assert ("services", "c", "base", "weeks") in found["services.b.base.weeks"].paths
    assert found["services.a.volume"].line == 3


@pytest.fixture(scope="module")
def kleinstad() -> dict:
    container = OmegaConf.to_container(api.compose(["municipality=kleinstad"]), resolve=True)
    assert isinstance(container, dict)
    return {str(k): v for k, v in container.items()}


def test_kleinstad_assumptions_get_the_documented_ranges(kleinstad: dict) -> None:
    years, months = simulated_calendar(dt.date(2026, 3, 2), 14)
    parameters, left_out = assumptions(
        conf_dir() / "municipality" / "kleinstad.yaml", kleinstad, years=years, months=months
    )
    by_name = {p.name: p for p in parameters}
    volume = by_name["services.algemeen.volume_per_year"]
    assert (volume.base, volume.low, volume.high) == (18000, 13500, 22500)
    assert not volume.integer  # a float in the schema: continuous, though the file writes 18000
    assert volume.source.startswith("kleinstad.yaml:")
    # Probabilities stay probabilities; a share of a mix at most halfway to 1.
    assert all(p.high <= 1.0 for p in parameters if "probability" in p.name)
    phone = by_name.get("services.algemeen.channel_mix.phone")
    if phone is not None:
        assert phone.high == pytest.approx((1 + phone.base) / 2)
    reasons = {item.key: item.reason for item in left_out}
    assert not any(name.startswith(("run.", "costs.", "norms.")) for name in by_name)
    assert any("norm's definition" in reason for reason in reasons.values())
    assert all(p.low < p.high for p in parameters)


def test_default_ranges_keep_whole_numbers_whole_and_shares_shares() -> None:
    base = config()
    assert default_range(base, ("shifts", "1", "headcount"), 2, True, 0.25) == (1.0, 3.0)
    assert default_range(base, ("shifts", "1", "headcount"), 1, True, 0.25) == (1.0, 2.0)
    assert default_range(base, ("shifts", "1", "headcount"), 16, True, 0.25) == (12.0, 20.0)
    phone = ("services", "a", "channel_mix", "phone")
    assert default_range(base, phone, 0.6, False, 0.25) == (0.45, 0.75)
    base["services"]["a"]["channel_mix"] = {"phone": 0.8, "digital": 0.2}
    # Halfway to 1 (0.9), not 1.0: the other channel keeps a share.
    assert default_range(base, phone, 0.8, False, 0.25) == (0.6, 0.9)
    assert default_range(base, ("x", "fcr_probability"), 0.97, False, 0.25) == (0.7275, 1.0)
    assert default_range(base, ("x", "mean_min"), -4.0, False, 0.25) == (-5.0, -3.0)
    assert default_range(base, ("x", "mean_min"), 0.0, False, 0.25) is None
    # A factor varies by its distance from 1: the May peak's +35%, not the unit.
    assert default_range(base, ("s", "month_factors", "may"), 1.35, False, 0.25) == (
        pytest.approx(1.2625),
        pytest.approx(1.4375),
    )
    assert default_range(base, ("s", "year_factors", "2027"), 1.0, False, 0.25) is None


def test_a_parameters_file_names_its_bad_row(kleinstad: dict, tmp_path: Path) -> None:
    from klantstroom.study.parameters import read_parameters
    from klantstroom.study.setup import StudyInputError

    good = tmp_path / "good.yaml"
    good.write_text(
        "parameters:\n"
        "  - {key: services.algemeen.volume_per_year, range: 0.1}\n"
        "  - {key: channels.phone.patience.mean_min, low: 1.0, high: 4.0}\n"
    )
    read = read_parameters(good, kleinstad)
    assert [(p.low, p.high) for p in read] == [(16200, 19800), (1.0, 4.0)]
    bad = tmp_path / "bad.yaml"
    for row, message in [
        ("{key: services.algemeen.volum_per_year, range: 0.1}", r"parameters\[1\]: services"),
        ("{key: services.algemeen.label, range: 0.1}", "is not a number"),
        ("{key: channels.phone.patience.mean_min, low: 4, high: 1}", "must be below high"),
        ("{key: channels.phone.patience.mean_min, rnge: 0.2}", r"unknown field\(s\) \['rnge'\]"),
        ("{key: channels.phone.patience.mean_min, range: 2}", "range must be a share"),
    ]:
        bad.write_text(
            f"parameters:\n  - {{key: services.algemeen.volume_per_year, range: 0.1}}\n  - {row}\n"
        )
        with pytest.raises(StudyInputError, match=message) as error:
            read_parameters(bad, kleinstad)
        assert "bad.yaml" in str(error.value)
    with pytest.raises(StudyInputError, match="no such file"):
        read_parameters(tmp_path / "missing.yaml", kleinstad)
