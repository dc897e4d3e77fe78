"""klantstroom: simulate how citizens reach a Dutch municipality and how staff handle them.

Data flows one way: config (Hydra YAML) -> validated scenario -> SimPy model -> event log ->
tables -> KPIs, figures and report.
"""

__version__ = "0.1.0"
