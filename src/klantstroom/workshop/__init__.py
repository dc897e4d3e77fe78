"""The workshop: what-if runs from a page in the browser, each saved as a scenario file.

A facilitator picks a road-map year and what-ifs, turns the levers a room argues about and runs
it; every what-if becomes a ``# @package _global_`` overlay in ``scenarios/workshop/`` that the
command line replays with identical tables (``klantstroom scenarios=workshop/<name>``).

* :mod:`~klantstroom.workshop.levers` -- the levers (data) and the overlay they make;
* :mod:`~klantstroom.workshop.whatif` -- saving a what-if, running it with a cache per
  configuration, its results beside a baseline;
* :mod:`~klantstroom.workshop.app` -- the page (Streamlit), thin over the two above;
* :mod:`~klantstroom.workshop.command` -- ``klantstroom-workshop``, which serves the page.
"""
