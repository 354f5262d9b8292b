"""`venvreg __shell SHELL COMMAND -- ARGS...`: what the shell functions call.

stdout carries shell code only, written in one piece after all the work succeeded, so a
failure or an interruption leaves the calling function nothing to evaluate. Messages go to
stderr. The hot commands (workon, the name list) import only the standard library and
venvreg's stdlib-only modules; the rest are loaded from venvreg.shellcmds when asked for.
"""

from __future__ import annotations

import os
import sys

from .errors import EXIT_FAILURE, Interrupted, UsageError, VenvregError
from .shellcmds import DROPPED, ShellRequest, WrapperError
from .text import quoted

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Callable

    Handler = Callable[[ShellRequest], str]


CODE_FILE_VARIABLE = "VENVREG_CODE_FILE"

# The shell commands that do not need WORKON_HOME (the others create it, with a notice).
_WITHOUT_HOME = frozenset(["virtualenvwrapper"])


def _split(argv: list[str]) -> tuple[str, str, list[str]]:
    if len(argv) < 3 or argv[2] != "--":
        raise UsageError("usage: venvreg __shell SHELL COMMAND -- ARGS...")
    from .emit.quoting import SHELLS

    if argv[0] not in SHELLS:
        raise UsageError(f"unknown shell {quoted(argv[0])}: choose {', '.join(SHELLS)}")
    return argv[0], argv[1], argv[3:]


def _handler(command: str) -> Handler:
    from .shellcmds import hot

    handler = hot.HANDLERS.get(command)
    if handler is not None:
        return handler  # one UPDATE, output written at the end: a signal leaves nothing half done
    _turn_signals_into_exceptions()  # creation and removal must clean up when interrupted
    from .shellcmds import COLD_HANDLERS

    module_name = COLD_HANDLERS.get(command)
    if module_name is None:
        raise UsageError(f"unknown shell command {quoted(command)}")
    import importlib

    module = importlib.import_module(f".shellcmds.{module_name}", __package__)
    found: Handler = module.HANDLERS[command]
    return found


def _notices() -> None:
    """The once-only notices about virtualenvwrapper variables venvreg does not use."""
    if any(name in os.environ for name in DROPPED):
        from .settings.paths import STATE_DIR_NAME
        from .shellcmds.hot import home_root
        from .shellcmds.notices import notice_dropped_variables

        notice_dropped_variables(os.path.join(home_root(), STATE_DIR_NAME))


def _turn_signals_into_exceptions() -> None:
    """SIGTERM and SIGHUP raise Interrupted, so clean-up runs as for Ctrl-C."""
    import signal

    def interrupted(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, interrupted)


def _report(error: BaseException) -> None:
    """Each line of the message on stderr, control characters escaped (names and paths in it
    may hold any byte a folder name can)."""
    from .text import escape_text

    prefix = "" if isinstance(error, WrapperError) else "venvreg: "
    lines = str(error).split("\n")
    print("\n".join(prefix * (i == 0) + escape_text(line) for i, line in enumerate(lines)),
          file=sys.stderr, flush=True)  # fmt: skip


def main(argv: list[str]) -> int:
    """Run one shell command; returns the exit status, never raises, never prints a traceback."""
    # PowerShell's functions name a file for the code: a program whose stdout PowerShell
    # captures is killed outright on Ctrl-C, so its clean-up never runs. Not passed on to the
    # programs and hooks a command starts.
    code_file = os.environ.pop(CODE_FILE_VARIABLE, "")
    try:
        shell, command, args = _split(argv)
        _notices()
        if command not in _WITHOUT_HOME:
            from .shellcmds.hot import verify_home

            verify_home()
        from .registry.db import run_recovering

        handler, request = _handler(command), ShellRequest(shell, args)
        code = run_recovering(lambda: handler(request))
        data = code.encode("utf-8", "surrogateescape")
        if code_file:
            with open(code_file, "wb") as out:
                out.write(data)
            return 0
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    except VenvregError as error:
        _report(error)
        return error.exit_code
    except Interrupted as error:
        return 128 + error.signum
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("VENVREG_DEBUG"):
            raise
        print(
            f"venvreg: internal error: {type(error).__name__}: {error} "
            "(set VENVREG_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
