"""Every figure fits a 16:9 slide: width at least its height, no title, label or legend clipped,
no panel titles or tick labels printed over each other (:mod:`slides`), in both languages.

The run's fourteen figures are drawn from a short Grootstad run, the comparison's from two runs
of it; the staffing figures from made-up plans as large as Grootstad's (18 groups).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from klantstroom import api
from klantstroom.experiment import run_experiment
from klantstroom.path_runner import write_trajectory
from klantstroom.report.run_figures import draw_run_figures
from klantstroom.report.staffing_figures import (
    fte_by_year_figure,
    pooling_gain_figure,
    staffing_figure,
)
from slides import slide_problems, watching_figures

matplotlib.use("Agg")
SHORT = ["run.horizon_days=7", "run.replications=2", "run.warmup_days=7"]
# Words of the English figures that a Dutch one must not show.
ENGLISH = ("needed", "on shift", "Staff (persons)", "other groups", "Hour of the day", "per year")


def test_the_check_finds_what_a_projector_would_show_wrong() -> None:
    wide = Figure(figsize=(12, 6))
    ax = wide.add_subplot()
    ax.set_title("x" * 300)
    assert any("title" in p and "clipped" in p for p in slide_problems(wide))
    ticks = Figure(figsize=(12, 6))
    ax = ticks.add_subplot()
    ax.set_xticks(range(40), [f"label {i} is long" for i in range(40)])
    assert any("tick labels" in p for p in slide_problems(ticks))
    legend = Figure(figsize=(12, 6))
    ax = legend.add_subplot()
    ax.plot([1, 2], label="a legend entry")
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0))
    assert any("legend is clipped" in p for p in slide_problems(legend))
    titles = Figure(figsize=(12, 6))
    for title in ("Title A", "Title B"):
        titles.add_axes((0.1, 0.1, 0.8, 0.3)).set_title(title)
    assert any("overprint" in p for p in slide_problems(titles))
    assert any("taller" in p for p in slide_problems(Figure(figsize=(6, 12))))
    fine = Figure(figsize=(12, 6), layout="constrained")
    ax = fine.add_subplot()
    ax.plot([1, 2], label="a")
    ax.legend()
    ax.set_title("A title that fits")
    assert slide_problems(fine) == []


@pytest.mark.long
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_figure_of_a_run_fits_a_slide(language: str, tmp_path: Path) -> None:
    scenario = api.load_scenario([*SHORT, f"report.language={language}"])
    result = run_experiment(scenario)
    with watching_figures() as problems:
        draw_run_figures(result, scenario, tmp_path)
    assert len(list(tmp_path.glob("*.png"))) == 14
    assert sorted(problems.saved) == sorted(p.name for p in tmp_path.glob("*.png"))
    assert problems == []
    if language == "nl":  # names, not ids or English words (a file name may stay)
        english = re.compile(r"\b(phone|digital|counter|task|callback|served|abandoned|waiting)\b")
        assert [(name, text) for name, text in problems.texts if english.search(text)] == []


@pytest.mark.long
def test_every_figure_of_a_comparison_fits_a_slide(tmp_path: Path) -> None:
    runs = [
        api.run(SHORT, tmp_path / "nulmeting"),
        api.run([*SHORT, "scenarios=[jaar3,extra_avond]"], tmp_path / "avond"),
    ]
    for language in ("nl", "en"):
        with watching_figures() as problems:
            api.compare(runs, tmp_path / f"compare_{language}", language=language)
        figures = {p.name for p in (tmp_path / f"compare_{language}" / "figures").glob("*.png")}
        assert {"scenarios.png", "scenarios_back_office.png", "staff.png"} <= figures
        assert figures <= set(problems.saved)
        assert problems == []
    # The two runs as the stretches of a road-map path: its month-by-month trajectory figure.
    (tmp_path / "path").mkdir()  # the path runner makes it before its stretches
    with watching_figures() as problems:
        write_trajectory(tmp_path / "path", [r.folder for r in runs], print_summary=False)
    assert (tmp_path / "path" / "figures" / "trajectory_by_month.png").is_file()
    assert "trajectory_by_month.png" in problems.saved
    assert problems == []


def _texts(fig: Figure) -> str:
    return " | ".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


@pytest.fixture(scope="module")
def plan() -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """A made-up week's plan for 18 groups: staff needed and shifts per group."""
    rng = np.random.default_rng(1)
    groups = [f"group_{k:02d}" for k in range(18)]
    rows, shifts = [], []
    for k, group in enumerate(groups):
        for day in ("mon", "tue", "wed", "thu", "fri"):
            for start in range(8 * 60, 17 * 60, 30):
                rows.append((group, day, start, float(rng.integers(0, 4 + k))))
            shifts.append((group, day, 8 * 60, 9 * 60, 3 + k))
    headcount = pd.DataFrame(
        rows, columns=["staff_group", "weekday", "interval_start_min", "staff_needed"]
    )
    shift_table = pd.DataFrame(
        shifts, columns=["staff_group", "weekday", "start_min", "length_min", "staff"]
    )
    return headcount, shift_table, groups


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_staffing_figures_fit_a_slide_with_names_in_the_language(
    plan: tuple[pd.DataFrame, pd.DataFrame, list[str]], language: str
) -> None:
    headcount, shifts, groups = plan
    names = {g: f"Team {g[-2:]} met een lange naam" for g in groups}
    figure = staffing_figure(headcount, shifts, groups, 30, language=language, names=names)
    # The six groups with the most hours needed (the last six), by name.
    titles = [ax.get_title(loc="left") for ax in figure.axes if ax.get_visible()]
    assert titles == [names[g] for g in groups[-6:]]
    years = ["Nulmeting 2027", "Jaar 1 (2028)", "Jaar 2 (2029)", "Eindbeeld 2031"]
    fte = pd.DataFrame(
        [(y, g, 1.0 + k) for y in years for k, g in enumerate(groups)],
        columns=["label", "staff_group", "fte"],
    )
    mixes = pd.DataFrame(
        [
            (y, mix, 100.0 - 5 * i)
            for i, y in enumerate(years)
            for mix in ("scenario", "specialists", "multi_skilled")
        ],
        columns=["label", "skill_mix", "fte"],
    )
    roadmap = fte_by_year_figure(fte, mixes, language=language, names=names)
    gain = pd.DataFrame(
        [(h, f"service_{s}", float(s + h % 3)) for h in range(8, 18) for s in range(10)],
        columns=["hour", "service", "saved_agent_hours"],
    )
    pooling = pooling_gain_figure(gain, language=language)
    for name, fig in (("plan", figure), ("roadmap", roadmap), ("pooling", pooling)):
        assert slide_problems(fig, name) == []
        text = _texts(fig)
        if language == "nl":
            assert not [word for word in ENGLISH if word in text], (name, text)
    legend = [t.get_text() for t in roadmap.axes[0].get_legend().get_texts()]
    assert legend[-1] == ("overige groepen" if language == "nl" else "other groups")
    assert legend[:-1] == [names[g] for g in groups[-6:]]  # the six largest, by name


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_calibration_figures_fit_a_slide(language: str, tmp_path: Path) -> None:
    from klantstroom.calibration.command import main

    log = Path(__file__).parents[1] / "data" / "anonymous-bank-slice.tsv"
    argv = [str(log), "--format", "anonymous-bank", "--out", str(tmp_path), "--replications"]
    with watching_figures() as problems:
        code = main([*argv, "1", "--no-sensitivity", "--language", language])
    assert code == 0
    figures = list((tmp_path / "figures").glob("*.png"))
    assert len(figures) >= 6
    assert problems == []
    page = (tmp_path / "calibration_report.html").read_text(encoding="utf-8")
    assert ("<h2>Bevindingen" if language == "nl" else "<h2>Findings") in page


def test_the_road_map_figure_averages_plans_that_share_a_label() -> None:
    # A sweep over seeds of one scenario: two plans named alike.
    fte = pd.DataFrame(
        [("Kleinstad", "kcc", 10.0), ("Kleinstad", "kcc", 12.0), ("Jaar 1", "kcc", 8.0)],
        columns=["label", "staff_group", "fte"],
    )
    mixes = pd.DataFrame(
        [("Kleinstad", "scenario", 10.0), ("Kleinstad", "scenario", 12.0)],
        columns=["label", "skill_mix", "fte"],
    )
    figure = fte_by_year_figure(fte, mixes)
    heights = sorted(round(bar.get_height(), 1) for bar in figure.axes[0].patches)
    assert heights == [8.0, 11.0]  # the mean of 10 and 12, not their sum
    assert slide_problems(figure) == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_weekly_stability_without_an_estimate_says_so(language: str) -> None:
    # A log too short for a pooled behaviour estimate: a sentence, not empty axes with an
    # empty legend (matplotlib warns "No artists with labels found").
    from klantstroom.calibration.behaviour_figures import stability_figure
    from klantstroom.calibration.texts import texts

    weekly = pd.DataFrame(
        {"parameter": ["p"], "week": ["2024-W01"], "estimate": [np.nan], "se": [np.nan]}
    )
    drift = pd.DataFrame(
        {"kind": ["behaviour"], "pooled": [np.nan], "drifts": [False]}, index=["p"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = stability_figure(weekly, drift, language)
    ax = figure.axes[0]
    assert ax.get_legend() is None
    assert [text.get_text() for text in ax.texts] == [texts(language)["stability_none"]]
