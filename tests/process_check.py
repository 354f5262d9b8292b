"""A pytest plugin (loaded by tests/conftest.py): a test fails when a process it started is
still running after its teardown, and the leftover is killed so that it leaks no further.

Linux only (it reads /proc); elsewhere it does nothing. The pytest process becomes a child
subreaper, so a process whose parent died (pip after a kill -9 of venvreg, a shell's `cmd &`)
is re-parented to pytest instead of to init and is still seen as the test's descendant.
Processes started by a module- or session-scoped fixture belong to that fixture, not to the
test that happened to set it up, and are left alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Generator

import pytest

PROC = "/proc"
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>
GRACE_SECONDS = 3.0  # how long a process may take to exit after the teardown that ended it

# A pid can be reused, so a process is its pid and its start time (clock ticks since boot).
Proc = tuple[int, int]

_before_test = pytest.StashKey[frozenset[Proc]]()
_fixture_owned: set[Proc] = set()


def _enabled() -> bool:
    return sys.platform.startswith("linux") and os.path.isdir(f"{PROC}/self")


def _table() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, state, start time) of every process now."""
    table = {}
    for name in os.listdir(PROC):
        if not name.isdigit():
            continue
        try:
            with open(f"{PROC}/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # it exited while we looked
            continue
        fields = stat.rsplit(b")", 1)[1].split()  # the command name before ")" may hold spaces
        table[int(name)] = (int(fields[1]), fields[0].decode(), int(fields[19]))
    return table


def _descendants() -> dict[Proc, str]:
    """Every process below this one, with its state (Z for a zombie)."""
    table = _table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[Proc, str] = {}
    pending = list(children.get(os.getpid(), []))
    while pending:
        pid = pending.pop()
        _, state, started = table[pid]
        found[(pid, started)] = state
        pending += children.get(pid, [])
    return found


def _living() -> set[Proc]:
    return {proc for proc, state in _descendants().items() if state not in ("Z", "X")}


def _reap(candidates: set[Proc]) -> None:
    """Collect those of `candidates` that are this process's exited children (an orphan that
    was re-parented here has nobody else to wait for it)."""
    for (pid, started), state in _descendants().items():
        if state == "Z" and (pid, started) in candidates:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)


def _command(pid: int) -> str:
    try:
        with open(f"{PROC}/{pid}/cmdline", "rb") as handle:
            words = handle.read().rstrip(b"\0").split(b"\0")
    except OSError:
        return "?"
    return " ".join(word.decode("utf-8", "replace") for word in words)[:200]


def _new_living(before: frozenset[Proc]) -> set[Proc]:
    return _living() - before - _fixture_owned


def _wait_gone(before: frozenset[Proc], seconds: float) -> set[Proc]:
    """The test's processes still running once `seconds` have passed or all are gone."""
    deadline = time.monotonic() + seconds
    while True:
        left = _new_living(before)
        _reap(set(_descendants()) - before - _fixture_owned)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)  # polling for exits; the deadline bounds it


def pytest_configure(config: pytest.Config) -> None:
    if not _enabled():
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    if _enabled():
        item.stash[_before_test] = frozenset(_living())
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[object], request: pytest.FixtureRequest
) -> Generator[object, object, object]:
    if not _enabled() or fixturedef.scope == "function":
        return (yield)
    before = _living()
    try:
        return (yield)
    finally:
        _fixture_owned.update(_living() - before)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        before = item.stash.get(_before_test, None)
        if before is not None:
            _check(before)


def _check(before: frozenset[Proc]) -> None:
    left = _wait_gone(before, GRACE_SECONDS)
    if not left:
        return
    names = sorted(f"{pid} {_command(pid)}" for pid, _ in left)
    for pid, started in left:
        with contextlib.suppress(ProcessLookupError):
            if _table().get(pid, (0, "", -1))[2] == started:  # still that process, not a new one
                os.kill(pid, signal.SIGKILL)
    _wait_gone(before, GRACE_SECONDS)  # SIGKILL is delivered at once; this reaps them
    pytest.fail(
        f"{len(names)} process(es) started by this test outlived it (now killed):\n  "
        + "\n  ".join(names),
        pytrace=False,
    )
