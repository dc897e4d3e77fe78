"""Pure functions on tables: interval statistics, KPIs, confidence intervals, queueing formulas.

Nothing here runs the simulation: every function takes DataFrames (or numbers) and returns
DataFrames (or numbers), so each can be tested on small hand-made tables.
"""
