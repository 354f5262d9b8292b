"""Where a failed child's log may go: a real folder only this user can write in, and only
venvreg's own log files are ever deleted from it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from venvreg.backends import process


def test_a_linked_or_shared_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setattr(process, "log_folders", [str(link), str(shared)])
    path = process.write_log("pip install", ["pip", "install", "x"], 1, ["ERROR: nope"])
    assert path is not None
    assert not os.listdir(real) and not os.listdir(shared)  # neither the link nor 0777


def test_only_venvreg_logs_are_trimmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o700)
    theirs = folder / "notes.log"
    theirs.write_text("keep me\n", encoding="utf-8")
    monkeypatch.setattr(process, "log_folders", [str(folder)])
    made = [
        process.write_log(f"step {n}", ["x"], 1, ["ERROR: e"]) for n in range(process.KEPT_LOGS + 3)
    ]
    assert all(path and path.startswith(str(folder)) for path in made)
    kept = [name for name in os.listdir(folder) if name != "notes.log"]
    assert len(kept) == process.KEPT_LOGS
    assert theirs.read_text(encoding="utf-8") == "keep me\n"
