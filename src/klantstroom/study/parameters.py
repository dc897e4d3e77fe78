"""A parameters file: the numbers a sensitivity analysis varies, and their ranges, as data.

::

    # my_parameters.yaml
    parameters:
      - {key: services.algemeen.handling.phone.mean_min, low: 3.0, high: 4.5}
      - {key: channels.phone.patience.mean_min, range: 0.3}   # the value ± 30%

Each row names a number of the composed configuration by its dotted key (list positions are
numbers: ``staff_groups.kcc_algemeen.roster.shifts.0.headcount``) and either its ``low`` and
``high`` or a ``range`` (a share of the value either side). A whole number stays whole. Without
a file, ``klantstroom-sensitivity`` takes every value the municipality file marks "assumption"
(:mod:`klantstroom.study.assumptions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from klantstroom.study.assumptions import check_ranges, default_range
from klantstroom.study.changes import ChangeError, Parameter, lookup, number_at, split_key
from klantstroom.study.setup import StudyInputError, read_yaml

FIELDS = ("key", "low", "high", "range")


def read_parameters(path: Path, config: Mapping[str, Any]) -> list[Parameter]:
    """The parameters of ``path`` against the composed ``config``.

    Raises
    ------
    StudyInputError
        For a missing or unreadable file, or a row that is not a number of the configuration
        with a range; the message names the file, the row and what is allowed.
    """
    data = read_yaml(path, "--parameters")
    rows = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise StudyInputError(f"{path}: needs a non-empty list under 'parameters:'")
    result: list[Parameter] = []
    for index, row in enumerate(rows):
        where = f"{path}: parameters[{index}]"
        if not isinstance(row, dict) or "key" not in row:
            raise StudyInputError(f"{where}: a row is {{key: <dotted key>, low: .., high: ..}}")
        unknown = sorted(set(map(str, row)) - set(FIELDS))
        if unknown:
            raise StudyInputError(f"{where}: unknown field(s) {unknown}; allowed: {list(FIELDS)}")
        key = split_key(str(row["key"]))
        try:
            base = number_at(config, key)
        except ChangeError as error:
            raise StudyInputError(f"{where}: {error}") from None
        integer = isinstance(lookup(config, key), int)  # a headcount stays whole
        if "low" in row or "high" in row:
            if "range" in row or "low" not in row or "high" not in row:
                raise StudyInputError(f"{where}: give both low and high, or range alone")
            try:
                low, high = float(row["low"]), float(row["high"])
            except (TypeError, ValueError):
                raise StudyInputError(f"{where}: low and high must be numbers") from None
            if not low < high:
                raise StudyInputError(f"{where}: low ({low:g}) must be below high ({high:g})")
        else:
            share = row.get("range")
            if not isinstance(share, int | float) or not 0 < float(share) < 1:
                raise StudyInputError(
                    f"{where}: range must be a share between 0 and 1 (0.25 = ±25%); got {share!r}"
                )
            bounds = default_range(config, key, base, integer, float(share))
            if bounds is None:
                raise StudyInputError(f"{where}: {base:g} has no range to vary at ±{share}")
            low, high = bounds
        result.append(
            Parameter(
                name=".".join(key),
                paths=(key,),
                base=base,
                low=low,
                high=high,
                integer=integer,
                source=f"{path.name}:{index}",
            )
        )
    names = [p.name for p in result]
    if len(set(names)) != len(names):
        raise StudyInputError(f"{path}: a key is listed twice")
    _, invalid = check_ranges(result, config)
    if invalid:
        parameter, why = invalid[0]
        raise StudyInputError(
            f"{path}: parameters[{names.index(parameter.name)}] ({parameter.name}): {why}"
        )
    return result
