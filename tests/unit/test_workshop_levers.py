"""The workshop's levers: the overlay they make against a composed year, and the saved file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from klantstroom.config.composing import compose_project
from klantstroom.paths import scenarios_dir
from klantstroom.scenario.staff import scale_row
from klantstroom.workshop import whatif
from klantstroom.workshop.levers import (
    LeverError,
    Levers,
    first_monday,
    kcc_groups,
    overlay,
    overlays,
)
from klantstroom.workshop.whatif import compose_levers_base, save_whatif, slug


@pytest.fixture(scope="module")
def jaar2() -> tuple[dict[str, Any], dict[str, float]]:
    return compose_levers_base(Levers(year="jaar2"))


def test_years_and_what_ifs_come_from_the_scenario_files() -> None:
    years, whatifs = overlays(scenarios_dir())
    assert [y.name for y in years] == ["nulmeting", "jaar1", "jaar2", "jaar3", "eindbeeld"]
    assert [y.roadmap_step for y in years] == [0, 1, 2, 3, 4]
    labels = {w.name: w.label for w in whatifs}
    assert labels["extra_avond"] == "Extra avond"  # without "(${params.jaar})"
    # A path and another municipality's overlay are neither a year nor a what-if.
    assert "routekaart" not in labels and "stadswinkels" not in labels


def test_neutral_levers_set_only_the_run(jaar2: tuple[dict[str, Any], dict[str, float]]) -> None:
    base, hours = jaar2
    diff = overlay(base, Levers(year="jaar2", start_month=5, horizon_days=14), hours)
    assert set(diff) == {"run", "calendar", "report"}
    assert diff["calendar"]["start_date"] == "2029-05-07"  # the first Monday of May 2029
    assert diff["run"]["horizon_days"] == 14 and diff["run"]["roadmap_step"] is None


@settings(max_examples=25, deadline=None)
@given(pp=st.floats(0, 100))
def test_a_channel_shift_keeps_every_mix_whole(
    jaar2: tuple[dict[str, Any], dict[str, float]], pp: float
) -> None:
    base, hours = jaar2
    diff = overlay(base, Levers(year="jaar2", channel_shift_pp=pp), hours)
    for name, changed in diff.get("services", {}).items():
        before = base["services"][name]["channel_mix"]
        after = changed["channel_mix"]
        assert sum(after.values()) == pytest.approx(sum(before.values()), abs=1e-3)
        moved = before["phone"] - after["phone"]
        assert 0 <= moved <= pp / 100 + 1e-4
        assert after["phone"] >= before["phone"] / 2 - 1e-4  # some keep calling
        assert after["digital"] - before["digital"] == pytest.approx(moved, abs=1e-3)


@pytest.mark.parametrize("share", [0.0, 0.4, 0.75, 1.0])
def test_the_multi_skilled_share_moves_hours_and_keeps_the_kcc_total(
    jaar2: tuple[dict[str, Any], dict[str, float]], share: float
) -> None:
    base, hours = jaar2
    diff = overlay(base, Levers(year="jaar2", multi_skilled_share=share), hours)
    kcc = kcc_groups(base)
    assert "midoffice_burgerzaken" not in kcc  # e-mail only: not the contact centre
    factor = {
        name: group["roster"]["headcount_factor"] for name, group in diff["staff_groups"].items()
    }
    assert set(factor) <= set(kcc)
    after = {name: hours[name] * factor.get(name, 1.0) for name in kcc}
    broad = sum(v for name, v in after.items() if name.startswith("breed"))
    assert sum(after.values()) == pytest.approx(sum(hours[n] for n in kcc), rel=1e-3)
    assert broad / sum(after.values()) == pytest.approx(share, abs=1e-3)


def test_demand_appointments_desks_and_rules(
    jaar2: tuple[dict[str, Any], dict[str, float]],
) -> None:
    base, hours = jaar2
    levers = Levers(
        year="jaar2",
        demand_factor=1.2,
        appointment_share=0.5,
        appointment_desks_factor=0.5,
        routing_policy="longest_idle",
        deferred_reserve=2,
    )
    diff = overlay(base, levers, hours)
    services = diff["services"]
    volume = base["services"]["belastingen"]["volume_per_year"]
    assert services["belastingen"]["volume_per_year"] == pytest.approx(1.2 * volume)
    both = [
        name
        for name, s in base["services"].items()
        if 0 < s["counter"]["appointment_share"] < 1 and "counter" in s["channel_mix"]
    ]
    assert both and all(services[n]["counter"]["appointment_share"] == 0.5 for n in both)
    desks = base["shops"]["stadskantoor"]["appointment_desks"][0]["desks"]
    assert diff["shops"]["stadskantoor"]["appointment_desks"][0]["desks"] == round(desks / 2)
    assert diff["routing"] == {"policy": "longest_idle", "deferred_reserve": 2}


@pytest.mark.parametrize(
    ("levers", "named"),
    [
        (Levers(horizon_days=3), "horizon_days: must be between 7 and 371"),
        (Levers(demand_factor=-1), "demand_factor"),
        (Levers(headcount_factor={"kcc_typo": 1.2}), "headcount_factor.kcc_typo: no such"),
        (Levers(routing_policy="random"), "routing_policy: must be one of specialist_first"),
        (Levers(multi_skilled_share=1.5), "multi_skilled_share"),
    ],
)
def test_a_lever_out_of_range_names_itself(
    jaar2: tuple[dict[str, Any], dict[str, float]], levers: Levers, named: str
) -> None:
    base, hours = jaar2
    with pytest.raises(LeverError, match=named.replace(".", r"\.")):
        overlay(base, levers, hours)


def test_rosters_scale_half_up_per_interval() -> None:
    assert scale_row((0, 1, 2, 3, 4), 1.5) == (0, 2, 3, 5, 6)
    assert scale_row((4, 5), 1.1) == (4, 6)  # 4.4 -> 4, 5.5 -> 6
    assert scale_row((3, 7), 0.0) == (0, 0)
    assert scale_row((3, 7), 1.0) == (3, 7)


def test_first_monday() -> None:
    assert first_monday(2027, 3) == dt.date(2027, 3, 1)
    assert first_monday(2029, 5) == dt.date(2029, 5, 7)


def test_a_saved_what_if_says_who_when_why_and_is_never_overwritten(tmp_path: Path) -> None:
    when = dt.datetime(2026, 12, 5, 19, 30)
    levers = Levers(year="jaar2", whatifs=("extra_avond",), demand_factor=1.1)
    saved = save_whatif(
        levers,
        title="Meer vraag!",
        who="Petra",
        why="De raad vraagt\nwat als",
        folder=tmp_path,
        now=when,
    )
    assert saved.name == slug("Meer vraag!") == "meer_vraag"
    text = saved.path.read_text(encoding="utf-8")
    assert text.startswith("# @package _global_\n# Workshop what-if: Meer vraag!\n")
    assert "# Saved by klantstroom-workshop on 2026-12-05 19:30 by Petra" in text
    assert "# Why: De raad vraagt\n# Why: wat als" in text
    assert "# Replay: klantstroom scenarios=workshop/meer_vraag" in text
    data = yaml.safe_load(text)
    assert data["defaults"] == ["/scenarios/jaar2", "/scenarios/extra_avond", "_self_"]
    assert data["run"]["label"] == "Meer vraag!" and data["run"]["name"] == "meer_vraag"
    # The same what-if again (later, by someone else): the same file, unchanged.
    again = save_whatif(levers, title="Meer vraag!", who="Kees", folder=tmp_path)
    assert again.path == saved.path and saved.path.read_text(encoding="utf-8") == text
    # Other levers under the same title: a new file, the first one kept.
    other = save_whatif(
        Levers(year="jaar2", demand_factor=1.3), title="Meer vraag!", folder=tmp_path
    )
    assert other.name == "meer_vraag_2" and saved.path.read_text(encoding="utf-8") == text


def test_the_phone_closes_earlier_on_every_open_day(
    jaar2: tuple[dict[str, Any], dict[str, float]],
) -> None:
    base, hours = jaar2
    diff = overlay(base, Levers(year="jaar2", phone_closing="13:00"), hours)
    opening = diff["channels"]["phone"]["opening_hours"]
    assert opening["mon"] == ["09:00-13:00"] and opening["sat"] == []
    # The year's own hours change nothing; a time before opening or not a time is refused.
    assert "channels" not in overlay(base, Levers(year="jaar2", phone_closing="17:00"), hours)
    with pytest.raises(LeverError, match="phone_closing: 08:00 is before the phone opens"):
        overlay(base, Levers(year="jaar2", phone_closing="08:00"), hours)
    with pytest.raises(LeverError, match="phone_closing: must be a time HH:MM"):
        overlay(base, Levers(year="jaar2", phone_closing="5pm"), hours)


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The overrides of every composition ``klantstroom.api.compose`` makes in the test."""
    made: list[list[str]] = []
    real = whatif.api.compose

    def counted(overrides: Any) -> Any:
        made.append(list(overrides))
        return real(overrides)

    monkeypatch.setattr(whatif.api, "compose", counted)
    return made


@pytest.mark.usefixtures("fresh_bases")
def test_a_year_is_composed_once_while_no_config_file_changes(
    monkeypatch: pytest.MonkeyPatch, composed: list[list[str]]
) -> None:
    levers = Levers(year="nulmeting", whatifs=("extra_avond",))
    first, hours = compose_levers_base(levers)
    first["run"]["name"] = "changed by the caller"  # a copy: the next call does not see it
    again, same_hours = compose_levers_base(levers)
    assert composed == [["scenarios=[nulmeting,extra_avond]"]]
    assert again["run"]["name"] != "changed by the caller" and same_hours == hours
    compose_levers_base(Levers(year="nulmeting"))  # other overlays: composed
    assert composed[-1] == ["scenarios=[nulmeting]"]
    # A file edited since: composed again.
    state = whatif.config_files_state()
    monkeypatch.setattr(whatif, "config_files_state", lambda: (*state, ("edited", 1, 1, 1, 1)))
    compose_levers_base(levers)
    assert len(composed) == 3


@pytest.fixture
def fresh_bases() -> Iterator[None]:
    """No kept composition before the test, and none it made (maybe a stand-in's) after it."""
    whatif._kept_base.cache_clear()
    yield
    whatif._kept_base.cache_clear()


@pytest.mark.usefixtures("fresh_bases")
def test_the_kept_compositions_are_bounded_the_least_recently_used_going_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[tuple[str, ...]] = []

    def compose(scenarios: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, float]]:
        made.append(scenarios)
        return {"run": {}}, {}

    monkeypatch.setattr(whatif, "_compose_levers_base", compose)
    state = [0]
    monkeypatch.setattr(whatif, "config_files_state", lambda: (("file", state[0], 0, 0, 0),))

    def ask(edit: int) -> None:  # the year under the files' state after ``edit`` edits
        state[0] = edit
        compose_levers_base(Levers(year="nulmeting"))

    for edit in range(32):
        ask(edit)
    ask(0)  # used again: now the most recent
    ask(32)  # a 33rd: edit 1, the least recently used, goes
    assert len(made) == 33
    ask(0)
    ask(32)
    assert len(made) == 33  # both kept
    ask(1)
    assert len(made) == 34  # composed again


def test_the_file_state_follows_every_config_file_but_the_saved_what_ifs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    conf, scenarios = tmp_path / "conf", tmp_path / "scenarios"
    (scenarios / "workshop").mkdir(parents=True)
    conf.mkdir()
    (conf / "config.yaml").write_text("a: 1\n", encoding="utf-8")
    (scenarios / "jaar1.yaml").write_text("b: 1\n", encoding="utf-8")
    monkeypatch.setattr(whatif, "conf_dir", lambda: conf)
    monkeypatch.setattr(whatif, "scenarios_dir", lambda: scenarios)
    before = whatif.config_files_state()
    assert [Path(entry[0]).name for entry in before] == ["config.yaml", "jaar1.yaml"]
    (scenarios / "workshop" / "saved.yaml").write_text("c: 1\n", encoding="utf-8")
    assert whatif.config_files_state() == before  # a saved what-if is never a base
    (scenarios / "jaar1.yaml").write_text("b: 22\n", encoding="utf-8")
    assert whatif.config_files_state() != before
    # The same size, the modification time put back (as cp -p or rsync -a do): still seen.
    edited = whatif.config_files_state()
    mtime = (scenarios / "jaar1.yaml").stat().st_mtime_ns
    (scenarios / "jaar1.yaml").write_text("b: 23\n", encoding="utf-8")
    os.utime(scenarios / "jaar1.yaml", ns=(mtime, mtime))
    assert whatif.config_files_state() != edited


def test_a_run_that_is_not_cached_is_composed_once(
    composed: list[list[str]], tmp_path: Path
) -> None:
    overrides = ["scenarios=textbook/mmc", "run.horizon_days=1", "run.replications=1"]
    run = whatif.run_cached(overrides, tmp_path)
    assert composed == [overrides]
    recorded = (run.folder / ".hydra" / "config.yaml").read_text(encoding="utf-8")
    # api.compose is compose_project (counted here); composed afresh, the same configuration.
    assert recorded == OmegaConf.to_yaml(compose_project(overrides))
    assert run.folder.name == whatif.config_key(compose_project(overrides))
