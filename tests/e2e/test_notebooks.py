"""The analyst notebooks in notebooks/: committed without outputs, and they run end to end.

Each notebook's first code cell is tagged ``parameters`` (papermill's convention) and holds only
simple assignments; their defaults follow the Grootstad road map, which takes minutes. Here that
cell is replaced by :data:`CI_PARAMETERS` (Kleinstad, a few days, two replications) and the
notebook is executed with nbclient in the ``python3`` kernel of this environment, in a
temporary working directory, so every output folder lands there.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from subprocesses import HANG_GUARD_S

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

# Small runs that exist today. Kleinstad's persona Aylin starts a matter on day 3, so the horizon
# must be at least 4 days (3 is rejected by the scenario check).
CI_PARAMETERS: dict[str, dict[str, Any]] = {
    "scenario_comparison.ipynb": {
        "municipality": "kleinstad",
        "variants": {
            "basis": [],
            "longest_idle": ["routing.policy=longest_idle"],
            "stadswinkels": ["scenarios=stadswinkels"],
        },
        "common_overrides": [],
        "baseline": "basis",
        "horizon_days": 4,
        "replications": 2,
        "n_jobs": 1,
        "language": "en",
        "output_dir": "out",
    },
    "staffing_exploration.ipynb": {
        "municipality": "kleinstad",
        "scenario_overrides": [],
        "method": "erlang_a",
        "weekday": "mon",
        "channel": "phone",
        "interval": "10:00",
        "agents_around": 3,
        "output_dir": "out",
    },
    "persona_journey.ipynb": {
        "municipality": "kleinstad",
        "scenario_overrides": [],
        "horizon_days": 4,
        "replications": 2,
        "household": "De Vries",
        "persona": "aylin",
        "replication": 0,
        "language": "en",
        "output_dir": "out",
    },
}
# Files each notebook must have written (relative to its working directory).
EXPECTED_FILES = {
    "scenario_comparison.ipynb": [
        "out/runs/basis/summary.csv",
        "out/runs/stadswinkels/journeys.parquet",
        "out/comparison/report.html",
        "out/comparison/comparison.csv",
        "out/comparison/differences.csv",
        "out/comparison/staff.csv",
        "out/comparison/figures/scenarios.png",
        "out/comparison/figures/staff.png",
    ],
    "staffing_exploration.ipynb": [
        "out/fte.csv",
        "out/headcount.csv",
        "out/shifts.csv",
        "out/skill_mix.csv",
        "out/one_extra_agent.csv",
        "out/agents_needed_mon.png",
    ],
    "persona_journey.ipynb": [
        "out/run/journeys.parquet",
        "out/persona_journeys.png",
        "out/timelines_replication_0.txt",
        "out/steps_aylin_replication_0.csv",
    ],
}
# Text the executed notebook must show somewhere in its outputs.
EXPECTED_TEXT = {
    "scenario_comparison.ipynb": ["longest_idle", "report.html"],
    "staffing_exploration.ipynb": ["multi_skilled", "<- needed"],
    "persona_journey.ipynb": ["Gerrit de Vries (78)", "Aylin de Vries (29)"],
}


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def stored_outputs(nb: dict[str, Any]) -> list[str]:
    """What a notebook carries besides its source: one line per offending code cell."""
    found = []
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("outputs"):
            found.append(f"cell {k}: {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {k}: execution_count {cell['execution_count']}")
    return found


def parameters_cell(nb: dict[str, Any]) -> dict[str, Any]:
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert code, "the notebook has no code cell"
    assert "parameters" in code[0].get("metadata", {}).get("tags", []), (
        "the first code cell must be tagged 'parameters'"
    )
    return code[0]


def parameter_values(source: str) -> dict[str, Any]:
    """The assignments of a parameters cell; fails on anything but ``name = literal``."""
    values = {}
    for statement in ast.parse(source).body:
        text = ast.unparse(statement)
        assert isinstance(statement, ast.Assign), f"not a simple assignment: {text}"
        assert len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        values[statement.targets[0].id] = ast.literal_eval(statement.value)
    return values


def all_output_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            for kind in ("text/plain", "text/markdown", "text/html"):
                parts.append(str(output.get("data", {}).get(kind, "")))
    return "\n".join(parts)


def test_every_notebook_is_covered() -> None:
    assert {path.name for path in notebook_paths()} == set(CI_PARAMETERS)


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = stored_outputs(nb)
    assert not found, (
        f"{path.name} has outputs; clear them before committing "
        f"(jupyter nbconvert --clear-output --inplace {path}): " + "; ".join(found)
    )


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_parameters_cell_holds_simple_assignments(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    defaults = parameter_values("".join(parameters_cell(nb)["source"]))
    # CI sets every parameter, so none silently keeps its (slow, road-map) default.
    assert set(defaults) == set(CI_PARAMETERS[path.name])
    assert defaults["output_dir"].startswith("outputs/notebooks/")


@pytest.mark.long
@pytest.mark.parametrize("name", sorted(CI_PARAMETERS))
def test_notebook_runs(name: str, tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    parameters_cell(nb).source = "\n".join(
        f"{key} = {value!r}" for key, value in CI_PARAMETERS[name].items()
    )
    client = NotebookClient(
        nb,
        timeout=HANG_GUARD_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError naming the failing cell
    missing = [file for file in EXPECTED_FILES[name] if not (tmp_path / file).is_file()]
    assert not missing, f"{name} did not write {missing}"
    text = all_output_text(nb)
    for expected in EXPECTED_TEXT[name]:
        assert expected in text, f"{name}: {expected!r} not in the outputs"
    assert any(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    ), f"{name} shows no figure"
    # The check for committed outputs recognises an executed notebook.
    assert stored_outputs(nb)
