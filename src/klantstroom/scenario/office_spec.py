"""The back office and the citizens' journeys: departments with their tasks and callbacks,
failure demand (chasing late work), and personas with their matters. Re-exported by
:mod:`klantstroom.scenario.spec`."""

from __future__ import annotations

from dataclasses import dataclass

from klantstroom.scenario.basic_spec import DistributionSpec


@dataclass(frozen=True, slots=True)
class CallbackSpec:
    """An outbound phone call to the citizen when a back-office task is done.

    Attributes
    ----------
    probability : float
        Share of finished tasks that end with a callback.
    by : str
        Who calls: the ``department``'s own staff, or the ``kcc`` (staff with the service's phone
        skill, as deferred work after waiting calls); one of :data:`CALLBACK_BY`.
    reach_probability : float
        Probability that an attempt reaches the citizen.
    max_attempts : int
        Attempts before the department gives up calling (the journey ends ``given_up``).
    retry_delay : DistributionSpec
        Time between a failed attempt and the next.
    handling : DistributionSpec
        Talk time of a call that reaches the citizen.
    attempt_min : float
        Staff time of an attempt that does not reach the citizen (minutes).
    due_working_days : int
        A callback is due by the end of this many working days after it is made ready.
    """

    probability: float
    by: str
    reach_probability: float
    max_attempts: int
    retry_delay: DistributionSpec
    handling: DistributionSpec
    attempt_min: float
    due_working_days: int


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    """A back-office department (vakafdeling): the tasks it processes and its lead-time norm.

    Attributes
    ----------
    tasks : tuple of (str, DistributionSpec)
        Processing time per task type (the service of the contact that handed it off). Front
        office contacts of these services that are not resolved become tasks here.
    discipline : str
        ``fifo`` (oldest task first) or ``edd`` (earliest due first); one of :data:`DISCIPLINES`.
    lead_time_norm_working_days : int
        A task is due by the end of this many working days after the day it is created.
    callback : CallbackSpec or None
        The callback that may follow a finished task.
    process_working_days : tuple of (str, DistributionSpec)
        Per task type, the elapsed time in *working days* a task spends outside the staff's
        hands before it can be decided (waiting for the citizen's documents, an external advice,
        a statutory term). The distribution's ``mean_min``/``low_min``/``high_min`` fields hold
        working days here. Task types not listed have none.
    terms_working_days : tuple of (str, int)
        Per task type, its legal or service term in working days, replacing
        ``lead_time_norm_working_days`` for that type.
    other_work_share : float
        Share of the department's rostered hours spent on work no contact caused (policy,
        projects, consultation, own-initiative checks): those hours are not available for tasks.
    """

    name: str
    label: str
    tasks: tuple[tuple[str, DistributionSpec], ...]
    discipline: str
    lead_time_norm_working_days: int
    callback: CallbackSpec | None = None
    process_working_days: tuple[tuple[str, DistributionSpec], ...] = ()
    terms_working_days: tuple[tuple[str, int], ...] = ()
    other_work_share: float = 0.0

    @property
    def services(self) -> tuple[str, ...]:
        """The task types (services) the department handles."""
        return tuple(name for name, _ in self.tasks)

    def term_for(self, service: str) -> int:
        """Return the term in working days of a task of type ``service``."""
        return dict(self.terms_working_days).get(service, self.lead_time_norm_working_days)

    def process_for(self, service: str) -> DistributionSpec | None:
        """Return the elapsed process time (working days) of task type ``service``, or None."""
        return dict(self.process_working_days).get(service)


@dataclass(frozen=True, slots=True)
class FailureDemandSpec:
    """Citizens chasing matters that are late (failure demand, "waar blijft mijn ...?").

    A matter is *late* when a back-office task, a callback or a digital request (e-mail, web
    form) is still not done ``after_working_days`` working days after its due time. Then, with
    the probability of its kind, the citizen contacts the municipality to chase it, on a
    channel drawn from ``channel_mix``, at a random open moment of the next day the channel is
    open; while the matter stays late this repeats every ``repeat_working_days`` working days,
    up to ``max_chases`` times. A chase is answered (or not) but resolves nothing: the matter is
    still with the back office.

    Attributes
    ----------
    task_probability, callback_probability, digital_probability : float
        Probability that a late task, callback or digital request is chased (per check).
    after_working_days : int
        Working days past the due time before the citizen chases.
    repeat_working_days : int
        Working days between chases of a matter that stays late.
    max_chases : int
        Chases per late item at most.
    channel_mix : tuple of (str, float)
        Share of chases per channel (sums to 1).
    service_for : tuple of (str, str)
        The service a chase asks about, per service of the late item (a late passport task is
        chased as a question about travel documents); not listed: the same service. A chase
        goes to the first channel of the mix with demand for that service if the drawn one has
        none.
    by_department : tuple of (str, float)
        Per department, the probability that its late tasks are chased, replacing
        ``task_probability``.
    """

    task_probability: float = 0.0
    callback_probability: float = 0.0
    digital_probability: float = 0.0
    after_working_days: int = 0
    repeat_working_days: int = 5
    max_chases: int = 1
    channel_mix: tuple[tuple[str, float], ...] = (("phone", 1.0),)
    service_for: tuple[tuple[str, str], ...] = ()
    by_department: tuple[tuple[str, float], ...] = ()

    @property
    def enabled(self) -> bool:
        """Whether any late item may be chased."""
        return (
            self.task_probability > 0
            or self.callback_probability > 0
            or self.digital_probability > 0
            or any(p > 0 for _, p in self.by_department)
        )

    def task_probability_of(self, department: str) -> float:
        """Return the probability that a late task of ``department`` is chased."""
        return dict(self.by_department).get(department, self.task_probability)


@dataclass(frozen=True, slots=True)
class MatterSpec:
    """One scripted matter of a persona: the first contact of a journey.

    ``day`` is the day number within the reported period (0 = ``calendar.start_date``) and
    ``time_min`` the time of day in minutes; a closed channel or shop is tried when it opens.
    At the counter with shops, ``shop`` (None: drawn by catchment) and ``mode`` (``walk_in`` or
    ``appointment``; None: drawn by the service's shares) say how the persona comes.
    """

    service: str
    channel: str
    day: int
    time_min: int
    shop: str | None = None
    mode: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PersonaSpec:
    """A named citizen followed through the simulation (a workshop follows people, not means)."""

    name: str
    label: str
    household: str
    story: str
    matters: tuple[MatterSpec, ...]
