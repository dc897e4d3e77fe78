"""Figures of the behaviour estimates: the gaps between calls, breaks, handling by hour, weeks.

Each function takes fitted results and returns a matplotlib ``Figure`` (no pyplot state); the
command saves them with :func:`klantstroom.calibration.report.save`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from klantstroom.calibration.availability import MAX_GAP_S, MIN_GAP_S
from klantstroom.calibration.pipeline import Calibration
from klantstroom.calibration.report import FONT, panel_figure

NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def gaps_figure(cal: Calibration) -> Figure:
    """Histogram of the gaps (log scale) with the mixture's components and the threshold."""
    gaps = np.maximum(cal.unavailability.gaps_s, MIN_GAP_S)
    work = cal.after_call
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    x = np.log(gaps)
    bins = np.linspace(x.min(), np.log(MAX_GAP_S), 60)
    ax.hist(x, bins=bins, density=True, color="#cccccc", label=f"gaps measured ({len(gaps)})")
    mixture = work.mixture
    if mixture is not None:
        grid = np.linspace(bins[0], bins[-1], 400)
        for k, (w, median, sigma) in enumerate(
            zip(mixture.weights, mixture.medians_s, mixture.sigmas, strict=True)
        ):
            if w <= 0:
                continue
            pdf = w * np.exp(-0.5 * ((grid - np.log(median)) / sigma) ** 2)
            pdf /= sigma * np.sqrt(2 * np.pi)
            last = k == len(mixture.weights) - 1
            ax.plot(
                grid,
                pdf,
                linewidth=2,
                color="#d62728" if last else "#1f77b4",
                label=(
                    f"{'break' if last else 'after-call'}: {100 * w:.0f}%, median {median:.0f} s"
                ),
            )
    if work.breaks:
        ax.axvline(
            np.log(work.threshold_s),
            color="black",
            linestyle="--",
            label=f"threshold {work.threshold_s:.0f} s",
        )
    ticks = [1, 5, 15, 60, 300, 1800]
    ax.set_xticks(np.log(ticks), [f"{t} s" if t < 60 else f"{t // 60} min" for t in ticks])
    ax.set_xlabel(
        "Gap from a call's end to the agent's next answer, callers waiting", fontsize=FONT
    )
    ax.set_ylabel("Density (per unit of log gap)", fontsize=FONT)
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(
        f"After-call work {work.mean_s:.0f} s on average ({work.method}); "
        f"{work.n_breaks} breaks above the threshold",
        fontsize=FONT + 3,
    )
    return fig


def break_share_figure(cal: Calibration) -> Figure:
    """Share of the agents on duty away on breaks per half hour, per weekday."""
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    share = cal.unavailable_share
    for weekday in share.index:
        row = share.loc[weekday]
        ax.plot(
            np.asarray(row.index, dtype=float) / 60 + 0.25,
            100 * row.to_numpy(dtype=float),
            label=NAMES[int(weekday)],
        )
    ax.set_xlabel("Hour of the day", fontsize=FONT)
    ax.set_ylabel("Agents on duty away (%)", fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=FONT - 1, ncols=4)
    fig.suptitle(
        "Breaks: share of agents on duty off the queue (roster unavailable_share)",
        fontsize=FONT + 3,
    )
    return fig


def handling_by_hour_figure(cal: Calibration) -> Figure:
    """Handling-time factor by hour of the day per call type (with the calls behind each)."""
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    for service, profiles in sorted(cal.handling_profiles.items()):
        profile = profiles["hour"]
        table = profile.table[profile.table["calls"] >= 30]
        used = "used" if profile.used else "not used"
        ax.plot(
            table.index.to_numpy(dtype=float) + 0.5,
            table["factor"].to_numpy(dtype=float),
            marker="o",
            label=f"{service} ({used}; p = {profile.pvalue:.1g})",
        )
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_xlabel("Hour the service starts", fontsize=FONT)
    ax.set_ylabel("Handling time / day's mean", fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(
        "Handling time by hour of the day (hours with at least 30 calls)", fontsize=FONT + 3
    )
    return fig


def stability_figure(weekly: pd.DataFrame, drift: pd.DataFrame) -> Figure:
    """Each behaviour estimate per week with its 95% interval, relative to its pooled value."""
    behaviour = [p for p in drift.index if drift.loc[p, "kind"] == "behaviour"]
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    for i, parameter in enumerate(behaviour):
        rows = weekly[weekly["parameter"] == parameter]
        pooled = float(drift.loc[parameter, "pooled"])
        if not np.isfinite(pooled) or pooled == 0:
            continue
        y = rows["estimate"].to_numpy(dtype=float) / pooled
        err = 1.96 * rows["se"].to_numpy(dtype=float) / pooled
        x = np.arange(len(rows)) + (i - len(behaviour) / 2) * 0.06
        drifts = " (drifts)" if drift.loc[parameter, "drifts"] else ""
        ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=f"{parameter}{drifts}")
    weeks = sorted(weekly["week"].unique())
    ax.set_xticks(range(len(weeks)), [f"from {w}" for w in weeks])
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_ylabel("Week's estimate / pooled estimate", fontsize=FONT)
    ax.legend(fontsize=FONT - 2, ncols=2)
    fig.suptitle("Behaviour estimates per week, with 95% intervals", fontsize=FONT + 3)
    return fig
