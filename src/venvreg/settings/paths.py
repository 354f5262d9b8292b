"""Where things live: WORKON_HOME (validated before any write) and venvreg's state folder in it.

The string functions (workon_home_text, ensure_home) are what the shell hot path uses: they
import neither pathlib nor dataclasses. Home wraps them in Paths for everything else.
"""

from __future__ import annotations

import os
import sys

from ..errors import UsageError
from ..text import is_utf8, quoted

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from pathlib import Path

STATE_DIR_NAME = ".venvreg"
DEFAULT_WORKON_HOME = "~/.virtualenvs"

_SYSTEM_FOLDERS = frozenset(
    [
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media",
        "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
        "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/sbin", "/usr/share", "/var",
        "/var/tmp", "/Applications", "/Library", "/System", "/Users", "/Volumes", "/private",
        "/private/tmp", "/private/var",
    ]
)  # fmt: skip


def env_bin_dir(env: str) -> str:
    """Where an env keeps its interpreter and scripts: bin/, or Scripts\\ on Windows."""
    return os.path.join(env, "Scripts" if os.name == "nt" else "bin")


def is_within(child: str, parent: str, *, or_same: bool = False) -> bool:
    """Whether the path `child` lies inside the folder `parent` (or is it, with `or_same`): a
    comparison of the two strings as given, by whole path components, so /a/bc is not inside
    /a/b, and a trailing separator on either changes nothing. Callers normalise or resolve both
    first, as their rule needs."""
    child, parent = child.rstrip(os.sep) or os.sep, parent.rstrip(os.sep) or os.sep
    if child == parent:
        return or_same
    return child.startswith(parent.rstrip(os.sep) + os.sep)


def is_system_folder(path: str) -> bool:
    """A folder no tool should treat as its own: root, a system folder, $HOME or an ancestor."""
    normal = os.path.normpath(path)
    real = os.path.realpath(path)
    home = os.path.realpath(os.path.expanduser("~"))
    for candidate in {normal, real}:
        if candidate in _SYSTEM_FOLDERS or os.path.dirname(candidate) == candidate:
            return True
        if is_within(home, candidate, or_same=True):
            return True
        if sys.platform == "win32":  # pragma: no cover
            windir = os.environ.get("SYSTEMROOT", r"C:\Windows")
            if os.path.normcase(candidate).startswith(os.path.normcase(windir)):
                return True
    return False


def check_workon_home(value: str, source: str) -> str:
    """Validate a WORKON_HOME candidate, saying where a bad value came from; normalised."""
    if value == "" or value.strip() == "":
        raise UsageError(f"{source} is empty; set it to an absolute folder such as ~/.virtualenvs")
    if "\x00" in value or not is_utf8(value):
        raise UsageError(f"{source} {quoted(value)} is not a valid UTF-8 path")
    expanded = os.path.expanduser(value)
    if not os.path.isabs(expanded):
        raise UsageError(f"{source} {quoted(value)} is relative; it must be an absolute path")
    if is_system_folder(expanded):
        raise UsageError(
            f"{source} {quoted(value)} is a system folder, the home folder or one of their "
            "ancestors; choose a folder of its own such as ~/.virtualenvs"
        )
    return os.path.normpath(expanded)


def resolve_workon_home(config_value: str | None) -> Path:
    """WORKON_HOME from the variable, else the config file, else ~/.virtualenvs."""
    from pathlib import Path

    return Path(workon_home_text(config_value))


def workon_home_text(config_value: str | None) -> str:
    """resolve_workon_home, as a normalised string."""
    from_env = os.environ.get("WORKON_HOME")
    if from_env is not None:
        return check_workon_home(from_env, "WORKON_HOME")
    if config_value is not None:
        return check_workon_home(config_value, "the config key workon_home")
    return check_workon_home(DEFAULT_WORKON_HOME, "the default WORKON_HOME")


def ensure_home(root: str) -> None:
    """Create WORKON_HOME (mode 0700) and the state folders on first use."""
    if not os.path.isdir(root):
        os.makedirs(os.path.dirname(root), exist_ok=True)
        try:
            os.mkdir(root, 0o700)
        except FileExistsError:
            if not os.path.isdir(root):
                raise UsageError(f"WORKON_HOME {quoted(root)} exists and is not a folder") from None
        else:
            os.chmod(root, 0o700)
    state = os.path.join(root, STATE_DIR_NAME)
    for folder in (state, os.path.join(state, "trash"), os.path.join(state, "locks")):
        os.makedirs(folder, mode=0o700, exist_ok=True)


class Home:
    """A validated WORKON_HOME and the places venvreg keeps inside it."""

    __slots__ = ("root",)

    def __init__(self, root: Path) -> None:
        self.root = root

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Home) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Home({self.root!r})"

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR_NAME

    @property
    def registry_file(self) -> Path:
        return self.state / "registry.sqlite3"  # registry.db.REGISTRY_FILE

    @property
    def trash(self) -> Path:
        return self.state / "trash"

    @property
    def locks(self) -> Path:
        return self.state / "locks"

    def env_path(self, name: str) -> Path:
        return self.root / name
