"""`venvreg config` and where WORKON_HOME comes from, through the real CLI and a real file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def config_file(isolated: Path) -> Path:
    return Path(os.environ["VENVREG_CONFIG"])


def test_config_path_prints_the_file(cli: Any, config_file: Path) -> None:
    result = cli("config", "path")
    assert result.returncode == 0
    assert result.stdout == f"{config_file}\n"


def test_config_path_defaults_to_the_user_config_dir(
    cli: Any, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VENVREG_CONFIG")
    assert cli("config", "path").stdout == f"{isolated}/.config/venvreg/config.toml\n"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(isolated / "xdg"))
    assert cli("config", "path").stdout == f"{isolated}/xdg/venvreg/config.toml\n"


def test_set_get_list_unset_round_trip(cli: Any, config_file: Path) -> None:
    assert cli("config", "get", "trash_days").stdout == "30\n"
    result = cli("config", "set", "trash_days", "7")
    assert result.returncode == 0, result.stderr
    assert "trash_days = '7'" in result.stderr
    assert cli("config", "get", "trash_days").stdout == "7\n"
    assert "trash_days = 7" in config_file.read_text()

    assert cli("config", "set", "prune.unused_days", "45").returncode == 0
    assert "[prune]" in config_file.read_text()
    listed = json.loads(cli("config", "list", "--json").stdout)
    assert listed["trash_days"] == 7 and listed["prune.unused_days"] == 45
    assert listed["backend"] == "virtualenv"
    rows = [line.split()[:3] for line in cli("config", "list").stdout.splitlines()]
    assert ["trash_days", "7", "file"] in rows
    assert ["backend", "virtualenv", "default"] in rows

    result = cli("config", "unset", "trash_days")
    assert result.returncode == 0
    assert "default applies: 30" in result.stderr
    assert cli("config", "get", "trash_days").stdout == "30\n"
    assert "trash_days" not in config_file.read_text()
    assert "was not set" in cli("config", "unset", "trash_days").stderr


def test_a_users_comments_survive_set(cli: Any, config_file: Path) -> None:
    config_file.write_text(
        "# my venvreg settings, keep this line\n"
        "trash_days = 3  # short, the disk is small\n"
        "\n"
        "[prune]\n"
        "# think before lowering this\n"
        "unused_days = 90\n"
    )
    assert cli("config", "set", "backend", "uv").returncode == 0
    assert cli("config", "set", "prune.unused_days", "60").returncode == 0
    text = config_file.read_text()
    assert "# my venvreg settings, keep this line\n" in text
    assert "trash_days = 3  # short, the disk is small\n" in text
    assert "# think before lowering this\n" in text
    assert 'backend = "uv"' in text
    assert "unused_days = 60" in text
    assert cli("config", "get", "prune.unused_days").stdout == "60\n"


@pytest.mark.parametrize(
    ("args", "key", "why"),
    [
        (("set", "colour", "blue"), "colour", "unknown configuration key"),
        (("get", "colour"), "colour", "unknown configuration key"),
        (("unset", "colour"), "colour", "unknown configuration key"),
        (("set", "trash_days", "--", "-3"), "trash_days", "at least 0"),
        (("set", "trash_days", "soon"), "trash_days", "whole number"),
        (("set", "backend", "conda"), "backend", "virtualenv, venv, uv"),
        (("set", "prune.unused_days", "0"), "prune.unused_days", "at least 1"),
        (("set", "workon_home", "relative/envs"), "workon_home", "absolute path"),
        (("set", "auto_activate", "maybe"), "auto_activate", "true or false"),
    ],
)
def test_unknown_keys_and_bad_values_exit_2_naming_the_key(
    cli: Any, config_file: Path, args: tuple[str, ...], key: str, why: str
) -> None:
    config_file.write_text("# mine\ntrash_days = 5\n")
    result = cli("config", *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert f"{key}" in lines[0] and why in lines[0]
    assert config_file.read_text() == "# mine\ntrash_days = 5\n"


def test_a_bad_value_in_the_file_warns_once_and_the_default_applies(
    cli: Any, config_file: Path
) -> None:
    config_file.write_text('# mine\nbackend = "conda"\n')
    expected = (
        f"venvreg: warning: {config_file}:2: bad value for backend: expected one of "
        "virtualenv, venv, uv; using the default (virtualenv)\n"
    )
    for command in (("ls",), ("config", "list"), ("config", "get", "backend")):
        result = cli(*command)
        assert result.returncode == 0, result.stderr
        assert result.stderr.startswith(expected), result.stderr
        assert result.stderr.count("warning:") == 1  # once, though config list reads it twice
    assert cli("config", "get", "backend").stdout == "virtualenv\n"
    rows = [line.split()[:3] for line in cli("config", "list").stdout.splitlines()]
    assert ["backend", "virtualenv", "default"] in rows
    assert "the file's value is bad" in cli("config", "list").stdout
    assert json.loads(cli("config", "get", "backend", "--json").stdout)["from"] == "default"
    assert json.loads(cli("ls", "--json").stdout) == []  # stdout stays clean JSON


def test_a_typo_in_the_file_is_fixed_with_config_unset(cli: Any, config_file: Path) -> None:
    """The recovery a user needs: the warning names file, line and the command that fixes it;
    that command works; the warning is gone afterwards and the user's other lines stay."""
    config_file.write_text(
        "# my settings\ntrash_days = 7\ntrash_dayz = 3\n\n[prune]\nunused_days = 60\n"
        "\n[extras]\ncolour = 'blue'\n"
    )
    result = cli("ls")
    assert result.returncode == 0
    warnings = result.stderr.splitlines()[:2]
    assert warnings[0].startswith(f"venvreg: warning: {config_file}:3: unknown key 'trash_dayz'")
    assert warnings[0].endswith("`venvreg config unset trash_dayz` removes it")
    assert warnings[1].startswith(f"venvreg: warning: {config_file}:9: unknown key 'extras.colour'")
    assert cli("config", "get", "trash_days").stdout == "7\n"  # the good keys still apply
    assert cli("config", "get", "prune.unused_days").stdout == "60\n"

    fixed = cli("config", "unset", "trash_dayz")
    assert fixed.returncode == 0, fixed.stderr
    assert f"'trash_dayz' removed from '{config_file}'" in fixed.stderr
    assert cli("config", "unset", "extras.colour").returncode == 0
    assert config_file.read_text() == (
        "# my settings\ntrash_days = 7\n\n[prune]\nunused_days = 60\n\n"
    )  # the emptied [extras] table went with its last key
    after = cli("ls")
    assert after.returncode == 0 and "warning" not in after.stderr
    again = cli("config", "unset", "trash_dayz")
    assert again.returncode == 2 and "unknown configuration key 'trash_dayz'" in again.stderr


def test_unset_refuses_a_table_that_holds_known_keys(cli: Any, config_file: Path) -> None:
    config_file.write_text("[prune]\nunused_days = 60\n")
    result = cli("config", "unset", "prune")
    assert result.returncode == 2
    assert "'prune' is a table holding prune.unused_days" in result.stderr
    assert config_file.read_text() == "[prune]\nunused_days = 60\n"


def test_a_bad_value_does_not_stop_the_shell_functions(
    cli: Any, config_file: Path, isolated: Path, plain_venv: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`venvreg __shell` (what workon calls) reads the file when WORKON_HOME is unset: the
    good workon_home still applies beside a bad key."""
    home = isolated / "envs"
    home.mkdir()
    plain_venv(home / "api")
    config_file.write_text(f"workon_home = '{home}'\ntrash_days = 'soon'\n")
    monkeypatch.delenv("WORKON_HOME")
    result = cli("__shell", "bash", "workon", "--")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"venvreg: warning: {config_file}:2: bad value for trash_days")
    assert "api" in result.stdout


def test_an_invalid_toml_file_is_a_clear_error(cli: Any, config_file: Path) -> None:
    config_file.write_text("trash_days = = 3\n")
    result = cli("ls")
    assert result.returncode == 2
    assert "is not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_workon_home_from_config_when_the_variable_is_unset(
    cli: Any, isolated: Path, plain_venv: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKON_HOME")
    configured = isolated / "from config"
    assert cli("config", "set", "workon_home", str(configured)).returncode == 0
    configured.mkdir()
    plain_venv(configured / "there")
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    assert entry["path"] == str(configured / "there")
    assert (configured / ".venvreg" / "registry.sqlite3").is_file()
    assert not (isolated / ".virtualenvs").exists()


def test_the_variable_wins_over_the_config(
    cli: Any, isolated: Path, workon_home: Path, env_in_home: Any
) -> None:
    assert cli("config", "set", "workon_home", str(isolated / "configured")).returncode == 0
    env_in_home("from-variable")
    assert cli("ls", "-b").stdout == "from-variable\n"
    assert not (isolated / "configured").exists()


def test_default_workon_home_is_created_with_mode_0700(
    cli: Any, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKON_HOME")
    previous = os.umask(0o022)
    try:
        result = cli("ls")
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    default = isolated / ".virtualenvs"
    assert default.is_dir()
    assert stat.S_IMODE(default.stat().st_mode) == 0o700
    assert stat.S_IMODE((default / ".venvreg").stat().st_mode) == 0o700


def test_a_new_workon_home_is_created_with_mode_0700(cli: Any, workon_home: Path) -> None:
    previous = os.umask(0)
    try:
        result = cli("ls")
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(workon_home.stat().st_mode) == 0o700


def test_default_python_from_config_is_used_by_create(
    cli: Any, workon_home: Path, rows: Any
) -> None:
    assert cli("config", "set", "default_python", "3.99").returncode == 0
    result = cli("create", "x")
    assert result.returncode == 2
    assert "no Python interpreter matches '3.99'" in result.stderr
    assert rows() == []


def test_backend_from_config_is_used_by_create(cli: Any, workon_home: Path, row: Any) -> None:
    assert cli("config", "set", "backend", "uv").returncode == 0
    result = cli("create", "x")
    assert result.returncode == 0, result.stderr
    assert row("x")["backend"] == "uv"
    assert "uv = " in (workon_home / "x" / "pyvenv.cfg").read_text()
