"""The levers of a workshop and the scenario overlay they make.

A what-if is a road-map year (``scenarios/<year>.yaml``), what-ifs that compose with any year
(the overlays whose ``run.roadmap_step`` is ``null``) and the levers a room argues about:
headcount per staff group and the multi-skilled share of the KCC, a channel shift from phone to
e-mail and forms, the appointment share and the appointment desks, blending and routing, and
demand. :class:`Levers` holds them as plain values; :func:`overlay` turns them, against the
composed configuration of the year and its what-ifs, into the keys a scenario file sets.

Every value the overlay writes is explicit (a service's new channel mix, a shop's desks), so the
saved file says what changed and replays without this module. Only the keys that change are
written: levers at their neutral value add nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from klantstroom.model.policies import POLICIES

# A lever at this value changes nothing.
NEUTRAL = 1.0
# The staff groups whose name starts with this are the multi-skilled ("breed inzetbaar") ones:
# the municipality files name them so (breed_burgerzaken, breed_inzetbaar, ...).
MULTI_SKILLED_PREFIX = "breed"
REAL_TIME = ("phone", "chat", "digital")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# A contact-centre group answers the phone or chat (a midoffice only works e-mail and forms).
CONTACT_CENTRE = ("phone", "chat")


@dataclass(frozen=True)
class Levers:
    """One what-if: a year, what-ifs and lever values (neutral by default).

    Attributes
    ----------
    year : str
        The road-map year's scenario (``nulmeting``, ``jaar1``, ... ``eindbeeld``).
    whatifs : tuple of str
        What-if overlays composed after the year (``extra_avond``, ...), in order.
    start_month : int
        The month (1-12) of the year the reported days start in (its first Monday).
    horizon_days, warmup_days : int
        Days reported, and simulated before them (the back office and the appointment book fill).
    replications : int
        Independent replications (confidence intervals need at least 2).
    headcount_factor : mapping of str to float
        Per staff group, a factor on its whole roster (``roster.headcount_factor``).
    multi_skilled_share : float or None
        The share (0-1) of the KCC's staff hours in its multi-skilled groups; the KCC's total
        stays the same. None keeps the year's.
    channel_shift_pp : float
        Percentage points of every service's phone share moved to e-mail and forms (for the
        services that have both channels; at most half of a service's phone share).
    appointment_share : float or None
        The share (0-1) of counter visits by appointment, for the services offered both by
        appointment and walk-in. None keeps each service's own.
    appointment_desks_factor : float
        A factor on every shop's desks reserved for appointments (the slots in the book). More
        desks need the staff and the desks at the shop: the scenario check says where not.
    counter_blend : bool or None
        Counter staff take phone and e-mail work when no visitor waits (for the groups at a shop
        that have such skills). None keeps the year's.
    routing_policy : str or None
        How a free colleague is chosen (``routing.policy``). None keeps the year's.
    deferred_reserve : int or None
        Idle colleagues a group keeps free for calls before one takes e-mail.
    demand_factor : float
        A factor on every service's volume.
    phone_closing : str or None
        The time (``HH:MM``) the phone line closes every day it is open; the day's calls spread
        over the hours it is open (the intraday profile). None keeps the year's hours.
    language : str
        The language of the run's reports (``nl`` or ``en``).
    """

    year: str = "nulmeting"
    whatifs: tuple[str, ...] = ()
    start_month: int = 3
    horizon_days: int = 28
    warmup_days: int = 14
    replications: int = 2
    headcount_factor: Mapping[str, float] = field(default_factory=dict)
    multi_skilled_share: float | None = None
    channel_shift_pp: float = 0.0
    appointment_share: float | None = None
    appointment_desks_factor: float = NEUTRAL
    counter_blend: bool | None = None
    routing_policy: str | None = None
    deferred_reserve: int | None = None
    demand_factor: float = NEUTRAL
    phone_closing: str | None = None
    language: str = "nl"

    def baseline(self) -> Levers:
        """The same year and run settings with no what-if and every lever neutral."""
        return Levers(
            year=self.year,
            start_month=self.start_month,
            horizon_days=self.horizon_days,
            warmup_days=self.warmup_days,
            replications=self.replications,
            language=self.language,
        )

    def scenarios(self) -> list[str]:
        """The overlays, in the order they are composed."""
        return [self.year, *self.whatifs]


class LeverError(ValueError):
    """A lever value outside what it allows; the message names the lever."""


@dataclass(frozen=True)
class Overlay:
    """A scenario file of the scenarios folder and what the workshop knows of it."""

    name: str
    label: str
    roadmap_step: int | None


def overlays(folder: Path) -> tuple[list[Overlay], list[Overlay]]:
    """The road-map years and the what-ifs among the scenario files in ``folder``.

    A year has an integer ``run.roadmap_step``; a what-if composes with any year and says so with
    ``run.roadmap_step: null``. Other overlays (a path, another municipality) are neither.
    """
    years: list[Overlay] = []
    whatifs: list[Overlay] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        run = data.get("run") if isinstance(data, Mapping) else None
        if not isinstance(run, Mapping) or "roadmap_step" not in run:
            continue
        # "Extra avond (${params.jaar})": the year is chosen on the page.
        label = str(run.get("label") or path.stem).replace(" (${params.jaar})", "")
        step = run["roadmap_step"]
        entry = Overlay(path.stem, label, step if isinstance(step, int) else None)
        (years if entry.roadmap_step is not None else whatifs).append(entry)
    years.sort(key=lambda o: o.roadmap_step or 0)
    return years, whatifs


def first_monday(year: int, month: int) -> dt.date:
    """The first Monday of ``month`` in ``year`` (a run starts on a Monday)."""
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def kcc_groups(base: Mapping[str, Any]) -> list[str]:
    """The contact centre's groups: phone or chat skills, no shop, no department."""
    groups = base.get("staff_groups") or {}
    return [
        name
        for name, group in groups.items()
        if not group.get("shop")
        and not group.get("department")
        and _channels(group) & set(CONTACT_CENTRE)
    ]


def multi_skilled_share(base: Mapping[str, Any], hours: Mapping[str, float]) -> float:
    """The share of the contact centre's staff hours in its multi-skilled groups (0 without)."""
    kcc = kcc_groups(base)
    total = sum(hours.get(name, 0.0) for name in kcc)
    broad = sum(hours.get(name, 0.0) for name in kcc if name.startswith(MULTI_SKILLED_PREFIX))
    return broad / total if total else 0.0


def blendable_groups(base: Mapping[str, Any]) -> list[str]:
    """The groups at a shop that also have phone or e-mail skills (blending can apply)."""
    groups = base.get("staff_groups") or {}
    return [
        name
        for name, group in groups.items()
        if group.get("shop") and _channels(group) & set(REAL_TIME)
    ]


def _channels(group: Mapping[str, Any]) -> set[str]:
    """The channels a group has a skill in (the schema lists every channel, unset ones None)."""
    return {
        channel
        for skills in (group.get("skills") or {}).values()
        for channel, skill in (skills or {}).items()
        if skill is not None
    }


def overlay(base: Mapping[str, Any], levers: Levers, hours: Mapping[str, float]) -> dict[str, Any]:
    """The keys a scenario file sets to apply ``levers`` on top of ``base``.

    Parameters
    ----------
    base : mapping
        The composed, resolved configuration of ``levers.scenarios()`` (a plain dict).
    levers : Levers
        The what-if.
    hours : mapping of str to float
        Staff hours per week per staff group in ``base`` (for the multi-skilled share).

    Returns
    -------
    dict
        Nested keys and values, ready to be written under ``# @package _global_``.

    Raises
    ------
    LeverError
        A lever out of range, or one that cannot apply (a multi-skilled share without
        multi-skilled groups); the message names the lever and what it allows.
    """
    _check(levers, base)
    start = dt.date.fromisoformat(str(base["calendar"]["start_date"]))
    diff: dict[str, Any] = {
        "run": {
            "horizon_days": levers.horizon_days,
            "warmup_days": levers.warmup_days,
            "replications": levers.replications,
            "roadmap_step": None,
        },
        "calendar": {"start_date": first_monday(start.year, levers.start_month).isoformat()},
        "report": {"language": levers.language},
    }
    factors = _headcount_factors(base, levers, hours)
    groups = base.get("staff_groups") or {}
    for name, factor in factors.items():
        old = float(((groups[name].get("roster") or {}).get("headcount_factor")) or 1.0)
        _put(diff, ("staff_groups", name, "roster", "headcount_factor"), round(old * factor, 4))
    services = base.get("services") or {}
    for name, service in services.items():
        mix = dict(service.get("channel_mix") or {})
        if levers.channel_shift_pp and "phone" in mix and "digital" in mix:
            # At most half a service's phone share moves: some citizens keep calling, and a
            # channel left at 0 would break the service's switches to it.
            moved = min(levers.channel_shift_pp / 100.0, float(mix["phone"]) / 2.0)
            mix["phone"] = round(float(mix["phone"]) - moved, 4)
            mix["digital"] = round(float(mix["digital"]) + moved, 4)
            _put(diff, ("services", name, "channel_mix"), mix)
        share = float((service.get("counter") or {}).get("appointment_share") or 0.0)
        if levers.appointment_share is not None and 0.0 < share < 1.0 and "counter" in mix:
            _put(diff, ("services", name, "counter", "appointment_share"), levers.appointment_share)
        if levers.demand_factor != NEUTRAL:
            for key in ("volume_per_year", "rate_per_hour"):
                if service.get(key):  # None or 0: nothing to scale
                    value = round(float(service[key]) * levers.demand_factor, 3)
                    _put(diff, ("services", name, key), value)
    if levers.appointment_desks_factor != NEUTRAL:
        for name, shop in (base.get("shops") or {}).items():
            desks = shop.get("appointment_desks") or []
            if desks:
                factor = levers.appointment_desks_factor
                scaled = [
                    {**block, "desks": round(float(block["desks"]) * factor)} for block in desks
                ]
                _put(diff, ("shops", name, "appointment_desks"), scaled)
    if levers.counter_blend is not None:
        for name in blendable_groups(base):
            if bool(groups[name].get("blend", False)) != levers.counter_blend:
                _put(diff, ("staff_groups", name, "blend"), levers.counter_blend)
    if levers.phone_closing is not None:
        phone_hours = _closing(base, levers.phone_closing)
        if phone_hours != (base.get("channels") or {}).get("phone", {}).get("opening_hours"):
            _put(diff, ("channels", "phone", "opening_hours"), phone_hours)
    routing = base.get("routing") or {}
    if levers.routing_policy is not None and levers.routing_policy != routing.get("policy"):
        _put(diff, ("routing", "policy"), levers.routing_policy)
    if levers.deferred_reserve is not None and levers.deferred_reserve != routing.get(
        "deferred_reserve"
    ):
        _put(diff, ("routing", "deferred_reserve"), levers.deferred_reserve)
    return diff


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return 60 * int(hours) + int(minutes)


def _closing(base: Mapping[str, Any], closing: str) -> dict[str, list[str]]:
    """The phone's opening hours with every open day ending at ``closing``."""
    if not _HHMM.fullmatch(closing):
        raise LeverError(f"phone_closing: must be a time HH:MM (e.g. 16:30), got {closing!r}")
    end = _minutes(closing)
    hours = (base.get("channels") or {}).get("phone", {}).get("opening_hours") or {}
    result: dict[str, list[str]] = {}
    for day, periods in hours.items():
        kept = []
        for period in periods or []:
            start_text, _, end_text = str(period).partition("-")
            if _minutes(start_text) >= end:
                continue  # opens after the new closing time: closed
            kept.append(f"{start_text}-{min(end_text, closing, key=_minutes)}")
        if periods and not kept:
            raise LeverError(
                f"phone_closing: {closing} is before the phone opens on {day} "
                f"({', '.join(periods)}); choose a later time"
            )
        result[str(day)] = kept
    return result


def _headcount_factors(
    base: Mapping[str, Any], levers: Levers, hours: Mapping[str, float]
) -> dict[str, float]:
    """The factor per group: the multi-skilled share's, times the group's own lever."""
    factors = {name: float(f) for name, f in levers.headcount_factor.items() if f != NEUTRAL}
    if levers.multi_skilled_share is None:
        return factors
    kcc = kcc_groups(base)
    # Hours as the groups stand after their own lever, so the share is of what the room chose.
    own = {name: hours.get(name, 0.0) * factors.get(name, 1.0) for name in kcc}
    broad = [n for n in kcc if n.startswith(MULTI_SKILLED_PREFIX)]
    specialist = [n for n in kcc if not n.startswith(MULTI_SKILLED_PREFIX)]
    broad_hours = sum(own[n] for n in broad)
    specialist_hours = sum(own[n] for n in specialist)
    total = broad_hours + specialist_hours
    share = levers.multi_skilled_share
    if (broad_hours <= 0 and share > 0) or (specialist_hours <= 0 and share < 1):
        raise LeverError(
            f"multi_skilled_share: this year has {broad_hours:.0f} h a week in multi-skilled "
            f"KCC groups ({MULTI_SKILLED_PREFIX}_*) and {specialist_hours:.0f} h in specialist "
            "ones; the share can only move hours between groups that exist"
        )
    parts = ((broad, share, broad_hours), (specialist, 1 - share, specialist_hours))
    for names, part, now in parts:
        if now > 0:
            for name in names:
                factors[name] = factors.get(name, 1.0) * part * total / now
    return {name: f for name, f in factors.items() if abs(f - 1.0) > 1e-9}


def _check(levers: Levers, base: Mapping[str, Any]) -> None:
    """Every lever within its range, every group a group of ``base``."""
    limits: list[tuple[str, float, float, float]] = [
        ("start_month", levers.start_month, 1, 12),
        # A week at least: every weekday once, and the personas' matters (days 0-3) inside.
        ("horizon_days", levers.horizon_days, 7, 371),
        ("warmup_days", levers.warmup_days, 0, 140),
        ("replications", levers.replications, 1, 50),
        ("channel_shift_pp", levers.channel_shift_pp, 0, 100),
        ("appointment_desks_factor", levers.appointment_desks_factor, 0, 5),
        ("demand_factor", levers.demand_factor, 0, 5),
    ]
    if levers.multi_skilled_share is not None:
        limits.append(("multi_skilled_share", levers.multi_skilled_share, 0, 1))
    if levers.appointment_share is not None:
        limits.append(("appointment_share", levers.appointment_share, 0, 1))
    if levers.deferred_reserve is not None:
        limits.append(("deferred_reserve", levers.deferred_reserve, 0, 50))
    for name, value, low, high in limits:
        if not low <= value <= high:
            raise LeverError(f"{name}: must be between {low:g} and {high:g}, got {value:g}")
    groups = base.get("staff_groups") or {}
    for name, factor in levers.headcount_factor.items():
        if name not in groups:
            raise LeverError(
                f"headcount_factor.{name}: no such staff group; allowed: {', '.join(groups)}"
            )
        if not 0.0 <= factor <= 10.0:
            raise LeverError(f"headcount_factor.{name}: must be between 0 and 10, got {factor:g}")
    if levers.language not in ("nl", "en"):
        raise LeverError(f"language: must be nl or en, got {levers.language!r}")
    if levers.routing_policy is not None and levers.routing_policy not in POLICIES:
        raise LeverError(
            f"routing_policy: must be one of {', '.join(POLICIES)}, got {levers.routing_policy!r}"
        )


def _put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
