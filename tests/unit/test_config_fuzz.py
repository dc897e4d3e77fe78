"""Fuzzing the configuration boundary: every mutation gives a clean error or a valid scenario.

Issue 18 point 6 (the config half). Seeded mutations of the composed configuration (as
command-line overrides) and of scenario files (as YAML text) go through the path a run takes,
in-process: :func:`klantstroom.config.composing.compose_checked` (Hydra's compose API behind the
gate) and :func:`klantstroom.config.scenario_from_config`. Each case must end in

* a valid scenario, or
* :class:`~klantstroom.scenario.errors.ScenarioErrors` whose every error names a key, or
* :class:`~klantstroom.config.gate.ConfigFileRefused` naming the file,

never another exception, a hang (each case has a guard of 120 s of CPU) or, for a mutation
that is clearly invalid (a misspelt key, a list for a mapping, a string for a number, a
non-finite number, a dangling reference, a bad time, a YAML syntax error, an injection), a
scenario at all.

The bases are the textbook scenarios (the blank municipality, so every schema default is in the
tree: run, calendar, channels, services, staff groups, routing, counter, staffing, norms ...) and
kleinstad, whose composition is costlier, for a smaller share. A sample of the same inputs goes
through the ``klantstroom`` command in subprocesses: exit code 2, one message, no traceback.

Result when written (seed 18): 360 in-process cases (300 override mutations on four bases, 60
scenario-file mutations), 318 of them clearly invalid; 100% clean: no other exception, no hang,
every clearly invalid one refused with its key (or its file, line and column), in about 26 s on
two shared cores. 7 command-line cases, all clean (exit code 2, one message, no traceback), 2 s
each. Before issue 18 point 5 the same inputs gave tracebacks (override grammar, YAML syntax, a
list for a mapping in a file) and accepted non-finite and huge numbers.
"""

from __future__ import annotations

import math
import os
import random
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from omegaconf import OmegaConf

from klantstroom.config import gate, register_configs, scenario_from_config
from klantstroom.config.composing import compose_checked
from klantstroom.paths import conf_dir, scenarios_dir
from klantstroom.scenario.errors import ScenarioErrors
from subprocesses import HANG_GUARD_S

SEED = 18
N_OVERRIDE_CASES = 300
N_FILE_CASES = 60
# A case that burns this much CPU building one scenario is stuck (a composition takes 0.1 to
# 0.5 s): a guard against a hang, in CPU seconds so that a busy or slow machine cannot fail it.
CASE_CPU_S = 120.0
BASES = ("scenarios=textbook/mmc", "scenarios=textbook/erlang_a", "scenarios=textbook/n_design")
SLOW_BASE = "municipality=kleinstad"
SLOW_SHARE = 0.05  # of the override cases; a kleinstad composition takes ~0.5 s
GENERIC_KEYS = ("", "config", "overrides", "defaults")
TIME = re.compile(r"^\d\d:\d\d(-\d\d:\d\d)?$")
# Leaves a bound applies to: huge values there must be refused (docs/configuration.md, Bounds).
BOUNDED = re.compile(
    r"(horizon_days|replications|warmup_days|n_jobs|mean_min|sd_min|rate_per_hour|"
    r"volume_per_year|headcount|desks)$"
)


@dataclass(frozen=True)
class Case:
    """One mutation: overrides (and a scenario file's text), and whether it must be refused."""

    name: str
    overrides: tuple[str, ...]
    invalid: bool
    file_text: str | None = None


class Hang(Exception):
    """A case ran past its CPU guard."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) of every mapping and leaf of the config; lists count as leaves."""
    if isinstance(node, dict):
        if path:
            yield path, node
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    else:
        yield path, node


def _misspelt(rng: random.Random, word: str) -> str:
    if len(word) > 2 and rng.random() < 0.5:
        i = rng.randrange(len(word))
        return word[:i] + word[i + 1 :]
    return word + rng.choice("xqz")


def _override_cases(base: str, tree: dict[str, Any], rng: random.Random, n: int) -> list[Case]:
    """``n`` seeded mutations of ``tree`` (the composed config of ``base``) as overrides."""
    paths = [
        (path, value)
        for path, value in _leaves(tree)
        if not path.startswith(("hydra", "params")) and all(part for part in path.split("."))
    ]
    cases = []
    while len(cases) < n:
        path, value = rng.choice(paths)
        parent, _, last = path.rpartition(".")
        number = isinstance(value, int | float) and not isinstance(value, bool)
        options: list[tuple[str, str, bool]] = [
            ("misspelt", f"{parent + '.' if parent else ''}{_misspelt(rng, last)}=1", True),
            ("dangling", f"{path}=${{run.nonexistent}}", True),
            ("environment", f"{path}=${{oc.env:HOME}}", True),
            ("target", f"+{path}._target_=os.system" if isinstance(value, dict) else "", True),
            ("unparseable", f"{path}=Jaar 1 (2028)", True),
            ("open interpolation", f"{path}=${{run", True),
        ]
        if isinstance(value, dict):
            options += [
                ("list for mapping", f"{path}=[1,2]", True),
                ("string for mapping", f"{path}=abc", True),
                ("empty mapping", f"{path}={{}}", bool(value)),
                ("unset block", f"{path}.nieuw_{rng.randrange(99)}.x=1", True),
            ]
        if number:
            options += [
                ("string for number", f"{path}=abc", True),
                ("list for number", f"{path}=[1]", True),
                ("inf", f"{path}={rng.choice(['inf', '-inf', 'nan'])}", True),
                ("huge", f"{path}=1e300", bool(BOUNDED.search(path))),
                ("negative", f"{path}=-1", False),
                ("nudged", f"{path}={value * 1.1 + 1}", False),
            ]
        if isinstance(value, str) and TIME.match(value):
            bad = rng.choice(["25:00", "9am", "12:75", "17:00-09:00", "08:00-"])
            options.append(("bad time", f"{path}={bad}", True))
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, str) and TIME.match(v) for v in value)
        ):
            options.append(("bad period", f"{path}=[25:00-26:00]", True))
        if path.endswith("date_factors"):
            options.append(("date key", f"{path}.2027-05-01=2", True))
        kind, override, invalid = rng.choice([o for o in options if o[1]])
        cases.append(Case(f"{base} {kind}: {override}", (base, override), invalid))
    return cases


# Mutations of a scenario file: as text (YAML syntax) or of its content (then written back).
TEXT_KINDS = ("missing colon", "open bracket", "tab indent", "bad indent", "duplicate key")
CONTENT_KINDS = (
    "misspelt key",
    "list for mapping",
    "value for mapping",
    "non-finite",
    "environment",
    "target",
    "hydra section",
    "dangling",
)


def _file_mutation(rng: random.Random, text: str) -> tuple[str, str]:
    """(kind, mutated text) of a scenario file; every mutation makes it invalid."""
    kind = rng.choice(TEXT_KINDS + CONTENT_KINDS)
    if kind in CONTENT_KINDS:
        return kind, _content_mutation(rng, kind, text)
    lines = text.splitlines()
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+:", line)]
    i = rng.choice(keyed)
    line = lines[i]
    if kind == "missing colon":
        lines[i] = line.replace(":", "", 1) + " more"
    elif kind == "open bracket":
        lines[i] = line.split(":", 1)[0] + ": [oops"  # a flow sequence left open
    elif kind == "tab indent":
        lines[i] = "\t" + line
    elif kind == "bad indent":
        lines[i] = line.lstrip() + ": x" if line.startswith(" ") else "   " + line + ": x"
    else:
        lines.insert(i + 1, line)
    return kind, "\n".join(lines) + "\n"


def _content_mutation(rng: random.Random, kind: str, text: str) -> str:
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("# @package"))
    content = yaml.safe_load(text)
    mappings = [(p, v) for p, v in _leaves(content) if isinstance(v, dict) and p != "defaults"]
    numbers = [
        (p, v)
        for p, v in _leaves(content)
        if isinstance(v, int | float) and not isinstance(v, bool) and not p.startswith("params")
    ]
    path, node = rng.choice(mappings)

    def put(dotted: str, value: Any) -> None:
        *parents, last = dotted.split(".")
        target = content
        for part in parents:
            target = target[part]
        target[last] = value

    if kind == "misspelt key":
        key = rng.choice([k for k in node if not str(k).startswith("_")])
        node[_misspelt(rng, str(key))] = node.pop(key)
        if path == "params":  # params take any key: misspell a section instead
            content[_misspelt(rng, "run")] = content.pop("run")
    elif kind == "list for mapping":
        put(path, ["a", "b"])
    elif kind == "value for mapping":
        put(path, 5)
    elif kind == "non-finite" and numbers:
        put(rng.choice(numbers)[0], rng.choice([math.inf, -math.inf, math.nan]))
    elif kind == "non-finite":
        content.setdefault("run", {})["horizon_days"] = math.inf
    elif kind == "environment":
        node[rng.choice(list(node) or ["x"])] = "${oc.env:HOME}"
    elif kind == "target":
        node["_target_"] = "os.system"
    elif kind == "hydra section":
        content["hydra"] = {"run": {"dir": "/tmp/elsewhere"}}
    else:
        content.setdefault("run", {})["label"] = "${run.nonexistent}"
    return header + yaml.safe_dump(content, sort_keys=False)


def _file_cases(rng: random.Random, n: int) -> list[Case]:
    sources = sorted((scenarios_dir() / "textbook").glob("*.yaml"))
    cases = []
    for k in range(n):
        source = rng.choice(sources)
        kind, text = _file_mutation(rng, source.read_text(encoding="utf-8"))
        cases.append(Case(f"{source.name} {kind} (fuzz_{k})", (), True, text))
    return cases


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    register_configs()
    gate.install()
    rng = random.Random(SEED)
    result: list[Case] = []
    n_slow = round(N_OVERRIDE_CASES * SLOW_SHARE)
    for base in (*BASES, SLOW_BASE):
        tree = OmegaConf.to_container(compose_checked([base], config_dir=conf_dir()))
        assert isinstance(tree, dict)
        n = n_slow if base == SLOW_BASE else (N_OVERRIDE_CASES - n_slow) // len(BASES)
        result += _override_cases(base, tree, rng, n)
    result += _file_cases(rng, N_FILE_CASES)
    return result


def _outcome(case: Case, folder: Path) -> str | None:
    """None if ``case`` ends cleanly, else what went wrong."""
    overrides = list(case.overrides)
    if case.file_text is not None:
        name = case.name.rsplit("(", 1)[1].rstrip(")")
        (folder / "scenarios").mkdir(exist_ok=True)
        (folder / "scenarios" / f"{name}.yaml").write_text(case.file_text, encoding="utf-8")
        overrides = [f"scenarios={name}", f"hydra.searchpath=[file://{folder}]"]
    previous = signal.signal(signal.SIGPROF, _alarm)
    signal.setitimer(signal.ITIMER_PROF, CASE_CPU_S)  # CPU time of this process
    try:
        scenario_from_config(compose_checked(overrides, config_dir=conf_dir()), base_dir=folder)
    except ScenarioErrors as errors:
        # A key is a dotted config path or, for a whole file, the file: never a placeholder.
        unnamed = [str(e) for e in errors.errors if e.key in GENERIC_KEYS or not e.message]
        return f"errors without a key: {unnamed}" if unnamed else None
    except gate.ConfigFileRefused as refused:
        return None if ": " in str(refused) else f"refusal without a key: {refused}"
    except Hang:
        return f"no answer within {CASE_CPU_S:.0f} s of CPU"
    except Exception as error:  # the very thing this test looks for
        return f"{type(error).__name__}: {error}"
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0.0)
        signal.signal(signal.SIGPROF, previous)
    return "accepted, but it is invalid" if case.invalid else None


@pytest.mark.long
def test_every_mutation_gives_a_clean_error_or_a_valid_scenario(
    cases: list[Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert len(cases) >= 300
    assert sum(case.invalid for case in cases) >= 250
    problems = [
        f"{case.name}: {problem}"
        for case in cases
        if (problem := _outcome(case, tmp_path)) is not None
    ]
    assert not problems, f"{len(problems)} of {len(cases)} cases:\n" + "\n".join(problems)


def test_the_cases_are_the_same_every_time(cases: list[Case]) -> None:
    rng = random.Random(SEED)
    tree = OmegaConf.to_container(compose_checked([BASES[0]], config_dir=conf_dir()))
    assert isinstance(tree, dict)
    first = _override_cases(BASES[0], tree, rng, 20)
    assert [c.overrides for c in first] == [c.overrides for c in cases[:20]]


# The command line: the same inputs in a subprocess, as a user types them.
CLI_CASES = [
    ("run.label=Jaar 1 (2028)", "run.label: cannot read the value"),
    (
        "staff_groups.agents.roster.shifts[0].headcount=6",
        "a list item is named by its number after a dot: "
        "staff_groups.agents.roster.shifts.0.headcount=...",
    ),
    ("channels.phone.date_factors.2027-05-01=2", "cannot be set on the command line"),
    ("services={}", "services: {} changes nothing"),
    ("run.horizon_days=inf", "run.horizon_days: must be a finite number"),
    ("run.n_jobs=1000", "run.n_jobs: must be 1 to"),
    ("services.customer.label=${run.nonexistent}", "services.customer.label:"),
    ("scenarios=fuzz_cli", "fuzz_cli.yaml: line 3, column 1: not valid YAML"),
]


@pytest.mark.parametrize(("override", "expected"), CLI_CASES)
def test_the_command_gives_one_clean_message(tmp_path: Path, override: str, expected: str) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "fuzz_cli.yaml").write_text(
        "# @package _global_\nrun: {label: [oops\n", encoding="utf-8"
    )
    args = ["scenarios=textbook/mmc", override] if "scenarios=" not in override else [override]
    source = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "HYDRA_FULL_ERROR": "0", "PYTHONPATH": source}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "klantstroom.cli",
            *args,
            f"hydra.searchpath=[file://{tmp_path}]",
            f"hydra.run.dir={tmp_path / 'out'}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD_S,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr and "HYDRA_FULL_ERROR" not in done.stderr
    assert done.stderr.count("klantstroom:") == 1, done.stderr
    assert not (tmp_path / "out" / "contacts.parquet").exists()
