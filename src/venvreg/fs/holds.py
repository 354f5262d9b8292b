"""A test-only pause at a named step, so that a test can kill -9 (or race) a command exactly
there instead of hoping a sleep lands in the right place.

When VENVREG_TEST_HOLD names the step, the process writes its pid to
`$VENVREG_TEST_HOLD_DIR/reached` and waits until a line arrives on the FIFO
`$VENVREG_TEST_HOLD_DIR/release`. Without the variable it costs one dictionary lookup.
"""

from __future__ import annotations

import os


def hold_point(step: str) -> None:
    """Pause here when a test asked for `step` (see the module docstring)."""
    if os.environ.get("VENVREG_TEST_HOLD") != step:
        return
    folder = os.environ["VENVREG_TEST_HOLD_DIR"]
    reached = os.path.join(folder, "reached")
    with open(reached + ".tmp", "w", encoding="utf-8") as announce:
        announce.write(f"{os.getpid()}\n")
    os.replace(reached + ".tmp", reached)
    with open(os.path.join(folder, "release"), encoding="utf-8") as release:
        release.readline()
