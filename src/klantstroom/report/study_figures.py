"""The figures of the studies: the sensitivity tornado and the scenario fan.

* :func:`tornado_figure` — per norm (up to six panels, the phone's and the counter's first), its
  most important assumptions one at a time: a bar from the KPI at the low end of the
  assumption's range to the KPI at its high end, around the KPI at the base values, with the
  norm's target as a dashed line. The longest bar is the assumption that matters most.
* :func:`fan_figure` — per key KPI and for the FTE, the road-map years on the x axis: the median
  over the demand draws, the band of the middle 50% and of 90% of the draws, and the norm.
* :func:`probability_figure` — per road-map year, the probability that each norm is met.

Both languages; 16:9 slides (``tests/unit/test_slides.py`` checks them).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from klantstroom.report.headline import KPI_NAMES, Headline, decimal, name, unit_of
from klantstroom.report.palette import OKABE_ITO, SERIES

TEXT = {
    "en": {
        "tornado": "Which assumptions matter most: each alone at the low and the high end",
        "low": "assumption at its low end",
        "high": "assumption at its high end",
        "base": "all at their base values",
        "target": "norm",
        "fan": "The road map under uncertain demand: median, middle 50% and 90% of the draws",
        "median": "median",
        "band50": "middle 50% of the draws",
        "band90": "90% of the draws",
        "fte_of_work": "FTE the work asks for",
        "fte_on_duty": "FTE on duty (rosters)",
        "probability": "Probability that each norm is met, per road-map year",
        "chance": "probability met",
        "year": "road-map year",
    },
    "nl": {
        "tornado": "Welke aannames het meest uitmaken: elk apart aan de lage en de hoge kant",
        "low": "aanname aan de lage kant",
        "high": "aanname aan de hoge kant",
        "base": "alle op hun basiswaarde",
        "target": "norm",
        "fan": "De routekaart bij onzekere vraag: mediaan, middelste 50% en 90% van de trekkingen",
        "median": "mediaan",
        "band50": "middelste 50% van de trekkingen",
        "band90": "90% van de trekkingen",
        "fte_of_work": "fte die het werk vraagt",
        "fte_on_duty": "fte in dienst (roosters)",
        "probability": "Kans dat elke norm gehaald wordt, per jaar van de routekaart",
        "chance": "kans gehaald",
        "year": "jaar van de routekaart",
    },
}


def norm_title(norm: str, kpi: str, channel: str, label: str, language: str) -> str:
    """A norm's name as the reports give it: its label, or its channel and KPI."""
    department = norm.split(":", 1)[1] if ":" in norm else "all"
    row = Headline(
        kpi=kpi,
        channel=channel or "all",
        department=department,
        unit=unit_of(kpi),
        label=label if department == "all" else "",
    )
    return name(row, language)


def short_parameter(key: str) -> str:
    """A parameter's key without its section (``algemeen.handling.phone.mean_min``)."""
    parts = key.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else key


def _wrapped(label: str, width: int = 28) -> str:
    """A long dotted key over two lines, broken at a dot (three panels share a slide's width)."""
    if len(label) <= width or "." not in label:
        return label
    cut = label.rfind(".", 0, width)
    cut = cut if cut > 0 else label.find(".")
    return label[: cut + 1] + "\n" + label[cut + 1 :]


def _scale(kpi: str) -> tuple[float, str]:
    return (100.0, "%") if unit_of(kpi) == "share" else (1.0, "")


def shown_norms(
    table: pd.DataFrame, most: int = 4, order: Sequence[str] | None = None
) -> list[str]:
    """The norms a figure shows: the phone's and the counter's first, then the others, each in
    ``order`` (the scenario's order of its norms) or the table's."""
    present = list(dict.fromkeys(table["norm"]))
    ranked = [n for n in order or () if n in present]
    order = ranked + [n for n in present if n not in ranked]
    channel = dict(zip(table["norm"], table["channel"], strict=False))
    first = [n for n in order if channel.get(n) in ("phone", "counter")]
    return (first + [n for n in order if n not in first])[:most]


def tornado_figure(
    table: pd.DataFrame,
    language: str = "en",
    most: int = 6,
    order: Sequence[str] | None = None,
) -> Figure:
    """The tornado of a sensitivity analysis (the ``tornado`` rows of ``sensitivity.csv``).

    ``table`` also carries, per norm, its ``kpi``, ``label`` and ``target``; ``order`` is the
    scenario's order of its norms (the phone's service level first in Grootstad).
    """
    text = TEXT[language]
    norms = shown_norms(table, most, order)
    columns = min(3, len(norms)) or 1
    rows = int(np.ceil(len(norms) / columns)) or 1
    fig = Figure(figsize=(18, 4.6 * rows + 0.8), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, norm in zip(axes, norms, strict=False):
        part = table[table["norm"] == norm].sort_values("swing", kind="stable")
        first = part.iloc[0]
        factor, unit = _scale(str(first["kpi"]))
        base = float(first["kpi_at_base"]) * factor
        y = np.arange(len(part))
        low = part["kpi_at_low"].to_numpy(float) * factor
        high = part["kpi_at_high"].to_numpy(float) * factor
        # Side by side, not stacked: both ends may lie on the same side of the base.
        ax.barh(y + 0.2, low - base, left=base, height=0.4, color=OKABE_ITO[0], label=text["low"])
        ax.barh(y - 0.2, high - base, left=base, height=0.4, color=OKABE_ITO[1], label=text["high"])
        ax.axvline(base, color="black", linewidth=1, label=text["base"])
        if np.isfinite(float(first["target"])):
            ax.axvline(
                float(first["target"]) * factor,
                color=OKABE_ITO[2],
                linestyle="--",
                label=text["target"],
            )
        ax.set_yticks(y, [_wrapped(short_parameter(str(p))) for p in part["parameter"]], fontsize=7)
        ax.set_title(
            textwrap.fill(
                norm_title(
                    norm, str(first["kpi"]), str(first["channel"]), str(first["label"]), language
                ),
                44,
            ),
            fontsize=10,
        )
        ax.set_xlabel(
            KPI_NAMES[language].get(str(first["kpi"]), str(first["kpi"]))
            + (f" ({unit})" if unit else "")
        )
    for ax in axes[len(norms) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
    fig.suptitle(text["tornado"])
    return fig


def _band(
    ax: Axes,
    x: np.ndarray,
    data: pd.DataFrame,
    factor: float,
    colour: str,
    text: dict[str, str],
    label: bool,
) -> None:
    q = {name: data[name].to_numpy(float) * factor for name in ("p05", "p25", "p50", "p75", "p95")}
    ax.fill_between(
        x,
        q["p05"],
        q["p95"],
        color=colour,
        alpha=0.18,
        label=text["band90"] if label else None,
        linewidth=0,
    )
    ax.fill_between(
        x,
        q["p25"],
        q["p75"],
        color=colour,
        alpha=0.35,
        label=text["band50"] if label else None,
        linewidth=0,
    )
    ax.plot(
        x,
        q["p50"],
        color=colour,
        marker="o",
        label=text["median"] if label else None,
    )


def fan_figure(
    fan: pd.DataFrame, years: Sequence[str], language: str = "en", most: int = 5
) -> Figure:
    """Fan charts of the key norms' KPIs and of the FTE over the road-map years.

    ``fan`` holds per ``year`` and ``metric`` (a norm, ``fte_of_work``, ``fte_on_duty``) the
    quantiles ``p05`` ... ``p95``, with the norm's ``kpi``, ``channel``, ``label`` and ``target``.
    """
    text = TEXT[language]
    norms = shown_norms(fan[fan["kind"] == "norm"].rename(columns={"metric": "norm"}), most)
    panels: list[str] = [*norms, "fte"]
    columns = 3
    rows = int(np.ceil(len(panels) / columns))
    fig = Figure(figsize=(16, 4.3 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    x = np.arange(len(years))
    for ax, panel in zip(axes, panels, strict=False):
        if panel == "fte":
            for i, metric in enumerate(("fte_of_work", "fte_on_duty")):
                data = fan[fan["metric"] == metric].set_index("year").reindex(list(years))
                _band(ax, x, data, 1.0, SERIES[i], text, label=False)
                ax.plot([], [], color=SERIES[i], marker="o", label=text[metric])
            ax.set_title("FTE", fontsize=11)
            ax.legend(fontsize=8, loc="best")
        else:
            data = fan[fan["metric"] == panel].set_index("year").reindex(list(years))
            first = fan[fan["metric"] == panel].iloc[0]
            factor, unit = _scale(str(first["kpi"]))
            _band(ax, x, data, factor, SERIES[0], text, label=panel == panels[0])
            target = float(first["target"])
            if np.isfinite(target):
                ax.axhline(
                    target * factor,
                    color=OKABE_ITO[1],
                    linestyle="--",
                    label=text["target"] if panel == panels[0] else None,
                )
            ax.set_title(
                norm_title(
                    panel, str(first["kpi"]), str(first["channel"]), str(first["label"]), language
                ),
                fontsize=11,
            )
            if unit:
                ax.set_ylabel(unit)
        ax.set_xticks(x, list(years), fontsize=8, rotation=15)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
    fig.suptitle(text["fan"])
    return fig


def probability_figure(
    probability: pd.DataFrame, years: Sequence[str], language: str = "en"
) -> Figure:
    """A matrix of norms (rows) by road-map years (columns): in each cell the probability that
    the norm is met with its 95% interval, coloured from red (never) to blue (always)."""
    text = TEXT[language]
    norms = list(dict.fromkeys(probability["norm"]))
    first = probability.drop_duplicates("norm").set_index("norm")
    grid = (
        probability.pivot_table(index="norm", columns="year", values="probability", sort=False)
        .reindex(index=norms, columns=list(years))
        .to_numpy(float)
    )
    cells = probability.set_index(["norm", "year"])
    height = max(4.5, 0.42 * len(norms) + 2.0)
    fig = Figure(figsize=(max(16.0, height), height), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(grid * 100, cmap="RdYlBu", vmin=0, vmax=100, aspect="auto")
    for i, norm in enumerate(norms):
        for j, year in enumerate(years):
            if (norm, year) not in cells.index:
                continue
            row = cells.loc[(norm, year)]
            label = (
                f"{_percent(row['probability'], language)} "
                f"({_percent(row['ci_low'], language)}–{_percent(row['ci_high'], language)})"
            )
            dark = 25 <= row["probability"] * 100 <= 75
            ax.text(
                j,
                i,
                label,
                ha="center",
                va="center",
                fontsize=9,
                color="black" if dark else "white",
            )
    ax.set_xticks(range(len(years)), list(years))
    ax.set_yticks(
        range(len(norms)),
        [
            norm_title(
                n,
                str(first.loc[n, "kpi"]),
                str(first.loc[n, "channel"]),
                str(first.loc[n, "label"]),
                language,
            )
            for n in norms
        ],
        fontsize=9,
    )
    ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
    fig.colorbar(image, ax=ax, label=text["chance"] + " (%)", shrink=0.8)
    fig.suptitle(text["probability"])
    return fig


def _percent(share: float, language: str) -> str:
    """A probability as a whole percentage (the report's own number formatting)."""
    return decimal(100 * float(share), 0, language) + "%"
