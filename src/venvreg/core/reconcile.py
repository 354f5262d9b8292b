"""Keeping the index in step with the disk, which is the truth — cheaply.

New folders in WORKON_HOME are registered, an env made again at a registered path (a new
identity, see identity.py) is recorded as re-created with its history kept and a notice on
stderr, vanished ones are marked missing (and ready again when they return), and each env's
`.project` file wins over the registry's project path. Two caches keep a listing of a
thousand envs fast: WORKON_HOME is scanned again only when its own mtime moved (new, removed
or renamed folders), and each env is judged again only when the stat fingerprint of the files
its verdict depends on changed.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

from ..envdir.identity import identity_of, is_current_form, looks_like_env, same_identity
from ..envdir.project_file import project_filename, read_project_file, write_project_file
from ..envdir.venv import check_health, inspect_venv
from ..names import name_problem
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import FIELDS, EnvRecord
from ..settings.paths import env_bin_dir
from ..text import is_utf8, quoted
from .context import Context

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Collection

    from ..registry.envs import Origin

HOME_MTIME_KEY = "workon_home_mtime_ns"
PENDING_KEY = "workon_home_pending"
# A directory mtime this close to now may hide a change made in the same clock tick.
RACY_SECONDS = 2.0


class ReconcileReport:
    """What changed; `ignored` holds folders that cannot be registered, with the reason."""

    __slots__ = (
        "added", "ignored", "missing", "projects_synced", "reregistered", "returned",
        "unchanged_records", "unregistered",
    )  # fmt: skip

    def __init__(self) -> None:
        self.added: list[str] = []
        self.missing: list[str] = []
        self.returned: list[str] = []
        # Envs made again at their registered path: their rows keep their history.
        self.reregistered: list[str] = []
        self.projects_synced: list[str] = []
        self.ignored: list[tuple[str, str]] = []
        # The rows as read, when nothing had to be written (saves a second read of the table).
        self.unchanged_records: list[EnvRecord] | None = None
        # The visible folders in WORKON_HOME that have no row, as its last scan found them:
        # any case twin is among them.
        self.unregistered: list[str] = []

    @property
    def changed(self) -> bool:
        return bool(
            self.added or self.missing or self.returned or self.reregistered or self.projects_synced
        )


def _stat_token(path: str, follow: bool = True) -> str:
    try:
        status = os.stat(path, follow_symlinks=follow)
    except OSError as error:
        return f"!{error.errno}"
    link = "l" if not follow and stat.S_ISLNK(status.st_mode) else ""
    return f"{link}{status.st_ino}:{status.st_mtime_ns}:{status.st_size}"


class SharedStats:
    """Stats that many envs share (the base interpreter their links point to, their base
    folder), taken once per pass over the registry instead of once per env."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.dirs: dict[str, bool] = {}
        self.project_file = project_filename()  # an environment variable: read once a pass
        self.bin = os.path.basename(env_bin_dir(os.sep))
        self.now = time.time()

    def token(self, path: str) -> str:
        found = self.tokens.get(path)
        if found is None:
            found = self.tokens[path] = _stat_token(path)
        return found

    def isdir(self, path: str) -> bool:
        found = self.dirs.get(path)
        if found is None:
            found = self.dirs[path] = os.path.isdir(path)
        return found


_FIELDS = 7  # the fields between the env's path and the interpreter's link target
# Recorded instead of a link target that is not UTF-8 (no registry row can hold it), or that
# was read while bin/ had just changed: such a target is read again each time.
_UNRECORDED = "?"


def _recorded_fields(recorded: str | None, path: str) -> list[str] | None:
    """The fields of a fingerprint recorded for the env at `path`, after the path; None when
    there is none in this form."""
    if recorded is None or not recorded.startswith(path + "|"):
        return None
    fields = recorded[len(path) + 1 :].split("|", _FIELDS)
    if len(fields) != _FIELDS + 1 or not fields[_FIELDS].startswith("->"):
        return None
    return fields


def fingerprint(
    path: str,
    base_home: str | None,
    project: str | None,
    recorded: str | None = None,
    shared: SharedStats | None = None,
) -> str:
    """The stats a health verdict depends on: pyvenv.cfg, bin/, the interpreter (its link and
    what it resolves to), the .project file, and whether the base and project folders exist.

    Three system calls per env when nothing changed, four when bin/python goes through a
    second link in bin/ (`python -m venv`'s python -> python3). A symlink cannot change in
    place: a new target is a new link, made, removed or renamed in bin/, which changes bin/'s
    own stat. So while bin/'s stat is the one `recorded`, the interpreter is the link recorded
    there, with the same target, and is neither stat'ed nor read again; what it resolves to
    (usually one base Python for many envs) is stat'ed once per pass through `shared`. A bin/
    changed less than RACY_SECONDS before is not trusted so: a change in the same clock tick
    would leave its time as it was, so its target is not recorded, and is read again."""
    shared = shared or SharedStats()
    sep = os.sep  # the joins below are os.path.join's, without its cost per call
    bin_dir = f"{path}{sep}{shared.bin}"
    try:
        bin_status = os.stat(bin_dir)
    except OSError as error:
        bin_token, settled = f"!{error.errno}", False
    else:
        bin_token = f"{bin_status.st_ino}:{bin_status.st_mtime_ns}:{bin_status.st_size}"
        settled = shared.now - bin_status.st_mtime >= RACY_SECONDS
    fields = _recorded_fields(recorded, path)
    if (
        fields is not None
        and fields[1] == bin_token
        and fields[2].startswith("l")
        and fields[_FIELDS] != "->" + _UNRECORDED
    ):
        link, found = fields[2], fields[_FIELDS][2:]
    else:
        interpreter = f"{bin_dir}{sep}python"
        link = _stat_token(interpreter, follow=False)
        found = None
        if link.startswith("l"):
            try:
                found = os.readlink(interpreter)
            except OSError as error:
                found = f"!{error.errno}"
    if found is None:
        resolved, target = link, ""  # not a link: what it resolves to is itself
    else:
        # What the chain resolves to (os.path.join's result, without its cost per env).
        resolved = shared.token(found if found.startswith(sep) else f"{bin_dir}{sep}{found}")
        target = found if settled and is_utf8(found) else _UNRECORDED
    return "|".join(
        [
            path,
            _stat_token(f"{path}{sep}pyvenv.cfg"),
            bin_token,
            link,
            resolved,
            _stat_token(f"{path}{sep}{shared.project_file}"),
            "1" if base_home and shared.isdir(base_home) else "0",
            "1" if project and shared.isdir(project) else "0",
            "->" + target,
        ]
    )


def judge(record: EnvRecord) -> dict[str, object]:
    """Everything the folder says about itself now, as row changes (status, project, health)."""
    if not looks_like_env(record.path):
        gone = not os.path.lexists(record.path)
        cause = f"the folder {record.path} is gone" if gone else "pyvenv.cfg is missing"
        return {"status": "missing", "health_problems": cause, "fingerprint": None}
    info = inspect_venv(Path(record.path))
    project = read_project_file(record.path)
    health = check_health(info, project)
    changes: dict[str, object] = {
        "status": "ready",
        "project_path": project,
        "interpreter": str(info.interpreter) if info.interpreter else None,
        "python_version": info.python_version,
        "site_packages": str(info.site_packages) if info.site_packages else None,
        "base_home": info.home,
        "health_problems": "\n".join(health.problems) or None,
        "fingerprint": fingerprint(record.path, info.home, project),
    }
    if record.tool == "unknown" or record.origin == "found":  # an adopted env's owner is kept
        from ..envdir.owners import found_env_tool  # only for a folder judged: off start-up

        changes["tool"] = found_env_tool(record.path, info.tool)
    return changes


def record_for_folder(path: str, name: str, origin: Origin, now: float) -> EnvRecord:
    """A registry row describing an env folder, judged now."""
    record = EnvRecord(
        id=None,
        name=name,
        path=path,
        status="ready",
        origin=origin,
        created_at=_created_time(path, now),
        identity=identity_of(path),
    )
    for key, value in judge(record).items():
        setattr(record, key, value)
    return record


def _created_time(path: str, fallback: float) -> float:
    try:
        return os.stat(os.path.join(path, "pyvenv.cfg")).st_mtime
    except OSError:
        return fallback


def _home_env_folders(
    context: Context, report: ReconcileReport, registered: Collection[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """path -> name of every env folder directly inside WORKON_HOME that is not `registered`,
    and the names of the other visible folders (they may become envs later without
    WORKON_HOME's mtime moving). A registered folder is not looked at here: its fingerprint
    says whether it changed."""
    found: dict[str, str] = {}
    pending: list[str] = []
    try:
        entries = list(os.scandir(context.home.root))
    except OSError:
        return found, pending
    for entry in entries:
        if entry.name.startswith(".") or entry.path in registered:
            continue
        try:
            if not entry.is_dir():
                continue
        except OSError:
            continue
        if not looks_like_env(entry.path):
            pending.append(entry.name)
            continue
        problem = name_problem(entry.name)
        if problem is not None:
            report.ignored.append((entry.name, problem))
            pending.append(entry.name)
            continue
        found[entry.path] = entry.name
    return found, pending


def _pending_became_env(context: Context, names: list[str]) -> bool:
    """Has a folder that was not an env (or not registrable) at the last scan changed since?"""
    return any(looks_like_env(os.path.join(context.home.root, name)) for name in names)


def _home_mtime(context: Context) -> str | None:
    """WORKON_HOME's mtime, or None when it is too recent to trust (or unreadable)."""
    try:
        mtime_ns = os.stat(context.home.root).st_mtime_ns
    except OSError:
        return None
    if time.time() - mtime_ns / 1e9 < RACY_SECONDS:
        return None
    return str(mtime_ns)


def reconcile(
    context: Context, rescan_home: bool = False, rejudge: bool = False, rows: bool = True
) -> ReconcileReport:
    """Bring the registry in step with the disk; a few stats per env when nothing changed.
    `rescan_home` and `rejudge` bypass the two caches; `rows=False` only registers new
    folders and leaves the rows already there as they are (a caller that shows no verdict,
    status or project: their next listing judges them)."""
    report = ReconcileReport()
    records = {record.path: record for record in envs.all_records(context.conn)}
    home_mtime = _home_mtime(context)
    scan = rescan_home or home_mtime is None
    scan = scan or envs.get_meta(context.conn, HOME_MTIME_KEY) != home_mtime
    last_pending = (envs.get_meta(context.conn, PENDING_KEY) or "").split("\n")
    last_pending = [name for name in last_pending if name]
    scan = scan or _pending_became_env(context, last_pending)
    now = time.time()
    new_records: list[EnvRecord] = []
    updates: list[tuple[int, dict[str, object]]] = []

    pending: list[str] = last_pending
    if scan:
        found, pending = _home_env_folders(context, report, records)
        for path, name in found.items():
            if path not in records:
                new_records.append(record_for_folder(path, name, "found", now))
            # An env made again at a registered path has a new pyvenv.cfg and bin/, so a new
            # fingerprint: the loop below finds it, without an identity read per env here.

    shared = SharedStats()
    for record in records.values() if rows else ():
        if record.status not in ("ready", "missing") or record.name in report.reregistered:
            continue
        legacy = not is_current_form(record.identity)  # recorded by an older version, or none
        if (
            legacy
            or rejudge
            or fingerprint(
                record.path, record.base_home, record.project_path, record.fingerprint, shared
            )
            != record.fingerprint
        ):
            if looks_like_env(record.path) and _made_again(record):
                updates.append((_id(record), recreated(record, now)))
                report.reregistered.append(record.name)
                continue
            changes = judge(record)
            if legacy and changes["status"] == "ready":
                changes["identity"] = identity_of(record.path)  # in today's form, silently
            if changes["status"] != record.status:
                (report.missing if changes["status"] == "missing" else report.returned).append(
                    record.name
                )
            if "project_path" in changes and changes["project_path"] != record.project_path:
                report.projects_synced.append(record.name)
            updates.append((_id(record), changes))

    report.unregistered = pending
    if not new_records and not updates and not (scan and home_mtime):
        report.unchanged_records = list(records.values())
        return report
    with write_transaction(context.conn, idempotent=True):
        for new in new_records:
            clash = envs.get_by_name(context.conn, new.name)
            if envs.get_by_path(context.conn, new.path) is not None:
                continue  # another shell registered it meanwhile
            if clash is not None:
                report.ignored.append(
                    (new.name, f"a case twin of {quoted(clash.name)} at {quoted(clash.path)}: "
                     "names differ only in case, so it is listed but not indexed")
                )  # fmt: skip
                pending.append(os.path.basename(new.path))  # registrable once the clash goes
                continue
            envs.insert(context.conn, new)
            report.added.append(new.name)
        for env_id, changes in updates:
            envs.update(context.conn, env_id, **changes)
        if scan and home_mtime is not None:
            envs.set_meta(context.conn, HOME_MTIME_KEY, home_mtime)
            # Folders the scan could not register; a name with a line break cannot be listed
            # here, nor one that is not UTF-8 be stored, and neither is ever registrable.
            registrable_later = [name for name in pending if "\n" not in name and is_utf8(name)]
            envs.set_meta(context.conn, PENDING_KEY, "\n".join(registrable_later))
    for name in report.reregistered:
        path = next(r.path for r in records.values() if r.name == name)
        print(
            f"venvreg: note: {name!r} at {path} was made again since it was registered (a new "
            "folder or a new bin/); its history (origin, created, uses, project) is kept",
            file=sys.stderr,
        )
    if report.changed or report.ignored:  # ignored: a case twin is completed by its name too
        from .shell_index import publish_index  # only after a change: off start-up

        publish_index(context)
    return report


def _made_again(record: EnvRecord) -> bool:
    """Is the env at the row's path not the one recorded? (No identity recorded: not known.)"""
    return record.identity is not None and not same_identity(record.identity, record.path)


def recreated(record: EnvRecord, now: float) -> dict[str, object]:
    """Row changes for an env made again at its path: what the new folder says about itself,
    its new identity and when it was seen, and everything else the row knew (origin, backend,
    creation time, uses, project) kept. A project the new folder does not name is written
    back into its `.project` file, as virtualenvwrapper keeps it."""
    as_found = EnvRecord(*(getattr(record, column) for column in FIELDS))
    as_found.tool = "unknown"  # the new folder names its maker
    changes = judge(as_found)
    if changes.get("tool") == "unknown":
        changes["tool"] = record.tool
    changes.update(identity=identity_of(record.path), recreated_at=now)
    changes.update(size_bytes=None, size_measured_at=None)  # its content is new
    if record.project_path and not changes.get("project_path"):
        try:
            write_project_file(Path(record.path), record.project_path)
        except OSError:
            pass  # a read-only folder: the registry still remembers the project
        else:
            changes["project_path"] = record.project_path
            base = changes.get("base_home")
            changes["fingerprint"] = fingerprint(
                record.path, base if isinstance(base, str) else None, record.project_path
            )
    return changes


def _id(record: EnvRecord) -> int:
    assert record.id is not None
    return record.id
