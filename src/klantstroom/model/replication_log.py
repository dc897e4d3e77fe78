"""What one replication hands on to the tables: the event-log columns and the run's facts.

The model's only output. It holds plain NumPy columns (no DataFrame: the model imports no
pandas), so a replication run in another process is cheap to send back, and the tables
(:mod:`klantstroom.tables`) turn it into DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class ReplicationLog:
    """What one replication produced: the raw event-log columns and run facts.

    Attributes
    ----------
    replication : int
        The replication number.
    contacts : dict of str to numpy.ndarray
        Contact log columns (:data:`~klantstroom.model.eventlog.CONTACT_COLUMNS`), warm-up
        contacts included (their ``arrival_min`` is negative).
    spells : dict of str to numpy.ndarray
        On-duty spells of staff members (:data:`~klantstroom.model.eventlog.SPELL_COLUMNS`).
    horizon_min, warmup_min : float
        The end of the run and the length of its warm-up, in minutes.
    wall_s : float
        Wall-clock seconds the replication took.
    personas : tuple of (str, int)
        The citizen id of each persona of the scenario.
    proficiency : dict of str to numpy.ndarray
        Daily proficiency of training cohorts on their new skills
        (:data:`~klantstroom.model.training.PROFICIENCY_COLUMNS`); empty without training.
    """

    replication: int
    contacts: dict[str, np.ndarray]
    spells: dict[str, np.ndarray]
    horizon_min: float
    warmup_min: float
    wall_s: float
    personas: tuple[tuple[str, int], ...] = ()
    proficiency: dict[str, np.ndarray] = field(default_factory=dict)
