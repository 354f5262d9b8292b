"""When an environment was last used, with the evidence that says so, and who uses it now.

`workon` is not the only way to use an env: an IDE runs its bin/python directly, and pip
changes its site-packages. So the last use is the newest of the registry's last activation
(`workon`, `venvreg run`), the mtimes of site-packages (changed by every install or
uninstall), pyvenv.cfg and the env's bin/python, and what running its Python leaves on disk:
bytecode written into site-packages' `__pycache__` folders, and the access time of its `.pth`
files, which the interpreter reads at every start-up (where the filesystem keeps access times:
relatime, Linux's default, updates them about once a day; venvreg itself never reads them).
The interpreter is lstat'ed: its target is the base Python, shared by every env made from it,
and says nothing about this one. Stat only, nothing is run: prune asks this for a thousand
envs at a time.

A process running from an env is a use happening now: `running_from` reads /proc once (Linux)
for the processes whose executable, command, mapped or open files lie under an env's folder, or
that have the env activated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from ..registry.envs import EnvRecord
from ..settings.paths import env_bin_dir

ACTIVATION = "activation"
SITE_PACKAGES = "site-packages"
PYVENV_CFG = "pyvenv.cfg"
INTERPRETER = "bin/python"
BYTECODE = "bytecode"
STARTUP = "start-up"

PROC = "/proc"


@dataclass(frozen=True)
class LastUse:
    """The newest evidence (`at`, from `source`), and every piece found, newest first."""

    at: float | None
    source: str | None
    evidence: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class RunningProcess:
    """One process seen using an env, and how it was seen."""

    pid: int
    command: str
    how: str

    def describe(self) -> str:
        return f"pid {self.pid} ({self.command}) {self.how}"


def _mtime(path: str, follow: bool = True) -> float | None:
    try:
        return os.stat(path, follow_symlinks=follow).st_mtime
    except (OSError, ValueError):
        return None


def _site_packages_traces(site_packages: str) -> list[tuple[str, float]]:
    """Bytecode written (newest `__pycache__` mtime, top level and one package down) and
    start-up reads (newest `.pth` access time) in `site_packages`."""
    bytecode: float | None = None
    startup: float | None = None
    try:
        entries = list(os.scandir(site_packages))
    except (OSError, ValueError):
        return []
    for entry in entries:
        try:
            if entry.name.endswith(".pth"):
                if entry.is_file():
                    startup = max(startup or 0.0, entry.stat().st_atime)
            elif entry.name == "__pycache__":
                bytecode = max(bytecode or 0.0, entry.stat(follow_symlinks=False).st_mtime)
            elif entry.is_dir(follow_symlinks=False) and not entry.name.endswith(
                (".dist-info", ".egg-info", ".data")
            ):
                when = _mtime(os.path.join(entry.path, "__pycache__"), follow=False)
                if when is not None:
                    bytecode = max(bytecode or 0.0, when)
        except OSError:
            continue
    found = []
    if bytecode is not None:
        found.append((BYTECODE, bytecode))
    if startup is not None:
        found.append((STARTUP, startup))
    return found


def last_use(record: EnvRecord, used_since: float | None = None) -> LastUse:
    """The last use of `record`'s env; `at` is None when nothing at all says it was used.
    With `used_since`, a use at or after it found by stat alone ends the search (prune asks
    only whether an env was used within its window): site-packages is then not read."""
    found: list[tuple[str, float]] = []
    if record.last_used_at is not None:
        found.append((ACTIVATION, record.last_used_at))
    interpreter = record.interpreter or os.path.join(env_bin_dir(record.path), "python")
    for source, path, follow in (
        (SITE_PACKAGES, record.site_packages, True),
        (PYVENV_CFG, os.path.join(record.path, "pyvenv.cfg"), True),
        (INTERPRETER, interpreter, False),
    ):
        when = _mtime(path, follow) if path else None
        if when is not None:
            found.append((source, when))
    recent = used_since is not None and any(when >= used_since for _, when in found)
    if record.site_packages and not recent:
        found += _site_packages_traces(record.site_packages)
    found.sort(key=lambda item: -item[1])
    if not found:
        return LastUse(None, None, ())
    return LastUse(found[0][1], found[0][0], tuple(found))


def running_from(paths: Iterable[str], proc: str = PROC) -> dict[str, RunningProcess]:
    """For each env folder in `paths` that a process uses now, one such process.

    One pass over /proc for all the envs (a prune asks once, not per env); processes that
    cannot be read (another user's, or gone meanwhile) are skipped; this process is not
    counted. Empty where there is no /proc."""
    roots: dict[str, str] = {}
    for path in paths:
        roots[path.rstrip(os.sep) or os.sep] = path
        roots.setdefault(os.path.realpath(path), path)
    found: dict[str, RunningProcess] = {}
    if not roots:
        return found
    try:
        pids = [name for name in os.listdir(proc) if name.isdigit()]
    except OSError:
        return found
    me = str(os.getpid())
    for pid in pids:
        if pid == me:
            continue
        for env, how in _uses(os.path.join(proc, pid), roots):
            if env not in found:
                found[env] = RunningProcess(int(pid), _command(os.path.join(proc, pid)), how)
    return found


def _owner(path: str, roots: dict[str, str]) -> str | None:
    """The env in `roots` that holds `path` (or is it)."""
    while True:
        env = roots.get(path)
        if env is not None:
            return env
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def _uses(base: str, roots: dict[str, str]) -> list[tuple[str, str]]:
    """(env, how) for each env the process at /proc/PID uses."""
    seen: list[tuple[str, str]] = []

    def check(path: str | None, how: str) -> None:
        if path and path.startswith(os.sep):
            env = _owner(os.path.normpath(path.removesuffix(" (deleted)")), roots)
            if env is not None and all(env != known for known, _ in seen):
                seen.append((env, how))

    check(_readlink(os.path.join(base, "exe")), "runs its executable")
    arguments = _read(os.path.join(base, "cmdline")).split(b"\0")
    check(os.fsdecode(arguments[0]) if arguments[0] else None, "was started from it")
    for line in _read(os.path.join(base, "environ")).split(b"\0"):
        if line.startswith(b"VIRTUAL_ENV="):
            check(os.fsdecode(line[len(b"VIRTUAL_ENV=") :]), "has it activated")
    mapped = set()
    for line in _read(os.path.join(base, "maps")).splitlines():
        fields = line.split(None, 5)
        if len(fields) == 6 and fields[5].startswith(b"/"):
            mapped.add(fields[5])
    for path in mapped:
        check(os.fsdecode(path), "has its files mapped")
    fd_dir = os.path.join(base, "fd")
    try:
        descriptors = os.listdir(fd_dir)
    except OSError:
        descriptors = []
    for fd in descriptors:
        check(_readlink(os.path.join(fd_dir, fd)), "has its files open")
    return seen


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _readlink(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _command(base: str) -> str:
    return _read(os.path.join(base, "comm")).decode("utf-8", "replace").strip() or "?"
