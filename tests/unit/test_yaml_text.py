"""YAML documents parsed once per process and text (klantstroom.config.yaml_text): the documents
and errors of PyYAML's own parser, each caller with its own copy."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from omegaconf._utils import get_yaml_loader

from klantstroom.config import yaml_text
from klantstroom.paths import conf_dir


def test_a_text_is_parsed_once_and_every_caller_gets_its_own_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    load = yaml.load

    def counted(text: str, Loader: Any) -> Any:  # yaml.load's own keyword
        parsed.append(text)
        return load(text, Loader=Loader)

    yaml_text._parsed.cache_clear()
    monkeypatch.setattr(yaml_text.yaml, "load", counted)
    text = (conf_dir() / "municipality" / "grootstad.yaml").read_text(encoding="utf-8")
    first = yaml_text.omegaconf_document(text)
    assert first == load(text, Loader=get_yaml_loader())
    first["services"].clear()  # the caller's own: the next one does not see it
    again = yaml_text.omegaconf_document(text)
    assert again["services"] and len(parsed) == 1
    # The plain safe loader is another document of the same text (no OmegaConf float rules).
    assert yaml_text.safe_load("a: 1e3\n") == {"a": "1e3"}
    assert yaml_text.omegaconf_document("a: 1e3\n") == {"a": 1000.0}
    assert len(parsed) == 3


def test_at_most_so_many_documents_are_kept() -> None:
    yaml_text._parsed.cache_clear()
    for n in range(yaml_text.MAX_KEPT + 1):
        yaml_text.safe_load(f"a: {n}\n")
    assert yaml_text._parsed.cache_info().currsize == yaml_text.MAX_KEPT
    yaml_text.safe_load(f"a: {yaml_text.MAX_KEPT}\n")  # the most recent: kept
    assert yaml_text._parsed.cache_info().hits == 1
    yaml_text.safe_load("a: 0\n")  # the least recent: parsed again
    assert yaml_text._parsed.cache_info().misses == yaml_text.MAX_KEPT + 2


@pytest.mark.parametrize(
    "text",
    [
        "a:\tb\n",  # a tab after a colon: libyaml's parser would accept it
        "a: >#\n  x\n",  # likewise
        "a: [1, 2\nb: 3\n",
        "a: 1\nb: 2\na: 3\n",  # a duplicate key (OmegaConf's loader)
    ],
)
def test_a_text_that_does_not_parse_fails_every_time_as_pyyaml_fails(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.load(text, Loader=get_yaml_loader())
    for _ in range(2):
        with pytest.raises(yaml.YAMLError) as got:
            yaml_text.omegaconf_document(text)
        assert str(got.value) == str(expected.value)
