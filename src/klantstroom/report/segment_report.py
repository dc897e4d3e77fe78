"""The section "Per segment" of a run's ``report.html``: who bears the cost of a channel shift.

When a road-map year moves services online and the KCC shrinks, the mean over all citizens can
hide who pays: the digitally skilled move to web forms, the digitally vulnerable keep phoning
and meet the longer queue. This section shows, per citizen segment next to all citizens, the
channels their contacts arrived on and what they got: the wait before the phone was answered,
abandoned calls, the walk-in wait, e-mail within its norm, and how their journeys ended. The
figures are the judged rows of ``summary.csv`` (each channel on its judged period, journeys on
the whole run), the segments' rows next to those of all citizens
(:mod:`klantstroom.analysis.segments`). Rendered from ``templates/segment_section.html.j2``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from klantstroom.analysis.journeys import ALL
from klantstroom.analysis.periods import judged_view
from klantstroom.analysis.segments import SEGMENT
from klantstroom.report.headline import CHANNEL_NAMES, fmt
from klantstroom.report.templating import render
from klantstroom.results import RunOutput

# What a citizen gets, as (kpi, channel, unit): the columns of the second table, each shown
# when the run has it.
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("asa_min", "phone", "seconds"),
    ("abandonment_rate", "phone", "share"),
    ("walk_in_wait_min", "counter", "minutes"),
    ("answered_within_norm", "digital", "share"),
    ("resolved_share", ALL, "share"),
    ("given_up_share", ALL, "share"),
    ("journey_within_norm", ALL, "share"),
    ("journey_lead_time_days_mean", ALL, "days"),
)

_TEXT = {
    "en": {
        "title": "Per segment",
        "lead": "Who bears the cost of the channel shift: per citizen segment, the channels "
        "its contacts arrived on and what its citizens got, next to all citizens. Means over "
        "the replications; each channel on the period it is judged on, journeys on the whole "
        "run (summary.csv, column segment).",
        "contact": "How they made contact",
        "outcome": "What they got",
        "segment": "segment",
        "everyone": "all citizens",
        "journeys": "journeys",
        "share_of": "{channel} (share of contacts)",
        "asa_min": "phone: wait before answer",
        "abandonment_rate": "phone: abandoned",
        "walk_in_wait_min": "counter: walk-in wait",
        "answered_within_norm": "e-mail within norm",
        "resolved_share": "journeys resolved",
        "given_up_share": "journeys given up",
        "journey_within_norm": "journeys within norm",
        "journey_lead_time_days_mean": "journey lead time",
    },
    "nl": {
        "title": "Per segment",
        "lead": "Wie betaalt de kanaalverschuiving: per segment burgers de kanalen waarlangs "
        "hun contacten binnenkwamen en wat ze kregen, naast alle burgers. Gemiddelden over "
        "de replicaties; elk kanaal over de periode waarop het wordt beoordeeld, klantreizen "
        "over de hele run (summary.csv, kolom segment).",
        "contact": "Hoe ze contact zochten",
        "outcome": "Wat ze kregen",
        "segment": "segment",
        "everyone": "alle burgers",
        "journeys": "klantreizen",
        "share_of": "{channel} (aandeel contacten)",
        "asa_min": "telefoon: wachttijd tot opnemen",
        "abandonment_rate": "telefoon: opgehangen",
        "walk_in_wait_min": "balie: wachttijd vrije inloop",
        "answered_within_norm": "e-mail binnen norm",
        "resolved_share": "klantreizen opgelost",
        "given_up_share": "klantreizen opgegeven",
        "journey_within_norm": "klantreizen binnen norm",
        "journey_lead_time_days_mean": "doorlooptijd klantreis",
    },
}


def overall_mean(table: pd.DataFrame, kpi: str, channel: str) -> float:
    """The mean of ``kpi`` on the row of ``channel`` (all services, shops, departments, groups)."""
    rows = table[
        (table["kpi"] == kpi)
        & (table["channel"] == channel)
        & (table["service"] == ALL)
        & (table["shop"] == ALL)
        & (table["department"] == ALL)
        & (table["staff_group"] == ALL)
    ]
    return float(rows["mean"].iloc[0]) if len(rows) else np.nan


def segment_section(run: RunOutput, language: str = "en") -> list[str]:
    """The section's HTML (one block), or nothing for a run without segments."""
    segments = judged_view(run.segment_summary) if len(run.segment_summary) else None
    if segments is None:
        return []
    t = _TEXT[language]
    labels = run.labels("segments")
    names = list(dict.fromkeys(segments[SEGMENT].astype(str)))
    groups = [(t["everyone"], run.summary)] + [
        (labels.get(name, name), segments[segments[SEGMENT].astype(str) == name]) for name in names
    ]
    channels = [
        c for c in CHANNEL_NAMES["en"] if not np.isnan(overall_mean(run.summary, "offered", c))
    ]
    contact_rows = []
    for label, table in groups:
        offered = np.array([overall_mean(table, "offered", c) for c in channels])
        total = np.nansum(offered)
        contact_rows.append(
            [label, fmt(overall_mean(table, "journeys", ALL), "count", language)]
            + [fmt(o / total if total > 0 else np.nan, "share", language) for o in offered]
        )
    shown = [
        (kpi, channel, unit)
        for kpi, channel, unit in OUTCOMES
        if not np.isnan(overall_mean(run.summary, kpi, channel))
    ]
    outcome_rows = [
        [label]
        + [fmt(overall_mean(table, kpi, channel), unit, language) for kpi, channel, unit in shown]
        for label, table in groups
    ]
    names_of = CHANNEL_NAMES[language]
    return [
        render(
            "segment_section.html.j2",
            title=t["title"],
            lead=t["lead"],
            tables=[
                {
                    "caption": t["contact"],
                    "header": [t["segment"], t["journeys"]]
                    + [t["share_of"].format(channel=names_of[c]) for c in channels],
                    "rows": contact_rows,
                },
                {
                    "caption": t["outcome"],
                    "header": [t["segment"]] + [t[kpi] for kpi, _, _ in shown],
                    "rows": outcome_rows,
                },
            ],
        )
    ]
