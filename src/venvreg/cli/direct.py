"""The commands run without typer when their words are plain: `--version`, and `ls`/`list`
with only its own flags. typer and click cost more at start-up than these commands' whole
work on a small registry; anything else (help, a usage error, another command) goes to typer,
which gives the same result for these words."""

from __future__ import annotations

LIST_WORDS = frozenset(["ls", "list"])


def run_direct(arguments: list[str]) -> bool:
    """Run the command if its words are plain; False when typer must parse them."""
    if arguments == ["--version"]:
        from .. import __version__

        print(f"venvreg {__version__}")
        return True
    if not arguments or arguments[0] not in LIST_WORDS:
        return False
    parsed = _list_options(arguments[1:])
    if parsed is None:
        return False
    from .list_view import show_list

    show_list(*parsed)
    return True


def _list_options(words: list[str]) -> tuple[bool, bool, str] | None:
    """(brief, as_json, sort) for `ls`'s flags, or None for anything else."""
    brief, as_json, sort = False, False, "name"
    rest = iter(words)
    for word in rest:
        if word in ("-b", "--brief"):
            brief = True
        elif word == "--json":
            as_json = True
        elif word == "--sort":
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            sort = value
        elif word.startswith("--sort="):
            sort = word[len("--sort=") :]
        else:
            return None
    return brief, as_json, sort
