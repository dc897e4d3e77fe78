"""Saving a what-if as a scenario file, and running it with a cache per configuration.

:func:`save_whatif` writes the levers as a ``# @package _global_`` overlay into
``scenarios/workshop/<name>.yaml``: its defaults list names the year and the what-ifs, its body
the keys the levers change (:func:`klantstroom.workshop.levers.overlay`), and a comment says who
saved it, when and why. The page runs that file exactly as the command line does
(``klantstroom scenarios=workshop/<name>``, through :func:`klantstroom.api.run`), so the
replay gives identical tables.

Runs are cached per configuration: :func:`run_cached` composes the overrides, hashes the
composed configuration (without its name and label, which do not change what is simulated) and
reuses a finished run of the same hash under the workshop's output folder. A room that goes back
to an earlier what-if sees it at once. A run that is not cached runs the configuration composed
for its hash, and the year and what-ifs a lever overlay is made against
(:func:`compose_levers_base`) are composed once while no config file changes: a Grootstad
composition costs more than a second, and a what-if composed five (13.0 s of CPU for a what-if on
jaar 2 with its cached baseline, 6.2 s of it composing); now two (``benchmarks/workshop.py``).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf

from klantstroom import api
from klantstroom.config import scenario_from_config
from klantstroom.paths import conf_dir, scenarios_dir
from klantstroom.results import RunOutput, load_run
from klantstroom.workshop.levers import Levers, overlay

# Where saved what-ifs go, inside the scenarios folder: ``scenarios=workshop/<name>``.
WORKSHOP_GROUP = "workshop"
_SLUG = re.compile(r"[^a-z0-9_]+")


def workshop_dir() -> Path:
    """The folder of saved what-ifs (``scenarios/workshop/``)."""
    return scenarios_dir() / WORKSHOP_GROUP


def config_files_state() -> tuple[tuple[str, int, int, int, int], ...]:
    """Every file a year or what-if is composed from (``conf/``, ``scenarios/`` without the
    saved what-ifs) with its modification and change times, size and inode: any edit changes
    it, also one that restores the modification time (``cp -p``, ``rsync -a``)."""
    saved = workshop_dir()
    files = sorted(
        path
        for root in (conf_dir(), scenarios_dir())
        for path in root.rglob("*.yaml")
        if saved not in path.parents
    )
    return tuple(
        (str(path), (s := path.stat()).st_mtime_ns, s.st_ctime_ns, s.st_size, s.st_ino)
        for path in files
    )


def compose_levers_base(levers: Levers) -> tuple[dict[str, Any], dict[str, float]]:
    """The composed configuration of the year and what-ifs, and staff hours per week per group.

    Composed once per year and what-ifs while no file of ``conf/`` or ``scenarios/`` changes
    (the saved what-ifs aside; :func:`config_files_state`); each call gets its own copy.

    Raises as :func:`klantstroom.api.compose` (an unknown scenario names itself).
    """
    base, hours = _kept_base(tuple(levers.scenarios()), config_files_state())
    return copy.deepcopy(base), dict(hours)


# Composed years and what-ifs, kept while no config file changes (the files' state is part of
# the key: an edit composes anew): the page composes the year and what-ifs to show their levers,
# and saving a what-if and its baseline composes them again, a second or more each for
# Grootstad. At most 32, the least recently used going first (as the page's own cache): a
# workshop server runs for days.
@lru_cache(maxsize=32)
def _kept_base(
    scenarios: tuple[str, ...], state: tuple[tuple[str, int, int, int, int], ...]
) -> tuple[dict[str, Any], dict[str, float]]:
    return _compose_levers_base(scenarios)


def _compose_levers_base(scenarios: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, float]]:
    cfg = api.compose([f"scenarios=[{','.join(scenarios)}]"])
    container = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(container, dict)
    base = {str(key): value for key, value in container.items()}
    scenario = scenario_from_config(cfg)
    hours_per_slot = scenario.calendar.interval_min / 60.0
    hours = {
        group.name: hours_per_slot
        * (
            sum(map(sum, group.headcount))
            + sum(sum(map(sum, grid)) for _, grid in group.deployments)
        )
        for group in scenario.staff_groups
    }
    return base, hours


@dataclass(frozen=True)
class SavedWhatIf:
    """A what-if saved as ``scenarios/workshop/<name>.yaml``."""

    name: str
    path: Path
    title: str

    @property
    def overrides(self) -> list[str]:
        """The command line that runs it: ``scenarios=workshop/<name>``."""
        return [f"scenarios={WORKSHOP_GROUP}/{self.name}"]


def slug(title: str) -> str:
    """A scenario name from a title: lower case, ``_`` for anything else, at most 40 chars."""
    text = _SLUG.sub("_", title.strip().lower()).strip("_")[:40].strip("_")
    return text or "wat_als"


def scenario_text(
    levers: Levers,
    body: dict[str, Any],
    *,
    name: str,
    title: str,
    who: str,
    why: str,
    when: dt.datetime,
) -> str:
    """The scenario file: header comment, defaults list (year, what-ifs) and the lever keys."""
    header = [
        "# @package _global_",
        f"# Workshop what-if: {title}",
        f"# Saved by klantstroom-workshop on {when:%Y-%m-%d %H:%M}"
        + (f" by {who.strip()}" if who.strip() else ""),
    ]
    header += [f"# Why: {line}" for line in why.strip().splitlines() if line.strip()]
    header += [
        f"# Year and what-ifs: {' + '.join(levers.scenarios())}",
        f"# Replay: klantstroom scenarios={WORKSHOP_GROUP}/{name}",
    ]
    data: dict[str, Any] = {
        "defaults": [f"/scenarios/{overlay_name}" for overlay_name in levers.scenarios()]
        + ["_self_"],
    }
    body = {**body, "run": {"name": name, "label": title, **body.get("run", {})}}
    data.update(body)
    # Leaf lists and mappings in flow style: a shift or a channel mix reads as one line.
    text = yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return "\n".join(header) + "\n" + text


def save_whatif(
    levers: Levers,
    *,
    title: str,
    who: str = "",
    why: str = "",
    folder: Path | None = None,
    now: dt.datetime | None = None,
) -> SavedWhatIf:
    """Write ``levers`` as ``<folder>/<name>.yaml`` and return it.

    The name comes from ``title``; a file of that name with other keys is kept and the new one
    gets ``_2``, ``_3``, ...: a what-if once saved is never changed under a run that used it.

    Raises
    ------
    klantstroom.workshop.levers.LeverError
        A lever out of range (names the lever).
    klantstroom.scenario.errors.ScenarioErrors
        The year and what-ifs do not compose, or the levers make a scenario that cannot run
        (more appointment desks than staff): each error names its key. Nothing is saved then.
    """
    folder = workshop_dir() if folder is None else folder
    base, hours = compose_levers_base(levers)
    body = overlay(base, levers, hours)
    # A what-if that cannot run is not saved: the body on its year, as Hydra merges ``_self_``.
    merged = OmegaConf.merge(OmegaConf.create(base), OmegaConf.create(body))
    assert isinstance(merged, DictConfig)
    scenario_from_config(merged)
    title = title.strip() or "Wat-als"
    when = now or dt.datetime.now()
    stem = slug(title)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}_{n}"
        path = folder / f"{name}.yaml"
        text = scenario_text(levers, body, name=name, title=title, who=who, why=why, when=when)
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            return SavedWhatIf(name, path, title)
        if _body(path.read_text(encoding="utf-8")) == _body(text):
            return SavedWhatIf(name, path, title)  # the same what-if again: no second file
    raise RuntimeError(f"{folder}: a thousand what-ifs called {stem!r}; choose another title")


def _body(text: str) -> str:
    """A scenario file without its comment lines (who saved it when)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("# "))


def config_key(cfg: DictConfig) -> str:
    """A short hash of what is simulated: the composed configuration without names and labels."""
    data = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(data, dict)
    run = dict(data.get("run") or {})
    for key in ("name", "label"):
        run.pop(key, None)
    data["run"] = run
    text = yaml.safe_dump(data, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def run_cached(
    overrides: Sequence[str],
    outputs: Path,
    *,
    on_replication: Callable[[int], None] | None = None,
) -> RunOutput:
    """Run ``overrides`` into ``outputs/<hash>/``, or reuse the finished run already there.

    A folder whose run did not finish (interrupted, failed) is run again.
    """
    cfg = api.compose(overrides)
    folder = outputs / config_key(cfg)
    if (folder / "run.json").is_file():
        try:
            run = load_run(folder)
        except ValueError:
            run = None
        if run is not None and run.info.get("complete", False):
            return run
    return api.run(overrides, folder, overwrite=True, on_replication=on_replication, composed=cfg)
