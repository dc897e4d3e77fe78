"""The normalised tables every importer produces, and the report of rows it could not use.

A *call log* has one row per call that reached the queue (after any voice-response menu):

=============  =================  =============================================================
column         dtype              meaning
=============  =================  =============================================================
call_id        string             identifier from the source
caller_id      string (nullable)  the same caller across calls (redials); NA when unknown
service        string             call type / service
priority       int64              0 = regular; a higher number is served first
arrival        datetime64[ns]     when the call joined the queue
answered       datetime64[ns]     when an agent answered; NaT if not answered
abandoned      datetime64[ns]     when the caller hung up while queued; NaT otherwise
ended          datetime64[ns]     end of service; NaT if not served
agent          string (nullable)  who served the call; NA if not served
outcome        string             "served" or "abandoned"
wait_s         float64            seconds in the queue (until answered or abandoned)
service_s      float64            seconds of service (NaN if not served)
source_row     int64              line number in the source file (1 = header)
=============  =================  =============================================================

A *counter log* has one row per ticket or appointment visit:

=============  =================  =============================================================
column         dtype              meaning
=============  =================  =============================================================
ticket_id      string             identifier from the source
shop           string (nullable)  location
service        string             service
appointment    boolean            True for an appointment, False for walk-in
arrival        datetime64[ns]     ticket drawn / arrival at the desk area
called         datetime64[ns]     called to a desk; NaT if never called (left, no-show)
finished       datetime64[ns]     end of service; NaT if not served
desk           string (nullable)  desk that served
outcome        string             "served" or "left" (never called, gone)
wait_s         float64            seconds from arrival until called (or until the ticket ended)
service_s      float64            seconds at the desk (NaN if not served)
source_row     int64              line number in the source file (1 = header)
=============  =================  =============================================================

Rows that cannot be used are never dropped silently: an :class:`ImportReport` counts them per
reason, with the first line numbers of each, so a user can look them up in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# The contract: columns in order, with their pandas dtypes (the tables above describe them).
CALL_LOG_DTYPES: dict[str, str] = {
    "call_id": "string",
    "caller_id": "string",
    "service": "string",
    "priority": "int64",
    "arrival": "datetime64[ns]",
    "answered": "datetime64[ns]",
    "abandoned": "datetime64[ns]",
    "ended": "datetime64[ns]",
    "agent": "string",
    "outcome": "string",
    "wait_s": "float64",
    "service_s": "float64",
    "source_row": "int64",
}
COUNTER_LOG_DTYPES: dict[str, str] = {
    "ticket_id": "string",
    "shop": "string",
    "service": "string",
    "appointment": "boolean",
    "arrival": "datetime64[ns]",
    "called": "datetime64[ns]",
    "finished": "datetime64[ns]",
    "desk": "string",
    "outcome": "string",
    "wait_s": "float64",
    "service_s": "float64",
    "source_row": "int64",
}
CALL_LOG_COLUMNS: tuple[str, ...] = tuple(CALL_LOG_DTYPES)
COUNTER_LOG_COLUMNS: tuple[str, ...] = tuple(COUNTER_LOG_DTYPES)

EXAMPLES_KEPT = 5


@dataclass
class ImportReport:
    """How many rows of a log were read, kept and left out, and why.

    Attributes
    ----------
    left_out : dict of str to int
        Rows left out of the table per reason ("unparseable time", "over midnight", ...).
    examples : dict of str to list of int
        The first line numbers (1 = header) of the rows left out for each reason.
    """

    path: Path
    log_format: str
    rows_read: int = 0
    rows_kept: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def leave_out(self, reason: str, line: int) -> None:
        """Count one row left out for ``reason`` (``line`` = its line number in the file)."""
        self.left_out[reason] = self.left_out.get(reason, 0) + 1
        lines = self.examples.setdefault(reason, [])
        if len(lines) < EXAMPLES_KEPT:
            lines.append(line)

    def text(self, language: str = "en") -> str:
        """A readable summary: read, kept, and each reason with example line numbers."""
        from klantstroom.calibration.texts import display, texts

        t = texts(language)
        lines = [
            t["import_line"].format(
                name=self.path.name,
                fmt=self.log_format,
                read=self.rows_read,
                kept=self.rows_kept,
                out=self.rows_read - self.rows_kept,
            )
        ]
        for reason, count in sorted(self.left_out.items(), key=lambda item: -item[1]):
            where = ", ".join(str(line) for line in self.examples.get(reason, []))
            lines.append(
                f"  {count:>6}  "
                + t["import_reason"].format(reason=display(reason, language), where=where)
            )
        return "\n".join(lines)
