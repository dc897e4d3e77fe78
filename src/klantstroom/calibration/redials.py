"""Redials: how often and how soon callers who hung up call again.

The functions here take a call log as described in :mod:`klantstroom.calibration.logs` (one row
per call that reached the queue) and return the redial numbers the scenario needs, or the log
with the redials the model adds itself taken off. They are pure functions: no files, no plots,
no global state.

The estimator, in plain words
-----------------------------
Redials (:func:`detect_redials`)
    A caller who hangs up often calls again soon. With a caller identifier, a call is a redial
    when the same caller abandoned a call at most ``window_min`` minutes before it arrived. The
    fraction of abandonments followed by such a call is the redial probability; the delays
    give the redial-delay distribution (exponential: the mean delay). See Mandelbaum & Zeltyn
    (2013) on (im)patient customers and Ding et al. (2015) on redials.

References
----------
Ding, S., Remerova, M., van der Mei, R. D., Zwart, B. (2015). Fluid approximation of a call
center model with redials and reconnects. Performance Evaluation 92, 24-39.

Mandelbaum, A., Zeltyn, S. (2013). Data-stories about (im)patient customers in tele-queues.
Queueing Systems 75, 115-146.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klantstroom.calibration.arrivals import NS_PER_MIN, _timestamps


@dataclass(frozen=True, eq=False)
class RedialFit:
    """How often and how soon callers who abandoned call again.

    Attributes
    ----------
    window_min : float
        A call counts as a redial when it arrives at most this many minutes after an
        abandonment by the same caller (inclusive).
    n_abandoned_known : int
        Abandoned calls with a known caller: the denominator of ``probability``.
    n_followed : int
        Those followed by a call from the same caller within the window.
    probability : float
        ``n_followed / n_abandoned_known`` (NaN if there are no such abandonments).
    delays_min : numpy.ndarray
        For each followed abandonment, minutes from hanging up to the next call's arrival.
    mean_delay_min : float
        Their mean: the exponential MLE of the redial delay (NaN without redials). It ignores
        that delays longer than the window cannot be seen, which is harmless when the window
        is several times the mean delay.
    n_redials : int
        Calls flagged as redials (a call following two abandonments counts once).
    n_anonymous : int
        Calls without a caller identifier, which cannot be linked to anything.
    is_redial : pandas.Series
        Boolean, aligned with the log's index: True for redial calls. ``calls[~is_redial]`` are
        the fresh arrivals.
    """

    window_min: float
    n_abandoned_known: int
    n_followed: int
    probability: float
    delays_min: np.ndarray
    mean_delay_min: float
    n_redials: int
    n_anonymous: int
    is_redial: pd.Series


def detect_redials(calls: pd.DataFrame, window_min: float = 60.0) -> RedialFit:
    """Link each abandoned call to the same caller's next call within a time window.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses ``caller_id``, ``outcome``, ``arrival``, ``abandoned`` (and
        ``wait_s`` when ``abandoned`` is missing for an abandoned call).
    window_min : float
        Maximum minutes between an abandonment and the caller's next arrival.

    Returns
    -------
    RedialFit

    Notes
    -----
    For each abandoned call with a known caller, the *next* call of that caller arriving at or
    after the moment of hanging up is looked up; if it arrives within ``window_min``, the
    abandonment was followed and that call is a redial. Chains work naturally: abandon, redial
    and abandon again, redial again gives two followed abandonments and two redials.

    Limitations: calls with an unknown caller (``caller_id`` NA: withheld numbers, switchboard
    transfers) cannot be linked, so the probability is estimated from identified callers only
    and redials among anonymous calls stay counted as fresh arrivals. Callers who call back
    after the window, or after the log ends, or through another channel, are missed; so the
    probability is a lower bound for "ever tries again".
    """
    if window_min <= 0:
        raise ValueError(f"window_min must be positive; got {window_min}")
    known_mask = calls["caller_id"].notna().to_numpy(dtype=bool)
    known = calls[known_mask]
    arrival_ns = _timestamps(known["arrival"]).to_numpy().astype(np.int64)
    is_abandoned = (known["outcome"] == "abandoned").to_numpy(dtype=bool)
    wait_td = pd.to_timedelta(pd.to_numeric(known["wait_s"], errors="coerce"), unit="s")
    hung_up = _timestamps(known["abandoned"]).fillna(_timestamps(known["arrival"]) + wait_td)
    hung_up_ns = hung_up.to_numpy().astype(np.int64)

    # Sort calls by (caller, arrival). Times are replaced by their rank among all arrival and
    # hang-up times, so that one int64 key "caller * ranks + rank" sorts and searches by caller
    # first and time second without any risk of overflow.
    caller_code = pd.factorize(known["caller_id"])[0].astype(np.int64)
    abandoned_rows = np.flatnonzero(is_abandoned & (hung_up_ns != np.iinfo(np.int64).min))
    all_times = np.unique(np.concatenate([arrival_ns, hung_up_ns[abandoned_rows]]))
    n_ranks = all_times.size + 1
    arrival_key = caller_code * n_ranks + np.searchsorted(all_times, arrival_ns)
    order = np.argsort(arrival_key, kind="stable")
    sorted_key = arrival_key[order]
    position_of_row = np.empty_like(order)
    position_of_row[order] = np.arange(order.size)

    hang_up_key = caller_code[abandoned_rows] * n_ranks + np.searchsorted(
        all_times, hung_up_ns[abandoned_rows]
    )
    # First call of the same caller arriving at or after the hang-up; skip the abandoned call
    # itself, which is found when it was abandoned at the moment it arrived (wait 0).
    next_position = np.searchsorted(sorted_key, hang_up_key, side="left")
    itself = next_position == position_of_row[abandoned_rows]
    next_position = next_position + itself
    in_range = next_position < order.size
    next_row = np.where(in_range, order[np.minimum(next_position, order.size - 1)], -1)
    same_caller = in_range & (caller_code[next_row] == caller_code[abandoned_rows])
    delay_ns = arrival_ns[next_row] - hung_up_ns[abandoned_rows]
    followed = same_caller & (delay_ns <= window_min * NS_PER_MIN)

    delays_min = delay_ns[followed] / NS_PER_MIN
    redial_known = np.zeros(len(known), dtype=bool)
    redial_known[next_row[followed]] = True
    is_redial = pd.Series(False, index=calls.index, name="is_redial")
    is_redial[known_mask] = redial_known

    n_abandoned_known = int(abandoned_rows.size)
    n_followed = int(followed.sum())
    return RedialFit(
        window_min=float(window_min),
        n_abandoned_known=n_abandoned_known,
        n_followed=n_followed,
        probability=n_followed / n_abandoned_known if n_abandoned_known else math.nan,
        delays_min=delays_min,
        mean_delay_min=float(delays_min.mean()) if delays_min.size else math.nan,
        n_redials=int(redial_known.sum()),
        n_anonymous=int((~known_mask).sum()),
        is_redial=is_redial,
    )


def expected_fresh_calls(calls: pd.DataFrame, probability: float, delay_min: float) -> pd.DataFrame:
    """The log's calls less the redials a model with these redial settings would add itself.

    A model that redials a share ``probability`` of *all* abandoning callers after a delay adds,
    for every abandoned call, ``probability`` of a call about ``delay_min`` after the hang-up.
    To give that model the log's total volume, each abandoned call here gets a companion row
    at that moment with weight ``-probability``; every logged call has weight 1.

    Taking the redials off where the model puts them back matters: redials come in the busy
    spells where callers hang up. Removing only the linked redials of known callers from the
    profile would leave the anonymous callers' redials in the busy spells, and the model would
    then add redials there a second time.

    Parameters
    ----------
    calls : pandas.DataFrame
        A call log; uses ``arrival``, ``outcome``, ``abandoned`` (or ``wait_s``) and keeps
        every other column on the companion rows.
    probability : float
        Share of abandoning callers who call again (0 gives the log unchanged).
    delay_min : float
        Mean minutes from hanging up to calling again.

    Returns
    -------
    pandas.DataFrame
        The calls with a ``weight`` column, followed by the companion rows of negative weight
        (arrival at hang-up plus ``delay_min``) that fall on a date of the log.
    """
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"redial probability must be in [0, 1]; got {probability}")
    weighted = calls.assign(weight=1.0)
    abandoned = calls[calls["outcome"] == "abandoned"]
    if probability == 0.0 or abandoned.empty:
        return weighted
    wait = pd.to_timedelta(pd.to_numeric(abandoned["wait_s"], errors="coerce"), unit="s")
    hung_up = _timestamps(abandoned["abandoned"]).fillna(_timestamps(abandoned["arrival"]) + wait)
    redial_at = hung_up + pd.Timedelta(minutes=float(delay_min))
    dates = set(_timestamps(calls["arrival"]).dt.normalize().dropna())
    companions = abandoned.assign(arrival=redial_at, weight=-float(probability))
    companions = companions[redial_at.dt.normalize().isin(dates).to_numpy()]
    return pd.concat([weighted, companions], ignore_index=True)
