"""The ``klantstroom`` command as a user runs it: in a subprocess, from a temporary folder."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from klantstroom.tables import CONTACT_TABLE_COLUMNS
from subprocesses import HANG_GUARD_S

CLI = [sys.executable, "-m", "klantstroom.cli"]


def klantstroom(
    tmp_path: Path, *args: str, command: list[str] = CLI
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [*command, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env=env,
    )


@pytest.mark.long
def test_default_scenario_writes_every_table_and_figure(tmp_path: Path) -> None:
    out = tmp_path / "run"
    # Up to early June: the whole passport peak month the counters are judged on (a whole year
    # is the default; its first five months, after two weeks of warm-up rather than the nine
    # that fill the back office, keep this test quick).
    done = klantstroom(
        tmp_path,
        f"hydra.run.dir={out}",
        "run.replications=2",
        "run.horizon_days=150",
        "run.warmup_days=14",
    )
    assert done.returncode == 0, done.stderr
    assert "Outputs:" in done.stdout
    assert "KCC breed inzetbaar (thuisteam burgerzaken)" in done.stdout  # groups by their names
    assert "counter" in done.stdout  # Grootstad's city shops
    for name in (
        "contacts.parquet",
        "staff.parquet",
        "intervals.parquet",
        "kpis.csv",
        "summary.csv",
        "run.json",
        "tasks.parquet",
        "journeys.parquet",
        "backlog.parquet",
        "personas.txt",
        ".hydra/config.yaml",
        ".hydra/overrides.yaml",
        "report.html",
    ):
        assert (out / name).is_file(), name
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert tuple(contacts.columns) == CONTACT_TABLE_COLUMNS
    assert set(contacts["replication"]) == {0, 1}
    assert len(pd.read_parquet(out / "intervals.parquet")) > 0
    summary = pd.read_csv(out / "summary.csv")
    assert {"period", "kpi", "mean", "ci_low", "ci_high", "judged"} <= set(summary.columns)
    # KPIs per month and for the named periods inside the run; the counters judged on May.
    assert {"run", "2027-01", "2027-05", "piekmaand", "maart"} <= set(summary["period"])
    assert "zomer" not in set(summary["period"])  # weeks 28-33 lie beyond the run
    judged = summary[summary["judged"]]
    assert set(judged.loc[judged["channel"] == "counter", "period"]) == {"piekmaand"}
    assert set(judged.loc[judged["channel"] == "phone", "period"]) == {"run"}
    info = json.loads((out / "run.json").read_text())
    assert info["complete"] and info["replications"] == [0, 1]
    figures = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert figures == [
        "access_by_week.png",
        "access_time.png",
        "back_office_by_week.png",
        "backlog.png",
        "desk_occupancy.png",
        "failure_demand_by_week.png",
        "journey_flow.png",
        "journey_lead_time.png",
        "occupancy_by_interval.png",
        "persona_journeys.png",
        "queue_length_by_interval.png",
        "service_level_by_interval.png",
        "shop_wait_by_hour.png",
        "wait_distribution.png",
    ]
    # Every figure fits a slide: never taller than wide (PNG header: width, height).
    for name in figures:
        data = (out / "figures" / name).read_bytes()
        width, height = struct.unpack(">II", data[16:24])
        assert height <= width, (name, width, height)
    # The weekly access figure has its own section in the report, shown once.
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Appointment access over the year</h2>" in page
    assert page.count('alt="Access time week by week"') == 1
    # The norms first, then the figures in sections, each with its title, alt text and caption.
    assert page.index('id="norms"') < page.index('id="staff"') < page.index('id="figures-1"')
    assert page.count("<figcaption>") >= len(figures)
    assert 'alt="How long contacts waited"' in page and 'alt="wait_distribution"' not in page
    # The De Vries family's journeys are printed, and shown again from the output folder.
    assert "Gerrit de Vries (78)" in done.stdout
    journeys = pd.read_parquet(out / "journeys.parquet")
    assert set(journeys["persona"].dropna()) == {"sanne", "daan", "gerrit", "aylin"}
    again = subprocess.run(
        [sys.executable, "-m", "klantstroom.report.personas", str(out), "--persona", "gerrit"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Gerrit de Vries (78)") and "Sanne" not in again.stdout
    assert again.stdout in (out / "personas.txt").read_text()
    wrong = subprocess.run(
        [sys.executable, "-m", "klantstroom.report.personas", str(out), "--persona", "kees"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert wrong.returncode == 2 and "allowed: sanne, daan, gerrit, aylin" in wrong.stderr


def test_scenario_selection_and_overrides_from_any_folder(tmp_path: Path) -> None:
    out = tmp_path / "mmc"
    done = klantstroom(
        tmp_path,
        "scenarios=textbook/mmc",
        "params.servers=11",
        "run.replications=2",
        "output.figures=false",
        f"hydra.run.dir={out}",
    )
    assert done.returncode == 0, done.stderr
    staff = pd.read_parquet(out / "staff.parquet")
    assert staff.groupby("replication")["staff_id"].nunique().tolist() == [11, 11]
    overrides = (out / ".hydra" / "overrides.yaml").read_text()
    assert "params.servers=11" in overrides


def test_multirun_sweeps_a_parameter(tmp_path: Path) -> None:
    sweep = tmp_path / "multirun"
    done = klantstroom(
        tmp_path,
        "-m",
        "scenarios=textbook/mmc",
        "params.servers=10,12",
        "run.replications=2",
        "run.horizon_days=0.25",
        "output.figures=false",
        f"hydra.sweep.dir={sweep}",
    )
    assert done.returncode == 0, done.stderr
    asa = [
        pd.read_csv(sweep / str(job) / "kpis.csv").query("service == 'all'")["asa_min"].mean()
        for job in (0, 1)
    ]
    assert asa[1] < asa[0]  # two more agents, shorter waits


def test_misspelt_key_names_the_key_and_the_allowed_keys(tmp_path: Path) -> None:
    done = klantstroom(tmp_path, "run.replicatons=3")
    assert done.returncode == 2
    assert "unknown config key 'run.replicatons'" in done.stderr
    assert "did you mean 'run.replications'?" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("run.replications=0", "run.replications: must be >= 1 and <= 1000, got 0"),
        ("routing.policy=random", "allowed: longest_idle, priority, specialist_first"),
        ("channels.phone.patience.kind=pareto", "channels.phone.patience.kind: unknown value"),
    ],
)
def test_out_of_range_values_fail_before_simulating(
    tmp_path: Path, override: str, message: str
) -> None:
    done = klantstroom(tmp_path, override, f"hydra.run.dir={tmp_path / 'x'}")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x" / "contacts.parquet").exists()


def test_unknown_scenario_is_reported(tmp_path: Path) -> None:
    done = klantstroom(tmp_path, "scenarios=no_such_scenario")
    assert done.returncode != 0
    assert "scenarios/no_such_scenario" in done.stderr


def _counting_main(owner: str, method: str, label: str, setup: str = "") -> str:
    """Python code running ``klantstroom`` (with the code's own arguments) that counts the calls
    of ``owner.method`` (a dotted class path) and prints ``label: N`` on stderr at the end;
    ``setup`` runs just before the command."""
    module, name = owner.rsplit(".", 1)
    return f"""
import sys
from {module} import {name}
from klantstroom.cli import main
calls = []
original = {name}.{method}
def counted(self, *args, **kwargs):
    calls.append(1)
    return original(self, *args, **kwargs)
{name}.{method} = counted
{setup}
sys.argv = ["klantstroom", *sys.argv[1:]]
try:
    main()
finally:
    print("{label}:", len(calls), file=sys.stderr)
"""


# Runs the command's entry point with every composition of the configuration counted.
_COUNTED = _counting_main(
    "hydra._internal.config_loader_impl.ConfigLoaderImpl", "load_configuration", "compositions"
)


@pytest.mark.parametrize(
    ("overrides", "returncode", "message", "compositions"),
    [
        ((), 0, "Outputs:", 1),
        (("run.replicatons=3",), 2, "did you mean 'run.replications'?", 1),
        (("services={}",), 2, "services: {} changes nothing", 1),
        # Hydra's grammar cannot read it: said before anything is composed.
        (("run.label=Jaar 1 (2028)",), 2, "cannot read the value 'Jaar 1 (2028)'", 0),
    ],
)
def test_a_run_composes_its_configuration_once(
    tmp_path: Path, overrides: tuple[str, ...], returncode: int, message: str, compositions: int
) -> None:
    # Composing Grootstad costs about 0.8 s of CPU: neither Hydra's mode detection nor the
    # check that explains a bad override composes it again (klantstroom.config.one_composition).
    done = klantstroom(
        tmp_path,
        "scenarios=textbook/mmc",
        "run.replications=1",
        "output.figures=false",
        f"hydra.run.dir={tmp_path / 'run'}",
        *overrides,
        command=[sys.executable, "-c", _COUNTED],
    )
    assert done.returncode == returncode, done.stderr
    assert message in done.stdout + done.stderr
    assert f"compositions: {compositions}" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "run" / "run.json").is_file() == (returncode == 0)


@pytest.mark.parametrize(
    ("seeds", "kept", "compositions"),
    [
        # The sweep's own configuration, then each job once: checked before any runs, and
        # that composition is the one it runs with (before: mode detection, and each job twice).
        ("1,2", 16, 3),
        ("5,5", 16, 3),  # the same job twice: each launch takes a composition of its own
        ("1,2,3", 1, 6),  # beyond the kept ones, a job is composed again to run it
    ],
)
def test_a_sweep_composes_each_job_once(
    tmp_path: Path, seeds: str, kept: int, compositions: int
) -> None:
    sweep = tmp_path / "multirun"
    counted = _COUNTED.replace(
        "from klantstroom.cli import main",
        f"from klantstroom.cli import main\nimport klantstroom.config.one_composition as one\n"
        f"one.KEPT_JOBS = {kept}",
    )
    done = klantstroom(
        tmp_path,
        "-m",
        "scenarios=textbook/mmc",
        f"run.seed={seeds}",
        "run.horizon_days=1",
        "run.replications=1",
        "output.figures=false",
        "output.print_summary=false",
        f"hydra.sweep.dir={sweep}",
        command=[sys.executable, "-c", counted],
    )
    assert done.returncode == 0, done.stderr
    assert f"compositions: {compositions}" in done.stderr
    for job, seed in enumerate(seeds.split(",")):
        saved = (sweep / str(job) / ".hydra" / "config.yaml").read_text(encoding="utf-8")
        assert f"seed: {seed}\n" in saved
        info = json.loads((sweep / str(job) / "run.json").read_text(encoding="utf-8"))
        assert info["complete"]


def staff(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``klantstroom-staff`` with ``args`` in ``tmp_path``, as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "from klantstroom.cli import staff_main; staff_main()", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )


@pytest.mark.long
def test_staffing_plan_for_kleinstad(tmp_path: Path) -> None:
    out = tmp_path / "staff"
    done = staff(
        tmp_path,
        f"hydra.run.dir={out}",
        "municipality=kleinstad",  # the small town keeps the simulation refinement short
        "staffing.replications=3",
        "staffing.shrinkage=0.2",
        # One week is enough for the plan and for counting the back office's tasks.
        "run.horizon_days=7",
        "run.warmup_days=1",
    )
    assert done.returncode == 0, done.stderr
    assert "total FTE" in done.stdout and "shrinkage 20%" in done.stdout
    # The simulation search ends with every norm met (Kleinstad caps e-mail at half a group, so
    # the night's e-mails do not take everyone at 08:00).
    assert "simulated norms hold in every interval" in done.stdout, done.stdout
    assert "multi_skilled" in done.stdout
    mixes = pd.read_csv(out / "skill_mix.csv").set_index("skill_mix")
    assert mixes.loc["multi_skilled", "fte"] < mixes.loc["specialists", "fte"]
    assert (out / "pooling_gain.csv").is_file()
    fte = pd.read_csv(out / "fte.csv", keep_default_na=False, na_values=[""])
    assert fte["note"].isna().all()  # every group sized, the back office too
    assert set(fte["staff_group"]) == {
        "burgerzaken",
        "sociaal_domein",
        "breed_inzetbaar",
        "backoffice_burgerzaken",
        "wmo_consulenten",
        "backoffice_belastingen",
    }
    assert (fte["fte"] > 0).all()
    back_office = pd.read_csv(out / "back_office.csv").set_index("staff_group")
    assert (back_office["tasks_per_week"] > 0).all()
    assert "Back office (tasks counted" in done.stdout
    shifts = pd.read_csv(out / "shifts.csv")
    headcount = pd.read_parquet(out / "headcount.parquet")
    assert len(shifts) > 0 and headcount["staff_needed"].max() > 0
    assert (out / "requirements.parquet").is_file()
    assert (out / "figures" / "staffing_plan.png").stat().st_size > 10_000


@pytest.mark.long
def test_the_road_map_trains_its_multi_skilled_colleagues_and_compare_shows_it(
    tmp_path: Path,
) -> None:
    sweep = tmp_path / "multirun"
    done = klantstroom(
        tmp_path,
        "-m",
        "scenarios=nulmeting,eindbeeld",
        "run.horizon_days=7",
        "run.warmup_days=0",
        "run.replications=1",
        "output.figures=false",
        "output.print_summary=false",
        f"hydra.sweep.dir={sweep}",
    )
    assert done.returncode == 0, done.stderr
    code = "import sys; from klantstroom.report.compare_command import entry; entry()"
    done = subprocess.run(
        [sys.executable, "-c", code, str(sweep)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
    )
    assert done.returncode == 0, done.stderr
    training = pd.read_csv(sweep / "compare" / "training.csv")
    assert set(training["scenario"]) == {"Eindbeeld 2031"}  # the nulmeting's cohort is trained
    rows = training.set_index("staff_group")
    breed = ["breed_burgerzaken", "breed_zorg_inkomen", "breed_belastingen", "breed_algemeen"]
    # The year's cohort is in class on Friday and learns; specialists teach it.
    assert (rows.loc[breed, "training_hours_per_year"] > 0).all()
    assert (rows.loc[breed, "proficiency_speed"] < 1.0).all()
    teachers = rows[rows["trainer_hours_per_year"] > 0].index
    assert len(teachers) >= 3 and all(name.startswith("kcc_") for name in teachers)
    page = (sweep / "compare" / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="training">Training</h2>' in page and "FTE off the floor" in page


@pytest.mark.long
def test_staffing_per_road_map_year(tmp_path: Path) -> None:
    sweep = tmp_path / "multirun"
    done = staff(
        tmp_path,
        "-m",
        "scenarios=eindbeeld,nulmeting",  # launched out of order on purpose
        "staffing.optimise=false",
        "run.horizon_days=7",
        # Two weeks of warm-up, not the nine that fill the back office for a year's KPIs: its
        # departments are sized from the tasks a week brings, whatever is open from before.
        "run.warmup_days=14",
        f"hydra.sweep.dir={sweep}",
    )
    assert done.returncode == 0, done.stderr
    assert "Staffing per road-map year (2 plans)" in done.stdout
    for job in ("0", "1"):
        assert (sweep / job / "staffing_report.html").is_file()
        assert (sweep / job / "group_requirements.parquet").is_file()
    fte = pd.read_csv(sweep / "fte_by_year.csv", keep_default_na=False, na_values={"fte": [""]})
    assert fte["scenario"].drop_duplicates().tolist() == ["nulmeting", "eindbeeld"]
    sized = fte[fte["note"] == ""]
    kcc = sized[sized["staff_group"].str.match("kcc_|breed_(?!balie)")]
    assert (kcc.groupby("scenario")["fte"].sum() > 0).all()
    # The channel shift lowers the phone need and raises the e-mail work.
    needs = {
        year: pd.read_parquet(sweep / job / "group_requirements.parquet")
        for year, job in (("eindbeeld", "0"), ("nulmeting", "1"))
    }
    phone = {year: t.loc[t["channel"] == "phone", "agents"].sum() for year, t in needs.items()}
    assert phone["nulmeting"] > phone["eindbeeld"] > 0
    mail = {
        year: pd.read_csv(sweep / job / "deferred_work.csv")["work_hours_per_week"].sum()
        for year, job in (("eindbeeld", "0"), ("nulmeting", "1"))
    }
    assert mail["eindbeeld"] > mail["nulmeting"] > 0

    # The road map moves the KCC from specialist teams to multi-skilled ones: in the nulmeting
    # both are sized (sharing the services they both rank first), the specialists the larger.
    def multi_skilled_share(scenario: str) -> float:
        year = kcc[kcc["scenario"] == scenario].set_index("staff_group")["fte"]
        return float(year[year.index.str.startswith("breed_")].sum() / year.sum())

    nulmeting = kcc[kcc["scenario"] == "nulmeting"]
    assert len(nulmeting) == 8 and (nulmeting["fte"] > 0).all()
    assert multi_skilled_share("nulmeting") < 0.5 < multi_skilled_share("eindbeeld")
    # Every shop's counter staff are sized, the flexible group also for the shop it visits.
    counters = sized[sized["staff_group"].str.contains("balie")]
    assert set(counters.loc[counters["scenario"] == "nulmeting", "staff_group"]) == {
        "balie_stadskantoor",
        "balie_noord",
        "balie_west",
        "breed_balie",
    }
    assert (counters["fte"] > 0).all()
    # And the back office's departments, from the tasks a simulation run counts.
    back_office = sized[sized["staff_group"].str.match("bo_|wmo_")]
    assert len(back_office) == 10 and (back_office["fte"] > 0).all()
    nulmeting_needs = needs["nulmeting"]
    assert set(nulmeting_needs.loc[nulmeting_needs["staff_group"] == "breed_balie", "shop"]) == {
        "zuid",
        "oost",
    }
    assert (nulmeting_needs["staff_group"] != "-").all()
    mixes = pd.read_csv(sweep / "skill_mix_by_year.csv")
    for _, year in mixes.groupby("scenario"):
        fte_of = year.set_index("skill_mix")["fte"]
        assert fte_of["multi_skilled"] < fte_of["scenario"] < fte_of["specialists"]
    page = (sweep / "staffing_report.html").read_text(encoding="utf-8")
    assert "Nulmeting 2027" in page and "Eindbeeld 2031" in page
    assert (sweep / "figures" / "fte_by_year.png").stat().st_size > 10_000


def test_a_dutch_staffing_plan_speaks_dutch(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    done = staff(
        tmp_path,
        f"hydra.run.dir={out}",
        "municipality=kleinstad",
        "report.language=nl",
        "staffing.optimise=false",
        "staffing.compare_skill_mix=false",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Personeelsplan (erlang_a, bezettingsgraad hoogstens 85%")
    assert "totaal fte:" in done.stdout and "medewerkersgroep" in done.stdout
    assert "Uitvoer:" in done.stdout
    for english in ("Staffing plan", "total FTE", "Outputs:", "staff_group"):
        assert english not in done.stdout, english
    page = (out / "staffing_report.html").read_text(encoding="utf-8")
    assert "<h1>Personeelsplan: kleinstad</h1>" in page and "Fte per medewerkersgroep" in page


def test_staffing_settings_are_validated(tmp_path: Path) -> None:
    done = staff(tmp_path, f"hydra.run.dir={tmp_path / 'x'}", "staffing.method=magic")
    assert done.returncode == 2
    assert "staffing.method: unknown value 'magic'; allowed: erlang_a, erlang_c" in done.stderr


@pytest.mark.long
def test_a_run_can_plan_its_staffing_into_its_report(tmp_path: Path) -> None:
    out = tmp_path / "run"
    done = klantstroom(
        tmp_path,
        f"hydra.run.dir={out}",
        "municipality=kleinstad",
        "output.staffing_plan=true",
        "staffing.optimise=false",
        "run.replications=2",
        "run.horizon_days=7",
        "run.warmup_days=1",
    )
    assert done.returncode == 0, done.stderr
    assert "total FTE" in done.stdout  # the plan's summary, next to the run's
    for name in ("fte.csv", "shifts.csv", "requirements.parquet", "staffing_report.html"):
        assert (out / name).is_file(), name
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<h2>Staffing plan</h2>" in page
    fte = pd.read_csv(out / "fte.csv")
    for total in (f"{fte['fte'].sum():.1f} FTE", "not checked by simulation"):
        assert total in page
    assert page.count("data:image/png;base64,") >= 2  # its figure among the run's
    assert "href='staffing_report.html'" in page


# The config repository copies a help makes (one per group listing, as Hydra 1.3 lists them);
# the first argument says whether the groups are listed from one copy or as Hydra lists them.
_COPIES = _counting_main(
    "hydra._internal.config_repository.CachingConfigRepository",
    "__init__",
    "copies",
    setup=(
        "import klantstroom.config.group_listing as group_listing\n"
        "if sys.argv.pop(1) == 'hydra':\n"
        "    group_listing.install = lambda: False"
    ),
)


@pytest.mark.parametrize(
    ("flag", "group"), [("--help", "scenarios: "), ("--hydra-help", "hydra/launcher: ")]
)
def test_help_lists_the_groups_from_one_copy_of_the_repository(
    flag: str, group: str, tmp_path: Path
) -> None:
    shared = klantstroom(tmp_path, "shared", flag, command=[sys.executable, "-c", _COPIES])
    hydra = klantstroom(tmp_path, "hydra", flag, command=[sys.executable, "-c", _COPIES])
    assert shared.returncode == hydra.returncode == 0, shared.stderr + hydra.stderr
    assert shared.stdout == hydra.stdout
    assert group in shared.stdout
    copies = [int(r.stderr.rsplit("copies:", 1)[1]) for r in (shared, hydra)]
    # One for the listing and one for the help's own composition, against one per group.
    assert copies[0] == 2 and copies[1] > 20, copies


def test_help_lists_the_scenarios_and_the_main_keys_quickly(tmp_path: Path) -> None:
    done = klantstroom(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "scenarios: " in text and "routekaart" in text and "municipality: " in text
    assert "run.replications" in text and "docs/configuration.md" in text
    # Only conf/ and scenarios/ are config groups: not the checkout's .venv, outputs or tests.
    groups = [line.split(":")[0] for line in text.splitlines() if ": " in line]
    assert not any(
        g.strip(".").startswith(("venv", "outputs", "tests", "src", "git")) for g in groups
    )
    assert len(text.splitlines()) < 60
    # Every command the package installs is named, so the list grows with the commands.
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    scripts = tomllib.loads(pyproject)["project"]["scripts"]
    missing = [name for name in scripts if name != "klantstroom" and name not in text]
    assert not missing, f"klantstroom --help does not name {missing}"
