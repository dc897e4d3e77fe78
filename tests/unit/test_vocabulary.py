"""The codes the event log stores are the positions of their names in the vocabularies.

The codes are written out one by one (``SERVED: Final = 0`` ...), so that the compiled model
uses them as constants; this checks each against the tuple whose index it stands for.
"""

from __future__ import annotations

import pytest

from klantstroom.scenario import vocabulary as v


@pytest.mark.parametrize(
    "names",
    [v.OUTCOMES, v.ORIGINS, v.JOURNEY_ENDS, v.SLOT_CHOICES],
    ids=["outcomes", "origins", "journey ends", "slot choices"],
)
def test_every_code_is_the_index_of_its_name(names: tuple[str, ...]) -> None:
    codes = {name: getattr(v, name.upper()) for name in names}
    assert codes == {name: k for k, name in enumerate(names)}


def test_codes_of_different_vocabularies_are_not_confused() -> None:
    # Spot checks with the numbers spelt out: a shifted block would pass the test above only
    # if its tuple had shifted too, which the event-log tests would catch.
    assert (v.SERVED, v.NO_SLOT, v.NEW, v.RETRY, v.GIVEN_UP, v.ANY_SHOP) == (0, 7, 0, 9, 2, 3)
    assert v.MINUTES_PER_DAY == 24 * 60 and v.HOURS_PER_DAY == 24
