"""How much the verdict of a calibration depends on how its gaps were split.

The gaps between an agent's calls are split into after-call work and breaks
(:mod:`klantstroom.calibration.availability`); the split is an estimate. The sensitivity table
replays the log under the chosen split and under alternatives (a fixed threshold, no breaks at
all, the gap mixture), in sample and, with a holdout, out of sample, so the report can say
whether the targets are met whichever estimate is right.
"""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from klantstroom.calibration.availability import MAX_GAP_S
from klantstroom.calibration.holdout import transfer_behaviour
from klantstroom.calibration.pipeline import scenario_config, with_break_threshold
from klantstroom.calibration.texts import number, texts
from klantstroom.calibration.validation import IN_SAMPLE, OUT_OF_SAMPLE, Period, validate

# The alternatives the sensitivity table tries beside the chosen split of the gaps (seconds).
ALTERNATIVE_THRESHOLDS = (("5-minute threshold", 300.0), ("all gaps (no breaks)", MAX_GAP_S))


def sensitivity_table(periods: dict[str, Period], args: argparse.Namespace) -> pd.DataFrame:
    """Targets met (or missed) under each split of the gaps into after-call work and breaks.

    The chosen split and the alternatives (:data:`ALTERNATIVE_THRESHOLDS`, and the gap mixture
    when a threshold was given), each replayed in sample and, with a holdout, out of sample.
    Returns a long table: ``estimate``, ``threshold_s``, ``after_call_s``, ``break_share_%``,
    ``period``, ``services``, ``replay`` and the targets columns.
    """
    fit = periods[IN_SAMPLE]
    chosen = fit.cal.after_call
    label = "gap mixture" if chosen.method == "mixture" else f"{chosen.method} (chosen)"
    estimates: list[tuple[str, float | None]] = [(label, chosen.threshold_s)]
    if chosen.method != "mixture":
        estimates.append(("gap mixture", None))
    for alternative, seconds in ALTERNATIVE_THRESHOLDS:
        if all(abs((t or -1.0) - seconds) > 1.0 for _, t in estimates):
            estimates.append((alternative, seconds))
    channel = next(iter(fit.config["channels"]))
    rows = []
    for estimate, threshold in estimates:
        cal = (
            fit.cal if threshold == chosen.threshold_s else with_break_threshold(fit.cal, threshold)
        )
        config = scenario_config(
            cal, name="sensitivity", seed=args.seed, replications=args.replications, channel=channel
        )
        results = {IN_SAMPLE: fit.validation}
        if threshold != chosen.threshold_s:
            results[IN_SAMPLE] = validate(
                cal.calls,
                cal.staffing,
                config,
                replications=args.replications,
                services=args.services,
            )
        if OUT_OF_SAMPLE in periods:
            holdout = periods[OUT_OF_SAMPLE]
            results[OUT_OF_SAMPLE] = holdout.validation
            if threshold != chosen.threshold_s:
                own = scenario_config(
                    holdout.cal,
                    name="sensitivity",
                    seed=args.seed,
                    replications=args.replications,
                    channel=channel,
                )
                combined, _ = transfer_behaviour(own, config)
                results[OUT_OF_SAMPLE] = validate(
                    holdout.cal.calls,
                    holdout.cal.staffing,
                    combined,
                    replications=args.replications,
                    services=args.services,
                )
        breaks = cal.breaks
        share = 0.0
        if cal.after_call.breaks and len(breaks):
            per_call = breaks["break_s"].sum() / max(breaks["measured"].sum(), 1)
            share = float(per_call * breaks["calls"].sum() / max(breaks["on_duty_s"].sum(), 1e-9))
        for period, validation in results.items():
            assert validation is not None
            for group, table in validation.targets.items():
                for replay, row in table.iterrows():
                    rows.append(
                        {
                            "estimate": estimate,
                            "threshold_s": round(cal.after_call.threshold_s, 1),
                            "after_call_s": round(cal.after_call.mean_s, 1),
                            "break_share_%": round(100 * share, 1),
                            "period": period,
                            "services": group,
                            "replay": replay,
                            **row.to_dict(),
                        }
                    )
    return pd.DataFrame(rows)


def sensitivity_summary(
    table: pd.DataFrame, groups: list[str], language: str = "en"
) -> pd.DataFrame:
    """One row per estimate; per period and group of call types, what is met (report table)."""
    t = texts(language)

    def verdict(rows: pd.DataFrame) -> str:
        misses = []
        for _, row in rows.iterrows():
            replay = t["sources"].get(row["replay"], row["replay"])
            if not row["abandonment_met"]:
                diff = number(row["abandonment_diff_pp"], "+.1f", language)
                misses.append(t["miss_abandonment"].format(replay=replay, diff=diff))
            if not row["mean_wait_met"]:
                diff = number(row["mean_wait_diff_%"], "+.0f", language)
                misses.append(t["miss_wait"].format(replay=replay, diff=diff))
        return t["met"] if not misses else "; ".join(misses)

    summary: dict[str, dict[str, Any]] = {}
    for (estimate, period, group), rows in table.groupby(
        ["estimate", "period", "services"], sort=False
    ):
        if group not in groups:
            continue
        first = rows.iloc[0]
        entry = summary.setdefault(
            str(estimate),
            {
                "threshold (s)": first["threshold_s"],
                "after-call (s)": first["after_call_s"],
                "breaks (% of agents)": first["break_share_%"],
            },
        )
        entry[f"{period}: {group}"] = verdict(rows)
    frame = pd.DataFrame.from_dict(summary, orient="index")
    frame.index.name = "estimate"  # the page translates heads and estimates (texts.localise)
    return frame
