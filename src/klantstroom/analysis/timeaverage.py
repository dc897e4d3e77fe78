"""Time averages of "how many at once" from spans, per interval.

The number of contacts waiting, or of staff busy, at time t is the number of spans
[start, end) that contain t. Its integral over an interval, divided by the interval length, is the
time-average count in that interval (mean queue length, mean busy staff). With the spans sorted,
the integral up to t is ``sum over started spans of (t - start) - sum over ended spans of
(t - end)``, which two cumulative sums and a binary search give for every interval edge at once.
"""

from __future__ import annotations

import numpy as np


class Presence:
    """Spans sorted and summed once, asked for the time they spend before many edges.

    :func:`cumulative_presence` sorts its spans on every call; the KPIs of a year ask the same
    staff spells and busy spans for every reported period (16 in the default run).

    Parameters
    ----------
    starts, ends : numpy.ndarray
        Span start and end times (minutes).
    """

    __slots__ = ("_ce", "_cs", "_e", "_s")

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        self._s = np.sort(np.asarray(starts, dtype=float))
        self._e = np.sort(np.asarray(ends, dtype=float))
        self._cs = np.concatenate(([0.0], np.cumsum(self._s)))
        self._ce = np.concatenate(([0.0], np.cumsum(self._e)))

    def before(self, edges: np.ndarray) -> np.ndarray:
        """Return, for each edge t, the total time the spans spent before t (minutes x count)."""
        ks = np.searchsorted(self._s, edges, side="right")
        ke = np.searchsorted(self._e, edges, side="right")
        return (ks * edges - self._cs[ks]) - (ke * edges - self._ce[ke])

    def within(self, window: np.ndarray) -> float:
        """Return the total time the spans spent within ``window`` = [start, end] (minutes)."""
        return float(np.diff(self.before(window))[0])


def cumulative_presence(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Return, for each edge t, the total time all spans spent before t (minutes x count)."""
    return Presence(starts, ends).before(edges)


def mean_count_per_interval(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Return the time-average number of spans present in each interval between ``edges``.

    Parameters
    ----------
    starts, ends : numpy.ndarray
        Span start and end times (minutes); spans with ``end <= start`` contribute nothing.
    edges : numpy.ndarray
        Increasing interval boundaries (minutes), ``n + 1`` values for ``n`` intervals.

    Returns
    -------
    numpy.ndarray
        ``n`` time-average counts.
    """
    starts = np.asarray(starts, dtype=float)
    ends = np.asarray(ends, dtype=float)
    valid = ends > starts
    total = cumulative_presence(starts[valid], ends[valid], np.asarray(edges, dtype=float))
    return np.diff(total) / np.diff(edges)


def mean_capped_count_per_interval(
    starts: np.ndarray, ends: np.ndarray, cap: int, edges: np.ndarray
) -> np.ndarray:
    """Return the time average of min(cap, number of spans present) in each interval.

    Desks staffed at a shop are the staff present, but never more than its desks.
    """
    starts = np.asarray(starts, dtype=float)
    ends = np.asarray(ends, dtype=float)
    valid = ends > starts
    times = np.concatenate((starts[valid], ends[valid]))
    steps = np.concatenate((np.ones(valid.sum()), -np.ones(valid.sum())))
    order = np.argsort(times, kind="stable")
    times, steps = times[order], steps[order]
    level = np.minimum(np.cumsum(steps), cap)  # the capped count from each event time on
    edges = np.asarray(edges, dtype=float)
    # Integral of the capped count up to each edge: a step function between event times.
    knots = np.concatenate((times, edges))
    knots.sort()
    knots = np.unique(knots)
    idx = np.searchsorted(times, knots, side="right") - 1
    value = np.where(idx >= 0, level[np.clip(idx, 0, None)] if len(level) else 0.0, 0.0)
    area = np.concatenate(([0.0], np.cumsum(value[:-1] * np.diff(knots))))
    total = np.interp(edges, knots, area)
    return np.diff(total) / np.diff(edges)
