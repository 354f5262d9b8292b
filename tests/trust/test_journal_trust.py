"""A rebuild journal is checked against the registry and the places a rebuild uses before
anything acts on it (issue 8, finding 9): a crafted one moves and deletes nothing, and doctor
reports it without recommending a destructive command."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import make_plain_venv

Cli = Callable[..., subprocess.CompletedProcess[str]]
JOURNAL_ID = "20260101-000000-abcdef"


def _folder_identity(path: Path) -> str:
    """The identity an older venvreg recorded for a folder made before its pyvenv.cfg: device
    and inode, which every version still accepts as the folder's (so a crafted journal could
    aim its rollback at any folder)."""
    status = path.stat()
    return f"{status.st_dev}:{status.st_ino}"


def _tree(root: Path) -> dict[str, bytes | None]:
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
    }


def _write_journal(workon_home: Path, **fields: Any) -> Path:
    folder = workon_home / ".venvreg" / "rebuild" / JOURNAL_ID
    folder.mkdir(parents=True)
    journal = {
        "id": JOURNAL_ID,
        "requirements": [],
        "phase": "building",
        "trash_id": JOURNAL_ID,
        "started_at": 0.0,
        **fields,
    }
    (folder / "journal.json").write_text(json.dumps(journal))
    return folder


@pytest.mark.parametrize("craft", ["no-row", "path-of-another-folder", "aside-elsewhere"])
def test_a_crafted_journal_moves_and_deletes_nothing(
    craft: str,
    cli: Cli,
    isolated: Path,
    workon_home: Path,
    env_in_home: Callable[[str], Path],
    row: Callable[[str], dict[str, Any] | None],
) -> None:
    real = env_in_home("real")
    assert cli("ls").returncode == 0
    registered = row("real")
    assert registered is not None
    victim = isolated / "work" / "thesis"
    victim.mkdir(parents=True)
    (victim / "chapter1.tex").write_text("two years of work")
    decoy = make_plain_venv(isolated / "decoy")
    (decoy / "payload.txt").write_text("moved in by the journal")

    if craft == "no-row":  # an id no row has, a path outside WORKON_HOME
        env_id, name, path = 999, "ghost", victim
    elif craft == "path-of-another-folder":  # a real row, but a path that is not its
        env_id, name, path = registered["id"], "real", victim
    else:  # the real env, but its 'old env' is a folder outside the rebuild's places
        env_id, name, path = registered["id"], "real", real
    old_record = {"id": env_id, "name": name, "path": str(path), "status": "ready"}
    folder = _write_journal(
        workon_home,
        env_id=env_id,
        name=name,
        path=str(path),
        aside=str(decoy),
        new_identity=_folder_identity(path),
        old_record=old_record,
    )
    before = {"victim": _tree(victim), "decoy": _tree(decoy), "real": _tree(real)}

    listed = cli("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr
    after = {"victim": _tree(victim), "decoy": _tree(decoy), "real": _tree(real)}
    assert after == before
    assert (folder / "journal.json").is_file()
    assert {entry["name"] for entry in json.loads(listed.stdout)} == {"real"}

    doctor = cli("doctor", "--json")
    assert doctor.returncode == 1
    findings = json.loads(doctor.stdout)["findings"]
    (finding,) = [f for f in findings if f["kind"] == "suspicious-journal"]
    assert finding["path"] == str(folder)
    assert "does not act on it" in finding["problem"]
    assert finding["fix"].startswith("nothing to run")
    assert "`venvreg" not in finding["fix"] and "rm " not in finding["fix"]
    assert not [f for f in findings if f["kind"] == "interrupted-rebuild"]
    text = cli("doctor")
    assert "suspicious-journal" in text.stdout
    assert _tree(victim) == before["victim"] and os.path.isdir(decoy)


def test_a_journal_with_values_of_the_wrong_type_is_not_a_traceback(
    cli: Cli, workon_home: Path
) -> None:
    _write_journal(
        workon_home, env_id="1", name=["x"], path=7, aside=None, old_record=[], new_identity=3
    )
    listed = cli("ls")
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr
    doctor = cli("doctor", "--json")
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
    kinds = {finding["kind"] for finding in json.loads(doctor.stdout)["findings"]}
    assert kinds == {"orphan-trash"}  # "a rebuild journal that cannot be read"
