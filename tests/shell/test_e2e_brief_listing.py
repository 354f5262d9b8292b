"""`lsvirtualenv -b` without Python: the functions print `.venvreg/brief` while WORKON_HOME has
not changed since the CLI wrote it, and ask the CLI otherwise, so the listing is the one the
CLI would give (adopted envs included, an env made by plain venv listed at once)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from shells import ALL_SHELLS

from venvreg.fs.brief import BRIEF_FILE, BRIEF_LOCK, brief_writer
from venvreg.names import listing_order

NAMES = ["alpha", "Beta é", "it's $HOME", "zeta; a&b"]


def age(folder: Path) -> None:
    """Make `folder` look as if it last changed a minute ago (instead of waiting for that)."""
    then = time.time_ns() - 60_000_000_000
    os.utime(folder, ns=(then, then))


def brief_run(sb, shell: str, exe: Path) -> tuple[str, int]:
    run = sb.run(shell, "lsvirtualenv -b; rc ls\n", env={"VENVREG_EXE": str(exe)})
    return run.text().rstrip("\n"), run.rc("ls")


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_brief_listing_needs_no_python_and_follows_the_disk(shell, make_sandbox, tmp_path):
    sb = make_sandbox(f"brief-{shell}")
    for name in NAMES:
        sb.plain_env(name)
    assert sb.cli("ls").returncode == 0  # registers them
    outside = sb.plain_env("outside-env", where=tmp_path)
    assert sb.cli("adopt", str(outside)).returncode == 0
    assert sb.run(shell, "rc first\n").rc("first") == 0  # makes the stock hook files
    expected = listing_order([*NAMES, "outside-env"])

    # WORKON_HOME changed just now: the CLI answers (and leaves the brief for next time)
    recorder, log = sb.recorder("venvreg")
    first, status = brief_run(sb, shell, recorder)
    assert (first.splitlines(), status) == (expected, 0)
    assert len(sb.calls(log)) == 1
    age(sb.workon_home)
    brief_run(sb, shell, recorder)  # now settled: this answer is kept for the functions
    assert (sb.workon_home / ".venvreg" / BRIEF_FILE).exists()

    failing, failing_log = sb.recorder("no-venvreg", real=False)
    listed, status = brief_run(sb, shell, failing)
    assert (listed.splitlines(), status) == (expected, 0)
    assert sb.calls(failing_log) == []  # no Python at all

    # a registry change that leaves WORKON_HOME alone is in the brief at once
    other = sb.plain_env("outside-two", where=tmp_path)
    assert sb.cli("adopt", str(other)).returncode == 0
    expected = listing_order([*expected, "outside-two"])
    listed, status = brief_run(sb, shell, failing)
    assert (listed.splitlines(), status) == (expected, 0)
    assert sb.calls(failing_log) == []

    # an env made by plain venv in a folder already in WORKON_HOME is listed at once: while a
    # folder there is not a registered env's, the CLI keeps no brief
    (sb.workon_home / "in-place").mkdir()
    age(sb.workon_home)  # settled (which also hides the mkdir: the brief goes, as if seen)
    (sb.workon_home / ".venvreg" / BRIEF_FILE).unlink()
    brief_run(sb, shell, recorder)
    assert not (sb.workon_home / ".venvreg" / BRIEF_FILE).exists()
    sb.plain_env("in-place")
    log.unlink()
    listed, status = brief_run(sb, shell, recorder)
    expected = listing_order([*expected, "in-place"])
    assert (listed.splitlines(), status) == (expected, 0)
    assert len(sb.calls(log)) == 1

    # an env made by plain venv in WORKON_HOME is listed at once: the CLI is asked again
    sb.plain_env("plain-new")
    log.unlink()
    listed, status = brief_run(sb, shell, recorder)
    assert listed.splitlines() == listing_order([*expected, "plain-new"]) and status == 0
    assert len(sb.calls(log)) == 1

    # an env folder deleted by hand: the functions say what the CLI says
    shutil.rmtree(sb.workon_home / "alpha")
    age(sb.workon_home)
    log.unlink()
    listed, status = brief_run(sb, shell, recorder)
    (sb.workon_home / ".venvreg" / BRIEF_FILE).unlink(missing_ok=True)
    asked, _ = brief_run(sb, shell, recorder)
    assert listed == asked and status == 0
    assert len(sb.calls(log)) == 2


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_other_options_still_go_to_the_cli(shell, make_sandbox):
    sb = make_sandbox(f"brief-opts-{shell}")
    sb.plain_env("one")
    assert sb.cli("ls").returncode == 0
    age(sb.workon_home)
    failing, log = sb.recorder("no-venvreg", real=False)
    run = sb.run(
        shell,
        "lsvirtualenv -b -b; rc twice\nlsvirtualenv; rc long\n",
        env={"VENVREG_EXE": str(failing)},
    )
    assert run.rc("twice") == 97 and run.rc("long") == 97
    assert len(sb.calls(log)) == 2


def state_of(tmp_path: Path, aged: bool = True) -> tuple[Path, Path]:
    root = tmp_path / "home"
    state = root / ".venvreg"
    state.mkdir(parents=True)
    if aged:
        age(root)
    return root, state


def test_a_change_made_while_the_names_are_read_is_newer_than_the_brief(tmp_path):
    root, state = state_of(tmp_path)
    with brief_writer(str(root), str(state)) as publish:
        (root / "made-meanwhile").mkdir()  # after the names were read, before the write
        publish(["old"])
    brief = state / BRIEF_FILE
    assert brief.read_text(encoding="utf-8") == "old\n"
    assert newer(root, brief)  # so the functions ask the CLI


def test_a_change_too_recent_to_tell_from_the_next_leaves_no_brief(tmp_path):
    root, state = state_of(tmp_path, aged=False)
    (state / BRIEF_FILE).write_text("stale\n", encoding="utf-8")
    with brief_writer(str(root), str(state)) as publish:
        publish(["fresh"])
    assert not (state / BRIEF_FILE).exists()


def test_a_settled_listing_is_trusted(tmp_path):
    root, state = state_of(tmp_path)
    with brief_writer(str(root), str(state)) as publish:
        publish(["a", "b"])
    assert (state / BRIEF_FILE).read_text(encoding="utf-8") == "a\nb\n"
    assert newer(state / BRIEF_FILE, root)


def test_a_writer_holds_the_lock_from_reading_the_names_to_writing_them(tmp_path):
    """A listing that read the names before a registry change cannot write after it: the
    other writer cannot take the lock until this one has written."""
    root, state = state_of(tmp_path)
    with brief_writer(str(root), str(state)) as publish:
        other = os.open(state / BRIEF_LOCK, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            publish(["old"])
        finally:
            os.close(other)
    other = os.open(state / BRIEF_LOCK, os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free once it has written
    finally:
        os.close(other)


def newer(this: Path, than: Path) -> bool:
    """The shells' own `-nt`, as the functions test it."""
    test = subprocess.run(["bash", "-c", '[ "$1" -nt "$2" ]', "-", str(this), str(than)])
    return test.returncode == 0
