"""From event logs to tables: one row per contact and one row per staff spell.

Codes in the event log become named categories, times get calendar timestamps, and the derived
durations are computed once here (their definitions are in ``docs/data-products.md``):

* ``wait_min`` — served: service start minus the moment the contact was ready (its arrival, or for
  an appointment visitor the later of arrival and slot time: coming early is not waiting);
  abandoned: time of abandoning minus arrival; unserved: horizon (or the moment it was turned
  away) minus arrival; balked: 0; no-show: empty.
* ``service_min`` — service end minus start (served only); ``wrapup_min`` — after-contact work.

Contacts that arrived during the warm-up are left out, and so are appointments booked for after
the horizon; staff spells are kept whole (their times
may be negative) so that availability can be clipped to any window later.

Back-office tasks are rows of the same event log (``origin`` = task): :func:`tasks_table` gives
them a table of their own, and :func:`journeys_table` folds contacts and tasks into one row per
journey (a matter of a citizen, from its first contact until it is resolved or given up).
"""

from klantstroom.tables.backlog import BACKLOG_TABLE_COLUMNS, backlog_table
from klantstroom.tables.contacts import (
    CONTACT_TABLE_COLUMNS,
    TASK_TABLE_COLUMNS,
    contacts_table,
    tasks_table,
)
from klantstroom.tables.journeys import JOURNEY_TABLE_COLUMNS, REPEAT_ORIGINS, journeys_table
from klantstroom.tables.staff import spans_table, staff_table

__all__ = [
    "BACKLOG_TABLE_COLUMNS",
    "CONTACT_TABLE_COLUMNS",
    "JOURNEY_TABLE_COLUMNS",
    "REPEAT_ORIGINS",
    "TASK_TABLE_COLUMNS",
    "backlog_table",
    "contacts_table",
    "journeys_table",
    "spans_table",
    "staff_table",
    "tasks_table",
]
