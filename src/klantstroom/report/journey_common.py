"""What the journey figures share: names, colours, labels in two languages, column readers.

The figures themselves are in :mod:`klantstroom.report.backlog_figure`,
:mod:`~klantstroom.report.lead_time_figure`, :mod:`~klantstroom.report.flow_figure` and
:mod:`~klantstroom.report.persona_figure`; :mod:`klantstroom.report.journey_figures` writes them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import codes_of
from klantstroom.report.figure_style import (
    _text as _labels,
)
from klantstroom.report.headline import CHANNEL_NAMES

JOURNEY_FIGURE_NAMES: tuple[str, ...] = (
    "backlog",
    "journey_lead_time",
    "journey_flow",
    "persona_journeys",
)

CHANNEL_LANES = ("phone", "digital", "chat", "counter")
CALLBACK_LANE = "callback"
TASK_PREFIX = "task:"
STATUSES = ("resolved", "given_up", "open")
STATUS_COLOURS = {"resolved": "#1b9e77", "given_up": "#d95f02", "open": "#8c8c8c"}
NORM_IN_VIEW = 3.0  # the lead-time axis stretches to a norm up to this many times the data
FLOW_STEPS = 4  # step columns of the flow diagram; later steps are left out
FLOW_LABEL_SHARE = 0.025  # nodes smaller than this share of the journeys get no label
WEEKEND_COLOUR = "#eeeeee"
BOX_COLOUR = "#c6dbef"
CONTACT_WAIT_COLOUR = "#a6cee3"
CONTACT_SERVICE_COLOUR = "#1f78b4"
TASK_WAIT_COLOUR = "#cab2d6"
TASK_SERVICE_COLOUR = "#6a3d9a"
QUEUE_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
# Outcome of a contact or task: (marker, colour) for the persona swimlanes.
OUTCOME_MARKERS: dict[str, tuple[str, str]] = {
    "served": ("o", "#1b9e77"),
    "done": ("o", "#1b9e77"),
    "abandoned": ("X", "#d62728"),
    "balked": ("v", "#ff7f0e"),
    "unserved": ("s", "#7f7f7f"),
    "no_show": ("D", "#9467bd"),
    "rebooked": (">", "#1f77b4"),
    "not_reached": ("x", "#8c564b"),
    "no_slot": ("P", "#e377c2"),
    "open": ("s", "#7f7f7f"),
}
# Tick spacings (minutes) for a time axis in days; the first giving at most 7 ticks is used.
_TIME_STEPS_MIN = (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 7 * 1440, 14 * 1440)

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "backlog_title": "Backlog per queue at the end of each day",
        "open_panel": "Open at the end of the day (items)",
        "late_panel": "Of which past their due time (items)",
        "items_axis": "Items",
        "day_axis": "Day of the period",
        "day_axis_date": "Day of the period (day 0 = {date})",
        "mean": "line: mean of {n} replications",
        "mean_one": "1 replication",
        "range": "shaded: range across replications",
        "weekend": "weekend",
        "lead_title": "Lead time of resolved journeys per service (first contact to resolution)",
        "lead_axis": "Lead time ({unit})",
        "lead_label": "{service}\n{n} resolved, {share} within norm",
        "lead_others": "; {given_up} given up, {open} open",
        "norm": "norm: median time to the due time (calendar time)",
        "norm_beyond": "norm {norm} {unit} →",
        "box": "box: quartiles, line: median, whiskers: 5th-95th percentile",
        "pooled": "{n} replications pooled",
        "pooled_one": "1 replication",
        "hours": "hours",
        "days": "days",
        "flow_title": "Journeys step by step: channel or task at each step, and the outcome",
        "flow_note": (
            "{n} journeys ({reps}); band width = number of journeys, colour = how the journey "
            "ended. A journey without further steps moves to its status node."
        ),
        "flow_more": " {n} journeys had more than {k} steps (later steps not shown).",
        "flow_reps": "{n} replications summed",
        "flow_reps_one": "1 replication",
        "step": "Step {k}",
        "step_last": "Step {k}+",
        "status": "Status",
        "resolved": "resolved",
        "given_up": "given up",
        "open": "open",
        "contact_node": "contact or callback",
        "task_node": "back-office task",
        "persona_title": "Persona journeys, replication {r}: contacts and tasks over time",
        "time_axis": "Time since the start of the period (day, hh:mm)",
        "time_axis_date": "Time since the start of the period (day, hh:mm; day 0 = {date})",
        "day_tick": "day {d}",
        "journey_open": "{service}: still open after {lead}",
        "journey_done": "{service}: {status} after {lead}{norm}",
        "within": ", within norm",
        "late": ", past norm",
        "contact_wait": "contact: waiting",
        "contact_service": "contact: being served",
        "task_wait": "task: waiting",
        "task_service": "task: processing",
        "journey_end": "end of journey",
        "due": "due time (norm)",
        "served": "served / task done",
        "abandoned": "abandoned",
        "balked": "balked",
        "unserved": "unserved",
        "no_show": "no show",
        "rebooked": "rebooked",
        "not_reached": "not reached",
        "no_slot": "no free slot",
        "open_item": "still open",
    },
    "nl": {
        "backlog_title": "Werkvoorraad per wachtrij aan het eind van elke dag",
        "open_panel": "Open aan het eind van de dag (stuks)",
        "late_panel": "Waarvan over de termijn (stuks)",
        "items_axis": "Stuks",
        "day_axis": "Dag van de periode",
        "day_axis_date": "Dag van de periode (dag 0 = {date})",
        "mean": "lijn: gemiddelde van {n} replicaties",
        "mean_one": "1 replicatie",
        "range": "vlak: spreiding over replicaties",
        "weekend": "weekend",
        "lead_title": (
            "Doorlooptijd van opgeloste klantreizen per dienst (eerste contact tot opgelost)"
        ),
        "lead_axis": "Doorlooptijd ({unit})",
        "lead_label": "{service}\n{n} opgelost, {share} binnen norm",
        "lead_others": "; {given_up} afgehaakt, {open} open",
        "norm": "norm: mediane tijd tot de termijn (kalendertijd)",
        "norm_beyond": "norm {norm} {unit} →",
        "box": "doos: kwartielen, lijn: mediaan, snorharen: 5e-95e percentiel",
        "pooled": "{n} replicaties samengenomen",
        "pooled_one": "1 replicatie",
        "hours": "uur",
        "days": "dagen",
        "flow_title": "Klantreizen stap voor stap: kanaal of taak per stap, en de afloop",
        "flow_note": (
            "{n} klantreizen ({reps}); bandbreedte = aantal reizen, kleur = afloop van de reis. "
            "Een reis zonder verdere stappen gaat naar zijn status."
        ),
        "flow_more": " {n} reizen hadden meer dan {k} stappen (latere stappen niet getoond).",
        "flow_reps": "{n} replicaties opgeteld",
        "flow_reps_one": "1 replicatie",
        "step": "Stap {k}",
        "step_last": "Stap {k}+",
        "status": "Status",
        "resolved": "opgelost",
        "given_up": "afgehaakt",
        "open": "open",
        "contact_node": "contact of terugbelverzoek",
        "task_node": "backofficetaak",
        "persona_title": "Klantreizen van persona's, replicatie {r}: contacten en taken in de tijd",
        "time_axis": "Tijd sinds het begin van de periode (dag, uu:mm)",
        "time_axis_date": "Tijd sinds het begin van de periode (dag, uu:mm; dag 0 = {date})",
        "day_tick": "dag {d}",
        "journey_open": "{service}: nog open na {lead}",
        "journey_done": "{service}: {status} na {lead}{norm}",
        "within": ", binnen norm",
        "late": ", over de norm",
        "contact_wait": "contact: wachtend",
        "contact_service": "contact: in behandeling",
        "task_wait": "taak: wachtend",
        "task_service": "taak: in behandeling",
        "journey_end": "einde klantreis",
        "due": "termijn (norm)",
        "served": "geholpen / taak klaar",
        "abandoned": "afgehaakt",
        "balked": "weggelopen",
        "unserved": "niet geholpen",
        "no_show": "niet verschenen",
        "rebooked": "omgeboekt",
        "not_reached": "niet bereikt",
        "no_slot": "geen plek in de agenda",
        "open_item": "nog open",
    },
}


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _text(language: str) -> dict[str, str]:
    """Return the label set for ``language``; raise ``ValueError`` for an unknown one."""
    return _labels(language, _TEXT)


def _has_later_steps(journeys: pd.DataFrame) -> bool:
    """Whether some journey went on after its first step (``path`` ``a>b``: a redial, a
    switch of channel, a back-office task or a callback)."""
    if not len(journeys):
        return False
    if "path" not in journeys:  # a table without paths: assume there may be later steps
        return True
    return bool(journeys["path"].astype("string").str.contains(">", regex=False).any())


def _floats(series: pd.Series) -> np.ndarray:
    """A numeric column as a float array (missing values become NaN)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _codes(column: pd.Series, missing: str) -> tuple[np.ndarray, list[str]]:
    """Codes 0.. of a text column and the text of each code, ``missing`` for a missing value.

    Comparing codes costs an integer comparison per row, where a column of Python strings
    compares text: a year has a million journeys.
    """
    codes, values = codes_of(column)
    names = [str(name) for name in values]
    return np.where(codes < 0, len(names), codes).astype(np.int64), [*names, missing]


def _replication_count(frame: pd.DataFrame) -> int:
    return int(frame["replication"].nunique()) if "replication" in frame else 1


def _first_date(frame: pd.DataFrame, column: str, minutes: np.ndarray | None) -> str | None:
    """The date of day 0 as ``YYYY-MM-DD``, from a datetime column (and its minutes)."""
    if column not in frame or frame.empty:
        return None
    stamps = pd.to_datetime(frame[column], errors="coerce")
    if minutes is not None:
        stamps = stamps - pd.to_timedelta(minutes, unit="min")
    stamps = stamps.dropna()
    if stamps.empty:
        return None
    return str(stamps.min().normalize().date())


def _lane_label(lane: str, language: str, names: Mapping[str, Mapping[str, str]] | None) -> str:
    """A lane as readers know it: the channel's name, the department of a task lane.

    Without display names and in English a lane keeps its id (``phone``, ``task:burgerzaken``).
    """
    if names is None and language == "en":
        return lane
    if lane.startswith(TASK_PREFIX):
        department = lane.removeprefix(TASK_PREFIX)
        word = "taak" if language == "nl" else "task"
        return f"{word}: {(names or {}).get('departments', {}).get(department, department)}"
    if lane == CALLBACK_LANE:
        return "terugbellen" if language == "nl" else lane
    return CHANNEL_NAMES.get(language, CHANNEL_NAMES["en"]).get(lane, lane)


def _queue_label(queue: str, language: str, names: Mapping[str, Mapping[str, str]] | None) -> str:
    """A backlog queue by name: the channel (``digital``) or the department it holds tasks of."""
    channels = CHANNEL_NAMES.get(language, CHANNEL_NAMES["en"])
    if queue in channels:
        return channels[queue]
    return (names or {}).get("departments", {}).get(queue, queue)


def _lane_order(lanes: set[str]) -> list[str]:
    """Lanes in the order phone, digital, chat, counter, tasks (by name), callback, others."""
    first = [lane for lane in CHANNEL_LANES if lane in lanes]
    tasks = sorted(lane for lane in lanes if lane.startswith(TASK_PREFIX))
    last = [CALLBACK_LANE] if CALLBACK_LANE in lanes else []
    known = {*first, *tasks, *last}
    return [*first, *tasks, *last, *sorted(lanes - known)]


def _status_label(status: str, t: dict[str, str]) -> str:
    return t.get(status, status) if status in STATUSES else status
