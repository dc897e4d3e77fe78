"""Persona timelines: the journeys of named citizens as readable text.

A workshop follows people, not averages: for each persona of the scenario, every matter (journey)
with each contact and back-office task in order: when, which channel or department, how long the
citizen waited, what happened, and how the journey ended. The text is printed after a run,
written to ``personas.txt``, and shown again from an output folder by ``klantstroom-journeys``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "units": {"s": "s", "min": "min", "h": "h", "d": "d"},
        "weekdays": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
        "months": (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ),
        "steps": {
            "phone": "phone",
            "digital": "digital",
            "chat": "chat",
            "counter": "counter",
            "callback": "callback",
            "task": "task",
        },
        "origins": {
            "redial": "redial",
            "return": "return",
            "switch": "switch",
            "follow_up": "follow up",
            "rebook": "rebook",
            "chase": "chase",
            "retry": "retry",
        },
        "served": "waited {wait}, served {service} by {group}",
        "chased": ", asked where the matter is at {department}",
        "resolved": ", resolved",
        "not_resolved": ", not resolved",
        "handed": " -> handed to {department}",
        "not_reached": "{department} called (attempt {attempt}): not reached",
        "called_back": "{department} called back: reached, {service}",
        "abandoned": "hung up after {wait}",
        "no_slot": "asked for an appointment: no free slot within the booking horizon",
        "still_waiting": "still waiting at the end of the run",
        "turned_away": "turned away",
        "balked": "walked away without waiting",
        "no_show": "did not come to the appointment",
        "rebooked": "came too late and booked a new appointment",
        "task_done": "task for {department}: {process}waited {wait}, processed {work}",
        "in_process": "in process {time}, then ",
        "task_open": "task for {department}: still open at the end of the run",
        "late": " (late)",
        "no_matter": "    (no matter started within the reported period)",
        "open": "still open at the end of the run",
        "ended": {"resolved": "resolved after {time}", "given_up": "given up after {time}"},
        "within_norm": ", within norm",
        "too_late": ", LATE",
    },
    "nl": {
        "units": {"s": "s", "min": "min", "h": "u", "d": "d"},
        "weekdays": ("ma", "di", "wo", "do", "vr", "za", "zo"),
        "months": (
            "jan",
            "feb",
            "mrt",
            "apr",
            "mei",
            "jun",
            "jul",
            "aug",
            "sep",
            "okt",
            "nov",
            "dec",
        ),
        "steps": {
            "phone": "telefoon",
            "digital": "e-mail",
            "chat": "chat",
            "counter": "balie",
            "callback": "terugbel",
            "task": "taak",
        },
        "origins": {
            "redial": "opnieuw gebeld",
            "return": "teruggekomen",
            "switch": "ander kanaal",
            "follow_up": "vervolg",
            "rebook": "nieuwe afspraak",
            "chase": "navraag",
            "retry": "nieuwe poging",
        },
        "served": "wachtte {wait}, in {service} geholpen door {group}",
        "chased": ", vroeg bij {department} waar de zaak blijft",
        "resolved": ", opgelost",
        "not_resolved": ", niet opgelost",
        "handed": " -> overgedragen aan {department}",
        "not_reached": "{department} belde (poging {attempt}): niet bereikt",
        "called_back": "{department} belde terug: bereikt, {service}",
        "abandoned": "hing op na {wait}",
        "no_slot": "vroeg een afspraak: geen vrij tijdslot binnen de boekingstermijn",
        "still_waiting": "wachtte nog aan het eind van de run",
        "turned_away": "weggestuurd",
        "balked": "zonder wachten weggelopen",
        "no_show": "niet op de afspraak verschenen",
        "rebooked": "te laat gekomen en een nieuwe afspraak gemaakt",
        "task_done": "taak voor {department}: {process}wachtte {wait}, verwerkt in {work}",
        "in_process": "in behandeling {time}, daarna ",
        "task_open": "taak voor {department}: nog open aan het eind van de run",
        "late": " (te laat)",
        "no_matter": "    (geen zaak begonnen binnen de gerapporteerde periode)",
        "open": "nog open aan het eind van de run",
        "ended": {"resolved": "opgelost na {time}", "given_up": "opgegeven na {time}"},
        "within_norm": ", binnen de norm",
        "too_late": ", TE LAAT",
    },
}


@dataclass(frozen=True)
class _Words:
    """The language and the display names a timeline is written with."""

    t: dict[str, Any]
    names: Mapping[str, Mapping[str, str]]

    def name(self, kind: str, value: object) -> str:
        return str(self.names.get(kind, {}).get(str(value), value))

    def duration(self, minutes: float) -> str:
        """A duration for people: ``45 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``."""
        u = self.t["units"]
        if minutes != minutes:  # NaN
            return "-"
        if minutes < 1:
            return f"{minutes * 60:.0f} {u['s']}"
        if minutes < 60:
            return f"{minutes:.0f} {u['min']}"
        if minutes < 1440:
            return f"{int(minutes // 60)} {u['h']} {int(minutes % 60):02d} {u['min']}"
        return f"{int(minutes // 1440)} {u['d']} {int(minutes % 1440 // 60)} {u['h']}"

    def when(self, start: pd.Timestamp, minute: float) -> str:
        moment = start + pd.Timedelta(minutes=float(minute))
        weekday, month = self.t["weekdays"][moment.weekday()], self.t["months"][moment.month - 1]
        return f"{weekday} {moment.day:02d} {month} {moment:%H:%M}"


def _contact_line(row: pd.Series, start: pd.Timestamp, w: _Words) -> str:
    t = w.t
    origin = str(row["origin"])
    step = "callback" if origin == "callback" else str(row["channel"])
    outcome = str(row["outcome"])
    wait = w.duration(row["wait_min"])
    department = w.name("departments", row["department"])
    if outcome == "served":
        what = t["served"].format(
            wait=wait,
            service=w.duration(row["service_min"]),
            group=w.name("staff_groups", row["staff_group"]),
        )
        if origin == "chase":
            what += t["chased"].format(department=department)
        elif origin != "callback":
            what += t["resolved"] if bool(row["resolved"]) else t["not_resolved"]
        if pd.notna(row["department"]) and origin not in ("callback", "chase"):
            what += t["handed"].format(department=department)
    elif outcome == "not_reached":
        what = t["not_reached"].format(department=department, attempt=row["attempt"])
    elif outcome == "abandoned":
        what = t["abandoned"].format(wait=wait)
    elif outcome == "unserved":
        what = t["still_waiting"] if row["wait_min"] > 0 else t["turned_away"]
    else:
        what = t.get(outcome, outcome.replace("_", " "))
    if origin not in ("new", "task", "callback"):
        what = f"({t['origins'].get(origin, origin.replace('_', ' '))}) {what}"
    if origin == "callback" and outcome == "served":
        what = t["called_back"].format(
            department=department, service=w.duration(row["service_min"])
        )
    return f"    {w.when(start, row['arrival_min'])}  {t['steps'].get(step, step):<9} {what}"


def _task_line(row: pd.Series, start: pd.Timestamp, w: _Words) -> str:
    t = w.t
    department = w.name("departments", row["department"])
    process_min = float(row["ready_min"] - row["created_min"]) if "ready_min" in row else 0.0
    # Elapsed process time (documents, an advice, a term) is told apart from waiting for staff.
    process = t["in_process"].format(time=w.duration(process_min)) if process_min > 0 else ""
    if row["status"] == "done":
        what = t["task_done"].format(
            department=department,
            process=process,
            wait=w.duration(row["wait_min"] - process_min),
            work=w.duration(row["processing_min"]),
        )
    else:
        what = t["task_open"].format(department=department)
    if row["late"] is True:
        what += t["late"]
    return f"    {w.when(start, row['created_min'])}  {t['steps']['task']:<9} {what}"


def persona_timelines(
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    journeys: pd.DataFrame,
    personas: Mapping[str, tuple[str, str]],
    start_date: pd.Timestamp,
    replication: int = 0,
    only: Sequence[str] = (),
    *,
    language: str = "en",
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Return the timelines of the personas in one replication as text.

    Parameters
    ----------
    contacts, tasks, journeys : pandas.DataFrame
        The run's tables (``contacts.parquet``, ``tasks.parquet``, ``journeys.parquet``).
    personas : mapping of str to (str, str)
        Per persona name: its label and story, in the order to show them.
    start_date : pandas.Timestamp
        The first reported day (minute 0).
    replication : int
        Which replication to show (each has its own random course of events).
    only : sequence of str
        Persona names to show; empty = all.
    language : {"en", "nl"}
        Language of the text (days, months, units and every phrase).
    names : mapping, optional
        Display names per kind (``services``, ``staff_groups``, ``departments``: name ->
        label, as ``run.json`` lists them); a name without one is shown as it is.
    """
    w = _Words(_TEXT[language], names or {})
    t = w.t
    lines = []
    rep_journeys = journeys[(journeys["replication"] == replication) & journeys["persona"].notna()]
    rep_contacts = contacts[contacts["replication"] == replication]
    rep_tasks = tasks[tasks["replication"] == replication] if len(tasks) else tasks
    for name, (label, story) in personas.items():
        if only and name not in only:
            continue
        lines.append(f"{label} - {story}" if story else label)
        mine = rep_journeys[rep_journeys["persona"] == name].sort_values("start_min")
        if mine.empty:
            lines.append(t["no_matter"])
        for journey in mine.itertuples():
            status = str(journey.status)
            if status == "open":
                ending = t["open"]
            else:
                lead_min = float(journey.lead_time_days) * 1440.0  # type: ignore[arg-type]
                ending = (
                    t["ended"]
                    .get(status, status.replace("_", " ") + " {time}")
                    .format(time=w.duration(lead_min))
                )
                if status == "resolved":
                    ending += t["within_norm"] if bool(journey.within_norm) else t["too_late"]
            lines.append(f"  {w.name('services', journey.service)}: {ending}")
            steps = [
                (row["arrival_min"], 0, _contact_line(row, start_date, w))
                for _, row in rep_contacts[
                    rep_contacts["journey_id"] == journey.journey_id
                ].iterrows()
            ]
            if len(rep_tasks):
                steps += [
                    (row["created_min"], 1, _task_line(row, start_date, w))
                    for _, row in rep_tasks[
                        rep_tasks["journey_id"] == journey.journey_id
                    ].iterrows()
                ]
            lines += [text for _, _, text in sorted(steps, key=lambda item: item[:2])]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n" if lines else ""


def main(argv: Sequence[str] | None = None) -> int:
    """``klantstroom-journeys OUTPUT_DIR``: print the persona timelines of a finished run."""
    parser = argparse.ArgumentParser(
        prog="klantstroom-journeys",
        description="Show the journeys of the personas of a klantstroom run, step by step.",
    )
    parser.add_argument("output_dir", type=Path, help="the run's output folder")
    parser.add_argument("--persona", action="append", default=[], help="only this persona")
    parser.add_argument("--replication", type=int, default=0, help="replication (default 0)")
    parser.add_argument(
        "--language", choices=("en", "nl"), default=None, help="en or nl (default: the run's)"
    )
    args = parser.parse_args(argv)
    folder: Path = args.output_dir
    needed = ["run.json", "contacts.parquet", "tasks.parquet", "journeys.parquet"]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        print(
            f"klantstroom-journeys: {folder} is not a klantstroom output folder "
            f"(missing {', '.join(missing)})",
            file=sys.stderr,
        )
        return 2
    try:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        contacts, tasks, journeys = (pd.read_parquet(folder / name) for name in needed[1:])
    except (OSError, ValueError) as error:  # pyarrow's errors derive from these
        # A file cut short (a full disk, a copy broken off): say which, not a traceback.
        print(f"klantstroom-journeys: {folder}: a file is not readable ({error})", file=sys.stderr)
        return 2
    personas = {
        name: (item.get("label", name), item.get("story", ""))
        for name, item in (info.get("personas") or {}).items()
    }
    if not personas:
        print(f"klantstroom-journeys: the run in {folder} has no personas", file=sys.stderr)
        return 1
    unknown = [name for name in args.persona if name not in personas]
    if unknown:
        print(
            f"klantstroom-journeys: unknown persona {', '.join(unknown)}; "
            f"allowed: {', '.join(personas)}",
            file=sys.stderr,
        )
        return 2
    replications = info.get("replications") or [0]
    if args.replication not in replications:
        print(
            f"klantstroom-journeys: no replication {args.replication}; "
            f"allowed: {', '.join(str(r) for r in replications)}",
            file=sys.stderr,
        )
        return 2
    text = persona_timelines(
        contacts,
        tasks,
        journeys,
        personas,
        pd.Timestamp(info["start_date"]),
        replication=args.replication,
        only=args.persona,
        language=args.language or str(info.get("language", "en")),
        names=info.get("labels") or {},
    )
    print(text, end="")
    return 0


__all__ = ["main", "persona_timelines"]

if __name__ == "__main__":
    sys.exit(main())
