"""Opening a command's session: the settings, WORKON_HOME and the registry, with the leftovers
of killed operations finished first. Apart from core/context.py so that the operations this
calls can import Context without importing their caller."""

from __future__ import annotations

import os

from ..fs.logs import set_log_folder
from ..registry.db import check_integrity, open_registry
from ..registry.uselog import fold as fold_uses
from ..settings.config import load_settings
from ..settings.paths import Home, resolve_workon_home
from .context import Context
from .leftovers import clean_leftovers
from .reconcile import reconcile


def open_context(leftovers: bool = True, check: bool = False) -> Context:
    """Validate the configuration and WORKON_HOME (before any write), then open the registry.

    Leftovers of operations killed with -9 are finished or cleaned here, so that nothing
    half-made is ever listed as healthy, and uses that workon could only log are counted;
    `leftovers=False` (doctor, read-only) leaves both alone. `check` reads every page for
    damage now (doctor); otherwise that is done before the first write.
    """
    settings = load_settings()
    home = Home(resolve_workon_home(settings["workon_home"]))
    set_log_folder(str(home.state / "logs"))
    conn, rebuilt = open_registry(home)
    if check and not rebuilt:
        try:
            check_integrity(conn)
        except BaseException:
            conn.close()
            raise
    context = Context(settings, home, conn)
    if leftovers:
        fold_uses(conn, str(home.state))  # uses workon logged while the registry was busy
        clean_leftovers(context)
        if os.path.isdir(home.state / "trash-busy"):  # one stat; exists only mid-work
            from .restore import finish_trash_work  # rare: keep it off start-up

            finish_trash_work(context)
    if rebuilt:
        reconcile(context)
    return context
