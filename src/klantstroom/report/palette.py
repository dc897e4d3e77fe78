"""Colours for series a reader must tell apart, and the few largest series to show.

The Okabe-Ito palette (Okabe & Ito 2008) keeps its colours apart for colour-blind readers and on
a projector. A figure with more series than :data:`SERIES` has colours (18 staff groups) shows
the largest six in them and the rest summed as one grey "other" series; the tables beside the
figure list every one. :func:`largest` picks them.
"""

from __future__ import annotations

from collections.abc import Mapping

# Okabe & Ito (2008), colour-blind safe; black last, as it reads as text.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# The series colours of stacked bars and lines: Okabe-Ito without black (a black bar segment
# hides its neighbours' edges), so six named series and grey for the rest.
SERIES = OKABE_ITO[:6]
OTHER = "#999999"


def largest(totals: Mapping[str, float], most: int = len(SERIES)) -> list[str]:
    """The ``most`` series with the largest totals, in their original order (all if fewer).

    The figure sums the others into one "other" series in grey (:data:`OTHER`).
    """
    keep = set(sorted(totals, key=lambda n: -float(totals[n]))[:most])
    return [n for n in totals if n in keep]
