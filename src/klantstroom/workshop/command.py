"""``klantstroom-workshop``: serve the what-if page on this machine.

::

    klantstroom-workshop                       # http://localhost:8501, Dutch
    klantstroom-workshop --language en --port 8502 --outputs runs/workshop --open

The page is a Streamlit app (:mod:`klantstroom.workshop.app`): Streamlit is the most used
Python library for analysts' pages, kept by Snowflake with releases every few weeks, and its
model -- a script that reruns top to bottom with widgets whose values it reads -- keeps the page
a thin layer over :mod:`klantstroom.workshop.levers` and :mod:`klantstroom.workshop.whatif`. The
server always runs headless (no first-run e-mail prompt, no telemetry); ``--open`` opens the
page in the default browser.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import webbrowser
from collections.abc import Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (errors exit 2 naming the option)."""
    parser = argparse.ArgumentParser(
        prog="klantstroom-workshop",
        description="Serve the what-if page: choose a road-map year, what-ifs and levers, run "
        "them and save each as scenarios/workshop/<name>.yaml.",
    )
    parser.add_argument("--port", type=int, default=8501, help="port on localhost (8501)")
    parser.add_argument(
        "--language", choices=("nl", "en"), default="nl", help="the page's language (nl)"
    )
    parser.add_argument(
        "--outputs",
        type=Path,
        default=Path("outputs/workshop"),
        help="folder of the runs, one per configuration (outputs/workshop)",
    )
    parser.add_argument("--open", action="store_true", help="open the page in the browser")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port: must be 1-65535, got {args.port}")
    return args


def streamlit_argv(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line for ``args``."""
    return [
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(args.port),
        "--server.address",
        "localhost",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
        "--theme.base",
        "light",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the page until Ctrl+C."""
    args = parse(argv)
    os.environ["KLANTSTROOM_WORKSHOP_LANGUAGE"] = args.language
    os.environ["KLANTSTROOM_WORKSHOP_OUTPUTS"] = str(args.outputs.resolve())
    from streamlit.web import cli

    if args.open:
        url = f"http://localhost:{args.port}"
        threading.Timer(3.0, webbrowser.open, args=(url,)).start()
    sys.argv = streamlit_argv(args)
    sys.exit(cli.main())
