"""The calibration and validation report: figures, tables and one self-contained HTML page.

The page says what was imported (and what was left out, per reason), what was fitted (with
goodness of fit), and how close the two replays come to the log, per hour of the day and overall,
against the targets: abandonment within 1.5 percentage points and mean wait of served calls
within 15% of the log.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy import stats

from klantstroom.calibration.patience import survival_at
from klantstroom.calibration.pipeline import Calibration
from klantstroom.calibration.texts import localise, number, texts
from klantstroom.model.distributions import weibull_shape
from klantstroom.report.png import save_png
from klantstroom.report.templating import render

ABANDONMENT_TOLERANCE_PP = 1.5
WAIT_TOLERANCE = 0.15
COLOURS = {"log": "#222222", "trace": "#1f77b4", "model": "#d62728"}
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


def panel_figure(
    rows: int, cols: int, height: float = 4.2, language: str = "en"
) -> tuple[Figure, np.ndarray]:
    """A figure of ``rows`` x ``cols`` panels, 11 in wide; in Dutch, tick numbers with a decimal
    comma (a log axis set later keeps its own)."""
    fig = Figure(figsize=(11, height * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False))
    for ax in axes.ravel():
        ax.tick_params(labelsize=FONT)
        ax.grid(alpha=0.3)
        if language == "nl":
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_formatter(FuncFormatter(_comma))
    return fig, axes


def _comma(value: float, _: int) -> str:
    return f"{value:.6g}".replace(".", ",")


def validation_figure(
    hourly: Mapping[str, pd.DataFrame], title: str, language: str = "en"
) -> Figure:
    """Log vs replays per hour of the day: abandonment, mean wait, within 30 s, queue length."""
    t = texts(language)
    panels = list(
        zip(
            ("abandonment_rate", "mean_wait_served_s", "within_30s", "mean_queue_length"),
            t["panels"],
            (100, 1, 100, 1),
            strict=True,
        )
    )
    fig, axes = panel_figure(2, 2, 4.2, language)
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
                label=t["sources"].get(source, source),
            )
        ax.set_title(label, fontsize=FONT + 1, loc="left")
        ax.set_xlabel(t["hour"], fontsize=FONT)
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 3))
        ax.set_ylim(bottom=0)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=FONT)
    fig.suptitle(title, fontsize=FONT + 3)
    return fig


def arrivals_figure(cal: Calibration, language: str = "en") -> Figure:
    """Mean arrivals per half hour by weekday (fresh calls)."""
    t = texts(language)
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    names = t["days"]
    table = cal.fresh_profile.mean_per_interval
    days = cal.fresh_profile.days_observed
    for weekday in table.index:
        if cal.fresh_profile.days_observed.get(int(weekday), 0):
            row = table.loc[weekday]
            ax.plot(
                np.asarray(row.index, dtype=float) / 60,
                row.to_numpy(dtype=float),
                label=t["arrivals_label"].format(day=names[int(weekday)], n=days[int(weekday)]),
            )
    ax.set_xlabel(t["hour"], fontsize=FONT)
    ax.set_ylabel(t["arrivals_y"], fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.legend(fontsize=FONT - 1, ncols=4)
    fig.suptitle(t["arrivals_title"], fontsize=FONT + 3)
    return fig


def service_figure(cal: Calibration, service: str, language: str = "en") -> Figure:
    """Service times of one call type: histogram (log scale) with the fitted densities."""
    t = texts(language)
    fit = cal.service_fits[service]
    calls = cal.calls
    seconds = calls.loc[
        (calls["service"] == service) & (calls["outcome"] == "served"), "service_s"
    ].to_numpy(dtype=float)
    seconds = seconds[seconds > 0]
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    bins = np.logspace(np.log10(max(seconds.min(), 1)), np.log10(seconds.max()), 60)
    ax.hist(
        seconds,
        bins=bins,
        density=True,
        color="#cccccc",
        label=t["service_log"].format(n=len(seconds)),
    )
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
            label=t["service_fit"].format(
                kind=kind,
                aic=number(float(row["delta_aic"]), ".0f", language),
                ks=number(float(row["ks_statistic"]), ".3f", language),
            ),
        )
    ax.set_xscale("log")
    ax.set_xlabel(t["service_x"], fontsize=FONT)
    ax.set_ylabel(t["service_y"], fontsize=FONT)
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(
        t["service_title"].format(
            service=service,
            kind=fit.kind,
            mean=number(fit.mean_s, ".0f", language),
            cv=number(fit.cv, ".2f", language),
        ),
        fontsize=FONT + 3,
    )
    return fig


def patience_figure(cal: Calibration, chosen: Mapping[str, Any], language: str = "en") -> Figure:
    """Kaplan–Meier survival of patience with the fitted parametric curves."""
    words = texts(language)
    fit = cal.patience
    assert fit is not None, "no patience was fitted (nobody abandoned)"
    km = fit.kaplan_meier
    t = np.linspace(0, float(np.quantile(cal.calls["wait_s"], 0.995)), 300)
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    ax.step(
        t,
        survival_at(km, t),
        where="post",
        color="black",
        linewidth=2.5,
        label=words["km"],
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
            label=words["patience_fit"].format(
                kind=kind,
                mean=number(mean / 60, ".1f", language),
                gap=number(float(row["max_diff_km"]), ".3f", language),
            ),
        )
    ax.set_xlabel(words["patience_x"], fontsize=FONT)
    ax.set_ylabel(words["patience_y"], fontsize=FONT)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=FONT - 1)
    fig.suptitle(words["patience_title"], fontsize=FONT + 3)
    return fig


def staffing_figure(cal: Calibration, language: str = "en") -> Figure:
    """Agents on duty per half hour, mean per weekday, inferred from agent activity."""
    t = texts(language)
    fig, axes = panel_figure(1, 1, 5.5, language)
    ax = axes[0, 0]
    names = t["days"]
    staffing = cal.staffing
    weekday = np.array([pd.Timestamp(d).weekday() for d in staffing.index])
    for w in sorted(set(weekday.tolist())):
        rows = staffing[weekday == w]
        ax.plot(
            np.asarray(staffing.columns, dtype=float) / 60, rows.mean().to_numpy(), label=names[w]
        )
    ax.set_xlabel(t["hour"], fontsize=FONT)
    ax.set_ylabel(t["staffing_y"], fontsize=FONT)
    ax.set_xticks(range(0, 25, 3))
    ax.legend(fontsize=FONT - 1, ncols=4)
    fig.suptitle(t["staffing_title"], fontsize=FONT + 3)
    return fig


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save_png(fig, path, dpi=110)
    return path


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
    language: str = "en",
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
    t = texts(language)
    heads, differences_heads = t["target_heads"], t["difference_heads"]

    def named(table: pd.DataFrame) -> pd.DataFrame:
        """The replay sources (log, trace, model) by their name, every word in the language."""
        return localise(table.rename(index=t["sources"]), language)

    page = render(
        "calibration_report.html.j2",
        t=t,
        title=title,
        lead=lead,
        warnings=list(warnings),
        holdout={
            name: named(table.rename(columns=heads)) for name, table in (holdout or {}).items()
        },
        targets={name: named(table.rename(columns=heads)) for name, table in targets.items()},
        overall={name: named(table) for name, table in overall.items()},
        findings=list(findings),
        sections=[
            section
            if section.table is None
            else replace(section, table=localise(section.table, language))
            for section in sections
        ],
        differences={
            name: localise(table.rename(columns=differences_heads), language)
            for name, table in (differences or {}).items()
        },
        class_load={key: localise(table, language) for key, table in (class_load or {}).items()},
        scenario_path=str(scenario_path),
        run_command=run_command,
        import_text=import_text,
        fits=localise(fits, language),
        figures=list(figures),
    )
    path.write_text(page, encoding="utf-8")
    return path


def fits_table(cal: Calibration, config: Mapping[str, Any], language: str = "en") -> pd.DataFrame:
    """One row per fitted quantity: what was chosen, with its parameters."""
    f = texts(language)["fits"]

    def num(value: float, spec: str) -> str:
        return number(value, spec, language)

    rows = []
    for service, fit in sorted(cal.service_fits.items()):
        rows.append(
            {
                "quantity": f["service"].format(s=service),
                "kind": fit.kind,
                "mean": f"{num(fit.mean_s, '.1f')} s",
                "cv": num(fit.cv, ".2f"),
                "n": fit.n,
            }
        )
    services = config["services"]
    channel = next(iter(config["channels"].values()))
    for key, spec in services.items():
        patience = spec.get("patience") or channel["patience"]
        rows.append(
            {
                "quantity": f["patience"].format(s=key),
                "kind": f["nobody"] if patience is None else patience["kind"],
                "mean": "" if patience is None else f"{num(patience['mean_min'], '.2f')} min",
                "cv": "" if patience is None else num(float(patience.get("cv", 1.0)), "g"),
                "n": "",
            }
        )
        rows.append(
            {
                "quantity": f["priority"].format(s=key),
                "kind": "",
                "mean": spec["priority"],
                "cv": "",
                "n": "",
            }
        )
    redial = channel["redial"]
    rows.append(
        {
            "quantity": f["redial"],
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
            "quantity": f["wrapup"],
            "kind": wrapup.get("kind", f["few_gaps"]),
            "mean": f"{num(60 * wrapup['mean_min'], '.1f')} s" if wrapup else "",
            "cv": num(float(wrapup["cv"]), "g") if wrapup.get("cv") is not None else "",
            "n": len(cal.after_call.gaps_s),
        }
    )
    shares = (agents.get("roster") or {}).get("unavailable_share") or {}
    values = [x for row in shares.values() for x in row if x > 0]
    rows.append(
        {
            "quantity": f["breaks"],
            "kind": f["gaps_over"].format(s=f"{cal.after_call.threshold_s:.0f}")
            if values
            else f["none"],
            "mean": f["per_half_hour"].format(share=num(100 * float(np.mean(values)), ".1f"))
            if values
            else "",
            "cv": "",
            "n": cal.after_call.n_breaks,
        }
    )
    rows.append(
        {
            "quantity": f["volume_cv"],
            "kind": "",
            "mean": num(cal.fresh_profile.daily_cv, ".3f"),
            "cv": "",
            "n": len(cal.fresh_profile.daily_totals),
        }
    )
    return (
        pd.DataFrame(rows)
        .set_index("quantity")
        .rename_axis(f["columns"]["quantity"])
        .rename(columns=f["columns"])
    )
