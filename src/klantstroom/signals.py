"""Stop signals: Ctrl-C (SIGINT) and ``kill`` (SIGTERM) stop a run the same orderly way.

Python turns SIGINT into :class:`KeyboardInterrupt`, which the replication loop catches to keep
the finished replications; SIGTERM's default is to end the process on the spot, losing them and
leaving the loky workers behind. :func:`stop_raises` makes both signals raise :class:`Stopped`
(a ``KeyboardInterrupt``), so one code path handles both: joblib aborts its workers and the
finished replications are written. :func:`stop_deferred` keeps a signal that arrives while the
finished replications are turned into tables from losing them: it is only recorded.
:func:`stop_held` keeps a signal from cutting a table in half: it is remembered while the
tables are written and raised once they are on disk.

Signal handlers can only be set from the main thread; elsewhere both context managers do
nothing, and signals keep their usual effect.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received: int | None = None


class Stopped(KeyboardInterrupt):
    """A stop signal arrived; ``signum`` says which (exit code ``128 + signum`` by convention)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def received() -> int | None:
    """The stop signal that arrived since :func:`stop_raises` was entered, or None."""
    return _received


def forget() -> None:
    """Forget a stop signal of an earlier run: a new run in the same process starts clean.

    Without this, a run stopped by a signal in a notebook or test session would make every later
    run of the process skip its figures and report, as if it had been stopped too.
    """
    global _received
    _received = None


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def stop_raises() -> Iterator[None]:
    """While active, SIGINT and SIGTERM raise :class:`Stopped` in the main thread.

    Only the first signal raises: later ones are ignored, so that aborting the workers and
    writing the finished replications is not itself cut short (SIGKILL still ends the process).
    """
    global _received
    if not _in_main_thread():
        yield
        return
    _received = None

    def handler(signum: int, frame: FrameType | None) -> None:
        global _received
        if _received is not None:
            return
        _received = signum
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def _remembered() -> Iterator[list[int]]:
    """While active, stop signals are appended to the yielded list instead of acted on."""
    pending: list[int] = []
    if not _in_main_thread():
        yield pending
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield pending
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _record(pending: list[int]) -> int | None:
    """Record the first remembered signal as received; return it if it is new."""
    global _received
    if pending and _received is None:
        _received = pending[0]
        return pending[0]
    return None


@contextmanager
def stop_held() -> Iterator[None]:
    """While active, a stop signal is remembered, not acted on; it is raised on leaving.

    Used around writing the tables and ``run.json``: a signal then costs no half-written run.
    A signal that :func:`stop_raises` already acted on is not raised a second time.
    """
    with _remembered() as pending:
        yield
    signum = _record(pending)
    if signum is not None:
        raise Stopped(signum)


@contextmanager
def stop_deferred() -> Iterator[None]:
    """While active, a stop signal is remembered, not acted on, and not raised on leaving.

    Used while the finished replications are turned into tables: stopping then would lose
    every replication already simulated. The signal is recorded (:func:`received`), so the
    caller writes the tables, skips the figures and exits with ``128 + signum``.
    """
    with _remembered() as pending:
        yield
    _record(pending)
