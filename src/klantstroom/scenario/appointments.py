"""Checked building of the appointment-book keys: slot choice and urgent requests.

* ``counter.slot_choice`` — shares of :data:`~klantstroom.scenario.spec.SLOT_CHOICES` (how a
  citizen chooses among the offered slots), summing to 1; the older ``counter.any_shop: true``
  is shorthand for ``{any_shop: 1.0}``.
* ``counter.urgent_reserved_share`` and ``counter.urgent_max_access_working_days`` — slots kept
  for urgent requests (spoedaanvragen) and how soon an urgent request needs one.
* ``services.<s>.counter.urgent_share`` — the share of a service's booking requests that are
  urgent.

Kept apart from :mod:`klantstroom.scenario.build` so the counter's booking rules live together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from klantstroom.scenario.checks import SHARE_TOLERANCE, Checker
from klantstroom.scenario.spec import ANY_SHOP, SLOT_CHOICES, CounterSpec

# Above one half, urgent requests would hold most of the book: a unit mistake (percent for a
# share), not a policy; spoed is about 1.3% of visits (domain.md row 22).
URGENT_RESERVED_MAX = 0.5
_DEFAULT = CounterSpec()


def build_slot_choice(check: Checker, key: str, raw: Mapping[str, Any]) -> tuple[float, ...]:
    """Return the shares of :data:`SLOT_CHOICES` from the ``counter`` section ``raw``.

    Parameters
    ----------
    check : Checker
        Collects the errors (unknown choice name, share outside 0-1, shares not summing to 1,
        ``any_shop: true`` together with ``slot_choice``).
    key : str
        Dotted key of the counter section (``"counter"``).
    raw : mapping
        The counter section of the config.

    Returns
    -------
    tuple of float
        One share per slot choice, in the order of :data:`SLOT_CHOICES`; the default is the
        earliest slot for everyone.
    """
    given = raw.get("slot_choice") or {}
    any_shop = raw.get("any_shop", False)
    if not isinstance(any_shop, bool):
        check.fail(f"{key}.any_shop", f"must be true or false, got {any_shop!r}")
        any_shop = False
    if not given:
        shares = [0.0] * len(SLOT_CHOICES)
        shares[ANY_SHOP if any_shop else 0] = 1.0
        return tuple(shares)
    if any_shop:
        check.fail(
            f"{key}.any_shop",
            "give either any_shop: true or slot_choice (with an any_shop share), not both",
        )
    if not isinstance(given, Mapping):
        check.fail(
            f"{key}.slot_choice",
            f"must map choices to shares, e.g. {{earliest: 0.8, any_shop: 0.2}}; got {given!r}",
        )
        return _DEFAULT.slot_choice
    for name in given:
        check.choice(f"{key}.slot_choice.{name}", name, SLOT_CHOICES)
    shares = [
        check.number(f"{key}.slot_choice.{name}", given.get(name, 0.0), low=0.0, high=1.0)
        for name in SLOT_CHOICES
    ]
    total = sum(shares)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        check.fail(
            f"{key}.slot_choice",
            f"shares of {', '.join(SLOT_CHOICES)} must sum to 1, they sum to {total:.4f}",
        )
    return tuple(shares)


def build_urgent_reserved_share(check: Checker, key: str, raw: Mapping[str, Any]) -> float:
    """Return ``counter.urgent_reserved_share`` (share of daily appointment desk time, 0-0.5)."""
    value = raw.get("urgent_reserved_share", _DEFAULT.urgent_reserved_share)
    return check.number(f"{key}.urgent_reserved_share", value, low=0.0, high=URGENT_RESERVED_MAX)


def build_urgent_max_access(check: Checker, key: str, raw: Mapping[str, Any]) -> int:
    """Return ``counter.urgent_max_access_working_days`` (working days, >= 0)."""
    value = raw.get("urgent_max_access_working_days", _DEFAULT.urgent_max_access_working_days)
    return check.integer(f"{key}.urgent_max_access_working_days", value, low=0)


def build_urgent_share(check: Checker, key: str, raw: Mapping[str, Any]) -> float:
    """Return ``services.<s>.counter.urgent_share`` (share of booking requests, 0-1)."""
    return check.number(f"{key}.urgent_share", raw.get("urgent_share", 0.0), low=0.0, high=1.0)
