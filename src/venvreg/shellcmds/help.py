"""`virtualenvwrapper`: the help, listing the commands venvreg's shell functions provide."""

from __future__ import annotations

import os

from .. import __version__
from ..emit.code import ShellCode
from . import ShellRequest

COMMANDS = [
    ("add2virtualenv", "add directory to the import path"),
    ("allvirtualenv", "run a command in all virtualenvs"),
    ("cdproject", "change directory to the active project"),
    ("cdsitepackages", "change to the site-packages directory"),
    ("cdvirtualenv", "change to the $VIRTUAL_ENV directory"),
    ("cpvirtualenv", "duplicate the named virtualenv to make a new one"),
    ("lssitepackages", "list contents of the site-packages directory"),
    ("lsvirtualenv", "list virtualenvs"),
    ("mkproject", "create a new project directory and its associated virtualenv"),
    ("mktmpenv", "create a temporary virtualenv"),
    ("mkvirtualenv", "Create a new virtualenv in $WORKON_HOME"),
    ("rmvirtualenv", "Remove a virtualenv (into venvreg's trash)"),
    ("setvirtualenvproject", "associate a project directory with a virtualenv"),
    ("showvirtualenv", "show details of a single virtualenv"),
    ("toggleglobalsitepackages", "turn access to global site-packages on/off"),
    ("virtualenvwrapper", "show this help message"),
    ("wipeenv", "remove all packages installed in the current virtualenv"),
    ("workon", "list or change working virtualenvs"),
]


def virtualenvwrapper(request: ShellRequest) -> str:
    lines = [
        "",
        "venvreg provides virtualenvwrapper's commands on top of its registry of virtual",
        "environments. Where it differs: rmvirtualenv moves an env to a trash (venvreg",
        "restore NAME brings it back), names are checked, an existing env is never",
        "recreated, messages go to stderr. `venvreg --help` lists the registry's own",
        "commands (ls, show, rm, restore, trash, ...); each command takes --help.",
        "",
        f"Version: venvreg {__version__}",
        f"WORKON_HOME: {os.environ.get('WORKON_HOME', '')}",
        f"PROJECT_HOME: {os.environ.get('PROJECT_HOME', '')}",
        "",
        "Commands available:",
        "",
    ]
    for name, summary in COMMANDS:
        lines += [f"  {name}: {summary}", ""]
    return ShellCode(request.shell).print(*lines).text()


HANDLERS = {"virtualenvwrapper": virtualenvwrapper}
