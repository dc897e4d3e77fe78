"""What a stretch's folder holds decides whether a road-map path runs it again.

A complete run of the same configuration is kept; the output and worker settings do not make a
configuration another one (they do not change the tables); any other configuration is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from klantstroom.path_runner import CONFIG_FILE, _earlier_run

CONFIG = {
    "run": {"seed": 7, "horizon_days": 14, "n_jobs": 1, "progress": False},
    "output": {"figures": True},
    "services": {"paspoort": {"volume_per_year": 1000}},
}


def _folder(tmp_path: Path, config: dict, *, complete: bool) -> Path:
    folder = tmp_path / "0-nulmeting"
    (folder / CONFIG_FILE).parent.mkdir(parents=True)
    (folder / CONFIG_FILE).write_text(yaml.safe_dump(config), encoding="utf-8")
    (folder / "run.json").write_text(json.dumps({"complete": complete}), encoding="utf-8")
    return folder


def test_an_empty_folder_holds_no_run(tmp_path: Path) -> None:
    assert _earlier_run(tmp_path / "missing", yaml.safe_dump(CONFIG)) == "none"


def test_the_same_configuration_is_kept_or_run_again_when_unfinished(tmp_path: Path) -> None:
    text = yaml.safe_dump(CONFIG)
    assert _earlier_run(_folder(tmp_path / "a", CONFIG, complete=True), text) == "done"
    assert _earlier_run(_folder(tmp_path / "b", CONFIG, complete=False), text) == "unfinished"


def test_output_and_worker_settings_do_not_make_another_configuration(tmp_path: Path) -> None:
    folder = _folder(tmp_path, CONFIG, complete=True)
    other_output = {
        **CONFIG,
        "run": {**CONFIG["run"], "n_jobs": 2, "progress": True},
        "output": {"figures": False},
    }
    assert _earlier_run(folder, yaml.safe_dump(other_output)) == "done"
    # The same configuration written in another order or style is the same configuration.
    assert _earlier_run(folder, yaml.safe_dump(CONFIG, sort_keys=False, indent=4)) == "done"


def test_another_configuration_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, CONFIG, complete=True)
    other = {**CONFIG, "run": {**CONFIG["run"], "seed": 8}}
    assert _earlier_run(folder, yaml.safe_dump(other)) == "other"
