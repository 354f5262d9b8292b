"""An env being removed leaves `lsvirtualenv -b`'s brief at once: a `venvreg rm` killed with -9
halfway must not leave the shell functions listing, without Python, an env that is going."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from support import Hold
from venvreg.fs.brief import BRIEF_FILE

Cli = Callable[..., subprocess.CompletedProcess[str]]
Start = Callable[..., subprocess.Popen[str]]


def test_a_killed_removal_leaves_no_brief(
    cli: Cli,
    start_cli: Start,
    hold: Hold,
    isolated: Path,
    workon_home: Path,
    plain_venv: Callable[[Path], Path],
) -> None:
    app = isolated / "src" / "app"
    app.mkdir(parents=True)
    (app / "main.py").write_text(
        "print('app')\n", encoding="utf-8"
    )  # a project: moved entry by entry
    plain_venv(app)
    assert cli("ls").returncode == 0
    then = time.time_ns() - 60_000_000_000
    os.utime(workon_home, ns=(then, then))  # settled, as a minute later
    assert cli("adopt", str(app)).returncode == 0  # outside WORKON_HOME: its time stays
    brief = workon_home / ".venvreg" / BRIEF_FILE
    assert brief.read_text(encoding="utf-8") == "app\n"

    process = start_cli("rm", "app", "--yes", env=hold.env("remove-entry-moved"))
    hold.kill_when_held(process)
    assert not brief.exists()  # so the functions ask the CLI, which finishes the removal
