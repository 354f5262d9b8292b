"""What people and scripts see: brief and JSON listings, sort orders, names and paths printed
literally (rich markup, control characters), NO_COLOR, and the 0/1/2 exit codes."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

PY_VERSION = "{}.{}.{}".format(*sys.version_info[:3])
ENV_KEYS = {
    "name", "path", "status", "python_version", "interpreter", "project_path", "origin", "tool",
    "backend", "created_at", "last_used_at", "use_count", "size_bytes", "size_measured_at",
    "healthy", "problems", "state",
}  # fmt: skip
ANSI = re.compile(r"\x1b[\[\]()#;?]*[0-9;]*[A-Za-z@-~]?")


def test_ls_brief_prints_names_only(cli: Any, env_in_home: Any) -> None:
    for name in ("b-env", "a env", "c[bold]x"):
        env_in_home(name)
    result = cli("ls", "-b")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "a env\nb-env\nc[bold]x\n"
    assert cli("list", "--brief").stdout == result.stdout


def test_ls_json_is_valid_json_with_the_documented_fields(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    env_in_home("one")
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    entry = data[0]
    assert set(entry) == ENV_KEYS
    assert entry["python_version"] == PY_VERSION
    assert entry["interpreter"] == str(workon_home / "one" / "bin" / "python")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["created_at"])
    assert entry["last_used_at"] is None and entry["use_count"] == 0
    assert isinstance(entry["size_bytes"], int) and entry["size_bytes"] > 0


def test_ls_json_of_an_empty_home_is_an_empty_array(cli: Any) -> None:
    result = cli("ls", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


def test_warnings_go_to_stderr_and_json_stays_parseable(
    cli: Any, workon_home: Path, env_in_home: Any, plain_venv: Any
) -> None:
    env_in_home("good")
    plain_venv(workon_home / "CON")  # a legal folder here, but not a legal name
    result = cli("ls", "--json")
    assert result.returncode == 0
    assert [entry["name"] for entry in json.loads(result.stdout)] == ["good"]
    assert "warning: ignored 'CON'" in result.stderr
    assert "reserved device name" in result.stderr


@pytest.fixture
def three_envs(env_in_home: Any, record_uses: Any, cli: Any) -> None:
    """alpha: small, used long ago, made second; Beta: biggest, used last, made first;
    gamma: middle size, never used, made last."""
    made = {"alpha": 2_000_000_000, "Beta": 1_000_000_000, "gamma": 3_000_000_000}
    ballast = {"alpha": 0, "Beta": 2, "gamma": 1}
    for name, created in made.items():
        env = env_in_home(name)
        os.utime(env / "pyvenv.cfg", (created, created))
        if ballast[name]:
            (env / "ballast.bin").write_bytes(os.urandom(ballast[name] * 1024 * 1024))
    assert cli("ls").returncode == 0
    record_uses("alpha", 1, 1_500_000_000.0)
    record_uses("Beta", 1, 1_700_000_000.0)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("name", ["alpha", "Beta", "gamma"]),  # case-insensitive, not code point order
        ("size", ["Beta", "gamma", "alpha"]),  # largest first
        ("last-used", ["Beta", "alpha", "gamma"]),  # most recent first, never used last
        ("created", ["gamma", "alpha", "Beta"]),  # newest first
    ],
)
def test_sort_orders(cli: Any, three_envs: None, order: str, expected: list[str]) -> None:
    result = cli("ls", "-b", "--sort", order)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == expected
    as_json = [entry["name"] for entry in json.loads(cli("ls", "--json", "--sort", order).stdout)]
    assert as_json == expected


def test_an_unknown_sort_order_is_a_usage_error(cli: Any) -> None:
    result = cli("ls", "--sort", "colour")
    assert result.returncode == 2
    assert "unknown sort order 'colour'" in result.stderr


MARKUP_NAME = "[bold]x"
MARKUP_PROJECT = "p[/]q [link=http://e.test]l[/link] [red]r"


@pytest.fixture
def markup_env(cli: Any, env_in_home: Any, tmp_path: Path) -> Path:
    env_in_home(MARKUP_NAME)
    project = tmp_path / MARKUP_PROJECT
    project.mkdir(parents=True)
    assert cli("project", "set", MARKUP_NAME, str(project)).returncode == 0
    return project


def test_rich_markup_in_names_and_paths_prints_literally_when_piped(
    cli: Any, markup_env: Path
) -> None:
    table = cli("ls").stdout
    assert f"{MARKUP_NAME}  " in table
    assert str(markup_env) in table
    shown = cli("show", MARKUP_NAME).stdout
    assert f"name:          {MARKUP_NAME}\n" in shown
    assert f"project:       {markup_env}\n" in shown
    assert cli("project", "show", MARKUP_NAME).stdout == f"{markup_env}\n"


def test_rich_markup_prints_literally_in_the_terminal_table(
    run_in_terminal: Any, markup_env: Path
) -> None:
    code, screen = run_in_terminal("ls")
    assert code == 0
    plain = ANSI.sub("", screen)
    assert MARKUP_NAME in plain
    assert str(markup_env) in plain.replace("\r\n", "")  # a long path may fold across lines
    assert "NAME" in plain and "PYTHON" in plain


@pytest.mark.parametrize("command", [("ls",), ("trash", "list"), ("config", "list")])
def test_no_color_means_no_escape_codes_on_a_terminal(
    run_in_terminal: Any, env_in_home: Any, command: tuple[str, ...]
) -> None:
    env_in_home("colourless")
    code, screen = run_in_terminal(*command, env={"NO_COLOR": "1"})
    assert code == 0
    assert screen.strip() != ""
    assert "\x1b" not in screen


def test_a_terminal_gets_a_rich_table(run_in_terminal: Any, env_in_home: Any) -> None:
    """The counterpart of the NO_COLOR test: without it, the terminal table is styled."""
    env_in_home("styled")
    code, screen = run_in_terminal("ls", drop=("NO_COLOR",), env={"TERM": "xterm-256color"})
    assert code == 0
    assert "\x1b[" in screen
    assert "styled" in ANSI.sub("", screen)


def test_control_characters_in_a_path_are_escaped_in_listings(
    cli: Any, env_in_home: Any, tmp_path: Path
) -> None:
    env_in_home("ctl")
    project = tmp_path / "line\nbreak\ttab\x1b[31mred"
    project.mkdir()
    assert cli("project", "set", "ctl", str(project)).returncode == 0
    table = cli("ls").stdout
    assert "\x1b" not in table and "\t" not in table
    assert len(table.splitlines()) == 2  # the header and one row: the newline is escaped
    assert "line\\nbreak\\ttab\\u001b[31mred" in table
    shown = cli("project", "show", "ctl").stdout
    assert "\x1b" not in shown and shown.count("\n") == 1
    data = json.loads(cli("ls", "--json").stdout)  # JSON carries the exact value
    assert data[0]["project_path"] == str(project)


@pytest.mark.parametrize(
    "args",
    [
        ("ls", "--bogus"),
        ("create",),
        ("no-such-command",),
        ("show",),
        ("rm",),
        ("ls", "--sort"),
    ],
)
def test_usage_errors_exit_2(cli: Any, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Usage:" in result.stderr or "requires an argument" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("show", "ghost"), "no environment named 'ghost'"),
        (("show", "ghost", "--json"), "no environment named 'ghost'"),
        (("rm", "ghost", "--yes"), "no environment named 'ghost'"),
        (("project", "show", "ghost"), "no environment named 'ghost'"),
        (("freeze", "ghost"), "no environment named 'ghost'"),
        (("restore", "ghost"), "nothing named 'ghost' in the trash"),
    ],
)
def test_an_unknown_env_is_a_failure_exit_1(
    cli: Any, env_in_home: Any, args: tuple[str, ...], text: str
) -> None:
    env_in_home("real")
    result = cli(*args)
    assert result.returncode == 1
    assert text in result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


def test_show_reports_the_health_verdict_and_its_cause(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    env = env_in_home("broken")
    (env / "bin" / "python").unlink()
    (env / "bin" / "python").symlink_to(workon_home / "no-such-python")
    shown = json.loads(cli("show", "broken", "--json").stdout)
    assert shown["healthy"] is False
    assert shown["problems"] and any("python" in p for p in shown["problems"])
    plain = cli("show", "broken").stdout
    assert "health:        broken: " in plain
