"""Staffing: how many staff each queue needs per interval to meet its norms.

Built in steps (issue "Staffing"): analytic sizing per interval with Erlang C and Erlang A
(:mod:`.sizing`) from the expected demand of a scenario (:mod:`.demand`); simulation-based
optimisation, shifts and FTE follow.
"""
