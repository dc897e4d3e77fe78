"""Numbers as readers expect them (klantstroom.report.numbers)."""

from __future__ import annotations

import math

import pytest

from klantstroom.report.numbers import compact_number, grouped


@pytest.mark.parametrize(
    ("value", "digits", "language", "text"),
    [
        (1234567.891, 0, "en", "1,234,568"),
        (1234567.891, 2, "nl", "1.234.567,89"),
        (0.5, 1, "nl", "0,5"),
        (-1500.0, 0, "nl", "-1.500"),
    ],
)
def test_grouped_swaps_the_separators_in_dutch(
    value: float, digits: int, language: str, text: str
) -> None:
    assert grouped(value, digits, language) == text


def test_a_missing_number_is_shown_as_missing() -> None:
    assert grouped(math.nan) == grouped(None) == grouped(math.inf) == "–"
    assert grouped(math.nan, missing="-") == "-"
    assert compact_number(2.5, "nl") == "2,5" and compact_number(20.0, "en") == "20"
