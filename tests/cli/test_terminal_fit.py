"""Output that fits the terminal it is printed on: `ls`, `show`, `scan`, `trash list`, `doctor`,
`prune --dry-run` and `du` run in a real tmux pane 80 and 120 columns wide, with env names
holding CJK characters and emoji and paths longer than the pane. tmux itself says whether a
line was longer than the pane (it wraps it: `capture-pane -J` joins it again), and every name
and trash ID must stand whole on one line. `--wide` shows paths in full; piped output stays as
it was, whole and unshortened.

stdout is the pane; stderr (messages) goes to a file, so the pane holds what is fitted.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from venvreg.cli.fit import cell_len, shorten_middle, wrap_words

CJK = "数据分析-環境-テスト"
EMOJI = "🚒fire-engine🚒"
LONG = "a-rather-long-environment-name"
BROKEN = "壊れた-env"
NAMES = (CJK, EMOJI, LONG, BROKEN)
PROJECT_PARTS = ("src", "クライアント-projects-with-long-names", "backend-service", "api")


class Pane:
    """A command run in a detached tmux pane of a given width, on a private tmux server."""

    def __init__(self, tmp: Path, width: int) -> None:
        self.socket = f"venvreg-test-{uuid.uuid4().hex[:12]}"
        self.width = width
        self.tmp = tmp

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout

    def run(self, *args: str) -> tuple[list[str], list[str]]:
        """(the pane's rows as tmux shows them, the same with wrapped rows joined)."""
        err = self.tmp / f"stderr-{uuid.uuid4().hex[:8]}"
        command = (
            "unset COLUMNS LINES; "
            f"{shlex.quote(sys.executable)} -m venvreg {shlex.join(args)} 2>{shlex.quote(str(err))}"
            f"; tmux -L {self.socket} wait-for -S done; exec sleep 600"
        )
        self.tmux("new-session", "-d", "-s", "t", "-x", str(self.width), "-y", "300", command)
        try:
            self.tmux("wait-for", "done")
            rows = self.tmux("capture-pane", "-p", "-t", "t", "-S", "-", "-E", "-")
            joined = self.tmux("capture-pane", "-p", "-J", "-t", "t", "-S", "-", "-E", "-")
        finally:
            self.tmux("kill-server")
        shown = [line.rstrip() for line in rows.rstrip("\n").split("\n")]
        whole = [line.rstrip() for line in joined.rstrip("\n").split("\n")]
        while shown and not shown[-1]:
            shown.pop()
        while whole and not whole[-1]:
            whole.pop()
        assert shown, f"nothing shown; stderr: {err.read_text()}"
        return shown, whole


@pytest.fixture
def pane(tmp_path: Path) -> Callable[[int], Pane]:
    assert shutil.which("tmux"), "tmux is needed for the terminal tests"
    return lambda width: Pane(tmp_path, width)


@pytest.fixture
def crowded_home(
    cli: Any, isolated: Path, workon_home: Path, env_in_home: Any, plain_venv: Any
) -> Iterator[dict[str, Any]]:
    """Envs with CJK, emoji and long names, a long project path, a broken env, an env found
    in a project folder, and a trash entry."""
    project = isolated.joinpath(*PROJECT_PARTS)
    project.mkdir(parents=True)
    for name in NAMES:
        env_in_home(name)
    for python in (workon_home / BROKEN / "bin").glob("python*"):
        python.unlink()
    assert cli("project", "set", LONG, str(project)).returncode == 0
    plain_venv(project / ".venv")
    env_in_home("gone-soon")
    assert cli("rm", "-y", "gone-soon").returncode == 0
    trash = json.loads(cli("trash", "list", "--json").stdout)
    assert cli("ls").returncode == 0
    yield {"project": project, "trash_id": trash[0]["id"]}


COMMANDS = {
    "ls": ("ls",),
    "show": ("show", LONG),
    "scan": ("scan", "~"),
    "trash list": ("trash", "list"),
    "doctor": ("doctor",),
    "prune --dry-run": ("prune", "--broken", "--unused-for", "0d", "--dry-run"),
    "du": ("du",),
}
EXPECTED = {  # what each command must show whole, on one line
    "ls": NAMES,
    "show": (LONG,),
    "scan": (CJK, EMOJI, LONG, BROKEN),
    "trash list": ("gone-soon",),
    "doctor": NAMES,
    "prune --dry-run": NAMES,
    "du": NAMES,
}


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_fits_the_terminal_with_every_name_whole(
    pane: Callable[[int], Pane], crowded_home: dict[str, Any], command: str, width: int
) -> None:
    shown, whole = pane(width).run(*COMMANDS[command])
    # tmux wrapped nothing: no line was longer than the pane.
    assert len(shown) == len(whole), "\n".join(line for line in whole if cell_len(line) > width)
    assert all(cell_len(line) <= width for line in shown)
    text = "\n".join(shown)
    for name in EXPECTED[command]:
        assert any(name in line for line in shown), f"{name!r} is not whole on a line:\n{text}"
    if command == "trash list":
        assert any(crowded_home["trash_id"] in line for line in shown), text


def test_long_paths_are_shortened_in_the_middle_with_home_as_tilde(
    pane: Callable[[int], Pane], crowded_home: dict[str, Any]
) -> None:
    shown, _ = pane(80).run("scan", "~")
    text = "\n".join(shown)
    assert str(Path.home()) not in text
    # The env found in the project: its path too long for the pane, its end kept.
    assert any(line.endswith("/api/.venv") and "~/" in line and "…" in line for line in shown)


def test_wide_shows_full_paths_and_every_column(
    pane: Callable[[int], Pane], crowded_home: dict[str, Any]
) -> None:
    project = str(crowded_home["project"])
    _, whole = pane(80).run("ls", "--wide")
    assert any(project in line for line in whole)
    assert "PROJECT" in whole[0] and "STATUS" in whole[0]
    _, short = pane(80).run("ls", "-l")
    assert short == whole
    _, fitted = pane(80).run("ls")
    assert not any(project in line for line in fitted)


def test_piped_output_is_whole_and_unchanged_by_the_width(
    cli: Any, crowded_home: dict[str, Any]
) -> None:
    project = str(crowded_home["project"])
    narrow = cli("ls", env={"COLUMNS": "40"})
    assert narrow.returncode == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert lines[0].split() == ["NAME", "PYTHON", "PROJECT", "LAST", "USED", "SIZE", "STATUS"]
    assert any(project in line for line in lines)
    assert "…" not in narrow.stdout and "~" not in narrow.stdout
    assert cli("ls", "--wide").stdout == narrow.stdout
    trash = cli("trash", "list", env={"COLUMNS": "40"})
    assert crowded_home["trash_id"] in trash.stdout
    du = cli("du").stdout.splitlines()
    assert du[0].split("\t")[0:2] == ["total", "all"]
    assert all(len(line.split("\t")) == 4 for line in du)
    assert any(line.startswith(f"env\t{EMOJI}\t") for line in du)


def test_scan_progress_line_fits_a_real_terminal(isolated: Path) -> None:
    """The live line, written to a pseudo-terminal 80 columns wide, while a path of CJK
    characters far longer than that is walked: one row, its end kept."""
    import fcntl
    import struct
    import termios

    from venvreg.cli.scan_view import ProgressLine
    from venvreg.core.scan import ScanCounters, ScanState

    main, side = os.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    current = str(isolated / ("长路径" * 30) / "最后的文件夹")
    with os.fdopen(side, "w", encoding="utf-8", closefd=True) as stream:
        line = ProgressLine(stream)
        counters = ScanCounters()
        counters.folders_visited, counters.envs_found = 12345, 3
        line(ScanState(counters=counters, phase="walking", current=current, started=0.0))
    written = os.read(main, 65536).decode()
    os.close(main)
    visible = written.removeprefix("\r").removesuffix("\x1b[K")
    assert cell_len(visible) <= 79
    assert visible.startswith("scanning: 12,345 folders") and visible.endswith("最后的文件夹")
    assert "~/" in visible and "…" in visible


@pytest.mark.parametrize(
    ("text", "cells"), [(CJK * 3, 15), (EMOJI * 4, 11), ("/home/x/" + "é" * 40, 12)]
)
def test_shortening_counts_display_cells(text: str, cells: int) -> None:
    short = shorten_middle(text, cells)
    assert cell_len(short) <= cells and short.count("…") == 1
    assert text.endswith(short.split("…")[1])
    for line in wrap_words(f"{text} and more words", cells):
        assert cell_len(line) <= cells


def test_a_very_narrow_terminal_still_gets_the_table(
    pane: Callable[[int], Pane], cli: Any, isolated: Path
) -> None:
    """Every column may be left out but the last: a table never becomes a traceback."""
    shown, _ = pane(14).run("config", "list")
    assert shown[0].startswith("KEY"), shown
    assert any(line.startswith("trash_days") for line in shown), shown


def test_names_in_the_import_plan_and_keys_in_config_list_stay_whole(
    pane: Callable[[int], Pane], cli: Any, env_in_home: Any, isolated: Path
) -> None:
    name = "a-very-long-env-name-for-the-data-pipeline-2026"
    env_in_home(name)
    manifest = isolated / "envs.toml"
    assert cli("export", "-o", str(manifest)).returncode == 0, "export failed"
    shown, _ = pane(80).run("import", str(manifest), "--dry-run")
    assert any(name in line for line in shown), "\n".join(shown)
    shown, _ = pane(40).run("config", "list")
    assert any(line.startswith("auto_activate") for line in shown), "\n".join(shown)


@pytest.mark.parametrize(
    "args", [("config", "list"), ("registry", "query", "select name from envs")]
)
def test_every_table_command_takes_wide(cli: Any, isolated: Path, args: tuple[str, ...]) -> None:
    """`columns left out: … (--wide shows them)` is true of every command that prints one."""
    assert cli("ls").returncode == 0  # the registry exists
    result = cli(*args, "--wide")
    assert result.returncode == 0, result.stderr
