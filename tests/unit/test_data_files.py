"""Files a config may read (empirical distributions) and names that become file names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from klantstroom.paths import data_file, project_root, safe_name, unique_safe_names
from klantstroom.scenario.build import build_scenario
from klantstroom.scenario.errors import ScenarioErrors

from factories import queue_config

SECRET = "PLUGH:x:0:0:SECRET-CONTENT"


def empirical_errors(base: Path, name: str, column: str = "talk_s") -> str:
    handling = {"kind": "empirical", "file": name, "column": column}
    with pytest.raises(ScenarioErrors) as info:
        build_scenario(queue_config(handling=handling), base_dir=base)
    return str(info.value)


@pytest.mark.parametrize("name", ["../outside.csv", "sub/../../outside.csv", "ABSOLUTE"])
def test_a_data_file_outside_the_working_directory_is_refused(tmp_path: Path, name: str) -> None:
    base = tmp_path / "work"
    (base / "sub").mkdir(parents=True)
    outside = tmp_path / "outside.csv"
    outside.write_text(f"talk_s\n{SECRET}\n", encoding="utf-8")
    name = str(outside) if name == "ABSOLUTE" else name
    message = empirical_errors(base, name)
    assert "services.q.handling.phone.file" in message
    assert "outside the folders a config may read data from" in message
    assert "SECRET" not in message


def test_a_symbolic_link_out_of_the_working_directory_is_refused(tmp_path: Path) -> None:
    base = tmp_path / "work"
    base.mkdir()
    (tmp_path / "outside.csv").write_text(f"talk_s\n{SECRET}\n", encoding="utf-8")
    os.symlink(tmp_path / "outside.csv", base / "link.csv")
    assert "outside the folders" in empirical_errors(base, "link.csv")


def test_data_files_inside_the_working_directory_or_the_project_are_allowed(
    tmp_path: Path,
) -> None:
    (tmp_path / "data").mkdir()
    assert data_file("data/../data/x.csv", tmp_path) == (tmp_path / "data" / "x.csv").resolve()
    inside = project_root() / "conf" / "config.yaml"
    assert data_file(str(inside), tmp_path) == inside.resolve()


@pytest.mark.parametrize(
    ("content", "column", "expected"),
    [
        (f"talk_s\n60\n{SECRET}\n".encode(), "talk_s", "line 3: not a number"),
        (f"{SECRET}\n60\n".encode(), "talk_s", "no column 'talk_s' in the header (line 1)"),
        (b"talk_s\n60\n\xff\xfeSECRET\n", "talk_s", "not UTF-8 text"),
        (b"talk_s\n60\nSECRET\x00\n", "talk_s", "line 3: not a number"),
        (b"talk_s\n60\n" + b"9" * 200_000 + b"SECRET\n", "talk_s", "line 3: not valid CSV"),
        (f'talk_s\n"{SECRET}\n'.encode(), "talk_s", "line 2: not a number"),
    ],
)
def test_a_malformed_data_file_is_named_but_its_content_never_shown(
    tmp_path: Path, content: bytes, column: str, expected: str
) -> None:
    (tmp_path / "talk.csv").write_bytes(content)
    message = empirical_errors(tmp_path, "talk.csv", column)
    assert expected in message and "talk.csv" in message
    assert "SECRET" not in message and "PLUGH" not in message


def test_an_unreadable_data_file_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "talk.csv").write_text("talk_s\n60\n", encoding="utf-8")

    def denied(*_args: object, **_kwargs: object) -> None:
        # chmod 0 does not stop root (CI containers), so the refusal is simulated.
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    assert "cannot be read (Permission denied)" in empirical_errors(tmp_path, "talk.csv")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../../../elsewhere/evil", "elsewhere_evil"),
        ("${oc.env:HOME}", "oc.env_HOME"),
        ("all call types", "all_call_types"),
        ("..", "unnamed"),
        ("/etc/passwd", "etc_passwd"),
        ("C:\\Windows\\x", "C_Windows_x"),
        (".hidden", "hidden"),
        ("-rf", "rf"),
        ("line\nbreak", "line_break"),
        ("PS", "PS"),
        ("v1.2", "v1.2"),
    ],
)
def test_safe_name_keeps_a_name_inside_its_folder(tmp_path: Path, name: str, expected: str) -> None:
    cleaned = safe_name(name)
    assert cleaned == expected
    assert (tmp_path / f"{cleaned}.png").resolve().parent == tmp_path.resolve()


def test_names_that_clean_to_the_same_file_are_kept_apart() -> None:
    names = unique_safe_names(["a b", "a/b", "A_b"])
    assert names == {"a b": "a_b", "a/b": "a_b_2", "A_b": "A_b_3"}
