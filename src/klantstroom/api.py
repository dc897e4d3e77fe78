"""The Python interface for notebooks and scripts: the same runs as the command line.

::

    from klantstroom import api

    run = api.run(["scenarios=eindbeeld", "run.horizon_days=7"], "runs/eindbeeld")
    run.summary                      # summary.csv as a DataFrame
    journeys = run.table("journeys")
    api.compare(api.find_runs(["runs"]), "runs/compare", language="nl")

:func:`run` composes the configuration exactly as ``klantstroom`` does (``conf/config.yaml``,
scenario overlays, overrides), runs it and writes the same output folder, including
``.hydra/config.yaml`` and ``.hydra/overrides.yaml``, so ``klantstroom-replay`` and
``klantstroom-compare`` treat it like any other run. Reading runs back is
:mod:`klantstroom.results`; the comparison is :mod:`klantstroom.report.compare_report`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import yaml
from omegaconf import DictConfig, OmegaConf

from klantstroom.config import scenario_from_config
from klantstroom.config.composing import compose_project
from klantstroom.report.compare_report import Comparison, write_comparison
from klantstroom.results import RunOutput, find_runs, load_run
from klantstroom.run_folder import claim
from klantstroom.runner import execute
from klantstroom.scenario.spec import Scenario

__all__ = ["compare", "compose", "find_runs", "load_run", "load_scenario", "run"]


def compose(overrides: Sequence[str] = ()) -> DictConfig:
    """Compose the configuration the ``klantstroom`` command would run with ``overrides``.

    Raises
    ------
    klantstroom.scenario.errors.ScenarioErrors
        For an unknown key or scenario, an override Hydra cannot read, a value of the wrong type,
        or an override that changes nothing (``services={}``); each error names its key.
    klantstroom.config.gate.ConfigFileRefused
        For a config file that tries to set Hydra's settings, run code or read the environment,
        or is not valid YAML (the message gives its file, line and column).
    """
    return compose_project(overrides)


def load_scenario(overrides: Sequence[str] = ()) -> Scenario:
    """The validated scenario for ``overrides`` (raises ``ScenarioErrors`` naming bad keys)."""
    return scenario_from_config(compose(overrides))


def run(
    overrides: Sequence[str],
    output_dir: Path | str,
    *,
    figures: bool = False,
    print_summary: bool = False,
    overwrite: bool | None = None,
    on_replication: Callable[[int], None] | None = None,
    composed: DictConfig | None = None,
) -> RunOutput:
    """Run the scenario of ``overrides`` into ``output_dir`` and return it for reading.

    Parameters
    ----------
    overrides : sequence of str
        As on the command line: ``["scenarios=[eindbeeld,paspoortpiek]", "run.replications=3"]``.
    output_dir : Path or str
        The run's output folder (created).
    figures, print_summary : bool
        Draw the figures; print the summary (off by default in notebooks).
    overwrite : bool, optional
        Replace an earlier run in ``output_dir`` (default: ``output.overwrite``, false); without
        it a folder that holds a run raises :class:`klantstroom.outputs.RunError`.
    on_replication : callable, optional
        Called with 1 as each replication finishes (a progress bar on a page).
    composed : DictConfig, optional
        What :func:`compose` gave for these ``overrides``, for a caller that composed them
        already (the workshop page, to find a cached run): a Grootstad composition costs about a
        second. It must be that composition: ``.hydra/overrides.yaml`` records ``overrides``,
        and a replay composes them again.
    """
    cfg = compose(overrides) if composed is None else composed
    scenario = scenario_from_config(cfg)
    folder = Path(output_dir)
    if overwrite is None:
        overwrite = bool(cfg.output.overwrite)
    # Before .hydra/ is written: a refused folder keeps the earlier run's config with its tables.
    claim(folder, overwrite=overwrite)
    hydra_dir = folder / ".hydra"
    hydra_dir.mkdir(parents=True, exist_ok=True)
    # The same record Hydra keeps, so the folder can be replayed and compared.
    (hydra_dir / "config.yaml").write_text(OmegaConf.to_yaml(cfg), encoding="utf-8")
    (hydra_dir / "overrides.yaml").write_text(
        yaml.safe_dump([str(override) for override in overrides]), encoding="utf-8"
    )
    # claim() above has cleared the folder; execute() finds it free.
    execute(
        scenario,
        folder,
        figures=figures,
        print_summary=print_summary,
        overwrite=True,
        on_replication=on_replication,
    )
    return load_run(folder)


def compare(
    runs: Sequence[RunOutput],
    output_dir: Path | str,
    *,
    baseline: str | None = None,
    language: str | None = None,
    labels: Sequence[str] | None = None,
) -> Comparison:
    """Compare runs into ``output_dir`` (tables, figures, ``report.html``), as the command.

    ``labels`` names the runs (one unique label each); by default they are named by their
    scenario overlays and the overrides in which they differ.
    """
    return write_comparison(
        runs, Path(output_dir), baseline=baseline, language=language, labels=labels
    )
