"""YAML on libyaml's parser (klantstroom.config.yaml_text): the documents the pure-Python
loaders give, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from omegaconf._utils import get_yaml_loader

from klantstroom.config import yaml_text
from klantstroom.paths import conf_dir, scenarios_dir

SHIPPED = sorted([*conf_dir().rglob("*.yaml"), *scenarios_dir().rglob("*.yaml")])


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    fast = yaml_text._fast_omegaconf_loader()
    assert (fast is not None) == bool(getattr(yaml, "__with_libyaml__", False))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_reads_as_omegaconf_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = yaml.load(text, Loader=get_yaml_loader())
    # repr: the same values of the same types (1e3 a float, a date a string, 08:00 a string).
    assert repr(yaml_text.omegaconf_document(text)) == repr(expected)
    assert repr(yaml_text.safe_load(text)) == repr(yaml.safe_load(text))


def test_omegaconf_s_rules_hold() -> None:
    text = "a: 1e3\nb: 2027-01-04\nc: .5\nd: 08:00\ne: ~\n"
    assert yaml_text.omegaconf_document(text) == {
        "a": 1000.0,
        "b": "2027-01-04",  # no timestamps in OmegaConf
        "c": 0.5,
        "d": "08:00",  # a time of day stays text
        "e": None,
    }
    with pytest.raises(yaml.constructor.ConstructorError, match="found duplicate key a"):
        yaml_text.omegaconf_document("a: 1\nb: 2\na: 3\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",  # an unclosed flow sequence
        "a:\n  b: 1\n c: 2\n",  # bad indentation
        "a: 'open\n",  # an unclosed quote
        "a: 1\n\tb: 2\n",  # a tab
        "a: \x07\n",  # a control character
    ],
)
def test_a_syntax_error_is_the_pure_python_parser_s(text: str) -> None:
    for ours, theirs in (
        (yaml_text.omegaconf_document, lambda t: yaml.load(t, Loader=get_yaml_loader())),
        (yaml_text.safe_load, yaml.safe_load),
    ):
        with pytest.raises(yaml.YAMLError) as expected:
            theirs(text)
        with pytest.raises(yaml.YAMLError) as got:
            ours(text)
        assert str(got.value) == str(expected.value)
