"""`venvreg doctor`: everything wrong with the environments and the registry, each finding with
the command that fixes it. Read-only, like pipx's `health` beside its `repair`: it opens the
registry without cleaning leftovers, reconciles only a registry just rebuilt after damage, and
judges every env by stat and small reads (check_health), never by running it.

An env whose stat fingerprint is the one its cached verdict was judged on keeps that verdict
(a few system calls instead of a judgement); `deep` judges every env afresh.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..envdir.identity import is_current_form, looks_like_env, same_identity
from ..envdir.owners import MANAGED_OWNERS
from ..envdir.project_file import read_project_file
from ..envdir.venv import check_health, inspect_venv, is_project_gone
from ..fs import locks
from ..names import name_key, name_problem
from ..registry import envs
from ..registry.envs import EnvRecord
from . import journal as journals
from .context import Context
from .half_made import is_half_made
from .leftovers import CREATION_MARKER, read_marker
from .lookup import not_found
from .reconcile import SharedStats, fingerprint
from .trash import ENV_FOLDER, RESTORING, claimed_entries, read_entry

# Finding kinds, in the order they are reported.
KINDS = (
    "broken",
    "project-gone",
    "missing",
    "not-a-venv",
    "replaced",
    "stale-row",
    "project-drift",
    "unregistered",
    "ignored-folder",
    "half-made",
    "interrupted-creation",
    "creation-leftover",
    "interrupted-removal",
    "interrupted-rebuild",
    "interrupted-trash",
    "suspicious-journal",
    "orphan-trash",
)


# The kinds docs/json.md lists for `venvreg doctor --json`.
FindingKind = Literal[
    "broken", "project-gone", "missing", "not-a-venv", "replaced", "stale-row", "project-drift",
    "unregistered", "ignored-folder", "half-made", "interrupted-creation", "creation-leftover",
    "interrupted-removal", "interrupted-rebuild", "interrupted-trash", "suspicious-journal",
    "orphan-trash",
]  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One thing that is wrong, why, and the command that fixes it."""

    kind: FindingKind
    name: str | None
    path: str
    detail: str
    fix: str


@dataclass(frozen=True)
class EnvCheck:
    """One registered env and its health verdict now (a gone folder is a problem too)."""

    record: EnvRecord
    problems: tuple[str, ...]


@dataclass(frozen=True)
class DoctorReport:
    """Every env checked, every finding, and the operations running right now (not wrong)."""

    envs: list[EnvCheck]
    findings: list[Finding]
    running: list[str]

    @property
    def ok(self) -> bool:
        return not self.findings


def _word(text: str) -> str:
    return shlex.quote(text)


def diagnose(context: Context, names: list[str] | None = None, deep: bool = False) -> DoctorReport:
    """Check the named envs (all of them, and the registry's own leftovers, when none); with
    `deep`, judge each afresh even where its cached verdict's fingerprint holds."""
    records = envs.all_records(context.conn)
    if names:
        chosen: list[EnvRecord] = []
        for name in names:
            record = envs.get_by_name(context.conn, name)
            if record is None and not looks_like_env(context.home.env_path(name)):
                raise not_found(context, name)
            if record is not None and all(r.id != record.id for r in chosen):
                chosen.append(record)
        records = chosen
    findings: list[Finding] = []
    running: list[str] = []
    rebuilds, busy = _rebuild_leftovers(context, running)
    checks: list[EnvCheck] = []
    shared = None if deep else SharedStats()
    for record in records:
        if name_key(record.name) in busy:
            continue  # its folder is the rebuild's business (running, or to roll back)
        if record.status in ("creating", "removing"):
            _leftover_row(context, record, findings, running)
            continue
        checks.append(EnvCheck(record, _check_env(record, findings, shared)))
    if names:
        wanted = {name_key(name) for name in names}
        registered = {name_key(r.name) for r in records}
        for name in names:
            if name_key(name) not in registered:
                findings.append(_unregistered(context.home.env_path(name), name))
        findings += [f for f in rebuilds if f.name is not None and name_key(f.name) in wanted]
    else:
        findings += rebuilds
        findings += _home_drift(context)
        findings += _trash_leftovers(context, running)
        findings += _orphan_trash(context)
    findings.sort(key=lambda finding: KINDS.index(finding.kind))
    return DoctorReport(checks, findings, running)


def _cached_problems(record: EnvRecord, shared: SharedStats | None) -> tuple[str, ...] | None:
    """The cached verdict's problems other than a gone project (checked apart), when the
    env's fingerprint is still the one it was judged on; None when it must be judged now.
    A matching fingerprint also says the folder and its pyvenv.cfg are there and the env was
    not made again (a new pyvenv.cfg and bin/ have new stats)."""
    if shared is None or record.status != "ready" or record.fingerprint is None:
        return None
    if not is_current_form(record.identity):
        return None
    now = fingerprint(
        record.path, record.base_home, record.project_path, record.fingerprint, shared
    )
    if now != record.fingerprint:
        return None
    return tuple(line for line in record.problems if not is_project_gone(line))


def _check_env(
    record: EnvRecord, findings: list[Finding], shared: SharedStats | None = None
) -> tuple[str, ...]:
    """Findings for one ready or missing row; returns its health problems."""
    name, path = record.name, record.path
    cached = _cached_problems(record, shared)
    if cached is not None:
        if cached:
            owner = record.tool if record.tool in MANAGED_OWNERS else None
            owner = "conda" if record.tool == "conda" else owner
            findings.append(Finding("broken", name, path, "; ".join(cached), _fix(name, owner)))
        return _project_checks(record, findings, list(cached))
    if not os.path.lexists(path):
        findings.append(
            Finding(
                "missing",
                name,
                path,
                f"the folder {path} is gone",
                f"venvreg rm {_word(name)} --yes   # only the row goes; `prune --missing`: all",
            )
        )
        return (f"the folder {path} is gone",)
    if not looks_like_env(path):
        findings.append(
            Finding(
                "not-a-venv",
                name,
                path,
                f"{path} holds no pyvenv.cfg any more, so it is not a virtual environment",
                "put its pyvenv.cfg back, or move the folder away and run "
                f"`venvreg rm {_word(name)}`",
            )
        )
        return ("pyvenv.cfg is missing",)
    if record.identity is not None and not same_identity(record.identity, path):
        findings.append(
            Finding(
                "replaced",
                name,
                path,
                f"{path} was made again since it was registered as {name} (a new folder or a "
                "new bin/); rm and rebuild refuse it until it is re-indexed",
                "venvreg ls   # records the new env, keeping its history",
            )
        )
    elif record.status == "missing":
        findings.append(
            Finding(
                "stale-row",
                name,
                path,
                "the registry says its folder is gone, but it is back",
                "venvreg ls",
            )
        )
    info = inspect_venv(Path(path))
    health = check_health(info, None)
    if not health.ok:
        owner = None
        if info.tool == "conda" or record.tool in MANAGED_OWNERS:
            owner = "conda" if info.tool == "conda" else record.tool
        findings.append(
            Finding("broken", name, path, "; ".join(health.problems), _fix(name, owner))
        )
    return _project_checks(record, findings, list(health.problems))


def _fix(name: str, owner: str | None) -> str:
    if owner is not None:
        return f"recreate it with {owner}, or `venvreg rm {_word(name)}`"
    return f"venvreg rebuild {_word(name)}   # add -p VERSION for another Python"


def _project_checks(
    record: EnvRecord, findings: list[Finding], problems: list[str]
) -> tuple[str, ...]:
    """The project's findings (its .project file against the registry, a folder gone), added
    to `problems`."""
    name, path = record.name, record.path
    project = read_project_file(path)
    if project != record.project_path:
        findings.append(
            Finding(
                "project-drift",
                name,
                path,
                f"its .project file names {project or 'no project'}, the registry "
                f"{record.project_path or 'none'}",
                "venvreg ls   # the .project file wins",
            )
        )
    project = project or record.project_path
    if project and not os.path.isdir(project):
        problems.append(f"project folder {project} is gone")
        findings.append(
            Finding(
                "project-gone",
                name,
                path,
                f"its project folder {project} is gone",
                f"venvreg project set {_word(name)} FOLDER   # or `venvreg prune --project-gone`",
            )
        )
    return tuple(problems)


def _unregistered(path: Path, name: str) -> Finding:
    return Finding(
        "unregistered",
        name,
        str(path),
        f"{path} is an environment the registry does not know yet",
        "venvreg ls   # registers it",
    )


def _half_made(path: str) -> Finding:
    return Finding(
        "half-made",
        None,
        path,
        f"{path} holds part of an environment but no pyvenv.cfg (a creation killed midway, "
        "or a program still writing after it); nothing deletes it on its own",
        f"rm -rf {_word(path)}   # after checking nothing of yours is in it; then create again",
    )


def _home_drift(context: Context) -> list[Finding]:
    """Env folders in WORKON_HOME that the registry does not know (or cannot)."""
    rows = envs.names_keys_paths(context.conn)
    paths = {path for _, _, path in rows}
    keys = {key: (name, path) for name, key, path in rows}
    found: list[Finding] = []
    try:
        entries = sorted(os.scandir(context.home.root), key=lambda entry: entry.name)
    except OSError:
        return found
    for entry in entries:
        if entry.name.startswith(".") or entry.path in paths:
            continue
        try:
            if not entry.is_dir():
                continue
            linked = entry.is_symlink()
        except OSError:
            continue
        if not linked and read_marker(entry.path) is not None:
            found.append(_creation_leftover(entry.path))
            continue
        if not looks_like_env(entry.path):
            if not linked and is_half_made(entry.path):
                found.append(_half_made(entry.path))
            continue
        problem = name_problem(entry.name)
        clash = keys.get(name_key(entry.name)) if problem is None else None
        if problem is None and clash is None:
            found.append(_unregistered(Path(entry.path), entry.name))
            continue
        if problem is not None:
            why = problem
        else:
            assert clash is not None
            why = f"the name is taken by {clash[0]} at {clash[1]}"
        target = _word(str(Path(entry.path).with_name("NEW-NAME")))
        found.append(
            Finding(
                "ignored-folder",
                None,
                entry.path,
                f"{entry.path} cannot be registered: {why}",
                f"mv {_word(entry.path)} {target} && venvreg ls",
            )
        )
    return found


def _creation_leftover(path: str) -> Finding:
    """A folder holding a creation's marker that no creation owns any more: the clean-up could
    not prove it was that creation's (or could not delete it), so it was left in place."""
    return Finding(
        "creation-leftover",
        None,
        path,
        f"{path} was left by an interrupted creation (it holds {CREATION_MARKER}) and no "
        "registered creation owns it, so venvreg leaves it alone",
        f"rm -rf {_word(path)}   # once you have checked it holds nothing you want",
    )


def _leftover_row(
    context: Context, record: EnvRecord, findings: list[Finding], running: list[str]
) -> None:
    """A creating/removing row: running now, or left behind by a kill -9."""
    creating = record.status == "creating"
    lock = context.lock_path("create" if creating else "remove", record.name)
    verb = "creation" if creating else "removal"
    kind: FindingKind = "interrupted-creation" if creating else "interrupted-removal"
    if not locks.is_abandoned(lock):
        running.append(f"{verb} of {record.name}")
        return
    outcome = "rolls it back" if creating else "finishes it"
    findings.append(
        Finding(
            kind,
            record.name,
            record.path,
            f"the {verb} of {record.name} was killed midway",
            f"venvreg ls   # any venvreg command {outcome}",
        )
    )


def _rebuild_leftovers(context: Context, running: list[str]) -> tuple[list[Finding], set[str]]:
    """Findings for rebuilds killed midway, and the name keys of every env being rebuilt."""
    found: list[Finding] = []
    busy: set[str] = set()
    for folder, journal in journals.pending(context.home):
        if journal is None:
            found.append(_orphan(folder, "a rebuild journal that cannot be read"))
            continue
        problem = journals.distrust(context, journal)
        if problem is not None:
            found.append(
                Finding(
                    "suspicious-journal",
                    None,
                    str(folder),
                    f"{folder} holds a rebuild journal that no rebuild wrote: {problem}; "
                    "venvreg does not act on it",
                    f"nothing to run: look into {_word(str(folder))} and move it out of "
                    ".venvreg once you know what it is",
                )
            )
            continue
        busy.add(name_key(journal.name))
        if not locks.is_abandoned(journals.lock_path(context, journal.name)):
            running.append(f"rebuild of {journal.name}")
            continue
        finished = journal.phase == journals.COMMITTED
        found.append(
            Finding(
                "interrupted-rebuild",
                journal.name,
                journal.path,
                f"the rebuild of {journal.name} was killed midway; the old env waits in "
                f"{journal.aside}",
                "venvreg ls   # any venvreg command "
                + ("moves the old env to the trash" if finished else "puts the old env back"),
            )
        )
    return found, busy


def _orphan(folder: Path, what: str) -> Finding:
    return Finding(
        "orphan-trash",
        None,
        str(folder),
        f"{folder} is {what}, left by an operation killed midway",
        f"rm -rf {_word(str(folder))}",
    )


def _orphan_trash(context: Context) -> list[Finding]:
    """Trash folders that `restore` cannot use: no readable entry, or an entry whose env is
    missing and that no pending removal is about to fill."""
    found: list[Finding] = []
    pending = envs.pending_trash_ids(context.conn)
    try:
        folders = sorted(Path(e.path) for e in os.scandir(context.home.trash) if e.is_dir())
    except OSError:
        return found
    for folder in folders:
        if folder.name in pending:
            continue
        entry = read_entry(folder)
        if entry is None or entry.id != folder.name:
            found.append(_orphan(folder, "a trash folder without a readable entry.json"))
        elif entry.kind in ("folder", "link") and not _exists(folder / ENV_FOLDER):
            found.append(_orphan(folder, f"the trash entry of {entry.name} without its env"))
    return found


def _exists(path: Path) -> bool:
    try:
        os.lstat(path)
    except OSError:
        return False
    return True


def _trash_leftovers(context: Context, running: list[str]) -> list[Finding]:
    """A `trash empty`, purge or restore killed after it took its entry out of the trash."""
    found: list[Finding] = []
    for operation, entry_id, folder in claimed_entries(context.home):
        verb = "restore" if operation == RESTORING else "deletion"
        if not locks.is_abandoned(context.home.locks / f"trash-{entry_id}.lock"):
            running.append(f"{verb} of the trash entry {entry_id}")
            continue
        found.append(
            Finding(
                "interrupted-trash",
                None,
                str(folder),
                f"the {verb} of the trash entry {entry_id} was killed midway",
                "venvreg trash list   # any venvreg command finishes it",
            )
        )
    return found
