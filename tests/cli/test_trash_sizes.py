"""Sizes in the trash: every entry's size is known (measured when listed, never `?`), kept in
the registry while the entry stays the same, measured again when it changes, and forgotten
once the entry leaves the trash."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from cli.conftest import read_rows

SITE = f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages"


def _cache(workon_home: Path) -> dict[str, dict[str, Any]]:
    rows = [row for row in read_rows(workon_home, "meta") if row["key"] == "trash_sizes"]
    return json.loads(rows[0]["value"]) if rows else {}


def _trash(cli: Any) -> list[dict[str, Any]]:
    result = cli("trash", "list", "--json")
    assert result.returncode == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def _forget_recorded_size(workon_home: Path, entry_id: str) -> None:
    """An entry written before its env was ever measured (as an older venvreg left them)."""
    file = workon_home / ".venvreg" / "trash" / entry_id / "entry.json"
    data = json.loads(file.read_text())
    data["size_bytes"] = None
    file.write_text(json.dumps(data))


def test_every_trash_entry_has_a_size_cached_until_it_changes(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    env_in_home("old-api")
    assert cli("rm", "-y", "old-api").returncode == 0
    (entry,) = _trash(cli)
    _forget_recorded_size(workon_home, entry["id"])

    listed = _trash(cli)[0]
    assert isinstance(listed["size_bytes"], int) and listed["size_bytes"] > 0
    plain = cli("trash", "list")
    assert "?" not in plain.stdout.splitlines()[1]
    cached = _cache(workon_home)[entry["id"]]
    assert cached["size_bytes"] == listed["size_bytes"]

    # Listed again: the cached measurement serves, it is not taken again.
    assert _trash(cli)[0]["size_bytes"] == listed["size_bytes"]
    assert _cache(workon_home)[entry["id"]]["measured_at"] == cached["measured_at"]

    # A package installed into the trashed env: measured again, and larger.
    site = workon_home / ".venvreg" / "trash" / entry["id"] / "env" / SITE
    (site / "big.py").write_bytes(b"x" * 200_000)
    grown = _trash(cli)[0]["size_bytes"]
    assert grown >= listed["size_bytes"] + 200_000
    assert _cache(workon_home)[entry["id"]]["measured_at"] > cached["measured_at"]


def test_trash_empty_shows_the_measured_sizes_and_the_cache_forgets_gone_entries(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    for name in ("one", "two"):
        env_in_home(name)
        assert cli("rm", "-y", name).returncode == 0
    entries = _trash(cli)
    for entry in entries:
        _forget_recorded_size(workon_home, entry["id"])
    listed = {entry["name"]: entry for entry in _trash(cli)}
    dry = cli("trash", "empty", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "?" not in dry.stdout
    assert set(_cache(workon_home)) == {entry["id"] for entry in entries}

    assert cli("restore", "one").returncode == 0
    _trash(cli)
    assert set(_cache(workon_home)) == {listed["two"]["id"]}
    assert cli("trash", "empty", "--yes").returncode == 0
    assert _trash(cli) == []
    assert _cache(workon_home) == {}
