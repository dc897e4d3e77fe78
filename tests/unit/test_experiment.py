"""Experiments: reproducible across n_jobs, the table contract, and a golden output."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klantstroom.experiment import run_experiment
from klantstroom.scenario.build import build_scenario
from klantstroom.tables import CONTACT_TABLE_COLUMNS

from factories import deep_update, queue_config

GOLDEN = Path(__file__).parents[1] / "golden" / "small_kcc_kpis.csv"


def small_kcc(**run: object) -> dict:
    """Two services, patience, redials, wrap-up, a specialist and a generalist group."""
    config = queue_config(
        rate_per_hour=40.0,
        handling={"kind": "lognormal", "mean_min": 4.0, "cv": 0.8},
        agents=3,
        patience={"kind": "exponential", "mean_min": 2.0},
        wrapup={"kind": "deterministic", "mean_min": 0.5},
        replications=3,
        seed=11,
        horizon_days=1.0,
        warmup_days=0.1,
        channels={"phone": {"redial": {"probability": 0.5}}},
        # A same-day journey norm: every journey of the one-day run is judged, so the golden
        # file has journey KPIs (with the default 10 working days they would all be censored).
        services={"q": {"journey_norm_working_days": 0}},
    )
    config["services"]["tax"] = {
        "rate_per_hour": 20.0,
        "channel_mix": {"phone": 1.0},
        "handling": {"phone": {"kind": "gamma", "mean_min": 6.0, "cv": 0.7}},
        "fcr_probability": 0.7,
        "journey_norm_working_days": 0,
    }
    config["staff_groups"]["generalists"] = {
        "skills": {"q": {"phone": {"rank": 2}}, "tax": {"phone": {"rank": 1}}},
        "roster": {
            "works_holidays": True,
            "shifts": [{"days": ["mon"], "start": "08:00", "end": "17:00", "headcount": 2}],
        },
    }
    return deep_update(config, {"run": run})


def test_lean_run_has_the_same_contacts_and_tasks_and_nothing_else() -> None:
    scenario = build_scenario(small_kcc())
    full = run_experiment(scenario)
    lean = run_experiment(scenario, lean=True)
    pd.testing.assert_frame_equal(lean.contacts, full.contacts)
    pd.testing.assert_frame_equal(lean.tasks, full.tasks)
    assert lean.replications == full.replications and lean.complete
    assert lean.kpis.empty and lean.summary.empty and lean.intervals.empty


def test_same_seed_same_tables_whatever_n_jobs() -> None:
    one = run_experiment(build_scenario(small_kcc(n_jobs=1)))
    two = run_experiment(build_scenario(small_kcc(n_jobs=2)))
    for name in ("contacts", "staff", "intervals", "kpis", "summary"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), obj=name)


def test_other_seed_other_numbers() -> None:
    one = run_experiment(build_scenario(small_kcc(seed=11)))
    two = run_experiment(build_scenario(small_kcc(seed=12)))
    assert not one.kpis["asa_min"].equals(two.kpis["asa_min"])


def test_contact_table_contract() -> None:
    result = run_experiment(build_scenario(small_kcc()))
    contacts = result.contacts
    assert tuple(contacts.columns) == CONTACT_TABLE_COLUMNS
    assert (contacts["arrival_min"] >= 0).all()  # warm-up left out
    served = contacts[contacts["outcome"] == "served"]
    np.testing.assert_allclose(served["wait_min"], served["start_min"] - served["arrival_min"])
    np.testing.assert_allclose(served["service_min"], served["end_min"] - served["start_min"])
    assert served["staff_id"].notna().all() and served["resolved"].notna().all()
    redials = contacts[contacts["attempt"] > 1]
    assert len(redials) > 0
    parents = contacts.set_index(["replication", "contact_id"])
    # A parent that called during the warm-up is not in the table.
    linked = [
        row
        for _, row in redials.iterrows()
        if (row["replication"], row["parent_contact_id"]) in parents.index
    ]
    assert len(linked) > 0.9 * len(redials)
    for row in linked[:50]:
        parent = parents.loc[(row["replication"], row["parent_contact_id"])]
        assert parent["outcome"] == "abandoned"
        assert parent["citizen_id"] == row["citizen_id"]
    stamp = pd.Timestamp("2027-01-04") + pd.to_timedelta(contacts["arrival_min"], unit="min")
    assert (contacts["arrival_at"] == stamp).all()
    assert set(result.intervals["replication"]) == {0, 1, 2}
    assert result.summary["n_replications"].max() == 3


def test_kpis_match_the_golden_file() -> None:
    kpis = run_experiment(build_scenario(small_kcc())).kpis
    if os.environ.get("KLANTSTROOM_UPDATE_GOLDEN"):
        kpis.to_csv(GOLDEN, index=False, float_format="%.10g")
    golden = pd.read_csv(GOLDEN)
    assert list(golden.columns) == list(kpis.columns)
    pd.testing.assert_frame_equal(
        kpis.reset_index(drop=True).astype({"replication": "int64"}),
        golden,
        check_dtype=False,
        rtol=1e-8,
    )


def test_interrupted_runs_keep_finished_replications(monkeypatch: pytest.MonkeyPatch) -> None:
    import klantstroom.experiment as experiment

    real = experiment.simulate

    def stop_at_two(scenario, replication):  # type: ignore[no-untyped-def]
        if replication == 2:
            raise KeyboardInterrupt
        return real(scenario, replication)

    monkeypatch.setattr(experiment, "simulate", stop_at_two)
    result = run_experiment(build_scenario(small_kcc()))
    assert not result.complete
    assert "interrupted after 2 of 3" in result.error
    assert result.replications == [0, 1]
    assert set(result.contacts["replication"]) == {0, 1}


def test_the_t_quantiles_are_scipy_stats_t_ppf() -> None:
    from scipy import stats

    from klantstroom.analysis.stats import t_quantiles

    dof = np.array([[0, 1, 2], [4, 29, 1000]])
    got = t_quantiles(0.95, dof)
    assert np.isnan(got[0, 0])
    for index in [(0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]:
        assert got[index] == stats.t.ppf(0.975, dof[index])
    assert t_quantiles(0.90, np.array([9]))[0] == stats.t.ppf(0.95, 9)
