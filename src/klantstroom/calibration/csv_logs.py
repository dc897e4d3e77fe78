"""Read the generic CSV logs: a phone log (``"generic-phone"``) and a counter log of queue
tickets and appointment visits (``"generic-counter"``).

The conventions every importer keeps (the table, the import report, gzip, blank lines) are in
:mod:`klantstroom.calibration.importers`.

Generic phone CSV (``"generic-phone"``)
---------------------------------------
Comma-separated, UTF-8 (a byte-order mark is allowed), standard CSV quoting, one header row.
Header names are matched after trimming spaces and lower-casing; extra columns are ignored; the
order is free. Required columns, one call that reached the queue per row:

=========== ==================================================================================
call_id     identifier (required)
caller_id   the same caller across calls; may be empty (NA)
service     call type / service (required)
priority    integer >= 0, higher is served first; empty means 0
arrival     ISO 8601 date and time the call joined the queue (required)
answered    ISO 8601 date and time an agent answered, or empty
abandoned   ISO 8601 date and time the caller hung up while queued, or empty
ended       ISO 8601 end of service (required for an answered call; ignored if abandoned)
agent       who served the call; may be empty (NA; ignored if abandoned)
=========== ==================================================================================

Times are local wall-clock times (``2024-03-04T09:15:00``, ``2024-03-04 09:15:00.250``); a UTC
offset, if present, is dropped and the wall-clock time kept as written. Exactly one of
``answered`` and ``abandoned`` is set: answered -> ``"served"``, ``wait_s`` = answered - arrival;
abandoned -> ``"abandoned"``, ``wait_s`` = abandoned - arrival. Rows left out:
``wrong number of fields``, ``unreadable CSV line``, ``missing call_id, service or arrival``,
``unparseable time or number``, ``answered and abandoned both set``,
``neither answered nor abandoned set``, ``served without an end time``, ``negative duration``
(answered < arrival, ended < answered or abandoned < arrival).

Generic counter CSV (``"generic-counter"``)
-------------------------------------------
Same CSV conventions; one ticket or appointment visit per row:

=========== ==================================================================================
ticket_id   identifier (required)
shop        location; may be empty (NA)
service     service (required)
appointment ``true``/``1``/``yes``/``y``/``appointment``/``afspraak`` for an appointment,
            ``false``/``0``/``no``/``n``/``walk-in``/``walkin``/``walk in``/``inloop`` for a
            walk-in (case and surrounding spaces ignored; required)
arrival     ISO 8601 date and time the ticket was drawn (required)
called      ISO 8601 time the visitor was called to a desk, or empty (never called)
finished    ISO 8601 end of service; for a ticket never called, the time it was closed (if any)
desk        desk that served; may be empty (NA; ignored if never called)
=========== ==================================================================================

``called`` and ``finished`` set -> ``"served"``: ``wait_s`` = called - arrival, ``service_s`` =
finished - called. ``called`` empty -> ``"left"``: ``wait_s`` = finished - arrival when the
ticket's closing time is given, else NaN (unknown); ``finished`` is NaT in the table. Rows left
out: ``wrong number of fields``, ``unreadable CSV line``,
``missing ticket_id, service or arrival``, ``unknown appointment value '<value>'``,
``unparseable time or number``, ``called but never finished``, ``negative duration`` (called <
arrival, finished < called, or a closing time before the arrival).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from klantstroom.calibration.log_files import (
    NEGATIVE,
    UNPARSEABLE,
    UNREADABLE,
    WRONG_FIELDS,
    KeptRows,
    check_header,
    contract_table,
    integer,
    open_text,
    require_file,
)
from klantstroom.calibration.logs import (
    CALL_LOG_COLUMNS,
    CALL_LOG_DTYPES,
    COUNTER_LOG_COLUMNS,
    COUNTER_LOG_DTYPES,
    ImportReport,
)

GENERIC_PHONE_FIELDS: tuple[str, ...] = (
    "call_id",
    "caller_id",
    "service",
    "priority",
    "arrival",
    "answered",
    "abandoned",
    "ended",
    "agent",
)
GENERIC_COUNTER_FIELDS: tuple[str, ...] = (
    "ticket_id",
    "shop",
    "service",
    "appointment",
    "arrival",
    "called",
    "finished",
    "desk",
)
APPOINTMENT_VALUES: dict[str, bool] = {
    **dict.fromkeys(("true", "1", "yes", "y", "appointment", "afspraak"), True),
    **dict.fromkeys(("false", "0", "no", "n", "walk-in", "walkin", "walk in", "inloop"), False),
}


def read_generic_phone(path: Path) -> tuple[pd.DataFrame, ImportReport]:
    """Read a generic phone log (CSV, see the module docstring).

    Parameters
    ----------
    path : Path
        The CSV file, header on line 1 with the columns :data:`GENERIC_PHONE_FIELDS`.

    Returns
    -------
    table : pandas.DataFrame
        Call log with :data:`~klantstroom.calibration.logs.CALL_LOG_COLUMNS`, in file order.
    report : ImportReport
        Rows read, kept, and left out per reason.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the header lacks some of :data:`GENERIC_PHONE_FIELDS` (all are named).
    """
    return _read_generic(
        Path(path),
        "generic-phone",
        GENERIC_PHONE_FIELDS,
        _phone_row,
        CALL_LOG_COLUMNS,
        CALL_LOG_DTYPES,
    )


def _read_generic(
    path: Path,
    log_format: str,
    fields: Sequence[str],
    parse_row: Callable[[dict[str, str], KeptRows], str | None],
    columns: Sequence[str],
    dtypes: dict[str, str],
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a generic CSV row by row: ``parse_row`` keeps a row or names why it cannot."""
    report = ImportReport(path=path, log_format=log_format)
    kept = KeptRows()
    for line_number, row in _csv_rows(path, fields, report):
        reason = parse_row(row, kept)
        if reason is None:
            kept.add(source_row=line_number)
        else:
            report.leave_out(reason, line_number)
    report.rows_kept = len(kept.get("source_row"))
    return contract_table(kept.values, columns, dtypes), report


def _phone_row(row: dict[str, str], kept: KeptRows) -> str | None:
    if not (row["call_id"] and row["service"] and row["arrival"]):
        return "missing call_id, service or arrival"
    try:
        arrival = _iso(row["arrival"])
        answered, abandoned, ended = (
            _iso(row[name]) if row[name] else None for name in ("answered", "abandoned", "ended")
        )
        priority = integer(row["priority"]) if row["priority"] else 0
    except ValueError:
        return UNPARSEABLE
    if priority < 0:
        return UNPARSEABLE
    if answered is not None and abandoned is not None:
        return "answered and abandoned both set"
    if answered is None and abandoned is None:
        return "neither answered nor abandoned set"
    if answered is not None:
        if ended is None:
            return "served without an end time"
        if answered < arrival or ended < answered:
            return NEGATIVE
        kept.add(
            answered=answered,
            abandoned=None,
            ended=ended,
            agent=row["agent"] or None,
            outcome="served",
            wait_s=(answered - arrival).total_seconds(),
            service_s=(ended - answered).total_seconds(),
        )
    else:
        assert abandoned is not None  # exactly one of the two is set (checked above)
        if abandoned < arrival:
            return NEGATIVE
        kept.add(
            answered=None,
            abandoned=abandoned,
            ended=None,
            agent=None,
            outcome="abandoned",
            wait_s=(abandoned - arrival).total_seconds(),
            service_s=np.nan,
        )
    kept.add(
        call_id=row["call_id"],
        caller_id=row["caller_id"] or None,
        service=row["service"],
        priority=priority,
        arrival=arrival,
    )
    return None


def read_generic_counter(path: Path) -> tuple[pd.DataFrame, ImportReport]:
    """Read a generic counter (queue-ticket system) log (CSV, see the module docstring).

    Parameters
    ----------
    path : Path
        The CSV file, header on line 1 with the columns :data:`GENERIC_COUNTER_FIELDS`.

    Returns
    -------
    table : pandas.DataFrame
        Counter log with :data:`~klantstroom.calibration.logs.COUNTER_LOG_COLUMNS`, in file
        order.
    report : ImportReport
        Rows read, kept, and left out per reason.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the header lacks some of :data:`GENERIC_COUNTER_FIELDS` (all are named).
    """
    return _read_generic(
        Path(path),
        "generic-counter",
        GENERIC_COUNTER_FIELDS,
        _counter_row,
        COUNTER_LOG_COLUMNS,
        COUNTER_LOG_DTYPES,
    )


def _counter_row(row: dict[str, str], kept: KeptRows) -> str | None:
    if not (row["ticket_id"] and row["service"] and row["arrival"]):
        return "missing ticket_id, service or arrival"
    appointment = APPOINTMENT_VALUES.get(row["appointment"].lower())
    if appointment is None:
        return f"unknown appointment value '{row['appointment']}'"
    try:
        arrival = _iso(row["arrival"])
        called, finished = (
            _iso(row[name]) if row[name] else None for name in ("called", "finished")
        )
    except ValueError:
        return UNPARSEABLE
    if called is not None:
        if finished is None:
            return "called but never finished"
        if called < arrival or finished < called:
            return NEGATIVE
        kept.add(
            called=called,
            finished=finished,
            desk=row["desk"] or None,
            outcome="served",
            wait_s=(called - arrival).total_seconds(),
            service_s=(finished - called).total_seconds(),
        )
    else:
        # Never called: ``finished`` (if given) is when the ticket was closed, not a service end.
        if finished is not None and finished < arrival:
            return NEGATIVE
        kept.add(
            called=None,
            finished=None,
            desk=None,
            outcome="left",
            wait_s=np.nan if finished is None else (finished - arrival).total_seconds(),
            service_s=np.nan,
        )
    kept.add(
        ticket_id=row["ticket_id"],
        shop=row["shop"] or None,
        service=row["service"],
        appointment=appointment,
        arrival=arrival,
    )
    return None


def _csv_rows(
    path: Path, required: Sequence[str], report: ImportReport
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(first line number, trimmed values by column)`` of each well-formed CSV record.

    Counts every non-blank record in ``report.rows_read`` and leaves out records with the wrong
    number of fields or that the csv module cannot parse (e.g. an over-long field).
    """
    require_file(path)
    with open_text(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except (StopIteration, csv.Error) as error:
            raise ValueError(
                f"{path}: no readable header; required columns: {', '.join(required)}"
            ) from error
        names = [name.strip().lower() for name in header]
        check_header(path, names, required)
        where = {name: names.index(name) for name in required}
        last_line = reader.line_num
        while True:
            first_line = last_line + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # The reader resynchronises at the next line, so one bad line costs one row.
                report.rows_read += 1
                report.leave_out(UNREADABLE, first_line)
                last_line = reader.line_num
                continue
            last_line = reader.line_num
            if not "".join(record).strip() and len(record) <= 1:
                continue
            report.rows_read += 1
            if len(record) != len(names):
                report.leave_out(WRONG_FIELDS, first_line)
                continue
            yield first_line, {name: record[i].strip() for name, i in where.items()}


def _iso(text: str) -> datetime:
    """An ISO 8601 date *and time*, as naive local wall-clock time (any UTC offset dropped)."""
    if len(text) <= len("YYYY-MM-DD"):
        raise ValueError(f"no time of day in {text!r}")
    return datetime.fromisoformat(text).replace(tzinfo=None)
