"""Numbers as a reader expects them: compact, with a decimal comma in Dutch.

A module of its own, without matplotlib, so that the HTML reports and the terminal summary can
format numbers without importing the figure modules.
"""

from __future__ import annotations


def compact_number(value: float, language: str) -> str:
    """Format a number compactly (``20``, ``2.5``), with a decimal comma in Dutch."""
    text = f"{value:.3g}"
    return text.replace(".", ",") if language == "nl" else text
