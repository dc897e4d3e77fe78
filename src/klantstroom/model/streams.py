"""Named random streams: one independent generator per purpose and replication.

Every source of randomness (arrivals of one service on one channel, handling times, patience,
routing ties, ...) draws from its own ``numpy.random.Generator``, seeded from
``SeedSequence(seed, spawn_key=(replication, crc32(purpose)))``. Because a stream is identified by
its *name*, adding a channel or a service adds streams without changing the numbers any existing
stream produces, and replications are independent of each other and of how many run in parallel.
No global seeding is used anywhere.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream_seed(seed: int, replication: int, purpose: str) -> np.random.SeedSequence:
    """Return the seed sequence of the stream ``purpose`` in ``replication``.

    Parameters
    ----------
    seed : int
        The run's root seed (``run.seed``).
    replication : int
        Replication number, from 0.
    purpose : str
        Stable name of the stream, e.g. ``"arrivals/passport/phone"``.
    """
    # crc32 rather than hash(): Python's str hash is salted per process.
    return np.random.SeedSequence(seed, spawn_key=(replication, zlib.crc32(purpose.encode())))


class Streams:
    """Hands out one generator per purpose for one replication (created on first use)."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self._generators: dict[str, np.random.Generator] = {}

    def get(self, purpose: str) -> np.random.Generator:
        """Return the generator for ``purpose``."""
        generator = self._generators.get(purpose)
        if generator is None:
            ss = stream_seed(self.seed, self.replication, purpose)
            generator = np.random.Generator(np.random.PCG64(ss))
            self._generators[purpose] = generator
        return generator
