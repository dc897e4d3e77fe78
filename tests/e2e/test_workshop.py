"""The workshop as a facilitator uses it: the page in a real browser, the saved what-if replayed.

The page runs in ``klantstroom-workshop`` (a Streamlit server in a subprocess) and is driven by
a headless Chromium through Selenium (:mod:`browser`): change a lever, run, see the norms and
the saved scenario file, then replay that file with ``klantstroom`` and get identical tables.
Streamlit's own ``AppTest`` checks the page's English and its error messages in-process.

Saved what-ifs go to ``scenarios/workshop/`` (where ``klantstroom scenarios=workshop/<name>``
finds them); each test names its own with a random suffix and removes it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from browser import browser
from klantstroom import api
from klantstroom.results import TABLES, find_runs, load_run
from klantstroom.workshop.levers import Levers
from klantstroom.workshop.whatif import SavedWhatIf, run_cached, save_whatif, workshop_dir
from subprocesses import HANG_GUARD_S

APP = Path(__file__).resolve().parents[2] / "src" / "klantstroom" / "workshop" / "app.py"
# Safety nets against a hung server or browser, far above what a run needs (seconds).
PATIENCE_S = HANG_GUARD_S


def replay(name: str, folder: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``klantstroom scenarios=workshop/<name>`` into ``folder``, as a user types it."""
    code = "import sys; from klantstroom.cli import main; sys.argv[0] = 'klantstroom'; main()"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            f"scenarios=workshop/{name}",
            f"hydra.run.dir={folder}",
            "output.figures=false",
            "output.print_summary=false",
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=PATIENCE_S,
    )


def assert_identical(one: Path, other: Path) -> None:
    """Every table and the KPIs of two run folders are equal."""
    for name in TABLES:
        pd.testing.assert_frame_equal(
            pd.read_parquet(one / f"{name}.parquet"), pd.read_parquet(other / f"{name}.parquet")
        )
    for name in ("kpis.csv", "summary.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(one / name), pd.read_csv(other / name))


@pytest.fixture
def title() -> Iterator[str]:
    """A what-if title of this test only; its saved files are removed afterwards."""
    text = f"Test {uuid.uuid4().hex[:10]}"
    yield text
    for path in workshop_dir().glob(f"{text.lower().replace(' ', '_')}*.yaml"):
        path.unlink()


@pytest.mark.long
def test_a_saved_what_if_replays_with_identical_tables(title: str, tmp_path: Path) -> None:
    levers = Levers(
        year="jaar1",
        whatifs=("extra_avond",),
        start_month=6,
        horizon_days=7,
        warmup_days=0,
        replications=1,
        channel_shift_pp=10,
        multi_skilled_share=0.5,
        demand_factor=1.05,
    )
    saved: SavedWhatIf = save_whatif(levers, title=title, who="pytest", why="replay check")
    ticks: list[int] = []
    run = run_cached(saved.overrides, tmp_path / "workshop", on_replication=ticks.append)
    assert ticks == [1]
    assert run.info["start_date"] == "2028-06-05" and run.label == title
    done = replay(saved.name, tmp_path / "replay", tmp_path)
    assert done.returncode == 0, done.stderr
    assert_identical(run.folder, tmp_path / "replay")
    # The same configuration again comes from the cache: nothing is simulated.
    stamp = (run.folder / "run.json").stat().st_mtime_ns
    again = run_cached(saved.overrides, tmp_path / "workshop", on_replication=ticks.append)
    assert again.folder == run.folder and ticks == [1]
    assert (run.folder / "run.json").stat().st_mtime_ns == stamp


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def page(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``klantstroom-workshop`` serving on a free port; its URL and output folder."""
    port = _free_port()
    outputs = tmp_path / "outputs"
    code = "from klantstroom.workshop.command import main; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "--port", str(port), "--outputs", str(outputs)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + PATIENCE_S
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read() if server.stdout else ""
                pytest.fail(f"klantstroom-workshop did not start:\n{output}")
            time.sleep(0.5)
    yield url, outputs
    server.terminate()
    server.wait(timeout=PATIENCE_S)


@pytest.mark.long
def test_the_page_runs_a_what_if_in_chromium_and_saves_it(
    page: tuple[str, Path], title: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    url, outputs = page
    before = {p.name for p in workshop_dir().glob("basis_*.yaml")}
    driver = browser(1400, 2000)
    try:
        driver.get(url)
        wait = WebDriverWait(driver, PATIENCE_S)

        def body() -> str:
            return str(driver.find_element(By.TAG_NAME, "body").text)

        wait.until(lambda _: "Doorrekenen en bewaren" in body())
        assert "Wat-als-werkplaats" in body()  # Dutch by default

        def type_into(label: str, text: str) -> None:
            # Streamlit streams the page: the button may be there before the fields are (CI
            # once looked for "Weken" too early), so wait for each field.
            found = wait.until(
                lambda _: driver.find_elements(By.CSS_SELECTOR, f'[aria-label="{label}"]')
            )
            field = found[0]
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(text)

        type_into("Weken", "1")
        type_into("Replicaties", "1")
        type_into("Vraag (% van het jaar)", "115")
        type_into("Naam van de wat-als", title)
        type_into("Wie", "Selenium")
        button = next(
            b for b in driver.find_elements(By.TAG_NAME, "button") if "Doorrekenen" in b.text
        )
        button.click()
        expected = [
            f"Uitkomst: {title}",
            "Normen",
            "telefoon: servicelevel",
            "basis",
            "verschil",
            "Kerncijfers",
            "De reis van een persona",
            "Sanne de Vries",
            "klantstroom-compare",
        ]
        # Streamlit streams the page element by element: wait for all of it (or an error).
        wait.until(lambda _: all(e in body() for e in expected) or "kan niet" in body())
        text = body()
        assert all(e in text for e in expected), text
        assert "gehaald" in text  # a traffic light
        name = title.lower().replace(" ", "_")
        assert f"klantstroom scenarios=workshop/{name}" in text
    finally:
        driver.quit()
    saved = workshop_dir() / f"{name}.yaml"
    content = saved.read_text(encoding="utf-8")
    assert "by Selenium" in content
    data = yaml.safe_load(content)
    volume = data["services"]["belastingen"]["volume_per_year"]
    assert data["run"]["horizon_days"] == 7 and data["run"]["replications"] == 1
    # The page's run, replayed from the command line: identical tables.
    (folder,) = [p.parent for p in outputs.glob("*/run.json") if load_run(p.parent).name == name]
    done = replay(name, tmp_path / "replay", tmp_path)
    assert done.returncode == 0, done.stderr
    assert_identical(folder, tmp_path / "replay")
    assert volume > 0
    # The baseline is a scenario file of its own, named after the year and the run settings.
    (baseline,) = [p for p in workshop_dir().glob("basis_*.yaml") if p.name not in before] or [
        workshop_dir() / "basis_nulmeting_2027_maart_1_wk_1_rep.yaml"
    ]
    assert baseline.name == "basis_nulmeting_2027_maart_1_wk_1_rep.yaml"
    assert "# Saved by klantstroom-workshop on" in baseline.read_text(encoding="utf-8")
    # The workshop's runs compare like any runs, named by their titles.
    comparison = api.compare(find_runs([outputs]), tmp_path / "compare", language="nl")
    assert set(comparison.comparison["scenario"]) == {
        title,
        "Basis Nulmeting 2027, maart, 1 wk, 1 rep",
    }
    if baseline.name not in before:
        baseline.unlink()


def test_the_page_in_english_and_its_error_messages(
    title: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KLANTSTROOM_WORKSHOP_OUTPUTS", str(tmp_path / "outputs"))
    monkeypatch.setenv("KLANTSTROOM_WORKSHOP_LANGUAGE", "en")
    app = AppTest.from_file(str(APP), default_timeout=PATIENCE_S)
    app.run()
    assert not app.exception
    assert app.title[0].value == "What-if workshop"
    labels = [w.label for w in app.number_input]
    assert "Demand (% of the year)" in labels and "Weeks" in labels
    # More appointment desks than the shops have: the run is refused, naming the shop's key.
    app.number_input(key="desks").set_value(300)
    app.number_input(key="weeks").set_value(1)
    app.text_input(key="title").input(title)
    app.button[0].click()
    app.run()
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith("This what-if cannot be run:")
    assert "shops.stadskantoor.appointment_desks" in error.value
    assert not os.path.exists(tmp_path / "outputs")  # nothing was run
    assert not list(workshop_dir().glob(f"{title.lower().replace(' ', '_')}*"))  # or saved


def test_the_page_composes_again_once_a_config_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from klantstroom.workshop import whatif

    # The page's own cache is what is counted: each miss asks compose_levers_base (which keeps
    # compositions of its own, so counting Hydra's compositions could not tell the two apart).
    asked: list[Levers] = []
    compose_levers_base = whatif.compose_levers_base

    def counted(levers: Levers) -> object:
        asked.append(levers)
        return compose_levers_base(levers)

    monkeypatch.setattr(whatif, "compose_levers_base", counted)
    files = whatif.config_files_state()
    monkeypatch.setattr(whatif, "config_files_state", lambda: files)
    monkeypatch.setenv("KLANTSTROOM_WORKSHOP_OUTPUTS", str(tmp_path / "outputs"))
    st.cache_data.clear()
    try:
        app = AppTest.from_file(str(APP), default_timeout=PATIENCE_S)
        app.run()
        assert not app.exception and len(asked) == 1
        app.run()  # a rerun (any click) with the files as they were: from the page's cache
        assert not app.exception and len(asked) == 1
        # A file of conf/ or scenarios/ edited while the page is open: the levers follow it.
        monkeypatch.setattr(whatif, "config_files_state", lambda: (*files, ("edited", 1, 1, 1, 1)))
        app.run()
        assert not app.exception and len(asked) == 2
    finally:
        st.cache_data.clear()
