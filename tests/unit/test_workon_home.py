"""WORKON_HOME resolution and validation (paths.py): refused before anything is written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from venvreg.errors import UsageError
from venvreg.settings.paths import (
    Home,
    check_workon_home,
    ensure_home,
    is_system_folder,
    resolve_workon_home,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("WORKON_HOME", raising=False)
    return folder


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("relative/envs", "is relative"),
        ("envs", "is relative"),
        ("./envs", "is relative"),
        ("a\x00b", "not a valid UTF-8 path"),
        ("/", "system folder"),
        ("//", "system folder"),
        ("/usr", "system folder"),
        ("/usr/", "system folder"),
        ("/usr/lib/../bin", "system folder"),
        ("/tmp", "system folder"),
        ("/etc", "system folder"),
        ("/var", "system folder"),
        ("/home", "system folder"),
        ("~", "system folder"),
    ],
)
def test_bad_values_are_refused_naming_the_source(home: Path, value: str, rule: str) -> None:
    with pytest.raises(UsageError) as raised:
        check_workon_home(value, "WORKON_HOME")
    assert rule in str(raised.value)
    assert str(raised.value).startswith("WORKON_HOME")


def test_home_itself_and_its_ancestors_are_refused(home: Path) -> None:
    for value in (str(home), str(home) + "/", str(home.parent), str(home / "..")):
        with pytest.raises(UsageError, match="home folder"):
            check_workon_home(value, "WORKON_HOME")


def test_a_symlink_to_home_is_refused(home: Path, tmp_path: Path) -> None:
    link = tmp_path / "link-to-home"
    link.symlink_to(home)
    with pytest.raises(UsageError):
        check_workon_home(str(link), "WORKON_HOME")


@pytest.mark.parametrize("value", ["~/.virtualenvs", "~/envs with space", "/srv/envs"])
def test_good_values_are_accepted_and_normalised(home: Path, value: str) -> None:
    result = check_workon_home(value, "WORKON_HOME")
    assert result == os.path.normpath(os.path.expanduser(value))
    assert os.path.isabs(result)


def test_is_system_folder_is_not_fooled_by_prefixes(home: Path) -> None:
    assert not is_system_folder("/usrx")
    assert not is_system_folder("/tmp/envs")
    assert not is_system_folder(str(home / ".virtualenvs"))
    assert is_system_folder("/usr/bin")


def test_resolution_order_variable_then_config_then_default(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_workon_home(None) == home / ".virtualenvs"
    assert resolve_workon_home(str(home / "from-config")) == home / "from-config"
    monkeypatch.setenv("WORKON_HOME", str(home / "from-variable"))
    assert resolve_workon_home(str(home / "from-config")) == home / "from-variable"


def test_a_bad_config_value_names_the_config_key(home: Path) -> None:
    with pytest.raises(UsageError, match="the config key workon_home"):
        resolve_workon_home("relative")


def test_an_empty_variable_is_refused_not_ignored(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKON_HOME", "")
    with pytest.raises(UsageError, match="WORKON_HOME is empty"):
        resolve_workon_home(str(home / "from-config"))


def test_ensure_creates_workon_home_with_mode_0700(home: Path) -> None:
    previous = os.umask(0)
    try:
        target = Home(home / "deep" / "envs")
        ensure_home(str(target.root))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.root.stat().st_mode) == 0o700
    for folder in (target.state, target.trash, target.locks):
        assert folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_ensure_keeps_the_mode_of_an_existing_workon_home(home: Path) -> None:
    existing = home / "envs"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    ensure_home(str(existing))
    assert stat.S_IMODE(existing.stat().st_mode) == 0o755


def test_ensure_refuses_a_file_in_the_way(home: Path) -> None:
    (home / "envs").write_text("not a folder")
    with pytest.raises(UsageError, match="is not a folder"):
        ensure_home(str(home / "envs"))
    assert (home / "envs").read_text() == "not a folder"
