"""Writing a figure as PNG: the file ``Figure.savefig`` writes, drawn once instead of twice.

``savefig`` on a figure with a layout engine (every report figure has constrained layout) draws
the figure twice: a first pass without painting, to lay it out and to place what depends on the
text's size, then a second pass, with the layout engine switched off, that paints. Drawing the
canvas lays out and paints in one pass (``Figure.draw`` runs the layout engine before it draws
the artists), after which :func:`matplotlib.image.imsave` encodes the canvas's pixels exactly as
``savefig``'s PNG writer does (the same call, metadata and encoder). The files are byte for byte
the same; the pass saved is about a tenth of a figure's CPU (0.86 -> 0.76 s for a one-day run's
four figures).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave


def save_png(fig: Figure, target: Path | str | BinaryIO, dpi: float) -> None:
    """Write ``fig`` to ``target`` as PNG at ``dpi``, as ``fig.savefig(target, dpi=dpi)`` would.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; given an Agg canvas first if it has none (a bare ``Figure()``).
    target : path or binary file
        Where to write the PNG.
    dpi : float
        Dots per inch; the figure keeps this resolution afterwards (``savefig`` restores the
        figure's own, which no caller here draws again).
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    canvas.draw()
    imsave(target, canvas.buffer_rgba(), format="png", origin="upper", dpi=dpi)
