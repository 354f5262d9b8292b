"""Entry point. `venvreg __shell ...` (what the shell functions call) is routed to the stdlib-only
fast path before typer, rich or sqlite_utils are imported; everything else goes to the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    arguments = sys.argv[1:]
    if arguments[:1] == ["__shell"]:
        from .fastpath import main as fast_main

        sys.exit(fast_main(arguments[1:]))
    from .cli.app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
