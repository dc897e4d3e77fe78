"""Training plans: staff who learn new skills on a date, off the floor while they learn.

Broadening what staff can do ("verbreding van inzetbaarheid") is a path of people learning, not a
jump in headcount. A staff group's ``training`` lists courses; each course trains a *cohort* of
the group's members (``members``, or a ``share`` of them) in new skills (service x channel, as
the group's own ``skills``), from ``start_date``:

* the cohort holds the skills from 00:00 of ``start_date``: routing uses them from then on;
* for ``weeks`` weeks the cohort spends ``hours_per_week`` per member in class on ``days`` (from
  ``class_start`` on, or from the start of its day), off the floor, and a ``trainer`` of another
  group (or of this group's members outside every cohort) spends ``trainer.hours_per_week``
  teaching;
* the cohort's handling speed and first-contact resolution on the new skills rise along the
  ``curve``: from ``start_speed`` and ``start_fcr`` (shares of the skill's full ``speed`` and
  resolution) linearly to full, over ``full_after_weeks`` from ``start_date`` or over each
  member's first ``full_after_contacts`` contacts of the skill.

Courses with the same ``cohort`` name train the same people (a second step for the same staff);
a course without one has a cohort of its own. This module checks the ``training`` lists (after
the groups and ``staffing`` are built: trainers name other groups and hours are checked against
the contract week) and puts the frozen :class:`TrainingSpec` of each course on its
:class:`~klantstroom.scenario.spec.StaffGroupSpec`. The model's side is
:mod:`klantstroom.model.training`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from klantstroom.scenario.checks import WEEKDAYS, Checker
from klantstroom.scenario.spec import (
    CHANNELS,
    MINUTES_PER_DAY,
    CalendarSpec,
    RunSpec,
    ServiceSpec,
    SkillSpec,
    StaffGroupSpec,
    StaffingSpec,
)
from klantstroom.scenario.staff import build_skill

log = logging.getLogger(__name__)

# What a member does in a staff spell (``activity`` in staff.parquet; index = code): working
# the queues, in class learning new skills, or teaching another group's cohort.
ACTIVITIES: tuple[str, ...] = ("work", "training", "training_others")
WORK, TRAINING, TRAINING_OTHERS = range(3)

# Bounds (docs/configuration.md, "Bounds and names"): a course of ten years, and a learning curve
# of a million contacts, are typing errors rather than plans.
MAX_WEEKS = 520
MAX_CONTACTS = 1_000_000
WEEK_MIN = 7 * MINUTES_PER_DAY
DEFAULT_DAYS = ("mon", "tue", "wed", "thu", "fri")


@dataclass(frozen=True, slots=True)
class CurveSpec:
    """How proficiency on a new skill rises: linear from the start levels to 1.

    Attributes
    ----------
    start_speed : float
        Handling speed on the first day (or first contact), as a share of the skill's ``speed``.
    start_fcr : float
        First-contact resolution then, as a share of the skill's full resolution probability.
    full_after_weeks : float or None
        Weeks from ``start_date`` after which the member is fully proficient, or
    full_after_contacts : int or None
        contacts of the skill each member handles before being fully proficient. Both None: no
        curve (the start levels are 1).
    """

    start_speed: float = 1.0
    start_fcr: float = 1.0
    full_after_weeks: float | None = None
    full_after_contacts: int | None = None

    @property
    def flat(self) -> bool:
        """Whether the cohort is fully proficient from the start (nothing to learn)."""
        return self.start_speed >= 1.0 and self.start_fcr >= 1.0

    def levels(self, progress: float) -> tuple[float, float]:
        """(speed level, fcr level) at ``progress`` (0 = start, 1 = full; larger is full)."""
        p = 1.0 if progress >= 1.0 else max(progress, 0.0)
        return (
            self.start_speed + (1.0 - self.start_speed) * p,
            self.start_fcr + (1.0 - self.start_fcr) * p,
        )


@dataclass(frozen=True, slots=True)
class TrainerSpec:
    """Teaching hours taken from ``group`` (its members outside every training cohort)."""

    group: str
    hours_per_week: float


@dataclass(frozen=True, slots=True)
class TrainingSpec:
    """One course of a staff group's training plan (see the module docstring).

    Attributes
    ----------
    cohort : str
        Name of the cohort; courses of the same group with the same name train the same members.
    members : int
        Members of the group in the cohort (drawn from its home location's roster).
    skills : tuple of SkillSpec
        The skills learnt, at full proficiency.
    start_date : datetime.date
        The cohort holds the skills from 00:00 of this date, and the course starts.
    weeks : int
        Length of the course; 0 = no classes (learning on the job).
    hours_per_week : float
        Hours in class per member per week while the course runs.
    days : tuple of int
        Weekdays (0 = Monday) the class hours are spread over.
    class_start_min : int
        Minute of the day from which classes (and teaching) are placed; 0 = from the cohort's
        first rostered interval.
    trainer : TrainerSpec or None
        Teaching hours taken from another group while the course runs.
    curve : CurveSpec
        The learning curve of every skill of the course.
    """

    cohort: str
    members: int
    skills: tuple[SkillSpec, ...]
    start_date: dt.date
    weeks: int = 0
    hours_per_week: float = 0.0
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    class_start_min: int = 0
    trainer: TrainerSpec | None = None
    curve: CurveSpec = CurveSpec()

    def start_min(self, calendar: CalendarSpec) -> float:
        """Model minute of 00:00 on ``start_date`` (minute 0 is 00:00 of the first day)."""
        return (self.start_date - calendar.start_date).days * MINUTES_PER_DAY

    def end_date(self) -> dt.date:
        """The day after the course's last day (``start_date`` for a course of 0 weeks)."""
        return self.start_date + dt.timedelta(weeks=self.weeks)


def build_training(
    check: Checker,
    raw_groups: Mapping[str, Any],
    groups: tuple[StaffGroupSpec, ...],
    services: Sequence[ServiceSpec],
    staffing: StaffingSpec,
    calendar: CalendarSpec,
    run: RunSpec,
) -> tuple[StaffGroupSpec, ...]:
    """Check ``staff_groups.<g>.training`` of every group; return the groups with their courses.

    Parameters
    ----------
    check : Checker
        Collects the errors, each naming its key.
    raw_groups : Mapping
        The ``staff_groups`` section of the configuration.
    groups : tuple of StaffGroupSpec
        The groups as built (skills, rosters).
    services : sequence of ServiceSpec
        The scenario's services.
    staffing : StaffingSpec
        Its ``contract_hours_per_week`` bounds the hours in class and teaching.
    calendar, run : CalendarSpec, RunSpec
        A course that starts after the run's horizon is kept, with a warning in the log.
    """
    by_name = {group.name: group for group in groups}
    result = []
    for group in groups:
        given = (raw_groups.get(group.name) or {}).get("training") or []
        if not given:
            result.append(group)
            continue
        key = f"staff_groups.{group.name}.training"
        if isinstance(given, str | Mapping) or not isinstance(given, Sequence):
            check.fail(key, f"must be a list of courses, got {given!r}")
            result.append(group)
            continue
        courses = tuple(
            _build_course(
                check, f"{key}[{i}]", raw or {}, i, group, services, staffing, by_name, calendar
            )
            for i, raw in enumerate(given)
        )
        _check_cohorts(check, key, group, courses, staffing)
        # An invalid horizon is reported as run.horizon_days and stands in as infinite here.
        last_day = math.ceil(run.horizon_days) if math.isfinite(run.horizon_days) else None
        for i, course in enumerate(courses):
            if last_day is not None and (course.start_date - calendar.start_date).days >= last_day:
                log.warning(
                    "%s[%d].start_date: %s is after the run's last day: nothing of it happens",
                    key,
                    i,
                    course.start_date,
                )
        result.append(replace(group, training=courses))
    _check_trainers(check, tuple(result))
    return tuple(result)


def _build_course(
    check: Checker,
    key: str,
    raw: Mapping[str, Any],
    number: int,
    group: StaffGroupSpec,
    services: Sequence[ServiceSpec],
    staffing: StaffingSpec,
    groups: Mapping[str, StaffGroupSpec],
    calendar: CalendarSpec,
) -> TrainingSpec:
    if group.department is not None:
        check.fail(
            key,
            "a department's group works the back office's tasks and has no front-office skills "
            "to learn; train a front-office group",
        )
    size = group.home_max_headcount
    skills = _build_skills(check, f"{key}.skills", raw.get("skills"), group, services)
    members = _members(check, key, raw, size, group.name)
    # Without a name, a cohort of its own, under a name no user can write.
    given = raw.get("cohort")
    cohort = f"#{number}" if given is None else check.name(f"{key}.cohort", given, "cohort")
    weeks = check.integer(f"{key}.weeks", raw.get("weeks", 0), low=0, high=MAX_WEEKS)
    hours = check.number(f"{key}.hours_per_week", raw.get("hours_per_week", 0.0), low=0.0)
    contract = staffing.contract_hours_per_week
    if hours > contract:
        check.fail(
            f"{key}.hours_per_week",
            f"{hours:g} h in class per week is more than a contract week "
            f"(staffing.contract_hours_per_week = {contract:g})",
        )
    day_names = check.days(f"{key}.days", raw.get("days", list(DEFAULT_DAYS)))
    days = tuple(WEEKDAYS.index(day) for day in day_names)
    if hours > 0 and weeks == 0:
        check.fail(f"{key}.hours_per_week", "a course of 0 weeks has no hours: give weeks > 0")
    if hours > 0 and not days:
        check.fail(f"{key}.days", "give the weekdays the class hours fall on")
    start = _class_start(check, f"{key}.class_start", raw.get("class_start"), weeks, calendar)
    after = "" if start == 0 else f" from {raw.get('class_start')}"
    if hours > 0 and days:
        rostered = _hours_per_week(group, days, start) / max(size, 1)
        if hours > rostered + 1e-9:
            check.fail(
                f"{key}.hours_per_week",
                f"{hours:g} h in class per member, but the group's members are rostered "
                f"{rostered:.1f} h per week on average on {', '.join(day_names)}{after} "
                f"(staff_groups.{group.name}.roster)",
            )
    trainer = _build_trainer(
        check, f"{key}.trainer", raw.get("trainer"), weeks, days, groups, start, after
    )
    return TrainingSpec(
        cohort=cohort,
        members=members,
        skills=skills,
        start_date=check.date(f"{key}.start_date", raw.get("start_date")),
        weeks=weeks,
        hours_per_week=hours,
        days=days,
        class_start_min=start,
        trainer=trainer,
        curve=_build_curve(check, f"{key}.curve", raw.get("curve") or {}),
    )


def _build_skills(
    check: Checker,
    key: str,
    given: Any,
    group: StaffGroupSpec,
    services: Sequence[ServiceSpec],
) -> tuple[SkillSpec, ...]:
    """The skills of a course, as ``skills.<service>.<channel>`` of a group (new ones only)."""
    if not given or not isinstance(given, Mapping):
        check.fail(key, "give the skills learnt, as skills.<service>.<channel>: {rank: 1}")
        return ()
    service_names = [s.name for s in services]
    held = {(s.service, s.channel) for s in group.skills}
    skills = []
    for service, per_channel in given.items():
        check.choice(f"{key}.{service}", service, service_names)
        if not isinstance(per_channel, Mapping):
            check.fail(f"{key}.{service}", f"must map channels to skills, got {per_channel!r}")
            continue
        for channel, skill in per_channel.items():
            if skill is None:
                continue
            skey = f"{key}.{service}.{channel}"
            check.choice(skey, channel, CHANNELS)
            if (service, channel) in held:
                check.fail(
                    skey,
                    f"the group has this skill already (staff_groups.{group.name}.skills."
                    f"{service}.{channel}): a course teaches new skills",
                )
            if channel == "chat" and group.shop is not None:
                check.fail(skey, "a group at a shop cannot have chat skills (the contact centre's)")
            skills.append(build_skill(check, skey, str(service), str(channel), skill))
    if not skills:
        check.fail(key, "give at least one skill (service x channel)")
    return tuple(skills)


def _members(check: Checker, key: str, raw: Mapping[str, Any], size: int, group: str) -> int:
    """The cohort's size: ``members``, or ``share`` of the group's members at its home."""
    members, share = raw.get("members"), raw.get("share")
    where = f"its largest headcount at home in staff_groups.{group}.roster"
    if (members is None) == (share is None):
        check.fail(key, "set exactly one of members and share")
        return 1
    if members is not None:
        count = check.integer(f"{key}.members", members, low=1)
        if count > size:
            check.fail(f"{key}.members", f"{count} members, but the group has {size} ({where})")
        return count
    value = check.number(f"{key}.share", share, low=0.0, high=1.0, low_open=True)
    count = math.floor(value * size + 0.5)
    if count < 1:
        check.fail(
            f"{key}.share",
            f"{value:g} of the group's {size} members ({where}) is no one: give a larger share "
            "or members",
        )
    return max(count, 1)


def _class_start(check: Checker, key: str, raw: Any, weeks: int, calendar: CalendarSpec) -> int:
    """Minute of the day classes start from (``class_start``; 0 when not given)."""
    if raw is None:
        return 0
    start = check.time_of_day(key, raw)
    if start >= MINUTES_PER_DAY or start % calendar.interval_min:
        check.fail(
            key,
            f"must be a time before 24:00 on the {calendar.interval_min}-minute grid "
            "(calendar.interval_min)",
        )
    if weeks == 0:
        check.fail(key, "a course of 0 weeks has no classes: give weeks > 0")
    return start


def _build_trainer(
    check: Checker,
    key: str,
    raw: Any,
    weeks: int,
    days: tuple[int, ...],
    groups: Mapping[str, StaffGroupSpec],
    start: int = 0,
    after: str = "",
) -> TrainerSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        check.fail(key, f"must be {{group: <staff group>, hours_per_week: <h>}}, got {raw!r}")
        return None
    name = check.choice(f"{key}.group", raw.get("group"), list(groups))
    hours = check.number(
        f"{key}.hours_per_week", raw.get("hours_per_week", 0.0), low=0.0, low_open=True
    )
    if weeks == 0:
        check.fail(key, "a trainer teaches while the course runs: give the course weeks > 0")
    trainer = groups.get(name)
    if trainer is not None and days:
        rostered = _hours_per_week(trainer, days, start)
        if hours > rostered + 1e-9:
            check.fail(
                f"{key}.hours_per_week",
                f"{hours:g} h, but {name} is rostered {rostered:.1f} h per week in all on the "
                f"course's days{after}",
            )
    return TrainerSpec(group=name, hours_per_week=hours)


def _build_curve(check: Checker, key: str, raw: Mapping[str, Any]) -> CurveSpec:
    speed = check.number(
        f"{key}.start_speed", raw.get("start_speed", 1.0), low=0.0, high=1.0, low_open=True
    )
    fcr = check.number(f"{key}.start_fcr", raw.get("start_fcr", 1.0), low=0.0, high=1.0)
    weeks, contacts = raw.get("full_after_weeks"), raw.get("full_after_contacts")
    if weeks is not None and contacts is not None:
        check.fail(key, "set at most one of full_after_weeks and full_after_contacts")
    if weeks is not None:
        weeks = check.number(
            f"{key}.full_after_weeks", weeks, low=0.0, high=MAX_WEEKS, low_open=True
        )
    if contacts is not None:
        contacts = check.integer(f"{key}.full_after_contacts", contacts, low=1, high=MAX_CONTACTS)
    if (speed < 1.0 or fcr < 1.0) and weeks is None and contacts is None:
        check.fail(
            key,
            "start_speed or start_fcr below 1 needs full_after_weeks or full_after_contacts "
            "(when the cohort is fully proficient)",
        )
    return CurveSpec(
        start_speed=speed, start_fcr=fcr, full_after_weeks=weeks, full_after_contacts=contacts
    )


def _hours_per_week(group: StaffGroupSpec, days: Sequence[int], start: int = 0) -> float:
    """Staff hours the group's home roster has on ``days`` in a week (shifts and headcount),
    from minute ``start`` of each day on."""
    intervals = len(group.headcount[0]) if group.headcount else 0
    if not intervals:
        return 0.0
    interval_min = MINUTES_PER_DAY // intervals
    first = start // interval_min
    return sum(sum(group.headcount[day][first:]) for day in days) * interval_min / 60.0


def _check_cohorts(
    check: Checker,
    key: str,
    group: StaffGroupSpec,
    courses: tuple[TrainingSpec, ...],
    staffing: StaffingSpec,
) -> None:
    """Courses of one cohort: the same members, no skill twice, class hours within a contract.

    Together the cohorts may not hold more members than the group has at home.
    """
    first: dict[str, int] = {}
    for i, course in enumerate(courses):
        if course.cohort not in first:
            first[course.cohort] = i
            continue
        j = first[course.cohort]
        if course.members != courses[j].members:
            check.fail(
                f"{key}[{i}].members",
                f"cohort {course.cohort!r} has {courses[j].members} members in {key}[{j}]; "
                "courses of one cohort train the same people",
            )
        learnt = {
            (s.service, s.channel)
            for c in courses[:i]
            if c.cohort == course.cohort
            for s in c.skills
        }
        for skill in course.skills:
            if (skill.service, skill.channel) in learnt:
                check.fail(
                    f"{key}[{i}].skills.{skill.service}.{skill.channel}",
                    f"cohort {course.cohort!r} learns this skill in an earlier course already",
                )
        # Courses of one cohort that run at once add up their class hours.
        together = sum(
            c.hours_per_week
            for c in courses[: i + 1]
            if c.cohort == course.cohort and c.start_date <= course.start_date < c.end_date()
        )
        if together > staffing.contract_hours_per_week + 1e-9:
            check.fail(
                f"{key}[{i}].hours_per_week",
                f"cohort {course.cohort!r} is in class {together:g} h per week while this and "
                f"earlier courses run together, more than a contract week "
                f"(staffing.contract_hours_per_week = {staffing.contract_hours_per_week:g})",
            )
    total = sum(courses[i].members for i in first.values())
    size = group.home_max_headcount
    if total > size:
        check.fail(
            key,
            f"the cohorts hold {total} members together, but the group has {size} (its largest "
            f"headcount at home in staff_groups.{group.name}.roster)",
        )


def _check_trainers(check: Checker, groups: tuple[StaffGroupSpec, ...]) -> None:
    """A trainer comes from a group's members outside every cohort: there must be some."""
    by_name = {group.name: group for group in groups}
    for group in groups:
        for i, course in enumerate(group.training):
            if course.trainer is None or course.trainer.group not in by_name:
                continue
            trainer = by_name[course.trainer.group]
            if trainer_pool(trainer) < 1:
                check.fail(
                    f"staff_groups.{group.name}.training[{i}].trainer.group",
                    f"every member of {trainer.name} is in a training cohort: nobody is left to "
                    "teach",
                )


def cohorts(group: StaffGroupSpec) -> list[tuple[str, int]]:
    """(name, members) of the group's cohorts, in the order their first course is listed."""
    found: dict[str, int] = {}
    for course in group.training:
        found.setdefault(course.cohort, course.members)
    return list(found.items())


def trainer_pool(group: StaffGroupSpec) -> int:
    """Members of the group at home outside every cohort (those who may teach)."""
    return group.home_max_headcount - sum(members for _, members in cohorts(group))


def learnt_skills(group: StaffGroupSpec) -> tuple[SkillSpec, ...]:
    """Every skill a cohort of the group learns in a course, in the order of the plan.

    For whoever looks at what a group's staff do rather than when: ``klantstroom-staff``'s
    analytic sizing counts them beside the configured ``skills`` (a road-map year's
    multi-skilled team learns the other teams' questions in its courses).
    """
    return tuple(skill for course in group.training for skill in course.skills)
