"""Numbers as a reader expects them: compact, with a decimal comma in Dutch.

A module of its own, without matplotlib, so that the HTML reports and the terminal summary can
format numbers without importing the figure modules.
"""

from __future__ import annotations

import math


def compact_number(value: float, language: str) -> str:
    """Format a number compactly (``20``, ``2.5``), with a decimal comma in Dutch."""
    text = f"{value:.3g}"
    return text.replace(".", ",") if language == "nl" else text


def grouped(value: object, digits: int = 0, language: str = "en", missing: str = "–") -> str:
    """A number with thousands separators: ``1,234.5``; Dutch ``1.234,5``; ``missing`` for
    NaN, infinity or None."""
    if value is None:
        return missing
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return missing
    text = f"{number:,.{digits}f}"
    if language == "nl":  # swap the separators: 1,234.5 -> 1.234,5
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text
