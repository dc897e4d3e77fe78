"""How long agents are unavailable after a call: after-call work and short breaks.

Call logs record talk time, not the after-call work that follows it or the short pauses between
calls, yet both take agents away from the queue. They can be measured: when an agent ends a call
while other callers are waiting, the agent would answer the next one at once if available, so the
gap until the agent's next answer is unavailable time. Gaps that start while nobody waits say
nothing (the agent may simply have had no work) and are not used; gaps longer than
``max_gap_s`` are treated as the end of a spell (a shift end or a long break), which staffing
inference already accounts for.

In the model this time becomes the staff group's wrap-up, after every call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Whole-second timestamps: a gap of 0 s means "under a second"; half a second is its mean.
MIN_GAP_S = 0.5


@dataclass(frozen=True)
class Unavailability:
    """Gaps between an agent's calls while callers were waiting.

    Attributes
    ----------
    gaps_s : numpy.ndarray
        The measured gaps in seconds (at least :data:`MIN_GAP_S`).
    n_calls : int
        Served calls followed by another call of the same agent (the candidates).
    """

    gaps_s: np.ndarray
    n_calls: int

    @property
    def mean_s(self) -> float:
        """Mean unavailable time after a call, in seconds."""
        return float(self.gaps_s.mean()) if len(self.gaps_s) else 0.0

    @property
    def cv(self) -> float:
        """Coefficient of variation of the gaps."""
        return float(self.gaps_s.std() / self.gaps_s.mean()) if len(self.gaps_s) > 1 else 0.0


def waiting_at(calls: pd.DataFrame, times_s: np.ndarray) -> np.ndarray:
    """Number of calls waiting in the queue at each of ``times_s`` (epoch seconds)."""
    start = calls["arrival"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    end = start + calls["wait_s"].to_numpy(dtype=float)
    started = np.searchsorted(np.sort(start), times_s, side="right")
    ended = np.searchsorted(np.sort(end), times_s, side="right")
    return started - ended


def unavailable_after_calls(calls: pd.DataFrame, max_gap_s: float = 1800.0) -> Unavailability:
    """Measure agents' unavailable time after calls from a call log.

    Parameters
    ----------
    calls : pandas.DataFrame
        An imported call log (:mod:`klantstroom.calibration.logs`).
    max_gap_s : float
        Longer gaps end a working spell and are not counted as unavailable time.

    Returns
    -------
    Unavailability
        The gaps that started while at least one caller was waiting.
    """
    served = calls[calls["outcome"] == "served"].sort_values(["agent", "answered"])
    answered = served["answered"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    ended = served["ended"].to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9
    agent = served["agent"].astype(str).to_numpy()
    same_agent = agent[1:] == agent[:-1]
    gap = answered[1:] - ended[:-1]
    candidates = same_agent & (gap >= 0) & (gap <= max_gap_s)
    # +1 s: a caller whose wait ends at that very second was being answered by someone else.
    busy = waiting_at(calls, ended[:-1] + 1.0) > 0
    gaps = np.maximum(gap[candidates & busy], MIN_GAP_S)
    return Unavailability(gaps_s=gaps, n_calls=int(candidates.sum()))
