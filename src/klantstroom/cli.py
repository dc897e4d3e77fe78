"""The ``klantstroom`` command: a thin Hydra entry point around :func:`klantstroom.runner.execute`.

Hydra composes ``conf/config.yaml`` (validated against the schema), the chosen scenario overlays
and command-line overrides, and gives each run its own output folder with ``.hydra/`` (config and
overrides, for replay). This module turns that config into a scenario, reports configuration
errors as one readable message (exit code 2), and calls the plain runner.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import traceback
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from klantstroom import signals
from klantstroom.config import (
    gate,
    group_listing,
    one_composition,
    register_configs,
    scenario_from_config,
)
from klantstroom.config.composing import compose_checked, override_syntax_errors
from klantstroom.config.file_rules import config_file_problems
from klantstroom.config.overrides import override_key
from klantstroom.outputs import RunError
from klantstroom.paths import conf_dir
from klantstroom.run_folder import ERROR_FILE, record_failure
from klantstroom.runner import execute
from klantstroom.scenario.errors import ScenarioErrors
from klantstroom.scenario.spec import Scenario

log = logging.getLogger("klantstroom")

register_configs()


def _scenario_or_exit(cfg: DictConfig, command: str) -> Scenario:
    """The validated scenario, or a readable list of configuration errors and exit code 2."""
    try:
        return scenario_from_config(cfg)
    except ScenarioErrors as errors:
        print(f"{command}: {errors}", file=sys.stderr)
        sys.exit(2)


def _run_job(cfg: DictConfig, output_dir: Path) -> tuple[int, str]:
    """Run one job into ``output_dir``; return its exit code and, if it failed, why (one line).

    Every expected failure is turned into a message here rather than raised, so that a multirun
    can record it and go on with the next job.
    """
    if cfg.get("path") is not None and cfg.path.get("steps"):
        return _run_path_job(cfg, output_dir)
    try:
        scenario = scenario_from_config(cfg)
    except ScenarioErrors as errors:
        return 2, str(errors)
    try:
        result = execute(
            scenario,
            output_dir,
            figures=bool(cfg.output.figures),
            print_summary=bool(cfg.output.print_summary),
            staffing_plan=bool(cfg.output.get("staffing_plan", False)),
            overwrite=bool(cfg.output.get("overwrite", False)),
        )
    except RunError as error:
        return 1, str(error)
    except signals.Stopped as stop:  # while the tables were written, or after: they are whole
        return 128 + stop.signum, f"{stop}; the tables in {output_dir} are written"
    if signals.received() is not None:
        return 128 + signals.received(), (  # type: ignore[operator]
            f"{result.error}; the finished replication(s) are written to {output_dir}"
        )
    if not result.complete:
        return 1, f"{output_dir}: {result.error}; the finished replication(s) are written"
    return 0, ""


def _run_path_job(cfg: DictConfig, output_dir: Path) -> tuple[int, str]:
    """Run a road-map path (``path.steps``): every stretch composed and validated first.

    Each stretch is composed as the command line would compose its step
    (:func:`klantstroom.config.path_plan.plan_path`), so a bad step is reported before any
    stretch is simulated, naming the stretch and the key.
    """
    from klantstroom.config.composing import compose_in_app
    from klantstroom.config.path_plan import plan_path
    from klantstroom.path_runner import PreparedStretch, run_path
    from klantstroom.paths import scenarios_dir
    from klantstroom.scenario.errors import ScenarioError

    hydra_config = HydraConfig.get()
    if hydra_config.job.config_name != "config":
        # A replay composes on top of a recorded run; a path's stretches are composed afresh.
        return 2, (
            "path.steps: a road-map path runs with the klantstroom command "
            "(klantstroom scenarios=<path>), not as an overlay on a replayed run"
        )
    path = OmegaConf.to_container(cfg.path, resolve=True)
    assert isinstance(path, dict)
    try:
        stretches = plan_path(
            {str(k): v for k, v in path.items()}, list(hydra_config.overrides.task), scenarios_dir()
        )
    except ScenarioErrors as errors:
        return 2, str(errors)
    prepared: list[PreparedStretch] = []
    problems: list[ScenarioError] = []
    for stretch in stretches:
        try:
            composed = compose_in_app(
                stretch.overrides, config_name=str(hydra_config.job.config_name or "config")
            )
            scenario = scenario_from_config(composed)
        except ScenarioErrors as errors:
            problems += [
                ScenarioError(f"{stretch.folder_name}: {e.key}", e.message) for e in errors.errors
            ]
            continue
        prepared.append(PreparedStretch(stretch, scenario, OmegaConf.to_yaml(composed)))
    if problems:
        return 2, str(ScenarioErrors(problems))
    return run_path(
        prepared,
        output_dir,
        label=str(path.get("label") or ""),
        figures=bool(cfg.output.figures),
        print_summary=bool(cfg.output.print_summary),
        overwrite=bool(cfg.output.get("overwrite", False)),
    )


# Hydra's flags that print a help text, which lists the config groups.
_HELP_FLAGS = frozenset({"-h", "--help", "--hydra-help"})


def _list_groups_once() -> None:
    """When the command line asks for help, let Hydra list the config groups from one copy of
    its config repository instead of one per group (:mod:`klantstroom.config.group_listing`)."""
    if _HELP_FLAGS.intersection(sys.argv[1:]):
        group_listing.install()


def _freeze_once() -> None:
    """Take what is alive now out of the garbage collector's rounds (``gc.freeze``), once.

    Called by the commands' entry points just before Hydra takes over: the process then holds
    some 140,000 objects that live until it exits (the libraries it imported, Hydra's and the
    gate's state). Every full collection walked them all again (three in a one-day textbook
    run, nine in a Grootstad year, most while the figures are drawn, which make reference
    cycles), and so did the collection at exit. Frozen they are skipped: a one-day textbook
    run took about 0.3 s less CPU (of 2.5 s), alternated four times. Only a command's own
    process freezes, before its first job: the jobs' configurations and results stay
    collectable (a multirun's jobs in one process), and a launcher's worker processes and
    threads (joblib, submitit, a Dask worker that may serve others) are left as they are, as
    is a library user's process (``api.run``, the workshop's server).
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def _hydra_main(cfg: DictConfig) -> None:
    hydra_config = HydraConfig.get()
    output_dir = Path(hydra_config.runtime.output_dir)
    sweeping = hydra_config.mode == RunMode.MULTIRUN
    try:
        with signals.stop_raises():
            code, message = _run_job(cfg, output_dir)
    except BrokenPipeError:
        # The terminal output was cut off (e.g. `klantstroom | head`); the files are written.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except Exception as error:
        if not sweeping:
            raise
        # An unexpected error in one job of a multirun: record it and go on with the next job.
        log.exception("job %s failed", output_dir)
        code, message = 1, f"{output_dir}: failed: {error!r}"
        record_failure(output_dir, message, traceback.format_exc())
        print(f"klantstroom: {message} (details in {output_dir / ERROR_FILE})", file=sys.stderr)
        return
    if code == 0:
        return
    print(f"klantstroom: {message}", file=sys.stderr)
    if sweeping:
        record_failure(output_dir, message)
    # A signal stops a multirun as a whole; any other failure stops only its own job (the
    # multirun exits 1 at the end, klantstroom.callbacks.RunFolderGuard).
    if not sweeping or code >= 128:
        sys.exit(code)


# conf/staff.yaml is config.yaml plus the callback that sums up a road-map multirun.
@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="staff")
def _hydra_staff(cfg: DictConfig) -> None:
    output_dir = Path(HydraConfig.get().runtime.output_dir)
    scenario = _scenario_or_exit(cfg, "klantstroom-staff")
    from klantstroom.staffing.command import write_staffing

    write_staffing(scenario, output_dir)


def _check_overrides(
    overrides: list[str], config_dir: Path | None = None, config_name: str = "config"
) -> str | None:
    """Compose once with the compose API, to explain what Hydra would report with a traceback.

    An override Hydra cannot read, an unknown key or scenario, a value of the wrong type, a key
    under a block that is not set, an override that changes nothing (``services={}``): each
    becomes one message naming the key (:func:`klantstroom.config.composing.compose_checked`).
    """
    try:
        compose_checked(overrides, config_dir=config_dir or conf_dir(), config_name=config_name)
    except ScenarioErrors as errors:
        return str(errors)
    return None


def _explain_bad_overrides(
    command: str,
    args: list[str] | None = None,
    config_dir: Path | None = None,
    config_name: str = "config",
) -> None:
    """Stop with a readable message when an override names an unknown key."""
    args = sys.argv[1:] if args is None else args
    flags = {arg for arg in args if arg.startswith("-")}
    # A run, or a sweep (-m): its own composition explains what it cannot compose, and a
    # sweep's jobs are composed once each (klantstroom.config.one_composition).
    if flags <= {"-m", "--multirun"} and one_composition.install(command, config_dir or conf_dir()):
        return
    if not args:
        return
    if flags:
        # Other flags (--cfg, --help, ...) are left to Hydra, whose message names the key; only
        # overrides its grammar cannot read would end in a traceback.
        message = _check_override_syntax(args)
    else:
        message = _check_overrides(args, config_dir, config_name)
    if message is not None:
        print(f"{command}: {message}", file=sys.stderr)
        sys.exit(2)


def _check_override_syntax(args: list[str]) -> str | None:
    """The overrides among ``args`` (after Hydra's flags) that Hydra's grammar cannot read."""
    from hydra._internal.utils import get_args_parser

    try:
        overrides = get_args_parser().parse_args(args).overrides
    except (Exception, SystemExit):  # argparse exits on bad flags; Hydra will say why
        return None
    errors = override_syntax_errors(overrides)
    return str(ScenarioErrors(errors)) if errors else None


# The primary config of a replay: the earlier run's composed configuration, validated by the
# schema, with the scenario overlays (a what-if) applied on top of it.
_REPLAY_HEADER = """\
# Replay of {folder}: its .hydra/config.yaml, with the schema and scenario overlays around it.
defaults:
  - klantstroom_schema
  - municipality: recorded   # empty: the recorded config below holds the municipality
  - _self_
  - scenarios: null

hydra:
  job:
    name: klantstroom
    chdir: false
  callbacks:
    run_folder_guard:
      _target_: klantstroom.callbacks.RunFolderGuard
  run:
    dir: outputs/${{now:%Y-%m-%d}}/${{now:%H-%M-%S}}-replay
  sweep:
    dir: multirun/${{now:%Y-%m-%d}}/${{now:%H-%M-%S}}-replay
    subdir: ${{hydra.job.num}}

"""


def _checked_saved_config(saved: Path) -> str:
    """The text of a run's saved configuration, if it is plain data (else exit 2).

    An output folder may come from someone else: its ``.hydra/config.yaml`` is a config file
    like any other and passes the same gate before it is wrapped into the replay's primary
    config (which the gate then trusts).
    """
    import yaml

    from klantstroom.config.yaml_text import safe_load

    text = saved.read_text(encoding="utf-8", errors="replace")
    try:
        content = safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        print(f"klantstroom-replay: {saved}{where}: not valid YAML", file=sys.stderr)
        sys.exit(2)
    if not isinstance(content, dict):
        print(f"klantstroom-replay: {saved}: not a configuration (a mapping)", file=sys.stderr)
        sys.exit(2)
    problems = config_file_problems(content, {"package": "_global_"})
    if problems:
        gate.refuse(str(saved), problems, command="klantstroom-replay")
    return text


def replay_config_dir(folder: Path, recorded: str) -> Path:
    """A temporary config folder that composes the run recorded in ``folder`` (``replay.yaml``).

    ``recorded`` is the run's checked ``.hydra/config.yaml``. Compose ``replay`` from the folder
    with ``municipality=recorded`` among the overrides (see :func:`replay_main`); the caller
    removes the folder.
    """
    import tempfile

    config_dir = Path(tempfile.mkdtemp(prefix="klantstroom-replay-"))
    (config_dir / "replay.yaml").write_text(
        _REPLAY_HEADER.format(folder=folder.resolve()) + recorded, encoding="utf-8"
    )
    # Its Hydra section is the header above; the saved part has just passed the gate.
    gate.trust(config_dir / "replay.yaml")
    # A scenario overlay may choose its municipality (`override /municipality: grootstad`);
    # the replayed run already has one, recorded in full. Choosing the empty "recorded" on the
    # command line, which wins over an overlay's choice, keeps it: an overlay is a diff on the
    # recorded run, as it is on the municipality in a plain run.
    (config_dir / "municipality").mkdir()
    (config_dir / "municipality" / "recorded.yaml").write_text(
        "# @package _global_\n# The replayed run's municipality is in its recorded config.\n",
        encoding="utf-8",
    )
    return config_dir


def replay_main() -> None:
    """Console-script entry point (``klantstroom-replay OUTPUT_FOLDER [override ...]``).

    Runs an earlier run again from its output folder: the configuration it recorded in
    ``.hydra/config.yaml`` (the composed config with the overrides it was given), so the tables
    are identical whatever has changed in ``conf/`` and ``scenarios/`` since. Overrides and
    scenario overlays on the command line are applied on top of it: a what-if in one line.
    """
    import shutil

    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(
            "usage: klantstroom-replay OUTPUT_FOLDER [key=value ...] [scenarios=NAME ...]\n"
            "  runs the run recorded in OUTPUT_FOLDER/.hydra/config.yaml again (identical\n"
            "  tables), with any overrides or scenario overlays applied on top; the new run\n"
            "  goes to outputs/<date>/<time>-replay (or hydra.run.dir=...).",
            file=sys.stderr if not args else sys.stdout,
        )
        sys.exit(0 if args else 2)
    folder = Path(args[0])
    saved = folder / ".hydra" / "config.yaml"
    if not saved.is_file():
        print(
            f"klantstroom-replay: {saved}: not found; give the output folder of a klantstroom "
            "run (it holds .hydra/config.yaml)",
            file=sys.stderr,
        )
        sys.exit(2)
    if (folder / "path.json").is_file():
        stretches = sorted(p.name for p in folder.iterdir() if (p / "run.json").is_file())
        print(
            f"klantstroom-replay: {folder} is a road-map path: replay one of its stretches "
            f"(klantstroom-replay {folder / (stretches[0] if stretches else '<stretch>')}), "
            "or run the path again into a new folder",
            file=sys.stderr,
        )
        sys.exit(2)
    gate.install(exit_on_refusal=True)
    text = _checked_saved_config(saved)
    config_dir = replay_config_dir(folder, text)
    overrides = args[1:]
    chosen = [o for o in overrides if override_key(o) == "municipality"]
    if chosen:
        print(
            f"klantstroom-replay: {chosen[0]}: a replay keeps the municipality of the run it "
            "replays; to run another municipality, use klantstroom municipality=<name> "
            "with the same overlays and overrides",
            file=sys.stderr,
        )
        shutil.rmtree(config_dir, ignore_errors=True)
        sys.exit(2)
    overrides = [*overrides, "municipality=recorded"]
    _explain_bad_overrides("klantstroom-replay", overrides, config_dir, "replay")
    log.info("replaying %s", folder.resolve())
    sys.argv = [sys.argv[0], "--config-dir", str(config_dir), "--config-name", "replay", *overrides]
    _list_groups_once()
    _freeze_once()
    try:
        _hydra_main()
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)


def main() -> None:
    """Console-script entry point (``klantstroom``)."""
    gate.install(exit_on_refusal=True)
    gate.check_sweep_files(sys.argv[1:], "config")
    _explain_bad_overrides("klantstroom")
    _list_groups_once()
    _freeze_once()
    _hydra_main()


def staff_main() -> None:
    """Console-script entry point (``klantstroom-staff``): a staffing plan for the scenario."""
    gate.install(exit_on_refusal=True)
    gate.check_sweep_files(sys.argv[1:], "staff")
    _explain_bad_overrides("klantstroom-staff", config_name="staff")
    _list_groups_once()
    _freeze_once()
    _hydra_staff()


if __name__ == "__main__":
    main()
