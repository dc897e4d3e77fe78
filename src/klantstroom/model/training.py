"""Training at run time: cohorts gain skills on a date, spend hours in class, and learn.

**Design: a cohort is a run-time group of its own.** Routing works on groups: a queue lists the
groups that serve it by rank, and a free member looks through its group's queues
(:mod:`klantstroom.model.policies`). Per-member skill sets would put a check of "does this member
have the skill yet?" into every routing decision. Instead, the members a course trains are split
off the group's home deployment into a run-time group of their own (as a group working at
several shops has one per shop): the cohort's group starts with the group's skills and, on the
course's start date, gains the course's skills once, through the same code that gives groups
their skills when the run is built (:meth:`Simulation.add_skills`). Routing then needs no check
at all, and a run without training builds exactly the groups it built before.

*Which members.* The group's home roster says how many are present per interval. Its members are
numbered in the order they come on (position p is present while the headcount exceeds p); each
cohort gets positions spread evenly over that order (the one furthest behind its share takes the
next), so it works a fair part of the early, late and peak hours. A cohort's roster is how many
of its positions each headcount covers, the rest's roster the others: together exactly the
group's roster, and a cohort of the whole group has the group's own roster.

*In class.* While a course runs, its cohort spends ``hours_per_week`` per member in class on the
course's days: ``members x hours / days`` member-hours a day, in whole intervals, from the first
interval the cohort is rostered that day at or after the course's ``class_start`` (the start of
the day when it has none), as many of its rostered members at once as there are
(a class), what does not fit carried to the next course day. A trainer's hours are placed on the
same days from the same interval, at most ``ceil(trainer hours / class hours)`` trainers at once,
taken from the trainer group's members outside every cohort. Members in class (or teaching) are
taken off the roster before leave and breaks: leave falls on working time. A member busy with a
contact finishes it first, then goes to class. Class and teaching time are staff spells with
``activity`` ``training`` and ``training_others``.

*Learning.* A member who learns a skill gets its own speed and resolution dictionaries (else it
shares its group's) and a :class:`Learner`. When it starts a contact of a skill it is learning,
the level is brought up to date: linear from the curve's start levels to 1 over
``full_after_weeks`` since the start date, or over its own first ``full_after_contacts`` contacts
of the skill; the handling time is divided by ``speed x level`` and the resolution probability is
``full x level``. Once fully proficient in all its skills the learner is dropped: the hot path of
the simulation checks one attribute (``member.learning is None``) and nothing else.

Every day at 00:00 the cohort's mean levels per skill are written to a small log
(:data:`PROFICIENCY_COLUMNS`), from which the tables take the proficiency KPIs. A cohort whose
curve in weeks is complete by the run's first day (minute 0) is not logged: it is fully
proficient from the start, like a course without a curve, and a road-map year that lists the
cohorts of earlier years reports the proficiency of the cohorts still learning, not theirs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from klantstroom.model.eventlog import RowLog
from klantstroom.model.events import URGENT, schedule
from klantstroom.scenario.spec import MINUTES_PER_DAY, SkillSpec, StaffGroupSpec, roster_row
from klantstroom.scenario.training import (
    TRAINING,
    TRAINING_OTHERS,
    WEEK_MIN,
    CurveSpec,
    TrainingSpec,
    cohorts,
)

if TYPE_CHECKING:
    import datetime as dt

    from klantstroom.model.simulation import Simulation
    from klantstroom.model.staff import Group, Member

Grid = tuple[tuple[int, ...], ...]
ByDate = tuple[tuple["dt.date", tuple[int, ...]], ...]
Roster = tuple[Grid, ByDate, bool]

# The daily proficiency log: per course x skill, the cohort's mean levels at 00:00 of a day.
PROFICIENCY_COLUMNS: dict[str, str] = {
    "day_min": "d",
    "staff_group": "h",
    "service": "h",
    "channel": "b",
    "members": "i",
    "speed_level": "d",
    "fcr_level": "d",
}


def home_places(spec: StaffGroupSpec) -> list[tuple[Grid, ByDate, int, str | None]]:
    """The run-time groups at the group's home: (roster, rows by date, size, cohort or None).

    Without training, the group's own roster. With training, the members outside every cohort
    (if any) and then each cohort, the group's roster split between them by positions (see the
    module docstring).
    """
    size = spec.home_max_headcount
    if not spec.training:
        return [(spec.headcount, spec.headcount_by_date, size, None)]
    # The scenario checks that the cohorts fit; a roster replaced afterwards (the staffing
    # plan's search) may be smaller: later cohorts then shrink, or have nobody.
    found: list[tuple[str | None, int]] = []
    left = size
    for cohort, members in cohorts(spec):
        found.append((cohort, min(members, left)))
        left -= found[-1][1]
    parts = [(name, n) for name, n in [(None, left), *found] if n > 0]
    below = _covered([n for _, n in parts])
    places: list[tuple[Grid, ByDate, int, str | None]] = []
    for j, (name, n) in enumerate(parts):
        counts = below[j]
        grid = tuple(tuple(counts[h] for h in row) for row in spec.headcount)
        by_date = tuple(
            (date, tuple(counts[h] for h in row)) for date, row in spec.headcount_by_date
        )
        places.append((grid, by_date, n, name))
    return places


def _covered(sizes: list[int]) -> list[list[int]]:
    """Per part: how many of its positions a headcount h covers, for h = 0 .. sum(sizes).

    Position p (0 = the first to come on) goes to the part furthest behind its share of the
    positions so far (integer arithmetic, ties to the earlier part), so every part ends with
    exactly its size and is never more than one position ahead of or behind its share.
    """
    total = sum(sizes)
    given = [0] * len(sizes)
    below = [[0] for _ in sizes]
    for p in range(total):
        best = max(range(len(sizes)), key=lambda j: (sizes[j] * (p + 1) - given[j] * total, -j))
        given[best] += 1
        for j, counts in enumerate(below):
            counts.append(given[j])
    return below


class _SkillState:
    """One member's progress on one skill of a course."""

    __slots__ = ("count", "curve", "full", "start_min")

    def __init__(
        self, curve: CurveSpec, start_min: float, full: tuple[tuple[int, float, float], ...]
    ) -> None:
        self.curve = curve
        self.start_min = start_min
        self.full = full  # (queue index, full speed, full resolution) of each queue of the skill
        self.count = 0  # contacts of the skill started so far

    def progress(self, now: float) -> float:
        """0 at the start, 1 (or more) when fully proficient."""
        curve = self.curve
        if curve.full_after_contacts is not None:
            return self.count / curve.full_after_contacts
        if curve.full_after_weeks is not None:
            return (now - self.start_min) / (curve.full_after_weeks * WEEK_MIN)
        return 1.0

    def apply(self, member: Member, progress: float) -> None:
        """Set the member's speed and resolution on the skill's queues to their levels."""
        speed, fcr = self.curve.levels(progress)
        for queue, full_speed, full_fcr in self.full:
            member.speed[queue] = full_speed * speed
            member.fcr[queue] = full_fcr * fcr


class Learner:
    """The skills a member is still learning, by queue index."""

    __slots__ = ("skills",)

    def __init__(self) -> None:
        self.skills: dict[int, _SkillState] = {}

    def advance(self, member: Member, queue: int, now: float) -> None:
        """``member`` starts a contact at ``queue`` now: bring its level there up to date."""
        state = self.skills.get(queue)
        if state is None:
            return
        progress = state.progress(now)
        state.count += 1
        state.apply(member, progress)
        if progress >= 1.0:
            for index, _, _ in state.full:
                del self.skills[index]
            if not self.skills:
                member.learning = None


class _Course:
    """A course at run time: its cohort's group, trainer group, class quotas and learners."""

    def __init__(
        self, spec: TrainingSpec, group: Group, trainer: Group | None, start_min: float
    ) -> None:
        self.spec = spec
        self.group = group
        self.trainer = trainer
        self.start_min = start_min
        self.end_min = start_min + spec.weeks * WEEK_MIN
        self.class_carry = 0.0
        self.trainer_carry = 0.0
        self.states: list[list[_SkillState]] = []  # per skill, per member (while learning)
        # Logged in the proficiency table unless its curve in weeks is over by the run's first
        # minute (the members still learn along it in the warm-up).
        weeks = spec.curve.full_after_weeks
        self.logged = weeks is None or start_min + weeks * WEEK_MIN > 0.0


class Training:
    """Courses, classes and learning of one replication (see the module docstring).

    Built by :meth:`of`; the simulation calls :meth:`release` and :meth:`seat` around each
    roster change, :meth:`went_off_duty` when a member leaves the floor, and
    :meth:`finish_at_horizon` at the end.
    """

    def __init__(self, sim: Simulation, rosters: list[Roster]) -> None:
        self.sim = sim
        self._rosters = rosters
        scenario = sim.scenario
        self._calendar = scenario.calendar
        self._interval = scenario.calendar.interval_min
        self._slots = MINUTES_PER_DAY // self._interval
        self.log = ProficiencyLog()
        self._service = {s.name: k for k, s in enumerate(scenario.services)}
        self._channel = {c.name: k for k, c in enumerate(scenario.channels)}
        shops = [shop.name for shop in scenario.shops]
        specs = scenario.staff_groups
        # The run-time group of each configured group's members at home outside every cohort.
        pool: dict[str, Group] = {}
        cohort_group: dict[tuple[int, str], Group] = {}
        for group in sim.groups:
            spec = specs[group.spec_index]  # the configured group
            home = -1 if spec.shop is None else shops.index(spec.shop)
            if group.cohort is not None:
                cohort_group[(group.spec_index, group.cohort)] = group
            elif group.shop == home and spec.name not in pool:
                pool[spec.name] = group
        self.courses: list[_Course] = []
        # Per run-time group in class or teaching: what its members do there, who is in (with
        # the start of their spell) and how many should be.
        self._activity: dict[int, int] = {}
        self._seated: dict[int, dict[Member, float]] = {}
        self._want: dict[int, int] = {}
        for g_index, spec in enumerate(specs):
            for course_spec in spec.training:
                cohort = cohort_group.get((g_index, course_spec.cohort))
                if cohort is None:
                    continue  # a cohort of no one (a roster replaced by the staffing plan)
                trainer = None
                if course_spec.trainer is not None:
                    trainer = pool.get(course_spec.trainer.group)  # None: nobody left to teach
                start = course_spec.start_min(self._calendar)
                self.courses.append(_Course(course_spec, cohort, trainer, start))
                for member_group, activity in ((cohort, TRAINING), (trainer, TRAINING_OTHERS)):
                    if member_group is not None:
                        self._activity[member_group.index] = activity
                        self._seated.setdefault(member_group.index, {})
                        self._want.setdefault(member_group.index, 0)
        self._day: int | None = None
        self._plan: dict[int, list[int]] = {}
        env = sim.env
        now = env.now
        for course in self.courses:
            if course.start_min <= now:
                self._gain(course)  # held before the run starts: as if configured
            else:
                schedule(env, course.start_min - now, self._on_gain, course, priority=URGENT)
        if any(not course.spec.curve.flat for course in self.courses):
            first = math.ceil(now / MINUTES_PER_DAY) * MINUTES_PER_DAY
            schedule(env, first - now, self._on_snapshot)

    @classmethod
    def of(cls, sim: Simulation, rosters: list[Roster]) -> Training | None:
        """The training of ``sim``'s scenario, or None when no group has any (the usual case)."""
        if not any(spec.training for spec in sim.scenario.staff_groups):
            return None
        return cls(sim, rosters)

    # -- skills and learning ------------------------------------------------------------------

    def _on_gain(self, course: _Course) -> None:
        self._gain(course)
        self.sim.wake(course.group)

    def _gain(self, course: _Course) -> None:
        """The cohort holds the course's skills from now on; learners start their curves."""
        sim = self.sim
        group = course.group
        opened: list[list[int]] = []
        held = {(s.service, s.channel) for s in sim.scenario.staff_groups[group.spec_index].skills}
        for skill in course.spec.skills:
            before = _queues_of(group)
            if (skill.service, skill.channel) not in held:  # checked, unless a plan's variant
                sim.network.add_skills(group, (skill,))
            opened.append(sorted(_queues_of(group) - before))
        sim.network.add_deferred_work(group, -1)  # KCC callbacks of new phone skills
        for queue in sim.queues:
            queue.groups.sort(key=lambda item: (item[0], item[1].index))
        curve = course.spec.curve
        for member in group.members:
            if member.speed is not group.speed:  # a learner already: its own copies
                for index, value in group.speed.items():
                    member.speed.setdefault(index, value)
                for index, value in group.fcr.items():
                    member.fcr.setdefault(index, value)
        if curve.flat:
            return
        now = sim.env.now
        for skill, queues in zip(course.spec.skills, opened, strict=True):
            full = tuple((q, group.speed[q], self._full_fcr(skill, q)) for q in queues)
            states = []
            for member in group.members:
                if member.speed is group.speed:
                    member.speed = dict(group.speed)
                    member.fcr = dict(group.fcr)
                state = _SkillState(curve, course.start_min, full)
                progress = state.progress(now)
                state.apply(member, progress)
                if progress < 1.0:
                    if member.learning is None:
                        member.learning = Learner()
                    for q in queues:
                        member.learning.skills[q] = state
                states.append(state)
            course.states.append(states)

    def _full_fcr(self, skill: SkillSpec, queue: int) -> float:
        """A skill's resolution probability when fully proficient (the group's, or the queue's)."""
        if skill.fcr_probability is not None:
            return skill.fcr_probability
        return self.sim.fcr_default[queue]

    def _on_snapshot(self, _: object) -> None:
        """Log each learning cohort's mean levels per skill; again at the next 00:00."""
        now = self.sim.env.now
        for course in self.courses:
            if not course.states or not course.logged:
                continue  # not started yet, or fully proficient from the start
            group = course.group
            for skill, states in zip(course.spec.skills, course.states, strict=True):
                levels = [s.curve.levels(s.progress(now)) for s in states]
                self.log.append(
                    now,
                    group.spec_index,
                    self._service[skill.service],
                    self._channel[skill.channel],
                    len(levels),
                    sum(speed for speed, _ in levels) / len(levels),
                    sum(fcr for _, fcr in levels) / len(levels),
                )
        schedule(self.sim.env, MINUTES_PER_DAY, self._on_snapshot)

    # -- in class -----------------------------------------------------------------------------

    def release(self, group: Group, day: int, slot: int, now: float) -> int:
        """Members of ``group`` off the floor in this interval (in class or teaching).

        Called at each roster boundary before the group is brought to its headcount: members in
        class beyond that number go back (their spell ends) and can be rostered on the floor.
        """
        seated = self._seated.get(group.index)
        if seated is None:
            return 0
        if day != self._day:
            self._plan_day(day)
        row = self._plan.get(group.index)
        want = 0 if row is None else row[slot]
        self._want[group.index] = want
        while len(seated) > want:
            member, start = seated.popitem()
            self._record(member, start, now)
            group.off_duty.append(member)
        return want

    def seat(self, group: Group, now: float) -> None:
        """Fill ``group``'s class from its members off duty; the busy follow when free."""
        seated = self._seated.get(group.index)
        if seated is None:
            return
        off = group.off_duty
        while len(seated) < self._want[group.index] and off:
            seated[off.pop()] = now

    def went_off_duty(self, member: Member, now: float) -> None:
        """``member`` just left the floor: into class if its group's class has a seat free."""
        group = member.group
        seated = self._seated.get(group.index)
        if seated is None or len(seated) >= self._want[group.index]:
            return
        if group.off_duty and group.off_duty[-1] is member:
            group.off_duty.pop()
            seated[member] = now

    def finish_at_horizon(self, horizon_min: float) -> None:
        """Log the class and teaching spells still going on at the horizon."""
        for seated in self._seated.values():
            for member, start in seated.items():
                self._record(member, start, horizon_min)
            seated.clear()

    def _record(self, member: Member, start: float, end: float) -> None:
        group = member.group
        if end > start:
            activity = self._activity[group.index]
            self.sim.spells.record(
                member.id, group.spec_index, group.shop, start, end, end, activity
            )

    def _rostered(self, group: Group, day: int) -> tuple[int, ...]:
        """Members of ``group`` rostered per interval of ``day`` (nobody on a holiday off)."""
        grid, by_date, works_holidays = self._rosters[group.index]
        calendar = self._calendar
        if calendar.is_holiday(day) and not works_holidays:
            return (0,) * self._slots
        return roster_row(grid, by_date, calendar.date_of_day(day), calendar.weekday_of_day(day))

    def _plan_day(self, day: int) -> None:
        """Who of each group is in class or teaching, per interval of ``day``."""
        self._day = day
        plan: dict[int, list[int]] = {}
        start = day * MINUTES_PER_DAY
        weekday = self._calendar.weekday_of_day(day)
        per_hour = 60.0 / self._interval  # intervals per hour
        for course in self.courses:
            spec = course.spec
            if not (course.start_min <= start < course.end_min) or weekday not in spec.days:
                continue
            rostered = self._rostered(course.group, day)
            used = plan.setdefault(course.group.index, [0] * self._slots)
            begin = spec.class_start_min // self._interval
            first = next((t for t, n in enumerate(rostered) if n > 0 and t >= begin), None)
            # Member-intervals in class today: the week's hours spread over the course's days.
            quota = course.class_carry + (
                spec.members * spec.hours_per_week * per_hour / len(spec.days)
            )
            placed = 0 if first is None else _place(rostered, used, first, int(quota + 1e-9))
            course.class_carry = quota - placed
            if course.trainer is None or spec.trainer is None:
                continue
            hours = spec.trainer.hours_per_week
            quota = course.trainer_carry + hours * per_hour / len(spec.days)
            placed = 0
            if first is not None:
                # As many trainers at once as it takes to give the week's hours in class time.
                at_once = 1
                if spec.hours_per_week > 0:
                    at_once = math.ceil(hours / spec.hours_per_week - 1e-9)
                trainer = course.trainer
                placed = _place(
                    self._rostered(trainer, day),
                    plan.setdefault(trainer.index, [0] * self._slots),
                    first,
                    int(quota + 1e-9),
                    at_once,
                )
            course.trainer_carry = quota - placed
        self._plan = plan


def _place(
    rostered: tuple[int, ...], used: list[int], first: int, count: int, at_once: int = 1 << 30
) -> int:
    """Place ``count`` member-intervals from interval ``first`` on, at most ``at_once`` per
    interval and never more than are rostered and not yet placed; return how many fitted."""
    placed = 0
    for t in range(first, len(rostered)):
        if placed >= count:
            break
        n = min(rostered[t] - used[t], at_once, count - placed)
        if n > 0:
            used[t] += n
            placed += n
    return placed


def _queues_of(group: Group) -> set[int]:
    """Indices of every queue ``group`` may serve."""
    return {q.index for _, q in (*group.work, *group.deferred, *group.counter_work)}


class ProficiencyLog(RowLog):
    """The daily proficiency log (:data:`PROFICIENCY_COLUMNS`)."""

    COLUMNS = PROFICIENCY_COLUMNS
