"""The fixed vocabularies of a scenario: channels, formulas, outcomes, origins and other codes.

The model treats each value differently, so a new one is a code change, not a config entry;
the event log stores the codes (the index in each tuple). Re-exported by
:mod:`klantstroom.scenario.spec`.

The codes are ``Final`` names, one per line: the compiled model (mypyc,
:mod:`klantstroom.compile_command`) puts a Final number straight into its code, where it would
look an ordinary imported name up in a dictionary at every use, several times per contact.
"""

from __future__ import annotations

from typing import Final

# Channels are a fixed vocabulary: the model treats each differently (real-time or deferred work,
# a shop or not), so a new channel is a code change, not a config entry.
# ``digital`` is deferred work (web forms, e-mail) with a due time; ``chat`` is real-time digital.
CHANNELS: tuple[str, ...] = ("phone", "counter", "digital", "chat")

# Service formulas: done online by the citizen (a web form, checked by staff), at the counter by
# appointment or by walk-in, resolved by the KCC, or case-managed by a back-office department.
FORMULAS = ("self_service", "appointment", "walk_in", "kcc", "case_managed")

# Outcomes of a contact, as stored in the event log (index = code). ``unserved``: still waiting
# at the horizon, turned away at a shop's closing time, or no appointment slot within the booking
# horizon; ``balked``: left a shop on seeing the queue; ``no_show``: did not come to an
# appointment; ``rebooked``: came too late for an appointment and booked a new one;
# ``not_reached``: an outbound callback attempt that did not reach the citizen; ``no_slot``: a
# booking request that found no free slot within the booking horizon.
OUTCOMES: tuple[str, ...] = (
    "served",
    "abandoned",
    "unserved",
    "balked",
    "no_show",
    "rebooked",
    "not_reached",
    "no_slot",
)
SERVED: Final = 0
ABANDONED: Final = 1
UNSERVED: Final = 2
BALKED: Final = 3
NO_SHOW: Final = 4
REBOOKED: Final = 5
NOT_REACHED: Final = 6
NO_SLOT: Final = 7

# Why a contact (or back-office task) exists: a citizen's new matter, calling again after
# abandoning, returning to a shop after balking, switching channel, a follow-up visit, a new
# booking after coming too late, a back-office task handed off by the front office, an
# outbound callback when a task is done, or a citizen chasing a matter that is late (failure
# demand: a task past due, a callback or an e-mail answer that did not come), or a new attempt
# after a booking request found no free slot (a later request, or a walk-in instead).
ORIGINS: tuple[str, ...] = (
    "new",
    "redial",
    "return",
    "switch",
    "follow_up",
    "rebook",
    "task",
    "callback",
    "chase",
    "retry",
)
NEW: Final = 0
REDIAL: Final = 1
RETURN: Final = 2
SWITCH: Final = 3
FOLLOW_UP: Final = 4
REBOOK: Final = 5
TASK: Final = 6
CALLBACK: Final = 7
CHASE: Final = 8
RETRY: Final = 9

# How a journey (one matter of one citizen) ends; a contact carries the end of its journey when
# the journey ends with it (0 = the journey goes on, or is still open at the horizon).
JOURNEY_ENDS: tuple[str, ...] = ("open", "resolved", "given_up")
OPEN: Final = 0
RESOLVED: Final = 1
GIVEN_UP: Final = 2

# Order in which a back-office department works its tasks.
DISCIPLINES: tuple[str, ...] = ("fifo", "edd")
# Who makes a callback when a back-office task is done.
CALLBACK_BY: tuple[str, ...] = ("department", "kcc")

# How a visitor comes to a shop counter; what a visitor who is too late for an appointment does.
VISIT_MODES: tuple[str, ...] = ("walk_in", "appointment")
LATE_POLICIES: tuple[str, ...] = ("walk_in", "rebook")

# How a citizen chooses among the offered appointment slots (index = code): the earliest free
# slot at the own shop; the earliest on a preferred weekday; the earliest in a preferred part of
# the day; the earliest at any shop offering the service.
SLOT_CHOICES: tuple[str, ...] = (
    "earliest",
    "preferred_weekday",
    "preferred_part_of_day",
    "any_shop",
)
EARLIEST: Final = 0
PREFERRED_WEEKDAY: Final = 1
PREFERRED_PART_OF_DAY: Final = 2
ANY_SHOP: Final = 3
# Parts of the day a slot belongs to by its start: (name, from, until) in minutes since midnight.
PARTS_OF_DAY: tuple[tuple[str, int, int], ...] = (
    ("morning", 0, 12 * 60),
    ("afternoon", 12 * 60, 17 * 60),
    ("evening", 17 * 60, 24 * 60),
)

DISTRIBUTION_KINDS: tuple[str, ...] = (
    "exponential",
    "lognormal",
    "gamma",
    "weibull",
    "deterministic",
    "uniform",
    "empirical",
    "normal",
)

# Routing policies by name; klantstroom.model.policies.POLICIES implements exactly these.
ROUTING_POLICIES: tuple[str, ...] = ("longest_idle", "priority", "specialist_first")

MINUTES_PER_DAY: Final = 1440
HOURS_PER_DAY: Final = 24
