"""HTML pages from Jinja2 templates (house rule: HTML comes from templates, not f-strings).

The templates live in ``klantstroom/templates/`` (shipped in the wheel with the package). Every
value put into a template is escaped unless it is already :class:`~markupsafe.Markup`, so text
from a log (a call type, a finding, a file name) cannot inject markup into a page. Two filters
produce markup that is safe by construction:

``frame_html(frame, digits=3)``
    a pandas table (``DataFrame.to_html`` escapes its labels and cells), floats to ``digits``
    decimals;
``embed_png(path)``
    a PNG file embedded as an ``<img>`` (:func:`klantstroom.report.html.file_img`).

Templates use ``StrictUndefined``: a variable the caller forgot is an error, not an empty string.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from klantstroom.report.html import file_img


def frame_html(
    frame: pd.DataFrame, digits: int = 3, classes: str = "t", language: str = "en"
) -> Markup:
    """A pandas table as HTML (labels and cells escaped by pandas), floats to ``digits``, with a
    decimal comma in Dutch."""
    comma = language == "nl"

    def number(x: float) -> str:
        text = f"{x:.{digits}f}"
        return text.replace(".", ",") if comma else text

    return Markup(frame.to_html(float_format=number, border=0, classes=classes))


def embed_png(path: Path, alt: str | None = None) -> Markup:
    """A PNG file embedded as a base64 ``<img>`` (its ``alt`` text escaped)."""
    return Markup(file_img(Path(path), alt))


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the package's templates (built once, templates cached)."""
    env = Environment(
        loader=PackageLoader("klantstroom", "templates"),
        # Escape in every template, whatever its name ends with.
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["frame_html"] = frame_html
    env.filters["embed_png"] = embed_png
    return env


def render(template_name: str, /, **context: object) -> str:
    """Render the template ``template_name`` (in ``klantstroom/templates/``) with ``context``."""
    return environment().get_template(template_name).render(**context)
