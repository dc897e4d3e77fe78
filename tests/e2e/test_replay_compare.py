"""Workshop replay and scenario comparison as a facilitator uses them, in subprocesses.

The report is opened in a real headless Chromium (Debian's ``chromium`` and
``chromium-driver``) through Selenium: it must render, show every scenario's name and have no
broken image. CI installs the browser and sets ``KLANTSTROOM_REQUIRE_BROWSER=1``, so there the
browser check cannot be skipped; on a machine without Chromium it is skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from browser import browser
from subprocesses import run_code

BASE = [
    "municipality=kleinstad",
    "run.replications=2",
    "run.horizon_days=4",
    "output.figures=false",
    "output.print_summary=false",
]
TABLES = ("contacts", "journeys", "tasks", "intervals", "staff", "backlog")


def run(tmp_path: Path, *args: str, command: str = "klantstroom") -> subprocess.CompletedProcess:
    entry = {
        "klantstroom": "from klantstroom.cli import main as m",
        "klantstroom-replay": "from klantstroom.cli import replay_main as m",
        "klantstroom-compare": "from klantstroom.report.compare_command import entry as m",
        "klantstroom-diff": "from klantstroom.diff_command import entry as m",
        "klantstroom-export": "from klantstroom.report.export import entry as m",
    }[command]
    code = f"import sys; {entry}; sys.argv[0] = {command!r}; m()"
    return run_code(code, *args, cwd=tmp_path, env={**os.environ, "HYDRA_FULL_ERROR": "0"})


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("replay")
    done = run(tmp, *BASE, f"hydra.run.dir={tmp / 'original'}")
    assert done.returncode == 0, done.stderr
    return tmp / "original"


def test_a_replay_gives_identical_tables(original: Path, tmp_path: Path) -> None:
    done = run(
        tmp_path, str(original), f"hydra.run.dir={tmp_path / 'again'}", command="klantstroom-replay"
    )
    assert done.returncode == 0, done.stderr
    for table in TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(original / f"{table}.parquet"),
            pd.read_parquet(tmp_path / "again" / f"{table}.parquet"),
        )


def test_a_what_if_is_one_override_on_top_of_the_replay(original: Path, tmp_path: Path) -> None:
    done = run(
        tmp_path,
        str(original),
        "routing.policy=longest_idle",
        f"hydra.run.dir={tmp_path / 'whatif'}",
        command="klantstroom-replay",
    )
    assert done.returncode == 0, done.stderr
    assert "routing.policy=longest_idle" in (tmp_path / "whatif/.hydra/overrides.yaml").read_text()
    base = pd.read_parquet(original / "contacts.parquet")
    whatif = pd.read_parquet(tmp_path / "whatif" / "contacts.parquet")

    # Same first contacts (the arrival streams do not depend on routing), other staff serve them.
    def first(contacts: pd.DataFrame) -> pd.Series:
        return contacts.loc[contacts["origin"] == "new", "arrival_min"].reset_index(drop=True)

    pd.testing.assert_series_equal(first(base), first(whatif))
    assert not base["staff_id"].equals(whatif["staff_id"])


def test_replay_errors_name_the_folder_and_the_key(original: Path, tmp_path: Path) -> None:
    missing = run(tmp_path, str(tmp_path / "nothing"), command="klantstroom-replay")
    assert missing.returncode == 2 and "config.yaml: not found" in missing.stderr
    typo = run(tmp_path, str(original), "run.replicatons=3", command="klantstroom-replay")
    assert typo.returncode == 2 and "did you mean 'run.replications'" in typo.stderr


@pytest.mark.long
def test_compare_a_multirun_and_open_the_report_in_chromium(tmp_path: Path) -> None:
    sweep = tmp_path / "multirun"
    done = run(
        tmp_path,
        "-m",
        *BASE,
        "run.roadmap_step=0,1",
        "routing.policy=longest_idle",
        f"hydra.sweep.dir={sweep}",
    )
    assert done.returncode == 0, done.stderr
    done = run(tmp_path, str(sweep), "report.language=nl", command="klantstroom-compare")
    assert done.returncode == 0, done.stderr
    out = sweep / "compare"
    comparison = pd.read_csv(out / "comparison.csv")
    names = ["kleinstad [run.roadmap_step=0]", "kleinstad [run.roadmap_step=1]"]
    assert sorted(comparison["scenario"].unique()) == names
    differences = pd.read_csv(out / "differences.csv")
    assert differences["paired"].all()  # same seed: common random numbers
    assert {"trajectory.png", "scenarios.png", "staff.png"} <= {
        p.name for p in (out / "figures").iterdir()
    }
    # The comparison as a workbook, in Dutch.
    done = run(tmp_path, str(out), "--language", "nl", command="klantstroom-export")
    assert done.returncode == 0, done.stderr
    sheets = pd.read_excel(out / "comparison.xlsx", sheet_name=None)
    assert {"vergelijking", "verschillen", "personeel", "wijzigingen"} <= set(sheets)
    assert {"scenario", "kanaal", "gemiddelde", "oordeel"} <= set(sheets["vergelijking"].columns)
    # What the second run changes against the baseline: the one key it was given.
    changes = pd.read_csv(out / "config_diff.csv", dtype=str)
    assert changes[["scenario", "key", "baseline", "value"]].values.tolist() == [
        [names[1], "run.roadmap_step", "0", "1"]
    ]
    driver = browser()
    try:
        driver.get((out / "report.html").resolve().as_uri())
        title = driver.title
        text = driver.find_element("tag name", "body").text
        images = driver.execute_script("return document.images.length")
        broken = driver.execute_script(
            "return Array.from(document.images)"
            ".filter(i => !(i.complete && i.naturalWidth > 0)).length"
        )
        driver.save_screenshot(str(out / "screenshot.png"))
    finally:
        driver.quit()
    assert title.startswith("Scenariovergelijking")
    assert "Scenariovergelijking" in text and "Routekaart" in text
    for name in names:
        assert name in text
    assert "Wat elk scenario verandert" in text and "run.roadmap_step" in text
    # trajectory, scenarios (channels), scenarios_back_office (departments), staff
    assert images == 4 and broken == 0


def test_diff_of_a_scenario_and_of_a_run(original: Path, tmp_path: Path) -> None:
    done = run(tmp_path, "extra_avond", "--output", "avond.csv", command="klantstroom-diff")
    assert done.returncode == 0, done.stderr
    assert "extra_avond against default" in done.stdout
    changes = pd.read_csv(tmp_path / "avond.csv", dtype=str).set_index("key")
    assert changes.loc["shops.stadskantoor.opening_hours.tue"].tolist() == [
        '["09:00-17:00"]',
        '["09:00-20:00"]',
    ]
    assert "services.paspoort.rate_per_year" not in changes.index  # unchanged keys are not listed
    # A run against the default: its municipality and the overrides it was run with.
    done = run(tmp_path, str(original), "--language", "nl", command="klantstroom-diff")
    assert done.returncode == 0, done.stderr
    assert "tegenover default" in done.stdout
    changes = pd.read_csv(tmp_path / "diff.csv", dtype=str).set_index("key")
    assert changes.loc["run.horizon_days", "scenario"] == "4.0"
    assert changes.loc["run.replications"].tolist() == ["3", "2"]
    assert changes.loc["output.figures"].tolist() == ["true", "false"]


def test_diff_errors_name_the_scenario_and_the_folder(tmp_path: Path) -> None:
    done = run(tmp_path, "extra_avnd", command="klantstroom-diff")
    assert done.returncode == 2
    assert "'scenarios/extra_avnd' not found" in done.stderr and "extra_avond" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "run" / ".hydra").mkdir(parents=True)
    (tmp_path / "run" / ".hydra" / "config.yaml").write_text(
        "run:\n  name: ${oc.env:HOME}\n", encoding="utf-8"
    )
    done = run(tmp_path, str(tmp_path / "run"), command="klantstroom-diff")
    assert done.returncode == 2 and "config.yaml: run.name" in done.stderr
    done = run(tmp_path, "jaar1", "--against", str(tmp_path), command="klantstroom-diff")
    assert done.returncode == 2 and ".hydra/config.yaml: not found" in done.stderr


def test_compare_reports_a_bad_folder_and_baseline(tmp_path: Path, original: Path) -> None:
    done = run(tmp_path, str(tmp_path / "none"), command="klantstroom-compare")
    assert done.returncode == 2 and "no such folder" in done.stderr
    done = run(tmp_path, str(original), "--baseline", "jaar9", command="klantstroom-compare")
    assert done.returncode == 2 and "baseline 'jaar9' is none of the compared runs" in done.stderr


def test_export_a_run_to_a_workbook(original: Path, tmp_path: Path) -> None:
    done = run(
        tmp_path,
        str(original),
        "--xlsx",
        "uit/run.xlsx",
        "--language",
        "nl",
        command="klantstroom-export",
    )
    assert done.returncode == 0, done.stderr
    sheets = pd.read_excel(tmp_path / "uit" / "run.xlsx", sheet_name=None)
    assert list(sheets) == ["normen", "samenvatting", "kpi per replicatie", "kosten"]
    summary = pd.read_csv(original / "summary.csv")
    assert len(sheets["samenvatting"]) == len(summary)
    # Numbers stay numbers (no text with a decimal point), headers and verdicts are Dutch.
    assert sheets["samenvatting"]["gemiddelde"].dtype == float
    assert sheets["samenvatting"]["gemiddelde"].sum() == pytest.approx(summary["mean"].sum())
    norms = sheets["normen"]
    assert set(norms["norm gehaald"].dropna()) <= {"ja", "nee"}
    assert "servicelevel" in set(norms["kpi (naam)"])
    assert {"aangeboden", "servicelevel", "replicatie"} <= set(sheets["kpi per replicatie"].columns)
    done = run(tmp_path, str(tmp_path), command="klantstroom-export")
    assert done.returncode == 2 and "neither a run" in done.stderr
