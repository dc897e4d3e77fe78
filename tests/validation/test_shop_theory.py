"""City shops against what is known: Erlang C for a walk-in shop, zero waits for a perfect
appointment book, and conservation of visitors (nobody lost, nobody counted twice)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from omegaconf import DictConfig

from klantstroom.analysis.erlang import mmc_metrics
from klantstroom.analysis.stats import mean_ci
from klantstroom.config import scenario_from_config
from klantstroom.experiment import run_experiment
from klantstroom.model.simulation import simulate
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.spec import ORIGINS, OUTCOMES

from factories import shop_config


def test_walk_in_shop_matches_erlang_c() -> None:
    # M/M/3 at load 0.8: 14.4 visitors per hour, 10 min per visit, 3 desks and 3 staff,
    # open around the clock so the queue is stationary after the warm-up.
    config = shop_config(
        rate_per_hour=14.4,
        handling={"kind": "exponential", "mean_min": 10.0},
        staff=3,
        desks=3,
        hours="00:00-24:00",
        staff_hours=("00:00", "24:00"),
        horizon_days=4.0,
        warmup_days=0.5,
        replications=12,
        seed=77,
    )
    result = run_experiment(build_scenario(config))
    theory = mmc_metrics(14.4 / 60, 10.0, 3, threshold_min=15.0)
    served = result.contacts[result.contacts["outcome"] == "served"]
    waits = served.groupby("replication")["wait_min"].mean().to_numpy()
    _, low, high = mean_ci(waits, confidence=0.99)
    assert low <= theory.asa_min <= high, (theory.asa_min, low, high)
    within = served.groupby("replication")["wait_min"].apply(lambda w: (w <= 15.0).mean())
    _, low, high = mean_ci(within.to_numpy(), confidence=0.99)
    assert low <= theory.service_level <= high, (theory.service_level, low, high)


def test_a_perfect_appointment_book_has_no_waits() -> None:
    # Appointment only, service (deterministic 12 min) within the 15-minute slot, punctual
    # visitors, no no-shows: every visitor is served at the slot time.
    config = shop_config(
        rate_per_hour=2.0,
        handling={"kind": "deterministic", "mean_min": 12.0},
        staff=2,
        desks=2,
        walk_in=False,
        appointment_desks=2,
        slot_min=15.0,
        horizon_days=5.0,
        warmup_days=5.0,
        seed=3,
    )
    contacts = run_experiment(build_scenario(config)).contacts
    served = contacts[contacts["outcome"] == "served"]
    assert len(served) > 100
    assert served["appointment"].all()
    assert float(served["wait_min"].abs().max()) == 0.0
    assert (served["start_min"] == served["slot_min"]).all()


def test_every_visitor_is_logged_once_and_every_link_holds(
    compose_config: Callable[..., DictConfig],
) -> None:
    # The three-shop scenario, short: walk-ins, appointments, balks that return or phone,
    # no-shows, late visitors, follow-up pick-ups and closing times all occur.
    cfg = compose_config(
        "scenarios=stadswinkels",
        "run.horizon_days=7",
        "run.warmup_days=7",
        "counter.balk_queue_length=3",
        "counter.no_show_probability=0.1",
        "counter.punctuality.mean_min=0",
        "counter.punctuality.sd_min=8",
    )
    scenario = scenario_from_config(cfg)
    log = simulate(scenario, 0)
    c = pd.DataFrame(log.contacts)
    # Each contact id once; with the personas' citizen ids they are 0..n-1, so none was lost
    # between creation and the log (back-office tasks and callbacks included).
    assert c["contact_id"].is_unique
    persona_ids = [citizen for _, citizen in log.personas]
    assert sorted([*c["contact_id"], *persona_ids]) == list(range(len(c) + len(persona_ids)))
    outcome = c["outcome"].map(dict(enumerate(OUTCOMES)))
    assert {"served", "balked", "no_show", "unserved", "not_reached"} <= set(outcome)
    _check_journeys(c, outcome)
    # Links: a balk's return or phone call, a rebooking and a pick-up all name a logged parent
    # whose outcome explains them.
    parents = c.set_index("contact_id")
    linked = c[c["parent_contact_id"] >= 0]
    outcome_of = pd.Series(outcome.to_numpy(), index=c["contact_id"])
    parent_outcome = outcome_of.loc[linked["parent_contact_id"]].to_numpy()
    assert set(parent_outcome) <= {"served", "abandoned", "balked", "rebooked", "not_reached"}
    pickup = scenario.services.index(
        next(s for s in scenario.services if s.name == "paspoort_afhalen")
    )
    application = pickup - 1  # paspoort_aanvraag is listed just before paspoort_afhalen
    # First pick-up visits (a balked pick-up that returns has the balk as parent).
    pickups = linked[(linked["service"] == pickup) & (linked["attempt"] == 1)]
    assert len(pickups) > 0
    first = parents.loc[pickups["parent_contact_id"]]
    assert (first["outcome"] == 0).all() and (first["service"] == application).all()
    # Desks are never over-used: counter contacts in service (wrap-up included) per shop.
    counter = c[(c["shop"] >= 0) & (outcome == "served")]
    for shop_index, shop in enumerate(scenario.shops):
        at = counter[counter["shop"] == shop_index]
        times = np.concatenate((at["start_min"], at["release_min"]))
        steps = np.concatenate((np.ones(len(at)), -np.ones(len(at))))
        order = np.lexsort((steps, times))  # a release before a start at the same minute
        assert np.cumsum(steps[order]).max() <= shop.desks
    # Appointment visitors are served no earlier than their slot.
    appt = c[(c["appointment"] == 1) & (outcome == "served")]
    late_walk_in = appt["arrival_min"] > appt["slot_min"] + scenario.counter.late_tolerance_min
    assert (appt.loc[~late_walk_in, "start_min"] >= appt.loc[~late_walk_in, "slot_min"]).all()


def _check_journeys(c: pd.DataFrame, outcome: pd.Series) -> None:
    """Journey invariants: tasks trace to a contact, links stay in one journey, one end each."""
    origin = c["origin"].map(dict(enumerate(ORIGINS)))
    by_id = c.set_index("contact_id")
    linked = c[c["parent_contact_id"] >= 0]
    parents = by_id.loc[linked["parent_contact_id"]]
    # A contact and its parent belong to the same citizen and the same journey.
    assert (parents["journey_id"].to_numpy() == linked["journey_id"].to_numpy()).all()
    assert (parents["citizen_id"].to_numpy() == linked["citizen_id"].to_numpy()).all()
    # A journey's id is the id of its first contact, which has no parent.
    firsts = by_id.loc[c["journey_id"].unique()]
    assert (firsts["parent_contact_id"] == -1).all()
    assert (firsts.index == firsts["journey_id"]).all()
    # Every task traces to a served front-office contact that did not resolve the matter and
    # was handed to the task's department.
    tasks = c[origin == "task"]
    assert len(tasks) > 0
    handed = by_id.loc[tasks["parent_contact_id"]]
    assert (handed["outcome"] == 0).all() and (handed["resolved"] == 0).all()
    assert (handed["department"].to_numpy() == tasks["department"].to_numpy()).all()
    # A callback follows a task of its department, or a callback that did not reach the citizen.
    calls = c[origin == "callback"]
    assert len(calls) > 0
    before = by_id.loc[calls["parent_contact_id"]]
    before_origin = before["origin"].map(dict(enumerate(ORIGINS)))
    assert set(before_origin) <= {"task", "callback"}
    assert (before.loc[before_origin.to_numpy() == "callback", "outcome"] == 6).all()
    # Every journey ends at most once, and never with a contact that something follows.
    ends = c[c["journey_end"] > 0]
    assert ends["journey_id"].is_unique
    assert not ends["contact_id"].isin(c["parent_contact_id"]).any()
    # Nothing is lost at the horizon: tasks still waiting are logged (unserved, no start).
    assert outcome[origin == "task"].isin(["served", "unserved"]).all()
