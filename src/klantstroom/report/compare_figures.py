"""Figures that compare scenarios: the road-map trajectory, headline KPIs, staff per group.

* **Trajectory**: each headline KPI per road-map year, nulmeting to eindbeeld, with its 95%
  confidence interval and the norm as a dashed line: is the organisation getting there?
* **Scenarios**: each headline KPI for every scenario side by side (what-ifs included), the
  baseline marked, points coloured by whether the norm is met.
* **Staff**: staff on duty per group per scenario (FTE present), stacked.

Like :mod:`klantstroom.report.figures`, each function returns a matplotlib ``Figure`` with its
own canvas and labels in English or Dutch.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from klantstroom.report.figure_style import (
    LABEL_PT,
    NORM_COLOUR,
    SUPTITLE_PT,
    TICK_PT,
    TITLE_PT,
    _new_figure,
    _no_data,
    _style_axes,
)
from klantstroom.report.headline import Headline, decimal, fmt, name, select
from klantstroom.report.palette import OTHER, SERIES, largest

STATUS_COLOURS = {"met": "#1a9850", "not met": "#d73027", "uncertain": "#f39c12", None: "#1f4e99"}

_TEXT = {
    "en": {
        "trajectory": "Road map: headline KPIs per year (95% confidence interval; dashed: norm)",
        "scenarios": "Headline KPIs per scenario (95% confidence interval; dashed: norm)",
        "scenarios_back": "Back office per scenario (95% confidence interval; dashed: norm)",
        "other_groups": "other groups",
        "staff": "Staff on duty per group (FTE present, before shrinkage)",
        "fte": "FTE on duty",
        "fte_total": "staff on duty, all groups (FTE)",
        "no_staff": "no staff groups in these runs",
        "no_data": "no headline KPIs in these runs",
        "no_roadmap": "no road-map runs (run.roadmap_step) among the compared runs",
        "met": "norm met",
        "not met": "norm not met",
        "uncertain": "uncertain (interval straddles the norm)",
        "no norm": "no norm",
        "baseline": "baseline",
    },
    "nl": {
        "trajectory": "Routekaart: kern-KPI's per jaar (95%-betrouwbaarheidsinterval; "
        "stippel: norm)",
        "scenarios": "Kern-KPI's per scenario (95%-betrouwbaarheidsinterval; stippel: norm)",
        "scenarios_back": "Backoffice per scenario (95%-betrouwbaarheidsinterval; stippel: norm)",
        "other_groups": "overige groepen",
        "staff": "Medewerkers aanwezig per groep (fte aanwezig, vóór uitval)",
        "fte": "fte aanwezig",
        "fte_total": "medewerkers aanwezig, alle groepen (fte)",
        "no_staff": "geen medewerkersgroepen in deze runs",
        "no_data": "geen kern-KPI's in deze runs",
        "no_roadmap": "geen routekaartruns (run.roadmap_step) in de vergelijking",
        "met": "norm gehaald",
        "not met": "norm niet gehaald",
        "uncertain": "onzeker (interval omvat de norm)",
        "no norm": "geen norm",
        "baseline": "basis",
    },
}


# Panels of one scenarios figure: two rows of four fit a 16:9 slide.
SCENARIO_PANELS = 8


def _scale(unit: str) -> float:
    """Plot shares as %, times given in minutes as seconds when the unit says so."""
    return {"share": 100.0, "seconds": 60.0}.get(unit, 1.0)


def _axis_unit(unit: str) -> str:
    return {"share": "%", "seconds": "s", "minutes": "min", "days": "d"}.get(unit, "")


def _present(comparison: pd.DataFrame, rows: Sequence[Headline]) -> list[Headline]:
    return [row for row in rows if len(select(comparison, row).dropna(subset=["mean"]))]


def _grid(n: int, most: int = 3) -> tuple[int, int]:
    cols = min(most, max(n, 1))
    return (n + cols - 1) // cols, cols


def _plain(text: str) -> str:
    """Text as matplotlib should print it: a '$' in a label is a dollar, not mathtext."""
    return text.replace("$", r"\$")


def _title(text: str, width: int = 34) -> str:
    """Wrap a panel title over lines of at most ``width`` characters."""
    return _plain("\n".join(textwrap.wrap(text, width)) or text)


def figure_rows(comparison: pd.DataFrame, rows: Sequence[Headline]) -> list[Headline]:
    """The KPIs worth a panel when all scenarios are side by side: those with a norm somewhere,
    and the journeys resolved; the first nine headline KPIs when fewer than four have a norm."""
    present = _present(comparison, rows)
    chosen = [
        row
        for row in present
        if select(comparison, row)["target"].notna().any() or row.kpi == "resolved_share"
    ]
    return chosen if len(chosen) >= 4 else present[:9]


def trajectory_rows(comparison: pd.DataFrame, rows: Sequence[Headline]) -> list[Headline]:
    """The panels of the trajectory: channel KPIs with a norm, the wait before answer and the
    journeys resolved (department KPIs stay in the tables), at most eight."""
    present = _present(comparison[comparison["roadmap_step"].notna()], rows)
    chosen = [
        row
        for row in present
        if row.department == "all"
        and (
            select(comparison, row)["target"].notna().any()
            or row.kpi in ("asa_min", "resolved_share")
        )
    ]
    return chosen[:8]


def trajectory_figure(
    comparison: pd.DataFrame,
    rows: Sequence[Headline],
    *,
    language: str = "en",
    departments: Mapping[str, str] | None = None,
    staff: pd.DataFrame | None = None,
) -> Figure:
    """Headline KPIs per road-map step, nulmeting to eindbeeld.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`klantstroom.analysis.compare.comparison_table`.
    rows : sequence of Headline
        The KPIs to draw (one panel each; those without data are left out).
    language : {"en", "nl"}
        Language of the labels.
    departments : mapping, optional
        Display names of departments.
    staff : pandas.DataFrame, optional
        Output of :func:`klantstroom.analysis.compare.staff_table`: adds a panel with the FTE on
        duty in total per year.
    """
    t = _TEXT[language]
    road = comparison[comparison["roadmap_step"].notna()]
    present = trajectory_rows(comparison, rows)
    if road.empty or not present:
        fig = _new_figure(11.0, 3.0)
        ax = fig.add_subplot()
        ax.set_axis_off()
        _no_data(ax, t["no_roadmap"])
        return fig
    steps = road[["roadmap_step", "scenario"]].drop_duplicates().sort_values("roadmap_step")
    labels = steps["scenario"].tolist()
    fte = None
    if staff is not None and len(staff):
        totals = staff.groupby("scenario", sort=False)["fte_on_duty"].sum()
        fte = totals.reindex(labels).to_numpy(dtype=float)
    nrows, ncols = _grid(len(present) + (fte is not None))
    fig = _new_figure(16.0, min(16.0, 3.4 * nrows + 1.2))
    fig.suptitle(t["trajectory"], fontsize=SUPTITLE_PT)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, row in zip(axes, present, strict=False):
        data = select(road, row).set_index("scenario").reindex(labels)
        scale = _scale(row.unit)
        x = np.arange(len(labels))
        mean = data["mean"].to_numpy(dtype=float) * scale
        low = data["ci_low"].to_numpy(dtype=float) * scale
        high = data["ci_high"].to_numpy(dtype=float) * scale
        err = np.vstack([np.nan_to_num(mean - low), np.nan_to_num(high - mean)])
        ax.plot(x, mean, color="#1f4e99", linewidth=2.0, zorder=2)
        for k in range(len(x)):
            status = data["status"].iloc[k] if "status" in data else None
            ax.errorbar(
                x[k],
                mean[k],
                yerr=err[:, k : k + 1],
                fmt="o",
                markersize=8,
                capsize=5,
                color=STATUS_COLOURS.get(status if isinstance(status, str) else None),
                zorder=3,
            )
        targets = data["target"].dropna().unique()
        if len(targets) == 1:
            ax.axhline(targets[0] * scale, color=NORM_COLOUR, linestyle="--", linewidth=1.2)
        ax.set_title(_title(name(row, language, dict(departments or {}))), fontsize=TITLE_PT - 1)
        ax.set_xticks(x, [_wrap(label, 9) for label in labels], fontsize=TICK_PT - 3)
        ax.set_ylabel(_axis_unit(row.unit), fontsize=LABEL_PT - 1)
        _style_axes(ax)
    used = len(present)
    if fte is not None:
        ax = axes[used]
        x = np.arange(len(labels))
        ax.plot(x, fte, "o-", color="#555555", linewidth=2.0, markersize=8)
        ax.set_title(_title(t["fte_total"]), fontsize=TITLE_PT - 1)
        ax.set_xticks(x, [_wrap(label, 9) for label in labels], fontsize=TICK_PT - 3)
        ax.set_ylabel(t["fte"], fontsize=LABEL_PT - 1)
        ax.set_ylim(bottom=0)  # staff is a quantity: a cut axis would exaggerate a change
        _style_axes(ax)
        used += 1
    for ax in axes[used:]:
        ax.set_axis_off()
    _status_legend(fig, language)
    return fig


def scenarios_figure(
    comparison: pd.DataFrame,
    rows: Sequence[Headline],
    *,
    baseline: str | None = None,
    language: str = "en",
    departments: Mapping[str, str] | None = None,
    back_office: bool = False,
) -> Figure | None:
    """Headline KPIs for every scenario side by side (horizontal, one panel per KPI).

    The channels and journeys (``back_office=False``) and the departments (``True``) are two
    figures, each a slide of at most :data:`SCENARIO_PANELS` panels in two rows; the tables of
    the report list every KPI. None for the back office of runs without departments.
    """
    t = _TEXT[language]
    present = [
        row for row in figure_rows(comparison, rows) if (row.department != "all") == back_office
    ][:SCENARIO_PANELS]
    scenarios = list(dict.fromkeys(comparison["scenario"]))
    if not present:
        if back_office:
            return None
        fig = _new_figure(11.0, 3.0)
        ax = fig.add_subplot()
        ax.set_axis_off()
        _no_data(ax, t["no_data"])
        return fig
    nrows, ncols = _grid(len(present), most=SCENARIO_PANELS // 2)
    height = max(2.6, 0.26 * len(scenarios) + 1.3)
    fig = _new_figure(16.0, min(16.0, height * nrows + 1.4))
    fig.suptitle(t["scenarios_back" if back_office else "scenarios"], fontsize=SUPTITLE_PT)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for k, (ax, row) in enumerate(zip(axes, present, strict=False)):
        data = select(comparison, row).set_index("scenario").reindex(scenarios)
        scale = _scale(row.unit)
        y = np.arange(len(scenarios))[::-1]
        mean = data["mean"].to_numpy(dtype=float) * scale
        low = data["ci_low"].to_numpy(dtype=float) * scale
        high = data["ci_high"].to_numpy(dtype=float) * scale
        for j in range(len(scenarios)):
            if not np.isfinite(mean[j]):
                continue
            status = data["status"].iloc[j]
            colour = STATUS_COLOURS.get(status if isinstance(status, str) else None)
            if np.isfinite(low[j]) and np.isfinite(high[j]):
                ax.plot([low[j], high[j]], [y[j], y[j]], color=colour, linewidth=2.5)
            ax.plot(mean[j], y[j], "o", color=colour, markersize=7)
            ax.annotate(
                fmt(mean[j] / scale, row.unit, language),
                (mean[j], y[j]),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=TICK_PT - 3,
            )
        targets = data["target"].dropna().unique()
        if len(targets) == 1:
            ax.axvline(targets[0] * scale, color=NORM_COLOUR, linestyle="--", linewidth=1.2)
        ax.set_yticks(
            y,
            [("▶ " if s == baseline else "") + _short(s) for s in scenarios]
            if k % ncols == 0
            else [""] * len(scenarios),
            fontsize=TICK_PT - 2,
        )
        ax.set_ylim(-0.7, len(scenarios) - 0.3)
        ax.set_title(
            _title(name(row, language, dict(departments or {})), 24), fontsize=TITLE_PT - 2
        )
        ax.set_xlabel(_axis_unit(row.unit), fontsize=LABEL_PT - 2)
        _style_axes(ax)
    for ax in axes[len(present) :]:
        ax.set_axis_off()
    _status_legend(fig, language)
    return fig


def staff_figure(
    staff: pd.DataFrame,
    *,
    language: str = "en",
    groups: Mapping[str, str] | None = None,
) -> Figure:
    """Stacked FTE on duty per staff group, one bar per scenario.

    Parameters
    ----------
    staff : pandas.DataFrame
        Output of :func:`klantstroom.analysis.compare.staff_table`.
    groups : mapping, optional
        Display names of the staff groups.
    """
    t = _TEXT[language]
    scenarios = list(dict.fromkeys(staff["scenario"]))
    names = list(dict.fromkeys(staff["staff_group"]))
    fig = _new_figure(16.0, min(16.0, max(5.0, 0.45 * len(scenarios) + 3.5)))
    fig.suptitle(t["staff"], fontsize=SUPTITLE_PT)
    ax = fig.add_subplot()
    if staff.empty:
        ax.set_axis_off()
        _no_data(ax, t["no_staff"])
        return fig
    table = (
        staff.pivot_table(
            index="scenario", columns="staff_group", values="fte_on_duty", aggfunc="sum", sort=False
        )
        .reindex(index=scenarios, columns=names)
        .fillna(0.0)
    )
    # The largest groups in colours a reader tells apart; the rest as one grey bar segment (the
    # table above the figure lists every group).
    shown = largest({str(g): float(v) for g, v in table.sum().items()})
    series = [(str(g), table[g], (groups or {}).get(g, g), SERIES[k]) for k, g in enumerate(shown)]
    rest = [g for g in names if g not in shown]
    if rest:
        series.append(("", table[rest].sum(axis=1), t["other_groups"], OTHER))
    y = np.arange(len(scenarios))[::-1]
    left = np.zeros(len(scenarios))
    for _, column, label, colour in series:
        values = column.to_numpy(dtype=float)
        ax.barh(
            y,
            values,
            left=left,
            color=colour,
            label=_plain(label),
            edgecolor="white",
            linewidth=0.5,
        )
        left += values
    for j, total in enumerate(left):
        ax.annotate(
            decimal(total, 1, language),
            (total, y[j]),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=TICK_PT - 1,
        )
    ax.set_yticks(y, [_short(s, 32) for s in scenarios], fontsize=TICK_PT - 1)
    ax.set_xlabel(t["fte"], fontsize=LABEL_PT)
    _style_axes(ax)
    ax.set_xlim(0, float(left.max()) * 1.1 or 1.0)  # room for the totals
    fig.legend(loc="outside lower center", ncols=4, fontsize=TICK_PT - 2, frameon=False)
    return fig


def _short(text: str, width: int = 24) -> str:
    """A scenario's name in at most two lines of ``width`` characters (cut with "…")."""
    lines = textwrap.wrap(text, width, max_lines=2, placeholder="…")
    return _plain("\n".join(lines) or text)


def _wrap(text: str, width: int = 16) -> str:
    """Break a long scenario name over two lines at a space or '+'."""
    if len(text) <= width:
        return _plain(text)
    for sep in ("+", " "):
        cut = text.rfind(sep, 0, width + 1)
        if cut > 0:
            head, tail = text[: cut + (1 if sep == "+" else 0)], text[cut + 1 :].lstrip()
            return _plain(head + "\n" + tail)
    return _plain(text)


def _status_legend(fig: Figure, language: str) -> None:
    t = _TEXT[language]
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color=STATUS_COLOURS[s], markersize=8)
        for s in ("met", "not met", "uncertain", None)
    ]
    labels = [t["met"], t["not met"], t["uncertain"], t["no norm"]]
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=4,
        fontsize=TICK_PT - 1,
        frameon=False,
    )
