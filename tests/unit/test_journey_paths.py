"""Journey paths: packed into integers and joined once per different path, as joined one by one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from klantstroom.tables.journeys import _paths


def _joined(
    step: np.ndarray, first_row: np.ndarray, n_rows: np.ndarray, keep: np.ndarray, names: np.ndarray
) -> list[str]:
    return [
        ">".join(names[step[lo : lo + n]].tolist()) if k else str(names[step[lo]])
        for lo, n, k in zip(first_row.tolist(), n_rows.tolist(), keep.tolist(), strict=True)
    ]


@settings(max_examples=80)
@given(
    lengths=st.lists(st.integers(1, 30), min_size=0, max_size=40),
    n_names=st.integers(1, 40),
    seed=st.integers(0, 2**16),
)
def test_paths_equal_the_steps_joined_one_by_one(
    lengths: list[int], n_names: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    names = np.array([f"s{i}" for i in range(n_names)], dtype=object)
    n_rows = np.array(lengths, dtype=np.int64)
    first_row = np.r_[0, np.cumsum(n_rows)[:-1]].astype(np.int64) if lengths else n_rows
    step = rng.integers(0, n_names, int(n_rows.sum()))
    keep = rng.uniform(size=len(lengths)) < 0.8
    # Journeys of up to 30 steps: longer than an int64 packs for 40 step names (11).
    code, paths = _paths(step, first_row, n_rows, keep, names.tolist())
    assert [paths[k] for k in code.tolist()] == _joined(step, first_row, n_rows, keep, names)
