"""The commands' entry points: a compiled model older than its source is one line, not a traceback.

``pyproject.toml`` names these functions as the console scripts. Each imports its command's
module only when it is called, and runs it. Importing :mod:`klantstroom.model` refuses a
compiled model whose sources changed since ``klantstroom-compile`` (an edit, a ``git pull``:
:mod:`klantstroom.compiled_model`); a command meets that refusal while importing, or later when
it first simulates. Here it is printed as its message with the command's name, and the command
exits with code 2, instead of Python printing the traceback of a chain of imports.

``klantstroom-compile`` itself is not launched from here: it must work when the model cannot be
imported (:mod:`klantstroom.compile_command`).
"""

from __future__ import annotations

import importlib
import sys

from klantstroom.compiled_model import StaleCompiledModel


def launch(command: str, target: str) -> None:
    """Run ``target`` (``module:function``) as ``command``; exit with its exit code.

    A :class:`~klantstroom.compiled_model.StaleCompiledModel` on the way is printed as
    ``<command>: <message>`` on stderr (exit code 2).
    """
    module, _, function = target.partition(":")
    try:
        code = getattr(importlib.import_module(module), function)()
    except StaleCompiledModel as error:
        print(f"{command}: {error}", file=sys.stderr)
        sys.exit(2)
    sys.exit(code)


def klantstroom() -> None:
    """``klantstroom``: a run (:func:`klantstroom.cli.main`)."""
    launch("klantstroom", "klantstroom.cli:main")


def staff() -> None:
    """``klantstroom-staff``: a staffing plan (:func:`klantstroom.cli.staff_main`)."""
    launch("klantstroom-staff", "klantstroom.cli:staff_main")


def replay() -> None:
    """``klantstroom-replay``: a run again from its folder (:func:`klantstroom.cli.replay_main`)."""
    launch("klantstroom-replay", "klantstroom.cli:replay_main")


def calibrate() -> None:
    """``klantstroom-calibrate``: a log into a runnable scenario and a validation report."""
    launch("klantstroom-calibrate", "klantstroom.calibration.command:main")


def journeys() -> None:
    """``klantstroom-journeys``: the journeys of named citizens as readable text."""
    launch("klantstroom-journeys", "klantstroom.report.personas:main")


def compare() -> None:
    """``klantstroom-compare``: finished runs compared in one report."""
    launch("klantstroom-compare", "klantstroom.report.compare_command:entry")


def diff() -> None:
    """``klantstroom-diff``: what a scenario or a run changes against a base."""
    launch("klantstroom-diff", "klantstroom.diff_command:entry")


def export() -> None:
    """``klantstroom-export``: a run's or a comparison's tables as one Excel workbook."""
    launch("klantstroom-export", "klantstroom.report.export:entry")


def workshop() -> None:
    """``klantstroom-workshop``: the what-if page on this machine."""
    launch("klantstroom-workshop", "klantstroom.workshop.command:main")


def sensitivity() -> None:
    """``klantstroom-sensitivity``: which assumptions matter most for the norms."""
    launch("klantstroom-sensitivity", "klantstroom.study.sensitivity_command:entry")


def fan() -> None:
    """``klantstroom-fan``: how likely the road map meets each norm, year by year."""
    launch("klantstroom-fan", "klantstroom.study.fan_command:entry")
