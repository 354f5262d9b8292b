"""Steps that must not be torn apart by Ctrl-C: a rename and the registry write that goes with it.

SIGINT, SIGTERM and SIGHUP are blocked (not lost) inside `signals_deferred()`; the CLI's
handlers run as soon as the block ends, so the interruption still happens, just not between two
steps that only make sense together. Never start a child inside: it would inherit the mask.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

_DEFERRED = {
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
}


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back the interrupting signals for the duration of the block."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
