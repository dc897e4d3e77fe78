"""``wait_distribution.png``: how long citizens waited, per channel.

One panel per channel with the *empirical cumulative distribution* of the waiting time: at
waiting time x, the curve gives the share of contacts that waited at most x. Served contacts
(wait until answered) and abandoned contacts (wait until they hung up) get a curve each; all
replications are pooled. The dashed vertical line is the channel's service-level norm, and the
legend gives the share of each group within it. Read it as "where the served curve crosses the
norm line, that share of answered citizens waited no longer than the norm". The unit follows
the channel: seconds for short waits (phone), minutes, hours or days for longer ones; the axis
label says which. The x axis ends near the 99th percentile of the waits (or a bit beyond the
norm), so a long tail does not squash the curve. Contacts still waiting when the run ended have
no finished wait and are not drawn; the legend counts them. Outbound callbacks are left out, as
in the KPIs. Written with the other queue figures by
:func:`klantstroom.report.figures.write_figures`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, PercentFormatter

from klantstroom.analysis.groups import is_value
from klantstroom.analysis.journeys import inbound_mask
from klantstroom.report.figure_style import (
    LABEL_PT,
    LEGEND_PT,
    MINUTES_PER_DAY,
    NORM_COLOUR,
    SUPTITLE_PT,
    TITLE_PT,
    _channel_grid,
    _channel_name,
    _count,
    _duration,
    _names,
    _no_data,
    _percent,
    _style_axes,
    _text,
    grid_columns,
    with_unit_words,
)

SERVED_COLOUR = "#1f77b4"

ABANDONED_COLOUR = "#e6550d"

ECDF_POINTS = 800

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "wait_title": "Waiting time per channel: share of contacts that waited at most x",
        "wait_axis": "Waiting time ({unit})",
        "share_axis": "Share of contacts (%)",
        "served": "served",
        "abandoned": "abandoned",
        "within": "{share} within norm",
        "gave_up": "{share} gave up within norm",
        "wait_panel": "{channel}\nnorm {norm} (dotted line)",
        "still_waiting": "not shown: {n} still\nwaiting at the end",
    },
    "nl": {
        "wait_title": "Wachttijd per kanaal: aandeel contacten dat hoogstens x wachtte",
        "wait_axis": "Wachttijd ({unit})",
        "share_axis": "Aandeel contacten (%)",
        "served": "geholpen",
        "abandoned": "afgehaakt",
        "within": "{share} binnen norm",
        "gave_up": "{share} haakte af binnen norm",
        "wait_panel": "{channel}\nnorm {norm} (stippellijn)",
        "still_waiting": "niet getoond: {n} wachtten\nnog aan het eind",
    },
}

# The labels with the shared unit words.
_TEXT = with_unit_words(_LABELS)

# Wait units: name in _TEXT, units per minute, largest reference wait (minutes) shown in it.
_WAIT_UNITS: tuple[tuple[str, float, float], ...] = (
    ("s", 60.0, 3.0),
    ("min", 1.0, 180.0),
    ("h", 1.0 / 60.0, 3.0 * MINUTES_PER_DAY),
    ("d", 1.0 / MINUTES_PER_DAY, math.inf),
)


def _wait_unit(waits_min: np.ndarray, threshold_min: float | None) -> tuple[str, float]:
    """Choose the unit of a wait axis: (key in ``_TEXT``, units per minute).

    The reference is the larger of the 90th percentile of the waits and the norm, so a phone
    queue (waits under a few minutes) is shown in seconds and a digital backlog in hours or days.
    """
    reference = 0.0
    if waits_min.size:
        reference = float(np.quantile(waits_min, 0.9))
    if threshold_min is not None and np.isfinite(threshold_min):
        reference = max(reference, float(threshold_min))
    for key, per_min, largest in _WAIT_UNITS:
        if reference <= largest:
            return key, per_min
    return _WAIT_UNITS[-1][0], _WAIT_UNITS[-1][1]


def wait_distribution(
    contacts: pd.DataFrame,
    threshold_min_by_channel: Mapping[str, float],
    *,
    language: str = "en",
) -> Figure:
    """Draw the distribution of waiting times per channel as "share waiting at most x".

    Parameters
    ----------
    contacts : pandas.DataFrame
        The contact table (columns ``channel``, ``outcome`` and ``wait_min`` are used), all
        replications pooled.
    threshold_min_by_channel : mapping of str to float
        Service-level norm per channel in minutes, drawn as a dashed vertical line. Channels
        listed here but without contacts get an empty panel.
    language : {"en", "nl"}, optional
        Language of the labels.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per channel (in the order of the channel categories; three or four in a
        2 x 2 grid), sharing the y axis.
        Served and abandoned contacts each get a curve; the x unit (s, min, hours, days) is
        chosen per channel from its waits and norm and named in the axis label.
    """
    t = _text(language, _TEXT)
    channels = (
        _names(contacts["channel"], threshold_min_by_channel)
        if len(contacts.columns)
        else [str(c) for c in threshold_min_by_channel]
    )
    # Up to two channels side by side; three or four as a 2 x 2 grid, so each panel has room
    # for its axis and legend on a 16:9 slide.
    fig, axes = _channel_grid(channels, sharey=True)
    fig.suptitle(t["wait_title"], fontsize=SUPTITLE_PT)
    if not channels:
        _style_axes(axes[0])
        _no_data(axes[0], t["no_contacts"])
        axes[0].set_xlabel(t["wait_axis"].format(unit=t["min"]), fontsize=LABEL_PT)
        axes[0].set_ylabel(t["share_axis"], fontsize=LABEL_PT)
        return fig

    # Contacts citizens made: outbound callbacks wait for days by design and are not a queue's
    # waits (as in the KPIs).
    # The three columns read, by category code: copying a year's table or turning its text
    # columns into Python strings cost more than drawing the figure.
    if not len(contacts.columns):  # a table without columns: no contacts in any channel
        contacts = pd.DataFrame({"channel": [], "outcome": [], "wait_min": []})
    keep = inbound_mask(contacts)
    wait_col = contacts["wait_min"].to_numpy(dtype=float)[keep]
    outcomes = {
        outcome: is_value(contacts["outcome"], outcome)[keep]
        for outcome in ("served", "abandoned", "unserved")
    }
    for ax, channel in zip(axes, channels, strict=True):
        _style_axes(ax)
        threshold = threshold_min_by_channel.get(channel)
        title = _channel_name(channel, language)
        if threshold is not None:
            title = t["wait_panel"].format(channel=title, norm=_duration(threshold, language))
        ax.set_title(title, fontsize=TITLE_PT)
        in_channel = is_value(contacts["channel"], channel)[keep]
        groups = {
            outcome: np.sort(wait_col[in_channel & outcomes[outcome]])
            for outcome in ("served", "abandoned")
        }
        groups = {k: v[np.isfinite(v)] for k, v in groups.items()}
        n_unserved = int(np.count_nonzero(in_channel & outcomes["unserved"]))
        ended = np.concatenate(list(groups.values()))
        unit, per_min = _wait_unit(ended, threshold)
        ax.set_xlabel(t["wait_axis"].format(unit=t[unit]), fontsize=LABEL_PT)
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        ax.set_ylim(0.0, 1.02)
        if ended.size == 0:
            _no_data(ax, t["no_contacts"] if n_unserved == 0 else t["no_data"])
            if threshold is not None:
                ax.set_xlim(0.0, 1.5 * threshold * per_min)
                ax.axvline(threshold * per_min, color=NORM_COLOUR, linestyle=":", linewidth=2)
            continue

        upper = float(np.quantile(ended, 0.99))
        if threshold is not None:
            upper = max(upper, 1.25 * float(threshold))
        if upper <= 0.0:
            upper = float(threshold) if threshold else 1.0
        grid = np.linspace(0.0, upper, ECDF_POINTS)
        entries: list[tuple[object, str]] = []
        for outcome, colour, style in (
            ("served", SERVED_COLOUR, "-"),
            ("abandoned", ABANDONED_COLOUR, "--"),
        ):
            waits = groups[outcome]
            if waits.size == 0:
                continue
            share = np.searchsorted(waits, grid, side="right") / waits.size
            (line,) = ax.plot(
                grid * per_min,
                share,
                color=colour,
                linestyle=style,
                linewidth=2.4,
                drawstyle="steps-post",
            )
            label = f"{t[outcome]}, n = {_count(waits.size, language)}"
            if threshold is not None:
                within = np.searchsorted(waits, threshold + 1e-9, side="right") / waits.size
                key = "within" if outcome == "served" else "gave_up"
                label += "\n" + t[key].format(share=_percent(within, language))
            entries.append((line, label))
        if threshold is not None:
            ax.axvline(threshold * per_min, color=NORM_COLOUR, linestyle=":", linewidth=2)
        if n_unserved:
            blank = Line2D([], [], linestyle="none")
            entries.append((blank, t["still_waiting"].format(n=_count(n_unserved, language))))
        ax.set_xlim(0.0, upper * per_min)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        handles, labels = zip(*entries, strict=True)
        # Inside, bottom right: a "waited at most x" curve rises to the top left, so that
        # corner stays free, and a legend under the axes collided with the axis label.
        ax.legend(
            list(handles),
            list(labels),
            loc="lower right",
            fontsize=LEGEND_PT,
            framealpha=0.9,
            edgecolor="none",
            handlelength=1.8,
        )
    for ax in axes[:: grid_columns(axes)]:
        ax.set_ylabel(t["share_axis"], fontsize=LABEL_PT)
    return fig
