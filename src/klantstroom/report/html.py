"""Self-contained HTML pages: one file with its figures embedded, readable on a projector.

A report must open from a file browser on a workshop laptop, be mailed as one attachment and be
legible on a projector at the back of a room: so images are embedded as base64 PNG, the style
sheet is inline, the type is large with strong contrast, and colour is never the only carrier of
meaning (a norm cell also says "met" or "not met" in words).
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported where figures are drawn, not for every report
    from matplotlib.figure import Figure


STYLE = """
:root { --ink:#111; --muted:#555; --line:#ccd; --met:#d8f0dc; --miss:#f8d7d3; --unsure:#fdebc8; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       font-size: 19px; line-height: 1.45; margin: 0 auto; padding: 1.2em 2em 3em;
       max-width: 1500px; background: #fff; }
h1 { font-size: 2.0em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.45em; margin: 1.6em 0 0.4em; border-bottom: 3px solid #1f4e99;
     padding-bottom: 0.15em; }
h3 { font-size: 1.15em; margin: 1.2em 0 0.3em; }
p.lead { font-size: 1.1em; color: var(--muted); margin-top: 0; }
nav { margin: 0.8em 0 0; font-size: 0.95em; }
nav a { margin-right: 1.2em; color: #1f4e99; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
th, td { padding: 0.35em 0.7em; border-bottom: 1px solid var(--line); text-align: right;
         vertical-align: top; }
th { background: #eef2f8; font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
td.met { background: var(--met); } td.miss { background: var(--miss); }
td.unsure { background: var(--unsure); } td.sig { font-weight: 700; }
td.met, td.miss, td.unsure { white-space: nowrap; }
.scroll { overflow-x: auto; }
figure { margin: 1em 0 1.6em; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { color: var(--muted); font-size: 0.9em; }
code, pre { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.85em; }
pre { background: #f4f6fa; padding: 0.8em 1em; overflow-x: auto; }
details summary { cursor: pointer; font-weight: 600; margin: 0.6em 0; }
.note { color: var(--muted); font-size: 0.9em; }
"""


# Templates of the page's blocks: the text put in is escaped by the functions below.
_SECTION = Template("<section id='$anchor'>\n<h2>$title</h2>\n$body\n</section>")
_PARAGRAPH = Template("<p>$text</p>")


def escape(text: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text))


def figure_img(fig: Figure, alt: str, dpi: int = 110) -> str:
    """Render a matplotlib figure to an embedded PNG ``<img>``."""
    from klantstroom.report.png import save_png  # matplotlib only where a figure is drawn

    buffer = io.BytesIO()
    save_png(fig, buffer, dpi=dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def file_img(path: Path, alt: str | None = None) -> str:
    """Embed a PNG file as an ``<img>``."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{escape(alt or path.stem)}" src="data:image/png;base64,{data}">'


def figure_block(img: str, caption: str = "") -> str:
    """An image with an optional caption."""
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f"<figure>{img}{cap}</figure>"


def table(header: Sequence[str], rows: Iterable[Sequence[str | tuple[str, str]]]) -> str:
    """An HTML table; a cell is text, or (text, css class). Everything is escaped."""
    parts = ["<div class='scroll'><table><thead><tr>"]
    parts += [f"<th>{escape(h)}</th>" for h in header]
    parts.append("</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>")
        for cell in row:
            text, css = cell if isinstance(cell, tuple) else (cell, "")
            body = escape(text)
            parts.append(f"<td class='{css}'>{body}</td>" if css else f"<td>{body}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def paragraph(text: str) -> str:
    """A paragraph of plain text (escaped)."""
    return _PARAGRAPH.substitute(text=escape(text))


def section(anchor: str, title: str, blocks: Iterable[str]) -> str:
    """A section with a heading (escaped) around ``blocks`` (HTML made by this module)."""
    return _SECTION.substitute(anchor=escape(anchor), title=escape(title), body="\n".join(blocks))


def page(title: str, body: Iterable[str], *, language: str = "en") -> str:
    """A complete, self-contained HTML document."""
    return "\n".join(
        [
            "<!doctype html>",
            f"<html lang='{escape(language)}'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
            *body,
            "</body></html>",
        ]
    )
