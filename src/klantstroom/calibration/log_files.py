"""What every log importer shares: opening the file, checking its header, collecting kept rows
and making the contract's table, and the reasons a row is left out in every format.

The formats themselves are :mod:`klantstroom.calibration.bank_log` and
:mod:`klantstroom.calibration.csv_logs`; :func:`klantstroom.calibration.importers.read_log`
chooses between them.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

UNPARSEABLE = "unparseable time or number"
WRONG_FIELDS = "wrong number of fields"
UNREADABLE = "unreadable CSV line"
NEGATIVE = "negative duration"

# Strict: int() would also accept "1_000", " +5" or "٣", which no log means.
_INTEGER = re.compile(r"-?\d+")


@dataclass
class KeptRows:
    """Column-wise accumulation of kept rows (lists are far cheaper than per-row frames)."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, **row: Any) -> None:
        for name, value in row.items():
            self.values.setdefault(name, []).append(value)

    def get(self, name: str) -> list[Any]:
        return self.values.get(name, [])


def require_file(path: Path) -> None:
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        raise FileNotFoundError(f"log file {path} {what}")


def open_text(path: Path, encoding: str, newline: str | None) -> IO[str]:
    """Open a log as text, decompressing it on the fly when its name ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding=encoding, errors="replace", newline=newline)
    return path.open(encoding=encoding, errors="replace", newline=newline)


def check_header(path: Path, names: Sequence[str], required: Sequence[str]) -> None:
    missing = [name for name in required if name not in names]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"required columns: {', '.join(required)}"
        )


def contract_table(
    columns: dict[str, Any], order: Sequence[str], dtypes: dict[str, str]
) -> pd.DataFrame:
    """The contract's columns, in order, with exact dtypes (also when no row was kept)."""
    return pd.DataFrame(
        {name: pd.Series(columns.get(name, []), dtype=dtypes[name]) for name in order}
    )


def integer(text: str) -> int:
    """A whole number as a log writes it: digits, with a minus sign or none."""
    if not _INTEGER.fullmatch(text):
        raise ValueError(f"bad integer {text!r}")
    return int(text)
