"""All figures of a run: the queue, shop, journey and year figures into ``figures/``.

Each family is drawn on its own: one that fails is logged with the reason and the others are
still drawn, because the run's tables are already safe on disk and a figure is never worth
losing them or the rest. The figure modules are imported only here, when figures are drawn, so
a run without figures never imports matplotlib.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from klantstroom.experiment import RunResult
from klantstroom.outputs import display_names
from klantstroom.scenario.spec import Scenario

log = logging.getLogger(__name__)


def draw_run_figures(result: RunResult, scenario: Scenario, folder: Path) -> None:
    """Draw every figure of ``result`` into ``folder`` (failures are logged, not raised).

    Parameters
    ----------
    result : RunResult
        The run's tables.
    scenario : Scenario
        The scenario that was run (names, norms, calendar, language).
    folder : Path
        The run's ``figures/`` folder.
    """
    language = scenario.report.language
    counter = scenario.counter
    names = display_names(scenario)  # services, groups, shops, departments by display name
    has_contacts = bool(len(result.contacts))

    def queue_figures() -> None:
        from klantstroom.report.figures import write_figures

        write_figures(
            result.contacts,
            result.intervals,
            folder,
            thresholds_min={c.name: c.service_level_threshold_min for c in scenario.channels},
            targets={c.name: c.service_level_target for c in scenario.channels},
            language=language,
            group_names=names["staff_groups"],
        )

    def shop_figures() -> None:
        from klantstroom.report.shop_figures import write_shop_figures

        write_shop_figures(
            result.contacts,
            result.intervals,
            folder,
            desks={shop.name: shop.desks for shop in scenario.shops},
            norms_min={
                "walk_in": counter.walk_in_wait_norm_min,
                "appointment": counter.appointment_wait_norm_min,
            },
            access_norm_working_days=counter.access_norm_working_days,
            start_weekday=scenario.calendar.start_date.weekday(),
            language=language,
            shop_names=names["shops"],
        )

    def journey_figures() -> None:
        from klantstroom.report.journey_figures import write_journey_figures

        write_journey_figures(
            result.contacts,
            result.tasks,
            result.journeys,
            result.backlog,
            folder,
            personas=[p.name for p in scenario.personas],
            replication=result.replications[0],
            language=language,
            service_names=names["services"],
            labels={
                "personas": {p.name: p.label for p in scenario.personas},
                "departments": names["departments"],
            },
        )

    def year_figures() -> None:
        from klantstroom.report.year_figures import write_year_figures

        write_year_figures(
            result.contacts,
            result.tasks,
            result.backlog,
            folder,
            start_date=scenario.calendar.start_date,
            horizon_days=scenario.run.horizon_days,
            holidays=scenario.calendar.holidays,
            access_norm_working_days=counter.access_norm_working_days,
            booking_horizon_days=counter.booking_horizon_days,
            language=language,
        )

    families: list[tuple[str, bool, Callable[[], None]]] = [
        ("figures", has_contacts, queue_figures),
        ("shop figures", has_contacts and bool(scenario.shops), shop_figures),
        ("journey figures", bool(len(result.journeys)), journey_figures),
        ("figures over the year", has_contacts, year_figures),
    ]
    for name, wanted, draw in families:
        if not wanted:
            continue
        try:
            draw()
        except Exception:  # the tables are already safe on disk; say what failed
            log.exception(
                "drawing the %s failed; the tables in %s are complete", name, folder.parent
            )
