"""The commands run without typer when their words are plain (`--version` is answered even
earlier, in __main__): `ls`/`list` with only its own flags, `rm`/`remove` of names with only
its own flags, `scan` of roots with only its own flags and valid values, and `create` of one
name with only its own options. typer and click cost more at start-up than these commands'
whole work on a small registry (and than a scan's walk of a large tree, and some 5 % of a
creation); anything else (help, a usage error, another command) goes to typer, which gives the
same result for these words."""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs start-up; the name below is for mypy only
if TYPE_CHECKING:
    from typing import Any

LIST_WORDS = frozenset(["ls", "list"])
REMOVE_WORDS = frozenset(["rm", "remove"])
# scan's flags that take no value, and the keyword of show_scan each sets (to True or False).
SCAN_FLAGS = {
    "--no-size": ("measure_sizes", False),
    "--json": ("as_json", True),
    "--one-file-system": ("one_file_system", True),
    "--cross-file-systems": ("one_file_system", False),
    "--adopt": ("adopt", True),
    "--all": ("adopt_all", True),
    "-y": ("yes", True),
    "--yes": ("yes", True),
    "--include-managed": ("include_managed", True),
    "-l": ("wide", True),
    "--wide": ("wide", True),
}


# `create`'s options that take a value, by every spelling, and the keyword each fills
CREATE_VALUES = {
    "-p": "python",
    "--python": "python",
    "-a": "project",
    "--project": "project",
    "-r": "requirements",
    "--requirements": "requirements",
    "-i": "packages",
    "--install": "packages",
    "--backend": "backend",
    "--prompt": "prompt",
}
CREATE_REPEATED = frozenset(["requirements", "packages"])


def is_plain(arguments: list[str]) -> bool:
    """Are these the plain words of a command run_direct runs?"""
    if not arguments:
        return False
    if arguments[0] in LIST_WORDS:
        return _list_options(arguments[1:]) is not None
    if arguments[0] == "create":
        return _create_options(arguments[1:]) is not None
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
    if arguments[0] == "scan":
        scanning = _scan_options(arguments[1:])
        if scanning is None:
            return None
        from .fit import set_wide
        from .scan_run import show_scan

        set_wide(scanning.pop("wide"))
        return show_scan(**scanning)
    if arguments[0] == "create":
        creation = _create_options(arguments[1:])
        if creation is None:
            return None
        from ..core.create import CreateRequest
        from .create_view import create_env

        return create_env(CreateRequest(**creation))
    return None


def _create_options(words: list[str]) -> dict[str, Any] | None:
    """CreateRequest's keywords for `create`'s words, or None for anything else (not exactly one
    name, an option of another command, a value that looks like an option, a word that is not
    UTF-8: typer words those errors)."""
    from ..text import is_utf8

    found: dict[str, Any] = {"requirements": [], "packages": []}
    names: list[str] = []
    rest = iter(words)
    for word in rest:
        if not is_utf8(word):
            return None
        option, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if word == "--system-site-packages":
            found["system_site_packages"] = True
        elif option in CREATE_VALUES:
            if not equals:
                following = next(rest, None)
                if following is None or following.startswith("-") or not is_utf8(following):
                    return None
                value = following
            key = CREATE_VALUES[option]
            if key in CREATE_REPEATED:
                found[key].append(value)
            else:
                found[key] = value
        elif word.startswith("-"):
            return None
        else:
            names.append(word)
    if len(names) != 1:
        return None
    found["name"] = names[0]
    return found


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


def _scan_options(words: list[str]) -> dict[str, Any] | None:
    """show_scan's keywords (and `wide`) for `scan`'s words, or None for anything else: help,
    an unknown or clustered flag, `--`, a root that looks like an option, a missing value, or
    a --max-depth that is not plainly a number (typer words those errors, or reads `+3`)."""
    found: dict[str, Any] = {
        "roots": [],
        "max_depth": None,
        "excludes": [],
        "one_file_system": True,
        "measure_sizes": True,
        "as_json": False,
        "adopt": False,
        "adopt_all": False,
        "yes": False,
        "include_managed": False,
        "wide": False,
    }
    rest = iter(words)
    for word in rest:
        flag = SCAN_FLAGS.get(word)
        if flag is not None:
            found[flag[0]] = flag[1]
            continue
        if not word.startswith("-"):
            found["roots"].append(word)
            continue
        option, equals, value = word.partition("=")
        if option not in ("--max-depth", "--exclude"):
            return None
        if not equals:
            following = next(rest, None)
            if following is None or following.startswith("-"):
                return None
            value = following
        if option == "--exclude":
            found["excludes"].append(value)
        elif value.isascii() and value.isdigit():
            found["max_depth"] = int(value)
        else:
            return None
    return found
