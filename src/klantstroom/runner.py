"""Run a scenario end to end: replications, tables, figures, terminal summary.

:func:`execute` is the plain function behind the ``klantstroom`` command; notebooks and scripts
can call it directly with a :class:`~klantstroom.scenario.spec.Scenario`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from klantstroom import signals
from klantstroom.experiment import RunResult, run_experiment
from klantstroom.outputs import RunError, display_names, write_atomic, write_tables
from klantstroom.report.personas import persona_timelines
from klantstroom.report.run_figures import draw_run_figures
from klantstroom.report.run_report import write_run_report
from klantstroom.report.terminal import summary_text
from klantstroom.run_folder import claim
from klantstroom.scenario.spec import Scenario

log = logging.getLogger(__name__)


def execute(
    scenario: Scenario,
    output_dir: Path,
    *,
    figures: bool = True,
    print_summary: bool = True,
    staffing_plan: bool = False,
    overwrite: bool = False,
    on_replication: Callable[[int], None] | None = None,
) -> RunResult:
    """Run ``scenario`` and write its tables (and figures) into ``output_dir``.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    output_dir : Path
        Folder for the tables, ``figures/`` and ``run.json``.
    figures : bool
        Draw the figures (``figures/*.png``).
    print_summary : bool
        Print the summary table and the output folder to the terminal.
    staffing_plan : bool
        Also plan the staffing that meets the norms into ``output_dir``
        (:func:`klantstroom.staffing.command.write_staffing`), shown in ``report.html``.
    overwrite : bool
        Replace an earlier run in ``output_dir`` (``output.overwrite``); without it a folder
        that holds a run is refused before anything is simulated.
    on_replication : callable, optional
        Called with the number of replications just finished (besides the terminal's bar).

    Returns
    -------
    RunResult
        The tables. If the run was interrupted, the finished replications are still written and
        ``complete`` is False.

    Raises
    ------
    RunError
        One line naming the folder: it holds a run (and ``overwrite`` is False), no replication
        finished (``run.json`` records why), or a file could not be written (the files written
        before it are kept).
    klantstroom.signals.Stopped
        A stop signal arrived while the tables were written (they are complete) or while the
        figures were drawn.
    """
    claim(output_dir, overwrite=overwrite)
    run = scenario.run
    language = scenario.report.language
    signals.forget()  # a signal that stopped an earlier run of this process is not this run's
    show = run.progress and run.replications > 1 and sys.stderr.isatty()
    with tqdm(
        total=run.replications, desc="replications", disable=not show, file=sys.stderr
    ) as bar:

        def progress(n: int) -> None:
            bar.update(n)
            if on_replication is not None:
                on_replication(n)

        result = run_experiment(scenario, progress=progress)
    with signals.stop_held():  # a signal now would cut a table in half; it waits for run.json
        write_tables(result, scenario, output_dir)
    if not result.replications:
        raise RunError(
            f"{output_dir}: no replication finished ({result.error}); run.json records the "
            "attempt, there are no tables"
        )
    if not result.complete:
        log.error(
            "%s; the %d finished replication(s) were written to %s",
            result.error,
            len(result.replications),
            output_dir,
        )
    if signals.received() is not None:
        # Stopped by a signal: whoever sent it wants the process gone; the tables are written,
        # the figures and the report would only delay that.
        return result
    if figures:
        draw_run_figures(result, scenario, output_dir / "figures")
    timelines = ""
    if scenario.personas and len(result.journeys):
        timelines = persona_timelines(
            result.contacts,
            result.tasks,
            result.journeys,
            {p.name: (p.label, p.story) for p in scenario.personas},
            pd.Timestamp(scenario.calendar.start_date),
            replication=result.replications[0],
            language=scenario.report.language,
            names=display_names(scenario),
        )
        write_atomic(
            output_dir / "personas.txt", lambda tmp: tmp.write_text(timelines, encoding="utf-8")
        )
    if staffing_plan and result.complete:
        try:
            from klantstroom.staffing.command import write_staffing

            print("\nPlanning the staffing that meets the norms ...")
            write_staffing(scenario, output_dir)
        except Exception:  # the run's tables are already safe on disk; say what failed
            log.exception("the staffing plan failed; the tables in %s are complete", output_dir)
    try:
        write_run_report(output_dir, language)
    except Exception:  # the tables are already safe on disk; say what failed
        log.exception("writing report.html failed; the tables in %s are complete", output_dir)
    if print_summary:
        print(summary_text(result, scenario))
        if len(result.costs):
            from klantstroom.report.cost_report import cost_summary_text

            print(cost_summary_text(result.costs, language))
        if timelines:
            heading = (
                "Persona's (replicatie {n})" if language == "nl" else "Personas (replication {n})"
            )
            print(f"\n{heading.format(n=result.replications[0])}:\n")
            print(timelines, end="")
        print(f"\n{'Uitvoer' if language == 'nl' else 'Outputs'}: {output_dir.resolve()}")
    return result
