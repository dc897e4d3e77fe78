"""Weekly tables of a long run: appointment access per shop, back office, failure demand.

A run can last a whole year (``run.horizon_days`` up to 364), and what matters over a year is
*when* things go wrong: the week the appointment book fills up, how long the back office needs
to work off a peak, when late work makes citizens chase it. The functions here turn the run's
tables (``contacts.parquet``, ``tasks.parquet``, ``backlog.parquet``; docs/data-products.md)
into one row per week (or day) and shop, department or channel:

* :func:`weekly_access` — access time per shop per week of the *request*, with the norm;
* :func:`norm_lost_and_regained` — per shop, the first week over the norm, the first week back
  within it, and the worst week;
* :func:`daily_work_in_progress` and :func:`weekly_lead_time` — back-office tasks open at the
  end of each day, and the lead time of the tasks done each week against their terms;
* :func:`weekly_failure_demand` — chases per week per channel, and their share of the
  contact centre's inbound contacts.

A week is an ISO week (Monday to Sunday), labelled by the date of its Monday, also when the run
starts or ends in the middle of it. Per replication each week is counted first; the tables give
the mean over replications (counts as means too, so a replication without any in a week
counts 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from klantstroom.analysis.groups import is_value, text_values
from klantstroom.analysis.journeys import inbound_mask

__all__ = [
    "ALL_SHOPS",
    "KCC",
    "KCC_CHANNELS",
    "daily_work_in_progress",
    "norm_lost_and_regained",
    "request_dates",
    "week_start",
    "weekly_access",
    "weekly_failure_demand",
    "weekly_lead_time",
]

MINUTES_PER_DAY = 1440
ALL_SHOPS = "all"  # the shop label of the rows that pool every shop
KCC_CHANNELS: tuple[str, ...] = ("phone", "digital", "chat")
KCC = "kcc"  # the channel label of the rows that pool the contact centre's channels
DateLike = dt.date | str | np.datetime64 | pd.Timestamp


def _day(date: DateLike) -> np.datetime64:
    """``date`` as a numpy day."""
    return np.datetime64(pd.Timestamp(date).date(), "D")


def _holidays(holidays: Iterable[DateLike]) -> np.ndarray:
    """Holidays as a sorted ``datetime64[D]`` array, as numpy's business-day functions want."""
    return np.array(sorted({_day(h) for h in holidays}), dtype="datetime64[D]")


def _dates(start_date: DateLike, minutes: pd.Series | np.ndarray) -> np.ndarray:
    """Calendar day (``datetime64[D]``) of each model time in minutes."""
    days = np.floor(np.asarray(minutes, dtype=float) / MINUTES_PER_DAY).astype(np.int64)
    return _day(start_date) + days


def week_start(dates: np.ndarray) -> np.ndarray:
    """Return the Monday of the ISO week of each date (``datetime64[D]``).

    Parameters
    ----------
    dates : numpy.ndarray
        Dates, any ``datetime64`` unit.

    Returns
    -------
    numpy.ndarray
        ``datetime64[D]``: the Monday on or before each date.
    """
    days = np.asarray(dates).astype("datetime64[D]").astype(np.int64)
    # Day 0 of numpy's calendar, 1970-01-01, was a Thursday: three days after a Monday.
    return (days - (days + 3) % 7).astype("datetime64[D]")


def _weeks_of_run(start_date: DateLike, horizon_days: float) -> np.ndarray:
    """The Mondays of every week that has a day in [start, start + horizon)."""
    first = week_start(np.array([_day(start_date)]))[0]
    last_day = _day(start_date) + max(int(np.ceil(horizon_days)) - 1, 0)
    last = week_start(np.array([last_day]))[0]
    return np.arange(first, last + 1, 7).astype("datetime64[D]")


def _days_in_run(weeks: np.ndarray, start_date: DateLike, horizon_days: float) -> np.ndarray:
    """How many days of each week (Monday) lie in [start, start + horizon)."""
    first = (weeks - _day(start_date)).astype(np.int64)
    lo = np.maximum(first, 0)
    hi = np.minimum(first + 7, int(np.ceil(horizon_days)))
    return np.maximum(hi - lo, 0)


def request_dates(
    slot_min: pd.Series | np.ndarray,
    access_working_days: pd.Series | np.ndarray,
    *,
    start_date: DateLike,
    holidays: Iterable[DateLike] = (),
) -> np.ndarray:
    """Return the day each booked appointment was requested, derived from its slot.

    ``contacts.parquet`` has no request time for a booked appointment (its ``arrival_min`` is
    the visit), only the slot and ``access_days``: the working days *after* the request day up
    to and including the slot day (Monday to Friday, not a ``calendar.holidays`` day). So the
    request day is found by going back ``access_days`` working days from the slot day:
    ``numpy.busday_offset(slot_day, -access_days, roll="backward", holidays=...)``, where the
    roll first moves a slot on a weekend or holiday back to the working day before it. The
    result is the one *working* day with that access time. A request made on a weekend or
    holiday has the same access time as one made on the working day before it (a Saturday
    request for Monday is 1 working day away, as a Friday one), so it is counted on that
    working day: in the same ISO week, except when that week starts with a holiday Monday.

    Parameters
    ----------
    slot_min : array-like of float
        The booked slots (``slot_min``), minutes since 00:00 of ``start_date``.
    access_working_days : array-like of float
        ``access_days`` of the same rows: whole working days, not null.
    start_date : date-like
        ``calendar.start_date`` of the run (day 0).
    holidays : iterable of date-like, optional
        ``calendar.holidays`` of the run.

    Returns
    -------
    numpy.ndarray
        ``datetime64[D]``: the request day of each row.
    """
    slot_day = _dates(start_date, slot_min)
    back = np.asarray(access_working_days, dtype=float).astype(np.int64)
    return np.busday_offset(slot_day, -back, roll="backward", holidays=_holidays(holidays))


def _categories(values: pd.Series) -> list[str]:
    """Names in a column: its categories in order if categorical, else sorted."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [str(c) for c in values.cat.categories]
    return sorted(str(v) for v in pd.unique(values.dropna()))


def _mean_over_replications(
    per_replication: pd.DataFrame,
    key: str,
    names: Sequence[str],
    weeks: np.ndarray,
    replications: Sequence[int],
    counts: Sequence[str],
    column: str = "week",
) -> pd.DataFrame:
    """Fill the replication x name x week grid (counts 0, rates NaN) and average it."""
    grid = pd.MultiIndex.from_product(
        [list(replications), list(names), pd.DatetimeIndex(weeks.astype("datetime64[ns]"))],
        names=["replication", key, column],
    )
    full = per_replication.reindex(grid)
    full[list(counts)] = full[list(counts)].fillna(0.0)
    # A rate is averaged over the replications in which it is defined (had bookings, tasks).
    return full.groupby(level=[key, column], sort=False).mean().reset_index()


def weekly_access(
    contacts: pd.DataFrame,
    *,
    start_date: DateLike,
    horizon_days: float,
    norm_working_days: float,
    holidays: Iterable[DateLike] = (),
    booking_horizon_days: float | None = None,
) -> pd.DataFrame:
    """Return the access time of appointment requests per shop and week of request.

    The rows used are booked appointments (``appointment`` true, ``slot_min`` and
    ``access_days`` not null) and requests that found no slot (``outcome == "no_slot"``, whose
    ``arrival_min`` is the request). A booked appointment's request day is derived from its
    slot (:func:`request_dates`); requests made before day 0 (in the warm-up) are left out.

    Parameters
    ----------
    contacts : pandas.DataFrame
        ``contacts.parquet`` of a run (all replications).
    start_date : date-like
        ``calendar.start_date``.
    horizon_days : float
        ``run.horizon_days``: the weeks are those with a day in the run.
    norm_working_days : float
        ``counter.access_norm_working_days``.
    holidays : iterable of date-like, optional
        ``calendar.holidays``.
    booking_horizon_days : float, optional
        ``counter.booking_horizon_days``. Appointments with a slot after the horizon are not in
        the table, so in a week less than this before the horizon the long access times are
        missing and the mean is too low: such weeks get ``complete = False``. Without it every
        week is taken as complete.

    Returns
    -------
    pandas.DataFrame
        One row per shop (each shop with a request, then ``"all"``: every shop pooled) and
        week of the run: ``shop``, ``week`` (the Monday, ``datetime64[ns]``), ``requests``
        (booked + no slot), ``booked``, ``no_slot``, ``access_working_days_mean``,
        ``access_working_days_p90`` (of the booked ones), ``within_norm`` (booked with access
        at most the norm / booked), ``complete``. Counts are means over replications; the
        access columns are means over the replications with a booking that week (NaN if none).
    """
    columns = [
        "shop",
        "week",
        "requests",
        "booked",
        "no_slot",
        "access_working_days_mean",
        "access_working_days_p90",
        "within_norm",
        "complete",
    ]
    appointment = contacts["appointment"].fillna(False).astype(bool)
    booked = contacts[appointment & contacts["slot_min"].notna() & contacts["access_days"].notna()]
    no_slot = contacts[(contacts["outcome"] == "no_slot").fillna(False).astype(bool)]
    requested = np.concatenate(
        [
            request_dates(
                booked["slot_min"],
                booked["access_days"],
                start_date=start_date,
                holidays=holidays,
            ),
            _dates(start_date, no_slot["arrival_min"]),
        ]
    )
    rows = pd.DataFrame(
        {
            "replication": np.concatenate(
                [booked["replication"].to_numpy(), no_slot["replication"].to_numpy()]
            ).astype(np.int64),
            "shop": np.concatenate(
                [booked["shop"].astype(object).to_numpy(), no_slot["shop"].astype(object)]
            ),
            "week": week_start(requested).astype("datetime64[ns]"),
            "access": np.concatenate(
                [booked["access_days"].to_numpy(dtype=float), np.full(len(no_slot), np.nan)]
            ),
        }
    )
    rows = rows[(requested >= _day(start_date)) & rows["shop"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = pd.concat([rows, rows.assign(shop=ALL_SHOPS)], ignore_index=True)
    rows["is_booked"] = rows["access"].notna()
    rows["within"] = np.where(rows["is_booked"], rows["access"] <= norm_working_days, np.nan)
    groups = rows.groupby(["replication", "shop", "week"])
    per_replication = pd.DataFrame(
        {
            "requests": groups.size().astype(float),
            "booked": groups["is_booked"].sum().astype(float),
            "access_working_days_mean": groups["access"].mean(),
            "access_working_days_p90": groups["access"].quantile(0.9),
            "within_norm": groups["within"].mean(),
        }
    )
    per_replication["no_slot"] = per_replication["requests"] - per_replication["booked"]
    present = set(rows["shop"].unique())
    shop_names = [s for s in _categories(contacts["shop"]) if s in present]
    weeks = _weeks_of_run(start_date, horizon_days)
    table = _mean_over_replications(
        per_replication,
        "shop",
        [*shop_names, ALL_SHOPS],
        weeks,
        sorted(pd.unique(contacts["replication"])),
        ("requests", "booked", "no_slot"),
    )
    if booking_horizon_days is None:
        table["complete"] = True
    else:
        # Every request of the week, up to its Sunday, had its latest possible slot in the run.
        sunday = (table["week"].to_numpy().astype("datetime64[D]") - _day(start_date)).astype(
            np.int64
        ) + 6
        table["complete"] = sunday + booking_horizon_days < horizon_days
    table["week"] = table["week"].astype("datetime64[ns]")
    return table[columns]


def norm_lost_and_regained(
    weekly: pd.DataFrame, norm_working_days: float, *, complete_only: bool = True
) -> pd.DataFrame:
    """Return per shop when the mean access time first exceeded the norm and came back.

    Parameters
    ----------
    weekly : pandas.DataFrame
        The table of :func:`weekly_access`.
    norm_working_days : float
        ``counter.access_norm_working_days``.
    complete_only : bool, optional
        Look only at weeks whose bookings all lie in the run (``complete``); the last weeks'
        means are too low (see :func:`weekly_access`) and would show a recovery that is not
        there. Weeks without a booking are always skipped.

    Returns
    -------
    pandas.DataFrame
        One row per shop of ``weekly`` (``"all"`` included) that has a week to judge:
        ``shop``; ``lost_week``, the first week with ``access_working_days_mean`` above the
        norm (NaT if none); ``regained_week``, the first week after that at or below the norm
        again (NaT if never, or never lost); ``peak_week`` and ``peak_working_days``, the
        week with the highest mean access and that mean (the first such week on a tie).
    """
    result = []
    for shop, rows in weekly.groupby("shop", sort=False):
        judged = rows[rows["access_working_days_mean"].notna()]
        if complete_only:
            judged = judged[judged["complete"].astype(bool)]
        if judged.empty:
            continue
        judged = judged.sort_values("week")
        mean = judged["access_working_days_mean"].to_numpy(dtype=float)
        weeks = judged["week"].to_numpy()
        over = mean > norm_working_days
        lost: pd.Timestamp | None = None
        regained: pd.Timestamp | None = None
        if over.any():
            first = int(np.argmax(over))
            lost = pd.Timestamp(weeks[first])
            back = ~over[first:]
            if back.any():
                regained = pd.Timestamp(weeks[first + int(np.argmax(back))])
        peak = int(np.argmax(mean))
        result.append(
            {
                "shop": str(shop),
                "lost_week": lost,
                "regained_week": regained,
                "peak_week": pd.Timestamp(weeks[peak]),
                "peak_working_days": float(mean[peak]),
            }
        )
    table = pd.DataFrame(
        result,
        columns=["shop", "lost_week", "regained_week", "peak_week", "peak_working_days"],
    )
    for column in ("lost_week", "regained_week", "peak_week"):
        table[column] = pd.to_datetime(table[column]).astype("datetime64[ns]")
    return table


def daily_work_in_progress(backlog: pd.DataFrame) -> pd.DataFrame:
    """Return the back-office tasks open at the end of each day per department.

    The count is ``backlog.parquet``'s ``open_end_of_day`` of the department queues: tasks
    created and not yet done (``created_min`` ≤ end of day < ``end_min``, or still open). It
    is taken from the backlog rather than counted in ``tasks.parquet`` because that table
    holds only tasks created after day 0: the tasks a department carries over from the
    warm-up would be missing, and the work in progress would start the year at zero.

    Parameters
    ----------
    backlog : pandas.DataFrame
        ``backlog.parquet`` of a run.

    Returns
    -------
    pandas.DataFrame
        ``department``, ``date`` (``datetime64[ns]``), ``work_in_progress`` (mean over
        replications), one row per department x day, departments in order of appearance.
    """
    rows = backlog[backlog["queue"].astype(str) != "digital"]
    table = (
        rows.groupby([rows["queue"].astype(str).rename("department"), "date"], sort=False)[
            "open_end_of_day"
        ]
        .mean()
        .rename("work_in_progress")
        .reset_index()
    )
    table["date"] = pd.to_datetime(table["date"]).astype("datetime64[ns]")
    return table


def weekly_lead_time(
    tasks: pd.DataFrame,
    *,
    start_date: DateLike,
    horizon_days: float,
    holidays: Iterable[DateLike] = (),
) -> pd.DataFrame:
    """Return the lead time of the tasks done per week and department, with their terms.

    A task's term is read from its ``due_min``, the end of the term's working day after the
    day of creation: the term is the working days after the creation day up to and including
    the due day, counted as ``lead_time_working_days``. A department's task types can have
    different terms (``terms_working_days``), so the term that goes with a week's lead time is
    the mean term of the tasks done that week.

    ``tasks.parquet`` holds only tasks created from day 0 on, so in the first weeks the tasks
    done are only the quick ones (a task done in week *w* that was created in the warm-up is
    missing) and the mean is too low. A week counts as ``complete`` when more working days
    lie between day 0 and its Monday than the department's longest lead time in the run:
    then a task created before day 0 and done that week would have taken longer than any
    task seen.

    Parameters
    ----------
    tasks : pandas.DataFrame
        ``tasks.parquet`` of a run.
    start_date : date-like
        ``calendar.start_date``.
    horizon_days : float
        ``run.horizon_days``.
    holidays : iterable of date-like, optional
        ``calendar.holidays``.

    Returns
    -------
    pandas.DataFrame
        ``department``, ``week`` (Monday of the week the task was done, ``datetime64[ns]``),
        ``done`` (tasks done that week, mean over replications),
        ``lead_time_working_days_mean`` and ``term_working_days_mean`` (means over the
        replications with a task done that week; NaN if none), ``complete``.
    """
    columns = [
        "department",
        "week",
        "done",
        "lead_time_working_days_mean",
        "term_working_days_mean",
        "complete",
    ]
    done = tasks[(tasks["status"].astype(str) == "done") & tasks["end_min"].notna()]
    if done.empty:
        return pd.DataFrame(columns=columns)
    created = _dates(start_date, done["created_min"])
    # due_min is midnight at the end of the due day, so the due day is the day before it.
    due = _dates(start_date, done["due_min"].to_numpy(dtype=float) - 1e-6)
    rows = pd.DataFrame(
        {
            "replication": done["replication"].to_numpy(dtype=np.int64),
            "department": done["department"].astype(str).to_numpy(),
            "week": week_start(_dates(start_date, done["end_min"])).astype("datetime64[ns]"),
            "lead": done["lead_time_working_days"].to_numpy(dtype=float),
            "term": np.busday_count(created + 1, due + 1, holidays=_holidays(holidays)).astype(
                float
            ),
        }
    )
    groups = rows.groupby(["replication", "department", "week"])
    per_replication = pd.DataFrame(
        {
            "done": groups.size().astype(float),
            "lead_time_working_days_mean": groups["lead"].mean(),
            "term_working_days_mean": groups["term"].mean(),
        }
    )
    present = set(rows["department"].unique())
    departments = [d for d in _categories(tasks["department"]) if d in present]
    table = _mean_over_replications(
        per_replication,
        "department",
        departments,
        _weeks_of_run(start_date, horizon_days),
        sorted(pd.unique(tasks["replication"])),
        ("done",),
    )
    longest = rows.groupby("department")["lead"].max()
    mondays = table["week"].to_numpy().astype("datetime64[D]")
    since_start = np.busday_count(
        _day(start_date), np.maximum(mondays, _day(start_date)), holidays=_holidays(holidays)
    )
    table["complete"] = since_start > table["department"].map(longest).to_numpy(dtype=float)
    table["week"] = table["week"].astype("datetime64[ns]")
    return table[columns]


def weekly_failure_demand(
    contacts: pd.DataFrame,
    *,
    start_date: DateLike,
    horizon_days: float,
    kcc_channels: Sequence[str] = KCC_CHANNELS,
) -> pd.DataFrame:
    """Return the chases (failure demand) per week and channel, and their share of inbound.

    A chase (``origin == "chase"``) is a citizen asking where late work is. Its share is taken
    of the *inbound* contacts offered to the same channel that week: every row of the channel
    except outbound callbacks (``origin == "callback"``), whatever its outcome.

    Parameters
    ----------
    contacts : pandas.DataFrame
        ``contacts.parquet`` of a run.
    start_date : date-like
        ``calendar.start_date``.
    horizon_days : float
        ``run.horizon_days``.
    kcc_channels : sequence of str, optional
        The contact centre's channels, pooled in the rows with channel ``"kcc"``.

    Returns
    -------
    pandas.DataFrame
        One row per channel (those with a chase in the run, then ``"kcc"``) and week of the
        run (the week the contact arrived): ``channel``, ``week`` (Monday,
        ``datetime64[ns]``), ``days_in_run`` (days of the week inside the run: fewer in a
        first or last partial week), ``chases`` and ``inbound`` (means over replications),
        ``chase_share`` (chases / inbound, mean over the replications with inbound contacts).
        Empty without chases.
    """
    columns = ["channel", "week", "days_in_run", "chases", "inbound", "chase_share"]
    # The four columns read, by category code: copying a year's table or turning its text
    # columns into strings one by one cost most of the time.
    inbound = inbound_mask(contacts)
    is_chase = is_value(contacts["origin"], "chase")[inbound]
    if not is_chase.any():
        return pd.DataFrame(columns=columns)
    arrival_min = contacts["arrival_min"].to_numpy(dtype=float)[inbound]
    rows = pd.DataFrame(
        {
            "replication": contacts["replication"].to_numpy(dtype=np.int64)[inbound],
            "channel": text_values(contacts["channel"])[inbound],
            "week": week_start(_dates(start_date, arrival_min)).astype("datetime64[ns]"),
            "chase": is_chase.astype(float),
        }
    )
    present = set(rows["channel"][is_chase].unique())
    channels = [c for c in _categories(contacts["channel"]) if c in present]
    # The pooled row takes every contact-centre channel, also one without chases.
    kcc = rows[rows["channel"].isin(kcc_channels)].assign(channel=KCC)
    rows = pd.concat([rows[rows["channel"].isin(channels)], kcc], ignore_index=True)
    groups = rows.groupby(["replication", "channel", "week"])
    per_replication = pd.DataFrame(
        {"chases": groups["chase"].sum(), "inbound": groups.size().astype(float)}
    )
    per_replication["chase_share"] = per_replication["chases"] / per_replication["inbound"]
    weeks = _weeks_of_run(start_date, horizon_days)
    table = _mean_over_replications(
        per_replication,
        "channel",
        [*channels, KCC],
        weeks,
        sorted(pd.unique(contacts["replication"])),
        ("chases", "inbound"),
    )
    days = dict(zip(weeks, _days_in_run(weeks, start_date, horizon_days), strict=True))
    table["days_in_run"] = [int(days[w]) for w in table["week"].to_numpy().astype("datetime64[D]")]
    table["week"] = table["week"].astype("datetime64[ns]")
    return table[columns]
