"""Cost in klantstroom-compare: each scenario against the baseline, and whether the road map's
end state is budget-neutral against the nulmeting (issue 20, point 4)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from klantstroom.analysis.cost_compare import RunCosts, budget_table, roadmap_budget
from klantstroom.analysis.costs import MEAN
from klantstroom.report.compare_report import write_comparison
from klantstroom.results import find_runs
from klantstroom.runner import execute
from klantstroom.scenario.build import build_scenario

from factories import deep_update, queue_config


def run_folder(tmp_path: Path, name: str, agents: int, step: int | None) -> Path:
    """A run of ``agents`` on the phone 09:00-17:00 on weekdays for a week: ``agents`` x 36,000."""
    config = queue_config(rate_per_hour=6.0, horizon_days=7.0, replications=3)
    config["staff_groups"]["agents"]["roster"]["shifts"] = [
        {
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "start": "09:00",
            "end": "17:00",
            "headcount": agents,
        }
    ]
    config = deep_update(
        config,
        {
            "run": {"name": name, "roadmap_step": step},
            "staffing": {"contract_hours_per_week": 40.0, "shrinkage": 0.0},
            "costs": {
                "salary_eur_per_month": {"7": 3000.0},
                "ikb_share": 0.0,
                "employer_charges_share": 0.0,
                "scales": {"agents": 7},
            },
        },
    )
    folder = tmp_path / name
    execute(build_scenario(config), folder, figures=False, print_summary=False)
    return folder


def test_compare_says_whether_the_end_state_is_budget_neutral(tmp_path: Path) -> None:
    # Nulmeting: 3 agents (3 x 40 h = 3 FTE, 108,000 a year); eindbeeld: 2 (72,000); a what-if
    # with 4 costs 36,000 more than the nulmeting.
    run_folder(tmp_path, "nulmeting", 3, 0)
    run_folder(tmp_path, "eindbeeld", 2, 1)
    run_folder(tmp_path, "duurder", 4, None)
    runs = find_runs([tmp_path])
    result = write_comparison(runs, tmp_path / "compare")
    budget = pd.read_csv(result.folder / "budget.csv").set_index("scenario")
    # Labels are run.name here; the staff cost is the roster's, the same in every replication.
    end, dear = budget.loc["eindbeeld"], budget.loc["duurder"]
    assert end["baseline"] == "nulmeting"
    assert end["difference_eur_per_year"] == pytest.approx(-36_000.0, abs=1e-6)
    assert end["difference_share"] == pytest.approx(-1 / 3)
    assert end["verdict"] == "budget-neutral" and bool(end["paired"])
    assert dear["difference_eur_per_year"] == pytest.approx(36_000.0, abs=1e-6)
    assert dear["verdict"] == "not budget-neutral"
    page = result.report.read_text(encoding="utf-8")
    assert (
        "The end state (eindbeeld) against the nulmeting (nulmeting): −€ 36,000 per year (−33.3%"
        in page
    )
    assert "budget-neutral" in page
    assert (result.folder / "costs.csv").is_file()
    report = (tmp_path / "nulmeting" / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="costs">Cost</h2>' in report and "€ 108,000" in report


def test_budget_with_random_totals_uses_the_paired_interval() -> None:
    def run(label: str, totals: list[float], step: int) -> RunCosts:
        rows = [
            {"replication": str(k), "item": "total", "eur_per_year": v}
            for k, v in enumerate(totals)
        ]
        rows.append({"replication": MEAN, "item": "total", "eur_per_year": float(np.mean(totals))})
        return RunCosts(label, pd.DataFrame(rows), seed=1, roadmap_step=step)

    base = run("nulmeting", [100.0, 110.0, 120.0], 0)
    straddles = run("eindbeeld", [99.0, 111.0, 120.5], 4)
    row = roadmap_budget([base, straddles])
    assert row is not None and row["verdict"] == "uncertain"
    assert row["difference_eur_per_year"] == pytest.approx(0.5 / 3)
    # A run without a known total (no costs.csv) is left out of the budget.
    assert budget_table([base, RunCosts("old", None)], 0).empty
