"""Log importers: exact contract tables, every left-out row counted, file-level errors raised."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pandas as pd
import pytest

from klantstroom.calibration.importers import (
    read_anonymous_bank,
    read_generic_counter,
    read_generic_phone,
    read_log,
)
from klantstroom.calibration.logs import (
    CALL_LOG_COLUMNS,
    CALL_LOG_DTYPES,
    COUNTER_LOG_COLUMNS,
    COUNTER_LOG_DTYPES,
    ImportReport,
)

DATA = Path(__file__).parents[1] / "data"
BANK_SLICE = DATA / "anonymous-bank-slice.tsv"
PHONE_SAMPLE = DATA / "generic-phone-sample.csv"
COUNTER_SAMPLE = DATA / "generic-counter-sample.csv"
FULL_BANK_LOG = Path(__file__).parents[3] / "shared" / "data" / "anonymous-bank-1999-01.tsv"

CALL_DTYPE_NAMES = {
    "call_id": "string",
    "caller_id": "string",
    "service": "string",
    "priority": "int64",
    "arrival": "datetime64[ns]",
    "answered": "datetime64[ns]",
    "abandoned": "datetime64[ns]",
    "ended": "datetime64[ns]",
    "agent": "string",
    "outcome": "string",
    "wait_s": "float64",
    "service_s": "float64",
    "source_row": "int64",
}
COUNTER_DTYPE_NAMES = {
    "ticket_id": "string",
    "shop": "string",
    "service": "string",
    "appointment": "boolean",
    "arrival": "datetime64[ns]",
    "called": "datetime64[ns]",
    "finished": "datetime64[ns]",
    "desk": "string",
    "outcome": "string",
    "wait_s": "float64",
    "service_s": "float64",
    "source_row": "int64",
}


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def bank_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The raw rows of a bank file as (line number, field dict): the test's own, naive reading."""
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    return [
        (number, dict(zip(header, line.split("\t"), strict=True)))
        for number, line in enumerate(lines[1:], start=2)
    ]


def assert_adds_up(report: ImportReport) -> None:
    assert report.rows_read == report.rows_kept + sum(report.left_out.values())


def row_of(table: pd.DataFrame, source_row: int) -> pd.Series:
    match = table[table["source_row"] == source_row]
    assert len(match) == 1
    return match.iloc[0]


# --- Anonymous Bank slice --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank_slice() -> tuple[pd.DataFrame, ImportReport]:
    return read_anonymous_bank(BANK_SLICE)


def test_slice_has_exactly_the_contract_columns_and_dtypes(
    bank_slice: tuple[pd.DataFrame, ImportReport],
) -> None:
    table, _ = bank_slice
    assert tuple(table.columns) == CALL_LOG_COLUMNS
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == CALL_DTYPE_NAMES
    assert CALL_LOG_DTYPES == CALL_DTYPE_NAMES
    assert set(table["outcome"]) == {"served", "abandoned"}


def test_slice_rows_add_up(bank_slice: tuple[pd.DataFrame, ImportReport]) -> None:
    table, report = bank_slice
    assert report.rows_read == len(bank_rows(BANK_SLICE)) == 208
    assert report.rows_kept == len(table)
    assert_adds_up(report)
    assert report.log_format == "anonymous-bank"


def test_slice_reasons_match_a_naive_count(bank_slice: tuple[pd.DataFrame, ImportReport]) -> None:
    _, report = bank_slice
    rows = bank_rows(BANK_SLICE)
    known = {"PS", "PE", "IN", "NE", "NW", "TT"}
    phantom = [n for n, r in rows if r["outcome"] == "PHANTOM" and r["type"] in known]
    code_aa = [n for n, r in rows if r["type"] == "AA"]
    voice_menu = [
        n
        for n, r in rows
        if r["outcome"] == "HANG"
        and r["type"] in known
        and r["q_start"] == "0:00:00"
        and r["q_time"] == "0"
    ]
    no_service = [
        n
        for n, r in rows
        if r["outcome"] == "AGENT" and r["ser_start"] == "0:00:00" and r["ser_time"] == "0"
    ]
    no_agent = [
        n
        for n, r in rows
        if r["outcome"] == "AGENT" and r["server"] == "NO_SERVER" and r["ser_start"] != "0:00:00"
    ]
    # Over midnight in this slice: served calls that began at 23:xx and ended at 0:xx.
    midnight = [
        n
        for n, r in rows
        if r["outcome"] == "AGENT"
        and r["vru_entry"].startswith("23:")
        and r["ser_exit"].startswith("0:")
    ]
    assert len(phantom) == 7 and len(code_aa) == 2 and len(midnight) == 6
    assert len(voice_menu) == 8 and len(no_service) == 3 and len(no_agent) == 12
    # Negative durations, checked by hand: vru_exit before vru_entry (call ids 33757 and 29352,
    # both HANG, and 34400), or answered too long before the arrival: 33563 (6 s before
    # vru_exit), 1238 and 27538 (before q_start), 5409 (3 s: just over the 2 s tolerance).
    negative_ids = {"33563", "33757", "34400", "29352", "1238", "27538", "5409"}
    negative = [n for n, r in rows if r["call_id"] in negative_ids]
    assert report.left_out == {
        "phantom call (outcome PHANTOM)": len(phantom),
        "unknown type code 'AA'": len(code_aa),
        "hung up in the voice menu (never queued)": len(voice_menu),
        "served without a service time": len(no_service),
        "served without an agent": len(no_agent),
        "over midnight": len(midnight),
        "negative duration": len(negative),
    }
    assert report.examples["unknown type code 'AA'"] == code_aa
    assert report.examples["phantom call (outcome PHANTOM)"] == phantom[:5]
    assert report.examples["over midnight"] == midnight[:5]
    assert report.examples["negative duration"] == negative[:5]


def test_slice_rows_by_hand(bank_slice: tuple[pd.DataFrame, ImportReport]) -> None:
    table, _ = bank_slice
    # Line 2: PS, queued 0:00:36 for 153 s, hung up at 0:03:09.
    abandoned = row_of(table, 2)
    assert abandoned["call_id"] == "33116" and abandoned["caller_id"] == "9664491"
    assert abandoned["priority"] == 2 and abandoned["outcome"] == "abandoned"
    assert abandoned["arrival"] == ts("1999-01-01 00:00:36")
    assert abandoned["abandoned"] == ts("1999-01-01 00:03:09")
    assert pd.isna(abandoned["answered"]) and pd.isna(abandoned["ended"])
    assert pd.isna(abandoned["agent"])
    assert abandoned["wait_s"] == 153.0 and math.isnan(abandoned["service_s"])

    # Line 9: queued 8:42:19, answered 8:42:23 by KAZAV, ended 8:45:30.
    queued = row_of(table, 9)
    assert queued["call_id"] == "33123" and queued["service"] == "PS"
    assert queued["arrival"] == ts("1999-01-01 08:42:19")
    assert queued["answered"] == ts("1999-01-01 08:42:23")
    assert queued["ended"] == ts("1999-01-01 08:45:30")
    assert pd.isna(queued["abandoned"])
    assert queued["wait_s"] == 4.0 and queued["service_s"] == 187.0
    assert queued["agent"] == "KAZAV" and queued["outcome"] == "served"

    # Line 18: anonymous, never queued: arrives at vru_exit 10:35:28, answered 10:35:26 by the
    # agents' clock (2 s behind: within the tolerance), so the wait is clipped to 0.
    direct = row_of(table, 18)
    assert direct["call_id"] == "33132" and pd.isna(direct["caller_id"])
    assert direct["priority"] == 0
    assert direct["arrival"] == ts("1999-01-01 10:35:28")
    assert direct["answered"] == ts("1999-01-01 10:35:26")
    assert direct["ended"] == ts("1999-01-01 10:36:19")
    assert direct["wait_s"] == 0.0 and direct["service_s"] == 53.0

    # Line 102: NW, joined the queue at 18:23:54 and hung up at once: abandoned after 0 s.
    instant = row_of(table, 102)
    assert instant["outcome"] == "abandoned" and instant["service"] == "NW"
    assert instant["arrival"] == instant["abandoned"] == ts("1999-01-04 18:23:54")
    assert instant["wait_s"] == 0.0


def test_slice_keeps_zero_service_and_stray_service_times(
    bank_slice: tuple[pd.DataFrame, ImportReport],
) -> None:
    table, _ = bank_slice
    # Line 113: NW answered at 18:45:36 with a 0 s service: kept.
    zero = row_of(table, 113)
    assert zero["outcome"] == "served" and zero["service_s"] == 0.0
    # Line 108: HANG after 33 s in the queue, with service times but NO_SERVER: the outcome
    # decides, the stray service times are ignored.
    hang = row_of(table, 108)
    assert hang["outcome"] == "abandoned" and hang["wait_s"] == 33.0
    assert pd.isna(hang["answered"]) and pd.isna(hang["agent"])
    assert set(table["service"]) == {"PS", "PE", "IN", "NE", "NW", "TT"}
    assert set(table["priority"]) == {0, 1, 2}
    assert table["arrival"].dt.normalize().nunique() >= 2
    assert (table["wait_s"] >= 0).all()
    served = table[table["outcome"] == "served"]
    assert (served["service_s"] >= 0).all() and (served["ended"] >= served["answered"]).all()
    assert table["agent"].notna().eq(table["outcome"] == "served").all()


def test_garbage_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    lines = BANK_SLICE.read_text().splitlines()
    header, good = lines[0], lines[1]
    fields = good.split("\t")
    garbage = [
        "complete nonsense",
        "\t".join(fields[:5]),
        good + "\textra",
        good.replace("0:00:36", "0:0x:36", 1),
        good.replace("990101", "991332"),
        good.replace("\t153\t", "\tabc\t"),
        good.replace("\t153\t", "\t1_53\t"),
        good.replace("\t2\tPS\t", "\t2\tZZ\t"),
        good.replace("HANG", "LOST"),
        good.replace("0:03:09", "25:03:09"),
        "\x00\x01\x02",
        "",
        "   ",
        good,
    ]
    path = tmp_path / "broken.tsv"
    path.write_bytes(("\n".join([header, *garbage]) + "\n").encode() + b"\xff\xfe\tbad\n")
    table, report = read_anonymous_bank(path)
    assert report.rows_read == 13  # the empty and blank lines are not rows
    assert report.rows_kept == len(table) == 1
    assert_adds_up(report)
    assert report.left_out == {
        "wrong number of fields": 5,
        "unparseable time or number": 5,
        "unknown type code 'ZZ'": 1,
        "unknown outcome code 'LOST'": 1,
    }
    assert report.examples["wrong number of fields"] == [2, 3, 4, 12, 16]
    assert table["source_row"].tolist() == [15]


def test_bank_header_without_required_fields_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "bad-header.tsv"
    path.write_text("call_id\tdate\n1\t990101\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) vru\+line, customer_id"):
        read_anonymous_bank(path)
    empty = tmp_path / "empty.tsv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty file"):
        read_anonymous_bank(empty)


def test_full_real_log() -> None:
    if not FULL_BANK_LOG.is_file():
        pytest.skip(f"{FULL_BANK_LOG} is not available")
    table, report = read_log(FULL_BANK_LOG, "anonymous-bank")
    assert report.rows_read == 31599
    assert report.rows_kept == len(table)
    assert_adds_up(report)
    rows = bank_rows(FULL_BANK_LOG)
    assert report.left_out["phantom call (outcome PHANTOM)"] == sum(
        r["outcome"] == "PHANTOM" for _, r in rows
    )
    assert report.left_out["unknown type code 'AA'"] == sum(r["type"] == "AA" for _, r in rows)
    assert report.left_out == {
        "hung up in the voice menu (never queued)": 1196,
        "served without an agent": 490,
        "phantom call (outcome PHANTOM)": 240,
        "negative duration": 82,
        "served without a service time": 42,
        "over midnight": 24,
        "unknown type code 'AA'": 2,
    }
    assert table["outcome"].value_counts().to_dict() == {"served": 26433, "abandoned": 3090}
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == CALL_DTYPE_NAMES


# --- Generic phone -----------------------------------------------------------------------------


def test_generic_phone_good_rows_exactly() -> None:
    table, report = read_generic_phone(PHONE_SAMPLE)
    assert report.rows_kept == len(table) == 6
    assert tuple(table.columns) == CALL_LOG_COLUMNS
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == CALL_DTYPE_NAMES
    assert table["source_row"].tolist() == [2, 3, 4, 5, 14, 16]
    assert table["call_id"].tolist() == ["P001", "P002", "P003", "P004", "P013", "P015"]
    served, abandoned = "served", "abandoned"
    assert table["outcome"].tolist() == [served, abandoned, served, served, abandoned, served]
    assert table["wait_s"].tolist() == [90.0, 90.0, 0.5, 120.0, 30.0, 20.0]
    first = row_of(table, 2)
    assert first["arrival"] == ts("2024-03-04 09:00:05")
    assert first["answered"] == ts("2024-03-04 09:01:35")
    assert first["ended"] == ts("2024-03-04 09:06:35")
    assert first["service_s"] == 300.0 and first["agent"] == "anna"
    assert first["caller_id"] == "C17" and first["priority"] == 0
    empty = row_of(table, 3)  # empty caller, priority and agent
    assert pd.isna(empty["caller_id"]) and empty["priority"] == 0 and pd.isna(empty["agent"])
    assert empty["abandoned"] == ts("2024-03-04 09:02:10") and pd.isna(empty["answered"])
    assert math.isnan(empty["service_s"])
    assert row_of(table, 4)["priority"] == 1
    assert row_of(table, 4)["service_s"] == 179.5
    quoted = row_of(table, 5)  # quoted comma; UTC offset dropped, wall-clock time kept
    assert quoted["service"] == "parkeren, vergunningen"
    assert quoted["arrival"] == ts("2024-03-04 09:10:00") and pd.isna(quoted["agent"])


def test_generic_phone_bad_rows_with_line_numbers() -> None:
    _, report = read_generic_phone(PHONE_SAMPLE)
    assert report.rows_read == 15 and report.rows_kept == 6
    assert_adds_up(report)
    assert report.examples == {
        "answered and abandoned both set": [6],
        "neither answered nor abandoned set": [7],
        "served without an end time": [8],
        "negative duration": [9, 15],
        "unparseable time or number": [10, 11],
        "missing call_id, service or arrival": [12],
        "wrong number of fields": [13],
    }
    assert report.left_out["negative duration"] == 2


def test_generic_phone_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("call_id,service,arrival,answered,abandoned,ended,agent\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) caller_id, priority") as error:
        read_generic_phone(path)
    assert "required columns: call_id, caller_id, service" in str(error.value)


def test_generic_phone_header_is_lenient_and_csv_errors_are_rows(tmp_path: Path) -> None:
    text = PHONE_SAMPLE.read_text().splitlines()
    header = " Call_ID ,caller_id,SERVICE,priority,arrival,answered,abandoned,ended,agent,extra"
    rows = [line + ",x" for line in text[1:3]]
    path = tmp_path / "calls.csv"
    path.write_text("\ufeff" + "\n".join([header, *rows, "", 'P9,"' + "x" * 200_000 + '"']) + "\n")
    table, report = read_generic_phone(path)
    assert table["call_id"].tolist() == ["P001", "P002"]
    assert report.rows_read == 3 and report.left_out == {"unreadable CSV line": 1}
    assert report.examples == {"unreadable CSV line": [5]}


# --- Generic counter ---------------------------------------------------------------------------


def test_generic_counter_good_rows_exactly() -> None:
    table, report = read_generic_counter(COUNTER_SAMPLE)
    assert report.rows_kept == len(table) == 6
    assert tuple(table.columns) == COUNTER_LOG_COLUMNS
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == COUNTER_DTYPE_NAMES
    assert COUNTER_LOG_DTYPES == COUNTER_DTYPE_NAMES
    assert table["ticket_id"].tolist() == ["T001", "T002", "T003", "T004", "T005", "T012"]
    assert table["appointment"].tolist() == [True, False, False, True, True, False]
    assert table["outcome"].tolist() == ["served", "served", "left", "served", "left", "served"]
    first = row_of(table, 2)
    assert first["shop"] == "Stadhuis" and first["service"] == "paspoort"
    assert first["arrival"] == ts("2024-03-04 09:00:00")
    assert first["called"] == ts("2024-03-04 09:04:00")
    assert first["finished"] == ts("2024-03-04 09:10:30")
    assert first["wait_s"] == 240.0 and first["service_s"] == 390.0 and first["desk"] == "3"
    left = row_of(table, 4)  # never called; closed at 9:30 -> waited 28 min, finished NaT
    assert pd.isna(left["shop"]) and pd.isna(left["called"]) and pd.isna(left["finished"])
    assert left["wait_s"] == 1680.0 and math.isnan(left["service_s"]) and pd.isna(left["desk"])
    unknown_end = row_of(table, 6)  # never called, no closing time: the wait is unknown
    assert math.isnan(unknown_end["wait_s"])
    assert pd.isna(row_of(table, 5)["desk"])


def test_generic_counter_bad_rows_with_line_numbers() -> None:
    _, report = read_generic_counter(COUNTER_SAMPLE)
    assert report.rows_read == 13 and report.rows_kept == 6
    assert_adds_up(report)
    assert report.examples == {
        "unknown appointment value 'misschien'": [7],
        "called but never finished": [8],
        "negative duration": [9, 14],
        "unparseable time or number": [10],
        "missing ticket_id, service or arrival": [11],
        "wrong number of fields": [12],
    }


def test_generic_counter_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,shop,service,arrival,called,finished,desk\nT1,,x,,,,\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) appointment;"):
        read_log(path, "generic-counter")


def test_empty_tables_keep_the_contract_dtypes(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(COUNTER_SAMPLE.read_text().splitlines()[0] + "\n")
    table, report = read_generic_counter(path)
    assert len(table) == 0 and report.rows_read == 0
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == COUNTER_DTYPE_NAMES


# --- Dispatch ----------------------------------------------------------------------------------


def test_read_log_dispatches() -> None:
    table, report = read_log(PHONE_SAMPLE, "generic-phone")
    assert report.log_format == "generic-phone" and len(table) == 6


def test_unknown_format_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="anonymous-bank, generic-phone, generic-counter"):
        read_log(PHONE_SAMPLE, "excel")


@pytest.mark.parametrize("log_format", ["anonymous-bank", "generic-phone", "generic-counter"])
def test_missing_file_names_the_path(tmp_path: Path, log_format: str) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        read_log(missing, log_format)


def test_a_gzip_compressed_log_reads_as_the_plain_one(tmp_path: Path) -> None:
    packed = tmp_path / "slice.tsv.gz"
    packed.write_bytes(gzip.compress(BANK_SLICE.read_bytes()))
    plain_table, plain_report = read_log(BANK_SLICE, "anonymous-bank")
    table, report = read_log(packed, "anonymous-bank")
    pd.testing.assert_frame_equal(table, plain_table)
    assert report.left_out == plain_report.left_out


def test_a_damaged_gzip_log_is_named(tmp_path: Path) -> None:
    damaged = tmp_path / "calls.csv.gz"
    damaged.write_bytes(gzip.compress(PHONE_SAMPLE.read_bytes())[:60])  # cut off mid-stream
    with pytest.raises(ValueError, match=r"calls\.csv\.gz: not a readable gzip file"):
        read_log(damaged, "generic-phone")
    damaged.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="not a readable gzip file"):
        read_log(damaged, "generic-phone")
