"""Citizen segments in ``klantstroom-compare``: who bears the cost of the channel shift, per year.

A run's "Per segment" section (:mod:`klantstroom.report.segment_report`) shows one year; over
the road map the question is how the gap moves: as services go online, the digitally skilled
leave the phone and the digitally vulnerable stay, so their share of the calls grows and the
phone's wait lands on them. :func:`segment_comparison_table` takes every run's segment rows
(the judged rows of ``summary.csv`` with ``segment``, next to all citizens) into one table;
:func:`write_segment_comparison` writes it as ``segments.csv`` and returns the comparison page's
section "Per segment": per segment the KPIs in rows, the scenarios in columns. Runs without
segments have no rows; when none has any, the section is left out (the CSV has its header).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from klantstroom.analysis.journeys import ALL
from klantstroom.analysis.periods import judged_view
from klantstroom.analysis.segments import SEGMENT
from klantstroom.report.headline import fmt
from klantstroom.report.segment_report import OUTCOMES, overall_mean
from klantstroom.report.templating import render
from klantstroom.results import RunOutput

CHANNELS = ("phone", "counter", "digital", "chat")
EVERYONE = "all"
COLUMNS = (
    "scenario",
    "roadmap_step",
    "segment",
    "segment_label",
    "journeys",
    *(f"share_{c}" for c in CHANNELS),
    "share_of_phone_calls",
    *(f"{kpi}_{channel}" if channel != ALL else kpi for kpi, channel, _ in OUTCOMES),
)
# The page's rows per segment: (column, unit).
SHOWN = (
    ("share_phone", "share"),
    ("share_of_phone_calls", "share"),
    ("asa_min_phone", "seconds"),
    ("abandonment_rate_phone", "share"),
    ("journey_within_norm", "share"),
    ("journey_lead_time_days_mean", "days"),
)
_TEXT = {
    "en": {
        "title": "Per segment",
        "lead": "Who bears the cost of the channel shift, per scenario: per citizen segment "
        "the share of its contacts that are phone calls, its share of all phone calls, what "
        "the phone gave it and how its journeys ended, next to all citizens. Means over the "
        "replications, each channel on its judged period (segments.csv).",
        "caption": "Segments per scenario",
        "kpi": "segment: KPI",
        "everyone": "all citizens",
        "share_phone": "phone (share of its contacts)",
        "share_of_phone_calls": "share of all phone calls",
        "asa_min_phone": "phone: wait before answer",
        "abandonment_rate_phone": "phone: abandoned",
        "journey_within_norm": "journeys within norm",
        "journey_lead_time_days_mean": "journey lead time",
    },
    "nl": {
        "title": "Per segment",
        "lead": "Wie betaalt de kanaalverschuiving, per scenario: per segment burgers het "
        "aandeel van zijn contacten dat telefonisch is, zijn aandeel in alle telefoontjes, wat "
        "de telefoon het gaf en hoe zijn klantreizen afliepen, naast alle burgers. "
        "Gemiddelden over de replicaties, elk kanaal over de periode waarop het wordt "
        "beoordeeld (segments.csv).",
        "caption": "Segmenten per scenario",
        "kpi": "segment: KPI",
        "everyone": "alle burgers",
        "share_phone": "telefoon (aandeel van zijn contacten)",
        "share_of_phone_calls": "aandeel in alle telefoontjes",
        "asa_min_phone": "telefoon: wachttijd tot opnemen",
        "abandonment_rate_phone": "telefoon: opgehangen",
        "journey_within_norm": "klantreizen binnen norm",
        "journey_lead_time_days_mean": "doorlooptijd klantreis",
    },
}


def _record(
    scenario: str,
    step: int | None,
    segment: str,
    label: str,
    table: pd.DataFrame,
    phone_total: float,
) -> dict[str, object]:
    offered = np.array([overall_mean(table, "offered", c) for c in CHANNELS])
    total = float(np.nansum(offered))
    record: dict[str, object] = {
        "scenario": scenario,
        "roadmap_step": step,
        "segment": segment,
        "segment_label": label,
        "journeys": overall_mean(table, "journeys", ALL),
    }
    for channel, value in zip(CHANNELS, offered, strict=True):
        record[f"share_{channel}"] = value / total if total > 0 else np.nan
    phone = offered[0]
    record["share_of_phone_calls"] = phone / phone_total if phone_total > 0 else np.nan
    for kpi, channel, _ in OUTCOMES:
        record[f"{kpi}_{channel}" if channel != ALL else kpi] = overall_mean(table, kpi, channel)
    return record


def segment_comparison_table(runs: Sequence[RunOutput], labels: Sequence[str]) -> pd.DataFrame:
    """Per scenario and segment (``all``: every citizen) the segment KPIs; see :data:`COLUMNS`.

    Only runs with segments have rows; a segment's ``share_<channel>`` is the share of its
    contacts offered on that channel, ``share_of_phone_calls`` its share of every citizen's.
    """
    records = []
    for run, scenario in zip(runs, labels, strict=True):
        if not len(run.segment_summary):
            continue
        segments = judged_view(run.segment_summary)
        names = run.labels("segments")
        phone_total = overall_mean(run.summary, "offered", "phone")
        records.append(
            _record(scenario, run.roadmap_step, EVERYONE, EVERYONE, run.summary, phone_total)
        )
        for name in dict.fromkeys(segments[SEGMENT].astype(str)):
            part = segments[segments[SEGMENT].astype(str) == name]
            records.append(
                _record(scenario, run.roadmap_step, name, names.get(name, name), part, phone_total)
            )
    return pd.DataFrame(records, columns=list(COLUMNS))


def write_segment_comparison(
    runs: Sequence[RunOutput], labels: Sequence[str], folder: Path, language: str
) -> str:
    """Write ``segments.csv`` into ``folder`` and return the page's section ("" when none)."""
    table = segment_comparison_table(runs, labels)
    table.to_csv(folder / "segments.csv", index=False)
    if table.empty:
        return ""
    t = _TEXT[language]
    scenarios = list(dict.fromkeys(table["scenario"]))
    rows = []
    for segment in dict.fromkeys(table["segment"]):
        part = table[table["segment"] == segment].set_index("scenario")
        name = t["everyone"] if segment == EVERYONE else str(part["segment_label"].iloc[0])
        for column, unit in SHOWN:
            if part[column].isna().all():
                continue
            rows.append(
                [f"{name}: {t[column]}"]
                + [
                    fmt(part.loc[s, column], unit, language) if s in part.index else "–"
                    for s in scenarios
                ]
            )
    return render(
        "segment_section.html.j2",
        title=t["title"],
        lead=t["lead"],
        tables=[{"caption": t["caption"], "header": [t["kpi"], *scenarios], "rows": rows}],
    )
