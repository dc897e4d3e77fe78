"""The workshop page's words in Dutch and English, and the personas' timelines by name.

KPI and channel names come from the reports' own tables (:mod:`klantstroom.report.headline`),
so the page and ``report.html`` call a KPI the same; this module holds only what the page adds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from klantstroom.report.headline import CHANNEL_NAMES

MONTHS = {
    "nl": [
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
}  # fmt: skip

TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "title": "Wat-als-werkplaats",
        "lead": "Kies een jaar van de routekaart en wat-alsen, zet de knoppen en reken door. "
        "Elke wat-als wordt bewaard als scenariobestand dat de opdrachtregel opnieuw afspeelt "
        "met dezelfde tabellen.",
        "year": "Jaar van de routekaart",
        "whatifs": "Wat-alsen",
        "choose": "Kies wat-alsen",
        "not_composed": "Dit jaar met deze wat-alsen gaat niet samen:",
        "run": "Doorrekening",
        "month": "Beginmaand",
        "weeks": "Weken",
        "replications": "Replicaties",
        "demand": "Vraag",
        "demand_factor": "Vraag (% van het jaar)",
        "channel_shift": "Kanaalsturing: %-punt van telefoon naar e-mail en formulieren",
        "counter": "Balie",
        "appointment_share": "Aandeel op afspraak (%)",
        "keep_year": "Aandeel op afspraak als het jaar",
        "desks": "Afspraakbalies (% van het jaar)",
        "staff": "Medewerkers",
        "broad_share": "Aandeel breed inzetbaar in het KCC (% van de uren)",
        "per_group": "Bezetting per groep (% van het jaar)",
        "rules": "Werkverdeling",
        "blend": "Baliemedewerkers nemen telefoon en e-mail als niemand wacht",
        "blend_year": "als het jaar",
        "blend_on": "ja",
        "blend_off": "nee",
        "policy": "Wie pakt het volgende contact",
        "policies": {
            "year": "als het jaar",
            "specialist_first": "eerst de specialist",
            "longest_idle": "wie het langst vrij is",
            "priority": "op prioriteit",
        },
        "reserve": "Collega's vrij houden voor bellers voor iemand e-mail pakt (−1 = als het jaar)",
        "phone_closing": "Telefoon bereikbaar tot",
        "save": "Bewaren",
        "whatif_title": "Naam van de wat-als",
        "default_title": "Wat-als",
        "who": "Wie",
        "why": "Waarom",
        "go": "Doorrekenen en bewaren",
        "progress": "Rekent: {done} van {total} replicaties (wat-als en basis)",
        "done": "Klaar",
        "not_run": "Deze wat-als kan niet worden doorgerekend:",
        "results": "Uitkomst: {title}",
        "baseline_title": "Basis {year}, {month}, {weeks} wk, {reps} rep",
        "baseline_why": "de basis van de wat-alsen: het jaar zonder knoppen",
        "saved": "Bewaard als {path}. Opnieuw afspelen: `{command}`",
        "norms": "Normen",
        "norms_note": "Groen: gehaald, rood: niet gehaald, oranje: onzeker (de norm ligt binnen "
        "het 95%-interval). De basis is hetzelfde jaar zonder wat-alsen en knoppen, met dezelfde "
        "toevalsgetallen; een verschil is zeker als zijn 95%-interval 0 niet bevat.",
        "met": "gehaald",
        "not met": "niet gehaald",
        "uncertain": "onzeker",
        "col_kpi": "KPI",
        "col_norm": "norm",
        "col_whatif": "wat-als",
        "col_status": "wat-als: norm",
        "col_baseline": "basis",
        "col_base_status": "basis: norm",
        "col_difference": "verschil (95%-interval)",
        "col_significant": "zeker verschil?",
        "yes": "ja",
        "no": "nee",
        "key_figures": "Kerncijfers (gemiddeld per replicatie)",
        "col_channel": "kanaal",
        "col_measure": "",
        "offered": "aangeboden",
        "served": "geholpen",
        "persona": "De reis van een persona",
        "persona_pick": "Persona",
        "replay": "Opnieuw afspelen en vergelijken",
        "replay_text": "Op de opdrachtregel (dezelfde tabellen), en de wat-als naast de basis:",
        "history": "Wat-alsen van deze sessie",
        "col_whatif_name": "wat-als",
        "col_file": "scenariobestand",
        "col_folder": "uitvoer",
    },
    "en": {
        "title": "What-if workshop",
        "lead": "Choose a road-map year and what-ifs, set the levers and run. Every what-if is "
        "saved as a scenario file that the command line replays with identical tables.",
        "year": "Road-map year",
        "whatifs": "What-ifs",
        "choose": "Choose what-ifs",
        "not_composed": "This year does not compose with these what-ifs:",
        "run": "Run",
        "month": "Start month",
        "weeks": "Weeks",
        "replications": "Replications",
        "demand": "Demand",
        "demand_factor": "Demand (% of the year)",
        "channel_shift": "Channel shift: points from phone to e-mail and forms",
        "counter": "Counter",
        "appointment_share": "Share by appointment (%)",
        "keep_year": "Share by appointment as the year",
        "desks": "Appointment desks (% of the year)",
        "staff": "Staff",
        "broad_share": "Multi-skilled share of the KCC (% of hours)",
        "per_group": "Headcount per group (% of the year)",
        "rules": "Work rules",
        "blend": "Counter staff take phone and e-mail when nobody waits",
        "blend_year": "as the year",
        "blend_on": "yes",
        "blend_off": "no",
        "policy": "Who takes the next contact",
        "policies": {
            "year": "as the year",
            "specialist_first": "the specialist first",
            "longest_idle": "who has been free longest",
            "priority": "by priority",
        },
        "reserve": "Colleagues kept free for callers before one takes e-mail (−1 = as the year)",
        "phone_closing": "Phone line open until",
        "save": "Save",
        "whatif_title": "Name of the what-if",
        "default_title": "What-if",
        "who": "Who",
        "why": "Why",
        "go": "Run and save",
        "progress": "Running: {done} of {total} replications (what-if and baseline)",
        "done": "Done",
        "not_run": "This what-if cannot be run:",
        "results": "Result: {title}",
        "baseline_title": "Baseline {year}, {month}, {weeks} wk, {reps} rep",
        "baseline_why": "the what-ifs' baseline: the year without levers",
        "saved": "Saved as {path}. Replay: `{command}`",
        "norms": "Norms",
        "norms_note": "Green: met, red: not met, amber: uncertain (the norm lies inside the 95% "
        "interval). The baseline is the same year without what-ifs and levers, with the same "
        "random numbers; a difference is real when its 95% interval excludes 0.",
        "met": "met",
        "not met": "not met",
        "uncertain": "uncertain",
        "col_kpi": "KPI",
        "col_norm": "norm",
        "col_whatif": "what-if",
        "col_status": "what-if: norm",
        "col_baseline": "baseline",
        "col_base_status": "baseline: norm",
        "col_difference": "difference (95% interval)",
        "col_significant": "a real difference?",
        "yes": "yes",
        "no": "no",
        "key_figures": "Key figures (mean per replication)",
        "col_channel": "channel",
        "col_measure": "",
        "offered": "offered",
        "served": "served",
        "persona": "A persona's journey",
        "persona_pick": "Persona",
        "replay": "Replay and compare",
        "replay_text": "On the command line (identical tables), and the what-if beside its "
        "baseline:",
        "history": "What-ifs of this session",
        "col_whatif_name": "what-if",
        "col_file": "scenario file",
        "col_folder": "output",
    },
}
for _language, _text in TEXT.items():
    _text["channels"] = CHANNEL_NAMES[_language]


def persona_sections(path: Path) -> dict[str, str]:
    """The timelines of ``personas.txt`` by persona name (``Sanne de Vries``), in order."""
    if not path.is_file():
        return {}
    sections: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.strip("\n").splitlines()
        if not lines:
            continue
        head = lines[0]
        # "Sanne de Vries (41) - renews ...": the name before the age or the story.
        name = head.split(" (")[0].split(" - ")[0].strip()
        sections[name] = block.strip("\n")
    return sections
