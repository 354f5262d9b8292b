"""Fixtures for the CLI tests: registry rows read-only, disk snapshots, local wheels, a terminal,
and an interpreter that blocks on purpose so a creation can be interrupted at a known step.

Everything here is real: real venvs, a real SQLite file, the real CLI as a subprocess.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support import wait_for

BASE_PYTHON = Path(getattr(sys, "_base_executable", None) or sys.executable)
PY_VERSION = "{}.{}.{}".format(*sys.version_info[:3])


@pytest.fixture(scope="session")
def _shared_caches(_private_session_home: dict[str, str]) -> dict[str, str]:
    """virtualenv's app data (seeding from a warm one is ~3x faster) and uv's cache (its pip
    seed needs the network only once), shared by the session's tests: the private session
    home's (tests/conftest.py), never the user's."""
    return {
        key: _private_session_home[key] for key in ("VIRTUALENV_OVERRIDE_APP_DATA", "UV_CACHE_DIR")
    }


@pytest.fixture(autouse=True)
def _fast_caches(_shared_caches: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in _shared_caches.items():
        monkeypatch.setenv(key, value)


def registry_path(workon_home: Path) -> Path:
    return workon_home / ".venvreg" / "registry.sqlite3"


def read_rows(workon_home: Path, table: str = "envs") -> list[dict[str, Any]]:
    """All rows of `table`, read through a read-only connection ([] when there is no file)."""
    path = registry_path(workon_home)
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f"SELECT * FROM {table}")]
    finally:
        conn.close()


@pytest.fixture
def rows(workon_home: Path) -> Callable[..., list[dict[str, Any]]]:
    """rows() -> the envs table as dicts; rows("migrations") -> another table."""

    def read(table: str = "envs") -> list[dict[str, Any]]:
        return read_rows(workon_home, table)

    return read


@pytest.fixture
def row(workon_home: Path) -> Callable[[str], dict[str, Any] | None]:
    """The envs row with exactly that name, or None."""

    def find(name: str) -> dict[str, Any] | None:
        matches = [r for r in read_rows(workon_home) if r["name"] == name]
        assert len(matches) <= 1
        return matches[0] if matches else None

    return find


@pytest.fixture
def env_in_home(workon_home: Path, plain_venv: Callable[[Path], Path]) -> Callable[[str], Path]:
    """A real venv (stdlib, no pip) made directly in WORKON_HOME, as a user would by hand."""

    def make(name: str) -> Path:
        workon_home.mkdir(parents=True, exist_ok=True)
        return plain_venv(workon_home / name)

    return make


def snapshot_tree(*roots: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple[Any, ...]]:
    """Every entry under `roots` (not following links) with type, size, inode, mtime, target."""
    result: dict[str, tuple[Any, ...]] = {}
    for root in roots:
        if not os.path.lexists(root):
            result[str(root)] = ("absent",)
            continue
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            dirs[:] = [d for d in dirs if here / d not in skip]
            for name in [*dirs, *files]:
                path = here / name
                st = path.lstat()
                link = os.readlink(path) if path.is_symlink() else None
                result[str(path)] = (st.st_mode, st.st_size, st.st_ino, st.st_mtime_ns, link)
            st = here.lstat()
            result[folder] = (st.st_mode, st.st_ino, st.st_mtime_ns)
    return result


@pytest.fixture
def disk_snapshot(isolated: Path, workon_home: Path) -> Callable[..., dict[str, tuple[Any, ...]]]:
    """HOME (which holds WORKON_HOME and the config) minus venvreg's own state folder."""

    def take(*extra: Path) -> dict[str, tuple[Any, ...]]:
        return snapshot_tree(isolated, *extra, skip=(workon_home / ".venvreg",))

    return take


def _record(files: dict[str, bytes]) -> str:
    lines = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    return "\n".join(lines)


def build_wheel(directory: Path, name: str, version: str) -> Path:
    """A minimal pure-Python wheel written by hand, so pip installs it with no index at all."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f"VERSION = {version!r}\n".encode(),
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        ),
        f"{dist_info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: venvreg-tests\nRoot-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
    }
    record = _record(files) + f"\n{dist_info}/RECORD,,\n"
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)
        archive.writestr(f"{dist_info}/RECORD", record)
    return path


@pytest.fixture
def local_index(tmp_path: Path) -> dict[str, str]:
    """Two hand-made wheels and the pip settings that install them offline (no index)."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    build_wheel(folder, "vrdemoalpha", "1.0")
    build_wheel(folder, "vrdemobeta", "2.5")
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(folder), "PIP_CONFIG_FILE": os.devnull}


@dataclass
class BlockingPython:
    """An 'interpreter' (a shell script) that announces itself, then blocks until released.

    Given to `venvreg create --backend venv -p`, it holds the creation at a known step: the
    `creating` row and the target folder exist, the backend child is running.
    """

    path: Path
    started: Path
    release_fifo: Path

    def pid(self) -> int:
        return int(self.started.read_text().strip())

    def release(self) -> None:
        with open(self.release_fifo, "w") as fifo:
            fifo.write("go\n")


@pytest.fixture
def blocking_python(tmp_path: Path) -> Iterator[BlockingPython]:
    folder = tmp_path / "blocking-python"
    folder.mkdir()
    started = folder / "started"
    fifo = folder / "release"
    os.mkfifo(fifo)
    script = folder / "python3"
    script.write_text(
        "#!/bin/sh\n"
        f"echo $$ > '{started}.tmp' && mv '{started}.tmp' '{started}'\n"
        f"read _line < '{fifo}'\n"
        f"exec '{BASE_PYTHON}' \"$@\"\n"
    )
    script.chmod(0o755)
    blocker = BlockingPython(script, started, fifo)
    yield blocker
    if started.exists():  # never leave the helper behind (it runs in its own session)
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(blocker.pid(), signal.SIGKILL)


@pytest.fixture
def run_in_terminal(isolated: Path) -> Callable[..., tuple[int, str]]:
    """Run the CLI with stdout on a pseudo-terminal; returns (exit code, what the terminal got)."""

    def run(*args: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> Any:
        environment = {**os.environ, **(env or {}), "COLUMNS": "200", "LINES": "50"}
        for key in drop:
            environment.pop(key, None)
        main, child_side = os.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "venvreg", *args],
            stdin=subprocess.DEVNULL,
            stdout=child_side,
            stderr=subprocess.PIPE,
            env=environment,
        )
        os.close(child_side)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # EIO once the child side is closed
                break
            if not data:
                break
            chunks.append(data)
        os.close(main)
        process.wait(timeout=120)
        assert process.stderr is not None
        process.stderr.close()
        return process.returncode, b"".join(chunks).decode("utf-8", "replace")

    return run


@pytest.fixture
def record_uses(isolated: Path) -> Callable[[str, int, float | None], None]:
    """Count activations of an env through venvreg's own registry code (what workon does)."""

    def record(name: str, times: int = 1, when: float | None = None) -> None:
        code = (
            "import sys\n"
            "from venvreg.core.session import open_context\n"
            "from venvreg.registry import envs\n"
            "from venvreg.registry.db import write_transaction\n"
            "ctx = open_context()\n"
            "record = envs.get_by_name(ctx.conn, sys.argv[1])\n"
            "when = None if sys.argv[3] == 'now' else float(sys.argv[3])\n"
            "for _ in range(int(sys.argv[2])):\n"
            "    with write_transaction(ctx.conn):\n"
            "        envs.record_use(ctx.conn, record.id, when)\n"
            "ctx.close()\n"
        )
        stamp = "now" if when is None else repr(when)
        subprocess.run(
            [sys.executable, "-c", code, name, str(times), stamp], check=True, env=os.environ
        )

    return record


def ls_json(cli: Callable[..., subprocess.CompletedProcess[str]]) -> list[dict[str, Any]]:
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


@pytest.fixture
def listing(cli: Callable[..., subprocess.CompletedProcess[str]]) -> Callable[[], dict[str, Any]]:
    """`venvreg ls --json` as a dict name -> entry (the command must succeed)."""

    def run() -> dict[str, Any]:
        return {entry["name"]: entry for entry in ls_json(cli)}

    return run


@pytest.fixture
def tree_snapshot() -> Callable[..., dict[str, tuple[Any, ...]]]:
    return snapshot_tree


SETPRIV = "/usr/bin/setpriv"


@pytest.fixture
def cli_unprivileged(isolated: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The real CLI, subject to file permissions even when the tests run as root.

    As root, chmod does not stop writes; the CLI then runs with CAP_DAC_OVERRIDE (and friends)
    dropped from its bounding set, so a 0555 folder is really read-only for it.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not os.access(SETPRIV, os.X_OK):
            pytest.skip("running as root without setpriv: permissions cannot be enforced")
        prefix = [SETPRIV, "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "venvreg", *args],
            input="",
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=300,
        )

    return run


@pytest.fixture
def start_blocked_creation(
    start_cli: Callable[..., subprocess.Popen[str]],
    blocking_python: BlockingPython,
    workon_home: Path,
) -> Callable[..., subprocess.Popen[str]]:
    """`venvreg create NAME` held inside its backend: the `creating` row and the folder exist,
    the backend child runs and waits for `blocking_python.release()`."""

    def start(name: str = "victim") -> subprocess.Popen[str]:
        process = start_cli("create", name, "--backend", "venv", "-p", str(blocking_python.path))
        wait_for(blocking_python.started.exists, "the backend to start", process)
        assert (workon_home / name).is_dir()
        return process

    return start
