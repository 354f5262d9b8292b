"""Entry point. `venvreg __shell ...` (what the shell functions call) is routed to the stdlib-only
fast path before typer, rich or sqlite_utils are imported; everything else goes to the CLI."""

from __future__ import annotations

import os
import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["__shell"]:
        from .fastpath import main as fast_main

        status = fast_main(arguments[1:])
        # Everything is written and committed: skip the interpreter's teardown (~2 ms) and
        # SQLite's checkpoint-on-close (fsyncs), which the next writer does in its own time.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    if arguments == ["--version"]:  # nothing else to load (the CLI's own is the same line)
        from . import __version__

        print(f"venvreg {__version__}")
        return
    from .cli.app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
