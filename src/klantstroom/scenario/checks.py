"""Checked conversion of raw config values: numbers, choices, times, dates, periods, distributions.

Every check records a :class:`ScenarioError` naming the dotted config key and what is allowed,
instead of raising, so that all problems of a config are reported together; the builders in
:mod:`klantstroom.scenario.build` and :mod:`klantstroom.scenario.journeys` share these checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from klantstroom.paths import data_file
from klantstroom.scenario.errors import ScenarioError
from klantstroom.scenario.spec import (
    DISTRIBUTION_KINDS,
    MINUTES_PER_DAY,
    DistributionSpec,
    Period,
)

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS: tuple[str, ...] = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
INTERVALS_MIN: tuple[int, ...] = (15, 30, 60)
SHARE_TOLERANCE = 1e-3

# Upper bounds on values that set how much work a run is: a mistyped exponent (1e9 for 1e3)
# would otherwise run for days or fill the memory before anything says so. Each is far above
# any municipality's real figure; docs/configuration.md ("Bounds") lists them.
MAX_DURATION_MIN = 525_600.0  # a year in minutes: the longest mean, spread or delay of a duration
MAX_CV = 100.0  # a coefficient of variation; real handling times have 0.3 to 3
MAX_VOLUME_PER_YEAR = 50_000_000.0  # contacts of one service; Amsterdam's all together: millions
MAX_RATE_PER_HOUR = 10_000.0  # arrivals of one service per open hour
MAX_HEADCOUNT = 10_000  # staff in one interval, or desks of one shop
# A handling time ten times its usual length in some hour is already extreme; more is a typing
# error (a duration in minutes where a factor belongs).
MAX_HANDLING_FACTOR = 10.0
# The names of services, staff groups, shops, departments, personas and periods become column
# values and file names in the output, and `all` is the KPI tables' "all of them" row.
NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
RESERVED_NAMES: tuple[str, ...] = ("all",)
MAX_DATA_NAME = 100

# Which parameters each distribution kind takes; any other parameter set is an error, because a
# user who sets `cv` on an exponential distribution expects it to matter.
_DIST_FIELDS: dict[str, tuple[str, ...]] = {
    "exponential": ("mean_min",),
    "lognormal": ("mean_min", "cv"),
    "gamma": ("mean_min", "cv"),
    "weibull": ("mean_min", "cv"),
    "deterministic": ("mean_min",),
    "uniform": ("low_min", "high_min"),
    "empirical": ("file", "column"),
    "normal": ("mean_min", "sd_min"),
}
_DIST_OPTIONAL = ("mean_min", "cv", "low_min", "high_min", "file", "column", "sd_min")
# Kinds that can give negative values: only for signed times (punctuality), never durations.
_SIGNED_KINDS = ("normal",)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class Checker:
    """Collects errors while building, so all of them are reported at once."""

    def __init__(self) -> None:
        self.errors: list[ScenarioError] = []

    def fail(self, key: str, message: str) -> None:
        self.errors.append(ScenarioError(key, message))

    def number(
        self,
        key: str,
        value: Any,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
    ) -> float:
        """Return ``value`` as a float, recording an error if it is outside [low, high].

        Only finite numbers pass: ``inf`` would make a run endless or a distribution degenerate,
        ``nan`` compares false with every bound.
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number, got {value!r}")
            return low if low is not None else 0.0
        if not math.isfinite(value):
            self.fail(key, f"must be a finite number, got {value!r}")
            return low if low is not None else 0.0
        bound = f"{'>' if low_open else '>='} {low}" if low is not None else ""
        if low is not None and (value < low or (low_open and value == low)):
            allowed = bound + (f" and <= {high}" if high is not None else "")
            self.fail(key, f"must be {allowed}, got {value!r}")
        elif high is not None and value > high:
            self.fail(key, f"must be <= {high}, got {value!r}")
        return float(value)

    def integer(
        self, key: str, value: Any, *, low: int | None = None, high: int | None = None
    ) -> int:
        """Return ``value`` as an int, recording an error if it is not whole or outside bounds."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number, got {value!r}")
            return low or 0
        if low is not None and value < low:
            allowed = f">= {low}" + (f" and <= {high}" if high is not None else "")
            self.fail(key, f"must be {allowed}, got {value!r}")
        elif high is not None and value > high:
            self.fail(key, f"must be <= {high}, got {value!r}")
            return high
        return value

    def name(self, key: str, value: Any, what: str, *, from_data: bool = False) -> str:
        """Check the name of a ``what`` (a service, staff group, shop ...), the end of ``key``.

        A name must start with a letter and hold only letters, digits and ``_``, and must not be
        ``all`` (the KPI tables' row for all of them together). With ``from_data`` (service
        names, which ``klantstroom-calibrate`` takes from a log's call types so the fitted
        scenario lines up with the log) any text passes that is not empty, not ``all``, at most
        :data:`MAX_DATA_NAME` characters, without control characters or outer spaces: file
        names made from it go through :func:`klantstroom.paths.safe_name`.
        """
        text = str(value)
        if from_data and text not in RESERVED_NAMES:
            if not text or text != text.strip() or not text.isprintable():
                self.fail(
                    key,
                    f"{text!r} is not a valid {what} name: give a name that is not empty, "
                    "without line breaks, tabs or spaces around it",
                )
            elif len(text) > MAX_DATA_NAME:
                self.fail(key, f"a {what} name has at most {MAX_DATA_NAME} characters")
            return text
        if text in RESERVED_NAMES:
            self.fail(
                key,
                f"{text!r} is reserved (the KPI tables' row for all of them); give the {what} "
                "another name",
            )
        elif not NAME_PATTERN.match(text):
            self.fail(
                key,
                f"{text!r} is not a valid {what} name: start with a letter, then letters, digits "
                "or _ only (e.g. paspoort_aanvraag)",
            )
        return text

    def days(self, key: str, value: Any) -> list[str]:
        """A list of weekdays (``[mon, tue]``), each at most once: the known ones are returned."""
        if value is None:
            return []
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.fail(key, f"must be a list of weekdays such as [mon, tue]; got {value!r}")
            return []
        days = []
        for day in value:
            if day not in WEEKDAYS:
                self.choice(key, day, WEEKDAYS)
            elif day in days:
                # Counted twice, a shift would double its staff on that day without a word.
                self.fail(key, f"lists {day!r} more than once")
            else:
                days.append(day)
        return days

    def choice(self, key: str, value: Any, allowed: Sequence[str]) -> str:
        if value not in allowed:
            self.fail(key, f"unknown value {value!r}; allowed: {', '.join(allowed)}")
        return str(value)

    def time_of_day(self, key: str, value: Any) -> int:
        """Parse ``HH:MM`` (00:00 to 24:00) into minutes since midnight."""
        text = str(value)
        match = _TIME.match(text)
        if match is None:
            hint = ""
            if text.isdigit():
                # YAML 1.1 reads an unquoted 17:00 as the sexagesimal number 1020.
                hint = " (write times in quotes, e.g. '17:00': YAML reads 17:00 as a number)"
            self.fail(key, f"must be a time 'HH:MM', got {value!r}{hint}")
            return 0
        hours, minutes = int(match.group(1)), int(match.group(2))
        total = hours * 60 + minutes
        if minutes >= 60 or total > MINUTES_PER_DAY:
            self.fail(key, f"must be a time between 00:00 and 24:00, got {value!r}")
        return total

    def date(self, key: str, value: Any) -> dt.date:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, f"must be a date 'YYYY-MM-DD', got {value!r}")
            return dt.date(2000, 1, 3)

    def fixed_list(self, key: str, value: Any, length: int, what: str, per: str) -> Any:
        """``value`` if it is a list of exactly ``length`` items, else None (with an error).

        ``what`` names the items ("shares", "factors"), ``per`` what each stands for ("one per
        30 min from 00:00"), for the message.
        """
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.fail(key, f"must be a list of {length} {what}, got {value!r}")
            return None
        if len(value) != length:
            self.fail(key, f"needs {length} values ({per}), got {len(value)}")
            return None
        return value

    def shares(self, key: str, values: Mapping[str, Any] | Sequence[Any]) -> None:
        items = values.values() if isinstance(values, Mapping) else values
        total = sum(float(v) for v in items if isinstance(v, int | float))
        if abs(total - 1.0) > SHARE_TOLERANCE:
            self.fail(key, f"shares must sum to 1, they sum to {total:.4f}")


def check_fields(
    check: Checker,
    key: str,
    raw: Mapping[str, Any],
    fields: Sequence[str],
    needed: Sequence[str],
    what: str,
) -> bool:
    """Record an error for each of ``fields`` that ``what`` needs and lacks, or has and does not
    take; return whether every needed field is there."""
    for name in fields:
        if name in needed and raw.get(name) is None:
            check.fail(f"{key}.{name}", f"is required for a {what}")
        elif name not in needed and raw.get(name) is not None:
            check.fail(
                f"{key}.{name}", f"does not apply to the {what} (it takes {', '.join(needed)})"
            )
    return all(raw.get(name) is not None for name in needed)


def build_distribution(
    check: Checker, key: str, raw: Mapping[str, Any], base: Path, *, signed: bool = False
) -> DistributionSpec:
    """Return a distribution of durations (>= 0), or with ``signed`` of times that may be < 0."""
    kind = check.choice(f"{key}.kind", raw.get("kind"), DISTRIBUTION_KINDS)
    if kind not in _DIST_FIELDS:
        return DistributionSpec(kind="deterministic", mean_min=0.0)
    if kind in _SIGNED_KINDS and not signed:
        allowed = [k for k in DISTRIBUTION_KINDS if k not in _SIGNED_KINDS]
        check.fail(
            f"{key}.kind",
            f"{kind!r} can give negative durations; allowed here: {', '.join(allowed)}",
        )
        return DistributionSpec(kind="deterministic", mean_min=0.0)
    needed = _DIST_FIELDS[kind]
    if not check_fields(check, key, raw, _DIST_OPTIONAL, needed, f"{kind} distribution"):
        return DistributionSpec(kind="deterministic", mean_min=0.0)
    bound = -MAX_DURATION_MIN if signed else 0.0
    top = MAX_DURATION_MIN
    if kind == "normal":
        return DistributionSpec(
            kind,
            mean_min=check.number(f"{key}.mean_min", raw["mean_min"], low=-top, high=top),
            sd_min=check.number(f"{key}.sd_min", raw["sd_min"], low=0.0, high=top),
        )
    if kind == "uniform":
        low = check.number(f"{key}.low_min", raw["low_min"], low=bound, high=top)
        high = check.number(f"{key}.high_min", raw["high_min"], low=bound, high=top)
        if high < low:
            check.fail(f"{key}.high_min", f"must be >= low_min ({low}), got {high}")
        return DistributionSpec(kind, mean_min=(low + high) / 2, low_min=low, high_min=high)
    if kind == "empirical":
        unit = check.choice(f"{key}.samples_unit", raw.get("samples_unit", "min"), ("min", "s"))
        samples = _read_samples(check, key, base, str(raw["file"]), str(raw["column"]))
        scale = 1 / 60 if unit == "s" else 1.0
        samples = tuple(value * scale for value in samples)
        mean = sum(samples) / len(samples) if samples else 0.0
        return DistributionSpec(kind, mean_min=mean, samples_min=samples)
    if kind == "deterministic" and signed:
        mean = check.number(f"{key}.mean_min", raw["mean_min"], low=-top, high=top)
        return DistributionSpec(kind, mean_min=mean)
    mean = check.number(
        f"{key}.mean_min", raw["mean_min"], low=0.0, high=top, low_open=kind != "deterministic"
    )
    cv = 1.0 if kind == "exponential" else 0.0
    if kind in ("lognormal", "gamma", "weibull"):
        cv = check.number(f"{key}.cv", raw["cv"], low=0.0, high=MAX_CV, low_open=True)
    return DistributionSpec(kind, mean_min=mean, cv=cv)


def _read_samples(
    check: Checker, key: str, base: Path, name: str, column: str
) -> tuple[float, ...]:
    """Read the non-negative numbers in ``column`` of the CSV file ``name``.

    The file must lie inside the working directory (``base``) or the project folder
    (:func:`klantstroom.paths.data_file`). Errors name the file and line, never what the file
    says: a config file could point at any file, and its content is not ours to print.
    """
    errors_before = len(check.errors)
    try:
        path = data_file(name, base)
    except ValueError as error:
        check.fail(f"{key}.file", str(error))
        return ()
    if not path.is_file():
        check.fail(f"{key}.file", f"file not found: {path}")
        return ()
    samples = []
    line = 1
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or column not in reader.fieldnames:
                header = f"the header (line 1) of {path}"
                check.fail(f"{key}.column", f"no column {column!r} in {header}")
                return ()
            for line, row in enumerate(reader, start=2):
                text = (row.get(column) or "").strip()
                try:
                    value = float(text)
                except ValueError:
                    check.fail(f"{key}.file", f"{path}, line {line}: not a number")
                    continue
                if not value >= 0:
                    check.fail(f"{key}.file", f"{path}, line {line}: a negative number")
                    continue
                if not value <= MAX_DURATION_MIN * 60:  # the largest in seconds; also inf
                    check.fail(f"{key}.file", f"{path}, line {line}: beyond a year (or inf)")
                    continue
                samples.append(value)
    except UnicodeDecodeError:
        check.fail(f"{key}.file", f"{path}: not UTF-8 text (after line {line})")
        return ()
    except csv.Error:
        check.fail(f"{key}.file", f"{path}, line {line + 1}: not valid CSV")
        return ()
    except OSError as error:
        check.fail(f"{key}.file", f"{path}: cannot be read ({error.strerror or 'I/O error'})")
        return ()
    if not samples and len(check.errors) == errors_before:
        check.fail(f"{key}.file", f"{path} has no samples in column {column!r}")
    return tuple(samples)


def parse_periods(check: Checker, key: str, raw: Sequence[Any] | None) -> tuple[Period, ...]:
    periods = []
    for i, text in enumerate(raw or []):
        parts = str(text).split("-")
        if len(parts) != 2:
            check.fail(f"{key}[{i}]", f"must be a period 'HH:MM-HH:MM', got {text!r}")
            continue
        start = check.time_of_day(f"{key}[{i}]", parts[0].strip())
        end = check.time_of_day(f"{key}[{i}]", parts[1].strip())
        if end <= start:
            check.fail(f"{key}[{i}]", f"closes before it opens: {text!r}")
            continue
        periods.append(Period(start, end))
    periods.sort(key=lambda p: p.start_min)
    for before, after in itertools.pairwise(periods):
        if after.start_min < before.end_min:
            check.fail(key, "opening periods overlap")
    return tuple(periods)
