"""The typer application: registers one module per command or group, and maps errors to exit
codes (0 ok, 1 failure, 2 usage; 130/143/129 when interrupted by SIGINT/SIGTERM/SIGHUP)."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys

from ..errors import Interrupted, VenvregError
from ..text import quoted
from .output import message

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from types import FrameType

    import typer

# The modules in the order `venvreg --help` lists their commands, and the command words each
# registers: a run imports and builds only the module its command needs (typer inspects every
# parameter of every registered command at start-up, ~15 ms for all of them).
MODULES: dict[str, tuple[str, ...]] = {
    "create_cmd": ("create",),
    "list_cmd": ("list", "ls"),
    "show_cmd": ("show",),
    "remove_cmd": ("remove", "rm"),
    "trash_cmd": ("restore", "trash"),
    "project_cmd": ("project",),
    "freeze_cmd": ("freeze",),
    "config_cmd": ("config",),
    "init_cmd": ("init",),
    "scan_cmd": ("scan",),
    "adopt_cmd": ("adopt", "forget"),
    "doctor_cmd": ("doctor",),
    "prune_cmd": ("prune",),
    "du_cmd": ("du",),
    "rebuild_cmd": ("rebuild",),
    "copy_cmd": ("copy", "rename"),
    "export_cmd": ("export", "import"),
    "run_cmd": ("run", "wipe"),
    "registry_cmd": ("registry",),
}

HELP = (
    "A central registry of Python virtual environments, in the spirit of "
    "virtualenvwrapper.\n\n\b\nExample: venvreg create demo -p 3.12 && venvreg ls"
)


def build_app(argv: list[str] | None = None) -> typer.Typer:
    """The typer app; with `argv`, only the module its command word needs is registered."""
    import importlib

    import typer
    import typer.core

    # Help is plain text (rich_markup_mode=None), but typer still escapes "[required]" for rich
    # when rich is installed; telling it rich is absent gives clean, plain help and errors.
    typer.core.HAS_RICH = False
    app = typer.Typer(
        name="venvreg",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    def show_version(value: bool) -> None:
        if value:
            from .. import __version__

            typer.echo(f"venvreg {__version__}")
            raise typer.Exit()

    @app.callback()
    def main_callback(
        version: bool = typer.Option(
            False,
            "--version",
            help="Print the version and exit.",
            callback=show_version,
            is_eager=True,
        ),
    ) -> None:
        # A callback keeps typer in group mode when a single command is registered.
        pass

    main_callback.__doc__ = HELP
    word = _command_word(argv or [])
    wanted = [module for module, words in MODULES.items() if word in words]
    for name in wanted or list(MODULES):
        importlib.import_module(f"{__package__}.{name}").register(app)
    from .common import guard_name_parameters

    guard_name_parameters(app)
    return app


def _command_word(argv: list[str]) -> str | None:
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _shell_function_error(word: str) -> str | None:
    """The one line for `venvreg workon` and the like: those are shell functions, which the
    user has not set up yet if they typed them after `venvreg`."""
    if any(word in words for words in MODULES.values()):
        return None  # one of venvreg's own commands, which runs (and needs no shellcmds)
    from ..shellcmds import COLD_HANDLERS

    if word not in {"workon", "lsvirtualenv", "deactivate", *COLD_HANDLERS}:
        return None
    return (
        f"`{word}` is a shell function, not a venvreg command: put "
        '`eval "$(venvreg init bash)"` (or zsh, fish, pwsh) in your shell\'s startup file '
        "and open a new shell; `venvreg init --help` shows how"
    )


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _run_once(arguments: list[str]) -> object:
    from .direct import run_direct

    status = run_direct(arguments)
    if status is not None:  # plain words of a command that needs no typer
        return status
    return build_app(arguments)(args=arguments, prog_name="venvreg", standalone_mode=False)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of printing a traceback."""
    # SIGINT too: typer turns a KeyboardInterrupt into a silent exit 130, with no message.
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _raise_interrupted)
    try:
        arguments = sys.argv[1:] if argv is None else argv
        word = _command_word(arguments)
        not_ours = _shell_function_error(word) if word is not None else None
        if not_ours is not None:
            message(f"error: {not_ours}")
            return 2
        from ..registry.db import run_recovering

        result = run_recovering(lambda: _run_once(arguments))
    except VenvregError as error:
        message(f"error: {error}")
        return error.exit_code
    except Interrupted as interrupted:
        message(f"interrupted by signal {interrupted.signum}; nothing was left half done")
        return 128 + interrupted.signum
    except KeyboardInterrupt:
        message("interrupted; nothing was left half done")
        return 130
    except OSError as error:  # a read-only or full disk: one line, not a traceback
        where = f" ({quoted(str(error.filename))})" if error.filename else ""
        message(f"error: {error.strerror or error}{where}")
        return 1
    except sqlite3.Error as error:  # e.g. still locked after the busy timeout, disk full
        message(f"error: the registry could not be used: {error}")
        return 1
    except Exception as error:
        if hasattr(error, "show") and hasattr(error, "exit_code"):
            error.show()  # a usage error from typer/click
            return int(error.exit_code)
        if type(error).__name__ == "Abort":
            message("interrupted; nothing was left half done")
            return 130
        raise
    return result if isinstance(result, int) else 0


def main() -> None:
    """The console entry point: exit with run's status. `ls`, `rm` and `create` run without
    typer end at once, without the interpreter's teardown (~4 ms, more than the whole work of
    `ls` on a small registry; some 25 ms after a creation, which loads virtualenv): by then
    they have committed and closed the registry and released their locks, and they write files
    only through unbuffered descriptors (virtualenv, run in this process, has closed its files
    and released its locks when it returns)."""
    arguments = sys.argv[1:]
    status = run(arguments)
    from .direct import is_plain

    if is_plain(arguments):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a pipe closed early: the interpreter's exit reports it, as ever
            sys.exit(status)
        os._exit(status)
    # The others: everything the command made goes with the process, so the interpreter's
    # teardown need not search it for garbage (some 20 ms after a command that loaded
    # virtualenv). Output is still flushed and exit handlers still run.
    import gc

    gc.freeze()
    sys.exit(status)
