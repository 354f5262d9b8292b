"""Opening the registry: WAL and busy timeout, safe concurrent migrations, damage recovery.

Stdlib only: the shell hot path (workon) opens the registry too. Migrations go through
sqlite-utils (registry/tables.py), imported only when one is due.

Damage is found where it costs nothing on the hot path: opening reads only the first page (a
garbage, empty or foreign file fails there); the integrity check of every page runs before the
first write of a process, in doctor and under the lock of a recovery; damage met later by any
query is turned by the front ends (cli/app.py, fastpath.py) into the same recovery through
`recover_from`, and the command runs again on the rebuilt registry, unless its own work had
begun (a write that is not `idempotent`, or `note_work`): then it stops and says so.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

from ..errors import RegistryError
from ..fs.holds import hold_point
from ..settings.paths import STATE_DIR_NAME, ensure_home
from ..text import quoted
from .schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_SECONDS = 60.0
MOUNTINFO = "/proc/self/mountinfo"
REGISTRY_FILE = "registry.sqlite3"

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Callable
    from os import PathLike
    from typing import TypeVar

    from ..settings.paths import Home

    StrPath = str | PathLike[str]
    Result = TypeVar("Result")
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


class RegistryConnection(sqlite3.Connection):
    """A connection that knows whether its file's pages were checked for damage."""

    checked = False
    registry_path = ""


# The registry connections this process opened, newest last: damage met mid-command is in the
# file of the newest, and every connection to that file is closed before it is moved aside (a
# connection closed later would delete the new file's WAL, which has the same name).
_opened: list[RegistryConnection] = []
# Registries this process rebuilt empty after damage and has not yet handed out as rebuilt.
_rebuilt: set[str] = set()
# Whether this process began its command's own work: committed a write that is not idempotent,
# or changed something outside the registry (`note_work`). Such a command is not run again
# after a recovery: it might do its work twice, or fail on what its first run did.
_worked = [False]


def note_work() -> None:
    """Say that the command's own work outside the registry begins (files moved, a user's hook
    run): damage met from here on stops the command instead of running it again."""
    _worked[0] = True


def connect(path: StrPath) -> sqlite3.Connection:
    """A connection in autocommit mode; callers open BEGIN IMMEDIATE for read-then-write."""
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, factory=RegistryConnection
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    # Sorts (a listing's ORDER BY over 10,000 rows) stay in memory instead of spilling to a
    # temporary file the size of the table, written and read back on every listing.
    conn.execute("PRAGMA temp_store = MEMORY")
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
    # Pages read once stay in memory for the rest of the command (up to 64 MiB, allocated as
    # read): with SQLite's default of 2 MiB, each pass over 10,000 rows (the check before the
    # first write, a listing, the names) would read the whole file from the disk again.
    conn.execute("PRAGMA cache_size = -65536")
    migrate(conn)


class write_transaction:  # noqa: N801 - used as `with write_transaction(conn):`
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (Ctrl-C included). The first
    one on a connection checks every page first, so nothing is written into a damaged file. A
    class, not a contextlib generator: contextlib is not worth its import on the hot path.

    `idempotent` marks a write that only brings the registry in step with the disk (a folder
    found, a size measured, a migration, a killed command's leftovers finished): doing it twice
    gives the same result, so it is not the command's own work and does not stop the command
    from running again on a registry rebuilt after damage."""

    def __init__(self, conn: sqlite3.Connection, *, idempotent: bool = False) -> None:
        self.conn = conn
        self.idempotent = idempotent

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        if not getattr(self.conn, "checked", True):
            try:
                check_integrity(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return self.conn

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")
        if kind is None:
            if not self.idempotent:
                _worked[0] = True
            hold_point("registry-restated" if self.idempotent else "registry-work-recorded")


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
    with write_transaction(conn, idempotent=True):
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


def is_damage(error: BaseException) -> bool:
    """Does this error say the registry file is damaged (not busy, full or read-only)?"""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    text = str(error).lower()
    if "malformed" in text or "not a database" in text:
        return True
    # DatabaseError itself (not a subclass such as OperationalError or IntegrityError) is what
    # SQLite's SQLITE_CORRUPT and SQLITE_NOTADB become.
    return type(error) is sqlite3.DatabaseError


def _move_aside(path: str) -> str:
    aside = f"{path}.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    os.replace(path, aside)
    import contextlib  # recovery is rare: off the hot path

    with contextlib.suppress(FileNotFoundError):  # its committed pages go along, not away
        os.replace(path + "-wal", aside + "-wal")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path + "-shm")
    return aside


def check_integrity(conn: sqlite3.Connection) -> None:
    """Raise DatabaseError for damage past the first page, which opening alone does not read.
    About 3 ms per 1,000 envs: never on the hot path's reads."""
    verdict = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if verdict != "ok":
        detail = " ".join(str(verdict).replace("*** in database main ***", "").split())
        raise sqlite3.DatabaseError(f"database disk image is malformed: {detail}")
    if isinstance(conn, RegistryConnection):
        conn.checked = True


def _open(path: str, network: bool, check: bool = False) -> sqlite3.Connection:
    conn = connect(path)
    try:
        if check:
            check_integrity(conn)
        prepare(conn, network=network)
    except BaseException:
        conn.close()
        raise
    return _track(conn, path)


def _track(conn: sqlite3.Connection, path: str) -> sqlite3.Connection:
    if isinstance(conn, RegistryConnection):
        conn.registry_path = path
        _opened.append(conn)
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
                return _open(path, network, check=True), False
        size = _size(path)
    damage = "the file is empty (0 bytes)"
    if size != 0:
        try:
            conn = _open(path, network)
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise RegistryError(
                    f"cannot use the registry {quoted(str(path))}: {error}"
                ) from None
            damage = str(error)
        else:
            if path in _rebuilt:  # rebuilt by this process after damage met mid-command
                _rebuilt.discard(path)
                return conn, True
            return conn, False
    return _recover(path, lock, network, damage, None)


def _inode(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _recover(
    path: str, lock: str, network: bool, damage: str, damaged: tuple[int, int] | None
) -> tuple[sqlite3.Connection, bool]:
    """Under the registry lock: move the damaged file aside and make an empty registry, with
    the one-line notice (True); unless another process did it while we waited (False: the file
    is then a new one, or one that opens and passes the integrity check). `damaged` names the
    file found damaged mid-command, None when damage was met at opening."""
    with _registry_lock(lock):
        if damaged is None or _inode(path) != damaged:
            try:
                if _size(path) == 0:
                    raise sqlite3.DatabaseError(damage)
                return _open(path, network, check=True), False
            except sqlite3.DatabaseError:
                pass
        aside = _move_aside(path)
        conn = _track(connect(path), path)
        prepare(conn, network=network)
        conn.checked = True  # type: ignore[attr-defined]
    print(
        f"venvreg: the registry {quoted(str(path))} was damaged ({damage}); moved it to "
        f"{quoted(str(aside))} and rebuilt the index from the environments on disk",
        file=sys.stderr,
    )
    return conn, True


def run_recovering(action: Callable[[], Result]) -> Result:
    """`action()`, and once more when it met a damaged registry midway, which is moved aside
    and rebuilt from the disk first (the one-line notice is the same as at opening), unless
    its own work had begun (recover_from then raises the error that says so). What the front
    ends (cli/app.py, fastpath.py) run each command through."""
    try:
        return action()
    except sqlite3.DatabaseError as error:
        if not recover_from(error):
            raise
    return action()


def recover_from(error: BaseException) -> bool:
    """After `error` was met mid-command: True when it was damage of the registry, which is now
    moved aside and rebuilt empty (the next open_registry of it says so), and the command may
    run again; False when it was not damage. A command whose own work had begun is not run
    again (it might do its work twice): a RegistryError says so."""
    if not is_damage(error) or not _opened:
        return False
    worked = _worked[0]
    path = _opened[-1].registry_path
    for old in [c for c in _opened if c.registry_path == path]:
        _opened.remove(old)
        import contextlib  # recovery is rare: off the hot path

        # A transaction still open is rolled back; a failed checkpoint into the damaged file
        # leaves the WAL, which goes aside with it.
        with contextlib.suppress(sqlite3.Error):
            old.close()
    damaged = _inode(path)
    state = os.path.dirname(path)
    network = is_network_filesystem(os.path.dirname(state))
    damage = " ".join(str(error).split())
    lock = os.path.join(state, "locks", "registry.lock")
    conn, rebuilt = _recover(path, lock, network, damage, damaged)
    conn.close()  # the command's next open_registry opens it anew
    _opened[:] = [c for c in _opened if c is not conn]
    if rebuilt:
        _rebuilt.add(path)
    if worked:
        raise RegistryError(
            "the command stopped midway on the damaged registry, after some of its work was "
            "done; check the result and run it again"
        )
    return True


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
