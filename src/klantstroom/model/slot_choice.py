"""Which slot a booking request gets: the citizen's slot choice and urgent requests.

A booking request looks for a free slot between its earliest and latest start (the counter's
``booking_lead_min`` and ``booking_horizon_days``) as the citizen's ``slot_choice`` (drawn per
request) says:

* the earliest at the own (catchment) shop;
* the earliest on a preferred weekday, drawn uniformly from the weekdays the shop has
  appointment desks;
* the earliest starting in a preferred part of the day (morning < 12:00, afternoon
  12:00-17:00, evening from 17:00), drawn from the parts the shop offers;
* the earliest at any shop offering the service (the own shop on a tie).

A preference that finds nothing within the horizon falls back to the earliest slot at the own
shop. An **urgent** request (``urgent_share`` of a service's requests; spoed) takes the earliest
free slot at the own shop, slots kept for urgent requests included, but only within
``urgent_max_access_working_days``; a new request of the same matter (after no slot, or too
late) stays as urgent as the one before it. Everyone taking the earliest slot and no urgent
share draw nothing, so such scenarios keep their random streams.

:class:`~klantstroom.model.counter.Counters` makes the request, books the slot found and plays
the visit (:mod:`klantstroom.model.counter`); the books themselves are
:mod:`klantstroom.model.appointments`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

import numpy as np

from klantstroom.model.appointments import Slot
from klantstroom.model.calendar import add_working_days
from klantstroom.model.distributions import Bernoulli, Sampler
from klantstroom.model.queues import Contact
from klantstroom.model.shops import Shop
from klantstroom.model.streams import Streams
from klantstroom.scenario.spec import (
    ANY_SHOP,
    EARLIEST,
    MINUTES_PER_DAY,
    PARTS_OF_DAY,
    PREFERRED_PART_OF_DAY,
    PREFERRED_WEEKDAY,
    REBOOK,
    RETRY,
    SLOT_CHOICES,
    Scenario,
)


class SlotChoice:
    """The slot choices and urgent requests of one replication's shops.

    Parameters
    ----------
    scenario : Scenario
        The validated scenario (its counter settings, services and calendar).
    shops : sequence of Shop
        The shops, in scenario order, with their queues and appointment books.
    streams : Streams
        The replication's random streams (``counter/slot_choice``,
        ``counter/slot_preference``, ``counter/urgent/<service>``).
    """

    def __init__(self, scenario: Scenario, shops: Sequence[Shop], streams: Streams) -> None:
        self.shops = shops
        self.spec = scenario.counter
        self.calendar = scenario.calendar
        shares = self.spec.slot_choice
        self._slot_choice: Callable[[], int] | None = None
        if shares[EARLIEST] < 1.0:
            # bisect on a list, not np.searchsorted: the same index, a tenth of the cost per call.
            bounds = np.cumsum(shares)[:-1].tolist()
            uniform = Sampler(streams.get("counter/slot_choice").random, 0.5)
            self._slot_choice = lambda: bisect_right(bounds, uniform())
        self._preference = Sampler(streams.get("counter/slot_preference").random, 0.5)
        # Choices made (counts per SLOT_CHOICES code; urgent requests make none): diagnostics.
        self.choice_counts = [0] * len(SLOT_CHOICES)
        self._urgent = [
            Bernoulli(s.counter.urgent_share, streams.get(f"counter/urgent/{s.name}"))
            if s.counter.urgent_share > 0
            else None
            for s in scenario.services
        ]
        self._booking_shops = [
            [k for k, shop in enumerate(shops) if (s_index, True) in shop.queues]
            for s_index in range(len(scenario.services))
        ]
        # Per shop: the weekdays and the parts of the day (PARTS_OF_DAY codes) with
        # appointment desks, from which a preference is drawn.
        step = self.calendar.interval_min
        self._appointment_weekdays: list[list[int]] = []
        self._appointment_parts: list[list[int]] = []
        for shop in shops:
            rows = shop.spec.appointment_desks
            self._appointment_weekdays.append([wd for wd, row in enumerate(rows) if any(row)])
            starts = {slot * step for row in rows for slot, count in enumerate(row) if count}
            self._appointment_parts.append(
                [
                    p
                    for p, (_, lo, hi) in enumerate(PARTS_OF_DAY)
                    if any(lo <= t < hi for t in starts)
                ]
            )

    def find(
        self,
        service: int,
        shop_index: int,
        previous: Contact | None,
        origin: int,
        length: float,
        start: float,
        until: float,
        now: float,
    ) -> tuple[int, Slot | None, bool]:
        """The slot a request for ``service`` at its own shop ``shop_index`` gets.

        ``length`` is the slot's length in the book; ``start`` and ``until`` the earliest and
        latest start (model minutes) of the request made at ``now``; ``previous`` and ``origin``
        the contact it follows (a new request of the same matter stays as urgent).

        Returns
        -------
        (int, Slot or None, bool)
            The shop the slot is at, the slot (None: none within the horizon) and whether the
            request was urgent.
        """
        if self._is_urgent(service, previous, origin):
            # Any free slot at the own shop, held ones too, but only within the urgent access.
            until = min(until, self._urgent_until_min(now))
            book = self.shops[shop_index].book
            slot = None if book is None else book.earliest(length, start, until, urgent=True)
            return shop_index, slot, True
        best_shop, best = self._choose(service, shop_index, length, start, until, now)
        return best_shop, best, False

    def _is_urgent(self, service: int, previous: Contact | None, origin: int) -> bool:
        """Whether a booking request is urgent: a new booking of the same matter (after no
        slot, or too late) stays as urgent as the request before it; others draw."""
        if origin in (RETRY, REBOOK) and previous is not None and previous.appointment:
            return previous.urgent
        draw = self._urgent[service]
        return draw is not None and draw()

    def _urgent_until_min(self, now: float) -> float:
        """The latest slot start an urgent request made at ``now`` accepts: before the day on
        which its access time would exceed ``urgent_max_access_working_days``."""
        today = int(now // MINUTES_PER_DAY)
        over = add_working_days(self.calendar, today, self.spec.urgent_max_access_working_days + 1)
        return over * MINUTES_PER_DAY - 1e-6

    def _choose(
        self, service: int, shop_index: int, length: float, start: float, until: float, now: float
    ) -> tuple[int, Slot | None]:
        """Choose a slot as the citizen's slot choice says; return (shop, slot or None).

        A preference (weekday, part of the day) that finds nothing within the horizon falls
        back to the earliest free slot at the own shop.
        """
        own = self.shops[shop_index].book
        choice = EARLIEST if self._slot_choice is None else self._slot_choice()
        self.choice_counts[choice] += 1
        if choice == ANY_SHOP:
            best: Slot | None = None
            best_shop = shop_index
            others = [k for k in self._booking_shops[service] if k != shop_index]
            for k in [shop_index, *others]:  # the own shop first: it wins a tie
                book = self.shops[k].book
                if book is None:
                    continue
                slot = book.earliest(length, start, until, now_min=now)
                if slot is not None and (best is None or slot.start_min < best.start_min):
                    best, best_shop = slot, k
            return best_shop, best
        if own is None:
            return shop_index, None
        slot = None
        if choice == PREFERRED_WEEKDAY:
            days = self._appointment_weekdays[shop_index]
            weekday = days[int(self._preference() * len(days))]
            first = self.calendar.weekday_of_day(int(start // MINUTES_PER_DAY))
            slot = own.earliest(
                length, start, until, now_min=now, days_ahead=(weekday - first) % 7, day_step=7
            )
        elif choice == PREFERRED_PART_OF_DAY:
            parts = self._appointment_parts[shop_index]
            _, lo, hi = PARTS_OF_DAY[parts[int(self._preference() * len(parts))]]
            slot = own.earliest(length, start, until, now_min=now, part=(lo, hi))
        if slot is None:
            slot = own.earliest(length, start, until, now_min=now)
        return shop_index, slot
