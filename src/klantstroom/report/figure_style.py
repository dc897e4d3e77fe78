"""The look every report figure shares: sizes, colours, labels and small drawing helpers.

Every figure is a stand-alone :class:`matplotlib.figure.Figure` with its own Agg canvas (no
pyplot, no global state, so figures can be made in threads or worker processes), sized for a
projector: about 11 x 6 inches, text at 12 points or more. The figure modules (the channel and
staff figures in :mod:`klantstroom.report.figures`, the year, journey, shop, path and comparison
figures) take their fonts, colours and helpers from here, so a change of look is made once.

Labels are in English or Dutch: :func:`_text` picks a module's label set for the language and
names the languages there are when asked for another; :data:`UNIT_TEXT` holds the words for
time units and empty panels every figure uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from klantstroom.report.headline import CHANNEL_NAMES
from klantstroom.report.numbers import compact_number as _number

__all__ = ["grid_columns", "lowest_panels"]

MINUTES_PER_DAY = 1440

# Projector-friendly sizes (points) and the default figure size (inches).
WIDTH_IN = 11.0

HEIGHT_IN = 6.0

SUPTITLE_PT = 16

TITLE_PT = 14

LABEL_PT = 13

TICK_PT = 12

LEGEND_PT = 12

LINE_COLOUR = "#1f4e99"

BAND_COLOUR = "#8fb3e8"

NORM_COLOUR = "#333333"

# Time units and the empty-panel words, shared by every figure's labels.
UNIT_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "days": "{n} days",
        "day": "1 day",
        "no_data": "no data",
        "no_contacts": "no contacts",
        "s": "s",
        "min": "min",
        "h": "hours",
        "d": "days",
        "h_short": "h",
        "d_short": "d",
    },
    "nl": {
        "days": "{n} dagen",
        "day": "1 dag",
        "no_data": "geen gegevens",
        "no_contacts": "geen contacten",
        "s": "s",
        "min": "min",
        "h": "uur",
        "d": "dagen",
        "h_short": "uur",
        "d_short": "dg",
    },
}


def with_unit_words(labels: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """A figure module's labels per language, with the shared unit and empty-panel words."""
    return {language: {**UNIT_TEXT[language], **own} for language, own in labels.items()}


def _text(language: str, table: Mapping[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Return the label set for ``language`` from ``table`` (default: :data:`UNIT_TEXT`).

    Raises ``ValueError`` for an unknown language.
    """
    labels = UNIT_TEXT if table is None else table
    try:
        return labels[language]
    except KeyError:
        raise ValueError(
            f"unknown language {language!r}; choose one of {', '.join(sorted(labels))}"
        ) from None


def _new_figure(width: float = WIDTH_IN, height: float = HEIGHT_IN) -> Figure:
    """Return an empty figure with its own Agg canvas and constrained layout."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _count(n: int, language: str) -> str:
    """Format a whole number with a thousands separator suited to the language."""
    text = f"{n:,}"
    return text.replace(",", ".") if language == "nl" else text


def _percent(share: float, language: str) -> str:
    """Format a share (0..1) as a percentage with at most one decimal."""
    text = f"{100.0 * share:.1f}".rstrip("0").rstrip(".")
    return (text.replace(".", ",") if language == "nl" else text) + "%"


def _duration(minutes: float, language: str) -> str:
    """Format a duration given in minutes in the most natural unit (``20 s``, ``8 h``)."""
    t = _text(language)
    if minutes < 2.0:
        return f"{_number(minutes * 60.0, language)} {t['s']}"
    if minutes < 120.0:
        return f"{_number(minutes, language)} {t['min']}"
    if minutes < 2.0 * MINUTES_PER_DAY:
        return f"{_number(minutes / 60.0, language)} {t['h_short']}"
    return f"{_number(minutes / MINUTES_PER_DAY, language)} {t['d_short']}"


def _style_axes(ax: Axes) -> None:
    """Apply the common look: readable ticks, light grid, no top/right frame."""
    ax.tick_params(labelsize=TICK_PT)
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _no_data(ax: Axes, message: str) -> None:
    """Write ``message`` in the middle of an empty panel."""
    ax.text(
        0.5,
        0.5,
        message,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=LABEL_PT,
        color="#555555",
        style="italic",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 4.0},
        zorder=5,
    )


def _names(values: pd.Series, extra: Iterable[str] = ()) -> list[str]:
    """Distinct names in order: categories (all of them) or first appearance, then ``extra``."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        names = [str(c) for c in values.cat.categories]
    else:
        names = [str(v) for v in pd.unique(values.dropna())]
    for name in extra:
        if name not in names:
            names.append(str(name))
    return names


def _figure_legend(fig: Figure, entries: Sequence[tuple[object, str]], ncols: int = 2) -> None:
    """One legend for the whole figure, below the panels so it never covers data.

    ``ncols`` entries per row at most (long labels: two per row stay inside a slide).
    """
    if not entries:
        return
    handles, labels = zip(*entries, strict=True)
    fig.legend(
        list(handles),
        list(labels),
        loc="outside lower center",
        ncols=min(len(entries), ncols),
        fontsize=LEGEND_PT,
        frameon=False,
    )


def grid_columns(axes: Sequence[Axes]) -> int:
    """The number of columns of the grid ``axes`` (a figure's panels, in order) lie on."""
    spec = axes[0].get_subplotspec() if axes else None
    return int(spec.get_gridspec().ncols) if spec is not None else 1


def lowest_panels(axes: Sequence[Axes]) -> list[Axes]:
    """The panels with no panel under them: the last row, and those above an empty cell."""
    columns = grid_columns(axes)
    return [ax for k, ax in enumerate(axes) if k + columns >= len(axes)]


def _bottom_labels(axes: Sequence[Axes], label: str) -> None:
    """The x label under the lowest panel of each column of a grid (shared axes)."""
    for ax in lowest_panels(axes):
        # With three panels the top right one is the lowest of its column: shared axes hid
        # its tick labels, so they are shown again.
        ax.tick_params(labelbottom=True)
        ax.set_xlabel(label, fontsize=LABEL_PT)


def _channel_grid(
    channels: Sequence[str], *, sharex: bool = False, sharey: bool = False
) -> tuple[Figure, list[Axes]]:
    """A figure with one panel per channel that fits a 16:9 slide: up to two side by side,
    three or four as a 2 x 2 grid (an empty cell removed). At least one panel."""
    panels = max(1, len(channels))
    columns = 2 if panels > 2 else panels
    rows = -(-panels // columns)
    scale = (1.25, 1.2) if rows > 1 else (1.0, 1.0)
    fig = _new_figure(width=WIDTH_IN * scale[0], height=HEIGHT_IN * scale[1])
    axes = list(fig.subplots(rows, columns, sharex=sharex, sharey=sharey, squeeze=False).ravel())
    for spare in axes[panels:]:
        spare.remove()
    return fig, axes[:panels]


def _channel_name(channel: str, language: str) -> str:
    """A channel's name for readers (``telefoon``, ``e-mail and forms``)."""
    return CHANNEL_NAMES.get(language, CHANNEL_NAMES["en"]).get(channel, channel)
