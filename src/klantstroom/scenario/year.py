"""The run over the year: its horizon and calendar, the periods it is judged on, staff leave.

A municipality's year is not four quiet weeks: passports peak in May, staff take their leave in
the summer, and the phone rings twice as often on the day after a public holiday (domain.md row
47). This module builds the parts of the configuration that place a run in the year:

* ``run`` (:func:`build_run`): horizon and replications, and the **periods** its KPIs are
  reported on besides the whole run: every calendar month the run touches (``YYYY-MM``, when
  it spans more than one; not a month of which fewer than 7 days lie in the run) and the
  named periods of ``run.periods`` (a month of the run, ISO weeks, or dates), and
  ``run.judge_on``, the period each channel's norms are judged on (the counter on its peak
  month, the phone on the whole year);
* ``calendar`` (:func:`build_calendar`): start date, holidays and ``staff_leave_by_month``;
* :func:`after_holiday_dates`: the first working day after each public holiday, whose volume a
  channel's ``after_holiday_factor`` multiplies.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from klantstroom.executors import EXECUTORS
from klantstroom.scenario.checks import INTERVALS_MIN, MONTHS, Checker
from klantstroom.scenario.spec import CalendarSpec, PeriodSpec, RunSpec, Scenario

log = logging.getLogger(__name__)

MAX_JOBS = 256  # more workers than any machine a run is shared to; 1000 would exhaust memory

WHOLE_RUN = "run"  # the period key of KPIs over the whole reported period
MIN_MONTH_DAYS = 7  # a month with fewer days in the run gets no period of its own
# Bounds on the size of a run (docs/configuration.md, "Bounds"): ten years of simulated days, a
# thousand replications, a year of warm-up. A value beyond them is a typing error that would run
# for days or exhaust the memory, not a study.
MAX_HORIZON_DAYS = 3660.0
MAX_REPLICATIONS = 1000
MAX_WARMUP_DAYS = 366.0


def max_jobs() -> int:
    """The most parallel workers a run may ask for: this machine's cores."""
    return os.cpu_count() or 1


def _address(check: Checker, value: Any) -> str | None:
    """``run.cluster_address``: a Dask scheduler's ``tcp://host:port`` (or tls://, ucx://)."""
    if value is None or value == "":
        return None
    text = str(value)
    scheme, _, rest = text.partition("://")
    if scheme not in ("tcp", "tls", "ucx", "inproc") or ":" not in rest:
        check.fail(
            "run.cluster_address",
            f"must be a Dask scheduler address such as tcp://10.0.0.5:8786, got {text!r}",
        )
        return None
    return text


def build_run(
    check: Checker, raw: Mapping[str, Any], calendar: CalendarSpec, channels: Sequence[str]
) -> RunSpec:
    """Build ``run``: seed, replications, horizon, and the periods KPIs are reported on."""
    n_jobs = check.integer("run.n_jobs", raw.get("n_jobs", 1))
    if n_jobs == 0 or n_jobs < -1 or n_jobs > MAX_JOBS:
        check.fail(
            "run.n_jobs",
            f"must be 1 to {MAX_JOBS}, or -1 for all cores; got {n_jobs}",
        )
        n_jobs = 1
    elif n_jobs > max_jobs():
        # A config shared from a bigger machine still runs here: results do not depend on the
        # number of workers, and more workers than cores only compete for them.
        log.warning(
            "run.n_jobs: %d is more than this machine's %d cores; using %d",
            n_jobs,
            max_jobs(),
            max_jobs(),
        )
        n_jobs = max_jobs()
    errors = len(check.errors)
    horizon_days = check.number(
        "run.horizon_days",
        raw.get("horizon_days", 7.0),
        low=0.0,
        high=MAX_HORIZON_DAYS,
        low_open=True,
    )
    if len(check.errors) > errors:
        # Without a horizon nothing can lie outside it: no periods, and no day is out of range
        # (a persona's day), so the one error about the horizon is all the user reads.
        horizon_days = math.inf
    periods = (
        _month_periods(calendar.start_date, horizon_days, every=bool(raw.get("every_month")))
        if bool(raw.get("kpis_by_month", True)) and math.isfinite(horizon_days)
        else []
    )
    outside = []
    for name, spec in (raw.get("periods") or {}).items() if math.isfinite(horizon_days) else ():
        period = _build_period(
            check, f"run.periods.{name}", str(name), spec, calendar, horizon_days
        )
        if period is None:
            outside.append(str(name))
        else:
            periods.append(period)
    names = [WHOLE_RUN, *(p.name for p in periods)]
    judge_on = []
    for channel, period in (raw.get("judge_on") or {}).items():
        check.choice(f"run.judge_on.{channel}", channel, channels)
        if not math.isfinite(horizon_days):
            continue  # no horizon, no periods to judge on (the horizon's error says why)
        if period in outside:
            # A shorter run of a year's scenario (run.horizon_days=7) is a quick look, not an
            # error: the channel is judged on the whole run, and the log says so.
            log.warning(
                "run.judge_on.%s: period %r lies outside this run; %s is judged on the whole run",
                channel,
                period,
                channel,
            )
            continue
        judge_on.append((str(channel), check.choice(f"run.judge_on.{channel}", period, names)))
    return RunSpec(
        name=str(raw.get("name", "klantstroom")),
        seed=check.integer("run.seed", raw.get("seed", 20261123), low=0),
        replications=check.integer(
            "run.replications", raw.get("replications", 5), low=1, high=MAX_REPLICATIONS
        ),
        n_jobs=n_jobs,
        warmup_days=check.number(
            "run.warmup_days", raw.get("warmup_days", 0.0), low=0.0, high=MAX_WARMUP_DAYS
        ),
        horizon_days=horizon_days,
        progress=bool(raw.get("progress", True)),
        label=str(raw.get("label") or ""),
        roadmap_step=None
        if raw.get("roadmap_step") is None
        else check.integer("run.roadmap_step", raw["roadmap_step"], low=0),
        executor=check.choice("run.executor", raw.get("executor", "local"), EXECUTORS),
        cluster_address=_address(check, raw.get("cluster_address")),
        periods=tuple(periods),
        judge_on=tuple(judge_on),
    )


def is_month_name(name: str) -> bool:
    """Whether a period name is that of a calendar month, ``YYYY-MM``."""
    return len(name) == 7 and name[4] == "-" and name[:4].isdigit() and name[5:].isdigit()


def _first_of_next_month(date: dt.date) -> dt.date:
    return dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)


def _first_day(start: dt.date, days: int, match: Callable[[dt.date], bool]) -> dt.date | None:
    """The first of the run's ``days`` days from ``start`` that ``match`` accepts, or None."""
    for day in range(days):
        date = start + dt.timedelta(days=day)
        if match(date):
            return date
    return None


def _month_periods(start: dt.date, horizon_days: float, every: bool = False) -> list[PeriodSpec]:
    """One period per calendar month the run touches, when it touches more than one.

    With ``every`` (``run.every_month``), every month the run touches, however few its days.
    """
    days = math.ceil(horizon_days)
    periods: list[PeriodSpec] = []
    day = 0
    while day < days:
        date = start + dt.timedelta(days=day)
        end = min(days, (_first_of_next_month(date) - start).days)
        # A sliver of a month at either end (the weekend after a year of 52 weeks) says nothing.
        if every or end - day >= MIN_MONTH_DAYS:
            periods.append(PeriodSpec(f"{date.year}-{date.month:02d}", day, end))
        day = end
    return periods if len(periods) > 1 or every else []


def _build_period(
    check: Checker,
    key: str,
    name: str,
    raw: Any,
    calendar: CalendarSpec,
    horizon_days: float,
) -> PeriodSpec | None:
    """One named period: ``{month: may}``, ``{weeks: [18, 21]}`` or ``{start: ..., end: ...}``.

    A period wholly outside the run is left out (None) and one partly outside is cut to the
    run, each with a logged warning: a quick run of a year's scenario is not an error.
    """
    start = calendar.start_date
    days = math.ceil(horizon_days)
    if name == WHOLE_RUN or is_month_name(name):
        check.fail(key, f"{name!r} is reserved (the whole run, or a month YYYY-MM); rename it")
    else:
        check.name(key, name, "period")
    spec = raw if isinstance(raw, Mapping) else {}
    forms = [
        form
        for form, present in (
            ("month", "month" in spec),
            ("weeks", "weeks" in spec),
            ("start/end", "start" in spec or "end" in spec),
        )
        if present
    ]
    unknown = sorted(set(spec) - {"month", "weeks", "start", "end"})
    if unknown or len(forms) != 1:
        check.fail(
            key,
            "give exactly one of {month: <jan..dec>}, {weeks: [<first ISO week>, <last>]} or "
            "{start: YYYY-MM-DD, end: YYYY-MM-DD}"
            + (f"; unknown key(s): {', '.join(unknown)}" if unknown else ""),
        )
        return PeriodSpec(name, 0, days)
    first: dt.date | None = None
    last: dt.date | None = None
    if forms == ["month"]:
        if spec["month"] not in MONTHS:
            check.choice(f"{key}.month", spec["month"], MONTHS)
            return PeriodSpec(name, 0, days)
        month = MONTHS.index(spec["month"]) + 1
        # The first time the month occurs in the run (a run of a year meets it once).
        first = _first_day(start, days, lambda date: date.month == month)
        if first is None:
            log.warning(
                "%s.month: this run (%s) has no day in %s; the period is left out",
                key,
                _span(start, days),
                spec["month"],
            )
            return None
        last = _first_of_next_month(first) - dt.timedelta(days=1)
    elif forms == ["weeks"]:
        weeks = spec["weeks"]
        if (
            not isinstance(weeks, Sequence)
            or isinstance(weeks, str)
            or len(weeks) != 2
            or not all(isinstance(w, int) and 1 <= w <= 53 for w in weeks)
            or weeks[0] > weeks[1]
        ):
            check.fail(
                f"{key}.weeks", f"must be [first, last] ISO week numbers 1-53, got {weeks!r}"
            )
            return PeriodSpec(name, 0, days)
        # The Monday of the first week in the run; the period ends with the last week's Sunday.
        in_week = _first_day(start, days, lambda date: date.isocalendar().week == weeks[0])
        if in_week is not None:
            first = in_week - dt.timedelta(days=in_week.weekday())
        if first is None:
            log.warning(
                "%s.weeks: this run (%s) has no day in week %s; the period is left out",
                key,
                _span(start, days),
                weeks[0],
            )
            return None
        last = first + dt.timedelta(days=7 * (weeks[1] - weeks[0]) + 6)
    else:
        first = check.date(f"{key}.start", spec.get("start"))
        last = check.date(f"{key}.end", spec.get("end"))
        if last < first:
            check.fail(f"{key}.end", f"must not lie before start {first}, got {last}")
    start_day, end_day = (first - start).days, (last - start).days + 1
    if end_day <= 0 or start_day >= days:
        log.warning(
            "%s: %s to %s lies outside this run (%s); the period is left out",
            key,
            first,
            last,
            _span(start, days),
        )
        return None
    if start_day < 0 or end_day > days:
        log.warning("%s: %s to %s is cut to the run (%s)", key, first, last, _span(start, days))
    return PeriodSpec(name, max(0, start_day), min(days, max(end_day, start_day + 1)))


def _span(start: dt.date, days: int) -> str:
    return f"{start} to {start + dt.timedelta(days=days - 1)}"


def build_calendar(check: Checker, raw: Mapping[str, Any]) -> CalendarSpec:
    """Build ``calendar``: start date, interval, public holidays and staff leave."""
    interval = check.integer("calendar.interval_min", raw.get("interval_min", 30))
    if interval not in INTERVALS_MIN:
        check.fail("calendar.interval_min", f"must be one of {INTERVALS_MIN}, got {interval}")
        interval = 30
    holidays = frozenset(
        check.date(f"calendar.holidays[{i}]", value)
        for i, value in enumerate(raw.get("holidays") or [])
    )
    return CalendarSpec(
        start_date=check.date("calendar.start_date", raw.get("start_date", "2027-01-04")),
        interval_min=interval,
        holidays=holidays,
        staff_leave_by_month=leave_by_month(
            check, "calendar.staff_leave_by_month", raw.get("staff_leave_by_month")
        ),
    )


def leave_by_month(check: Checker, key: str, given: Any) -> tuple[float, ...]:
    """Shares of staff on leave per month (jan..dec; a month left out has none), or ``()``."""
    if not given:
        return ()
    if not isinstance(given, Mapping):
        check.fail(key, f"must map months (jan..dec) to shares 0-0.9, got {given!r}")
        return ()
    for month in given:
        check.choice(f"{key}.{month}", month, MONTHS)
    # At most 0.9: a group with everyone on leave is a roster change, not leave.
    return tuple(
        check.number(f"{key}.{month}", given.get(month, 0.0), low=0.0, high=0.9) for month in MONTHS
    )


def after_holiday_dates(calendar: CalendarSpec) -> list[dt.date]:
    """The first working day (Monday-Friday, not a holiday) after each weekday public holiday."""
    dates = set()
    for holiday in calendar.holidays:
        if holiday.weekday() >= 5:
            continue  # a holiday in a weekend closes nothing that was open
        date = holiday + dt.timedelta(days=1)
        while date.weekday() >= 5 or date in calendar.holidays:
            date += dt.timedelta(days=1)
        dates.add(date)
    return sorted(dates)


def staffing_period(
    check: Checker, name: Any, run: RunSpec, run_raw: Mapping[str, Any]
) -> str | None:
    """``staffing.period``: a period of the run the staffing plan sizes, or None (the run).

    A configured period that this (shorter) run leaves out is no error: the plan then sizes the
    whole run, and the log says so.
    """
    if name is None or not math.isfinite(run.horizon_days):
        return None  # without a valid horizon there are no periods (its error says why)
    names = [p.name for p in run.periods]
    if name in names:
        return str(name)
    if name in (run_raw.get("periods") or {}):
        log.warning(
            "staffing.period: period %r lies outside this run; the plan sizes the whole run", name
        )
        return None
    check.choice("staffing.period", name, names or ["(no periods in this run)"])
    return None


def narrowed_to_period(scenario: Scenario, name: str) -> Scenario:
    """The scenario with its reported period narrowed to its period ``name``.

    The start date moves to the period's first day and the horizon to its length; the warm-up
    stays, so the queues are as full at the period's start as they are in the whole run. The
    narrowed scenario has no periods of its own.
    """
    period = next(p for p in scenario.run.periods if p.name == name)
    start = scenario.calendar.start_date + dt.timedelta(days=period.start_day)
    run = replace(
        scenario.run,
        horizon_days=float(period.end_day - period.start_day),
        periods=(),
        judge_on=(),
    )
    return replace(
        scenario,
        run=run,
        calendar=replace(scenario.calendar, start_date=start),
        staffing=replace(scenario.staffing, period=None),
    )


def staffing_scenario(scenario: Scenario) -> Scenario:
    """The scenario a staffing plan sizes: narrowed to ``staffing.period`` when one is set."""
    if scenario.staffing.period is None:
        return scenario
    return narrowed_to_period(scenario, scenario.staffing.period)
