"""Call blending's gate for deferred work (:func:`klantstroom.model.policies.may_take_deferred`).

The gate counts with early exits and the group's running count of members on duty; these tests
hold it to its definition, counted over every member of a group in any state, and check in
simulations that the running count is that count whenever the gate asks.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klantstroom import api, compile_command
from klantstroom.model import simulation
from klantstroom.model.policies import may_take_deferred
from klantstroom.model.queues import Contact, DeferredQueue, Queue
from klantstroom.model.staff import Group, Member
from klantstroom.scenario.staff_spec import RoutingSpec

# What a member is doing: off duty, idle, serving real-time or deferred work, or serving and
# leaving after it (rostered off while busy).
STATES = ("off", "idle", "real_time", "deferred", "leaving_real_time", "leaving_deferred")


def routing(reserve: int, share: float) -> RoutingSpec:
    return RoutingSpec("longest_idle", (), 0.0, deferred_reserve=reserve, deferred_max_share=share)


# Real queues and contacts (not stand-ins): a compiled model checks the types it is given.
PHONE = Queue(0, service=0, channel=0, shop=-1, priority=0.0)
MAIL = DeferredQueue(1, service=0, channel=1, shop=-1, priority=0.0, due_working_days=2)


def group_in(states: list[str]) -> Group:
    """A blending group (it has real-time work) whose members are in ``states``."""
    group = Group(0, "kcc", len(states), first_id=0)
    group.work = [(1, PHONE)]
    for member, state in zip(group.members, states, strict=True):
        member.on_duty = state != "off"
        member.idle = state == "idle"
        member.leaving = state.startswith("leaving")
        if state.endswith("real_time") or state.endswith("deferred"):
            queue = MAIL if state.endswith("deferred") else PHONE
            member.contact = Contact(member.id, member.id, -1, 1, queue, 0.0)
    # As klantstroom.model.duty keeps it: members on duty and not leaving.
    group.active = sum(1 for m in group.members if m.on_duty and not m.leaving)
    return group


def by_definition(spec: RoutingSpec, group: Group, member: Member) -> bool:
    """The rule as its docstring states it, every count over the whole group."""
    others = sum(1 for m in group.members if m.idle and m is not member and not m.leaving)
    on_duty = sum(1 for m in group.members if m.on_duty and not m.leaving)
    deferred = sum(
        1
        for m in group.members
        if m is not member and m.contact is not None and m.contact.queue.deferred
    )
    kept_free = others >= spec.deferred_reserve
    below_share = spec.deferred_max_share >= 1.0 or deferred < math.ceil(
        spec.deferred_max_share * on_duty - 1e-9
    )
    return kept_free and below_share


@given(
    states=st.lists(st.sampled_from(STATES), min_size=1, max_size=12),
    reserve=st.integers(0, 4),
    share=st.sampled_from([0.0, 0.25, 0.3, 0.5, 2 / 3, 0.75, 1.0]),
    asking=st.integers(0, 11),
)
def test_the_gate_is_its_definition(
    states: list[str], reserve: int, share: float, asking: int
) -> None:
    group = group_in(states)
    member = group.members[asking % len(states)]
    spec = routing(reserve, share)
    assert may_take_deferred(spec, group, member) == by_definition(spec, group, member)


def test_the_thresholds_on_a_group_of_four() -> None:
    # Four on duty, a half at most on deferred work: two may be, a third may not.
    group = group_in(["idle", "deferred", "real_time", "real_time"])
    asking = group.members[2]
    assert may_take_deferred(routing(0, 0.5), group, asking)
    group = group_in(["idle", "deferred", "deferred", "real_time"])
    assert not may_take_deferred(routing(0, 0.5), group, group.members[3])
    # One idle colleague kept free: the asker may go when one other is idle, not when none is.
    assert may_take_deferred(routing(1, 1.0), group, group.members[3])
    assert not may_take_deferred(routing(1, 1.0), group, group.members[0])
    assert not may_take_deferred(routing(2, 1.0), group, group.members[3])
    # A department without real-time work keeps no one free.
    group.work = []
    assert may_take_deferred(routing(4, 0.0), group, group.members[3])


@pytest.mark.parametrize(
    "overrides",
    [
        ["municipality=kleinstad", "run.horizon_days=7"],  # one kept free, half at most
        # Rosters, a cohort going into class (jaar 1's course starts on its first day) and
        # blending in Grootstad's KCC.
        [
            "scenarios=jaar1",
            "run.horizon_days=5",  # the personas' matters fall in the first week
            "run.warmup_days=0",
            "routing.deferred_reserve=1",
            "routing.deferred_max_share=0.5",
        ],
    ],
    ids=["kleinstad", "jaar1"],
)
def test_the_running_count_of_members_on_duty_holds_whenever_the_gate_asks(
    monkeypatch: pytest.MonkeyPatch, overrides: list[str]
) -> None:
    if compile_command.model_kind() != "interpreted":
        pytest.skip("a compiled model calls the gate directly: the interpreted model is checked")
    asked: list[bool] = []

    def checked(routing: RoutingSpec, group: Group, member: Member) -> bool:
        on_duty = sum(1 for m in group.members if m.on_duty and not m.leaving)
        asked.append(group.active == on_duty)
        return may_take_deferred(routing, group, member)

    monkeypatch.setattr(simulation, "may_take_deferred", checked)
    simulation.simulate(api.load_scenario(overrides), 0)
    assert len(asked) > 1000 and all(asked)
