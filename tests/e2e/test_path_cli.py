"""A road-map path from the command line: ``klantstroom scenarios=routekaart``, in a subprocess.

Two weeks of the nulmeting and two of jaar 1 around New Year 2028 (one replication), so the
path crosses a step, a month and the start of jaar 1's training plan: every stretch gets its
own run folder, the path its month tables, figure, comparison and page, a stretch replays with
identical tables, and a second run into the same folder keeps the finished stretches.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from subprocesses import run_code

PATH = [
    "scenarios=routekaart",
    "path.from_date=2027-12-20",
    "path.until_date=2028-01-17",
    "run.replications=1",
    "run.warmup_days=7",  # a week of warm-up per stretch, not the year's nine: a quicker test
]


def run(cwd: Path, *args: str, command: str = "klantstroom") -> subprocess.CompletedProcess:
    entry = {
        "klantstroom": "from klantstroom.cli import main as m",
        "klantstroom-replay": "from klantstroom.cli import replay_main as m",
    }[command]
    code = f"import sys; {entry}; sys.argv[0] = {command!r}; m()"
    return run_code(code, *args, cwd=cwd, env={**os.environ, "HYDRA_FULL_ERROR": "0"})


@pytest.mark.long
def test_the_road_map_path_runs_its_stretches_and_lines_up_their_months(tmp_path: Path) -> None:
    out = tmp_path / "path"
    done = run(tmp_path, *PATH, f"hydra.run.dir={out}")
    assert done.returncode == 0, done.stderr
    assert "Road-map path, 2 stretch(es) from 2027-12-20 to 2028-01-17" in done.stdout
    plan = json.loads((out / "path.json").read_text(encoding="utf-8"))
    assert plan["complete"] is True
    assert [s["folder"] for s in plan["stretches"]] == ["0-nulmeting", "1-jaar1"]
    assert [s["days"] for s in plan["stretches"]] == [14, 14]
    for name in ("0-nulmeting", "1-jaar1"):
        info = json.loads((out / name / "run.json").read_text(encoding="utf-8"))
        assert info["complete"] and info["horizon_days"] == 14
        assert (out / name / ".hydra" / "config.yaml").is_file()
    assert json.loads((out / "1-jaar1" / "run.json").read_text())["start_date"] == "2028-01-03"

    months = pd.read_csv(out / "months.csv")
    assert set(months["month"]) == {"2027-12", "2028-01"}
    january = months[(months["month"] == "2028-01")]
    assert set(january["stretch"]) == {"1-jaar1"}  # 16 of January's days are jaar 1's
    assert {"service_level", "abandonment_rate"} <= set(january["kpi"])
    assert set(months["status"].dropna()) <= {"met", "not met", "uncertain"}
    staff = pd.read_csv(out / "staff_by_month.csv")
    assert (staff.groupby("month")["fte_on_duty"].sum() > 50).all()  # Grootstad: ~90 FTE
    # Jaar 1's cohort starts its course on 2028-01-03: in class, and learning.
    assert staff.loc[staff["month"] == "2028-01", "training_hours"].sum() > 0
    assert staff.loc[staff["month"] == "2027-12", "training_hours"].sum() == 0
    proficiency = pd.read_csv(out / "proficiency_by_month.csv")
    assert set(proficiency["month"]) == {"2028-01"}
    assert proficiency["proficiency_speed"].between(0.6, 0.7).all()

    width, height = Image.open(out / "figures" / "trajectory_by_month.png").size
    assert width >= height  # fits a 16:9 slide
    page = (out / "path_report.html").read_text(encoding="utf-8")
    assert 'href="0-nulmeting/report.html"' in page and 'href="1-jaar1/report.html"' in page
    assert 'href="compare/report.html"' in page and "data:image/png;base64" in page
    assert (out / "compare" / "comparison.csv").is_file()

    # A stretch replays with identical tables.
    replay = tmp_path / "replay"
    done = run(
        tmp_path,
        str(out / "1-jaar1"),
        f"hydra.run.dir={replay}",
        "output.figures=false",
        command="klantstroom-replay",
    )
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(
        pd.read_csv(replay / "summary.csv"), pd.read_csv(out / "1-jaar1" / "summary.csv")
    )

    # Run again into the same folder: the finished stretches are kept, not simulated again.
    done = run(tmp_path, *PATH, f"hydra.run.dir={out}", "output.figures=false")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("kept: the folder holds a complete run") == 2


def test_a_bad_path_is_refused_before_anything_runs(tmp_path: Path) -> None:
    out = tmp_path / "path"
    done = run(
        tmp_path, "scenarios=routekaart", "path.until_date=2026-01-01", f"hydra.run.dir={out}"
    )
    assert done.returncode == 2
    assert "path.until_date" in done.stderr and "Traceback" not in done.stderr
    done = run(tmp_path, "scenarios=routekaart", "run.horizon_days=28", f"hydra.run.dir={out}")
    assert done.returncode == 2
    assert "run.horizon_days" in done.stderr and "path.from_date" in done.stderr
    assert not (out / "0-nulmeting").exists()
