"""The typer application: registers one module per command or group, and maps errors to exit
codes (0 ok, 1 failure, 2 usage; 130/143/129 when interrupted by SIGINT/SIGTERM/SIGHUP)."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import typer
import typer.core

from ..errors import Interrupted, VenvregError
from ..text import quoted
from . import (
    adopt_cmd,
    config_cmd,
    copy_cmd,
    create_cmd,
    doctor_cmd,
    export_cmd,
    freeze_cmd,
    init_cmd,
    list_cmd,
    project_cmd,
    prune_cmd,
    rebuild_cmd,
    remove_cmd,
    run_cmd,
    scan_cmd,
    show_cmd,
    trash_cmd,
)
from .output import message

# Help is plain text (rich_markup_mode=None), but typer still escapes "[required]" for rich
# when rich is installed; telling it rich is absent gives clean, plain help and errors.
typer.core.HAS_RICH = False

app = typer.Typer(
    name="venvreg",
    help=(
        "A central registry of Python virtual environments, in the spirit of "
        "virtualenvwrapper.\n\nExample: venvreg create demo -p 3.12 && venvreg ls"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for module in (
    create_cmd,
    list_cmd,
    show_cmd,
    remove_cmd,
    trash_cmd,
    project_cmd,
    freeze_cmd,
    config_cmd,
    init_cmd,
    scan_cmd,
    adopt_cmd,
    doctor_cmd,
    prune_cmd,
    rebuild_cmd,
    copy_cmd,
    export_cmd,
    run_cmd,
):
    module.register(app)


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of printing a traceback."""
    # SIGINT too: typer turns a KeyboardInterrupt into a silent exit 130, with no message.
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _raise_interrupted)
    try:
        result = app(args=argv, prog_name="venvreg", standalone_mode=False)
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
    sys.exit(run())
