"""Figures of the city shops: waits over the day, access time, and desk occupancy.

``shop_wait_by_hour.png`` (:func:`shop_wait_by_hour`)
    One panel per shop: the mean wait of served visitors per hour of arrival, walk-ins and
    appointment visitors as separate lines (an appointment visitor's wait counts from the later
    of arrival and slot time), with the two norms as dashed lines. All days and replications
    are pooled.

``access_time.png`` (:func:`access_time`)
    One panel per shop with an appointment book: the share of bookings per access time in
    working days (0 = the same day), with the norm as a dashed line and the share within it in
    the title.

``desk_occupancy.png`` (:func:`desk_occupancy`)
    One heat map per shop, weekday x hour of the day: desks in use as a share of the shop's
    desks (time average over the days of that weekday and the replications). Blank cells are
    closed hours.

Labels are in English or Dutch (``language="en"`` or ``"nl"``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from klantstroom.report.figure_style import lowest_panels
from klantstroom.report.png import save_png

SHOP_FIGURE_NAMES = ("shop_wait_by_hour", "access_time", "desk_occupancy")

_TEXT = {
    "en": {
        "wait_title": "Mean wait per hour of arrival at each shop",
        "wait_axis": "Mean wait (min)",
        "hour_axis": "Hour of arrival",
        "walk_in": "walk-in",
        "appointment": "appointment",
        "norm": "norm {kind} ({minutes} min)",
        "access_title": "Access time: working days from booking request to appointment",
        "access_axis": "Share of bookings (%)",
        "days_axis": "Access time (working days)",
        "access_panel": "{shop}: {share} within {norm} working days",
        "occupancy_title": "Desks in use per weekday and hour (% of the shop's desks)",
        "weekdays": "Mon Tue Wed Thu Fri Sat Sun",
        "no_data": "no data",
    },
    "nl": {
        "wait_title": "Gemiddelde wachttijd per uur van aankomst per stadswinkel",
        "wait_axis": "Gemiddelde wachttijd (min)",
        "hour_axis": "Uur van aankomst",
        "walk_in": "vrije inloop",
        "appointment": "afspraak",
        "norm": "norm {kind} ({minutes} min)",
        "access_title": "Toegangstijd: werkdagen van aanvraag tot afspraak",
        "access_axis": "Aandeel afspraken (%)",
        "days_axis": "Toegangstijd (werkdagen)",
        "access_panel": "{shop}: {share} binnen {norm} werkdagen",
        "occupancy_title": "Balies in gebruik per weekdag en uur (% van de balies)",
        "weekdays": "ma di wo do vr za zo",
        "no_data": "geen gegevens",
    },
}
COLOURS = {"walk_in": "#d95f02", "appointment": "#1b9e77"}


def _text(language: str) -> dict[str, str]:
    if language not in _TEXT:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(_TEXT)}")
    return _TEXT[language]


def _grid(panels: int, height_per_panel: float) -> tuple[Figure, list[Any]]:
    """One panel per shop on a 16:9 slide: one, two side by side, up to four in a 2 x 2 grid,
    more three a row (empty cells removed); never taller than wide."""
    panels = max(panels, 1)
    columns = 1 if panels == 1 else 2 if panels <= 4 else 3
    rows = -(-panels // columns)
    width = 11.0 if columns == 1 else 13.75
    height = min(max(3.5, height_per_panel * rows + 1.2), width)
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = list(fig.subplots(rows, columns, squeeze=False).ravel())
    for spare in axes[panels:]:
        spare.remove()
    return fig, axes[:panels]


def _shop_name(shop: str, names: Mapping[str, str] | None) -> str:
    """A shop's display name, shortened to fit over a third of a slide."""
    return textwrap.shorten(str((names or {}).get(shop, shop)), width=32, placeholder="…")


def _figure(panels: int, height_per_panel: float = 3.0) -> tuple[Figure, list[Any]]:
    fig, axes = _grid(panels, height_per_panel)
    for ax in axes:
        ax.tick_params(labelsize=12)
        ax.grid(True, color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig, list(axes)


def _shops(contacts: pd.DataFrame) -> list[str]:
    shop = contacts["shop"]
    if isinstance(shop.dtype, pd.CategoricalDtype):
        return [str(c) for c in shop.cat.categories]
    return [str(v) for v in pd.unique(shop.dropna())]


def shop_wait_by_hour(
    contacts: pd.DataFrame,
    norms_min: Mapping[str, float],
    *,
    language: str = "en",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Mean wait of served walk-ins and appointment visitors per hour of arrival, per shop
    (``names``: the shops' display names, default their ids)."""
    t = _text(language)
    shops = _shops(contacts)
    fig, axes = _figure(len(shops))
    served = contacts[(contacts["outcome"] == "served") & contacts["shop"].notna()]
    hour = (served["arrival_min"] % 1440) // 60
    for ax, shop in zip(axes, shops, strict=False):
        here = served["shop"] == shop
        for kind, mask in (
            ("walk_in", ~served["appointment"]),
            ("appointment", served["appointment"]),
        ):
            sub = served[here & mask]
            if len(sub):
                means = sub.groupby(hour[here & mask])["wait_min"].mean()
                ax.plot(
                    means.index + 0.5,
                    means.to_numpy(),
                    marker="o",
                    color=COLOURS[kind],
                    linewidth=2.2,
                    label=t[kind],
                )
            ax.axhline(
                norms_min[kind],
                color=COLOURS[kind],
                linestyle="--",
                linewidth=1.2,
                label=t["norm"].format(kind=t[kind], minutes=f"{norms_min[kind]:g}"),
            )
        ax.set_title(_shop_name(shop, names), loc="left", fontsize=13)
        ax.set_ylabel(t["wait_axis"], fontsize=12)
        ax.set_xlim(6, 22)
        ax.set_xticks(range(6, 23, 2))
        ax.set_ylim(bottom=0)
    if shops:
        for ax in lowest_panels(axes):
            ax.set_xlabel(t["hour_axis"], fontsize=12)
        # One legend under the panels: inside the first panel it covered its curves and axis.
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=12, frameon=False)
    fig.suptitle(t["wait_title"], fontsize=15)
    return fig


def access_time(
    contacts: pd.DataFrame,
    norm_working_days: float,
    *,
    language: str = "en",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Distribution of the access time (working days) per shop with an appointment book
    (``names``: the shops' display names, default their ids)."""
    t = _text(language)
    booked = contacts[contacts["access_days"].notna() & contacts["shop"].notna()]
    shops = [s for s in _shops(contacts) if (booked["shop"] == s).any()]
    fig, axes = _figure(len(shops), 2.6)
    for ax, shop in zip(axes, shops, strict=False):
        days = booked.loc[booked["shop"] == shop, "access_days"].to_numpy()
        counts = np.bincount(days.astype(int))
        share = counts / counts.sum()
        x = np.arange(len(counts))
        colours = ["#1b9e77" if d <= norm_working_days else "#d95f02" for d in x]
        ax.bar(x, share, color=colours)
        ax.axvline(norm_working_days + 0.5, color="#333333", linestyle="--", linewidth=1.2)
        within = float((days <= norm_working_days).mean())
        pct = f"{100 * within:.1f}%"
        ax.set_title(
            t["access_panel"].format(
                shop=_shop_name(shop, names),
                share=pct.replace(".", ",") if language == "nl" else pct,
                norm=f"{norm_working_days:g}",
            ),
            loc="left",
            fontsize=13,
        )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel(t["access_axis"], fontsize=12)
        ax.set_xlim(-0.6, max(len(counts), norm_working_days + 2) - 0.4)
    if shops:
        for ax in lowest_panels(axes):
            ax.set_xlabel(t["days_axis"], fontsize=12)
    else:
        axes[0].text(0.5, 0.5, t["no_data"], transform=axes[0].transAxes, ha="center")
    fig.suptitle(t["access_title"], fontsize=15)
    return fig


def desk_occupancy(
    intervals: pd.DataFrame,
    desks: Mapping[str, int],
    start_weekday: int,
    *,
    language: str = "en",
    names: Mapping[str, str] | None = None,
) -> Figure:
    """Heat map per shop: desks in use (share of desks) per weekday x hour of the day
    (``names``: the shops' display names, default their ids)."""
    t = _text(language)
    rows = intervals[intervals["shop"].notna() & intervals["staff_group"].isna()]
    shops = list(desks)
    fig, axes = _grid(len(shops), 2.6)
    image = None
    for ax, shop in zip(axes, shops, strict=False):
        sub = rows[rows["shop"] == shop]
        minutes = sub["interval_start_min"].to_numpy(dtype=float)
        weekday = ((minutes // 1440).astype(int) + start_weekday) % 7
        hour = ((minutes % 1440) // 60).astype(int)
        cell = weekday * 24 + hour
        busy = sub["desks_busy"].fillna(0.0).to_numpy(dtype=float)
        staffed = sub["desks_open"].fillna(0.0).to_numpy(dtype=float)
        n = np.bincount(cell, minlength=7 * 24)
        used = np.bincount(cell, weights=busy, minlength=7 * 24)
        present = np.bincount(cell, weights=staffed, minlength=7 * 24)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where((present > 1e-6) | (used > 1e-6), used / n / desks[shop], np.nan)
        grid = share.reshape(7, 24)
        hours = np.where(~np.all(np.isnan(grid), axis=0))[0]
        lo, hi = (int(hours.min()), int(hours.max()) + 1) if len(hours) else (8, 18)
        image = ax.imshow(
            grid[:, lo:hi],
            aspect="auto",
            cmap="YlOrRd",
            vmin=0.0,
            vmax=1.0,
            extent=(lo, hi, 6.5, -0.5),
        )
        ax.set_yticks(range(7), t["weekdays"].split(), fontsize=12)
        ax.set_xticks(range(lo, hi + 1), [f"{h:02d}" for h in range(lo, hi + 1)], fontsize=11)
        ax.set_title(f"{_shop_name(shop, names)} ({desks[shop]})", loc="left", fontsize=13)
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes), format=PercentFormatter(1.0), shrink=0.8)
        bar.ax.tick_params(labelsize=11)
    fig.suptitle(t["occupancy_title"], fontsize=15)
    return fig


def write_shop_figures(
    contacts: pd.DataFrame,
    intervals: pd.DataFrame,
    folder: Path | str,
    *,
    desks: Mapping[str, int],
    norms_min: Mapping[str, float],
    access_norm_working_days: float,
    start_weekday: int,
    language: str = "en",
    dpi: int = 120,
    shop_names: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the three shop figures (:data:`SHOP_FIGURE_NAMES`) as PNG files into ``folder``;
    ``shop_names`` are the shops' display names (default their ids)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = shop_names
    figures = {
        "shop_wait_by_hour": shop_wait_by_hour(contacts, norms_min, language=language, names=names),
        "access_time": access_time(
            contacts, access_norm_working_days, language=language, names=names
        ),
        "desk_occupancy": desk_occupancy(
            intervals, desks, start_weekday, language=language, names=names
        ),
    }
    paths = []
    for name in SHOP_FIGURE_NAMES:
        path = folder / f"{name}.png"
        save_png(figures[name], path, dpi=dpi)
        paths.append(path)
    return paths
