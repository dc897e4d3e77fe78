"""Tests for the report figures in klantstroom.report.figures."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from klantstroom.experiment import RunResult, run_experiment
from klantstroom.report.figures import (
    FIGURE_NAMES,
    occupancy_by_interval,
    queue_length_by_interval,
    service_level_by_interval,
    wait_distribution,
    write_figures,
)
from klantstroom.scenario.build import build_scenario

W = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
THRESHOLDS = {"phone": 20.0 / 60.0}
TARGETS = {"phone": 0.8}
OPEN_MIN, CLOSE_MIN = 8 * 60, 18 * 60


@pytest.fixture(scope="module")
def result() -> RunResult:
    """Two replications of two days of a small two-group phone queue (open 08:00-18:00)."""
    cfg = {
        "run": {"seed": 1, "replications": 2, "n_jobs": 1, "horizon_days": 2, "warmup_days": 0},
        "calendar": {"start_date": "2027-01-04", "interval_min": 30},
        "channels": {
            "phone": {
                "opening_hours": {d: ["08:00-18:00"] for d in W},
                "patience": {"kind": "exponential", "mean_min": 3},
            }
        },
        "services": {
            "q": {
                "rate_per_hour": 150,
                "channel_mix": {"phone": 1.0},
                "handling": {"phone": {"kind": "exponential", "mean_min": 1.0}},
            },
            "r": {
                "rate_per_hour": 50,
                "channel_mix": {"phone": 1.0},
                "handling": {"phone": {"kind": "lognormal", "mean_min": 2.0, "cv": 0.8}},
            },
        },
        "staff_groups": {
            "spec": {
                "skills": {"q": {"phone": {"rank": 1}}},
                "roster": {
                    "shifts": [{"days": W, "start": "08:00", "end": "18:00", "headcount": 2}]
                },
            },
            "gen": {
                "skills": {"q": {"phone": {"rank": 2}}, "r": {"phone": {"rank": 1}}},
                "roster": {
                    "shifts": [
                        {"days": W, "start": "08:00", "end": "13:00", "headcount": 2},
                        {"days": W, "start": "12:00", "end": "18:00", "headcount": 2},
                    ]
                },
            },
        },
    }
    return run_experiment(build_scenario(cfg))


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def _has_text(fig: Figure, part: str) -> bool:
    return any(part in text for text in _texts(fig))


def _main_line(ax: Axes) -> tuple[np.ndarray, np.ndarray]:
    """The x and y data of the profile line (the one with markers) of a panel."""
    lines = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(lines) == 1
    return np.asarray(lines[0].get_xdata(), float), np.asarray(lines[0].get_ydata(), float)


# --------------------------------------------------------------------------------------------
# wait_distribution
# --------------------------------------------------------------------------------------------


def test_wait_distribution_shows_served_and_abandoned_in_seconds(result: RunResult) -> None:
    fig = wait_distribution(result.contacts, THRESHOLDS)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Waiting time (s)"
    assert "(%)" in ax.get_ylabel()
    assert "phone" in ax.get_title() and "20 s" in ax.get_title()
    assert "waited at most" in fig.get_suptitle()
    curves = [line for line in ax.get_lines() if np.asarray(line.get_xdata()).size > 2]
    assert len(curves) == 2  # served and abandoned
    for line in curves:
        y = np.asarray(line.get_ydata(), float)
        assert np.all(np.diff(y) >= 0) and y[0] >= 0.0 and y[-1] <= 1.0
    norm = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert np.asarray(norm[0].get_xdata(), float)[0] == pytest.approx(20.0)
    legend = ax.get_legend()
    assert legend is not None
    labels = [t.get_text() for t in legend.get_texts()]
    assert any(label.startswith("served") and "within norm" in label for label in labels)


@pytest.mark.parametrize(("factor", "unit"), [(60.0, "min"), (600.0, "hours"), (6000.0, "days")])
def test_wait_distribution_chooses_a_unit_for_long_waits(
    result: RunResult, factor: float, unit: str
) -> None:
    slow = result.contacts.assign(wait_min=result.contacts["wait_min"] * factor)
    fig = wait_distribution(slow, {"phone": 10.0})
    assert fig.axes[0].get_xlabel() == f"Waiting time ({unit})"


def test_wait_distribution_channel_without_contacts(result: RunResult) -> None:
    fig = wait_distribution(result.contacts, {**THRESHOLDS, "counter": 10.0})
    assert len(fig.axes) == 2
    counter = fig.axes[1]
    assert counter.get_title().startswith("counter")
    assert any(t.get_text() == "no contacts" for t in counter.texts)
    assert counter.get_xlabel() == "Waiting time (min)"


def test_wait_distribution_with_no_contacts_at_all(result: RunResult) -> None:
    fig = wait_distribution(result.contacts.iloc[0:0], THRESHOLDS)
    assert len(fig.axes) == 1
    assert _has_text(fig, "no contacts")


# --------------------------------------------------------------------------------------------
# Profiles over the day
# --------------------------------------------------------------------------------------------


def test_service_level_by_interval_aggregates_days_and_leaves_closed_hours_out(
    result: RunResult,
) -> None:
    fig = service_level_by_interval(result.intervals, TARGETS, thresholds_min_by_channel=THRESHOLDS)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert "(%)" in ax.get_ylabel() and "(%)" in fig.get_suptitle()
    assert "hh:mm" in ax.get_xlabel()
    assert "80%" in ax.get_title(loc="left") and "20 s" in ax.get_title(loc="left")
    x, y = _main_line(ax)
    assert len(x) == 48  # one point per half hour of the day, although two days were simulated
    shown = np.isfinite(y)
    assert shown.sum() == 20  # 08:00-18:00
    assert x[shown].min() > OPEN_MIN and x[shown].max() < CLOSE_MIN
    assert np.all((y[shown] >= 0) & (y[shown] <= 1))
    target = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert np.asarray(target[0].get_ydata(), float)[0] == pytest.approx(0.8)
    assert ax.xaxis.get_major_formatter()(OPEN_MIN, 0) == "08:00"
    assert ax.get_xlim() == (OPEN_MIN, CLOSE_MIN)
    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # replication range
    assert ax.get_legend() is None and len(fig.legends) == 1  # legend outside the panels


def test_service_level_by_interval_matches_pooled_ratio(result: RunResult) -> None:
    fig = service_level_by_interval(result.intervals, TARGETS)
    x, y = _main_line(fig.axes[0])
    queue = result.intervals[result.intervals["channel"] == "phone"]
    at_nine = queue[queue["interval_start_min"] % 1440 == 9 * 60]
    ended = at_nine["served"] + at_nine["abandoned"]
    within = (at_nine["service_level"] * ended).groupby(at_nine["replication"]).sum()
    expected = (within / ended.groupby(at_nine["replication"]).sum()).mean()
    assert y[np.searchsorted(x, 9 * 60)] == pytest.approx(expected)


def test_service_level_by_interval_channel_without_data(result: RunResult) -> None:
    fig = service_level_by_interval(result.intervals, {**TARGETS, "digital": 0.7})
    assert len(fig.axes) == 2
    assert any(t.get_text() == "no contacts" for t in fig.axes[1].texts)

    silent = result.intervals.copy()
    silent.loc[silent["channel"] == "phone", "arrivals"] = 0.0
    fig = service_level_by_interval(silent, TARGETS)
    assert any(t.get_text() == "no contacts" for t in fig.axes[0].texts)


def test_single_replication_has_no_range_band(result: RunResult) -> None:
    one = result.intervals[result.intervals["replication"] == 0]
    fig = service_level_by_interval(one, TARGETS)
    ax = fig.axes[0]
    assert not any(isinstance(c, PolyCollection) for c in ax.collections)
    assert _has_text(fig, "1 replication")
    _, y = _main_line(ax)
    assert np.isfinite(y).sum() == 20


def test_queue_length_by_interval(result: RunResult) -> None:
    fig = queue_length_by_interval(result.intervals)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert "(contacts)" in ax.get_ylabel()
    assert "queue length" in fig.get_suptitle()
    _, y = _main_line(ax)
    assert np.isfinite(y).sum() == 20 and np.nanmin(y) >= 0.0


def test_occupancy_by_interval(result: RunResult) -> None:
    fig = occupancy_by_interval(result.intervals)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4  # two groups x (occupancy, staff)
    occ, staff = fig.axes[0], fig.axes[1]
    assert occ.get_title(loc="left").startswith("spec") and "(%)" in occ.get_ylabel()
    assert "(persons)" in staff.get_ylabel()
    assert len(staff.patches) == 48  # one bar per interval of the day (zero when off duty)
    _, occupancy = _main_line(occ)
    # 08:00-18:00 rostered; staying on after 18:00 to finish a call is not drawn.
    assert np.isfinite(occupancy).sum() == 20
    heights = [bar.get_height() for bar in staff.patches if isinstance(bar, Rectangle)]
    assert max(heights) == pytest.approx(2.0)


def test_occupancy_by_interval_group_without_staff(result: RunResult) -> None:
    idle = result.intervals.copy()
    idle.loc[idle["staff_group"] == "gen", ["staff_scheduled", "staff_on_duty", "staff_busy"]] = 0.0
    fig = occupancy_by_interval(idle)
    assert len(fig.axes) == 4
    assert any(t.get_text() == "no staff on duty" for t in fig.axes[2].texts)


# --------------------------------------------------------------------------------------------
# Readability, language and files
# --------------------------------------------------------------------------------------------


def test_all_text_is_readable_on_a_projector(result: RunResult) -> None:
    figures = [
        wait_distribution(result.contacts, THRESHOLDS),
        service_level_by_interval(result.intervals, TARGETS),
        queue_length_by_interval(result.intervals),
        occupancy_by_interval(result.intervals),
    ]
    for fig in figures:
        width, height = fig.get_size_inches()
        # A slide: at least 11 inches wide, at most 16, never taller than wide.
        assert 11.0 <= width <= 16.0 and 6.0 <= height <= width
        fig.canvas.draw()
        small = [t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_fontsize() < 12]
        assert small == []


def test_dutch_labels_and_unknown_language(result: RunResult) -> None:
    fig = service_level_by_interval(result.intervals, TARGETS, language="nl")
    assert fig.axes[0].get_ylabel() == "Servicelevel (%)"
    assert _has_text(fig, "doel")
    fig = wait_distribution(result.contacts, THRESHOLDS, language="nl")
    assert fig.axes[0].get_xlabel() == "Wachttijd (s)"
    with pytest.raises(ValueError, match="language"):
        occupancy_by_interval(result.intervals, language="fr")


def test_write_figures_writes_png_files(result: RunResult, tmp_path: Path) -> None:
    folder = tmp_path / "report" / "figures"
    paths = write_figures(
        result.contacts, result.intervals, folder, thresholds_min=THRESHOLDS, targets=TARGETS
    )
    assert [p.name for p in paths] == [f"{name}.png" for name in FIGURE_NAMES]
    for path in paths:
        assert path.parent == folder
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC
        assert len(data) > 10_000
        width, height = struct.unpack(">II", data[16:24])
        assert 1320 <= width <= 1920 and height <= width  # 11 to 16 inches at 120 dpi


def test_write_figures_copes_with_a_channel_without_contacts(
    result: RunResult, tmp_path: Path
) -> None:
    contacts = result.contacts.iloc[0:0]
    intervals = result.intervals[result.intervals["replication"] == 1]
    paths = write_figures(
        contacts,
        intervals,
        str(tmp_path),
        thresholds_min={**THRESHOLDS, "counter": 10.0},
        targets={**TARGETS, "counter": 0.9},
        language="nl",
        dpi=40,
    )
    assert all(p.read_bytes()[:8] == PNG_MAGIC for p in paths)


def test_every_figure_of_a_run_has_a_title_and_caption_in_both_languages() -> None:
    from klantstroom.report.figure_captions import CAPTIONS, SECTIONS, figure_sections
    from klantstroom.report.figures import FIGURE_NAMES

    for name in FIGURE_NAMES:
        assert name in CAPTIONS, name
    for caption in CAPTIONS.values():
        assert caption.section in SECTIONS
        assert all(caption.title[lang] and caption.caption[lang] for lang in ("en", "nl"))
    sections = figure_sections(["wait_distribution", "my_own_figure"], "nl")
    assert sections == [
        ("Wachten en servicelevel", [("wait_distribution", *_nl("wait_distribution"))]),
        ("Andere figuren", [("my_own_figure", "my own figure", "")]),
    ]


def _nl(name: str) -> tuple[str, str]:
    from klantstroom.report.figure_captions import CAPTIONS

    return CAPTIONS[name].title["nl"], CAPTIONS[name].caption["nl"]


def test_wait_distribution_leaves_out_callbacks_and_fits_a_slide() -> None:
    contacts = pd.DataFrame(
        {
            "channel": ["phone"] * 4 + ["chat", "counter"],
            "outcome": ["served"] * 6,
            "wait_min": [0.1, 0.2, 0.3, 900.0, 0.5, 4.0],
            # An outbound callback waits for hours by design: not a caller's wait.
            "origin": ["new", "new", "new", "callback", "new", "new"],
        }
    )
    norms = {"phone": 20 / 60, "chat": 1.0, "counter": 15.0}
    fig = wait_distribution(contacts, norms, language="nl")
    assert len(fig.axes) == 3  # a 2 x 2 grid with its empty cell removed
    width, height = fig.get_size_inches()
    assert width >= height
    phone = fig.axes[0]
    assert phone.get_title().startswith("telefoon")
    assert phone.get_xlim()[1] < 60.0  # seconds: the callback's 15 hours are not on the axis


def test_occupancy_shows_the_largest_groups_by_name(result: RunResult) -> None:
    fig = occupancy_by_interval(result.intervals, names={"spec": "Specialists", "gen": "All"})
    assert [ax.get_title(loc="left") for ax in fig.axes[::2]] == ["Specialists", "All"]
    hours = result.intervals.groupby("staff_group", observed=True)["staff_on_duty"].sum()
    largest = str(hours.idxmax())
    one = occupancy_by_interval(result.intervals, top=1)
    assert len(one.axes) == 2 and one.axes[0].get_title(loc="left") == largest
    assert "the 1 largest of 2 groups" in one.get_suptitle()


def test_shop_figures_name_the_shops() -> None:
    from klantstroom.report.shop_figures import shop_wait_by_hour

    contacts = pd.DataFrame(
        {
            "shop": pd.Categorical(["noord", "west"]),
            "outcome": ["served", "served"],
            "appointment": [False, True],
            "arrival_min": [600.0, 620.0],
            "wait_min": [4.0, 1.0],
        }
    )
    names = {"noord": "Wijkservicecentrum Noord", "west": "Wijkservicecentrum West " + "x" * 40}
    fig = shop_wait_by_hour(contacts, {"walk_in": 15.0, "appointment": 5.0}, names=names)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0] == "Wijkservicecentrum Noord"
    assert titles[1].startswith("Wijkservicecentrum West") and len(titles[1]) <= 32
