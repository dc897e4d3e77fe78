"""The config boundary: composition, scenarios, overrides, and errors that name their key."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hydra.errors import ConfigCompositionException
from hypothesis import given, settings
from hypothesis import strategies as st
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, ValidationError

from klantstroom.config import KlantstroomConfig, scenario_from_config
from klantstroom.config.errors import find_unknown_key
from klantstroom.config.path_plan import overlay_has_path, plan_path
from klantstroom.paths import conf_dir, scenarios_dir
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

from factories import queue_config, shipped_overlays, shop_config

Compose = Callable[..., DictConfig]


def test_default_config_is_grootstad(compose_config: Compose) -> None:
    scenario = scenario_from_config(compose_config())
    assert scenario.run.name == "grootstad" and scenario.run.roadmap_step == 0
    assert [c.name for c in scenario.channels] == ["phone", "digital", "chat", "counter"]
    # The minimum: 4-5 shops, 12+ services each with its formula, 3+ departments,
    # specialist and multi-skilled groups, seasonality with the passport wave.
    assert 4 <= len(scenario.shops) <= 5
    assert len({shop.opening for shop in scenario.shops}) == len(scenario.shops)  # own hours
    assert len(scenario.services) >= 12
    assert all(service.formula for service in scenario.services)
    assert {service.formula for service in scenario.services} == {
        "self_service",
        "appointment",
        "walk_in",
        "kcc",
        "case_managed",
    }
    assert len(scenario.departments) >= 3
    names = {g.name for g in scenario.staff_groups}
    assert any(n.startswith("kcc_") for n in names) and any(n.startswith("breed_") for n in names)
    passport = next(s for s in scenario.services if s.name == "paspoort_aanvraag")
    wave = dict(passport.year_factors)
    assert wave[2027] > 1.5 * wave[2030]  # the 2024-2028 wave, the dip after it
    assert passport.month_factors[4] > passport.month_factors[0]  # May above January
    assert {p.household for p in scenario.personas} == {"De Vries"}
    assert any(n.kpi == "abandonment_rate" for n in scenario.norms)


def test_kleinstad_is_still_available(compose_config: Compose) -> None:
    scenario = scenario_from_config(compose_config("municipality=kleinstad"))
    assert scenario.run.name == "kleinstad"
    assert [c.name for c in scenario.channels] == ["phone", "digital", "chat"]
    assert len(scenario.services) == 6
    assert [d.name for d in scenario.departments] == ["burgerzaken", "zorg_inkomen", "belastingen"]
    phone = scenario.channel("phone")
    assert phone.service_level_threshold_min == pytest.approx(20 / 60)
    monday = phone.intraday[0]
    assert monday is not None and sum(monday.shares) == pytest.approx(1.0)


def test_every_grootstad_value_has_its_source_beside_it() -> None:
    """Each line of grootstad.yaml that sets a figure says where it comes from.

    A source is a domain.md row (dm#N), a source key ([U1]), a URL, a section (§4), or the words
    assumption / derived / "as <another value>"; it may sit on the line itself or in the comments
    of the lines just above it (one comment for a block of shifts, skills or shares). Settings
    that are not figures (ranks, personas, run settings) are exempt, and so are the holiday
    dates, whose source heads their list.
    """
    path = conf_dir() / "municipality" / "grootstad.yaml"
    marks = re.compile(
        r"dm#\d+|\[[A-Z]+\d*\]|https?://|§\d|assumption|derived|calibrated|\bas (kleinstad|"
        r"stadswinkels|the|phone|a|above|below)\b|rijksoverheid|holidays|CAO"
    )
    figure = re.compile(r":\s*[\[{]?\s*-?\d|^\s*-\s*[\d\"]\d")
    exempt = re.compile(
        r"^\s*(?:-\s*\{service:|-\s*\"\d{4}-\d\d-\d\d\"|(?:rank|roadmap_step|n_jobs|"
        r"replications|seed|horizon_days|interval_min|start_date|ageing_per_min|day|time)\b)"
        r"|\{rank: \d\}"
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    unsourced = []
    for k, line in enumerate(lines):
        code, _, comment = line.partition("#")
        if not figure.search(code) or exempt.search(code):
            continue
        window = " ".join(other.partition("#")[2] for other in lines[max(0, k - 14) : k])
        if not marks.search(comment) and not marks.search(window):
            unsourced.append(f"{k + 1}: {line.strip()}")
    assert not unsourced, "figures without a source or 'assumption':\n" + "\n".join(unsourced)


@pytest.mark.parametrize(
    "name",
    shipped_overlays(),
)
def test_every_shipped_scenario_is_valid(compose_config: Compose, name: str) -> None:
    if overlay_has_path(name, scenarios_dir()):
        # A road-map path: every stretch is a valid scenario on its own dates.
        path = OmegaConf.to_container(compose_config(f"scenarios={name}").path, resolve=True)
        assert isinstance(path, dict)
        stretches = plan_path(path, [f"scenarios={name}"], scenarios_dir())
        assert stretches
        for stretch in stretches:
            scenario = scenario_from_config(compose_config(*stretch.overrides))
            assert scenario.calendar.start_date == stretch.start
            assert scenario.run.horizon_days == stretch.days
        return
    scenario = scenario_from_config(compose_config(f"scenarios={name}"))
    assert scenario.services


def test_a_path_is_no_scenario_of_its_own(compose_config: Compose) -> None:
    with pytest.raises(ScenarioErrors) as error:
        scenario_from_config(compose_config("scenarios=routekaart"))
    assert [e.key for e in error.value.errors] == ["path.steps"]
    assert "klantstroom command" in str(error.value)


def test_textbook_parameters_override_from_the_command_line(compose_config: Compose) -> None:
    cfg = compose_config(
        "scenarios=textbook/erlang_a", "params.servers=7", "params.mean_patience_min=0.5"
    )
    scenario = scenario_from_config(cfg)
    (group,) = scenario.staff_groups
    assert group.max_headcount == 7
    patience = scenario.channel("phone").patience
    assert patience is not None and patience.mean_min == 0.5
    # erlang_a builds on mmc and replaces the default municipality entirely.
    assert [s.name for s in scenario.services] == ["customer"]


def test_scenarios_compose_in_order(compose_config: Compose) -> None:
    cfg = compose_config("scenarios=[textbook/mmc,textbook/erlang_a]")
    assert scenario_from_config(cfg).channel("phone").patience is not None


def test_misspelt_key_fails_while_composing(compose_config: Compose) -> None:
    with pytest.raises(ConfigCompositionException) as info:
        compose_config("run.replicatons=3")
    assert "replicatons" in str(info.value.__cause__ or info.value)


def test_misspelt_nested_key_fails_while_composing(compose_config: Compose) -> None:
    with pytest.raises(ConfigCompositionException):
        compose_config("staff_groups.burgerzaken.skills.verhuizen.phone.rnak=2")


@pytest.mark.parametrize("days", ["-3", "0"])
def test_a_bad_horizon_is_one_error_also_where_staff_are_trained(
    compose_config: Compose, days: str
) -> None:
    # Grootstad's staff take courses; the courses were checked against a horizon that had no
    # valid value (OverflowError) before the horizon's own error could be reported.
    with pytest.raises(ScenarioErrors) as info:
        scenario_from_config(compose_config(f"run.horizon_days={days}"))
    assert str(info.value).count("\n") == 1, str(info.value)
    assert f"run.horizon_days: must be > 0.0 and <= 3660.0, got {float(days)}" in str(info.value)


def errors_of(config: dict[str, Any]) -> str:
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(config)
    return str(info.value)


@pytest.mark.parametrize(
    ("overrides", "key", "text"),
    [
        ({"run": {"replications": 0}}, "run.replications", ">= 1"),
        ({"run": {"horizon_days": 0}}, "run.horizon_days", "> 0"),
        ({"run": {"n_jobs": 0}}, "run.n_jobs", "-1 for all cores"),
        ({"calendar": {"interval_min": 20}}, "calendar.interval_min", "(15, 30, 60)"),
        ({"calendar": {"start_date": "2027-13-01"}}, "calendar.start_date", "YYYY-MM-DD"),
        ({"channels": {"fax": {}}}, "channels.fax", "allowed: phone, counter, digital"),
        (
            {"channels": {"phone": {"opening_hours": {"mon": ["18:00-08:00"]}}}},
            "channels.phone.opening_hours.mon[0]",
            "closes before it opens",
        ),
        (
            {"channels": {"phone": {"opening_hours": {"mon": ["8-18"]}}}},
            "channels.phone.opening_hours.mon[0]",
            "'HH:MM'",
        ),
        (
            {"channels": {"phone": {"patience": {"kind": "pareto", "mean_min": 1}}}},
            "channels.phone.patience.kind",
            "allowed: exponential, lognormal",
        ),
        (
            {"channels": {"phone": {"patience": {"kind": "exponential", "mean_min": 2, "cv": 1}}}},
            "channels.phone.patience.cv",
            "does not apply to the exponential",
        ),
        (
            {"channels": {"phone": {"patience": {"kind": "lognormal", "mean_min": 2}}}},
            "channels.phone.patience.cv",
            "is required",
        ),
        (
            {"channels": {"phone": {"redial": {"probability": 1.5}}}},
            "channels.phone.redial.probability",
            "<= 1.0",
        ),
        (
            {"channels": {"phone": {"intraday_profile": {"shares": [0.5, 0.4]}}}},
            "channels.phone.intraday_profile.shares",
            "sum to 0.9000",
        ),
        (
            {"services": {"q": {"volume_per_year": 100}}},
            "services.q",
            "exactly one of volume_per_year and rate_per_hour",
        ),
        ({"services": {"q": {"rate_per_hour": -1}}}, "services.q.rate_per_hour", ">= 0.0"),
        (
            {"services": {"q": {"channel_mix": {"phone": 0.7}}}},
            "services.q.channel_mix",
            "sum to 0.7000",
        ),
        ({"services": {"q": {"fcr_probability": 2}}}, "services.q.fcr_probability", "<= 1.0"),
        (
            {"staff_groups": {"agents": {"skills": {"x": {"phone": {"rank": 1}}}}}},
            "staff_groups.agents.skills.x",
            "allowed: q",
        ),
        (
            {"staff_groups": {"agents": {"skills": {"q": {"phone": {"speed": 0}}}}}},
            "staff_groups.agents.skills.q.phone.speed",
            "> 0.0",
        ),
        (
            {
                "staff_groups": {
                    "agents": {
                        "roster": {
                            "shifts": [
                                {"days": ["mo"], "start": "08:00", "end": "09:00", "headcount": 1}
                            ]
                        }
                    }
                }
            },
            "staff_groups.agents.roster.shifts[0].days",
            "allowed: mon, tue",
        ),
        (
            {
                "staff_groups": {
                    "agents": {
                        "roster": {
                            "shifts": [
                                {"days": ["mon"], "start": "08:10", "end": "09:00", "headcount": 1}
                            ]
                        }
                    }
                }
            },
            "staff_groups.agents.roster.shifts[0]",
            "30-minute grid",
        ),
        (
            {
                "staff_groups": {
                    "agents": {
                        "roster": {
                            "shifts": [
                                {"days": ["mon"], "start": 480, "end": "09:00", "headcount": 1}
                            ]
                        }
                    }
                }
            },
            "staff_groups.agents.roster.shifts[0].start",
            "write times in quotes",
        ),
        (
            {"staff_groups": {"agents": {"roster": {"headcount": {"mon": [1, 2]}}}}},
            "staff_groups.agents.roster.headcount.mon",
            "needs 48 values",
        ),
        (
            {"services": {"q": {"handling_by_hour": {"phone": [1.0] * 23}}}},
            "services.q.handling_by_hour.phone",
            "needs 24 values",
        ),
        (
            {"services": {"q": {"handling_by_weekday": {"phone": {"mon": 0}}}}},
            "services.q.handling_by_weekday.phone.mon",
            "> 0.0 and <= 10.0",
        ),
        (
            {"staff_groups": {"agents": {"roster": {"unavailable_share": {"mon": [0.1] * 47}}}}},
            "staff_groups.agents.roster.unavailable_share.mon",
            "needs 48 values",
        ),
        (
            {"routing": {"policy": "random"}},
            "routing.policy",
            "allowed: longest_idle, priority, specialist_first",
        ),
    ],
)
def test_invalid_values_name_their_key(overrides: dict[str, Any], key: str, text: str) -> None:
    message = errors_of(queue_config(**overrides))
    assert f"{key}: " in message
    assert text in message


def test_a_service_nobody_can_serve_is_an_error() -> None:
    config = queue_config()
    config["services"]["extra"] = dict(config["services"]["q"])
    message = errors_of(config)
    assert (
        "services.extra.channel_mix.phone: no staff group has the skill extra on phone" in message
    )


def test_all_errors_are_reported_together() -> None:
    message = errors_of(queue_config(run={"replications": 0, "seed": -1}))
    assert "2 configuration error(s)" in message


def test_empirical_distribution_reads_a_csv(tmp_path: Path) -> None:
    (tmp_path / "talk.csv").write_text("talk_s\n60\n120\n180\n", encoding="utf-8")
    handling = {"kind": "empirical", "file": "talk.csv", "column": "talk_s", "samples_unit": "s"}
    scenario = build_scenario(queue_config(handling=handling), base_dir=tmp_path)
    spec = scenario.services[0].handling_for("phone")
    assert spec.samples_min == (1.0, 2.0, 3.0)
    assert spec.mean_min == 2.0


@pytest.mark.parametrize(
    ("content", "column", "text"),
    [
        (None, "talk_s", "file not found"),
        ("talk_s\n60\nabc\n", "talk_s", "line 3: not a number"),
        ("talk_s\n60\n-5\n", "talk_s", "line 3: a negative number"),
        ("wait_s\n60\n", "talk_s", "no column 'talk_s' in the header (line 1)"),
    ],
)
def test_empirical_distribution_errors_name_file_and_row(
    tmp_path: Path, content: str | None, column: str, text: str
) -> None:
    if content is not None:
        (tmp_path / "talk.csv").write_text(content, encoding="utf-8")
    handling = {"kind": "empirical", "file": "talk.csv", "column": column}
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(queue_config(handling=handling), base_dir=tmp_path)
    assert "services.q.handling.phone" in str(info.value)
    assert text in str(info.value)


def test_profile_outside_the_opening_hours_is_an_error() -> None:
    config = queue_config(
        channels={
            "phone": {
                "opening_hours": {"sat": ["09:00-12:00"]},
                "intraday_profile": {"start": "13:00", "interval_min": 60, "shares": [1.0]},
            }
        }
    )
    message = errors_of(config)
    assert (
        "channels.phone.intraday_profile: has no positive share within the opening hours of sat"
        in message
    )


def test_the_schema_takes_the_time_varying_keys(compose_config: Compose) -> None:
    """Handling factors and the share off the queue compose from the command line (with ``+``:
    their mappings are empty in the schema) into the scenario."""
    hours = [1.0] * 24
    hours[9] = 1.5
    shares = [0.0] * 24
    shares[12] = 0.5  # textbook/mmc's roster has hourly intervals
    cfg = compose_config(
        "scenarios=textbook/mmc",
        f"+services.customer.handling_by_hour.phone=[{','.join(map(str, hours))}]",
        "+services.customer.handling_by_weekday.phone.fri=1.25",
        f"+staff_groups.agents.roster.unavailable_share.mon=[{','.join(map(str, shares))}]",
    )
    scenario = scenario_from_config(cfg)
    (service,) = scenario.services
    assert service.handling_by_hour == (("phone", tuple(hours)),)
    assert service.handling_by_weekday == (("phone", (1.0, 1.0, 1.0, 1.0, 1.25, 1.0, 1.0)),)
    (group,) = scenario.staff_groups
    assert group.unavailable_share[0] == tuple(shares)
    assert group.unavailable_share[1] == (0.0,) * 24


def test_keys_added_with_plus_are_still_checked(compose_config: Compose) -> None:
    cfg = compose_config("+run.replicatons=3")
    with pytest.raises(ScenarioErrors) as info:
        scenario_from_config(cfg)
    assert "did you mean 'run.replications'?" in str(info.value)


def _mapping_paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every mapping in a resolved configuration, lists' items included."""
    if isinstance(node, dict):
        return [path] + [p for k, v in node.items() for p in _mapping_paths(v, (*path, k))]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _mapping_paths(v, (*path, i))]
    return []


def _dotted(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


_KEY_CHECK_CONFIG = shop_config(
    appointment_desks=1,
    appointment_share=0.5,
    run={"periods": {"peak": {"month": "may"}}},
    params={"rate": {"per_hour": 3.0}},
    costs={"scales": {"8": {"min": 1.0}}},
    services={"visit": {"handling": {"counter": {"kind": "exponential", "mean_min": 9.0}}}},
)


@settings(max_examples=40, deadline=None)
@given(
    where=st.sampled_from(_mapping_paths(_KEY_CHECK_CONFIG)),
    key=st.sampled_from(["zz_unknown", "mean_min", "headcount", "month", "shifts", "_target_"]),
)
def test_the_key_check_rejects_what_merging_into_the_schema_rejects(
    where: tuple[Any, ...], key: str
) -> None:
    # Merging into the schema (OmegaConf) is the oracle; the walk replaced it to save a second
    # per municipality. A value the schema types differently is not a key error: skipped.
    config = copy.deepcopy(_KEY_CHECK_CONFIG)
    node = config
    for part in where:
        node = node[part]
    node.setdefault(key, {})
    try:
        OmegaConf.merge(OmegaConf.structured(KlantstroomConfig), config)
        expected = None
    except (ConfigKeyError, ConfigAttributeError) as error:
        expected = str(error.full_key)
    except ValidationError:
        return
    found = find_unknown_key(config)
    assert (found is None) == (expected is None)
    if found is not None and expected is not None:
        # OmegaConf names a list item's key without the path (`zz_unknown`); the walk in full.
        assert found[0] == _dotted((*where, key))
        assert found[0].endswith(expected)
        assert "allowed keys" in found[1]


def test_the_key_check_reaches_a_segment_s_channel_switch() -> None:
    # dict[str, dict[str, ChannelSwitchConfig]]: OmegaConf's merge let a misspelt key through
    # here; the walk names it.
    switch = {"default": {"phone": {"to": "counter", "probabilty": 0.2}}}
    found = find_unknown_key({"segments": {"ouderen": {"channel_switch": switch}}})
    assert found is not None
    assert found[0] == "segments.ouderen.channel_switch.default.phone.probabilty"
    assert "did you mean 'segments.ouderen.channel_switch.default.phone.probability'?" in found[1]


def test_routing_policy_names_match_the_model_registry() -> None:
    from klantstroom.model.policies import POLICIES
    from klantstroom.scenario.spec import ROUTING_POLICIES

    assert sorted(POLICIES) == sorted(ROUTING_POLICIES)


def test_dated_values_are_validated() -> None:
    message = errors_of(
        queue_config(
            channels={"phone": {"date_factors": {"2027-02-30": 1.0}}},
            staff_groups={"agents": {"roster": {"headcount_by_date": {"2027-01-05": [1]}}}},
        )
    )
    assert "channels.phone.date_factors.2027-02-30: must be a date" in message
    assert "staff_groups.agents.roster.headcount_by_date.2027-01-05: needs 48 values" in message


ROADMAP = ("nulmeting", "jaar1", "jaar2", "jaar3", "eindbeeld")
WHAT_IFS = (
    "paspoortpiek",
    "alleen_op_afspraak",
    "vrije_inloop",
    "specialisten",
    "breed_inzetbaar",
    "extra_avond",
)


# The first and the last year: the years between are diffs of one on the other, and each
# composition costs about 1.5 s (Grootstad is large).
@pytest.mark.long
@pytest.mark.parametrize("year", [ROADMAP[0], ROADMAP[-1]])
def test_every_what_if_composes_with_the_road_map(compose_config: Compose, year: str) -> None:
    step = ROADMAP.index(year)
    base = scenario_from_config(compose_config(f"scenarios={year}"))
    assert base.run.roadmap_step == step
    for what_if in WHAT_IFS:
        composed = scenario_from_config(compose_config(f"scenarios=[{year},{what_if}]"))
        assert composed.run.roadmap_step is None  # a what-if is not a road-map year
        assert composed.calendar.start_date == base.calendar.start_date  # same weeks
        assert composed.run.display_name.endswith(f"({base.run.display_name})")
