"""Calibration from real logs: import, fit, write a scenario, replay, and compare with the log.

Data flows one way here too: a log file -> an imported, checked table (:mod:`.logs`,
:mod:`.importers`) -> fitted parameters (:mod:`.fit`) -> a scenario YAML -> replay through the
model (:mod:`.replay`) -> a validation report.
"""
