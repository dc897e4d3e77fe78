"""Citizen segments: groups of citizens who reach the municipality in their own way.

Citizens differ. The digitally skilled (digitaal vaardig) fill in a web form; the digitally
vulnerable (digitaal kwetsbaar) phone or come to the counter, take longer and wait longer
before they give up; businesses and partners in the chain (an undertaker registering a death)
have channels of their own. A segment (``segments.<name>``) says, per service, which share of
its citizens belong to it, and for them:

* ``channel_mix`` — the channels their contacts arrive on, replacing the service's mix (per
  service, or ``default`` for every service without its own entry);
* ``channel_switch`` — where they go after a failed contact, replacing the service's switch on
  the same channel (per service, or ``default``);
* ``patience_factor`` and ``handling_factor`` — multipliers of the patience and handling time
  drawn for their contacts.

With segments, a service's demand per channel is the segment-weighted mix,
``sum over segments of share x mix``, and this module writes that mix into the service
(:attr:`ServiceSpec.channel_mix`), so demand, queues, staffing and every check downstream see
the channels the citizens actually use. Without ``segments`` nothing changes: every citizen
belongs to the one segment ``all``, with the service's mix, switches and factors of 1.

The rules for ``default`` entries: a default channel mix applies to every service the segment
has a share of and no entry for, and must name only channels those services have a handling
time on (an error names the service otherwise); a default switch applies to the services on
which both its channels have demand, and to no other (a KCC service has no counter to switch
to).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from klantstroom.scenario.checks import (
    MAX_HANDLING_FACTOR,
    SHARE_TOLERANCE,
    Checker,
)
from klantstroom.scenario.journeys import build_switches
from klantstroom.scenario.spec import ChannelSpec, ServiceSpec, SwitchSpec

DEFAULT = "default"
# Segments are logged as a small integer per contact (int8).
MAX_SEGMENTS = 100
# The name of the one segment of a scenario without segments, in the tables; also the KPI
# tables' "all of them" key, which is what it is.
NO_SEGMENT = "all"


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """A segment of citizens and how its citizens reach the municipality.

    Attributes
    ----------
    name, label : str
        Key (``segments.<name>``) and display name.
    shares : tuple of (str, float)
        Per service (every service of the scenario), the share of its new matters that come
        from this segment's citizens.
    channel_mix : tuple of (str, tuple of (str, float))
        Per service with a share above 0, the channel mix of this segment's contacts: its own
        (per service or ``default``) or else the service's configured mix.
    switches : tuple of (str, tuple of SwitchSpec)
        Per service, the segment's own channel switches; each replaces the service's switch
        from the same channel. A channel without one keeps the service's.
    patience_factor, handling_factor : float
        Multipliers of the drawn patience and handling time of this segment's contacts.
    """

    name: str
    label: str
    shares: tuple[tuple[str, float], ...]
    channel_mix: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()
    switches: tuple[tuple[str, tuple[SwitchSpec, ...]], ...] = ()
    patience_factor: float = 1.0
    handling_factor: float = 1.0

    def share(self, service: str) -> float:
        """Return this segment's share of ``service``'s new matters."""
        return dict(self.shares).get(service, 0.0)

    def mix(self, service: str) -> tuple[tuple[str, float], ...]:
        """Return the channel mix of this segment's contacts for ``service`` (empty: no share)."""
        return dict(self.channel_mix).get(service, ())

    def switch_from(self, service: str, channel: str) -> SwitchSpec | None:
        """Return the segment's own switch after a failed contact on ``channel``, or None."""
        for switch in dict(self.switches).get(service, ()):
            if switch.from_channel == channel:
                return switch
        return None


def segment_names(segments: Sequence[SegmentSpec]) -> list[str]:
    """The segment names as they appear in the tables: ``[all]`` without segments."""
    return [s.name for s in segments] or [NO_SEGMENT]


def segment_demand(segment: SegmentSpec) -> list[tuple[str, str]]:
    """The (channel, service) pairs on which ``segment``'s citizens make contact."""
    return [
        (channel, service)
        for service, mix in segment.channel_mix
        for channel, share in mix
        if share > 0 and segment.share(service) > 0
    ]


def build_segments(
    check: Checker,
    raw: Mapping[str, Any],
    services: tuple[ServiceSpec, ...],
    channels: Sequence[ChannelSpec],
    base: Path,
) -> tuple[tuple[SegmentSpec, ...], tuple[ServiceSpec, ...]]:
    """Check ``segments`` and return them with the services' segment-weighted channel mixes.

    Parameters
    ----------
    check : Checker
        Collects the errors, each naming its key.
    raw : mapping
        ``segments`` of the composed config.
    services : tuple of ServiceSpec
        The services as configured.
    channels : sequence of ChannelSpec
        The scenario's channels.
    base : Path
        Folder relative file names (empirical switch delays) are resolved against.

    Returns
    -------
    segments : tuple of SegmentSpec
        Empty without segments.
    services : tuple of ServiceSpec
        The services, each with the mix its citizens use over all segments; unchanged
        without segments.
    """
    if not raw:
        return (), services
    if not isinstance(raw, Mapping):
        check.fail("segments", f"must map segment names to segments, got {raw!r}")
        return (), services
    if len(raw) > MAX_SEGMENTS:
        check.fail("segments", f"at most {MAX_SEGMENTS} segments, got {len(raw)}")
        return (), services
    names = [c.name for c in channels]
    built = []
    for name, item in raw.items():
        if item is not None and not isinstance(item, Mapping):
            check.fail(f"segments.{name}", f"must be a segment (label, share, ...), got {item!r}")
            continue
        item = item or {}
        built.append((_build_segment(check, str(name), item, services, names), item))
    specs = [spec for spec, _ in built]
    _check_shares(check, specs, services)
    mixed = tuple(_with_segment_mix(service, specs) for service in services)
    return tuple(_with_switches(check, spec, item, mixed, base) for spec, item in built), mixed


def _build_segment(
    check: Checker,
    name: str,
    raw: Mapping[str, Any],
    services: tuple[ServiceSpec, ...],
    channels: Sequence[str],
) -> SegmentSpec:
    key = f"segments.{name}"
    check.name(key, name, "segment")
    service_names = [s.name for s in services]
    share = check.number(f"{key}.share", raw.get("share", 0.0), low=0.0, high=1.0)
    by_service = raw.get("share_by_service") or {}
    for service, value in by_service.items():
        check.choice(f"{key}.share_by_service.{service}", service, service_names)
        check.number(f"{key}.share_by_service.{service}", value, low=0.0, high=1.0)
    shares = tuple(
        (s.name, float(by_service[s.name]) if _is_number(by_service.get(s.name)) else share)
        for s in services
    )
    mixes = _build_mixes(check, key, raw.get("channel_mix") or {}, service_names, channels)
    mix = []
    for service in services:
        if dict(shares)[service.name] <= 0:
            continue
        own, entry = mixes.get(service.name), service.name
        if own is None:
            own, entry = mixes.get(DEFAULT), DEFAULT
        if own is None:
            mix.append((service.name, service.channel_mix))
            continue
        handled = [channel for channel, _ in service.handling]
        for channel, value in own:
            if value > 0 and channel not in handled:
                check.fail(
                    f"{key}.channel_mix.{entry}.{channel}",
                    f"service {service.name!r} has no handling time on {channel!r} "
                    f"(services.{service.name}.handling); channels it has: {', '.join(handled)}",
                )
        mix.append((service.name, own))
    return SegmentSpec(
        name=name,
        label=str(raw.get("label") or name),
        shares=shares,
        channel_mix=tuple(mix),
        patience_factor=check.number(
            f"{key}.patience_factor",
            raw.get("patience_factor", 1.0),
            low=0.0,
            high=MAX_HANDLING_FACTOR,
            low_open=True,
        ),
        handling_factor=check.number(
            f"{key}.handling_factor",
            raw.get("handling_factor", 1.0),
            low=0.0,
            high=MAX_HANDLING_FACTOR,
            low_open=True,
        ),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _build_mixes(
    check: Checker,
    key: str,
    raw: Mapping[str, Any],
    services: Sequence[str],
    channels: Sequence[str],
) -> dict[str, tuple[tuple[str, float], ...]]:
    """``channel_mix``: per service (or ``default``) a mix over defined channels summing to 1."""
    mixes = {}
    for entry, given in raw.items():
        ekey = f"{key}.channel_mix.{entry}"
        check.choice(ekey, entry, [DEFAULT, *services])
        if not isinstance(given, Mapping) or not given:
            check.fail(ekey, f"give a share per channel; channels: {', '.join(channels)}")
            continue
        mix = []
        for channel, share in given.items():
            check.choice(f"{ekey}.{channel}", channel, channels)
            mix.append((str(channel), check.number(f"{ekey}.{channel}", share, low=0.0, high=1.0)))
        check.shares(ekey, given)
        mixes[str(entry)] = tuple(mix)
    return mixes


def _check_shares(
    check: Checker, specs: Sequence[SegmentSpec], services: tuple[ServiceSpec, ...]
) -> None:
    """Each service's new matters are shared out over the segments: the shares sum to 1."""
    for service in services:
        parts = [(spec.name, spec.share(service.name)) for spec in specs]
        total = sum(value for _, value in parts)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            listed = ", ".join(f"{name} {value:g}" for name, value in parts)
            check.fail(
                "segments",
                f"the shares of service {service.name!r} sum to {total:.4f} over the segments "
                f"({listed}); they must sum to 1 (set segments.<name>.share, or "
                f"segments.<name>.share_by_service.{service.name})",
            )


def _with_segment_mix(service: ServiceSpec, specs: Sequence[SegmentSpec]) -> ServiceSpec:
    """``service`` with the mix over all segments: sum of share x the segment's mix."""
    totals: dict[str, float] = {channel: 0.0 for channel, _ in service.channel_mix}
    for spec in specs:
        share = spec.share(service.name)
        for channel, value in spec.mix(service.name):
            totals[channel] = totals.get(channel, 0.0) + share * value
    return dataclasses.replace(service, channel_mix=tuple(totals.items()))


def _with_switches(
    check: Checker,
    spec: SegmentSpec,
    raw: Mapping[str, Any],
    services: tuple[ServiceSpec, ...],
    base: Path,
) -> SegmentSpec:
    """``spec`` with its ``channel_switch``, checked against the channels with demand.

    A per-service entry must switch between channels the service has demand on (over all
    segments); a ``default`` entry applies to the services where it can, and to no other.
    """
    key = f"segments.{spec.name}"
    given = raw.get("channel_switch") or {}
    names = [s.name for s in services]
    demand = {s.name: {c for c, share in s.channel_mix if share > 0} for s in services}
    default: tuple[SwitchSpec, ...] = ()
    own: dict[str, tuple[SwitchSpec, ...]] = {}
    for entry, item in given.items():
        check.choice(f"{key}.channel_switch.{entry}", entry, [DEFAULT, *names])
        ekey = f"{key}.channel_switch.{entry}"
        if entry == DEFAULT:
            # Checked against every channel that some service has demand on.
            every = set().union(*demand.values())
            default = build_switches(check, ekey, item or {}, every, base, section="")
        elif entry in demand:
            own[str(entry)] = build_switches(
                check, ekey, item or {}, demand[entry], base, section=""
            )
    switches = []
    for service in names:
        if spec.share(service) <= 0:
            continue
        fits = [s for s in default if {s.from_channel, s.to_channel} <= demand[service]]
        chosen = {s.from_channel: s for s in fits}
        chosen.update({s.from_channel: s for s in own.get(service, ())})
        if chosen:
            switches.append((service, tuple(chosen.values())))
    return dataclasses.replace(spec, switches=tuple(switches))
