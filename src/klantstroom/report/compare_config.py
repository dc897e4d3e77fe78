"""What each scenario changes, in ``klantstroom-compare``: its configuration against the baseline.

The comparison shows what each run's KPIs are; this section shows why they differ: per run the
configuration keys whose values differ from the baseline run's, as each run recorded them
(``.hydra/config.yaml``, :func:`klantstroom.config.diff.saved_config`). All changes go to
``config_diff.csv`` (columns ``scenario``, ``key``, ``baseline``, ``value``); the page shows the
first :data:`SHOWN` per run and says how many more the file has. A run whose configuration
cannot be read is named with the reason; the rest of the comparison is not held up by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from klantstroom.config.diff import DiffInputError, config_diff, saved_config, shown
from klantstroom.config.gate import ConfigFileRefused
from klantstroom.outputs import write_atomic
from klantstroom.report.templating import render
from klantstroom.results import RunOutput

SHOWN = 25  # changes per run on the page
COLUMNS = ("scenario", "key", "baseline", "value")
_TEXT = {
    "en": {
        "title": "What each scenario changes",
        "lead": "Per scenario the configuration keys whose values differ from the baseline "
        "({baseline}), as each run recorded them; every change is in config_diff.csv. The same "
        "list for any scenario file: klantstroom-diff <scenario> --against <base>.",
        "key": "key",
        "value": "value",
        "none": "No key differs from the baseline.",
        "more": "… and {n} more in config_diff.csv.",
        "unreadable": "Its configuration cannot be read: {reason}",
        "changes": "{n} key(s) differ",
    },
    "nl": {
        "title": "Wat elk scenario verandert",
        "lead": "Per scenario de configuratiesleutels waarvan de waarde afwijkt van de "
        "basislijn ({baseline}), zoals elke run ze vastlegde; alle wijzigingen staan in "
        "config_diff.csv. Dezelfde lijst voor elk scenariobestand: klantstroom-diff <scenario> "
        "--against <basis>.",
        "key": "sleutel",
        "value": "waarde",
        "none": "Geen sleutel wijkt af van de basislijn.",
        "more": "… en nog {n} in config_diff.csv.",
        "unreadable": "De configuratie is niet te lezen: {reason}",
        "changes": "{n} sleutel(s) anders",
    },
}


def config_changes(
    runs: Sequence[RunOutput], labels: Sequence[str], base: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every run's changes against run ``base`` (:data:`COLUMNS`), and the runs whose
    configuration could not be read, with the reason."""
    unreadable: dict[str, str] = {}
    configs = {}
    for run, label in zip(runs, labels, strict=True):
        try:
            configs[label] = saved_config(run.folder)
        except (DiffInputError, ConfigFileRefused) as error:
            unreadable[label] = str(error).splitlines()[0]
    baseline = labels[base]
    rows = []
    if baseline in configs:
        for label in labels:
            if label == baseline or label not in configs:
                continue
            for change in config_diff(configs[baseline], configs[label]):
                rows.append((label, change.key, shown(change.base), shown(change.scenario)))
    return pd.DataFrame(rows, columns=list(COLUMNS)), unreadable


def write_config_comparison(
    runs: Sequence[RunOutput], labels: Sequence[str], base: int, folder: Path, language: str
) -> str:
    """Write ``config_diff.csv`` into ``folder`` and return the page's section (HTML)."""
    changes, unreadable = config_changes(runs, labels, base)
    write_atomic(folder / "config_diff.csv", lambda tmp: changes.to_csv(tmp, index=False))
    t = _TEXT[language]
    baseline = labels[base]
    scenarios = []
    for label in labels:
        if label == baseline:
            continue
        mine = changes[changes["scenario"] == label]
        scenarios.append(
            {
                "label": label,
                "unreadable": unreadable.get(label),
                "count": len(mine),
                "rows": mine[["key", "baseline", "value"]].head(SHOWN).values.tolist(),
                "more": max(len(mine) - SHOWN, 0),
            }
        )
    return render(
        "compare_config.html.j2",
        t=t,
        baseline=baseline,
        baseline_unreadable=unreadable.get(baseline),
        scenarios=scenarios,
    )
