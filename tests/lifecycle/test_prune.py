"""`venvreg prune` (hostile group C): policies, evidence of use, confirmation, adopted envs left
alone, removal through the trash. Real venvs, real registry, the real CLI."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from support import answer_on_terminal, make_plain_venv
from venvreg.envdir.identity import identity_of

from .conftest import DAY, backdate, insert_row, json_out, ok, row, rows, trash_ids

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def _envs(workon_home: Path, *names: str, age: float = 200) -> list[Path]:
    workon_home.mkdir(parents=True, exist_ok=True)
    made = [make_plain_venv(workon_home / name) for name in names]
    for env in made:
        backdate(env, age)
    return made


def _candidates(cli: CliRunner, *args: str) -> dict[str, dict[str, object]]:
    report = json_out(ok(cli("prune", "--dry-run", "--json", *args)))
    return {candidate["name"]: candidate for candidate in report["candidates"]}


def test_without_yes_and_without_a_terminal_it_lists_deletes_nothing_and_fails(
    cli: CliRunner, workon_home: Path
) -> None:
    _envs(workon_home, "old-a", "old-b")
    _envs(workon_home, "fresh", age=3)
    ok(cli("ls"))
    before = (sorted(os.listdir(workon_home)), rows(workon_home))
    result = cli("prune")  # stdin is a pipe, not a terminal
    assert result.returncode == 1
    listed = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert listed == ["old-a", "old-b"] or listed == ["old-b", "old-a"]
    assert "unused for 200 days" in result.stdout
    assert "nothing removed: no terminal to confirm on (pass --yes to confirm)" in result.stderr
    assert (sorted(os.listdir(workon_home)), rows(workon_home)) == before
    assert trash_ids(workon_home) == []


def test_the_candidates_are_on_screen_before_the_question(
    cli: CliRunner, workon_home: Path
) -> None:
    """`venvreg prune | tee log` on a terminal: the table is out before the question."""
    _envs(workon_home, "old-a", "old-b")
    ok(cli("ls"))
    asked = answer_on_terminal(["prune"], "n")
    assert [line.split()[0] for line in asked.before.splitlines()] == ["NAME", "old-a", "old-b"]
    assert "move 2 environment(s)" in asked.stderr
    assert asked.status == 1 and "nothing removed" in asked.stderr
    assert trash_ids(workon_home) == []


def test_yes_moves_candidates_to_the_trash_and_restore_brings_one_back(
    cli: CliRunner, workon_home: Path
) -> None:
    old, fresh = _envs(workon_home, "old")[0], _envs(workon_home, "fresh", age=1)[0]
    result = ok(cli("prune", "--yes"))
    assert "moved 'old' to the trash; `venvreg restore 'old'` brings it back" in result.stderr
    assert not old.exists() and fresh.exists()
    assert len(trash_ids(workon_home)) == 1
    ok(cli("restore", "old"))
    assert (old / "pyvenv.cfg").is_file()


def test_dry_run_changes_nothing_and_exits_0(cli: CliRunner, workon_home: Path) -> None:
    (old,) = _envs(workon_home, "old")
    result = ok(cli("prune", "--dry-run"))
    assert "dry run: nothing removed" in result.stderr
    assert old.exists() and trash_ids(workon_home) == []


def test_the_configured_unused_days_is_the_default(cli: CliRunner, workon_home: Path) -> None:
    _envs(workon_home, "month-old", age=40)
    assert _candidates(cli) == {}  # 90 days by default
    ok(cli("config", "set", "prune.unused_days", "30"))
    assert list(_candidates(cli)) == ["month-old"]


def test_any_sign_of_use_keeps_an_env(cli: CliRunner, workon_home: Path, tmp_path: Path) -> None:
    """An env used from an IDE (pip, bin/python) or through venvreg is not unused."""
    _, ide, _, relinked = _envs(workon_home, "old", "ide", "ran", "relinked")
    ok(cli("ls"))
    site = next((ide / "lib").glob("python*/site-packages"))
    (site / "installed_from_an_ide.py").write_text("")  # what pip install does to the folder
    ok(cli("run", "ran", "--", "python", "-c", "pass"))
    now = time.time()
    os.utime(relinked / "bin" / "python", (now, now), follow_symlinks=False)

    found = _candidates(cli, "--unused-for", "30d")
    assert list(found) == ["old"]
    assert found["old"]["reasons"] == ["unused"]
    assert found["old"]["details"][0].startswith("unused for 200 days")
    sources = {
        name: json_out(ok(cli("show", name, "--json")))["last_use_source"]
        for name in ("old", "ide", "ran", "relinked")
    }
    assert sources["ide"] == "site-packages"
    assert sources["ran"] == "activation"
    assert sources["relinked"] == "bin/python"
    assert row(workon_home, "ran")["use_count"] == 1  # type: ignore[index]


def test_missing_removes_only_the_row(cli: CliRunner, workon_home: Path, tmp_path: Path) -> None:
    gone, kept = _envs(workon_home, "gone", "kept", age=1)
    ok(cli("ls"))
    shutil.move(str(gone), str(tmp_path / "moved-away"))
    assert list(_candidates(cli, "--missing")) == ["gone"]
    result = ok(cli("prune", "--missing", "--yes"))
    assert "forgot 'gone' (its folder was already gone)" in result.stderr
    assert [r["name"] for r in rows(workon_home)] == ["kept"]
    assert (tmp_path / "moved-away" / "pyvenv.cfg").is_file() and kept.exists()
    assert trash_ids(workon_home) == []


def test_a_bare_prune_that_finds_nothing_names_its_rule_and_the_other_selectors(
    cli: CliRunner, workon_home: Path, tmp_path: Path
) -> None:
    broken, gone, _ = _envs(workon_home, "broken", "gone", "fine", age=1)
    (broken / "bin" / "python").unlink()
    (broken / "bin" / "python").symlink_to(tmp_path / "uninstalled" / "python3")
    ok(cli("ls"))
    shutil.move(str(gone), str(tmp_path / "moved-away"))
    result = ok(cli("prune"))
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "venvreg: nothing to prune: no environment unused for 90 days (the prune.unused_days "
        "setting; --unused-for to choose another)",
        "venvreg: the registry knows of 1 broken, 1 missing: see `venvreg prune --broken "
        "--missing`",
    ]
    report = json_out(ok(cli("prune", "--dry-run", "--json")))
    assert (report["candidates"], report["other_selectors"]) == (
        [],
        {"--broken": 1, "--missing": 1},
    )
    hinted = _candidates(cli, "--broken", "--missing")
    assert sorted(hinted) == ["broken", "gone"]  # the hint's command finds exactly those
    chosen = cli("prune", "--broken", "--dry-run")
    assert "the registry knows of 1 missing" not in chosen.stderr  # a candidate was found


def test_broken_project_gone_and_size_policies(
    cli: CliRunner, workon_home: Path, tmp_path: Path
) -> None:
    broken, _, big, _ = _envs(workon_home, "broken", "orphaned", "big", "small", age=1)
    (broken / "bin" / "python").unlink()
    (broken / "bin" / "python").symlink_to(tmp_path / "uninstalled" / "python3")
    project = tmp_path / "project"
    project.mkdir()
    ok(cli("ls"))
    ok(cli("project", "set", "orphaned", str(project)))
    project.rmdir()
    site = next((big / "lib").glob("python*/site-packages"))
    (site / "blob.bin").write_bytes(os.urandom(3 * 1024 * 1024))

    found = _candidates(cli, "--broken", "--project-gone")
    assert sorted(found) == ["broken", "orphaned"]
    assert found["broken"]["reasons"] == ["broken"]
    assert "interpreter bin/python points to missing" in found["broken"]["details"][0]
    assert found["orphaned"]["reasons"] == ["project-gone"]

    sized = _candidates(cli, "--unused-for", "0d", "--larger-than", "2M")
    assert list(sized) == ["big"]
    assert sized["big"]["reclaimable_bytes"] > 3 * 1024 * 1024

    bad = cli("prune", "--larger-than", "lots")
    assert bad.returncode == 2
    assert "bad size 'lots'" in bad.stderr


def test_the_active_env_is_left_alone(cli: CliRunner, workon_home: Path) -> None:
    (active,) = _envs(workon_home, "active")
    result = ok(cli("prune", "--dry-run", env={"VIRTUAL_ENV": str(active)}))
    assert "left alone: 'active': it is the active environment" in result.stderr
    assert "nothing to prune" in result.stderr


def _adopted(tmp_path: Path) -> Path:
    project = tmp_path / "someproject"
    project.mkdir()
    env = make_plain_venv(project / ".venv")
    backdate(env, 400)
    insert_row(
        name="someproject",
        path=str(env),
        status="ready",
        origin="adopted",
        identity=identity_of(env),
        site_packages=str(next((env / "lib").glob("python*/site-packages"))),
    )
    return env


def test_an_adopted_env_outside_workon_home_is_left_alone(
    cli: CliRunner, workon_home: Path, tmp_path: Path
) -> None:
    (old,) = _envs(workon_home, "old")
    adopted = _adopted(tmp_path)
    result = ok(cli("prune", "--yes"))
    assert "left alone: 'someproject': adopted, outside WORKON_HOME" in result.stderr
    assert not old.exists()
    assert (adopted / "pyvenv.cfg").is_file()
    assert row(workon_home, "someproject") is not None

    # Even when included, --yes does not cover it: it needs its own answer on a terminal.
    result = cli("prune", "--include-adopted", "--yes")
    assert result.returncode == 1
    assert "someproject" in result.stdout
    assert "'someproject' is adopted and outside WORKON_HOME: confirm it on a terminal" in (
        result.stderr
    )
    assert (adopted / "pyvenv.cfg").is_file()


def _in_terminal(args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal, answering each [y/N] question in turn."""
    main, child_side = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "venvreg", *args],
        stdin=child_side,
        stdout=child_side,
        stderr=child_side,
        env={**os.environ, "COLUMNS": "200"},
    )
    os.close(child_side)
    seen, pending = b"", list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen.count(b"[y/N]") > len(answers) - len(pending):
                os.write(main, pending.pop(0).encode() + b"\n")
        elif process.poll() is not None:
            break
    os.close(main)
    return process.wait(timeout=60), seen.decode("utf-8", "replace")


def test_an_adopted_env_is_trashed_only_after_its_own_yes(
    cli: CliRunner, workon_home: Path, tmp_path: Path
) -> None:
    (old,) = _envs(workon_home, "old")
    adopted = _adopted(tmp_path)
    status, screen = _in_terminal(["prune", "--include-adopted"], ["y", "n"])
    assert status == 0, screen
    assert "move 1 environment(s)" in screen and "is adopted: trash it?" in screen
    assert not old.exists() and adopted.exists()

    status, screen = _in_terminal(["prune", "--include-adopted"], ["y"])
    assert status == 0, screen
    assert not adopted.exists()
    assert row(workon_home, "someproject") is None
    assert [entry for entry in trash_ids(workon_home)]  # restorable


def test_missing_rows_older_than_a_day_are_not_mistaken_for_unused(
    cli: CliRunner, workon_home: Path, tmp_path: Path
) -> None:
    """Without --missing, a row whose folder is gone is not a candidate (nothing to free)."""
    (gone,) = _envs(workon_home, "gone")
    ok(cli("ls"))
    shutil.rmtree(gone)
    assert _candidates(cli, "--unused-for", "1d") == {}
    assert row(workon_home, "gone")["status"] == "missing"  # type: ignore[index]
    assert DAY == 86400.0
