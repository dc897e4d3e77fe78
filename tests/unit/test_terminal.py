"""The terminal summary: norms met or not, offered minus served explained, names, Dutch."""

from __future__ import annotations

import re

from klantstroom.experiment import run_experiment
from klantstroom.report.terminal import summary_text
from klantstroom.scenario.build import build_scenario

from factories import deep_update, queue_config


def busy_phone(**overrides: object) -> dict:
    """A phone queue that loses callers (patience) and misses its norm, run over two days."""
    config = queue_config(
        rate_per_hour=60.0,
        handling={"kind": "exponential", "mean_min": 5.0},
        agents=5,
        patience={"kind": "exponential", "mean_min": 1.0},
        horizon_days=2.0,
        replications=2,
        seed=3,
    )
    config["staff_groups"]["agents"]["label"] = "KCC team Noord"
    return deep_update(config, overrides)


def test_the_summary_says_whether_the_norm_is_met_and_why_calls_were_not_served() -> None:
    scenario = build_scenario(busy_phone())
    result = run_experiment(scenario)
    text = summary_text(result, scenario)
    summary = result.summary.set_index(["channel", "service", "staff_group", "kpi"])
    level = summary.loc[("phone", "all", "all", "service_level")]
    assert not bool(level["meets_target"])  # rho = 1: the 80%/20s norm is missed
    phone = next(line for line in text.splitlines() if line.startswith("phone"))
    assert phone.rstrip().endswith("not met  run")
    offered = summary.loc[("phone", "all", "all", "offered"), "mean"]
    served = summary.loc[("phone", "all", "all", "served"), "mean"]
    # The explanation adds up to offered minus served.
    why = re.search(r"phone ([\d,]+) = (.*)", text)
    assert why is not None
    assert int(why.group(1).replace(",", "")) == round(offered - served)
    parts = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) [a-z]", why.group(2))]
    assert abs(sum(parts) - (offered - served)) <= len(parts)  # rounding of each part
    assert "abandoned" in why.group(2)
    # Groups by their names; a wait in seconds.
    assert "KCC team Noord" in text and "agents" not in text
    assert re.search(r"\d+ s ", phone)


def test_the_dutch_summary_has_no_english_labels() -> None:
    scenario = build_scenario(busy_phone(report={"language": "nl"}))
    text = summary_text(run_experiment(scenario), scenario)
    assert "telefoon" in text and "niet gehaald" in text and "Niet geholpen" in text
    assert "medewerkersgroep" in text and "Gemiddelden over 2 replicatie(s)" in text
    for english in ("offered", "served", "abandoned", "staff group", "Means", "not met"):
        assert english not in text, english
    assert re.search(r"\d,\d", text)  # decimal comma


def test_the_cost_line_follows_the_language() -> None:
    from klantstroom.report.cost_report import cost_summary_text

    scenario = build_scenario(busy_phone())
    costs = run_experiment(scenario).costs
    # The factory's groups have no salary scale: the cost is unknown, said in either language.
    assert cost_summary_text(costs).startswith("Cost per year: unknown")
    assert cost_summary_text(costs, "nl").startswith("Kosten per jaar: onbekend")
