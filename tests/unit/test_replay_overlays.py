"""Every scenario overlay applies to a replayed run as it applies to a plain run.

``klantstroom-replay <run> scenarios=<overlay>`` composes the overlay on top of the run's
recorded configuration. An overlay that chooses its municipality (`override /municipality:
grootstad`, as most road-map and what-if files do) used to fail there ("Could not override
'municipality'"). For every shipped overlay (road-map paths aside, which only the klantstroom
command runs) the replay of a run of the overlay's own municipality, with the overlay on top,
must compose to exactly the configuration of the plain command with the overlay.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from klantstroom.cli import replay_config_dir, replay_main
from klantstroom.config import register_configs
from klantstroom.config.path_plan import overlay_has_path
from klantstroom.paths import conf_dir, scenarios_dir

from factories import shipped_overlays

OVERLAYS = [name for name in shipped_overlays() if not overlay_has_path(name, scenarios_dir())]


def composed(config_dir: Path, name: str, overrides: list[str]) -> tuple[dict, dict]:
    """The resolved configuration (without Hydra's node) and Hydra's group choices."""
    with initialize_config_dir(config_dir=str(config_dir), version_base="1.3"):
        cfg = compose(config_name=name, overrides=overrides, return_hydra_config=True)
    choices = dict(cfg.hydra.runtime.choices)
    cfg = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"])
    return OmegaConf.to_container(cfg, resolve=True), choices  # type: ignore[return-value]


@cache
def recorded_run(municipality: str) -> str:
    """The ``.hydra/config.yaml`` of a plain run of ``municipality``."""
    with initialize_config_dir(config_dir=str(conf_dir()), version_base="1.3"):
        cfg = compose(config_name="config", overrides=[f"municipality={municipality}"])
    return OmegaConf.to_yaml(cfg)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_an_overlay_on_a_replay_is_the_overlay_on_the_run(overlay: str, tmp_path: Path) -> None:
    register_configs()
    # The plain command with the overlay; its municipality is the run's that is replayed.
    direct, choices = composed(conf_dir(), "config", [f"scenarios={overlay}"])
    config_dir = replay_config_dir(tmp_path / "run", recorded_run(choices["municipality"]))
    try:
        replayed, _ = composed(
            config_dir, "replay", [f"scenarios={overlay}", "municipality=recorded"]
        )
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)
    assert replayed == direct


def test_a_replay_refuses_another_municipality(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".hydra").mkdir()
    (tmp_path / ".hydra" / "config.yaml").write_text("run: {name: x}\n", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["klantstroom-replay", str(tmp_path), "municipality=kleinstad"])
    with pytest.raises(SystemExit) as stop:
        replay_main()
    assert stop.value.code == 2
    assert "keeps the municipality of the run it replays" in capsys.readouterr().err
