"""The stress test of issue 8: for about a minute, 16 processes at once create, remove, list,
show, activate (`workon`, through the shell functions' protocol), adopt and prune --dry-run,
all through the real CLI against one registry. Afterwards:

- every env a command reported created is still there, unless a later rm here removed it;
- no output anywhere mentions a locked database or a lock error;
- every use is counted: each env's use_count equals the successful workons of it;
- `venvreg doctor` is clean (exit 0).

VENVREG_STRESS_SECONDS shortens the run locally; CI runs the full minute.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support import make_plain_venv

WORKERS = 16
SECONDS = float(os.environ.get("VENVREG_STRESS_SECONDS", "60"))
LOCK_TROUBLE = re.compile(r"database is locked|database table is locked|lock(ed)? error|busy", re.I)


@dataclass
class Log:
    """What the workers saw, shared under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    created: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    workons: Counter[str] = field(default_factory=Counter)
    outputs: list[tuple[list[str], int, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def _venvreg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "venvreg", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Worker:
    """One of the 16: works on envs of its own (so that its counts are exact), reads all."""

    def __init__(self, number: int, log: Log, adoptable: list[Path], deadline: float) -> None:
        self.number = number
        self.log = log
        self.adoptable = adoptable
        self.deadline = deadline
        self.mine: list[str] = []
        self.made = 0
        self.random = random.Random(number)

    def call(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = _venvreg(*args)
        with self.log.lock:
            self.log.outputs.append((list(args), result.returncode, result.stdout + result.stderr))
            self.log.counts[args[0] if args[0] != "__shell" else "workon"] += 1
        return result

    def fail(self, what: str, result: subprocess.CompletedProcess[str]) -> None:
        with self.log.lock:
            self.log.failures.append(
                f"worker {self.number}: {what}: exit {result.returncode}\n{result.stderr}"
            )

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            choice = self.random.choices(
                ["create", "rm", "ls", "show", "workon", "adopt", "prune"],
                weights=[1, 1, 2, 2, 6, 1, 1],
            )[0]
            getattr(self, choice)()

    def create(self) -> None:
        name = f"w{self.number}-{self.made}"
        self.made += 1
        result = self.call("create", name)
        if result.returncode == 0 and f"created '{name}'" in result.stderr:
            with self.log.lock:
                self.log.created.add(name)
            self.mine.append(name)
        else:
            self.fail(f"create {name}", result)

    def rm(self) -> None:
        if len(self.mine) < 2:
            return self.create()
        name = self.mine.pop(self.random.randrange(len(self.mine)))
        result = self.call("rm", name, "--yes")
        if result.returncode == 0:
            with self.log.lock:
                self.log.removed.add(name)
        else:
            self.fail(f"rm {name}", result)
        return None

    def ls(self) -> None:
        result = self.call("ls", "--json")
        if result.returncode != 0:
            self.fail("ls", result)
            return
        listed = {entry["name"] for entry in json.loads(result.stdout)}
        missing = [name for name in self.mine if name not in listed]
        if missing:  # its own envs, made and not removed: none may be missing from a listing
            self.fail(f"ls lost {missing}", result)

    def show(self) -> None:
        if not self.mine:
            return self.ls()
        name = self.random.choice(self.mine)
        result = self.call("show", name)
        if result.returncode != 0:
            self.fail(f"show {name}", result)
        return None

    def workon(self) -> None:
        if not self.mine:
            return self.create()
        name = self.random.choice(self.mine)
        result = self.call("__shell", "bash", "workon", "--", name)
        if result.returncode == 0 and result.stdout.startswith("__venvreg_activate "):
            with self.log.lock:
                self.log.workons[name] += 1
        else:
            self.fail(f"workon {name}", result)
        return None

    def adopt(self) -> None:
        if not self.adoptable:
            return self.prune()
        folder = self.adoptable.pop()
        name = f"adopted-{folder.name}"
        result = self.call("adopt", "--name", name, str(folder))
        if result.returncode == 0:
            with self.log.lock:
                self.log.created.add(name)
            self.mine.append(name)
        else:
            self.fail(f"adopt {folder}", result)
        return None

    def prune(self) -> None:
        result = self.call("prune", "--dry-run")
        if result.returncode != 0:
            self.fail("prune --dry-run", result)


@pytest.mark.slow
def test_sixteen_processes_for_a_minute(cli: Any, workon_home: Path, tmp_path: Path) -> None:
    assert cli("ls").returncode == 0  # the registry exists before the crowd arrives
    pool = tmp_path / "adoptable"
    pool.mkdir()
    adoptable = {
        number: [make_plain_venv(pool / f"w{number}-a{i}") for i in range(2)]
        for number in range(WORKERS)
    }
    log = Log()
    deadline = time.monotonic() + SECONDS
    workers = [Worker(n, log, adoptable[n], deadline) for n in range(WORKERS)]
    threads = [threading.Thread(target=worker.run) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    print(f"operations: {dict(log.counts)}; workons: {sum(log.workons.values())}")
    troubled = [
        f"{' '.join(args)} (exit {code}): {text}"
        for args, code, text in log.outputs
        if LOCK_TROUBLE.search(text)
    ]
    assert not troubled, "lock trouble:\n" + "\n".join(troubled[:10])
    assert not log.failures, "\n".join(log.failures[:10])

    listed = {entry["name"]: entry for entry in json.loads(cli("ls", "--json").stdout)}
    kept = log.created - log.removed
    lost = sorted(name for name in kept if name not in listed)
    assert not lost, f"reported created, never removed, but gone: {lost}\n" + "\n".join(
        f"{' '.join(args)} (exit {code}): {text.strip()}"
        for args, code, text in log.outputs
        if any(name in text or name in args for name in lost)
    )
    for name in kept:
        assert (Path(listed[name]["path"]) / "pyvenv.cfg").is_file(), name
    for name in log.removed:
        assert name not in listed, name
    uses = {name: listed[name]["use_count"] for name in kept}
    expected = {name: log.workons.get(name, 0) for name in kept}
    assert uses == expected
    assert set(log.counts) == {"create", "rm", "ls", "show", "workon", "adopt", "prune"}, log.counts

    doctor = cli("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
