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
from klantstroom.calibration.texts import display, number, texts


def gaps_figure(cal: Calibration, language: str = "en") -> Figure:
    """Histogram of the gaps (log scale) with the mixture's components and the threshold."""
    words = texts(language)
    gaps = np.maximum(cal.unavailability.gaps_s, MIN_GAP_S)
    work = cal.after_call
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    x = np.log(gaps)
    bins = np.linspace(x.min(), np.log(MAX_GAP_S), 60)
    ax.hist(
        x, bins=bins, density=True, color="#cccccc", label=words["gaps_label"].format(n=len(gaps))
    )
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
                label=words["gap_component"].format(
                    what=words["gap_break" if last else "gap_after"],
                    share=f"{100 * w:.0f}",
                    median=f"{median:.0f}",
                ),
            )
    if work.breaks:
        ax.axvline(
            np.log(work.threshold_s),
            color="black",
            linestyle="--",
            label=words["threshold"].format(s=f"{work.threshold_s:.0f}"),
        )
    ticks = [1, 5, 15, 60, 300, 1800]
    ax.set_xticks(np.log(ticks), [f"{t} s" if t < 60 else f"{t // 60} min" for t in ticks])
    ax.set_xlabel(words["gaps_x"], fontsize=FONT)
    ax.set_ylabel(words["gaps_y"], fontsize=FONT)
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(
        words["gaps_title"].format(
            mean=f"{work.mean_s:.0f}", method=display(work.method, language), n=work.n_breaks
        ),
        fontsize=FONT + 3,
    )
    return fig


def break_share_figure(cal: Calibration, language: str = "en") -> Figure:
    """Share of the agents on duty away on breaks per half hour, per weekday."""
    words = texts(language)
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    share = cal.unavailable_share
    for weekday in share.index:
        row = share.loc[weekday]
        ax.plot(
            np.asarray(row.index, dtype=float) / 60 + 0.25,
            100 * row.to_numpy(dtype=float),
            label=words["days"][int(weekday)],
        )
    ax.set_xlabel(words["hour"], fontsize=FONT)
    ax.set_ylabel(words["breaks_y"], fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=FONT - 1, ncols=4)
    fig.suptitle(words["breaks_title"], fontsize=FONT + 3)
    return fig


def handling_by_hour_figure(cal: Calibration, language: str = "en") -> Figure:
    """Handling-time factor by hour of the day per call type (with the calls behind each)."""
    words = texts(language)
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    for service, profiles in sorted(cal.handling_profiles.items()):
        profile = profiles["hour"]
        table = profile.table[profile.table["calls"] >= 30]
        used = words["used"] if profile.used else words["not_used"]
        ax.plot(
            table.index.to_numpy(dtype=float) + 0.5,
            table["factor"].to_numpy(dtype=float),
            marker="o",
            label=f"{service} ({used}; p = {number(profile.pvalue, '.1g', language)})",
        )
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_xlabel(words["handling_x"], fontsize=FONT)
    ax.set_ylabel(words["handling_y"], fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(words["handling_title"], fontsize=FONT + 3)
    return fig


def stability_figure(weekly: pd.DataFrame, drift: pd.DataFrame, language: str = "en") -> Figure:
    """Each behaviour estimate per week with its 95% interval, relative to its pooled value."""
    words = texts(language)
    behaviour = [p for p in drift.index if drift.loc[p, "kind"] == "behaviour"]
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    drawn = 0
    for i, parameter in enumerate(behaviour):
        rows = weekly[weekly["parameter"] == parameter]
        pooled = float(drift.loc[parameter, "pooled"])
        if not np.isfinite(pooled) or pooled == 0:
            continue
        drawn += 1
        y = rows["estimate"].to_numpy(dtype=float) / pooled
        err = 1.96 * rows["se"].to_numpy(dtype=float) / pooled
        x = np.arange(len(rows)) + (i - len(behaviour) / 2) * 0.06
        drifts = words["drifts"] if drift.loc[parameter, "drifts"] else ""
        ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=f"{parameter}{drifts}")
    weeks = sorted(weekly["week"].unique())
    ax.set_xticks(range(len(weeks)), [words["week_from"].format(week=w) for w in weeks])
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_ylabel(words["stability_y"], fontsize=FONT)
    if drawn:
        ax.legend(fontsize=FONT - 2, ncols=2)
    else:  # a short log: say so rather than show empty axes with an empty legend
        ax.text(0.5, 0.5, words["stability_none"], transform=ax.transAxes, ha="center")
    fig.suptitle(words["stability_title"], fontsize=FONT + 3)
    return fig
