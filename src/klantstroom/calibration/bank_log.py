"""Read the Technion "Anonymous Bank" call-centre log (format ``"anonymous-bank"``).

The conventions every importer keeps (the table, the import report, gzip, blank lines) are in
:mod:`klantstroom.calibration.importers`.

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

"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from klantstroom.calibration.log_files import (
    NEGATIVE,
    UNPARSEABLE,
    WRONG_FIELDS,
    KeptRows,
    check_header,
    contract_table,
    integer,
    open_text,
    require_file,
)
from klantstroom.calibration.logs import CALL_LOG_COLUMNS, CALL_LOG_DTYPES, ImportReport

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

# Strict patterns: only the digits the format writes (no "1_000", " +5" or "٣").
_CLOCK = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")
_BANK_DATE = re.compile(r"(\d{2})(\d{2})(\d{2})")


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
    require_file(path)
    report = ImportReport(path=path, log_format="anonymous-bank")
    kept = KeptRows()
    days: dict[str, datetime | None] = {}
    # The format has no quoting, so splitting on tabs is exact and cannot fail on odd bytes.
    with open_text(path, encoding="utf-8", newline=None) as lines:
        header = next(lines, None)
        if header is None:
            raise ValueError(f"{path}: empty file, expected a header with {', '.join(BANK_FIELDS)}")
        names = [name.strip().lower() for name in header.rstrip("\n").split("\t")]
        check_header(path, names, BANK_FIELDS)
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


def _bank_row(row: dict[str, str], days: dict[str, datetime | None], kept: KeptRows) -> str | None:
    """Check one row; append it to ``kept`` (all but ``source_row``) or return why not."""
    try:
        day = _bank_day(row["date"], days)
        vru_entry, vru_exit, q_start, q_exit, ser_start, ser_exit = (
            _clock_s(row[name])
            for name in ("vru_entry", "vru_exit", "q_start", "q_exit", "ser_start", "ser_exit")
        )
        vru_time, q_time, ser_time, priority = (
            integer(row[name]) for name in ("vru_time", "q_time", "ser_time", "priority")
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


def _bank_table(kept: KeptRows) -> pd.DataFrame:
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
    return contract_table(columns, CALL_LOG_COLUMNS, CALL_LOG_DTYPES)
