"""Errors raised when a configuration cannot become a valid scenario."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A configuration value is out of range, inconsistent or refers to something unknown.

    Parameters
    ----------
    key : str
        Dotted path of the offending key, e.g. ``services.passport.channel_mix``.
    message : str
        What is wrong and what is allowed.
    """

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


class ScenarioErrors(ValueError):
    """Several configuration errors, reported together so a user can fix them in one go."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{len(errors)} configuration error(s):\n{lines}")
