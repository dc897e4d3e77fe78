"""The SimPy model: demand, queues, staff, dispatcher and event log.

The model receives a frozen :class:`~klantstroom.scenario.spec.Scenario` and appends rows to an
event log; it imports no pandas, matplotlib, Hydra or OmegaConf. Run one replication with
:func:`klantstroom.model.simulation.simulate`.

``klantstroom-compile`` may compile these modules with mypyc; importing this package then
checks that no source has changed since (:mod:`klantstroom.compiled_model`).
"""

from __future__ import annotations

from pathlib import Path

from klantstroom.compiled_model import check_compiled

check_compiled(Path(__file__).parent)
