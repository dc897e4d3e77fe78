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
from pathlib import Path

import pandas as pd


def _duration(minutes: float) -> str:
    """A duration for people: ``45 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``."""
    if minutes != minutes:  # NaN
        return "-"
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < 1440:
        return f"{int(minutes // 60)} h {int(minutes % 60):02d} min"
    return f"{int(minutes // 1440)} d {int(minutes % 1440 // 60)} h"


def _when(start: pd.Timestamp, minute: float) -> str:
    return (start + pd.Timedelta(minutes=float(minute))).strftime("%a %d %b %H:%M")


def _contact_line(row: pd.Series, start: pd.Timestamp) -> str:
    origin = str(row["origin"])
    step = "callback" if origin == "callback" else str(row["channel"])
    outcome = str(row["outcome"])
    wait = _duration(row["wait_min"])
    if outcome == "served":
        what = f"waited {wait}, served {_duration(row['service_min'])} by {row['staff_group']}"
        if origin == "chase":
            what += f", asked where the matter is at {row['department']}"
        elif origin != "callback":
            what += ", resolved" if bool(row["resolved"]) else ", not resolved"
        if pd.notna(row["department"]) and origin not in ("callback", "chase"):
            what += f" -> handed to {row['department']}"
    elif outcome == "not_reached":
        what = f"{row['department']} called (attempt {row['attempt']}): not reached"
    elif outcome == "abandoned":
        what = f"hung up after {wait}"
    elif outcome == "no_slot":
        what = "asked for an appointment: no free slot within the booking horizon"
    elif outcome == "unserved":
        what = "still waiting at the end of the run" if row["wait_min"] > 0 else "turned away"
    else:
        what = outcome.replace("_", " ")
    if origin not in ("new", "task", "callback"):
        what = f"({origin.replace('_', ' ')}) {what}"
    if origin == "callback" and outcome == "served":
        what = f"{row['department']} called back: reached, {_duration(row['service_min'])}"
    return f"    {_when(start, row['arrival_min'])}  {step:<9} {what}"


def _task_line(row: pd.Series, start: pd.Timestamp) -> str:
    process_min = float(row["ready_min"] - row["created_min"]) if "ready_min" in row else 0.0
    # Elapsed process time (documents, an advice, a term) is told apart from waiting for staff.
    process = f"in process {_duration(process_min)}, then " if process_min > 0 else ""
    if row["status"] == "done":
        what = (
            f"task for {row['department']}: {process}waited "
            f"{_duration(row['wait_min'] - process_min)}, "
            f"processed {_duration(row['processing_min'])}"
        )
    else:
        what = f"task for {row['department']}: still open at the end of the run"
    if row["late"] is True:
        what += " (late)"
    return f"    {_when(start, row['created_min'])}  {'task':<9} {what}"


def persona_timelines(
    contacts: pd.DataFrame,
    tasks: pd.DataFrame,
    journeys: pd.DataFrame,
    personas: Mapping[str, tuple[str, str]],
    start_date: pd.Timestamp,
    replication: int = 0,
    only: Sequence[str] = (),
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
    """
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
            lines.append("    (no matter started within the reported period)")
        for journey in mine.itertuples():
            status = str(journey.status)
            if status == "open":
                ending = "still open at the end of the run"
            else:
                lead_min = float(journey.lead_time_days) * 1440.0  # type: ignore[arg-type]
                ending = f"{status.replace('_', ' ')} after {_duration(lead_min)}"
                if status == "resolved":
                    ending += ", within norm" if bool(journey.within_norm) else ", LATE"
            lines.append(f"  {journey.service}: {ending}")
            steps = [
                (row["arrival_min"], 0, _contact_line(row, start_date))
                for _, row in rep_contacts[
                    rep_contacts["journey_id"] == journey.journey_id
                ].iterrows()
            ]
            if len(rep_tasks):
                steps += [
                    (row["created_min"], 1, _task_line(row, start_date))
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
    )
    print(text, end="")
    return 0


__all__ = ["main", "persona_timelines"]

if __name__ == "__main__":
    sys.exit(main())
