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
*first* reason that applies, in the order its format lists.

The formats, each with its rules and the reasons a row is left out, in order of precedence:

* ``"anonymous-bank"``, the Technion Anonymous Bank call-centre log:
  :mod:`klantstroom.calibration.bank_log`;
* ``"generic-phone"`` and ``"generic-counter"``, CSV logs of calls and of counter tickets and
  appointment visits: :mod:`klantstroom.calibration.csv_logs`.

What they share (opening a possibly gzipped file, the header check, the contract's table):
:mod:`klantstroom.calibration.log_files`.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from klantstroom.calibration.bank_log import read_anonymous_bank
from klantstroom.calibration.csv_logs import read_generic_counter, read_generic_phone
from klantstroom.calibration.logs import ImportReport

__all__ = [
    "LOG_FORMATS",
    "read_anonymous_bank",
    "read_generic_counter",
    "read_generic_phone",
    "read_log",
]

LOG_FORMATS: tuple[str, ...] = ("anonymous-bank", "generic-phone", "generic-counter")


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
