"""The virtualenvwrapper variables venvreg does not use: a one-line notice the first time each
is seen set in a WORKON_HOME, so that a setting carried over from virtualenvwrapper is never
ignored in silence. Stdlib only (it runs before a shell command, workon included); a file
in the state folder remembers what was noticed. The list itself is in shellcmds/__init__.py,
which every shell command imports anyway: this module is imported only when one is set."""

from __future__ import annotations

import os
import sys

from . import DROPPED

NOTICED_FILE = "noticed-variables"


def notice_dropped_variables(state_dir: str) -> None:
    """Print the notice for each dropped variable that is set and was not noticed before in
    this state folder; a folder that cannot be written means the notice comes again."""
    seen = [name for name in DROPPED if os.environ.get(name)]
    if not seen:
        return
    path = os.path.join(state_dir, NOTICED_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            noticed = set(handle.read().split())
    except OSError:
        noticed = set()
    new = [name for name in seen if name not in noticed]
    for name in new:
        print(
            f"venvreg: note: {name} is not used: {DROPPED[name]} (shown once)",
            file=sys.stderr,
        )
    if new:
        try:
            os.makedirs(state_dir, exist_ok=True)
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("".join(name + "\n" for name in new))
        except OSError:
            pass
