"""Environment-name rules (docs/registry.md, Names): what may become a folder and a shell word."""

from __future__ import annotations

import os
import unicodedata

from .envdir.identity import looks_like_env
from .errors import UsageError
from .text import is_utf8, quoted

MAX_NAME_LENGTH = 100
MAX_NAME_BYTES = 255  # NAME_MAX of ext4, APFS, NTFS (UTF-16 units there): one folder name
WINDOWS_RESERVED_CHARACTERS = frozenset('<>:"|?*')
WINDOWS_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in range(10)]
    + [f"LPT{i}" for i in range(10)]
    + ["COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"]
)


def require_utf8(name: str) -> str:
    """Return `name`, or raise UsageError (exit 2) when it is not valid UTF-8: Python hands such
    argv bytes over as lone surrogates, which no registry row, lock or message could hold."""
    if not is_utf8(name):
        raise UsageError(f"invalid environment name {quoted(name)}: a name must be valid UTF-8")
    return name


def name_key(name: str) -> str:
    """The form two names are compared in: NFC-normalised and case-folded. Every lookup by name
    goes through here, so a name that is not valid UTF-8 is refused here (UsageError)."""
    require_utf8(name)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def listing_order(names: set[str] | list[str]) -> list[str]:
    """Names as every listing shows them: by name key, exact name breaking ties (case twins)."""
    return sorted(names, key=lambda name: (name_key(name), name))


def name_problem(name: str) -> str | None:
    """Why `name` cannot be an environment name, or None when it can."""
    if name == "":
        return "a name cannot be empty"
    if name in (".", ".."):
        return f"{quoted(name)} is not a name"
    if "\x00" in name:
        return "a name cannot contain a NUL character"
    if not is_utf8(name):
        return "a name must be valid UTF-8"
    if len(name) > MAX_NAME_LENGTH:
        return f"a name can have at most {MAX_NAME_LENGTH} characters, this one has {len(name)}"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"a name can take at most {MAX_NAME_BYTES} bytes as a folder name (UTF-8)"
    if name.startswith("-"):
        return "a name cannot start with '-' (it would read as an option)"
    if name.startswith("."):
        return "a name cannot start with '.' (such folders are hidden)"
    if name.endswith((" ", ".")):
        return "a name cannot end with a space or a dot"
    for char in name:
        if char in "/\\":
            return "a name cannot contain '/' or '\\'"
        if char in WINDOWS_RESERVED_CHARACTERS:
            return f"a name cannot contain {quoted(char)} (reserved on Windows)"
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            return f"a name cannot contain the control or format character U+{ord(char):04X}"
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in WINDOWS_DEVICE_NAMES:
        return f"{quoted(name)} is a reserved device name on Windows"
    return None


def validate_name(name: str) -> str:
    """Return `name` unchanged, or raise UsageError saying which rule it breaks."""
    problem = name_problem(name)
    if problem is not None:
        raise UsageError(f"invalid environment name {quoted(name)}: {problem}")
    return name


def env_folders(root: str, known: set[str]) -> list[str]:
    """The env folders directly in `root` whose names follow the rules, other than the `known`
    names (registered ones: no stat is spent on them)."""
    return [
        entry.name
        for entry in _entries(root)
        if entry.name not in known
        and name_problem(entry.name) is None  # as in `venvreg ls`: such a folder is not an env
        and looks_like_env(entry.path)
    ]


def unknown_folders(root: str, known: set[str]) -> list[str]:
    """The folders directly in `root` (dot-folders aside) not named in `known`. While there is
    one, a list of names alone could miss an env made in it later without `root` changing."""
    return [
        entry.name
        for entry in _entries(root)
        if entry.name not in known and not entry.name.startswith(".") and _is_folder(entry)
    ]


def _entries(root: str) -> list[os.DirEntry[str]]:
    """What is directly in `root`; nothing when it cannot be read (a listing shows less)."""
    try:
        return list(os.scandir(root))
    except OSError:
        return []


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def env_folders_like(root: str, name: str) -> list[str]:
    """The exact names of the env folders directly in `root` whose names equal `name` after
    case folding and NFC normalisation: one at most on a case-insensitive disk, several
    ("case twins", e.g. `oldenv` and `OldEnv` left by virtualenvwrapper) on a case-sensitive
    one, where only one of them can be registered."""
    key = name_key(name)
    return sorted(
        entry.name
        for entry in _entries(root)
        if not entry.name.startswith(".")
        and name_problem(entry.name) is None
        and name_key(entry.name) == key
        and looks_like_env(entry.path)
    )


def did_you_mean(name: str, known: list[str]) -> str:
    """`did you mean 'projectx'?` for a name that is a typo of up to three known ones (compared
    as name keys, so case does not count), else an empty string. Only a failed lookup pays for
    difflib."""
    import difflib

    keyed = {name_key(other): other for other in known if is_utf8(other)}
    close = difflib.get_close_matches(name_key(name), list(keyed), n=3, cutoff=0.6)
    if not close:
        return ""
    shown = [quoted(keyed[key]) for key in close]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"did you mean {listed}?"
