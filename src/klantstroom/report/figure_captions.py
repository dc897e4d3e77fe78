"""What each figure of a run shows and how to read it: its section, title and caption.

``report.html`` shows the figures of ``figures/`` in sections with a heading, a title and a
caption per figure (also its alt text), in the report's language. One table for both
languages, so a figure added to the run has its words in one place; a figure not listed here is
still shown, under "Other figures" with its file name.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS: dict[str, dict[str, str]] = {
    "queues": {"en": "Waiting and service level", "nl": "Wachten en servicelevel"},
    "staff": {"en": "Staff over the day", "nl": "Medewerkers over de dag"},
    "shops": {"en": "City shops", "nl": "Stadswinkels"},
    "journeys": {"en": "Journeys and back office", "nl": "Klantreizen en backoffice"},
    "year": {"en": "Over the year", "nl": "Over het jaar"},
    "other": {"en": "Other figures", "nl": "Andere figuren"},
}


@dataclass(frozen=True)
class Caption:
    """A figure's section, and its title and caption per language."""

    section: str
    title: dict[str, str]
    caption: dict[str, str]


def _c(section: str, en: tuple[str, str], nl: tuple[str, str]) -> Caption:
    return Caption(section, {"en": en[0], "nl": nl[0]}, {"en": en[1], "nl": nl[1]})


CAPTIONS: dict[str, Caption] = {
    "wait_distribution": _c(
        "queues",
        (
            "How long contacts waited",
            "Per channel the share of contacts that waited at most the time on the x axis, for "
            "those served and those who gave up; the dashed line is the channel's norm. The "
            "served curve at the norm is the service level: the higher and further left, the "
            "better.",
        ),
        (
            "Hoe lang contacten wachtten",
            "Per kanaal het aandeel contacten dat hoogstens de tijd op de x-as wachtte, voor wie "
            "geholpen werd en wie afhaakte; de stippellijn is de norm van het kanaal. De curve "
            "van geholpen contacten bij de norm is het servicelevel: hoe hoger en verder naar "
            "links, hoe beter.",
        ),
    ),
    "service_level_by_interval": _c(
        "queues",
        (
            "Service level by time of day",
            "Per channel the share served within the norm in each interval of the day, the "
            "mean over the replications (band: lowest to highest); the horizontal line is the "
            "target. Where the line dips under it, staff are short at that time of day.",
        ),
        (
            "Servicelevel over de dag",
            "Per kanaal het aandeel binnen de norm geholpen in elk interval van de dag, "
            "gemiddeld over de replicaties (band: laagste tot hoogste); de horizontale lijn is "
            "het doel. Waar de lijn eronder zakt, is er op dat moment te weinig personeel.",
        ),
    ),
    "queue_length_by_interval": _c(
        "queues",
        (
            "Queue length by time of day",
            "Per channel the mean number of contacts waiting in each interval of the day (band: "
            "lowest to highest replication). Peaks show when citizens pile up.",
        ),
        (
            "Wachtrij over de dag",
            "Per kanaal het gemiddelde aantal wachtende contacten in elk interval van de dag "
            "(band: laagste tot hoogste replicatie). Pieken laten zien wanneer burgers zich "
            "ophopen.",
        ),
    ),
    "occupancy_by_interval": _c(
        "staff",
        (
            "Occupancy and staff on duty by time of day",
            "For the six largest staff groups (by hours on duty; all groups are in summary.csv) "
            "their occupancy (busy time over time on duty) and beside it the staff on duty "
            "(bars) and busy (line), per interval of the day. Occupancy near 100% means no "
            "slack: waits grow quickly when demand rises.",
        ),
        (
            "Bezettingsgraad en aanwezige medewerkers over de dag",
            "Voor de zes grootste medewerkersgroepen (naar uren aanwezig; alle groepen staan in "
            "summary.csv) de bezettingsgraad (tijd bezig gedeeld door tijd aanwezig) en ernaast "
            "de aanwezigen (staven) en wie bezig is (lijn), per interval van de dag. Een "
            "bezetting bij 100% laat geen ruimte: wachttijden lopen snel op als de vraag stijgt.",
        ),
    ),
    "shop_wait_by_hour": _c(
        "shops",
        (
            "Waits at the counters by hour",
            "Per city shop the mean wait of served walk-ins and of visitors with an "
            "appointment by hour of arrival, against their norms.",
        ),
        (
            "Wachttijd aan de balie per uur",
            "Per stadswinkel de gemiddelde wachttijd van geholpen vrije inloop en van bezoekers "
            "op afspraak per uur van aankomst, tegen hun normen.",
        ),
    ),
    "access_time": _c(
        "shops",
        (
            "Days until an appointment",
            "How many working days citizens wait for the first free appointment, per shop with "
            "an appointment book, against the access norm.",
        ),
        (
            "Dagen tot een afspraak",
            "Hoeveel werkdagen burgers wachten op de eerste vrije afspraak, per stadswinkel met "
            "een afsprakenagenda, tegen de toegangsnorm.",
        ),
    ),
    "desk_occupancy": _c(
        "shops",
        (
            "Desks in use",
            "Per city shop the share of its desks in use by weekday and hour of the day: where "
            "it is near 100%, more staff cannot help, more desks can.",
        ),
        (
            "Bezette balies",
            "Per stadswinkel het aandeel bezette balies per weekdag en uur van de dag: waar het "
            "bij 100% ligt, helpt meer personeel niet, meer balies wel.",
        ),
    ),
    "backlog": _c(
        "journeys",
        (
            "Open work at the end of each day",
            "Per queue of deferred work (e-mail, each department) the items open at the end of "
            "each day (top) and those past their due time (bottom); band: lowest to highest "
            "replication. A rising line is a backlog that is not being worked off.",
        ),
        (
            "Openstaand werk aan het eind van elke dag",
            "Per wachtrij van uitgesteld werk (e-mail, elke afdeling) het werk dat aan het eind "
            "van elke dag openstaat (boven) en wat over de termijn is (onder); band: laagste tot "
            "hoogste replicatie. Een stijgende lijn is een werkvoorraad die niet wordt "
            "weggewerkt.",
        ),
    ),
    "journey_lead_time": _c(
        "journeys",
        (
            "Lead time of resolved journeys",
            "Per service the time from a citizen's first contact to the matter resolved (box: "
            "middle half, whiskers: 5th to 95th percentile), against the service's norm.",
        ),
        (
            "Doorlooptijd van opgeloste klantreizen",
            "Per dienst de tijd van het eerste contact van een burger tot de zaak is opgelost "
            "(doos: middelste helft, snorren: 5e tot 95e percentiel), tegen de norm van de "
            "dienst.",
        ),
    ),
    "journey_flow": _c(
        "journeys",
        (
            "How journeys move and end",
            "Each column is a step of a citizen's journey (channel or back-office task), the "
            "last how it ended; the bands' widths are the numbers of journeys.",
        ),
        (
            "Hoe klantreizen verlopen en eindigen",
            "Elke kolom is een stap van de klantreis (kanaal of backofficetaak), de laatste hoe "
            "hij eindigde; de breedte van de banden is het aantal klantreizen.",
        ),
    ),
    "persona_journeys": _c(
        "journeys",
        (
            "The personas' journeys",
            "Each persona's contacts and back-office tasks on a time line (replication 0): "
            "waiting, being served, waiting for the back office.",
        ),
        (
            "De klantreizen van de persona's",
            "De contacten en backofficetaken van elke persona op een tijdlijn (replicatie 0): "
            "wachten, geholpen worden, wachten op de backoffice.",
        ),
    ),
    "access_by_week": _c(
        "year",
        (
            "Access time week by week",
            "Per city shop the mean days until an appointment by week of request over the run, "
            "against the access norm.",
        ),
        (
            "Toegangstijd per week",
            "Per stadswinkel de gemiddelde dagen tot een afspraak per week van aanvraag over de "
            "run, tegen de toegangsnorm.",
        ),
    ),
    "back_office_by_week": _c(
        "year",
        (
            "Back office week by week",
            "Per department the work in progress per day (top) and the lead time of tasks per "
            "week (bottom) over the run.",
        ),
        (
            "Backoffice per week",
            "Per afdeling het onderhanden werk per dag (boven) en de doorlooptijd van taken per "
            "week (onder) over de run.",
        ),
    ),
    "failure_demand_by_week": _c(
        "year",
        (
            "Failure demand week by week",
            "Chases (citizens asking where their matter is) per week per channel (top) and as a "
            "share of the contact centre's inbound contacts (bottom), whole weeks only.",
        ),
        (
            "Faalvraag per week",
            "Navragen (burgers die vragen waar hun zaak blijft) per week per kanaal (boven) en "
            "als aandeel van de inkomende contacten van het KCC (onder), alleen hele weken.",
        ),
    ),
}


def figure_sections(
    names: list[str], language: str
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The figures ``names`` (file stems) grouped into sections, in the catalogue's order.

    Returns (section heading, [(file stem, title, caption)]) per section that has a figure; a
    figure the catalogue does not know goes under "Other figures", titled with its file name.
    """
    order: dict[str, list[tuple[str, str, str]]] = {section: [] for section in SECTIONS}
    known = [name for name in CAPTIONS if name in names]
    for name in known:
        caption = CAPTIONS[name]
        order[caption.section].append((name, caption.title[language], caption.caption[language]))
    for name in sorted(set(names) - set(known)):
        order["other"].append((name, name.replace("_", " "), ""))
    return [(SECTIONS[key][language], figures) for key, figures in order.items() if figures]
