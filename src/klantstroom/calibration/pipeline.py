"""From an imported call log to a fitted, runnable scenario.

:func:`calibrate` fits everything the model needs from the log and :func:`scenario_config`
turns the fits into a configuration in klantstroom's own schema:

* one phone channel, open on the weekdays the log has calls, with a weekday factor and an
  intraday profile per weekday (of *fresh* calls: redials are left out, because the model
  generates them itself) and the day-to-day volume variation beyond Poisson;
* a service per call type, its yearly volume set so that the expected number of fresh calls over
  the log's dates equals the observed number, and its handling time the best-fitting of
  exponential, lognormal and gamma;
* patience from the censored waits (served callers are censored observations), the best of
  exponential and lognormal;
* redial probability and delay from callers who call again after hanging up;
* handling-time factors by hour of the day and by weekday where the log shows them beyond chance
  (:mod:`klantstroom.calibration.handling_profile`);
* one group of agents with every skill, its headcount per weekday and interval inferred from
  agent activity, its wrap-up the after-call work measured between calls and its breaks a share
  of the agents off the queue per interval (:mod:`klantstroom.calibration.availability`).

Priorities are not modelled: in the Anonymous Bank log, priority customers waited about as long as
regular ones, so the routing did not serve them first (see the validation report).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import yaml

from klantstroom.calibration.arrivals import ArrivalProfile, arrival_profile
from klantstroom.calibration.availability import (
    AfterCallWork,
    Unavailability,
    after_call_work,
    break_time,
    unavailable_after_calls,
    unavailable_share_by_weekday,
)
from klantstroom.calibration.compare import base_service
from klantstroom.calibration.handling_profile import HandlingProfile, handling_profile
from klantstroom.calibration.logs import ImportReport
from klantstroom.calibration.patience import PatienceFit, fit_patience
from klantstroom.calibration.redials import RedialFit, detect_redials, expected_fresh_calls
from klantstroom.calibration.replay import service_key
from klantstroom.calibration.service_times import ServiceFit, fit_service_times
from klantstroom.calibration.staffing_inference import (
    class_share_by_load,
    infer_staffing,
    round_headcount,
    shape_groups,
    staffing_by_weekday,
    staffing_on_weekday_shape,
)

T = TypeVar("T")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MODEL_PATIENCE_KINDS = ("exponential", "lognormal", "weibull")
INTERVAL_MIN = 30
REFERENCE_DAYS = 365


# A class whose calls queue less than this fraction as often as all calls do was evidently
# answered ahead of the queue (in the Anonymous Bank log: 1% of unidentified callers queued,
# against about half of all calls).
SERVED_FIRST_RATIO = 0.1
# Agents are on duty before their first call and after their last: in the Anonymous Bank log
# first answers of the day pile up in the 10 minutes after the hour (about six times the rate at
# other minutes) and last call ends in the 20 minutes before it. A spell within 15 minutes of
# the hour is extended to it. Without this the inferred staffing is short at every shift edge,
# which is where the replays overestimated abandonment most (hours 7-8 and 22-23).
SHIFT_GRID_MIN = 60
SHIFT_SNAP_MIN = 15.0
BREAK_GAP_MIN = 30.0  # off calls for longer than this: a break or the end of a shift
MIN_ABANDONED_FOR_OWN_PATIENCE = 50
MIN_CALLS_FOR_OWN_PROFILE = 300


def model_services(calls: pd.DataFrame) -> pd.Series:
    """The model service of each call: its type, split by priority value when the log has more
    than one (classes may be routed differently and differ in patience)."""
    split = calls["priority"].nunique() > 1
    return pd.Series(
        [
            service_key(str(s), int(p), split)
            for s, p in zip(calls["service"], calls["priority"], strict=True)
        ],
        index=calls.index,
        name="model_service",
    )


@dataclass
class Calibration:
    """Everything fitted from one log (``calls`` carries a ``model_service`` column)."""

    calls: pd.DataFrame
    import_report: ImportReport
    # The calls less the redials the model adds itself (redials.expected_fresh_calls: weighted
    # rows).
    fresh_calls: pd.DataFrame
    fresh_profile: ArrivalProfile
    service_fits: dict[str, ServiceFit]
    patience: PatienceFit | None  # None: nobody abandoned, patience cannot be estimated
    class_patience: dict[str, PatienceFit]
    served_first: dict[str, bool]
    # For classes answered ahead of the queue: their share of the type by queue load.
    class_load: dict[str, pd.DataFrame]
    redials: RedialFit
    staffing: pd.DataFrame
    staffing_as_logged: pd.DataFrame  # before extending spells to shift boundaries
    shift_grid_min: int
    shift_snap_min: float
    unavailability: Unavailability
    after_call: AfterCallWork  # the gaps up to the break threshold
    wrapup_fit: ServiceFit | None  # of the after-call work; None: too few gaps to fit
    # Breaks per date and interval (availability.break_time) and the share of agents away per
    # weekday (0 = Monday) x interval start minute; all zero when the log shows no breaks.
    breaks: pd.DataFrame
    unavailable_share: pd.DataFrame
    # Per call type, handling-time factors by "hour" and by "weekday".
    handling_profiles: dict[str, dict[str, HandlingProfile]]


def calibrate(
    calls: pd.DataFrame,
    import_report: ImportReport,
    *,
    shift_grid_min: int = SHIFT_GRID_MIN,
    shift_snap_min: float = SHIFT_SNAP_MIN,
    break_threshold_s: float | None = None,
) -> Calibration:
    """Fit arrivals, handling times, patience, redials, staffing, wrap-up and breaks.

    ``shift_grid_min`` and ``shift_snap_min`` say how working spells are extended to shift
    boundaries when staffing is inferred
    (:func:`~klantstroom.calibration.staffing_inference.infer_staffing`).
    ``break_threshold_s`` splits the gaps between calls into after-call work and breaks (None:
    where the gap mixture puts it, :func:`~klantstroom.calibration.availability.fit_gap_mixture`;
    1800 or more: no breaks, every gap is after-call work).
    """
    calls = calls.assign(model_service=model_services(calls))
    queued = calls["wait_s"].to_numpy(dtype=float) > 0
    overall_queued = float(queued.mean())
    served_first = {}
    class_patience = {}
    for key, index in calls.groupby("model_service").indices.items():
        served_first[str(key)] = float(queued[index].mean()) < SERVED_FIRST_RATIO * overall_queued
        group = calls.iloc[index]
        # A class answered ahead of the queue hardly waits, so its few abandonments say little
        # about its patience (those who hang up are the impatient ones): it keeps the pooled one.
        enough = (group["outcome"] == "abandoned").sum() >= MIN_ABANDONED_FOR_OWN_PATIENCE
        if enough and not served_first[str(key)]:
            class_patience[str(key)] = fit_patience(group)
    redials = detect_redials(calls)
    redial = redial_block(redials)
    fresh = expected_fresh_calls(
        calls, redial["probability"], redial.get("delay", {}).get("mean_min", 0.0)
    )
    pooled = fit_service_times(calls.loc[calls["outcome"] == "served", "service_s"].to_numpy())
    service_fits = {}
    for service, group in calls.groupby("service"):
        seconds = group.loc[group["outcome"] == "served", "service_s"].to_numpy(dtype=float)
        try:
            service_fits[str(service)] = fit_service_times(seconds)
        except ValueError:  # too few served calls of this type: use all types together
            service_fits[str(service)] = pooled
    unavailability = unavailable_after_calls(calls)
    staffing = infer_staffing(
        calls,
        INTERVAL_MIN,
        break_gap_min=BREAK_GAP_MIN,
        shift_grid_min=shift_grid_min,
        snap_min=shift_snap_min,
    )
    after_call, breaks, share = split_breaks(calls, staffing, unavailability, break_threshold_s)
    served = calls[calls["outcome"] == "served"]
    profiles = {
        str(service): {by: handling_profile(group, by) for by in ("hour", "weekday")}
        for service, group in served.groupby("service", observed=True)
        if len(group) >= MIN_CALLS_FOR_OWN_PROFILE
    }
    return Calibration(
        calls=calls,
        import_report=import_report,
        fresh_calls=fresh,
        fresh_profile=arrival_profile(fresh, INTERVAL_MIN),
        service_fits=service_fits,
        patience=_optional(fit_patience, calls),
        class_patience=class_patience,
        served_first=served_first,
        class_load={
            key: class_share_by_load(calls, key) for key, first in served_first.items() if first
        },
        redials=redials,
        staffing=staffing,
        staffing_as_logged=infer_staffing(calls, INTERVAL_MIN, break_gap_min=BREAK_GAP_MIN),
        shift_grid_min=shift_grid_min,
        shift_snap_min=shift_snap_min,
        unavailability=unavailability,
        after_call=after_call,
        wrapup_fit=_optional(fit_service_times, after_call.gaps_s),
        breaks=breaks,
        unavailable_share=share,
        handling_profiles=profiles,
    )


def split_breaks(
    calls: pd.DataFrame,
    staffing: pd.DataFrame,
    unavailability: Unavailability,
    threshold_s: float | None,
) -> tuple[AfterCallWork, pd.DataFrame, pd.DataFrame]:
    """After-call work, the breaks per date x interval and the share of agents away per weekday.

    ``threshold_s`` None: where the gap mixture puts it. Without breaks the shares are all zero.
    """
    after_call = after_call_work(unavailability, threshold_s)
    breaks = break_time(calls, staffing, after_call)
    share = unavailable_share_by_weekday(breaks)
    return after_call, breaks, share if after_call.breaks else share * 0.0


def with_break_threshold(cal: Calibration, threshold_s: float | None) -> Calibration:
    """``cal`` with its gaps split into after-call work and breaks at another threshold."""
    after_call, breaks, share = split_breaks(
        cal.calls, cal.staffing, cal.unavailability, threshold_s
    )
    return dataclasses.replace(
        cal,
        after_call=after_call,
        wrapup_fit=_optional(fit_service_times, after_call.gaps_s),
        breaks=breaks,
        unavailable_share=share,
    )


def _optional(fit: Callable[[Any], T], data: Any) -> T | None:
    """Run a fit that raises ValueError on too little data; None when it does."""
    try:
        return fit(data)
    except ValueError:
        return None


def patience_choice(fit: PatienceFit) -> tuple[str, float, float]:
    """The patience distribution for the model: (kind, mean_s, cv).

    Among the fitted kinds (all of which klantstroom can simulate), the one closest to the
    Kaplan–Meier curve (smallest largest gap). Not the lowest AIC: with many callers hanging up
    after 0 s, AIC rewards a lognormal with an absurd tail (in the Anonymous Bank log a mean
    patience of half an hour) that follows the survival curve worse where waits occur.
    """
    table = fit.candidates[fit.candidates.index.isin(MODEL_PATIENCE_KINDS)]
    best = table.iloc[int(np.argmin(table["max_diff_km"].to_numpy(dtype=float)))]
    return str(best.name), float(best["mean_s"]), float(best["cv"])


def wrapup_block(cal: Calibration) -> dict[str, Any] | None:
    """Wrap-up for the model: the fitted kind with the measured after-call mean and cv.

    The mean decides how much capacity is lost, so it is taken from the gaps themselves rather
    than from a fit that may follow the many short gaps better than the long tail.
    """
    work = cal.after_call
    if cal.wrapup_fit is None:
        return None
    return distribution_block(cal.wrapup_fit.kind, work.mean_s, work.cv)


def unavailable_share_block(cal: Calibration, open_days: list[int]) -> dict[str, list[float]]:
    """The roster's ``unavailable_share`` (breaks) per open weekday; empty without breaks."""
    share = cal.unavailable_share
    if not cal.after_call.breaks or not len(share) or float(share.to_numpy().max()) <= 0:
        return {}
    return {
        WEEKDAYS[w]: [round(float(x), 4) for x in share.loc[w].to_numpy(dtype=float)]
        for w in open_days
        if w in share.index
    }


def handling_factor_blocks(cal: Calibration, service: str, channel: str) -> dict[str, Any]:
    """``handling_by_hour`` / ``handling_by_weekday`` of a call type, where the log shows them."""
    blocks: dict[str, Any] = {}
    for by, profile in cal.handling_profiles.get(service, {}).items():
        if profile.used:
            blocks[f"handling_by_{by}"] = {channel: profile.factors()}
    return blocks


def redial_block(redials: RedialFit) -> dict[str, Any]:
    """Redial settings; with no redial found, probability 0 (and the default delay)."""
    if not redials.n_followed or not np.isfinite(redials.mean_delay_min):
        return {"probability": 0.0}
    return {
        "probability": round(float(redials.probability), 4),
        "delay": {"kind": "exponential", "mean_min": round(max(redials.mean_delay_min, 0.1), 3)},
        "max_attempts": 3,
    }


def distribution_block(kind: str, mean_s: float, cv: float) -> dict[str, Any]:
    """A klantstroom distribution block (minutes) from a fitted kind, mean and cv."""
    block: dict[str, Any] = {"kind": kind, "mean_min": round(mean_s / 60.0, 4)}
    if kind in ("lognormal", "gamma", "weibull") and not (np.isfinite(cv) and cv >= 1e-3):
        # A fit without spread (a handful of equal values) is a fixed duration.
        return {"kind": "deterministic", "mean_min": block["mean_min"]}
    if kind in ("lognormal", "gamma", "weibull"):
        block["cv"] = round(cv, 4)
    return block


def weekly_profiles(
    profile: ArrivalProfile,
    days: list[int],
    groups: Mapping[int, Sequence[int]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Intraday profile blocks per weekday (48 half-hour shares from 00:00) with calls.

    ``groups`` gives, per weekday, the weekdays whose mean calls per interval make its shape
    (weighted by their dates; :func:`~klantstroom.calibration.staffing_inference.shape_groups`);
    default: its own.
    """
    table = profile.mean_per_interval
    blocks = {}
    for w in days:
        members = [m for m in (groups or {}).get(w, [w]) if m in table.index] or [w]
        weights = np.array([profile.days_observed.get(m, 0) for m in members], dtype=float)
        rows = table.loc[members].to_numpy(dtype=float)
        row = rows.T @ weights / weights.sum() if weights.sum() > 0 else rows.mean(axis=0)
        if row.sum() <= 0:
            continue
        shares = [round(x, 6) for x in (row / row.sum()).tolist()]
        shares[int(np.argmax(shares))] += round(1 - sum(shares), 6)  # sum to 1 after rounding
        blocks[WEEKDAYS[w]] = {"start": "00:00", "interval_min": INTERVAL_MIN, "shares": shares}
    return blocks


def fresh_calls_per_day_and_service(cal: Calibration) -> pd.DataFrame:
    """Expected fresh (not redialled) calls per date x service.

    Redials are linked by caller id only for known callers, but anonymous callers redial too.
    The model redials a share ``probability`` of *all* abandoning callers, so the same expected
    number is taken off the log's counts
    (:func:`~klantstroom.calibration.redials.expected_fresh_calls`).
    """
    fresh = cal.fresh_calls
    day = pd.to_datetime(fresh["arrival"]).dt.normalize()
    total = fresh.groupby([day, "model_service"])["weight"].sum()
    return total.unstack(fill_value=0).astype(float).clip(lower=0.0)


def scenario_config(
    cal: Calibration, *, name: str, seed: int = 1, replications: int = 10, channel: str = "phone"
) -> dict[str, Any]:
    """The fitted scenario of the log's period as a configuration dict (klantstroom's schema).

    Weekday factors, profiles and rosters describe an average week; ``date_factors`` and
    ``headcount_by_date`` then set each logged date's volume and agent hours, because the
    staffing of a real centre follows the volume it expects for that day (in the Anonymous Bank
    log the daily staff hours correlate 0.96 with daily calls). Within the day both follow the
    weekday's shape
    (:func:`~klantstroom.calibration.staffing_inference.staffing_on_weekday_shape`). For
    another period, drop those two and set ``daily_volume_cv`` to the fitted value given in
    the description. ``channel`` is
    ``phone`` for call logs and ``counter`` for counter queue-system logs.
    """
    fresh = fresh_calls_per_day_and_service(cal)
    daily = fresh.sum(axis=1)
    dates = [pd.Timestamp(d) for d in daily.index]
    start = dates[0].date()
    span_days = (dates[-1] - dates[0]).days + 1
    weekday_of = np.array([d.weekday() for d in dates])
    mean_by_weekday = {
        w: float(daily.to_numpy()[weekday_of == w].mean()) if (weekday_of == w).any() else 0.0
        for w in range(7)
    }
    overall = float(np.mean([v for v in mean_by_weekday.values() if v > 0]))
    factors = {w: mean_by_weekday[w] / overall for w in range(7)}
    open_days = [w for w in range(7) if factors[w] > 0]
    date_factors = {
        d.date().isoformat(): float(daily.iloc[i] / mean_by_weekday[d.weekday()])
        for i, d in enumerate(dates)
    }
    # Expected fresh calls of a service on date d = V * f(weekday) * g(d) / R, with R the weekday
    # factors summed over a reference year from the start date (as the model's demand does), so
    # over the log's dates the expectation equals the count when V = N * R / sum of f * g.
    reference = sum(
        factors[(start + dt.timedelta(days=i)).weekday()] for i in range(REFERENCE_DAYS)
    )
    over_log = sum(factors[d.weekday()] * date_factors[d.date().isoformat()] for d in dates)
    counts = fresh.sum(axis=0)
    fresh_calls = cal.fresh_calls
    profile = cal.fresh_profile
    # A weekday seen on one date only takes the shape of the weekdays alike (calls and staff).
    groups = shape_groups(cal.staffing)
    profiles = weekly_profiles(profile, open_days, groups)
    roster = round_headcount(staffing_by_weekday(cal.staffing))
    headcount = {
        WEEKDAYS[int(w)]: [int(x) for x in roster.loc[w].tolist()]
        for w in roster.index
        if int(w) in open_days
    }
    # Each date's agent hours in its weekday's shape, as its calls are (date factor times the
    # weekday profile): see staffing_inference.staffing_on_weekday_shape for why not the date's
    # own shape.
    by_date = round_headcount(staffing_on_weekday_shape(cal.staffing, groups))
    headcount_by_date = {
        pd.Timestamp(d).date().isoformat(): [int(x) for x in by_date.loc[d].tolist()]
        for d in by_date.index
    }
    patience = None if cal.patience is None else distribution_block(*patience_choice(cal.patience))
    services = [str(s) for s in counts.index if counts[s] > 0]

    def service_block(key: str) -> dict[str, Any]:
        fit = cal.service_fits[base_service(key)]
        block: dict[str, Any] = {
            "label": key,
            "volume_per_year": round(float(counts[key]) * reference / over_log, 1),
            "channel_mix": {channel: 1.0},
            # The fitted shape with the observed mean: the mean is the work to be done.
            "handling": {channel: distribution_block(fit.kind, fit.sample_mean_s, fit.cv)},
            "fcr_probability": 1.0,
            "priority": 1.0 if cal.served_first.get(key) else 0.0,
            **handling_factor_blocks(cal, base_service(key), channel),
        }
        if key in cal.class_patience:
            block["patience"] = distribution_block(*patience_choice(cal.class_patience[key]))
        # Call types peak at different hours (in the Anonymous Bank log a quarter of the calls
        # at 16:00 are of other types than PS): large services get their own daily shape.
        own = fresh_calls[fresh_calls["model_service"] == key]
        if len(own) >= MIN_CALLS_FOR_OWN_PROFILE:
            block["intraday_profile_by_day"] = weekly_profiles(
                arrival_profile(own, INTERVAL_MIN), open_days, groups
            )
        return block

    return {
        "description": (
            f"Fitted from {cal.import_report.path.name} by klantstroom-calibrate. For another "
            f"period drop date_factors and headcount_by_date and set channels.{channel}."
            f"daily_volume_cv to the fitted {profile.daily_cv:.3f}."
        ),
        "run": {
            "name": name,
            "seed": seed,
            "replications": replications,
            "horizon_days": float(span_days),
            "warmup_days": 0.0,
        },
        "calendar": {"start_date": start.isoformat(), "interval_min": INTERVAL_MIN, "holidays": []},
        "channels": {
            channel: {
                "opening_hours": {d: (["00:00-24:00"] if d in profiles else []) for d in WEEKDAYS},
                "open_on_holidays": True,
                "weekday_factors": {WEEKDAYS[w]: round(factors[w], 6) for w in range(7)},
                "intraday_profile_by_day": profiles,
                "daily_volume_cv": 0.0,
                "date_factors": {d: round(f, 6) for d, f in date_factors.items()},
                "patience": patience,
                "redial": redial_block(cal.redials),
                "service_level_threshold_s": 30.0,
                "service_level_target": 0.8,
            }
        },
        "services": {key: service_block(key) for key in services},
        "staff_groups": {
            "agents": {
                "label": "Agents (inferred from the log)",
                "skills": {s: {channel: {"rank": 1}} for s in services},
                "wrapup": wrapup_block(cal),
                "roster": {
                    "works_holidays": True,
                    "headcount": headcount,
                    "headcount_by_date": headcount_by_date,
                    **_nonempty("unavailable_share", unavailable_share_block(cal, open_days)),
                },
            }
        },
        # Classes answered ahead of the queue get priority; otherwise first come, first served.
        "routing": {"policy": "priority" if any(cal.served_first.values()) else "specialist_first"},
    }


def _nonempty(key: str, value: Any) -> dict[str, Any]:
    """``{key: value}``, or nothing when ``value`` is empty (keeps the scenario file short)."""
    return {key: value} if value else {}


_BACKSLASHES_BEFORE_INTERPOLATION = re.compile(r"(\\*)\$\{")


def literal_text(text: str) -> str:
    """``text`` escaped so that OmegaConf reads it back as written, never as an interpolation.

    In OmegaConf ``\\${`` is a literal ``${`` and ``\\\\`` before ``${`` a literal backslash;
    so every ``${`` gets one more backslash than twice the backslashes already before it.
    """
    return _BACKSLASHES_BEFORE_INTERPOLATION.sub(lambda match: match.group(1) * 2 + "\\${", text)


def _literal_values(node: Any) -> Any:
    """``node`` with every string value made literal (keys are never interpolated)."""
    if isinstance(node, dict):
        return {key: _literal_values(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_literal_values(value) for value in node]
    return literal_text(node) if isinstance(node, str) else node


def write_scenario(config: dict[str, Any], path: Path, log_path: Path) -> Path:
    """Write ``config`` as a scenario overlay (``# @package _global_``) that replaces the base.

    Names and texts come from the log (service names, the log's file name): string values are
    escaped so that none becomes an interpolation (``${oc.env:HOME}`` stays text), the comment
    cannot be broken out of, and ``yaml.safe_dump`` quotes whatever YAML would misread.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    source = "".join(c if c.isprintable() else "?" for c in log_path.name)
    header = (
        "# @package _global_\n"
        f"# Fitted by klantstroom-calibrate from {source} on {dt.date.today()}.\n"
        "# Every value is estimated from the log; see the calibration report beside it.\n"
    )
    body = {"defaults": [{"override /municipality": "blank"}], **_literal_values(config)}
    path.write_text(header + yaml.safe_dump(body, sort_keys=False, width=100), encoding="utf-8")
    return path
