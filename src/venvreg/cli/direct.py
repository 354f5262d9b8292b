"""The commands run without typer when their words are plain (`--version` is answered even
earlier, in __main__): `ls`/`list` with only its own flags, and `rm`/`remove` of names with only
its own flags. typer and click cost
more at start-up than these commands' whole work on a small registry; anything else (help, a
usage error, another command) goes to typer, which gives the same result for these words."""

from __future__ import annotations

LIST_WORDS = frozenset(["ls", "list"])
REMOVE_WORDS = frozenset(["rm", "remove"])


def is_plain(arguments: list[str]) -> bool:
    """Are these the plain words of a command run_direct runs?"""
    if not arguments:
        return False
    if arguments[0] in LIST_WORDS:
        return _list_options(arguments[1:]) is not None
    return arguments[0] in REMOVE_WORDS and _remove_options(arguments[1:]) is not None


def run_direct(arguments: list[str]) -> int | None:
    """Run the command if its words are plain and return its exit status; None when typer
    must parse them."""
    if not arguments:
        return None
    if arguments[0] in LIST_WORDS:
        listing = _list_options(arguments[1:])
        if listing is None:
            return None
        from .fit import set_wide
        from .list_view import show_list

        brief, as_json, sort, wide = listing
        set_wide(wide)
        show_list(brief, as_json, sort)
        return 0
    if arguments[0] in REMOVE_WORDS:
        removal = _remove_options(arguments[1:])
        if removal is None:
            return None
        from .remove_view import remove_envs

        return remove_envs(*removal)
    return None


def _remove_options(words: list[str]) -> tuple[list[str], bool, bool] | None:
    """(names, yes, purge) for `rm`'s words, or None for anything else (no name, a word that
    looks like an option, a name that is not UTF-8: typer words those errors)."""
    from ..text import is_utf8

    names: list[str] = []
    yes = purge = False
    for word in words:
        if word in ("-y", "--yes"):
            yes = True
        elif word == "--purge":
            purge = True
        elif word.startswith("-") or not is_utf8(word):
            return None
        else:
            names.append(word)
    return (names, yes, purge) if names else None


def _list_options(words: list[str]) -> tuple[bool, bool, str, bool] | None:
    """(brief, as_json, sort, wide) for `ls`'s flags, or None for anything else."""
    brief, as_json, sort, wide = False, False, "name", False
    rest = iter(words)
    for word in rest:
        if word in ("-b", "--brief"):
            brief = True
        elif word == "--json":
            as_json = True
        elif word in ("-l", "--wide"):
            wide = True
        elif word == "--sort":
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            sort = value
        elif word.startswith("--sort="):
            sort = word[len("--sort=") :]
        else:
            return None
    return brief, as_json, sort, wide
