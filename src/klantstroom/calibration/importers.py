"""Read real contact-centre logs into the normalised tables of :mod:`klantstroom.calibration.logs`.

Every reader returns ``(table, report)``: the table has exactly the columns and dtypes of
:data:`~klantstroom.calibration.logs.CALL_LOG_COLUMNS` or
:data:`~klantstroom.calibration.logs.COUNTER_LOG_COLUMNS`, and the
:class:`~klantstroom.calibration.logs.ImportReport` counts every data row that was read but not
kept, per reason, with example line numbers (1 = header). A reader never stops at a bad row:
``report.rows_read == report.rows_kept + sum(report.left_out.values())`` always holds. Only
file-level problems raise: a missing file (:class:`FileNotFoundError`), or a header without the
required columns (:class:`ValueError`). Physically blank lines are not rows and are not counted.
Files are read as UTF-8; undecodable bytes become U+FFFD, so such a row fails as a row, not the
whole file. A file whose name ends in ``.gz`` is decompressed while it is read (logs of a year
compress about fourfold); a damaged one is a :class:`ValueError`. Each row is counted under the
*first* reason that applies, in the order listed below.

Anonymous Bank (``"anonymous-bank"``)
-------------------------------------
The Technion "Anonymous Bank" call-centre log: tab-separated, no quoting, one header row with
(at least) the 17 fields ``vru+line call_id customer_id priority type date vru_entry vru_exit
vru_time q_start q_exit q_time outcome ser_start ser_exit ser_time server``, one call per line.
``date`` is ``YYMMDD`` (years 50-99 are 19YY, 00-49 are 20YY); the six times are ``h:mm:ss`` on
that date; ``vru_time``, ``q_time`` and ``ser_time`` are whole seconds; ``q_start`` is
``0:00:00`` for a call that never queued; ``server`` is ``NO_SERVER`` when no agent is recorded.

* A call *queued* when ``q_time > 0`` or ``q_start != 0:00:00``; it then arrives (joins the
  queue) at ``q_start``. A call answered without queueing arrives at ``vru_exit`` (wait 0).
* ``AGENT`` -> ``"served"``: answered = ``ser_start``, ended = ``ser_exit``, agent = ``server``,
  ``wait_s`` = answered - arrival, ``service_s`` = ended - answered.
* ``HANG`` of a queued call -> ``"abandoned"``: abandoned = ``q_exit``, ``wait_s`` = ``q_time``.
  The outcome field decides: service times recorded on a ``HANG`` row are ignored.
* ``caller_id`` = ``customer_id`` (NA when ``0``: anonymous), ``priority`` as given (0/1
  regular, 2 priority), ``service`` = ``type``, ``call_id`` = ``call_id``.

The agents' clock runs one or two seconds behind the voice-response/queue clock (in January 1999
``ser_start`` precedes ``vru_exit`` by 1 s in ~9,000 and by 2 s in ~1,000 unqueued calls, by
3 s or more in only a few dozen). An answer up to :data:`CLOCK_TOLERANCE_S` seconds *before* the
arrival is therefore taken as "answered on arrival": ``wait_s`` is clipped to 0 while
``answered`` keeps the recorded time (so ``answered`` may precede ``arrival`` by up to 2 s).

Rows left out, in order of precedence:

1. ``wrong number of fields`` — not as many tab-separated fields as the header.
2. ``unparseable time or number`` — a bad date, time, duration or priority.
3. ``unknown type code '<code>'`` — ``type`` outside PS, PE, IN, NE, NW, TT (one reason per code).
4. ``unknown outcome code '<code>'`` — ``outcome`` outside AGENT, HANG, PHANTOM.
5. ``phantom call (outcome PHANTOM)`` — the source says to ignore these.
6. ``hung up in the voice menu (never queued)`` — ``HANG`` of a call that never queued.
7. ``served without a service time`` — ``AGENT`` with ``ser_start`` 0:00:00 and ``ser_time`` 0.
8. ``served without an agent`` — ``AGENT`` with ``server`` ``NO_SERVER``.
9. ``over midnight`` — a later time of the call (in the order vru_entry, vru_exit, q_start,
   q_exit, ser_start, ser_exit; queue times only if queued, service times only if served) is
   more than 12 hours *earlier* than the one before it: the clock passed 0:00 while ``date``
   still names the day the call began.
10. ``negative duration`` — a negative ``vru_time``, ``q_time`` or ``ser_time`` (a clock error:
    the row's times cannot be trusted), an exit before its entry (``vru_exit < vru_entry``,
    ``q_exit < q_start``, ``ser_exit < ser_start``) that is not over midnight, or an answer more
    than :data:`CLOCK_TOLERANCE_S` seconds before the arrival.
11. ``duration disagrees with its times`` — ``vru_time``, ``q_time`` or ``ser_time`` differs from
    exit - entry by more than :data:`CLOCK_TOLERANCE_S` seconds.

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
import gzip
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from klantstroom.calibration.logs import (
    CALL_LOG_COLUMNS,
    CALL_LOG_DTYPES,
    COUNTER_LOG_COLUMNS,
    COUNTER_LOG_DTYPES,
    ImportReport,
)

LOG_FORMATS: tuple[str, ...] = ("anonymous-bank", "generic-phone", "generic-counter")

CLOCK_TOLERANCE_S = 2
"""Seconds by which times from different clocks of one Anonymous Bank call may disagree."""

MIDNIGHT_JUMP_S = 12 * 3600
"""A time this much earlier than the previous one of the same call means the clock wrapped."""

BANK_FIELDS: tuple[str, ...] = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)
BANK_TYPES = frozenset({"PS", "PE", "IN", "NE", "NW", "TT"})
BANK_OUTCOMES = frozenset({"AGENT", "HANG", "PHANTOM"})

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


UNPARSEABLE = "unparseable time or number"
WRONG_FIELDS = "wrong number of fields"
UNREADABLE = "unreadable CSV line"
NEGATIVE = "negative duration"

# Strict patterns: int() would also accept "1_000", " +5" or "٣", which no log means.
_CLOCK = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")
_INTEGER = re.compile(r"-?\d+")
_BANK_DATE = re.compile(r"(\d{2})(\d{2})(\d{2})")


def read_log(path: Path, log_format: str) -> tuple[pd.DataFrame, ImportReport]:
    """Read a log file in one of the supported formats.

    Parameters
    ----------
    path : Path
        The log file.
    log_format : str
        One of :data:`LOG_FORMATS`: ``"anonymous-bank"``, ``"generic-phone"`` or
        ``"generic-counter"`` (see the module docstring for each format).

    Returns
    -------
    table : pandas.DataFrame
        A call log (phone formats) or counter log, with the columns and dtypes of
        :mod:`klantstroom.calibration.logs`.
    report : ImportReport
        Rows read, kept, and left out per reason.

    Raises
    ------
    ValueError
        If ``log_format`` is unknown, or the file lacks required columns.
    FileNotFoundError
        If ``path`` does not exist.
    """
    readers: dict[str, Callable[[Path], tuple[pd.DataFrame, ImportReport]]] = {
        "anonymous-bank": read_anonymous_bank,
        "generic-phone": read_generic_phone,
        "generic-counter": read_generic_counter,
    }
    if log_format not in readers:
        raise ValueError(
            f"unknown log format {log_format!r}; allowed formats: {', '.join(LOG_FORMATS)}"
        )
    path = Path(path)
    try:
        return readers[log_format](path)
    except (gzip.BadGzipFile, EOFError) as error:  # only a .gz file is opened with gzip
        raise ValueError(f"{path}: not a readable gzip file ({error})") from error


# --- Anonymous Bank ------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Column-wise accumulation of kept rows (lists are far cheaper than per-row frames)."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, **row: Any) -> None:
        for name, value in row.items():
            self.values.setdefault(name, []).append(value)

    def get(self, name: str) -> list[Any]:
        return self.values.get(name, [])


def read_anonymous_bank(path: Path) -> tuple[pd.DataFrame, ImportReport]:
    """Read an Anonymous Bank call-centre log (tab-separated, see the module docstring).

    Parameters
    ----------
    path : Path
        The ``.tsv`` file, header on line 1.

    Returns
    -------
    table : pandas.DataFrame
        Call log with :data:`~klantstroom.calibration.logs.CALL_LOG_COLUMNS`, in file order.
    report : ImportReport
        Rows read, kept, and left out per reason (see the module docstring for the reasons).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is empty or its header lacks some of :data:`BANK_FIELDS`.
    """
    path = Path(path)
    _require_file(path)
    report = ImportReport(path=path, log_format="anonymous-bank")
    kept = _Columns()
    days: dict[str, datetime | None] = {}
    # The format has no quoting, so splitting on tabs is exact and cannot fail on odd bytes.
    with _open_text(path, encoding="utf-8", newline=None) as lines:
        header = next(lines, None)
        if header is None:
            raise ValueError(f"{path}: empty file, expected a header with {', '.join(BANK_FIELDS)}")
        names = [name.strip().lower() for name in header.rstrip("\n").split("\t")]
        _check_header(path, names, BANK_FIELDS)
        where = {name: names.index(name) for name in BANK_FIELDS}
        for line_number, line in enumerate(lines, start=2):
            text = line.rstrip("\n")
            if not text.strip():
                continue
            report.rows_read += 1
            fields = [value.strip() for value in text.split("\t")]
            if len(fields) != len(names):
                report.leave_out(WRONG_FIELDS, line_number)
                continue
            reason = _bank_row({name: fields[i] for name, i in where.items()}, days, kept)
            if reason is None:
                kept.add(source_row=line_number)
            else:
                report.leave_out(reason, line_number)
    report.rows_kept = len(kept.get("source_row"))
    return _bank_table(kept), report


def _bank_row(row: dict[str, str], days: dict[str, datetime | None], kept: _Columns) -> str | None:
    """Check one row; append it to ``kept`` (all but ``source_row``) or return why not."""
    try:
        day = _bank_day(row["date"], days)
        vru_entry, vru_exit, q_start, q_exit, ser_start, ser_exit = (
            _clock_s(row[name])
            for name in ("vru_entry", "vru_exit", "q_start", "q_exit", "ser_start", "ser_exit")
        )
        vru_time, q_time, ser_time, priority = (
            _integer(row[name]) for name in ("vru_time", "q_time", "ser_time", "priority")
        )
    except ValueError:
        return UNPARSEABLE
    service, outcome = row["type"], row["outcome"]
    if service not in BANK_TYPES:
        return f"unknown type code '{service}'"
    if outcome not in BANK_OUTCOMES:
        return f"unknown outcome code '{outcome}'"
    if outcome == "PHANTOM":
        return "phantom call (outcome PHANTOM)"
    queued = q_time > 0 or q_start != 0
    served = outcome == "AGENT"
    if not served and not queued:
        return "hung up in the voice menu (never queued)"
    if served and ser_start == 0 and ser_time == 0:
        return "served without a service time"
    if served and row["server"] == "NO_SERVER":
        return "served without an agent"

    # Only the times that describe this call take part: a HANG row may carry stray service times.
    spans = [(vru_entry, vru_exit, vru_time)]
    if queued:
        spans.append((q_start, q_exit, q_time))
    if served:
        spans.append((ser_start, ser_exit, ser_time))
    chain = [time for start, end, _ in spans for time in (start, end)]
    if any(later - earlier < -MIDNIGHT_JUMP_S for earlier, later in pairwise(chain)):
        return "over midnight"
    if any(duration < 0 or end < start for start, end, duration in spans):
        return NEGATIVE
    arrival = q_start if queued else vru_exit
    if served and ser_start - arrival < -CLOCK_TOLERANCE_S:
        return NEGATIVE
    if any(abs(end - start - duration) > CLOCK_TOLERANCE_S for start, end, duration in spans):
        return "duration disagrees with its times"

    customer = row["customer_id"]
    kept.add(
        call_id=row["call_id"],
        caller_id=None if customer in ("", "0") else customer,
        service=service,
        priority=priority,
        day=day,
        arrival=arrival,
        answered=ser_start if served else np.nan,
        abandoned=np.nan if served else q_exit,
        ended=ser_exit if served else np.nan,
        agent=row["server"] if served else None,
        outcome="served" if served else "abandoned",
        # Clipping: within the tolerance an early answer is the agents' clock running behind.
        wait_s=max(ser_start - arrival, 0) if served else q_time,
        service_s=ser_exit - ser_start if served else np.nan,
    )
    return None


def _bank_day(text: str, cache: dict[str, datetime | None]) -> datetime:
    """``YYMMDD`` as a day; a month has only ~31 distinct dates, so parse each once."""
    if text not in cache:
        match = _BANK_DATE.fullmatch(text)
        day = None
        if match:
            yy, mm, dd = (int(part) for part in match.groups())
            try:
                day = datetime(1900 + yy if yy >= 50 else 2000 + yy, mm, dd)
            except ValueError:
                day = None
        cache[text] = day
    day = cache[text]
    if day is None:
        raise ValueError(f"bad date {text!r}")
    return day


def _clock_s(text: str) -> int:
    """``h:mm:ss`` as seconds after midnight."""
    match = _CLOCK.fullmatch(text)
    if not match:
        raise ValueError(f"bad time {text!r}")
    hours, minutes, seconds = (int(part) for part in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"bad time {text!r}")
    return hours * 3600 + minutes * 60 + seconds


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ValueError(f"bad integer {text!r}")
    return int(text)


def _bank_table(kept: _Columns) -> pd.DataFrame:
    day = pd.to_datetime(np.asarray(kept.get("day"), dtype="datetime64[D]"))

    def stamp(name: str) -> pd.DatetimeIndex:
        seconds = np.asarray(kept.get(name), dtype=np.float64)
        return day + pd.to_timedelta(seconds, unit="s")

    columns: dict[str, Any] = {
        name: kept.get(name)
        for name in ("call_id", "caller_id", "service", "priority", "agent", "outcome")
    }
    columns.update({name: stamp(name) for name in ("arrival", "answered", "abandoned", "ended")})
    columns.update({name: kept.get(name) for name in ("wait_s", "service_s", "source_row")})
    return _table(columns, CALL_LOG_COLUMNS, CALL_LOG_DTYPES)


# --- Generic CSV formats -------------------------------------------------------------------------


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
    parse_row: Callable[[dict[str, str], _Columns], str | None],
    columns: Sequence[str],
    dtypes: dict[str, str],
) -> tuple[pd.DataFrame, ImportReport]:
    """Read a generic CSV row by row: ``parse_row`` keeps a row or names why it cannot."""
    report = ImportReport(path=path, log_format=log_format)
    kept = _Columns()
    for line_number, row in _csv_rows(path, fields, report):
        reason = parse_row(row, kept)
        if reason is None:
            kept.add(source_row=line_number)
        else:
            report.leave_out(reason, line_number)
    report.rows_kept = len(kept.get("source_row"))
    return _table(kept.values, columns, dtypes), report


def _phone_row(row: dict[str, str], kept: _Columns) -> str | None:
    if not (row["call_id"] and row["service"] and row["arrival"]):
        return "missing call_id, service or arrival"
    try:
        arrival = _iso(row["arrival"])
        answered, abandoned, ended = (
            _iso(row[name]) if row[name] else None for name in ("answered", "abandoned", "ended")
        )
        priority = _integer(row["priority"]) if row["priority"] else 0
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


def _counter_row(row: dict[str, str], kept: _Columns) -> str | None:
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
    _require_file(path)
    with _open_text(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except (StopIteration, csv.Error) as error:
            raise ValueError(
                f"{path}: no readable header; required columns: {', '.join(required)}"
            ) from error
        names = [name.strip().lower() for name in header]
        _check_header(path, names, required)
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


# --- Shared ------------------------------------------------------------------------------------


def _require_file(path: Path) -> None:
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise FileNotFoundError(f"log file {path} {what}")


def _open_text(path: Path, encoding: str, newline: str | None) -> IO[str]:
    """Open a log as text, decompressing it on the fly when its name ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding=encoding, errors="replace", newline=newline)
    return path.open(encoding=encoding, errors="replace", newline=newline)


def _check_header(path: Path, names: Sequence[str], required: Sequence[str]) -> None:
    missing = [name for name in required if name not in names]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"required columns: {', '.join(required)}"
        )


def _table(columns: dict[str, Any], order: Sequence[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """The contract's columns, in order, with exact dtypes (also when no row was kept)."""
    return pd.DataFrame(
        {name: pd.Series(columns.get(name, []), dtype=dtypes[name]) for name in order}
    )
