"""The slide check: a figure fits a 16:9 slide with nothing clipped or overprinted.

:func:`slide_problems` draws a figure and lists what a projector would show wrong: the figure
taller than wide; a title, axis label, legend or figure text reaching outside the figure
(clipped in the PNG); two panel titles on top of each other; tick labels of one axis that
overprint each other. :func:`watching_figures` runs it on every figure a piece of code saves.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from klantstroom.report import png

# Pixels a text may touch the edge by (antialiasing, rounding of the layout).
TOLERANCE_PX = 2.0


def _shown(artist: Any) -> bool:
    if artist is None or not artist.get_visible():
        return False
    text = getattr(artist, "get_text", None)
    return text is None or bool(text())


def _overlap(a: Bbox, b: Bbox, axis: str) -> bool:
    if axis == "x":
        return min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE_PX
    return min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE_PX


def slide_problems(fig: Figure, name: str = "figure") -> list[str]:
    """What does not fit or overprints in ``fig`` (empty when it is slide-ready)."""
    problems = []
    width, height = fig.get_size_inches()
    if height > width:
        problems.append(f"{name}: taller ({height:.1f} in) than wide ({width:.1f} in)")
    if not isinstance(fig.canvas, FigureCanvasAgg):  # a bare Figure() has no renderer yet
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = fig.bbox
    labelled: list[tuple[str, Any]] = []
    if fig._suptitle is not None:
        labelled.append(("suptitle", fig._suptitle))
    labelled += [(f"text {t.get_text()[:30]!r}", t) for t in fig.texts]
    labelled += [(f"legend {k}", legend) for k, legend in enumerate(fig.legends)]
    titles = []
    for k, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        title = ax.title
        labelled += [
            (f"panel {k} title {title.get_text()[:30]!r}", title),
            (f"panel {k} x label", ax.xaxis.label),
            (f"panel {k} y label", ax.yaxis.label),
            (f"panel {k} legend", ax.get_legend()),
        ]
        if _shown(title):
            titles.append((k, title.get_window_extent(renderer)))
        for axis_name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            boxes = [
                (label.get_text(), label.get_window_extent(renderer))
                for label in axis.get_ticklabels()
                if _shown(label)
            ]
            for (text_a, a), (text_b, b) in itertools.pairwise(boxes):
                if _overlap(a, b, axis_name) and _overlap(a, b, "y" if axis_name == "x" else "x"):
                    problems.append(
                        f"{name}: panel {k} {axis_name} tick labels {text_a!r} and {text_b!r} "
                        "overprint"
                    )
    for what, artist in labelled:
        if not _shown(artist):
            continue
        box = artist.get_window_extent(renderer)
        if (
            box.x0 < frame.x0 - TOLERANCE_PX
            or box.y0 < frame.y0 - TOLERANCE_PX
            or box.x1 > frame.x1 + TOLERANCE_PX
            or box.y1 > frame.y1 + TOLERANCE_PX
        ):
            problems.append(f"{name}: {what} is clipped (outside the figure)")
    for i, (k, a) in enumerate(titles):
        for m, b in titles[i + 1 :]:
            if _overlap(a, b, "x") and _overlap(a, b, "y"):
                problems.append(f"{name}: the titles of panels {k} and {m} overprint")
    return problems


class Found(list[str]):
    """The problems found (the list), every text the saved figures show (``texts``) and the
    names the figures were saved under (``saved``: ``"figure"`` for a file object)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[tuple[str, str]] = []
        self.saved: list[str] = []


@contextmanager
def watching_figures() -> Iterator[Found]:
    """Check every figure saved inside the block; yields the list the problems go into.

    The package writes every figure with :func:`klantstroom.report.png.save_png` (a test keeps
    ``Figure.savefig`` out of it), which the figure modules import by name: the function is
    replaced in every loaded module that holds it (and in :mod:`klantstroom.report.png`, for
    those that import it when they draw).
    """
    found = Found()

    def check(fig: Figure, fname: Any) -> None:
        name = Path(str(fname)).name if isinstance(fname, (str, Path)) else "figure"
        found.saved.append(name)
        found.extend(slide_problems(fig, name))
        found.texts += [(name, t.get_text()) for t in fig.findobj(Text) if t.get_text()]

    original_save_png = png.save_png

    def save_png(fig: Figure, target: Any, dpi: float) -> None:
        check(fig, target)
        original_save_png(fig, target, dpi)

    def holding(function: Any) -> list[Any]:
        return [
            module
            for name, module in list(sys.modules.items())
            if name.startswith("klantstroom") and getattr(module, "save_png", None) is function
        ]

    for module in holding(original_save_png):
        module.save_png = save_png
    try:
        yield found
    finally:
        # Modules first imported inside the block took the replacement from png: they too.
        for module in holding(save_png):
            module.save_png = original_save_png
