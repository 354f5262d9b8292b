"""The registry file: network filesystem detection (from a mountinfo file), journal modes,
migrations and the refusal of a newer schema, on real SQLite files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from venvreg.errors import RegistryError
from venvreg.registry import db
from venvreg.registry.schema import SCHEMA_VERSION
from venvreg.settings.paths import Home

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:40 / /srv/nfs rw,relatime shared:5 - nfs4 server:/export rw,vers=4.2
41 27 0:41 / /srv/nfs/local rw,relatime - ext4 /dev/vdb1 rw
42 27 0:42 / /mnt/my\\040share rw,relatime - cifs //host/share rw
43 27 0:43 / /home/u/remote rw,nosuid - fuse.sshfs u@host:/ rw
44 27 0:44 / /srv/nfsish rw - xfs /dev/vdc rw
"""


@pytest.fixture
def mountinfo(tmp_path: Path) -> Path:
    path = tmp_path / "mountinfo"
    path.write_text(MOUNTINFO)
    return path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/srv/nfs", "nfs4"),
        ("/srv/nfs/team/.virtualenvs", "nfs4"),
        ("/srv/nfs/local/envs", "ext4"),  # a local mount inside the network one wins
        ("/srv/nfsish/envs", "xfs"),  # a name that merely starts like the mount point
        ("/mnt/my share/envs", "cifs"),  # mountinfo escapes the space as \040
        ("/home/u/remote/x", "fuse.sshfs"),
        ("/home/u/other", "ext4"),
        ("/", "ext4"),
    ],
)
def test_filesystem_type_reads_the_longest_matching_mount(
    mountinfo: Path, path: str, expected: str
) -> None:
    assert db.filesystem_type(Path(path), mountinfo) == expected


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/srv/nfs/envs", True),
        ("/mnt/my share/envs", True),
        ("/home/u/remote/envs", True),
        ("/srv/nfs/local/envs", False),
        ("/home/u/envs", False),
    ],
)
def test_is_network_filesystem(mountinfo: Path, path: str, network: bool) -> None:
    assert db.is_network_filesystem(Path(path), mountinfo) is network


def test_no_mountinfo_means_unknown_and_not_network(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-mountinfo"
    assert db.filesystem_type(Path("/srv/nfs"), missing) is None
    assert db.is_network_filesystem(Path("/srv/nfs"), missing) is False


def test_garbage_mountinfo_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mountinfo"
    path.write_text("garbage\n\n1 2 3\n27 1 254:0 / / rw - ext4 /dev/vda rw\n\xff\xfe - \n")
    assert db.filesystem_type(Path("/anything"), path) == "ext4"


def _journal_mode(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def _mountinfo_claiming(tmp_path: Path, fs_type: str) -> Path:
    """A mountinfo that puts tmp_path on a filesystem of `fs_type`."""
    path = tmp_path / f"mountinfo-{fs_type}"
    path.write_text(
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
        f"50 27 0:50 / {tmp_path.resolve()} rw,relatime - {fs_type} server:/x rw\n"
    )
    return path


def _open(home: Home) -> None:
    conn, _rebuilt = db.open_registry(home)
    conn.close()


def test_registry_on_a_local_filesystem_uses_wal(tmp_path: Path) -> None:
    home = Home(tmp_path / "envs")
    _open(home)
    assert _journal_mode(home.registry_file) == "wal"


def test_registry_on_a_network_filesystem_uses_no_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No NFS server here: the detection input (mountinfo) is what is faked, nothing else."""
    monkeypatch.setattr(db, "MOUNTINFO", _mountinfo_claiming(tmp_path, "nfs4"))
    home = Home(tmp_path / "envs")
    _open(home)
    assert _journal_mode(home.registry_file) == "delete"
    assert not Path(str(home.registry_file) + "-wal").exists()


def test_a_wal_registry_moved_to_a_network_filesystem_leaves_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = Home(tmp_path / "envs")
    _open(home)
    assert _journal_mode(home.registry_file) == "wal"
    monkeypatch.setattr(db, "MOUNTINFO", _mountinfo_claiming(tmp_path, "cifs"))
    _open(home)
    assert _journal_mode(home.registry_file) == "delete"


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite3"
    conn = db.connect(path)
    try:
        assert db.migrate(conn) is True
        assert db.migrate(conn) is False
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        versions = [row[0] for row in conn.execute("SELECT version FROM migrations")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
    finally:
        conn.close()


def test_a_newer_schema_is_refused_and_never_written(tmp_path: Path) -> None:
    home = Home(tmp_path / "envs")
    _open(home)
    conn = sqlite3.connect(home.registry_file)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = hashlib.sha256(home.registry_file.read_bytes()).hexdigest()
    with pytest.raises(RegistryError) as raised:
        db.open_registry(home)
    assert "newer venvreg" in str(raised.value)
    assert f"schema {SCHEMA_VERSION + 5}" in str(raised.value)
    assert hashlib.sha256(home.registry_file.read_bytes()).hexdigest() == before


def test_write_transaction_rolls_back_on_keyboard_interrupt(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "r.sqlite3")
    try:
        db.prepare(conn, network=False)
        with pytest.raises(KeyboardInterrupt), db.write_transaction(conn):
            conn.execute(
                "INSERT INTO envs (name, name_key, path, origin, created_at) "
                "VALUES ('a', 'a', '/x/a', 'found', 0)"
            )
            raise KeyboardInterrupt
        assert conn.execute("SELECT COUNT(*) FROM envs").fetchone()[0] == 0
        assert not conn.in_transaction
    finally:
        conn.close()
