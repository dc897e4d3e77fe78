"""The calibration and validation report: figures, tables and one self-contained HTML page.

The page says what was imported (and what was left out, per reason), what was fitted (with
goodness of fit), and how close the two replays come to the log, per hour of the day and overall,
against the targets: abandonment within 1.5 percentage points and mean wait of served calls
within 15% of the log.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

from klantstroom.calibration.patience import survival_at
from klantstroom.calibration.pipeline import Calibration
from klantstroom.model.distributions import weibull_shape
from klantstroom.report.templating import render

ABANDONMENT_TOLERANCE_PP = 1.5
WAIT_TOLERANCE = 0.15
COLOURS = {"log": "#222222", "trace": "#1f77b4", "model": "#d62728"}
LABELS = {"log": "log", "trace": "trace-driven replay", "model": "model-driven replay"}
FONT = 12


def targets_table(overall: pd.DataFrame) -> pd.DataFrame:
    """Differences of each replay from the log, and whether the targets are met."""
    log = overall.loc["log"]
    rows = []
    for source in overall.index.drop("log"):
        row = overall.loc[source]
        aband_pp = 100 * (row["abandonment_rate"] - log["abandonment_rate"])
        wait_rel = row["mean_wait_served_s"] / log["mean_wait_served_s"] - 1
        rows.append(
            {
                "replay": source,
                "abandonment_log_%": 100 * log["abandonment_rate"],
                "abandonment_replay_%": 100 * row["abandonment_rate"],
                "abandonment_diff_pp": aband_pp,
                "abandonment_met": bool(abs(aband_pp) <= ABANDONMENT_TOLERANCE_PP),
                "mean_wait_log_s": log["mean_wait_served_s"],
                "mean_wait_replay_s": row["mean_wait_served_s"],
                "mean_wait_diff_%": 100 * wait_rel,
                "mean_wait_met": bool(abs(wait_rel) <= WAIT_TOLERANCE),
            }
        )
    return pd.DataFrame(rows).set_index("replay")


def panel_figure(rows: int, cols: int, height: float = 4.2) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(11, height * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False))
    for ax in axes.ravel():
        ax.tick_params(labelsize=FONT)
        ax.grid(alpha=0.3)
    return fig, axes


def validation_figure(hourly: Mapping[str, pd.DataFrame], title: str) -> Figure:
    """Log vs replays per hour of the day: abandonment, mean wait, within 30 s, queue length."""
    panels = [
        ("abandonment_rate", "Abandonment (%)", 100),
        ("mean_wait_served_s", "Mean wait of served calls (s)", 1),
        ("within_30s", "Answered within 30 s (%)", 100),
        ("mean_queue_length", "Mean queue length (calls)", 1),
    ]
    fig, axes = panel_figure(2, 2)
    for ax, (column, label, scale) in zip(axes.ravel(), panels, strict=True):
        for source, table in hourly.items():
            per_hour = table.drop(index="all")
            busy = per_hour["offered"].to_numpy(dtype=float) >= 30  # hide hours with few calls
            hours = np.arange(24)[busy]
            ax.plot(
                hours + 0.5,
                per_hour[column].to_numpy(dtype=float)[busy] * scale,
                marker="o",
                color=COLOURS.get(source, "grey"),
                linewidth=2.5 if source == "log" else 1.8,
                label=LABELS.get(source, source),
            )
        ax.set_title(label, fontsize=FONT + 1, loc="left")
        ax.set_xlabel("Hour of the day", fontsize=FONT)
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 3))
        ax.set_ylim(bottom=0)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=FONT)
    fig.suptitle(title, fontsize=FONT + 3)
    return fig


def arrivals_figure(cal: Calibration) -> Figure:
    """Mean arrivals per half hour by weekday (fresh calls)."""
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    table = cal.fresh_profile.mean_per_interval
    days = cal.fresh_profile.days_observed
    for weekday in table.index:
        if cal.fresh_profile.days_observed.get(int(weekday), 0):
            row = table.loc[weekday]
            ax.plot(
                np.asarray(row.index, dtype=float) / 60,
                row.to_numpy(dtype=float),
                label=f"{names[int(weekday)]} ({days[int(weekday)]} days)",
            )
    ax.set_xlabel("Hour of the day", fontsize=FONT)
    ax.set_ylabel("Calls per 30 minutes", fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.legend(fontsize=FONT - 1, ncols=4)
    fig.suptitle("Fresh arrivals per half hour, mean over the log's dates", fontsize=FONT + 3)
    return fig


def service_figure(cal: Calibration, service: str) -> Figure:
    """Service times of one call type: histogram (log scale) with the fitted densities."""
    fit = cal.service_fits[service]
    calls = cal.calls
    seconds = calls.loc[
        (calls["service"] == service) & (calls["outcome"] == "served"), "service_s"
    ].to_numpy(dtype=float)
    seconds = seconds[seconds > 0]
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    bins = np.logspace(np.log10(max(seconds.min(), 1)), np.log10(seconds.max()), 60)
    ax.hist(seconds, bins=bins, density=True, color="#cccccc", label=f"log ({len(seconds)} calls)")
    x = np.logspace(np.log10(bins[0]), np.log10(bins[-1]), 300)
    for kind, row in fit.candidates.iterrows():
        mean, cv = float(row["mean_s"]), float(row["cv"])
        if kind == "exponential":
            pdf = stats.expon(scale=mean).pdf(x)
        elif kind == "lognormal":
            s2 = np.log1p(cv**2)
            pdf = stats.lognorm(s=np.sqrt(s2), scale=mean * np.exp(-s2 / 2)).pdf(x)
        else:
            pdf = stats.gamma(1 / cv**2, scale=mean * cv**2).pdf(x)
        ax.plot(
            x,
            pdf,
            linewidth=2.5 if kind == fit.kind else 1.2,
            label=(
                f"{kind} (delta AIC {float(row['delta_aic']):.0f}, "
                f"KS {float(row['ks_statistic']):.3f})"
            ),
        )
    ax.set_xscale("log")
    ax.set_xlabel("Service time (s, log scale)", fontsize=FONT)
    ax.set_ylabel("Density (per s)", fontsize=FONT)
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(
        f"Service times of {service}: chosen {fit.kind}, mean {fit.mean_s:.0f} s, cv {fit.cv:.2f}",
        fontsize=FONT + 3,
    )
    return fig


def patience_figure(cal: Calibration, chosen: Mapping[str, Any]) -> Figure:
    """Kaplan–Meier survival of patience with the fitted parametric curves."""
    fit = cal.patience
    assert fit is not None, "no patience was fitted (nobody abandoned)"
    km = fit.kaplan_meier
    t = np.linspace(0, float(np.quantile(cal.calls["wait_s"], 0.995)), 300)
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    ax.step(
        t,
        survival_at(km, t),
        where="post",
        color="black",
        linewidth=2.5,
        label="Kaplan–Meier (served calls censored)",
    )
    for kind, row in fit.candidates.iterrows():
        mean, cv = float(row["mean_s"]), float(row["cv"])
        if kind == "exponential":
            surv = np.exp(-t / mean)
        elif kind == "lognormal":
            s2 = np.log1p(cv**2)
            surv = stats.lognorm(s=np.sqrt(s2), scale=mean * np.exp(-s2 / 2)).sf(t)
        else:
            k = weibull_shape(cv)
            surv = stats.weibull_min(k, scale=mean / math.gamma(1 + 1 / k)).sf(t)
        ax.plot(
            t,
            surv,
            linewidth=2.2 if kind == chosen.get("kind") else 1.2,
            label=f"{kind}: mean {mean / 60:.1f} min (largest gap {float(row['max_diff_km']):.3f})",
        )
    ax.set_xlabel("Time in queue (s)", fontsize=FONT)
    ax.set_ylabel("Still willing to wait", fontsize=FONT)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=FONT - 1)
    fig.suptitle("Patience: share of callers still waiting after t seconds", fontsize=FONT + 3)
    return fig


def staffing_figure(cal: Calibration) -> Figure:
    """Agents on duty per half hour, mean per weekday, inferred from agent activity."""
    fig, axes = panel_figure(1, 1, 5.5)
    ax = axes[0, 0]
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    staffing = cal.staffing
    weekday = np.array([pd.Timestamp(d).weekday() for d in staffing.index])
    for w in sorted(set(weekday.tolist())):
        rows = staffing[weekday == w]
        ax.plot(
            np.asarray(staffing.columns, dtype=float) / 60, rows.mean().to_numpy(), label=names[w]
        )
    ax.set_xlabel("Hour of the day", fontsize=FONT)
    ax.set_ylabel("Agents on duty (persons)", fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.legend(fontsize=FONT - 1, ncols=4)
    fig.suptitle(
        "Staffing inferred from agent activity (first to last call, breaks > 30 min)",
        fontsize=FONT + 3,
    )
    return fig


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


# Short column headings of the targets tables (and of holdout tables shaped like them).
_TARGET_HEADS = {
    "abandonment_log_%": "abandoned, log (%)",
    "abandonment_replay_%": "replay (%)",
    "abandonment_diff_pp": "diff (pp)",
    "abandonment_met": "met",
    "mean_wait_log_s": "mean wait, log (s)",
    "mean_wait_replay_s": "replay (s)",
    "mean_wait_diff_%": "diff (%)",
    "mean_wait_met": "met",
}
_DIFFERENCE_HEADS = {
    "offered_log": "calls, log",
    "abandoned_extra": "extra abandoned, model",
    "abandonment_log_%": "abandoned, log (%)",
    "abandonment_trace_%": "trace (%)",
    "abandonment_model_%": "model (%)",
    "mean_wait_log_s": "mean wait, log (s)",
    "mean_wait_trace_s": "trace (s)",
    "mean_wait_model_s": "model (s)",
    "handling_vs_day_%": "handling vs day (%)",
}


@dataclass(frozen=True, eq=False)
class ReportSection:
    """A section of the page: a heading, a paragraph, optionally a table and figures (PNG files).

    All text is escaped; the figures are embedded. ``digits`` is the number of decimals of the
    table's floats. Compared and hashed by identity (a DataFrame has no truth value or hash).
    """

    heading: str
    text: str
    table: pd.DataFrame | None = None
    digits: int = 3
    figures: Sequence[Path] = ()


def write_html(
    path: Path,
    *,
    title: str,
    import_text: str,
    fits: pd.DataFrame,
    scenario_path: Path,
    run_command: str,
    targets: Mapping[str, pd.DataFrame],
    overall: Mapping[str, pd.DataFrame],
    figures: Sequence[Path],
    findings: Sequence[str],
    differences: Mapping[str, pd.DataFrame] | None = None,
    class_load: Mapping[str, pd.DataFrame] | None = None,
    lead: str = "",
    holdout: Mapping[str, pd.DataFrame] | None = None,
    sections: Sequence[ReportSection] = (),
    warnings: Sequence[str] = (),
) -> Path:
    """Write the self-contained report page (figures embedded) from its template.

    The page (``templates/calibration_report.html.j2``) has: the title, ``lead`` (a paragraph),
    ``warnings`` (a highlighted list), ``holdout``, the targets (``targets`` and ``overall`` per
    group of call types), ``findings``, ``sections`` in order, ``differences``, ``class_load``,
    the fitted scenario and the command that runs it, the import report, the fits and
    ``figures``. The optional parts appear only when given. All text is escaped.

    ``holdout`` holds, per group of call types, a table of the in-sample and out-of-sample rows
    side by side against the targets. ``differences`` holds, per group of call types, the hours
    where the model-driven replay misses the log most
    (:func:`klantstroom.calibration.compare.largest_differences`). ``class_load`` holds, per
    class answered ahead of the queue, its share of the type's calls by the load of the
    half-hour (:func:`klantstroom.calibration.staffing_inference.class_share_by_load`).
    """
    page = render(
        "calibration_report.html.j2",
        title=title,
        lead=lead,
        warnings=list(warnings),
        holdout={
            name: table.rename(columns=_TARGET_HEADS) for name, table in (holdout or {}).items()
        },
        targets={name: table.rename(columns=_TARGET_HEADS) for name, table in targets.items()},
        overall=overall,
        findings=list(findings),
        sections=list(sections),
        differences={
            name: table.rename(columns=_DIFFERENCE_HEADS)
            for name, table in (differences or {}).items()
        },
        class_load=dict(class_load or {}),
        scenario_path=str(scenario_path),
        run_command=run_command,
        import_text=import_text,
        fits=fits,
        figures=list(figures),
    )
    path.write_text(page, encoding="utf-8")
    return path


def fits_table(cal: Calibration, config: Mapping[str, Any]) -> pd.DataFrame:
    """One row per fitted quantity: what was chosen, with its parameters."""
    rows = []
    for service, fit in sorted(cal.service_fits.items()):
        rows.append(
            {
                "quantity": f"service time {service}",
                "kind": fit.kind,
                "mean": f"{fit.mean_s:.1f} s",
                "cv": f"{fit.cv:.2f}",
                "n": fit.n,
            }
        )
    services = config["services"]
    channel = next(iter(config["channels"].values()))
    for key, spec in services.items():
        patience = spec.get("patience") or channel["patience"]
        rows.append(
            {
                "quantity": f"patience {key}",
                "kind": "none (nobody abandoned)" if patience is None else patience["kind"],
                "mean": "" if patience is None else f"{patience['mean_min']:.2f} min",
                "cv": "" if patience is None else str(patience.get("cv", 1.0)),
                "n": "",
            }
        )
        rows.append(
            {
                "quantity": f"routing priority {key}",
                "kind": "",
                "mean": spec["priority"],
                "cv": "",
                "n": "",
            }
        )
    redial = channel["redial"]
    rows.append(
        {
            "quantity": "redial probability",
            "kind": "",
            "mean": redial["probability"],
            "cv": "",
            "n": cal.redials.n_abandoned_known,
        }
    )
    agents = config["staff_groups"]["agents"]
    wrapup = agents["wrapup"] or {}
    rows.append(
        {
            "quantity": "after-call work (wrap-up)",
            "kind": wrapup.get("kind", "none (too few gaps measured)"),
            "mean": f"{60 * wrapup['mean_min']:.1f} s" if wrapup else "",
            "cv": str(wrapup.get("cv", "")),
            "n": len(cal.after_call.gaps_s),
        }
    )
    shares = (agents.get("roster") or {}).get("unavailable_share") or {}
    values = [x for row in shares.values() for x in row if x > 0]
    rows.append(
        {
            "quantity": "breaks: share of agents on duty away",
            "kind": f"gaps over {cal.after_call.threshold_s:.0f} s" if values else "none",
            "mean": f"{100 * float(np.mean(values)):.1f}% (per half hour with breaks)"
            if values
            else "",
            "cv": "",
            "n": cal.after_call.n_breaks,
        }
    )
    rows.append(
        {
            "quantity": "extra day-to-day volume cv",
            "kind": "",
            "mean": f"{cal.fresh_profile.daily_cv:.3f}",
            "cv": "",
            "n": len(cal.fresh_profile.daily_totals),
        }
    )
    return pd.DataFrame(rows).set_index("quantity")
