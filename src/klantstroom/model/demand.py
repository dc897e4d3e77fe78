"""Demand: non-homogeneous Poisson arrivals per service and channel.

Each (service, channel) pair with a positive share in the channel mix is an arrival *stream* with
its own random generator. Its rate is piecewise constant over a day:

* ``volume_per_year`` is spread over the days of a reference year (365 days from the first
  reported day) in proportion to the channel's weekday factor on each open day, so the expected
  yearly total equals the configured volume; within a day it follows the service's own
  intraday profile for that weekday if it has one, else the channel's (shares per interval),
  restricted to the opening periods and renormalised, or is flat over the opening periods when
  no profile is given;
* ``rate_per_hour`` is a constant rate whenever the channel is open (weekday factors and profile
  do not apply), which is what textbook queues need.

A channel's ``date_factors`` multiply the volume of particular dates (a known peak such as the
first working Monday of January) in both cases; the yearly volume is spread as if they were 1.
A service's ``month_factors`` shape its year (passports in spring, marriage notices in summer):
the volume is spread over the reference year in proportion to weekday factor times month factor,
so the year's total stays ``volume_per_year``. Its ``year_factors`` then multiply the volume of
whole calendar years (the 2024-2028 passport peak): ``volume_per_year`` is the volume of a year
with factor 1, and a run that crosses New Year changes level at midnight.

With ``daily_volume_cv`` > 0 a channel's expected volume on each day is multiplied by a factor
drawn from a gamma distribution with mean 1 and that coefficient of variation, shared by all its
services (a busy day is busy for every service): a gamma-Poisson mixture, the usual model for the
day-to-day variation of call-centre volumes beyond Poisson (Jongbloed & Koole 2001; Brown et al.
2005).

With shops, the counter demand of a service is split over the shops that offer it in proportion
to their catchment shares, and at each shop into walk-ins and booking requests: an
appointment-only shop gets booking requests only, a walk-in-only shop walk-ins only, and a shop
with both splits by the service's ``appointment_share``. Walk-ins arrive while the shop is open,
shaped by the counter channel's weekday factors and intraday profile restricted to the shop's
hours; booking requests (by phone or online) arrive while the counter channel is open, that is
its ``opening_hours`` are the hours in which appointments are made.

Arrivals are generated a day at a time by inversion of the piecewise-constant rate: a Poisson
number of arrivals per piece, placed uniformly within it. That is exact for a piecewise-constant
rate and vectorised, so a year of demand costs little.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np

from klantstroom.model.calendar import HasOpening, open_periods
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import MINUTES_PER_DAY, Period, Scenario, ServiceSpec, ShopSpec

REFERENCE_DAYS: Final = 365

# What an arrival of a stream is: a contact at a queue (phone, digital, counter without shops),
# a walk-in at a shop, or a request for an appointment at a shop.
DIRECT: Final = 0
WALK_IN: Final = 1
BOOKING: Final = 2


@dataclass(frozen=True)
class ArrivalStream:
    """One source of arrivals: (service, channel), or (service, shop, walk-in or booking).

    ``share`` is the fraction of the service's volume it carries.
    """

    index: int
    service: int
    channel: int
    rng: np.random.Generator
    share: float
    shop: int = -1
    kind: int = DIRECT


def shop_shares(scenario: Scenario, service: ServiceSpec) -> list[tuple[int, float, float]]:
    """Return (shop index, walk-in share, booking share) of the service's counter demand per shop.

    Shares are fractions of the counter demand; the shops offering the service split it by
    catchment, and each shop splits its part by how it receives visitors.
    """
    offering = [(k, shop) for k, shop in enumerate(scenario.shops) if service.name in shop.services]
    total = sum(shop.catchment for _, shop in offering)
    result = []
    for k, shop in offering:
        part = shop.catchment / total if total > 0 else 1.0 / len(offering)
        booking = _booking_share(shop, service)
        result.append((k, part * (1.0 - booking), part * booking))
    return result


def _booking_share(shop: ShopSpec, service: ServiceSpec) -> float:
    if not shop.appointments:
        return 0.0
    if not shop.walk_in:
        return 1.0
    return service.counter.appointment_share


class _DayShape(NamedTuple):
    """The rate pieces of a stream on one weekday, before the day's level is applied."""

    offsets_min: np.ndarray  # starts, minutes since midnight
    lengths_min: np.ndarray
    weights: np.ndarray  # shares of the day's volume (profile share x part of its interval)
    total_weight: float
    rate: np.ndarray | None  # expected arrivals per piece of a rate_per_hour stream


class Demand:
    """Generate each day's arrivals for every stream of a scenario.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario.
    streams : Streams
        The replication's random streams; each arrival stream uses ``arrivals/<service>/<channel>``.
    """

    def __init__(self, scenario: Scenario, streams: Streams) -> None:
        self.scenario = scenario
        channel_index = {c.name: i for i, c in enumerate(scenario.channels)}
        self.streams: list[ArrivalStream] = []
        for s_index, service in enumerate(scenario.services):
            for channel, share in service.channel_mix:
                if share <= 0:
                    continue
                if channel == "counter" and scenario.shops:
                    self._add_shop_streams(s_index, service, share, channel_index[channel], streams)
                    continue
                self.streams.append(
                    ArrivalStream(
                        index=len(self.streams),
                        service=s_index,
                        channel=channel_index[channel],
                        rng=streams.get(f"arrivals/{service.name}/{channel}"),
                        share=share,
                    )
                )
        self._day_factor_rng = {
            c.name: streams.get(f"day_factor/{c.name}")
            for c in scenario.channels
            if c.daily_volume_cv > 0
        }
        # Per stream: sum over the open days of its place in a year of the weekday factor times
        # the service's month factor, so that a year's expected volume is volume_per_year.
        references: dict[tuple[int, int, tuple[float, ...]], float] = {}
        self._reference: list[float] = []
        for stream in self.streams:
            months = scenario.services[stream.service].month_factors
            key = (stream.channel, stream.shop if stream.kind == WALK_IN else -1, months)
            if key not in references:
                references[key] = self._reference_weight(
                    self._place(stream), stream.channel, scenario.services[stream.service]
                )
            self._reference.append(references[key])
        self._shapes: dict[tuple[int, int], _DayShape] = {}

    def _add_shop_streams(
        self, s_index: int, service: ServiceSpec, share: float, c_index: int, streams: Streams
    ) -> None:
        for shop, walk_in, booking in shop_shares(self.scenario, service):
            name = self.scenario.shops[shop].name
            for kind, part, label in ((WALK_IN, walk_in, "walk_in"), (BOOKING, booking, "booking")):
                if part > 0:
                    self.streams.append(
                        ArrivalStream(
                            index=len(self.streams),
                            service=s_index,
                            channel=c_index,
                            rng=streams.get(f"arrivals/{service.name}/counter/{name}/{label}"),
                            share=share * part,
                            shop=shop,
                            kind=kind,
                        )
                    )

    def _place(self, stream: ArrivalStream) -> HasOpening:
        """Whose opening hours the stream's arrivals fall in: its shop's or its channel's."""
        if stream.kind == WALK_IN:
            return self.scenario.shops[stream.shop]
        return self.scenario.channels[stream.channel]

    def _reference_weight(self, place: HasOpening, c_index: int, service: ServiceSpec) -> float:
        calendar = self.scenario.calendar
        factors = self.scenario.channels[c_index].weekday_factors
        total = 0.0
        for day in range(REFERENCE_DAYS):
            if open_periods(place, calendar, day):
                weight = factors[calendar.weekday_of_day(day)]
                total += weight * service.month_factor(calendar.date_of_day(day))
        return total

    def pieces(self, stream: ArrivalStream, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (start_min, length_min, expected arrivals) of the rate pieces of one day.

        Start times are absolute model minutes. The lengths are shared between calls
        (read-only).
        """
        scenario = self.scenario
        calendar = scenario.calendar
        periods = open_periods(self._place(stream), calendar, day)
        weekday = calendar.weekday_of_day(day)
        # A day's pieces differ from the same weekday's only by the day's level, so their shape
        # is made once per stream and weekday (and once for a closed day).
        key = (stream.index, weekday if periods else -1)
        shape = self._shapes.get(key)
        if shape is None:
            shape = self._shape(stream, periods, weekday)
            self._shapes[key] = shape
        service = scenario.services[stream.service]
        channel = scenario.channels[stream.channel]
        start_arr = shape.offsets_min + day * MINUTES_PER_DAY
        if shape.rate is not None:
            expected = shape.rate * channel.date_factor(calendar.date_of_day(day))
        else:
            reference = self._reference[stream.index]
            if shape.total_weight <= 0 or reference <= 0:
                expected = np.zeros_like(shape.weights)
            else:
                date = calendar.date_of_day(day)
                factor = channel.weekday_factors[weekday]
                factor *= channel.date_factor(date) * service.month_factor(date)
                factor *= service.year_factor(date)
                daily = (service.volume_per_year or 0.0) * stream.share * factor / reference
                expected = daily * shape.weights / shape.total_weight
        return start_arr, shape.lengths_min, expected

    def _shape(self, stream: ArrivalStream, periods: tuple[Period, ...], weekday: int) -> _DayShape:
        """The rate pieces of ``stream`` on a day with opening ``periods`` and ``weekday``."""
        service = self.scenario.services[stream.service]
        channel = self.scenario.channels[stream.channel]
        starts: list[float] = []
        lengths: list[float] = []
        weights: list[float] = []
        profile = None
        if service.rate_per_hour is None:
            own = service.intraday[weekday] if service.intraday else None
            profile = own if own is not None else channel.intraday[weekday]
        for period in periods:
            if profile is None:
                starts.append(period.start_min)
                lengths.append(period.end_min - period.start_min)
                weights.append(period.end_min - period.start_min)
                continue
            for k, share in enumerate(profile.shares):
                lo = profile.start_min + k * profile.interval_min
                hi = lo + profile.interval_min
                start, end = max(lo, period.start_min), min(hi, period.end_min)
                if end > start and share > 0:
                    starts.append(start)
                    lengths.append(end - start)
                    weights.append(share * (end - start) / profile.interval_min)
        length_arr = np.asarray(lengths, dtype=float)
        weight_arr = np.asarray(weights, dtype=float)
        rate = None
        if service.rate_per_hour is not None:
            rate = service.rate_per_hour / 60.0 * stream.share * length_arr
            rate.flags.writeable = False
        for array in (length_arr, weight_arr):
            array.flags.writeable = False
        return _DayShape(
            np.asarray(starts, dtype=float), length_arr, weight_arr, weight_arr.sum(), rate
        )

    def day_factors(self) -> list[float]:
        """Draw the volume factor of the next day for every channel (1.0 without noise)."""
        factors = []
        for channel in self.scenario.channels:
            rng = self._day_factor_rng.get(channel.name)
            if rng is None:
                factors.append(1.0)
            else:
                shape = 1.0 / channel.daily_volume_cv**2
                factors.append(float(rng.gamma(shape, 1.0 / shape)))
        return factors

    def day_arrivals(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the sorted arrival times of day ``day`` and the stream index of each."""
        all_times = []
        all_streams = []
        factors = self.day_factors()
        for stream in self.streams:
            starts, lengths, expected = self.pieces(stream, day)
            if len(starts) == 0:
                continue
            counts = stream.rng.poisson(expected * factors[stream.channel])
            n = int(counts.sum())
            if n == 0:
                continue
            offsets = stream.rng.random(n)
            times = np.repeat(starts, counts) + offsets * np.repeat(lengths, counts)
            all_times.append(times)
            all_streams.append(np.full(n, stream.index, dtype=np.int32))
        if not all_times:
            return np.empty(0), np.empty(0, dtype=np.int32)
        if len(all_times) == 1:  # one stream: its times sorted, the same as the general case
            return np.sort(all_times[0], kind="stable"), all_streams[0]
        times = np.concatenate(all_times)
        stream_ids = np.concatenate(all_streams)
        order = np.argsort(times, kind="stable")
        return times[order], stream_ids[order]
