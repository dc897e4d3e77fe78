"""The section "Appointment access over the year" of a run's ``report.html``.

It shows ``figures/access_by_week.png`` and says per shop in which week the mean access time
first exceeded the norm, in which week it was back within the norm, and the worst week, or
that the norm held in every week. Everything is computed from ``contacts.parquet`` and the
run's own configuration (``.hydra/config.yaml``: calendar, norm and booking horizon), like
the figure, with :mod:`klantstroom.analysis.weekly`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from klantstroom.analysis.weekly import (
    ALL_SHOPS,
    norm_lost_and_regained,
    weekly_access,
)
from klantstroom.config.yaml_text import safe_load
from klantstroom.report import html
from klantstroom.report.figure_captions import CAPTIONS
from klantstroom.report.headline import decimal
from klantstroom.results import RunOutput

ACCESS_FIGURE = "access_by_week.png"  # shown in this section, not among the other figures
_COLUMNS = [
    "replication",
    "shop",
    "appointment",
    "slot_min",
    "access_days",
    "outcome",
    "arrival_min",
]
# Defaults of the config schema, for a folder without .hydra/config.yaml.
_DEFAULT_NORM_WORKING_DAYS = 5
_DEFAULT_BOOKING_HORIZON_DAYS = 42

_TEXT = {
    "en": {
        "title": "Appointment access over the year",
        "lead": "Mean access time (working days from the booking request to the appointment) "
        "per week in which citizens asked for an appointment, against the norm of {norm} "
        "working days. The request week is found by going back the access time from the "
        "appointment's day; a request on a weekend or holiday counts on the working day before.",
        "held": "The mean access time stayed within the norm in every week that can be judged.",
        "none": "No week can be judged: in every week some bookings would fall after the end "
        "of the run (booking horizon {horizon} days).",
        "judged": "Weeks judged: those whose bookings all fall inside the run, up to the week "
        "of {last}.",
        "shop": "shop",
        "lost": "norm lost (week of)",
        "regained": "within norm again (week of)",
        "peak": "worst week",
        "peak_value": "mean access then (working days)",
        "never": "not in the run",
        "kept": "–",
        "all": "all shops",
        "week": "{date:%d %b %Y} (week {iso})",
    },
    "nl": {
        "title": "Toegang tot afspraken over het jaar",
        "lead": "Gemiddelde toegangstijd (werkdagen van aanvraag tot afspraak) per week waarin "
        "burgers een afspraak aanvroegen, tegen de norm van {norm} werkdagen. De week van "
        "aanvraag volgt uit de dag van de afspraak min de toegangstijd; een aanvraag in het "
        "weekend of op een feestdag telt op de werkdag ervoor.",
        "held": "De gemiddelde toegangstijd bleef in elke week die te beoordelen is binnen de "
        "norm.",
        "none": "Geen week is te beoordelen: in elke week zouden sommige afspraken na het eind "
        "van de run vallen (boekingshorizon {horizon} dagen).",
        "judged": "Beoordeelde weken: die waarvan alle afspraken binnen de run vallen, tot en "
        "met de week van {last}.",
        "shop": "stadswinkel",
        "lost": "norm verloren (week van)",
        "regained": "weer binnen norm (week van)",
        "peak": "slechtste week",
        "peak_value": "gemiddelde toegangstijd toen (werkdagen)",
        "never": "niet in de run",
        "kept": "–",
        "all": "alle stadswinkels",
        "week": "{date:%d-%m-%Y} (week {iso})",
    },
}


def _config(folder: Path) -> dict[str, Any]:
    """The run's composed configuration, or an empty dict without ``.hydra/config.yaml``."""
    path = folder / ".hydra" / "config.yaml"
    if not path.is_file():
        return {}
    loaded = safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _week(value: object, t: dict[str, str]) -> str:
    """A week as its Monday's date and ISO week number."""
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return t["week"].format(date=stamp, iso=stamp.isocalendar().week)


def _row(r: dict[Any, Any], t: dict[str, str], shops: dict[str, str], language: str) -> list[str]:
    """One shop's row of the table: lost, regained, worst week and its mean access time."""
    lost, regained = r["lost_week"], r["regained_week"]
    if pd.isna(lost):
        lost_text, regained_text = t["kept"], ""
    else:
        lost_text = _week(lost, t)
        regained_text = t["never"] if pd.isna(regained) else _week(regained, t)
    shop = str(r["shop"])
    return [
        t["all"] if shop == ALL_SHOPS else shops.get(shop, shop),
        lost_text,
        regained_text,
        _week(r["peak_week"], t),
        decimal(float(r["peak_working_days"]), 1, language),
    ]


def access_section(run: RunOutput, language: str = "en") -> list[str]:
    """Return the HTML of the access section, or nothing when the run has no access figure.

    Parameters
    ----------
    run : RunOutput
        The run (its folder holds the tables, ``figures/`` and ``.hydra/``).
    language : {"en", "nl"}, optional
        Language of the text.

    Returns
    -------
    list of str
        One section (heading, lead, figure, the table or a sentence), or an empty list when
        ``figures/access_by_week.png`` was not drawn (no appointments, a run shorter than a
        week, figures off).
    """
    figure = run.folder / "figures" / ACCESS_FIGURE
    if not figure.is_file():
        return []
    t = _TEXT[language]
    config = _config(run.folder)
    calendar = config.get("calendar") or {}
    counter = config.get("counter") or {}
    norm = float(counter.get("access_norm_working_days", _DEFAULT_NORM_WORKING_DAYS))
    horizon = float(counter.get("booking_horizon_days", _DEFAULT_BOOKING_HORIZON_DAYS))
    contacts = pd.read_parquet(run.folder / "contacts.parquet", columns=_COLUMNS)
    weekly = weekly_access(
        contacts,
        start_date=calendar.get("start_date") or run.info["start_date"],
        horizon_days=float(run.info.get("horizon_days", 0.0)),
        norm_working_days=norm,
        holidays=calendar.get("holidays") or [],
        booking_horizon_days=horizon,
    )
    weeks = norm_lost_and_regained(weekly, norm)
    shops = run.labels("shops")
    blocks = [
        html.paragraph(
            t["lead"].format(norm=decimal(norm, 0 if norm.is_integer() else 1, language))
        ),
        html.figure_block(
            html.file_img(figure, CAPTIONS["access_by_week"].title[language]),
            CAPTIONS["access_by_week"].caption[language],
        ),
    ]
    if weeks.empty:
        blocks.append(html.paragraph(t["none"].format(horizon=f"{horizon:g}")))
    elif weeks["lost_week"].isna().all():
        blocks.append(html.paragraph(t["held"]))
    else:
        judged = weekly.loc[weekly["complete"].astype(bool), "week"]
        blocks.append(html.paragraph(t["judged"].format(last=_week(judged.max(), t))))
        blocks.append(
            html.table(
                [t["shop"], t["lost"], t["regained"], t["peak"], t["peak_value"]],
                [_row(r, t, shops, language) for r in weeks.to_dict("records")],
            )
        )
    return [html.section("access-over-the-year", t["title"], blocks)]
