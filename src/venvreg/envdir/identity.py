"""What makes a folder the environment the registry knows, and not one made again under its name.

An env's identity is what changes when the env is really made again and never when only its
metadata changes. Measured on Linux ext4: a folder deleted and made again at once gets its inode
back, but a new birth time (statx) and a new inode generation (FS_IOC_GETVERSION); chmod, chown,
touch, a hard link, or an editor rewriting pyvenv.cfg change none of them. So the identity is:

    v2 | the folder: device, inode, birth time, generation | its bin/ (or Scripts/): the same

`rm -rf x; python -m venv x`, `tox -r` and `virtualenv --clear` make a new folder;
`python -m venv --clear` keeps the folder but makes a new bin/. pyvenv.cfg itself is left out:
editors, `toggleglobalsitepackages` and backups rewrite it without re-creating anything. Where
the filesystem keeps no birth time or generation, that field is `-` and the inodes remain.
A symlinked env is the link itself. Identities recorded by older versions (`dev:ino` or
`dev:ino:cfg-inode:cfg-ctime`) are compared on the folder alone, and upgraded by the next listing.
"""

from __future__ import annotations

import os
import stat
import sys

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from pathlib import Path

ENV_MARKERS = ("pyvenv.cfg", os.path.join("conda-meta", "history"))
VERSION = "v2"
UNKNOWN = "-"
# Linux: _IOR('v', 1, long), the inode generation; ext4 and xfs keep one, tmpfs does not.
FS_IOC_GETVERSION = 0x80087601
AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
STATX_BTIME = 0x800

_statx: object = None  # the libc statx wrapper once looked up; False when there is none


def _birth_time(path: str, status: os.stat_result) -> str:
    """The birth time in ns, as text; `-` when neither the OS nor the filesystem keeps it."""
    birth = getattr(status, "st_birthtime_ns", None) or getattr(status, "st_birthtime", None)
    if birth is not None:  # macOS, BSD, Windows
        return str(int(birth if isinstance(birth, int) else birth * 1e9))
    call = _load_statx()
    if call is False:
        return UNKNOWN
    return call(path)  # type: ignore[operator, no-any-return]


def _load_statx() -> object:
    """statx through libc (Python 3.11 has no os.statx); False where it is missing."""
    global _statx
    if _statx is not None:
        return _statx
    try:
        import ctypes  # only here: workon asks for an identity only to index a new folder

        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.statx
    except (OSError, AttributeError, ImportError):
        _statx = False
        return _statx

    class Timestamp(ctypes.Structure):
        _fields_ = [("sec", ctypes.c_int64), ("nsec", ctypes.c_uint32), ("pad", ctypes.c_int32)]

    class Statx(ctypes.Structure):  # struct statx: 256 bytes, of which the first 96 are read
        _fields_ = [
            ("mask", ctypes.c_uint32),
            ("head", ctypes.c_uint8 * 60),
            ("atime", Timestamp),
            ("btime", Timestamp),
            ("tail", ctypes.c_uint8 * 160),
        ]

    buffer = Statx()

    def birth(path: str) -> str:
        if function(
            AT_FDCWD, os.fsencode(path), AT_SYMLINK_NOFOLLOW, STATX_BTIME, ctypes.byref(buffer)
        ):
            return UNKNOWN
        if not buffer.mask & STATX_BTIME:
            return UNKNOWN
        return str(buffer.btime.sec * 1_000_000_000 + buffer.btime.nsec)

    _statx = birth
    return _statx


def _generation(path: str) -> str:
    """The inode generation of a folder (Linux); `-` where the filesystem has none."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return UNKNOWN
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return UNKNOWN
    try:
        raw = fcntl.ioctl(handle, FS_IOC_GETVERSION, bytes(8))
    except OSError:
        return UNKNOWN
    finally:
        os.close(handle)
    return str(int.from_bytes(raw[:4], sys.byteorder))


def _part(path: str) -> str | None:
    """dev:ino:birth:generation of the entry at `path` (not followed); None when it is gone."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    generation = _generation(path) if stat.S_ISDIR(status.st_mode) else UNKNOWN
    return f"{status.st_dev}:{status.st_ino}:{_birth_time(path, status)}:{generation}"


def identity_of(path: str | Path) -> str | None:
    """The env's identity now (the module docstring says what it holds); None when it is gone."""
    text = os.fspath(path)
    folder = _part(text)
    if folder is None:
        return None
    if os.path.islink(text):
        return f"{VERSION}|{folder}|link"
    scripts = os.path.join(text, "bin")
    inner = _part(scripts) if os.path.isdir(scripts) else None
    if inner is None:
        windows = os.path.join(text, "Scripts")
        inner = _part(windows) if os.path.isdir(windows) else None
    return f"{VERSION}|{folder}|{inner or UNKNOWN}"


def _folder_key(identity: str) -> str:
    """The folder's device and inode, from an identity of any version."""
    if identity.startswith(VERSION + "|"):
        return ":".join(identity.split("|")[1].split(":")[:2])
    return ":".join(identity.split(":")[:2])


def is_current_form(identity: str | None) -> bool:
    """Was this identity recorded in today's form (older ones are upgraded when they match)?"""
    return identity is not None and identity.startswith(VERSION + "|")


def same_identity(recorded: str | None, path: str | Path) -> bool:
    """Is the env at `path` the one recorded (not made again since)? Metadata-only changes
    keep it the same. An identity from an older version, or recorded before the folder had a
    bin/, is compared on the folder alone."""
    current = identity_of(path)
    if recorded is None or current is None:
        return recorded == current
    if not is_current_form(recorded):
        return _folder_key(recorded) == _folder_key(current)
    was, now = recorded.split("|"), current.split("|")
    # Recorded before the folder had a bin/ (a creation or rebuild under way): the folder decides.
    return was[1] == now[1] and was[2] in (UNKNOWN, now[2])


def looks_like_env(path: str | Path) -> bool:
    """A folder holding a regular pyvenv.cfg or conda-meta/history, by stat only."""
    for marker in ENV_MARKERS:
        try:
            if stat.S_ISREG(os.stat(os.path.join(path, marker)).st_mode):
                return True
        except OSError:
            continue
    return False


def same_folder(recorded: str | None, path: str | Path) -> bool:
    """Is the folder at `path` the one recorded, whatever happened inside it since? Used where
    only the folder matters (a creation under way has no bin/ yet)."""
    if recorded is None:
        return identity_of(path) is None
    current = identity_of(path)
    if current is None:
        return False
    if not is_current_form(recorded):
        return _folder_key(recorded) == _folder_key(current)
    return recorded.split("|")[1] == current.split("|")[1]
