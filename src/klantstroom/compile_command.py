"""The ``klantstroom-compile`` command: the simulation model compiled with mypyc, or not.

::

    klantstroom-compile             # compile klantstroom.model, then check it against the source
    klantstroom-compile --status    # compiled, out of date, or interpreted
    klantstroom-compile --remove    # back to the source

The simulation is pure Python with a flat profile; mypyc, the compiler that ships with mypy,
turns its type-annotated modules into C extensions as they are, which simulates a Grootstad
year about 1.7 times as fast with the same event log (``benchmarks/compiled.py``). It is
optional: it needs mypy and setuptools (``pip install -e ".[compile]"``), a C compiler and
Python's headers, and the extensions only work for the Python that built them. Results do not
depend on it.

What it does:

1. checks what the build needs and names what is missing (exit code 2);
2. simulates a check run with the interpreted model (two weeks of Grootstad after a week of
   warm-up) and keeps the hash of its event log;
3. compiles every module of ``klantstroom.model`` (except ``__init__``) in a temporary copy of
   the package and copies the extensions into the model's folder, one group with its shared
   library ``_native__mypyc`` there too, and records the SHA-256 of each source in
   ``compiled.json``;
4. simulates the check run again with the compiled model: a different event log removes the
   compiled files again and fails (exit code 1).

Importing :mod:`klantstroom.model` refuses compiled files whose sources have changed since, so
an edit never runs stale compiled code unnoticed (:mod:`klantstroom.compiled_model`).
"""

from __future__ import annotations

import argparse
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from pathlib import Path

import klantstroom
from klantstroom.compiled_model import MANIFEST, changed_sources, source_digest

# The check run: the default municipality, briefly (the shops, appointments, back office, chat,
# journeys and failure demand all take part).
CHECK_OVERRIDES = ("run.horizon_days=14", "run.warmup_days=7")

# A child process: compose (not timed), simulate replication 0 (timed), print the CPU seconds,
# the number of contacts, a hash of the whole event log and whether the model was compiled.
SIMULATE_CHILD = """
import hashlib, sys, time
from klantstroom import api
from klantstroom.compile_command import model_kind
from klantstroom.model import simulation
scenario = api.load_scenario(sys.argv[2:])
started = time.process_time()
log = simulation.simulate(scenario, int(sys.argv[1]))
cpu = time.process_time() - started
digest = hashlib.sha256()
for columns in (log.contacts, log.spells):
    for name in sorted(columns):
        digest.update(name.encode())
        digest.update(columns[name].tobytes())
print(cpu, len(log.contacts["contact_id"]), digest.hexdigest(), model_kind() != "interpreted")
"""

# Builds the extensions in place: run with the folder that holds (a copy of) ``klantstroom/`` as
# the working directory; arguments: optimisation level, build folder, the sources.
# ``--no-site-packages``: mypy type-checks every module the model's imports lead to, and through
# the scenario package (``klantstroom.executors`` imports Dask and joblib inside functions) that
# was some 3,900 modules of Dask, pandas, IPython and the like: 30 s of the build's 48 (at
# optimisation level 0), where the model alone takes 2.6 s. Without site-packages the third-party
# names are ``Any``, which mypyc compiles as it compiles their types anyway (Python objects);
# the same event log, and no slower (a 60-day Grootstad run, alternated: 3.50-3.58 s against
# 3.61-3.68 s of CPU).
_SETUP = """
import sys
from mypyc.build import mypycify
from setuptools import setup
opt_level, build, sources = sys.argv[1], sys.argv[2], sys.argv[3:]
setup(
    name="klantstroom-model",
    ext_modules=mypycify(
        ["--ignore-missing-imports", "--no-site-packages", *sources],
        opt_level=opt_level,
        group_name="klantstroom.model._native",
        target_dir=build,
    ),
    script_args=["build_ext", "--inplace", "--build-temp", build, "--build-lib", build],
)
"""


class CompileError(Exception):
    """The model could not be compiled, or its check failed; the message says why."""


def model_folder() -> Path:
    """The folder of the installed ``klantstroom.model`` package (found without importing it:
    a model that is out of date refuses to be imported)."""
    return Path(klantstroom.__file__).parent / "model"


def model_kind() -> str:
    """``"compiled with mypyc"`` or ``"interpreted"``: how this process runs the model (for
    the benchmarks' headers)."""
    from klantstroom.model import simulation

    return "interpreted" if simulation.__file__.endswith(".py") else "compiled with mypyc"


def sources(folder: Path) -> list[Path]:
    """The modules compiled: every ``.py`` of the model except ``__init__``."""
    return sorted(path for path in folder.glob("*.py") if path.name != "__init__.py")


def compiled_files(folder: Path) -> list[Path]:
    """The compiled files in ``folder`` (extensions of its modules and the shared library, and
    the record of their sources)."""
    names = {path.stem for path in sources(folder)} | {"_native__mypyc"}
    found = [
        path
        for path in folder.iterdir()
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        if path.name.endswith(suffix) and path.name[: -len(suffix)] in names
    ]
    manifest = folder / MANIFEST
    return sorted(found) + ([manifest] if manifest.is_file() else [])


def remove(folder: Path) -> list[Path]:
    """Delete the compiled files; return them."""
    removed = compiled_files(folder)
    for path in removed:
        path.unlink()
    return removed


def status(folder: Path) -> str:
    """One line: whether the model in ``folder`` is compiled, out of date or interpreted."""
    try:
        changed = changed_sources(folder)
    except ImportError as error:
        return str(error)
    if changed is None:
        return f"interpreted: {folder} holds the source only"
    if changed:
        return f"out of date: {', '.join(changed)} changed since it was compiled (in {folder})"
    record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return (
        f"compiled with mypyc {record.get('mypy', '?')} for Python {record.get('python', '?')} "
        f"(optimisation level {record.get('opt_level', '?')}), {len(record['sources'])} modules "
        f"in {folder}"
    )


def copy_package(folder: Path) -> Path:
    """Copy the installed package into ``folder/src`` without a compiled model, ``conf/`` and
    ``scenarios/`` linked beside it (found there as in a checkout, :mod:`klantstroom.paths`);
    return the copy's model folder. For trying a build without touching the installed package
    (``benchmarks/compiled.py``, the tests)."""
    from klantstroom.paths import conf_dir, scenarios_dir

    model = _copy_sources(Path(klantstroom.__file__).parent, folder / "src")
    (folder / "conf").symlink_to(conf_dir())
    (folder / "scenarios").symlink_to(scenarios_dir())
    return model


def _copy_sources(package: Path, root: Path) -> Path:
    """Copy the package folder ``package`` to ``root/klantstroom`` without bytecode or a
    compiled model; return the copy's model folder."""
    shutil.copytree(
        package,
        root / "klantstroom",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", MANIFEST),
    )
    return root / "klantstroom" / "model"


def missing_prerequisites() -> list[str]:
    """What the build needs and this machine lacks, each with what to do."""
    problems = []
    for module, package in (("mypyc", "mypy"), ("setuptools", "setuptools")):
        try:
            __import__(module)
        except ImportError:
            problems.append(f'{package} is not installed: pip install -e ".[compile]"')
    compiler = os.environ.get("CC") or str(sysconfig.get_config_var("CC") or "cc")
    program = compiler.split()[0] if compiler.split() else "cc"
    if shutil.which(program) is None:
        problems.append(
            f"no C compiler: {program!r} (the environment's CC, else Python's) is not on the "
            "PATH; install one (Debian: sudo apt-get install gcc) or set CC"
        )
    include = Path(sysconfig.get_paths()["include"])
    if not (include / "Python.h").is_file():
        problems.append(
            f"Python's C headers are missing ({include}/Python.h); install them "
            "(Debian: sudo apt-get install python3-dev)"
        )
    return problems


def simulate_check(
    folder: Path, overrides: tuple[str, ...] = CHECK_OVERRIDES, replication: int = 0
) -> tuple[float, int, str, bool]:
    """Simulate a check run in a new process with the model in ``folder``; return its CPU
    seconds, contacts, event-log hash and whether the model was compiled."""
    root = folder.parents[1]  # the folder that holds klantstroom/
    path = [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    done = subprocess.run(
        [sys.executable, "-c", SIMULATE_CHILD, str(replication), *overrides],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise CompileError(f"the check run failed:\n{done.stderr.strip()[-2000:]}")
    cpu, contacts, digest, compiled = done.stdout.split()[-4:]
    return float(cpu), int(contacts), digest, compiled == "True"


def compile_model(folder: Path, opt_level: str = "3") -> float:
    """Compile the model in ``folder`` and record its sources; return the build's CPU seconds.
    Raises :class:`CompileError` (no compiled file left) when the build fails.

    The package is built in a temporary copy and the extensions copied beside the sources: mypy
    takes the folder it runs in for the root of the sources, which for an installed package
    would be all of ``site-packages``.
    """
    import mypy.version

    remove(folder)
    before = os.times()
    with tempfile.TemporaryDirectory(prefix="klantstroom-compile-") as tmp:
        stage = Path(tmp) / "src"
        staged = _copy_sources(folder.parent, stage)
        names = [str(path.relative_to(stage)) for path in sources(staged)]
        done = subprocess.run(
            [sys.executable, "-c", _SETUP, opt_level, str(Path(tmp) / "build"), *names],
            cwd=stage,
            capture_output=True,
            text=True,
            check=False,
        )
        built = [path for path in compiled_files(staged) if path.name != MANIFEST]
        if done.returncode != 0 or len(built) != len(names) + 1:
            output = (done.stdout + done.stderr).strip()
            raise CompileError(f"mypyc could not compile the model:\n{output[-3000:]}")
        record = {
            "python": sysconfig.get_python_version(),
            "mypy": mypy.version.__version__,
            "opt_level": opt_level,
            # The sources as compiled: the staged copies.
            "sources": {path.name: source_digest(path) for path in sources(staged)},
        }
        try:
            for path in built:
                shutil.copy2(path, folder / path.name)
            (folder / MANIFEST).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        except OSError:
            remove(folder)
            raise
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def compile_and_check(folder: Path, opt_level: str = "3") -> str:
    """Compile the model in ``folder`` and check the compiled model against the source on the
    check run; return what to tell the user. Raises :class:`CompileError`."""
    remove(folder)
    python_cpu, contacts, expected, compiled = simulate_check(folder)
    if compiled:
        raise CompileError(f"{folder}: a compiled model is still imported; remove it first")
    build_cpu = compile_model(folder, opt_level)
    compiled_cpu, _, digest, compiled = simulate_check(folder)
    if not compiled or digest != expected:
        remove(folder)
        what = "was not imported" if not compiled else "gave another event log than the source"
        raise CompileError(f"the compiled model {what} on the check run; it is removed again")
    return (
        f"compiled {len(sources(folder))} modules of klantstroom.model in {build_cpu:.0f} s of "
        f"CPU ({folder})\ncheck run (Grootstad, {', '.join(CHECK_OVERRIDES)}): the same event "
        f"log of {contacts:,} contacts; simulation {python_cpu:.2f} s of CPU interpreted, "
        f"{compiled_cpu:.2f} s compiled ({python_cpu / compiled_cpu:.2f}x)\n"
        "klantstroom-compile --remove goes back to the source"
    )


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point (``klantstroom-compile``); returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="klantstroom-compile",
        description=textwrap.dedent(__doc__.split("\n\n")[2]).strip(),
        # The description is the docstring's usage block: three command lines, kept as lines.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--status", action="store_true", help="say whether the model is compiled")
    action.add_argument("--remove", action="store_true", help="delete the compiled model")
    parser.add_argument(
        "--opt-level",
        choices=["0", "1", "2", "3"],
        default="3",
        help="the C compiler's optimisation level (default 3; 0 builds faster, runs slower)",
    )
    args = parser.parse_args(argv)
    folder = model_folder()
    if args.status:
        print(status(folder))
        return 0
    try:
        return _act(args, folder)
    except OSError as error:  # a package folder the user may not write to, a full disk
        print(f"klantstroom-compile: {folder}: {error.strerror or error}", file=sys.stderr)
        return 2


def _act(args: argparse.Namespace, folder: Path) -> int:
    """Remove or compile the model in ``folder`` as ``args`` say; return the exit code."""
    if args.remove:
        removed = remove(folder)
        print(f"removed {len(removed)} compiled file(s); the model runs from its source")
        return 0
    problems = missing_prerequisites()
    if problems:
        for problem in problems:
            print(f"klantstroom-compile: {problem}", file=sys.stderr)
        print("klantstroom-compile: the model runs from its source as before", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        message = compile_and_check(folder, args.opt_level)
    except CompileError as error:
        print(f"klantstroom-compile: {error}", file=sys.stderr)
        return 1
    print(f"{message}\n({time.perf_counter() - started:.0f} s in all)")
    return 0


def entry() -> None:
    """Console-script wrapper: exit with :func:`main`'s code."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
