"""The staffing plan per road-map year: FTE per group from nulmeting to eindbeeld.

``klantstroom-staff -m scenarios=nulmeting,jaar1,jaar2,jaar3,eindbeeld`` plans every year in its
own folder (:mod:`klantstroom.staffing.command` writes ``staffing_plan.json`` beside the tables).
This module reads those folders back and puts the years side by side:

* ``fte_by_year.csv`` — FTE, paid hours and cost per staff group per year (groups the plan does
  not size keep their note instead of a number);
* ``skill_mix_by_year.csv`` — per year the FTE with the road-map mix, with specialists only and
  with multi-skilled staff only, when the plans compared skill mixes;
* ``figures/fte_by_year.png`` and ``staffing_report.html``
  (:func:`klantstroom.staffing.command.write_roadmap`, with
  :mod:`klantstroom.report.staffing_report`).

Years are ordered by ``run.roadmap_step`` (plans that are not a road-map year come after, in
folder order), so the table reads as a path from the nulmeting to the eindbeeld.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

PLAN_INFO = "staffing_plan.json"
FTE_COLUMNS = [
    "roadmap_step",
    "scenario",
    "label",
    "staff_group",
    "paid_hours_per_week",
    "fte",
    "cost_per_year",
    "note",
]


def read_info(folder: Path) -> dict[str, Any]:
    """The ``staffing_plan.json`` of a plan folder."""
    path = folder / PLAN_INFO
    try:
        info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: not a staffing plan (run klantstroom-staff)") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: unreadable ({error})") from None
    return info


def find_plans(roots: Iterable[Path]) -> list[Path]:
    """Plan folders under ``roots`` (a root may itself be one), in road-map order."""
    found: list[Path] = []
    for root in roots:
        candidates = [root] if (root / PLAN_INFO).is_file() else []
        candidates += sorted(p.parent for p in root.glob(f"*/{PLAN_INFO}"))
        found += [c for c in candidates if c not in found]
    order = {folder: i for i, folder in enumerate(found)}

    def key(folder: Path) -> tuple[bool, int, int]:
        step = read_info(folder).get("roadmap_step")
        return (step is None, int(step) if step is not None else 0, order[folder])

    return sorted(found, key=key)


def read_fte(folder: Path) -> pd.DataFrame:
    """A plan's ``fte.csv``: figures as floats (NaN where not sized), the note as text."""
    # Empty figures are NaN, but an empty note stays "" (the mark of a group that is sized).
    numbers = ("paid_hours_per_week", "fte", "salary_per_fte_per_year", "cost_per_year")
    return pd.read_csv(
        folder / "fte.csv", keep_default_na=False, na_values={key: [""] for key in numbers}
    )


def fte_by_year(folders: Iterable[Path]) -> pd.DataFrame:
    """FTE per staff group per plan, with the plan's scenario, label and road-map step."""
    frames = []
    for folder in folders:
        info = read_info(folder)
        frames.append(
            read_fte(folder).assign(
                roadmap_step=info.get("roadmap_step"),
                scenario=info["scenario"],
                label=info["label"],
            )
        )
    if not frames:
        return pd.DataFrame(columns=FTE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[FTE_COLUMNS]


def skill_mix_by_year(folders: Iterable[Path]) -> pd.DataFrame:
    """Per plan with ``skill_mix.csv``: FTE with the road-map mix, specialists, multi-skilled."""
    frames = []
    for folder in folders:
        path = folder / "skill_mix.csv"
        if not path.is_file():
            continue
        info = read_info(folder)
        table = pd.read_csv(path)
        frames.append(
            table.assign(
                roadmap_step=info.get("roadmap_step"),
                scenario=info["scenario"],
                label=info["label"],
            )
        )
    columns = ["roadmap_step", "scenario", "label", "skill_mix", "fte", "fte_saved_vs_specialists"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
