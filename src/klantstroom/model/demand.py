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

With ``daily_volume_cv`` > 0 a channel's expected volume on each day is multiplied by a factor
drawn from a gamma distribution with mean 1 and that coefficient of variation, shared by all its
services (a busy day is busy for every service): a gamma-Poisson mixture, the usual model for the
day-to-day variation of call-centre volumes beyond Poisson (Jongbloed & Koole 2001; Brown et al.
2005).

Arrivals are generated a day at a time by inversion of the piecewise-constant rate: a Poisson
number of arrivals per piece, placed uniformly within it. That is exact for a piecewise-constant
rate and vectorised, so a year of demand costs little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from klantstroom.model.calendar import open_periods
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import MINUTES_PER_DAY, ChannelSpec, Scenario

REFERENCE_DAYS = 365


@dataclass(frozen=True)
class ArrivalStream:
    """One (service, channel) source of arrivals."""

    index: int
    service: int
    channel: int
    rng: np.random.Generator


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
                if share > 0:
                    self.streams.append(
                        ArrivalStream(
                            index=len(self.streams),
                            service=s_index,
                            channel=channel_index[channel],
                            rng=streams.get(f"arrivals/{service.name}/{channel}"),
                        )
                    )
        self._day_factor_rng = {
            c.name: streams.get(f"day_factor/{c.name}")
            for c in scenario.channels
            if c.daily_volume_cv > 0
        }
        self._day_weight_total = {c.name: self._reference_weight(c) for c in scenario.channels}

    def _reference_weight(self, channel: ChannelSpec) -> float:
        calendar = self.scenario.calendar
        total = 0.0
        for day in range(REFERENCE_DAYS):
            if open_periods(channel, calendar, day):
                total += channel.weekday_factors[calendar.weekday_of_day(day)]
        return total

    def pieces(self, stream: ArrivalStream, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (start_min, length_min, expected arrivals) of the rate pieces of one day.

        Start times are absolute model minutes.
        """
        scenario = self.scenario
        service = scenario.services[stream.service]
        channel = scenario.channels[stream.channel]
        periods = open_periods(channel, scenario.calendar, day)
        base = day * MINUTES_PER_DAY
        starts: list[float] = []
        lengths: list[float] = []
        weights: list[float] = []
        weekday = scenario.calendar.weekday_of_day(day)
        profile = None
        if service.rate_per_hour is None:
            own = service.intraday[weekday] if service.intraday else None
            profile = own if own is not None else channel.intraday[weekday]
        for period in periods:
            if profile is None:
                starts.append(base + period.start_min)
                lengths.append(period.end_min - period.start_min)
                weights.append(period.end_min - period.start_min)
                continue
            for k, share in enumerate(profile.shares):
                lo = profile.start_min + k * profile.interval_min
                hi = lo + profile.interval_min
                start, end = max(lo, period.start_min), min(hi, period.end_min)
                if end > start and share > 0:
                    starts.append(base + start)
                    lengths.append(end - start)
                    weights.append(share * (end - start) / profile.interval_min)
        start_arr = np.asarray(starts, dtype=float)
        length_arr = np.asarray(lengths, dtype=float)
        weight_arr = np.asarray(weights, dtype=float)
        share = service.share(channel.name)
        if service.rate_per_hour is not None:
            date_factor = channel.date_factor(scenario.calendar.date_of_day(day))
            expected = service.rate_per_hour / 60.0 * share * length_arr * date_factor
        else:
            total_weight = weight_arr.sum()
            reference = self._day_weight_total[channel.name]
            if total_weight <= 0 or reference <= 0:
                expected = np.zeros_like(weight_arr)
            else:
                factor = channel.weekday_factors[scenario.calendar.weekday_of_day(day)]
                factor *= channel.date_factor(scenario.calendar.date_of_day(day))
                daily = (service.volume_per_year or 0.0) * share * factor / reference
                expected = daily * weight_arr / total_weight
        return start_arr, length_arr, expected

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
        times = np.concatenate(all_times)
        stream_ids = np.concatenate(all_streams)
        order = np.argsort(times, kind="stable")
        return times[order], stream_ids[order]
