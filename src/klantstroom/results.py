"""Reading finished runs back: the public API for scripts, notebooks and comparisons.

Every run writes its tables into one output folder (``outputs/<date>/<time>/``, or one numbered
sub-folder per job of a multirun) together with ``run.json`` (what was run) and ``.hydra/``
(the exact configuration and command-line overrides). :func:`load_run` opens such a folder and
:func:`find_runs` collects every run under a set of folders, so a notebook or
``klantstroom-compare`` never needs to know how a run was started.

A run's *scenario id* says what was simulated in the words of the command line: the scenario
overlays it was composed from (``eindbeeld+paspoortpiek``) followed by the overrides that change
the scenario (``routing.policy=longest_idle``). Overrides that only change how a run is carried
out (``run.n_jobs``, ``output.figures``, ``hydra.*``, ...) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from klantstroom.analysis.kpis import KEYS
from klantstroom.analysis.periods import PERIOD, judged_view
from klantstroom.analysis.segments import SEGMENT, split_segment_rows
from klantstroom.config.overrides import override_key
from klantstroom.scenario.spec import LANGUAGES

# Overrides that do not change what is simulated, only how the run is carried out or reported.
_TECHNICAL = (
    "run.n_jobs",
    "run.executor",
    "run.cluster_address",
    "run.progress",
    "run.replications",
    "output.",
    "hydra.",
    "report.",
)
TABLES = ("contacts", "tasks", "journeys", "backlog", "intervals", "staff")


class RunFolderError(ValueError):
    """A folder is not a readable klantstroom run (names the folder and what is missing)."""


@dataclass
class RunOutput:
    """One finished run: its metadata, and its tables loaded on first use.

    Attributes
    ----------
    folder : Path
        The run's output folder.
    info : dict
        The contents of ``run.json``.
    overrides : list of str
        The command-line overrides it was run with (``.hydra/overrides.yaml``; empty if absent).
    """

    folder: Path
    info: dict[str, Any]
    overrides: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``run.name`` of the configuration."""
        return str(self.info.get("name", self.folder.name))

    @property
    def roadmap_step(self) -> int | None:
        """Place on the road map (0 = nulmeting), or None for a run that is not a road-map year."""
        step = self.info.get("roadmap_step")
        return None if step is None else int(step)

    @property
    def language(self) -> str:
        """``report.language`` of the run."""
        return str(self.info.get("language", "en"))

    @property
    def scenarios(self) -> list[str]:
        """The scenario overlays the run was composed from, in order."""
        for override in self.overrides:
            if override_key(override) == "scenarios":
                value = override.partition("=")[2].strip()
                if value.startswith("[") and value.endswith("]"):
                    value = value[1:-1]
                return [part.strip() for part in value.split(",") if part.strip()]
        return []

    @property
    def scenario_overrides(self) -> list[str]:
        """The overrides that change the scenario (besides the ``scenarios`` selection)."""
        kept = []
        for override in self.overrides:
            key = override_key(override)
            # The municipality is the base the run is named by (run.name), not a change to it.
            if key in ("scenarios", "municipality") or key.startswith(_TECHNICAL):
                continue
            kept.append(override)
        return kept

    @property
    def scenario_id(self) -> str:
        """What was simulated, as on the command line: ``eindbeeld+paspoortpiek``."""
        base = "+".join(self.scenarios) or self.name
        extra = self.scenario_overrides
        return base + (f" [{', '.join(extra)}]" if extra else "")

    @property
    def label(self) -> str:
        """How reports name the run: ``run.label`` for a plain scenario, else the scenario id."""
        if len(self.scenarios) <= 1 and not self.scenario_overrides:
            return str(self.info.get("label") or self.scenario_id)
        return self.scenario_id

    def labels(self, kind: str) -> dict[str, str]:
        """Display names of ``services``, ``staff_groups``, ``shops``, ``departments`` or
        ``segments``."""
        return dict(self.info.get("labels", {}).get(kind, {}))

    @cached_property
    def summary(self) -> pd.DataFrame:
        """``summary.csv``, the rows the norms are judged on: one per key and KPI."""
        return judged_view(self.period_summary)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """``kpis.csv``, the judged rows: every KPI per replication, one row per key."""
        return judged_view(self.period_kpis)

    @cached_property
    def period_summary(self) -> pd.DataFrame:
        """``summary.csv`` whole: the whole run (``period = run``) and every period.

        Of all citizens: a run with segments has their rows in :attr:`segment_summary`.
        """
        return split_segment_rows(self._summary_file)[0]

    @cached_property
    def period_kpis(self) -> pd.DataFrame:
        """``kpis.csv`` whole: per replication, the whole run and every period."""
        return split_segment_rows(self._kpis_file)[0]

    @cached_property
    def segment_summary(self) -> pd.DataFrame:
        """The segments' rows of ``summary.csv`` (every period; empty without segments)."""
        return split_segment_rows(self._summary_file)[1]

    @cached_property
    def segment_kpis(self) -> pd.DataFrame:
        """The segments' rows of ``kpis.csv`` (every period; empty without segments)."""
        return split_segment_rows(self._kpis_file)[1]

    @cached_property
    def _summary_file(self) -> pd.DataFrame:
        return self._csv("summary.csv")

    @cached_property
    def _kpis_file(self) -> pd.DataFrame:
        return self._csv("kpis.csv")

    def table(self, name: str) -> pd.DataFrame:
        """Read one of the Parquet tables (``contacts``, ``journeys``, ...; see :data:`TABLES`)."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
        path = self.folder / f"{name}.parquet"
        if not path.exists():
            raise RunFolderError(f"{path}: missing (was the run interrupted?)")
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as error:  # pyarrow's errors derive from these
            raise RunFolderError(f"{path}: not a readable Parquet table ({error})") from None

    def _csv(self, name: str) -> pd.DataFrame:
        path = self.folder / name
        if not path.exists():
            raise RunFolderError(f"{path}: missing (was the run interrupted?)")
        # Key columns hold names such as "all"; keep them text even when a name looks numeric.
        try:
            table = pd.read_csv(path, dtype={key: str for key in (*KEYS, PERIOD, SEGMENT)})
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise RunFolderError(f"{path}: not a readable CSV table ({error})") from None
        missing = [key for key in KEYS if key not in table]
        if missing:
            raise RunFolderError(f"{path}: missing column(s) {', '.join(missing)}")
        return table


def load_run(folder: Path | str) -> RunOutput:
    """Open the run written into ``folder``.

    Raises
    ------
    RunFolderError
        If ``folder`` has no readable ``run.json``.
    """
    folder = Path(folder)
    path = folder / "run.json"
    if not path.exists():
        raise RunFolderError(f"{folder}: not a klantstroom run folder (no run.json)")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RunFolderError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(info, dict):
        raise RunFolderError(f"{path}: expected a JSON object, got {type(info).__name__}")
    language = info.get("language", "en")
    if language not in LANGUAGES:
        raise RunFolderError(f"{path}: language {language!r} is not one of {', '.join(LANGUAGES)}")
    overrides: list[str] = []
    hydra_overrides = folder / ".hydra" / "overrides.yaml"
    if hydra_overrides.exists():
        try:
            loaded = yaml.safe_load(hydra_overrides.read_text(encoding="utf-8")) or []
        except yaml.YAMLError as error:
            raise RunFolderError(f"{hydra_overrides}: not valid YAML ({error})") from None
        if not isinstance(loaded, list):
            raise RunFolderError(f"{hydra_overrides}: expected a list of overrides")
        overrides = [str(item) for item in loaded]
    return RunOutput(folder=folder, info=info, overrides=overrides)


def _job_order(folder: Path) -> list[tuple[int, int, str]]:
    """Sort key of run folders: job folders 0, 1, ... 10 numerically, text names after."""
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in folder.parts]


def _road_map_order(found: list[RunOutput]) -> list[RunOutput]:
    """Runs by road-map step first (nulmeting to eindbeeld), then as found."""
    order = {id(run): k for k, run in enumerate(found)}
    return sorted(
        found,
        key=lambda r: (r.roadmap_step is None, r.roadmap_step or 0, order[id(r)]),
    )


def find_runs(paths: Iterable[Path | str]) -> list[RunOutput]:
    """Collect the runs in ``paths``: run folders, or folders holding them at any depth.

    A multirun folder (``multirun/<date>/<time>``) holds one numbered run folder per job; they
    are returned in job order. Runs are ordered by road-map step first (nulmeting to eindbeeld),
    then as found. The tables are not checked here; :func:`scan_runs` checks them and sets
    damaged or failed runs aside instead of raising.

    Raises
    ------
    RunFolderError
        If a path does not exist or holds no run.
    """
    found: list[RunOutput] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise RunFolderError(f"{path}: no such folder")
        if (path / "run.json").exists():
            found.append(load_run(path))
            continue
        inside = sorted((p.parent for p in path.rglob("run.json")), key=_job_order)
        if not inside:
            raise RunFolderError(f"{path}: holds no klantstroom run (no run.json below it)")
        found.extend(load_run(folder) for folder in inside)
    return _road_map_order(found)


def failure_reason(folder: Path) -> str | None:
    """Why the job in ``folder`` failed, on one line: its ``error.txt`` up to the first blank
    line (the message; details such as a traceback follow it), or None without the file."""
    path = folder / "error.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        return f"{path}: unreadable ({error})"
    message = text.strip().split("\n\n")[0]
    return " ".join(line.strip() for line in message.splitlines() if line.strip())


@dataclass(frozen=True)
class SkippedRun:
    """A run folder left out of a comparison, and why (one line)."""

    folder: Path
    reason: str


# Columns a comparison reads besides the key columns (kpis.csv is one column per KPI).
SUMMARY_COLUMNS = ("kpi", "mean", "ci_low", "ci_high")
KPIS_COLUMNS = ("replication",)


def check_run(run: RunOutput) -> str | None:
    """What is wrong with ``run``'s files, in one line, or None when they are whole.

    Checks that a replication finished, that every Parquet table is readable (its footer, so a
    file cut short fails without reading the data), that ``summary.csv`` and ``kpis.csv`` parse
    and have the columns a comparison needs, and that every table has the rows ``run.json``
    recorded when it was written (runs written before ``run.json`` listed them skip that check).
    """
    import pyarrow.parquet as pq

    info = run.info
    if info.get("replications_completed") == 0:
        return f"no replication finished ({info.get('error') or 'no reason recorded'})"
    recorded = info.get("tables")
    rows = recorded if isinstance(recorded, dict) else {}
    for name in TABLES:
        path = run.folder / f"{name}.parquet"
        if not path.is_file():
            return f"{path.name}: missing"
        try:
            count = pq.read_metadata(path).num_rows
        except (OSError, ValueError) as error:  # pyarrow's errors derive from these
            return f"{path.name}: not a readable Parquet table ({error})"
        if path.name in rows and rows[path.name] != count:
            return f"{path.name}: {count} rows, run.json recorded {rows[path.name]} (cut short?)"
    for name, columns, read in (
        # The files whole: with segments, their rows count too.
        ("summary.csv", SUMMARY_COLUMNS, lambda: run._summary_file),
        ("kpis.csv", KPIS_COLUMNS, lambda: run._kpis_file),
    ):
        try:
            table = read()
        except RunFolderError as error:  # "<path>: why"; the caller names the folder
            return f"{name}: " + str(error).removeprefix(f"{run.folder / name}: ")
        missing = [column for column in columns if column not in table]
        if missing:
            return f"{name}: missing column(s) {', '.join(missing)}"
        if name in rows and rows[name] != len(table):
            return f"{name}: {len(table)} rows, run.json recorded {rows[name]} (cut short?)"
    return None


def scan_runs(paths: Iterable[Path | str]) -> tuple[list[RunOutput], list[SkippedRun]]:
    """Collect the runs in ``paths`` as :func:`find_runs`, setting unusable ones aside.

    Besides the folders with ``run.json``, every job folder (one with ``.hydra/`` or
    ``error.txt``) is considered, so a job of a multirun that failed before writing its tables
    is reported rather than silently missing. A run is skipped, with the reason, when it has no
    ``run.json`` (its ``error.txt`` says why, if there is one), when ``run.json`` cannot be read,
    or when :func:`check_run` finds its tables damaged.

    Returns
    -------
    runs : list of RunOutput
        The usable runs, ordered as :func:`find_runs` orders them.
    skipped : list of SkippedRun
        The others, in folder order.

    Raises
    ------
    RunFolderError
        If a path does not exist or holds no run folder at all.
    """
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise RunFolderError(f"{path}: no such folder")
        if (path / "run.json").exists():
            folders.append(path)
            continue
        marks = (*path.rglob("run.json"), *path.rglob("error.txt"), *path.rglob(".hydra"))
        inside = sorted({p.parent for p in marks}, key=_job_order)
        if not inside:
            raise RunFolderError(f"{path}: holds no klantstroom run (no run.json below it)")
        folders.extend(inside)
    runs: list[RunOutput] = []
    skipped: list[SkippedRun] = []
    for folder in folders:
        if not (folder / "run.json").exists():
            reason = failure_reason(folder)
            if reason is not None:
                skipped.append(SkippedRun(folder, f"the run failed: {reason}"))
            else:
                skipped.append(SkippedRun(folder, "no run.json (the run did not finish writing)"))
            continue
        try:
            run = load_run(folder)
        except RunFolderError as error:
            skipped.append(SkippedRun(folder, str(error)))
            continue
        problem = check_run(run)
        if problem is not None:
            skipped.append(SkippedRun(folder, problem))
        else:
            runs.append(run)
    return _road_map_order(runs), skipped


def unique_labels(runs: Sequence[RunOutput]) -> list[str]:
    """Labels that tell the runs apart.

    A run is named by its scenario overlays and the overrides in which it differs from the
    other runs (an override that every run shares, such as ``run.horizon_days=7``, says nothing
    about the difference); a run without a distinguishing override keeps its ``run.label``
    (a what-if labels itself after the year it is composed with). Where two runs still share a
    label, the folder name is added.
    """
    common = set.intersection(*(set(run.scenario_overrides) for run in runs)) if runs else set()
    labels = []
    for run in runs:
        own = [o for o in run.scenario_overrides if o not in common]
        if not own and (run.info.get("label") or len(run.scenarios) <= 1):
            fallback = run.scenarios[0] if run.scenarios else run.name
            labels.append(str(run.info.get("label") or fallback))
        else:
            base = "+".join(run.scenarios) or run.name
            labels.append(base + (f" [{', '.join(own)}]" if own else ""))
    return [
        f"{label} ({run.folder.name})" if labels.count(label) > 1 else label
        for label, run in zip(labels, runs, strict=True)
    ]
