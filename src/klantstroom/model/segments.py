"""Citizen segments in a replication: who a new citizen is, and what that changes.

The demand model generates each service's contacts per channel with the segment-weighted mix
(:mod:`klantstroom.scenario.segments` wrote it into the service), so a new contact's channel is
already known when it arrives. Its segment is then drawn *given* that channel: segment ``k``
with probability proportional to ``share_k x mix_k(channel)``. Drawing the segment first and
then its channel gives the same joint distribution (thinning a Poisson process by independent
marks), but this way the arrival streams stay those of a scenario without segments and only
one uniform number per new matter is drawn, from the stream ``segment/<service>/<channel>``;
where one segment is the only possibility nothing is drawn.

Every later contact of the matter (a redial, a switch, a task, a callback, a pick-up, a chase)
belongs to the citizen of the first, so it copies the segment; the segment then multiplies the
drawn patience and handling time (not a task's processing: that is the file's, not the
citizen's) and chooses the channel switch after a failed contact.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from klantstroom.model.distributions import Bernoulli, Sampler, make_sampler
from klantstroom.model.queues import Queue
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import Scenario, SwitchSpec

# What the switch after a failed contact needs: the spec, whether, and after how long.
Switch = tuple[SwitchSpec, Bernoulli, Sampler]


class Segments:
    """The segments of one replication (only built for a scenario with ``segments``).

    Parameters
    ----------
    scenario : Scenario
        The validated scenario, with at least one segment.
    streams : Streams
        The replication's random streams.
    queues : sequence of Queue
        Every queue of the simulation, indexed by ``Queue.index``.

    Attributes
    ----------
    patience : tuple of float
        The patience factor per segment code.
    handling : list of tuple of float
        Per queue, the handling-time factor per segment code (all 1 for back-office tasks).
    """

    def __init__(self, scenario: Scenario, streams: Streams, queues: Sequence[Queue]) -> None:
        specs = scenario.segments
        self.patience = tuple(s.patience_factor for s in specs)
        citizen = tuple(s.handling_factor for s in specs)
        ones = (1.0,) * len(specs)
        # A task (no channel) is processed from the file, whatever kind of citizen sent it.
        self.handling = [ones if q.channel < 0 else citizen for q in queues]
        samplers: dict[tuple[int, int], Sampler] = {}
        # Per queue: a fixed segment code, or (the cumulative probabilities of all segments but
        # the last, uniform sampler): a draw at or past the last bound is the last segment, so a
        # total that rounds below 1 cannot give a code past it.
        self._draw: list[int | tuple[list[float], Sampler]] = []
        for queue in queues:
            if queue.channel < 0 or queue.outbound:
                self._draw.append(0)  # tasks and callbacks always follow on from a contact
                continue
            service = scenario.services[queue.service].name
            channel = scenario.channels[queue.channel].name
            weights = [s.share(service) * dict(s.mix(service)).get(channel, 0.0) for s in specs]
            if sum(weights) <= 0:
                # A channel no segment uses for the service (a persona's or a replayed
                # contact): the citizen is drawn by the service's shares alone.
                weights = [s.share(service) for s in specs]
            possible = [k for k, w in enumerate(weights) if w > 0]
            if len(possible) <= 1:
                self._draw.append(possible[0] if possible else 0)
                continue
            total = sum(weights)
            bounds = [c / total for c in accumulate(weights[:-1])]
            key = (queue.service, queue.channel)
            if key not in samplers:
                samplers[key] = _uniform(streams.get(f"segment/{service}/{channel}"))
            self._draw.append((bounds, samplers[key]))

    def new_citizen(self, queue: Queue) -> int:
        """Draw the segment code of a new citizen whose first contact arrives at ``queue``."""
        draw = self._draw[queue.index]
        if isinstance(draw, int):
            return draw
        bounds, uniform = draw
        return bisect_right(bounds, uniform())


def _uniform(rng: np.random.Generator) -> Sampler:
    """Uniform numbers in [0, 1) from ``rng``, drawn in blocks."""
    return Sampler(lambda n: rng.random(n), 0.5)


def segment_switches(
    scenario: Scenario, streams: Streams, channel_index: dict[str, int]
) -> dict[tuple[int, int, int], Switch]:
    """The segments' own channel switches, per (segment, service, channel) code.

    Each has its own streams, ``switch/<service>/<channel>/<segment>`` and
    ``switch_delay/<service>/<channel>/<segment>``, so the service's switches (of the other
    segments) draw the same numbers as without them.
    """
    service_index = {s.name: i for i, s in enumerate(scenario.services)}
    result: dict[tuple[int, int, int], Switch] = {}
    for k, segment in enumerate(scenario.segments):
        for service, switches in segment.switches:
            for switch in switches:
                name = f"{service}/{switch.from_channel}/{segment.name}"
                result[(k, service_index[service], channel_index[switch.from_channel])] = (
                    switch,
                    Bernoulli(switch.probability, streams.get(f"switch/{name}")),
                    make_sampler(switch.delay, streams.get(f"switch_delay/{name}")),
                )
    return result
