"""The commands' entry points: a compiled model older than its source is one line, not a traceback.

``pyproject.toml`` names these functions as the console scripts. Each imports its command's
module only when it is called, and runs it. Importing :mod:`klantstroom.model` refuses a
compiled model whose sources changed since ``klantstroom-compile`` (an edit, a ``git pull``:
:mod:`klantstroom.compiled_model`); a command meets that refusal while importing, or later when
it first simulates. Here it is printed as its message with the command's name, and the command
exits with code 2, instead of Python printing the traceback of a chain of imports. The workshop
page is the exception: its server starts without the model, and the page that loads it shows
the same message in the browser, as Streamlit shows any error.

``klantstroom-compile`` itself is not launched from here: it must work when the model cannot be
imported (:mod:`klantstroom.compile_command`).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

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


def _command(name: str, target: str) -> Callable[[], None]:
    """The console-script function of command ``name``, which runs ``target``."""

    def run() -> None:
        launch(name, target)

    run.__doc__ = f"``{name}``: runs ``{target}`` (see :func:`launch`)."
    return run


# The commands, each with the function that is the command (pyproject.toml names these).
klantstroom = _command("klantstroom", "klantstroom.cli:main")
staff = _command("klantstroom-staff", "klantstroom.cli:staff_main")
replay = _command("klantstroom-replay", "klantstroom.cli:replay_main")
calibrate = _command("klantstroom-calibrate", "klantstroom.calibration.command:main")
journeys = _command("klantstroom-journeys", "klantstroom.report.personas:main")
compare = _command("klantstroom-compare", "klantstroom.report.compare_command:entry")
diff = _command("klantstroom-diff", "klantstroom.diff_command:entry")
export = _command("klantstroom-export", "klantstroom.report.export:entry")
workshop = _command("klantstroom-workshop", "klantstroom.workshop.command:main")
sensitivity = _command("klantstroom-sensitivity", "klantstroom.study.sensitivity_command:entry")
fan = _command("klantstroom-fan", "klantstroom.study.fan_command:entry")
