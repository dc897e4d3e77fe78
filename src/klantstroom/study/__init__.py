"""Studies: many runs of one scenario with changed values, for questions no single run answers.

* :mod:`.changes` — a study's values written into a composed configuration (dotted keys,
  aliases, shares that keep summing to one);
* :mod:`.assumptions` — the values a municipality file marks "assumption", with default ranges;
  :mod:`.parameters` — a parameters file instead;
* :mod:`.setup` — the scenario a study varies, composed once, and each run's window; the
  commands' shared options;
* :mod:`.evaluation` — one point of a study: its scenario simulated, its norm KPIs read off;
* :mod:`.engine` — the points run on the executor (:mod:`klantstroom.executors`), streamed to
  disk as they finish, a failed one retried once and recorded, an interrupted study resumed;
* :mod:`.sensitivity` — ``klantstroom-sensitivity``: Morris screening, then Sobol indices on the
  few that matter, and a tornado of one-at-a-time swings;
* :mod:`.fan` — ``klantstroom-fan``: the road map under uncertain demand, the probability that
  each norm is met per year.

Data flows one way here too: configuration → points → evaluations (a JSON line each) → tables →
figures.
"""
