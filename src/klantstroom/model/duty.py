"""Staff on and off duty: the roster's headcount per interval, and the spells it gives.

At every interval boundary (30 minutes by default) each run-time group is brought to the
headcount its roster gives for that weekday or date (none on a holiday unless the group works
holidays). Three things take members off the floor first:

* training: members in class or teaching (:mod:`klantstroom.model.training`);
* leave, breaks and time off the queue (``on_queue_share``), and for a back-office department
  the share of its hours spent on work no contact caused (``other_work_share``). A share of a
  member cannot be rostered, so the fractions are carried from interval to interval (error
  diffusion): over the intervals the hours on duty are exactly the present share of the roster.

A group that grows calls back members about to leave first, then members off duty, who take
work at once. A group that shrinks sends members home last on, first off, so that spells follow
the rostered shifts where they can: idle members go at once, busy ones after the contact in
hand. Every stretch on duty is logged as a spell with its scheduled end, so that the tables can
tell overtime (a contact finished after the shift) from time on the floor.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Final

from klantstroom.model.events import URGENT, schedule
from klantstroom.model.staff import Group, Member
from klantstroom.scenario.spec import MINUTES_PER_DAY, roster_row

if TYPE_CHECKING:
    from klantstroom.model.simulation import Simulation

NAN: Final = float("nan")

# A run-time group's roster: headcount per interval per weekday, per date, and whether it
# works on holidays.
Roster = tuple[tuple[tuple[int, ...], ...], tuple[tuple[dt.date, tuple[int, ...]], ...], bool]


class Duty:
    """Who of each run-time group is on duty, interval by interval.

    Parameters
    ----------
    sim : Simulation
        The replication: its groups, training, counters and spell log.
    rosters : list of Roster
        Per run-time group (in ``sim.groups`` order): its roster.
    available : list of float
        Per run-time group: the share of its rostered hours available for contact-caused work
        (a department spends the rest on work no contact caused).
    """

    def __init__(self, sim: Simulation, rosters: list[Roster], available: list[float]) -> None:
        self.sim = sim
        self.rosters = rosters
        self._available = available
        # Per run-time group: the fraction of a member carried over between roster intervals,
        # so that the hours add up exactly.
        self._available_carry = [0.0] * len(available)

    def start(self) -> None:
        """Roster the first interval now; every roster change comes first among the events at
        its minute, so nobody starts a new contact at the moment their shift ends."""
        schedule(self.sim.env, 0.0, self._on_roster, priority=URGENT)

    def _on_roster(self, _: object) -> None:
        """Bring every group to its rostered headcount; repeat at the next interval boundary."""
        sim = self.sim
        env = sim.env
        now = env.now
        calendar = sim.scenario.calendar
        interval = calendar.interval_min
        day = math.floor(now / MINUTES_PER_DAY)
        slot = int((now - day * MINUTES_PER_DAY) // interval)
        weekday = calendar.weekday_of_day(day)
        date = calendar.date_of_day(day)
        holiday = calendar.is_holiday(day)
        available = self._available
        specs = sim.scenario.staff_groups
        training = sim.training
        for index, (group, (grid, by_date, works_holidays)) in enumerate(
            zip(sim.groups, self.rosters, strict=True)
        ):
            if holiday and not works_holidays:
                target = 0
            else:
                target = roster_row(grid, by_date, date, weekday)[slot]
            if training is not None:
                # Members in class (or teaching) are off the floor before leave and breaks.
                target -= training.release(group, day, slot, now)
            share = available[index] * specs[group.spec_index].on_queue_share(date, weekday, slot)
            if share < 1.0 and target:
                # Error diffusion: members on leave, off the queue (breaks), or off the task
                # work for other work, so that over the intervals the hours are exactly the
                # present share of the roster.
                carry = self._available_carry[index] + target * share
                target = int(carry + 1e-9)
                self._available_carry[index] = carry - target
            self.set_headcount(group, target, now)
            if training is not None:
                training.seat(group, now)
        next_boundary = day * MINUTES_PER_DAY + (slot + 1) * interval
        schedule(env, next_boundary - now, self._on_roster, priority=URGENT)

    def set_headcount(self, group: Group, target: int, now: float) -> None:
        """Bring ``group`` to ``target`` members on duty (not counting those about to leave)."""
        change = target - group.active
        if change > 0:
            # Members about to leave after their contact stay on before anyone is called in.
            for member in group.members:
                if change == 0:
                    break
                if member.on_duty and member.leaving:
                    member.leaving = False
                    member.scheduled_off_min = NAN
                    group.active += 1
                    change -= 1
            while change > 0 and group.off_duty:
                member = group.off_duty.pop()
                member.on_duty = True
                member.spell_start_min = now
                member.scheduled_off_min = NAN
                group.active += 1
                change -= 1
                self.sim.free(member)
        elif change < 0:
            # Last on, first off, so spells follow the rostered shifts where they can; idle
            # members go at once, busy ones after the contact in hand.
            on_duty = sorted(
                (m for m in group.members if m.on_duty and not m.leaving),
                key=lambda m: (not m.idle, -m.spell_start_min),
            )
            for member in on_duty[:-change]:
                member.scheduled_off_min = now
                group.active -= 1
                if member.idle:
                    member.idle = False
                    self.go_off_duty(member)
                else:
                    member.leaving = True

    def go_off_duty(self, member: Member) -> None:
        """``member`` leaves now: log the spell; at a closed shop, whoever is inside is seen to."""
        sim = self.sim
        now = sim.env.now
        group = member.group
        self._record_spell(member, now)
        member.on_duty = False
        member.leaving = False
        member.idle = False
        group.off_duty.append(member)
        if sim.training is not None:
            sim.training.went_off_duty(member, now)  # into class, if a seat waits for it
        if group.shop >= 0 and not sim.shops[group.shop].is_open:
            sim.counters.sweep(sim.shops[group.shop])  # type: ignore[union-attr]

    def close_spells(self, horizon: float) -> None:
        """Log the spells of the members still on duty at ``horizon``."""
        for group in self.sim.groups:
            for member in group.members:
                if member.on_duty:
                    self._record_spell(member, horizon)

    def _record_spell(self, member: Member, end_min: float) -> None:
        """Log ``member``'s spell on duty, ending at ``end_min``; scheduled to end then too
        unless the roster sent it home earlier (it stayed on for the contact in hand)."""
        scheduled = member.scheduled_off_min
        group = member.group
        self.sim.spells.record(
            member.id,
            group.spec_index,
            group.shop,
            member.spell_start_min,
            end_min,
            end_min if math.isnan(scheduled) else scheduled,
        )
