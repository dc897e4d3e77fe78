"""The ``klantstroom-export`` command: a run's or a comparison's tables as one Excel workbook.

::

    klantstroom-export outputs/2026-12-05/10-00-00                 # -> .../tables.xlsx
    klantstroom-export multirun/2026-12-05/10-00-00/compare --language nl --xlsx vergelijking.xlsx

The CSV files open awkwardly in Dutch spreadsheet software (a comma separator where it expects a
semicolon, a decimal point where it expects a comma); a workbook has neither problem: numbers
are numbers and the spreadsheet shows them in the reader's own notation. One sheet per table,
the header row bold and frozen, a filter on every column:

* a run folder (``run.json``): ``norms`` (the judged rows that carry a norm, with met or not
  met), ``summary`` (``summary.csv``), ``kpis`` (``kpis.csv``), ``costs`` (``costs.csv``);
* a comparison folder (``comparison.csv``, written by ``klantstroom-compare``): ``comparison``,
  ``differences``, ``staff``, ``months``, ``budget``, ``costs``, ``segments``, ``training``,
  ``config_diff``, each when its CSV is there and has rows.

With ``--language nl`` sheet names and column headers are Dutch (the table below, KPI names from
:data:`klantstroom.report.headline.KPI_NAMES`); values (scenario, channel and KPI ids) stay as
in the CSV files so that a filter finds them by the same name. Exit code 2 with a message
naming the folder when it holds neither a run nor a comparison, or a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from klantstroom.report.headline import KPI_NAMES
from klantstroom.scenario.spec import LANGUAGES

RUN_SHEETS = ("norms", "summary", "kpis", "costs")
COMPARISON_SHEETS = (
    "comparison",
    "differences",
    "staff",
    "months",
    "budget",
    "costs",
    "segments",
    "training",
    "config_diff",
)
SHEET_NAMES = {
    "nl": {
        "norms": "normen",
        "summary": "samenvatting",
        "kpis": "kpi per replicatie",
        "costs": "kosten",
        "comparison": "vergelijking",
        "differences": "verschillen",
        "staff": "personeel",
        "months": "maanden",
        "budget": "budget",
        "segments": "segmenten",
        "training": "opleiding",
        "config_diff": "wijzigingen",
    }
}
# Column headers in Dutch; a column not listed keeps its name (a KPI id in kpis.csv is looked
# up in KPI_NAMES first).
COLUMN_NAMES_NL = {
    "scenario": "scenario",
    "baseline": "basislijn",
    "roadmap_step": "stap routekaart",
    "replication": "replicatie",
    "period": "periode",
    "channel": "kanaal",
    "shop": "stadswinkel",
    "department": "afdeling",
    "service": "dienst",
    "staff_group": "medewerkersgroep",
    "segment": "segment",
    "segment_label": "segment (naam)",
    "kpi": "kpi",
    "kpi_name": "kpi (naam)",
    "mean": "gemiddelde",
    "ci_low": "95%-interval onder",
    "ci_high": "95%-interval boven",
    "n_replications": "replicaties",
    "target": "norm (waarde)",
    "norm": "norm",
    "meets_target": "norm gehaald",
    "judged": "beoordeeld",
    "status": "oordeel",
    "baseline_mean": "gemiddelde basislijn",
    "difference": "verschil",
    "paired": "gepaard",
    "significant": "significant",
    "item": "post",
    "hours": "uren",
    "hours_on_duty": "uren aanwezig",
    "fte": "fte",
    "count": "aantal",
    "rate_eur": "tarief (EUR)",
    "eur_in_run": "EUR in de run",
    "eur_per_year": "EUR per jaar",
    "eur_per_contact": "EUR per contact",
    "baseline_eur_per_year": "EUR per jaar basislijn",
    "difference_eur_per_year": "verschil EUR per jaar",
    "difference_share": "verschil (aandeel)",
    "verdict": "oordeel",
    "staff_hours_per_week": "uren per week",
    "staff_hours_per_week_low": "uren per week onder",
    "staff_hours_per_week_high": "uren per week boven",
    "fte_on_duty": "fte aanwezig",
    "month": "maand",
    "journeys": "klantreizen",
    "training_hours_per_year": "uren in opleiding per jaar",
    "trainer_hours_per_year": "uren als docent per jaar",
    "fte_off_the_floor": "fte niet op de vloer",
    "skills_learning": "vaardigheden in opleiding",
    "key": "sleutel",
    "value": "waarde",
}
STATUS_NL = {"met": "gehaald", "not met": "niet gehaald", "uncertain": "onzeker"}


class ExportError(ValueError):
    """The folder cannot be exported; the message names it and why."""


def _read(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ExportError(f"{path}: cannot be read as a table ({error})") from None


def run_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The sheets of a run folder (see the module docstring)."""
    tables: dict[str, pd.DataFrame] = {}
    summary = _read(folder / "summary.csv")
    if summary is None:
        raise ExportError(f"{folder / 'summary.csv'}: not found; the run wrote no tables")
    judged = summary["judged"].astype(bool) if "judged" in summary else True
    norms = summary[judged & summary["target"].notna()].copy()
    norms.insert(list(norms.columns).index("kpi") + 1, "kpi_name", norms["kpi"])
    tables["norms"] = norms.drop(columns=[c for c in ("judged",) if c in norms])
    tables["summary"] = summary
    for name in ("kpis", "costs"):
        table = _read(folder / f"{name}.csv")
        if table is not None:
            tables[name] = table
    return tables


def comparison_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The sheets of a ``klantstroom-compare`` folder that are there and have rows."""
    tables = {}
    for name in COMPARISON_SHEETS:
        table = _read(folder / f"{name}.csv")
        if table is not None and len(table):
            tables[name] = table
    return tables


def in_language(name: str, table: pd.DataFrame, language: str) -> tuple[str, pd.DataFrame]:
    """The sheet name and the table with its headers (and verdicts) in ``language``."""
    table = table.copy()
    if "kpi_name" in table:
        names = KPI_NAMES.get(language, KPI_NAMES["en"])
        table["kpi_name"] = table["kpi"].map(lambda kpi: names.get(kpi, kpi))
    if language != "nl":
        return name, table
    if name == "norms" and "meets_target" in table:
        table["meets_target"] = table["meets_target"].map(
            {True: "ja", False: "nee", "True": "ja", "False": "nee"}
        )
    for column in ("status", "verdict"):
        if column in table:
            table[column] = table[column].map(lambda v: STATUS_NL.get(v, v))
    kpi_names = KPI_NAMES["nl"]
    table.columns = [
        COLUMN_NAMES_NL.get(str(c), kpi_names.get(str(c), str(c))) for c in table.columns
    ]
    return SHEET_NAMES["nl"].get(name, name), table


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, language: str = "en") -> None:
    """Write ``tables`` as sheets of an .xlsx workbook (header bold and frozen, filters on)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from klantstroom.outputs import write_atomic

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, table in tables.items():
                sheet, shown = in_language(name, table, language)
                shown.to_excel(writer, sheet_name=sheet[:31], index=False)
                worksheet = writer.sheets[sheet[:31]]
                worksheet.freeze_panes = "A2"
                worksheet.auto_filter.ref = worksheet.dimensions
                for cell in worksheet[1]:
                    cell.font = Font(bold=True)
                for index, column in enumerate(shown.columns, start=1):
                    width = min(max(len(str(column)), 10) + 2, 40)
                    worksheet.column_dimensions[get_column_letter(index)].width = width

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, write)  # the engine is named, so the temporary name needs no .xlsx


def export(folder: Path, output: Path | None = None, language: str = "en") -> Path:
    """Write the workbook of a run or comparison ``folder``; return its path.

    Raises
    ------
    ExportError
        The folder holds neither a run nor a comparison, or a table cannot be read.
    """
    if (folder / "comparison.csv").is_file():
        tables, default = comparison_tables(folder), "comparison.xlsx"
    elif (folder / "run.json").is_file() or (folder / "summary.csv").is_file():
        tables, default = run_tables(folder), "tables.xlsx"
    else:
        raise ExportError(
            f"{folder}: neither a run (run.json, summary.csv) nor a comparison (comparison.csv)"
        )
    path = output if output is not None else folder / default
    write_workbook(tables, path, language)
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="klantstroom-export",
        description="Write a run's or a comparison's tables to an Excel workbook (.xlsx).",
    )
    parser.add_argument("folder", type=Path, help="a run folder or a klantstroom-compare folder")
    parser.add_argument(
        "--xlsx",
        type=Path,
        default=None,
        help="the workbook to write (default: tables.xlsx or comparison.xlsx in the folder)",
    )
    parser.add_argument("--language", choices=LANGUAGES, default="en", help="en (default) or nl")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"klantstroom-export: {args.folder}: no such folder", file=sys.stderr)
        return 2
    try:
        path = export(args.folder, args.xlsx, args.language)
    except ExportError as error:
        print(f"klantstroom-export: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"klantstroom-export: {args.xlsx or args.folder}: cannot be written ({error})",
            file=sys.stderr,
        )
        return 2
    print(f"Written: {path}")
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
