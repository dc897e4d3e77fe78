"""Scenario comparison: norm status, differences with paired and Welch intervals, labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from klantstroom.analysis.compare import (
    ScenarioTables,
    comparison_table,
    differences_table,
    norm_status,
    staff_table,
    training_table,
)
from klantstroom.report.compare_training import training_rows
from klantstroom.report.headline import at_level, name, norm_rows
from klantstroom.results import RunFolderError, find_runs, load_run, unique_labels

KEYS = {
    "channel": "phone",
    "shop": "all",
    "department": "all",
    "service": "all",
    "staff_group": "all",
}


@pytest.mark.parametrize(
    ("mean", "low", "high", "norm", "expected"),
    [
        (0.85, 0.82, 0.88, ">=", "met"),
        (0.75, 0.72, 0.78, ">=", "not met"),
        (0.81, 0.78, 0.84, ">=", "uncertain"),
        (0.05, 0.04, 0.06, "<=", "met"),
        (0.09, 0.08, 0.10, "<=", "not met"),
        (0.07, 0.06, 0.08, "<=", "uncertain"),
        (0.81, np.nan, np.nan, ">=", "met"),  # one replication: the mean decides
    ],
)
def test_norm_status_uses_the_whole_interval(mean, low, high, norm, expected) -> None:
    assert norm_status(mean, low, high, 0.8 if norm == ">=" else 0.07, norm) == expected


def test_no_norm_no_status() -> None:
    assert norm_status(0.5, 0.4, 0.6, np.nan, "") is None


def kpis(values: list[float], kpi: str = "service_level") -> pd.DataFrame:
    return pd.DataFrame({"replication": range(len(values)), **KEYS, kpi: values})


def tables(label: str, values: list[float], seed: int | None = 1) -> ScenarioTables:
    frame = kpis(values)
    summary = pd.DataFrame(
        [
            {
                **KEYS,
                "kpi": "service_level",
                "mean": np.mean(values),
                "ci_low": np.nan,
                "ci_high": np.nan,
                "n_replications": len(values),
                "target": 0.8,
                "norm": ">=",
            }
        ]
    )
    return ScenarioTables(label, summary, frame, seed=seed)


def test_paired_difference_uses_the_per_replication_differences() -> None:
    # Common random numbers: the scenario is the baseline plus 0.05 plus small noise, so the
    # paired interval is narrow although each run varies a lot between replications.
    base = [0.60, 0.80, 0.70, 0.90, 0.75]
    other = [b + 0.05 + e for b, e in zip(base, [0.01, -0.01, 0.0, 0.005, -0.005], strict=True)]
    table = differences_table([tables("a", base), tables("b", other)], baseline=0)
    row = table.iloc[0]
    d = np.subtract(other, base)
    half = stats.t.ppf(0.975, 4) * d.std(ddof=1) / np.sqrt(5)
    assert bool(row["paired"])
    assert row["difference"] == pytest.approx(d.mean())
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((d.mean() - half, d.mean() + half))
    assert bool(row["significant"])


def test_different_seeds_give_welch_interval() -> None:
    base, other = [0.60, 0.80, 0.70, 0.90, 0.75], [0.66, 0.84, 0.75, 0.95, 0.80]
    table = differences_table([tables("a", base, 1), tables("b", other, 2)], baseline=0)
    row = table.iloc[0]
    welch = stats.ttest_ind(other, base, equal_var=False)
    low, high = welch.confidence_interval(0.95)
    assert not bool(row["paired"])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert not bool(row["significant"])  # the same data, unpaired, cannot tell


def test_comparison_table_has_status_per_scenario() -> None:
    table = comparison_table([tables("a", [0.9, 0.92]), tables("b", [0.5, 0.6])])
    assert table["scenario"].tolist() == ["a", "b"]
    assert table["status"].tolist() == ["met", "not met"]


def test_staff_table_gives_hours_per_week_and_fte() -> None:
    summary = pd.DataFrame(
        [
            {
                **KEYS,
                "channel": "all",
                "staff_group": "kcc",
                "kpi": "staff_hours",
                "mean": 720.0,
                "ci_low": 700.0,
                "ci_high": 740.0,
            },
            {
                **KEYS,
                "channel": "all",
                "staff_group": "kcc",
                "kpi": "occupancy",
                "mean": 0.8,
                "ci_low": 0.7,
                "ci_high": 0.9,
            },
        ]
    )
    sc = ScenarioTables("a", summary, kpis([1.0]), horizon_days=14.0)
    row = staff_table([sc]).iloc[0]
    assert row["staff_hours_per_week"] == pytest.approx(360.0)
    assert row["fte_on_duty"] == pytest.approx(10.0)
    assert row["occupancy"] == pytest.approx(0.8)


def write_run(folder: Path, name: str, overrides: list[str], step: int | None = None) -> None:
    (folder / ".hydra").mkdir(parents=True)
    info = {"name": name, "label": name.title(), "roadmap_step": step, "seed": 1}
    (folder / "run.json").write_text(json.dumps(info))
    (folder / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))


def test_runs_are_found_in_road_map_order_and_named_by_what_differs(tmp_path: Path) -> None:
    write_run(
        tmp_path / "multirun" / "0",
        "eindbeeld",
        ["scenarios=eindbeeld", "run.horizon_days=7"],
        step=4,
    )
    write_run(
        tmp_path / "multirun" / "1",
        "nulmeting",
        ["scenarios=nulmeting", "run.horizon_days=7"],
        step=0,
    )
    write_run(
        tmp_path / "multirun" / "10",
        "paspoortpiek",
        ["scenarios=[eindbeeld,paspoortpiek]", "run.horizon_days=7", "run.n_jobs=2"],
    )
    write_run(
        tmp_path / "multirun" / "2",
        "eindbeeld",
        ["scenarios=eindbeeld", "routing.policy=longest_idle", "run.horizon_days=7"],
        step=4,
    )
    runs = find_runs([tmp_path / "multirun"])
    assert [r.folder.name for r in runs] == ["1", "0", "2", "10"]
    assert unique_labels(runs) == [
        "Nulmeting",
        "Eindbeeld",
        "eindbeeld [routing.policy=longest_idle]",
        "Paspoortpiek",  # a what-if labels itself (run.label)
    ]


def test_bad_folders_are_named(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="no such folder"):
        find_runs([tmp_path / "missing"])
    with pytest.raises(RunFolderError, match="holds no klantstroom run"):
        find_runs([tmp_path])
    (tmp_path / "run.json").write_text("{not json")
    with pytest.raises(RunFolderError, match="not valid JSON"):
        load_run(tmp_path)


def test_paired_means_are_each_runs_own_and_welch_without_spread_is_certain() -> None:
    # Service level undefined in one replication of the baseline (nobody called): that
    # replication drops out of the pairs, not out of the other run's mean.
    base = tables("a", [0.6, 0.8, np.nan, 0.7])
    other = tables("b", [0.7, 0.9, 0.5, 0.8])
    base.kpis["abandonment_rate"] = other.kpis["abandonment_rate"] = 0.05
    table = differences_table([base, other], baseline=0).set_index("kpi")
    row = table.loc["service_level"]
    assert bool(row["paired"])
    assert row["mean"] == pytest.approx(0.725)  # all four replications of b
    assert row["difference"] == pytest.approx(0.1)  # the three pairs
    flat = differences_table(
        [tables("a", [3.0, 3.0, 3.0], seed=1), tables("b", [4.0, 4.0, 4.0], seed=2)], 0
    ).iloc[0]
    assert (flat["ci_low"], flat["ci_high"]) == (1.0, 1.0) and bool(flat["significant"])


def test_old_summaries_without_a_norm_column_hold_minimum_targets() -> None:
    sc = tables("a", [0.9, 0.92])
    old = ScenarioTables("a", sc.summary.drop(columns=["norm"]), sc.kpis)
    assert comparison_table([old])["norm"].tolist() == [">="]
    assert comparison_table([old])["status"].tolist() == ["met"]


def test_norm_rows_show_each_norm_at_its_own_level() -> None:
    rows = norm_rows(
        [
            {"kpi": "service_level", "channel": "phone"},
            {"kpi": "fcr_rate", "channel": "phone", "label": "FCR"},
            {"kpi": "walk_in_wait_min", "channel": "counter", "shop": "noord"},
            {"kpi": "service_level", "channel": "phone"},  # the same norm from another run
        ]
    )
    assert [(r.kpi, r.shop, r.unit) for r in rows] == [
        ("service_level", "all", "share"),
        ("fcr_rate", "all", "share"),
        ("walk_in_wait_min", "noord", "minutes"),
    ]
    assert name(rows[1], "en") == "FCR" and name(rows[2], "nl") == "balie, noord: " + (
        "gemiddelde wachttijd vrije inloop"
    )


def test_job_and_named_folders_sort_together(tmp_path: Path) -> None:
    write_run(tmp_path / "runs" / "2024", "a", [])
    write_run(tmp_path / "runs" / "eindbeeld", "b", [])
    write_run(tmp_path / "runs" / "10", "c", [])
    assert [r.folder.name for r in find_runs([tmp_path / "runs"])] == ["10", "2024", "eindbeeld"]


def test_unreadable_run_files_are_named(tmp_path: Path) -> None:
    write_run(tmp_path / "r", "a", [])
    (tmp_path / "r" / "summary.csv").write_text("")
    with pytest.raises(RunFolderError, match=r"summary.csv: not a readable CSV"):
        _ = load_run(tmp_path / "r").summary
    (tmp_path / "r" / ".hydra" / "overrides.yaml").write_text("- [unclosed\n")
    with pytest.raises(RunFolderError, match=r"overrides.yaml: not valid YAML"):
        load_run(tmp_path / "r")
    (tmp_path / "r" / "run.json").write_text(json.dumps({"language": "de"}))
    with pytest.raises(RunFolderError, match=r"language 'de' is not one of en, nl"):
        load_run(tmp_path / "r")
    (tmp_path / "r" / "run.json").write_text("[]")
    with pytest.raises(RunFolderError, match="expected a JSON object"):
        load_run(tmp_path / "r")


def test_a_department_norm_without_a_department_shows_per_department() -> None:
    table = pd.DataFrame(
        [
            {**KEYS, "channel": "all", "department": d, "kpi": "task_within_norm", "mean": 1.0}
            for d in ("burgerzaken", "belastingen")
        ]
    )
    (row,) = norm_rows([{"kpi": "task_within_norm", "label": "Backoffice 90%"}])
    rows = at_level([row], table, {"belastingen": "Belastingen"})
    assert [(r.department, r.label) for r in rows] == [
        ("burgerzaken", "Backoffice 90% (burgerzaken)"),
        ("belastingen", "Backoffice 90% (Belastingen)"),
    ]


def training_summary(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    """Summary rows (staff group, channel, service, KPI, mean) at shop = department = all."""
    return pd.DataFrame(
        [
            {**KEYS, "staff_group": g, "channel": c, "service": s, "kpi": k, "mean": m}
            for g, c, s, k, m in rows
        ]
    )


def test_training_table_gives_hours_per_year_fte_and_proficiency() -> None:
    year = ScenarioTables(
        "jaar1",
        training_summary(
            [
                ("breed", "all", "all", "staff_hours", 1000.0),
                ("breed", "all", "all", "training_hours", 16.0),
                ("breed", "all", "all", "trainer_hours", 0.0),
                ("breed", "phone", "b", "proficiency_speed", 0.6),
                ("breed", "phone", "b", "proficiency_fcr", 0.7),
                ("breed", "chat", "b", "proficiency_speed", 0.8),
                ("breed", "chat", "b", "proficiency_fcr", 0.9),
                ("kcc", "all", "all", "training_hours", 0.0),
                ("kcc", "all", "all", "trainer_hours", 8.0),
                ("idle", "all", "all", "training_hours", 0.0),
                ("idle", "all", "all", "trainer_hours", 0.0),
            ]
        ),
        kpis([1.0]),
        roadmap_step=1,
        horizon_days=14.0,
    )
    nulmeting = ScenarioTables(
        "nulmeting",
        training_summary([]).reindex(columns=[*KEYS, "kpi", "mean"]),
        kpis([1.0]),
        roadmap_step=0,
    )
    table = training_table([nulmeting, year]).set_index("staff_group")
    assert list(table.index) == ["breed", "kcc"]  # nobody trains or teaches in "idle"
    breed, kcc = table.loc["breed"], table.loc["kcc"]
    assert breed["training_hours_per_year"] == pytest.approx(16.0 * 365 / 14)
    assert breed["fte_off_the_floor"] == pytest.approx(16.0 / 2 / 36)
    assert breed["proficiency_speed"] == pytest.approx(0.7)
    assert breed["proficiency_fcr"] == pytest.approx(0.8)
    assert breed["skills_learning"] == 2
    assert kcc["trainer_hours_per_year"] == pytest.approx(8.0 * 365 / 14)
    assert np.isnan(kcc["proficiency_speed"]) and kcc["skills_learning"] == 0
    hours, proficiency = training_rows(
        table.reset_index(), ["nulmeting", "jaar1"], {"breed": "Breed"}, "en"
    )
    assert hours[0] == ["Breed", "–", "417 / –"]
    assert hours[1] == ["kcc", "–", "– / 209"]
    assert hours[-1] == ["FTE off the floor", "–", "0.3"]  # (16 + 8) h / 2 weeks / 36 h
    assert proficiency == [
        ["Breed", "–", "70.0% / 80.0%"],
        ["all skills learnt", "–", "70.0% / 80.0%"],
    ]
