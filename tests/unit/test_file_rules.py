"""What a config file may contain (klantstroom.config.file_rules), key by key."""

from __future__ import annotations

import pytest
import yaml
from omegaconf import OmegaConf

from klantstroom.calibration.pipeline import literal_text
from klantstroom.config.file_rules import config_file_problems
from klantstroom.paths import conf_dir, scenarios_dir

GLOBAL = {"package": "_global_"}


def keys(content: object, header: dict[str, str] | None = None, path: str = "") -> list[str]:
    header = GLOBAL if header is None else header
    return [key for key, _ in config_file_problems(content, header, path)]


def test_every_shipped_municipality_and_scenario_is_plain_data() -> None:
    files = {f"municipality/{p.stem}": p for p in (conf_dir() / "municipality").glob("*.yaml")}
    for path in scenarios_dir().rglob("*.yaml"):
        files[f"scenarios/{path.relative_to(scenarios_dir()).with_suffix('')}"] = path
    assert len(files) > 10
    for name, path in files.items():
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert config_file_problems(content, GLOBAL, name) == [], path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            {"hydra": {"callbacks": {"x": {}}, "run": {"dir": "x"}}},
            ["hydra.callbacks", "hydra.run"],
        ),
        ({"params": {"x": {"_target_": "os.system"}}}, ["params.x._target_"]),
        ({"a": [{"b": {"()": "logging.FileHandler"}}]}, ["a[0].b.()"]),
        ({"p": {"_partial_": True, "_args_": [1]}}, ["p._partial_", "p._args_"]),
        ({"run": {"label": "${oc.env:HOME}"}}, ["run.label"]),
        ({"run": {"label": "x ${now:%Y}"}}, ["run.label"]),
        ({"run": {"label": "${a.${oc.env:X}}"}}, ["run.label"]),
        ({"run": {"label": "${hydra:runtime.cwd}"}}, ["run.label"]),
        ({"run": {"label": "${hydra.runtime.cwd}"}}, ["run.label"]),
        ({"run": {"label": "${oc.env:HOME"}}, ["run.label"]),
        ({"defaults": [{"override /hydra/job_logging": "x"}]}, ["defaults[0]"]),
        ({"defaults": ["/scenarios/a@_global_.hydra"]}, ["defaults[0]"]),
    ],
)
def test_what_would_act_is_named_by_its_key(content: object, expected: list[str]) -> None:
    assert keys(content) == expected


def test_references_escapes_and_klantstroom_groups_are_data() -> None:
    content = {
        "defaults": [{"override /municipality": "blank"}, "/scenarios/textbook/mmc", "_self_"],
        "run": {"label": "M/M/${params.servers}", "name": "\\${not.an.interpolation}"},
        "staff_groups": {"a": {"skills": "${staff_groups.b.skills}", "wrapup": "${..x}"}},
        "services": {"${a key is never resolved}": {"label": "x"}},
    }
    assert keys(content) == []


def test_a_file_in_hydras_group_or_package_is_refused() -> None:
    assert keys({"handlers": {}}, {}, "hydra/job_logging/mine")[0] == "hydra/job_logging/mine"
    assert keys({"dir": "x"}, {"package": "hydra.run"}, "scenarios/x") == ["hydra.run"]
    # Without a header a municipality's keys live under `municipality`: not Hydra's.
    assert keys({"hydra": {"x": 1}}, {}, "municipality/x") == []


@pytest.mark.parametrize(
    "text", ["${oc.env:HOME}", "a\\${x}", "a\\\\${x} ${y}", "plain", "x\\", "$${{}}"]
)
def test_calibrate_writes_text_that_loads_back_as_written(text: str) -> None:
    dumped = yaml.safe_dump({"v": literal_text(text)})
    loaded = OmegaConf.to_container(OmegaConf.create(yaml.safe_load(dumped)), resolve=True)
    assert loaded == {"v": text}
    assert config_file_problems(yaml.safe_load(dumped), GLOBAL) == []
