"""save_png writes the PNG that Figure.savefig writes, drawing the figure once instead of twice."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from klantstroom.report.png import save_png

SRC = Path(__file__).resolve().parents[2] / "src" / "klantstroom"


def _slide(layout: Literal["constrained"] | None = "constrained", canvas: bool = True) -> Figure:
    """A figure with what the layout engine has to place: titles, labels, a legend."""
    fig = Figure(figsize=(11, 6), layout=layout)
    if canvas:
        FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    left.plot([0, 1, 2], [3, 1, 2], marker="o", label="wachttijd")
    left.set_title("Telefoon: 80% binnen 20 s")
    left.set_xlabel("Tijdstip (uu:mm)")
    right.bar(["a", "b", "c"], [5, 7, 2], label="bezetting")
    right.set_ylabel("Medewerkers (personen)")
    fig.suptitle("Servicegraad per half uur")
    fig.legend(loc="outside lower center", ncols=2)
    return fig


@contextmanager
def _counting_draws() -> Iterator[list[int]]:
    calls = [0]
    original = Figure.draw

    def draw(self: Figure, renderer: object) -> None:
        calls[0] += 1
        original(self, renderer)  # type: ignore[arg-type]

    Figure.draw = draw  # type: ignore[method-assign, assignment]
    try:
        yield calls
    finally:
        Figure.draw = original  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("layout", "canvas"), [("constrained", True), (None, True), ("constrained", False)]
)
def test_the_same_bytes_as_savefig(
    layout: Literal["constrained"] | None, canvas: bool, tmp_path: Path
) -> None:
    _slide(layout, canvas).savefig(tmp_path / "savefig.png", dpi=110)
    save_png(_slide(layout, canvas), tmp_path / "save_png.png", dpi=110)
    expected = (tmp_path / "savefig.png").read_bytes()
    assert expected[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "save_png.png").read_bytes() == expected
    buffer = io.BytesIO()
    save_png(_slide(layout, canvas), buffer, dpi=110)
    assert buffer.getvalue() == expected


def test_a_figure_with_a_layout_engine_is_drawn_once(tmp_path: Path) -> None:
    with _counting_draws() as calls:
        _slide().savefig(tmp_path / "savefig.png", dpi=110)
    assert calls[0] == 2  # why save_png exists: a pass to lay out, another to paint
    with _counting_draws() as calls:
        save_png(_slide(), tmp_path / "save_png.png", dpi=110)
    assert calls[0] == 1


def test_every_figure_of_the_package_is_saved_by_save_png() -> None:
    # The one-pass writer, and the one the slide check (tests/slides.py) watches.
    calls = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "png.py"  # which names savefig in its docstrings
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.savefig\(", line)
    ]
    assert calls == []
