"""City shops at run time: desks, walk-in and appointment queues, doors, and the people inside.

A :class:`Shop` holds the state of one stadswinkel during a replication; the behaviour of
visitors (walking in, balking, booking, coming early or late, not showing up, follow-up visits)
is in :mod:`klantstroom.model.counter`.

* **Desks.** A visitor is served at a desk; at most ``desks`` visitors are served at once (wrap-up
  included), however many staff are present. Staff without a free desk can blend in phone or
  digital work if their group allows it.
* **Queues.** Each offered service has a walk-in queue (a ticket queue) and, where the shop has
  an appointment book, an appointment queue that visitors join at their slot time. A member
  calls appointment visitors first, then walk-ins: by rank of the skill, then service priority,
  then the longest waiting (ready since the slot time for appointments).
* **Doors.** Visitors inside when the shop closes are still served (staff stay on); anyone who
  comes later is turned away (``unserved``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klantstroom.model.appointments import AppointmentBook
from klantstroom.model.queues import Queue
from klantstroom.scenario.spec import ShopSpec

if TYPE_CHECKING:
    from klantstroom.model.staff import Group


class Shop:
    """One shop during a replication.

    Attributes
    ----------
    queues : dict of (int, bool) to Queue
        The shop's queue per (service index, appointment).
    deployments : list of Group
        The staff groups (deployments) that work here.
    book : AppointmentBook or None
        The appointment book, if the shop takes appointments.
    mean_handling_min : float
        Demand-weighted mean desk time, for the expected wait a walk-in sees on entering.
    """

    def __init__(self, index: int, spec: ShopSpec) -> None:
        self.index = index
        self.spec = spec
        self.desks_free = spec.desks
        self.is_open = False
        self.queues: dict[tuple[int, bool], Queue] = {}
        self.deployments: list[Group] = []
        self.book: AppointmentBook | None = None
        self.mean_handling_min = 0.0

    def walk_ins_waiting(self) -> int:
        """Return the number of visitors waiting in the walk-in queues."""
        return sum(q.waiting for (_, appointment), q in self.queues.items() if not appointment)

    def staff_present(self) -> int:
        """Return the number of staff on duty at the shop (rostered, not leaving)."""
        return sum(group.active for group in self.deployments)


def pick_counter(group: Group, now: float) -> Queue | None:
    """Return the counter queue a member of ``group`` serves next, or None.

    Appointment visitors come first, then walk-ins; within each, the skill's rank, then the
    service priority, then the visitor ready longest.
    """
    best: Queue | None = None
    best_key: tuple[bool, int, float, float] | None = None
    for rank, queue in group.counter_work:
        if not queue.waiting:
            continue
        head = queue.head()
        if head is None:
            continue
        key = (not queue.appointment, rank, -queue.priority, head.ready_min)
        if best_key is None or key < best_key:
            best, best_key = queue, key
    return best
