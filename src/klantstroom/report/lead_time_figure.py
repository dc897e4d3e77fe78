"""``journey_lead_time.png``: the lead time of resolved journeys per service (see
:mod:`klantstroom.report.journey_figures`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from klantstroom.report.figure_style import (
    LABEL_PT,
    LINE_COLOUR,
    MINUTES_PER_DAY,
    NORM_COLOUR,
    SUPTITLE_PT,
    TICK_PT,
    WIDTH_IN,
    _count,
    _figure_legend,
    _names,
    _new_figure,
    _number,
    _percent,
    _style_axes,
)
from klantstroom.report.journey_common import (
    BOX_COLOUR,
    NORM_IN_VIEW,
    _codes,
    _floats,
    _replication_count,
    _text,
)

_NONE = np.array([], dtype=np.int64)

# --------------------------------------------------------------------------------------------
# Lead time
# --------------------------------------------------------------------------------------------


def journey_lead_time(
    journeys: pd.DataFrame, *, language: str = "en", names: Mapping[str, str] | None = None
) -> Figure:
    """Draw the lead time of resolved journeys per service as horizontal boxes with the norm.

    Parameters
    ----------
    journeys : pandas.DataFrame
        The journey table (``service``, ``status``, ``lead_time_days``, ``start_min``,
        ``due_min``, ``within_norm`` are used), all replications pooled.
    language : {"en", "nl"}, optional
        Language of the labels.
    names : mapping of str to str, optional
        Display names of the services (default: their ids).

    Returns
    -------
    matplotlib.figure.Figure
        One box per service with resolved journeys, in the order of the service categories
        (top to bottom). The x axis is in hours when 95% of the lead times are under two days,
        else in days.
    """
    t = _text(language)
    # Statuses and services by code: a year has a million journeys.
    status_code, statuses = _codes(journeys["status"], "") if len(journeys) else (_NONE, [""])
    service_code, service_names = _codes(journeys["service"], "") if len(journeys) else (_NONE, [])
    lead_days = _floats(journeys["lead_time_days"]) if len(journeys) else np.array([])

    def has_status(name: str) -> np.ndarray:
        return status_code == (statuses.index(name) if name in statuses else -1)

    resolved = has_status("resolved") & np.isfinite(lead_days)
    service_of = {name: service_names.index(name) for name in service_names}
    services = [
        s
        for s in _names(journeys["service"])
        if s in service_of and np.any(resolved & (service_code == service_of[s]))
    ]
    if len(journeys):
        norm_days = (
            _floats(journeys["due_min"]) - _floats(journeys["start_min"])
        ) / MINUTES_PER_DAY
        within = journeys["within_norm"].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    else:
        norm_days = np.array([])
        within = np.array([])
    reference = float(np.quantile(lead_days[resolved], 0.95)) if resolved.any() else 0.0
    unit, per_day = ("hours", 24.0) if reference < 2.0 else ("days", 1.0)

    # A row of about half an inch per service (its two-line label) on a slide-wide figure:
    # sixteen services fit, never taller than wide.
    width = WIDTH_IN * 1.25
    fig = _new_figure(width=width, height=min(width, max(4.5, 2.2 + 0.55 * len(services))))
    ax = fig.subplots()
    _style_axes(ax)
    ax.grid(False, axis="y")
    fig.suptitle(t["lead_title"], fontsize=SUPTITLE_PT)
    data, labels, norms = [], [], []
    for name in services:
        mine = service_code == service_of[name]
        rows = resolved & mine
        data.append(lead_days[rows] * per_day)
        known = within[rows][np.isfinite(within[rows])]
        share = float(known.mean()) if known.size else float("nan")
        label = t["lead_label"].format(
            service=(names or {}).get(name, name),
            n=_count(int(rows.sum()), language),
            share=_percent(share, language) if np.isfinite(share) else "-",
        )
        given_up = int(np.sum(mine & has_status("given_up")))
        still_open = int(np.sum(mine & has_status("open")))
        if given_up or still_open:
            label += t["lead_others"].format(
                given_up=_count(given_up, language), open=_count(still_open, language)
            )
        labels.append(label)
        finite = norm_days[rows][np.isfinite(norm_days[rows])]
        norms.append(float(np.median(finite)) * per_day if finite.size else float("nan"))
    positions = np.arange(len(services), 0, -1, dtype=float)  # first service on top
    if services:
        ax.boxplot(
            data,
            positions=positions,
            orientation="horizontal",
            whis=(5.0, 95.0),
            showfliers=False,
            patch_artist=True,
            widths=0.55,
            boxprops={"facecolor": BOX_COLOUR, "edgecolor": LINE_COLOUR, "linewidth": 1.4},
            medianprops={"color": LINE_COLOUR, "linewidth": 2.4},
            whiskerprops={"color": LINE_COLOUR, "linewidth": 1.4},
            capprops={"color": LINE_COLOUR, "linewidth": 1.4},
        )
        # The axis reaches the norms unless they are far beyond the lead times (a journey
        # resolved within hours against a norm of days): then the norm is written at the edge.
        upper_data = max(float(np.quantile(d, 0.95)) for d in data)
        finite_norms = [n for n in norms if np.isfinite(n)]
        upper = upper_data
        if finite_norms and max(finite_norms) <= NORM_IN_VIEW * upper_data:
            upper = max(upper_data, max(finite_norms))
        upper = max(upper * 1.08, 1e-3)
        ax.set_xlim(0.0, upper)
        for y, norm in zip(positions, norms, strict=True):
            if not np.isfinite(norm):
                continue
            if norm <= upper:
                ax.vlines(norm, y - 0.38, y + 0.38, color=NORM_COLOUR, linestyle="--", linewidth=2)
            else:
                ax.text(
                    upper,
                    y + 0.3,
                    t["norm_beyond"].format(norm=_number(norm, language), unit=t[unit]),
                    ha="right",
                    va="bottom",
                    fontsize=TICK_PT - 1,
                    color=NORM_COLOUR,
                )
        ax.set_yticks(positions, labels, fontsize=TICK_PT)
        ax.set_ylim(0.4, len(services) + 0.6)
    ax.set_xlabel(t["lead_axis"].format(unit=t[unit]), fontsize=LABEL_PT)
    n_reps = _replication_count(journeys)
    entries: list[tuple[object, str]] = [
        (Patch(facecolor=BOX_COLOUR, edgecolor=LINE_COLOUR), t["box"]),
        (Line2D([], [], color=NORM_COLOUR, linestyle="--", linewidth=2), t["norm"]),
        (
            Line2D([], [], linestyle="none"),
            t["pooled"].format(n=n_reps) if n_reps > 1 else t["pooled_one"],
        ),
    ]
    _figure_legend(fig, entries, ncols=2)
    return fig
