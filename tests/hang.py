"""How long a test waits for a child process, a server or a browser before calling it hung.

A guard against a hang, not a speed check: no test may fail because a busy machine ran it
slowly (the suite once took 31 minutes on two loaded cores, and a 300 s limit failed a test
that does a minute's work). Half an hour is far above any test's work and still well inside
CI's own limit of 90 minutes, which ends a real hang with the test named.
"""

HANG_GUARD_S = 1800
