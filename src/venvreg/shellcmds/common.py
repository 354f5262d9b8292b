"""What the shell commands share: the active env, hook locations, running "run" hooks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..registry.db import note_work
from ..settings.paths import Home
from ..text import escape_text
from . import WrapperError
from .runhooks import run_hook_argv

# The suffix of a *sourced* hook per shell: fish and PowerShell read their own variants.
SOURCED_HOOK_SUFFIX = {"bash": "", "zsh": "", "fish": ".fish", "pwsh": ".ps1"}


# virtualenvwrapper 6.1's per-env hook files, made in the env's bin/ by mkvirtualenv: name,
# whether the shell sources it (then it is not executable), and its header comment.
LOCAL_HOOKS = (
    ("predeactivate", True, "This hook is sourced before this virtualenv is deactivated."),
    ("postdeactivate", True, "This hook is sourced after this virtualenv is deactivated."),
    ("preactivate", False, "This hook is run before this virtualenv is activated."),
    ("postactivate", True, "This hook is sourced after this virtualenv is activated."),
    (
        "get_env_details",
        False,
        "This hook is run when the list of virtualenvs is printed in 'long' mode so each name "
        "can include details.\n# argument: environment name",
    ),
)


def make_local_hooks(bin_dir: Path, shell: str) -> None:
    """The env's stock hook files, as virtualenvwrapper's mkvirtualenv writes them (the sourced
    ones in this shell's variant); a file already there is left alone."""
    interpreter = os.environ.get("SHELL") or "/bin/sh"
    for name, sourced, comment in LOCAL_HOOKS:
        path = bin_dir / (name + SOURCED_HOOK_SUFFIX[shell] if sourced else name)
        try:
            with open(path, "x", encoding="utf-8") as file:
                file.write(f"#!{interpreter}\n# {comment}\n\n")
            path.chmod(0o644 if sourced else 0o755)
        except FileExistsError:
            continue
        except OSError as error:
            err(f"venvreg: could not create the hook file {path}: {error.strerror}")
            return


def hook_dir(home: Home) -> Path:
    """VIRTUALENVWRAPPER_HOOK_DIR, defaulting to WORKON_HOME as virtualenvwrapper does."""
    return Path(os.environ.get("VIRTUALENVWRAPPER_HOOK_DIR") or home.root)


def sourced_hook(folder: Path | str, name: str, shell: str) -> str:
    return str(Path(folder) / (name + SOURCED_HOOK_SUFFIX[shell]))


def run_hook(hook: Path, cwd: Path, *args: str) -> None:
    """Run a "run" hook as virtualenvwrapper does (a subprocess in WORKON_HOME, its status
    ignored); its output goes to stderr, since stdout carries shell code. On Windows `hook`
    is NAME.ps1 or NAME.exe (runhooks.py)."""
    import shutil

    argv, problem = run_hook_argv(str(hook), args, pwsh=shutil.which("pwsh"))
    if argv is None:
        if problem:
            err(problem)
        return
    note_work()  # the hook's effects are outside the registry: run again, it would run twice
    try:
        subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=sys.stderr)
    except OSError as error:
        err(f"venvreg: could not run hook {hook}: {error.strerror}")


def err(text: str) -> None:
    """A message on stderr; names and paths in it are shown escaped, never raw."""
    print(escape_text(text), file=sys.stderr, flush=True)


def active_env() -> str:
    """$VIRTUAL_ENV, or virtualenvwrapper's error when no env is active."""
    active = os.environ.get("VIRTUAL_ENV", "")
    if not active or not os.path.isdir(active):
        raise WrapperError("ERROR: no virtualenv active, or active virtualenv is missing")
    return active
