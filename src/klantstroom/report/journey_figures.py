"""Figures of citizens' journeys: back-office backlog, lead times, flow between steps, personas.

A *journey* is one matter of one citizen, from the first contact until it is resolved, given up,
or still open at the end of the run. Along the way the citizen may call again, switch channel,
be called back, or wait for a back-office department to finish a task. The journey table has
one row per journey with its ``path`` (the steps in order, e.g.
``digital>phone>task:burgerzaken>callback``) and ``status``; the contact and task tables hold
the steps themselves, linked by ``journey_id`` (within a replication).

``backlog.png`` (:func:`backlog_by_day`)
    Work that is not done yet, per queue (digital requests and each back-office department),
    at the end of each day of the period. Top panel: all open items; bottom panel: the open
    items already past their due time. The line is the mean over replications, the shaded band
    the range (lowest to highest replication). Weekends are shaded grey when the table has
    dates.

``journey_lead_time.png`` (:func:`journey_lead_time`)
    One horizontal box per service: the lead time of *resolved* journeys, from the first
    contact's arrival to the end of the step that resolved it (box: quartiles, whiskers: 5th
    to 95th percentile, all replications pooled). The dashed mark is the service's journey
    norm (the median over its journeys of the time from arrival to the due time, in calendar
    time, so it includes weekends), and the label gives the share of resolved journeys that
    ended by their due time. Given-up and open journeys have no lead time; the label counts
    them.

``journey_flow.png`` (:func:`journey_flow`)
    An alluvial (Sankey) diagram: columns are step 1, 2, 3 and 4 of the journeys (later steps
    are left out; the footnote counts those journeys) and a last column with the status. Each
    node is a channel (``phone``, ``digital``, ...), a back-office task (``task:<department>``)
    or ``callback``; band width is the number of journeys, and the colour of a band is the
    status the journey ended with. A journey that has no more steps goes to its status node and
    stays there in the following columns, so every column holds all journeys: in the step 2
    column, the ``resolved`` node is the journeys resolved at their first step. Replications
    are summed.

``persona_journeys.png`` (:func:`persona_journeys`)
    A swimlane chart of the personas (scripted example citizens) of one replication: one panel
    per persona, one lane per channel or department the persona met (``phone``, ``digital``,
    ``chat``, ``counter``, ``task:<department>``, ``callback``), time on the x axis. Each
    contact or task is a bar from arrival to end: light while waiting, dark while being
    served or processed; a marker shows the outcome. A solid vertical line marks the end of the
    journey (coloured by status), a dashed grey one its due time when that falls in view.

:func:`write_journey_figures` writes the four files and skips a figure whose input is empty.
It also skips the lead-time and flow figures when no journey went past its first step (a
textbook queue: every journey is one contact), because they would only repeat the wait
distribution, with step columns that hold nothing but the first step's outcome.
Times in the tables are minutes since the start of day 0 of the reported period
(``*_min``); figures show days (``*_days``) or hours. Labels are in English or Dutch
(``language="en"`` or ``"nl"``). Like :mod:`klantstroom.report.figures`, every figure is a
stand-alone :class:`matplotlib.figure.Figure` with its own Agg canvas (no pyplot).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from klantstroom.analysis.groups import text_values
from klantstroom.report.backlog_figure import backlog_by_day
from klantstroom.report.flow_figure import journey_flow
from klantstroom.report.journey_common import (
    JOURNEY_FIGURE_NAMES,
    _floats,
    _has_later_steps,
    _text,
)
from klantstroom.report.lead_time_figure import journey_lead_time
from klantstroom.report.persona_figure import _persona_table, persona_journeys
from klantstroom.report.png import save_png

__all__ = [
    "JOURNEY_FIGURE_NAMES",
    "backlog_by_day",
    "journey_flow",
    "journey_lead_time",
    "persona_journeys",
    "write_journey_figures",
]

# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_journey_figures(
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    journeys: pd.DataFrame,
    backlog: pd.DataFrame,
    folder: Path | str,
    *,
    personas: Sequence[str] = (),
    replication: int = 0,
    language: str = "en",
    dpi: int = 120,
    service_names: Mapping[str, str] | None = None,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Path]:
    """Write the journey figures (:data:`JOURNEY_FIGURE_NAMES`) as PNG files into ``folder``.

    Parameters
    ----------
    contacts, tasks, journeys, backlog : pandas.DataFrame
        The contact, task, journey and backlog tables of a run (all replications).
    folder : pathlib.Path or str
        Output folder; created (with its parents) if missing.
    personas : sequence of str, optional
        Personas for ``persona_journeys.png``, in this order; empty means all of them.
    replication : int, optional
        The replication whose personas are drawn.
    language : {"en", "nl"}, optional
        Language of the labels.
    dpi : int, optional
        Resolution of the PNG files.
    service_names : mapping of str to str, optional
        Display names of the services (default: their ids).
    labels : mapping, optional
        Display names of the personas and departments (see :func:`persona_journeys`).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`JOURNEY_FIGURE_NAMES`. A figure is skipped
        when it has nothing to show: ``backlog.png`` without backlog rows,
        ``journey_lead_time.png`` without resolved journeys, ``journey_flow.png`` without
        journeys, ``persona_journeys.png`` without persona journeys in ``replication``; the
        lead-time and flow figures also when no journey has a second step.
    """
    _text(language)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    later_steps = _has_later_steps(journeys)
    has_resolved = bool(
        later_steps
        and np.any(
            (text_values(journeys["status"]) == "resolved")
            & np.isfinite(_floats(journeys["lead_time_days"]))
        )
    )
    makers: dict[str, tuple[bool, Callable[[], Figure]]] = {
        "backlog": (
            len(backlog) > 0,
            lambda: backlog_by_day(backlog, language=language, labels=labels),
        ),
        "journey_lead_time": (
            has_resolved,
            lambda: journey_lead_time(journeys, language=language, names=service_names),
        ),
        "journey_flow": (
            later_steps,
            lambda: journey_flow(journeys, language=language, names=labels),
        ),
        "persona_journeys": (
            len(_persona_table(journeys, personas, replication)) > 0,
            lambda: persona_journeys(
                contacts,
                tasks,
                journeys,
                personas=personas,
                replication=replication,
                language=language,
                labels=labels,
            ),
        ),
    }
    paths = []
    for name in JOURNEY_FIGURE_NAMES:
        wanted, make = makers[name]
        if not wanted:
            continue
        path = folder / f"{name}.png"
        save_png(make(), path, dpi=dpi)
        paths.append(path)
    return paths
