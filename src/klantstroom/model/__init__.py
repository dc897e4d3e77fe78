"""The SimPy model: demand, queues, staff, dispatcher and event log.

The model receives a frozen :class:`~klantstroom.scenario.spec.Scenario` and appends rows to an
event log; it imports no pandas, matplotlib, Hydra or OmegaConf. Run one replication with
:func:`klantstroom.model.simulation.simulate`.
"""
