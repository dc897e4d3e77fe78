"""Config files read on libyaml's parser give what OmegaConf's own loader gives: the same values,
the same refusals, the same error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from omegaconf import OmegaConf
from omegaconf._utils import get_yaml_loader

from klantstroom.config import yaml_files
from klantstroom.config.yaml_files import load_config_text, load_yaml_text
from klantstroom.paths import conf_dir, scenarios_dir

SHIPPED = sorted([*conf_dir().rglob("*.yaml"), *scenarios_dir().rglob("*.yaml")])


def omegaconf_loads(text: str) -> Any:
    return yaml.load(text, Loader=get_yaml_loader())  # OmegaConf's own loader


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    python, libyaml = yaml_files._loaders()
    assert (libyaml is not None) == yaml.__with_libyaml__
    if libyaml is not None:
        assert issubclass(libyaml, python)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_every_shipped_file_reads_as_omegaconf_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ours = load_yaml_text(text)
    assert repr(ours) == repr(omegaconf_loads(text))  # the same values and the same types
    assert OmegaConf.to_yaml(load_config_text(text)) == OmegaConf.to_yaml(OmegaConf.load(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x: 1e3\n", {"x": 1000.0}),  # OmegaConf's float resolver (PyYAML's own: a string)
        ("x: 2027-01-04\n", {"x": "2027-01-04"}),  # no timestamps: dates stay strings
        ("x: .inf\ny: -.inf\n", {"x": float("inf"), "y": float("-inf")}),
        ("x: 1_000\n", {"x": 1000}),
        ("x: 08:30\n", {"x": "08:30"}),  # a time of day, not sexagesimal
        ("x: yes\ny: ~\n", {"x": True, "y": None}),
        ("", None),
    ],
)
def test_scalars_resolve_as_in_omegaconf(text: str, expected: Any) -> None:
    assert load_yaml_text(text) == omegaconf_loads(text)
    assert repr(load_yaml_text(text)) == repr(expected)


def test_a_duplicate_key_is_refused_as_omegaconf_refuses_it() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="found duplicate key shops"):
        load_yaml_text("shops: 1\nrun: 2\nshops: 3\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2\nb: 3\n",
        "a: b: c\n",
        "a:\n  - 1\n - 2\n",
        "\tfoo: 1\n",
        "run:\n  seed: 1\n   label: x\n",
        "a: 'unclosed\n",
    ],
)
def test_a_syntax_error_is_worded_and_placed_as_by_omegaconf(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as ours:
        load_yaml_text(text)
    with pytest.raises(yaml.YAMLError) as theirs:
        omegaconf_loads(text)
    assert str(ours.value) == str(theirs.value)


def test_only_mappings_lists_and_strings_are_configs() -> None:
    assert len(load_config_text("")) == 0
    assert list(load_config_text("- 1\n- 2\n")) == [1, 2]
    with pytest.raises(OSError, match="Invalid loaded object type: int"):
        load_config_text("42\n")


KEYS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)


@given(tree=TREES, flow=st.sampled_from([None, True, False]))
def test_any_dumped_tree_reads_back_as_omegaconf_reads_it(tree: Any, flow: bool | None) -> None:
    text = yaml.safe_dump({"root": tree}, allow_unicode=True, default_flow_style=flow)
    assert repr(load_yaml_text(text)) == repr(omegaconf_loads(text))
