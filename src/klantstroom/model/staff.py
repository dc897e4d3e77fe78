"""Staff members, the groups they belong to, and who is on duty.

A group's roster says how many members are present per weekday and interval. At each interval
boundary the group is brought to that headcount. Members leave last on, first off (so that with
shifts, spells follow the shifts), idle members before busy ones: idle members go off duty at
once, busy members finish the contact in hand (and its wrap-up) before they leave. When the
headcount rises, members who were about to leave are kept on before anyone new is called in.

A staff group that works at several places (the contact centre, one or more shops) becomes one
run-time :class:`Group` per place, a *deployment*, each with its own roster, members and work; the
event log records the configured group (``spec_index``).

A member may hold several chats at once (up to the chat queue's ``concurrency``): while chatting,
a member is neither idle nor serving a single contact, takes more chats while it has room, and
takes other work only when its last chat ends.

A member handles a contact at its own ``speed`` and resolves it with its own ``fcr`` per queue:
the group's dictionaries, shared by all its members, until a training course gives a member its
own (:mod:`klantstroom.model.training`, where ``learning`` raises them along a learning curve).

Members who become idle join the back of the group's idle line, so its front is always the member
idle longest; members taken from the middle of the line (off duty) are skipped later by a token
check (lazy deletion).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from klantstroom.model.distributions import Sampler

if TYPE_CHECKING:
    from klantstroom.model.queues import Contact, Queue
    from klantstroom.model.training import Learner


class Member:
    """One staff member."""

    __slots__ = (
        "chats",
        "contact",
        "desk",
        "fcr",
        "group",
        "id",
        "idle",
        "idle_since",
        "idle_token",
        "learning",
        "leaving",
        "on_duty",
        "scheduled_off_min",
        "speed",
        "spell_start_min",
    )

    def __init__(self, member_id: int, group: Group) -> None:
        self.id = member_id
        self.group = group
        self.on_duty = False
        self.leaving = False
        self.idle = False
        self.idle_since = 0.0
        self.idle_token = 0
        self.contact: Contact | None = None
        self.chats: list[Contact] = []  # chats in hand (real-time digital, several at once)
        self.desk = False  # occupies one of its shop's desks (serving a visitor, wrap-up)
        self.spell_start_min = 0.0
        self.scheduled_off_min = float("nan")
        # Speed and resolution per queue index: the group's (shared) unless a course gave the
        # member its own; ``learning`` (a training Learner) raises them while it learns.
        self.speed = group.speed
        self.fcr = group.fcr
        self.learning: Learner | None = None


class Group:
    """A staff group at run time: its members, idle line and the work it may take.

    Attributes
    ----------
    work : list of (int, Queue)
        Real-time queues the group may serve, sorted by its rank for them (lowest first); at a
        shop, the phone and chat queues it blends in.
    deferred : list of (int, Queue)
        Deferred queues (digital requests, back-office tasks, callbacks): taken only when no
        real-time contact the group can serve waits, earliest due first.
    chat_work : list of Queue
        Its chat queues (also in ``work``), where a chatting member looks for its next chat.
    fcr : dict of int to float
        Resolution probability per queue index where the group's skill replaces the service's.
    counter_work : list of (int, Queue)
        At a shop, its counter queues (appointment queues first, then by rank and priority).
    spec_index : int
        Index of the configured staff group this deployment belongs to.
    shop : int
        Index of the shop it works at, -1 for none.
    speed : dict of int to float
        Speed factor per queue index (handling time is divided by it).
    cohort : str or None
        The training cohort whose members this run-time group holds, None for none.
    """

    def __init__(
        self,
        index: int,
        name: str,
        size: int,
        first_id: int,
        spec_index: int | None = None,
        shop: int = -1,
    ) -> None:
        self.index = index
        self.name = name
        self.spec_index = index if spec_index is None else spec_index
        self.shop = shop
        self.counter_work: list[tuple[int, Queue]] = []
        self.fcr: dict[int, float] = {}
        self.speed: dict[int, float] = {}
        self.cohort: str | None = None
        self.members = [Member(first_id + i, self) for i in range(size)]
        self.off_duty: list[Member] = list(reversed(self.members))
        self.idle_line: deque[tuple[int, Member]] = deque()
        self.active = 0  # on duty and not leaving
        self.work: list[tuple[int, Queue]] = []
        self.deferred: list[tuple[int, Queue]] = []
        self.chat_work: list[Queue] = []
        self.wrapup: Sampler | None = None

    def longest_idle(self) -> Member | None:
        """Return the member idle longest, or None (drops stale entries on the way)."""
        line = self.idle_line
        while line:
            token, member = line[0]
            if member.idle and member.idle_token == token:
                return member
            line.popleft()
        return None

    def make_idle(self, member: Member, now: float) -> None:
        """Put ``member`` at the back of the idle line."""
        member.idle = True
        member.idle_since = now
        member.idle_token += 1
        self.idle_line.append((member.idle_token, member))

    @staticmethod
    def take(member: Member) -> None:
        """Take ``member`` out of the idle line (its entry becomes stale)."""
        member.idle = False
