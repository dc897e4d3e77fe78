"""Out-of-sample validation: a fit's behaviour against another period's demand and staffing.

A fitted model is only useful if it predicts a period it was not fitted on. What carries over
from one period to the next is the *behaviour*: how long calls take (by hour and weekday), how
patient callers are and how often they call again, the after-call work, the agents' breaks and
which classes go first. What does not carry over, and is an input to any forecast, is the
*demand* (how many calls, when) and *who was on duty*. So an out-of-sample validation takes the
scenario fitted on one period, replaces its demand and staffing with the other period's (fitted
from that period's log exactly as the in-sample fit does) and replays that period
(:func:`transfer_behaviour`).

Two ways to get the other period: ``--holdout-from DATE`` cuts one log in two
(:func:`split_at`: fit before, validate from the date), ``--validate-on LOG --scenario FITTED``
takes another log and a scenario fitted earlier (:func:`read_fitted`).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from klantstroom.calibration.texts import texts
from klantstroom.config.file_rules import config_file_problems
from klantstroom.config.gate import yaml_problem

# What a fit says about how calls, callers and agents behave (carried over), per part.
CHANNEL_BEHAVIOUR = ("patience", "redial")
SERVICE_BEHAVIOUR = (
    "handling",
    "handling_by_hour",
    "handling_by_weekday",
    "patience",
    "priority",
    "fcr_probability",
)
AGENT_BEHAVIOUR = ("wrapup",)
ROSTER_BEHAVIOUR = ("unavailable_share",)


class FittedScenarioError(ValueError):
    """A scenario file that is not one klantstroom-calibrate wrote (names the file and key)."""


def split_at(calls: pd.DataFrame, date: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The calls that arrived before ``date`` and those from it on.

    Raises
    ------
    ValueError
        When either part is empty, naming the log's first and last date.
    """
    day = calls["arrival"].dt.normalize()
    cut = pd.Timestamp(date)
    before, after = calls[day < cut], calls[day >= cut]
    if before.empty or after.empty:
        first, last = day.min().date(), day.max().date()
        raise ValueError(
            f"--holdout-from {date}: the log runs from {first} to {last}; give a date after "
            f"{first} and no later than {last}, so that both the fit and the holdout have calls"
        )
    return before, after


def read_fitted(path: Path) -> dict[str, Any]:
    """Read a scenario written by ``klantstroom-calibrate`` (``<out>/scenarios/<name>.yaml``).

    The file is data (``yaml.safe_load``) and passes the same gate as any configuration file
    (:func:`~klantstroom.config.file_rules.config_file_problems`).

    Raises
    ------
    FittedScenarioError
        When the file is missing, not YAML, refused by the gate or not a fitted scenario (one
        channel, services and the ``agents`` group), naming the file and the key.
    """
    if not path.is_file():
        raise FittedScenarioError(f"{path}: no such file (the fitted scenario, --scenario)")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        where, reason = yaml_problem(error)
        raise FittedScenarioError(f"{path}: {where}: {reason}") from None
    except UnicodeDecodeError:
        raise FittedScenarioError(f"{path}: not UTF-8 text") from None
    if not isinstance(content, dict):
        raise FittedScenarioError(f"{path}: expected a mapping of keys (a fitted scenario)")
    problems = config_file_problems(content, {"package": "_global_"}, "scenarios/fitted")
    if problems:
        raise FittedScenarioError("\n".join(f"{path}: {key}: {why}" for key, why in problems))
    content.pop("defaults", None)
    channels = content.get("channels")
    if not isinstance(channels, dict) or len(channels) != 1:
        raise FittedScenarioError(
            f"{path}: channels: a fitted scenario has exactly one channel (phone or counter); "
            "give a scenario written by klantstroom-calibrate"
        )
    for key in ("services", "staff_groups"):
        if not isinstance(content.get(key), dict) or not content[key]:
            raise FittedScenarioError(f"{path}: {key}: missing; not a fitted scenario")
    if "agents" not in content["staff_groups"]:
        raise FittedScenarioError(
            f"{path}: staff_groups.agents: missing; a fitted scenario has one group 'agents'"
        )
    return content


def transfer_behaviour(
    target: Mapping[str, Any], fitted: Mapping[str, Any], language: str = "en"
) -> tuple[dict[str, Any], list[str]]:
    """``target``'s demand and staffing with ``fitted``'s behaviour; and notes on gaps.

    Parameters
    ----------
    target : mapping
        The scenario fitted from the period to replay (its demand and agents are kept).
    fitted : mapping
        The scenario whose behaviour is tested (see the module docstring for what that is).

    Returns
    -------
    (dict, list of str)
        The combined configuration, and a note per call type of ``target`` that ``fitted`` does
        not know (it keeps the replayed period's own behaviour, which flatters the result).
    """
    config = copy.deepcopy(dict(target))
    notes = []
    ((channel, settings),) = config["channels"].items()
    fitted_channel = fitted["channels"].get(channel) or next(iter(fitted["channels"].values()))
    _carry(settings, fitted_channel, CHANNEL_BEHAVIOUR)
    for name, block in config["services"].items():
        own = fitted["services"].get(name)
        if own is None:
            notes.append(texts(language)["not_fitted_note"].format(name=name))
            continue
        _carry(block, own, SERVICE_BEHAVIOUR)
    agents = config["staff_groups"]["agents"]
    fitted_agents = fitted["staff_groups"]["agents"]
    _carry(agents, fitted_agents, AGENT_BEHAVIOUR)
    _carry(agents.setdefault("roster", {}), fitted_agents.get("roster") or {}, ROSTER_BEHAVIOUR)
    if "routing" in fitted:
        config["routing"] = copy.deepcopy(fitted["routing"])
    return config, notes


def _carry(into: dict[str, Any], source: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    """Set ``keys`` of ``into`` to ``source``'s (and drop those ``source`` does not set)."""
    for key in keys:
        if source.get(key) is not None:
            into[key] = copy.deepcopy(source[key])
        else:
            into.pop(key, None)
