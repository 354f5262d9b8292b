"""Children die with venvreg (issue 8, finding 10).

pip, venv and uv used to run in their own session: after a kill -9 of venvreg (even of its whole
process group) they kept writing into the half-made env while the next command rolled it back,
leaving an unregistered half folder that made `create` fail. Here pip is held at a known point
(a package whose in-tree build backend blocks on a FIFO), venvreg is killed, and the next
commands must find no child alive, no half folder, and a `create` of the same name must work.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import wait_for

BACKEND = '''
import os, sys, zipfile, base64, hashlib

NAME, VERSION = "vrblocker", "1.0"
HERE = os.path.dirname(os.path.abspath(__file__))


def _hold():
    """Say who we are (this hook's pid, and pip's: our parent), then wait for the FIFO."""
    marker = os.path.join(HERE, "pids")
    with open(marker + ".tmp", "w") as handle:
        handle.write(f"{os.getpid()} {os.getppid()}")
    os.replace(marker + ".tmp", marker)
    with open(os.path.join(HERE, "release")) as fifo:
        fifo.read()


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _hold()
    dist = f"{NAME}-{VERSION}.dist-info"
    files = {
        f"{NAME}/__init__.py": "",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = []
    for name, data in files.items():
        raw = hashlib.sha256(data.encode()).digest()
        digest = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data.encode())}")
    record.append(f"{dist}/RECORD,,")
    wheel = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(f"{dist}/RECORD", "\\n".join(record) + "\\n")
    return wheel
'''

PYPROJECT = """[build-system]
requires = []
build-backend = "blockbackend"
backend-path = ["."]

[project]
name = "vrblocker"
version = "1.0"
"""

PIP_OFFLINE = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1"}


class HeldPackage:
    """A local project whose wheel build blocks until released: pip waits for it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pids_file = folder / "pids"
        self.fifo = folder / "release"

    def pids(self) -> tuple[int, int]:
        hook, pip = self.pids_file.read_text().split()
        return int(hook), int(pip)

    def release(self) -> bool:
        """Let a waiting build go on; False when nobody waits any more (it was killed)."""
        try:
            handle = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno == errno.ENXIO:
                return False
            raise
        os.write(handle, b"go\n")
        os.close(handle)
        return True


@pytest.fixture
def held_package(tmp_path: Path) -> Any:
    folder = tmp_path / "vrblocker"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "blockbackend.py").write_text(BACKEND)
    os.mkfifo(folder / "release")
    package = HeldPackage(folder)
    yield package
    if package.pids_file.exists():  # never leave a helper behind, whatever happened
        for pid in package.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, waiting to be reaped, runs no more)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _none_alive(pids: tuple[int, ...], within: float = 10.0) -> bool:
    """True once no pid runs; a SIGKILL is delivered at once, the deadline only guards hangs."""
    deadline = time.monotonic() + within
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _start_held_create(
    start_cli: Callable[..., subprocess.Popen[str]], package: HeldPackage, name: str
) -> tuple[subprocess.Popen[str], tuple[int, int]]:
    process = start_cli(
        "create", name, "--backend", "venv", "-i", str(package.folder), env=PIP_OFFLINE
    )
    wait_for(package.pids_file.exists, "pip to build the held package", process)
    return process, package.pids()


def _state_only(workon_home: Path) -> list[str]:
    return sorted(entry.name for entry in workon_home.iterdir())


@pytest.mark.parametrize("whole_group", [True, False], ids=["kill-group", "kill-venvreg-only"])
def test_pip_dies_with_venvreg_and_the_next_create_works(
    start_cli: Callable[..., subprocess.Popen[str]],
    held_package: HeldPackage,
    cli: Any,
    workon_home: Path,
    rows: Any,
    local_index: dict[str, str],
    whole_group: bool,
) -> None:
    process, (hook_pid, pip_pid) = _start_held_create(start_cli, held_package, "x")
    assert _alive(pip_pid) and (workon_home / "x").is_dir()

    if whole_group:
        os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()  # venvreg alone: its child must not survive it
    process.communicate(timeout=60)

    # pip is gone (with the whole group, its build hook too) before any clean-up runs.
    assert _none_alive((pip_pid, hook_pid) if whole_group else (pip_pid,)), "pip outlived venvreg"

    listed = cli("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    # What pip had started (its build hook) is stopped by the clean-up, before it cleans.
    assert not _alive(hook_pid), "a process started by pip outlived the clean-up"
    assert not held_package.release()  # nobody waits any more
    assert _state_only(workon_home) == [".venvreg"], "a half folder was left behind"
    assert rows() == []

    again = cli("create", "x", "--backend", "venv", "-i", "vrdemoalpha", env=local_index)
    assert again.returncode == 0, again.stderr
    assert "already exists" not in again.stderr
    entry = {e["name"]: e for e in json.loads(cli("ls", "--json").stdout)}["x"]
    assert entry["healthy"] is True
    assert any((workon_home / "x" / "lib").glob("python*/site-packages/vrdemoalpha"))
    doctor = cli("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr


def test_pip_of_an_import_dies_with_venvreg(
    start_cli: Callable[..., subprocess.Popen[str]],
    held_package: HeldPackage,
    cli: Any,
    workon_home: Path,
    rows: Any,
    tmp_path: Path,
) -> None:
    """The same for `venvreg import` (its envs are made with their packages by create)."""
    version = "{}.{}".format(*sys.version_info[:2])
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f'version = 1\n\n[[env]]\nname = "imp"\npython = "{version}"\nbackend = "venv"\n'
        f'packages = ["vrblocker @ {held_package.folder.as_uri()}"]\n'
    )
    process = start_cli("import", str(manifest), env=PIP_OFFLINE)
    wait_for(held_package.pids_file.exists, "pip to build the held package", process)
    hook_pid, pip_pid = held_package.pids()

    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert _none_alive((pip_pid, hook_pid)), "pip outlived venvreg"
    held_package.release()

    listed = cli("ls", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == [], listed.stderr
    assert _state_only(workon_home) == [".venvreg"], "a half folder was left behind"
    assert rows() == []
    assert cli("doctor").returncode == 0


def test_a_half_made_folder_is_reported_by_doctor_and_named_by_create(
    cli: Any, workon_home: Path, plain_venv: Callable[[Path], Path]
) -> None:
    """What a child writing on after the clean-up used to leave: part of an env, no pyvenv.cfg,
    no row. doctor reports it with its fix, and create says what it is instead of "something
    that is not a venv"; after the fix, create works."""
    assert cli("ls").returncode == 0
    half = plain_venv(workon_home / "z")
    (half / "pyvenv.cfg").unlink()
    site = next((half / "lib").glob("python*/site-packages"))
    (site / "vrblocker").mkdir()
    (site / "vrblocker" / "__init__.py").write_text("")

    doctor = cli("doctor", "--json")
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    findings = [f for f in json.loads(doctor.stdout)["findings"] if f["kind"] == "half-made"]
    assert [f["path"] for f in findings] == [str(half)]
    assert findings[0]["fix"].startswith(f"rm -rf {half}")
    assert "no pyvenv.cfg" in findings[0]["problem"]

    refused = cli("create", "z", "--backend", "venv")
    assert refused.returncode != 0
    assert "half-made environment without pyvenv.cfg" in refused.stderr
    assert "venvreg doctor" in refused.stderr and "Traceback" not in refused.stderr
    assert (site / "vrblocker" / "__init__.py").exists()  # refused, never cleared

    subprocess.run(["sh", "-c", findings[0]["fix"]], check=True)
    made = cli("create", "z", "--backend", "venv")
    assert made.returncode == 0, made.stderr
    assert cli("doctor").returncode == 0
