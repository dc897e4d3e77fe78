"""Contacts and the queues they wait in.

A :class:`Contact` is a light record (slots only) that lives while the contact is in the system;
once it ends it becomes a row of the event log and is dropped. Each (service, channel) pair has
one :class:`Queue`, first come first served; at a shop each offered service has a walk-in queue
and, with an appointment book, an appointment queue that visitors join at their slot time.
Deferred work (digital requests, back-office tasks, callbacks) waits in a
:class:`DeferredQueue`: no patience, ordered by due time (earliest due first) or by arrival (FIFO).
Abandoned contacts are not searched for and removed:
they are marked and skipped when they reach the head of the queue (lazy deletion), which keeps
abandonment O(1).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Final

from klantstroom.model.events import heappop, heappush

if TYPE_CHECKING:
    from klantstroom.model.staff import Group

NAN: Final = float("nan")

# Contact states.
WAITING: Final = 0
IN_SERVICE: Final = 1
DONE: Final = 2


class Contact:
    """One contact of a citizen: a call, a visit or a piece of digital work."""

    __slots__ = (
        "access_days",
        "appointment",
        "arrival_min",
        "attempt",
        "chasing",
        "citizen_id",
        "department",
        "due_min",
        "end_min",
        "handling_min",
        "id",
        "journey_end",
        "journey_id",
        "origin",
        "parent_id",
        "patience_min",
        "punctuality_min",
        "queue",
        "segment",
        "slot_min",
        "start_min",
        "state",
        "urgent",
    )

    def __init__(
        self,
        contact_id: int,
        citizen_id: int,
        parent_id: int,
        attempt: int,
        queue: Queue,
        arrival_min: float,
        handling_min: float = NAN,
        patience_min: float = NAN,
        journey_id: int = -1,
        origin: int = 0,
    ) -> None:
        self.id = contact_id
        self.citizen_id = citizen_id
        self.parent_id = parent_id
        self.attempt = attempt
        self.queue = queue
        self.arrival_min = arrival_min
        self.start_min = NAN
        self.end_min = NAN
        self.state = WAITING
        # Given only when a log is replayed; NaN = draw from the scenario's distributions.
        self.handling_min = handling_min
        self.patience_min = patience_min
        # Appointment visits only: the booked slot, working days from request to slot, and how
        # early (negative) or late the visitor arrived.
        self.appointment = False
        self.slot_min = NAN
        self.access_days = NAN
        self.punctuality_min = NAN
        # A booking request that is urgent (spoedaanvraag): may take slots kept for urgent ones.
        self.urgent = False
        # The matter this contact belongs to (the id of its first contact), why it exists (an
        # ORIGINS code), and how the journey ends with it (JOURNEY_ENDS code; 0 = goes on).
        self.journey_id = contact_id if journey_id < 0 else journey_id
        self.origin = origin
        self.journey_end = 0
        # Deferred work: when it is due (NaN: real-time). Department: the back-office
        # department a task belongs to, a contact was handed off to, or a callback comes from.
        self.due_min = NAN
        self.department = queue.department
        # Failure demand: the contact chases a late matter (or follows on from one that did, a
        # redial, a return after balking): it answers where the matter is and resolves nothing.
        self.chasing = False
        # The citizen's segment (an index of Scenario.segments; 0 when there are none).
        self.segment = 0

    @property
    def ready_min(self) -> float:
        """When the contact may be served: its slot time for an appointment, else its arrival."""
        slot = self.slot_min
        return slot if slot > self.arrival_min else self.arrival_min


class Queue:
    """Waiting contacts of one service on one channel, and who may serve them.

    Attributes
    ----------
    groups : list of (int, Group)
        Staff groups with the skill, sorted by their rank for it (lowest first).
    priority : float
        Static priority of the queue (channel priority + service priority) for priority routing.
    shop : int
        Index of the shop the queue is in, -1 for none.
    appointment : bool
        Whether it is a shop's queue of appointment visitors (called ahead of walk-ins).
    department : int
        Index of the back-office department whose tasks (or callbacks) it holds, -1 for none.
    concurrency : int
        Contacts one member serves at once (chat); 1 for all other work.
    due_working_days : int
        Deferred work only: working days until a contact is due (-1: real-time work).
    """

    deferred = False

    __slots__ = (
        "appointment",
        "channel",
        "concurrency",
        "contacts",
        "department",
        "due_working_days",
        "groups",
        "index",
        "outbound",
        "priority",
        "service",
        "shop",
        "waiting",
    )

    def __init__(
        self,
        index: int,
        service: int,
        channel: int,
        shop: int,
        priority: float,
        appointment: bool = False,
        department: int = -1,
        concurrency: int = 1,
        due_working_days: int = -1,
        outbound: bool = False,
    ) -> None:
        self.index = index
        self.appointment = appointment
        self.department = department
        self.concurrency = concurrency
        self.due_working_days = due_working_days
        self.outbound = outbound
        self.service = service
        self.channel = channel
        self.shop = shop
        self.priority = priority
        self.contacts: deque[Contact] = deque()
        self.groups: list[tuple[int, Group]] = []
        self.waiting = 0

    def head(self) -> Contact | None:
        """Return the longest-waiting contact still waiting, or None."""
        contacts = self.contacts
        while contacts:
            contact = contacts[0]
            if contact.state == WAITING:
                return contact
            contacts.popleft()
        return None

    def push(self, contact: Contact) -> None:
        """Add ``contact`` at the back of the queue."""
        self.contacts.append(contact)
        self.waiting += 1

    def pop(self) -> Contact:
        """Remove and return the head (call :meth:`head` first)."""
        self.waiting -= 1
        return self.contacts.popleft()

    def waiting_contacts(self) -> list[Contact]:
        """Return the contacts still waiting, in order (used at the horizon)."""
        return [c for c in self.contacts if c.state == WAITING]


class DeferredQueue(Queue):
    """Deferred work: no patience; earliest due first (``edd``) or oldest first (``fifo``).

    Items never leave while waiting (no abandonment), so a heap keyed on (due or arrival time,
    contact id) gives the head in O(log n) and the order is deterministic on ties.
    """

    deferred = True

    __slots__ = ("edd", "heap")

    # The parameters named rather than passed on as *args: mypyc (benchmarks/compiled.py)
    # cannot pass *args to a compiled base class. Deferred work has no appointments and no
    # concurrency: those keep Queue's defaults.
    def __init__(
        self,
        index: int,
        service: int,
        channel: int,
        shop: int,
        priority: float,
        *,
        department: int = -1,
        due_working_days: int = -1,
        outbound: bool = False,
        edd: bool = True,
    ) -> None:
        super().__init__(
            index,
            service,
            channel,
            shop,
            priority,
            department=department,
            due_working_days=due_working_days,
            outbound=outbound,
        )
        self.edd = edd
        self.heap: list[tuple[float, int, Contact]] = []

    def key(self, contact: Contact) -> float:
        """The ordering key of ``contact``: its due time, or its arrival for FIFO."""
        return contact.due_min if self.edd else contact.arrival_min

    def head(self) -> Contact | None:
        heap = self.heap
        return heap[0][2] if heap else None

    def push(self, contact: Contact) -> None:
        heappush(self.heap, (self.key(contact), contact.id, contact))
        self.waiting += 1

    def pop(self) -> Contact:
        self.waiting -= 1
        return heappop(self.heap)[2]

    def waiting_contacts(self) -> list[Contact]:
        return [item[2] for item in sorted(self.heap)]
