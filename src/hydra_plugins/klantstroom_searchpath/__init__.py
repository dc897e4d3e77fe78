"""Hydra search-path plugin: makes ``scenarios/`` selectable as the config group ``scenarios``."""
