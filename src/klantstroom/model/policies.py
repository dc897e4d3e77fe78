"""Routing policies: which idle member takes an arriving contact, and which waiting contact a
member who becomes free takes next.

A policy is a small object with two methods, chosen by name in config (``routing.policy``):

``pick_member(queue, now)``
    A contact arrives at ``queue`` and nobody is waiting ahead of it: return the idle member
    who serves it, or None to let it wait.
``pick_queue(member, now)``
    ``member`` has become free: return the queue whose head it serves next, or None to go idle.

Policies:

* ``specialist_first`` — a contact goes to the group that ranks it highest (rank 1 before rank 2,
  so specialists before generalists), longest-idle member within equal rank; a free member takes
  work from the queue it ranks highest, the longest-waiting head among equal ranks.
* ``longest_idle`` — a contact goes to the member idle longest among all groups with the skill;
  a free member takes the longest-waiting contact among all its skills (FCFS across skills).
* ``priority`` — a free member takes the queue with the highest score
  ``channel priority + service priority + ageing_per_min x wait of its head``, so a contact that
  has waited long enough overtakes higher-priority work; contacts are given to members as in
  ``specialist_first``.

Deferred work (digital requests, back-office tasks, callbacks) is not the policy's business: a
member who finds no real-time contact takes, with :func:`pick_deferred`, the head with the
earliest due time among its deferred queues (for a FIFO department, the oldest task). Earliest due
first is ageing by construction: as work nears its due time it overtakes work that arrived later
with a longer norm. So a waiting call always goes before the next e-mail, and an e-mail in hand is
finished (work is not pre-empted). With ``routing.deferred_reserve`` R > 0, a member of a group
with real-time work starts deferred work only while R other members of its group are idle: a
threshold policy for call blending, so that a call arriving meanwhile finds someone free. With
``routing.deferred_max_share`` s < 1, at most ``ceil(s x members on duty)`` members of such a
group are on deferred work at once: without it, the night's e-mails would take every member who
comes on duty at opening, and the first calls of the day would wait for an e-mail in hand.

A chat agent holds up to ``concurrency`` chats at once: :func:`chat_member` finds the least
loaded agent with room for another, :func:`next_chat` the chat queue an agent takes next.

Adding a policy means writing a class here and adding it to :data:`POLICIES`.
"""

from __future__ import annotations

import math
from typing import Protocol

from klantstroom.model.queues import Queue
from klantstroom.model.staff import Group, Member
from klantstroom.scenario.spec import RoutingSpec


class RoutingPolicy(Protocol):
    """The interface every routing policy implements."""

    def pick_member(self, queue: Queue, now: float) -> Member | None:
        """Return the idle member who serves a contact arriving at ``queue``, or None."""
        ...

    def pick_queue(self, member: Member, now: float) -> Queue | None:
        """Return the queue ``member`` serves next, or None."""
        ...


class SpecialistFirst:
    """Best rank first; longest idle member and longest-waiting contact break ties."""

    def __init__(self, ageing_per_min: float = 0.0) -> None:
        self.ageing_per_min = ageing_per_min

    def pick_member(self, queue: Queue, now: float) -> Member | None:
        best: Member | None = None
        best_rank = 0
        for rank, group in queue.groups:
            if best is not None and rank > best_rank:
                break
            member = group.longest_idle()
            if member is not None and (best is None or member.idle_since < best.idle_since):
                best, best_rank = member, rank
        return best

    def pick_queue(self, member: Member, now: float) -> Queue | None:
        best: Queue | None = None
        best_rank = 0
        best_arrival = 0.0
        for rank, queue in member.group.work:
            if best is not None and rank > best_rank:
                break
            if queue.waiting:
                head = queue.head()
                if head is not None and (best is None or head.arrival_min < best_arrival):
                    best, best_rank, best_arrival = queue, rank, head.arrival_min
        return best


class LongestIdle:
    """Longest-idle member across groups; oldest waiting contact across skills."""

    def __init__(self, ageing_per_min: float = 0.0) -> None:
        self.ageing_per_min = ageing_per_min

    def pick_member(self, queue: Queue, now: float) -> Member | None:
        best: Member | None = None
        for _rank, group in queue.groups:
            member = group.longest_idle()
            if member is not None and (best is None or member.idle_since < best.idle_since):
                best = member
        return best

    def pick_queue(self, member: Member, now: float) -> Queue | None:
        best: Queue | None = None
        best_arrival = 0.0
        for _rank, queue in member.group.work:
            if queue.waiting:
                head = queue.head()
                if head is not None and (best is None or head.arrival_min < best_arrival):
                    best, best_arrival = queue, head.arrival_min
        return best


class Priority(SpecialistFirst):
    """Highest static priority plus ageing; ties go to the longest-waiting contact."""

    def pick_queue(self, member: Member, now: float) -> Queue | None:
        best: Queue | None = None
        best_score = 0.0
        best_arrival = 0.0
        ageing = self.ageing_per_min
        for _rank, queue in member.group.work:
            if queue.waiting:
                head = queue.head()
                if head is None:
                    continue
                score = queue.priority + ageing * (now - head.arrival_min)
                if (
                    best is None
                    or score > best_score
                    or (score == best_score and head.arrival_min < best_arrival)
                ):
                    best, best_score, best_arrival = queue, score, head.arrival_min
        return best


def pick_deferred(member: Member) -> Queue | None:
    """Return the deferred queue whose head ``member`` takes next (earliest key), or None.

    The key is the head's due time (or its arrival in a FIFO queue); ties go to the better rank.
    """
    best: Queue | None = None
    best_key = (0.0, 0)
    for rank, queue in member.group.deferred:
        if queue.waiting:
            head = queue.head()
            if head is None:
                continue
            key = (queue.key(head), rank)  # type: ignore[attr-defined]
            if best is None or key < best_key:
                best, best_key = queue, key
    return best


def may_take_deferred(routing: RoutingSpec, group: Group, member: Member) -> bool:
    """Whether ``member`` may start deferred work: its group keeps ``deferred_reserve``
    other members idle for real-time work first (call blending with a threshold; Bhulai &
    Koole 2003), and has fewer than ``ceil(deferred_max_share x on duty)`` members on
    deferred work already. Without real-time work (a back-office department) there is
    nothing to keep them for."""
    if not (group.work or group.chat_work):
        return True
    # Called whenever a member of a blending group runs out of real-time work: each count
    # stops as soon as it decides, and those on duty are the group's running count.
    reserve = routing.deferred_reserve
    if reserve > 0:
        others = 0
        for m in group.members:
            if m.idle and m is not member and not m.leaving:
                others += 1
                if others >= reserve:
                    break
        else:
            return False
    if routing.deferred_max_share < 1.0:
        # ``group.active``: on duty and not leaving. A small tolerance so that 0.5 x 4 members
        # allows 2, not 3 by rounding noise.
        limit = math.ceil(routing.deferred_max_share * group.active - 1e-9)
        if limit <= 0:
            return False
        deferred = 0
        for m in group.members:
            contact = m.contact
            if contact is not None and m is not member and contact.queue.deferred:
                deferred += 1
                if deferred >= limit:
                    return False
    return True


def chat_member(queue: Queue) -> Member | None:
    """A member already chatting with room for another chat (the least loaded), or None."""
    best: Member | None = None
    cap = queue.concurrency
    for _rank, group in queue.groups:
        for member in group.members:
            chats = len(member.chats)
            if 0 < chats < cap and not member.leaving and (best is None or chats < len(best.chats)):
                best = member
    return best


def next_chat(member: Member) -> Queue | None:
    """The chat queue of ``member``'s group with the longest-waiting chat, or None."""
    best: Queue | None = None
    best_arrival = 0.0
    for queue in member.group.chat_work:
        if queue.waiting:
            head = queue.head()
            if head is not None and (best is None or head.arrival_min < best_arrival):
                best, best_arrival = queue, head.arrival_min
    return best


POLICIES: dict[str, type[SpecialistFirst] | type[LongestIdle]] = {
    "specialist_first": SpecialistFirst,
    "longest_idle": LongestIdle,
    "priority": Priority,
}
