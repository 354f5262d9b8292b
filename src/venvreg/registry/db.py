"""Opening the registry: WAL and busy timeout, safe concurrent migrations, damage recovery.

Stdlib only: the shell hot path (workon) opens the registry too. Migrations go through
sqlite-utils (registry/tables.py), imported only when one is due.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

from ..errors import RegistryError
from ..settings.paths import STATE_DIR_NAME, ensure_home
from ..text import quoted
from .schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_SECONDS = 60.0
MOUNTINFO = "/proc/self/mountinfo"
REGISTRY_FILE = "registry.sqlite3"

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from os import PathLike

    from ..settings.paths import Home

    StrPath = str | PathLike[str]
NETWORK_FILESYSTEMS = frozenset(
    ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "afs", "ceph", "glusterfs",
     "fuse.glusterfs", "lustre", "9p", "davfs", "fuse.davfs2", "gpfs", "ncpfs"]
)  # fmt: skip


def filesystem_type(path: StrPath, mountinfo: StrPath | None = None) -> str | None:
    """The type of the filesystem holding `path`, from /proc/self/mountinfo (Linux only)."""
    try:
        with open(mountinfo or MOUNTINFO, encoding="utf-8", errors="replace") as mounts:
            lines = mounts.readlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in lines:
        fields = line.split(" - ", 1)
        left, right = fields[0].split(), fields[1].split() if len(fields) > 1 else []
        if len(left) < 5 or not right:
            continue
        mount_point = left[4].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, right[0]
    return best_type


def is_network_filesystem(path: StrPath, mountinfo: StrPath | None = None) -> bool:
    """True where SQLite's WAL (shared memory) cannot be trusted."""
    return filesystem_type(path, mountinfo) in NETWORK_FILESYSTEMS


def connect(path: StrPath) -> sqlite3.Connection:
    """A connection in autocommit mode; callers open BEGIN IMMEDIATE for read-then-write."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


def prepare(conn: sqlite3.Connection, *, network: bool) -> None:
    """Refuse a newer schema before writing anything, then set the journal mode and migrate."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _newer_schema_error(version)
    wanted = "delete" if network else "wal"
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != wanted:
        conn.execute(f"PRAGMA journal_mode = {wanted}")
    conn.execute("PRAGMA synchronous = NORMAL")
    migrate(conn)


class write_transaction:  # noqa: N801 - used as `with write_transaction(conn):`
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (Ctrl-C included). A class, not
    a contextlib generator: contextlib is not worth its import on the hot path."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


def _newer_schema_error(version: int) -> RegistryError:
    return RegistryError(
        f"the registry was written by a newer venvreg (schema {version}, this version knows "
        f"{SCHEMA_VERSION}); upgrade venvreg, the registry was left unchanged"
    )


def migrate(conn: sqlite3.Connection) -> bool:
    """Bring the schema up to date; True if this process did it. Safe when shells race."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise _newer_schema_error(version)
    if version == SCHEMA_VERSION:
        return False
    with write_transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _newer_schema_error(version)
        if version == SCHEMA_VERSION:
            return False
        from .tables import database  # sqlite-utils: only when a migration is due

        tables = database(conn)
        for number in range(version, SCHEMA_VERSION):
            MIGRATIONS[number](tables)
            tables.table("migrations").insert(
                {"version": number + 1, "applied_at": time.time(), "pid": os.getpid()}
            )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return True


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return not isinstance(error, sqlite3.OperationalError) or "malformed" in text


def _move_aside(path: str) -> str:
    aside = f"{path}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    os.replace(path, aside)
    import contextlib  # recovery is rare: off the hot path

    with contextlib.suppress(FileNotFoundError):  # its committed pages go along, not away
        os.replace(path + "-wal", aside + "-wal")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path + "-shm")
    return aside


def _check_integrity(conn: sqlite3.Connection) -> None:
    """Raise DatabaseError for damage past the first page, which opening alone does not read
    (it would surface later, mid-command, as a traceback). About 1 ms per 1,000 envs."""
    verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if verdict != "ok":
        detail = " ".join(str(verdict).replace("*** in database main ***", "").split())
        raise sqlite3.DatabaseError(f"database disk image is malformed: {detail}")


def _open(path: str, network: bool) -> sqlite3.Connection:
    conn = connect(path)
    try:
        _check_integrity(conn)
        prepare(conn, network=network)
    except BaseException:
        conn.close()
        raise
    return conn


def open_registry(home: Home) -> tuple[sqlite3.Connection, bool]:
    """Open (creating and migrating) the registry; the flag says it was just rebuilt empty.

    A file that is not a database is moved aside and replaced by an empty registry, with a
    one-line notice on stderr; the caller then re-indexes what is on disk.
    """
    return open_registry_in(str(home.root))


def _size(path: str) -> int | None:
    """The file's size, None when there is none."""
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return None


def open_registry_in(root: str) -> tuple[sqlite3.Connection, bool]:
    """open_registry for the WORKON_HOME `root`, given as a string (the hot path's form).

    The registry is first made under the registry lock, which is held until it has its first
    page: so a 0-byte file seen by anyone else is never a first run under way, it is damage
    (a crash or a truncation) like any other, not an empty registry to fill silently."""
    ensure_home(root)
    network = is_network_filesystem(root)
    state = os.path.join(root, STATE_DIR_NAME)
    path = os.path.join(state, REGISTRY_FILE)
    lock = os.path.join(state, "locks", "registry.lock")
    size = _size(path)
    if size is None:
        with _registry_lock(lock):
            if _size(path) is None:  # else another shell made it while we waited
                return _open(path, network), False
        size = _size(path)
    damage = "the file is empty (0 bytes)"
    if size != 0:
        try:
            return _open(path, network), False
        except sqlite3.DatabaseError as error:
            if not _is_damage(error):
                raise RegistryError(
                    f"cannot use the registry {quoted(str(path))}: {error}"
                ) from None
            damage = str(error)
    with _registry_lock(lock):
        try:  # another process may have recovered it while we waited for the lock
            if _size(path) == 0:
                raise sqlite3.DatabaseError(damage)
            return _open(path, network), False
        except sqlite3.DatabaseError:
            aside = _move_aside(path)
        conn = connect(path)
        prepare(conn, network=network)
    print(
        f"venvreg: the registry {quoted(str(path))} was damaged ({damage}); moved it to "
        f"{quoted(str(aside))} and rebuilt the index from the environments on disk",
        file=sys.stderr,
    )
    return conn, True


class _registry_lock:  # noqa: N801 - used as `with _registry_lock(path):`
    """An exclusive lock for the first run and for recovery, so two shells do not both make or
    move the file aside. fcntl alone: the hot path may take it on a first run."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self.handle = -1

    def __enter__(self) -> None:
        self.handle = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        os.close(self.handle)
