"""How long agents are unavailable between calls: after-call work, and breaks.

Call logs record talk time, not the after-call work that follows it or the pauses between calls,
yet both take agents away from the queue. They can be measured: when an agent ends a call while
other callers are waiting, the agent would answer the next one at once if available, so the gap
until the agent's next answer is unavailable time. Gaps that start while nobody waits say nothing
(the agent may simply have had no work) and are not used; gaps longer than ``max_gap_s`` end a
working spell (a shift end or a long break), which staffing inference already accounts for.

Two things hide in those gaps, and the model needs them apart
-------------------------------------------------------------
Most gaps are a few seconds to a minute: after-call work (notes, a transfer, the button that
makes the agent ready again). A few last minutes: the agent went for coffee, to a colleague, to a
short meeting. In the Anonymous Bank log the median gap is 5 s, yet the 4% of gaps over five
minutes carry 59% of the gap time. Taken together as after-call work, the breaks are applied
after *every* call in the model, which inflates lost capacity where calls are many and misplaces
it in time; fitted on one month the inflated value misses the targets on another.

So the gaps are split (:func:`fit_gap_mixture`). On the log of the gap, the short gaps form one
or more narrow peaks and the breaks a broad hump of minutes: a mixture of normal distributions
on ``log(gap)`` (lognormal gaps), with one to three after-call components and a break component
whose median is at least :data:`MIN_BREAK_MEDIAN_S`, fitted by expectation-maximisation
(Dempster, Laird & Rubin 1977). The number of after-call components, and whether there is a
break component at all, are chosen by BIC (Schwarz 1978). The threshold is the gap above which a
gap is more likely a break than after-call work. Gaps up to it are the after-call work
(:class:`AfterCallWork`, the staff group's wrap-up).

Breaks become what they are: agents on duty but off the queue, a share per interval of the day
(:func:`break_time`, :func:`unavailable_share_by_weekday`; the roster's ``unavailable_share``).
The break time per call is measured where it can be seen, after calls that ended while callers
waited, and spread over all the calls of the interval and the agents on duty then.

What the gaps cannot tell apart
-------------------------------
An agent who ends a call while one caller waits, whom a colleague then answers first, may sit
idle until the next call: that idle time lands in the gap. It is small in a busy centre (many
callers waiting) and grows when the centre is quiet; tested on synthetic logs with known
after-call work and breaks (``tests/unit/test_after_call.py``), the after-call estimate is within
15% of the truth at the loads of the Anonymous Bank log, and too high at low loads.

References
----------
Dempster, A. P., Laird, N. M., Rubin, D. B. (1977). Maximum likelihood from incomplete data via
the EM algorithm. Journal of the Royal Statistical Society B 39(1), 1-38.

Schwarz, G. (1978). Estimating the dimension of a model. The Annals of Statistics 6(2), 461-464.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Whole-second timestamps: a gap of 0 s means "under a second"; half a second is its mean.
MIN_GAP_S = 0.5
MAX_GAP_S = 1800.0  # longer: the end of a working spell (staffing inference's break gap)
# A break lasts a few minutes (assumption): the break component's median is kept at or
# above this, so that the mixture cannot call the ordinary spread of after-call work a break.
MIN_BREAK_MEDIAN_S = 120.0
MAX_AFTER_CALL_COMPONENTS = 3
MIN_GAPS_FOR_MIXTURE = 100
# Break time per call of a weekday's interval is shrunk towards the interval's over all weekdays
# with the weight of this many measured calls (and that one towards the whole log's).
SHRINK_MEASURED_CALLS = 100.0
# And the calls handled per agent second with the weight of one agent hour on duty.
SHRINK_ON_DUTY_S = 3600.0
MAX_UNAVAILABLE_SHARE = 0.9  # the roster's bound


class _GapStatistics:
    """Mean and coefficient of variation of a dataclass's ``gaps_s`` (seconds)."""

    gaps_s: np.ndarray

    @property
    def mean_s(self) -> float:
        """Mean of the gaps, seconds (0 without any)."""
        return float(self.gaps_s.mean()) if len(self.gaps_s) else 0.0

    @property
    def cv(self) -> float:
        """Coefficient of variation of the gaps (0 with fewer than two)."""
        return float(self.gaps_s.std() / self.gaps_s.mean()) if len(self.gaps_s) > 1 else 0.0


@dataclass(frozen=True)
class Unavailability(_GapStatistics):
    """Gaps between an agent's calls while callers were waiting.

    Attributes
    ----------
    gaps_s : numpy.ndarray
        The measured gaps in seconds (at least :data:`MIN_GAP_S`).
    n_calls : int
        Served calls followed by another call of the same agent (the candidates).
    started_s : numpy.ndarray
        When each measured gap started (the call's end, epoch seconds), aligned with ``gaps_s``.
    """

    gaps_s: np.ndarray
    n_calls: int
    started_s: np.ndarray = field(default_factory=lambda: np.empty(0))


def _epoch_s(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype="datetime64[ns]").astype(np.int64) / 1e9


def waiting_at(calls: pd.DataFrame, times_s: np.ndarray) -> np.ndarray:
    """Number of calls waiting in the queue at each of ``times_s`` (epoch seconds)."""
    start = _epoch_s(calls["arrival"])
    end = start + calls["wait_s"].to_numpy(dtype=float)
    started = np.searchsorted(np.sort(start), times_s, side="right")
    ended = np.searchsorted(np.sort(end), times_s, side="right")
    return started - ended


def _agent_gaps(calls: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each served call's end, the agent's next answer and whether both are the same agent's."""
    served = calls[calls["outcome"] == "served"].sort_values(["agent", "answered"])
    answered = _epoch_s(served["answered"])
    ended = _epoch_s(served["ended"])
    agent = served["agent"].astype(str).to_numpy()
    return ended[:-1], answered[1:], agent[1:] == agent[:-1]


def unavailable_after_calls(calls: pd.DataFrame, max_gap_s: float = MAX_GAP_S) -> Unavailability:
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
    ended, answered, same_agent = _agent_gaps(calls)
    gap = answered - ended
    candidates = same_agent & (gap >= 0) & (gap <= max_gap_s)
    # +1 s: a caller whose wait ends at that very second was being answered by someone else.
    busy = waiting_at(calls, ended + 1.0) > 0
    kept = candidates & busy
    return Unavailability(
        gaps_s=np.maximum(gap[kept], MIN_GAP_S),
        n_calls=int(candidates.sum()),
        started_s=ended[kept],
    )


# --------------------------------------------------------------------------------------------
# After-call work and breaks apart
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapMixture:
    """A mixture of lognormal gap lengths: after-call components and one break component (last).

    Attributes
    ----------
    weights : numpy.ndarray
        Mixture weights (sum to 1).
    medians_s : numpy.ndarray
        Median of each component, seconds (``exp`` of the mean of ``log(gap)``).
    sigmas : numpy.ndarray
        Standard deviation of ``log(gap)`` per component.
    threshold_s : float
        Gaps above this are more likely breaks than after-call work.
    bic : float
        The Bayesian information criterion of the chosen mixture.
    """

    weights: np.ndarray
    medians_s: np.ndarray
    sigmas: np.ndarray
    threshold_s: float
    bic: float

    @property
    def break_weight(self) -> float:
        """Share of the gaps in the break component."""
        return float(self.weights[-1])


def _normal_pdf(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    z = (x[:, None] - mu) / sigma
    return np.exp(-0.5 * z * z) / (sigma * np.sqrt(2.0 * np.pi))


def _em(
    x: np.ndarray, n_after_call: int, min_break_log: float | None, iterations: int = 500
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """EM for a normal mixture on ``x``: ``n_after_call`` components, plus a break component
    whose mean is at least ``min_break_log`` unless that is None.

    Deterministic start (after-call means at spread quantiles of the short gaps, the break mean
    at the 97.5th percentile), so that the same data always give the same fit.
    """
    breaks = min_break_log is not None
    floor = float(min_break_log) if min_break_log is not None else np.inf
    short = x[x < floor] if (x < floor).sum() >= 10 * n_after_call else x
    mu = np.quantile(short, np.linspace(0.25, 0.85, n_after_call))
    weights = np.full(n_after_call, 1.0 / n_after_call)
    if breaks:
        mu = np.r_[mu, max(float(np.quantile(x, 0.975)), floor)]
        weights = np.r_[0.95 * weights, 0.05]
    sigma = np.full(len(mu), 0.5)
    previous = -np.inf
    loglik = -np.inf
    for _ in range(iterations):
        density = weights * _normal_pdf(x, mu, sigma) + 1e-300
        total = density.sum(axis=1)
        loglik = float(np.log(total).sum())
        resp = density / total[:, None]
        n = resp.sum(axis=0) + 1e-12
        weights = n / len(x)
        mu = (resp * x[:, None]).sum(axis=0) / n
        if breaks:
            mu[-1] = max(mu[-1], floor)
        # A floor on the spread: whole-second timestamps make single values recur exactly.
        sigma = np.maximum(np.sqrt((resp * (x[:, None] - mu) ** 2).sum(axis=0) / n), 0.05)
        if loglik - previous < 1e-8 * abs(loglik):
            break
        previous = loglik
    return weights, mu, sigma, loglik


def fit_gap_mixture(
    gaps_s: np.ndarray,
    *,
    min_break_median_s: float = MIN_BREAK_MEDIAN_S,
    max_after_call_components: int = MAX_AFTER_CALL_COMPONENTS,
) -> GapMixture:
    """Fit after-call and break components to the gaps; see the module docstring.

    Mixtures of one to ``max_after_call_components`` after-call components, each with and
    without a break component, compete on BIC: a log whose gaps show no break hump gets no
    breaks (``threshold_s`` = :data:`MAX_GAP_S`, ``break_weight`` 0).

    Raises
    ------
    ValueError
        With fewer than :data:`MIN_GAPS_FOR_MIXTURE` gaps.
    """
    gaps = np.maximum(np.asarray(gaps_s, dtype=float), MIN_GAP_S)
    if len(gaps) < MIN_GAPS_FOR_MIXTURE:
        raise ValueError(f"{len(gaps)} gaps: at least {MIN_GAPS_FOR_MIXTURE} needed for a mixture")
    x = np.log(gaps)
    floor = float(np.log(min_break_median_s))
    best: tuple[float, bool, np.ndarray, np.ndarray, np.ndarray] | None = None
    for n_after_call in range(1, max_after_call_components + 1):
        for breaks in (False, True):
            weights, mu, sigma, loglik = _em(x, n_after_call, floor if breaks else None)
            parameters = 3 * (n_after_call + breaks) - 1
            bic = -2.0 * loglik + parameters * np.log(len(x))
            if best is None or bic < best[0]:
                best = (bic, breaks, weights, mu, sigma)
    assert best is not None
    bic, breaks, weights, mu, sigma = best
    if not breaks:  # an empty break component keeps the arrays' meaning (the last one)
        weights, mu, sigma = np.r_[weights, 0.0], np.r_[mu, np.log(MAX_GAP_S)], np.r_[sigma, 1.0]
    # The threshold: the smallest gap above the after-call medians from which a break is the
    # likelier component; on a fine grid of log(gap), so it does not depend on the sample.
    grid = np.linspace(float(mu[:-1].max()), float(np.log(MAX_GAP_S)), 4001)
    density = weights * _normal_pdf(grid, mu, sigma)
    is_break = (density[:, -1] >= density[:, :-1].sum(axis=1)) & (weights[-1] > 0)
    threshold = float(np.exp(grid[int(np.argmax(is_break))])) if is_break.any() else MAX_GAP_S
    return GapMixture(
        weights=weights, medians_s=np.exp(mu), sigmas=sigma, threshold_s=threshold, bic=float(bic)
    )


@dataclass(frozen=True)
class AfterCallWork(_GapStatistics):
    """The after-call work: the measured gaps up to a threshold, and the breaks above it.

    Attributes
    ----------
    method : str
        How the threshold was chosen: ``mixture`` (:func:`fit_gap_mixture`), ``threshold`` (given)
        or ``all gaps`` (no breaks: every gap up to a spell's end is after-call work).
    threshold_s : float
        Gaps up to this are after-call work, longer ones breaks.
    gaps_s : numpy.ndarray
        The after-call gaps.
    n_breaks : int
        Measured gaps above the threshold.
    mixture : GapMixture or None
        The fitted mixture (method ``mixture``).
    """

    method: str
    threshold_s: float
    gaps_s: np.ndarray
    n_breaks: int
    mixture: GapMixture | None = None

    @property
    def breaks(self) -> bool:
        """Whether any gap is left to breaks (false for ``all gaps``)."""
        return self.threshold_s < MAX_GAP_S


def after_call_work(
    gaps: Unavailability, threshold_s: float | None = None, *, method: str | None = None
) -> AfterCallWork:
    """Split the measured gaps at ``threshold_s`` (None: the mixture's threshold).

    With too few gaps for a mixture and no threshold, every gap is after-call work.
    """
    mixture = None
    if threshold_s is None:
        try:
            mixture = fit_gap_mixture(gaps.gaps_s)
            threshold_s = mixture.threshold_s
        except ValueError:
            threshold_s = MAX_GAP_S
    threshold_s = float(min(threshold_s, MAX_GAP_S))
    short = gaps.gaps_s <= threshold_s
    name = method or (
        "mixture" if mixture else "all gaps" if threshold_s >= MAX_GAP_S else "threshold"
    )
    return AfterCallWork(
        method=name,
        threshold_s=threshold_s,
        gaps_s=gaps.gaps_s[short],
        n_breaks=int((~short).sum()),
        mixture=mixture,
    )


# --------------------------------------------------------------------------------------------
# Breaks as a share of the agents on duty, per interval
# --------------------------------------------------------------------------------------------


def break_time(
    calls: pd.DataFrame,
    staffing: pd.DataFrame,
    work: AfterCallWork,
    max_gap_s: float = MAX_GAP_S,
) -> pd.DataFrame:
    """What the breaks cost, per date and interval of the day.

    A break is a gap longer than ``work``'s threshold (and at most ``max_gap_s``) after a call
    that ended while callers were waiting: those are the gaps in which the agent evidently was
    not available. Each such break's time beyond the after-call work (which the model adds after
    every call) counts in the interval the call ended in.

    Parameters
    ----------
    calls : pandas.DataFrame
        The call log.
    staffing : pandas.DataFrame
        Agents on duty per date (index, midnights) and interval start minute (columns), as
        inferred from the log (:func:`~klantstroom.calibration.staffing_inference.infer_staffing`).
    work : AfterCallWork
        The after-call work and its threshold.

    Returns
    -------
    pandas.DataFrame
        Long table with ``date``, ``interval`` (start minute), ``measured`` (calls ending while
        callers waited and followed by the agent's next call: the sample), ``break_s`` (their
        break time beyond after-call work), ``calls`` (all calls followed by the agent's next
        call within a working spell) and ``on_duty_s`` (agent seconds on duty).
    """
    step_s = 86400.0 / staffing.shape[1]
    ended, answered, same_agent = _agent_gaps(calls)
    gap = answered - ended
    in_spell = same_agent & (gap >= 0) & (gap <= max_gap_s)
    busy = waiting_at(calls, ended + 1.0) > 0
    measured = in_spell & busy
    away = np.where(measured & (gap > work.threshold_s), gap - work.mean_s, 0.0)
    midnight = ended.astype("datetime64[s]").astype("datetime64[D]")
    slot = ((ended - midnight.astype(np.int64) * 86400.0) // step_s).astype(int)
    frame = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(midnight),
            "interval": staffing.columns.to_numpy()[np.clip(slot, 0, staffing.shape[1] - 1)],
            "measured": measured.astype(int),
            "break_s": away,
            "calls": in_spell.astype(int),
        }
    )
    counts = frame[in_spell].groupby(["date", "interval"])[["measured", "break_s", "calls"]].sum()
    on_duty = staffing.stack()
    on_duty.index = on_duty.index.set_names(["date", "interval"])
    table = counts.reindex(on_duty.index, fill_value=0)
    table["on_duty_s"] = on_duty.to_numpy(dtype=float) * step_s
    return table.reset_index()


def unavailable_share_by_weekday(table: pd.DataFrame) -> pd.DataFrame:
    """Share of the agents on duty away on breaks, per weekday (0 = Monday) x interval.

    The break time per call is measured on calls that ended while callers waited, and applied to
    all the calls handled in the interval: with breaks per call ``b`` and ``n`` calls handled in
    ``T`` agent seconds on duty, a share ``b n / T`` of the agents is away. A weekday's interval
    has few measured calls, so its ``b`` is shrunk towards the interval's over all weekdays, and
    that one towards the whole log's (``(B + k b') / (m + k)`` for break time ``B`` over ``m``
    measured calls, ``k`` = :data:`SHRINK_MEASURED_CALLS`): a quiet interval does not get a
    share from a handful of calls. The calls per agent second ``n / T`` are shrunk the same way
    (weight :data:`SHRINK_ON_DUTY_S`). Zero where nobody was on duty.
    """
    columns = ["measured", "break_s", "calls", "on_duty_s"]
    weekday = pd.to_datetime(table["date"]).dt.day_of_week.rename("weekday")
    by_day = table.groupby([weekday, table["interval"]])[columns].sum()
    by_interval = table.groupby("interval")[columns].sum()
    intervals = by_day.index.get_level_values("interval")

    def shrunk(own: pd.Series, own_n: pd.Series, prior: np.ndarray | float, k: float) -> pd.Series:
        return (own + k * prior) / (own_n + k)

    total = table[columns].sum()
    k = SHRINK_MEASURED_CALLS
    overall = float(total["break_s"] / max(float(total["measured"]), 1.0))
    pooled = shrunk(by_interval["break_s"], by_interval["measured"], overall, k)
    per_call = shrunk(
        by_day["break_s"], by_day["measured"], pooled.reindex(intervals).to_numpy(), k
    )
    # The calls handled per agent second, shrunk alike: at a shift's first minutes a call or two
    # over a few agent minutes on duty would make a rate, and a share, of nothing.
    k_s = SHRINK_ON_DUTY_S
    rate = float(total["calls"] / max(float(total["on_duty_s"]), 1e-9))
    pooled_rate = shrunk(by_interval["calls"], by_interval["on_duty_s"], rate, k_s)
    own_rate = shrunk(
        by_day["calls"], by_day["on_duty_s"], pooled_rate.reindex(intervals).to_numpy(), k_s
    )
    share = (per_call * own_rate).where(by_day["on_duty_s"] > 0, 0.0)
    wide = share.unstack("interval").reindex(columns=by_interval.index).fillna(0.0)
    return wide.clip(lower=0.0, upper=MAX_UNAVAILABLE_SHARE)
